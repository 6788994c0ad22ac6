/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SQLite engine of the MASA store.  Every change is one transaction
 * (BEGIN IMMEDIATE ... COMMIT): an issued voucher, its audit event and a
 * first claim of ownership are written together or not at all, so the
 * audit log always lists exactly the vouchers handed out.
 *
 * The daemon's threads share one connection, and a transaction belongs
 * to the connection, not the thread: without the mutex one thread's
 * statements would run inside another's transaction (and be rolled back
 * with it).  Other processes (ctl, a second MASA) are kept apart by
 * SQLite's own locks and the busy timeout.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <sqlite3.h>

#include "db.h"
#include "store.h"

static const char *const schema[] = {
	/* version 1 */
	"CREATE TABLE devices ("
	"  serial TEXT PRIMARY KEY NOT NULL,"
	"  owner TEXT,"
	"  created_at INTEGER NOT NULL,"
	"  assigned_at INTEGER);"
	"CREATE TABLE vouchers ("
	"  id INTEGER PRIMARY KEY,"
	"  serial TEXT NOT NULL REFERENCES devices(serial),"
	"  domain_id TEXT NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  nonce TEXT,"
	"  assertion TEXT NOT NULL,"
	"  expires_at INTEGER,"
	"  voucher BLOB NOT NULL,"
	"  request BLOB NOT NULL);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  serial TEXT NOT NULL REFERENCES devices(serial),"
	"  date INTEGER NOT NULL,"
	"  domain_id TEXT NOT NULL,"
	"  nonce TEXT,"
	"  assertion TEXT NOT NULL,"
	"  voucher_id INTEGER NOT NULL UNIQUE REFERENCES vouchers(id));"
	"CREATE INDEX audit_serial ON audit(serial, date);",
	/* version 2: DEVICE_COLUMNS counts a device's vouchers on every
	 * request; without it that scanned every voucher ever issued */
	"CREATE INDEX vouchers_serial ON vouchers(serial);",
};

struct sq {
	sqlite3		*db;
	pthread_mutex_t	 lock;
};

static sqlite3 *
db_of(struct masa_store *s)
{
	return ((struct sq *)s->impl)->db;
}

static void
lock(struct masa_store *s)
{
	pthread_mutex_lock(&((struct sq *)s->impl)->lock);
}

static void
unlock(struct masa_store *s)
{
	pthread_mutex_unlock(&((struct sq *)s->impl)->lock);
}

static enum brski_rc
sq_device_add_locked(struct masa_store *s, const char *serial,
    struct brski_err *e)
{
	sqlite3		*db = db_of(s);
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc;

	if (db_prepare(db, "INSERT INTO devices(serial, created_at) "
	    "VALUES (?, strftime('%s','now'))", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	if ((rc = db_step_done(db, st, e)) == BRSKI_EPOLICY)
		return brski_fail(e, BRSKI_EPOLICY, "device %s is already known",
		    serial);
	return rc;
}

static void
row_device(sqlite3_stmt *st, struct masa_device *d)
{
	const char	*t;

	memset(d, 0, sizeof(*d));
	if ((t = (const char *)sqlite3_column_text(st, 0)) != NULL)
		snprintf(d->serial, sizeof(d->serial), "%s", t);
	if ((t = (const char *)sqlite3_column_text(st, 1)) != NULL)
		snprintf(d->owner, sizeof(d->owner), "%s", t);
	d->created_at = (time_t)sqlite3_column_int64(st, 2);
	d->assigned_at = (time_t)sqlite3_column_int64(st, 3);
	d->vouchers = (long)sqlite3_column_int64(st, 4);
}

#define DEVICE_COLUMNS "serial, owner, created_at, assigned_at, " \
	"(SELECT count(*) FROM vouchers v WHERE v.serial = d.serial)"

static enum brski_rc
sq_device_get_locked(struct masa_store *s, const char *serial,
    struct masa_device *d, struct brski_err *e)
{
	sqlite3		*db = db_of(s);
	sqlite3_stmt	*st = NULL;
	int		 r;

	if (db_prepare(db, "SELECT " DEVICE_COLUMNS " FROM devices d "
	    "WHERE serial = ?", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		row_device(st, d);
	db_done(st);
	if (r == SQLITE_DONE)
		return brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known to "
		    "this MASA", serial);
	if (r != SQLITE_ROW)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(db));
	return BRSKI_OK;
}

/* Assign (domain_id) or release (NULL) a device. */
static enum brski_rc
sq_device_assign_locked(struct masa_store *s, const char *serial,
    const char *domain_id, struct brski_err *e)
{
	sqlite3		*db = db_of(s);
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc;

	if (db_prepare(db, "UPDATE devices SET owner = ?, assigned_at = "
	    "CASE WHEN ? IS NULL THEN NULL ELSE strftime('%s','now') END "
	    "WHERE serial = ?", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, domain_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, domain_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, serial, -1, SQLITE_TRANSIENT);
	if ((rc = db_step_done(db, st, e)) != BRSKI_OK)
		return rc;
	if (sqlite3_changes(db) == 0)
		return brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known to "
		    "this MASA", serial);
	return BRSKI_OK;
}

static enum brski_rc
sq_device_list_locked(struct masa_store *s, masa_device_cb cb, void *arg,
    struct brski_err *e)
{
	sqlite3		*db = db_of(s);
	sqlite3_stmt	*st = NULL;
	struct masa_device d;
	int		 r;

	if (db_prepare(db, "SELECT " DEVICE_COLUMNS " FROM devices d "
	    "ORDER BY serial", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row_device(st, &d);
		cb(&d, arg);
	}
	db_done(st);
	if (r != SQLITE_DONE)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(db));
	return BRSKI_OK;
}

/* Inside the transaction: may domain_id have a voucher for serial? */
static enum brski_rc
claim(struct masa_store *s, const struct masa_issue *is, struct brski_err *e)
{
	struct masa_device	d;
	enum brski_rc		rc;

	if ((rc = sq_device_get_locked(s, is->serial, &d, e)) != BRSKI_OK)
		return rc;
	if (d.owner[0] == '\0') {
		if (!is->first_claim)
			return brski_fail(e, BRSKI_EPOLICY, "device %s is not "
			    "assigned to any domain", is->serial);
		/* first claim wins (RFC 8995 leaves ownership to policy) */
		return sq_device_assign_locked(s, is->serial, is->domain_id, e);
	}
	if (strcmp(d.owner, is->domain_id) != 0)
		return brski_fail(e, BRSKI_EPOLICY, "device %s belongs to "
		    "another domain", is->serial);
	return BRSKI_OK;
}

static enum brski_rc
record(sqlite3 *db, const struct masa_issue *is, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc;

	if (db_prepare(db, "INSERT INTO vouchers(serial, domain_id, issued_at, "
	    "nonce, assertion, expires_at, voucher, request) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, is->serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, is->domain_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, is->issued_at);
	sqlite3_bind_text(st, 4, is->nonce, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, is->assertion, -1, SQLITE_TRANSIENT);
	if (is->expires_at != 0)
		sqlite3_bind_int64(st, 6, is->expires_at);
	sqlite3_bind_blob(st, 7, is->voucher, (int)is->voucher_len,
	    SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 8, is->request, (int)is->request_len,
	    SQLITE_TRANSIENT);
	if ((rc = db_step_done(db, st, e)) != BRSKI_OK)
		return rc;
	if (db_prepare(db, "INSERT INTO audit(serial, date, domain_id, nonce, "
	    "assertion, voucher_id) VALUES (?, ?, ?, ?, ?, "
	    "last_insert_rowid())", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, is->serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, is->issued_at);
	sqlite3_bind_text(st, 3, is->domain_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, is->nonce, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, is->assertion, -1, SQLITE_TRANSIENT);
	return db_step_done(db, st, e);
}

/*
 * Record an issued voucher: ownership check (and first claim), the
 * voucher and its audit event, in one transaction.  BRSKI_ENOTFOUND for
 * an unknown device, BRSKI_EPOLICY when another domain owns it; nothing
 * is written then.
 */
static enum brski_rc
sq_issue_locked(struct masa_store *s, const struct masa_issue *is,
    struct brski_err *e)
{
	sqlite3		*db = db_of(s);
	enum brski_rc	 rc;

	if ((rc = db_begin(db, e)) != BRSKI_OK)
		return rc;
	if ((rc = claim(s, is, e)) != BRSKI_OK ||
	    (rc = record(db, is, e)) != BRSKI_OK ||
	    (rc = db_commit(db, e)) != BRSKI_OK) {
		db_rollback(db);
		return rc;
	}
	return BRSKI_OK;
}

static enum brski_rc
sq_events_locked(struct masa_store *s, const char *serial, masa_event_cb cb,
    void *arg, struct brski_err *e)
{
	sqlite3		 *db = db_of(s);
	sqlite3_stmt	 *st = NULL;
	struct masa_event ev;
	const char	 *t;
	int		  r;

	if (db_prepare(db, "SELECT date, domain_id, nonce, assertion FROM audit "
	    "WHERE serial = ? ORDER BY date DESC, id DESC", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof(ev));
		ev.date = (time_t)sqlite3_column_int64(st, 0);
		if ((t = (const char *)sqlite3_column_text(st, 1)) != NULL)
			snprintf(ev.domain_id, sizeof(ev.domain_id), "%s", t);
		ev.nonce = (const char *)sqlite3_column_text(st, 2);
		ev.assertion = (const char *)sqlite3_column_text(st, 3);
		if (ev.assertion == NULL)
			ev.assertion = "logged";
		cb(&ev, arg);
	}
	db_done(st);
	if (r != SQLITE_DONE)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(db));
	return BRSKI_OK;
}

/* Number of vouchers and of audit events (tests: they must be equal). */
static enum brski_rc
sq_counts_locked(struct masa_store *s, long *vouchers, long *events,
    struct brski_err *e)
{
	sqlite3		*db = db_of(s);
	sqlite3_stmt	*st = NULL;

	if (db_prepare(db, "SELECT (SELECT count(*) FROM vouchers), "
	    "(SELECT count(*) FROM audit)", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	if (sqlite3_step(st) != SQLITE_ROW) {
		db_done(st);
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(db));
	}
	*vouchers = (long)sqlite3_column_int64(st, 0);
	*events = (long)sqlite3_column_int64(st, 1);
	db_done(st);
	return BRSKI_OK;
}

static enum brski_rc
sq_check_locked(struct masa_store *s, struct brski_err *e)
{
	return db_integrity_check(db_of(s), e);
}

static enum brski_rc
sq_ping_locked(struct masa_store *s, struct brski_err *e)
{
	return db_ping(db_of(s), e);
}

/* The operations as the store exposes them: each under the mutex (the
 * list callbacks run with it held and must not call the store). */
#define LOCKED(name, params, args)				\
static enum brski_rc						\
name params							\
{								\
	enum brski_rc	rc;					\
								\
	lock(s);						\
	rc = name##_locked args;				\
	unlock(s);						\
	return rc;						\
}

LOCKED(sq_device_add, (struct masa_store *s, const char *serial,
    struct brski_err *e), (s, serial, e))
LOCKED(sq_device_get, (struct masa_store *s, const char *serial,
    struct masa_device *d, struct brski_err *e), (s, serial, d, e))
LOCKED(sq_device_assign, (struct masa_store *s, const char *serial,
    const char *dom, struct brski_err *e), (s, serial, dom, e))
LOCKED(sq_device_list, (struct masa_store *s, masa_device_cb cb, void *arg,
    struct brski_err *e), (s, cb, arg, e))
LOCKED(sq_issue, (struct masa_store *s, const struct masa_issue *is,
    struct brski_err *e), (s, is, e))
LOCKED(sq_events, (struct masa_store *s, const char *serial,
    masa_event_cb cb, void *arg, struct brski_err *e), (s, serial, cb, arg, e))
LOCKED(sq_counts, (struct masa_store *s, long *nv, long *na,
    struct brski_err *e), (s, nv, na, e))
LOCKED(sq_check, (struct masa_store *s, struct brski_err *e), (s, e))
LOCKED(sq_ping, (struct masa_store *s, struct brski_err *e), (s, e))

static void
sq_close(struct masa_store *s)
{
	struct sq	*q = s->impl;

	db_close(q->db);
	pthread_mutex_destroy(&q->lock);
	free(q);
	free(s);
}

static const struct masa_store_ops sqlite_ops = {
	sq_device_add, sq_device_get, sq_device_assign, sq_device_list,
	sq_issue, sq_events, sq_counts, sq_check, sq_close, sq_ping,
};

/*
 * Open the SQLite store at path (masa_store_open() dispatches here for
 * anything that is not a PostgreSQL connection string).
 */
enum brski_rc
masa_store_open_sqlite(const char *spec, struct masa_store **out,
    struct brski_err *e)
{
	struct masa_store	*s;
	struct sq		*q;
	sqlite3			*db = NULL;
	enum brski_rc		 rc;

	*out = NULL;
	if (strncmp(spec, "sqlite:", 7) == 0)
		spec += 7;
	if ((rc = db_open(spec, schema, sizeof(schema) / sizeof(schema[0]),
	    &db, e)) != BRSKI_OK)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (q = calloc(1, sizeof(*q))) == NULL) {
		free(s);
		db_close(db);
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	}
	q->db = db;
	pthread_mutex_init(&q->lock, NULL);
	s->ops = &sqlite_ops;
	s->impl = q;
	*out = s;
	return BRSKI_OK;
}
