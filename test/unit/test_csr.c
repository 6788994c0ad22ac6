/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/csr.c: what csr_create() writes csr_parse()
 * reads back, and an untrusted request that is damaged, too big or not
 * a request at all is refused with the right code.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testpki.h"
#include "csr.h"
#include "est.h"

static void
make_csr(enum key_type kt, const struct csr_request *r,
    struct brski_key **key, uint8_t **der, size_t *len)
{
	struct brski_err	e = { 0 };

	assert_rc(key_generate(kt, key, &e), BRSKI_OK, &e);
	assert_rc(csr_create(r, *key, der, len, &e), BRSKI_OK, &e);
	assert_true(*len > 0 && *len <= CSR_DER_MAX);
}

static void
test_csr_roundtrip(void **state)
{
	static const enum key_type	 types[] = { KEY_EC_P256, KEY_EC_P384,
	    KEY_EC_P521 };
	struct csr_request		 r = { "pledge-7", "SN-7", "Example",
	    "s3cret-pw" };
	struct brski_err		 e = { 0 };
	struct brski_key		*k;
	struct csr			*c;
	uint8_t				*der, *spki;
	size_t				 len, spki_len, i;

	(void)state;
	for (i = 0; i < 3; i++) {
		make_csr(types[i], &r, &k, &der, &len);
		assert_rc(csr_parse(der, len, &c, &e), BRSKI_OK, &e);
		assert_string_equal(c->cn, "pledge-7");
		assert_string_equal(c->serial_number, "SN-7");
		assert_string_equal(c->challenge_password, "s3cret-pw");
		assert_non_null(strstr(c->subject, "CN=pledge-7"));
		assert_non_null(strstr(c->subject, "O=Example"));
		assert_non_null(strstr(c->subject, "serialNumber=SN-7"));
		assert_rc(key_spki(k, &spki, &spki_len, &e), BRSKI_OK, &e);
		assert_int_equal(c->spki_len, spki_len);
		assert_memory_equal(c->spki, spki, spki_len);
		assert_true(key_matches_spki(k, c->spki, c->spki_len));
		assert_int_equal(c->der_len, len);
		assert_memory_equal(c->der, der, len);
		free(spki);
		csr_free(c);
		free(der);
		key_free(k);
	}
	csr_free(NULL);
}

static void
test_csr_optional_fields_absent(void **state)
{
	struct csr_request	 r = { "only-cn", NULL, NULL, NULL };
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	struct csr		*c;
	uint8_t			*der;
	size_t			 len;

	(void)state;
	make_csr(KEY_EC_P256, &r, &k, &der, &len);
	assert_rc(csr_parse(der, len, &c, &e), BRSKI_OK, &e);
	assert_string_equal(c->cn, "only-cn");
	assert_null(c->serial_number);
	assert_null(c->challenge_password);
	assert_string_equal(c->subject, "CN=only-cn");
	csr_free(c);
	free(der);
	key_free(k);
}

static void
parse_fails(const uint8_t *der, size_t len, enum brski_rc want)
{
	struct brski_err	 e = { 0 };
	struct csr		*c = (struct csr *)1;

	assert_rc(csr_parse(der, len, &c, &e), want, &e);
	assert_null(c);
	assert_true(strlen(e.msg) > 0);
}

static void
test_csr_rejects_bad_signature(void **state)
{
	struct csr_request	 r = { "pledge-8", "SN-8", NULL, NULL };
	struct brski_key	*k;
	uint8_t			*der;
	const char		*cn;
	size_t			 len;

	(void)state;
	make_csr(KEY_EC_P256, &r, &k, &der, &len);
	/* the last byte is inside s of the ECDSA-Sig-Value */
	tu_flip(der, len - 1);
	parse_fails(der, len, BRSKI_EVERIFY);
	tu_flip(der, len - 1);
	/* a byte of the signed subject */
	cn = memmem(der, len, "pledge-8", 8);
	assert_non_null(cn);
	tu_flip(der, (size_t)((const uint8_t *)cn - der) + 7);
	parse_fails(der, len, BRSKI_EVERIFY);
	free(der);
	key_free(k);
}

static void
test_csr_rejects_truncated(void **state)
{
	struct csr_request	 r = { "pledge-9", "SN-9", NULL, "pw" };
	struct brski_key	*k;
	uint8_t			*der, *longer;
	size_t			 len, n;

	(void)state;
	make_csr(KEY_EC_P256, &r, &k, &der, &len);
	for (n = 0; n < len; n++)
		parse_fails(der, n, BRSKI_EPARSE);
	/* a byte after the request */
	if ((longer = malloc(len + 1)) == NULL)
		fail();
	memcpy(longer, der, len);
	longer[len] = 0;
	parse_fails(longer, len + 1, BRSKI_EPARSE);
	free(longer);
	free(der);
	key_free(k);
}

static void
test_csr_rejects_oversize(void **state)
{
	uint8_t	*big;

	(void)state;
	if ((big = calloc(1, CSR_DER_MAX + 1)) == NULL)
		fail();
	big[0] = 0x30;
	parse_fails(big, CSR_DER_MAX + 1, BRSKI_ETOOBIG);
	free(big);
}

static void
test_csr_rejects_certificate_and_garbage(void **state)
{
	struct tu_node	ca;
	uint8_t		junk[300];
	size_t		i;

	(void)state;
	tu_ca(&ca, "not a request", NULL);
	parse_fails(ca.cert->der, ca.cert->der_len, BRSKI_EPARSE);
	tu_node_free(&ca);
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 7 + 11);
	parse_fails(junk, sizeof(junk), BRSKI_EPARSE);
	junk[0] = 0x30;
	junk[1] = 0x82;
	junk[2] = 0x01;
	junk[3] = 0x28;
	parse_fails(junk, sizeof(junk), BRSKI_EPARSE);
}

static void
test_csr_create_rejects_long_field(void **state)
{
	struct csr_request	 r = { NULL, NULL, NULL, NULL };
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	uint8_t			*der = (uint8_t *)1;
	size_t			 len;
	char			 longname[200];

	(void)state;
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	r.cn = longname;
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(csr_create(&r, k, &der, &len, &e), BRSKI_EINVAL, &e);
	assert_null(der);
	assert_non_null(strstr(e.msg, "commonName"));
	r.cn = "ok";
	r.challenge_password = longname;
	assert_rc(csr_create(&r, k, &der, &len, &e), BRSKI_EINVAL, &e);
	assert_non_null(strstr(e.msg, "challengePassword"));
	key_free(k);
}

/*
 * RFC 7030 3.5: a channel binding (32-byte tls-exporter, 12-byte
 * tls-unique) written as the challengePassword comes back out of the
 * parser and matches that binding, and only that one.
 */
static void
test_csr_channel_binding_round_trip(void **state)
{
	static const size_t	 lens[] = { 32, 12 };
	struct csr_request	 r = { "pledge-7", "SN-7", NULL, NULL };
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	struct csr		*c;
	uint8_t			 cb[32], *der;
	size_t			 len, i, j;
	char			*pw;

	(void)state;
	for (i = 0; i < 2; i++) {
		/* 0xfb.. bytes make base64 use '+', '/' and '=' */
		for (j = 0; j < lens[i]; j++)
			cb[j] = (uint8_t)(0xfb + 7 * j);
		assert_rc(est_pop_encode(cb, lens[i], &pw, &e), BRSKI_OK, &e);
		assert_true(strchr(pw, '/') != NULL || strchr(pw, '+') != NULL);
		r.challenge_password = pw;
		make_csr(KEY_EC_P256, &r, &k, &der, &len);
		assert_rc(csr_parse(der, len, &c, &e), BRSKI_OK, &e);
		assert_string_equal(c->challenge_password, pw);
		assert_true(est_pop_matches(c->challenge_password, cb,
		    lens[i]));
		cb[lens[i] - 1] ^= 1;		/* another session's binding */
		assert_false(est_pop_matches(c->challenge_password, cb,
		    lens[i]));
		cb[lens[i] - 1] ^= 1;
		assert_false(est_pop_matches(c->challenge_password, cb,
		    lens[i] - 1));
		assert_false(est_pop_matches(NULL, cb, lens[i]));
		csr_free(c);
		free(der);
		free(pw);
		key_free(k);
	}
	assert_rc(est_pop_encode(cb, 0, &pw, &e), BRSKI_EINVAL, &e);
	assert_null(pw);
	assert_rc(est_pop_encode(cb, EST_CB_MAX + 1, &pw, &e), BRSKI_EINVAL,
	    &e);
	assert_false(est_pop_matches("", cb, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csr_roundtrip),
		cmocka_unit_test(test_csr_optional_fields_absent),
		cmocka_unit_test(test_csr_rejects_bad_signature),
		cmocka_unit_test(test_csr_rejects_truncated),
		cmocka_unit_test(test_csr_rejects_oversize),
		cmocka_unit_test(test_csr_rejects_certificate_and_garbage),
		cmocka_unit_test(test_csr_create_rejects_long_field),
		cmocka_unit_test(test_csr_channel_binding_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
