/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for pledge/state.c: atomic generations of pledge state. */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "fileio.h"
#include "state.h"

static int
count_gens(const char *dir)
{
	DIR		*d = opendir(dir);
	struct dirent	*de;
	int		 n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, "gen-", 4) == 0)
			n++;
	closedir(d);
	return n;
}

static char *
current(const char *dir, const char *name)
{
	struct brski_err	 e = { 0 };
	char			 p[PATH_MAX];
	uint8_t			*buf = NULL;
	size_t			 len;

	assert_rc(state_path(dir, name, p, sizeof(p), &e), BRSKI_OK, &e);
	if (file_read(p, 4096, &buf, &len, &e) != BRSKI_OK)
		return NULL;
	return (char *)buf;
}

static void
commit_pair(const char *dir, const char *cert, const char *key)
{
	struct brski_err	e = { 0 };
	struct state_file	f[2] = {
		{ STATE_LDEVID, cert, strlen(cert), 0644 },
		{ STATE_LDEVID_KEY, key, strlen(key), 0600 },
	};

	assert_rc(state_commit(dir, f, 2, &e), BRSKI_OK, &e);
}

static void
test_state_commit_switches_all_files(void **state)
{
	char		*tmp = tu_tmpdir(), *dir = tu_path(tmp, "st"), *s;
	char		 p[PATH_MAX];
	struct stat	 st;

	(void)state;
	commit_pair(dir, "cert-1", "key-1");
	assert_string_equal((s = current(dir, STATE_LDEVID)), "cert-1");
	free(s);
	commit_pair(dir, "cert-2", "key-2");
	assert_string_equal((s = current(dir, STATE_LDEVID)), "cert-2");
	free(s);
	assert_string_equal((s = current(dir, STATE_LDEVID_KEY)), "key-2");
	free(s);
	snprintf(p, sizeof(p), "%s/current/%s", dir, STATE_LDEVID_KEY);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_true(state_has(dir, STATE_LDEVID));
	assert_false(state_has(dir, STATE_VOUCHER));
	free(dir);
	tu_rmdir(tmp);
}

static void
test_state_keeps_two_generations(void **state)
{
	char	*tmp = tu_tmpdir(), *dir = tu_path(tmp, "st");

	(void)state;
	commit_pair(dir, "a", "a");
	sleep(1);	/* generation names order by the second */
	commit_pair(dir, "b", "b");
	sleep(1);
	commit_pair(dir, "c", "c");
	assert_int_equal(count_gens(dir), 2);
	free(dir);
	tu_rmdir(tmp);
}

/*
 * The generation a commit replaces survives it even when both were
 * made in the same second (names then order by their random part).
 */
static void
test_state_keeps_previous_within_a_second(void **state)
{
	char	*tmp = tu_tmpdir(), *dir = tu_path(tmp, "st");
	char	 link[PATH_MAX], prev[64], p[PATH_MAX];
	ssize_t	 n;
	int	 i;

	(void)state;
	snprintf(link, sizeof(link), "%s/current", dir);
	commit_pair(dir, "a", "a");
	for (i = 0; i < 16; i++) {
		assert_true((n = readlink(link, prev, sizeof(prev) - 1)) > 0);
		prev[n] = '\0';
		commit_pair(dir, "b", "b");
		assert_true((size_t)snprintf(p, sizeof(p), "%s/%s/%s", dir,
		    prev, STATE_LDEVID) < sizeof(p));
		assert_true(access(p, R_OK) == 0);
		assert_int_equal(count_gens(dir), 2);
	}
	free(dir);
	tu_rmdir(tmp);
}

static void
test_state_failed_commit_leaves_current(void **state)
{
	struct brski_err	 e = { 0 };
	char			*tmp = tu_tmpdir(), *dir = tu_path(tmp, "st"), *s;
	struct state_file	 bad_name[2] = {
		{ STATE_LDEVID, "new", 3, 0644 },
		{ "../escape", "x", 1, 0644 },
	};
	struct state_file	 unwritable[2] = {
		{ STATE_LDEVID, "new", 3, 0644 },
		{ "", "x", 1, 0644 },	/* renaming onto the directory fails */
	};

	(void)state;
	commit_pair(dir, "old-cert", "old-key");
	assert_rc(state_commit(dir, bad_name, 2, &e), BRSKI_EINVAL, &e);
	assert_rc(state_commit(dir, unwritable, 2, &e), BRSKI_EIO, &e);
	assert_string_equal((s = current(dir, STATE_LDEVID)), "old-cert");
	free(s);
	assert_string_equal((s = current(dir, STATE_LDEVID_KEY)), "old-key");
	free(s);
	assert_int_equal(count_gens(dir), 1);	/* partial ones removed */
	free(dir);
	tu_rmdir(tmp);
}

static void
mkfile(const char *dir, const char *name, const char *text)
{
	struct brski_err	 e = { 0 };
	char			*p = tu_path(dir, name);

	assert_rc(file_write_atomic(p, text, strlen(text), 0600, &e),
	    BRSKI_OK, &e);
	free(p);
}

/*
 * What a run killed with SIGKILL leaves (a generation never made current,
 * one half-written, a temporary symlink) must neither push out the last
 * good generation nor survive the next commit.  Regression: pruning kept
 * "the newest other gen-*", which was the killed run's, and deleted the
 * real previous generation.
 */
static void
test_state_debris_of_killed_run(void **state)
{
	char	*tmp = tu_tmpdir(), *dir = tu_path(tmp, "st"), *s;
	char	 prev[64], p[PATH_MAX], *orphan, *half;
	ssize_t	 n;

	(void)state;
	commit_pair(dir, "cert-a", "key-a");
	snprintf(p, sizeof(p), "%s/current", dir);
	assert_true((n = readlink(p, prev, sizeof(prev) - 1)) > 0);
	prev[n] = '\0';
	orphan = tu_path(dir, "gen-999999999999-00000000");
	half = tu_path(dir, ".new-gen-999999999998-00000000");
	assert_int_equal(mkdir(orphan, 0700), 0);
	mkfile(orphan, STATE_LDEVID_KEY, "orphan-key");
	assert_int_equal(mkdir(half, 0700), 0);
	mkfile(half, STATE_LDEVID_KEY ".tmp.AbCdEf", "half-key");
	snprintf(p, sizeof(p), "%s/.current.gen-999999999998-00000000", dir);
	assert_int_equal(symlink("gen-999999999998-00000000", p), 0);

	commit_pair(dir, "cert-b", "key-b");
	assert_string_equal((s = current(dir, STATE_LDEVID)), "cert-b");
	free(s);
	snprintf(p, sizeof(p), "%s/%s/%s", dir, prev, STATE_LDEVID);
	assert_true(file_exists(p));	/* the previous generation stays */
	assert_false(file_exists(orphan));
	assert_false(file_exists(half));
	snprintf(p, sizeof(p), "%s/.current.gen-999999999998-00000000", dir);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(count_gens(dir), 2);
	free(orphan);
	free(half);
	free(dir);
	tu_rmdir(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_commit_switches_all_files),
		cmocka_unit_test(test_state_keeps_two_generations),
		cmocka_unit_test(test_state_keeps_previous_within_a_second),
		cmocka_unit_test(test_state_failed_commit_leaves_current),
		cmocka_unit_test(test_state_debris_of_killed_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
