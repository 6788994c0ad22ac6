/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/telemetry.c (RFC 8995 status reports). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "telemetry.h"

static enum brski_rc
parse(const char *s, struct telemetry *t, struct brski_err *e)
{
	return telemetry_parse_json((const uint8_t *)s, strlen(s), t, e);
}

static void
test_telemetry_parses_rfc8995_example(void **state)
{
	struct brski_err	e = { 0 };
	struct telemetry	t;

	(void)state;
	assert_rc(parse("{\"version\": 1, \"status\":false, \"reason\":"
	    "\"Informative human-readable message\", \"reason-context\": "
	    "{ \"additional\" : \"JSON\" }}", &t, &e), BRSKI_OK, &e);
	assert_int_equal(t.version, 1);
	assert_int_equal(t.status, 0);
	assert_string_equal(t.reason, "Informative human-readable message");
	assert_string_equal(t.context, "{\"additional\":\"JSON\"}");
	telemetry_clear(&t);
}

static void
test_telemetry_round_trip(void **state)
{
	struct brski_err	 e = { 0 };
	struct telemetry	 in = { 1, 1, "ok", NULL, 0 }, out;
	char			*json = NULL;
	size_t			 len;

	(void)state;
	assert_rc(telemetry_to_json(&in, &json, &len, &e), BRSKI_OK, &e);
	assert_string_equal(json, "{\"version\":1,\"status\":true,"
	    "\"reason\":\"ok\"}");
	assert_rc(parse(json, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out.status, 1);
	telemetry_clear(&out);
	free(json);
}

static void
test_telemetry_ignores_unknown_fields(void **state)
{
	struct brski_err	e = { 0 };
	struct telemetry	t;

	(void)state;
	assert_rc(parse("{\"version\":2,\"status\":true,\"x-new\":[1]}", &t,
	    &e), BRSKI_OK, &e);
	assert_int_equal(t.unknown_fields, 1);
	assert_null(t.reason);
	telemetry_clear(&t);
}

static void
test_telemetry_rejects_bad_reports(void **state)
{
	struct brski_err	e = { 0 };
	struct telemetry	t;
	static const char *const bad[] = {
		"{\"status\":true}",			/* no version */
		"{\"version\":1}",			/* no status */
		"{\"version\":\"1\",\"status\":true}",	/* version type */
		"{\"version\":-1,\"status\":true}",
		"{\"version\":1,\"status\":\"true\"}",	/* status type */
		"{\"version\":1,\"status\":1}",
		"{\"version\":1,\"status\":true,\"reason\":5}",
		"{\"version\":1,\"status\":true,\"reason-context\":\"x\"}",
		"{\"version\":1,\"status\":true,\"status\":false}",	/* dup */
		"[1,true]",
		"{\"version\":1,\"status\":true",	/* truncated */
		"{\"version\":1,\"status\":true} x",	/* trailing */
	};
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_rc(parse(bad[i], &t, &e), BRSKI_EPARSE, &e);
		assert_null(t.reason);
	}
}

static void
test_telemetry_rejects_oversize(void **state)
{
	struct brski_err	 e = { 0 };
	struct telemetry	 t;
	uint8_t			*big = calloc(1, TELEMETRY_MAX + 1);

	(void)state;
	assert_rc(telemetry_parse_json(big, TELEMETRY_MAX + 1, &t, &e),
	    BRSKI_ETOOBIG, &e);
	free(big);
}

static void
test_telemetry_cbor_digest_example_and_round_trip(void **state)
{
	struct brski_err	 e = { 0 };
	struct telemetry	 t, in = { 1, 0, "no voucher", NULL, 0 },
				 ok = { 1, 1, NULL, NULL, 0 };
	/* {"version": 1, "status": true}, cBRSKI's 18 bytes */
	static const uint8_t	 ex[] = { 0xa2, 0x67, 'v', 'e', 'r', 's', 'i',
	    'o', 'n', 0x01, 0x66, 's', 't', 'a', 't', 'u', 's', 0xf5 };
	uint8_t			*c = NULL;
	size_t			 len;

	(void)state;
	assert_rc(telemetry_parse_cbor(ex, sizeof(ex), &t, &e), BRSKI_OK, &e);
	assert_int_equal(t.version, 1);
	assert_int_equal(t.status, 1);
	telemetry_clear(&t);
	assert_rc(telemetry_to_cbor(&in, &c, &len, &e), BRSKI_OK, &e);
	assert_rc(telemetry_parse_cbor(c, len, &t, &e), BRSKI_OK, &e);
	assert_int_equal(t.status, 0);
	assert_string_equal(t.reason, "no voucher");
	telemetry_clear(&t);
	free(c);
	/* and we send those 18 bytes: version in one byte, not nine
	 * (fuzz_telemetry_parse_cbor found the long head) */
	assert_rc(telemetry_to_cbor(&ok, &c, &len, &e), BRSKI_OK, &e);
	assert_int_equal(len, sizeof(ex));
	assert_memory_equal(c, ex, sizeof(ex));
	free(c);
}

static void
test_telemetry_cbor_rejects_bad_reports(void **state)
{
	struct brski_err	e = { 0 };
	struct telemetry	t;
	/* status as 1, version missing, a key twice, an array, trailing */
	static const uint8_t	s1[] = { 0xa2, 0x67, 'v', 'e', 'r', 's', 'i',
	    'o', 'n', 0x01, 0x66, 's', 't', 'a', 't', 'u', 's', 0x01 };
	static const uint8_t	s2[] = { 0xa1, 0x66, 's', 't', 'a', 't', 'u',
	    's', 0xf5 };
	static const uint8_t	s3[] = { 0xa3, 0x67, 'v', 'e', 'r', 's', 'i',
	    'o', 'n', 0x01, 0x66, 's', 't', 'a', 't', 'u', 's', 0xf5, 0x66,
	    's', 't', 'a', 't', 'u', 's', 0xf4 };
	static const uint8_t	s4[] = { 0x82, 0x01, 0xf5 };
	static const uint8_t	s5[] = { 0xa2, 0x67, 'v', 'e', 'r', 's', 'i',
	    'o', 'n', 0x01, 0x66, 's', 't', 'a', 't', 'u', 's', 0xf5, 0x00 };
	/* status 2.5: libcbor's cbor_is_bool() asserted on a float and
	 * aborted the registrar (found by fuzz_telemetry_parse_cbor) */
	static const uint8_t	s6[] = { 0xa2, 0x67, 'v', 'e', 'r', 's', 'i',
	    'o', 'n', 0x01, 0x66, 's', 't', 'a', 't', 'u', 's', 0xfb, 0x40,
	    0x04, 0, 0, 0, 0, 0, 0 };

	(void)state;
	assert_rc(telemetry_parse_cbor(s1, sizeof(s1), &t, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(telemetry_parse_cbor(s2, sizeof(s2), &t, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(telemetry_parse_cbor(s3, sizeof(s3), &t, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(telemetry_parse_cbor(s4, sizeof(s4), &t, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(telemetry_parse_cbor(s5, sizeof(s5), &t, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(telemetry_parse_cbor(s6, sizeof(s6), &t, &e), BRSKI_EPARSE,
	    &e);
	assert_non_null(strstr(e.msg, "status is not a boolean"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_telemetry_parses_rfc8995_example),
		cmocka_unit_test(test_telemetry_round_trip),
		cmocka_unit_test(test_telemetry_ignores_unknown_fields),
		cmocka_unit_test(test_telemetry_rejects_bad_reports),
		cmocka_unit_test(test_telemetry_rejects_oversize),
		cmocka_unit_test(test_telemetry_cbor_digest_example_and_round_trip),
		cmocka_unit_test(test_telemetry_cbor_rejects_bad_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
