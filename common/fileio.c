/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File helpers.  file_write_atomic() is how every key, certificate and
 * trust anchor reaches the disk (DESIGN.md "Files written by the
 * programs").
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

/*
 * Read a whole file of at most max bytes.  *out is NUL-terminated one
 * past *outlen (so PEM and config text can be used as strings); the
 * caller frees it.  BRSKI_ETOOBIG past max, BRSKI_EIO otherwise.
 */
enum brski_rc
file_read(const char *path, size_t max, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	struct stat	 st;
	uint8_t		*p = NULL;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;
	enum brski_rc	 rc = BRSKI_OK;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) == -1) {
		rc = brski_fail(e, BRSKI_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = brski_fail(e, BRSKI_EIO, "%s: not a regular file", path);
		goto out;
	}
	if ((uintmax_t)st.st_size > max) {
		rc = brski_fail(e, BRSKI_ETOOBIG, "%s: %jd bytes, limit %zu",
		    path, (intmax_t)st.st_size, max);
		goto out;
	}
	if ((p = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	while (off < (size_t)st.st_size) {
		n = read(fd, p + off, (size_t)st.st_size - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			rc = brski_fail(e, BRSKI_EIO, "%s: read: %s", path,
			    strerror(errno));
			goto out;
		}
		if (n == 0)
			break;	/* shrank while we read: take what is there */
		off += (size_t)n;
	}
	p[off] = '\0';
	*out = p;
	*outlen = off;
	p = NULL;
out:
	free(p);
	close(fd);
	return rc;
}

static enum brski_rc
write_all(int fd, const uint8_t *p, size_t len, const char *path,
    struct brski_err *e)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return brski_fail(e, BRSKI_EIO, "%s: write: %s", path,
			    strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return BRSKI_OK;
}

/* fsync the directory holding path, so the rename itself is durable. */
static enum brski_rc
sync_dir(const char *path, struct brski_err *e)
{
	char	tmp[PATH_MAX];
	int	fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s", path) >= sizeof(tmp))
		return brski_fail(e, BRSKI_EIO, "%s: path too long", path);
	if ((fd = open(dirname(tmp), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: open directory: %s", path,
		    strerror(errno));
	if (fsync(fd) == -1 && errno != EINVAL) {
		close(fd);
		return brski_fail(e, BRSKI_EIO, "%s: fsync directory: %s", path,
		    strerror(errno));
	}
	close(fd);
	return BRSKI_OK;
}

/*
 * Write len bytes to path atomically with the given mode (0600 for
 * private keys): the data goes to a temporary file created with that
 * mode in the same directory, is fsync'ed and renamed over path.  On
 * failure path is untouched and the temporary file is removed.
 */
enum brski_rc
file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
    struct brski_err *e)
{
	char		tmp[PATH_MAX];
	int		fd = -1;
	enum brski_rc	rc;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", path) >=
	    sizeof(tmp))
		return brski_fail(e, BRSKI_EIO, "%s: path too long", path);
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return brski_fail(e, BRSKI_EIO, "%s: create temporary file: %s",
		    path, strerror(errno));
	/* mkostemp creates 0600; widen only when asked (certificates) */
	if (fchmod(fd, mode) == -1) {
		rc = brski_fail(e, BRSKI_EIO, "%s: chmod: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if ((rc = write_all(fd, data, len, tmp, e)) != BRSKI_OK)
		goto fail;
	if (fsync(fd) == -1) {
		rc = brski_fail(e, BRSKI_EIO, "%s: fsync: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	if (close(fd) == -1) {
		fd = -1;
		rc = brski_fail(e, BRSKI_EIO, "%s: close: %s", tmp,
		    strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1) {
		rc = brski_fail(e, BRSKI_EIO, "%s: rename: %s", path,
		    strerror(errno));
		goto fail;
	}
	return sync_dir(path, e);
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	return rc;
}

int
file_exists(const char *path)
{
	struct stat	st;

	return stat(path, &st) == 0;
}
