/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MASA's health checks (GET /healthz) and its own metrics: vouchers
 * issued by format, voucher requests refused by reason.
 */
#ifndef BRSKI_MASA_CHECKS_H
#define BRSKI_MASA_CHECKS_H

#include <time.h>

#include "health.h"
#include "masa.h"

#define MASA_M_ISSUED	"brski_masa_vouchers_issued_total"
#define MASA_M_REFUSED	"brski_masa_voucher_requests_refused_total"

/* What the checks look at: the MASA, and its TLS chain (httpd has its own
 * copy as PEM, loaded once at start). */
struct masa_health {
	struct masa		*m;
	struct x509_list	 tls_chain;
};

enum brski_rc	masa_health_init(struct masa_health *, struct masa *,
		    const char *, struct brski_err *);
void		masa_health_free(struct masa_health *);
void		masa_health(void *, time_t, long, struct health_report *);
enum brski_rc	masa_metrics_register(struct brski_err *);
void		masa_metrics_refused(const char *);
const char	*masa_refusal_reason(enum brski_rc);

#endif /* BRSKI_MASA_CHECKS_H */
