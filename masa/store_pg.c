/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PostgreSQL engine of the MASA store (libpq), for several MASA
 * processes sharing one database.  The semantics are store_sqlite.c's:
 * an issued voucher, its audit event and a first claim of ownership are
 * one transaction, so the audit log lists exactly the vouchers handed
 * out.
 *
 * Concurrency: SQLite serialises every writer; PostgreSQL does not, so
 * issue() locks the device's row (SELECT ... FOR UPDATE) before it
 * decides on ownership.  A second claim for the same device, from this
 * process or another, waits for the first transaction and then sees its
 * owner (READ COMMITTED re-reads a locked row once the lock is granted),
 * so a device is never given to two domains.  Vouchers and audit events
 * are plain inserts with generated ids: concurrent ones never conflict.
 * A transaction that still fails with a serialization failure or a
 * deadlock (SQLSTATE 40001, 40P01) is run again, at most PG_TX_TRIES
 * times.
 *
 * Threads: a transaction belongs to a connection, so each operation
 * takes a connection of a small pool (opened on demand, at most
 * PG_POOL_MAX) for its whole transaction.
 *
 * A lost connection (server restarted, network gone): the operation
 * fails with an error that says so, and the next one on that connection
 * reconnects (PQreset) once.  A connection found dead at BEGIN, before
 * anything was sent, is reset and the operation goes on.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>
#include <libpq-fe.h>

#include "store.h"

/* connections per store: the httpd runs 4 workers by default */
#define PG_POOL_MAX		8
#define PG_POOL_WAIT_S		30	/* for a free connection, then EDB */
#define PG_TX_TRIES		3	/* serialization failure, deadlock */
#define PG_CONNECT_TIMEOUT_S	"5"	/* libpq's default is forever */
#define PG_PING_TIMEOUT_MS	"1000"	/* health probes want it quick */
/* pg_advisory_xact_lock key that serialises schema set-up ("brski") */
#define PG_SCHEMA_LOCK		"440562232169"

static const char *const schema[] = {
	/* version 1 */
	"CREATE TABLE devices ("
	"  serial TEXT PRIMARY KEY NOT NULL,"
	"  owner TEXT,"
	"  created_at BIGINT NOT NULL,"
	"  assigned_at BIGINT);"
	"CREATE TABLE vouchers ("
	"  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  serial TEXT NOT NULL REFERENCES devices(serial),"
	"  domain_id TEXT NOT NULL,"
	"  issued_at BIGINT NOT NULL,"
	"  nonce TEXT,"
	"  assertion TEXT NOT NULL,"
	"  expires_at BIGINT,"
	"  voucher BYTEA NOT NULL,"
	"  request BYTEA NOT NULL);"
	"CREATE INDEX vouchers_serial ON vouchers(serial);"
	"CREATE TABLE audit ("
	"  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
	"  serial TEXT NOT NULL REFERENCES devices(serial),"
	"  date BIGINT NOT NULL,"
	"  domain_id TEXT NOT NULL,"
	"  nonce TEXT,"
	"  assertion TEXT NOT NULL,"
	"  voucher_id BIGINT NOT NULL UNIQUE REFERENCES vouchers(id));"
	"CREATE INDEX audit_serial ON audit(serial, date);",
};
#define SCHEMA_VERSION	((int)(sizeof(schema) / sizeof(schema[0])))

#define NOW_SQL	"extract(epoch FROM now())::bigint"

struct slot {
	PGconn	*conn;
	int	 busy;
};

struct pg {
	pthread_mutex_t	 lock;
	pthread_cond_t	 idle;
	char		*conninfo;
	struct slot	 slots[PG_POOL_MAX];
};

/* One operation's transaction on one connection. */
struct tx {
	PGconn	*c;
	char	 sqlstate[6];	/* of the last failed statement, or "" */
};

typedef enum brski_rc (*tx_fn)(struct tx *, void *, struct brski_err *);

/* The first line of libpq's message about the connection. */
static int
conn_msg_len(PGconn *c, const char **msg)
{
	*msg = PQerrorMessage(c);
	return (int)strcspn(*msg, "\n");
}

/* CREATE TABLE IF NOT EXISTS and friends talk to stderr otherwise. */
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * A conninfo with a password shows up in logs, ps and core files; the
 * password belongs in a passfile (passfile=, PGPASSFILE) or PGPASSWORD.
 * The message never repeats the conninfo.
 */
static enum brski_rc
check_conninfo(const char *conninfo, struct brski_err *e)
{
	PQconninfoOption	*opts, *o;
	char			*err = NULL;
	enum brski_rc		 rc = BRSKI_OK;

	if ((opts = PQconninfoParse(conninfo, &err)) == NULL) {
		rc = brski_fail(e, BRSKI_ECONFIG, "database: bad PostgreSQL "
		    "connection string: %.*s", err ? (int)strcspn(err, "\n") :
		    13, err ? err : "out of memory");
		PQfreemem(err);
		return rc;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    o->val[0] != '\0')
			rc = brski_fail(e, BRSKI_ECONFIG, "database: the "
			    "PostgreSQL connection string carries a password; "
			    "remove it and use a passfile (passfile=FILE, or "
			    "PGPASSFILE) or PGPASSWORD");
	PQconninfoFree(opts);
	return rc;
}

static enum brski_rc
connect_db(const char *conninfo, PGconn **out, struct brski_err *e)
{
	/* later keywords win: the conninfo may override the first two */
	static const char *const keys[] = { "connect_timeout",
	    "application_name", "dbname", NULL };
	const char	*vals[] = { PG_CONNECT_TIMEOUT_S, "brski-masa", conninfo,
	    NULL };
	const char	*msg;
	PGconn		*c;
	enum brski_rc	 rc;
	int		 len;

	*out = NULL;
	if ((c = PQconnectdbParams(keys, vals, 1)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "database: out of memory");
	if (PQstatus(c) != CONNECTION_OK) {
		len = conn_msg_len(c, &msg);
		rc = brski_fail(e, BRSKI_EDB, "database: cannot connect to "
		    "PostgreSQL: %.*s", len, msg);
		PQfinish(c);
		return rc;
	}
	PQsetNoticeProcessor(c, quiet, NULL);
	*out = c;
	return BRSKI_OK;
}

/*
 * Map a failed result to our codes; keep the server's message first
 * (brski_err holds 256 bytes) and name the statement by its start.
 */
static enum brski_rc
result_fail(struct tx *t, PGresult *r, const char *sql, struct brski_err *e)
{
	const char	*st = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char	*m = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) :
	    NULL;
	enum brski_rc	 rc = BRSKI_EDB;
	int		 len;

	snprintf(t->sqlstate, sizeof(t->sqlstate), "%s", st ? st : "");
	if (PQstatus(t->c) != CONNECTION_OK) {
		len = conn_msg_len(t->c, &m);
		return brski_fail(e, BRSKI_EDB, "database: connection to "
		    "PostgreSQL lost: %.*s (in: %.24s...)", len, m, sql);
	}
	if (m == NULL)
		len = conn_msg_len(t->c, &m);
	else
		len = (int)strlen(m);
	if (st != NULL && strcmp(st, "23505") == 0)
		rc = BRSKI_EPOLICY;		/* unique_violation */
	else if (st != NULL && strncmp(st, "22", 2) == 0)
		rc = BRSKI_EPARSE;		/* data exception: bad input */
	return brski_fail(e, rc, "database: %.*s (SQLSTATE %s, in: %.24s...)",
	    len, m, st ? st : "none", sql);
}

/*
 * Run sql with n parameters: text (NULL: SQL NULL), or binary where
 * fmts[i] is 1 (bytea; lens[i] bytes).  lens and fmts are NULL when all
 * are text.  *out (may be NULL) gets the result of a query; the caller
 * PQclear()s it.
 */
static enum brski_rc
run(struct tx *t, const char *sql, int n, const char *const *vals,
    const int *lens, const int *fmts, PGresult **out, struct brski_err *e)
{
	PGresult	*r;
	ExecStatusType	 st;
	enum brski_rc	 rc;

	if (out != NULL)
		*out = NULL;
	r = PQexecParams(t->c, sql, n, NULL, vals, lens, fmts, 0);
	st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = result_fail(t, r, sql, e);
		PQclear(r);
		return rc;
	}
	t->sqlstate[0] = '\0';
	if (out != NULL)
		*out = r;
	else
		PQclear(r);
	return BRSKI_OK;
}

static enum brski_rc
exec0(struct tx *t, const char *sql, struct brski_err *e)
{
	return run(t, sql, 0, NULL, NULL, NULL, NULL, e);
}

static long long
num(const PGresult *r, int row, int col)
{
	const char	*v = PQgetvalue(r, row, col);

	/* our own BIGINT columns: no range check beyond strtoll's */
	return PQgetisnull(r, row, col) ? 0 : strtoll(v, NULL, 10);
}

/* --------------------------------------------------------------- pool */

/* Take a connection slot (an idle open one first), waiting up to
 * PG_POOL_WAIT_S when all are busy. */
static enum brski_rc
acquire(struct pg *p, struct slot **out, struct brski_err *e)
{
	struct timespec	 until;
	int		 i, pick;

	*out = NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += PG_POOL_WAIT_S;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		pick = -1;
		for (i = 0; i < PG_POOL_MAX; i++) {
			if (p->slots[i].busy)
				continue;
			if (p->slots[i].conn != NULL) {
				pick = i;
				break;
			}
			if (pick < 0)
				pick = i;
		}
		if (pick >= 0)
			break;
		if (pthread_cond_timedwait(&p->idle, &p->lock, &until) ==
		    ETIMEDOUT) {
			pthread_mutex_unlock(&p->lock);
			return brski_fail(e, BRSKI_EDB, "database: all %d "
			    "PostgreSQL connections busy for %d s",
			    PG_POOL_MAX, PG_POOL_WAIT_S);
		}
	}
	p->slots[pick].busy = 1;
	pthread_mutex_unlock(&p->lock);
	*out = &p->slots[pick];
	return BRSKI_OK;
}

static void
release(struct pg *p, struct slot *sl)
{
	pthread_mutex_lock(&p->lock);
	sl->busy = 0;
	pthread_cond_signal(&p->idle);
	pthread_mutex_unlock(&p->lock);
}

/* Make sl's connection usable: open it, or reset a broken one once. */
static enum brski_rc
ready(struct pg *p, struct slot *sl, int *reset, struct brski_err *e)
{
	const char	*m;
	int		 len;

	if (sl->conn == NULL)
		return connect_db(p->conninfo, &sl->conn, e);
	if (PQstatus(sl->conn) == CONNECTION_OK)
		return BRSKI_OK;
	*reset = 1;
	PQreset(sl->conn);
	if (PQstatus(sl->conn) != CONNECTION_OK) {
		len = conn_msg_len(sl->conn, &m);
		return brski_fail(e, BRSKI_EDB, "database: connection to "
		    "PostgreSQL lost, reconnecting failed: %.*s", len, m);
	}
	PQsetNoticeProcessor(sl->conn, quiet, NULL);
	return BRSKI_OK;
}

static int
retryable(const struct tx *t)
{
	/* serialization_failure, deadlock_detected */
	return strcmp(t->sqlstate, "40001") == 0 ||
	    strcmp(t->sqlstate, "40P01") == 0;
}

/*
 * Run fn on a pooled connection: in a transaction opened with begin
 * (BEGIN, COMMIT; ROLLBACK on any failure; again on a serialization
 * failure or deadlock), or with begin NULL as single autocommitted
 * reads.  A connection found dead before anything was written (at
 * BEGIN, or in a read) is reset once and the work goes on.  fn may run
 * more than once: it must not call out.  *down (may be NULL) says the
 * failure was the connection.
 */
static enum brski_rc
in_tx_down(struct masa_store *s, const char *begin, tx_fn fn, void *arg,
    int *down, struct brski_err *e)
{
	struct pg	*p = s->impl;
	struct slot	*sl = NULL;
	struct tx	 t;
	int		 reset = 0, lost = 0, try;
	enum brski_rc	 rc;

	if ((rc = acquire(p, &sl, e)) != BRSKI_OK)
		goto out;
	for (try = 1; try <= PG_TX_TRIES; try++) {
		if ((rc = ready(p, sl, &reset, e)) != BRSKI_OK) {
			lost = 1;
			break;
		}
		memset(&t, 0, sizeof(t));
		t.c = sl->conn;
		if (begin != NULL && (rc = exec0(&t, begin, e)) != BRSKI_OK) {
			/* stale after a server restart: reset and go on */
			if ((lost = PQstatus(t.c) != CONNECTION_OK) && !reset)
				continue;
			break;
		}
		if ((rc = fn(&t, arg, e)) == BRSKI_OK && begin != NULL)
			rc = exec0(&t, "COMMIT", e);
		if (rc == BRSKI_OK)
			break;
		if ((lost = PQstatus(t.c) != CONNECTION_OK)) {
			if (begin == NULL && !reset)
				continue;	/* a read: safe again */
			break;
		}
		if (PQtransactionStatus(t.c) != PQTRANS_IDLE)
			PQclear(PQexec(t.c, "ROLLBACK"));
		if (!retryable(&t))
			break;
	}
	release(p, sl);
out:
	if (down != NULL)
		*down = lost;
	return rc;
}

static enum brski_rc
in_tx(struct masa_store *s, const char *begin, tx_fn fn, void *arg,
    struct brski_err *e)
{
	return in_tx_down(s, begin, fn, arg, NULL, e);
}

/* ---------------------------------------------------------- operations */

static enum brski_rc
add_fn(struct tx *t, void *arg, struct brski_err *e)
{
	const char	*v[] = { arg };

	return run(t, "INSERT INTO devices(serial, created_at) VALUES ($1, "
	    NOW_SQL ")", 1, v, NULL, NULL, NULL, e);
}

static enum brski_rc
pg_device_add(struct masa_store *s, const char *serial, struct brski_err *e)
{
	enum brski_rc	rc;

	rc = in_tx(s, "BEGIN", add_fn, (void *)serial, e);
	if (rc == BRSKI_EPOLICY)
		return brski_fail(e, BRSKI_EPOLICY, "device %s is already known",
		    serial);
	return rc;
}

struct get_arg {
	const char		*serial;
	struct masa_device	*d;
};

static void
row_device(const PGresult *r, int i, struct masa_device *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->serial, sizeof(d->serial), "%s", PQgetvalue(r, i, 0));
	snprintf(d->owner, sizeof(d->owner), "%s", PQgetvalue(r, i, 1));
	d->created_at = (time_t)num(r, i, 2);
	d->assigned_at = (time_t)num(r, i, 3);
	d->vouchers = (long)num(r, i, 4);
}

#define DEVICE_COLUMNS "serial, owner, created_at, assigned_at, " \
	"(SELECT count(*) FROM vouchers v WHERE v.serial = d.serial)"

static enum brski_rc
get_fn(struct tx *t, void *arg, struct brski_err *e)
{
	struct get_arg	*g = arg;
	const char	*v[] = { g->serial };
	PGresult	*r = NULL;
	enum brski_rc	 rc;

	if ((rc = run(t, "SELECT " DEVICE_COLUMNS " FROM devices d "
	    "WHERE serial = $1", 1, v, NULL, NULL, &r, e)) != BRSKI_OK)
		return rc;
	if (PQntuples(r) == 1)
		row_device(r, 0, g->d);
	else
		rc = brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known to "
		    "this MASA", g->serial);
	PQclear(r);
	return rc;
}

static enum brski_rc
pg_device_get(struct masa_store *s, const char *serial, struct masa_device *d,
    struct brski_err *e)
{
	struct get_arg	g = { serial, d };

	return in_tx(s, NULL, get_fn, &g, e);
}

struct assign_arg {
	const char	*serial;
	const char	*domain_id;	/* NULL: release */
};

/* Assign (domain_id) or release (NULL) a device. */
static enum brski_rc
assign_fn(struct tx *t, void *arg, struct brski_err *e)
{
	struct assign_arg	*a = arg;
	const char		*v[] = { a->domain_id, a->serial };
	PGresult		*r = NULL;
	enum brski_rc		 rc;

	if ((rc = run(t, "UPDATE devices SET owner = $1::text, assigned_at = "
	    "CASE WHEN $1::text IS NULL THEN NULL ELSE " NOW_SQL " END "
	    "WHERE serial = $2", 2, v, NULL, NULL, &r, e)) != BRSKI_OK)
		return rc;
	if (strcmp(PQcmdTuples(r), "0") == 0)
		rc = brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known to "
		    "this MASA", a->serial);
	PQclear(r);
	return rc;
}

static enum brski_rc
pg_device_assign(struct masa_store *s, const char *serial,
    const char *domain_id, struct brski_err *e)
{
	struct assign_arg	a = { serial, domain_id };

	return in_tx(s, "BEGIN", assign_fn, &a, e);
}

/* Queries whose rows go to a callback after the transaction ended. */
struct rows_arg {
	const char	*sql;
	const char	*param;		/* $1, or NULL for none */
	PGresult	*r;
};

static enum brski_rc
rows_fn(struct tx *t, void *arg, struct brski_err *e)
{
	struct rows_arg	*a = arg;
	const char	*v[] = { a->param };

	PQclear(a->r);
	a->r = NULL;
	return run(t, a->sql, a->param ? 1 : 0, v, NULL, NULL, &a->r, e);
}

static enum brski_rc
pg_device_list(struct masa_store *s, masa_device_cb cb, void *arg,
    struct brski_err *e)
{
	struct rows_arg		a = { "SELECT " DEVICE_COLUMNS
	    " FROM devices d ORDER BY serial", NULL, NULL };
	struct masa_device	d;
	enum brski_rc		rc;
	int			i;

	if ((rc = in_tx(s, NULL, rows_fn, &a, e)) == BRSKI_OK)
		for (i = 0; i < PQntuples(a.r); i++) {
			row_device(a.r, i, &d);
			cb(&d, arg);
		}
	PQclear(a.r);
	return rc;
}

/*
 * Inside the transaction: may is->domain_id have a voucher for the
 * device?  FOR UPDATE holds the row until COMMIT, so concurrent claims
 * (any process) are decided one after the other.
 */
static enum brski_rc
claim(struct tx *t, const struct masa_issue *is, struct brski_err *e)
{
	const char	*v[] = { is->serial, is->domain_id };
	PGresult	*r = NULL;
	enum brski_rc	 rc;

	if ((rc = run(t, "SELECT owner FROM devices WHERE serial = $1 "
	    "FOR UPDATE", 1, v, NULL, NULL, &r, e)) != BRSKI_OK)
		return rc;
	if (PQntuples(r) != 1)
		rc = brski_fail(e, BRSKI_ENOTFOUND, "device %s is not known to "
		    "this MASA", is->serial);
	else if (!PQgetisnull(r, 0, 0)) {
		if (strcmp(PQgetvalue(r, 0, 0), is->domain_id) != 0)
			rc = brski_fail(e, BRSKI_EPOLICY, "device %s belongs to "
			    "another domain", is->serial);
	} else if (!is->first_claim)
		rc = brski_fail(e, BRSKI_EPOLICY, "device %s is not assigned "
		    "to any domain", is->serial);
	else	/* first claim wins (RFC 8995 leaves ownership to policy) */
		rc = run(t, "UPDATE devices SET owner = $2, assigned_at = "
		    NOW_SQL " WHERE serial = $1", 2, v, NULL, NULL, NULL, e);
	PQclear(r);
	return rc;
}

static enum brski_rc
issue_fn(struct tx *t, void *arg, struct brski_err *e)
{
	const struct masa_issue	*is = arg;
	static const int	 fmt[8] = { 0, 0, 0, 0, 0, 0, 1, 1 };
	char			 at[24], until[24];
	const char		*v[8];
	int			 len[8] = { 0 };
	enum brski_rc		 rc;

	if ((rc = claim(t, is, e)) != BRSKI_OK)
		return rc;
	snprintf(at, sizeof(at), "%" PRId64, (int64_t)is->issued_at);
	snprintf(until, sizeof(until), "%" PRId64, (int64_t)is->expires_at);
	v[0] = is->serial;
	v[1] = is->domain_id;
	v[2] = at;
	v[3] = is->nonce;
	v[4] = is->assertion;
	v[5] = is->expires_at != 0 ? until : NULL;
	v[6] = (const char *)is->voucher;
	v[7] = (const char *)is->request;
	len[6] = (int)is->voucher_len;
	len[7] = (int)is->request_len;
	/* the voucher and its audit event in one statement */
	return run(t, "WITH v AS (INSERT INTO vouchers(serial, domain_id, "
	    "issued_at, nonce, assertion, expires_at, voucher, request) "
	    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id) "
	    "INSERT INTO audit(serial, date, domain_id, nonce, assertion, "
	    "voucher_id) SELECT $1, $3, $2, $4, $5, id FROM v", 8, v, len,
	    fmt, NULL, e);
}

/*
 * Record an issued voucher: ownership check (and first claim), the
 * voucher and its audit event, in one transaction.  BRSKI_ENOTFOUND for
 * an unknown device, BRSKI_EPOLICY when another domain owns it; nothing
 * is written then.
 */
static enum brski_rc
pg_issue(struct masa_store *s, const struct masa_issue *is,
    struct brski_err *e)
{
	/* libpq takes parameter lengths as int */
	if (is->voucher_len > INT32_MAX || is->request_len > INT32_MAX)
		return brski_fail(e, BRSKI_EINVAL, "issue: voucher or request "
		    "over 2 GB");
	return in_tx(s, "BEGIN", issue_fn, (void *)is, e);
}

static enum brski_rc
pg_events(struct masa_store *s, const char *serial, masa_event_cb cb,
    void *arg, struct brski_err *e)
{
	struct rows_arg		a = { "SELECT date, domain_id, nonce, "
	    "assertion FROM audit WHERE serial = $1 "
	    "ORDER BY date DESC, id DESC", serial, NULL };
	struct masa_event	ev;
	enum brski_rc		rc;
	int			i;

	if ((rc = in_tx(s, NULL, rows_fn, &a, e)) == BRSKI_OK)
		for (i = 0; i < PQntuples(a.r); i++) {
			memset(&ev, 0, sizeof(ev));
			ev.date = (time_t)num(a.r, i, 0);
			snprintf(ev.domain_id, sizeof(ev.domain_id), "%s",
			    PQgetvalue(a.r, i, 1));
			ev.nonce = PQgetisnull(a.r, i, 2) ? NULL :
			    PQgetvalue(a.r, i, 2);
			ev.assertion = PQgetvalue(a.r, i, 3);
			cb(&ev, arg);
		}
	PQclear(a.r);
	return rc;
}

/* Number of vouchers and of audit events (tests: they must be equal). */
static enum brski_rc
pg_counts(struct masa_store *s, long *vouchers, long *events,
    struct brski_err *e)
{
	struct rows_arg	a = { "SELECT (SELECT count(*) FROM vouchers), "
	    "(SELECT count(*) FROM audit)", NULL, NULL };
	enum brski_rc	rc;

	if ((rc = in_tx(s, NULL, rows_fn, &a, e)) == BRSKI_OK) {
		*vouchers = (long)num(a.r, 0, 0);
		*events = (long)num(a.r, 0, 1);
	}
	PQclear(a.r);
	return rc;
}

static enum brski_rc
check_fn(struct tx *t, void *arg, struct brski_err *e)
{
	PGresult	*r = NULL;
	enum brski_rc	 rc;
	long long	 ver, lone;

	(void)arg;
	if ((rc = run(t, "SELECT (SELECT max(version) FROM masa_schema), "
	    "(SELECT count(*) FROM vouchers v WHERE NOT EXISTS "
	    "(SELECT 1 FROM audit a WHERE a.voucher_id = v.id))", 0, NULL,
	    NULL, NULL, &r, e)) != BRSKI_OK)
		return rc;
	ver = num(r, 0, 0);
	lone = num(r, 0, 1);
	PQclear(r);
	if (ver != SCHEMA_VERSION)
		return brski_fail(e, BRSKI_EDB, "database integrity: schema "
		    "version %lld, expected %d", ver, SCHEMA_VERSION);
	if (lone != 0)
		return brski_fail(e, BRSKI_EDB, "database integrity: %lld "
		    "voucher(s) without an audit event", lone);
	return BRSKI_OK;
}

/* The schema version is ours, and every voucher has its audit event
 * (PostgreSQL checks its own pages; there is no integrity_check). */
static enum brski_rc
pg_check(struct masa_store *s, struct brski_err *e)
{
	return in_tx(s, "BEGIN READ ONLY", check_fn, NULL, e);
}

static enum brski_rc
ping_fn(struct tx *t, void *arg, struct brski_err *e)
{
	enum brski_rc	rc;

	(void)arg;
	if ((rc = exec0(t, "SET LOCAL statement_timeout = "
	    PG_PING_TIMEOUT_MS, e)) != BRSKI_OK)
		return rc;
	return exec0(t, "SELECT count(*) FROM masa_schema", e);
}

/*
 * Health probe: a read in a transaction, bounded by
 * PG_PING_TIMEOUT_MS.  /healthz shows the message to anyone who asks,
 * so it names no host or port: requests log libpq's details.
 */
static enum brski_rc
pg_ping(struct masa_store *s, struct brski_err *e)
{
	struct brski_err	detail = { 0 };
	const char		*st;
	int			 down = 0;

	if (in_tx_down(s, "BEGIN READ ONLY", ping_fn, NULL, &down, &detail) ==
	    BRSKI_OK)
		return BRSKI_OK;
	if (down)
		return brski_fail(e, BRSKI_EDB, "PostgreSQL connection lost "
		    "and reconnecting failed (the log of a request has the "
		    "details)");
	if ((st = strstr(detail.msg, "(SQLSTATE ")) != NULL)
		return brski_fail(e, BRSKI_EDB, "PostgreSQL read failed %.16s",
		    st);
	return brski_fail(e, BRSKI_EDB, "PostgreSQL read failed");
}

static void
pg_close(struct masa_store *s)
{
	struct pg	*p = s->impl;
	int		 i;

	for (i = 0; i < PG_POOL_MAX; i++)
		PQfinish(p->slots[i].conn);
	pthread_cond_destroy(&p->idle);
	pthread_mutex_destroy(&p->lock);
	free(p->conninfo);
	free(p);
	free(s);
}

static const struct masa_store_ops pg_ops = {
	pg_device_add, pg_device_get, pg_device_assign, pg_device_list,
	pg_issue, pg_events, pg_counts, pg_check, pg_close, pg_ping,
};

/* ---------------------------------------------------------- schema */

/*
 * Bring the schema up to SCHEMA_VERSION in one transaction.  The
 * advisory lock makes MASAs that start together take turns: the first
 * creates the tables, the others find them.
 */
static enum brski_rc
migrate_fn(struct tx *t, void *arg, struct brski_err *e)
{
	PGresult	*r = NULL;
	enum brski_rc	 rc;
	char		 ver[16];
	const char	*v[] = { ver };
	int		 have, i;

	(void)arg;
	if ((rc = exec0(t, "SELECT pg_advisory_xact_lock(" PG_SCHEMA_LOCK ")",
	    e)) != BRSKI_OK ||
	    (rc = exec0(t, "CREATE TABLE IF NOT EXISTS masa_schema "
	    "(version INTEGER NOT NULL)", e)) != BRSKI_OK ||
	    (rc = run(t, "SELECT coalesce(max(version), 0) FROM masa_schema",
	    0, NULL, NULL, NULL, &r, e)) != BRSKI_OK)
		return rc;
	have = (int)num(r, 0, 0);
	PQclear(r);
	if (have > SCHEMA_VERSION)
		return brski_fail(e, BRSKI_EDB, "database: schema version %d is "
		    "newer than this program (%d); upgrade the program", have,
		    SCHEMA_VERSION);
	if (have == SCHEMA_VERSION)
		return BRSKI_OK;
	for (i = have; i < SCHEMA_VERSION; i++) {
		/* constant DDL, several statements: PQexec, not Params */
		r = PQexec(t->c, schema[i]);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = result_fail(t, r, "schema", e);
			PQclear(r);
			return brski_prefix(e, "schema %d: ", i + 1);
		}
		PQclear(r);
	}
	snprintf(ver, sizeof(ver), "%d", SCHEMA_VERSION);
	if ((rc = exec0(t, "DELETE FROM masa_schema", e)) != BRSKI_OK)
		return rc;
	return run(t, "INSERT INTO masa_schema(version) VALUES ($1)", 1, v,
	    NULL, NULL, NULL, e);
}

/*
 * Open the PostgreSQL store: conninfo is a libpq connection string or
 * URI without a password.  One connection is made now (so a bad
 * setting fails at start-up) and the schema created or brought up to
 * date; more are made as concurrent requests need them.
 */
enum brski_rc
masa_store_open_pg(const char *conninfo, struct masa_store **out,
    struct brski_err *e)
{
	struct masa_store	*s = NULL;
	struct pg		*p = NULL;
	enum brski_rc		 rc;

	*out = NULL;
	if ((rc = check_conninfo(conninfo, e)) != BRSKI_OK)
		return rc;
	if ((s = calloc(1, sizeof(*s))) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL ||
	    (p->conninfo = strdup(conninfo)) == NULL) {
		free(p);
		free(s);
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->idle, NULL);
	s->ops = &pg_ops;
	s->impl = p;
	if ((rc = in_tx(s, "BEGIN", migrate_fn, NULL, e)) != BRSKI_OK) {
		pg_close(s);
		return rc;
	}
	*out = s;
	return BRSKI_OK;
}
