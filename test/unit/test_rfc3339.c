/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/rfc3339.c. */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "rfc3339.h"

static void
ok(const char *s, long long want)
{
	struct brski_err	e = { 0 };
	time_t			t;

	assert_rc(rfc3339_parse(s, strlen(s), &t, &e), BRSKI_OK, &e);
	assert_int_equal((long long)t, want);
}

static void
bad(const char *s)
{
	struct brski_err	e = { 0 };
	time_t			t;

	assert_rc(rfc3339_parse(s, strlen(s), &t, &e), BRSKI_EPARSE, &e);
}

static void
test_rfc3339_parses_rfc_examples(void **state)
{
	(void)state;
	ok("2016-10-07T19:31:42Z", 1475868702);
	ok("2016-10-07t19:31:42z", 1475868702);
	ok("2017-01-01T00:00:00.000Z", 1483228800);
	/* RFC 8995's audit log example, with an offset */
	ok("2019-05-15T17:25:55.644-04:00", 1557955555);
	ok("2019-05-15T23:25:55+02:00", 1557955555);
	ok("2024-02-29T12:00:00Z", 1709208000);
	ok("9999-12-31T23:59:59Z", 253402300799LL);
}

static void
test_rfc3339_rejects_bad_dates(void **state)
{
	(void)state;
	bad("");
	bad("2016-10-07");			/* no time */
	bad("2016-10-07T19:31:42");		/* no zone */
	bad("2016-10-07 19:31:42Z");		/* space */
	bad("2016-13-07T19:31:42Z");		/* month */
	bad("2023-02-29T00:00:00Z");		/* not a leap year */
	bad("2016-04-31T00:00:00Z");
	bad("2016-10-07T24:00:00Z");
	bad("2016-10-07T23:60:00Z");
	bad("2016-10-07T23:59:60Z");		/* leap second refused */
	bad("2016-10-07T19:31:42.Z");		/* empty fraction */
	bad("2016-10-07T19:31:42.1234567890Z");	/* 10 digits */
	bad("2016-10-07T19:31:42+0200");	/* offset without colon */
	bad("2016-10-07T19:31:42+24:00");
	bad("2016-10-07T19:31:42ZZ");		/* trailing garbage */
	bad("1969-12-31T23:59:59Z");		/* before the epoch */
	bad("2016-1O-07T19:31:42Z");		/* letter O */
	bad("+2016-10-07T19:31:42Z");
}

/* found by fuzzing: the offset moved these out of the 4-digit years */
static void
test_rfc3339_rejects_offset_out_of_range(void **state)
{
	(void)state;
	bad("9999-12-31T23:59:59.9644-04:00");	/* year 10000 in UTC */
	bad("1970-01-01T00:00:00+01:00");	/* 1969 in UTC */
	ok("1970-01-01T00:00:00-01:00", 3600);
	ok("9999-12-31T23:59:59+00:01", 253402300739LL);
}

static void
test_rfc3339_format(void **state)
{
	char	buf[RFC3339_MAX];

	(void)state;
	assert_string_equal(rfc3339_format(1475868702, buf, sizeof(buf)),
	    "2016-10-07T19:31:42Z");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3339_parses_rfc_examples),
		cmocka_unit_test(test_rfc3339_rejects_bad_dates),
		cmocka_unit_test(test_rfc3339_rejects_offset_out_of_range),
		cmocka_unit_test(test_rfc3339_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
