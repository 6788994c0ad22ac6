/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * "brski-registrar ctl": the operator's commands, run against the
 * daemon's database (SQLite serializes them with the daemon):
 *   list                      devices, state, voucher and enroll status
 *   approve|deny|revoke SERIAL
 *   certs                     issued certificates: valid, revoked, expired
 *   revoke-cert HEXSERIAL [--reason R]
 *                             mark one certificate revoked (the daemon
 *                             puts it on its next CRL)
 *   export SERIAL pvr|rvr|voucher|idevid FILE
 *   check                     database integrity
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "crl.h"
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

/* SERIAL STATUS NOT-AFTER DEVICE SUBJECT; STATUS is valid, expired or
 * revoked:REASON (the subject last: it may hold spaces). */
static void
print_cert(const struct reg_cert *c, void *arg)
{
	const time_t	*now = arg;
	char		 a[RFC3339_MAX], st[48];

	if (c->revoked_at != 0)
		snprintf(st, sizeof(st), "revoked:%s",
		    crl_reason_name(c->reason));
	else
		snprintf(st, sizeof(st), "%s", c->not_after < *now ? "expired" :
		    "valid");
	printf("%s %-21s %s %-20s %s\n", c->serial_hex, st,
	    rfc3339_format(c->not_after, a, sizeof(a)),
	    c->device[0] ? c->device : "-", c->subject);
}

/* revoke-cert SERIAL [--reason NAME | --reason=NAME], in either order */
static enum brski_rc
revoke_cert(struct reg_store *s, int argc, char **argv, struct brski_err *e)
{
	const char	*serial = NULL, *why = "unspecified";
	char		 hex[CRL_HEX_MAX + 2];
	int		 i, reason;
	enum brski_rc	 rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--reason") == 0 && i + 1 < argc)
			why = argv[++i];
		else if (strncmp(argv[i], "--reason=", 9) == 0)
			why = argv[i] + 9;
		else if (argv[i][0] != '-' && serial == NULL)
			serial = argv[i];
		else
			return brski_fail(e, BRSKI_EINVAL, "usage: revoke-cert "
			    "HEXSERIAL [--reason REASON]");
	}
	if (serial == NULL)
		return brski_fail(e, BRSKI_EINVAL, "usage: revoke-cert HEXSERIAL "
		    "[--reason REASON]");
	if (!crl_reason_from_name(why, &reason))
		return brski_fail(e, BRSKI_EINVAL, "revocation reason \"%.40s\" "
		    "is not one of: %s", why, crl_reason_names());
	if ((rc = crl_serial_normalize(serial, hex, sizeof(hex), e)) !=
	    BRSKI_OK ||
	    (rc = reg_cert_revoke(s, hex, time(NULL), reason, e)) != BRSKI_OK)
		return rc;
	printf("revoked %s (%s); a running registrar publishes a new CRL "
	    "within seconds\n", hex, why);
	return BRSKI_OK;
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
	time_t		now = time(NULL);

	if (argc == 1 && strcmp(argv[0], "list") == 0)
		return reg_device_list(s, print_device, NULL, e);
	if (argc == 1 && strcmp(argv[0], "certs") == 0)
		return reg_cert_list(s, print_cert, &now, e);
	if (argc == 1 && strcmp(argv[0], "check") == 0) {
		if (reg_store_check(s, e) != BRSKI_OK)
			return BRSKI_EDB;
		printf("integrity ok\n");
		return BRSKI_OK;
	}
	if (argc >= 2 && strcmp(argv[0], "revoke-cert") == 0)
		return revoke_cert(s, argc, argv, e);
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
	    "HEXSERIAL [--reason R] | export SERIAL pvr|rvr|voucher|idevid FILE | check");
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
