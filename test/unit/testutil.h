/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared helpers for the cmocka unit tests: cmocka headers in the right
 * order, temporary directories, fixture paths.
 */
#ifndef BRSKI_TESTUTIL_H
#define BRSKI_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "err.h"

/* Assert rc == want and print e's message when it is not. */
#define assert_rc(rc, want, e) do {					\
	enum brski_rc _r = (rc);					\
	if (_r != (want))						\
		print_error("rc %d (%s), want %d: %s\n", (int)_r,	\
		    brski_rc_name(_r), (int)(want), (e)->msg);		\
	assert_int_equal(_r, (want));					\
} while (0)

char	*tu_tmpdir(void);
void	 tu_rmdir(char *);
char	*tu_path(const char *, const char *);

#endif
