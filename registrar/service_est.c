/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's EST resources over HTTPS (RFC 7030 4, RFC 8951):
 * cacerts, csrattrs, simpleenroll, simplereenroll, serverkeygen.  The
 * decisions are est_logic.c's; this file speaks HTTP: base64 bodies,
 * the 401 Basic challenge common EST clients wait for before sending
 * their credentials, Retry-After, multipart/mixed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "brski.h"
#include "est.h"
#include "est_logic.h"
#include "log.h"
#include "rand.h"
#include "registrar.h"
#include "secret.h"

#define EST_REALM	"brski-registrar EST"

/* 1 right credentials, -1 wrong ones, 0 none */
static int
basic(const struct registrar *r, const struct httpd_req *rq)
{
	char	*u = NULL, *p = NULL;
	int	 ok;

	if (r->est_user == NULL || !httpd_basic_auth(rq, &u, &p))
		return httpd_header(rq, "Authorization") != NULL ? -1 : 0;
	/* the password in constant time; the user name is not secret */
	ok = strcmp(u, r->est_user) == 0 && strlen(p) == r->est_password_len &&
	    secret_equal(p, r->est_password, r->est_password_len);
	free(u);
	secret_free(p, strlen(p));
	return ok ? 1 : -1;
}

static void
reply_refusal(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    int status, const char *why)
{
	log_warn("EST %s from %s refused (%d): %s", rq->path, rq->addr, status,
	    why);
	httpd_reply_text(rs, status, "%s\n", status >= 500 ? "internal error" :
	    why);
	if (status == 202)
		rs->retry_after = r->retry_after;
	if (status == 401 && r->est_user != NULL)
		rs->auth_realm = EST_REALM;
}

/* GET /.well-known/est/cacerts (RFC 7030 4.1): no authentication. */
void
est_on_cacerts(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct brski_err	 e = { 0 };
	char			*body = NULL;
	size_t			 len;

	(void)rq;
	if (est_certs_only_body(&r->ca.chain, &body, &len, &e) != BRSKI_OK) {
		log_err("cacerts: %s", e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
		return;
	}
	httpd_reply_take(rs, 200, MT_PKCS7_CERTS, (uint8_t *)body, len);
	httpd_add_header(rs, "Content-Transfer-Encoding", "base64");
}

/* GET /.well-known/est/csrattrs (RFC 7030 4.5) */
void
est_on_csrattrs(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct brski_err	 e = { 0 };
	struct est_csrattrs	 a = { r->require_channel_binding,
	    r->ca.key->type };
	uint8_t			*der = NULL;
	char			*body = NULL;
	size_t			 len, blen;

	(void)rq;
	if (est_csrattrs_build(&a, &der, &len, &e) != BRSKI_OK ||
	    est_body_encode(der, len, &body, &blen, &e) != BRSKI_OK) {
		log_err("csrattrs: %s", e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
	} else {
		httpd_reply_take(rs, 200, MT_CSRATTRS, (uint8_t *)body, blen);
		httpd_add_header(rs, "Content-Transfer-Encoding", "base64");
	}
	free(der);
}

/* The request's CSR as DER: Content-Type checked, base64 decoded. */
static uint8_t *
request_csr(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    size_t *len)
{
	struct brski_err	 e = { 0 };
	uint8_t			*der = NULL;

	if (!httpd_content_type_is(rq, MT_PKCS10)) {
		reply_refusal(r, rq, rs, 415, "send the CSR as " MT_PKCS10);
		return NULL;
	}
	if (est_body_decode(rq->body, rq->body_len, &der, len, &e) != BRSKI_OK)
		reply_refusal(r, rq, rs, 400, e.msg);
	return der;
}

/*
 * The channel binding of the request's TLS session, when the registrar
 * requires one; NULL otherwise, or when GnuTLS cannot give it (then the
 * check refuses the CSR and says so).
 */
static const struct est_binding *
request_binding(struct registrar *r, struct httpd_req *rq,
    struct est_binding *b, uint8_t *cb, size_t cap)
{
	struct brski_err	e = { 0 };

	if (!r->require_channel_binding)
		return NULL;
	memset(b, 0, sizeof(*b));
	if (httpd_channel_binding(rq, cb, cap, &b->len, &b->type, &e) !=
	    BRSKI_OK) {
		log_warn("EST %s from %s: %s", rq->path, rq->addr, e.msg);
		return NULL;
	}
	b->cb = cb;
	return b;
}

static void
reply_cert(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    const struct est_result *res)
{
	struct x509_list	 l = { 0 };
	char			*body = NULL;
	size_t			 blen;

	if (res->status != 200) {
		reply_refusal(r, rq, rs, res->status, res->why);
		return;
	}
	if (x509_list_add_der(&l, res->cert, res->cert_len, NULL) != BRSKI_OK ||
	    est_certs_only_body(&l, &body, &blen, NULL) != BRSKI_OK)
		httpd_reply_text(rs, 500, "internal error\n");
	else {
		log_info("EST %s: issued a certificate for \"%s\" to %s",
		    rq->path, res->subject_cn, rq->addr);
		httpd_reply_take(rs, 200, MT_PKCS7_CERTS, (uint8_t *)body, blen);
		httpd_add_header(rs, "Content-Transfer-Encoding", "base64");
	}
	x509_list_free(&l);
}

/* POST /.well-known/est/simpleenroll (RFC 7030 4.2.1) */
void
est_on_simpleenroll(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct est_caller	 c;
	struct est_result	 res;
	struct est_binding	 b;
	uint8_t			*der, cb[EST_CB_MAX];
	size_t			 len;

	est_identify(r, &rq->peer, basic(r, rq), &c);
	if (c.who == EST_NOBODY) {
		reply_refusal(r, rq, rs, c.status, c.why);
		return;
	}
	if ((der = request_csr(r, rq, rs, &len)) == NULL)
		return;
	est_enroll_bound(r, &c, der, len, request_binding(r, rq, &b, cb,
	    sizeof(cb)), &res);
	reply_cert(r, rq, rs, &res);
	est_result_clear(&res);
	free(der);
}

/* POST /.well-known/est/simplereenroll (RFC 7030 4.2.2) */
void
est_on_simplereenroll(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct est_result	 res;
	struct est_binding	 b;
	uint8_t			*der, cb[EST_CB_MAX];
	size_t			 len;

	if ((der = request_csr(r, rq, rs, &len)) == NULL)
		return;
	est_reenroll_bound(r, &rq->peer, der, len, request_binding(r, rq, &b,
	    cb, sizeof(cb)), &res);
	reply_cert(r, rq, rs, &res);
	est_result_clear(&res);
	free(der);
}

/* POST /.well-known/est/serverkeygen (RFC 7030 4.4) */
void
est_on_serverkeygen(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct brski_err	 e = { 0 };
	struct est_caller	 c;
	struct est_result	 res;
	struct x509_list	 l = { 0 };
	uint8_t			*der, rnd[8];
	size_t			 len, blen;
	char			 boundary[40], ctype[80], *body = NULL;

	est_identify(r, &rq->peer, basic(r, rq), &c);
	if (c.who == EST_NOBODY) {
		reply_refusal(r, rq, rs, c.status, c.why);
		return;
	}
	if ((der = request_csr(r, rq, rs, &len)) == NULL)
		return;
	est_serverkeygen(r, &c, der, len, &res);
	if (res.status != 200)
		reply_refusal(r, rq, rs, res.status, res.why);
	else if (rand_bytes(rnd, sizeof(rnd), &e) != BRSKI_OK ||
	    x509_list_add_der(&l, res.cert, res.cert_len, &e) != BRSKI_OK ||
	    snprintf(boundary, sizeof(boundary), "est-%02x%02x%02x%02x%02x%02x"
	    "%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
	    rnd[7]) < 0 || est_serverkeygen_body(res.key, res.key_len, &l,
	    boundary, &body, &blen, &e) != BRSKI_OK)
		reply_refusal(r, rq, rs, 500, e.msg);
	else {
		snprintf(ctype, sizeof(ctype), "multipart/mixed; boundary=%s",
		    boundary);
		rs->secret = 1;	/* the body holds a private key */
		httpd_reply_take(rs, 200, NULL, (uint8_t *)body, blen);
		httpd_add_header(rs, "Content-Type", ctype);
		log_info("EST serverkeygen: key and certificate for \"%s\" sent "
		    "to %s", res.subject_cn, rq->addr);
	}
	x509_list_free(&l);
	est_result_clear(&res);
	free(der);
}
