/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTPS client: one kept-alive TLS connection per origin, HTTP/1.1
 * requests (RFC 9110, RFC 9112).  URL and response parsing are in
 * httpc_parse.c.
 *
 * TLS is wolfSSL: 1.3 preferred, 1.2 accepted (many EST servers speak
 * only 1.2).  Server authentication is either a chain check against
 * given anchors plus the host name (RFC 6125), or provisional: the
 * pledge accepts any registrar certificate before it has a voucher and
 * keeps the chain for the voucher-request (RFC 8995 5.1, 5.2).  The
 * sockets are non-blocking; our wolfSSL I/O callbacks wait with poll()
 * until a deadline, so every connect, handshake and request is bounded
 * in time.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/error-ssl.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "httpc.h"
#include "httpc_parse.h"
#include "secret.h"

#define METHOD_MAX	16	/* longer than any method we send */
#define PEER_CHAIN_MAX	8	/* as X509_CHAIN_MAX: what we verify later */
#define READ_CHUNK	(16 * 1024)	/* one TLS record */
#define WRITE_CHUNK	(16 * 1024)

/* ------------------------------------------------------- connections */

struct httpc_conn {
	char			 host[HTTPC_HOST_MAX + 1];
	char			 authority[HTTPC_HOST_MAX + 16]; /* Host: */
	int			 host_is_ip;
	uint16_t		 port;
	enum httpc_verify	 verify;
	int			 name_check;
	int			 connect_timeout_ms;
	int			 io_timeout_ms;
	WOLFSSL_CTX		*ctx;
	WOLFSSL			*ssl;
	int			 fd;

	/* state of the I/O callbacks */
	int64_t			 deadline_ms;	/* CLOCK_MONOTONIC */
	int			 io_nowait;	/* WANT_READ, do not wait */
	int			 io_timedout;
	int			 io_eof;
	int			 io_errno;
	int			 closed;	/* EOF or close_notify */

	/* what the verify callback saw first */
	int			 vfy_err;
	int			 vfy_depth;
	char			 vfy_subject[160];

	uint8_t			*peer_blob;
	struct bytes		*peer;
	size_t			 peer_count;
	uint8_t			*first_leaf;	/* provisional: kept across */
	size_t			 first_leaf_len; /* reconnects */
	char			 version[16];
	char			 cipher[64];
	unsigned int		 connects;
};

/*
 * Key exchange groups, preferred first; the first gets the key share.
 * X25519 first: with a P-256 share, wolfSSL 5.5.4 checks the server's
 * one-time point (a scalar multiplication) and then multiplies it,
 * so FP_ECC allocates a 770 KB table entry for a point never seen
 * again; X25519 has no such cache and costs less.  GnuTLS servers
 * (ours) take the client's first group.
 */
static const int tls_groups[] = { WOLFSSL_ECC_X25519, WOLFSSL_ECC_SECP256R1,
	WOLFSSL_ECC_SECP384R1, WOLFSSL_ECC_SECP521R1 };

static pthread_once_t	wolfssl_once = PTHREAD_ONCE_INIT;
static int		wolfssl_ready;

static void
wolfssl_init(void)
{
	wolfssl_ready = wolfSSL_Init() == WOLFSSL_SUCCESS;
}

static int64_t
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready or the deadline passes (-1, io_timedout). */
static int
io_wait(struct httpc_conn *c, short events)
{
	struct pollfd	pfd;
	int64_t		left;
	int		n;

	for (;;) {
		if ((left = c->deadline_ms - now_ms()) <= 0) {
			c->io_timedout = 1;
			return -1;
		}
		pfd.fd = c->fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 0;	/* also POLLERR/POLLHUP: I/O says */
		if (n < 0 && errno != EINTR) {
			c->io_errno = errno;
			return -1;
		}
	}
}

static int
io_fail(struct httpc_conn *c, int err)
{
	c->io_errno = err;
	if (err == EPIPE || err == ECONNRESET) {
		c->io_eof = 1;
		return err == EPIPE ? WOLFSSL_CBIO_ERR_CONN_CLOSE :
		    WOLFSSL_CBIO_ERR_CONN_RST;
	}
	return WOLFSSL_CBIO_ERR_GENERAL;
}

/* wolfSSL receive callback: recv() with our deadline. */
static int
io_recv(WOLFSSL *ssl, char *buf, int sz, void *arg)
{
	struct httpc_conn	*c = arg;
	ssize_t			 n;

	(void)ssl;
	for (;;) {
		if ((n = recv(c->fd, buf, (size_t)sz, 0)) > 0)
			return (int)n;
		if (n == 0) {
			c->io_eof = 1;
			return WOLFSSL_CBIO_ERR_CONN_CLOSE;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return io_fail(c, errno);
		if (c->io_nowait)
			return WOLFSSL_CBIO_ERR_WANT_READ;
		if (io_wait(c, POLLIN) != 0)
			return c->io_timedout ? WOLFSSL_CBIO_ERR_TIMEOUT :
			    WOLFSSL_CBIO_ERR_GENERAL;
	}
}

/* wolfSSL send callback: no SIGPIPE, our deadline. */
static int
io_send(WOLFSSL *ssl, char *buf, int sz, void *arg)
{
	struct httpc_conn	*c = arg;
	ssize_t			 n;

	(void)ssl;
	for (;;) {
		if ((n = send(c->fd, buf, (size_t)sz, MSG_NOSIGNAL)) >= 0)
			return (int)n;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return io_fail(c, errno);
		if (c->io_nowait)
			return WOLFSSL_CBIO_ERR_WANT_WRITE;
		if (io_wait(c, POLLOUT) != 0)
			return c->io_timedout ? WOLFSSL_CBIO_ERR_TIMEOUT :
			    WOLFSSL_CBIO_ERR_GENERAL;
	}
}

static void
io_reset(struct httpc_conn *c, int timeout_ms)
{
	c->deadline_ms = now_ms() + timeout_ms;
	c->io_nowait = c->io_timedout = c->io_eof = c->io_errno = 0;
	c->closed = 0;
}

/*
 * wolfSSL calls this for each certificate of the server chain (also
 * when it verified: WOLFSSL_ALWAYS_VERIFY_CB).  Keep the first failure
 * for the error message; in provisional mode accept anyway.
 */
static int
verify_cb(int preverify, WOLFSSL_X509_STORE_CTX *store)
{
	struct httpc_conn	*c = store->userCtx;
	WOLFSSL_X509_NAME	*name;

	if (c == NULL)
		return 0;
	if (!preverify && c->vfy_err == 0) {
		c->vfy_err = store->error != 0 ? store->error : -1;
		c->vfy_depth = store->error_depth;
		c->vfy_subject[0] = '\0';
		if (store->current_cert != NULL && (name =
		    wolfSSL_X509_get_subject_name(store->current_cert)) != NULL)
			wolfSSL_X509_NAME_oneline(name, c->vfy_subject,
			    sizeof(c->vfy_subject));
	}
	return c->verify == HTTPC_VERIFY_PROVISIONAL ? 1 : preverify;
}

/* wolfSSL's reason, and the alert the server sent when it sent one. */
static const char *
tls_reason(struct httpc_conn *c, int err, char *buf, size_t len)
{
	WOLFSSL_ALERT_HISTORY	h;
	const char		*name;
	char			 why[96];

	wolfSSL_ERR_error_string_n((unsigned long)err, why, sizeof(why));
	memset(&h, 0, sizeof(h));
	if (c->ssl != NULL && wolfSSL_get_alert_history(c->ssl, &h) ==
	    WOLFSSL_SUCCESS && h.last_rx.level == alert_fatal) {
		/* 5.5.4 has no name for newer alerts (116) */
		if ((name = wolfSSL_alert_desc_string_long(h.last_rx.code)) ==
		    NULL)
			name = h.last_rx.code == 116 ? "certificate_required" :
			    "unknown";
		snprintf(buf, len, "%s (%d); the server sent alert \"%s\" "
		    "(%d)", why, err, name, h.last_rx.code);
	} else
		snprintf(buf, len, "%s (%d)", why, err);
	return buf;
}

/*
 * Does the key belong to the leaf certificate?  Checked here because
 * wolfSSL 5.5.4's wolfSSL_CTX_check_private_key() says yes to any EC
 * key; the mismatch would only show as a handshake refused by the peer.
 */
static enum brski_rc
leaf_matches_key(const struct bytes *leaf, const struct brski_key *k,
    struct brski_err *e)
{
	DecodedCert	dc;
	uint8_t		spki[512];
	word32		len = sizeof(spki);
	int		ret;

	wc_InitDecodedCert(&dc, leaf->data, (word32)leaf->len, NULL);
	ret = wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL);
	if (ret == 0)
		ret = wc_GetPubKeyDerFromCert(&dc, spki, &len);
	wc_FreeDecodedCert(&dc);
	if (ret != 0)
		return brski_fail(e, BRSKI_EINVAL, "httpc: the client "
		    "certificate does not parse: %s (%d)",
		    wc_GetErrorString(ret), ret);
	if (!key_matches_spki(k, spki, len))
		return brski_fail(e, BRSKI_EINVAL, "httpc: the client key "
		    "does not match the client certificate");
	return BRSKI_OK;
}

/*
 * A client key in a PKCS#11 token: wolfSSL signs the handshake with an
 * ecc_key bound to the key's device id and token object id (or label);
 * the key's size tells it the curve.
 */
static enum brski_rc
token_client_key(struct httpc_conn *c, const struct brski_key *k,
    struct brski_err *e)
{
	const ecc_key	*ek = &k->ecc;
	int		 ret;

	if (ek->idLen > 0)
		ret = wolfSSL_CTX_use_PrivateKey_id(c->ctx, ek->id,
		    ek->idLen, k->devid, (long)key_coord_size(k->type));
	else
		ret = wolfSSL_CTX_use_PrivateKey_Label(c->ctx, ek->label,
		    k->devid);
	if (ret != WOLFSSL_SUCCESS)
		return brski_fail(e, BRSKI_EINVAL, "httpc: the client key in "
		    "the token does not load");
	return BRSKI_OK;
}

static enum brski_rc
ctx_client_auth(struct httpc_conn *c, const struct httpc_opts *o,
    struct brski_err *e)
{
	struct buf	 chain = { 0 };
	uint8_t		*kder = NULL;
	size_t		 klen = 0, i;
	enum brski_rc	 rc;

	if (o->client_key == NULL || o->client_chain_count == 0 ||
	    o->client_chain_count > HTTPC_CLIENT_CHAIN_MAX)
		return brski_fail(e, BRSKI_EINVAL, "httpc: client "
		    "authentication needs a key and 1..%d certificates",
		    HTTPC_CLIENT_CHAIN_MAX);
	if ((rc = leaf_matches_key(&o->client_chain[0], o->client_key, e)) !=
	    BRSKI_OK)
		return rc;
	/* wolfSSL takes a DER chain as the certificates back to back */
	for (i = 0; i < o->client_chain_count; i++)
		if ((rc = buf_append(&chain, o->client_chain[i].data,
		    o->client_chain[i].len, BUF_NOLIMIT, e)) != BRSKI_OK)
			goto out;
	if (wolfSSL_CTX_use_certificate_chain_buffer_format(c->ctx,
	    chain.data, (long)chain.len, WOLFSSL_FILETYPE_ASN1) !=
	    WOLFSSL_SUCCESS) {
		rc = brski_fail(e, BRSKI_EINVAL, "httpc: the client "
		    "certificate chain does not load (DER, leaf first)");
		goto out;
	}
	if (o->client_key->devid != INVALID_DEVID) {
		/* a key in a PKCS#11 token (key_pkcs11.c): by id or label */
		rc = token_client_key(c, o->client_key, e);
		goto out;
	}
	if ((rc = key_to_der(o->client_key, &kder, &klen, e)) != BRSKI_OK)
		goto out;
	if (wolfSSL_CTX_use_PrivateKey_buffer(c->ctx, kder, (long)klen,
	    WOLFSSL_FILETYPE_ASN1) != WOLFSSL_SUCCESS) {
		rc = brski_fail(e, BRSKI_EINVAL, "httpc: the client key does "
		    "not load");
		goto out;
	}
	rc = BRSKI_OK;
out:
	if (kder != NULL)
		secret_free(kder, klen);
	buf_free(&chain);
	return rc;
}

/*
 * Trust anchors.  A CA certificate becomes a CA; an end-entity
 * certificate (an RFC 8366 pinned-domain-cert may be the registrar's
 * own) is trusted as that exact peer certificate, since wolfSSL will
 * not load a non-CA as CA.
 */
static enum brski_rc
ctx_anchors(struct httpc_conn *c, const struct httpc_opts *o,
    struct brski_err *e)
{
	size_t	i;
	int	ret;

	if (o->anchor_count == 0 || o->anchors == NULL)
		return brski_fail(e, BRSKI_EINVAL, "httpc: anchors mode "
		    "without trust anchors");
	if (o->anchor_count > HTTPC_ANCHORS_MAX)
		return brski_fail(e, BRSKI_EINVAL, "httpc: more than %d trust "
		    "anchors", HTTPC_ANCHORS_MAX);
	for (i = 0; i < o->anchor_count; i++) {
		ret = wolfSSL_CTX_load_verify_buffer(c->ctx, o->anchors[i].data,
		    (long)o->anchors[i].len, WOLFSSL_FILETYPE_ASN1);
		if (ret == NOT_CA_ERROR)
			ret = wolfSSL_CTX_trust_peer_buffer(c->ctx,
			    o->anchors[i].data, (long)o->anchors[i].len,
			    WOLFSSL_FILETYPE_ASN1);
		if (ret != WOLFSSL_SUCCESS)
			return brski_fail(e, BRSKI_EINVAL, "httpc: trust "
			    "anchor %zu does not load: %s (%d)", i,
			    wc_GetErrorString(ret), ret);
	}
	return BRSKI_OK;
}

static enum brski_rc
ctx_new(struct httpc_conn *c, const struct httpc_opts *o,
    struct brski_err *e)
{
	WOLFSSL_METHOD	*m;
	enum brski_rc	 rc;

	pthread_once(&wolfssl_once, wolfssl_init);
	if (!wolfssl_ready)
		return brski_fail(e, BRSKI_ETLS, "httpc: wolfSSL_Init failed");
	switch (o->tls_version) {
	case HTTPC_TLS_12:
		m = wolfTLSv1_2_client_method();
		break;
	case HTTPC_TLS_13:
		m = wolfTLSv1_3_client_method();
		break;
	default:
		m = wolfSSLv23_client_method();
		break;
	}
	if (m == NULL || (c->ctx = wolfSSL_CTX_new(m)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "httpc: cannot create a "
		    "TLS context");
	if (wolfSSL_CTX_SetMinVersion(c->ctx, WOLFSSL_TLSV1_2) !=
	    WOLFSSL_SUCCESS)
		return brski_fail(e, BRSKI_ETLS, "httpc: cannot require "
		    "TLS 1.2");
	/*
	 * wolfSSL 5.5.4 lists secp521r1 first in supported_groups but sends
	 * its key share for P-256; GnuTLS (our servers) takes the client's
	 * first group, so every handshake cost a HelloRetryRequest and a
	 * P-521 exchange (~3.5 ms more CPU, bench/README.md).  Offer first
	 * what we send.  (TLS 1.3 contexts only; 1.2 keeps the default.)
	 */
	if (o->tls_version != HTTPC_TLS_12 &&
	    wolfSSL_CTX_set_groups(c->ctx, (int *)tls_groups,
	    (int)(sizeof(tls_groups) / sizeof(tls_groups[0]))) !=
	    WOLFSSL_SUCCESS)
		return brski_fail(e, BRSKI_ETLS, "httpc: cannot set the TLS "
		    "groups");
	if (o->verify == HTTPC_VERIFY_ANCHORS &&
	    (rc = ctx_anchors(c, o, e)) != BRSKI_OK)
		return rc;
	if ((o->client_chain_count > 0 || o->client_key != NULL) &&
	    (rc = ctx_client_auth(c, o, e)) != BRSKI_OK)
		return rc;
	wolfSSL_CTX_set_verify(c->ctx, WOLFSSL_VERIFY_PEER, verify_cb);
	wolfSSL_CTX_SetIORecv(c->ctx, io_recv);
	wolfSSL_CTX_SetIOSend(c->ctx, io_send);
	return BRSKI_OK;
}

static int
timeout_of(int ms, int def)
{
	return ms == 0 ? def : ms;
}

/*
 * A connection object for the origin (host, port); no I/O happens until
 * httpc_connect() or httpc_request().  host is a DNS name or an IP
 * literal without brackets (httpc_url.host).  Everything in o is
 * copied.  The caller frees *out with httpc_conn_free().  BRSKI_EINVAL
 * for bad options or certificates that do not load.
 */
enum brski_rc
httpc_conn_new(const char *host, uint16_t port, const struct httpc_opts *o,
    struct httpc_conn **out, struct brski_err *e)
{
	struct httpc_conn	*c = NULL;
	const char		*zone;
	int			 kind, n, v6;
	enum brski_rc		 rc;

	*out = NULL;
	if (host == NULL || strlen(host) > HTTPC_HOST_MAX ||
	    (kind = httpc_parse_host_kind(host)) < 0 || port == 0)
		return brski_fail(e, BRSKI_EINVAL, "httpc: bad origin");
	if (o->connect_timeout_ms < 0 || o->io_timeout_ms < 0 ||
	    o->connect_timeout_ms > HTTPC_TIMEOUT_MAX_MS ||
	    o->io_timeout_ms > HTTPC_TIMEOUT_MAX_MS)
		return brski_fail(e, BRSKI_EINVAL, "httpc: timeouts must be "
		    "0..%d ms", HTTPC_TIMEOUT_MAX_MS);
	if (o->verify != HTTPC_VERIFY_ANCHORS &&
	    o->verify != HTTPC_VERIFY_PROVISIONAL)
		return brski_fail(e, BRSKI_EINVAL, "httpc: bad verify mode");
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "httpc: out of memory");
	c->fd = -1;
	memcpy(c->host, host, strlen(host) + 1);
	c->host_is_ip = kind == 1;
	c->port = port;
	c->verify = o->verify;
	c->name_check = o->verify == HTTPC_VERIFY_ANCHORS && !o->no_name_check;
	c->connect_timeout_ms = timeout_of(o->connect_timeout_ms,
	    HTTPC_CONNECT_TIMEOUT_MS);
	c->io_timeout_ms = timeout_of(o->io_timeout_ms, HTTPC_IO_TIMEOUT_MS);
	/* RFC 9110 7.2: the port is left out when it is the default */
	zone = strchr(host, '%');
	v6 = strchr(host, ':') != NULL;
	n = snprintf(c->authority, sizeof(c->authority), "%s%.*s%s%s%s",
	    v6 ? "[" : "", (int)(zone != NULL ? (size_t)(zone - host) :
	    strlen(host)), host, zone != NULL ? "%25" : "",
	    zone != NULL ? zone + 1 : "", v6 ? "]" : "");
	if (n > 0 && port != HTTPC_PORT_DEFAULT)
		n = snprintf(c->authority + n, sizeof(c->authority) - (size_t)n,
		    ":%u", (unsigned)port);
	if (n < 0) {
		rc = brski_fail(e, BRSKI_EINVAL, "httpc: bad origin");
		goto out;
	}
	if ((rc = ctx_new(c, o, e)) != BRSKI_OK)
		goto out;
	*out = c;
	c = NULL;
out:
	httpc_conn_free(c);
	return rc;
}

static enum brski_rc
tcp_connect(struct httpc_conn *c, struct brski_err *e)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 portstr[8];
	int		 gai, err = 0, one = 1;
	socklen_t	 elen;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (c->host_is_ip ? AI_NUMERICHOST : 0);
	snprintf(portstr, sizeof(portstr), "%u", (unsigned)c->port);
	/* XXX getaddrinfo() has no deadline: the resolver's timeouts apply */
	if ((gai = getaddrinfo(c->host, portstr, &hints, &res)) != 0)
		return brski_fail(e, BRSKI_ENET, "cannot resolve %s: %s",
		    c->host, gai == EAI_SYSTEM ? strerror(errno) :
		    gai_strerror(gai));
	for (ai = res; ai != NULL && !c->io_timedout; ai = ai->ai_next) {
		c->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (c->fd == -1) {
			err = errno;
			continue;
		}
		/* small request/response exchanges: no Nagle stalls */
		if (setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one,
		    sizeof(one)) != 0) {
			err = errno;
			close(c->fd);
			c->fd = -1;
			continue;
		}
		if (connect(c->fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		err = errno;
		if (err == EINPROGRESS && io_wait(c, POLLOUT) == 0) {
			elen = sizeof(err);
			if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err,
			    &elen) != 0)
				err = errno;
			if (err == 0)
				break;
		}
		close(c->fd);
		c->fd = -1;
	}
	freeaddrinfo(res);
	if (c->fd != -1)
		return BRSKI_OK;
	if (c->io_timedout)
		return brski_fail(e, BRSKI_ENET, "connect to %s port %u: timed "
		    "out after %d ms", c->host, (unsigned)c->port,
		    c->connect_timeout_ms);
	return brski_fail(e, BRSKI_ENET, "connect to %s port %u: %s", c->host,
	    (unsigned)c->port, strerror(err != 0 ? err : c->io_errno));
}

static enum brski_rc
handshake_error(struct httpc_conn *c, int ret, struct brski_err *e)
{
	char	reason[256], why[BRSKI_ERR_MSG_MAX + HTTPC_HOST_MAX] = "";
	int	err;

	err = wolfSSL_get_error(c->ssl, ret);
	if (c->io_timedout)
		return brski_fail(e, BRSKI_ENET, "TLS handshake with %s port "
		    "%u: timed out after %d ms", c->host, (unsigned)c->port,
		    c->connect_timeout_ms);
	if (c->vfy_err == DOMAIN_NAME_MISMATCH || c->vfy_err ==
	    IPADDR_MISMATCH || err == DOMAIN_NAME_MISMATCH ||
	    err == IPADDR_MISMATCH)
		snprintf(why, sizeof(why), "; the certificate is not for "
		    "\"%s\"", c->host);
	else if (c->vfy_err != 0 && c->verify == HTTPC_VERIFY_ANCHORS)
		snprintf(why, sizeof(why), "; certificate at depth %d (%s): "
		    "%s (%d)", c->vfy_depth, c->vfy_subject,
		    wolfSSL_X509_verify_cert_error_string(c->vfy_err),
		    c->vfy_err);
	else if (c->io_eof)
		snprintf(why, sizeof(why), "; the server closed the "
		    "connection");
	return brski_fail(e, BRSKI_ETLS, "TLS handshake with %s port %u: "
	    "%s%s", c->host, (unsigned)c->port,
	    tls_reason(c, err, reason, sizeof(reason)), why);
}

static void
peer_clear(struct httpc_conn *c)
{
	free(c->peer_blob);
	free(c->peer);
	c->peer_blob = NULL;
	c->peer = NULL;
	c->peer_count = 0;
}

/* Copy the server chain out of the session (leaf first). */
static enum brski_rc
peer_copy(struct httpc_conn *c, struct brski_err *e)
{
	WOLFSSL_X509_CHAIN	*ch;
	size_t			 total = 0, off = 0;
	int			 n, i, len;

	peer_clear(c);
	if ((ch = wolfSSL_get_peer_chain(c->ssl)) == NULL ||
	    (n = wolfSSL_get_chain_count(ch)) <= 0)
		return brski_fail(e, BRSKI_ETLS, "TLS: %s port %u sent no "
		    "certificate", c->host, (unsigned)c->port);
	if (n > PEER_CHAIN_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "TLS: %s port %u sent %d "
		    "certificates, limit %d", c->host, (unsigned)c->port, n,
		    PEER_CHAIN_MAX);
	for (i = 0; i < n; i++)
		if ((len = wolfSSL_get_chain_length(ch, i)) > 0)
			total += (size_t)len;
	if ((c->peer_blob = malloc(total + 1)) == NULL ||
	    (c->peer = calloc((size_t)n, sizeof(*c->peer))) == NULL) {
		peer_clear(c);
		return brski_fail(e, BRSKI_ENOMEM, "httpc: out of memory");
	}
	for (i = 0; i < n; i++) {
		if ((len = wolfSSL_get_chain_length(ch, i)) <= 0)
			continue;
		memcpy(c->peer_blob + off, wolfSSL_get_chain_cert(ch, i),
		    (size_t)len);
		c->peer[c->peer_count].data = c->peer_blob + off;
		c->peer[c->peer_count].len = (size_t)len;
		c->peer_count++;
		off += (size_t)len;
	}
	return BRSKI_OK;
}

/*
 * Provisional trust is given to one server certificate: a transparent
 * reconnect must meet the same one, not whoever answers now.
 */
static enum brski_rc
peer_pin(struct httpc_conn *c, struct brski_err *e)
{
	const struct bytes	*leaf = &c->peer[0];

	if (c->verify != HTTPC_VERIFY_PROVISIONAL)
		return BRSKI_OK;
	if (c->first_leaf == NULL) {
		if ((c->first_leaf = malloc(leaf->len)) == NULL)
			return brski_fail(e, BRSKI_ENOMEM, "httpc: out of "
			    "memory");
		memcpy(c->first_leaf, leaf->data, leaf->len);
		c->first_leaf_len = leaf->len;
		return BRSKI_OK;
	}
	if (c->first_leaf_len != leaf->len ||
	    memcmp(c->first_leaf, leaf->data, leaf->len) != 0)
		return brski_fail(e, BRSKI_ETLS, "TLS: %s port %u presented a "
		    "different certificate after reconnecting", c->host,
		    (unsigned)c->port);
	return BRSKI_OK;
}

static enum brski_rc
tls_start(struct httpc_conn *c, struct brski_err *e)
{
	int	ret;

	if ((c->ssl = wolfSSL_new(c->ctx)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "httpc: cannot create a "
		    "TLS session");
	wolfSSL_SetIOReadCtx(c->ssl, c);
	wolfSSL_SetIOWriteCtx(c->ssl, c);
	wolfSSL_SetCertCbCtx(c->ssl, c);
	/* RFC 6066 3: SNI carries DNS names only, never IP literals */
	if (!c->host_is_ip && wolfSSL_UseSNI(c->ssl, WOLFSSL_SNI_HOST_NAME,
	    c->host, (unsigned short)strlen(c->host)) != WOLFSSL_SUCCESS)
		return brski_fail(e, BRSKI_ETLS, "httpc: cannot set SNI");
	/*
	 * RFC 6125 6.4: the DNS name must be in the SAN (or CN when there
	 * is no DNS SAN).  IP literals are checked by check_ip() after the
	 * handshake: wolfSSL 5.5.4 ignores an IP in the verify parameters.
	 */
	if (c->name_check && !c->host_is_ip &&
	    wolfSSL_check_domain_name(c->ssl, c->host) != WOLFSSL_SUCCESS)
		return brski_fail(e, BRSKI_ETLS, "httpc: cannot set the "
		    "expected server name");
	c->vfy_err = 0;
	if ((ret = wolfSSL_connect(c->ssl)) != WOLFSSL_SUCCESS)
		return handshake_error(c, ret, e);
	snprintf(c->version, sizeof(c->version), "%s",
	    wolfSSL_get_version(c->ssl));
	snprintf(c->cipher, sizeof(c->cipher), "%s",
	    wolfSSL_get_cipher_name(c->ssl));
	return BRSKI_OK;
}

/*
 * Make sure an IP literal is in the leaf's subjectAltName (iPAddress),
 * independent of how wolfSSL treats the verify parameter.
 * wolfSSL_X509_check_ip_asc() (5.5.4) compares text with its rendering
 * of the SAN octets, which for IPv6 is all eight groups of four hex
 * digits: "fd77:2::2" or "::1" never match, so IPv6 goes in that form.
 */
static enum brski_rc
check_ip(struct httpc_conn *c, struct brski_err *e)
{
	WOLFSSL_X509	*x;
	struct in6_addr	 a6;
	const uint8_t	*b = a6.s6_addr;
	char		 ip[HTTPC_HOST_MAX + 1];
	int		 ok;

	if (!c->name_check || !c->host_is_ip)
		return BRSKI_OK;
	if ((x = wolfSSL_get_peer_certificate(c->ssl)) == NULL)
		return brski_fail(e, BRSKI_ETLS, "TLS: no server certificate");
	/* an IPv6 zone is ours, not part of the address in the SAN */
	snprintf(ip, sizeof(ip), "%.*s", (int)strcspn(c->host, "%"), c->host);
	if (inet_pton(AF_INET6, ip, &a6) == 1)
		snprintf(ip, sizeof(ip), "%02x%02x:%02x%02x:%02x%02x:%02x%02x:"
		    "%02x%02x:%02x%02x:%02x%02x:%02x%02x", b[0], b[1], b[2],
		    b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
		    b[12], b[13], b[14], b[15]);
	ok = wolfSSL_X509_check_ip_asc(x, ip, 0) == WOLFSSL_SUCCESS;
	wolfSSL_X509_free(x);
	if (!ok)
		return brski_fail(e, BRSKI_ETLS, "TLS handshake with %s port "
		    "%u: the certificate is not for \"%s\" (no such "
		    "subjectAltName iPAddress)", c->host, (unsigned)c->port,
		    c->host);
	return BRSKI_OK;
}

/*
 * Open the TCP and TLS connection if it is not open.  Then the peer
 * chain, version and cipher are available.  BRSKI_ENET for DNS, connect
 * and timeouts, BRSKI_ETLS for handshake and verification failures.
 */
enum brski_rc
httpc_connect(struct httpc_conn *c, struct brski_err *e)
{
	enum brski_rc	rc;

	if (c->ssl != NULL)
		return BRSKI_OK;
	io_reset(c, c->connect_timeout_ms);
	if ((rc = tcp_connect(c, e)) != BRSKI_OK)
		goto fail;
	if ((rc = tls_start(c, e)) != BRSKI_OK)
		goto fail;
	if ((rc = check_ip(c, e)) != BRSKI_OK)
		goto fail;
	if ((rc = peer_copy(c, e)) != BRSKI_OK)
		goto fail;
	if ((rc = peer_pin(c, e)) != BRSKI_OK)
		goto fail;
	c->connects++;
	return BRSKI_OK;
fail:
	httpc_close(c);
	return rc;
}

/*
 * Drop the connection (a close_notify is sent if it fits without
 * waiting).  The object stays usable: the next request reconnects.
 */
void
httpc_close(struct httpc_conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		c->io_nowait = 1;
		wolfSSL_shutdown(c->ssl);
		wolfSSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd != -1) {
		close(c->fd);
		c->fd = -1;
	}
	c->version[0] = c->cipher[0] = '\0';
}

void
httpc_conn_free(struct httpc_conn *c)
{
	if (c == NULL)
		return;
	httpc_close(c);
	peer_clear(c);
	free(c->first_leaf);
	if (c->ctx != NULL)
		wolfSSL_CTX_free(c->ctx);
	free(c);
}

/*
 * The server chain of the last handshake, leaf first, as DER (borrowed:
 * valid until the next connect or httpc_conn_free()).  NULL and *count
 * 0 before the first handshake.
 */
const struct bytes *
httpc_peer_chain(const struct httpc_conn *c, size_t *count)
{
	*count = c->peer_count;
	return c->peer_count > 0 ? c->peer : NULL;
}

/* "TLSv1.3" or "TLSv1.2" while connected, else NULL. */
const char *
httpc_tls_version(const struct httpc_conn *c)
{
	return c->ssl != NULL ? c->version : NULL;
}

const char *
httpc_tls_cipher(const struct httpc_conn *c)
{
	return c->ssl != NULL ? c->cipher : NULL;
}

/* TLS connections opened so far (keep-alive makes it stay at 1). */
unsigned int
httpc_connect_count(const struct httpc_conn *c)
{
	return c->connects;
}

int
httpc_is_connected(const struct httpc_conn *c)
{
	return c->ssl != NULL;
}

/*
 * Keying material exporter (RFC 5705, RFC 8446 7.5): out_len bytes for
 * label and (optional) context, for channel bindings.  BRSKI_EINVAL
 * when not connected.
 */
enum brski_rc
httpc_tls_exporter(struct httpc_conn *c, const char *label,
    const uint8_t *context, size_t context_len, uint8_t *out, size_t out_len,
    struct brski_err *e)
{
	int	ret;

	if (c->ssl == NULL)
		return brski_fail(e, BRSKI_EINVAL, "httpc: exporter: not "
		    "connected");
	ret = wolfSSL_export_keying_material(c->ssl, out, out_len, label,
	    strlen(label), context, context_len, context != NULL);
	if (ret != WOLFSSL_SUCCESS)
		return brski_fail(e, BRSKI_ETLS, "httpc: exporter for \"%s\" "
		    "failed (%d)", label, ret);
	return BRSKI_OK;
}

/*
 * tls-unique channel binding (RFC 5929 3.1): the first Finished message
 * of the handshake, which is ours since we never resume sessions.
 * Defined for TLS 1.2 only (RFC 8446 C.5): BRSKI_EINVAL for 1.3.
 */
enum brski_rc
httpc_tls_unique(struct httpc_conn *c, uint8_t *out, size_t cap,
    size_t *len, struct brski_err *e)
{
	size_t	n;

	*len = 0;
	if (c->ssl == NULL || wolfSSL_version(c->ssl) != TLS1_2_VERSION)
		return brski_fail(e, BRSKI_EINVAL, "httpc: tls-unique needs a "
		    "TLS 1.2 connection; use the exporter with TLS 1.3");
	if ((n = wolfSSL_get_finished(c->ssl, out, cap)) == 0 || n > cap)
		return brski_fail(e, BRSKI_ETLS, "httpc: no Finished message");
	*len = n;
	return BRSKI_OK;
}

/*
 * The channel binding RFC 7030 3.5 puts into a CSR, for the current
 * connection: tls-unique on TLS 1.2 (tls-exporter there would need the
 * extended master secret, RFC 9266 3; tls-unique is what RFC 7030
 * names), tls-exporter on TLS 1.3 (tls-unique is undefined there, RFC
 * 8446 C.5).  *type names the one used.  BRSKI_EINVAL when not connected.
 */
enum brski_rc
httpc_channel_binding(struct httpc_conn *c, uint8_t *out, size_t cap,
    size_t *len, const char **type, struct brski_err *e)
{
	*len = 0;
	*type = NULL;
	if (c->ssl == NULL)
		return brski_fail(e, BRSKI_EINVAL, "httpc: channel binding: not "
		    "connected");
	if (wolfSSL_version(c->ssl) == TLS1_2_VERSION) {
		*type = "tls-unique";
		return httpc_tls_unique(c, out, cap, len, e);
	}
	if (cap < HTTPC_CB_EXPORTER_LEN)
		return brski_fail(e, BRSKI_EINVAL, "httpc: channel binding: "
		    "buffer of %zu bytes", cap);
	*type = "tls-exporter";
	*len = HTTPC_CB_EXPORTER_LEN;
	return httpc_tls_exporter(c, HTTPC_CB_EXPORTER_LABEL, NULL, 0, out,
	    HTTPC_CB_EXPORTER_LEN, e);
}

/* ---------------------------------------------------------- requests */

/* Visible characters, spaces and tabs only: no header injection. */
static int
field_value_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 && *s != '\t')
			return 0;
		else if (*s == 0x7f)
			return 0;
	return 1;
}

static enum brski_rc
request_check(const char *method, const char *target,
    const struct httpc_headers *h, struct brski_err *e)
{
	/* two of these would leave the server to guess (RFC 9112 6.3) */
	static const char *const ours[] = { "Host", "Content-Length",
	    "Transfer-Encoding", "Connection", "Content-Type", "Accept" };
	const char	*p;
	size_t		 i, j;

	for (p = method; *p != '\0'; p++)
		if (!httpc_parse_tchar(*p))
			break;
	if (*p != '\0' || p == method || p - method > METHOD_MAX)
		return brski_fail(e, BRSKI_EINVAL, "httpc: bad method");
	if (target[0] != '/' || strlen(target) > HTTPC_TARGET_MAX)
		return brski_fail(e, BRSKI_EINVAL, "httpc: bad request target");
	for (p = target; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return brski_fail(e, BRSKI_EINVAL, "httpc: bad request "
			    "target");
	if (h == NULL)
		return BRSKI_OK;
	if ((h->content_type != NULL && !field_value_ok(h->content_type)) ||
	    (h->accept != NULL && !field_value_ok(h->accept)))
		return brski_fail(e, BRSKI_EINVAL, "httpc: bad header value");
	for (i = 0; i < h->extra_count; i++) {
		for (p = h->extra[i]; httpc_parse_tchar(*p); p++)
			;
		if (p == h->extra[i] || *p != ':' || !field_value_ok(p))
			return brski_fail(e, BRSKI_EINVAL, "httpc: extra "
			    "header %zu is not \"Name: value\"", i);
		for (j = 0; j < sizeof(ours) / sizeof(ours[0]); j++)
			if ((size_t)(p - h->extra[i]) == strlen(ours[j]) &&
			    strncasecmp(h->extra[i], ours[j],
			    strlen(ours[j])) == 0)
				return brski_fail(e, BRSKI_EINVAL, "httpc: "
				    "extra header %zu: %s is set by httpc", i,
				    ours[j]);
	}
	return BRSKI_OK;
}

/* The request bytes: a secret buffer, Authorization may be inside. */
static enum brski_rc
request_build(struct httpc_conn *c, const char *method, const char *target,
    const struct httpc_headers *h, const uint8_t *body, size_t body_len,
    struct buf *b, struct brski_err *e)
{
	enum brski_rc	rc;
	size_t		i;

	b->secret = 1;
	if ((rc = buf_printf(b, e, "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: %s/%s\r\n", method, target, c->authority,
	    PACKAGE_NAME, PACKAGE_VERSION)) != BRSKI_OK)
		return rc;
	if (h != NULL && h->content_type != NULL &&
	    (rc = buf_printf(b, e, "Content-Type: %s\r\n",
	    h->content_type)) != BRSKI_OK)
		return rc;
	if (h != NULL && h->accept != NULL &&
	    (rc = buf_printf(b, e, "Accept: %s\r\n", h->accept)) != BRSKI_OK)
		return rc;
	for (i = 0; h != NULL && i < h->extra_count; i++)
		if ((rc = buf_printf(b, e, "%s\r\n", h->extra[i])) != BRSKI_OK)
			return rc;
	/* RFC 9110 8.6: POST and PUT say their length, even when 0 */
	if ((body_len > 0 || strcmp(method, "POST") == 0 ||
	    strcmp(method, "PUT") == 0) && (rc = buf_printf(b, e,
	    "Content-Length: %zu\r\n", body_len)) != BRSKI_OK)
		return rc;
	if ((rc = buf_printf(b, e, "Connection: keep-alive\r\n\r\n")) !=
	    BRSKI_OK)
		return rc;
	return buf_append(b, body, body_len, BUF_NOLIMIT, e);
}

/* Could the connection have been closed by the server while idle? */
static int
conn_stale(struct httpc_conn *c)
{
	struct pollfd	pfd;
	char		one;
	int		n, stale;

	pfd.fd = c->fd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) == 0)
		return 0;
	/*
	 * Something is there: a TLS 1.3 session ticket is harmless, a
	 * close_notify, EOF, reset or stray data mean the connection is
	 * no good for a new request.
	 */
	c->io_nowait = 1;
	n = wolfSSL_read(c->ssl, &one, 1);
	stale = !(n < 0 && wolfSSL_get_error(c->ssl, n) ==
	    WOLFSSL_ERROR_WANT_READ);
	c->io_nowait = 0;
	return stale;
}

static enum brski_rc
io_error(struct httpc_conn *c, const char *what, int ret,
    struct brski_err *e)
{
	char	reason[256];
	int	err;

	if (c->io_timedout)
		return brski_fail(e, BRSKI_ENET, "%s %s port %u: timed out "
		    "after %d ms", what, c->host, (unsigned)c->port,
		    c->io_timeout_ms);
	if (c->io_eof || c->io_errno != 0)
		return brski_fail(e, BRSKI_ENET, "%s %s port %u: %s", what,
		    c->host, (unsigned)c->port, c->io_errno != 0 ?
		    strerror(c->io_errno) : "connection closed");
	err = wolfSSL_get_error(c->ssl, ret);
	return brski_fail(e, BRSKI_ETLS, "%s %s port %u: %s", what, c->host,
	    (unsigned)c->port, tls_reason(c, err, reason, sizeof(reason)));
}

static enum brski_rc
request_send(struct httpc_conn *c, const struct buf *req,
    struct brski_err *e)
{
	size_t	off = 0, n;
	int	ret;

	while (off < req->len) {
		n = req->len - off > WRITE_CHUNK ? WRITE_CHUNK : req->len - off;
		if ((ret = wolfSSL_write(c->ssl, req->data + off, (int)n)) <= 0)
			return io_error(c, "sending to", ret, e);
		off += (size_t)ret;
	}
	return BRSKI_OK;
}

/*
 * Read one response.  *got counts the bytes of it that arrived: a
 * reused connection that closes before the first one may be retried.
 * *reusable says whether the connection can carry the next request.
 */
static enum brski_rc
response_read(struct httpc_conn *c, int head, size_t max_body,
    struct httpc_response **out, size_t *got, int *reusable,
    struct brski_err *e)
{
	struct httpc_parse	 rp;
	uint8_t		 rbuf[READ_CHUNK];
	size_t		 used = 0;
	int		 n = 0, err;
	enum brski_rc	 rc;

	*got = 0;
	*reusable = 0;
	if ((rc = httpc_parse_init(&rp, head, max_body, e)) != BRSKI_OK)
		return rc;
	while (!rp.complete) {
		if ((n = wolfSSL_read(c->ssl, rbuf, sizeof(rbuf))) > 0) {
			*got += (size_t)n;
			rc = httpc_parse_feed(&rp, rbuf, (size_t)n, &used);
			if (rc != BRSKI_OK) {
				brski_prefix(e, "%s port %u: ", c->host,
				    (unsigned)c->port);
				goto out;
			}
			continue;
		}
		err = wolfSSL_get_error(c->ssl, n);
		if (err == WOLFSSL_ERROR_ZERO_RETURN ||
		    (c->io_eof && !c->io_timedout)) {
			c->closed = 1;
			if ((rc = httpc_parse_eof(&rp)) != BRSKI_OK)
				brski_prefix(e, "%s port %u: ", c->host,
				    (unsigned)c->port);
			goto out;
		}
		rc = io_error(c, "reading from", n, e);
		goto out;
	}
	/* bytes after the response: the server is out of step with us */
	*reusable = rp.resp->keep_alive && used == (size_t)n &&
	    wolfSSL_pending(c->ssl) == 0;
out:
	if (rc == BRSKI_OK && (*out = httpc_parse_take(&rp, e)) == NULL)
		rc = BRSKI_ENOMEM;
	httpc_parse_free(&rp);
	return rc;
}

/*
 * Make the connection usable for the next request now: reopen it when
 * the server closed it while idle, open it when it is not.  For callers
 * that derive something from the session before sending (a channel
 * binding, RFC 7030 3.5), so that it belongs to the session the request
 * will use.  Errors as httpc_connect().
 */
enum brski_rc
httpc_ready(struct httpc_conn *c, struct brski_err *e)
{
	if (c->ssl != NULL && conn_stale(c))
		httpc_close(c);
	return httpc_connect(c, e);
}

/*
 * Send one request and read the response, over the kept-alive
 * connection when there is one (else a new one).  target is the path
 * and query; h may be NULL.  A response body over max_body bytes is
 * BRSKI_ETOOBIG.  If a reused connection turns out closed by the
 * server before any byte of the response, the request is sent once
 * more on a new connection.  On success the caller frees *out with
 * httpc_response_free(); any HTTP status is a success here.  Errors:
 * BRSKI_ENET (DNS, connect, timeouts, connection lost), BRSKI_ETLS,
 * BRSKI_EPARSE (malformed or truncated response), BRSKI_ETOOBIG,
 * BRSKI_EINVAL (bad method, target or header lines).
 */
enum brski_rc
httpc_request(struct httpc_conn *c, const char *method, const char *target,
    const struct httpc_headers *h, const uint8_t *body, size_t body_len,
    size_t max_body, struct httpc_response **out, struct brski_err *e)
{
	struct buf	 req = { 0 };
	size_t		 got;
	int		 attempt, reused, retry, reusable = 0;
	enum brski_rc	 rc;

	*out = NULL;
	if ((rc = request_check(method, target, h, e)) != BRSKI_OK)
		return rc;
	if ((rc = request_build(c, method, target, h, body, body_len, &req,
	    e)) != BRSKI_OK)
		goto out;
	for (attempt = 0;; attempt++) {
		if (c->ssl != NULL && conn_stale(c))
			httpc_close(c);
		reused = c->ssl != NULL;
		if ((rc = httpc_connect(c, e)) != BRSKI_OK)
			goto out;
		io_reset(c, c->io_timeout_ms);
		got = 0;
		if ((rc = request_send(c, &req, e)) == BRSKI_OK)
			rc = response_read(c, strcmp(method, "HEAD") == 0,
			    max_body, out, &got, &reusable, e);
		if (rc == BRSKI_OK)
			break;
		/*
		 * RFC 9112 9.3.1: a server may close an idle connection
		 * just as we reuse it.  Nothing was answered, so try once
		 * on a new connection.
		 */
		retry = reused && attempt == 0 && got == 0 &&
		    !c->io_timedout && (c->io_eof || c->closed);
		httpc_close(c);
		if (!retry)
			goto out;
	}
out:
	if (rc != BRSKI_OK || !reusable)
		httpc_close(c);
	buf_free(&req);
	return rc;
}
