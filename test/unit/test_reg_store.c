/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for registrar/store_sqlite.c and registrar/ca.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "testutil.h"
#include "ca.h"
#include "db.h"
#include "store.h"

#define NOW 1800000000

struct tally {
	int	n;
	char	serials[8][65];
};

static void
on_cert(const struct reg_cert *c, void *arg)
{
	struct tally	*t = arg;

	if (t->n < 8)
		snprintf(t->serials[t->n], 65, "%s", c->serial_hex);
	t->n++;
}

struct revoked {
	int	n;
	char	serials[8][65];
	int	reason;
	time_t	at;
};

static void
on_revoked(const struct reg_cert *c, void *arg)
{
	struct revoked	*t = arg;

	if (t->n < 8)
		snprintf(t->serials[t->n], 65, "%s", c->serial_hex);
	t->reason = c->reason;
	t->at = c->revoked_at;
	t->n++;
}

static void
make_ca(struct reg_ca *ca, struct reg_store *s)
{
	struct brski_err	 e = { 0 };
	struct x509_template	 t = { .cn = "Test Domain CA", .path_len = -1,
	    .is_ca = 1, .key_usage = X509_KU_KEY_CERT_SIGN };
	uint8_t			*spki = NULL, *der = NULL;
	size_t			 slen, dlen;

	memset(ca, 0, sizeof(*ca));
	t.not_before = NOW - 86400;
	t.not_after = NOW + 30 * 86400;
	assert_rc(key_generate(KEY_EC_P256, &ca->key, &e), BRSKI_OK, &e);
	assert_rc(key_spki(ca->key, &spki, &slen, &e), BRSKI_OK, &e);
	assert_rc(x509_issue(&t, spki, slen, NULL, ca->key, &der, &dlen, &e),
	    BRSKI_OK, &e);
	assert_rc(x509_parse(der, dlen, &ca->cert, &e), BRSKI_OK, &e);
	ca->days = 365;
	ca->store = s;
	free(spki);
	free(der);
}

static void
test_reg_ca_records_every_certificate(void **state)
{
	struct brski_err	 e = { 0 };
	struct reg_store	*s = NULL;
	struct reg_ca		 ca;
	struct brski_key	*k = NULL;
	struct ca_subject	 subj = { "pledge", "0001", "example.net" };
	struct x509_cert	*c = NULL;
	struct x509_list	 anchors = { 0 };
	struct reg_cert		 rec;
	struct tally		 t = { 0 };
	struct revoked		 rt;
	long long		 rev0, rev1, n1, n2;
	uint8_t			*spki = NULL, *der1 = NULL, *der2 = NULL, *back;
	size_t			 slen, l1, l2;
	char			*tmp = tu_tmpdir(), *db = tu_path(tmp, "r.db");

	(void)state;
	assert_rc(reg_store_open(db, &s, &e), BRSKI_OK, &e);
	make_ca(&ca, s);
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_spki(k, &spki, &slen, &e), BRSKI_OK, &e);
	assert_rc(ca_issue(&ca, spki, slen, &subj, "0001", NOW, &der1, &l1, &e),
	    BRSKI_OK, &e);
	assert_rc(ca_issue(&ca, spki, slen, &subj, "0001", NOW, &der2, &l2, &e),
	    BRSKI_OK, &e);
	free(der2);
	/* the LDevID chains to the CA, has the policy subject and is capped */
	assert_rc(x509_parse(der1, l1, &c, &e), BRSKI_OK, &e);
	assert_string_equal(c->serial_number, "0001");
	assert_string_equal(c->cn, "pledge");
	assert_true(c->not_after <= ca.cert->not_after);
	assert_true(c->eku & X509_EKU_CLIENT_AUTH);
	assert_rc(x509_list_add_der(&anchors, ca.cert->der, ca.cert->der_len,
	    &e), BRSKI_OK, &e);
	assert_rc(x509_verify(c, NULL, &anchors, NOW, NULL, &e), BRSKI_OK, &e);
	assert_rc(reg_cert_list(s, on_cert, &t, &e), BRSKI_OK, &e);
	assert_int_equal(t.n, 2);
	assert_string_not_equal(t.serials[0], t.serials[1]);
	assert_rc(reg_cert_get(s, t.serials[0], &rec, &back, &e), BRSKI_OK,
	    &e);
	assert_string_equal(rec.device, "0001");
	free(back);
	/* a serial already on record is refused by the store */
	memset(&rec, 0, sizeof(rec));
	snprintf(rec.serial_hex, sizeof(rec.serial_hex), "%s", t.serials[0]);
	snprintf(rec.subject, sizeof(rec.subject), "x");
	rec.der = der1;
	rec.der_len = l1;
	assert_rc(reg_cert_record(s, &rec, &e), BRSKI_EPOLICY, &e);
	assert_rc(reg_crl_revision(s, &rev0, &e), BRSKI_OK, &e);
	assert_rc(reg_cert_revoke(s, t.serials[1], NOW, 1, &e), BRSKI_OK, &e);
	/* twice: refused, and the first revocation stays as it was */
	assert_rc(reg_cert_revoke(s, t.serials[1], NOW + 5, 4, &e),
	    BRSKI_EPOLICY, &e);
	assert_non_null(strstr(e.msg, "revoked before"));
	assert_rc(reg_cert_revoke(s, "00C0FFEE", NOW, 1, &e), BRSKI_ENOTFOUND,
	    &e);
	assert_rc(reg_crl_revision(s, &rev1, &e), BRSKI_OK, &e);
	assert_int_equal(rev1, rev0 + 1);
	memset(&rt, 0, sizeof(rt));
	assert_rc(reg_crl_next(s, &n1, &rev1, on_revoked, &rt, &e), BRSKI_OK,
	    &e);
	assert_int_equal(rt.n, 1);
	assert_string_equal(rt.serials[0], t.serials[1]);
	assert_int_equal(rt.reason, 1);
	assert_int_equal(rt.at, NOW);
	assert_rc(reg_crl_next(s, &n2, &rev1, on_revoked, &rt, &e), BRSKI_OK,
	    &e);
	assert_true(n2 == n1 + 1);
	assert_rc(reg_store_check(s, &e), BRSKI_OK, &e);
	/* an expired CA issues nothing */
	assert_rc(ca_issue(&ca, spki, slen, &subj, "0001", NOW + 31 * 86400,
	    &der2, &l2, &e), BRSKI_EPOLICY, &e);
	x509_list_free(&anchors);
	x509_free(c);
	x509_free(ca.cert);
	key_free(ca.key);
	key_free(k);
	free(spki);
	free(der1);
	reg_store_close(s);
	free(db);
	tu_rmdir(tmp);
}

static void
test_reg_devices_state_and_artifacts(void **state)
{
	struct brski_err	 e = { 0 };
	struct reg_store	*s = NULL;
	struct reg_device	 d;
	struct reg_report	 r = { "0001", "voucher", 1, NULL, NULL, 1,
	    "127.0.0.1", NOW };
	uint8_t			*a = NULL;
	size_t			 alen;
	char			*tmp = tu_tmpdir(), *db = tu_path(tmp, "r.db");

	(void)state;
	assert_rc(reg_store_open(db, &s, &e), BRSKI_OK, &e);
	assert_rc(reg_device_seen(s, "0001", "ab", (const uint8_t *)"i", 1,
	    REG_PENDING, NOW, &d, &e), BRSKI_OK, &e);
	assert_int_equal(d.state, REG_PENDING);
	assert_int_equal(d.voucher_status, -1);
	/* seen again with another initial state: the state stays */
	assert_rc(reg_device_seen(s, "0001", "ab", (const uint8_t *)"i", 1,
	    REG_APPROVED, NOW + 5, &d, &e), BRSKI_OK, &e);
	assert_int_equal(d.state, REG_PENDING);
	assert_int_equal(d.last_seen, NOW + 5);
	assert_rc(reg_device_set_state(s, "0001", REG_APPROVED, &e), BRSKI_OK,
	    &e);
	assert_rc(reg_device_set_state(s, "0404", REG_APPROVED, &e),
	    BRSKI_ENOTFOUND, &e);
	assert_rc(reg_device_artifact(s, "0001", "voucher", &a, &alen, &e),
	    BRSKI_ENOTFOUND, &e);
	assert_rc(reg_device_voucher(s, "0001", (const uint8_t *)"P", 1,
	    (const uint8_t *)"R", 1, (const uint8_t *)"V", 1, NOW, &e),
	    BRSKI_OK, &e);
	assert_rc(reg_device_artifact(s, "0001", "rvr", &a, &alen, &e),
	    BRSKI_OK, &e);
	assert_int_equal(alen, 1);
	assert_int_equal(a[0], 'R');
	free(a);
	assert_rc(reg_device_artifact(s, "0001", "x; DROP", &a, &alen, &e),
	    BRSKI_EINVAL, &e);
	assert_rc(reg_report_add(s, &r, &e), BRSKI_OK, &e);
	assert_rc(reg_device_get(s, "0001", &d, &e), BRSKI_OK, &e);
	assert_int_equal(d.voucher_ok, 1);
	assert_int_equal(d.voucher_status, 1);
	assert_int_equal(d.enroll_status, -1);
	reg_store_close(s);
	free(db);
	tu_rmdir(tmp);
}

/*
 * A VFS that counts xSync on every file and otherwise is the default
 * one: which store operations wait for the disk.
 */
static sqlite3_vfs		 counting_vfs, *base_vfs;
static struct {					/* the VFS's method tables */
	const struct sqlite3_io_methods	*base;
	struct sqlite3_io_methods	 counting;
} io[4];
static int			 syncs;

static int
counting_sync(sqlite3_file *f, int flags)
{
	size_t	i;

	syncs++;
	for (i = 0; i < sizeof(io) / sizeof(io[0]); i++)
		if (f->pMethods == &io[i].counting)
			return io[i].base->xSync(f, flags);
	return SQLITE_IOERR;
}

/* Each file opened gets a copy of its method table with xSync counted
 * (the main database, its WAL and journals use different tables). */
static int
counting_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
    int *out)
{
	size_t	i;
	int	rc;

	(void)v;
	if ((rc = base_vfs->xOpen(base_vfs, name, f, flags, out)) != SQLITE_OK ||
	    f->pMethods == NULL)
		return rc;
	for (i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
		if (io[i].base == NULL) {
			io[i].base = f->pMethods;
			io[i].counting = *f->pMethods;
			io[i].counting.xSync = counting_sync;
		}
		if (io[i].base == f->pMethods) {
			f->pMethods = &io[i].counting;
			return rc;
		}
	}
	fail_msg("more than 4 SQLite method tables");
	return SQLITE_IOERR;
}

/*
 * A device seen and a status report commit without a sync (LOCKED_LAZY
 * in store_sqlite.c); a voucher and a certificate still sync, also
 * right after a lazy one (the setting is put back).
 */
static void
test_reg_store_syncs_only_what_must_be_durable(void **state)
{
	struct brski_err	 e = { 0 };
	struct reg_store	*s = NULL;
	struct reg_device	 d;
	struct reg_report	 r = { "0001", "voucher", 1, NULL, NULL, 1,
	    "127.0.0.1", NOW };
	struct reg_cert		 c = { .serial_hex = "0a0b", .device = "0001",
	    .subject = "CN=x", .not_before = NOW, .not_after = NOW + 60,
	    .issued_at = NOW, .der = (const uint8_t *)"D", .der_len = 1 };
	char			*tmp = tu_tmpdir(), *db = tu_path(tmp, "r.db");

	(void)state;
	base_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(base_vfs);
	counting_vfs = *base_vfs;
	counting_vfs.zName = "counting";
	counting_vfs.szOsFile = base_vfs->szOsFile;
	counting_vfs.xOpen = counting_open;
	assert_int_equal(sqlite3_vfs_register(&counting_vfs, 1), SQLITE_OK);
	assert_rc(reg_store_open(db, &s, &e), BRSKI_OK, &e);
	syncs = 0;
	assert_rc(reg_device_seen(s, "0001", "ab", (const uint8_t *)"i", 1,
	    REG_APPROVED, NOW, &d, &e), BRSKI_OK, &e);
	assert_rc(reg_report_add(s, &r, &e), BRSKI_OK, &e);
	assert_int_equal(syncs, 0);
	assert_rc(reg_device_voucher(s, "0001", (const uint8_t *)"P", 1,
	    (const uint8_t *)"R", 1, (const uint8_t *)"V", 1, NOW, &e),
	    BRSKI_OK, &e);
	assert_true(syncs > 0);
	syncs = 0;
	assert_rc(reg_report_add(s, &r, &e), BRSKI_OK, &e);
	assert_int_equal(syncs, 0);
	assert_rc(reg_cert_record(s, &c, &e), BRSKI_OK, &e);
	assert_true(syncs > 0);
	reg_store_close(s);
	assert_int_equal(sqlite3_vfs_unregister(&counting_vfs), SQLITE_OK);
	free(db);
	tu_rmdir(tmp);
}

/*
 * db_prepare() reuses a statement once db_done() gave it back, reset
 * and with its bindings cleared; the same SQL in use twice at once gets
 * two statements.
 */
static void
test_db_statement_cache(void **state)
{
	static const char *const schema[] = { "CREATE TABLE t (x)" };
	struct brski_err	 e = { 0 };
	sqlite3			*db = NULL;
	sqlite3_stmt		*a = NULL, *b = NULL, *c = NULL;
	char			*tmp = tu_tmpdir(), *path = tu_path(tmp, "c.db");

	(void)state;
	assert_rc(db_open(path, schema, 1, &db, &e), BRSKI_OK, &e);
	assert_rc(db_prepare(db, "SELECT ?1", &a, &e), BRSKI_OK, &e);
	assert_rc(db_prepare(db, "SELECT ?1", &b, &e), BRSKI_OK, &e);
	assert_ptr_not_equal(a, b);
	sqlite3_bind_int(a, 1, 7);
	assert_int_equal(sqlite3_step(a), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(a, 0), 7);
	db_done(a);
	assert_rc(db_prepare(db, "SELECT ?1", &c, &e), BRSKI_OK, &e);
	assert_ptr_equal(c, a);
	assert_int_equal(sqlite3_step(c), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(c, 0), SQLITE_NULL);
	db_done(c);
	db_done(b);
	assert_rc(db_prepare(db, "SELECT nothing FROM nowhere", &a, &e),
	    BRSKI_EDB, &e);
	assert_null(a);
	db_done(NULL);
	db_close(db);
	free(path);
	tu_rmdir(tmp);
}

/* The health probe: ok, then a moved file is noticed, then ok again. */
static void
test_reg_store_ping_notices_a_moved_file(void **state)
{
	struct brski_err	 e = { 0 };
	struct reg_store	*s = NULL;
	char			*tmp = tu_tmpdir(), *db = tu_path(tmp, "r.db");
	char			*away = tu_path(tmp, "away.db");

	(void)state;
	assert_rc(reg_store_open(db, &s, &e), BRSKI_OK, &e);
	assert_rc(reg_store_ping(s, &e), BRSKI_OK, &e);
	assert_int_equal(rename(db, away), 0);
	assert_rc(reg_store_ping(s, &e), BRSKI_EDB, &e);
	assert_non_null(strstr(e.msg, "moved or deleted"));
	assert_int_equal(rename(away, db), 0);
	assert_rc(reg_store_ping(s, &e), BRSKI_OK, &e);
	reg_store_close(s);
	free(db);
	free(away);
	tu_rmdir(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reg_ca_records_every_certificate),
		cmocka_unit_test(test_reg_devices_state_and_artifacts),
		cmocka_unit_test(test_reg_store_ping_notices_a_moved_file),
		cmocka_unit_test(test_reg_store_syncs_only_what_must_be_durable),
		cmocka_unit_test(test_db_statement_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
