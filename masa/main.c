/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * brski-masa: the manufacturer's voucher service.  Reads its
 * configuration (all errors before anything starts), loads keys and
 * anchors, opens the store, serves HTTPS until SIGTERM or SIGINT; or
 * runs an administrative command against the store ("ctl").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brski.h"
#include "checks.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "httpd.h"
#include "key_pkcs11.h"
#include "log.h"
#include "masa.h"
#include "monitor.h"
#include "service.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF SYSCONFDIR "/brski/brski-masa.conf"

static const struct conf_opt opts[] = {
	{ "listen", CFG_STR, "127.0.0.1", 0, 0,
	    "address to listen on (IPv4, IPv6 or *)" },
	{ "port", CFG_INT, "9443", 0, 65535, "HTTPS port (0: any free one)" },
	{ "tls-cert", CFG_PATH, NULL, 0, 0, "TLS server certificate chain (PEM)" },
	{ "tls-key", CFG_PATH, NULL, 0, 0, "TLS server key (PEM, mode 0600)" },
	{ "signer-cert", CFG_PATH, NULL, 0, 0,
	    "voucher signing certificate, with its chain (PEM)" },
	{ "signer-key", CFG_PATH, NULL, 0, 0,
	    "voucher signing key (PEM file or pkcs11: URI)" },
	DAEMON_PKCS11_OPTS,
	{ "manufacturer-ca", CFG_LIST, NULL, 0, 0,
	    "CA that issues this manufacturer's IDevIDs (PEM)" },
	{ "registrar-ca", CFG_LIST, NULL, 0, 0,
	    "CA that authenticates registrars (sales channel)" },
	{ "database", CFG_STR, "/var/lib/brski/masa.db", 0, 0,
	    "state database: SQLite file, postgresql:// URI or pg:CONNINFO "
	    "(no password: use a passfile)" },
	{ "ownership", CFG_STR, "first-claim", 0, 0,
	    "first-claim or assigned" },
	{ "require-client-cert", CFG_BOOL, "yes", 0, 0,
	    "refuse registrars without a TLS client certificate" },
	{ "require-pvr", CFG_BOOL, "yes", 0, 0,
	    "refuse requests without a prior-signed-voucher-request" },
	{ "allow-nonceless", CFG_BOOL, "no", 0, 0,
	    "issue nonceless vouchers to authenticated registrars" },
	{ "nonceless-lifetime", CFG_DURATION, "20m", 60, 365 * 86400,
	    "lifetime of a nonceless voucher" },
	HTTPD_CONF_OPTS,
	MONITOR_CONF_OPTS,
	{ "log-level", CFG_STR, "info", 0, 0, "error, warn, info or debug" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static int
fatal(const struct brski_err *e)
{
	fprintf(stderr, "brski-masa: %s\n", e->msg);
	log_err("%s", e->msg);
	return 1;
}

static enum brski_rc
setup(struct masa *m, const struct conf *c, struct brski_err *e)
{
	const char	*own = conf_str(c, "ownership");
	enum brski_rc	 rc;

	if (strcmp(own, "first-claim") != 0 && strcmp(own, "assigned") != 0)
		return brski_fail(e, BRSKI_ECONFIG, "ownership %s: use "
		    "first-claim or assigned", own);
	m->pol.first_claim = strcmp(own, "first-claim") == 0;
	m->pol.require_client_cert = conf_bool(c, "require-client-cert");
	m->pol.require_pvr = conf_bool(c, "require-pvr");
	m->pol.allow_nonceless = conf_bool(c, "allow-nonceless");
	m->pol.nonceless_lifetime = conf_int(c, "nonceless-lifetime");
	if ((rc = daemon_need(c, "tls-cert", e)) != BRSKI_OK ||
	    (rc = daemon_need(c, "tls-key", e)) != BRSKI_OK ||
	    (rc = daemon_need(c, "signer-cert", e)) != BRSKI_OK ||
	    (rc = daemon_need(c, "signer-key", e)) != BRSKI_OK ||
	    (rc = x509_list_load(conf_str(c, "signer-cert"), &m->signer_chain,
	    e)) != BRSKI_OK ||
	    (rc = daemon_load_key(c, "signer-key", &m->signer_key, e)) !=
	    BRSKI_OK ||
	    (rc = daemon_load_certs(c, "manufacturer-ca", &m->manufacturer_cas,
	    1, e)) != BRSKI_OK ||
	    (rc = daemon_load_certs(c, "registrar-ca", &m->registrar_cas, 0,
	    e)) != BRSKI_OK)
		return rc;
	m->signer = m->signer_chain.v[0];
	if (!key_matches_spki(m->signer_key, m->signer->spki,
	    m->signer->spki_len))
		return brski_fail(e, BRSKI_ECONFIG, "signer-key is not the key of "
		    "the first certificate in signer-cert");
	log_info("vouchers are signed with the %s", key_describe(m->signer_key));
	return masa_store_open(conf_str(c, "database"), &m->store, e);
}

static void
teardown(struct masa *m)
{
	masa_store_close(m->store);
	key_free(m->signer_key);
	x509_list_free(&m->signer_chain);
	x509_list_free(&m->manufacturer_cas);
	x509_list_free(&m->registrar_cas);
}

static int
serve(struct masa *m, const struct conf *c, struct monitor *mon)
{
	struct httpd_route	 routes[] = {
		{ "POST", BRSKI_PATH_REQUESTVOUCHER, masa_on_requestvoucher, m },
		{ "POST", BRSKI_PATH_REQUESTAUDITLOG, masa_on_requestauditlog, m },
		{ "GET", MONITOR_PATH_HEALTHZ, monitor_on_healthz, mon },
		{ "HEAD", MONITOR_PATH_HEALTHZ, monitor_on_healthz, mon },
		{ "GET", MONITOR_PATH_METRICS, monitor_on_metrics, mon },
	};
	struct httpd_conf	 hc;
	struct httpd		*h = NULL;
	struct brski_err	 e = { 0 };
	sigset_t		 set;

	memset(&hc, 0, sizeof(hc));
	hc.name = "masa";
	hc.listen = conf_str(c, "listen");
	hc.port = (unsigned)conf_int(c, "port");
	hc.cert_file = conf_str(c, "tls-cert");
	hc.key_file = conf_str(c, "tls-key");
	httpd_conf_read(c, &hc);
	hc.routes = routes;
	hc.nroutes = sizeof(routes) / sizeof(routes[0]);
	daemon_block_signals(&set);
	if (httpd_start(&hc, &h, &e) != BRSKI_OK)
		return fatal(&e);
	log_info("MASA listening on https://%s%s%s:%u (%s ownership, database "
	    "%s)", DAEMON_URL_LB(hc.listen), hc.listen,
	    DAEMON_URL_RB(hc.listen), httpd_port(h), m->pol.first_claim ?
	    "first-claim" : "assigned", conf_str(c, "database"));
	/* a line tests and scripts can wait for */
	printf("listening %u\n", httpd_port(h));
	fflush(stdout);
	daemon_wait(&set);
	httpd_stop(h);
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf		*c;
	struct masa		 m;
	struct masa_health	 mh;
	struct monitor		 mon;
	struct brski_err	 e = { 0 };
	int			 first, rc;

	memset(&m, 0, sizeof(m));
	memset(&mh, 0, sizeof(mh));
	memset(&mon, 0, sizeof(mon));
	if ((c = conf_new(opts)) == NULL)
		return 1;
	switch (daemon_start(c, "brski-masa", "[ctl COMMAND ...]", DEFAULT_CONF,
	    opts, argc, argv, &first)) {
	case DAEMON_EXIT_OK:
		conf_free(c);
		return 0;
	case DAEMON_EXIT_USAGE:
		conf_free(c);
		return 2;
	case DAEMON_RUN:
		break;
	}
	if (first < argc && strcmp(argv[first], "ctl") == 0)
		rc = masa_ctl(c, argc - first - 1, argv + first + 1);
	else if (first < argc) {
		fprintf(stderr, "brski-masa: unexpected argument %s (see "
		    "--help)\n", argv[first]);
		rc = 2;
	} else if (monitor_init(&mon, "masa", c, masa_health, &mh, &e) !=
	    BRSKI_OK || masa_metrics_register(&e) != BRSKI_OK ||
	    setup(&m, c, &e) != BRSKI_OK ||
	    masa_health_init(&mh, &m, conf_str(c, "tls-cert"), &e) != BRSKI_OK)
		rc = fatal(&e) + 2;	/* 3: start-up failed */
	else
		rc = serve(&m, c, &mon);
	monitor_free(&mon);
	masa_health_free(&mh);
	teardown(&m);
	conf_free(c);
	return rc;
}
