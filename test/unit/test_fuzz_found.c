/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bugs the fuzz targets (test/fuzz/) found in modules that have no unit
 * test file on this branch, as unit tests; the inputs themselves stay
 * in test/fuzz/corpus/.  Move each test into test_<module>.c when that
 * file exists.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "der.h"
#include "fileio.h"
#include "key.h"
#include "secret.h"
#include "x509.h"

/* Extension { extnID, extnValue } with the value's DER inside */
static const uint8_t ext_masa_url[] = { 0x30, 0x15, 0x06, 0x08, 0x2b, 0x06,
	0x01, 0x05, 0x05, 0x07, 0x01, 0x20, 0x04, 0x09, 0x16, 0x07, 'h', 't',
	't', 'p', 's', ':', 'x' };
static const uint8_t ext_eku[] = { 0x30, 0x13, 0x06, 0x03, 0x55, 0x1d, 0x25,
	0x04, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07,
	0x03, 0x01 };

/* A self-signed certificate with t's fields plus one extra extension. */
static void
issue_with(struct x509_template *t, const uint8_t *ext, size_t len,
    uint8_t **der, size_t *dlen)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = NULL;
	struct x509_ext		 x = { ext, len };
	uint8_t			*spki = NULL;
	size_t			 slen;

	t->not_before = 1700000000;
	t->not_after = t->not_before + 86400;
	t->path_len = -1;
	t->extra = &x;
	t->extra_count = 1;
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_spki(k, &spki, &slen, &e), BRSKI_OK, &e);
	assert_rc(x509_issue(t, spki, slen, NULL, k, der, dlen, &e), BRSKI_OK,
	    &e);
	free(spki);
	key_free(k);
}

/*
 * x509_parse() kept the second authorityKeyIdentifier or MASA URL over
 * the first and leaked the first copy; RFC 5280 4.2 allows one of
 * each.  wolfSSL 5.5.4 refuses a second AKI (or EKU) itself, but not
 * after a first one without keyIdentifier, as in the fuzzer's input.
 */
static void
test_x509_rejects_duplicate_extensions(void **state)
{
	struct brski_err	 e = { 0 };
	struct x509_template	 t;
	struct x509_cert	*c;
	const char		*top;
	char			*path;
	uint8_t			*der;
	size_t			 dlen;

	(void)state;
	t = (struct x509_template){ .cn = "masa",
	    .masa_url = "https://masa.example" };
	issue_with(&t, ext_masa_url, sizeof(ext_masa_url), &der, &dlen);
	assert_rc(x509_parse(der, dlen, &c, &e), BRSKI_EPARSE, &e);
	assert_null(c);
	assert_non_null(strstr(e.msg, "two MASA URL"));
	free(der);

	t = (struct x509_template){ .cn = "eku", .eku = X509_EKU_CLIENT_AUTH };
	issue_with(&t, ext_eku, sizeof(ext_eku), &der, &dlen);
	assert_rc(x509_parse(der, dlen, &c, &e), BRSKI_EPARSE, &e);
	free(der);

	assert_non_null(top = getenv("top_srcdir"));
	path = tu_path(top, "test/fuzz/corpus/x509_parse/leak-two-aki.der");
	assert_rc(file_read(path, X509_DER_MAX, &der, &dlen, &e), BRSKI_OK, &e);
	assert_rc(x509_parse(der, dlen, &c, &e), BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, "two authorityKeyIdentifier"));
	free(der);
	free(path);

	/* one of each is fine */
	t = (struct x509_template){ .cn = "one" };
	issue_with(&t, ext_masa_url, sizeof(ext_masa_url), &der, &dlen);
	assert_rc(x509_parse(der, dlen, &c, &e), BRSKI_OK, &e);
	assert_string_equal(c->masa_url, "https:x");
	x509_free(c);
	free(der);
}

static enum brski_rc
get_time(uint8_t tag, const char *text, time_t *out, struct brski_err *e)
{
	struct der_tlv	t = { .tag = tag, .val = (const uint8_t *)text,
	    .len = strlen(text) };

	return der_get_time(&t, out, e);
}

/*
 * der_get_time() took 29 February 2026 (and 31 April) and timegm()
 * made it 1 March: a certificate's validity moved by a day.
 */
static void
test_der_time_rejects_days_the_month_lacks(void **state)
{
	struct brski_err	e = { 0 };
	time_t			t;

	(void)state;
	assert_rc(get_time(DER_UTCTIME, "260229000000Z", &t, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(get_time(DER_UTCTIME, "260431120000Z", &t, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(get_time(DER_GENTIME, "21000229000000Z", &t, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(get_time(DER_UTCTIME, "240229000000Z", &t, &e), BRSKI_OK,
	    &e);
	assert_int_equal((long long)t, 1709164800LL);
	assert_rc(get_time(DER_GENTIME, "20000229235959Z", &t, &e), BRSKI_OK,
	    &e);
	assert_int_equal((long long)t, 951868799LL);
}

/*
 * A P-256 key whose private scalar has 45 bytes: wolfSSL 5.5.4 decoded
 * it, and key_to_der() then crashed in wc_EccKeyToDer().
 */
static void
test_key_rejects_private_key_longer_than_curve(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	const char		*top;
	char			*path;
	uint8_t			*der;
	size_t			 dlen;

	(void)state;
	assert_non_null(top = getenv("top_srcdir"));
	path = tu_path(top, "test/fuzz/corpus/key_parse/"
	    "crash-long-private-key.der");
	assert_rc(file_read(path, 4096, &der, &dlen, &e), BRSKI_OK, &e);
	assert_rc(key_parse(der, dlen, &k, &e), BRSKI_EPARSE, &e);
	assert_null(k);
	assert_non_null(strstr(e.msg, "longer than the curve"));
	free(der);
	free(path);
}

/* The fuzzer's second find: a file whose public key is another key's. */
static void
test_key_rejects_public_key_of_another_key(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*a = NULL, *b = NULL, *k;
	uint8_t			*da = NULL, *db = NULL;
	size_t			 la, lb;

	(void)state;
	assert_rc(key_generate(KEY_EC_P256, &a, &e), BRSKI_OK, &e);
	assert_rc(key_generate(KEY_EC_P256, &b, &e), BRSKI_OK, &e);
	assert_rc(key_to_der(a, &da, &la, &e), BRSKI_OK, &e);
	assert_rc(key_to_der(b, &db, &lb, &e), BRSKI_OK, &e);
	assert_rc(key_parse(da, la, &k, &e), BRSKI_OK, &e);
	key_free(k);
	/* SEC 1 P-256: the uncompressed point is the last 65 bytes */
	assert_int_equal(la, lb);
	assert_int_equal(da[la - 65], 0x04);
	memcpy(da + la - 65, db + lb - 65, 65);
	assert_rc(key_parse(da, la, &k, &e), BRSKI_EPARSE, &e);
	assert_null(k);
	assert_non_null(strstr(e.msg, "not the private key's"));
	secret_free(da, la);
	secret_free(db, lb);
	key_free(a);
	key_free(b);
}

/*
 * A SEC 1 key without its optional public key (RFC 5915) parsed, but
 * key_to_der() and key_spki() then failed on it; now it is derived.
 */
static void
test_key_derives_missing_public_key(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*a = NULL, *k = NULL;
	uint8_t			*da = NULL, *sa = NULL, *sk = NULL;
	size_t			 la, lsa, lsk;

	(void)state;
	assert_rc(key_generate(KEY_EC_P256, &a, &e), BRSKI_OK, &e);
	assert_rc(key_to_der(a, &da, &la, &e), BRSKI_OK, &e);
	/* SEQUENCE { 1, d (32), [0] P-256 } without [1] publicKey */
	assert_int_equal(la, 121);
	assert_int_equal(da[51], 0xa1);
	da[1] = 49;
	assert_rc(key_parse(da, 51, &k, &e), BRSKI_OK, &e);
	assert_rc(key_spki(a, &sa, &lsa, &e), BRSKI_OK, &e);
	assert_rc(key_spki(k, &sk, &lsk, &e), BRSKI_OK, &e);
	assert_int_equal(lsa, lsk);
	assert_memory_equal(sa, sk, lsa);
	secret_free(da, la);
	free(sa);
	free(sk);
	key_free(a);
	key_free(k);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x509_rejects_duplicate_extensions),
		cmocka_unit_test(test_der_time_rejects_days_the_month_lacks),
		cmocka_unit_test(test_key_rejects_private_key_longer_than_curve),
		cmocka_unit_test(test_key_rejects_public_key_of_another_key),
		cmocka_unit_test(test_key_derives_missing_public_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
