/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * OpenSSL calls for libcoap 4.3.1's DTLS (recipes 2 and 3 of
 * mhd-and-libcoap.md).  Traps handled: libcoap has no setting for "a
 * client certificate from an unknown CA is fine", so the server's setup
 * callback replaces the verify mode; it calls that callback only for
 * servers, and overwrites SSL_set_verify for clients, so a client is
 * patched right after coap_new_client_session_pki() (only the
 * ClientHello is out by then); an "accept all" callback must accept
 * every error (err 3, no CRL, appears too); the server-side peer stack
 * excludes the leaf; both DTLS_CLOSED and SERVER_SESSION_DEL fire for a
 * session, so the captured chain is freed once and the pointer cleared.
 * Nothing here decides trust: the chain is judged by our code, with
 * wolfSSL, against the right anchors (allow list, pinned domain).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "coap_dtls.h"

#ifdef BRSKI_LAZY_COAP
/*
 * The pledge loads libcoap-3-openssl.so.3 when it first needs CoAPS
 * (lazy_coap.h); the OpenSSL functions used here come from the libssl
 * and libcrypto it needs, found through the same handle.
 */
#include "lazy_coap.h"

#define LAZY_SSL_SYMS(X) \
	X(SSL_get1_peer_certificate) X(SSL_get_peer_cert_chain) \
	X(SSL_is_server) X(SSL_set_verify) X(SSL_use_certificate_chain_file) \
	X(CRYPTO_free) X(OPENSSL_sk_num) X(OPENSSL_sk_value) X(X509_free) \
	X(i2d_X509)

static struct {
	LAZY_SSL_SYMS(LAZY_MEMBER)
} lazy_ssl;
struct lazy_coap	lazy_coap;

#define COAP_SYM(f)	{ #f, (void **)&lazy_coap.p_##f },
#define SSL_SYM(f)	{ #f, (void **)&lazy_ssl.p_##f },

/* Load once; later calls return the first result. */
enum brski_rc
lazy_coap_load(struct brski_err *e)
{
	static const struct lazy_sym	syms[] = {
		LAZY_COAP_SYMS(COAP_SYM)
		LAZY_SSL_SYMS(SSL_SYM)
	};
	static enum brski_rc		rc = BRSKI_EIO;
	static int			tried;
	static char			why[sizeof(e->msg)];

	if (!tried) {
		tried = 1;
		if ((rc = lazy_load("libcoap-3-openssl.so.3", "libcoap3",
		    syms, sizeof(syms) / sizeof(syms[0]), e)) != BRSKI_OK)
			snprintf(why, sizeof(why), "%s", e->msg);
		return rc;
	}
	return rc == BRSKI_OK ? BRSKI_OK : brski_fail(e, rc, "%s", why);
}

#define SSL_get1_peer_certificate (lazy_ssl.p_SSL_get1_peer_certificate)
#define SSL_get_peer_cert_chain	(lazy_ssl.p_SSL_get_peer_cert_chain)
#define SSL_is_server		(lazy_ssl.p_SSL_is_server)
#define SSL_set_verify		(lazy_ssl.p_SSL_set_verify)
#define SSL_use_certificate_chain_file (lazy_ssl.p_SSL_use_certificate_chain_file)
#define CRYPTO_free		(lazy_ssl.p_CRYPTO_free)
#define OPENSSL_sk_num		(lazy_ssl.p_OPENSSL_sk_num)
#define OPENSSL_sk_value	(lazy_ssl.p_OPENSSL_sk_value)
#define X509_free		(lazy_ssl.p_X509_free)
#define i2d_X509		(lazy_ssl.p_i2d_X509)
#endif /* BRSKI_LAZY_COAP */

struct peer {
	unsigned char	*der[COAP_DTLS_CHAIN_MAX];
	int		 len[COAP_DTLS_CHAIN_MAX];
	int		 n;
};

static int
accept_any(int preverify_ok, X509_STORE_CTX *ctx)
{
	(void)preverify_ok;
	(void)ctx;
	return 1;	/* provisional: the application checks the chain */
}

static int
server_tls_setup(void *tls_session, coap_dtls_pki_t *setup)
{
	SSL	*ssl = tls_session;

	/* request, not require: SSL_VERIFY_FAIL_IF_NO_PEER_CERT is not set */
	SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
	    accept_any);
	/* libcoap loads only the leaf of a PEM file; send the chain */
	if (setup->pki_key.key_type == COAP_PKI_KEY_PEM &&
	    setup->pki_key.key.pem.public_cert != NULL &&
	    SSL_use_certificate_chain_file(ssl,
	    setup->pki_key.key.pem.public_cert) != 1)
		return 0;
	return 1;
}

/* Server side: have libcoap call our setup for every new session. */
void
coap_dtls_server_setup(coap_dtls_pki_t *pki)
{
	pki->verify_peer_cert = 0;
	pki->additional_tls_setup_call_back = server_tls_setup;
}

/*
 * Client side, right after coap_new_client_session_pki(): accept the
 * registrar provisionally (RFC 8995 5.1) and send the whole chain in
 * chain_file (PEM, leaf first).  Returns 0 when the session is not an
 * OpenSSL one or the file cannot be used.
 */
int
coap_dtls_client_patch(coap_session_t *s, const char *chain_file)
{
	coap_tls_library_t	 lib;
	SSL			*ssl = coap_session_get_tls(s, &lib);

	if (ssl == NULL || lib != COAP_TLS_LIBRARY_OPENSSL)
		return 0;
	SSL_set_verify(ssl, SSL_VERIFY_PEER, accept_any);
	if (chain_file != NULL &&
	    SSL_use_certificate_chain_file(ssl, chain_file) != 1)
		return 0;
	return 1;
}

static void
peer_free(coap_session_t *s)
{
	struct peer	*p = coap_session_get_app_data(s);
	int		 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		OPENSSL_free(p->der[i]);
	free(p);
	coap_session_set_app_data(s, NULL);
}

static void
add(struct peer *p, X509 *x)
{
	if (p->n >= COAP_DTLS_CHAIN_MAX)
		return;
	p->der[p->n] = NULL;
	if ((p->len[p->n] = i2d_X509(x, &p->der[p->n])) > 0)
		p->n++;
}

static void
peer_capture(coap_session_t *s)
{
	coap_tls_library_t	 lib;
	SSL			*ssl = coap_session_get_tls(s, &lib);
	STACK_OF(X509)		*chain;
	X509			*leaf;
	struct peer		*p;
	int			 i, server;

	if (ssl == NULL || lib != COAP_TLS_LIBRARY_OPENSSL)
		return;
	peer_free(s);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return;
	server = SSL_is_server(ssl);
	/* a server's peer stack lacks the leaf; a client's includes it */
	if (server && (leaf = SSL_get1_peer_certificate(ssl)) != NULL) {
		add(p, leaf);
		X509_free(leaf);
	}
	chain = SSL_get_peer_cert_chain(ssl);
	for (i = 0; chain != NULL && i < sk_X509_num(chain); i++)
		add(p, sk_X509_value(chain, i));
	coap_session_set_app_data(s, p);
}

/* Call from the context's event handler for every event. */
void
coap_dtls_event(coap_session_t *s, coap_event_t ev)
{
	switch (ev) {
	case COAP_EVENT_DTLS_CONNECTED:
		peer_capture(s);
		break;
	case COAP_EVENT_DTLS_CLOSED:
	case COAP_EVENT_SESSION_CLOSED:
	case COAP_EVENT_SERVER_SESSION_DEL:
		peer_free(s);
		break;
	default:
		break;
	}
}

/*
 * The peer's chain as captured at DTLS_CONNECTED, leaf first, into out
 * (borrowed: valid until the session closes).  Returns the count.
 */
size_t
coap_dtls_peer(coap_session_t *s, struct bytes *out, size_t max)
{
	struct peer	*p = coap_session_get_app_data(s);
	size_t		 i;

	for (i = 0; p != NULL && i < (size_t)p->n && i < max; i++) {
		out[i].data = p->der[i];
		out[i].len = (size_t)p->len[i];
	}
	return i;
}
