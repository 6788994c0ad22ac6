/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SQLite store of the registrar.  Certificates are recorded (and
 * committed, synchronous=FULL) before they are handed out, and their
 * serial numbers are UNIQUE: no certificate leaves that is not on
 * record, and no serial is used twice.  Two kinds of record commit
 * without waiting for the disk (LOCKED_LAZY below): a device seen
 * again, and status telemetry.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <sqlite3.h>

#include "db.h"
#include "rfc3339.h"
#include "store.h"

/* One connection shared by the daemon's threads: a transaction belongs
 * to the connection, so every operation holds the mutex. */
struct reg_store {
	sqlite3		*db;
	pthread_mutex_t	 lock;
};

static const char *const schema[] = {
	/* version 1 */
	"CREATE TABLE devices ("
	"  serial TEXT PRIMARY KEY NOT NULL,"
	"  state TEXT NOT NULL CHECK (state IN "
	"    ('pending','approved','denied','revoked')),"
	"  idevid_sha256 TEXT,"
	"  idevid BLOB,"
	"  first_seen INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  voucher_ok INTEGER NOT NULL DEFAULT 0,"
	"  voucher_at INTEGER,"
	"  pvr BLOB, rvr BLOB, voucher BLOB);"
	"CREATE TABLE certificates ("
	"  serial TEXT PRIMARY KEY NOT NULL,"
	"  device TEXT,"
	"  subject TEXT NOT NULL,"
	"  not_before INTEGER NOT NULL,"
	"  not_after INTEGER NOT NULL,"
	"  issued_at INTEGER NOT NULL,"
	"  revoked_at INTEGER,"
	"  der BLOB NOT NULL);"
	"CREATE INDEX certificates_device ON certificates(device);"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  device TEXT,"
	"  kind TEXT NOT NULL CHECK (kind IN ('voucher','enroll')),"
	"  status INTEGER NOT NULL,"
	"  reason TEXT,"
	"  context TEXT,"
	"  client_matched INTEGER NOT NULL,"
	"  peer TEXT,"
	"  at INTEGER NOT NULL);",
	/* version 2: revocation reasons and the CRL's counters.  number is
	 * the last cRLNumber handed out (RFC 5280 5.2.3: monotonic);
	 * revision changes with every revocation, so a daemon knows its
	 * cached CRL is out of date when another process revoked. */
	"ALTER TABLE certificates ADD COLUMN revocation_reason INTEGER;"
	"CREATE INDEX certificates_revoked ON certificates(revoked_at) "
	"  WHERE revoked_at IS NOT NULL;"
	"CREATE TABLE crl_state ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  number INTEGER NOT NULL,"
	"  revision INTEGER NOT NULL);"
	"INSERT INTO crl_state VALUES (1, 0, 0);",
};

static const char *const state_names[] = {
	"pending", "approved", "denied", "revoked"
};

const char *
reg_state_name(enum reg_state s)
{
	return (unsigned)s < 4 ? state_names[s] : "?";
}

int
reg_state_from_name(const char *n, enum reg_state *s)
{
	unsigned	i;

	for (i = 0; i < 4; i++)
		if (n != NULL && strcmp(n, state_names[i]) == 0) {
			*s = (enum reg_state)i;
			return 1;
		}
	return 0;
}

enum brski_rc
reg_store_open(const char *path, struct reg_store **out, struct brski_err *e)
{
	struct reg_store	*s;
	enum brski_rc		 rc;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	if ((rc = db_open(path, schema, sizeof(schema) / sizeof(schema[0]),
	    &s->db, e)) != BRSKI_OK) {
		free(s);
		return rc;
	}
	pthread_mutex_init(&s->lock, NULL);
	*out = s;
	return BRSKI_OK;
}

void
reg_store_close(struct reg_store *s)
{
	if (s == NULL)
		return;
	db_close(s->db);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

#define DEVICE_COLUMNS "d.serial, d.state, d.idevid_sha256, d.first_seen, " \
	"d.last_seen, d.voucher_ok, d.voucher_at, " \
	"(SELECT status FROM reports r WHERE r.device = d.serial AND " \
	"  r.kind = 'voucher' ORDER BY id DESC LIMIT 1), " \
	"(SELECT status FROM reports r WHERE r.device = d.serial AND " \
	"  r.kind = 'enroll' ORDER BY id DESC LIMIT 1), " \
	"(SELECT count(*) FROM certificates c WHERE c.device = d.serial)"

static void
row_device(sqlite3_stmt *st, struct reg_device *d)
{
	const char	*t;

	memset(d, 0, sizeof(*d));
	if ((t = (const char *)sqlite3_column_text(st, 0)) != NULL)
		snprintf(d->serial, sizeof(d->serial), "%s", t);
	if (!reg_state_from_name((const char *)sqlite3_column_text(st, 1),
	    &d->state))
		d->state = REG_DENIED;	/* cannot happen: CHECK constraint */
	if ((t = (const char *)sqlite3_column_text(st, 2)) != NULL)
		snprintf(d->idevid_sha256, sizeof(d->idevid_sha256), "%s", t);
	d->first_seen = (time_t)sqlite3_column_int64(st, 3);
	d->last_seen = (time_t)sqlite3_column_int64(st, 4);
	d->voucher_ok = sqlite3_column_int(st, 5);
	d->voucher_at = (time_t)sqlite3_column_int64(st, 6);
	d->voucher_status = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 7);
	d->enroll_status = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 8);
	d->certificates = (long)sqlite3_column_int64(st, 9);
}

static enum brski_rc
reg_device_get_locked(struct reg_store *s, const char *serial,
    struct reg_device *d, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if (db_prepare(s->db, "SELECT " DEVICE_COLUMNS " FROM devices d "
	    "WHERE d.serial = ?", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW)
		row_device(st, d);
	db_done(st);
	if (r == SQLITE_DONE)
		return brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known",
		    serial);
	if (r != SQLITE_ROW)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(s->db));
	return BRSKI_OK;
}

/*
 * A pledge showed up: insert it with state initial (policy: approved
 * for automatic enrollment, pending for manual) or update last_seen and
 * the IDevID it used.  *d receives the device as stored.
 */
static enum brski_rc
reg_device_seen_locked(struct reg_store *s, const char *serial, const char *fp,
    const uint8_t *idevid, size_t idevid_len, enum reg_state initial,
    time_t now, struct reg_device *d, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc;

	if (db_prepare(s->db, "INSERT INTO devices(serial, state, idevid_sha256, "
	    "idevid, first_seen, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5) "
	    "ON CONFLICT(serial) DO UPDATE SET last_seen = ?5, "
	    "idevid_sha256 = ?3, idevid = ?4", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, reg_state_name(initial), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, fp, -1, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 4, idevid, (int)idevid_len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, now);
	if ((rc = db_step_done(s->db, st, e)) != BRSKI_OK)
		return rc;
	return reg_device_get_locked(s, serial, d, e);
}

static enum brski_rc
reg_device_set_state_locked(struct reg_store *s, const char *serial,
    enum reg_state state, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc;

	if (db_prepare(s->db, "UPDATE devices SET state = ? WHERE serial = ?",
	    &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, reg_state_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, serial, -1, SQLITE_TRANSIENT);
	if ((rc = db_step_done(s->db, st, e)) != BRSKI_OK)
		return rc;
	if (sqlite3_changes(s->db) == 0)
		return brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known",
		    serial);
	return BRSKI_OK;
}

/* The voucher exchange of a device succeeded: keep PVR, RVR, voucher. */
static enum brski_rc
reg_device_voucher_locked(struct reg_store *s, const char *serial,
    const uint8_t *pvr, size_t pvr_len, const uint8_t *rvr, size_t rvr_len,
    const uint8_t *v, size_t v_len, time_t now, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;

	if (db_prepare(s->db, "UPDATE devices SET voucher_ok = 1, voucher_at = ?,"
	    " pvr = ?, rvr = ?, voucher = ? WHERE serial = ?", &st, e) !=
	    BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_blob(st, 2, pvr, (int)pvr_len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 3, rvr, (int)rvr_len, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 4, v, (int)v_len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, serial, -1, SQLITE_TRANSIENT);
	return db_step_done(s->db, st, e);
}

/* One of the stored artifacts ("pvr", "rvr", "voucher", "idevid"). */
static enum brski_rc
reg_device_artifact_locked(struct reg_store *s, const char *serial,
    const char *which, uint8_t **out, size_t *len, struct brski_err *e)
{
	static const char *const cols[] = { "pvr", "rvr", "voucher", "idevid" };
	sqlite3_stmt	*st = NULL;
	char		 sql[96];
	size_t		 i;
	int		 r, n;
	enum brski_rc	 rc = BRSKI_OK;

	*out = NULL;
	for (i = 0; i < 4 && strcmp(which, cols[i]) != 0; i++)
		;
	if (i == 4)
		return brski_fail(e, BRSKI_EINVAL, "no artifact \"%s\" (pvr, "
		    "rvr, voucher, idevid)", which);
	/* the column name comes from our table above, never from input */
	snprintf(sql, sizeof(sql), "SELECT %s FROM devices WHERE serial = ?",
	    cols[i]);
	if (db_prepare(s->db, sql, &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	if (r != SQLITE_ROW || sqlite3_column_type(st, 0) == SQLITE_NULL)
		rc = brski_fail(e, BRSKI_ENOTFOUND, "device %s has no %s",
		    serial, which);
	else if ((n = sqlite3_column_bytes(st, 0)) <= 0 ||
	    (*out = malloc((size_t)n)) == NULL)
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
	else {
		memcpy(*out, sqlite3_column_blob(st, 0), (size_t)n);
		*len = (size_t)n;
	}
	db_done(st);
	return rc;
}

static enum brski_rc
reg_device_list_locked(struct reg_store *s, reg_device_cb cb, void *arg,
    struct brski_err *e)
{
	sqlite3_stmt		*st = NULL;
	struct reg_device	 d;
	int			 r;

	if (db_prepare(s->db, "SELECT " DEVICE_COLUMNS " FROM devices d "
	    "ORDER BY d.serial", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row_device(st, &d);
		cb(&d, arg);
	}
	db_done(st);
	if (r != SQLITE_DONE)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(s->db));
	return BRSKI_OK;
}

/*
 * Record a certificate before it is handed out.  A serial number already
 * on record is BRSKI_EPOLICY (the caller draws a new one).
 */
static enum brski_rc
reg_cert_record_locked(struct reg_store *s, const struct reg_cert *c,
    struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;

	if (db_prepare(s->db, "INSERT INTO certificates(serial, device, subject, "
	    "not_before, not_after, issued_at, der) VALUES (?, ?, ?, ?, ?, ?, ?)",
	    &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, c->serial_hex, -1, SQLITE_TRANSIENT);
	if (c->device[0] != '\0')
		sqlite3_bind_text(st, 2, c->device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, c->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, c->not_before);
	sqlite3_bind_int64(st, 5, c->not_after);
	sqlite3_bind_int64(st, 6, c->issued_at);
	sqlite3_bind_blob(st, 7, c->der, (int)c->der_len, SQLITE_TRANSIENT);
	return db_step_done(s->db, st, e);
}

static void
row_cert(sqlite3_stmt *st, struct reg_cert *c)
{
	const char	*t;

	memset(c, 0, sizeof(*c));
	if ((t = (const char *)sqlite3_column_text(st, 0)) != NULL)
		snprintf(c->serial_hex, sizeof(c->serial_hex), "%s", t);
	if ((t = (const char *)sqlite3_column_text(st, 1)) != NULL)
		snprintf(c->device, sizeof(c->device), "%s", t);
	if ((t = (const char *)sqlite3_column_text(st, 2)) != NULL)
		snprintf(c->subject, sizeof(c->subject), "%s", t);
	c->not_before = (time_t)sqlite3_column_int64(st, 3);
	c->not_after = (time_t)sqlite3_column_int64(st, 4);
	c->issued_at = (time_t)sqlite3_column_int64(st, 5);
	c->revoked_at = (time_t)sqlite3_column_int64(st, 6);
	c->der = sqlite3_column_blob(st, 7);
	c->der_len = (size_t)sqlite3_column_bytes(st, 7);
	c->reason = sqlite3_column_int(st, 8);	/* NULL: 0, unspecified */
}

#define CERT_COLUMNS "serial, device, subject, not_before, not_after, " \
	"issued_at, revoked_at, der, revocation_reason"

/* One certificate by serial; *der (the caller's) gets a copy of it. */
static enum brski_rc
reg_cert_get_locked(struct reg_store *s, const char *serial_hex,
    struct reg_cert *c, uint8_t **der, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc = BRSKI_OK;

	*der = NULL;
	if (db_prepare(s->db, "SELECT " CERT_COLUMNS " FROM certificates "
	    "WHERE serial = ?", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial_hex, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_ROW)
		rc = brski_fail(e, BRSKI_ENOTFOUND, "no certificate with serial "
		    "%s", serial_hex);
	else {
		row_cert(st, c);
		if ((*der = malloc(c->der_len)) == NULL)
			rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
		else
			memcpy(*der, c->der, c->der_len);
		c->der = *der;
	}
	db_done(st);
	return rc;
}

static enum brski_rc
reg_cert_list_locked(struct reg_store *s, reg_cert_cb cb, void *arg,
    struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	struct reg_cert	 c;
	int		 r;

	if (db_prepare(s->db, "SELECT " CERT_COLUMNS " FROM certificates "
	    "ORDER BY issued_at, serial", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row_cert(st, &c);
		cb(&c, arg);
	}
	db_done(st);
	if (r != SQLITE_DONE)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(s->db));
	return BRSKI_OK;
}

/*
 * Mark a certificate revoked with an RFC 5280 CRLReason, and bump the
 * CRL revision in the same transaction.  An unknown serial is
 * BRSKI_ENOTFOUND, one revoked before BRSKI_EPOLICY (nothing changes).
 */
static enum brski_rc
revoke_tx(struct reg_store *s, const char *serial_hex, time_t when,
    int reason, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	enum brski_rc	 rc;
	int		 r;
	time_t		 was;
	char		 t[RFC3339_MAX];

	if (db_prepare(s->db, "SELECT revoked_at FROM certificates WHERE "
	    "serial = ?", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, serial_hex, -1, SQLITE_TRANSIENT);
	r = sqlite3_step(st);
	was = r == SQLITE_ROW ? (time_t)sqlite3_column_int64(st, 0) : 0;
	db_done(st);
	if (r == SQLITE_DONE)
		return brski_fail(e, BRSKI_ENOTFOUND, "no certificate with "
		    "serial %s (\"ctl certs\" lists them)", serial_hex);
	if (r != SQLITE_ROW)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(s->db));
	if (was != 0)
		return brski_fail(e, BRSKI_EPOLICY, "certificate %s was revoked "
		    "before (at %s); nothing changed", serial_hex,
		    rfc3339_format(was, t, sizeof(t)));
	if (db_prepare(s->db, "UPDATE certificates SET revoked_at = ?, "
	    "revocation_reason = ? WHERE serial = ?", &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_int(st, 2, reason);
	sqlite3_bind_text(st, 3, serial_hex, -1, SQLITE_TRANSIENT);
	if ((rc = db_step_done(s->db, st, e)) != BRSKI_OK)
		return rc;
	if (db_prepare(s->db, "UPDATE crl_state SET revision = revision + 1",
	    &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	return db_step_done(s->db, st, e);
}

static enum brski_rc
reg_cert_revoke_locked(struct reg_store *s, const char *serial_hex,
    time_t when, int reason, struct brski_err *e)
{
	enum brski_rc	rc;

	if (db_begin(s->db, e) != BRSKI_OK)
		return BRSKI_EDB;
	if ((rc = revoke_tx(s, serial_hex, when, reason, e)) == BRSKI_OK)
		rc = db_commit(s->db, e);
	if (rc != BRSKI_OK)
		db_rollback(s->db);
	return rc;
}

static enum brski_rc
read_counters(struct reg_store *s, long long *number, long long *revision,
    struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if (db_prepare(s->db, "SELECT number, revision FROM crl_state",
	    &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	if ((r = sqlite3_step(st)) == SQLITE_ROW) {
		if (number != NULL)
			*number = sqlite3_column_int64(st, 0);
		*revision = sqlite3_column_int64(st, 1);
	}
	db_done(st);
	if (r != SQLITE_ROW)
		return brski_fail(e, BRSKI_EDB, "database: no CRL state row: %s",
		    sqlite3_errmsg(s->db));
	return BRSKI_OK;
}

/* The revision of the revocation list (changes with each revocation). */
static enum brski_rc
reg_crl_revision_locked(struct reg_store *s, long long *revision,
    struct brski_err *e)
{
	return read_counters(s, NULL, revision, e);
}

static enum brski_rc
crl_next_tx(struct reg_store *s, long long *number, long long *revision,
    reg_cert_cb cb, void *arg, struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;
	struct reg_cert	 c;
	enum brski_rc	 rc;
	int		 r;

	if (db_prepare(s->db, "UPDATE crl_state SET number = number + 1",
	    &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	if ((rc = db_step_done(s->db, st, e)) != BRSKI_OK ||
	    (rc = read_counters(s, number, revision, e)) != BRSKI_OK)
		return rc;
	if (db_prepare(s->db, "SELECT " CERT_COLUMNS " FROM certificates "
	    "WHERE revoked_at IS NOT NULL ORDER BY revoked_at, serial", &st,
	    e) != BRSKI_OK)
		return BRSKI_EDB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		row_cert(st, &c);
		cb(&c, arg);
	}
	db_done(st);
	if (r != SQLITE_DONE)
		return brski_fail(e, BRSKI_EDB, "database: %s",
		    sqlite3_errmsg(s->db));
	return BRSKI_OK;
}

/*
 * Take the next cRLNumber (committed before the CRL exists: a number is
 * never used twice, a crash only skips one) and hand every revoked
 * certificate to cb, with the revision the list belongs to.
 */
static enum brski_rc
reg_crl_next_locked(struct reg_store *s, long long *number,
    long long *revision, reg_cert_cb cb, void *arg, struct brski_err *e)
{
	enum brski_rc	rc;

	if (db_begin(s->db, e) != BRSKI_OK)
		return BRSKI_EDB;
	if ((rc = crl_next_tx(s, number, revision, cb, arg, e)) == BRSKI_OK)
		rc = db_commit(s->db, e);
	if (rc != BRSKI_OK)
		db_rollback(s->db);
	return rc;
}

static enum brski_rc
reg_report_add_locked(struct reg_store *s, const struct reg_report *r,
    struct brski_err *e)
{
	sqlite3_stmt	*st = NULL;

	if (db_prepare(s->db, "INSERT INTO reports(device, kind, status, reason, "
	    "context, client_matched, peer, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	    &st, e) != BRSKI_OK)
		return BRSKI_EDB;
	sqlite3_bind_text(st, 1, r->device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, r->kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, r->status);
	sqlite3_bind_text(st, 4, r->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 5, r->context, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 6, r->client_matched);
	sqlite3_bind_text(st, 7, r->peer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, r->at);
	return db_step_done(s->db, st, e);
}

static enum brski_rc
reg_store_check_locked(struct reg_store *s, struct brski_err *e)
{
	return db_integrity_check(s->db, e);
}

static enum brski_rc
reg_store_ping_locked(struct reg_store *s, struct brski_err *e)
{
	return db_ping(s->db, e);
}

/* The exported operations, each under the store's mutex (list callbacks
 * run with it held and must not call the store). */
#define LOCKED(name, params, args)				\
enum brski_rc							\
name params							\
{								\
	enum brski_rc	rc;					\
								\
	pthread_mutex_lock(&s->lock);				\
	rc = name##_locked args;				\
	pthread_mutex_unlock(&s->lock);				\
	return rc;						\
}

/*
 * As LOCKED, but the commit does not wait for the disk (synchronous =
 * NORMAL for this one operation; WAL).  For records that are worth
 * keeping but not an fdatasync each: that a device was seen, and the
 * status reports it sends.  A crash of the registrar loses nothing; a
 * power cut may lose the last of them (the device asks again, the
 * report is telemetry), and the next FULL commit (a voucher, a
 * certificate) makes them durable with it.  Three of the five syncs of
 * an enrollment (bench/README.md).
 */
#define LOCKED_LAZY(name, params, args)				\
enum brski_rc							\
name params							\
{								\
	enum brski_rc	rc;					\
								\
	pthread_mutex_lock(&s->lock);				\
	rc = db_exec(s->db, "PRAGMA synchronous = NORMAL", e);	\
	if (rc == BRSKI_OK)					\
		rc = name##_locked args;			\
	if (db_exec(s->db, "PRAGMA synchronous = FULL", e) !=	\
	    BRSKI_OK)						\
		rc = BRSKI_EDB;	/* never leave it lazy quietly */	\
	pthread_mutex_unlock(&s->lock);				\
	return rc;						\
}

LOCKED(reg_device_get, (struct reg_store *s, const char *serial,
    struct reg_device *d, struct brski_err *e), (s, serial, d, e))
LOCKED_LAZY(reg_device_seen, (struct reg_store *s, const char *serial,
    const char *fp, const uint8_t *idevid, size_t idevid_len,
    enum reg_state initial, time_t now, struct reg_device *d,
    struct brski_err *e), (s, serial, fp, idevid, idevid_len, initial, now,
    d, e))
LOCKED(reg_device_set_state, (struct reg_store *s, const char *serial,
    enum reg_state state, struct brski_err *e), (s, serial, state, e))
LOCKED(reg_device_voucher, (struct reg_store *s, const char *serial,
    const uint8_t *pvr, size_t pvr_len, const uint8_t *rvr, size_t rvr_len,
    const uint8_t *v, size_t v_len, time_t now, struct brski_err *e),
    (s, serial, pvr, pvr_len, rvr, rvr_len, v, v_len, now, e))
LOCKED(reg_device_artifact, (struct reg_store *s, const char *serial,
    const char *which, uint8_t **out, size_t *len, struct brski_err *e),
    (s, serial, which, out, len, e))
LOCKED(reg_device_list, (struct reg_store *s, reg_device_cb cb, void *arg,
    struct brski_err *e), (s, cb, arg, e))
LOCKED(reg_cert_record, (struct reg_store *s, const struct reg_cert *c,
    struct brski_err *e), (s, c, e))
LOCKED(reg_cert_get, (struct reg_store *s, const char *serial_hex,
    struct reg_cert *c, uint8_t **der, struct brski_err *e),
    (s, serial_hex, c, der, e))
LOCKED(reg_cert_list, (struct reg_store *s, reg_cert_cb cb, void *arg,
    struct brski_err *e), (s, cb, arg, e))
LOCKED(reg_cert_revoke, (struct reg_store *s, const char *serial_hex,
    time_t when, int reason, struct brski_err *e),
    (s, serial_hex, when, reason, e))
LOCKED(reg_crl_next, (struct reg_store *s, long long *number,
    long long *revision, reg_cert_cb cb, void *arg, struct brski_err *e),
    (s, number, revision, cb, arg, e))
LOCKED(reg_crl_revision, (struct reg_store *s, long long *revision,
    struct brski_err *e), (s, revision, e))
LOCKED_LAZY(reg_report_add, (struct reg_store *s, const struct reg_report *r,
    struct brski_err *e), (s, r, e))
LOCKED(reg_store_check, (struct reg_store *s, struct brski_err *e), (s, e))
/* health probe: cheap read in a transaction (db_ping) */
LOCKED(reg_store_ping, (struct reg_store *s, struct brski_err *e), (s, e))
