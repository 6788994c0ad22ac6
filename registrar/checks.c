/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Registrar health and metrics (checks.h).  Health: the store answers a
 * read in a transaction; the RA and domain CA keys sign; the TLS, RA and
 * domain CA chains are valid beyond the health-expiry-warn window; the
 * CRL lists every revocation (rebuilt here if the poller has not).
 * Metrics: the outcome of each voucher request and enrollment, from the
 * status its handler answered (so every refusal path is counted without
 * touching the decision code); reasons come from a fixed set.
 */
#include "config.h"

#include <string.h>

#include "metrics.h"
#include "registrar.h"
#include "checks.h"

/* GET /healthz: fill r (monitor_checks_fn). */
void
reg_health(void *ctx, time_t now, long warn_s, struct health_report *r)
{
	struct registrar		*reg = ctx;
	struct brski_err		 e = { 0 };
	const struct brski_key		*keys[2];
	const struct x509_cert		*certs[2];

	if (reg_store_ping(reg->store, &e) != BRSKI_OK)
		health_add(r, "database", 0, "%s", e.msg);
	else
		health_add(r, "database", 1, "read in a transaction");
	keys[0] = reg->id.ra_key;
	certs[0] = reg->id.ra_cert;
	keys[1] = reg->ca.key;
	certs[1] = reg->ca.cert;
	health_key(r, "keys", keys, certs, 2);
	health_cert(r, "tls-cert", &reg->id.tls_chain, now, warn_s);
	health_cert(r, "ra-cert", &reg->id.ra_chain, now, warn_s);
	health_cert(r, "ca-cert", &reg->ca.chain, now, warn_s);
	reg_crl_health(&reg->crl, now, r);
}

/* Register the registrar's families (once, at start-up). */
enum brski_rc
reg_metrics_register(struct brski_err *e)
{
	static const char *const reasons[] = { "bad-request",
	    "unauthenticated", "forbidden", "masa-refused", "not-acceptable",
	    "too-large", "media-type", "internal", "masa-error", NULL };
	static const char *const kinds[] = { "enroll", "reenroll",
	    "serverkeygen", NULL };
	enum brski_rc	rc;

	if ((rc = metrics_family(REG_M_FORWARDED, "Vouchers from a MASA "
	    "checked and forwarded to pledges.", NULL, NULL, e)) != BRSKI_OK ||
	    (rc = metrics_family(REG_M_PENDING, "Voucher requests told to "
	    "wait for an operator (202).", NULL, NULL, e)) != BRSKI_OK ||
	    (rc = metrics_family(REG_M_REFUSED, "Voucher requests refused, by "
	    "reason.", "reason", reasons, e)) != BRSKI_OK ||
	    (rc = metrics_family(REG_M_ENROLL, "Certificates issued over EST, "
	    "by operation.", "kind", kinds, e)) != BRSKI_OK)
		return rc;
	return BRSKI_OK;
}

/* Count a voucher request by the status it was answered with. */
void
reg_metrics_voucher(int status)
{
	const char	*why;

	switch (status) {
	case 200:
		metrics_inc(REG_M_FORWARDED, NULL);
		return;
	case 202:
		metrics_inc(REG_M_PENDING, NULL);
		return;
	case 400: why = "bad-request"; break;
	case 401: why = "unauthenticated"; break;	/* PVR signer, proximity */
	case 403: why = "forbidden"; break;	/* policy, ours or the MASA's */
	case 404: why = "masa-refused"; break;	/* the MASA knows no such device */
	case 406: why = "not-acceptable"; break;
	case 413: why = "too-large"; break;
	case 415: why = "media-type"; break;
	case 500: why = "internal"; break;
	case 502: why = "masa-error"; break;	/* unreachable, bad voucher */
	default: why = METRICS_OTHER; break;
	}
	metrics_inc(REG_M_REFUSED, why);
}

/* Count an issued certificate (status 200) of EST operation kind. */
void
reg_metrics_enroll(const char *kind, int status)
{
	if (status == 200)
		metrics_inc(REG_M_ENROLL, kind);
}

void
reg_count_requestvoucher(struct httpd_req *rq, struct httpd_resp *rs,
    void *arg)
{
	reg_on_requestvoucher(rq, rs, arg);
	reg_metrics_voucher(rs->status);
}

void
reg_count_simpleenroll(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	est_on_simpleenroll(rq, rs, arg);
	reg_metrics_enroll("enroll", rs->status);
}

void
reg_count_simplereenroll(struct httpd_req *rq, struct httpd_resp *rs,
    void *arg)
{
	est_on_simplereenroll(rq, rs, arg);
	reg_metrics_enroll("reenroll", rs->status);
}

void
reg_count_serverkeygen(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	est_on_serverkeygen(rq, rs, arg);
	reg_metrics_enroll("serverkeygen", rs->status);
}
