/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * brski-pledge: what a device's first-boot service runs.  "enroll" (the
 * default) goes from the IDevID to an LDevID: provisional TLS, voucher,
 * pinned domain, EST, state written atomically, enrollstatus.
 * "reenroll" renews the LDevID with simplereenroll (a new key).
 * "status" shows the stored LDevID.  Exit codes are in brski.h and
 * brski-pledge(8).
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf.h"
#include "daemon.h"
#include "log.h"
#include "pledge.h"
#include "rand.h"
#include "rfc3339.h"
#include "secret.h"
#include "state.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF SYSCONFDIR "/brski/brski-pledge.conf"

static const struct conf_opt opts[] = {
	{ "registrar", CFG_STR, NULL, 0, 0,
	    "registrar URL: https://host:port, or coaps://host[:port] for "
	    "constrained BRSKI (COSE vouchers, EST-coaps)" },
	{ "join-proxy-discovery", CFG_STR, NULL, 0, 0,
	    "without registrar: find a join proxy with CoAP discovery at this "
	    "coap:// URL (coap://[ff02::fd%25IFACE] multicast) and enroll "
	    "over CoAPS through it" },
	{ "discover", CFG_BOOL, "yes", 0, 0,
	    "without registrar and join-proxy-discovery: find registrars with "
	    "DNS-SD (see discover-transport) and try each in turn" },
	{ "discover-timeout", CFG_INT, "5", 1, 60,
	    "longest DNS-SD browse, seconds" },
	{ "discover-transport", CFG_STR, "https", 0, 0,
	    "what DNS-SD looks for: https (_brski-registrar._tcp), coaps "
	    "(_brski-proxy._udp, then _brski-registrar._udp) or any (https "
	    "first, then coaps)" },
	{ "idevid-cert", CFG_PATH, NULL, 0, 0,
	    "IDevID certificate with its chain (PEM)" },
	{ "idevid-key", CFG_PATH, NULL, 0, 0,
	    "IDevID key (PEM, mode 0600, or pkcs11: URI)" },
	DAEMON_PKCS11_OPTS,
	{ "masa-ca", CFG_LIST, NULL, 0, 0,
	    "MASA trust anchor that verifies vouchers (PEM)" },
	{ "state-dir", CFG_PATH, "/var/lib/brski-pledge", 0, 0,
	    "where the LDevID, its key and the domain CAs are kept" },
	{ "accept-nonceless", CFG_BOOL, "no", 0, 0,
	    "accept unexpired nonceless vouchers" },
	{ "timeout", CFG_INT, "30", 1, 600, "seconds per network exchange" },
	{ "max-wait", CFG_DURATION, "600", 0, 4 * 86400,
	    "longest total wait for a pending (202) registrar" },
	{ "key-type", CFG_STR, "P-256", 0, 0, "LDevID key: P-256, P-384, P-521" },
	{ "tls-version", CFG_STR, "any", 0, 0,
	    "TLS to the registrar: any (1.3, else 1.2), 1.2 or 1.3" },
	{ "rekey", CFG_BOOL, "yes", 0, 0,
	    "reenroll with a new key (no: renew the current key)" },
	{ "renew-before", CFG_DURATION, "0", 0, 3650 * 86400LL,
	    "reenroll only when the LDevID expires within this long "
	    "(0: always), so a daily timer renews once" },
	{ "log-level", CFG_STR, "info", 0, 0, "error, warn, info or debug" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static int
tls_version(const char *s, enum httpc_tls_version *v)
{
	if (strcmp(s, "any") == 0)
		*v = HTTPC_TLS_ANY;
	else if (strcmp(s, "1.2") == 0)
		*v = HTTPC_TLS_12;
	else if (strcmp(s, "1.3") == 0)
		*v = HTTPC_TLS_13;
	else
		return 0;
	return 1;
}

/*
 * *dnssd is set when the registrar is to be found with DNS-SD; the
 * URL is then filled in per candidate (run_discovered()).
 */
static int
configure(struct pledge *p, const struct conf *c, int need_idevid,
    int *dnssd, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	enum discover_transport	 transport;
	const char		*url = conf_str(c, "registrar");

	p->state_dir = conf_str(c, "state-dir");
	p->accept_nonceless = conf_bool(c, "accept-nonceless");
	p->timeout_ms = (int)conf_int(c, "timeout") * 1000;
	p->max_wait_s = conf_int(c, "max-wait");
	if (!key_type_from_name(conf_str(c, "key-type"), &p->key_type))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "key-type %s: use P-256, "
		    "P-384 or P-521", conf_str(c, "key-type"));
	if (!tls_version(conf_str(c, "tls-version"), &p->tls_version))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "tls-version %s: use "
		    "any, 1.2 or 1.3", conf_str(c, "tls-version"));
	p->rekey = conf_bool(c, "rekey");
	/* checked even when unused now: a typo shows before it matters */
	if (!pledge_discover_transport(conf_str(c, "discover-transport"),
	    &transport))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "discover-transport "
		    "\"%s\": use https, coaps or any",
		    conf_str(c, "discover-transport"));
	if (url == NULL && need_idevid && conf_str(c, "join-proxy-discovery")) {
		if (!pledge_coaps_discover(p, conf_str(c, "join-proxy-discovery"),
		    o))
			return 0;
	} else if (url == NULL && !conf_bool(c, "discover"))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "registrar is not set "
		    "(--registrar https://host:port) and discover is off");
	else if (url == NULL)
		*dnssd = 1;
	if (url != NULL && ((p->coaps = pledge_coaps_url(url, &p->url,
	    &e)) < 0 || (!p->coaps && httpc_url_parse(url, 0, &p->url, &e) !=
	    BRSKI_OK)))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "registrar: %s", e.msg);
	p->idevid_file = conf_str(c, "idevid-cert");
	if (!need_idevid)
		return 1;
	if (daemon_need(c, "idevid-cert", &e) != BRSKI_OK ||
	    daemon_need(c, "idevid-key", &e) != BRSKI_OK ||
	    x509_list_load(conf_str(c, "idevid-cert"), &p->idevid_chain, &e) !=
	    BRSKI_OK || daemon_load_key(c, "idevid-key", &p->idevid_key,
	    &e) != BRSKI_OK ||
	    daemon_load_certs(c, "masa-ca", &p->masa_cas, 1, &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "%s", e.msg);
	if (!key_matches_spki(p->idevid_key, p->idevid_chain.v[0]->spki,
	    p->idevid_chain.v[0]->spki_len))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "idevid-key is not the "
		    "key of idevid-cert");
	if (p->idevid_chain.v[0]->serial_number == NULL)
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "the IDevID has no "
		    "serialNumber in its subject");
	return 1;
}

static int
save(struct pledge *p, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct x509_list	 one = { &p->ldevid, 1 };
	struct state_file	 f[5];
	char			*cert = NULL, *cas = NULL, *key = NULL;
	size_t			 clen, calen, klen = 0, n = 0;
	int			 ok = 0;

	if (x509_list_to_pem(&one, &cert, &clen, &e) != BRSKI_OK ||
	    x509_list_to_pem(&p->domain_cas, &cas, &calen, &e) != BRSKI_OK ||
	    key_to_pem(p->ldevid_key, &key, &klen, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "%s", e.msg);
		goto out;
	}
	f[n++] = (struct state_file){ STATE_LDEVID, cert, clen, 0644 };
	f[n++] = (struct state_file){ STATE_LDEVID_KEY, key, klen, 0600 };
	f[n++] = (struct state_file){ STATE_DOMAIN_CA, cas, calen, 0644 };
	if (p->voucher != NULL) {
		f[n++] = (struct state_file){ p->coaps ? STATE_VOUCHER_COSE :
		    STATE_VOUCHER, p->voucher, p->voucher_len, 0644 };
		f[n++] = (struct state_file){ p->coaps ? STATE_PVR_COSE :
		    STATE_PVR, p->pvr, p->pvr_len, 0644 };
	}
	if (state_commit(p->state_dir, f, n, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_STATE, "state directory %s: %s",
		    p->state_dir, e.msg);
		goto out;
	}
	log_info("LDevID, key and domain CAs stored in %s/%s", p->state_dir,
	    STATE_CURRENT);
	ok = 1;
out:
	free(cert);
	free(cas);
	secret_free(key, klen);
	return ok;
}

/* RFC 8995 5.9.4: success is reported over a new TLS session that the
 * new LDevID authenticates. */
static void
report_enrolled(struct pledge *p)
{
	struct x509_list	chain = { &p->ldevid, 1 };
	struct outcome		o;

	pledge_forget_tables(p);	/* the MASA's and the CSR's are done */
	if (!pledge_connect(p, &chain, p->ldevid_key, &p->domain_cas, &o)) {
		log_warn("enrollstatus not sent: %s", o.why);
		return;
	}
	pledge_report(p, BRSKI_PATH_ENROLLSTATUS, 1, NULL);
}

static int
enroll(struct pledge *p, struct outcome *o)
{
	log_info("enrolling serial %s with %s:%u",
	    p->idevid_chain.v[0]->serial_number, p->url.host, p->url.port);
	if (!pledge_connect(p, &p->idevid_chain, p->idevid_key, NULL, o) ||
	    !pledge_get_voucher(p, o))
		return 0;
	if (!pledge_est_enroll(p, 0, NULL, o)) {
		/* a failure is reported on the same session (5.9.4) */
		pledge_report(p, BRSKI_PATH_ENROLLSTATUS, 0, "enrollment failed");
		return 0;
	}
	if (!save(p, o)) {
		pledge_report(p, BRSKI_PATH_ENROLLSTATUS, 0,
		    "cannot store the certificate");
		return 0;
	}
	report_enrolled(p);
	return 1;
}

static int
load_current(struct pledge *p, struct x509_list *cert, struct outcome *o)
{
	struct brski_err	e = { 0 };
	char			path[PATH_MAX];

	if (state_path(p->state_dir, STATE_LDEVID, path, sizeof(path), &e) !=
	    BRSKI_OK || x509_list_load(path, cert, &e) != BRSKI_OK ||
	    state_path(p->state_dir, STATE_LDEVID_KEY, path, sizeof(path), &e) !=
	    BRSKI_OK || key_load(path, &p->idevid_key, &e) != BRSKI_OK ||
	    state_path(p->state_dir, STATE_DOMAIN_CA, path, sizeof(path), &e) !=
	    BRSKI_OK || x509_list_load(path, &p->domain_cas, &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_STATE, "no enrolled state in %s "
		    "(enroll first): %s", p->state_dir, e.msg);
	return 1;
}

/*
 * The renewed certificate must chain to the domain anchors stored with
 * the current generation, not only to what /cacerts said on this run:
 * the registrar that answered is the one being checked.
 */
static int
check_renewed(struct pledge *p, const struct x509_list *anchors,
    struct outcome *o)
{
	struct brski_err	e = { 0 };

	if (x509_verify(p->ldevid, &p->domain_cas, anchors, time(NULL), NULL,
	    &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_ENROLL, "the renewed "
		    "certificate does not chain to the stored domain anchors: "
		    "%s", e.msg);
	return 1;
}

/*
 * Renew: authenticate with the current LDevID, same subject, a new key
 * unless rekey is off.  Rekey is the default: a renewal is the one
 * moment a key that may have leaked (or grown weak) can be retired
 * without a new bootstrap, and RFC 7030 4.2.2 allows it.  The new
 * generation is written (state.c) only after take_cert() found the
 * certificate for our key and both it and check_renewed() verified
 * the chain; until then "current" is untouched.
 */
static int
reenroll(struct pledge *p, struct outcome *o)
{
	struct brski_err	e = { 0 };
	struct x509_list	cur = { 0 };
	struct x509_list	anchors = { 0 };
	char			path[PATH_MAX];
	int			ok = 0;

	if (!load_current(p, &cur, o))
		goto out;
	if (!p->rekey && (state_path(p->state_dir, STATE_LDEVID_KEY, path,
	    sizeof(path), &e) != BRSKI_OK ||
	    key_load(path, &p->ldevid_key, &e) != BRSKI_OK)) {
		pledge_fail(o, BRSKI_EXIT_STATE, "current key: %s", e.msg);
		goto out;
	}
	/* the stored domain CAs are the anchors; /cacerts may refresh them */
	anchors = p->domain_cas;
	memset(&p->domain_cas, 0, sizeof(p->domain_cas));
	if (!pledge_connect(p, &cur, p->idevid_key, &anchors, o) ||
	    !pledge_est_enroll(p, 1, cur.v[0], o) ||
	    !check_renewed(p, &anchors, o) || !save(p, o))
		goto out;
	report_enrolled(p);
	ok = 1;
out:
	x509_list_free(&cur);
	x509_list_free(&anchors);
	return ok;
}

static int
status(struct pledge *p, struct outcome *o)
{
	struct x509_list	cur = { 0 };
	char			nb[RFC3339_MAX], na[RFC3339_MAX];

	if (!load_current(p, &cur, o))
		return 0;
	printf("LDevID: %s\nissuer: %s\nvalid: %s .. %s\n", cur.v[0]->subject,
	    cur.v[0]->issuer, rfc3339_format(cur.v[0]->not_before, nb,
	    sizeof(nb)), rfc3339_format(cur.v[0]->not_after, na, sizeof(na)));
	x509_list_free(&cur);
	return 1;
}

/*
 * "reenroll" with renew-before: is the current LDevID still good for
 * longer than that?  Then there is nothing to do, and nobody is asked.
 */
static int
renewal_due(struct pledge *p, long long before, int *due, struct outcome *o)
{
	struct x509_list	cur = { 0 };
	char			na[RFC3339_MAX];
	const char		*dir;
	time_t			now = time(NULL);

	*due = 1;
	if (before <= 0)
		return 1;
	if (!load_current(p, &cur, o))
		return 0;
	if ((long long)cur.v[0]->not_after - (long long)now > before) {
		*due = 0;
		log_info("reenroll not due: the LDevID is valid until %s, more "
		    "than renew-before (%llds) ahead", rfc3339_format(
		    cur.v[0]->not_after, na, sizeof(na)), before);
	}
	x509_list_free(&cur);
	/* load_current() took the LDevID key and anchors; configure()
	 * starts from a clean slate */
	dir = p->state_dir;
	pledge_clear(p);
	p->state_dir = dir;
	return 1;
}

/*
 * Between two registrars: free what the last try made (connections,
 * CoAP context, voucher, certificates, keys) and keep the configuration.
 * A reenroll loads the current LDevID key into idevid_key on each try.
 */
static void
reset_run(struct pledge *p, int reenrolling)
{
	httpc_conn_free(p->conn);
	p->conn = NULL;
	pledge_coaps_close(p);
	x509_list_free(&p->registrar_chain);
	secret_wipe(p->nonce, sizeof(p->nonce));
	free(p->pvr);
	p->pvr = NULL;
	p->pvr_len = 0;
	free(p->voucher);
	p->voucher = NULL;
	p->voucher_len = 0;
	x509_free(p->pinned);
	p->pinned = NULL;
	x509_list_free(&p->domain_cas);
	key_free(p->ldevid_key);
	p->ldevid_key = NULL;
	x509_free(p->ldevid);
	p->ldevid = NULL;
	if (reenrolling) {
		key_free(p->idevid_key);
		p->idevid_key = NULL;
	}
}

/* Worth trying another registrar after this?  Not for local trouble. */
static int
next_may_help(const struct outcome *o)
{
	return o->code == BRSKI_EXIT_NETWORK || o->code == BRSKI_EXIT_VOUCHER ||
	    o->code == BRSKI_EXIT_ENROLL;
}

/*
 * The URL of a DNS-SD candidate: https:// for _brski-registrar._tcp,
 * coaps:// (cBRSKI over DTLS) for a join proxy or a registrar's CoAPS
 * port.  The host is an address, with its zone when link-local;
 * safe_name is the instance name as log_safe() wrote it.
 */
static void
use_candidate(struct pledge *p, const struct discovered *d,
    const char *safe_name)
{
	memset(&p->url, 0, sizeof(p->url));
	p->url.https = 1;
	p->url.host_is_ip = 1;
	snprintf(p->url.host, sizeof(p->url.host), "%s", d->host);
	p->url.port = d->port;
	snprintf(p->url.target, sizeof(p->url.target), "/");
	p->coaps = d->kind != DISCOVER_REGISTRAR_TCP;
	log_info("trying %s \"%s\": %s://%s%s%s:%u", pledge_discover_what(
	    d->kind), safe_name, p->coaps ? "coaps" : "https",
	    strchr(d->host, ':') ? "[" : "", d->host,
	    strchr(d->host, ':') ? "]" : "", (unsigned)d->port);
}

/* Find registrars with DNS-SD, try each until one run succeeds. */
static int
run_discovered(struct pledge *p, const struct conf *c, int enrolling,
    struct outcome *o)
{
	struct discovered	*d = NULL;
	enum discover_transport	 t = DISCOVER_HTTPS;
	char			 last[sizeof(o->why)];
	char			 name[2 * DISCOVER_NAME_MAX];
	size_t			 n, i;
	int			 ok = 0;

	/* configure() has checked the name */
	(void)pledge_discover_transport(conf_str(c, "discover-transport"), &t);
	if (!pledge_discover(t, (int)conf_int(c, "discover-timeout"), &d, &n,
	    o))
		return 0;
	for (i = 0; i < n; i++) {
		if (i > 0) {
			/* the name is whatever the link announced */
			log_safe(d[i - 1].name, strlen(d[i - 1].name), name,
			    sizeof(name));
			log_warn("%s \"%s\" (%s port %u) failed: %s; "
			    "trying the next one", pledge_discover_what(
			    d[i - 1].kind), name, d[i - 1].host,
			    (unsigned)d[i - 1].port, o->why);
			reset_run(p, !enrolling);
		}
		log_safe(d[i].name, strlen(d[i].name), name, sizeof(name));
		use_candidate(p, &d[i], name);
		*o = (struct outcome){ BRSKI_EXIT_OK, "" };
		if ((ok = enrolling ? enroll(p, o) : reenroll(p, o)) ||
		    !next_may_help(o))
			break;
	}
	if (!ok && n > 1 && i == n) {
		snprintf(last, sizeof(last), "%s", o->why);
		snprintf(o->why, sizeof(o->why), "all %zu %s found with "
		    "DNS-SD failed; the last: %.*s", n, t == DISCOVER_HTTPS ?
		    "registrars" : "candidates", (int)sizeof(last) - 64, last);
	}
	free(d);
	return ok;
}

int
main(int argc, char **argv)
{
	struct conf	*c;
	struct pledge	 p;
	struct outcome	 o = { BRSKI_EXIT_OK, "" };
	const char	*cmd;
	char		 until[RFC3339_MAX];
	int		 first, ok, dnssd = 0, due = 1;

	memset(&p, 0, sizeof(p));
	p.one_shot = 1;
	if ((c = conf_new(opts)) == NULL)
		return BRSKI_EXIT_INTERNAL;
	switch (daemon_start(c, "brski-pledge", "[enroll | reenroll | status]",
	    DEFAULT_CONF, opts, argc, argv, &first)) {
	case DAEMON_EXIT_OK:
		conf_free(c);
		return 0;
	case DAEMON_EXIT_USAGE:
		conf_free(c);
		return BRSKI_EXIT_CONFIG;
	case DAEMON_RUN:
		break;
	}
	cmd = first < argc ? argv[first] : "enroll";
	p.state_dir = conf_str(c, "state-dir");
	if (first + 1 < argc || (strcmp(cmd, "enroll") != 0 &&
	    strcmp(cmd, "reenroll") != 0 && strcmp(cmd, "status") != 0))
		ok = pledge_fail(&o, BRSKI_EXIT_CONFIG, "usage: brski-pledge "
		    "[options] [enroll | reenroll | status]");
	else if (strcmp(cmd, "status") == 0)
		ok = status(&p, &o);
	else if (strcmp(cmd, "reenroll") == 0 && (!renewal_due(&p,
	    conf_int(c, "renew-before"), &due, &o) || !due))
		ok = !due;
	else if (!configure(&p, c, strcmp(cmd, "enroll") == 0, &dnssd, &o))
		ok = 0;
	else if (dnssd)
		ok = run_discovered(&p, c, strcmp(cmd, "enroll") == 0, &o);
	else
		ok = strcmp(cmd, "enroll") == 0 ? enroll(&p, &o) :
		    reenroll(&p, &o);
	if (ok && p.ldevid != NULL)
		log_info("%s done: LDevID \"%s\" valid until %s", cmd,
		    p.ldevid->subject, rfc3339_format(p.ldevid->not_after, until,
		    sizeof(until)));
	else if (!ok) {
		log_err("%s failed: %s", cmd, o.why);
		fprintf(stderr, "brski-pledge: %s\n", o.why);
	}
	pledge_clear(&p);
	conf_free(c);
	rand_cleanup();
	return ok ? BRSKI_EXIT_OK : (int)o.code;
}

void
pledge_clear(struct pledge *p)
{
	httpc_conn_free(p->conn);
	pledge_coaps_close(p);
	x509_list_free(&p->idevid_chain);
	key_free(p->idevid_key);
	x509_list_free(&p->masa_cas);
	x509_list_free(&p->registrar_chain);
	free(p->pvr);
	free(p->voucher);
	x509_free(p->pinned);
	x509_list_free(&p->domain_cas);
	key_free(p->ldevid_key);
	x509_free(p->ldevid);
	memset(p, 0, sizeof(*p));
}
