/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/cms.c: signed vouchers round trip with their
 * chain, and every way a SignedData can be wrong is refused: content,
 * signature, anchor, eContentType, signer validity, missing signed
 * attributes, no signer at all, damaged bytes.  Messages made by the
 * openssl CLI cover what our signer never produces.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/pkcs7.h>

#include "testutil.h"
#include "testpki.h"
#include "cms.h"
#include "fileio.h"

#define VOUCHER	"{\"ietf-voucher:voucher\":{\"assertion\":\"logged\"," \
		"\"serial-number\":\"SN-0001\",\"nonce\":\"abc\"}}"

/* id-data 1.2.840.113549.1.7.1 */
static const uint8_t oid_data[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
	0x0d, 0x01, 0x07, 0x01 };

/* root -> int -> signer, the chain a MASA sends; and an unrelated root */
struct pki {
	struct tu_node		root, inter, signer, other;
	struct x509_list	anchors, chain, other_anchors;
	char			*dir;
};

static int
pki_setup(void **state)
{
	struct pki	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	tu_ca(&p->root, "CMS Root", NULL);
	tu_ca(&p->inter, "CMS Int", &p->root);
	tu_ee(&p->signer, "MASA signer", &p->inter);
	tu_ca(&p->other, "CMS Root", NULL);	/* same name, other key */
	tu_list(&p->anchors, &p->root);
	tu_list(&p->chain, &p->inter);
	tu_list(&p->chain, &p->root);
	tu_list(&p->other_anchors, &p->other);
	p->dir = tu_tmpdir();
	*state = p;
	return 0;
}

static int
pki_teardown(void **state)
{
	struct pki	*p = *state;

	tu_node_free(&p->root);
	tu_node_free(&p->inter);
	tu_node_free(&p->signer);
	tu_node_free(&p->other);
	x509_list_free(&p->anchors);
	x509_list_free(&p->chain);
	x509_list_free(&p->other_anchors);
	tu_rmdir(p->dir);
	free(p);
	return 0;
}

static void
sign(const struct pki *p, const uint8_t *ctype, size_t ctype_len,
    const struct x509_list *chain, uint8_t **der, size_t *len)
{
	struct brski_err	e = { 0 };

	assert_rc(cms_sign((const uint8_t *)VOUCHER, strlen(VOUCHER), ctype,
	    ctype_len, p->signer.cert, chain, p->signer.key, TU_NOW, der, len,
	    &e), BRSKI_OK, &e);
}

/* cms_verify() must fail with want, and leave *out NULL. */
static void
verify_fails(const uint8_t *der, size_t len, const struct x509_list *anchors,
    time_t now, enum brski_rc want)
{
	struct brski_err	 e = { 0 };
	struct cms_signed	*s = (struct cms_signed *)1;

	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    anchors, now, &s, &e), want, &e);
	assert_null(s);
	assert_true(strlen(e.msg) > 0);
}

static void
test_cms_sign_verify_roundtrip(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct cms_signed	*s;
	uint8_t			*der;
	size_t			 len, i;
	int			 seen_root = 0, seen_int = 0;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &p->anchors, TU_NOW, &s, &e), BRSKI_OK, &e);
	assert_int_equal(s->content_len, strlen(VOUCHER));
	assert_memory_equal(s->content, VOUCHER, s->content_len);
	assert_int_equal(s->content[s->content_len], '\0');
	assert_int_equal(s->ctype_len, sizeof(cms_oid_voucher));
	assert_memory_equal(s->ctype, cms_oid_voucher, s->ctype_len);
	assert_true(x509_equal(s->signer, p->signer.cert));
	/* the signing time is the one given, to the second */
	assert_int_equal(s->signing_time, TU_NOW);
	/* signer + intermediate + root, each once */
	assert_int_equal(s->certs.n, 3);
	for (i = 0; i < s->certs.n; i++) {
		seen_root += x509_equal(s->certs.v[i], p->root.cert);
		seen_int += x509_equal(s->certs.v[i], p->inter.cert);
	}
	assert_int_equal(seen_root, 1);
	assert_int_equal(seen_int, 1);
	cms_signed_free(s);
	cms_signed_free(NULL);
	/* the intermediate alone as anchor works too */
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &p->chain, TU_NOW, &s, &e), BRSKI_OK, &e);
	cms_signed_free(s);
	free(der);
}

/* A chain that includes the signer carries it once. */
static void
test_cms_sign_chain_with_signer_once(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 chain = { 0 };
	struct cms_signed	*s;
	uint8_t			*der;
	size_t			 len, i, seen = 0;

	tu_list(&chain, &p->signer);
	tu_list(&chain, &p->inter);
	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &chain, &der, &len);
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &p->anchors, TU_NOW, &s, &e), BRSKI_OK, &e);
	assert_int_equal(s->certs.n, 2);
	for (i = 0; i < s->certs.n; i++)
		seen += x509_equal(s->certs.v[i], p->signer.cert);
	assert_int_equal(seen, 1);
	cms_signed_free(s);
	x509_list_free(&chain);
	free(der);
}

/* P-384 signer: SHA-384 digest and signature. */
static void
test_cms_roundtrip_p384(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 signer;
	struct cms_signed	*s;
	uint8_t			*der;
	size_t			 len;

	tu_template(&t, "P-384 signer", 0);
	tu_issue(&signer, KEY_EC_P384, &t, &p->inter);
	assert_rc(cms_sign((const uint8_t *)"{}", 2, cms_oid_voucher,
	    sizeof(cms_oid_voucher), signer.cert, &p->chain, signer.key,
	    TU_NOW, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &p->anchors, TU_NOW, &s, &e), BRSKI_OK, &e);
	assert_int_equal(s->content_len, 2);
	assert_true(x509_equal(s->signer, signer.cert));
	cms_signed_free(s);
	free(der);
	tu_node_free(&signer);
}

static void
test_cms_rejects_tampered_content(void **state)
{
	struct pki	*p = *state;
	uint8_t		*der, *c;
	size_t		 len;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	c = memmem(der, len, "logged", 6);
	assert_non_null(c);
	c[0] = 'L';
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, NULL, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

static void
test_cms_rejects_tampered_signature(void **state)
{
	struct pki	*p = *state;
	uint8_t		*der;
	size_t		 len;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	/* the SignerInfo comes last, its signature at its end */
	tu_flip(der, len - 1);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, NULL, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

static void
test_cms_rejects_wrong_anchor(void **state)
{
	struct pki		*p = *state;
	struct x509_list	 empty = { 0 };
	uint8_t			*der;
	size_t			 len;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	verify_fails(der, len, &p->other_anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, &empty, TU_NOW, BRSKI_EVERIFY);
	free(der);
	/* without the intermediate in the message the root is not enough */
	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), NULL, &der, &len);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

static void
test_cms_rejects_wrong_content_type(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct cms_signed	*s;
	uint8_t			*der;
	size_t			 len;

	sign(p, oid_data, sizeof(oid_data), &p->chain, &der, &len);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	/* no expectation: any eContentType, reported back */
	assert_rc(cms_verify(der, len, NULL, 0, &p->anchors, TU_NOW, &s, &e),
	    BRSKI_OK, &e);
	assert_int_equal(s->ctype_len, sizeof(oid_data));
	assert_memory_equal(s->ctype, oid_data, sizeof(oid_data));
	cms_signed_free(s);
	free(der);
}

/*
 * RFC 5652 11.1: the signed contentType attribute must equal the
 * eContentType.  The eContentType itself is not signed, so a changed
 * one keeps the signature valid; only this check catches it.
 */
static void
test_cms_rejects_content_type_attribute_mismatch(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct cms_signed	*s = (struct cms_signed *)1;
	uint8_t			*der, *oid, *second;
	size_t			 len;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	oid = memmem(der, len, cms_oid_voucher, sizeof(cms_oid_voucher));
	assert_non_null(oid);
	second = memmem(oid + 1, len - (size_t)(oid + 1 - der),
	    cms_oid_voucher, sizeof(cms_oid_voucher));
	assert_non_null(second);		/* the attribute */
	oid[sizeof(cms_oid_voucher) - 1] = 0x29;	/* ...1.41 */
	assert_rc(cms_verify(der, len, NULL, 0, &p->anchors, TU_NOW, &s, &e),
	    BRSKI_EVERIFY, &e);
	assert_null(s);
	assert_non_null(strstr(e.msg, "contentType attribute"));
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

static void
test_cms_rejects_expired_signer(void **state)
{
	struct pki	*p = *state;
	uint8_t		*der;
	size_t		 len;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	verify_fails(der, len, &p->anchors, TU_NOW + 366 * TU_DAY,
	    BRSKI_EVERIFY);
	verify_fails(der, len, &p->anchors, TU_NOW - 2 * TU_DAY,
	    BRSKI_EVERIFY);
	free(der);
}

/* Signed with a key that is not the signer certificate's. */
static void
test_cms_rejects_signature_by_other_key(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	uint8_t			*der;
	size_t			 len;

	assert_rc(cms_sign((const uint8_t *)VOUCHER, strlen(VOUCHER),
	    cms_oid_voucher, sizeof(cms_oid_voucher), p->signer.cert,
	    &p->chain, p->other.key, TU_NOW, &der, &len, &e), BRSKI_OK, &e);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, NULL, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

static void
test_cms_rejects_garbage_and_truncated(void **state)
{
	struct pki	*p = *state;
	uint8_t		*der, junk[400], *big, *longer;
	size_t		 len, n, i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 37 + 3);
	verify_fails(junk, sizeof(junk), &p->anchors, TU_NOW, BRSKI_EPARSE);
	verify_fails(junk, 0, &p->anchors, TU_NOW, BRSKI_EPARSE);
	if ((big = calloc(1, CMS_DER_MAX + 1)) == NULL)
		fail();
	verify_fails(big, CMS_DER_MAX + 1, &p->anchors, TU_NOW, BRSKI_ETOOBIG);
	free(big);
	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	for (n = 1; n < len; n++)
		verify_fails(der, n, &p->anchors, TU_NOW, BRSKI_EPARSE);
	/* a byte after the message */
	if ((longer = malloc(len + 1)) == NULL)
		fail();
	memcpy(longer, der, len);
	longer[len] = 0;
	verify_fails(longer, len + 1, &p->anchors, TU_NOW, BRSKI_EPARSE);
	free(longer);
	free(der);
}

/* With anchors NULL only the signature is checked. */
static void
test_cms_verify_without_anchors_checks_signature_only(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct cms_signed	*s;
	uint8_t			*der;
	size_t			 len;

	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), NULL, &der, &len);
	/* long after the signer expired, without its chain */
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    NULL, TU_NOW + 3650 * TU_DAY, &s, &e), BRSKI_OK, &e);
	assert_true(x509_equal(s->signer, p->signer.cert));
	assert_int_equal(s->certs.n, 1);
	assert_memory_equal(s->content, VOUCHER, strlen(VOUCHER));
	cms_signed_free(s);
	free(der);
}

static void
test_cms_verify_rejects_certs_only(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	uint8_t			*der;
	size_t			 len;

	assert_rc(cms_certs_only_encode(&p->chain, &der, &len, &e), BRSKI_OK,
	    &e);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, NULL, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

static void
test_cms_certs_only_roundtrip(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 l = { 0 }, one = { 0 };
	uint8_t			*der;
	size_t			 len, i, j, found;

	assert_rc(cms_certs_only_encode(&p->chain, &der, &len, &e), BRSKI_OK,
	    &e);
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_OK, &e);
	assert_int_equal(l.n, p->chain.n);
	for (i = 0; i < p->chain.n; i++) {
		for (found = 0, j = 0; j < l.n; j++)
			found += x509_equal(p->chain.v[i], l.v[j]);
		assert_int_equal(found, 1);
	}
	x509_list_free(&l);
	free(der);
	/* a single certificate */
	tu_list(&one, &p->root);
	assert_rc(cms_certs_only_encode(&one, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_OK, &e);
	assert_int_equal(l.n, 1);
	assert_true(x509_equal(l.v[0], p->root.cert));
	x509_list_free(&l);
	x509_list_free(&one);
	free(der);
	/* nothing to encode */
	assert_rc(cms_certs_only_encode(&one, &der, &len, &e), BRSKI_EINVAL,
	    &e);
	assert_null(der);
}

/* A failed decode leaves the list empty. */
static void
decode_fails(const uint8_t *der, size_t len, enum brski_rc want)
{
	struct brski_err	e = { 0 };
	struct x509_list	l = { 0 };

	assert_rc(cms_certs_only_decode(der, len, &l, &e), want, &e);
	assert_int_equal(l.n, 0);
	x509_list_free(&l);
}

static void
test_cms_certs_only_decode_rejects_bad(void **state)
{
	/* SignedData with no certificates and no signers */
	static const uint8_t	 nocerts[] = { 0x30, 0x23, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02, 0xa0, 0x16, 0x30,
	    0x14, 0x02, 0x01, 0x01, 0x31, 0x00, 0x30, 0x0b, 0x06, 0x09, 0x2a,
	    0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01, 0x31, 0x00 };
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	uint8_t			 junk[200], *der, *big, *c;
	size_t			 len, n, i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 61 + 17);
	decode_fails(junk, 0, BRSKI_EPARSE);
	decode_fails(junk, sizeof(junk), BRSKI_EPARSE);
	decode_fails(nocerts, sizeof(nocerts), BRSKI_EPARSE);
	if ((big = calloc(1, CMS_DER_MAX + 1)) == NULL)
		fail();
	decode_fails(big, CMS_DER_MAX + 1, BRSKI_ETOOBIG);
	free(big);
	assert_rc(cms_certs_only_encode(&p->chain, &der, &len, &e), BRSKI_OK,
	    &e);
	for (n = 1; n < len; n++)
		decode_fails(der, n, BRSKI_EPARSE);
	/*
	 * One certificate inside damaged (its TBSCertificate a SET): the
	 * error is reported and nothing of the bag is kept.
	 */
	c = memmem(der, len, p->root.cert->der, p->root.cert->der_len);
	assert_non_null(c);
	assert_int_equal(c[4], 0x30);
	c[4] = 0x31;
	decode_fails(der, len, BRSKI_EPARSE);
	free(der);
}

/*
 * A bag whose middle certificate wolfSSL takes but x509_parse() refuses
 * (a MASA URL with a space): the error is reported and the list keeps
 * none of the certificates decoded before it.
 */
static void
test_cms_certs_only_decode_is_all_or_nothing(void **state)
{
	static const uint8_t	 space[] = { 0x30, 0x13, 0x06, 0x08, 0x2b,
	    0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x04, 0x07, 0x16, 0x05,
	    'h', 't', ' ', 'p', 's' };
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct x509_ext		 x = { space, sizeof(space) };
	struct x509_cert	 bad, *v[3];
	struct x509_list	 bag = { v, 3 }, l = { 0 };
	uint8_t			*der, *out;
	size_t			 len, outlen;

	tu_template(&t, "bad MASA URL", 0);
	t.extra = &x;
	t.extra_count = 1;
	assert_rc(x509_issue(&t, p->signer.cert->spki, p->signer.cert->spki_len,
	    p->inter.cert, p->inter.key, &der, &len, &e), BRSKI_OK, &e);
	memset(&bad, 0, sizeof(bad));
	bad.der = der;
	bad.der_len = len;
	v[0] = p->root.cert;
	v[1] = &bad;
	v[2] = p->inter.cert;
	assert_rc(cms_certs_only_encode(&bag, &out, &outlen, &e), BRSKI_OK,
	    &e);
	tu_list(&l, &p->signer);
	assert_rc(cms_certs_only_decode(out, outlen, &l, &e), BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, "MASA URL"));
	assert_int_equal(l.n, 1);
	assert_true(x509_equal(l.v[0], p->signer.cert));
	x509_list_free(&l);
	free(out);
	free(der);
}

/*
 * wolfSSL keeps at most MAX_PKCS7_CERTS certificates of a message and
 * drops the rest without a word; we refuse such a message instead of
 * handing on a chain cut short.
 */
static void
test_cms_rejects_more_certificates_than_wolfssl_keeps(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 bag = { 0 }, l = { 0 };
	uint8_t			*der;
	size_t			 len, i;

	for (i = 0; i < MAX_PKCS7_CERTS; i++)
		tu_list(&bag, i % 2 ? &p->root : &p->inter);
	assert_rc(cms_certs_only_encode(&bag, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_OK, &e);
	assert_int_equal(l.n, MAX_PKCS7_CERTS);
	x509_list_free(&l);
	free(der);
	/* one more */
	tu_list(&bag, &p->signer);
	assert_rc(cms_certs_only_encode(&bag, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_ETOOBIG, &e);
	assert_int_equal(l.n, 0);
	free(der);
	/* a signed message: the signer and MAX_PKCS7_CERTS others */
	x509_list_free(&bag);
	for (i = 0; i < MAX_PKCS7_CERTS; i++)
		tu_list(&bag, i % 2 ? &p->root : &p->inter);
	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &bag, &der, &len);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_ETOOBIG);
	free(der);
	x509_list_free(&bag);
}

/*
 * cms_certs_only_decode() walks a DER certs-only message itself: an
 * element of the certificates field that is not an X.509 Certificate
 * (here tagged [1], an attribute certificate) and a ContentInfo of
 * another type are refused; a message with signers goes to wolfSSL,
 * which checks its signature, and its certificates are returned.
 */
static void
test_cms_certs_only_decode_walk(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 one = { 0 }, l = { 0 };
	uint8_t			*der, *c;
	size_t			 len;

	tu_list(&one, &p->root);
	assert_rc(cms_certs_only_encode(&one, &der, &len, &e), BRSKI_OK, &e);
	c = memmem(der, len, p->root.cert->der, p->root.cert->der_len);
	assert_non_null(c);
	c[0] = 0xa1;
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, "type 0xa1, not X.509"));
	assert_int_equal(l.n, 0);
	c[0] = 0x30;
	assert_int_equal(der[14], 0x02);	/* ...07 02: signedData */
	der[14] = 0x03;				/* envelopedData */
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, "not a SignedData"));
	assert_int_equal(l.n, 0);
	der[14] = 0x02;
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_OK, &e);
	assert_int_equal(l.n, 1);
	x509_list_free(&l);
	free(der);
	/* signed: wolfSSL verifies it and hands over its certificates */
	sign(p, cms_oid_voucher, sizeof(cms_oid_voucher), &p->chain, &der,
	    &len);
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_OK, &e);
	assert_true(l.n >= 2);
	x509_list_free(&l);
	der[len - 10] ^= 0x01;			/* in the signature */
	assert_rc(cms_certs_only_decode(der, len, &l, &e), BRSKI_EPARSE, &e);
	assert_int_equal(l.n, 0);
	free(der);
	x509_list_free(&one);
}

/* Run "openssl ARGS" in dir; 0 on success. */
static int	openssl(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
openssl(const char *dir, const char *fmt, ...)
{
	char	args[1024], cmd[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s >/dev/null 2>&1", dir,
	    tu_openssl(), args);
	return system(cmd);
}

/* signer.pem, key.pem, chain.pem and voucher.json in p->dir */
static void
write_signer_files(const struct pki *p)
{
	struct brski_err	 e = { 0 };
	char			*pem, *path;
	size_t			 len;

	path = tu_path(p->dir, "signer.pem");
	assert_rc(x509_to_pem(p->signer.cert->der, p->signer.cert->der_len,
	    &pem, &len, &e), BRSKI_OK, &e);
	assert_rc(file_write_atomic(path, pem, len, 0644, &e), BRSKI_OK, &e);
	free(pem);
	free(path);
	path = tu_path(p->dir, "chain.pem");
	assert_rc(x509_list_to_pem(&p->chain, &pem, &len, &e), BRSKI_OK, &e);
	assert_rc(file_write_atomic(path, pem, len, 0644, &e), BRSKI_OK, &e);
	free(pem);
	free(path);
	path = tu_path(p->dir, "key.pem");
	assert_rc(key_save(p->signer.key, path, &e), BRSKI_OK, &e);
	free(path);
	path = tu_path(p->dir, "voucher.json");
	assert_rc(file_write_atomic(path, VOUCHER, strlen(VOUCHER), 0644, &e),
	    BRSKI_OK, &e);
	free(path);
}

/* openssl cms -sign with extra options; the DER message. */
static void
openssl_sign(const struct pki *p, const char *opts, uint8_t **der,
    size_t *len)
{
	struct brski_err	 e = { 0 };
	char			*path;

	if (openssl(p->dir, "cms -sign -binary -nodetach -md sha256 "
	    "-econtent_type 1.2.840.113549.1.9.16.1.40 -signer signer.pem "
	    "-inkey key.pem -in voucher.json -outform DER -out out.p7 %s",
	    opts) != 0)
		fail_msg("openssl cms -sign %s failed", opts);
	path = tu_path(p->dir, "out.p7");
	assert_rc(file_read(path, CMS_DER_MAX, der, len, &e), BRSKI_OK, &e);
	free(path);
}

/*
 * RFC 8366bis: signed attributes are required.  openssl -noattr signs
 * the content directly; the same command with attributes is accepted,
 * so the refusal is about the attributes.
 */
static void
test_cms_rejects_message_without_signed_attributes(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct cms_signed	*s;
	uint8_t			*der;
	size_t			 len;

	if (!tu_have_openssl()) {
		print_message("openssl not found: skipping\n");
		skip();
	}
	write_signer_files(p);
	openssl_sign(p, "-certfile chain.pem", &der, &len);
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &p->anchors, TU_NOW, &s, &e), BRSKI_OK, &e);
	assert_true(x509_equal(s->signer, p->signer.cert));
	assert_memory_equal(s->content, VOUCHER, strlen(VOUCHER));
	assert_true(s->signing_time > TU_NOW);	/* openssl uses the clock */
	cms_signed_free(s);
	free(der);
	/* SignerIdentifier as subjectKeyIdentifier (RFC 5652 5.3) */
	openssl_sign(p, "-certfile chain.pem -keyid", &der, &len);
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &p->anchors, TU_NOW, &s, &e), BRSKI_OK, &e);
	assert_true(x509_equal(s->signer, p->signer.cert));
	cms_signed_free(s);
	free(der);
	openssl_sign(p, "-certfile chain.pem -noattr", &der, &len);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, NULL, TU_NOW, BRSKI_EVERIFY);
	free(der);
}

/*
 * A message without certificates: the signer must be among the anchors
 * (a pinned signer certificate).
 */
static void
test_cms_message_without_certificates(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct cms_signed	*s;
	struct x509_list	 pinned = { 0 };
	uint8_t			*der;
	size_t			 len;

	if (!tu_have_openssl()) {
		print_message("openssl not found: skipping\n");
		skip();
	}
	write_signer_files(p);
	openssl_sign(p, "-nocerts", &der, &len);
	verify_fails(der, len, &p->anchors, TU_NOW, BRSKI_EVERIFY);
	verify_fails(der, len, NULL, TU_NOW, BRSKI_EVERIFY);
	tu_list(&pinned, &p->other);
	tu_list(&pinned, &p->signer);
	assert_rc(cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &pinned, TU_NOW, &s, &e), BRSKI_OK, &e);
	assert_true(x509_equal(s->signer, p->signer.cert));
	/* wolfSSL lists the anchor it was handed as the message's own */
	assert_true(s->certs.n <= 1);
	if (s->certs.n == 1)
		assert_true(x509_equal(s->certs.v[0], p->signer.cert));
	cms_signed_free(s);
	x509_list_free(&pinned);
	free(der);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, pki_setup, pki_teardown)
	const struct CMUnitTest tests[] = {
		T(test_cms_sign_verify_roundtrip),
		T(test_cms_sign_chain_with_signer_once),
		T(test_cms_roundtrip_p384),
		T(test_cms_rejects_tampered_content),
		T(test_cms_rejects_tampered_signature),
		T(test_cms_rejects_wrong_anchor),
		T(test_cms_rejects_wrong_content_type),
		T(test_cms_rejects_content_type_attribute_mismatch),
		T(test_cms_rejects_expired_signer),
		T(test_cms_rejects_signature_by_other_key),
		T(test_cms_rejects_garbage_and_truncated),
		T(test_cms_verify_without_anchors_checks_signature_only),
		T(test_cms_verify_rejects_certs_only),
		T(test_cms_certs_only_roundtrip),
		T(test_cms_certs_only_decode_walk),
		T(test_cms_certs_only_decode_rejects_bad),
		T(test_cms_certs_only_decode_is_all_or_nothing),
		T(test_cms_rejects_more_certificates_than_wolfssl_keeps),
		T(test_cms_rejects_message_without_signed_attributes),
		T(test_cms_message_without_certificates),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
