/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Generation directories and an atomic "current" symlink (see state.h).
 * Why not rename each file into place: a crash between two renames would
 * pair a new key with an old certificate.  One symlink rename switches
 * all files at once.
 */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fileio.h"
#include "rand.h"
#include "state.h"

#define GEN_PREFIX	"gen-"

static enum brski_rc
sync_dir(const char *dir, struct brski_err *e)
{
	int	fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: %s", dir, strerror(errno));
	if (fsync(fd) == -1) {
		close(fd);
		return brski_fail(e, BRSKI_EIO, "%s: fsync: %s", dir,
		    strerror(errno));
	}
	close(fd);
	return BRSKI_OK;
}

static void
remove_gen(const char *dir, const char *gen)
{
	char		 p[PATH_MAX];
	DIR		*d;
	struct dirent	*de;

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, gen) >= sizeof(p))
		return;
	if ((d = opendir(p)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			char f[PATH_MAX];

			if (de->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(f, sizeof(f), "%s/%s", p,
			    de->d_name) < sizeof(f))
				unlink(f);
		}
		closedir(d);
	}
	rmdir(p);
}

/*
 * Remove generations other than the new current one and the one it
 * replaced (prev, "" if none).  Which one is older is not
 * read from the names, since two commits in the same second get names
 * that order by their random part.
 */
static void
prune(const char *dir, const char *keep, const char *prev)
{
	DIR		*d;
	struct dirent	*de;
	char		*names[64];
	size_t		 n = 0, i;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL && n < 64)
		if (strncmp(de->d_name, GEN_PREFIX, strlen(GEN_PREFIX)) == 0 &&
		    strcmp(de->d_name, keep) != 0 &&
		    strcmp(de->d_name, prev) != 0 &&
		    (names[n] = strdup(de->d_name)) != NULL)
			n++;
	closedir(d);
	for (i = 0; i < n; i++) {
		remove_gen(dir, names[i]);
		free(names[i]);
	}
}

/* The generation "current" names now, into prev ("" if none). */
static void
current_gen(const char *link, char *prev, size_t len)
{
	ssize_t	n;

	prev[0] = '\0';
	if ((n = readlink(link, prev, len - 1)) <= 0)
		return;
	prev[n] = '\0';
	if (strncmp(prev, GEN_PREFIX, strlen(GEN_PREFIX)) != 0 ||
	    strchr(prev, '/') != NULL)
		prev[0] = '\0';
}

static enum brski_rc
write_gen(const char *dir, const char *gen, const struct state_file *f,
    size_t n, struct brski_err *e)
{
	char		p[PATH_MAX], gp[PATH_MAX];
	size_t		i;
	enum brski_rc	rc;

	if ((size_t)snprintf(gp, sizeof(gp), "%s/%s", dir, gen) >= sizeof(gp))
		return brski_fail(e, BRSKI_EINVAL, "state: path too long");
	if (mkdir(gp, 0700) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: %s", gp, strerror(errno));
	for (i = 0; i < n; i++) {
		if (strchr(f[i].name, '/') != NULL)
			return brski_fail(e, BRSKI_EINVAL, "state: bad file "
			    "name %s", f[i].name);
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", gp, f[i].name) >=
		    sizeof(p))
			return brski_fail(e, BRSKI_EINVAL, "state: path too long");
		if ((rc = file_write_atomic(p, f[i].data, f[i].len, f[i].mode,
		    e)) != BRSKI_OK)
			return rc;
	}
	return sync_dir(gp, e);
}

/*
 * Write files as a new generation under dir (created 0700 if missing)
 * and make it current.  On failure nothing the previous generation holds
 * changes and the partial new one is removed.
 */
enum brski_rc
state_commit(const char *dir, const struct state_file *f, size_t n,
    struct brski_err *e)
{
	char		gen[64], prev[64], link[PATH_MAX], tmp[PATH_MAX];
	uint8_t		r[4];
	enum brski_rc	rc;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return brski_fail(e, BRSKI_EIO, "%s: %s", dir, strerror(errno));
	if ((rc = rand_bytes(r, sizeof(r), e)) != BRSKI_OK)
		return rc;
	/* time in the name for the operator; pruning does not rely on it */
	snprintf(gen, sizeof(gen), GEN_PREFIX "%012lld-%02x%02x%02x%02x",
	    (long long)time(NULL), r[0], r[1], r[2], r[3]);
	if ((rc = write_gen(dir, gen, f, n, e)) != BRSKI_OK)
		goto fail;
	if ((size_t)snprintf(link, sizeof(link), "%s/" STATE_CURRENT, dir) >=
	    sizeof(link) || (size_t)snprintf(tmp, sizeof(tmp), "%s/."
	    STATE_CURRENT ".%s", dir, gen) >= sizeof(tmp)) {
		rc = brski_fail(e, BRSKI_EINVAL, "state: path too long");
		goto fail;
	}
	current_gen(link, prev, sizeof(prev));
	if (symlink(gen, tmp) == -1) {
		rc = brski_fail(e, BRSKI_EIO, "%s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (rename(tmp, link) == -1) {
		rc = brski_fail(e, BRSKI_EIO, "%s: %s", link, strerror(errno));
		unlink(tmp);
		goto fail;
	}
	if ((rc = sync_dir(dir, e)) != BRSKI_OK)
		return rc;	/* switched; only durability is in doubt */
	prune(dir, gen, prev);
	return BRSKI_OK;
fail:
	remove_gen(dir, gen);
	return rc;
}

/* dir/current/name into out. */
enum brski_rc
state_path(const char *dir, const char *name, char *out, size_t outlen,
    struct brski_err *e)
{
	if ((size_t)snprintf(out, outlen, "%s/" STATE_CURRENT "/%s", dir,
	    name) >= outlen)
		return brski_fail(e, BRSKI_EINVAL, "%s: path too long", dir);
	return BRSKI_OK;
}

/* 1 if the current generation has the file. */
int
state_has(const char *dir, const char *name)
{
	char	p[PATH_MAX];

	return state_path(dir, name, p, sizeof(p), NULL) == BRSKI_OK &&
	    file_exists(p);
}
