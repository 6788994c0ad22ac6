/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The operator's monitoring resources of the HTTPS daemons: GET /healthz
 * (the daemon's health checks as JSON, 200 or 503; no client
 * certificate needed, as load balancers have none) and GET /metrics
 * (metrics.h, Prometheus text format 0.0.4), served only to the client
 * addresses of "metrics-allow" (default: loopback).
 */
#ifndef BRSKI_MONITOR_H
#define BRSKI_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "err.h"
#include "health.h"
#include "httpd.h"

#define MONITOR_PATH_HEALTHZ	"/healthz"
#define MONITOR_PATH_METRICS	"/metrics"
#define MONITOR_ALLOW_MAX	(CONF_LIST_MAX + 2)

/* The two options every daemon with a monitor adds to its table. */
#define MONITOR_CONF_OPTS \
	{ "health-expiry-warn", CFG_DURATION, "30d", 0, 3650L * 86400, \
	    "/healthz fails when a certificate expires within this time" }, \
	{ "metrics-allow", CFG_LIST, NULL, 0, 0, "client address or prefix " \
	    "(CIDR) allowed to GET /metrics, or none [loopback]" }

/* Fill r with the daemon's checks at now (certificates: warn_s window). */
typedef void	(*monitor_checks_fn)(void *, time_t, long,
		    struct health_report *);

struct monitor_net {
	int		family;		/* AF_INET or AF_INET6 */
	uint8_t		addr[16];
	unsigned	prefix;		/* bits */
};

struct monitor {
	const char		*name;		/* "registrar", for log lines */
	monitor_checks_fn	 checks;
	void			*ctx;
	long			 warn_s;
	struct monitor_net	 allow[MONITOR_ALLOW_MAX];
	size_t			 nallow;
	struct health_state	 state;
	int			 ready;
};

enum brski_rc	monitor_init(struct monitor *, const char *, const struct conf *,
		    monitor_checks_fn, void *, struct brski_err *);
void		monitor_free(struct monitor *);
enum brski_rc	monitor_net_parse(const char *, struct monitor_net *,
		    struct brski_err *);
int		monitor_allowed(const struct monitor *, const char *);
void		monitor_on_healthz(struct httpd_req *, struct httpd_resp *,
		    void *);
void		monitor_on_metrics(struct httpd_req *, struct httpd_resp *,
		    void *);

#endif /* BRSKI_MONITOR_H */
