/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Counters and latency histograms for the daemons, rendered in the
 * Prometheus text exposition format 0.0.4.  One registry per process
 * (like Prometheus's default registry), so any module can count without
 * a handle being passed down.  Every label value comes from a fixed set
 * registered at start-up; anything else counts as "other", so a scanner
 * probing random paths cannot grow memory.
 *
 * Usage (the HTTPS server does the request part itself, see httpd.c):
 *
 *	metrics_init();					once, in main()
 *	metrics_endpoint("coaps:/.well-known/est/sen");	per resource
 *	static const char *const why[] = { "policy", "verify", NULL };
 *	metrics_family("brski_x_refused_total", "Refusals by reason.",
 *	    "reason", why, &e);
 *	...any thread, any time after that...
 *	metrics_request("coaps:/.well-known/est/sen", 204, elapsed_us);
 *	metrics_inc("brski_x_refused_total", "policy");
 *
 * Registration may run concurrently with counting (entries are
 * published with release/acquire and never move); counting is lock-free
 * (C11 atomics).  CoAP codes are passed as class * 100 + detail (2.04
 * is 204); CoAP endpoints carry a "coaps:" prefix.
 */
#ifndef BRSKI_METRICS_H
#define BRSKI_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define METRICS_ENDPOINTS_MAX	48	/* resources of one daemon, all protocols */
#define METRICS_FAMILIES_MAX	24
#define METRICS_VALUES_MAX	24	/* label values of one family */
#define METRICS_NAME_MAX	96	/* endpoint path or metric name */
#define METRICS_OTHER		"other"

void		 metrics_init(void);
int		 metrics_endpoint(const char *);
enum brski_rc	 metrics_family(const char *, const char *, const char *,
		    const char *const *, struct brski_err *);
void		 metrics_request(const char *, int, uint64_t);
int		 metrics_inc(const char *, const char *);
uint64_t	 metrics_get(const char *, const char *);
uint64_t	 metrics_requests(const char *, int);
enum brski_rc	 metrics_render(char **, size_t *, struct brski_err *);
void		 metrics_reset(void);

#endif /* BRSKI_METRICS_H */
