/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge's constrained transport (cBRSKI, RFC 9148): CoAP over DTLS
 * with libcoap 4.3.1 (OpenSSL backend, see common/coap_dtls.c).  The
 * steps in exchange.c and est.c stay the same; this file maps their
 * HTTP paths and media types to the CoAP short paths and content
 * formats, and the CoAP answer back to an HTTP-like status:
 * 2.xx -> 200, 5.03 + Max-Age -> 202 + Retry-After (RFC 9148 5.7),
 * other codes c.dd -> c*100+dd.  A separate response (empty ACK, the
 * answer later) is waited for like a piggybacked one.
 *
 * libcoap 4.3.1 has no per-context user pointer and the session's one
 * holds the captured peer chain (coap_dtls.c), so the one exchange in
 * flight lives in a file-scope variable: the pledge is single-threaded.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coap3/coap.h>

#include "coap_dtls.h"
#include "key_pkcs11.h"
#include "lazy_coap.h"
#include "link_format.h"
#include "log.h"
#include "pledge.h"
#include "secret.h"

#define COAPS_DEFAULT_PORT	5684
#define MAX_AGE_DEFAULT		60	/* RFC 7252 5.10.5 */

struct coaps_client {
	coap_context_t	*ctx;
	coap_session_t	*s;
	/* libcoap keeps pointers to these and reads them again when it
	 * sets DTLS up anew: they live as long as the session */
	char		*cert, *key;
	size_t		 cert_len, key_len;
};

/* the exchange in flight (see above) */
static struct {
	int		 connected, failed;
	const char	*failure;
	uint8_t		 token[8];
	size_t		 token_len;
	int		 done;
	coap_pdu_code_t	 code;
	int		 cf;
	long long	 max_age;
	uint8_t		*body;
	size_t		 len, max;
	int		 too_big;
} cur;

static const struct {
	const char	*http, *coap;
} paths[] = {
	{ BRSKI_PATH_REQUESTVOUCHER, "/.well-known/brski/rv" },
	{ BRSKI_PATH_VOUCHER_STATUS, "/.well-known/brski/vs" },
	{ BRSKI_PATH_ENROLLSTATUS, "/.well-known/brski/es" },
	{ EST_PATH_CACERTS, "/.well-known/est/crts" },
	{ EST_PATH_SIMPLEENROLL, "/.well-known/est/sen" },
	{ EST_PATH_SIMPLEREENROLL, "/.well-known/est/sren" },
	{ EST_PATH_CSRATTRS, "/.well-known/est/att" },
};

static const struct {
	const char	*mt;
	int		 cf;
} formats[] = {
	{ MT_VOUCHER_COSE, CF_VOUCHER_COSE },
	{ MT_CBOR, CF_CBOR },
	{ MT_JSON, CF_JSON },
	{ MT_PKCS10, CF_PKCS10 },
	{ MT_PKCS7_CERTS, CF_PKCS7_CERTS },
	{ MT_PKCS7, CF_PKCS7_CERTS },
	{ MT_PKIX_CERT, CF_PKIX_CERT },
	{ MT_CSRATTRS, CF_CSRATTRS },
};

static int
cf_of(const char *mt)
{
	size_t	i;

	for (i = 0; mt != NULL && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].mt, mt) == 0)
			return formats[i].cf;
	return -1;
}

static const char *
mt_of(int cf)
{
	size_t	i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (formats[i].cf == cf)
			return formats[i].mt;
	return NULL;
}

static int
on_event(coap_session_t *s, const coap_event_t ev)
{
	coap_dtls_event(s, ev);
	switch (ev) {
	case COAP_EVENT_DTLS_CONNECTED:
		cur.connected = 1;
		break;
	case COAP_EVENT_DTLS_ERROR:
		cur.failed = 1;
		cur.failure = "DTLS handshake failed";
		break;
	case COAP_EVENT_DTLS_CLOSED:
	case COAP_EVENT_SESSION_FAILED:
		cur.failed = 1;
		cur.failure = "the registrar closed the DTLS session";
		break;
	default:
		break;
	}
	return 0;
}

static void
on_nack(coap_session_t *s, const coap_pdu_t *sent,
    const coap_nack_reason_t why, const coap_mid_t mid)
{
	(void)s;
	(void)sent;
	(void)mid;
	cur.failed = 1;
	cur.failure = why == COAP_NACK_TOO_MANY_RETRIES ? "no answer (CoAP "
	    "retransmissions exhausted)" : why == COAP_NACK_TLS_FAILED ?
	    "DTLS failed" : why == COAP_NACK_RST ? "the registrar reset the "
	    "exchange" : "the request could not be delivered";
}

static coap_response_t
on_response(coap_session_t *s, const coap_pdu_t *sent, const coap_pdu_t *rcvd,
    const coap_mid_t mid)
{
	coap_bin_const_t	 tok = coap_pdu_get_token(rcvd);
	coap_opt_iterator_t	 it;
	coap_opt_t		*o;
	const uint8_t		*data;
	size_t			 len, off, total;

	(void)s;
	(void)sent;
	(void)mid;
	if (tok.length != cur.token_len ||
	    memcmp(tok.s, cur.token, tok.length) != 0 || cur.done)
		return COAP_RESPONSE_OK;	/* not ours, or a repeat */
	cur.code = coap_pdu_get_code(rcvd);
	cur.cf = -1;
	cur.max_age = -1;
	if ((o = coap_check_option(rcvd, COAP_OPTION_CONTENT_FORMAT, &it)) !=
	    NULL)
		cur.cf = (int)coap_decode_var_bytes(coap_opt_value(o),
		    coap_opt_length(o));
	if ((o = coap_check_option(rcvd, COAP_OPTION_MAXAGE, &it)) != NULL)
		cur.max_age = coap_decode_var_bytes(coap_opt_value(o),
		    coap_opt_length(o));
	if (coap_get_data_large(rcvd, &len, &data, &off, &total)) {
		if (off != 0 || len != total || len > cur.max)
			cur.too_big = 1;
		else if ((cur.body = malloc(len + 1)) != NULL) {
			memcpy(cur.body, data, len);
			cur.body[len] = 0;
			cur.len = len;
		}
	}
	cur.done = 1;
	return COAP_RESPONSE_OK;
}

static void
libcoap_log(coap_log_t level, const char *msg)
{
	(level <= LOG_ERR ? log_err : level <= LOG_WARNING ? log_warn :
	    log_debug)("libcoap: %.*s", (int)strcspn(msg, "\n"), msg);
}

/* Run libcoap until *flag or a failure, bounded by timeout_ms. */
static int
wait_for(struct coaps_client *c, const int *flag, int timeout_ms)
{
	struct timespec	t0, t;
	long long	spent;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!*flag && !cur.failed) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		spent = (t.tv_sec - t0.tv_sec) * 1000LL +
		    (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (spent >= timeout_ms) {
			cur.failure = "timed out";
			return 0;
		}
		coap_io_process(c->ctx, (uint32_t)(timeout_ms - spent > 100 ?
		    100 : timeout_ms - spent));
	}
	return *flag;
}

void
pledge_coaps_close(struct pledge *p)
{
	if (p->coap == NULL)
		return;
	if (p->coap->s != NULL)
		coap_session_release(p->coap->s);
	coap_free_context(p->coap->ctx);
	free(p->coap->cert);
	secret_free(p->coap->key, p->coap->key_len);
	free(p->coap);
	p->coap = NULL;
}

/*
 * libcoap's coap_startup() runs once per process (its flag is never
 * reset), so a coap_cleanup() between the discovery and the DTLS session,
 * or between two registrars, could leave the DTLS layer shut down where a
 * version's cleanup does that.  Start once, clean up at exit.
 */
static int
coap_once(struct outcome *o)
{
	static int		started;
#ifdef BRSKI_LAZY_COAP
	struct brski_err	e = { 0 };

	if (lazy_coap_load(&e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "coaps: %s", e.msg);
#else
	(void)o;
#endif
	if (started)
		return 1;
	started = 1;
	coap_startup();
	atexit(coap_cleanup);
	return 1;
}

static int
resolve(const struct pledge *p, coap_address_t *a, struct outcome *o)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 port[8];
	int		 r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(port, sizeof(port), "%u", p->url.port);
	if ((r = getaddrinfo(p->url.host, port, &hints, &ai)) != 0)
		return pledge_fail(o, BRSKI_EXIT_NETWORK, "registrar %s: %s",
		    p->url.host, gai_strerror(r));
	coap_address_init(a);
	memcpy(&a->addr, ai->ai_addr, ai->ai_addrlen);
	a->size = ai->ai_addrlen;
	freeaddrinfo(ai);
	return 1;
}

/*
 * DTLS to the registrar presenting the leaf of chain (with the rest
 * from chain_file when given) and key; then as pledge_connect().
 */
int
pledge_coaps_connect(struct pledge *p, const struct x509_list *chain,
    const struct brski_key *key, const struct x509_list *anchors,
    const char *chain_file, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct x509_list	 leaf = { chain->v, 1 };
	struct bytes		 b[COAP_DTLS_CHAIN_MAX];
	coap_dtls_pki_t		 pki;
	coap_address_t		 dst;
	struct coaps_client	*c;
	size_t			 n;
	int			 ok = 0;

	pledge_coaps_close(p);
	x509_list_free(&p->registrar_chain);
	memset(&cur, 0, sizeof(cur));
	if (key_in_token(key))
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "a key in a PKCS#11 "
		    "token cannot be used over coaps:// (libcoap's DTLS takes "
		    "keys as PEM): use https:// or a key file");
	if (!coap_once(o) || !resolve(p, &dst, o))
		return 0;
	if ((c = p->coap = calloc(1, sizeof(*p->coap))) == NULL)
		return pledge_fail(o, BRSKI_EXIT_INTERNAL, "out of memory");
	if (x509_list_to_pem(&leaf, &c->cert, &c->cert_len, &e) != BRSKI_OK ||
	    key_to_pem(key, &c->key, &c->key_len, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "%s", e.msg);
		goto out;
	}
	coap_set_log_handler(libcoap_log);
	coap_set_log_level(LOG_WARNING);
	if ((c->ctx = coap_new_context(NULL)) == NULL) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "libcoap: no context");
		goto out;
	}
	coap_context_set_block_mode(p->coap->ctx, COAP_BLOCK_USE_LIBCOAP |
	    COAP_BLOCK_SINGLE_BODY);
	coap_register_event_handler(p->coap->ctx, on_event);
	coap_register_nack_handler(p->coap->ctx, on_nack);
	coap_register_response_handler(p->coap->ctx, on_response);
	memset(&pki, 0, sizeof(pki));
	pki.version = COAP_DTLS_PKI_SETUP_VERSION;
	pki.verify_peer_cert = 0;	/* provisional; judged below */
	pki.client_sni = p->url.host_is_ip ? NULL : p->url.host;
	pki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
	pki.pki_key.key.pem_buf.public_cert = (const uint8_t *)c->cert;
	pki.pki_key.key.pem_buf.public_cert_len = c->cert_len;
	pki.pki_key.key.pem_buf.private_key = (const uint8_t *)c->key;
	pki.pki_key.key.pem_buf.private_key_len = c->key_len;
	if ((p->coap->s = coap_new_client_session_pki(p->coap->ctx, NULL, &dst,
	    COAP_PROTO_DTLS, &pki)) == NULL ||
	    !coap_dtls_client_patch(p->coap->s, chain_file)) {
		pledge_fail(o, BRSKI_EXIT_NETWORK, "registrar %s:%u: cannot start "
		    "DTLS (libcoap)", p->url.host, p->url.port);
		goto out;
	}
	if (!wait_for(p->coap, &cur.connected, p->timeout_ms)) {
		pledge_fail(o, BRSKI_EXIT_NETWORK, "registrar %s:%u: %s",
		    p->url.host, p->url.port, cur.failure);
		goto out;
	}
	n = coap_dtls_peer(p->coap->s, b, COAP_DTLS_CHAIN_MAX);
	if (!pledge_take_chain(p, b, n, o))
		goto out;
	/* libcoap accepted it provisionally; with anchors, we decide now */
	if (anchors != NULL && x509_verify(p->registrar_chain.v[0],
	    &p->registrar_chain, anchors, time(NULL), NULL, &e) != BRSKI_OK) {
		pledge_fail(o, BRSKI_EXIT_NETWORK, "registrar %s:%u is not of our "
		    "domain: %s", p->url.host, p->url.port, e.msg);
		goto out;
	}
	log_info("connected to %s:%u (DTLS), registrar \"%s\"", p->url.host,
	    p->url.port, p->registrar_chain.v[0]->subject);
	ok = 1;
out:
	if (!ok)
		pledge_coaps_close(p);
	return ok;
}

static int
add_path(coap_pdu_t *pdu, const char *path)
{
	const char	*seg, *end;

	for (seg = path + 1; *seg != '\0'; seg = *end ? end + 1 : end) {
		end = seg + strcspn(seg, "/");
		if (!coap_add_option(pdu, COAP_OPTION_URI_PATH,
		    (size_t)(end - seg), (const uint8_t *)seg))
			return 0;
	}
	return 1;
}

static int
add_uint(coap_pdu_t *pdu, coap_option_num_t num, int v)
{
	uint8_t	buf[4];

	return v < 0 || coap_add_option(pdu, num, coap_encode_var_safe(buf,
	    sizeof(buf), (unsigned)v), buf) != 0;
}

/*
 * One CoAP request for the HTTP-style step; *resp (the caller's) holds
 * the mapped answer.  BRSKI_EIO for transport failures.
 */
enum brski_rc
pledge_coaps_request(struct pledge *p, const char *method, const char *path,
    const char *ctype, const char *accept, const uint8_t *body, size_t len,
    size_t max, struct httpc_response **resp, struct brski_err *e)
{
	const char		*cpath = NULL;
	coap_pdu_t		*pdu;
	struct httpc_response	*r;
	int			 cls, detail;
	size_t			 i;

	*resp = NULL;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strcmp(paths[i].http, path) == 0)
			cpath = paths[i].coap;
	if (cpath == NULL || p->coap == NULL)
		return brski_fail(e, BRSKI_EINVAL, "%s has no CoAP resource", path);
	memset(&cur, 0, sizeof(cur));
	cur.connected = 1;
	cur.max = max;
	if ((pdu = coap_new_pdu(COAP_MESSAGE_CON, strcmp(method, "GET") == 0 ?
	    COAP_REQUEST_CODE_GET : COAP_REQUEST_CODE_POST, p->coap->s)) ==
	    NULL)
		return brski_fail(e, BRSKI_ENOMEM, "libcoap: no PDU");
	coap_session_new_token(p->coap->s, &cur.token_len, cur.token);
	if (!coap_add_token(pdu, cur.token_len, cur.token) ||
	    !add_path(pdu, cpath) ||
	    !add_uint(pdu, COAP_OPTION_CONTENT_FORMAT, body ? cf_of(ctype) : -1) ||
	    !add_uint(pdu, COAP_OPTION_ACCEPT, cf_of(accept)) ||
	    (body != NULL && !coap_add_data_large_request(p->coap->s, pdu, len,
	    body, NULL, NULL))) {
		coap_delete_pdu(pdu);
		return brski_fail(e, BRSKI_ENOMEM, "libcoap: cannot build %s",
		    cpath);
	}
	if (coap_send(p->coap->s, pdu) == COAP_INVALID_MID)
		return brski_fail(e, BRSKI_EIO, "%s: not sent", cpath);
	if (!wait_for(p->coap, &cur.done, p->timeout_ms)) {
		free(cur.body);
		return brski_fail(e, BRSKI_EIO, "%s: %s", cpath, cur.failure);
	}
	if (cur.too_big) {
		free(cur.body);
		return brski_fail(e, BRSKI_ETOOBIG, "%s: answer over %zu bytes",
		    cpath, max);
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		free(cur.body);
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	}
	cls = COAP_RESPONSE_CLASS(cur.code);
	detail = cur.code & 0x1f;
	r->status = cls == 2 ? 200 : cls == 5 && detail == 3 ? 202 :
	    cls * 100 + detail;
	r->retry_after_s = r->status != 202 ? -1 : cur.max_age >= 0 ?
	    cur.max_age : MAX_AGE_DEFAULT;
	r->content_type = mt_of(cur.cf);
	r->content_length = (long long)cur.len;
	r->body = cur.body;
	r->body_len = cur.len;
	log_debug("CoAP %s %s -> %d.%02d (%zu bytes)", method, cpath, cls,
	    detail, cur.len);
	*resp = r;
	return BRSKI_OK;
}

/* discovery's answer: the first link with brski-jp, and who sent it */
static struct {
	int			 done;
	unsigned		 port;
	struct sockaddr_storage	 from;
	socklen_t		 fromlen;
} jp;

static coap_response_t
on_discovery(coap_session_t *s, const coap_pdu_t *sent,
    const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	const coap_address_t	*a = coap_session_get_addr_remote(s);
	struct brski_err	 e = { 0 };
	const uint8_t		*data;
	size_t			 len, off, total;
	unsigned		 port;

	(void)sent;
	(void)mid;
	if (jp.done || COAP_RESPONSE_CLASS(coap_pdu_get_code(rcvd)) != 2 ||
	    !coap_get_data_large(rcvd, &len, &data, &off, &total) || off != 0)
		return COAP_RESPONSE_OK;
	/* RFC 6690 link format; the draft's answer is <>;brski-jp=PORT.
	 * Any host on the link may answer: a bad one is skipped, not fatal */
	if (len != total || link_format_jp_port(data, len, &port, &e) !=
	    BRSKI_OK) {
		log_debug("discovery: an answer without a usable brski-jp "
		    "link: %s", len != total ? "partial" : e.msg);
		return COAP_RESPONSE_OK;
	}
	if (a == NULL || (size_t)a->size > sizeof(jp.from))
		return COAP_RESPONSE_OK;
	jp.port = port;
	memcpy(&jp.from, &a->addr, a->size);
	jp.fromlen = a->size;
	jp.done = 1;
	return COAP_RESPONSE_OK;
}

/*
 * Find a join proxy with CoAP discovery (constrained join proxy draft
 * 6): GET /.well-known/core?brski-jp=* to url (coap://[ff02::fd%IF]
 * multicast, or a unicast address), NON as multicast wants; the answer
 * <>;brski-jp=PORT and its source address make p->url coaps://.
 */
int
pledge_coaps_discover(struct pledge *p, const char *url, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct httpc_url	 u;
	struct coaps_client	 c = { 0 };
	coap_address_t		 dst;
	coap_session_t		*s = NULL;
	coap_pdu_t		*pdu = NULL;
	char			 host[INET6_ADDRSTRLEN], tmp[1100];
	const char		*zone;
	int			 ok = 0;

	if (strncasecmp(url, "coap://", 7) != 0 || snprintf(tmp, sizeof(tmp),
	    "https://%s", url + 7) >= (int)sizeof(tmp) ||
	    httpc_url_parse(tmp, 0, &u, &e) != BRSKI_OK)
		return pledge_fail(o, BRSKI_EXIT_CONFIG, "join-proxy-discovery "
		    "%s: want coap://[ff02::fd%%25IFACE] or coap://host[:port]%s%s",
		    url, e.msg[0] ? ": " : "", e.msg);
	if (strchr(strrchr(tmp + 8, ']') ? strrchr(tmp + 8, ']') : tmp + 8,
	    ':') == NULL || u.port == 443)
		u.port = 5683;
	memset(&jp, 0, sizeof(jp));
	p->url = u;
	if (!coap_once(o) || !resolve(p, &dst, o))
		return 0;
	coap_set_log_handler(libcoap_log);
	coap_set_log_level(LOG_WARNING);
	if ((c.ctx = coap_new_context(NULL)) == NULL ||
	    (s = coap_new_client_session(c.ctx, NULL, &dst,
	    COAP_PROTO_UDP)) == NULL ||
	    (pdu = coap_new_pdu(COAP_MESSAGE_NON, COAP_REQUEST_CODE_GET,
	    s)) == NULL) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "libcoap: cannot set up "
		    "discovery");
		goto out;
	}
	coap_register_response_handler(c.ctx, on_discovery);
	coap_session_new_token(s, &cur.token_len, cur.token);
	if (!coap_add_token(pdu, cur.token_len, cur.token) ||
	    !add_path(pdu, "/.well-known/core") ||
	    !coap_add_option(pdu, COAP_OPTION_URI_QUERY, 10,
	    (const uint8_t *)"brski-jp=*")) {
		coap_delete_pdu(pdu);
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "libcoap: no request");
		goto out;
	}
	if (coap_send(s, pdu) == COAP_INVALID_MID) {
		pledge_fail(o, BRSKI_EXIT_NETWORK, "discovery: %s: not sent", url);
		goto out;
	}
	memset(&cur, 0, sizeof(cur));
	/* multicast answers come after a random delay (RFC 7252 8.2) */
	if (!wait_for(&c, &jp.done, p->timeout_ms)) {
		pledge_fail(o, BRSKI_EXIT_NETWORK, "no join proxy answered %s "
		    "within %d s", url, p->timeout_ms / 1000);
		goto out;
	}
	if (jp.from.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&jp.from;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		zone = IN6_IS_ADDR_LINKLOCAL(&s6->sin6_addr) ?
		    strchr(u.host, '%') : NULL;
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)(void *)&jp.from)->
		    sin_addr, host, sizeof(host));
		zone = NULL;
	}
	snprintf(p->url.host, sizeof(p->url.host), "%s%s", host,
	    zone ? zone : "");
	p->url.port = (uint16_t)jp.port;
	p->url.host_is_ip = 1;
	p->coaps = 1;
	log_info("join proxy found by %s: coaps://[%s]:%u", url, p->url.host,
	    jp.port);
	ok = 1;
out:
	if (s != NULL)
		coap_session_release(s);
	coap_free_context(c.ctx);
	return ok;
}

/* "coaps://host[:port]" selects this transport; 5684 by default. */
int
pledge_coaps_url(const char *url, struct httpc_url *u, struct brski_err *e)
{
	char	buf[HTTPC_HOST_MAX + 64];
	char	*auth;

	if (strncasecmp(url, "coaps://", 8) != 0)
		return 0;
	if (snprintf(buf, sizeof(buf), "https://%s", url + 8) >=
	    (int)sizeof(buf)) {
		brski_fail(e, BRSKI_EPARSE, "registrar URL too long");
		return -1;
	}
	if (httpc_url_parse(buf, 0, u, e) != BRSKI_OK)
		return -1;
	auth = buf + 8;
	auth[strcspn(auth, "/?#")] = '\0';
	if (strchr(strrchr(auth, ']') ? strrchr(auth, ']') : auth, ':') == NULL)
		u->port = COAPS_DEFAULT_PORT;
	return 1;
}
