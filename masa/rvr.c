/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Checks of a registrar voucher-request (RFC 8995 5.5), in the order the
 * RFC gives them: the CMS signature; the signer is a registrar
 * (id-kp-cmcRA, 5.5.4) and chains to the domain CA the request carries
 * (5.5.2, the "temporary trust anchor" that will be pinned); the TLS
 * client certificate belongs to that domain; then the pledge's
 * prior-signed-voucher-request: signed by an IDevID of this
 * manufacturer, same serial-number, same nonce (5.5.7), and a
 * proximity-registrar-cert whose SPKI is in the RVR's chain (5.5.5).
 * Every refusal says why, for the log and for the registrar (RFC 8995
 * 5.6: the MASA answers with a human-readable reason).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "b64.h"
#include "masa.h"

/* RFC 8995 5.8.2: the SKI of the pinned certificate, else the SPKI
 * SHA-256 fingerprint (RFC 7469), base64. */
enum brski_rc
masa_domain_id(const struct x509_cert *c, char *out, size_t outlen,
    struct brski_err *e)
{
	uint8_t		 fp[WC_SHA256_DIGEST_SIZE];
	const uint8_t	*id = c->ski;
	size_t		 idlen = c->ski_len, n;
	char		*s = NULL;
	enum brski_rc	 rc;

	if (idlen == 0) {
		wc_Sha256Hash(c->spki, (word32)c->spki_len, fp);
		id = fp;
		idlen = sizeof(fp);
	}
	if ((rc = b64_encode(id, idlen, &s, &n, e)) != BRSKI_OK)
		return rc;
	if (n >= outlen) {
		free(s);
		return brski_fail(e, BRSKI_EINVAL, "domain id too long");
	}
	memcpy(out, s, n + 1);
	free(s);
	return BRSKI_OK;
}

/* x509_verify() of leaf against one anchor, with bag as intermediates. */
static enum brski_rc
verify_to(const struct x509_cert *leaf, const struct x509_list *bag,
    const struct x509_cert *anchor, time_t now, struct brski_err *e)
{
	struct x509_cert	*a = (struct x509_cert *)anchor;
	struct x509_list	 one = { &a, 1 };

	return x509_verify(leaf, bag, &one, now, NULL, e);
}

/* The registrar's TLS client certificate must belong to the domain. */
static enum brski_rc
check_client(const struct masa *m, const struct x509_list *tls, time_t now,
    struct rvr *r, struct brski_err *e)
{
	struct x509_list	bag = { 0 };
	size_t			i;
	enum brski_rc		rc;

	if (tls == NULL || tls->n == 0) {
		if (m->pol.require_client_cert)
			return brski_fail(e, BRSKI_EVERIFY, "no TLS client "
			    "certificate: the registrar must authenticate");
		return BRSKI_OK;
	}
	if (m->registrar_cas.n > 0 && x509_verify(tls->v[0], tls,
	    &m->registrar_cas, now, NULL, NULL) == BRSKI_OK) {
		r->authenticated = 1;
		return BRSKI_OK;
	}
	/* the TLS chain plus the RVR's certificates as intermediates */
	for (i = 0; i < tls->n + r->cms->certs.n; i++) {
		struct x509_cert	*c;

		c = i < tls->n ? tls->v[i] : r->cms->certs.v[i - tls->n];
		if ((rc = x509_dup(c, &c, e)) != BRSKI_OK ||
		    (rc = x509_list_push(&bag, c, e)) != BRSKI_OK) {
			x509_list_free(&bag);
			return rc;
		}
	}
	rc = verify_to(tls->v[0], &bag, r->domain_ca, now, e);
	x509_list_free(&bag);
	if (rc != BRSKI_OK)
		return brski_prefix(e, "TLS client certificate is not of the "
		    "domain that signed the voucher-request: ");
	return BRSKI_OK;
}

/*
 * Verify the RVR's signature and origin and parse it; fills r (the
 * caller clears it with rvr_clear()).  tls is the TLS client chain (may
 * be empty).  BRSKI_EPARSE for malformed input, BRSKI_EVERIFY when a
 * check fails.
 */
enum brski_rc
rvr_authenticate(const struct masa *m, const uint8_t *body, size_t len,
    const struct x509_list *tls, time_t now, struct rvr *r,
    struct brski_err *e)
{
	const struct x509_cert	*signer;
	enum brski_rc		 rc;

	memset(r, 0, sizeof(*r));
	if ((rc = cms_verify(body, len, cms_oid_voucher,
	    sizeof(cms_oid_voucher), NULL, now, &r->cms, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher-request: ");
	signer = r->cms->signer;
	if (!(signer->eku & X509_EKU_CMC_RA))
		return brski_fail(e, BRSKI_EVERIFY, "voucher-request signer "
		    "\"%.100s\" lacks id-kp-cmcRA: not a registrar",
		    signer->subject);
	r->domain_ca = x509_path_top(signer, &r->cms->certs);
	if ((rc = verify_to(signer, &r->cms->certs, r->domain_ca, now, e)) !=
	    BRSKI_OK)
		return brski_prefix(e, "voucher-request signer does not chain to "
		    "its domain CA: ");
	if (m->registrar_cas.n > 0 && x509_verify(signer, &r->cms->certs,
	    &m->registrar_cas, now, NULL, NULL) == BRSKI_OK)
		r->authenticated = 1;
	if ((rc = masa_domain_id(r->domain_ca, r->domain_id,
	    sizeof(r->domain_id), e)) != BRSKI_OK ||
	    (rc = check_client(m, tls, now, r, e)) != BRSKI_OK)
		return rc;
	if ((rc = voucher_parse_json(r->cms->content, r->cms->content_len,
	    VOUCHER_KIND_REQUEST, &r->vr, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher-request: ");
	if (VOUCHER_HAS(r->vr, VL_PROXIMITY_REGISTRAR_CERT))
		return brski_fail(e, BRSKI_EPARSE, "registrar voucher-request "
		    "carries proximity-registrar-cert (RFC 8995 5.5: MUST NOT)");
	return BRSKI_OK;
}

/* RFC 8995 5.5.5: the SPKI of proximity-registrar-cert is in the chain. */
static enum brski_rc
check_proximity(const struct rvr *r, struct brski_err *e)
{
	struct x509_cert	*prox = NULL;
	size_t			 i;
	int			 found = 0;
	enum brski_rc		 rc;

	if (!VOUCHER_HAS(r->pvr, VL_PROXIMITY_REGISTRAR_CERT))
		return brski_fail(e, BRSKI_EVERIFY, "pledge voucher-request has "
		    "no proximity-registrar-cert");
	if ((rc = x509_parse(r->pvr->proximity_registrar_cert.data,
	    r->pvr->proximity_registrar_cert.len, &prox, e)) != BRSKI_OK)
		return brski_prefix(e, "proximity-registrar-cert: ");
	for (i = 0; i < r->cms->certs.n && !found; i++)
		found = r->cms->certs.v[i]->spki_len == prox->spki_len &&
		    memcmp(r->cms->certs.v[i]->spki, prox->spki,
		    prox->spki_len) == 0;
	x509_free(prox);
	if (!found)
		return brski_fail(e, BRSKI_EVERIFY, "the registrar the pledge "
		    "saw (proximity-registrar-cert) is not in the chain that "
		    "signed the registrar voucher-request");
	return BRSKI_OK;
}

/* idevid-issuer, when the RVR has one, names the IDevID's issuer key:
 * the whole AKI extnValue (8366bis), or (older peers) its keyIdentifier. */
static int
issuer_matches(const struct voucher_bin *ii, const struct x509_cert *idevid)
{
	if (idevid->aki_ext_len > 0 && ii->len == idevid->aki_ext_len &&
	    memcmp(ii->data, idevid->aki_ext, ii->len) == 0)
		return 1;
	return idevid->aki_keyid_len > 0 && ii->len == idevid->aki_keyid_len &&
	    memcmp(ii->data, idevid->aki_keyid, ii->len) == 0;
}

static enum brski_rc
check_pvr_fields(const struct rvr *r, struct brski_err *e)
{
	const struct x509_cert	*idevid = r->pvr_cms->signer;

	if (idevid->serial_number == NULL)
		return brski_fail(e, BRSKI_EVERIFY, "IDevID \"%.100s\" has no "
		    "serialNumber in its subject", idevid->subject);
	if (strcmp(idevid->serial_number, r->vr->serial_number) != 0)
		return brski_fail(e, BRSKI_EVERIFY, "serial-number \"%.64s\" in "
		    "the registrar voucher-request is not the IDevID's \"%.64s\"",
		    r->vr->serial_number, idevid->serial_number);
	if (strcmp(r->pvr->serial_number, idevid->serial_number) != 0)
		return brski_fail(e, BRSKI_EVERIFY, "serial-number in the "
		    "pledge voucher-request is not the IDevID's");
	if (VOUCHER_HAS(r->vr, VL_IDEVID_ISSUER) &&
	    !issuer_matches(&r->vr->idevid_issuer, idevid))
		return brski_fail(e, BRSKI_EVERIFY, "idevid-issuer does not name "
		    "the issuer of the pledge's IDevID");
	if (!VOUCHER_HAS(r->pvr, VL_ASSERTION) ||
	    r->pvr->assertion != VOUCHER_ASSERT_PROXIMITY)
		return brski_fail(e, BRSKI_EVERIFY, "pledge voucher-request does "
		    "not assert proximity");
	/* RFC 8995 5.5.7: the nonce must be consistent */
	if (VOUCHER_HAS(r->vr, VL_NONCE) && (!VOUCHER_HAS(r->pvr, VL_NONCE) ||
	    r->vr->nonce.len != r->pvr->nonce.len ||
	    memcmp(r->vr->nonce.data, r->pvr->nonce.data, r->vr->nonce.len) != 0))
		return brski_fail(e, BRSKI_EVERIFY, "nonce in the registrar "
		    "voucher-request differs from the pledge's");
	return check_proximity(r, e);
}

/*
 * The pledge's part: verify the prior-signed-voucher-request (signed by
 * an IDevID of one of our manufacturer CAs) and its consistency with the
 * RVR, decide the assertion, and apply the nonceless policy.
 */
enum brski_rc
rvr_check_pvr(const struct masa *m, time_t now, struct rvr *r,
    struct brski_err *e)
{
	const struct voucher_bin	*p = &r->vr->prior_signed_voucher_request;
	enum brski_rc			 rc;

	if (VOUCHER_HAS(r->vr, VL_PRIOR_SIGNED_VOUCHER_REQUEST)) {
		if ((rc = cms_verify(p->data, p->len, cms_oid_voucher,
		    sizeof(cms_oid_voucher), &m->manufacturer_cas, now,
		    &r->pvr_cms, e)) != BRSKI_OK)
			return brski_prefix(e, "prior-signed-voucher-request is "
			    "not signed by an IDevID of this manufacturer: ");
		if ((rc = voucher_parse_json(r->pvr_cms->content,
		    r->pvr_cms->content_len, VOUCHER_KIND_REQUEST, &r->pvr, e)) !=
		    BRSKI_OK)
			return brski_prefix(e, "prior-signed-voucher-request: ");
		if ((rc = check_pvr_fields(r, e)) != BRSKI_OK)
			return rc;
		r->assertion = VOUCHER_ASSERT_PROXIMITY;
	} else if (m->pol.require_pvr)
		return brski_fail(e, BRSKI_EVERIFY, "no prior-signed-voucher-"
		    "request: this MASA vouches only for pledges it can see");
	else
		r->assertion = VOUCHER_ASSERT_LOGGED;
	if (VOUCHER_HAS(r->vr, VL_NONCE))
		return b64_encode(r->vr->nonce.data, r->vr->nonce.len,
		    &r->nonce_text, NULL, e);
	/* RFC 8995 5.5.4: a nonceless request needs an authenticated registrar */
	if (!m->pol.allow_nonceless)
		return brski_fail(e, BRSKI_EPOLICY, "nonceless voucher-request "
		    "refused: this MASA issues nonced vouchers only");
	if (!r->authenticated)
		return brski_fail(e, BRSKI_EVERIFY, "nonceless voucher-request "
		    "from a registrar no configured anchor authenticates");
	return BRSKI_OK;
}

void
rvr_clear(struct rvr *r)
{
	cms_signed_free(r->cms);
	voucher_free(r->vr);
	cms_signed_free(r->pvr_cms);
	voucher_free(r->pvr);
	free(r->nonce_text);
	memset(r, 0, sizeof(*r));
}
