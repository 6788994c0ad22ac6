/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/buf.c: limits leave the buffer untouched, text
 * stays NUL-terminated, and secret buffers wipe every copy they drop.
 * Linked with -Wl,--wrap=secret_wipe so the test sees each wipe.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "buf.h"
#include "secret.h"

void	__real_secret_wipe(void *, size_t);
void	__wrap_secret_wipe(void *, size_t);

static struct {
	const void	*p;
	size_t		 len;
	int		 calls;
	int		 zeroed;	/* the bytes were 0 after the wipe */
} wiped;

/* Record buf.c's wipes, and check that the wipe really zeroes. */
void
__wrap_secret_wipe(void *p, size_t len)
{
	const uint8_t	*q = p;
	size_t		 i;

	__real_secret_wipe(p, len);
	wiped.p = p;
	wiped.len = len;
	wiped.calls++;
	wiped.zeroed = 1;
	for (i = 0; q != NULL && i < len; i++)
		if (q[i] != 0)
			wiped.zeroed = 0;
}

static void
test_buf_append_and_terminate(void **state)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };

	(void)state;
	assert_rc(buf_append(&b, "abc", 3, BUF_NOLIMIT, &e), BRSKI_OK, &e);
	assert_rc(buf_append_byte(&b, 'd', &e), BRSKI_OK, &e);
	assert_rc(buf_append(&b, NULL, 0, BUF_NOLIMIT, &e), BRSKI_OK, &e);
	assert_int_equal(b.len, 4);
	assert_string_equal((char *)b.data, "abcd");
	buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	buf_free(NULL);
}

static void
test_buf_over_limit_leaves_buffer_unchanged(void **state)
{
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };
	const uint8_t		*data;
	size_t			 cap;

	(void)state;
	assert_rc(buf_append(&b, "abc", 3, 7, &e), BRSKI_OK, &e);
	data = b.data;
	cap = b.cap;
	assert_rc(buf_append(&b, "12345", 5, 7, &e), BRSKI_ETOOBIG, &e);
	assert_non_null(strstr(e.msg, "7 bytes"));
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.len, 3);
	assert_string_equal((char *)b.data, "abc");
	/* a single append larger than the limit, and one wrapping size_t */
	assert_rc(buf_append(&b, "12345678", 8, 7, &e), BRSKI_ETOOBIG, &e);
	assert_rc(buf_append(&b, "x", (size_t)-2, (size_t)-1, &e),
	    BRSKI_ETOOBIG, &e);
	assert_int_equal(b.len, 3);
	/* exactly at the limit is fine */
	assert_rc(buf_append(&b, "1234", 4, 7, &e), BRSKI_OK, &e);
	assert_int_equal(b.len, 7);
	assert_string_equal((char *)b.data, "abc1234");
	assert_rc(buf_append(&b, "", 0, 7, &e), BRSKI_OK, &e);
	assert_rc(buf_append(&b, "x", 1, 7, &e), BRSKI_ETOOBIG, &e);
	assert_int_equal(b.len, 7);
	buf_free(&b);
}

static void
test_buf_grows_past_initial_capacity(void **state)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };
	uint8_t			chunk[100];
	size_t			i, j;

	(void)state;
	for (i = 0; i < 50; i++) {
		memset(chunk, (int)('A' + i % 26), sizeof(chunk));
		assert_rc(buf_append(&b, chunk, sizeof(chunk), BUF_NOLIMIT,
		    &e), BRSKI_OK, &e);
	}
	assert_int_equal(b.len, 5000);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len], '\0');
	for (i = 0; i < 50; i++)
		for (j = 0; j < 100; j++)
			assert_int_equal(b.data[i * 100 + j], 'A' + i % 26);
	buf_free(&b);
}

static void
test_buf_printf(void **state)
{
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };
	char			 big[600];

	(void)state;
	assert_rc(buf_printf(&b, &e, "%s-%d", "ab", 42), BRSKI_OK, &e);
	assert_int_equal(b.len, 5);
	assert_string_equal((char *)b.data, "ab-42");
	assert_rc(buf_printf(&b, &e, "%s", ""), BRSKI_OK, &e);
	assert_int_equal(b.len, 5);
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_rc(buf_printf(&b, &e, "[%s]", big), BRSKI_OK, &e);
	assert_int_equal(b.len, 5 + 2 + 599);
	assert_int_equal(b.data[5], '[');
	assert_int_equal(b.data[5 + 600], ']');
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(strlen((char *)b.data), b.len);
	buf_free(&b);
}

static void
test_buf_steal_and_reset(void **state)
{
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };
	uint8_t			*p;
	size_t			 len = 99;

	(void)state;
	assert_null(buf_steal(&b, &len));
	assert_int_equal(len, 0);
	assert_rc(buf_append(&b, "hello", 5, BUF_NOLIMIT, &e), BRSKI_OK, &e);
	p = buf_steal(&b, &len);
	assert_non_null(p);
	assert_int_equal(len, 5);
	assert_string_equal((char *)p, "hello");
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	free(p);
	/* the buffer is usable again after a steal */
	assert_rc(buf_append(&b, "x", 1, BUF_NOLIMIT, &e), BRSKI_OK, &e);
	assert_string_equal((char *)b.data, "x");
	p = b.data;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, p);		/* storage kept */
	assert_string_equal((char *)b.data, "");
	buf_free(&b);
}

static void
test_buf_secret_wipes_growth_reset_free(void **state)
{
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };
	uint8_t			 chunk[200];
	const void		*old;
	size_t			 oldcap, i;

	(void)state;
	memset(&wiped, 0, sizeof(wiped));
	memset(chunk, 0x5a, sizeof(chunk));
	b.secret = 1;
	assert_rc(buf_append(&b, chunk, sizeof(chunk), BUF_NOLIMIT, &e),
	    BRSKI_OK, &e);
	assert_int_equal(wiped.calls, 0);	/* nothing to drop yet */
	old = b.data;
	oldcap = b.cap;
	/* growth copies: the old storage must be wiped before free() */
	assert_rc(buf_append(&b, chunk, sizeof(chunk), BUF_NOLIMIT, &e),
	    BRSKI_OK, &e);
	assert_ptr_not_equal(b.data, old);
	assert_int_equal(wiped.calls, 1);
	assert_ptr_equal(wiped.p, old);
	assert_int_equal(wiped.len, oldcap);
	assert_true(wiped.zeroed);
	for (i = 0; i < 400; i++)
		assert_int_equal(b.data[i], 0x5a);
	/* reset wipes the whole storage, not only the first byte */
	buf_reset(&b);
	assert_int_equal(wiped.calls, 2);
	assert_ptr_equal(wiped.p, b.data);
	assert_int_equal(wiped.len, b.cap);
	for (i = 0; i < b.cap; i++)
		assert_int_equal(b.data[i], 0);
	assert_rc(buf_printf(&b, &e, "%s", "secret"), BRSKI_OK, &e);
	old = b.data;
	oldcap = b.cap;
	buf_free(&b);
	assert_int_equal(wiped.calls, 3);
	assert_ptr_equal(wiped.p, old);
	assert_int_equal(wiped.len, oldcap);
	assert_true(wiped.zeroed);
}

static void
test_buf_plain_does_not_wipe(void **state)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };
	uint8_t			chunk[300];

	(void)state;
	memset(&wiped, 0, sizeof(wiped));
	memset(chunk, 1, sizeof(chunk));
	assert_rc(buf_append(&b, chunk, sizeof(chunk), BUF_NOLIMIT, &e),
	    BRSKI_OK, &e);
	assert_rc(buf_append(&b, chunk, sizeof(chunk), BUF_NOLIMIT, &e),
	    BRSKI_OK, &e);
	buf_reset(&b);
	buf_free(&b);
	assert_int_equal(wiped.calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_append_and_terminate),
		cmocka_unit_test(test_buf_over_limit_leaves_buffer_unchanged),
		cmocka_unit_test(test_buf_grows_past_initial_capacity),
		cmocka_unit_test(test_buf_printf),
		cmocka_unit_test(test_buf_steal_and_reset),
		cmocka_unit_test(test_buf_secret_wipes_growth_reset_free),
		cmocka_unit_test(test_buf_plain_does_not_wipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
