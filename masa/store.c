/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Choose the MASA store engine by the form of the "database" setting:
 * a libpq connection URI (postgresql://, postgres://) or "pg:" followed
 * by a libpq conninfo string is PostgreSQL; anything else (optionally
 * "sqlite:" first) is the path of an SQLite file.
 */
#include "config.h"

#include <string.h>

#include "store.h"

/* Does spec name a PostgreSQL database? */
int
masa_store_is_pg(const char *spec)
{
	return strncmp(spec, "postgresql://", 13) == 0 ||
	    strncmp(spec, "postgres://", 11) == 0 ||
	    strncmp(spec, "pg:", 3) == 0;
}

/*
 * Open the store named by spec; the caller closes it with
 * masa_store_close().  BRSKI_ECONFIG for a PostgreSQL spec in a build
 * without libpq, or one that carries a password; BRSKI_EDB when the
 * database cannot be opened or its schema is newer than this program.
 */
enum brski_rc
masa_store_open(const char *spec, struct masa_store **out,
    struct brski_err *e)
{
	*out = NULL;
	if (!masa_store_is_pg(spec))
		return masa_store_open_sqlite(spec, out, e);
#ifdef HAVE_LIBPQ
	/* "pg:" is ours; libpq reads URIs itself */
	return masa_store_open_pg(strncmp(spec, "pg:", 3) == 0 ? spec + 3 :
	    spec, out, e);
#else
	/* the spec is not echoed: it may carry a password */
	return brski_fail(e, BRSKI_ECONFIG, "database is a PostgreSQL "
	    "connection string, but this brski-masa was built without "
	    "PostgreSQL: install libpq-dev and configure --with-postgresql, "
	    "or use an SQLite file");
#endif
}

void
masa_store_close(struct masa_store *s)
{
	if (s != NULL)
		s->ops->close(s);
}
