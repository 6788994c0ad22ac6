/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Voucher acceptance, RFC 8995 5.6.1 and 7 (pledge): signed by a
 * certificate that chains to the manufacturer-installed MASA anchor;
 * serial-number is ours; the nonce is the one we sent (a nonceless
 * voucher only by local policy and only before expires-on);
 * idevid-issuer, if present, names our IDevID's issuer; a pinning leaf
 * we can use is present; revocation checks we cannot make are refused.
 * Format-specific code (CMS here, COSE in cose_voucher.c) only unwraps.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cms.h"
#include "cose.h"
#include "secret.h"
#include "voucher_cbor.h"
#include "voucher_verify.h"

static int
issuer_matches(const struct voucher_bin *ii, const struct x509_cert *idevid)
{
	if (idevid->aki_ext_len > 0 && ii->len == idevid->aki_ext_len &&
	    memcmp(ii->data, idevid->aki_ext, ii->len) == 0)
		return 1;
	/* pre-8366bis peers sent only the keyIdentifier */
	return idevid->aki_keyid_len > 0 && ii->len == idevid->aki_keyid_len &&
	    memcmp(ii->data, idevid->aki_keyid, ii->len) == 0;
}

static enum brski_rc
check_nonce(const struct voucher *v, const struct voucher_expect *x,
    struct brski_err *e)
{
	if (VOUCHER_HAS(v, VL_NONCE)) {
		if (x->nonce == NULL)
			return brski_fail(e, BRSKI_EVERIFY, "voucher carries a "
			    "nonce but none was sent");
		if (v->nonce.len != x->nonce_len ||
		    !secret_equal(v->nonce.data, x->nonce, x->nonce_len))
			return brski_fail(e, BRSKI_EVERIFY, "voucher nonce is not "
			    "the one sent (replayed or for another request)");
		return BRSKI_OK;
	}
	if (!x->allow_nonceless)
		return brski_fail(e, BRSKI_EPOLICY, "voucher has no nonce and "
		    "nonceless vouchers are not accepted here");
	if (!VOUCHER_HAS(v, VL_EXPIRES_ON))
		return brski_fail(e, BRSKI_EVERIFY, "nonceless voucher without "
		    "expires-on");
	return BRSKI_OK;
}

/*
 * Check the content of a voucher whose signature was verified.  On
 * success *pinned (if not NULL) is the parsed pinned-domain-cert, the
 * caller's.
 */
enum brski_rc
voucher_accept(const struct voucher *v, const struct voucher_expect *x,
    struct x509_cert **pinned, struct brski_err *e)
{
	enum brski_rc	rc;

	if (pinned != NULL)
		*pinned = NULL;
	if (strcmp(v->serial_number, x->serial) != 0)
		return brski_fail(e, BRSKI_EVERIFY, "voucher is for serial-number "
		    "\"%.64s\", not ours (\"%.64s\")", v->serial_number,
		    x->serial);
	if ((rc = check_nonce(v, x, e)) != BRSKI_OK)
		return rc;
	/* a nonced voucher with an expiry is bound by it too */
	if (VOUCHER_HAS(v, VL_EXPIRES_ON) && v->expires_on <= x->now)
		return brski_fail(e, BRSKI_EVERIFY, "voucher expired");
	if (x->idevid != NULL && VOUCHER_HAS(v, VL_IDEVID_ISSUER) &&
	    !issuer_matches(&v->idevid_issuer, x->idevid))
		return brski_fail(e, BRSKI_EVERIFY, "voucher idevid-issuer does "
		    "not name our IDevID's issuer");
	if (VOUCHER_HAS(v, VL_DOMAIN_CERT_REVOCATION_CHECKS) &&
	    v->domain_cert_revocation_checks)
		return brski_fail(e, BRSKI_EPOLICY, "voucher demands revocation "
		    "checks of the domain certificate, which this pledge cannot "
		    "make");
	if (!VOUCHER_HAS(v, VL_PINNED_DOMAIN_CERT))
		return brski_fail(e, BRSKI_EVERIFY, "voucher pins no domain "
		    "certificate (only pinned-domain-cert is supported)");
	if (pinned != NULL && (rc = x509_parse(v->pinned_domain_cert.data,
	    v->pinned_domain_cert.len, pinned, e)) != BRSKI_OK)
		return brski_prefix(e, "pinned-domain-cert: ");
	return BRSKI_OK;
}

/*
 * Verify a CMS-signed voucher (application/voucher-cms+json) against
 * the expectations.  On success *out is the voucher and *pinned the
 * pinned-domain-cert (both the caller's).
 */
enum brski_rc
voucher_verify_cms(const uint8_t *der, size_t len,
    const struct voucher_expect *x, struct voucher **out,
    struct x509_cert **pinned, struct brski_err *e)
{
	struct cms_signed	*s = NULL;
	struct voucher		*v = NULL;
	enum brski_rc		 rc;

	*out = NULL;
	if ((rc = cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    x->masa_anchors, x->now, &s, e)) != BRSKI_OK) {
		brski_prefix(e, "voucher signature: ");
		goto out;
	}
	if ((rc = voucher_parse_json(s->content, s->content_len,
	    VOUCHER_KIND_VOUCHER, &v, e)) != BRSKI_OK)
		goto out;
	if ((rc = voucher_accept(v, x, pinned, e)) != BRSKI_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	voucher_free(v);
	cms_signed_free(s);
	return rc;
}

/*
 * Who signed a COSE voucher: an anchor's own key (the registrar strips
 * x5bag before forwarding, so a pledge holds the MASA signer's
 * certificate as its anchor), or a certificate in x5bag that chains to
 * an anchor.
 */
static enum brski_rc
cose_signed_by_anchor(const struct cose_sign1 *m,
    const struct voucher_expect *x, struct brski_err *e)
{
	const struct x509_cert	*signer;
	size_t			 i;

	for (i = 0; x->masa_anchors != NULL && i < x->masa_anchors->n; i++) {
		const struct x509_cert *a = x->masa_anchors->v[i];

		if (cose_sign1_verify(m, a->spki, a->spki_len, NULL) == BRSKI_OK) {
			if (x->now < a->not_before || x->now > a->not_after)
				return brski_fail(e, BRSKI_EVERIFY, "voucher "
				    "signer \"%.100s\" is not valid now",
				    a->subject);
			return BRSKI_OK;
		}
	}
	if (m->certs.n == 0)
		return brski_fail(e, BRSKI_EVERIFY, "voucher signature: no MASA "
		    "anchor's key made it, and it carries no certificates");
	if (cose_sign1_find_signer(m, &signer, e) != BRSKI_OK)
		return brski_prefix(e, "voucher signature: ");
	if (x509_verify(signer, &m->certs, x->masa_anchors, x->now, NULL, e) !=
	    BRSKI_OK)
		return brski_prefix(e, "voucher signature: ");
	return BRSKI_OK;
}

/*
 * Verify a COSE-signed CBOR voucher (application/voucher+cose, cBRSKI)
 * against the expectations.  On success *out is the voucher and *pinned
 * the pinned-domain-cert (both the caller's).
 */
enum brski_rc
voucher_verify_cose(const uint8_t *buf, size_t len,
    const struct voucher_expect *x, struct voucher **out,
    struct x509_cert **pinned, struct brski_err *e)
{
	struct cose_sign1	*m = NULL;
	struct voucher		*v = NULL;
	enum brski_rc		 rc;

	*out = NULL;
	if ((rc = cose_sign1_parse(buf, len, &m, e)) != BRSKI_OK) {
		brski_prefix(e, "voucher signature: ");
		goto out;
	}
	if ((rc = cose_signed_by_anchor(m, x, e)) != BRSKI_OK ||
	    (rc = voucher_parse_cbor(m->payload, m->payload_len,
	    VOUCHER_KIND_VOUCHER, &v, e)) != BRSKI_OK ||
	    (rc = voucher_accept(v, x, pinned, e)) != BRSKI_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	voucher_free(v);
	cose_sign1_free(m);
	return rc;
}
