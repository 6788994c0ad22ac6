/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for registrar/crl.c: the CRL's structure read back with
 * der.h, its signature checked with the CA's public key, and the whole
 * CRL loaded by wolfSSL's CertManager (which checks the signature
 * itself) and used to refuse the revoked certificate.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "testutil.h"
#include "testpki.h"
#include "crl.h"
#include "der.h"

struct fixture {
	struct tu_node	ca, ee1, ee2;
};

static void
make(struct fixture *f, enum key_type kt)
{
	struct x509_template	t;

	tu_template(&t, "CRL Test CA", 1);
	t.not_before = time(NULL) - TU_DAY;	/* CertManager: wall clock */
	t.not_after = time(NULL) + 30 * TU_DAY;
	tu_issue(&f->ca, kt, &t, NULL);
	tu_template(&t, "ee1", 0);
	t.not_before = time(NULL) - TU_DAY;
	t.not_after = time(NULL) + 10 * TU_DAY;
	tu_issue(&f->ee1, KEY_EC_P256, &t, &f->ca);
	t.cn = "ee2";
	tu_issue(&f->ee2, KEY_EC_P256, &t, &f->ca);
}

static void
unmake(struct fixture *f)
{
	tu_node_free(&f->ca);
	tu_node_free(&f->ee1);
	tu_node_free(&f->ee2);
}

static void
entry_for(const struct tu_node *n, int reason, struct crl_entry *ce)
{
	memset(ce, 0, sizeof(*ce));
	memcpy(ce->serial, n->cert->serial, n->cert->serial_len);
	ce->serial_len = n->cert->serial_len;
	ce->revoked_at = time(NULL) - 60;
	ce->reason = reason;
}

static void
build(const struct fixture *f, const struct crl_entry *v, size_t n,
    long long number, uint8_t **der, size_t *len)
{
	struct brski_err	e = { 0 };
	struct crl_params	p;

	memset(&p, 0, sizeof(p));
	p.issuer = f->ca.cert;
	p.key = f->ca.key;
	p.this_update = time(NULL);
	p.next_update = p.this_update + 7 * TU_DAY;
	p.number = number;
	p.entries = v;
	p.count = n;
	assert_rc(crl_build(&p, der, len, &e), BRSKI_OK, &e);
}

/* Read one TLV at *p and move past it. */
static void
next(const uint8_t **p, size_t *left, uint8_t tag, struct der_tlv *t)
{
	struct brski_err	e = { 0 };

	assert_rc(der_expect(*p, *left, tag, t, &e), BRSKI_OK, &e);
	*p += t->raw_len;
	*left -= t->raw_len;
}

/* The signature over the TBSCertList verifies with the CA's key; the
 * fields are where RFC 5280 5.1 puts them. */
static void
check_structure(const struct fixture *f, const uint8_t *der, size_t len,
    const struct crl_entry *want, long long number, uint8_t alg_last)
{
	struct brski_err	 e = { 0 };
	struct der_tlv		 cl, tbs, alg, sig, t, ents, ent, ext;
	const uint8_t		*p, *q;
	size_t			 left, qleft;
	uint8_t			 md[WC_MAX_DIGEST_SIZE];
	int			 ht = key_hash_type(f->ca.key->type);
	int			 mdlen;

	mdlen = wc_HashGetDigestSize((enum wc_HashType)ht);
	assert_rc(der_expect(der, len, DER_SEQUENCE, &cl, &e), BRSKI_OK, &e);
	assert_int_equal(cl.raw_len, len);
	p = cl.val;
	left = cl.len;
	next(&p, &left, DER_SEQUENCE, &tbs);
	next(&p, &left, DER_SEQUENCE, &alg);
	assert_int_equal(alg.val[alg.len - 1], alg_last);
	next(&p, &left, DER_BIT_STRING, &sig);
	assert_int_equal(left, 0);
	assert_int_equal(sig.val[0], 0);
	assert_int_equal(wc_Hash((enum wc_HashType)ht, tbs.raw,
	    (word32)tbs.raw_len, md, (word32)mdlen), 0);
	assert_rc(key_verify_digest(f->ca.cert->spki, f->ca.cert->spki_len, md,
	    (size_t)mdlen, sig.val + 1, sig.len - 1, &e), BRSKI_OK, &e);
	/* the same signature does not cover a changed TBSCertList */
	md[0] ^= 1;
	assert_rc(key_verify_digest(f->ca.cert->spki, f->ca.cert->spki_len, md,
	    (size_t)mdlen, sig.val + 1, sig.len - 1, &e), BRSKI_EVERIFY, &e);

	p = tbs.val;
	left = tbs.len;
	next(&p, &left, DER_INTEGER, &t);		/* v2 */
	assert_int_equal(t.len, 1);
	assert_int_equal(t.val[0], 1);
	next(&p, &left, DER_SEQUENCE, &t);		/* = outer algorithm */
	assert_int_equal(t.raw_len, alg.raw_len);
	assert_memory_equal(t.raw, alg.raw, alg.raw_len);
	next(&p, &left, DER_SEQUENCE, &t);		/* issuer: the CA's */
	assert_int_equal(t.raw_len, f->ca.cert->subject_raw_len);
	assert_memory_equal(t.raw, f->ca.cert->subject_raw, t.raw_len);
	next(&p, &left, DER_UTCTIME, &t);		/* thisUpdate */
	next(&p, &left, DER_UTCTIME, &t);		/* nextUpdate */
	if (want != NULL) {
		next(&p, &left, DER_SEQUENCE, &ents);
		q = ents.val;
		qleft = ents.len;
		next(&q, &qleft, DER_SEQUENCE, &ent);
		assert_int_equal(qleft, 0);		/* exactly one entry */
		q = ent.val;
		qleft = ent.len;
		next(&q, &qleft, DER_INTEGER, &t);
		assert_int_equal(t.len, want->serial_len);
		assert_memory_equal(t.val, want->serial, t.len);
		next(&q, &qleft, DER_UTCTIME, &t);
		if (want->reason == 0)
			assert_int_equal(qleft, 0);	/* no reasonCode */
		else {
			next(&q, &qleft, DER_SEQUENCE, &ext);
			/* { { 2.5.29.21, OCTET STRING { ENUMERATED r } } } */
			assert_non_null(memmem(ext.val, ext.len,
			    "\x06\x03\x55\x1d\x15\x04\x03\x0a\x01", 9));
			assert_int_equal(ext.val[ext.len - 1], want->reason);
		}
	}
	next(&p, &left, DER_CTX_C(0), &t);		/* crlExtensions */
	assert_int_equal(left, 0);
	/* authorityKeyIdentifier = the CA's subjectKeyIdentifier */
	assert_true(f->ca.cert->ski_len == 20);
	q = memmem(t.val, t.len, "\x06\x03\x55\x1d\x23", 5);
	assert_non_null(q);
	assert_memory_equal(q + 5 + 6, f->ca.cert->ski, 20);
	/* cRLNumber */
	q = memmem(t.val, t.len, "\x06\x03\x55\x1d\x14\x04", 6);
	assert_non_null(q);
	assert_int_equal(q[7], DER_INTEGER);
	assert_int_equal(q[8], 1);
	assert_int_equal(q[9], number);
}

static WOLFSSL_CERT_MANAGER *
manager_with_crl(const struct fixture *f, const uint8_t *der, size_t len,
    int *loaded)
{
	WOLFSSL_CERT_MANAGER	*cm = wolfSSL_CertManagerNew();

	assert_non_null(cm);
	assert_int_equal(wolfSSL_CertManagerLoadCABuffer(cm, f->ca.cert->der,
	    (long)f->ca.cert->der_len, WOLFSSL_FILETYPE_ASN1), WOLFSSL_SUCCESS);
	assert_int_equal(wolfSSL_CertManagerEnableCRL(cm, 0), WOLFSSL_SUCCESS);
	*loaded = wolfSSL_CertManagerLoadCRLBuffer(cm, der, (long)len,
	    WOLFSSL_FILETYPE_ASN1);
	return cm;
}

static void
test_crl_revokes_one_and_verifies(void **state)
{
	struct fixture		 f;
	struct crl_entry	 ce;
	WOLFSSL_CERT_MANAGER	*cm;
	uint8_t			*der = NULL, *p;
	size_t			 len;
	int			 loaded;

	(void)state;
	make(&f, KEY_EC_P256);
	entry_for(&f.ee1, CRL_REASON_KEY_COMPROMISE, &ce);
	build(&f, &ce, 1, 7, &der, &len);
	check_structure(&f, der, len, &ce, 7, 0x02);	/* ecdsa-with-SHA256 */
	/* wolfSSL checks the signature when it loads the CRL */
	cm = manager_with_crl(&f, der, len, &loaded);
	assert_int_equal(loaded, WOLFSSL_SUCCESS);
	assert_int_equal(wolfSSL_CertManagerCheckCRL(cm, f.ee1.cert->der,
	    (int)f.ee1.cert->der_len), CRL_CERT_REVOKED);
	assert_int_equal(wolfSSL_CertManagerCheckCRL(cm, f.ee2.cert->der,
	    (int)f.ee2.cert->der_len), WOLFSSL_SUCCESS);
	wolfSSL_CertManagerFree(cm);
	/* one bit changed in the TBSCertList (the revoked serial), issuer
	 * intact: wolfSSL finds the CA, and the signature fails */
	assert_non_null(p = memmem(der, len, ce.serial, ce.serial_len));
	p[ce.serial_len - 1] ^= 0x01;
	cm = manager_with_crl(&f, der, len, &loaded);
	assert_int_not_equal(loaded, WOLFSSL_SUCCESS);
	wolfSSL_CertManagerFree(cm);
	free(der);
	unmake(&f);
}

static void
test_crl_other_curve_and_empty(void **state)
{
	struct fixture		 f;
	struct crl_entry	 ce;
	WOLFSSL_CERT_MANAGER	*cm;
	uint8_t			*der = NULL;
	size_t			 len;
	int			 loaded;

	(void)state;
	make(&f, KEY_EC_P384);
	/* unspecified: the entry has no reasonCode (RFC 5280 5.3.1) */
	entry_for(&f.ee2, CRL_REASON_UNSPECIFIED, &ce);
	build(&f, &ce, 1, 2, &der, &len);
	check_structure(&f, der, len, &ce, 2, 0x03);	/* ecdsa-with-SHA384 */
	free(der);
	/* no revocations: revokedCertificates absent, still a valid CRL */
	build(&f, NULL, 0, 3, &der, &len);
	check_structure(&f, der, len, NULL, 3, 0x03);
	cm = manager_with_crl(&f, der, len, &loaded);
	assert_int_equal(loaded, WOLFSSL_SUCCESS);
	assert_int_equal(wolfSSL_CertManagerCheckCRL(cm, f.ee1.cert->der,
	    (int)f.ee1.cert->der_len), WOLFSSL_SUCCESS);
	wolfSSL_CertManagerFree(cm);
	free(der);
	unmake(&f);
}

static void
test_crl_refuses_bad_parameters(void **state)
{
	struct brski_err	 e = { 0 };
	struct fixture		 f;
	struct crl_params	 p;
	uint8_t			*der = NULL;
	size_t			 len;

	(void)state;
	make(&f, KEY_EC_P256);
	memset(&p, 0, sizeof(p));
	p.issuer = f.ca.cert;
	p.key = f.ca.key;
	p.this_update = time(NULL);
	p.next_update = p.this_update;
	p.number = 1;
	assert_rc(crl_build(&p, &der, &len, &e), BRSKI_EINVAL, &e);
	assert_null(der);
	p.next_update = p.this_update + 60;
	p.number = 0;
	assert_rc(crl_build(&p, &der, &len, &e), BRSKI_EINVAL, &e);
	assert_null(der);
	unmake(&f);
}

static void
test_crl_serials_and_reasons(void **state)
{
	struct brski_err	 e = { 0 };
	struct crl_entry	 ce;
	char			 out[CRL_HEX_MAX + 2];
	int			 r = -1;

	(void)state;
	assert_rc(crl_serial_normalize("4a:1f:0b", out, sizeof(out), &e),
	    BRSKI_OK, &e);
	assert_string_equal(out, "4A1F0B");
	assert_rc(crl_serial_normalize("serial=ABC", out, sizeof(out), &e),
	    BRSKI_OK, &e);
	assert_string_equal(out, "0ABC");
	assert_rc(crl_serial_normalize("12; DROP", out, sizeof(out), &e),
	    BRSKI_EINVAL, &e);
	assert_rc(crl_serial_normalize("", out, sizeof(out), &e),
	    BRSKI_EINVAL, &e);
	assert_rc(crl_serial_normalize("0102030405060708090a0b0c0d0e0f10111213"
	    "1415", out, sizeof(out), &e), BRSKI_EINVAL, &e);	/* 21 octets */
	assert_rc(crl_serial_from_hex("4A1F", &ce, &e), BRSKI_OK, &e);
	assert_int_equal(ce.serial_len, 2);
	assert_int_equal(ce.serial[0], 0x4a);
	assert_rc(crl_serial_from_hex("4A1", &ce, &e), BRSKI_EINVAL, &e);
	assert_rc(crl_serial_from_hex("4G", &ce, &e), BRSKI_EINVAL, &e);
	assert_true(crl_reason_from_name("keyCompromise", &r));
	assert_int_equal(r, 1);
	assert_true(crl_reason_from_name("cessationOfOperation", &r));
	assert_int_equal(r, 5);
	/* holds and delta-CRL reasons are not for an operator to give */
	assert_false(crl_reason_from_name("certificateHold", &r));
	assert_false(crl_reason_from_name("removeFromCRL", &r));
	assert_false(crl_reason_from_name("keycompromise", &r));
	assert_string_equal(crl_reason_name(4), "superseded");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crl_revokes_one_and_verifies),
		cmocka_unit_test(test_crl_other_curve_and_empty),
		cmocka_unit_test(test_crl_refuses_bad_parameters),
		cmocka_unit_test(test_crl_serials_and_reasons),
	};

	wolfSSL_Init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
