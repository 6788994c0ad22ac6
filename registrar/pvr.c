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

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "cms.h"
#include "cose.h"
#include "voucher_cbor.h"
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
		/* why names the certificate; naming it twice cut the
		 * reason ("has expired") off at BRSKI_ERR_MSG_MAX */
		return brski_fail(e, BRSKI_EPOLICY, "IDevID refused, not from a "
		    "manufacturer on the allow list (manufacturer-ca): %s",
		    why.msg);
	if (tls->v[0]->serial_number == NULL)
		return brski_fail(e, BRSKI_EPOLICY, "IDevID %s has no "
		    "serialNumber in its subject (RFC 8995 2.3.1)",
		    x509_label(tls->v[0], lbl, sizeof(lbl)));
	return BRSKI_OK;
}

/* proximity-registrar-cert, -pubk or -pubk-sha256 names our TLS/DTLS
 * certificate (the constrained draft allows the key forms). */
static int
names_us(const struct reg_identity *id, const struct voucher *v)
{
	const struct x509_cert	*c = id->tls_cert;
	uint8_t			 fp[WC_SHA256_DIGEST_SIZE];

	if (VOUCHER_HAS(v, VL_PROXIMITY_REGISTRAR_CERT))
		return v->proximity_registrar_cert.len == c->der_len &&
		    memcmp(v->proximity_registrar_cert.data, c->der,
		    c->der_len) == 0;
	if (VOUCHER_HAS(v, VL_PROXIMITY_REGISTRAR_PUBK))
		return v->proximity_registrar_pubk.len == c->spki_len &&
		    memcmp(v->proximity_registrar_pubk.data, c->spki,
		    c->spki_len) == 0;
	if (VOUCHER_HAS(v, VL_PROXIMITY_REGISTRAR_PUBK_SHA256)) {
		wc_Sha256Hash(c->spki, (word32)c->spki_len, fp);
		return memcmp(v->proximity_registrar_pubk_sha256.data, fp,
		    sizeof(fp)) == 0;
	}
	return 0;
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
	if (!names_us(id, v))
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

/* CMS + JSON: signed by the key of the TLS client's certificate. */
static enum brski_rc
unwrap_cms(const uint8_t *body, size_t len, time_t now, struct pvr *p,
    struct brski_err *e)
{
	struct cms_signed	*s = NULL;
	enum brski_rc		 rc;

	if ((rc = cms_verify(body, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    NULL, now, &s, e)) != BRSKI_OK) {
		brski_prefix(e, "voucher-request: ");
		goto out;
	}
	/* RFC 8995 5.3: signed by the IDevID that authenticated TLS */
	if (s->signer->spki_len != p->idevid->spki_len ||
	    memcmp(s->signer->spki, p->idevid->spki, p->idevid->spki_len) != 0) {
		rc = brski_fail(e, E401, "voucher-request is not signed by the "
		    "IDevID that authenticated the TLS connection");
		goto out;
	}
	if ((rc = voucher_parse_json(s->content, s->content_len,
	    VOUCHER_KIND_REQUEST, &p->vr, e)) != BRSKI_OK)
		brski_prefix(e, "voucher-request: ");
out:
	cms_signed_free(s);
	return rc;
}

/* COSE + CBOR: x5bag and kid are ignored (cBRSKI); the DTLS client's
 * key must have made the signature. */
static enum brski_rc
unwrap_cose(const uint8_t *body, size_t len, struct pvr *p,
    struct brski_err *e)
{
	struct cose_sign1	*s = NULL;
	enum brski_rc		 rc;

	if ((rc = cose_sign1_parse(body, len, &s, e)) != BRSKI_OK) {
		brski_prefix(e, "voucher-request: ");
		goto out;
	}
	if (cose_sign1_verify(s, p->idevid->spki, p->idevid->spki_len, NULL) !=
	    BRSKI_OK) {
		rc = brski_fail(e, E401, "voucher-request is not signed by the "
		    "IDevID that authenticated the DTLS session");
		goto out;
	}
	if ((rc = voucher_parse_cbor(s->payload, s->payload_len,
	    VOUCHER_KIND_REQUEST, &p->vr, e)) != BRSKI_OK)
		brski_prefix(e, "voucher-request: ");
out:
	cose_sign1_free(s);
	return rc;
}

/*
 * Check a PVR (body; cose selects the format) that arrived over a
 * session with client chain tls.  On success p holds the parsed request
 * (pvr_clear()).  BRSKI_EPOLICY: the pledge is not acceptable here
 * (403); BRSKI_EVERIFY: signature or proximity wrong (401);
 * BRSKI_EPARSE: malformed.
 */
enum brski_rc
pvr_check(const struct reg_identity *id, const uint8_t *body, size_t len,
    int cose, const struct x509_list *tls, time_t now, struct pvr *p,
    struct brski_err *e)
{
	enum brski_rc	rc;

	memset(p, 0, sizeof(*p));
	p->cose = cose;
	if ((rc = check_idevid(id, tls, now, e)) != BRSKI_OK)
		return rc;
	p->idevid = tls->v[0];
	p->idevid_chain = tls;
	p->raw = body;
	p->raw_len = len;
	if ((rc = cose ? unwrap_cose(body, len, p, e) :
	    unwrap_cms(body, len, now, p, e)) != BRSKI_OK)
		return rc;
	return check_fields(id, p, now, e);
}

void
pvr_clear(struct pvr *p)
{
	voucher_free(p->vr);
	memset(p, 0, sizeof(*p));
}

/* The certificates sent with the RVR: the RA chain and our TLS
 * certificate (whose SPKI the MASA looks for, RFC 8995 5.5.5), and in
 * COSE the pledge's IDevID chain too (cBRSKI: x5bag carries it). */
static enum brski_rc
rvr_bag(const struct reg_identity *id, const struct pvr *p,
    struct x509_list *bag, struct brski_err *e)
{
	struct x509_cert	*c;
	size_t			 i;
	enum brski_rc		 rc = BRSKI_OK;

	for (i = 0; i < id->ra_chain.n && rc == BRSKI_OK; i++)
		if ((rc = x509_dup(id->ra_chain.v[i], &c, e)) == BRSKI_OK)
			rc = x509_list_push(bag, c, e);
	if (rc == BRSKI_OK && !x509_equal(id->tls_cert, id->ra_cert) &&
	    (rc = x509_dup(id->tls_cert, &c, e)) == BRSKI_OK)
		rc = x509_list_push(bag, c, e);
	for (i = 0; p->cose && p->idevid_chain != NULL &&
	    i < p->idevid_chain->n && rc == BRSKI_OK; i++)
		if ((rc = x509_dup(p->idevid_chain->v[i], &c, e)) == BRSKI_OK)
			rc = x509_list_push(bag, c, e);
	return rc;
}

static enum brski_rc
rvr_sign(const struct reg_identity *id, const struct pvr *p,
    const struct voucher *v, const struct x509_list *bag, time_t now,
    uint8_t **out, size_t *outlen, struct brski_err *e)
{
	struct cose_sign_opts	 o = { NULL, 0, bag, COSE_HDR_X5BAG, 0 };
	uint8_t			*enc = NULL;
	char			*json = NULL;
	size_t			 len;
	enum brski_rc		 rc;

	if (p->cose) {
		if ((rc = voucher_to_cbor(v, &enc, &len, e)) == BRSKI_OK)
			rc = cose_sign1(enc, len, id->ra_key, &o, out, outlen, e);
		free(enc);
		return rc;
	}
	if ((rc = voucher_to_json(v, &json, &len, e)) == BRSKI_OK)
		rc = cms_sign((const uint8_t *)json, len, cms_oid_voucher,
		    sizeof(cms_oid_voucher), id->ra_cert, bag, id->ra_key, now,
		    out, outlen, e);
	free(json);
	return rc;
}

/*
 * Build the registrar voucher-request (RFC 8995 5.5) in the PVR's
 * format: created-on, the pledge's nonce, serial-number from the IDevID
 * (never copied from the PVR), idevid-issuer (the IDevID's AKI
 * extnValue, 8366bis), assertion proximity, the PVR as
 * prior-signed-voucher-request; signed with the RA key.  *out is the
 * caller's.
 */
enum brski_rc
rvr_build(const struct reg_identity *id, const struct pvr *p, time_t now,
    uint8_t **out, size_t *outlen, struct brski_err *e)
{
	struct voucher		*v;
	struct x509_list	 bag = { 0 };
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
	if ((rc = rvr_bag(id, p, &bag, e)) == BRSKI_OK)
		rc = rvr_sign(id, p, v, &bag, now, out, outlen, e);
out:
	x509_list_free(&bag);
	voucher_free(v);
	return rc;
}
