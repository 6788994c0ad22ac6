/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for the MASA store, run against each engine: SQLite on a
 * real file, and PostgreSQL when MASA_TEST_PG names a database that
 * may be wiped (a libpq conninfo; test/e2e/masa_postgres.sh starts a
 * throwaway server and sets it).  The PostgreSQL group also races two
 * stores (two pools, as two MASA processes would be) for first claims.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#ifdef HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include "testutil.h"
#include "store.h"

/* One engine under test: where its database lives for one test. */
struct engine {
	int	 pg;
	char	*tmp;		/* SQLite: the scratch directory */
	char	*spec;		/* what masa_store_open() is given */
};

#ifdef HAVE_LIBPQ
static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* A clean database for each test: drop what the store created. */
static void
pg_wipe(const char *conninfo, const char *extra_sql)
{
	PGconn		*c = PQconnectdb(conninfo);
	PGresult	*r;

	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("MASA_TEST_PG: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, quiet, NULL);
	r = PQexec(c, extra_sql != NULL ? extra_sql : "DROP TABLE IF EXISTS "
	    "audit, vouchers, devices, masa_schema CASCADE");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("MASA_TEST_PG: %s", PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}
#endif

static int
setup(void **state)
{
	struct engine	*en = *state;
	char		 buf[1024];

	if (en->pg) {
#ifdef HAVE_LIBPQ
		pg_wipe(getenv("MASA_TEST_PG"), NULL);
#endif
		snprintf(buf, sizeof(buf), "pg:%s", getenv("MASA_TEST_PG"));
		en->spec = strdup(buf);
	} else {
		en->tmp = tu_tmpdir();
		en->spec = tu_path(en->tmp, "m.db");
	}
	return 0;
}

static int
teardown(void **state)
{
	struct engine	*en = *state;

	free(en->spec);
	en->spec = NULL;
	if (en->tmp != NULL)
		tu_rmdir(en->tmp);
	en->tmp = NULL;
	return 0;
}

struct seen {
	int	n;
	char	last[MASA_DOMAIN_ID_MAX + 1];
	int	nonceless;
};

static void
on_event(const struct masa_event *ev, void *arg)
{
	struct seen	*s = arg;

	if (s->n++ == 0)
		snprintf(s->last, sizeof(s->last), "%s", ev->domain_id);
	if (ev->nonce == NULL)
		s->nonceless++;
}

static void
on_device(const struct masa_device *d, void *arg)
{
	struct seen	*s = arg;

	s->n++;
	snprintf(s->last, sizeof(s->last), "%s", d->serial);
}

static struct masa_issue
issue(const char *serial, const char *dom, const char *nonce, int first)
{
	static const uint8_t	 v[] = "voucher", r[] = "request";
	struct masa_issue	 is = { 0 };

	is.serial = serial;
	is.domain_id = dom;
	is.issued_at = 1700000000;
	is.nonce = nonce;
	is.assertion = "proximity";
	is.voucher = v;
	is.voucher_len = sizeof(v);
	is.request = r;
	is.request_len = sizeof(r);
	is.first_claim = first;
	return is;
}

static void
test_masa_store_first_claim_then_others_refused(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;
	struct masa_device	 d;
	struct masa_issue	 is;
	const char		*db = ((struct engine *)*state)->spec;
	long			 nv, na;

	assert_rc(masa_store_open(db, &s, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_add(s, "0001", &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_add(s, "0001", &e), BRSKI_EPOLICY, &e);
	is = issue("0001", "domA", "bm9uY2U=", 1);
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_get(s, "0001", &d, &e), BRSKI_OK, &e);
	assert_string_equal(d.owner, "domA");
	assert_int_equal(d.vouchers, 1);
	/* another domain is refused and nothing is written */
	is = issue("0001", "domB", "bm9uY2U=", 1);
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_EPOLICY, &e);
	/* an unknown device is not found */
	is = issue("0002", "domA", NULL, 1);
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_ENOTFOUND, &e);
	assert_rc(s->ops->counts(s, &nv, &na, &e), BRSKI_OK, &e);
	assert_int_equal(nv, 1);
	assert_int_equal(na, 1);
	assert_rc(s->ops->check(s, &e), BRSKI_OK, &e);
	assert_rc(s->ops->ping(s, &e), BRSKI_OK, &e);
	masa_store_close(s);
}

static void
test_masa_store_assigned_only_without_first_claim(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;
	struct masa_issue	 is;
	struct seen		 seen = { 0 };
	const char		*db = ((struct engine *)*state)->spec;

	assert_rc(masa_store_open(db, &s, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_add(s, "0001", &e), BRSKI_OK, &e);
	is = issue("0001", "domA", NULL, 0);
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_EPOLICY, &e);
	assert_rc(s->ops->device_assign(s, "0001", "domA", &e), BRSKI_OK, &e);
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_assign(s, "0001", NULL, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_assign(s, "0001", "domB", &e), BRSKI_OK, &e);
	is = issue("0001", "domB", "bm9uY2U=", 0);
	is.issued_at++;
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_assign(s, "0404", "domB", &e),
	    BRSKI_ENOTFOUND, &e);
	assert_rc(s->ops->events(s, "0001", on_event, &seen, &e), BRSKI_OK,
	    &e);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.last, "domB");	/* newest first */
	assert_int_equal(seen.nonceless, 1);
	masa_store_close(s);
	/* reopening keeps the data and the schema version */
	assert_rc(masa_store_open(db, &s, &e), BRSKI_OK, &e);
	seen.n = 0;
	assert_rc(s->ops->events(s, "0001", on_event, &seen, &e), BRSKI_OK,
	    &e);
	assert_int_equal(seen.n, 2);
	masa_store_close(s);
}

static void
test_masa_store_open_fails_clearly(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;

	(void)state;
	assert_rc(masa_store_open("/nonexistent-dir/x/m.db", &s, &e),
	    BRSKI_EDB, &e);
	assert_null(s);
	assert_non_null(strstr(e.msg, "/nonexistent-dir/x/m.db"));
}

static void
test_masa_store_device_list_and_blobs(void **state)
{
	static const uint8_t	 bin[] = { 0x00, 0xff, 0x5c, 0x27, 0x00 };
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;
	struct masa_issue	 is;
	struct seen		 seen = { 0 };
	const char		*db = ((struct engine *)*state)->spec;

	assert_rc(masa_store_open(db, &s, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_add(s, "b'; DROP TABLE devices; --", &e),
	    BRSKI_OK, &e);
	assert_rc(s->ops->device_add(s, "a", &e), BRSKI_OK, &e);
	/* NUL, quote and backslash bytes survive as blobs */
	is = issue("a", "domA", NULL, 1);
	is.voucher = bin;
	is.voucher_len = sizeof(bin);
	assert_rc(s->ops->issue(s, &is, &e), BRSKI_OK, &e);
	assert_rc(s->ops->device_list(s, on_device, &seen, &e), BRSKI_OK, &e);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.last, "b'; DROP TABLE devices; --");
	assert_rc(s->ops->events(s, "nobody", on_event, &seen, &e), BRSKI_OK,
	    &e);
	assert_int_equal(seen.n, 2);
	assert_rc(s->ops->check(s, &e), BRSKI_OK, &e);
	masa_store_close(s);
}

#ifdef HAVE_LIBPQ
#define RACE_THREADS	8	/* half on each store */
#define RACE_DEVICES	20

struct racer {
	struct masa_store	*s;
	char			 dom[16];
	int			 won[RACE_DEVICES];
	int			 bad;		/* neither OK nor EPOLICY */
	struct brski_err	 e;
};

static void *
race(void *arg)
{
	struct racer		*r = arg;
	struct masa_issue	 is;
	char			 serial[16];
	int			 i, round;
	enum brski_rc		 rc;

	/* twice: the second round finds every device owned */
	for (round = 0; round < 2; round++)
		for (i = 0; i < RACE_DEVICES; i++) {
			snprintf(serial, sizeof(serial), "R%02d", i);
			is = issue(serial, r->dom, "bm9uY2U=", 1);
			rc = r->s->ops->issue(r->s, &is, &r->e);
			if (rc == BRSKI_OK)
				r->won[i]++;
			else if (rc != BRSKI_EPOLICY)
				r->bad++;
		}
	return NULL;
}

/*
 * Two stores on one database race for first claims: every device ends
 * with one owner, only the owner's issues succeeded, and vouchers equal
 * audit events.
 */
static void
test_masa_store_pg_two_stores_race_first_claim(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s[2] = { NULL, NULL };
	struct racer		 r[RACE_THREADS];
	pthread_t		 th[RACE_THREADS];
	struct masa_device	 d;
	char			 serial[16];
	const char		*db = ((struct engine *)*state)->spec;
	long			 nv, na, total = 0;
	int			 i, j, owners;

	assert_rc(masa_store_open(db, &s[0], &e), BRSKI_OK, &e);
	assert_rc(masa_store_open(db, &s[1], &e), BRSKI_OK, &e);
	for (i = 0; i < RACE_DEVICES; i++) {
		snprintf(serial, sizeof(serial), "R%02d", i);
		assert_rc(s[i % 2]->ops->device_add(s[i % 2], serial, &e),
		    BRSKI_OK, &e);
	}
	memset(r, 0, sizeof(r));
	for (j = 0; j < RACE_THREADS; j++) {
		r[j].s = s[j % 2];
		snprintf(r[j].dom, sizeof(r[j].dom), "dom%d", j);
		assert_int_equal(pthread_create(&th[j], NULL, race, &r[j]), 0);
	}
	for (j = 0; j < RACE_THREADS; j++)
		pthread_join(th[j], NULL);
	for (i = 0; i < RACE_DEVICES; i++) {
		snprintf(serial, sizeof(serial), "R%02d", i);
		assert_rc(s[0]->ops->device_get(s[0], serial, &d, &e), BRSKI_OK,
		    &e);
		for (owners = 0, j = 0; j < RACE_THREADS; j++) {
			assert_int_equal(r[j].bad, 0);
			if (r[j].won[i] == 0)
				continue;
			owners++;
			assert_string_equal(d.owner, r[j].dom);
			assert_int_equal(r[j].won[i], 2);	/* both rounds */
			assert_int_equal(d.vouchers, 2);
		}
		assert_int_equal(owners, 1);
		total += d.vouchers;
	}
	assert_rc(s[1]->ops->counts(s[1], &nv, &na, &e), BRSKI_OK, &e);
	assert_int_equal(nv, total);
	assert_int_equal(na, total);
	assert_rc(s[1]->ops->check(s[1], &e), BRSKI_OK, &e);
	masa_store_close(s[0]);
	masa_store_close(s[1]);
}

static void
test_masa_store_pg_refuses_newer_schema(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;
	const char		*db = ((struct engine *)*state)->spec;

	assert_rc(masa_store_open(db, &s, &e), BRSKI_OK, &e);
	masa_store_close(s);
	s = NULL;
	pg_wipe(getenv("MASA_TEST_PG"), "UPDATE masa_schema SET version = 99");
	assert_rc(masa_store_open(db, &s, &e), BRSKI_EDB, &e);
	assert_null(s);
	assert_non_null(strstr(e.msg, "newer than this program"));
}

/* A password in the conninfo would end up in logs and ps: refused,
 * and not repeated in the message. */
static void
test_masa_store_pg_refuses_password(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;

	(void)state;
	assert_rc(masa_store_open("postgresql://u:sekrit@127.0.0.1:1/x", &s,
	    &e), BRSKI_ECONFIG, &e);
	assert_null(s);
	assert_non_null(strstr(e.msg, "passfile"));
	assert_null(strstr(e.msg, "sekrit"));
	assert_rc(masa_store_open("pg:host=127.0.0.1 password=sekrit", &s,
	    &e), BRSKI_ECONFIG, &e);
	assert_null(strstr(e.msg, "sekrit"));
	assert_rc(masa_store_open("pg:host=127.0.0.1 no-such-key=1", &s, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "no-such-key"));
}

static void
test_masa_store_pg_unreachable_fails_clearly(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;

	(void)state;
	/* port 1 on loopback: nothing listens, refused at once */
	assert_rc(masa_store_open("postgres://127.0.0.1:1/x", &s, &e),
	    BRSKI_EDB, &e);
	assert_null(s);
	assert_non_null(strstr(e.msg, "cannot connect to PostgreSQL"));
}
#else
static void
test_masa_store_pg_spec_without_libpq_is_refused(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;

	(void)state;
	assert_rc(masa_store_open("postgresql://localhost/masa", &s, &e),
	    BRSKI_ECONFIG, &e);
	assert_null(s);
	assert_non_null(strstr(e.msg, "built without PostgreSQL"));
}
#endif

int
main(void)
{
	struct engine		 sq = { 0, NULL, NULL }, pg = { 1, NULL, NULL };
	const struct CMUnitTest	 common[] = {
		cmocka_unit_test_prestate_setup_teardown(
		    test_masa_store_first_claim_then_others_refused, setup,
		    teardown, NULL),
		cmocka_unit_test_prestate_setup_teardown(
		    test_masa_store_assigned_only_without_first_claim, setup,
		    teardown, NULL),
		cmocka_unit_test_prestate_setup_teardown(
		    test_masa_store_device_list_and_blobs, setup, teardown,
		    NULL),
	};
	const struct CMUnitTest	 sqlite_only[] = {
		cmocka_unit_test(test_masa_store_open_fails_clearly),
#ifdef HAVE_LIBPQ
		cmocka_unit_test(test_masa_store_pg_refuses_password),
		cmocka_unit_test(test_masa_store_pg_unreachable_fails_clearly),
#else
		cmocka_unit_test(test_masa_store_pg_spec_without_libpq_is_refused),
#endif
	};
#ifdef HAVE_LIBPQ
	const struct CMUnitTest	 pg_only[] = {
		cmocka_unit_test_prestate_setup_teardown(
		    test_masa_store_pg_two_stores_race_first_claim, setup,
		    teardown, &pg),
		cmocka_unit_test_prestate_setup_teardown(
		    test_masa_store_pg_refuses_newer_schema, setup, teardown,
		    &pg),
	};
#endif
	struct CMUnitTest	 t[sizeof(common) / sizeof(common[0])];
	size_t			 i;
	int			 failed;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		t[i] = common[i];
		t[i].initial_state = &sq;
	}
	failed = cmocka_run_group_tests_name("sqlite", t, NULL, NULL);
	failed += cmocka_run_group_tests(sqlite_only, NULL, NULL);
	if (getenv("MASA_TEST_PG") == NULL) {
		printf("PostgreSQL engine not tested here: MASA_TEST_PG is not "
		    "set (test/e2e/masa_postgres.sh sets it)\n");
		return failed;
	}
#ifdef HAVE_LIBPQ
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		t[i].initial_state = &pg;
	failed += cmocka_run_group_tests_name("postgresql", t, NULL, NULL);
	failed += cmocka_run_group_tests(pg_only, NULL, NULL);
#else
	(void)pg;
	printf("MASA_TEST_PG is set, but this build has no PostgreSQL "
	    "engine (configure --with-postgresql)\n");
#endif
	return failed;
}
