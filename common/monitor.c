/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * GET /healthz and GET /metrics for brski-registrar and brski-masa
 * (monitor.h).
 *
 * /healthz runs the daemon's checks on every probe (a read in a database
 * transaction, a signature per key, the validity of the loaded chains:
 * well under a millisecond beside the TLS handshake), answers 200 or 503
 * with the JSON of health_json(), and logs only changes of state.  It
 * asks for no client certificate: the servers request one but never
 * require it (httpd.c), and the answer names nothing secret.
 *
 * /metrics is refused (403) unless the TCP peer's address is in
 * metrics-allow; by default that is loopback (127.0.0.0/8, ::1), so a
 * scraper runs on the host or the operator opens a prefix.  An address,
 * not a client certificate: Prometheus and most agents scrape from known
 * hosts, and the counters are not secret, only nobody else's business.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "metrics.h"
#include "monitor.h"

#define MT_PROMETHEUS	"text/plain; version=0.0.4; charset=utf-8"

/*
 * Parse "ADDRESS" or "ADDRESS/BITS" (IPv4 or IPv6).  Host bits under
 * the prefix must be zero: "10.0.0.1/8" is refused as a likely typo.
 */
enum brski_rc
monitor_net_parse(const char *s, struct monitor_net *n,
    struct brski_err *e)
{
	char		 host[INET6_ADDRSTRLEN + 1], *end;
	const char	*slash = strchr(s, '/');
	size_t		 hlen = slash ? (size_t)(slash - s) : strlen(s), i;
	long		 bits;
	unsigned	 max;

	memset(n, 0, sizeof(*n));
	if (hlen == 0 || hlen >= sizeof(host))
		goto bad;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (inet_pton(AF_INET, host, n->addr) == 1)
		n->family = AF_INET;
	else if (inet_pton(AF_INET6, host, n->addr) == 1)
		n->family = AF_INET6;
	else
		goto bad;
	max = n->family == AF_INET ? 32 : 128;
	n->prefix = max;
	if (slash != NULL) {
		bits = strtol(slash + 1, &end, 10);
		if (slash[1] == '\0' || *end != '\0' || bits < 0 ||
		    bits > (long)max)
			goto bad;
		n->prefix = (unsigned)bits;
	}
	for (i = n->prefix; i < max; i++)
		if (n->addr[i / 8] & (0x80 >> (i % 8)))
			return brski_fail(e, BRSKI_ECONFIG, "metrics-allow %.64s: "
			    "bits set past the /%u prefix (write the network "
			    "address)", s, n->prefix);
	return BRSKI_OK;
bad:
	return brski_fail(e, BRSKI_ECONFIG, "metrics-allow %.64s: give an IPv4 "
	    "or IPv6 address, optionally /prefix-length, or none", s);
}

static enum brski_rc
parse_allow(struct monitor *m, const struct conf *c, struct brski_err *e)
{
	const char *const	*v;
	size_t			 n, i;
	enum brski_rc		 rc;

	n = conf_list(c, "metrics-allow", &v);
	if (n == 0) {		/* loopback */
		monitor_net_parse("127.0.0.0/8", &m->allow[0], e);
		monitor_net_parse("::1", &m->allow[1], e);
		m->nallow = 2;
		return BRSKI_OK;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(v[i], "none") == 0) {
			if (n > 1)
				return brski_fail(e, BRSKI_ECONFIG, "metrics-allow "
				    "none cannot be combined with addresses");
			return BRSKI_OK;
		}
		if ((rc = monitor_net_parse(v[i], &m->allow[m->nallow], e)) !=
		    BRSKI_OK)
			return rc;
		m->nallow++;
	}
	return BRSKI_OK;
}

/*
 * Set up the monitor of daemon name from its configuration (the options
 * of MONITOR_CONF_OPTS); checks(ctx, ...) fills each /healthz report.
 */
enum brski_rc
monitor_init(struct monitor *m, const char *name, const struct conf *c,
    monitor_checks_fn checks, void *ctx, struct brski_err *e)
{
	enum brski_rc	rc;

	memset(m, 0, sizeof(*m));
	m->name = name;
	m->checks = checks;
	m->ctx = ctx;
	m->warn_s = conf_int(c, "health-expiry-warn");
	if ((rc = parse_allow(m, c, e)) != BRSKI_OK)
		return rc;
	health_state_init(&m->state);
	m->ready = 1;
	metrics_init();
	return BRSKI_OK;
}

/* Undo monitor_init(); safe on a monitor that was never set up. */
void
monitor_free(struct monitor *m)
{
	if (m == NULL || !m->ready)
		return;
	health_state_free(&m->state);
	m->ready = 0;
}

static int
in_net(const struct monitor_net *n, int family, const uint8_t *a)
{
	unsigned	full = n->prefix / 8, rest = n->prefix % 8;

	if (n->family != family || memcmp(n->addr, a, full) != 0)
		return 0;
	return rest == 0 || ((n->addr[full] ^ a[full]) &
	    (uint8_t)(0xff << (8 - rest))) == 0;
}

/*
 * May the client at addr (text, as httpd_req.addr) read /metrics?  An
 * IPv4 client of a dual-stack socket appears as ::ffff:a.b.c.d and is
 * matched as the IPv4 address it is.
 */
int
monitor_allowed(const struct monitor *m, const char *addr)
{
	static const uint8_t	mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
				    0xff, 0xff };
	uint8_t			a[16];
	int			family;
	size_t			i;

	if (inet_pton(AF_INET, addr, a) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, addr, a) == 1) {
		family = AF_INET6;
		if (memcmp(a, mapped, sizeof(mapped)) == 0) {
			memmove(a, a + 12, 4);
			family = AF_INET;
		}
	} else
		return 0;
	for (i = 0; i < m->nallow; i++)
		if (in_net(&m->allow[i], family, a))
			return 1;
	return 0;
}

/* GET /healthz */
void
monitor_on_healthz(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct monitor		*m = arg;
	struct health_report	 r;
	struct brski_err	 e = { 0 };
	char			*json = NULL;
	size_t			 len;

	(void)rq;
	memset(&r, 0, sizeof(r));
	m->checks(m->ctx, time(NULL), m->warn_s, &r);
	health_note(&m->state, m->name, &r);
	if (health_json(&r, &json, &len, &e) != BRSKI_OK) {
		log_err("%s health: %s", m->name, e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
		return;
	}
	httpd_reply_take(rs, health_ok(&r) ? 200 : 503, "application/json",
	    (uint8_t *)json, len);
	httpd_add_header(rs, "Cache-Control", "no-store");
}

/* GET /metrics */
void
monitor_on_metrics(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct monitor		*m = arg;
	struct brski_err	 e = { 0 };
	char			*text = NULL;
	size_t			 len;

	if (!monitor_allowed(m, rq->addr)) {
		log_warn("%s: /metrics refused to %s (not in metrics-allow)",
		    m->name, rq->addr);
		httpd_reply_text(rs, 403, "metrics are not served to this "
		    "address (see metrics-allow)\n");
		return;
	}
	if (metrics_render(&text, &len, &e) != BRSKI_OK) {
		log_err("%s: /metrics: %s", m->name, e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
		return;
	}
	httpd_reply_take(rs, 200, MT_PROMETHEUS, (uint8_t *)text, len);
	httpd_add_header(rs, "Cache-Control", "no-store");
}
