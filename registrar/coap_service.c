/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar over CoAPS: EST-coaps (RFC 9148) resources on libcoap
 * 4.3.1 with DTLS (OpenSSL backend, see common/coap_dtls.c), served by
 * one thread that owns the libcoap context (libcoap is not thread-safe).
 * Block-wise transfer is libcoap's (COAP_BLOCK_USE_LIBCOAP, bodies
 * delivered whole); the reassembled body is capped.  Payloads are DER,
 * never base64; content formats per RFC 9148: 281 certs-only, 287 one
 * certificate, 62 multipart-core, 285 csrattrs, 286 PKCS#10, 284 PKCS#8.
 * Status mapping (RFC 9148 5.6, cBRSKI): 400/401/403 -> 4.00/4.01/4.03,
 * pending -> 5.03 with Max-Age as the retry hint (RFC 9148 5.7).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <coap3/coap.h>

#include "brski.h"
#include "cms.h"
#include "coap_dtls.h"
#include "coap_internal.h"
#include "est.h"
#include "est_logic.h"
#include "log.h"
#include "rand.h"
#include "secret.h"

/* per-session peer chain and address, for the handlers */
void
peer_of(coap_session_t *s, struct x509_list *l, char *addr, size_t alen)
{
	struct bytes	b[COAP_DTLS_CHAIN_MAX];
	size_t		n, i;

	n = coap_dtls_peer(s, b, COAP_DTLS_CHAIN_MAX);
	for (i = 0; i < n; i++)
		if (x509_list_add_der(l, b[i].data, b[i].len, NULL) != BRSKI_OK) {
			x509_list_free(l);	/* unparsable: treat as none */
			break;
		}
	coap_print_addr(coap_session_get_addr_remote(s), (uint8_t *)addr, alen);
}

int
opt_uint(const coap_pdu_t *pdu, uint16_t num)
{
	coap_opt_iterator_t	 it;
	coap_opt_t		*o;

	if ((o = coap_check_option(pdu, num, &it)) == NULL)
		return -1;
	return (int)coap_decode_var_bytes(coap_opt_value(o), coap_opt_length(o));
}

static void
release(coap_session_t *s, void *p)
{
	(void)s;
	free(p);
}

/* Answer with data (taken over: freed after the last block). */
void
send_data(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    coap_pdu_t *resp, coap_pdu_code_t code, uint16_t cf, uint8_t *p,
    size_t len)
{
	coap_pdu_set_code(resp, code);
	if (!coap_add_data_large_response(res, s, req, resp, NULL, cf, -1, 0,
	    len, p, release, p)) {
		free(p);
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(500));
	}
}

/* An error with a diagnostic payload (RFC 7252 5.5.2), logged. */
void
send_error(struct coap_service *cs, coap_session_t *s, const char *path,
    coap_pdu_t *resp, int http, const char *why)
{
	static const struct { int http, coap; } map[] = {
		{ 400, 400 }, { 401, 401 }, { 403, 403 }, { 404, 404 },
		{ 406, 406 }, { 413, 413 }, { 415, 415 }, { 202, 503 },
		{ 502, 502 },
	};
	uint8_t		 buf[4];
	char		 addr[80];
	int		 code = 500;
	size_t		 i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].http == http)
			code = map[i].coap;
	coap_print_addr(coap_session_get_addr_remote(s), (uint8_t *)addr,
	    sizeof(addr));
	log_warn("CoAP %s from %s refused (%d.%02d): %s", path, addr, code / 100,
	    code % 100, why);
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(code));
	if (code == 503)	/* RFC 9148 5.7: Max-Age says when to retry */
		coap_add_option(resp, COAP_OPTION_MAXAGE, coap_encode_var_safe(buf,
		    sizeof(buf), (unsigned)cs->r->retry_after), buf);
	if (code < 500)
		coap_add_data(resp, strlen(why) > 120 ? 120 : strlen(why),
		    (const uint8_t *)why);
}

/* A whole request body, or NULL after answering 4.13 / 4.15. */
const uint8_t *
body_of(struct coap_service *cs, coap_session_t *s, const char *path,
    const coap_pdu_t *req, coap_pdu_t *resp, int want_cf, size_t *len)
{
	const uint8_t	*data = NULL;
	size_t		 off = 0, total = 0;
	int		 cf = opt_uint(req, COAP_OPTION_CONTENT_FORMAT);

	if (cf != want_cf) {
		send_error(cs, s, path, resp, 415, "wrong Content-Format");
		return NULL;
	}
	if (!coap_get_data_large(req, len, &data, &off, &total) || off != 0 ||
	    *len != total) {
		send_error(cs, s, path, resp, 400, "no body");
		return NULL;
	}
	if (total > cs->body_max) {
		send_error(cs, s, path, resp, 413, "body too large");
		return NULL;
	}
	return data;
}

/* CBOR multipart-core (RFC 8710): [cf, bstr, cf, bstr, ...] */
static uint8_t *
multipart(const uint16_t *cf, const uint8_t *const *p, const size_t *len,
    size_t n, size_t *outlen)
{
	cbor_item_t	*a;
	uint8_t		*out = NULL;
	size_t		 i, cap = 0;
	int		 ok = 1;

	if ((a = cbor_new_definite_array(2 * n)) == NULL)
		return NULL;
	for (i = 0; i < n && ok; i++)
		ok = cbor_array_push(a, cbor_move(cbor_build_uint16(cf[i]))) &&
		    cbor_array_push(a, cbor_move(cbor_build_bytestring(p[i],
		    len[i])));
	if (ok)
		*outlen = cbor_serialize_alloc(a, &out, &cap);
	cbor_decref(&a);
	return ok ? out : NULL;
}

/* The domain CAs in the form Accept asks for. */
static uint8_t *
cacerts(struct registrar *r, int accept, uint16_t *cf, size_t *len)
{
	uint16_t	 cfs[X509_CHAIN_MAX];
	const uint8_t	*ps[X509_CHAIN_MAX];
	size_t		 ls[X509_CHAIN_MAX], i, n = r->ca.chain.n;
	uint8_t		*out = NULL;

	if (accept == CF_PKIX_CERT) {
		if ((out = malloc(r->ca.cert->der_len)) != NULL)
			memcpy(out, r->ca.cert->der, r->ca.cert->der_len);
		*len = r->ca.cert->der_len;
	} else if (accept == CF_MULTIPART_CORE) {
		for (i = 0; i < n && i < X509_CHAIN_MAX; i++) {
			cfs[i] = CF_PKIX_CERT;
			ps[i] = r->ca.chain.v[i]->der;
			ls[i] = r->ca.chain.v[i]->der_len;
		}
		out = multipart(cfs, ps, ls, i, len);
	} else if (accept == -1 || accept == CF_PKCS7_CERTS) {
		accept = CF_PKCS7_CERTS;
		if (cms_certs_only_encode(&r->ca.chain, &out, len, NULL) !=
		    BRSKI_OK)
			out = NULL;
	} else
		return NULL;
	*cf = (uint16_t)accept;
	return out;
}

/* GET /.well-known/est/crts */
static void
on_crts(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	int			 accept = opt_uint(req, COAP_OPTION_ACCEPT);
	uint16_t		 cf;
	size_t			 len;
	uint8_t			*out;

	(void)q;
	if ((out = cacerts(cs->r, accept, &cf, &len)) == NULL) {
		send_error(cs, s, "crts", resp, accept == -1 ? 500 : 406,
		    "Accept 281, 287 or 62");
		return;
	}
	send_data(res, s, req, resp, COAP_RESPONSE_CODE(205), cf, out, len);
}

/* GET /.well-known/est/att */
static void
on_att(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	struct est_csrattrs	 a = { 0, cs->r->ca.key->type };
	uint8_t			*der = NULL;
	size_t			 len;

	(void)q;
	if (est_csrattrs_build(&a, &der, &len, NULL) != BRSKI_OK) {
		send_error(cs, s, "att", resp, 500, "internal error");
		return;
	}
	send_data(res, s, req, resp, COAP_RESPONSE_CODE(205), CF_CSRATTRS, der,
	    len);
}

/* The issued certificate as 287 (one certificate) or 281 (certs-only). */
static void
send_cert(struct coap_service *cs, coap_resource_t *res, coap_session_t *s,
    const coap_pdu_t *req, coap_pdu_t *resp, const char *path,
    struct est_result *er)
{
	struct x509_list	 l = { 0 };
	uint8_t			*out = NULL;
	size_t			 len;
	int			 accept = opt_uint(req, COAP_OPTION_ACCEPT);

	if (er->status != 200) {
		send_error(cs, s, path, resp, er->status, er->why);
		return;
	}
	log_info("CoAP %s: issued a certificate for \"%s\"", path,
	    er->subject_cn);
	if (accept == CF_PKIX_CERT) {
		send_data(res, s, req, resp, COAP_RESPONSE_CODE(204),
		    CF_PKIX_CERT, er->cert, er->cert_len);
		er->cert = NULL;
	} else if (x509_list_add_der(&l, er->cert, er->cert_len, NULL) ==
	    BRSKI_OK && cms_certs_only_encode(&l, &out, &len, NULL) == BRSKI_OK)
		send_data(res, s, req, resp, COAP_RESPONSE_CODE(204),
		    CF_PKCS7_CERTS, out, len);
	else
		send_error(cs, s, path, resp, 500, "internal error");
	x509_list_free(&l);
}

static void
enroll(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    coap_pdu_t *resp, const char *path, int re)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	struct x509_list	 peer = { 0 };
	struct est_caller	 c;
	struct est_result	 er;
	const uint8_t		*csr;
	char			 addr[80];
	size_t			 len;

	memset(&er, 0, sizeof(er));
	peer_of(s, &peer, addr, sizeof(addr));
	if ((csr = body_of(cs, s, path, req, resp, CF_PKCS10, &len)) == NULL)
		goto out;
	if (re)
		est_reenroll(cs->r, &peer, csr, len, &er);
	else {
		est_identify(cs->r, &peer, 0, &c);
		est_enroll(cs->r, &c, csr, len, &er);
	}
	send_cert(cs, res, s, req, resp, path, &er);
out:
	est_result_clear(&er);
	x509_list_free(&peer);
}

/* POST /.well-known/est/sen */
static void
on_sen(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	(void)q;
	enroll(res, s, req, resp, "sen", 0);
}

/* POST /.well-known/est/sren */
static void
on_sren(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	(void)q;
	enroll(res, s, req, resp, "sren", 1);
}

/* POST /.well-known/est/skg: multipart-core [284 key, 281 certs-only] */
static void
on_skg(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	struct x509_list	 peer = { 0 }, l = { 0 };
	struct est_caller	 c;
	struct est_result	 er;
	const uint8_t		*csr, *ps[2];
	uint8_t			*p7 = NULL, *out = NULL;
	uint16_t		 cfs[2] = { CF_PKCS8, CF_PKCS7_CERTS };
	size_t			 len, ls[2], olen = 0;
	char			 addr[80];

	(void)q;
	memset(&er, 0, sizeof(er));
	peer_of(s, &peer, addr, sizeof(addr));
	if ((csr = body_of(cs, s, "skg", req, resp, CF_PKCS10, &len)) == NULL)
		goto out;
	est_identify(cs->r, &peer, 0, &c);
	est_serverkeygen(cs->r, &c, csr, len, &er);
	if (er.status != 200) {
		send_error(cs, s, "skg", resp, er.status, er.why);
		goto out;
	}
	if (x509_list_add_der(&l, er.cert, er.cert_len, NULL) != BRSKI_OK ||
	    cms_certs_only_encode(&l, &p7, &ls[1], NULL) != BRSKI_OK) {
		send_error(cs, s, "skg", resp, 500, "internal error");
		goto out;
	}
	ps[0] = er.key;
	ls[0] = er.key_len;
	ps[1] = p7;
	if ((out = multipart(cfs, ps, ls, 2, &olen)) == NULL)
		send_error(cs, s, "skg", resp, 500, "internal error");
	else {
		log_info("CoAP skg: key and certificate for \"%s\" sent to %s",
		    er.subject_cn, addr);
		/* XXX the key leaves in libcoap's buffers, which are not wiped */
		send_data(res, s, req, resp, COAP_RESPONSE_CODE(204),
		    CF_MULTIPART_CORE, out, olen);
	}
out:
	free(p7);
	est_result_clear(&er);
	x509_list_free(&l);
	x509_list_free(&peer);
}

static int
on_event(coap_session_t *s, const coap_event_t ev)
{
	coap_dtls_event(s, ev);
	return 0;
}

static void
libcoap_log(coap_log_t level, const char *msg)
{
	(level <= LOG_ERR ? log_err : level <= LOG_WARNING ? log_warn :
	    log_debug)("libcoap: %.*s", (int)strcspn(msg, "\n"), msg);
}

void
res_add(struct coap_service *cs, const char *path, coap_request_t method,
    coap_method_handler_t h, const char *rt, const char *ct)
{
	coap_resource_t	*res;

	res = coap_resource_init(coap_make_str_const(path), 0);
	coap_register_handler(res, method, h);
	coap_add_attr(res, coap_make_str_const("rt"), coap_make_str_const(rt), 0);
	if (ct != NULL)
		coap_add_attr(res, coap_make_str_const("ct"),
		    coap_make_str_const(ct), 0);
	coap_resource_set_userdata(res, cs);
	coap_add_resource(cs->ctx, res);
}

static void *
loop(void *arg)
{
	struct coap_service	*cs = arg;

	(void)rand_rng();	/* crypto cleanup when the thread ends */
	/* poll faster while voucher-requests are out at MASAs */
	while (!cs->stop)
		coap_io_process(cs->ctx, coap_brski_poll(cs) > 0 ? 20 : 200);
	return NULL;
}

static enum brski_rc
endpoint(struct coap_service *cs, const struct coap_service_conf *c,
    struct brski_err *e)
{
	struct addrinfo	 hints, *ai = NULL;
	coap_address_t	 a;
	char		 port[16];
	int		 r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(port, sizeof(port), "%u", c->port);
	if ((r = getaddrinfo(strcmp(c->listen, "*") == 0 ? "::" : c->listen,
	    port, &hints, &ai)) != 0)
		return brski_fail(e, BRSKI_ECONFIG, "coaps-listen %s: %s",
		    c->listen, gai_strerror(r));
	coap_address_init(&a);
	memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
	a.size = ai->ai_addrlen;
	freeaddrinfo(ai);
	if (coap_new_endpoint(cs->ctx, &a, COAP_PROTO_DTLS) == NULL)
		return brski_fail(e, BRSKI_EIO, "CoAPS: cannot listen on %s port "
		    "%u (in use?)", c->listen, c->port);
	return BRSKI_OK;
}

/* Start serving CoAPS in a thread of its own. */
enum brski_rc
coap_service_start(struct registrar *r, const struct coap_service_conf *c,
    struct coap_service **out, struct brski_err *e)
{
	struct coap_service	*cs;
	coap_dtls_pki_t		 pki;
	enum brski_rc		 rc;

	*out = NULL;
	if ((cs = calloc(1, sizeof(*cs))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	cs->r = r;
	cs->body_max = c->body_max;
	pthread_mutex_init(&cs->jobs_mtx, NULL);
	snprintf(cs->cert, sizeof(cs->cert), "%s", c->cert_file);
	snprintf(cs->key, sizeof(cs->key), "%s", c->key_file);
	coap_startup();
	coap_set_log_handler(libcoap_log);
	coap_set_log_level(LOG_WARNING);
	if (!coap_dtls_is_supported() || (cs->ctx = coap_new_context(NULL)) ==
	    NULL) {
		free(cs);
		return brski_fail(e, BRSKI_EIO, "CoAPS: libcoap without DTLS");
	}
	coap_context_set_block_mode(cs->ctx, COAP_BLOCK_USE_LIBCOAP |
	    COAP_BLOCK_SINGLE_BODY);
	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	pki.pki_key.key_type = COAP_PKI_KEY_PEM;
	pki.pki_key.key.pem.public_cert = cs->cert;
	pki.pki_key.key.pem.private_key = cs->key;
	coap_dtls_server_setup(&pki);
	if (!coap_context_set_pki(cs->ctx, &pki)) {
		rc = brski_fail(e, BRSKI_ECONFIG, "CoAPS: certificate %s or key "
		    "%s refused by libcoap", cs->cert, cs->key);
		goto fail;
	}
	if ((rc = endpoint(cs, c, e)) != BRSKI_OK)
		goto fail;
	coap_register_event_handler(cs->ctx, on_event);
	coap_brski_add(cs);
	res_add(cs, ".well-known/est/crts", COAP_REQUEST_GET, on_crts,
	    "\"ace.est.crts\"", "\"62 281 287\"");
	res_add(cs, ".well-known/est/sen", COAP_REQUEST_POST, on_sen,
	    "\"ace.est.sen\"", "\"281 287\"");
	res_add(cs, ".well-known/est/sren", COAP_REQUEST_POST, on_sren,
	    "\"ace.est.sren\"", "\"281 287\"");
	res_add(cs, ".well-known/est/att", COAP_REQUEST_GET, on_att,
	    "\"ace.est.att\"", "285");
	res_add(cs, ".well-known/est/skg", COAP_REQUEST_POST, on_skg,
	    "\"ace.est.skg\"", "62");
	if (pthread_create(&cs->thread, NULL, loop, cs) != 0) {
		rc = brski_fail(e, BRSKI_EIO, "CoAPS: cannot start its thread");
		goto fail;
	}
	*out = cs;
	return BRSKI_OK;
fail:
	coap_free_context(cs->ctx);
	pthread_mutex_destroy(&cs->jobs_mtx);
	free(cs);
	return rc;
}

void
coap_service_stop(struct coap_service *cs)
{
	if (cs == NULL)
		return;
	cs->stop = 1;
	pthread_join(cs->thread, NULL);
	coap_brski_stop(cs);
	coap_free_context(cs->ctx);
	pthread_mutex_destroy(&cs->jobs_mtx);
	coap_cleanup();
	free(cs);
}
