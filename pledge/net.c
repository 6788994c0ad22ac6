/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge's connection to the registrar: TLS with a client
 * certificate (the IDevID, later the LDevID), and requests that honour
 * 202 + Retry-After (RFC 8995 5.6: each wait capped at 60 s, the same
 * request sent again, the whole wait bounded by max-wait).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pledge.h"
#include "rand.h"

#define RETRY_DEFAULT_S	5	/* a 202 without Retry-After */

int
pledge_fail(struct outcome *o, enum brski_exit code, const char *fmt, ...)
{
	va_list	ap;

	o->code = code;
	va_start(ap, fmt);
	vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
	return 0;
}

static struct bytes *
to_bytes(const struct x509_list *l)
{
	struct bytes	*b;
	size_t		 i;

	if ((b = calloc(l->n > 0 ? l->n : 1, sizeof(*b))) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++) {
		b[i].data = l->v[i]->der;
		b[i].len = l->v[i]->der_len;
	}
	return b;
}

/*
 * An error body, fit for a log line and an exit message: the peer
 * chose it, so no control characters (log_safe()), no trailing
 * newlines, at most 200 bytes.
 */
const char *
pledge_body_text(const struct httpc_response *r, char *out, size_t len)
{
	size_t	n = r->body != NULL ? r->body_len : 0;

	while (n > 0 && (r->body[n - 1] == '\n' || r->body[n - 1] == '\r' ||
	    r->body[n - 1] == ' '))
		n--;
	return log_safe(r->body, n > 200 ? 200 : n, out, len);
}

/* A transport failure (unreachable, TLS, malformed or truncated HTTP)
 * is a network exit; what the registrar *says* is judged elsewhere. */
static enum brski_exit
net_exit(enum brski_rc rc)
{
	return rc == BRSKI_ENOMEM || rc == BRSKI_EINVAL ? BRSKI_EXIT_INTERNAL :
	    BRSKI_EXIT_NETWORK;
}

/* Keep the registrar's chain as (D)TLS presented it, leaf first. */
int
pledge_take_chain(struct pledge *p, const struct bytes *b, size_t n,
    struct outcome *o)
{
	struct brski_err	e = { 0 };
	size_t			i;

	x509_list_free(&p->registrar_chain);
	for (i = 0; i < n; i++)
		if (x509_list_add_der(&p->registrar_chain, b[i].data, b[i].len,
		    &e) != BRSKI_OK)
			return pledge_fail(o, BRSKI_EXIT_VOUCHER, "registrar "
			    "certificate %zu: %s", i, e.msg);
	if (p->registrar_chain.n == 0)
		return pledge_fail(o, BRSKI_EXIT_VOUCHER, "registrar sent no "
		    "certificate");
	return 1;
}

/*
 * In a brski-pledge process (p->one_shot), drop wolfSSL's per-thread
 * FP_ECC cache between steps whose keys do not meet again.  Each point
 * the process multiplies keeps an entry of ~770 KB (Debian's build) and
 * an enrollment meets six; dropping after the voucher-request is signed
 * and before the LDevID's TLS session keeps at most four at a time:
 * peak RSS 9.5 -> 7.7 MiB, for ~4.5 ms more CPU (the generator's table
 * is built again), once per device (bench/README.md).  A long-lived
 * caller (bench/pledgeload's warm clients) keeps its tables.
 */
void
pledge_forget_tables(const struct pledge *p)
{
	if (p->one_shot)
		rand_forget_tables();
}

/*
 * Open a TLS connection to the registrar presenting chain/key.  With
 * anchors NULL the registrar is accepted provisionally (RFC 8995 5.1)
 * and its chain kept in p->registrar_chain; otherwise it must chain to
 * the anchors (the pinned domain; no host name check, RFC 8995 5.6.2).
 */
int
pledge_connect(struct pledge *p, const struct x509_list *chain,
    const struct brski_key *key, const struct x509_list *anchors,
    struct outcome *o)
{
	struct brski_err	 e = { 0 };
	struct httpc_opts	 opts;
	struct bytes		*cb = NULL, *ab = NULL;
	const struct bytes	*peer;
	size_t			 n;
	int			 ok = 0;

	if (p->coaps)
		return pledge_coaps_connect(p, chain, key, anchors,
		    chain == &p->idevid_chain ? p->idevid_file : NULL, o);
	httpc_conn_free(p->conn);
	p->conn = NULL;
	x509_list_free(&p->registrar_chain);
	memset(&opts, 0, sizeof(opts));
	if ((cb = to_bytes(chain)) == NULL || (anchors != NULL &&
	    (ab = to_bytes(anchors)) == NULL)) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	opts.client_chain = cb;
	opts.client_chain_count = chain->n;
	opts.client_key = key;
	opts.verify = anchors ? HTTPC_VERIFY_ANCHORS : HTTPC_VERIFY_PROVISIONAL;
	opts.anchors = ab;
	opts.anchor_count = anchors ? anchors->n : 0;
	opts.no_name_check = 1;
	opts.tls_version = p->tls_version;
	opts.connect_timeout_ms = p->timeout_ms;
	opts.io_timeout_ms = p->timeout_ms;
	if (httpc_conn_new(p->url.host, p->url.port, &opts, &p->conn, &e) !=
	    BRSKI_OK || httpc_connect(p->conn, &e) != BRSKI_OK) {
		pledge_fail(o, net_exit(e.rc), "registrar %s:%u: %s", p->url.host,
		    p->url.port, e.msg);
		goto out;
	}
	peer = httpc_peer_chain(p->conn, &n);
	if (!pledge_take_chain(p, peer, n, o))
		goto out;
	log_info("connected to %s:%u (%s), registrar \"%s\"", p->url.host,
	    p->url.port, httpc_tls_version(p->conn),
	    p->registrar_chain.v[0]->subject);
	ok = 1;
out:
	free(cb);
	free(ab);
	return ok;
}

/* One exchange over the transport in use (HTTPS or CoAPS). */
enum brski_rc
pledge_send(struct pledge *p, const char *method, const char *path,
    const char *ctype, const char *accept, const uint8_t *body, size_t len,
    size_t max, struct httpc_response **resp, struct brski_err *e)
{
	struct httpc_headers	h = { 0 };

	if (p->coaps)
		return pledge_coaps_request(p, method, path, ctype, accept, body,
		    len, max, resp, e);
	h.content_type = ctype;
	h.accept = accept;
	return httpc_request(p->conn, method, path, &h, body, len, max, resp, e);
}

/*
 * One request; a 202 answer is waited out (Retry-After, at most 60 s
 * each, max-wait in all) and the same request sent again.  Returns 1
 * with *resp (the caller's) for any other answer.
 */
int
pledge_request(struct pledge *p, const char *method, const char *path,
    const char *ctype, const char *accept, const uint8_t *body, size_t len,
    size_t max, struct httpc_response **resp, struct outcome *o)
{
	struct brski_err	 e = { 0 };
	time_t			 start = time(NULL);
	long long		 wait;

	for (;;) {
		if (pledge_send(p, method, path, ctype, accept, body, len, max,
		    resp, &e) != BRSKI_OK)
			return pledge_fail(o, net_exit(e.rc), "%s %s: %s", method,
			    path, e.msg);
		if ((*resp)->status != 202)
			return 1;
		wait = (*resp)->retry_after_s > 0 ? (*resp)->retry_after_s :
		    RETRY_DEFAULT_S;
		if (wait > BRSKI_RETRY_AFTER_MAX)
			wait = BRSKI_RETRY_AFTER_MAX;	/* RFC 8995 5.6 */
		httpc_response_free(*resp);
		*resp = NULL;
		if (time(NULL) - start + wait > p->max_wait_s)
			return pledge_fail(o, BRSKI_EXIT_NETWORK, "%s: still "
			    "pending after %lds (max-wait)", path,
			    (long)(time(NULL) - start));
		log_info("%s: the registrar asks to wait %llds", path, wait);
		sleep((unsigned)wait);
	}
}
