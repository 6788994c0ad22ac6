/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pledge voucher-request checks (RFC 8995 5.2, 5.3, 7 "Registrar"):
 * the IDevID that authenticated TLS is from an allowed manufacturer; the
 * PVR is CMS-signed by that same IDevID; it asserts proximity to *this*
 * registrar (proximity-registrar-cert is our TLS certificate; otherwise a
 * man in the middle relayed it: 401); its serial-number is the one in
 * the IDevID subject; created-on is plausible; it has a nonce.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "vr.h"

#define CLOCK_SKEW	3600	/* created-on may be this far in the future */

/* A refusal the pledge may see as 401 (RFC 8995 5.3: MITM suspicion). */
#define E401 BRSKI_EVERIFY

static enum brski_rc
check_idevid(const struct reg_identity *id, const struct x509_list *tls,
    time_t now, struct brski_err *e)
{
	struct brski_err	why = { 0 };
	char			lbl[300];

	if (tls == NULL || tls->n == 0)
		return brski_fail(e, BRSKI_EPOLICY, "no IDevID: the pledge must "
		    "present its IDevID as TLS client certificate");
	/* RFC 8995 5.3: 403, the operator may add the manufacturer */
	if (x509_verify(tls->v[0], tls, &id->manufacturer_cas, now, NULL,
	    &why) != BRSKI_OK)
		return brski_fail(e, BRSKI_EPOLICY, "IDevID %s refused: not from "
		    "a manufacturer on the allow list (manufacturer-ca): %s",
		    x509_label(tls->v[0], lbl, sizeof(lbl)), why.msg);
	if (tls->v[0]->serial_number == NULL)
		return brski_fail(e, BRSKI_EPOLICY, "IDevID %s has no "
		    "serialNumber in its subject (RFC 8995 2.3.1)",
		    x509_label(tls->v[0], lbl, sizeof(lbl)));
	return BRSKI_OK;
}

static enum brski_rc
check_fields(const struct reg_identity *id, const struct pvr *p, time_t now,
    struct brski_err *e)
{
	const struct voucher	*v = p->vr;

	if (!VOUCHER_HAS(v, VL_ASSERTION) ||
	    v->assertion != VOUCHER_ASSERT_PROXIMITY)
		return brski_fail(e, E401, "voucher-request does not assert "
		    "proximity");
	if (!VOUCHER_HAS(v, VL_PROXIMITY_REGISTRAR_CERT) ||
	    v->proximity_registrar_cert.len != id->tls_cert->der_len ||
	    memcmp(v->proximity_registrar_cert.data, id->tls_cert->der,
	    id->tls_cert->der_len) != 0)
		return brski_fail(e, E401, "proximity-registrar-cert is not this "
		    "registrar's certificate: the pledge talked to someone else "
		    "(man in the middle?)");
	if (strcmp(v->serial_number, p->idevid->serial_number) != 0)
		return brski_fail(e, BRSKI_EVERIFY, "serial-number \"%.64s\" in "
		    "the voucher-request is not the IDevID's \"%.64s\"",
		    v->serial_number, p->idevid->serial_number);
	if (!VOUCHER_HAS(v, VL_NONCE))
		return brski_fail(e, BRSKI_EPARSE, "voucher-request has no nonce");
	if (VOUCHER_HAS(v, VL_CREATED_ON) && v->created_on > now + CLOCK_SKEW)
		return brski_fail(e, BRSKI_EPARSE, "created-on lies in the future");
	if (VOUCHER_HAS(v, VL_CREATED_ON) &&
	    v->created_on < p->idevid->not_before - CLOCK_SKEW)
		return brski_fail(e, BRSKI_EPARSE, "created-on is before the "
		    "IDevID was made");
	return BRSKI_OK;
}

/*
 * Check a PVR (body) that arrived over TLS with client chain tls.  On
 * success p holds the parsed request (pvr_clear()).  BRSKI_EPOLICY: the
 * pledge is not acceptable here (403); BRSKI_EVERIFY: signature or
 * proximity wrong (401 for proximity, see pvr.c); BRSKI_EPARSE: malformed.
 */
enum brski_rc
pvr_check(const struct reg_identity *id, const uint8_t *body, size_t len,
    const struct x509_list *tls, time_t now, struct pvr *p,
    struct brski_err *e)
{
	enum brski_rc	rc;

	memset(p, 0, sizeof(*p));
	if ((rc = check_idevid(id, tls, now, e)) != BRSKI_OK)
		return rc;
	p->idevid = tls->v[0];
	p->raw = body;
	p->raw_len = len;
	if ((rc = cms_verify(body, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    NULL, now, &p->cms, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher-request: ");
	/* RFC 8995 5.3: signed by the IDevID that authenticated TLS */
	if (p->cms->signer->spki_len != p->idevid->spki_len ||
	    memcmp(p->cms->signer->spki, p->idevid->spki,
	    p->idevid->spki_len) != 0)
		return brski_fail(e, E401, "voucher-request is not signed by the "
		    "IDevID that authenticated the TLS connection");
	if ((rc = voucher_parse_json(p->cms->content, p->cms->content_len,
	    VOUCHER_KIND_REQUEST, &p->vr, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher-request: ");
	return check_fields(id, p, now, e);
}

void
pvr_clear(struct pvr *p)
{
	cms_signed_free(p->cms);
	voucher_free(p->vr);
	memset(p, 0, sizeof(*p));
}

/*
 * Build the registrar voucher-request (RFC 8995 5.5): created-on, the
 * pledge's nonce, serial-number from the IDevID (never copied from the
 * PVR), idevid-issuer (the IDevID's AKI extnValue, 8366bis),
 * assertion proximity, prior-signed-voucher-request; signed with the RA
 * key.  The CMS carries the RA chain and our TLS certificate, whose
 * SPKI the MASA looks for (5.5.5).  *out is the caller's.
 */
enum brski_rc
rvr_build(const struct reg_identity *id, const struct pvr *p, time_t now,
    uint8_t **out, size_t *outlen, struct brski_err *e)
{
	struct voucher		*v;
	struct x509_list	 bag = { 0 };
	struct x509_cert	*c;
	char			*json = NULL;
	size_t			 jlen, i;
	enum brski_rc		 rc;

	*out = NULL;
	if ((v = voucher_new(VOUCHER_KIND_REQUEST)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	voucher_set_assertion(v, VOUCHER_ASSERT_PROXIMITY);
	if ((rc = voucher_set_date(v, VL_CREATED_ON, now, e)) != BRSKI_OK ||
	    (rc = voucher_set_string(v, VL_SERIAL_NUMBER,
	    p->idevid->serial_number, e)) != BRSKI_OK ||
	    (rc = voucher_set_bin(v, VL_NONCE, p->vr->nonce.data,
	    p->vr->nonce.len, e)) != BRSKI_OK ||
	    (rc = voucher_set_bin(v, VL_PRIOR_SIGNED_VOUCHER_REQUEST, p->raw,
	    p->raw_len, e)) != BRSKI_OK)
		goto out;
	if (p->idevid->aki_ext_len > 0 && (rc = voucher_set_bin(v,
	    VL_IDEVID_ISSUER, p->idevid->aki_ext, p->idevid->aki_ext_len, e)) !=
	    BRSKI_OK)
		goto out;
	for (i = 0; i < id->ra_chain.n && rc == BRSKI_OK; i++)
		if ((rc = x509_dup(id->ra_chain.v[i], &c, e)) == BRSKI_OK)
			rc = x509_list_push(&bag, c, e);
	if (rc == BRSKI_OK && !x509_equal(id->tls_cert, id->ra_cert) &&
	    (rc = x509_dup(id->tls_cert, &c, e)) == BRSKI_OK)
		rc = x509_list_push(&bag, c, e);
	if (rc != BRSKI_OK ||
	    (rc = voucher_to_json(v, &json, &jlen, e)) != BRSKI_OK)
		goto out;
	rc = cms_sign((const uint8_t *)json, jlen, cms_oid_voucher,
	    sizeof(cms_oid_voucher), id->ra_cert, &bag, id->ra_key, now, out,
	    outlen, e);
out:
	free(json);
	x509_list_free(&bag);
	voucher_free(v);
	return rc;
}
