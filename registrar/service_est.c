/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's EST resources (RFC 7030 4, RFC 8951): cacerts,
 * csrattrs, simpleenroll, simplereenroll, serverkeygen.  Who may enroll
 * (RFC 7030 3.2.3, 3.3.2): a pledge whose voucher exchange with us
 * succeeded (its IDevID authenticates TLS), a client with a certificate
 * from a configured EST client CA, or one with the configured HTTP Basic
 * credentials.  Others get 401 with a Basic challenge, which common EST
 * clients wait for before sending their credentials.  The subject of an
 * issued certificate comes from policy, never blindly from the CSR.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "brski.h"
#include "est.h"
#include "log.h"
#include "rand.h"
#include "registrar.h"
#include "secret.h"

#define EST_REALM	"brski-registrar EST"

enum who {
	WHO_NOBODY = 0,
	WHO_PLEDGE,		/* IDevID + a voucher exchange with us */
	WHO_OPERATOR,		/* EST client CA or Basic credentials */
};

struct caller {
	enum who	 who;
	const char	*device;	/* pledge serial */
	char		 why[256];	/* for a refusal */
	int		 status;	/* 401, 403 or 202 for a refusal */
};

static int
basic_ok(const struct registrar *r, const struct httpd_req *rq)
{
	char	*u = NULL, *p = NULL;
	int	 ok;

	if (r->est_user == NULL || !httpd_basic_auth(rq, &u, &p))
		return 0;
	/* the password in constant time; the user name is not secret */
	ok = strcmp(u, r->est_user) == 0 && strlen(p) == r->est_password_len &&
	    secret_equal(p, r->est_password, r->est_password_len);
	free(u);
	secret_free(p, strlen(p));
	return ok;
}

/* A pledge: its IDevID, its device row approved, its voucher done. */
static void
as_pledge(struct registrar *r, const struct httpd_req *rq, struct caller *c)
{
	struct brski_err	e = { 0 };
	struct reg_device	d;
	const struct x509_cert	*id = rq->peer.v[0];

	if (reg_device_get(r->store, id->serial_number, &d, &e) != BRSKI_OK ||
	    !d.voucher_ok) {
		c->status = 403;
		snprintf(c->why, sizeof(c->why), "device %s has no voucher "
		    "exchange with this registrar: enroll without voucher",
		    id->serial_number);
		return;
	}
	if (d.state == REG_PENDING) {
		c->status = 202;
		snprintf(c->why, sizeof(c->why), "device %s waits for the "
		    "operator", d.serial);
		return;
	}
	if (d.state != REG_APPROVED) {
		c->status = 403;
		snprintf(c->why, sizeof(c->why), "device %s is %s", d.serial,
		    reg_state_name(d.state));
		return;
	}
	c->who = WHO_PLEDGE;
	c->device = id->serial_number;
}

static void
identify(struct registrar *r, const struct httpd_req *rq, struct caller *c)
{
	time_t	now = time(NULL);

	memset(c, 0, sizeof(*c));
	c->status = 401;
	snprintf(c->why, sizeof(c->why), "no credentials: a client "
	    "certificate or HTTP Basic is required");
	if (rq->peer.n > 0 && r->est_client_cas.n > 0 &&
	    x509_verify(rq->peer.v[0], &rq->peer, &r->est_client_cas, now,
	    NULL, NULL) == BRSKI_OK) {
		c->who = WHO_OPERATOR;
		return;
	}
	if (rq->peer.n > 0 && rq->peer.v[0]->serial_number != NULL &&
	    x509_verify(rq->peer.v[0], &rq->peer, &r->id.manufacturer_cas, now,
	    NULL, NULL) == BRSKI_OK) {
		as_pledge(r, rq, c);
		return;
	}
	if (basic_ok(r, rq))
		c->who = WHO_OPERATOR;
	else if (r->est_user != NULL && httpd_header(rq, "Authorization"))
		snprintf(c->why, sizeof(c->why), "wrong HTTP Basic credentials");
}

static int
refused(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    const struct caller *c)
{
	if (c->who != WHO_NOBODY)
		return 0;
	log_warn("EST %s from %s refused (%d): %s", rq->path, rq->addr,
	    c->status, c->why);
	httpd_reply_text(rs, c->status, "%s\n", c->why);
	if (c->status == 202)
		rs->retry_after = r->retry_after;
	if (c->status == 401 && r->est_user != NULL)
		rs->auth_realm = EST_REALM;
	return 1;
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
	struct est_csrattrs	 a = { 0, r->ca.key->type };
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

/* The CSR of the request, parsed with its self-signature checked. */
static struct csr *
request_csr(struct httpd_req *rq, struct httpd_resp *rs)
{
	struct brski_err	 e = { 0 };
	struct csr		*csr = NULL;
	uint8_t			*der = NULL;
	size_t			 len;

	if (!httpd_content_type_is(rq, MT_PKCS10)) {
		log_warn("EST %s from %s refused (415): Content-Type %.64s",
		    rq->path, rq->addr, rq->content_type ? rq->content_type :
		    "(none)");
		httpd_reply_text(rs, 415, "send the CSR as " MT_PKCS10 "\n");
		return NULL;
	}
	if (est_body_decode(rq->body, rq->body_len, &der, &len, &e) !=
	    BRSKI_OK || csr_parse(der, len, &csr, &e) != BRSKI_OK) {
		log_warn("EST %s from %s refused (400): %s", rq->path, rq->addr,
		    e.msg);
		httpd_reply_text(rs, 400, "%s\n", e.msg);
	}
	free(der);
	return csr;
}

static void
reply_cert(struct httpd_resp *rs, const uint8_t *der, size_t len)
{
	struct x509_list	 l = { 0 };
	char			*body = NULL;
	size_t			 blen;

	if (x509_list_add_der(&l, der, len, NULL) != BRSKI_OK ||
	    est_certs_only_body(&l, &body, &blen, NULL) != BRSKI_OK)
		httpd_reply_text(rs, 500, "internal error\n");
	else {
		httpd_reply_take(rs, 200, MT_PKCS7_CERTS, (uint8_t *)body, blen);
		httpd_add_header(rs, "Content-Transfer-Encoding", "base64");
	}
	x509_list_free(&l);
}

/* Policy for the subject: a pledge gets its IDevID serialNumber; an
 * operator's client keeps the CSR's CN (only). */
static int
subject_for(const struct caller *c, const struct csr *csr,
    struct ca_subject *s, char *why, size_t whylen)
{
	memset(s, 0, sizeof(*s));
	if (c->who == WHO_PLEDGE) {
		s->cn = c->device;
		s->serial_number = c->device;
		return 1;
	}
	if (csr->cn == NULL || *csr->cn == '\0' || strlen(csr->cn) > 64) {
		snprintf(why, whylen, "the CSR needs a commonName of 1..64 "
		    "characters");
		return 0;
	}
	s->cn = csr->cn;
	return 1;
}

static void
enroll(struct registrar *r, struct httpd_req *rq, struct httpd_resp *rs,
    const struct caller *c, const struct csr *csr, const struct ca_subject *s)
{
	struct brski_err	 e = { 0 };
	uint8_t			*der = NULL;
	size_t			 len;

	if (ca_issue(&r->ca, csr->spki, csr->spki_len, s, c->device, time(NULL),
	    &der, &len, &e) != BRSKI_OK) {
		log_err("EST %s from %s: %s", rq->path, rq->addr, e.msg);
		httpd_reply_text(rs, brski_http_status(e.rc), "certificate not "
		    "issued\n");
		return;
	}
	log_info("EST %s: issued a certificate for \"%s\" (device %s) to %s",
	    rq->path, s->cn, c->device ? c->device : "none", rq->addr);
	reply_cert(rs, der, len);
	free(der);
}

/* POST /.well-known/est/simpleenroll (RFC 7030 4.2.1) */
void
est_on_simpleenroll(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct caller		 c;
	struct csr		*csr;
	struct ca_subject	 s;
	char			 why[128];

	identify(r, rq, &c);
	if (refused(r, rq, rs, &c) || (csr = request_csr(rq, rs)) == NULL)
		return;
	if (!subject_for(&c, csr, &s, why, sizeof(why))) {
		log_warn("EST simpleenroll from %s refused (400): %s", rq->addr,
		    why);
		httpd_reply_text(rs, 400, "%s\n", why);
	} else
		enroll(r, rq, rs, &c, csr, &s);
	csr_free(csr);
}

/* The LDevID a reenrolling client authenticated with: one we issued,
 * valid now, not revoked. */
static const struct x509_cert *
our_ldevid(struct registrar *r, const struct httpd_req *rq, char *why,
    size_t whylen, char *device, size_t devlen)
{
	struct brski_err	 e = { 0 };
	struct reg_cert		 rec;
	uint8_t			*der = NULL;
	char			 hex[65];
	const struct x509_cert	*c;
	size_t			 i;

	if (rq->peer.n == 0) {
		snprintf(why, whylen, "reenrollment needs the current "
		    "certificate as TLS client certificate");
		return NULL;
	}
	c = rq->peer.v[0];
	if (x509_verify(c, &rq->peer, &r->ca.chain, time(NULL), NULL, &e) !=
	    BRSKI_OK) {
		snprintf(why, whylen, "client certificate is not a valid one of "
		    "this domain: %s", e.msg);
		return NULL;
	}
	for (i = 0; i < c->serial_len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02X", c->serial[i]);
	if (reg_cert_get(r->store, hex, &rec, &der, &e) != BRSKI_OK) {
		snprintf(why, whylen, "certificate %s is not on record", hex);
		return NULL;
	}
	free(der);
	if (rec.revoked_at != 0) {
		snprintf(why, whylen, "certificate %s is revoked", hex);
		return NULL;
	}
	snprintf(device, devlen, "%s", rec.device);
	return c;
}

/* POST /.well-known/est/simplereenroll (RFC 7030 4.2.2): same subject,
 * a new key allowed (rekey). */
void
est_on_simplereenroll(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	const struct x509_cert	*old;
	struct caller		 c;
	struct csr		*csr;
	struct ca_subject	 s;
	char			 why[512], dev[REG_SERIAL_MAX + 1];

	if ((old = our_ldevid(r, rq, why, sizeof(why), dev, sizeof(dev))) ==
	    NULL) {
		log_warn("EST simplereenroll from %s refused (403): %s", rq->addr,
		    why);
		httpd_reply_text(rs, 403, "%s\n", why);
		return;
	}
	if ((csr = request_csr(rq, rs)) == NULL)
		return;
	if (strcmp(csr->subject, old->subject) != 0) {
		log_warn("EST simplereenroll from %s refused (400): CSR subject "
		    "\"%.100s\" is not the certificate's \"%.100s\"", rq->addr,
		    csr->subject, old->subject);
		httpd_reply_text(rs, 400, "the CSR subject must be the current "
		    "certificate's (RFC 7030 4.2.2)\n");
		csr_free(csr);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.who = WHO_OPERATOR;
	c.device = dev[0] != '\0' ? dev : NULL;
	memset(&s, 0, sizeof(s));
	s.cn = old->cn;
	s.serial_number = old->serial_number;
	enroll(r, rq, rs, &c, csr, &s);
	csr_free(csr);
}

/* POST /.well-known/est/serverkeygen (RFC 7030 4.4): we make the key. */
void
est_on_serverkeygen(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct brski_err	 e = { 0 };
	struct caller		 c;
	struct csr		*csr;
	struct ca_subject	 s;
	struct brski_key	*k = NULL;
	struct x509_list	 l = { 0 };
	uint8_t			*spki = NULL, *der = NULL, *p8 = NULL, rnd[8];
	size_t			 slen, dlen, p8len = 0, blen;
	char			 why[128], boundary[40], ctype[80], *body = NULL;

	identify(r, rq, &c);
	if (refused(r, rq, rs, &c) || (csr = request_csr(rq, rs)) == NULL)
		return;
	if (!subject_for(&c, csr, &s, why, sizeof(why))) {
		httpd_reply_text(rs, 400, "%s\n", why);
		csr_free(csr);
		return;
	}
	if (rand_bytes(rnd, sizeof(rnd), &e) != BRSKI_OK ||
	    key_generate(r->ca.key->type, &k, &e) != BRSKI_OK ||
	    key_spki(k, &spki, &slen, &e) != BRSKI_OK ||
	    ca_issue(&r->ca, spki, slen, &s, c.device, time(NULL), &der, &dlen,
	    &e) != BRSKI_OK ||
	    x509_list_add_der(&l, der, dlen, &e) != BRSKI_OK ||
	    key_to_pkcs8(k, &p8, &p8len, &e) != BRSKI_OK)
		goto fail;
	snprintf(boundary, sizeof(boundary), "est-%02x%02x%02x%02x%02x%02x%02x"
	    "%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5], rnd[6],
	    rnd[7]);
	if (est_serverkeygen_body(p8, p8len, &l, boundary, &body, &blen, &e) !=
	    BRSKI_OK)
		goto fail;
	snprintf(ctype, sizeof(ctype), "multipart/mixed; boundary=%s", boundary);
	rs->secret = 1;	/* the body holds a private key */
	httpd_reply_take(rs, 200, NULL, (uint8_t *)body, blen);
	/* content_type must outlive this function: keep it in a header */
	httpd_add_header(rs, "Content-Type", ctype);
	log_info("EST serverkeygen: key and certificate for \"%s\" sent to %s",
	    s.cn, rq->addr);
	goto out;
fail:
	log_err("EST serverkeygen from %s: %s", rq->addr, e.msg);
	httpd_reply_text(rs, 500, "internal error\n");
out:
	secret_free(p8, p8len);
	free(spki);
	free(der);
	key_free(k);
	x509_list_free(&l);
	csr_free(csr);
}
