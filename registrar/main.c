/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * brski-registrar: the operator's registrar.  Loads its identity (TLS
 * and RA certificates), the domain CA, the allow list of manufacturers
 * and the MASA anchors, opens its store, and serves BRSKI and EST over
 * HTTPS until SIGTERM; or runs an operator command ("ctl").
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "brski.h"
#include "checks.h"
#include "conf.h"
#include "ctl.h"
#include "daemon.h"
#include "httpd.h"
#include "fileio.h"
#include "key_pkcs11.h"
#include "log.h"
#include "monitor.h"
#include "coap_service.h"
#include "registrar.h"
#include "secret.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF SYSCONFDIR "/brski/brski-registrar.conf"
#ifdef HAVE_AVAHI
#define ANNOUNCE_DEFAULT "yes"
#else
#define ANNOUNCE_DEFAULT "no"
#endif

static const struct conf_opt opts[] = {
	{ "listen", CFG_STR, "127.0.0.1", 0, 0,
	    "address to listen on (IPv4, IPv6 or *)" },
	{ "port", CFG_INT, "8443", 0, 65535, "HTTPS port (0: any free one)" },
	{ "tls-cert", CFG_PATH, NULL, 0, 0,
	    "TLS server certificate chain (PEM); pledges pin it" },
	{ "tls-key", CFG_PATH, NULL, 0, 0, "TLS server key (PEM, mode 0600)" },
	{ "ra-cert", CFG_PATH, NULL, 0, 0,
	    "RA certificate chain (id-kp-cmcRA) that signs voucher-requests" },
	{ "ra-key", CFG_PATH, NULL, 0, 0, "RA key" },
	{ "domain-ca-cert", CFG_PATH, NULL, 0, 0,
	    "domain CA certificate (with its issuers, PEM)" },
	{ "domain-ca-key", CFG_PATH, NULL, 0, 0,
	    "domain CA key (PEM file or pkcs11: URI)" },
	DAEMON_PKCS11_OPTS,
	{ "ldevid-days", CFG_INT, "365", 1, 36500,
	    "validity of issued certificates in days" },
	{ "crl-validity", CFG_INT, "168", 1, 8760,
	    "hours from a CRL's thisUpdate to its nextUpdate" },
	{ "crl-file", CFG_PATH, NULL, 0, 0,
	    "write each new CRL (DER) atomically to this file" },
	{ "crl-url", CFG_STR, NULL, 0, 0,
	    "URL put into issued certificates as CRL distribution point" },
	{ "manufacturer-ca", CFG_LIST, NULL, 0, 0,
	    "IDevID CA of a manufacturer whose pledges may enroll" },
	{ "masa-ca", CFG_LIST, NULL, 0, 0,
	    "anchor for MASA TLS servers and voucher signatures" },
	{ "masa-url", CFG_STR, NULL, 0, 0,
	    "MASA URL to use instead of the IDevID's" },
	{ "masa-timeout", CFG_INT, "30", 1, 600, "seconds to wait for a MASA" },
	{ "policy", CFG_STR, "auto", 0, 0,
	    "auto, or manual (operator approves each device)" },
	{ "retry-after", CFG_INT, "5", 1, 3600,
	    "seconds a pending pledge is told to wait" },
	{ "est-client-ca", CFG_LIST, NULL, 0, 0,
	    "CA of other EST clients allowed to enroll" },
	{ "est-user", CFG_STR, NULL, 0, 0, "HTTP Basic user for EST clients" },
	{ "est-password-file", CFG_PATH, NULL, 0, 0,
	    "file with the HTTP Basic password (first line)" },
	{ "require-channel-binding", CFG_BOOL, "no", 0, 0,
	    "refuse (re)enrollment CSRs without this TLS session's binding" },
	{ "coaps-listen", CFG_STR, NULL, 0, 0,
	    "address for CoAPS (EST-coaps, cBRSKI); default: listen" },
	{ "coaps-port", CFG_INT, "0", 0, 65535,
	    "CoAPS port, 5684 is the standard one (0: no CoAPS)" },
	{ "announce", CFG_BOOL, ANNOUNCE_DEFAULT, 0, 0,
	    "announce _brski-registrar._tcp (and ._udp for CoAPS) with DNS-SD "
	    "through avahi-daemon" },
	{ "announce-name", CFG_STR, NULL, 0, 0,
	    "DNS-SD instance name (default: the host name)" },
	{ "database", CFG_PATH, "/var/lib/brski/registrar.db", 0, 0,
	    "state database (SQLite file)" },
	HTTPD_CONF_OPTS,
	MONITOR_CONF_OPTS,
	{ "log-level", CFG_STR, "info", 0, 0, "error, warn, info or debug" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static int
fatal(const struct brski_err *e)
{
	fprintf(stderr, "brski-registrar: %s\n", e->msg);
	log_err("%s", e->msg);
	return 1;
}

static enum brski_rc
load_pair(const struct conf *c, const char *cert, const char *key,
    struct x509_list *chain, struct brski_key **k, struct brski_err *e)
{
	enum brski_rc	rc;

	if ((rc = daemon_need(c, cert, e)) != BRSKI_OK ||
	    (rc = daemon_need(c, key, e)) != BRSKI_OK)
		return rc;
	/* TLS keys are read by GnuTLS (server) and wolfSSL (client) as files */
	if (key_is_pkcs11_uri(conf_str(c, key)) &&
	    strcmp(key, "domain-ca-key") != 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s: only domain-ca-key may "
		    "be in a PKCS#11 token; TLS keys must be files", key);
	if ((rc = x509_list_load(conf_str(c, cert), chain, e)) != BRSKI_OK ||
	    (k != NULL && (rc = daemon_load_key(c, key, k, e)) != BRSKI_OK))
		return rc;
	if (k != NULL && !key_matches_spki(*k, chain->v[0]->spki,
	    chain->v[0]->spki_len))
		return brski_fail(e, BRSKI_ECONFIG, "%s is not the key of the "
		    "first certificate in %s", key, cert);
	return BRSKI_OK;
}

static enum brski_rc
load_password(struct registrar *r, const struct conf *c, struct brski_err *e)
{
	const char	*f = conf_str(c, "est-password-file");
	uint8_t		*p = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	if (conf_str(c, "est-user") == NULL)
		return BRSKI_OK;
	if (f == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "est-user needs "
		    "est-password-file");
	if ((rc = file_read(f, 4096, &p, &len, e)) != BRSKI_OK)
		return rc;
	len = strcspn((char *)p, "\r\n");
	p[len] = '\0';
	if (len == 0) {
		secret_free(p, len);
		return brski_fail(e, BRSKI_ECONFIG, "%s: empty password", f);
	}
	r->est_password = (char *)p;
	r->est_password_len = len;
	if ((r->est_user = strdup(conf_str(c, "est-user"))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	return BRSKI_OK;
}

/* An IA5String URI (RFC 5280 4.2.1.13) a relying party can fetch. */
static enum brski_rc
crl_url_ok(const char *u, struct brski_err *e)
{
	const char	*p;

	if (u == NULL)
		return BRSKI_OK;
	for (p = u; *p != '\0'; p++)
		if (*p <= ' ' || *p > '~')
			break;
	if (*p != '\0' || strlen(u) > 512 || (strncmp(u, "http://", 7) != 0 &&
	    strncmp(u, "https://", 8) != 0 && strncmp(u, "ldap://", 7) != 0))
		return brski_fail(e, BRSKI_ECONFIG, "crl-url \"%.64s\": use an "
		    "http://, https:// or ldap:// URL of printable ASCII", u);
	return BRSKI_OK;
}

static enum brski_rc
setup(struct registrar *r, const struct conf *c, struct brski_err *e)
{
	const char	*pol = conf_str(c, "policy");
	enum brski_rc	 rc;

	if (strcmp(pol, "auto") != 0 && strcmp(pol, "manual") != 0)
		return brski_fail(e, BRSKI_ECONFIG, "policy %s: use auto or "
		    "manual", pol);
	r->manual = strcmp(pol, "manual") == 0;
	if (conf_bool(c, "announce") &&
	    (rc = announce_check_name(conf_str(c, "announce-name"), e)) !=
	    BRSKI_OK)
		return rc;
	r->retry_after = conf_int(c, "retry-after");
	r->require_channel_binding = conf_bool(c, "require-channel-binding");
	r->masa_url = conf_str(c, "masa-url");
	r->masa_timeout_ms = (int)conf_int(c, "masa-timeout") * 1000;
	if ((rc = load_pair(c, "tls-cert", "tls-key", &r->id.tls_chain, NULL,
	    e)) != BRSKI_OK ||
	    (rc = load_pair(c, "ra-cert", "ra-key", &r->id.ra_chain,
	    &r->id.ra_key, e)) != BRSKI_OK ||
	    (rc = load_pair(c, "domain-ca-cert", "domain-ca-key", &r->ca.chain,
	    &r->ca.key, e)) != BRSKI_OK ||
	    (rc = daemon_load_certs(c, "manufacturer-ca",
	    &r->id.manufacturer_cas, 1, e)) != BRSKI_OK ||
	    (rc = daemon_load_certs(c, "masa-ca", &r->id.masa_cas, 1, e)) !=
	    BRSKI_OK ||
	    (rc = daemon_load_certs(c, "est-client-ca", &r->est_client_cas, 0,
	    e)) != BRSKI_OK || (rc = load_password(r, c, e)) != BRSKI_OK)
		return rc;
	r->id.tls_cert = r->id.tls_chain.v[0];
	r->id.ra_cert = r->id.ra_chain.v[0];
	r->ca.cert = r->ca.chain.v[0];
	r->id.domain_ca = r->ca.cert;
	r->ca.days = conf_int(c, "ldevid-days");
	log_info("LDevIDs are signed with the domain CA %s",
	    key_describe(r->ca.key));
	if (!(r->id.ra_cert->eku & X509_EKU_CMC_RA))
		return brski_fail(e, BRSKI_ECONFIG, "ra-cert lacks id-kp-cmcRA "
		    "(1.3.6.1.5.5.7.3.28): MASAs will refuse its voucher-requests");
	if ((rc = crl_url_ok(conf_str(c, "crl-url"), e)) != BRSKI_OK)
		return rc;
	r->ca.crl_url = conf_str(c, "crl-url");
	if ((rc = masa_pool_init(&r->pool, &r->id, e)) != BRSKI_OK ||
	    (rc = reg_store_open(conf_str(c, "database"), &r->store, e)) !=
	    BRSKI_OK)
		return rc;
	r->ca.store = r->store;
	return reg_crl_init(&r->crl, &r->ca, r->store,
	    conf_int(c, "crl-validity") * 3600, conf_str(c, "crl-file"), e);
}

static void
teardown(struct registrar *r)
{
	reg_crl_free(&r->crl);
	masa_pool_free(&r->pool);
	reg_store_close(r->store);
	x509_list_free(&r->id.tls_chain);
	x509_list_free(&r->id.ra_chain);
	key_free(r->id.ra_key);
	x509_list_free(&r->id.manufacturer_cas);
	x509_list_free(&r->id.masa_cas);
	x509_list_free(&r->ca.chain);
	key_free(r->ca.key);
	x509_list_free(&r->est_client_cas);
	free(r->est_user);
	secret_free(r->est_password, r->est_password_len);
}

static enum brski_rc
announce(const struct conf *c, const char *listen, unsigned https_port,
    const char *coaps_listen, unsigned coaps_port, struct announce **out,
    struct brski_err *e)
{
	struct announce_service	svc[2] = {
		{ ANNOUNCE_REGISTRAR_TCP, https_port, listen },
		{ ANNOUNCE_REGISTRAR_UDP, coaps_port, coaps_listen },
	};

	*out = NULL;
	if (!conf_bool(c, "announce"))
		return BRSKI_OK;
	if (announce_loopback_only(listen)) {
		log_info("DNS-SD: not announced: listening on %s only", listen);
		return BRSKI_OK;
	}
	return announce_start(conf_str(c, "announce-name"), svc,
	    coaps_port != 0 ? 2 : 1, out, e);
}

static int
serve(struct registrar *r, const struct conf *c, struct monitor *mon)
{
	const struct httpd_route routes[] = {
		{ "POST", BRSKI_PATH_REQUESTVOUCHER, reg_count_requestvoucher, r },
		{ "POST", BRSKI_PATH_VOUCHER_STATUS, reg_on_voucher_status, r },
		{ "POST", BRSKI_PATH_ENROLLSTATUS, reg_on_enrollstatus, r },
		{ "GET", EST_PATH_CACERTS, est_on_cacerts, r },
		{ "GET", EST_PATH_CSRATTRS, est_on_csrattrs, r },
		{ "GET", REG_PATH_CRL, crl_on_get, r },
		{ "POST", EST_PATH_SIMPLEENROLL, reg_count_simpleenroll, r },
		{ "POST", EST_PATH_SIMPLEREENROLL, reg_count_simplereenroll, r },
		{ "POST", EST_PATH_SERVERKEYGEN, reg_count_serverkeygen, r },
		{ "GET", MONITOR_PATH_HEALTHZ, monitor_on_healthz, mon },
		{ "HEAD", MONITOR_PATH_HEALTHZ, monitor_on_healthz, mon },
		{ "GET", MONITOR_PATH_METRICS, monitor_on_metrics, mon },
	};
	struct httpd_conf	 hc;
	struct coap_service_conf cc;
	struct httpd		*h = NULL;
	struct coap_service	*cs = NULL;
	struct announce		*an = NULL;
	struct brski_err	 e = { 0 };
	sigset_t		 set;

	memset(&hc, 0, sizeof(hc));
	hc.name = "registrar";
	hc.listen = conf_str(c, "listen");
	hc.port = (unsigned)conf_int(c, "port");
	hc.cert_file = conf_str(c, "tls-cert");
	hc.key_file = conf_str(c, "tls-key");
	httpd_conf_read(c, &hc);
	hc.routes = routes;
	hc.nroutes = sizeof(routes) / sizeof(routes[0]);
	memset(&cc, 0, sizeof(cc));
	cc.listen = conf_str(c, "coaps-listen") ? conf_str(c, "coaps-listen") :
	    hc.listen;
	cc.port = (unsigned)conf_int(c, "coaps-port");
	cc.cert_file = hc.cert_file;
	cc.key_file = hc.key_file;
	cc.body_max = hc.body_max;
	daemon_block_signals(&set);
	if (reg_crl_start(&r->crl, &e) != BRSKI_OK ||
	    httpd_start(&hc, &h, &e) != BRSKI_OK)
		return fatal(&e);
	if (cc.port != 0 && coap_service_start(r, &cc, &cs, &e) != BRSKI_OK) {
		httpd_stop(h);
		return fatal(&e);
	}
	log_info("registrar listening on https://%s%s%s:%u (%s enrollment, "
	    "database %s)", DAEMON_URL_LB(hc.listen), hc.listen,
	    DAEMON_URL_RB(hc.listen), httpd_port(h), r->manual ? "manual" :
	    "automatic", conf_str(c, "database"));
	if (cs != NULL)
		log_info("registrar listening on coaps://%s%s%s:%u",
		    DAEMON_URL_LB(cc.listen), cc.listen,
		    DAEMON_URL_RB(cc.listen), cc.port);
	if (announce(c, hc.listen, httpd_port(h), cc.listen,
	    cs != NULL ? cc.port : 0, &an, &e) != BRSKI_OK) {
		coap_service_stop(cs);
		httpd_stop(h);
		return fatal(&e);
	}
	printf("listening %u\n", httpd_port(h));
	fflush(stdout);
	daemon_wait(&set);
	announce_stop(an);
	coap_service_stop(cs);
	httpd_stop(h);
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf		*c;
	struct registrar	 r;
	struct monitor		 mon;
	struct brski_err	 e = { 0 };
	int			 first, rc;

	memset(&r, 0, sizeof(r));
	memset(&mon, 0, sizeof(mon));
	if ((c = conf_new(opts)) == NULL)
		return 1;
	switch (daemon_start(c, "brski-registrar", "[ctl COMMAND ...]",
	    DEFAULT_CONF, opts, argc, argv, &first)) {
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
		rc = registrar_ctl(c, argc - first - 1, argv + first + 1);
	else if (first < argc) {
		fprintf(stderr, "brski-registrar: unexpected argument %s (see "
		    "--help)\n", argv[first]);
		rc = 2;
	} else if (monitor_init(&mon, "registrar", c, reg_health, &r, &e) !=
	    BRSKI_OK || reg_metrics_register(&e) != BRSKI_OK ||
	    setup(&r, c, &e) != BRSKI_OK)
		rc = fatal(&e) + 2;	/* 3: start-up failed */
	else
		rc = serve(&r, c, &mon);
	monitor_free(&mon);
	teardown(&r);
	conf_free(c);
	return rc;
}
