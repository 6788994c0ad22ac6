/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/b64.c: strict decoding where wolfSSL is lax. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "b64.h"

static void
dec_ok(const char *in, int flags, const char *want)
{
	struct brski_err	 e = { 0 };
	uint8_t			*out = NULL;
	size_t			 len;

	assert_rc(b64_decode(in, strlen(in), flags, &out, &len, &e),
	    BRSKI_OK, &e);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(out, want, len);
	free(out);
}

static void
dec_bad(const char *in, int flags)
{
	struct brski_err	 e = { 0 };
	uint8_t			*out = (uint8_t *)1;
	size_t			 len;

	assert_rc(b64_decode(in, strlen(in), flags, &out, &len, &e),
	    BRSKI_EPARSE, &e);
	assert_null(out);
	assert_true(strlen(e.msg) > 0);
}

static void
test_b64_roundtrip(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			 raw[256], *back = NULL;
	char			*txt = NULL;
	size_t			 i, n, tlen, blen;

	(void)state;
	for (i = 0; i < sizeof(raw); i++)
		raw[i] = (uint8_t)(i * 7 + 3);
	for (n = 0; n < 70; n++) {
		assert_rc(b64_encode(raw, n, &txt, &tlen, &e), BRSKI_OK, &e);
		assert_int_equal(tlen, strlen(txt));
		assert_null(strchr(txt, '\n'));
		assert_rc(b64_decode(txt, tlen, 0, &back, &blen, &e),
		    BRSKI_OK, &e);
		assert_int_equal(blen, n);
		assert_memory_equal(back, raw, n);
		free(txt);
		free(back);
	}
}

static void
test_b64_accepts_valid(void **state)
{
	(void)state;
	dec_ok("aGVsbG8=", 0, "hello");
	dec_ok("aGVsbA==", 0, "hell");
	dec_ok("", 0, "");
	dec_ok("aGVs\r\nbG8=\n", B64_WS, "hello");
	dec_ok("aGVsbG8", B64_URL, "hello");
	dec_ok("-_-_", B64_URL, "\xfb\xff\xbf");
}

static void
test_b64_rejects_truncated(void **state)
{
	(void)state;
	dec_bad("aGVsbG8", 0);		/* wolfSSL would return "hel" */
	dec_bad("a", 0);
	dec_bad("a", B64_URL);
}

static void
test_b64_rejects_garbage(void **state)
{
	(void)state;
	dec_bad("aGVsbG8=x", 0);	/* trailing data after padding */
	dec_bad("aGVs*bG8=", 0);
	dec_bad("aGV-bG8_", 0);		/* url alphabet without B64_URL */
	dec_bad("aG=sbG8=", 0);		/* padding in the middle */
	dec_bad("aGVsbG8===", 0);
	dec_bad("aGVsbB==", 0);		/* non-zero pad bits */
}

static void
test_b64_rejects_whitespace_unless_allowed(void **state)
{
	(void)state;
	dec_bad("aGVs bG8=", 0);
	dec_bad("aGVs\nbG8=", 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_b64_roundtrip),
		cmocka_unit_test(test_b64_accepts_valid),
		cmocka_unit_test(test_b64_rejects_truncated),
		cmocka_unit_test(test_b64_rejects_garbage),
		cmocka_unit_test(test_b64_rejects_whitespace_unless_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
