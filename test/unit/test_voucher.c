/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/voucher.c: the model and the JSON codec. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "voucher.h"

#define W_V	"{\"ietf-voucher:voucher\":{"
#define W_R	"{\"ietf-voucher-request:voucher\":{"

static enum brski_rc
parse(const char *s, enum voucher_kind k, struct voucher **v,
    struct brski_err *e)
{
	return voucher_parse_json((const uint8_t *)s, strlen(s), k, v, e);
}

static void
bad(const char *s, enum voucher_kind k)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = (struct voucher *)1;

	assert_rc(parse(s, k, &v, &e), BRSKI_EPARSE, &e);
	assert_null(v);
}

/* RFC 8995 section 5.6's example (its illustrative "base64encodedvalue=="
 * has non-zero pad bits, which we refuse), and 3.3's registrar request */
static void
test_voucher_parses_rfc_examples(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = NULL;

	(void)state;
	assert_rc(parse(W_V "\"nonce\": \"62a2e7693d82fcda2624de58fb6722e5\","
	    "\"assertion\": \"logged\", \"pinned-domain-cert\": "
	    "\"YmFzZTY0ZW5jb2RlZHZhbHVl\", \"serial-number\": "
	    "\"JADA123456789\"}}",
	    VOUCHER_KIND_VOUCHER, &v, &e), BRSKI_OK, &e);
	assert_int_equal(v->assertion, VOUCHER_ASSERT_LOGGED);
	assert_string_equal(v->serial_number, "JADA123456789");
	assert_int_equal(v->nonce.len, 24);	/* base64 of 32 hex chars */
	assert_int_equal(v->pinned_domain_cert.len, 18);
	voucher_free(v);
	assert_rc(parse(W_R "\"assertion\":\"proximity\",\"nonce\":"
	    "\"VOUFT-WwrEv0NuAQEHoV7Q\",\"created-on\":"
	    "\"2017-01-01T00:00:02.000Z\",\"serial-number\":\"JADA123456789\","
	    "\"prior-signed-voucher-request\":\"MIAGCSqGSIb3DQEHAqCA\"}}",
	    VOUCHER_KIND_REQUEST, &v, &e), BRSKI_OK, &e);
	assert_int_equal(v->nonce.len, 16);	/* base64url accepted */
	assert_int_equal((long long)v->created_on, 1483228802);
	assert_true(VOUCHER_HAS(v, VL_PRIOR_SIGNED_VOUCHER_REQUEST));
	voucher_free(v);
}

static void
test_voucher_round_trip_every_leaf(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v, *back = NULL;
	uint8_t			 b[40];
	char			*j1 = NULL, *j2 = NULL;
	size_t			 l1, l2;
	int			 l, k;

	(void)state;
	memset(b, 0xa5, sizeof(b));
	for (k = 0; k < 2; k++) {
		v = voucher_new((enum voucher_kind)k);
		voucher_set_assertion(v, VOUCHER_ASSERT_PROXIMITY);
		for (l = 0; l < VL_COUNT; l++) {
			const struct voucher_leaf_info *li = voucher_leaf_info(l);

			if (!voucher_leaf_allowed(v->kind, l))
				continue;
			if (li->type == VLT_BINARY)
				assert_rc(voucher_set_bin(v, l, b, li->min_len >
				    16 ? li->min_len : 16, &e), BRSKI_OK, &e);
			else if (li->type == VLT_STRING)
				assert_rc(voucher_set_string(v, l, "x-1", &e),
				    BRSKI_OK, &e);
			else if (li->type == VLT_DATE)
				assert_rc(voucher_set_date(v, l, 1700000000 + l,
				    &e), BRSKI_OK, &e);
			else if (li->type == VLT_BOOL)
				assert_rc(voucher_set_bool(v, l, 1, &e),
				    BRSKI_OK, &e);
		}
		assert_rc(voucher_to_json(v, &j1, &l1, &e), BRSKI_OK, &e);
		assert_rc(voucher_parse_json((uint8_t *)j1, l1, v->kind, &back,
		    &e), BRSKI_OK, &e);
		assert_int_equal(back->present, v->present);
		assert_rc(voucher_to_json(back, &j2, &l2, &e), BRSKI_OK, &e);
		assert_string_equal(j1, j2);
		free(j1);
		free(j2);
		voucher_free(v);
		voucher_free(back);
	}
}

static void
test_voucher_rejects_duplicate_keys(void **state)
{
	(void)state;
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"serial-number\":\"B\"}}", VOUCHER_KIND_VOUCHER);
	bad("{\"ietf-voucher:voucher\":{\"serial-number\":\"A\",\"assertion\":"
	    "\"logged\"},\"ietf-voucher:voucher\":{}}", VOUCHER_KIND_VOUCHER);
}

static void
test_voucher_rejects_wrong_types(void **state)
{
	(void)state;
	bad(W_V "\"assertion\":2,\"serial-number\":\"A\"}}",
	    VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"owned\",\"serial-number\":\"A\"}}",
	    VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":7}}",
	    VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"domain-cert-revocation-checks\":\"true\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"nonce\":[1,2]}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"created-on\":1475868702}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\\u0000B\"}}",
	    VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\\nB\"}}",
	    VOUCHER_KIND_VOUCHER);
}

static void
test_voucher_rejects_bad_dates_and_base64(void **state)
{
	(void)state;
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"created-on\":\"2016-10-07\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"expires-on\":\"2016-02-30T00:00:00Z\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"created-on\":\"2020-01-01T00:00:00Z\",\"expires-on\":"
	    "\"2019-01-01T00:00:00Z\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"pinned-domain-cert\":\"MII*\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"pinned-domain-cert\":\"MIIB\\nAA==\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"last-renewal-date\":\"2020-01-01T00:00:00Z\"}}",
	    VOUCHER_KIND_VOUCHER);
}

static void
test_voucher_rejects_nonce_length(void **state)
{
	(void)state;
	/* 7 bytes, then 33 bytes: YANG allows 8..32 */
	bad(W_R "\"serial-number\":\"A\",\"nonce\":\"AAAAAAAAAA==\"}}",
	    VOUCHER_KIND_REQUEST);
	bad(W_R "\"serial-number\":\"A\",\"nonce\":"
	    "\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}}",
	    VOUCHER_KIND_REQUEST);
	bad(W_V "\"assertion\":\"logged\",\"serial-number\":\"A\","
	    "\"pinned-domain-pubk-sha256\":\"AAAA\"}}", VOUCHER_KIND_VOUCHER);
}

static void
test_voucher_rejects_structure(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = NULL;
	char			*big;

	(void)state;
	bad("[]", VOUCHER_KIND_VOUCHER);
	bad("{}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"assertion\":\"logged\"}}", VOUCHER_KIND_VOUCHER); /* serial */
	bad(W_V "\"serial-number\":\"A\"}}", VOUCHER_KIND_VOUCHER); /* assertion */
	bad(W_V "\"serial-number\":\"\",\"assertion\":\"logged\"}}",
	    VOUCHER_KIND_VOUCHER);
	/* the other kind's wrapper */
	bad(W_R "\"serial-number\":\"A\"}}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"serial-number\":\"A\",\"assertion\":\"logged\"}}",
	    VOUCHER_KIND_REQUEST);
	bad("{\"ietf-voucher:voucher\":[]}", VOUCHER_KIND_VOUCHER);
	bad(W_V "\"serial-number\":\"A\",\"assertion\":\"logged\"}} x",
	    VOUCHER_KIND_VOUCHER);
	bad(W_V "\"serial-number\":\"A\",\"assertion\":\"logged\"}",
	    VOUCHER_KIND_VOUCHER);
	bad(W_V "\"serial-number\":\"A\",\"assertion\":\"logged\"},\"x\":1}",
	    VOUCHER_KIND_VOUCHER);
	big = malloc(VOUCHER_JSON_MAX + 2);
	memset(big, ' ', VOUCHER_JSON_MAX + 1);
	big[VOUCHER_JSON_MAX + 1] = '\0';
	assert_rc(parse(big, VOUCHER_KIND_VOUCHER, &v, &e), BRSKI_ETOOBIG, &e);
	free(big);
}

static void
test_voucher_ignores_unknown_and_foreign_leaves(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = NULL;

	(void)state;
	assert_rc(parse(W_V "\"serial-number\":\"A\",\"assertion\":\"logged\","
	    "\"future-leaf\":{\"x\":1},\"extension:foo\":[1],"
	    "\"proximity-registrar-cert\":\"AAAA\"}}", VOUCHER_KIND_VOUCHER, &v,
	    &e), BRSKI_OK, &e);
	assert_false(VOUCHER_HAS(v, VL_PROXIMITY_REGISTRAR_CERT));
	voucher_free(v);
	/* RFC 8995 3.2: a request's pinned-domain-cert is ignored */
	assert_rc(parse(W_R "\"serial-number\":\"A\",\"pinned-domain-cert\":"
	    "\"AAAA\"}}", VOUCHER_KIND_REQUEST, &v, &e), BRSKI_OK, &e);
	assert_false(VOUCHER_HAS(v, VL_PINNED_DOMAIN_CERT));
	voucher_free(v);
}

static void
test_voucher_setters_enforce_bounds(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = voucher_new(VOUCHER_KIND_VOUCHER);
	uint8_t			 b[40] = { 0 };

	(void)state;
	assert_rc(voucher_set_bin(v, VL_NONCE, b, 7, &e), BRSKI_EINVAL, &e);
	assert_rc(voucher_set_bin(v, VL_NONCE, b, 33, &e), BRSKI_EINVAL, &e);
	assert_rc(voucher_set_bin(v, VL_PROXIMITY_REGISTRAR_CERT, b, 8, &e),
	    BRSKI_EINVAL, &e);	/* not a voucher leaf */
	assert_rc(voucher_set_string(v, VL_SERIAL_NUMBER, "a\tb", &e),
	    BRSKI_EINVAL, &e);
	assert_rc(voucher_set_date(v, VL_SERIAL_NUMBER, 0, &e), BRSKI_EINVAL,
	    &e);
	assert_int_equal(v->present, 0);
	voucher_free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_voucher_parses_rfc_examples),
		cmocka_unit_test(test_voucher_round_trip_every_leaf),
		cmocka_unit_test(test_voucher_rejects_duplicate_keys),
		cmocka_unit_test(test_voucher_rejects_wrong_types),
		cmocka_unit_test(test_voucher_rejects_bad_dates_and_base64),
		cmocka_unit_test(test_voucher_rejects_nonce_length),
		cmocka_unit_test(test_voucher_rejects_structure),
		cmocka_unit_test(test_voucher_ignores_unknown_and_foreign_leaves),
		cmocka_unit_test(test_voucher_setters_enforce_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
