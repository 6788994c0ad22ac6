/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SQLite helpers shared by the registrar and the MASA stores.  Writers
 * take the lock at BEGIN (BEGIN IMMEDIATE) so that two connections never
 * both read and then fail to upgrade (SQLITE_BUSY in the middle of a
 * request).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/*
 * Prepared statements are kept and reused (db_prepare() / db_done()):
 * compiling the SQL was ~5% of the registrar's CPU per enrollment
 * (bench/README.md).  A slot is taken while its statement is in use, so
 * two uses of the same SQL at once get two statements; when the table is
 * full a statement is prepared and finalized as before.
 */
#define STMT_CACHE	48

static struct {
	sqlite3		*db;
	char		*sql;
	sqlite3_stmt	*st;
	int		 in_use;
} cache[STMT_CACHE];
static pthread_mutex_t	cache_lock = PTHREAD_MUTEX_INITIALIZER;

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
	size_t	i, free_slot = STMT_CACHE;

	*st = NULL;
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < STMT_CACHE; i++) {
		if (cache[i].db == NULL) {
			if (free_slot == STMT_CACHE)
				free_slot = i;
		} else if (cache[i].db == db && !cache[i].in_use &&
		    strcmp(cache[i].sql, sql) == 0) {
			cache[i].in_use = 1;
			*st = cache[i].st;
			break;
		}
	}
	pthread_mutex_unlock(&cache_lock);
	if (*st != NULL)
		return BRSKI_OK;
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK) {
		sqlite3_finalize(*st);
		*st = NULL;
		return brski_fail(e, BRSKI_EDB, "database: prepare: %s",
		    sqlite3_errmsg(db));
	}
	pthread_mutex_lock(&cache_lock);
	if (free_slot < STMT_CACHE && cache[free_slot].db == NULL &&
	    (cache[free_slot].sql = strdup(sql)) != NULL) {
		cache[free_slot].db = db;
		cache[free_slot].st = *st;
		cache[free_slot].in_use = 1;
	}
	pthread_mutex_unlock(&cache_lock);
	return BRSKI_OK;
}

/* Done with a statement of db_prepare() (NULL is fine): reset for the
 * next use, or finalized if it is not kept. */
void
db_done(sqlite3_stmt *st)
{
	size_t	i;

	if (st == NULL)
		return;
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < STMT_CACHE; i++)
		if (cache[i].db != NULL && cache[i].st == st) {
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			cache[i].in_use = 0;
			pthread_mutex_unlock(&cache_lock);
			return;
		}
	pthread_mutex_unlock(&cache_lock);
	db_done(st);
}

/*
 * Step a statement that returns no rows, then db_done() it: BRSKI_EPOLICY
 * for a constraint (a UNIQUE serial, a foreign key), BRSKI_EDB otherwise.
 */
enum brski_rc
db_step_done(sqlite3 *db, sqlite3_stmt *st, struct brski_err *e)
{
	int	r = sqlite3_step(st);

	db_done(st);
	if (r == SQLITE_CONSTRAINT)
		return brski_fail(e, BRSKI_EPOLICY, "database: %s",
		    sqlite3_errmsg(db));
	if (r != SQLITE_DONE)
		return brski_fail(e, BRSKI_EDB, "database: %s",
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
	db_done(st);
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
		db_close(db);
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
	db_done(st);
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
	db_done(st);
	st = NULL;
	rc = db_commit(db, e);
out:
	db_done(st);
	db_rollback(db);
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	return rc;
}

void
db_close(sqlite3 *db)
{
	size_t	i;

	if (db == NULL)
		return;
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < STMT_CACHE; i++)
		if (cache[i].db == db) {
			sqlite3_finalize(cache[i].st);
			free(cache[i].sql);
			memset(&cache[i], 0, sizeof(cache[i]));
		}
	pthread_mutex_unlock(&cache_lock);
	sqlite3_close(db);
}
