/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge's voucher exchange (RFC 8995 5.2-5.7): sign a PVR for the
 * registrar it is talking to, POST it, validate the voucher against the
 * factory-installed MASA anchor, then leave the provisional state only
 * if the registrar's TLS chain leads to the pinned domain certificate.
 * Every failure after a voucher arrived is reported with voucher_status.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cms.h"
#include "log.h"
#include "pledge.h"
#include "telemetry.h"
#include "voucher_verify.h"

/* Send voucher_status or enrollstatus; the answer is ignored (5.7). */
void
pledge_report(struct pledge *p, const char *path, int status,
    const char *reason)
{
	struct brski_err	 e = { 0 };
	struct telemetry	 t = { 1, status, (char *)reason, NULL, 0 };
	struct httpc_response	*r = NULL;
	uint8_t			*body = NULL;
	size_t			 len;
	enum brski_rc		 rc;

	/* cBRSKI: CBOR telemetry (CF 60) */
	rc = p->coaps ? telemetry_to_cbor(&t, &body, &len, &e) :
	    telemetry_to_json(&t, (char **)&body, &len, &e);
	if (rc != BRSKI_OK || pledge_send(p, "POST", path, p->coaps ? MT_CBOR :
	    MT_JSON, NULL, body, len, 4096, &r, &e) != BRSKI_OK)
		log_warn("%s not sent: %s", path, e.msg);
	else
		log_info("%s sent (%s), registrar answered %d", path,
		    status ? "success" : "failure", r->status);
	httpc_response_free(r);
	free(body);
}

static int
post_pvr(struct pledge *p, struct outcome *o)
{
	struct httpc_response	*r = NULL;
	const char		*mt = p->coaps ? MT_VOUCHER_COSE :
	    MT_VOUCHER_CMS_JSON;
	char			 why[PLEDGE_BODY_TEXT_MAX];
	int			 ok;

	if (!pledge_request(p, "POST", BRSKI_PATH_REQUESTVOUCHER, mt, mt,
	    p->pvr, p->pvr_len, CMS_DER_MAX, &r, o))
		return 0;
	if (r->status != 200)
		ok = pledge_fail(o, BRSKI_EXIT_VOUCHER, "the registrar refused "
		    "the voucher-request: %d %s", r->status,
		    pledge_body_text(r, why, sizeof(why)));
	else if (r->content_type == NULL ||
	    strncmp(r->content_type, mt, strlen(mt)) != 0)
		ok = pledge_fail(o, BRSKI_EXIT_VOUCHER, "the registrar answered "
		    "with %.64s, not a voucher", r->content_type ?
		    r->content_type : "no Content-Type");
	else {
		p->voucher = r->body;
		p->voucher_len = r->body_len;
		r->body = NULL;
		ok = 1;
	}
	httpc_response_free(r);
	return ok;
}

static int
validate(struct pledge *p, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct voucher_expect	 x;
	struct voucher		*v = NULL;
	struct x509_list	 pin = { 0 };
	int			 ok = 0;

	memset(&x, 0, sizeof(x));
	x.masa_anchors = &p->masa_cas;
	x.serial = p->idevid_chain.v[0]->serial_number;
	x.nonce = p->nonce;
	x.nonce_len = sizeof(p->nonce);
	x.allow_nonceless = p->accept_nonceless;
	x.idevid = p->idevid_chain.v[0];
	x.now = time(NULL);
	if ((p->coaps ? voucher_verify_cose : voucher_verify_cms)(p->voucher,
	    p->voucher_len, &x, &v, &p->pinned, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_VOUCHER, "voucher rejected: %s", e.msg);
		goto out;
	}
	log_info("voucher accepted: assertion %s, pinned domain \"%s\"",
	    voucher_assertion_name(v->assertion), p->pinned->subject);
	/* RFC 8995 5.6.2: the provisional TLS chain must lead to the pin */
	pin.v = &p->pinned;
	pin.n = 1;
	if (x509_verify(p->registrar_chain.v[0], &p->registrar_chain, &pin,
	    x.now, NULL, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_VOUCHER, "the registrar is not of the "
		    "domain the voucher pins (man in the middle?): %s", e.msg);
		goto out;
	}
	log_info("registrar authenticated through the pinned domain certificate");
	ok = 1;
out:
	voucher_free(v);
	return ok;
}

/*
 * The whole voucher step over the provisional connection p->conn.
 * Returns 1 when the registrar is trusted (voucher_status sent).
 */
int
pledge_get_voucher(struct pledge *p, struct outcome *o)
{
	struct brski_err	e = { 0 };

	if (pvr_make(p->idevid_chain.v[0], &p->idevid_chain, p->idevid_key,
	    p->registrar_chain.v[0], time(NULL), p->coaps, p->nonce, &p->pvr,
	    &p->pvr_len, &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "voucher-request: %s",
		    e.msg);
	log_info("voucher-request signed (serial %s, %zu bytes)",
	    p->idevid_chain.v[0]->serial_number, p->pvr_len);
	pledge_forget_tables(p);	/* the IDevID's keys are done */
	if (!post_pvr(p, o))
		return 0;
	log_info("voucher received (%zu bytes)", p->voucher_len);
	if (!validate(p, o)) {
		/* the reason may reach an untrusted registrar: keep it general */
		pledge_report(p, BRSKI_PATH_VOUCHER_STATUS, 0,
		    strncmp(o->why, "the registrar is not", 20) == 0 ?
		    "registrar not of the pinned domain" : "voucher rejected");
		return 0;
	}
	pledge_report(p, BRSKI_PATH_VOUCHER_STATUS, 1, NULL);
	return 1;
}
