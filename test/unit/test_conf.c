/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/conf.c (configuration files and options). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "conf.h"

static const struct conf_opt opts[] = {
	{ "name", CFG_STR, "brski", 0, 0, "a string" },
	{ "port", CFG_INT, "443", 1, 65535, "an integer" },
	{ "flag", CFG_BOOL, "no", 0, 0, "a boolean" },
	{ "timeout", CFG_DURATION, "30", 1, 86400, "a duration" },
	{ "item", CFG_LIST, NULL, 0, 0, "a list" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static enum brski_rc
load(struct conf *c, const char *text, size_t len, struct brski_err *e)
{
	return conf_load_buffer(c, "t.conf", (const uint8_t *)text, len, e);
}

static void
test_conf_reads_every_type(void **state)
{
	static const char	 text[] = "# comment\n"
	    "  name \"two words\"\n"
	    "port 8443 # trailing comment\r\n"
	    "flag on\n"
	    "\n"
	    "timeout 2m\n"
	    "item a\n"
	    "item b";
	struct brski_err	 e = { 0 };
	struct conf		*c;
	const char *const	*items;

	(void)state;
	assert_non_null(c = conf_new(opts));
	assert_rc(load(c, text, sizeof(text) - 1, &e), BRSKI_OK, &e);
	assert_string_equal(conf_str(c, "name"), "two words");
	assert_int_equal(conf_int(c, "port"), 8443);
	assert_int_equal(conf_bool(c, "flag"), 1);
	assert_int_equal(conf_int(c, "timeout"), 120);
	assert_int_equal(conf_list(c, "item", &items), 2);
	assert_string_equal(items[1], "b");
	assert_null(conf_file(c));
	conf_free(c);
}

static void
test_conf_rejects_nul_byte(void **state)
{
	/* before the fix, the NUL silently dropped "port 0" */
	static const char	 text[] = "name x\nflag yes\0\nport 0\n";
	struct brski_err	 e = { 0 };
	struct conf		*c;

	(void)state;
	assert_non_null(c = conf_new(opts));
	assert_rc(load(c, text, sizeof(text) - 1, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "t.conf:2: "));
	assert_non_null(strstr(e.msg, "NUL"));
	conf_free(c);
}

static void
test_conf_rejects_bad_lines_by_line(void **state)
{
	static const struct {
		const char	*text;
		const char	*want;
	} cases[] = {
		{ "name a\nnope 1\n", "t.conf:2: unknown key" },
		{ "port 0\n", "t.conf:1: port" },
		{ "port 70000\n", "t.conf:1: port" },
		{ "flag maybe\n", "t.conf:1: flag" },
		{ "timeout 5x\n", "t.conf:1: timeout" },
		{ "name a\nname b\n", "t.conf:2: name given twice" },
		{ "\n\nname\n", "t.conf:3: name: missing value" },
		{ "name \"open\n", "t.conf:1: unterminated quote" },
	};
	struct brski_err	 e = { 0 };
	struct conf		*c;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_non_null(c = conf_new(opts));
		assert_rc(load(c, cases[i].text, strlen(cases[i].text), &e),
		    BRSKI_ECONFIG, &e);
		if (strncmp(e.msg, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("\"%s\": got \"%s\"", cases[i].text, e.msg);
		conf_free(c);
	}
}

static void
test_conf_rejects_overlong_line(void **state)
{
	struct brski_err	 e = { 0 };
	struct conf		*c;
	char			*text;

	(void)state;
	assert_non_null(text = malloc(CONF_LINE_MAX + 8));
	memcpy(text, "name ", 5);
	memset(text + 5, 'x', CONF_LINE_MAX);
	assert_non_null(c = conf_new(opts));
	assert_rc(load(c, text, CONF_LINE_MAX + 5, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "longer than"));
	conf_free(c);
	free(text);
}

static void
test_conf_file_then_command_line_wins(void **state)
{
	struct brski_err	 e = { 0 };
	struct conf		*c;
	char			*dir, *path;
	char			 arg0[] = "prog", arg1[] = "--port=99";
	char			*argv[] = { arg0, arg1, NULL };
	FILE			*f;
	int			 first;

	(void)state;
	dir = tu_tmpdir();
	path = tu_path(dir, "x.conf");
	assert_non_null(f = fopen(path, "w"));
	fputs("port 1000\nflag yes\n", f);
	fclose(f);
	assert_non_null(c = conf_new(opts));
	assert_rc(conf_parse_args(c, 2, argv, &first, &e), BRSKI_OK, &e);
	assert_rc(conf_load_file(c, path, &e), BRSKI_OK, &e);
	assert_int_equal(conf_int(c, "port"), 99);
	assert_int_equal(conf_bool(c, "flag"), 1);
	assert_string_equal(conf_file(c), path);
	conf_free(c);

	assert_non_null(f = fopen(path, "w"));
	fputs("flag yes\nbogus 1\n", f);
	fclose(f);
	assert_non_null(c = conf_new(opts));
	assert_rc(conf_load_file(c, path, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "x.conf:2: unknown key"));
	assert_null(conf_file(c));
	conf_free(c);
	free(path);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_reads_every_type),
		cmocka_unit_test(test_conf_rejects_nul_byte),
		cmocka_unit_test(test_conf_rejects_bad_lines_by_line),
		cmocka_unit_test(test_conf_rejects_overlong_line),
		cmocka_unit_test(test_conf_file_then_command_line_wins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
