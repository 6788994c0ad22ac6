/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's BRSKI resources over HTTPS (RFC 8995 5.2-5.7, 5.9.4):
 * requestvoucher, voucher_status and enrollstatus.  The decisions are
 * voucher_flow.c's; this file speaks HTTP (media types, 401 with
 * Connection: close, Retry-After).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brski.h"
#include "log.h"
#include "registrar.h"
#include "voucher_flow.h"

/* POST /.well-known/brski/requestvoucher */
void
reg_on_requestvoucher(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct vflow		 f;
	int			 cose = httpd_content_type_is(rq, MT_VOUCHER_COSE);
	const char		*mt = cose ? MT_VOUCHER_COSE : MT_VOUCHER_CMS_JSON;

	if (!cose && !httpd_content_type_is(rq, MT_VOUCHER_CMS_JSON)) {
		log_warn("voucher-request from %s refused (415): Content-Type "
		    "%.64s", rq->addr, rq->content_type ? rq->content_type :
		    "(none)");
		httpd_reply_text(rs, 415, "send " MT_VOUCHER_CMS_JSON "\n");
		return;
	}
	if (!httpd_accepts(rq, mt)) {
		log_warn("voucher-request from %s refused (406): Accept %.64s",
		    rq->addr, rq->accept);
		httpd_reply_text(rs, 406, "vouchers for %s requests are %s\n", mt,
		    mt);
		return;
	}
	vflow_run(r, rq->body, rq->body_len, cose, &rq->peer, rq->addr, &f);
	if (f.status == 200) {
		httpd_reply_take(rs, 200, mt, f.voucher, f.voucher_len);
		f.voucher = NULL;
	} else {
		httpd_reply_text(rs, f.status, "%s\n", f.status >= 500 &&
		    f.status != 502 ? "internal error" : f.why);
		if (f.status == 202)
			rs->retry_after = r->retry_after;
		if (f.status == 401)	/* RFC 8995 5.3: then close */
			httpd_add_header(rs, "Connection", "close");
	}
	vflow_clear(&f);
}

static void
on_status(struct httpd_req *rq, struct httpd_resp *rs, struct registrar *r,
    const char *kind)
{
	struct brski_err	e = { 0 };
	struct telemetry	t;
	int			status;

	if (!httpd_content_type_is(rq, MT_JSON)) {
		log_warn("%s status from %s refused (415): Content-Type %.64s",
		    kind, rq->addr, rq->content_type ? rq->content_type :
		    "(none)");
		httpd_reply_text(rs, 415, "send " MT_JSON "\n");
		return;
	}
	if (telemetry_parse_json(rq->body, rq->body_len, &t, &e) != BRSKI_OK) {
		log_warn("%s status from %s refused (400): %s", kind, rq->addr,
		    e.msg);
		httpd_reply_text(rs, brski_http_status(e.rc), "%s\n", e.msg);
		return;
	}
	status = vflow_report(r, kind, &t, &rq->peer, rq->addr);
	httpd_reply_text(rs, status, "%s\n", status == 200 ? "thank you" :
	    "unknown device");
	telemetry_clear(&t);
}

/* POST /.well-known/brski/voucher_status (RFC 8995 5.7) */
void
reg_on_voucher_status(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	on_status(rq, rs, arg, "voucher");
}

/* POST /.well-known/brski/enrollstatus (RFC 8995 5.9.4) */
void
reg_on_enrollstatus(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	on_status(rq, rs, arg, "enroll");
}
