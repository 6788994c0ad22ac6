/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certification path validation (RFC 5280 6, the parts BRSKI needs) at a
 * time the caller gives.  wolfSSL's CertManager always checks against
 * the wall clock and cannot pin an end-entity certificate, and BRSKI
 * needs both: tests pin the clock, and a voucher's pinned-domain-cert
 * may be the registrar's own EE certificate (RFC 8995 5.6.2).  So the
 * path is built here and each signature is checked by wolfSSL
 * (wc_CheckCertSigPubKey).
 */
#include "config.h"

#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "der.h"
#include "x509.h"

/* The element of l that is the same certificate as c, or NULL. */
static const struct x509_cert *
in_list(const struct x509_list *l, const struct x509_cert *c)
{
	size_t	i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (x509_equal(l->v[i], c))
			return l->v[i];
	return NULL;
}

static int
self_issued(const struct x509_cert *c)
{
	return c->subject_raw_len == c->issuer_raw_len &&
	    memcmp(c->subject_raw, c->issuer_raw, c->issuer_raw_len) == 0;
}

static enum brski_rc
check_time(const struct x509_cert *c, time_t now, struct brski_err *e)
{
	char	lbl[300];

	if (now < c->not_before)
		return brski_fail(e, BRSKI_EVERIFY, "certificate %s is not valid "
		    "yet", x509_label(c, lbl, sizeof(lbl)));
	if (now > c->not_after)
		return brski_fail(e, BRSKI_EVERIFY, "certificate %s has expired",
		    x509_label(c, lbl, sizeof(lbl)));
	return BRSKI_OK;
}

/*
 * Did issuer's key sign child?  wolfSSL wants the key as it decodes it:
 * for EC keys that is the SubjectPublicKeyInfo x509_parse() kept (the
 * same bytes; test_x509 checks), so only other keys are decoded again
 * (a wc_ParseCert per signature checked was ~5% of the registrar's CPU).
 */
static int
issuer_signed(const struct x509_cert *child, const struct x509_cert *issuer)
{
	DecodedCert	dc;
	int		ret;

	if (issuer->key_oid == ECDSAk)
		return wc_CheckCertSigPubKey(child->der, (word32)child->der_len,
		    NULL, issuer->spki, (word32)issuer->spki_len, ECDSAk) == 0;
	wc_InitDecodedCert(&dc, issuer->der, (word32)issuer->der_len, NULL);
	ret = wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL);
	if (ret == 0)
		ret = wc_CheckCertSigPubKey(child->der, (word32)child->der_len,
		    NULL, dc.publicKey, dc.pubKeySize, (int)dc.keyOID);
	wc_FreeDecodedCert(&dc);
	return ret == 0;
}

static int
names_match(const struct x509_cert *child, const struct x509_cert *issuer)
{
	if (child->issuer_raw_len != issuer->subject_raw_len ||
	    memcmp(child->issuer_raw, issuer->subject_raw,
	    issuer->subject_raw_len) != 0)
		return 0;
	/* with both key identifiers present they must agree */
	if (child->aki_keyid_len > 0 && issuer->ski_len > 0 &&
	    (child->aki_keyid_len != issuer->ski_len ||
	    memcmp(child->aki_keyid, issuer->ski, issuer->ski_len) != 0))
		return 0;
	return 1;
}

/* May issuer sign certificates, with below CA certificates under it? */
static int
can_issue(const struct x509_cert *issuer, int below)
{
	if (!issuer->is_ca)
		return 0;
	if (issuer->has_key_usage &&
	    !(issuer->key_usage & X509_KU_KEY_CERT_SIGN))
		return 0;
	if (issuer->path_len >= 0 && below > issuer->path_len)
		return 0;
	return 1;
}

/*
 * The certificate in l that issued child.  One valid at now wins: a
 * renewed CA certificate has the name and key of the expired one.
 */
static const struct x509_cert *
find_issuer(const struct x509_cert *child, const struct x509_list *l,
    int below, time_t now)
{
	const struct x509_cert	*any = NULL;
	size_t			 i;

	for (i = 0; l != NULL && i < l->n; i++) {
		if (!names_match(child, l->v[i]) ||
		    !can_issue(l->v[i], below) ||
		    !issuer_signed(child, l->v[i]))
			continue;
		if (now >= l->v[i]->not_before && now <= l->v[i]->not_after)
			return l->v[i];
		if (any == NULL)
			any = l->v[i];
	}
	return any;
}

/*
 * Verify that leaf chains to one of anchors at time now, using the
 * untrusted certificates as intermediates.  Every certificate on the
 * path, the anchor included, must be valid at now; issuers must be CAs
 * (keyCertSign if keyUsage is present, pathLenConstraint honoured).  A
 * leaf that is itself one of the anchors is accepted (a pinned EE
 * certificate).  On success *anchor (if not NULL) points at the anchor
 * used.  BRSKI_EVERIFY with the reason otherwise.
 */
enum brski_rc
x509_verify(const struct x509_cert *leaf, const struct x509_list *untrusted,
    const struct x509_list *anchors, time_t now,
    const struct x509_cert **anchor, struct brski_err *e)
{
	const struct x509_cert	*cur = leaf, *up, *a;
	char			 lbl[300];
	int			 depth, below = 0;
	enum brski_rc		 rc;

	if (anchor != NULL)
		*anchor = NULL;
	if (anchors == NULL || anchors->n == 0)
		return brski_fail(e, BRSKI_EVERIFY, "no trust anchors to verify "
		    "%s against", x509_label(leaf, lbl, sizeof(lbl)));
	for (depth = 0; depth < X509_CHAIN_MAX; depth++) {
		if ((rc = check_time(cur, now, e)) != BRSKI_OK)
			return rc;
		/* report the anchors' copy: cur may be the caller's leaf */
		if ((a = in_list(anchors, cur)) != NULL) {
			if (anchor != NULL)
				*anchor = a;
			return BRSKI_OK;
		}
		/* RFC 5280 4.2.1.9: self-issued CAs do not count */
		if (depth > 0 && !self_issued(cur))
			below++;
		if ((up = find_issuer(cur, anchors, below, now)) == NULL &&
		    (up = find_issuer(cur, untrusted, below, now)) == NULL)
			return brski_fail(e, BRSKI_EVERIFY, "%s does not chain "
			    "to a trusted anchor (issuer \"%.200s\" not found or "
			    "its signature does not verify)",
			    x509_label(cur, lbl, sizeof(lbl)), cur->issuer);
		if (up == cur)
			return brski_fail(e, BRSKI_EVERIFY, "%s is self-signed "
			    "and not a trust anchor",
			    x509_label(cur, lbl, sizeof(lbl)));
		cur = up;
	}
	return brski_fail(e, BRSKI_EVERIFY, "certificate path longer than %d",
	    X509_CHAIN_MAX);
}

/*
 * Follow issuers from leaf through the certificates in bag (Names,
 * key identifiers and signatures must match) and return the last one
 * reached: a self-signed root, or the farthest certificate the bag
 * allows.  Nothing is trusted here; RFC 8995 5.5.2 lets the MASA treat
 * that top as a temporary anchor and pin it.  Returns leaf itself when
 * no issuer is in the bag.
 */
const struct x509_cert *
x509_path_top(const struct x509_cert *leaf, const struct x509_list *bag)
{
	const struct x509_cert	*cur = leaf, *up;
	int			 depth;

	for (depth = 0; depth < X509_CHAIN_MAX; depth++) {
		if (self_issued(cur) && issuer_signed(cur, cur))
			return cur;
		if ((up = find_issuer(cur, bag, 0, 0)) == NULL || up == cur)
			return cur;
		cur = up;
	}
	return cur;
}
