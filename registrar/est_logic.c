/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EST decisions (see est_logic.h).  Who may enroll (RFC 7030 3.2.3,
 * 3.3.2): a pledge whose voucher exchange with this registrar succeeded
 * (its IDevID authenticates the TLS or DTLS session), a client with a
 * certificate from a configured EST client CA, or (HTTPS only) one with
 * the configured HTTP Basic credentials.  The subject of an issued
 * certificate comes from policy, never blindly from the CSR: a pledge's
 * carries its IDevID serialNumber; an operator client's the CSR's CN.
 * Reenrollment (RFC 7030 4.2.2) needs a valid, unrevoked certificate of
 * ours and the same subject; a new key is allowed.  With
 * require-channel-binding, the CSR of either must carry the TLS channel
 * binding of the session it came on (RFC 7030 3.5).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csr.h"
#include "est.h"
#include "est_logic.h"
#include "secret.h"

static void	refuse(struct est_result *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
refuse(struct est_result *r, int status, const char *fmt, ...)
{
	va_list	ap;

	r->status = status;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

/* A pledge: its IDevID, its device row approved, its voucher done. */
static void
as_pledge(struct registrar *r, const struct x509_cert *id, struct est_caller *c)
{
	struct brski_err	e = { 0 };
	struct reg_device	d;

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
	c->who = EST_PLEDGE;
	snprintf(c->device, sizeof(c->device), "%s", id->serial_number);
}

/*
 * Who is asking: peer is the TLS/DTLS client chain; basic is 1 for the
 * right HTTP Basic credentials, -1 for wrong ones, 0 for none.
 */
void
est_identify(struct registrar *r, const struct x509_list *peer, int basic,
    struct est_caller *c)
{
	time_t	now = time(NULL);

	memset(c, 0, sizeof(*c));
	c->status = 401;
	snprintf(c->why, sizeof(c->why), "no credentials: a client "
	    "certificate%s is required", r->est_user ? " or HTTP Basic" : "");
	if (peer->n > 0 && r->est_client_cas.n > 0 &&
	    x509_verify(peer->v[0], peer, &r->est_client_cas, now, NULL,
	    NULL) == BRSKI_OK) {
		c->who = EST_OPERATOR;
		return;
	}
	if (peer->n > 0 && peer->v[0]->serial_number != NULL &&
	    x509_verify(peer->v[0], peer, &r->id.manufacturer_cas, now, NULL,
	    NULL) == BRSKI_OK) {
		as_pledge(r, peer->v[0], c);
		return;
	}
	if (basic > 0)
		c->who = EST_OPERATOR;
	else if (basic < 0)
		snprintf(c->why, sizeof(c->why), "wrong HTTP Basic credentials");
}

static int
subject_for(const struct est_caller *c, const struct csr *csr,
    struct ca_subject *s, struct est_result *res)
{
	memset(s, 0, sizeof(*s));
	if (c->who == EST_PLEDGE) {
		s->cn = c->device;
		s->serial_number = c->device;
		return 1;
	}
	if (csr->cn == NULL || *csr->cn == '\0' || strlen(csr->cn) > 64) {
		refuse(res, 400, "the CSR needs a commonName of 1..64 characters");
		return 0;
	}
	s->cn = csr->cn;
	return 1;
}

static int
parse_csr(const uint8_t *der, size_t len, struct csr **csr,
    struct est_result *res)
{
	struct brski_err	e = { 0 };

	if (csr_parse(der, len, csr, &e) != BRSKI_OK) {
		refuse(res, 400, "%s", e.msg);
		return 0;
	}
	return 1;
}

static void
issue(struct registrar *r, const uint8_t *spki, size_t spki_len,
    const struct ca_subject *s, const char *device, struct est_result *res)
{
	struct brski_err	e = { 0 };

	if (ca_issue(&r->ca, spki, spki_len, s, device, time(NULL), &res->cert,
	    &res->cert_len, &e) != BRSKI_OK) {
		refuse(res, brski_http_status(e.rc) == 403 ? 403 : 500,
		    "certificate not issued: %s", e.msg);
		return;
	}
	snprintf(res->subject_cn, sizeof(res->subject_cn), "%s", s->cn);
	res->status = 200;
}

/*
 * RFC 7030 3.5: the challengePassword of the CSR must be the base64 of
 * the channel binding of this TLS session, so that a CSR signed for one
 * session (a captured or relayed one) cannot be replayed in another
 * that some other identity authenticates.  Refused with 403, not 400:
 * the CSR is well-formed, and its signer failed to prove it speaks in
 * the authenticated session, which is an authorization decision (RFC
 * 9110 15.5.4); RFC 7030 4.2.3 leaves the 4xx code to the server.
 */
static int
binding_ok(const struct registrar *r, const struct csr *csr,
    const struct est_binding *b, struct est_result *res)
{
	if (!r->require_channel_binding)
		return 1;
	if (b == NULL || b->cb == NULL) {
		refuse(res, 403, "require-channel-binding: this transport gives "
		    "no TLS channel binding to check the CSR against");
		return 0;
	}
	if (csr->challenge_password == NULL) {
		refuse(res, 403, "require-channel-binding: the CSR has no "
		    "challengePassword with the %s channel binding (RFC 7030 "
		    "3.5; see csrattrs)", b->type);
		return 0;
	}
	if (!est_pop_matches(csr->challenge_password, b->cb, b->len)) {
		refuse(res, 403, "require-channel-binding: the CSR's "
		    "challengePassword is not this TLS session's %s binding "
		    "(a CSR made for another connection?)", b->type);
		return 0;
	}
	return 1;
}

/* simpleenroll for an identified caller and a DER CSR, on a transport
 * without channel binding (EST-coaps). */
void
est_enroll(struct registrar *r, const struct est_caller *c,
    const uint8_t *der, size_t len, struct est_result *res)
{
	est_enroll_bound(r, c, der, len, NULL, res);
}

/*
 * simpleenroll for an identified caller and a DER CSR that came on a
 * session with channel binding b (NULL: none, refused when the registrar
 * requires one).
 */
void
est_enroll_bound(struct registrar *r, const struct est_caller *c,
    const uint8_t *der, size_t len, const struct est_binding *b,
    struct est_result *res)
{
	struct csr		*csr = NULL;
	struct ca_subject	 s;

	memset(res, 0, sizeof(*res));
	if (c->who == EST_NOBODY) {
		refuse(res, c->status, "%s", c->why);
		return;
	}
	if (parse_csr(der, len, &csr, res) && binding_ok(r, csr, b, res) &&
	    subject_for(c, csr, &s, res))
		issue(r, csr->spki, csr->spki_len, &s, c->device[0] ? c->device :
		    NULL, res);
	csr_free(csr);
}

/* The certificate a reenrolling client authenticated with: one of ours,
 * valid now, not revoked.  dev receives its device (or ""). */
static const struct x509_cert *
our_cert(struct registrar *r, const struct x509_list *peer, char *dev,
    size_t devlen, struct est_result *res)
{
	struct brski_err	 e = { 0 };
	struct reg_cert		 rec;
	struct reg_device	 d;
	uint8_t			*der = NULL;
	char			 hex[65];
	size_t			 i;

	if (peer->n == 0) {
		refuse(res, 403, "reenrollment needs the current certificate as "
		    "client certificate");
		return NULL;
	}
	if (x509_verify(peer->v[0], peer, &r->ca.chain, time(NULL), NULL, &e) !=
	    BRSKI_OK) {
		refuse(res, 403, "client certificate is not a valid one of this "
		    "domain: %s", e.msg);
		return NULL;
	}
	for (i = 0; i < peer->v[0]->serial_len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02X", peer->v[0]->serial[i]);
	hex[2 * i] = '\0';
	if (reg_cert_get(r->store, hex, &rec, &der, &e) != BRSKI_OK) {
		refuse(res, 403, "certificate %s is not on record", hex);
		return NULL;
	}
	free(der);
	if (rec.revoked_at != 0) {
		refuse(res, 403, "certificate %s is revoked", hex);
		return NULL;
	}
	/* a device the operator revoked or denied renews nothing either */
	if (rec.device[0] != '\0' && reg_device_get(r->store, rec.device, &d,
	    &e) == BRSKI_OK && d.state != REG_APPROVED &&
	    d.state != REG_PENDING) {
		refuse(res, 403, "device %s is %s", d.serial,
		    reg_state_name(d.state));
		return NULL;
	}
	snprintf(dev, devlen, "%s", rec.device);
	return peer->v[0];
}

/* simplereenroll: same subject as the client certificate, key may
 * change; on a transport without channel binding (EST-coaps). */
void
est_reenroll(struct registrar *r, const struct x509_list *peer,
    const uint8_t *der, size_t len, struct est_result *res)
{
	est_reenroll_bound(r, peer, der, len, NULL, res);
}

/* simplereenroll on a session with channel binding b (as
 * est_enroll_bound()). */
void
est_reenroll_bound(struct registrar *r, const struct x509_list *peer,
    const uint8_t *der, size_t len, const struct est_binding *b,
    struct est_result *res)
{
	const struct x509_cert	*old;
	struct csr		*csr = NULL;
	struct ca_subject	 s;
	char			 dev[REG_SERIAL_MAX + 1];

	memset(res, 0, sizeof(*res));
	if ((old = our_cert(r, peer, dev, sizeof(dev), res)) == NULL ||
	    !parse_csr(der, len, &csr, res) || !binding_ok(r, csr, b, res))
		goto out;
	if (strcmp(csr->subject, old->subject) != 0) {
		refuse(res, 400, "the CSR subject \"%.100s\" is not the current "
		    "certificate's \"%.100s\" (RFC 7030 4.2.2)", csr->subject,
		    old->subject);
		goto out;
	}
	memset(&s, 0, sizeof(s));
	s.cn = old->cn;
	s.serial_number = old->serial_number;
	issue(r, csr->spki, csr->spki_len, &s, dev[0] ? dev : NULL, res);
out:
	csr_free(csr);
}

/* serverkeygen: the registrar makes the key (RFC 7030 4.4). */
void
est_serverkeygen(struct registrar *r, const struct est_caller *c,
    const uint8_t *der, size_t len, struct est_result *res)
{
	struct brski_err	 e = { 0 };
	struct csr		*csr = NULL;
	struct ca_subject	 s;
	struct brski_key	*k = NULL;
	uint8_t			*spki = NULL;
	size_t			 slen;

	memset(res, 0, sizeof(*res));
	if (c->who == EST_NOBODY) {
		refuse(res, c->status, "%s", c->why);
		return;
	}
	if (!parse_csr(der, len, &csr, res) || !subject_for(c, csr, &s, res))
		goto out;
	if (key_generate(r->ca.key->type, &k, &e) != BRSKI_OK ||
	    key_spki(k, &spki, &slen, &e) != BRSKI_OK) {
		refuse(res, 500, "%s", e.msg);
		goto out;
	}
	issue(r, spki, slen, &s, c->device[0] ? c->device : NULL, res);
	if (res->status == 200 && key_to_pkcs8(k, &res->key, &res->key_len,
	    &e) != BRSKI_OK) {
		est_result_clear(res);
		refuse(res, 500, "%s", e.msg);
	}
out:
	free(spki);
	key_free(k);
	csr_free(csr);
}

void
est_result_clear(struct est_result *res)
{
	free(res->cert);
	secret_free(res->key, res->key_len);
	memset(res, 0, sizeof(*res));
}
