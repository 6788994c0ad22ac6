/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/x509.c, x509_issue.c and x509_verify.c.  The PKI
 * is built in-process (testpki.h) with the validity each case needs, and
 * the clock is pinned at TU_NOW.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/sha.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "testutil.h"
#include "testpki.h"
#include "der.h"
#include "fileio.h"
#include "x509.h"

#define MASA_URL	"https://masa.example.com:9443/.well-known/brski"

/* root -> int -> leaf, with every field the parser reports on the leaf */
struct pki {
	struct tu_node		root, inter, leaf;
	struct x509_list	anchors, untrusted;
};

static int
pki_setup(void **state)
{
	static const char *const	 dns[] = { "localhost", "reg.example" };
	static const char *const	 ip[] = { "127.0.0.1", "::1",
	    "2001:db8::17" };
	static const uint8_t		 serial[] = { 0x00, 0x9a, 0x01 };
	struct x509_template		 t;
	struct pki			*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	tu_ca(&p->root, "Test Root CA", NULL);
	tu_template(&t, "Test Intermediate CA", 1);
	t.path_len = 0;
	t.org = "Example Org";
	t.country = "DE";
	tu_issue(&p->inter, KEY_EC_P256, &t, &p->root);
	tu_template(&t, "pledge-1", 0);
	t.serial_number = "SN-0001";
	t.org_unit = "Devices";
	t.eku = X509_EKU_SERVER_AUTH | X509_EKU_CLIENT_AUTH | X509_EKU_CMC_RA;
	t.masa_url = MASA_URL;
	t.san_dns = dns;
	t.san_dns_count = 2;
	t.san_ip = ip;
	t.san_ip_count = 3;
	t.serial = serial;
	t.serial_len = sizeof(serial);
	t.not_before = TU_NOW - 3600;
	t.not_after = TU_NOW + 7200;
	t.key_usage = X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_AGREEMENT;
	tu_issue(&p->leaf, KEY_EC_P256, &t, &p->inter);
	tu_list(&p->anchors, &p->root);
	tu_list(&p->untrusted, &p->inter);
	*state = p;
	return 0;
}

static int
pki_teardown(void **state)
{
	struct pki	*p = *state;

	tu_node_free(&p->root);
	tu_node_free(&p->inter);
	tu_node_free(&p->leaf);
	x509_list_free(&p->anchors);
	x509_list_free(&p->untrusted);
	free(p);
	return 0;
}

/* SHA-1 of the subjectPublicKey bits: the RFC 5280 4.2.1.2 key id. */
static void
key_id(const struct x509_cert *c, uint8_t id[WC_SHA_DIGEST_SIZE])
{
	struct brski_err	e = { 0 };
	struct der_tlv		seq, alg, bits;

	assert_rc(der_expect(c->spki, c->spki_len, DER_SEQUENCE, &seq, &e),
	    BRSKI_OK, &e);
	assert_rc(der_expect(seq.val, seq.len, DER_SEQUENCE, &alg, &e),
	    BRSKI_OK, &e);
	assert_rc(der_expect(seq.val + alg.raw_len, seq.len - alg.raw_len,
	    DER_BIT_STRING, &bits, &e), BRSKI_OK, &e);
	assert_int_equal(wc_ShaHash(bits.val + 1, (word32)bits.len - 1, id), 0);
}

static void
test_x509_parse_fields(void **state)
{
	struct pki		*p = *state;
	const struct x509_cert	*c = p->leaf.cert;
	struct brski_err	 e = { 0 };
	uint8_t			 id[WC_SHA_DIGEST_SIZE], aki[26], *spki, h[32];
	size_t			 spki_len;

	assert_string_equal(c->cn, "pledge-1");
	assert_string_equal(c->serial_number, "SN-0001");
	assert_string_equal(c->subject,
	    "OU=Devices,CN=pledge-1,serialNumber=SN-0001");
	assert_string_equal(c->issuer,
	    "C=DE,O=Example Org,CN=Test Intermediate CA");
	/* leading zero of the template serial dropped, 0x00 pad for 0x9a */
	assert_int_equal(c->serial_len, 2);
	assert_int_equal(c->serial[0], 0x9a);
	assert_int_equal(c->serial[1], 0x01);
	assert_int_equal(c->not_before, TU_NOW - 3600);
	assert_int_equal(c->not_after, TU_NOW + 7200);
	assert_false(c->is_ca);
	assert_int_equal(c->path_len, -1);
	assert_true(c->has_key_usage);
	assert_int_equal(c->key_usage,
	    X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_AGREEMENT);
	assert_true(c->has_eku);
	assert_int_equal(c->eku,
	    X509_EKU_SERVER_AUTH | X509_EKU_CLIENT_AUTH | X509_EKU_CMC_RA);
	assert_string_equal(c->masa_url, MASA_URL);
	/* SKI: SHA-1 of the leaf key; AKI: the intermediate's SKI */
	key_id(c, id);
	assert_int_equal(c->ski_len, sizeof(id));
	assert_memory_equal(c->ski, id, sizeof(id));
	key_id(p->inter.cert, id);
	assert_int_equal(p->inter.cert->ski_len, sizeof(id));
	assert_memory_equal(p->inter.cert->ski, id, sizeof(id));
	assert_int_equal(c->aki_keyid_len, sizeof(id));
	assert_memory_equal(c->aki_keyid, id, sizeof(id));
	/* extnValue OCTET STRING { SEQUENCE { [0] keyIdentifier } } */
	aki[0] = 0x04;
	aki[1] = 24;
	aki[2] = 0x30;
	aki[3] = 22;
	aki[4] = 0x80;
	aki[5] = 20;
	memcpy(aki + 6, id, 20);
	assert_int_equal(c->aki_ext_len, sizeof(aki));
	assert_memory_equal(c->aki_ext, aki, sizeof(aki));
	assert_int_equal(c->san_dns_count, 2);
	assert_string_equal(c->san_dns[0], "localhost");
	assert_string_equal(c->san_dns[1], "reg.example");
	assert_int_equal(c->san_ip_count, 3);
	assert_string_equal(c->san_ip[0], "127.0.0.1");
	assert_string_equal(c->san_ip[1], "::1");
	assert_string_equal(c->san_ip[2], "2001:db8::17");
	assert_int_equal(c->san_uri_count, 0);
	assert_int_equal(c->key_oid, ECDSAk);
	assert_rc(key_spki(p->leaf.key, &spki, &spki_len, &e), BRSKI_OK, &e);
	assert_int_equal(c->spki_len, spki_len);
	assert_memory_equal(c->spki, spki, spki_len);
	free(spki);
	/* issuer Name bytes are the intermediate's subject Name bytes */
	assert_int_equal(c->issuer_raw_len, p->inter.cert->subject_raw_len);
	assert_memory_equal(c->issuer_raw, p->inter.cert->subject_raw,
	    c->issuer_raw_len);
	assert_int_equal(wc_Sha256Hash(c->der, (word32)c->der_len, h), 0);
	assert_memory_equal(c->sha256, h, sizeof(h));
}

static void
test_x509_parse_ca_fields(void **state)
{
	struct pki		*p = *state;
	const struct x509_cert	*r = p->root.cert, *i = p->inter.cert;

	assert_true(r->is_ca);
	assert_int_equal(r->path_len, -1);
	assert_true(i->is_ca);
	assert_int_equal(i->path_len, 0);
	assert_int_equal(r->key_usage, X509_KU_KEY_CERT_SIGN |
	    X509_KU_CRL_SIGN);
	assert_false(r->has_eku);
	assert_int_equal(r->eku, 0);
	assert_null(r->masa_url);
	assert_null(r->serial_number);
	assert_int_equal(r->san_dns_count, 0);
	/* random serial: 16 octets, positive, no leading zero */
	assert_int_equal(r->serial_len, 16);
	assert_int_equal(r->serial[0] & 0xc0, 0x40);
	/* self-signed: AKI = SKI */
	assert_int_equal(r->aki_keyid_len, r->ski_len);
	assert_memory_equal(r->aki_keyid, r->ski, r->ski_len);
	assert_string_equal(r->subject, r->issuer);
}

static void
test_x509_parse_rejects_truncated(void **state)
{
	struct pki		*p = *state;
	const struct x509_cert	*c = p->leaf.cert;
	struct brski_err	 e = { 0 };
	struct x509_cert	*out;
	uint8_t			*longer;
	size_t			 n;

	for (n = 1; n < c->der_len; n++) {
		out = (struct x509_cert *)1;
		if (x509_parse(c->der, n, &out, &e) != BRSKI_EPARSE)
			fail_msg("truncation to %zu of %zu bytes: %s", n,
			    c->der_len, e.msg);
		assert_null(out);
	}
	/* and a byte too many */
	if ((longer = malloc(c->der_len + 1)) == NULL)
		fail();
	memcpy(longer, c->der, c->der_len);
	longer[c->der_len] = 0;
	assert_rc(x509_parse(longer, c->der_len + 1, &out, &e), BRSKI_EPARSE,
	    &e);
	free(longer);
}

static void
test_x509_parse_rejects_garbage(void **state)
{
	struct brski_err	 e = { 0 };
	struct x509_cert	*out = (struct x509_cert *)1;
	uint8_t			 junk[512], *big;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 89 + 5);
	assert_rc(x509_parse(junk, sizeof(junk), &out, &e), BRSKI_EPARSE, &e);
	assert_null(out);
	assert_rc(x509_parse(junk, 0, &out, &e), BRSKI_EPARSE, &e);
	/* a SEQUENCE header announcing the rest, then zeros */
	memset(junk, 0, sizeof(junk));
	junk[0] = 0x30;
	junk[1] = 0x82;
	junk[2] = 0x01;
	junk[3] = 0xfc;
	assert_rc(x509_parse(junk, sizeof(junk), &out, &e), BRSKI_EPARSE, &e);
	if ((big = calloc(1, X509_DER_MAX + 1)) == NULL)
		fail();
	assert_rc(x509_parse(big, X509_DER_MAX + 1, &out, &e), BRSKI_ETOOBIG,
	    &e);
	assert_null(out);
	free(big);
}

/* A certificate with one extra extension (a whole Extension SEQUENCE). */
static enum brski_rc
issue_with_ext(const struct pki *p, const uint8_t *ext, size_t len,
    struct x509_cert **out, struct brski_err *e)
{
	struct x509_template	 t;
	struct x509_ext		 x = { ext, len };
	uint8_t			*spki = NULL, *der = NULL;
	size_t			 spki_len, der_len;
	enum brski_rc		 rc;

	tu_template(&t, "ext", 0);
	t.extra = &x;
	t.extra_count = 1;
	assert_rc(key_spki(p->leaf.key, &spki, &spki_len, e), BRSKI_OK, e);
	assert_rc(x509_issue(&t, spki, spki_len, p->inter.cert, p->inter.key,
	    &der, &der_len, e), BRSKI_OK, e);
	rc = x509_parse(der, der_len, out, e);
	free(spki);
	free(der);
	return rc;
}

static void
test_x509_parse_masa_url_checks(void **state)
{
	/* id-pe-masa-url with an IA5String holding a space */
	static const uint8_t	space[] = { 0x30, 0x13, 0x06, 0x08, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x04, 0x07, 0x16, 0x05, 'h',
	    't', ' ', 'p', 's' };
	/* the same as a UTF8String */
	static const uint8_t	utf8[] = { 0x30, 0x13, 0x06, 0x08, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x04, 0x07, 0x0c, 0x05, 'h',
	    't', 't', 'p', 's' };
	/* empty IA5String */
	static const uint8_t	empty[] = { 0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x04, 0x02, 0x16, 0x00 };
	static const uint8_t	good[] = { 0x30, 0x13, 0x06, 0x08, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x04, 0x07, 0x16, 0x05, 'h',
	    't', 't', 'p', 's' };
	/* good but critical: wolfSSL refuses unknown critical extensions */
	static const uint8_t	crit[] = { 0x30, 0x16, 0x06, 0x08, 0x2b, 0x06,
	    0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x01, 0x01, 0xff, 0x04, 0x07,
	    0x16, 0x05, 'h', 't', 't', 'p', 's' };
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_cert	*c;

	assert_rc(issue_with_ext(p, space, sizeof(space), &c, &e),
	    BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, "MASA URL"));
	assert_rc(issue_with_ext(p, utf8, sizeof(utf8), &c, &e), BRSKI_EPARSE,
	    &e);
	assert_non_null(strstr(e.msg, "MASA URL"));
	assert_rc(issue_with_ext(p, empty, sizeof(empty), &c, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(issue_with_ext(p, crit, sizeof(crit), &c, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(issue_with_ext(p, good, sizeof(good), &c, &e), BRSKI_OK, &e);
	assert_string_equal(c->masa_url, "https");
	x509_free(c);
}

/*
 * An iPAddress SAN of 5 bytes is neither IPv4 nor IPv6.  (wolfSSL
 * 5.5.4 refuses it before we look, reporting MEMORY_E.)
 */
static void
test_x509_parse_rejects_bad_ip_san(void **state)
{
	static const uint8_t	 san[] = { 0x30, 0x10, 0x06, 0x03, 0x55, 0x1d,
	    0x11, 0x04, 0x09, 0x30, 0x07, 0x87, 0x05, 1, 2, 3, 4, 5 };
	static const uint8_t	 ok[] = { 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d,
	    0x11, 0x04, 0x08, 0x30, 0x06, 0x87, 0x04, 192, 0, 2, 1 };
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_cert	*c = (struct x509_cert *)1;

	assert_rc(issue_with_ext(p, san, sizeof(san), &c, &e), BRSKI_EPARSE,
	    &e);
	assert_null(c);
	assert_rc(issue_with_ext(p, ok, sizeof(ok), &c, &e), BRSKI_OK, &e);
	assert_int_equal(c->san_ip_count, 1);
	assert_string_equal(c->san_ip[0], "192.0.2.1");
	x509_free(c);
}

/* An EKU we do not name is kept as X509_EKU_OTHER, anyEKU as ANY. */
static void
test_x509_parse_eku_other_and_any(void **state)
{
	static const uint8_t	eku[] = { 0x30, 0x16, 0x06, 0x03, 0x55, 0x1d,
	    0x25, 0x04, 0x0f, 0x30, 0x0d, 0x06, 0x03, 0x2a, 0x03, 0x04, 0x06,
	    0x06, 0x55, 0x1d, 0x25, 0x00, 0x00, 0x00 };
	static const uint8_t	anyeku[] = { 0x30, 0x13, 0x06, 0x03, 0x55, 0x1d,
	    0x25, 0x04, 0x0c, 0x30, 0x0a, 0x06, 0x02, 0x2a, 0x03, 0x06, 0x04,
	    0x55, 0x1d, 0x25, 0x00 };
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_cert	*c;

	/* 2.5.29.37.0.0.0 is some other OID, not anyExtendedKeyUsage */
	assert_rc(issue_with_ext(p, eku, sizeof(eku), &c, &e), BRSKI_OK, &e);
	assert_true(c->has_eku);
	assert_int_equal(c->eku, X509_EKU_OTHER);
	x509_free(c);
	assert_rc(issue_with_ext(p, anyeku, sizeof(anyeku), &c, &e), BRSKI_OK,
	    &e);
	assert_int_equal(c->eku, X509_EKU_OTHER | X509_EKU_ANY);
	x509_free(c);
}

static void
test_x509_issue_rejects_bad_template(void **state)
{
	static const char *const	 badip[] = { "300.1.1.1" };
	struct pki			*p = *state;
	struct brski_err		 e = { 0 };
	struct x509_template		 t;
	uint8_t				*spki, *der = (uint8_t *)1;
	size_t				 spki_len, der_len;
	char				 longcn[80];

	assert_rc(key_spki(p->leaf.key, &spki, &spki_len, &e), BRSKI_OK, &e);
	tu_template(&t, "x", 0);
	t.not_after = t.not_before;
	assert_rc(x509_issue(&t, spki, spki_len, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EINVAL, &e);
	assert_null(der);
	tu_template(&t, "x", 0);
	t.san_ip = badip;
	t.san_ip_count = 1;
	assert_rc(x509_issue(&t, spki, spki_len, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EINVAL, &e);
	tu_template(&t, "x", 0);
	t.serial_number = "SN_1";	/* '_' is not PrintableString */
	assert_rc(x509_issue(&t, spki, spki_len, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EINVAL, &e);
	memset(longcn, 'c', sizeof(longcn) - 1);
	longcn[sizeof(longcn) - 1] = '\0';
	tu_template(&t, longcn, 0);
	assert_rc(x509_issue(&t, spki, spki_len, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EINVAL, &e);
	tu_template(&t, "", 0);
	assert_rc(x509_issue(&t, spki, spki_len, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EINVAL, &e);
	tu_template(&t, "x", 0);
	t.not_before = -700000000;	/* 1947: no certificate Time */
	assert_rc(x509_issue(&t, spki, spki_len, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EINVAL, &e);
	tu_template(&t, "x", 0);
	assert_rc(x509_issue(&t, spki, spki_len / 2, p->root.cert, p->root.key,
	    &der, &der_len, &e), BRSKI_EPARSE, &e);
	assert_null(der);
	free(spki);
}

/* Validity after 2049 is GeneralizedTime and parses back. */
static void
test_x509_issue_validity_past_2050(void **state)
{
	struct pki		*p = *state;
	struct x509_template	 t;
	struct tu_node		 n;

	tu_template(&t, "long-lived", 0);
	t.not_after = 4102444800;	/* 2100-01-01 */
	tu_issue(&n, KEY_EC_P256, &t, &p->root);
	assert_int_equal(n.cert->not_after, 4102444800);
	tu_node_free(&n);
}

static void
test_x509_verify_good_chain(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	const struct x509_cert	*anchor = NULL;

	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &p->anchors, TU_NOW,
	    &anchor, &e), BRSKI_OK, &e);
	assert_ptr_equal(anchor, p->anchors.v[0]);
	/* validity bounds are inclusive (RFC 5280 4.1.2.5) */
	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &p->anchors,
	    TU_NOW - 3600, NULL, &e), BRSKI_OK, &e);
	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &p->anchors,
	    TU_NOW + 7200, NULL, &e), BRSKI_OK, &e);
	/* the intermediate may also come among the anchors */
	assert_rc(x509_verify(p->leaf.cert, NULL, &p->untrusted, TU_NOW,
	    &anchor, &e), BRSKI_OK, &e);
	assert_ptr_equal(anchor, p->untrusted.v[0]);
}

static void
test_x509_verify_leaf_not_yet_valid_or_expired(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	const struct x509_cert	*anchor = (const struct x509_cert *)1;

	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &p->anchors,
	    TU_NOW - 3601, &anchor, &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "not valid yet"));
	assert_non_null(strstr(e.msg, "pledge-1"));
	assert_null(anchor);
	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &p->anchors,
	    TU_NOW + 7201, NULL, &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "has expired"));
}

/* A chain whose intermediate or anchor has other validity than TU_NOW. */
static void
expired_above(int which)
{
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 root, inter, leaf;
	struct x509_list	 anchors = { 0 }, untrusted = { 0 };

	tu_template(&t, "Root", 1);
	if (which == 0)
		t.not_after = TU_NOW - 1;
	tu_issue(&root, KEY_EC_P256, &t, NULL);
	tu_template(&t, "Int", 1);
	if (which == 1)
		t.not_after = TU_NOW - 1;
	tu_issue(&inter, KEY_EC_P256, &t, &root);
	tu_ee(&leaf, "leaf", &inter);
	tu_list(&anchors, &root);
	tu_list(&untrusted, &inter);
	assert_rc(x509_verify(leaf.cert, &untrusted, &anchors, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, which == 0 ? "\"CN=Root\"" :
	    "\"CN=Int\""));
	assert_non_null(strstr(e.msg, "expired"));
	/* a second earlier, the same chain is fine */
	assert_rc(x509_verify(leaf.cert, &untrusted, &anchors, TU_NOW - 1, NULL,
	    &e), BRSKI_OK, &e);
	x509_list_free(&anchors);
	x509_list_free(&untrusted);
	tu_node_free(&root);
	tu_node_free(&inter);
	tu_node_free(&leaf);
}

static void
test_x509_verify_intermediate_expired(void **state)
{
	(void)state;
	expired_above(1);
}

static void
test_x509_verify_anchor_expired(void **state)
{
	(void)state;
	expired_above(0);
}

static void
test_x509_verify_wrong_anchor(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct tu_node		 other;
	struct x509_list	 anchors = { 0 }, empty = { 0 };

	/* another CA with the same name as the real root */
	tu_ca(&other, "Test Root CA", NULL);
	tu_list(&anchors, &other);
	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &anchors, TU_NOW,
	    NULL, &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "does not chain"));
	/* the right anchor but the intermediate missing */
	assert_rc(x509_verify(p->leaf.cert, NULL, &p->anchors, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "Test Intermediate CA"));
	/* no anchors at all */
	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, NULL, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	assert_rc(x509_verify(p->leaf.cert, &p->untrusted, &empty, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	/* the anchor given as an untrusted certificate is no anchor */
	assert_rc(x509_verify(p->inter.cert, &p->anchors, &anchors, TU_NOW,
	    NULL, &e), BRSKI_EVERIFY, &e);
	x509_list_free(&anchors);
	tu_node_free(&other);
}

static void
test_x509_verify_issuer_not_ca(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 ee, child;
	struct x509_list	 untrusted = { 0 }, pinned = { 0 };

	/* an EE certificate, even with keyCertSign, cannot issue */
	tu_template(&t, "not a CA", 0);
	t.key_usage = X509_KU_DIGITAL_SIGNATURE | X509_KU_KEY_CERT_SIGN;
	tu_issue(&ee, KEY_EC_P256, &t, &p->root);
	tu_ee(&child, "child", &ee);
	tu_list(&untrusted, &ee);
	assert_rc(x509_verify(child.cert, &untrusted, &p->anchors, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	/* nor when it is pinned as the anchor */
	tu_list(&pinned, &ee);
	assert_rc(x509_verify(child.cert, NULL, &pinned, TU_NOW, NULL, &e),
	    BRSKI_EVERIFY, &e);
	x509_list_free(&untrusted);
	x509_list_free(&pinned);
	tu_node_free(&ee);
	tu_node_free(&child);
}

static void
test_x509_verify_issuer_without_key_cert_sign(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 ca, child;
	struct x509_list	 untrusted = { 0 };

	tu_template(&t, "CA without keyCertSign", 1);
	t.key_usage = X509_KU_DIGITAL_SIGNATURE | X509_KU_CRL_SIGN;
	tu_issue(&ca, KEY_EC_P256, &t, &p->root);
	assert_true(ca.cert->has_key_usage);
	tu_ee(&child, "child", &ca);
	tu_list(&untrusted, &ca);
	assert_rc(x509_verify(child.cert, &untrusted, &p->anchors, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	x509_list_free(&untrusted);
	tu_node_free(&ca);
	tu_node_free(&child);
	/* without a keyUsage extension a CA may issue (RFC 5280 4.2.1.3) */
	tu_template(&t, "CA without keyUsage", 1);
	t.key_usage = 0;
	tu_issue(&ca, KEY_EC_P256, &t, &p->root);
	assert_false(ca.cert->has_key_usage);
	tu_ee(&child, "child", &ca);
	tu_list(&untrusted, &ca);
	assert_rc(x509_verify(child.cert, &untrusted, &p->anchors, TU_NOW, NULL,
	    &e), BRSKI_OK, &e);
	x509_list_free(&untrusted);
	tu_node_free(&ca);
	tu_node_free(&child);
}

static void
test_x509_verify_path_len_constraint(void **state)
{
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 root, inter, leaf, direct, same;
	struct x509_list	 anchors = { 0 }, untrusted = { 0 };
	int			 pl;

	(void)state;
	for (pl = 0; pl <= 1; pl++) {
		tu_template(&t, "Root", 1);
		t.path_len = pl;
		tu_issue(&root, KEY_EC_P256, &t, NULL);
		assert_int_equal(root.cert->path_len, pl);
		tu_ca(&inter, "Int", &root);
		tu_ee(&leaf, "leaf", &inter);
		tu_ee(&direct, "direct", &root);
		tu_list(&anchors, &root);
		tu_list(&untrusted, &inter);
		assert_rc(x509_verify(leaf.cert, &untrusted, &anchors, TU_NOW,
		    NULL, &e), pl == 0 ? BRSKI_EVERIFY : BRSKI_OK, &e);
		assert_rc(x509_verify(direct.cert, &untrusted, &anchors,
		    TU_NOW, NULL, &e), BRSKI_OK, &e);
		x509_list_free(&anchors);
		x509_list_free(&untrusted);
		tu_node_free(&root);
		tu_node_free(&inter);
		tu_node_free(&leaf);
		tu_node_free(&direct);
	}
	/*
	 * RFC 5280 6.1.4 (h), (l): a self-issued intermediate (same name
	 * as the root, other key) does not count against pathLen 0.
	 */
	tu_template(&t, "Root", 1);
	t.path_len = 0;
	tu_issue(&root, KEY_EC_P256, &t, NULL);
	tu_ca(&same, "Root", &root);
	tu_ee(&leaf, "leaf", &same);
	tu_list(&anchors, &root);
	tu_list(&untrusted, &same);
	assert_rc(x509_verify(leaf.cert, &untrusted, &anchors, TU_NOW, NULL,
	    &e), BRSKI_OK, &e);
	x509_list_free(&anchors);
	x509_list_free(&untrusted);
	tu_node_free(&root);
	tu_node_free(&same);
	tu_node_free(&leaf);
}

static void
test_x509_verify_tampered_signature(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_cert	*bad;
	uint8_t			*der;
	const struct x509_cert	*c = p->leaf.cert;
	const char		*cn;
	size_t			 off;

	if ((der = malloc(c->der_len)) == NULL)
		fail();
	/* last byte: inside s of the ECDSA-Sig-Value */
	memcpy(der, c->der, c->der_len);
	tu_flip(der, c->der_len - 1);
	assert_rc(x509_parse(der, c->der_len, &bad, &e), BRSKI_OK, &e);
	assert_rc(x509_verify(bad, &p->untrusted, &p->anchors, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	x509_free(bad);
	/* a byte of the signed data: the subject CN */
	memcpy(der, c->der, c->der_len);
	cn = memmem(der, c->der_len, "pledge-1", 8);
	assert_non_null(cn);
	off = (size_t)((const uint8_t *)cn - der);
	tu_flip(der, off + 7);
	assert_rc(x509_parse(der, c->der_len, &bad, &e), BRSKI_OK, &e);
	assert_string_equal(bad->cn, "pledge-0");
	assert_rc(x509_verify(bad, &p->untrusted, &p->anchors, TU_NOW, NULL,
	    &e), BRSKI_EVERIFY, &e);
	x509_free(bad);
	free(der);
}

static void
test_x509_verify_pinned_ee_anchor(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 pinned = { 0 };
	const struct x509_cert	*anchor = NULL;

	tu_list(&pinned, &p->leaf);
	assert_rc(x509_verify(p->leaf.cert, NULL, &pinned, TU_NOW, &anchor,
	    &e), BRSKI_OK, &e);
	assert_ptr_equal(anchor, pinned.v[0]);
	/* a pinned certificate must still be valid now */
	assert_rc(x509_verify(p->leaf.cert, NULL, &pinned, TU_NOW + 7201,
	    &anchor, &e), BRSKI_EVERIFY, &e);
	x509_list_free(&pinned);
}

static void
test_x509_verify_self_signed_leaf_not_anchor(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct tu_node		 self, selfca;
	struct x509_list	 untrusted = { 0 };

	tu_ee(&self, "self", NULL);
	assert_rc(x509_verify(self.cert, NULL, &p->anchors, TU_NOW, NULL, &e),
	    BRSKI_EVERIFY, &e);
	/* also when it brings itself along as an "intermediate" */
	tu_ca(&selfca, "selfca", NULL);
	tu_list(&untrusted, &selfca);
	assert_rc(x509_verify(selfca.cert, &untrusted, &p->anchors, TU_NOW,
	    NULL, &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "self-signed"));
	x509_list_free(&untrusted);
	tu_node_free(&self);
	tu_node_free(&selfca);
}

/* Two CAs with one subject Name and different keys. */
static void
test_x509_verify_same_name_picks_by_key(void **state)
{
	struct brski_err	 e = { 0 };
	struct tu_node		 a, b, leaf;
	struct x509_list	 both = { 0 }, only_a = { 0 };
	const struct x509_cert	*anchor = NULL;

	(void)state;
	tu_ca(&a, "Same CA", NULL);
	tu_ca(&b, "Same CA", NULL);
	assert_int_equal(a.cert->subject_raw_len, b.cert->subject_raw_len);
	assert_memory_equal(a.cert->subject_raw, b.cert->subject_raw,
	    a.cert->subject_raw_len);
	tu_ee(&leaf, "leaf", &b);
	tu_list(&both, &a);
	tu_list(&both, &b);
	tu_list(&only_a, &a);
	assert_rc(x509_verify(leaf.cert, NULL, &both, TU_NOW, &anchor, &e),
	    BRSKI_OK, &e);
	assert_ptr_equal(anchor, both.v[1]);
	assert_rc(x509_verify(leaf.cert, NULL, &only_a, TU_NOW, &anchor, &e),
	    BRSKI_EVERIFY, &e);
	/* as intermediates, too */
	assert_rc(x509_verify(leaf.cert, &only_a, &only_a, TU_NOW, NULL, &e),
	    BRSKI_EVERIFY, &e);
	x509_list_free(&both);
	x509_list_free(&only_a);
	tu_node_free(&a);
	tu_node_free(&b);
	tu_node_free(&leaf);
}

/*
 * A renewed root: same name, same key, new validity.  With the expired
 * and the renewed certificate both trusted, the renewed one is used.
 */
static void
test_x509_verify_prefers_renewed_issuer(void **state)
{
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 old, leaf;
	struct x509_cert	*renewed;
	struct x509_list	 anchors = { 0 };
	const struct x509_cert	*anchor = NULL;
	uint8_t			*der;
	size_t			 len;

	(void)state;
	tu_template(&t, "Root", 1);
	t.not_after = TU_NOW - 1;
	tu_issue(&old, KEY_EC_P256, &t, NULL);
	tu_template(&t, "Root", 1);
	assert_rc(x509_issue(&t, old.cert->spki, old.cert->spki_len, NULL,
	    old.key, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(x509_parse(der, len, &renewed, &e), BRSKI_OK, &e);
	free(der);
	tu_ee(&leaf, "leaf", &old);
	assert_rc(x509_list_add_der(&anchors, old.cert->der,
	    old.cert->der_len, &e), BRSKI_OK, &e);
	assert_rc(x509_verify(leaf.cert, NULL, &anchors, TU_NOW, NULL, &e),
	    BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "expired"));
	assert_rc(x509_list_add_der(&anchors, renewed->der, renewed->der_len,
	    &e), BRSKI_OK, &e);
	assert_rc(x509_verify(leaf.cert, NULL, &anchors, TU_NOW, &anchor, &e),
	    BRSKI_OK, &e);
	assert_ptr_equal(anchor, anchors.v[1]);
	x509_list_free(&anchors);
	x509_free(renewed);
	tu_node_free(&old);
	tu_node_free(&leaf);
}

/* Chains of mixed curves: P-384 root, P-521 intermediate, P-256 leaf. */
static void
test_x509_verify_mixed_curves(void **state)
{
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct tu_node		 root, inter, leaf;
	struct x509_list	 anchors = { 0 }, untrusted = { 0 };

	(void)state;
	tu_template(&t, "P-384 root", 1);
	tu_issue(&root, KEY_EC_P384, &t, NULL);
	tu_template(&t, "P-521 int", 1);
	tu_issue(&inter, KEY_EC_P521, &t, &root);
	tu_ee(&leaf, "P-256 leaf", &inter);
	tu_list(&anchors, &root);
	tu_list(&untrusted, &inter);
	assert_rc(x509_verify(leaf.cert, &untrusted, &anchors, TU_NOW, NULL,
	    &e), BRSKI_OK, &e);
	x509_list_free(&anchors);
	x509_list_free(&untrusted);
	tu_node_free(&root);
	tu_node_free(&inter);
	tu_node_free(&leaf);
}

/* A path of n CAs below the root (and a leaf): X509_CHAIN_MAX bounds it. */
static enum brski_rc
long_chain(int n, struct brski_err *e)
{
	struct tu_node		 nodes[12], leaf;
	struct x509_list	 anchors = { 0 }, untrusted = { 0 };
	char			 name[32];
	enum brski_rc		 rc;
	int			 i;

	tu_ca(&nodes[0], "CA 0", NULL);
	tu_list(&anchors, &nodes[0]);
	for (i = 1; i <= n; i++) {
		snprintf(name, sizeof(name), "CA %d", i);
		tu_ca(&nodes[i], name, &nodes[i - 1]);
		tu_list(&untrusted, &nodes[i]);
	}
	tu_ee(&leaf, "leaf", &nodes[n]);
	rc = x509_verify(leaf.cert, &untrusted, &anchors, TU_NOW, NULL, e);
	for (i = 0; i <= n; i++)
		tu_node_free(&nodes[i]);
	tu_node_free(&leaf);
	x509_list_free(&anchors);
	x509_list_free(&untrusted);
	return rc;
}

static void
test_x509_verify_path_length_limit(void **state)
{
	struct brski_err	e = { 0 };

	(void)state;
	/* leaf + 6 intermediates + anchor = X509_CHAIN_MAX certificates */
	assert_rc(long_chain(X509_CHAIN_MAX - 2, &e), BRSKI_OK, &e);
	assert_rc(long_chain(X509_CHAIN_MAX - 1, &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "longer than"));
}

/* PEM text of the certificates of a node array, with a key in between. */
static char *
bundle(const struct tu_node *n, size_t count, int with_noise)
{
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };
	char			*pem, *kpem;
	size_t			 i, len, klen;

	for (i = 0; i < count; i++) {
		if (with_noise && i == 1) {
			assert_rc(key_to_pem(n[0].key, &kpem, &klen, &e),
			    BRSKI_OK, &e);
			assert_rc(buf_printf(&b, &e, "%s\nsome text\n", kpem),
			    BRSKI_OK, &e);
			free(kpem);
		}
		assert_rc(x509_to_pem(n[i].cert->der, n[i].cert->der_len, &pem,
		    &len, &e), BRSKI_OK, &e);
		assert_rc(buf_append(&b, pem, len, BUF_NOLIMIT, &e), BRSKI_OK,
		    &e);
		free(pem);
	}
	return (char *)buf_steal(&b, NULL);
}

static void
test_x509_list_parse_pem_bundle_with_other_blocks(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 l = { 0 };
	struct tu_node		 n[3];
	char			*pem, *again;
	size_t			 len;

	n[0] = p->leaf;
	n[1] = p->inter;
	n[2] = p->root;
	pem = bundle(n, 3, 1);
	assert_non_null(strstr(pem, "BEGIN EC PRIVATE KEY"));
	assert_rc(x509_list_parse((uint8_t *)pem, strlen(pem), &l, &e),
	    BRSKI_OK, &e);
	assert_int_equal(l.n, 3);
	assert_true(x509_equal(l.v[0], p->leaf.cert));
	assert_true(x509_equal(l.v[1], p->inter.cert));
	assert_true(x509_equal(l.v[2], p->root.cert));
	/* appending: the same text again adds three more */
	assert_rc(x509_list_parse((uint8_t *)pem, strlen(pem), &l, &e),
	    BRSKI_OK, &e);
	assert_int_equal(l.n, 6);
	/* to PEM and back */
	assert_rc(x509_list_to_pem(&l, &again, &len, &e), BRSKI_OK, &e);
	assert_int_equal(strlen(again), len);
	assert_null(strstr(again, "PRIVATE KEY"));
	x509_list_free(&l);
	assert_rc(x509_list_parse((uint8_t *)again, len, &l, &e), BRSKI_OK,
	    &e);
	assert_int_equal(l.n, 6);
	assert_true(x509_equal(l.v[5], p->root.cert));
	x509_list_free(&l);
	x509_list_free(&l);	/* idempotent */
	free(again);
	free(pem);
	/* one DER certificate */
	assert_rc(x509_list_parse(p->leaf.cert->der, p->leaf.cert->der_len,
	    &l, &e), BRSKI_OK, &e);
	assert_int_equal(l.n, 1);
	x509_list_free(&l);
}

/* A failed parse leaves the list as it was. */
static void
list_bad(const void *buf, size_t len, enum brski_rc want)
{
	struct brski_err	 e = { 0 };
	struct x509_list	 l = { 0 };

	assert_rc(x509_list_parse(buf, len, &l, &e), want, &e);
	assert_int_equal(l.n, 0);
	x509_list_free(&l);
}

static void
test_x509_list_parse_garbage(void **state)
{
	struct pki		*p = *state;
	struct tu_node		 n[2];
	char			*pem, *cut;
	const char		*end;
	static const char	 keyonly[] = "-----BEGIN EC PRIVATE KEY-----\n"
	    "AAAA\n-----END EC PRIVATE KEY-----\n";

	list_bad("garbage that is not DER", 23, BRSKI_EPARSE);
	list_bad("", 0, BRSKI_EPARSE);
	list_bad(keyonly, sizeof(keyonly) - 1, BRSKI_EPARSE);
	list_bad("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----"
	    "\n", 60, BRSKI_EPARSE);
	n[0] = p->leaf;
	n[1] = p->root;
	pem = bundle(n, 2, 0);
	/* second certificate without its END line: nothing is kept */
	end = strstr(pem, "-----END CERTIFICATE-----");
	end = strstr(end + 1, "-----END CERTIFICATE-----");
	assert_non_null(end);
	list_bad(pem, (size_t)(end - pem), BRSKI_EPARSE);
	/* second certificate's base64 damaged */
	if ((cut = strdup(pem)) == NULL)
		fail();
	cut[(size_t)(end - pem) - 10] = '*';
	list_bad(cut, strlen(cut), BRSKI_EPARSE);
	free(cut);
	free(pem);
}

static void
test_x509_list_parse_over_64_certificates(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 l = { 0 };
	struct tu_node		 n[65];
	char			*pem;
	size_t			 i;

	for (i = 0; i < 65; i++)
		n[i] = p->root;
	pem = bundle(n, 64, 0);
	assert_rc(x509_list_parse((uint8_t *)pem, strlen(pem), &l, &e),
	    BRSKI_OK, &e);
	assert_int_equal(l.n, 64);
	/* one more in a second call does not fit either */
	assert_rc(x509_list_add_der(&l, p->root.cert->der,
	    p->root.cert->der_len, &e), BRSKI_ETOOBIG, &e);
	assert_int_equal(l.n, 64);
	x509_list_free(&l);
	free(pem);
	pem = bundle(n, 65, 0);
	list_bad(pem, strlen(pem), BRSKI_ETOOBIG);
	free(pem);
}

static void
test_x509_list_load_file(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_list	 l = { 0 };
	struct tu_node		 n[2];
	char			*dir, *path, *pem;

	dir = tu_tmpdir();
	path = tu_path(dir, "chain.pem");
	n[0] = p->inter;
	n[1] = p->root;
	pem = bundle(n, 2, 0);
	assert_rc(file_write_atomic(path, pem, strlen(pem), 0644, &e), BRSKI_OK,
	    &e);
	assert_rc(x509_list_load(path, &l, &e), BRSKI_OK, &e);
	assert_int_equal(l.n, 2);
	assert_true(x509_equal(l.v[1], p->root.cert));
	x509_list_free(&l);
	assert_rc(file_write_atomic(path, "junk", 4, 0644, &e), BRSKI_OK, &e);
	assert_rc(x509_list_load(path, &l, &e), BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, "chain.pem"));
	assert_int_equal(l.n, 0);
	free(path);
	path = tu_path(dir, "absent.pem");
	assert_rc(x509_list_load(path, &l, &e), BRSKI_EIO, &e);
	free(path);
	free(pem);
	tu_rmdir(dir);
}

static void
test_x509_dup_equal_label(void **state)
{
	struct pki		*p = *state;
	struct brski_err	 e = { 0 };
	struct x509_cert	*d;
	char			 lbl[300], want[32];

	assert_rc(x509_dup(p->leaf.cert, &d, &e), BRSKI_OK, &e);
	assert_ptr_not_equal(d, p->leaf.cert);
	assert_true(x509_equal(d, p->leaf.cert));
	assert_false(x509_equal(d, p->inter.cert));
	assert_false(x509_equal(d, NULL));
	x509_label(d, lbl, sizeof(lbl));
	snprintf(want, sizeof(want), "(sha256:%02x%02x%02x%02x",
	    d->sha256[0], d->sha256[1], d->sha256[2], d->sha256[3]);
	assert_non_null(strstr(lbl, want));
	assert_non_null(strstr(lbl, "CN=pledge-1"));
	x509_free(d);
	x509_free(NULL);
}

/*
 * x509_verify() hands wolfSSL the SubjectPublicKeyInfo that x509_parse()
 * kept for an EC issuer instead of decoding the issuer again: for each
 * curve those must be the bytes wolfSSL decodes, a chain must verify,
 * and neither a child whose signature is damaged nor an anchor of the
 * same name with another key may pass.
 */
static void
test_x509_ec_issuer_key_as_wolfssl_decodes_it(void **state)
{
	static const enum key_type	 kt[] = { KEY_EC_P256, KEY_EC_P384,
	    KEY_EC_P521 };
	struct brski_err		 e = { 0 };
	struct x509_template		 t;
	struct tu_node			 ca, other, leaf;
	struct x509_list		 anchors = { 0 };
	struct x509_cert		*flipped = NULL;
	DecodedCert			 dc;
	uint8_t				 bad[4096];
	size_t				 i;

	(void)state;
	for (i = 0; i < sizeof(kt) / sizeof(kt[0]); i++) {
		tu_template(&t, "curve CA", 1);
		tu_issue(&ca, kt[i], &t, NULL);
		tu_issue(&other, kt[i], &t, NULL);	/* same name, other key */
		tu_template(&t, "curve leaf", 0);
		tu_issue(&leaf, KEY_EC_P256, &t, &ca);
		wc_InitDecodedCert(&dc, ca.cert->der, (word32)ca.cert->der_len,
		    NULL);
		assert_int_equal(wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL),
		    0);
		assert_int_equal(ca.cert->key_oid, ECDSAk);
		assert_int_equal(dc.pubKeySize, ca.cert->spki_len);
		assert_memory_equal(dc.publicKey, ca.cert->spki,
		    ca.cert->spki_len);
		wc_FreeDecodedCert(&dc);
		tu_list(&anchors, &ca);
		assert_rc(x509_verify(leaf.cert, NULL, &anchors, TU_NOW, NULL,
		    &e), BRSKI_OK, &e);
		/* the leaf with one bit of its signature flipped */
		assert_true(leaf.cert->der_len <= sizeof(bad));
		memcpy(bad, leaf.cert->der, leaf.cert->der_len);
		bad[leaf.cert->der_len - 1] ^= 0x01;
		assert_rc(x509_parse(bad, leaf.cert->der_len, &flipped, &e),
		    BRSKI_OK, &e);
		assert_rc(x509_verify(flipped, NULL, &anchors, TU_NOW, NULL,
		    &e), BRSKI_EVERIFY, &e);
		x509_free(flipped);
		x509_list_free(&anchors);
		tu_list(&anchors, &other);
		assert_rc(x509_verify(leaf.cert, NULL, &anchors, TU_NOW, NULL,
		    &e), BRSKI_EVERIFY, &e);
		x509_list_free(&anchors);
		tu_node_free(&leaf);
		tu_node_free(&other);
		tu_node_free(&ca);
	}
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, pki_setup, pki_teardown)
	const struct CMUnitTest tests[] = {
		T(test_x509_parse_fields),
		T(test_x509_parse_ca_fields),
		T(test_x509_parse_rejects_truncated),
		T(test_x509_parse_rejects_garbage),
		T(test_x509_parse_masa_url_checks),
		T(test_x509_parse_rejects_bad_ip_san),
		T(test_x509_parse_eku_other_and_any),
		T(test_x509_issue_rejects_bad_template),
		T(test_x509_issue_validity_past_2050),
		T(test_x509_verify_good_chain),
		T(test_x509_verify_leaf_not_yet_valid_or_expired),
		T(test_x509_verify_intermediate_expired),
		T(test_x509_verify_anchor_expired),
		T(test_x509_verify_wrong_anchor),
		T(test_x509_verify_issuer_not_ca),
		T(test_x509_verify_issuer_without_key_cert_sign),
		T(test_x509_verify_path_len_constraint),
		T(test_x509_verify_tampered_signature),
		T(test_x509_verify_pinned_ee_anchor),
		T(test_x509_verify_self_signed_leaf_not_anchor),
		T(test_x509_verify_same_name_picks_by_key),
		T(test_x509_verify_prefers_renewed_issuer),
		T(test_x509_verify_mixed_curves),
		T(test_x509_verify_path_length_limit),
		T(test_x509_list_parse_pem_bundle_with_other_blocks),
		T(test_x509_list_parse_garbage),
		T(test_x509_list_parse_over_64_certificates),
		T(test_x509_list_load_file),
		T(test_x509_dup_equal_label),
		T(test_x509_ec_issuer_key_as_wolfssl_decodes_it),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
