/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/fileio.c: atomic writes get the mode asked for,
 * replace the old file and never leave a temporary file behind; reads
 * are capped.
 */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "fileio.h"

static int
setup(void **state)
{
	*state = tu_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	tu_rmdir(*state);
	return 0;
}

/* Number of entries in dir other than . and .. */
static int
entries(const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		fail_msg("opendir %s", dir);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

static void
content_is(const char *path, const char *want)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p = NULL;
	size_t			 len;

	assert_rc(file_read(path, FILEIO_MAX_DEFAULT, &p, &len, &e), BRSKI_OK,
	    &e);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(p, want, len);
	assert_int_equal(p[len], '\0');
	free(p);
}

static mode_t
mode_of(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		fail_msg("stat %s", path);
	return st.st_mode & 07777;
}

static void
test_fileio_write_atomic_creates_with_mode(void **state)
{
	struct brski_err	 e = { 0 };
	char			*key, *crt;
	mode_t			 old;

	key = tu_path(*state, "key.pem");
	crt = tu_path(*state, "cert.pem");
	/* the mode is exact whatever the umask */
	old = umask(0);
	assert_rc(file_write_atomic(key, "secret", 6, 0600, &e), BRSKI_OK, &e);
	umask(077);
	assert_rc(file_write_atomic(crt, "public", 6, 0644, &e), BRSKI_OK, &e);
	umask(old);
	assert_int_equal(mode_of(key), 0600);
	assert_int_equal(mode_of(crt), 0644);
	content_is(key, "secret");
	content_is(crt, "public");
	assert_int_equal(entries(*state), 2);
	assert_true(file_exists(key));
	free(key);
	free(crt);
}

static void
test_fileio_write_atomic_replaces_existing(void **state)
{
	struct brski_err	 e = { 0 };
	char			*p;
	struct stat		 st1, st2;

	p = tu_path(*state, "f");
	assert_rc(file_write_atomic(p, "old contents, longer", 20, 0644, &e),
	    BRSKI_OK, &e);
	assert_int_equal(stat(p, &st1), 0);
	assert_rc(file_write_atomic(p, "new", 3, 0600, &e), BRSKI_OK, &e);
	assert_int_equal(stat(p, &st2), 0);
	content_is(p, "new");
	assert_int_equal(mode_of(p), 0600);
	/* replaced by rename, not rewritten in place */
	assert_int_not_equal(st1.st_ino, st2.st_ino);
	assert_int_equal(entries(*state), 1);
	/* an empty file is a valid result */
	assert_rc(file_write_atomic(p, "", 0, 0600, &e), BRSKI_OK, &e);
	content_is(p, "");
	assert_int_equal(entries(*state), 1);
	free(p);
}

static void
test_fileio_write_atomic_missing_directory(void **state)
{
	struct brski_err	 e = { 0 };
	char			*p;

	p = tu_path(*state, "nodir/f");
	assert_rc(file_write_atomic(p, "x", 1, 0600, &e), BRSKI_EIO, &e);
	assert_non_null(strstr(e.msg, "nodir/f"));
	assert_int_equal(entries(*state), 0);
	free(p);
}

/*
 * A failure after the temporary file exists (renaming onto a
 * directory): the temporary file goes, the target stays.
 */
static void
test_fileio_write_atomic_failure_leaves_no_temp(void **state)
{
	struct brski_err	 e = { 0 };
	char			*d, *inner;

	d = tu_path(*state, "target");
	inner = tu_path(d, "keep");
	assert_int_equal(mkdir(d, 0700), 0);
	assert_rc(file_write_atomic(inner, "k", 1, 0600, &e), BRSKI_OK, &e);
	assert_rc(file_write_atomic(d, "x", 1, 0600, &e), BRSKI_EIO, &e);
	assert_non_null(strstr(e.msg, "rename"));
	assert_int_equal(entries(*state), 1);	/* only "target" */
	assert_int_equal(entries(d), 1);
	content_is(inner, "k");
	free(inner);
	free(d);
}

static void
test_fileio_write_atomic_path_too_long(void **state)
{
	struct brski_err	 e = { 0 };
	char			*p;

	(void)state;
	if ((p = malloc(PATH_MAX + 16)) == NULL)
		fail();
	memset(p, 'a', PATH_MAX + 15);
	p[0] = '/';
	p[PATH_MAX + 15] = '\0';
	/* (the message names the path first, so only its start survives) */
	assert_rc(file_write_atomic(p, "x", 1, 0600, &e), BRSKI_EIO, &e);
	assert_int_equal(strncmp(e.msg, "/aaaa", 5), 0);
	free(p);
}

static void
write_n(const char *path, size_t n)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p;

	if ((p = malloc(n + 1)) == NULL)
		fail();
	memset(p, 'q', n);
	assert_rc(file_write_atomic(path, p, n, 0600, &e), BRSKI_OK, &e);
	free(p);
}

static void
test_fileio_read_cap(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p = (uint8_t *)1;
	size_t			 len = 7;
	char			*f;

	f = tu_path(*state, "hundred");
	write_n(f, 100);
	assert_rc(file_read(f, 99, &p, &len, &e), BRSKI_ETOOBIG, &e);
	assert_null(p);
	assert_int_equal(len, 0);
	assert_non_null(strstr(e.msg, "limit 99"));
	assert_rc(file_read(f, 100, &p, &len, &e), BRSKI_OK, &e);
	assert_int_equal(len, 100);
	assert_int_equal(p[0], 'q');
	assert_int_equal(p[99], 'q');
	assert_int_equal(p[100], '\0');
	free(p);
	free(f);
}

static void
test_fileio_read_missing_file(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p = (uint8_t *)1;
	size_t			 len;
	char			*f;

	f = tu_path(*state, "absent");
	assert_rc(file_read(f, 100, &p, &len, &e), BRSKI_EIO, &e);
	assert_null(p);
	assert_non_null(strstr(e.msg, "absent"));
	assert_false(file_exists(f));
	free(f);
}

static void
test_fileio_read_directory_fails(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p = (uint8_t *)1;
	size_t			 len;

	assert_rc(file_read(*state, FILEIO_MAX_DEFAULT, &p, &len, &e),
	    BRSKI_EIO, &e);
	assert_null(p);
	assert_non_null(strstr(e.msg, "not a regular file"));
	/* and a character device (reads would never end) */
	assert_rc(file_read("/dev/zero", FILEIO_MAX_DEFAULT, &p, &len, &e),
	    BRSKI_EIO, &e);
	assert_null(p);
}

static void
test_fileio_read_empty_file(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p = NULL;
	size_t			 len = 7;
	char			*f;

	f = tu_path(*state, "empty");
	write_n(f, 0);
	assert_rc(file_read(f, 0, &p, &len, &e), BRSKI_OK, &e);
	assert_non_null(p);
	assert_int_equal(len, 0);
	assert_int_equal(p[0], '\0');
	free(p);
	free(f);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fileio_write_atomic_creates_with_mode),
		T(test_fileio_write_atomic_replaces_existing),
		T(test_fileio_write_atomic_missing_directory),
		T(test_fileio_write_atomic_failure_leaves_no_temp),
		T(test_fileio_write_atomic_path_too_long),
		T(test_fileio_read_cap),
		T(test_fileio_read_missing_file),
		T(test_fileio_read_directory_fails),
		T(test_fileio_read_empty_file),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
