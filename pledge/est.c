/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge as an EST client (RFC 7030 4, RFC 8995 5.9): the domain's
 * CA certificates (which must include or lead to what the voucher
 * pinned), the CSR attributes the registrar asks for, a key made on the
 * device, simpleenroll (or simplereenroll), and a certificate that
 * belongs to that key and chains to the domain CAs.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csr.h"
#include "est.h"
#include "log.h"
#include "pledge.h"

/* sends of one CSR when the connection is reopened under it */
#define CSR_SEND_TRIES	3

static int
get_cacerts(struct pledge *p, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*r = NULL;
	int			 ok = 0;

	x509_list_free(&p->domain_cas);
	if (!pledge_request(p, "GET", EST_PATH_CACERTS, NULL, MT_PKCS7, NULL, 0,
	    EST_BODY_MAX, &r, o))
		return 0;
	if (r->status != 200)
		pledge_fail(o, BRSKI_EXIT_ENROLL, "cacerts: %d", r->status);
	else if (est_certs_only_parse(r->body, r->body_len, &p->domain_cas,
	    &e) != BRSKI_OK)
		pledge_fail(o, BRSKI_EXIT_ENROLL, "cacerts: %s", e.msg);
	else
		ok = 1;
	httpc_response_free(r);
	if (ok)
		log_info("cacerts: %zu domain CA certificate(s)", p->domain_cas.n);
	return ok;
}

/* What the registrar wants in the CSR; its absence is fine (404/204). */
static void
get_csrattrs(struct pledge *p, struct est_csrattrs *a)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*r = NULL;
	struct outcome		 o;
	uint8_t			*der = NULL;
	size_t			 len;

	memset(a, 0, sizeof(*a));
	a->key_type = p->key_type;
	if (p->coaps)	/* cBRSKI: the pledge SHOULD NOT ask /att */
		return;
	if (!pledge_request(p, "GET", EST_PATH_CSRATTRS, NULL, MT_CSRATTRS, NULL,
	    0, EST_BODY_MAX, &r, &o))
		log_warn("csrattrs: %s", o.why);
	else if (r->status == 200 && (est_body_decode(r->body, r->body_len,
	    &der, &len, &e) != BRSKI_OK ||
	    est_csrattrs_parse(der, len, a, &e) != BRSKI_OK)) {
		log_warn("csrattrs ignored: %s", e.msg);
		a->key_type = p->key_type;
	} else if (r->status == 200)
		log_info("csrattrs: key %s%s", key_type_name(a->key_type),
		    a->challenge_password ? ", challengePassword" : "");
	httpc_response_free(r);
	free(der);
}

/* The issued certificate: for our key, chaining to the domain CAs. */
static int
take_cert(struct pledge *p, const struct httpc_response *r,
    struct outcome *o)
{
	struct brski_err	e = { 0 };
	struct x509_list	l = { 0 };
	size_t			i;
	int			ok = 0;

	/* EST-coaps may answer with the one certificate (CF 287) */
	if (r->content_type != NULL && strcmp(r->content_type, MT_PKIX_CERT) ==
	    0 ? x509_list_add_der(&l, r->body, r->body_len, &e) != BRSKI_OK :
	    est_certs_only_parse(r->body, r->body_len, &l, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_ENROLL, "enrollment answer: %s", e.msg);
		goto out;
	}
	for (i = 0; i < l.n; i++)
		if (key_matches_spki(p->ldevid_key, l.v[i]->spki,
		    l.v[i]->spki_len))
			break;
	if (i == l.n) {
		pledge_fail(o, BRSKI_EXIT_ENROLL, "no certificate for our key in "
		    "the enrollment answer");
		goto out;
	}
	if (x509_verify(l.v[i], &l, &p->domain_cas, time(NULL), NULL, &e) !=
	    BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_ENROLL, "the new certificate does not "
		    "chain to the domain CAs: %s", e.msg);
		goto out;
	}
	p->ldevid = l.v[i];
	l.v[i] = NULL;
	ok = 1;
out:
	x509_list_free(&l);
	return ok;
}

static int
check_anchors(struct pledge *p, struct outcome *o)
{
	struct brski_err	e = { 0 };

	/* RFC 8995 5.9.1: the full set replaces the pinned certificate, so
	 * it must include it or lead to it */
	if (p->pinned != NULL && x509_verify(p->pinned, &p->domain_cas,
	    &p->domain_cas, time(NULL), NULL, &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_ENROLL, "cacerts does not "
		    "include the pinned domain certificate: %s", e.msg);
	return 1;
}

/*
 * The CSR for p->ldevid_key as an EST body: DER for EST-coaps, base64
 * over HTTPS (RFC 8951); *body is the caller's.  With bind, its
 * challengePassword carries the channel binding of the TLS session the
 * CSR will travel on (RFC 7030 3.5), so a connection the server closed
 * while idle is reopened first.
 */
static int
make_csr(struct pledge *p, const struct csr_request *req, int bind,
    uint8_t **body, size_t *blen, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct csr_request	 cr = *req;
	uint8_t			 cb[EST_CB_MAX], *csr = NULL;
	char			*pw = NULL;
	const char		*type = NULL;
	size_t			 n, len;
	int			 ok = 0;

	*body = NULL;
	if (bind) {
		if (httpc_ready(p->conn, &e) != BRSKI_OK) {
			pledge_fail(o, BRSKI_EXIT_NETWORK, "registrar %s:%u: %s",
			    p->url.host, p->url.port, e.msg);
			goto out;
		}
		if (httpc_channel_binding(p->conn, cb, sizeof(cb), &n, &type,
		    &e) != BRSKI_OK || est_pop_encode(cb, n, &pw, &e) !=
		    BRSKI_OK) {
			pledge_fail(o, BRSKI_EXIT_ENROLL, "channel binding: %s",
			    e.msg);
			goto out;
		}
		cr.challenge_password = pw;
	}
	if (csr_create(&cr, p->ldevid_key, &csr, &len, &e) != BRSKI_OK ||
	    (!p->coaps && est_body_encode(csr, len, (char **)body, blen, &e) !=
	    BRSKI_OK)) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "CSR: %s", e.msg);
		goto out;
	}
	if (p->coaps) {
		*body = csr;
		*blen = len;
		csr = NULL;
	}
	if (bind)
		log_info("CSR bound to this TLS session (%s, %s)",
		    httpc_tls_version(p->conn), type);
	ok = 1;
out:
	explicit_bzero(cb, sizeof(cb));
	free(pw);
	free(csr);
	return ok;
}

/*
 * Send the CSR and take the answer.  A channel binding is only good on
 * the session it was taken from: when httpc had to reopen the
 * connection on the way (the server closed an idle one, or a 202 wait
 * outlasted it) and the registrar refused, the CSR is made again for
 * the new session and sent again, a bounded number of times.
 */
static int
send_csr(struct pledge *p, const char *path, const struct csr_request *cr,
    int bind, struct httpc_response **r, struct outcome *o)
{
	uint8_t		*body = NULL;
	size_t		 blen;
	unsigned int	 tries, n0 = 0;
	int		 ok = 0;

	*r = NULL;
	for (tries = 0; tries < CSR_SEND_TRIES; tries++) {
		if (!make_csr(p, cr, bind, &body, &blen, o))
			break;
		if (bind)	/* bind implies HTTPS: p->conn exists */
			n0 = httpc_connect_count(p->conn);
		ok = pledge_request(p, "POST", path, MT_PKCS10, p->coaps ?
		    MT_PKIX_CERT : MT_PKCS7, body, blen, EST_BODY_MAX, r, o);
		free(body);
		body = NULL;
		if (!ok || !bind || (*r)->status == 200 ||
		    httpc_connect_count(p->conn) == n0)
			break;
		log_info("%s: the connection was reopened after the CSR was "
		    "bound to the old one (%d); sending a new CSR", path,
		    (*r)->status);
		httpc_response_free(*r);
		*r = NULL;
		ok = 0;
		pledge_fail(o, BRSKI_EXIT_ENROLL, "%s: the connection kept "
		    "being reopened; the channel binding never held", path);
	}
	return ok;
}

/*
 * Enroll (or reenroll, current: the certificate to renew) over p->conn,
 * which is already authenticated.  The key is p->ldevid_key when the
 * caller set one (a renewal that keeps its key), else a new one made
 * here.  On success p->ldevid and p->ldevid_key hold the new
 * certificate and its key.
 */
int
pledge_est_enroll(struct pledge *p, int reenroll,
    const struct x509_cert *current, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct est_csrattrs	 a;
	struct csr_request	 cr = { 0 };
	struct httpc_response	*r = NULL;
	char			 why[PLEDGE_BODY_TEXT_MAX];
	const char		*path = reenroll ? EST_PATH_SIMPLEREENROLL :
	    EST_PATH_SIMPLEENROLL;
	int			 ok = 0;

	if (!get_cacerts(p, o) || !check_anchors(p, o))
		return 0;
	get_csrattrs(p, &a);
	cr.cn = reenroll ? current->cn : p->idevid_chain.v[0]->serial_number;
	cr.serial_number = reenroll ? current->serial_number :
	    p->idevid_chain.v[0]->serial_number;
	if (p->ldevid_key != NULL)
		log_info("keeping the current key; sending the CSR to %s", path);
	else if (key_generate(a.key_type, &p->ldevid_key, &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_INTERNAL, "key: %s", e.msg);
	else
		log_info("new %s key made on the device; sending the CSR to %s",
		    key_type_name(a.key_type), path);
	/* EST-coaps (no csrattrs, DTLS) has no TLS channel binding */
	if (!send_csr(p, path, &cr, a.challenge_password && !p->coaps, &r, o))
		goto out;
	if (r->status != 200) {
		pledge_fail(o, BRSKI_EXIT_ENROLL, "%s refused: %d %s", path,
		    r->status, pledge_body_text(r, why, sizeof(why)));
		goto out;
	}
	if ((ok = take_cert(p, r, o)))
		log_info("certificate issued: \"%s\", serial %zu bytes",
		    p->ldevid->subject, p->ldevid->serial_len);
out:
	httpc_response_free(r);
	return ok;
}
