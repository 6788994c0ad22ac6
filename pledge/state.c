/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Generation directories and an atomic "current" symlink (see state.h).
 * Why not rename each file into place: a crash between two renames would
 * pair a new key with an old certificate.  One symlink rename switches
 * all files at once.
 *
 * A generation is written under a dot name (NEW_PREFIX) and renamed to
 * gen-* only once every file in it is synced, so a gen-* directory is
 * always complete.  A run killed on the way (SIGKILL, power loss) leaves
 * at most dot-named debris, which the next commit sweeps away.  Pruning
 * keeps the generation "current" pointed to before the switch, not the
 * newest other name: a killed run's leftovers must never push out the
 * last good generation.
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
#define NEW_PREFIX	".new-"		/* a generation being written */
#define LINK_PREFIX	"." STATE_CURRENT "."	/* the symlink being made */

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

static int
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Remove every generation but keep (the new current) and prev (the one
 * current pointed to before, "" if none), and the debris of killed runs:
 * half-written generations and temporary symlinks.
 */
static void
prune(const char *dir, const char *keep, const char *prev)
{
	DIR		*d;
	struct dirent	*de;
	char		 p[PATH_MAX];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if ((has_prefix(de->d_name, GEN_PREFIX) &&
		    strcmp(de->d_name, keep) != 0 &&
		    strcmp(de->d_name, prev) != 0) ||
		    has_prefix(de->d_name, NEW_PREFIX))
			remove_gen(dir, de->d_name);
		else if (has_prefix(de->d_name, LINK_PREFIX) &&
		    (size_t)snprintf(p, sizeof(p), "%s/%s", dir,
		    de->d_name) < sizeof(p))
			unlink(p);
	}
	closedir(d);
}

/* Write the files under dir/NEW_PREFIX gen, then rename it to dir/gen. */
static enum brski_rc
write_gen(const char *dir, const char *gen, const struct state_file *f,
    size_t n, struct brski_err *e)
{
	char		p[PATH_MAX], np[PATH_MAX], gp[PATH_MAX];
	size_t		i;
	enum brski_rc	rc;

	if ((size_t)snprintf(np, sizeof(np), "%s/" NEW_PREFIX "%s", dir, gen) >=
	    sizeof(np) || (size_t)snprintf(gp, sizeof(gp), "%s/%s", dir, gen) >=
	    sizeof(gp))
		return brski_fail(e, BRSKI_EINVAL, "state: path too long");
	if (mkdir(np, 0700) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: %s", np, strerror(errno));
	for (i = 0; i < n; i++) {
		if (strchr(f[i].name, '/') != NULL)
			return brski_fail(e, BRSKI_EINVAL, "state: bad file "
			    "name %s", f[i].name);
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", np, f[i].name) >=
		    sizeof(p))
			return brski_fail(e, BRSKI_EINVAL, "state: path too long");
		if ((rc = file_write_atomic(p, f[i].data, f[i].len, f[i].mode,
		    e)) != BRSKI_OK)
			return rc;
	}
	if ((rc = sync_dir(np, e)) != BRSKI_OK)
		return rc;
	if (rename(np, gp) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: %s", gp, strerror(errno));
	return BRSKI_OK;
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
	char		gen[64], newgen[80], prev[64], link[PATH_MAX];
	char		tmp[PATH_MAX];
	uint8_t		r[4];
	ssize_t		len;
	enum brski_rc	rc;

	if (mkdir(dir, 0700) == -1 && errno != EEXIST)
		return brski_fail(e, BRSKI_EIO, "%s: %s", dir, strerror(errno));
	if ((rc = rand_bytes(r, sizeof(r), e)) != BRSKI_OK)
		return rc;
	/* time in the name for the operator; pruning does not rely on it */
	snprintf(gen, sizeof(gen), GEN_PREFIX "%012lld-%02x%02x%02x%02x",
	    (long long)time(NULL), r[0], r[1], r[2], r[3]);
	snprintf(newgen, sizeof(newgen), NEW_PREFIX "%s", gen);
	if ((size_t)snprintf(link, sizeof(link), "%s/" STATE_CURRENT, dir) >=
	    sizeof(link) || (size_t)snprintf(tmp, sizeof(tmp), "%s/"
	    LINK_PREFIX "%s", dir, gen) >= sizeof(tmp))
		return brski_fail(e, BRSKI_EINVAL, "state: path too long");
	/* the generation to keep besides the new one: only a plain gen-* */
	if ((len = readlink(link, prev, sizeof(prev) - 1)) < 0)
		len = 0;
	prev[len] = '\0';
	if (!has_prefix(prev, GEN_PREFIX) || strchr(prev, '/') != NULL)
		prev[0] = '\0';
	if ((rc = write_gen(dir, gen, f, n, e)) != BRSKI_OK)
		goto fail;
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
	remove_gen(dir, newgen);
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
