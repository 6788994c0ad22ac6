/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Administrative commands of the MASA, run against the same store the
 * daemon uses (SQLite serializes the writers):
 *   add SERIAL...            devices this manufacturer made
 *   assign SERIAL DOMAIN     DOMAIN: the owner's domain CA (PEM file) or
 *                            its domainID (base64 key identifier)
 *   release SERIAL           forget the owner
 *   list                     devices, owners, voucher counts
 *   audit SERIAL             the device's audit log
 *   check                    database integrity; vouchers = audit events
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "fileio.h"
#include "masa.h"
#include "rfc3339.h"

static void
print_device(const struct masa_device *d, void *arg)
{
	(void)arg;
	printf("%-24s %-30s %ld voucher(s)\n", d->serial,
	    d->owner[0] ? d->owner : "(unowned)", d->vouchers);
}

static void
print_event(const struct masa_event *ev, void *arg)
{
	char	date[RFC3339_MAX];

	(void)arg;
	printf("%s %-30s %-10s nonce %s\n", rfc3339_format(ev->date, date,
	    sizeof(date)), ev->domain_id, ev->assertion,
	    ev->nonce ? ev->nonce : "(none)");
}

/* A domain given as a CA certificate file, or as its domainID. */
static enum brski_rc
domain_of(const char *arg, char *out, size_t len, struct brski_err *e)
{
	struct x509_list	l = { 0 };
	enum brski_rc		rc;

	if (!file_exists(arg)) {
		if ((size_t)snprintf(out, len, "%s", arg) >= len)
			return brski_fail(e, BRSKI_EINVAL, "domain id too long");
		return BRSKI_OK;
	}
	if ((rc = x509_list_load(arg, &l, e)) == BRSKI_OK)
		rc = masa_domain_id(l.v[0], out, len, e);
	x509_list_free(&l);
	return rc;
}

static enum brski_rc
check(struct masa_store *s, struct brski_err *e)
{
	long		nv, na;
	enum brski_rc	rc;

	if ((rc = s->ops->check(s, e)) != BRSKI_OK ||
	    (rc = s->ops->counts(s, &nv, &na, e)) != BRSKI_OK)
		return rc;
	printf("integrity ok; %ld vouchers, %ld audit events\n", nv, na);
	if (nv != na)
		return brski_fail(e, BRSKI_EDB, "vouchers and audit events "
		    "differ");
	return BRSKI_OK;
}

static enum brski_rc
run(struct masa_store *s, int argc, char **argv, struct brski_err *e)
{
	char		dom[MASA_DOMAIN_ID_MAX + 1];
	int		i;
	enum brski_rc	rc = BRSKI_OK;

	if (strcmp(argv[0], "add") == 0 && argc >= 2) {
		for (i = 1; i < argc && rc == BRSKI_OK; i++)
			rc = s->ops->device_add(s, argv[i], e);
	} else if (strcmp(argv[0], "assign") == 0 && argc == 3) {
		if ((rc = domain_of(argv[2], dom, sizeof(dom), e)) == BRSKI_OK)
			rc = s->ops->device_assign(s, argv[1], dom, e);
	} else if (strcmp(argv[0], "release") == 0 && argc == 2)
		rc = s->ops->device_assign(s, argv[1], NULL, e);
	else if (strcmp(argv[0], "list") == 0 && argc == 1)
		rc = s->ops->device_list(s, print_device, NULL, e);
	else if (strcmp(argv[0], "audit") == 0 && argc == 2)
		rc = s->ops->events(s, argv[1], print_event, NULL, e);
	else if (strcmp(argv[0], "check") == 0 && argc == 1)
		rc = check(s, e);
	else
		rc = brski_fail(e, BRSKI_EINVAL, "usage: brski-masa ctl add "
		    "SERIAL... | assign SERIAL DOMAIN | release SERIAL | list | "
		    "audit SERIAL | check");
	return rc;
}

/* Exit status: 0 done, 1 failed, 2 usage. */
int
masa_ctl(const struct conf *c, int argc, char **argv)
{
	struct masa_store	*s = NULL;
	struct brski_err	 e = { 0 };
	enum brski_rc		 rc;

	if (argc < 1) {
		fprintf(stderr, "usage: brski-masa ctl COMMAND (see "
		    "brski-masa(8))\n");
		return 2;
	}
	if (masa_store_open(conf_str(c, "database"), &s, &e) != BRSKI_OK) {
		fprintf(stderr, "brski-masa: %s\n", e.msg);
		return 1;
	}
	rc = run(s, argc, argv, &e);
	masa_store_close(s);
	if (rc != BRSKI_OK) {
		fprintf(stderr, "brski-masa: %s\n", e.msg);
		return rc == BRSKI_EINVAL ? 2 : 1;
	}
	return 0;
}
