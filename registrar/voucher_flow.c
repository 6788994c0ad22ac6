/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The voucher exchange at the registrar (RFC 8995 5.2-5.7; cBRSKI for
 * the COSE form): check the PVR, apply the enrollment policy, build and
 * sign the RVR, ask the MASA, check its voucher, record it, and hand it
 * on (unchanged; a COSE voucher without its unprotected x5bag).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brski.h"
#include "log.h"
#include "voucher_flow.h"

static void	set(struct vflow *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
set(struct vflow *f, int status, const char *fmt, ...)
{
	va_list	ap;

	f->status = status;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
}

static void
hexfp(const struct x509_cert *c, char out[65])
{
	int	i;

	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", c->sha256[i]);
}

/* Policy: a known-bad device is refused, a pending one waits (202). */
static int
admit(struct registrar *r, const struct pvr *p, const char *addr, time_t now,
    struct vflow *f)
{
	struct brski_err	e = { 0 };
	struct reg_device	d;
	char			fp[65];

	hexfp(p->idevid, fp);
	if (reg_device_seen(r->store, p->idevid->serial_number, fp,
	    p->idevid->der, p->idevid->der_len, r->manual ? REG_PENDING :
	    REG_APPROVED, now, &d, &e) != BRSKI_OK) {
		log_err("device %s: %s", p->idevid->serial_number, e.msg);
		set(f, 500, "internal error");
		return 0;
	}
	if (d.state == REG_APPROVED)
		return 1;
	if (d.state == REG_PENDING) {
		log_info("device %s from %s waits for an operator (brski-registrar "
		    "ctl approve %s)", d.serial, addr, d.serial);
		set(f, 202, "waiting for the operator to approve this device");
	} else
		set(f, 403, "this device is %s by the operator",
		    reg_state_name(d.state));
	return 0;
}

/* The MASA's refusal becomes ours (RFC 8995 5.6). */
static void
masa_refused(struct vflow *f, const char *serial,
    const struct httpc_response *m)
{
	int	len = (int)(m->body_len > 200 ? 200 : m->body_len);

	set(f, m->status == 403 || m->status == 404 || m->status == 406 ?
	    m->status : 502, "the manufacturer's MASA refused: %.*s", len,
	    m->body ? (const char *)m->body : "");
	log_warn("device %s: the MASA answered %d: %.*s", serial, m->status, len,
	    m->body ? (const char *)m->body : "");
}

static void
get_voucher(struct registrar *r, const struct pvr *p, time_t now,
    struct vflow *f)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*m = NULL;
	uint8_t			*rvr = NULL;
	size_t			 rlen;
	char			 url[512];
	const char		*serial = p->idevid->serial_number;

	if (masa_url_for(p->idevid, r->masa_url, url, sizeof(url), &e) !=
	    BRSKI_OK || rvr_build(&r->id, p, now, &rvr, &rlen, &e) != BRSKI_OK) {
		set(f, brski_http_status(e.rc) == 500 ? 500 : 403, "%s", e.msg);
		goto out;
	}
	if (masa_post(r, url, p->cose ? MT_VOUCHER_COSE : MT_VOUCHER_CMS_JSON,
	    rvr, rlen, &m, &e) != BRSKI_OK) {
		log_warn("device %s: MASA %s: %s", serial, url, e.msg);
		set(f, 502, "the manufacturer's MASA cannot be reached");
		goto out;
	}
	if (m->status != 200) {
		masa_refused(f, serial, m);
		goto out;
	}
	if (voucher_check_from_masa(&r->id, p, m->body, m->body_len, now,
	    &f->voucher, &f->voucher_len, &e) != BRSKI_OK) {
		log_warn("device %s: voucher from %s refused: %s", serial, url,
		    e.msg);
		set(f, 502, "the MASA's voucher is not acceptable");
		goto out;
	}
	if (reg_device_voucher(r->store, serial, p->raw, p->raw_len, rvr, rlen,
	    f->voucher, f->voucher_len, now, &e) != BRSKI_OK) {
		log_err("device %s: %s", serial, e.msg);
		vflow_clear(f);
		set(f, 500, "internal error");
		goto out;
	}
	log_info("device %s: %s voucher from %s forwarded", serial,
	    p->cose ? "COSE" : "CMS", url);
	set(f, 200, "voucher");
out:
	httpc_response_free(m);
	free(rvr);
}

/*
 * Run the exchange for a PVR (body; cose selects the format) from a
 * client with chain peer at addr.  f is filled in every case.
 */
void
vflow_run(struct registrar *r, const uint8_t *body, size_t len, int cose,
    const struct x509_list *peer, const char *addr, struct vflow *f)
{
	struct brski_err	e = { 0 };
	struct pvr		p;
	time_t			now = time(NULL);

	memset(f, 0, sizeof(*f));
	if (pvr_check(&r->id, body, len, cose, peer, now, &p, &e) != BRSKI_OK) {
		/* RFC 8995 5.3: a relayed or foreign signature is 401 */
		set(f, e.rc == BRSKI_EVERIFY ? 401 : brski_http_status(e.rc), "%s",
		    e.msg);
		log_warn("voucher-request from %s refused (%d): %s", addr,
		    f->status, e.msg);
	} else if (admit(r, &p, addr, now, f))
		get_voucher(r, &p, now, f);
	pvr_clear(&p);
}

void
vflow_clear(struct vflow *f)
{
	free(f->voucher);
	f->voucher = NULL;
	f->voucher_len = 0;
}

/*
 * Store and log a voucher_status or enrollstatus (kind "voucher" or
 * "enroll") from a client with chain peer.  Returns 200, or 404 when no
 * known device sent it (RFC 8995 5.7 allows either).
 */
int
vflow_report(struct registrar *r, const char *kind, const struct telemetry *t,
    const struct x509_list *peer, const char *addr)
{
	struct brski_err	 e = { 0 };
	struct reg_report	 rep;
	const struct x509_cert	*c;
	time_t			 now = time(NULL);
	int			 matched;

	if (peer->n == 0 || (c = peer->v[0])->serial_number == NULL) {
		log_warn("%s status from %s: no client certificate of a device",
		    kind, addr);
		return 404;
	}
	/* the session's client: the IDevID, or an LDevID we issued */
	matched = x509_verify(c, peer, &r->id.manufacturer_cas, now, NULL,
	    NULL) == BRSKI_OK || x509_verify(c, peer, &r->ca.chain, now, NULL,
	    NULL) == BRSKI_OK;
	if (!matched) {
		log_warn("%s status from %s: client certificate of no known "
		    "device", kind, addr);
		return 404;
	}
	memset(&rep, 0, sizeof(rep));
	rep.device = c->serial_number;
	rep.kind = kind;
	rep.status = t->status;
	rep.reason = t->reason;
	rep.context = t->context;
	rep.client_matched = matched;
	rep.peer = addr;
	rep.at = now;
	if (reg_report_add(r->store, &rep, &e) != BRSKI_OK)
		log_err("%s status of %s: %s", kind, c->serial_number, e.msg);
	(t->status ? log_info : log_warn)("device %s reports %s %s%s%.200s%s%s",
	    c->serial_number, kind, t->status ? "success" : "FAILURE",
	    t->reason ? " (" : "", t->reason ? t->reason : "", t->reason ? ")" :
	    "", t->version > 1 ? "; newer telemetry version" : "");
	return 200;
}
