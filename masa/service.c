/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MASA's HTTPS resources (RFC 8995 5.5-5.8): requestvoucher and
 * requestauditlog.  Media types first (415, 406), then the checks of
 * rvr.c, then issuance; every refusal is a status from RFC 8995 5.6
 * with a human-readable reason, and one log line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brski.h"
#include "checks.h"
#include "httpd.h"
#include "log.h"
#include "metrics.h"
#include "service.h"

static void
refuse(struct httpd_req *rq, struct httpd_resp *rs, const char *what,
    const struct brski_err *e)
{
	int	status = brski_http_status(e->rc);

	if (strcmp(what, "voucher-request") == 0)
		masa_metrics_refused(masa_refusal_reason(e->rc));
	log_warn("%s from %s refused (%d): %s", what, rq->addr, status, e->msg);
	/* RFC 8995 5.6: the MASA explains itself in plain text */
	httpd_reply_text(rs, status, "%s\n", status >= 500 ?
	    "internal error; see the MASA's log" : e->msg);
}

/*
 * Media type and client certificate checks common to both resources.
 * *cose: the request is application/voucher+cose (constrained voucher
 * draft), answered in kind; else application/voucher-cms+json.
 */
static int
check_request(struct httpd_req *rq, struct httpd_resp *rs, int want_voucher,
    int *cose)
{
	const char	*mt;

	*cose = httpd_content_type_is(rq, MT_VOUCHER_COSE);
	if (!*cose && !httpd_content_type_is(rq, MT_VOUCHER_CMS_JSON)) {
		log_warn("request from %s refused (415): Content-Type %.64s",
		    rq->addr, rq->content_type ? rq->content_type : "(none)");
		if (want_voucher)
			masa_metrics_refused("media-type");
		httpd_reply_text(rs, 415, "send the registrar voucher-request "
		    "as " MT_VOUCHER_CMS_JSON " or " MT_VOUCHER_COSE "\n");
		return 0;
	}
	mt = *cose ? MT_VOUCHER_COSE : MT_VOUCHER_CMS_JSON;
	if (want_voucher && !httpd_accepts(rq, mt)) {
		log_warn("request from %s refused (406): Accept %.64s", rq->addr,
		    rq->accept);
		masa_metrics_refused("not-acceptable");
		httpd_reply_text(rs, 406, "a %s voucher-request is answered with "
		    "a %s voucher\n", mt, mt);
		return 0;
	}
	if (rq->peer_unparsed) {
		log_warn("request from %s refused (400): unparsable TLS client "
		    "certificate", rq->addr);
		if (want_voucher)
			masa_metrics_refused("bad-client-cert");
		httpd_reply_text(rs, 400, "TLS client certificate cannot be "
		    "parsed\n");
		return 0;
	}
	return 1;
}

/* POST /.well-known/brski/requestvoucher */
void
masa_on_requestvoucher(struct httpd_req *rq, struct httpd_resp *rs,
    void *arg)
{
	const struct masa	*m = arg;
	struct brski_err	 e = { 0 };
	struct rvr		 r;
	uint8_t			*v = NULL;
	size_t			 vlen;
	time_t			 now = time(NULL);
	int			 cose;

	if (!check_request(rq, rs, 1, &cose))
		return;
	if (rvr_authenticate(m, rq->body, rq->body_len, cose, &rq->peer, now, &r,
	    &e) != BRSKI_OK || rvr_check_pvr(m, now, &r, &e) != BRSKI_OK ||
	    masa_issue_voucher(m, &r, rq->body, rq->body_len, now, &v, &vlen,
	    &e) != BRSKI_OK) {
		if (r.vr != NULL)
			brski_prefix(&e, "serial %s, domain %s: ",
			    r.vr->serial_number, r.domain_id);
		refuse(rq, rs, "voucher-request", &e);
		rvr_clear(&r);
		return;
	}
	log_info("voucher issued: serial %s, domain %s, assertion %s, %s, %s",
	    r.vr->serial_number, r.domain_id,
	    voucher_assertion_name(r.assertion),
	    r.nonce_text ? "nonced" : "nonceless", cose ? "COSE" : "CMS");
	metrics_inc(MASA_M_ISSUED, cose ? "cose" : "cms");
	httpd_reply_take(rs, 200, cose ? MT_VOUCHER_COSE : MT_VOUCHER_CMS_JSON, v,
	    vlen);
	rvr_clear(&r);
}

/* POST /.well-known/brski/requestauditlog (RFC 8995 5.7) */
void
masa_on_requestauditlog(struct httpd_req *rq, struct httpd_resp *rs,
    void *arg)
{
	const struct masa	*m = arg;
	struct brski_err	 e = { 0 };
	struct rvr		 r;
	char			*log = NULL;
	size_t			 len;
	int			 cose;

	if (!check_request(rq, rs, 0, &cose))
		return;
	if (rvr_authenticate(m, rq->body, rq->body_len, cose, &rq->peer,
	    time(NULL), &r, &e) != BRSKI_OK || masa_auditlog(m, &r, &log, &len, &e) !=
	    BRSKI_OK) {
		refuse(rq, rs, "audit log request", &e);
		rvr_clear(&r);
		return;
	}
	log_info("audit log of %s sent to domain %s", r.vr->serial_number,
	    r.domain_id);
	httpd_reply_take(rs, 200, MT_JSON, (uint8_t *)log, len);
	rvr_clear(&r);
}
