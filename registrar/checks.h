/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's health checks (GET /healthz) and its own metrics:
 * voucher requests forwarded, pending and refused by reason, and
 * certificates issued by EST operation.  The HTTPS resources are counted
 * by wrappers around their handlers; the CoAPS service calls
 * reg_metrics_voucher() and reg_metrics_enroll() with the HTTP status
 * equivalent of its answer.
 */
#ifndef BRSKI_REGISTRAR_CHECKS_H
#define BRSKI_REGISTRAR_CHECKS_H

#include <time.h>

#include "health.h"
#include "httpd.h"

#define REG_M_FORWARDED	"brski_registrar_vouchers_forwarded_total"
#define REG_M_PENDING	"brski_registrar_voucher_requests_pending_total"
#define REG_M_REFUSED	"brski_registrar_voucher_requests_refused_total"
#define REG_M_ENROLL	"brski_registrar_enrollments_total"

void		reg_health(void *, time_t, long, struct health_report *);
enum brski_rc	reg_metrics_register(struct brski_err *);
void		reg_metrics_voucher(int);
void		reg_metrics_enroll(const char *, int);
void		reg_count_requestvoucher(struct httpd_req *, struct httpd_resp *,
		    void *);
void		reg_count_simpleenroll(struct httpd_req *, struct httpd_resp *,
		    void *);
void		reg_count_simplereenroll(struct httpd_req *,
		    struct httpd_resp *, void *);
void		reg_count_serverkeygen(struct httpd_req *, struct httpd_resp *,
		    void *);

#endif /* BRSKI_REGISTRAR_CHECKS_H */
