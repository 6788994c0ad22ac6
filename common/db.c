/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SQLite helpers shared by the registrar and the MASA stores.  Writers
 * take the lock at BEGIN (BEGIN IMMEDIATE) so that two connections never
 * both read and then fail to upgrade (SQLITE_BUSY in the middle of a
 * request).
 */
#include "config.h"

#include <stdio.h>

#include "db.h"

/* Run SQL without results; errors name the statement's failure. */
enum brski_rc
db_exec(sqlite3 *db, const char *sql, struct brski_err *e)
{
	char	*msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		brski_fail(e, BRSKI_EDB, "database: %s", msg ? msg :
		    sqlite3_errmsg(db));
		sqlite3_free(msg);
		return BRSKI_EDB;
	}
	return BRSKI_OK;
}

enum brski_rc
db_begin(sqlite3 *db, struct brski_err *e)
{
	return db_exec(db, "BEGIN IMMEDIATE", e);
}

enum brski_rc
db_commit(sqlite3 *db, struct brski_err *e)
{
	return db_exec(db, "COMMIT", e);
}

/* Roll back if a transaction is open; safe to call when none is. */
void
db_rollback(sqlite3 *db)
{
	if (db != NULL && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

enum brski_rc
db_prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st,
    struct brski_err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return brski_fail(e, BRSKI_EDB, "database: prepare: %s",
		    sqlite3_errmsg(db));
	return BRSKI_OK;
}

/* Bring the schema from PRAGMA user_version up to nschema. */
static enum brski_rc
migrate(sqlite3 *db, const char *const *schema, int nschema,
    struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	char		 sql[64];
	int		 have = 0, v;

	if (db_prepare(db, "PRAGMA user_version", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	if (sqlite3_step(st) == SQLITE_ROW)
		have = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (have > nschema)
		return brski_fail(e, BRSKI_EDB, "database: schema version %d is "
		    "newer than this program (%d); upgrade the program", have,
		    nschema);
	if (have == nschema)
		return BRSKI_OK;
	if (db_begin(db, e) != BRSKI_OK)
		return BRSKI_EDB;
	for (v = have; v < nschema; v++)
		if (db_exec(db, schema[v], e) != BRSKI_OK) {
			db_rollback(db);
			return brski_prefix(e, "schema %d: ", v + 1);
		}
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", nschema);
	if (db_exec(db, sql, e) != BRSKI_OK || db_commit(db, e) != BRSKI_OK) {
		db_rollback(db);
		return BRSKI_EDB;
	}
	return BRSKI_OK;
}

/*
 * Open (creating if needed) the database at path and apply schema[0..n)
 * as versions 1..n.  The handle is serialized (SQLITE_OPEN_FULLMUTEX),
 * so one handle may be shared by threads, one statement at a time.
 */
enum brski_rc
db_open(const char *path, const char *const *schema, int nschema,
    sqlite3 **out, struct brski_err *e)
{
	sqlite3	*db = NULL;

	*out = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		brski_fail(e, BRSKI_EDB, "%s: %s", path, db ? sqlite3_errmsg(db) :
		    "cannot open");
		sqlite3_close(db);
		return BRSKI_EDB;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (db_exec(db, "PRAGMA journal_mode = WAL", e) != BRSKI_OK ||
	    db_exec(db, "PRAGMA synchronous = FULL", e) != BRSKI_OK ||
	    db_exec(db, "PRAGMA foreign_keys = ON", e) != BRSKI_OK ||
	    migrate(db, schema, nschema, e) != BRSKI_OK) {
		brski_prefix(e, "%s: ", path);
		sqlite3_close(db);
		return BRSKI_EDB;
	}
	*out = db;
	return BRSKI_OK;
}

/* PRAGMA integrity_check; BRSKI_EDB with SQLite's first complaint. */
enum brski_rc
db_integrity_check(sqlite3 *db, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc = BRSKI_OK;
	const char	*r;

	if (db_prepare(db, "PRAGMA integrity_check", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	if (sqlite3_step(st) != SQLITE_ROW ||
	    (r = (const char *)sqlite3_column_text(st, 0)) == NULL ||
	    sqlite3_stricmp(r, "ok") != 0)
		rc = brski_fail(e, BRSKI_EDB, "database integrity: %s",
		    sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc;
}

/*
 * A health probe: the file is still where it was opened (not moved or
 * deleted, which would leave the daemon writing to a file nobody will
 * find after a restart), and a read transaction completes within
 * DB_PING_TIMEOUT_MS (a lock held elsewhere makes it BRSKI_EDB).  The
 * caller serialises use of the connection, as for every other call.
 * Messages carry no path: /healthz shows them to anyone who asks.
 */
enum brski_rc
db_ping(sqlite3 *db, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	int		 moved = 0, r;
	enum brski_rc	 rc = BRSKI_OK;

	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) ==
	    SQLITE_OK && moved)
		return brski_fail(e, BRSKI_EDB, "database file was moved or "
		    "deleted while open: put it back or restart the daemon");
	sqlite3_busy_timeout(db, DB_PING_TIMEOUT_MS);
	if ((rc = db_exec(db, "BEGIN", e)) != BRSKI_OK)
		goto out;
	if ((rc = db_prepare(db, "SELECT count(*) FROM sqlite_master", &st,
	    e)) != BRSKI_OK)
		goto out;
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		rc = brski_fail(e, BRSKI_EDB, "database: read: %s (%d)",
		    sqlite3_errmsg(db), r);
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	rc = db_commit(db, e);
out:
	sqlite3_finalize(st);
	db_rollback(db);
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	return rc;
}

void
db_close(sqlite3 *db)
{
	if (db != NULL)
		sqlite3_close(db);
}
