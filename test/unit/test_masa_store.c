/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for masa/store_sqlite.c on a real SQLite file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "store.h"

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
	char			*tmp = tu_tmpdir(), *db = tu_path(tmp, "m.db");
	long			 nv, na;

	(void)state;
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
	masa_store_close(s);
	free(db);
	tu_rmdir(tmp);
}

static void
test_masa_store_assigned_only_without_first_claim(void **state)
{
	struct brski_err	 e = { 0 };
	struct masa_store	*s = NULL;
	struct masa_issue	 is;
	struct seen		 seen = { 0 };
	char			*tmp = tu_tmpdir(), *db = tu_path(tmp, "m.db");

	(void)state;
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
	free(db);
	tu_rmdir(tmp);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_masa_store_first_claim_then_others_refused),
		cmocka_unit_test(test_masa_store_assigned_only_without_first_claim),
		cmocka_unit_test(test_masa_store_open_fails_clearly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
