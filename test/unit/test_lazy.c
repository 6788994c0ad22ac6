/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/lazy.c: libraries loaded on first use. */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "lazy.h"

/* A library and a symbol that exist: the slot points at the function. */
static void
test_lazy_loads(void **state)
{
	struct brski_err	 e = { 0 };
	size_t			(*len)(const char *) = NULL;
	const struct lazy_sym	 syms[] = { { "strlen", (void **)&len } };

	(void)state;
	assert_rc(lazy_load("libc.so.6", "libc6", syms, 1, &e), BRSKI_OK, &e);
	assert_non_null(len);
	assert_int_equal(len("four"), 4);
}

/* A missing library, or one without a symbol: a configuration error that
 * names the package, and every slot left NULL. */
static void
test_lazy_refuses(void **state)
{
	struct brski_err	 e = { 0 };
	void			*a = NULL, *b = NULL;
	const struct lazy_sym	 syms[] = { { "strlen", &a },
	    { "brski_no_such_function", &b } };

	(void)state;
	assert_rc(lazy_load("libbrski-none.so.9", "brski-none", syms, 2, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "cannot load libbrski-none.so.9"));
	assert_non_null(strstr(e.msg, "install brski-none"));
	memset(&e, 0, sizeof(e));
	assert_rc(lazy_load("libc.so.6", "libc6", syms, 2, &e), BRSKI_ECONFIG,
	    &e);
	assert_non_null(strstr(e.msg, "has no brski_no_such_function"));
	assert_null(a);
	assert_null(b);
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_lazy_loads),
		cmocka_unit_test(test_lazy_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
