/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/link_format.c (CoAP discovery answers). */
#include "config.h"

#include <string.h>

#include "testutil.h"
#include "link_format.h"

static enum brski_rc
jp(const char *doc, unsigned *port, struct brski_err *e)
{
	return link_format_jp_port((const uint8_t *)doc, strlen(doc), port, e);
}

static void
good(const char *doc, unsigned want)
{
	struct brski_err	e = { 0 };
	unsigned		port = 7;

	assert_rc(jp(doc, &port, &e), BRSKI_OK, &e);
	assert_int_equal(port, want);
}

static void
bad(const char *doc, enum brski_rc want, const char *msg)
{
	struct brski_err	e = { 0 };
	unsigned		port = 7;

	assert_rc(jp(doc, &port, &e), want, &e);
	assert_int_equal(port, 0);
	assert_non_null(strstr(e.msg, msg));
}

static void
test_link_format_join_proxy_answers(void **state)
{
	(void)state;
	good("<>;brski-jp=5685", 5685);		/* brski-join-proxy's */
	good("<>;brski-jp=\"1\"", 1);
	good("<>;BRSKI-JP=65535", 65535);	/* names are case-insensitive */
	good("</.well-known/core>;ct=40;title=\"a,b;c\\\"\","
	    "<coaps://[fe80::1]:5685>;rt=brski.jp;brski-jp=5685", 5685);
	good("<>;brski-jp=10,<>;brski-jp=20", 10);	/* the first one */
	good("<>;brski-jp=10,<>;brski-jp=999999", 10);	/* not looked at */
	good("<>;title*=UTF-8'de'n%c3%a4chtens;brski-jp=9", 9);
}

static void
test_link_format_refuses(void **state)
{
	struct brski_err	e = { 0 };
	uint8_t			big[LINK_FORMAT_MAX + 1];
	unsigned		port = 7;

	(void)state;
	bad("", BRSKI_ENOTFOUND, "no link with brski-jp");
	bad("</.well-known/core>;ct=40", BRSKI_ENOTFOUND, "no link");
	bad("<>;brski-jpx=5685", BRSKI_ENOTFOUND, "no link");
	bad("<>;x=\";brski-jp=5685\"", BRSKI_ENOTFOUND, "no link");
	bad("<>;brski-jp=0", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp=65536", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp=+5685", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp=5685x", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp=0005685", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp=\"\"", BRSKI_EPARSE, "not a port");
	bad("<>;brski-jp=", BRSKI_EPARSE, "empty value");
	bad("<>;brski-jp=\"5685", BRSKI_EPARSE, "unterminated");
	bad("<>;brski-jp=5685,", BRSKI_EPARSE, "does not start with '<'");
	bad("<>;brski-jp=5685 ", BRSKI_EPARSE, "',' or ';' expected");
	bad(" <>;brski-jp=5685", BRSKI_EPARSE, "does not start with '<'");
	bad("<a b>;brski-jp=5685", BRSKI_EPARSE, "bad URI-Reference");
	bad("<>;=5685", BRSKI_EPARSE, "no parameter name");
	/* a good link after a broken one does not count */
	bad("<;brski-jp=1", BRSKI_EPARSE, "bad URI-Reference");
	memset(big, ',', sizeof(big));
	assert_rc(link_format_jp_port(big, sizeof(big), &port, &e),
	    BRSKI_ETOOBIG, &e);
	assert_int_equal(port, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_format_join_proxy_answers),
		cmocka_unit_test(test_link_format_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
