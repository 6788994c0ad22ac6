/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's BRSKI resources (RFC 8995 5.2-5.7, 5.9.4):
 * requestvoucher (check the PVR, apply the enrollment policy, ask the
 * MASA, check its voucher, forward it unchanged), voucher_status and
 * enrollstatus (parse, store, log).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brski.h"
#include "log.h"
#include "registrar.h"
#include "telemetry.h"

static void
hexfp(const struct x509_cert *c, char out[65])
{
	int	i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", c->sha256[i]);
}

/* RFC 8995 5.3: a PVR that fails proximity or signature checks is 401
 * and the connection is closed (a relayed request is suspected). */
static void
refuse_pvr(struct httpd_req *rq, struct httpd_resp *rs,
    const struct brski_err *e)
{
	int	status = e->rc == BRSKI_EVERIFY ? 401 : brski_http_status(e->rc);

	log_warn("voucher-request from %s refused (%d): %s", rq->addr, status,
	    e->msg);
	httpd_reply_text(rs, status, "%s\n", status >= 500 ?
	    "internal error" : e->msg);
	if (status == 401)
		httpd_add_header(rs, "Connection", "close");
}

/* Policy: a known-bad device is refused, a pending one waits (202). */
static int
admit(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    const struct pvr *p, time_t now)
{
	struct brski_err	e = { 0 };
	struct reg_device	d;
	char			fp[65];

	hexfp(p->idevid, fp);
	if (reg_device_seen(r->store, p->idevid->serial_number, fp,
	    p->idevid->der, p->idevid->der_len, r->manual ? REG_PENDING :
	    REG_APPROVED, now, &d, &e) != BRSKI_OK) {
		log_err("device %s: %s", p->idevid->serial_number, e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
		return 0;
	}
	switch (d.state) {
	case REG_APPROVED:
		return 1;
	case REG_PENDING:
		log_info("device %s from %s waits for an operator (brski-registrar "
		    "ctl approve %s)", d.serial, rq->addr, d.serial);
		httpd_reply_text(rs, 202, "waiting for the operator to approve "
		    "this device\n");
		rs->retry_after = r->retry_after;
		return 0;
	default:
		log_warn("device %s from %s refused (403): %s by the operator",
		    d.serial, rq->addr, reg_state_name(d.state));
		httpd_reply_text(rs, 403, "this device is %s by the operator\n",
		    reg_state_name(d.state));
		return 0;
	}
}

/* Map the MASA's refusal to ours (RFC 8995 5.6). */
static void
masa_refused(struct httpd_resp *rs, const char *serial,
    const struct httpc_response *m)
{
	int	status = m->status;

	if (status != 403 && status != 404 && status != 406)
		status = 502;
	log_warn("device %s: the MASA answered %d: %.*s", serial, m->status,
	    (int)(m->body_len > 200 ? 200 : m->body_len),
	    m->body ? (const char *)m->body : "");
	httpd_reply_text(rs, status, "the manufacturer's MASA refused: %.*s",
	    (int)(m->body_len > 200 ? 200 : m->body_len),
	    m->body ? (const char *)m->body : "");
}

static void
get_voucher(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    const struct pvr *p, time_t now)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*m = NULL;
	uint8_t			*rvr = NULL;
	size_t			 rlen;
	char			 url[512];
	const char		*serial = p->idevid->serial_number;

	if (masa_url_for(p->idevid, r->masa_url, url, sizeof(url), &e) !=
	    BRSKI_OK || rvr_build(&r->id, p, now, &rvr, &rlen, &e) != BRSKI_OK) {
		log_warn("device %s: %s", serial, e.msg);
		httpd_reply_text(rs, brski_http_status(e.rc) == 500 ? 500 : 403,
		    "%s\n", e.msg);
		goto out;
	}
	if (masa_post(r, url, MT_VOUCHER_CMS_JSON, rvr, rlen, &m, &e) !=
	    BRSKI_OK) {
		log_warn("device %s: MASA %s: %s", serial, url, e.msg);
		httpd_reply_text(rs, 502, "the manufacturer's MASA cannot be "
		    "reached\n");
		goto out;
	}
	if (m->status != 200) {
		masa_refused(rs, serial, m);
		goto out;
	}
	if (voucher_check_from_masa(&r->id, p, m->body, m->body_len, now,
	    &e) != BRSKI_OK) {
		log_warn("device %s: voucher from %s refused: %s", serial, url,
		    e.msg);
		httpd_reply_text(rs, 502, "the MASA's voucher is not acceptable\n");
		goto out;
	}
	if (reg_device_voucher(r->store, serial, p->raw, p->raw_len, rvr, rlen,
	    m->body, m->body_len, now, &e) != BRSKI_OK) {
		log_err("device %s: %s", serial, e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
		goto out;
	}
	log_info("device %s: voucher from %s forwarded", serial, url);
	/* RFC 8995 5.6: returned unchanged */
	httpd_reply_take(rs, 200, MT_VOUCHER_CMS_JSON, m->body, m->body_len);
	m->body = NULL;
out:
	httpc_response_free(m);
	free(rvr);
}

/* POST /.well-known/brski/requestvoucher */
void
reg_on_requestvoucher(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct brski_err	 e = { 0 };
	struct pvr		 p;
	time_t			 now = time(NULL);

	if (!httpd_content_type_is(rq, MT_VOUCHER_CMS_JSON)) {
		log_warn("voucher-request from %s refused (415): Content-Type "
		    "%.64s", rq->addr, rq->content_type ? rq->content_type :
		    "(none)");
		httpd_reply_text(rs, 415, "send " MT_VOUCHER_CMS_JSON "\n");
		return;
	}
	if (!httpd_accepts(rq, MT_VOUCHER_CMS_JSON)) {
		log_warn("voucher-request from %s refused (406): Accept %.64s",
		    rq->addr, rq->accept);
		httpd_reply_text(rs, 406, "vouchers here are "
		    MT_VOUCHER_CMS_JSON "\n");
		return;
	}
	if (pvr_check(&r->id, rq->body, rq->body_len, &rq->peer, now, &p,
	    &e) != BRSKI_OK) {
		refuse_pvr(rq, rs, &e);
		pvr_clear(&p);
		return;
	}
	if (admit(r, rq, rs, &p, now))
		get_voucher(r, rq, rs, &p, now);
	pvr_clear(&p);
}

/* The device a status report speaks for: the serialNumber of the TLS
 * client certificate (IDevID, or the LDevID we issued). */
static const char *
reporter(const struct registrar *r, const struct httpd_req *rq,
    int *matched)
{
	const struct x509_cert	*c;

	*matched = 0;
	if (rq->peer.n == 0 || (c = rq->peer.v[0])->serial_number == NULL)
		return NULL;
	*matched = x509_verify(c, &rq->peer, &r->id.manufacturer_cas,
	    time(NULL), NULL, NULL) == BRSKI_OK ||
	    x509_verify(c, &rq->peer, &r->ca.chain, time(NULL), NULL, NULL) ==
	    BRSKI_OK;
	return c->serial_number;
}

static void
on_status(struct httpd_req *rq, struct httpd_resp *rs, struct registrar *r,
    const char *kind)
{
	struct brski_err	e = { 0 };
	struct telemetry	t;
	struct reg_report	rep;
	const char		*dev;
	int			matched;

	if (!httpd_content_type_is(rq, MT_JSON)) {
		httpd_reply_text(rs, 415, "send " MT_JSON "\n");
		return;
	}
	if (telemetry_parse_json(rq->body, rq->body_len, &t, &e) != BRSKI_OK) {
		log_warn("%s status from %s refused (400): %s", kind, rq->addr,
		    e.msg);
		httpd_reply_text(rs, brski_http_status(e.rc), "%s\n", e.msg);
		return;
	}
	if ((dev = reporter(r, rq, &matched)) == NULL || !matched) {
		log_warn("%s status from %s: no client certificate of a known "
		    "device (404)", kind, rq->addr);
		httpd_reply_text(rs, 404, "unknown device\n");
		telemetry_clear(&t);
		return;
	}
	memset(&rep, 0, sizeof(rep));
	rep.device = dev;
	rep.kind = kind;
	rep.status = t.status;
	rep.reason = t.reason;
	rep.context = t.context;
	rep.client_matched = matched;
	rep.peer = rq->addr;
	rep.at = time(NULL);
	if (reg_report_add(r->store, &rep, &e) != BRSKI_OK)
		log_err("%s status of %s: %s", kind, dev, e.msg);
	(t.status ? log_info : log_warn)("device %s reports %s %s%s%.200s%s%s",
	    dev, kind, t.status ? "success" : "FAILURE", t.reason ? " (" : "",
	    t.reason ? t.reason : "", t.reason ? ")" : "", t.version > 1 ?
	    "; newer telemetry version" : "");
	httpd_reply_text(rs, 200, "thank you\n");
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
