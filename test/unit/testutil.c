/* SPDX-License-Identifier: BSD-2-Clause */
/* Helpers for the unit tests (see testutil.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

/* A fresh private directory; free with tu_rmdir(). */
char *
tu_tmpdir(void)
{
	char	*d;

	if ((d = strdup("/tmp/brski-test.XXXXXX")) == NULL || mkdtemp(d) == NULL)
		abort();
	return d;
}

/* Remove the directory and everything in it, then free the name. */
void
tu_rmdir(char *d)
{
	char	cmd[512];

	if (d == NULL)
		return;
	if ((size_t)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d) < sizeof(cmd))
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", d);
	free(d);
}

/* dir + "/" + name, malloc'ed. */
char *
tu_path(const char *dir, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}
