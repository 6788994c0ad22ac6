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
 *
 * Two formats arrive: CMS-signed JSON (RFC 8995) and COSE-signed CBOR
 * (constrained voucher draft), where the certificates travel in x5bag:
 * the registrar's chain and the pledge's IDevID chain.  Only the
 * unwrapping differs; the checks are the same.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "b64.h"
#include "cose.h"
#include "masa.h"
#include "voucher_cbor.h"

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
	for (i = 0; i < tls->n + r->bag.n; i++) {
		struct x509_cert	*c;

		c = i < tls->n ? tls->v[i] : r->bag.v[i - tls->n];
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

/* CMS: the signature, the signer and the certificates it carries. */
static enum brski_rc
unwrap_cms(const uint8_t *body, size_t len, time_t now, struct rvr *r,
    const uint8_t **content, size_t *clen, struct cms_signed **keep,
    struct brski_err *e)
{
	struct cms_signed	*s = NULL;
	enum brski_rc		 rc;

	if ((rc = cms_verify(body, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    NULL, now, &s, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher-request: ");
	r->bag = s->certs;
	memset(&s->certs, 0, sizeof(s->certs));
	r->signer = s->signer;
	s->signer = NULL;
	*content = s->content;
	*clen = s->content_len;
	*keep = s;
	return BRSKI_OK;
}

/* COSE: the signer is the x5bag certificate whose key made the signature. */
static enum brski_rc
unwrap_cose(const uint8_t *body, size_t len, struct rvr *r,
    struct cose_sign1 **keep, struct brski_err *e)
{
	const struct x509_cert	*signer;
	enum brski_rc		 rc;

	if ((rc = cose_sign1_parse(body, len, keep, e)) != BRSKI_OK ||
	    (rc = cose_sign1_find_signer(*keep, &signer, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher-request: ");
	if ((rc = x509_dup(signer, &r->signer, e)) != BRSKI_OK)
		return rc;
	r->bag = (*keep)->certs;
	memset(&(*keep)->certs, 0, sizeof((*keep)->certs));
	return BRSKI_OK;
}

static enum brski_rc
check_registrar(const struct masa *m, const struct x509_list *tls, time_t now,
    struct rvr *r, struct brski_err *e)
{
	enum brski_rc	rc;

	if (!(r->signer->eku & X509_EKU_CMC_RA))
		return brski_fail(e, BRSKI_EVERIFY, "voucher-request signer "
		    "\"%.100s\" lacks id-kp-cmcRA: not a registrar",
		    r->signer->subject);
	/* the farthest certificate the bag leads to (may be the signer) */
	r->domain_ca = x509_path_top(r->signer, &r->bag);
	if ((rc = verify_to(r->signer, &r->bag, r->domain_ca, now, e)) !=
	    BRSKI_OK)
		return brski_prefix(e, "voucher-request signer does not chain to "
		    "its domain CA: ");
	if (m->registrar_cas.n > 0 && x509_verify(r->signer, &r->bag,
	    &m->registrar_cas, now, NULL, NULL) == BRSKI_OK)
		r->authenticated = 1;
	if ((rc = masa_domain_id(r->domain_ca, r->domain_id,
	    sizeof(r->domain_id), e)) != BRSKI_OK)
		return rc;
	return check_client(m, tls, now, r, e);
}

/*
 * Verify the RVR's signature and origin and parse it; fills r (the
 * caller clears it with rvr_clear()).  cose selects the format; tls is
 * the TLS client chain (may be empty).  BRSKI_EPARSE for malformed
 * input, BRSKI_EVERIFY when a check fails.
 */
enum brski_rc
rvr_authenticate(const struct masa *m, const uint8_t *body, size_t len,
    int cose, const struct x509_list *tls, time_t now, struct rvr *r,
    struct brski_err *e)
{
	struct cms_signed	*cms = NULL;
	struct cose_sign1	*cs = NULL;
	const uint8_t		*content = NULL;
	size_t			 clen = 0;
	enum brski_rc		 rc;

	memset(r, 0, sizeof(*r));
	r->cose = cose;
	if (cose && (rc = unwrap_cose(body, len, r, &cs, e)) == BRSKI_OK) {
		content = cs->payload;
		clen = cs->payload_len;
	} else if (!cose)
		rc = unwrap_cms(body, len, now, r, &content, &clen, &cms, e);
	if (rc != BRSKI_OK || (rc = check_registrar(m, tls, now, r, e)) !=
	    BRSKI_OK)
		goto out;
	rc = cose ? voucher_parse_cbor(content, clen, VOUCHER_KIND_REQUEST,
	    &r->vr, e) : voucher_parse_json(content, clen, VOUCHER_KIND_REQUEST,
	    &r->vr, e);
	if (rc != BRSKI_OK) {
		brski_prefix(e, "voucher-request: ");
		goto out;
	}
	if (VOUCHER_HAS(r->vr, VL_PROXIMITY_REGISTRAR_CERT))
		rc = brski_fail(e, BRSKI_EPARSE, "registrar voucher-request "
		    "carries proximity-registrar-cert (RFC 8995 5.5: MUST NOT)");
out:
	cms_signed_free(cms);
	cose_sign1_free(cs);
	return rc;
}

static int
spki_in_bag(const struct rvr *r, const uint8_t *spki, size_t len, int hashed)
{
	uint8_t	fp[WC_SHA256_DIGEST_SIZE];
	size_t	i;

	for (i = 0; i < r->bag.n; i++) {
		const struct x509_cert *c = r->bag.v[i];

		if (hashed) {
			wc_Sha256Hash(c->spki, (word32)c->spki_len, fp);
			if (len == sizeof(fp) && memcmp(fp, spki, len) == 0)
				return 1;
		} else if (c->spki_len == len && memcmp(c->spki, spki, len) == 0)
			return 1;
	}
	return 0;
}

/*
 * RFC 8995 5.5.5: the registrar the pledge saw is in the chain that
 * signed the RVR: the SPKI of proximity-registrar-cert, or (cBRSKI) the
 * proximity-registrar-pubk or its SHA-256.
 */
static enum brski_rc
check_proximity(const struct rvr *r, struct brski_err *e)
{
	const struct voucher	*p = r->pvr;
	struct x509_cert	*prox = NULL;
	int			 found;
	enum brski_rc		 rc;

	if (VOUCHER_HAS(p, VL_PROXIMITY_REGISTRAR_CERT)) {
		if ((rc = x509_parse(p->proximity_registrar_cert.data,
		    p->proximity_registrar_cert.len, &prox, e)) != BRSKI_OK)
			return brski_prefix(e, "proximity-registrar-cert: ");
		found = spki_in_bag(r, prox->spki, prox->spki_len, 0);
		x509_free(prox);
	} else if (VOUCHER_HAS(p, VL_PROXIMITY_REGISTRAR_PUBK))
		found = spki_in_bag(r, p->proximity_registrar_pubk.data,
		    p->proximity_registrar_pubk.len, 0);
	else if (VOUCHER_HAS(p, VL_PROXIMITY_REGISTRAR_PUBK_SHA256))
		found = spki_in_bag(r, p->proximity_registrar_pubk_sha256.data,
		    p->proximity_registrar_pubk_sha256.len, 1);
	else
		return brski_fail(e, BRSKI_EVERIFY, "pledge voucher-request names "
		    "no proximity registrar");
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
	const struct x509_cert	*idevid = r->idevid;

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

/* A CMS PVR: signed by an IDevID of one of our manufacturer CAs. */
static enum brski_rc
pvr_cms(const struct masa *m, const struct voucher_bin *p, time_t now,
    struct rvr *r, struct brski_err *e)
{
	struct cms_signed	*s = NULL;
	enum brski_rc		 rc;

	if ((rc = cms_verify(p->data, p->len, cms_oid_voucher,
	    sizeof(cms_oid_voucher), &m->manufacturer_cas, now, &s, e)) ==
	    BRSKI_OK && (rc = voucher_parse_json(s->content, s->content_len,
	    VOUCHER_KIND_REQUEST, &r->pvr, e)) == BRSKI_OK) {
		r->idevid = s->signer;
		s->signer = NULL;
	}
	cms_signed_free(s);
	return rc;
}

/* A COSE PVR: its signer is an IDevID among the certificates carried
 * (cBRSKI: the registrar puts the IDevID chain in the RVR's x5bag). */
static enum brski_rc
pvr_cose(const struct masa *m, const struct voucher_bin *p, time_t now,
    struct rvr *r, struct brski_err *e)
{
	struct cose_sign1	*s = NULL;
	const struct x509_list	*bags[2];
	size_t			 b, i;
	enum brski_rc		 rc;

	if ((rc = cose_sign1_parse(p->data, p->len, &s, e)) != BRSKI_OK)
		return rc;
	bags[0] = &r->bag;
	bags[1] = &s->certs;
	for (b = 0; b < 2 && r->idevid == NULL; b++)
		for (i = 0; i < bags[b]->n && r->idevid == NULL; i++) {
			const struct x509_cert *c = bags[b]->v[i];

			if (cose_sign1_verify(s, c->spki, c->spki_len, NULL) ==
			    BRSKI_OK && x509_verify(c, bags[b],
			    &m->manufacturer_cas, now, NULL, NULL) == BRSKI_OK &&
			    (rc = x509_dup(c, &r->idevid, e)) != BRSKI_OK)
				goto out;
		}
	if (r->idevid == NULL)
		rc = brski_fail(e, BRSKI_EVERIFY, "no IDevID of this manufacturer "
		    "among the certificates carried made its signature");
	else
		rc = voucher_parse_cbor(s->payload, s->payload_len,
		    VOUCHER_KIND_REQUEST, &r->pvr, e);
out:
	cose_sign1_free(s);
	return rc;
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
		if ((rc = r->cose ? pvr_cose(m, p, now, r, e) :
		    pvr_cms(m, p, now, r, e)) != BRSKI_OK)
			return brski_prefix(e, "prior-signed-voucher-request is "
			    "not signed by an IDevID of this manufacturer: ");
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
	x509_list_free(&r->bag);
	x509_free(r->signer);
	voucher_free(r->vr);
	x509_free(r->idevid);
	voucher_free(r->pvr);
	free(r->nonce_text);
	memset(r, 0, sizeof(*r));
}
