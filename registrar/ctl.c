/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "brski-registrar ctl": the operator's commands, run against the
 * daemon's database (SQLite serializes them with the daemon):
 *   list                      devices, state, voucher and enroll status
 *   approve|deny|revoke SERIAL
 *   certs                     issued certificates
 *   revoke-cert HEXSERIAL     mark one certificate revoked
 *   export SERIAL pvr|rvr|voucher|idevid FILE
 *   check                     database integrity
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "ctl.h"
#include "fileio.h"
#include "rfc3339.h"
#include "store.h"

static const char *
status_text(int s)
{
	return s < 0 ? "-" : s ? "ok" : "FAILED";
}

static void
print_device(const struct reg_device *d, void *arg)
{
	(void)arg;
	printf("%-24s %-9s voucher:%-4s voucher_status:%-6s enroll:%-6s "
	    "certs:%ld\n", d->serial, reg_state_name(d->state),
	    d->voucher_ok ? "yes" : "no", status_text(d->voucher_status),
	    status_text(d->enroll_status), d->certificates);
}

static void
print_cert(const struct reg_cert *c, void *arg)
{
	char	a[RFC3339_MAX];

	(void)arg;
	printf("%s %-20s until %s %s %s\n", c->serial_hex,
	    c->device[0] ? c->device : "-", rfc3339_format(c->not_after, a,
	    sizeof(a)), c->revoked_at ? "REVOKED" : "valid", c->subject);
}

static enum brski_rc
export(struct reg_store *s, char **argv, struct brski_err *e)
{
	uint8_t		*p = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	if ((rc = reg_device_artifact(s, argv[1], argv[2], &p, &len, e)) !=
	    BRSKI_OK)
		return rc;
	rc = file_write_atomic(argv[3], p, len, 0644, e);
	free(p);
	return rc;
}

static enum brski_rc
run(struct reg_store *s, int argc, char **argv, struct brski_err *e)
{
	enum reg_state	st;

	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return reg_device_list(s, print_device, NULL, e);
	if (argc == 1 && strcmp(argv[0], "certs") == 0)
		return reg_cert_list(s, print_cert, NULL, e);
	if (argc == 1 && strcmp(argv[0], "check") == 0) {
		if (reg_store_check(s, e) != BRSKI_OK)
			return BRSKI_EDB;
		printf("integrity ok\n");
		return BRSKI_OK;
	}
	if (argc == 2 && strcmp(argv[0], "revoke-cert") == 0)
		return reg_cert_revoke(s, argv[1], time(NULL), e);
	if (argc == 4 && strcmp(argv[0], "export") == 0)
		return export(s, argv, e);
	if (argc == 2 && (strcmp(argv[0], "approve") == 0 ||
	    strcmp(argv[0], "deny") == 0 || strcmp(argv[0], "revoke") == 0)) {
		st = argv[0][0] == 'a' ? REG_APPROVED : argv[0][0] == 'd' ?
		    REG_DENIED : REG_REVOKED;
		return reg_device_set_state(s, argv[1], st, e);
	}
	return brski_fail(e, BRSKI_EINVAL, "usage: brski-registrar ctl list | "
	    "approve SERIAL | deny SERIAL | revoke SERIAL | certs | revoke-cert "
	    "HEXSERIAL | export SERIAL pvr|rvr|voucher|idevid FILE | check");
}

/* Exit status: 0 done, 1 failed, 2 usage. */
int
registrar_ctl(const struct conf *c, int argc, char **argv)
{
	struct reg_store	*s = NULL;
	struct brski_err	 e = { 0 };
	enum brski_rc		 rc;

	if (argc < 1) {
		fprintf(stderr, "usage: brski-registrar ctl COMMAND (see "
		    "brski-registrar(8))\n");
		return 2;
	}
	if (reg_store_open(conf_str(c, "database"), &s, &e) != BRSKI_OK) {
		fprintf(stderr, "brski-registrar: %s\n", e.msg);
		return 1;
	}
	rc = run(s, argc, argv, &e);
	reg_store_close(s);
	if (rc != BRSKI_OK) {
		fprintf(stderr, "brski-registrar: %s\n", e.msg);
		return rc == BRSKI_EINVAL ? 2 : 1;
	}
	return 0;
}
