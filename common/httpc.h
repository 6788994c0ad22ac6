/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTPS client for the pledge (to the registrar, RFC 8995 5.1-5.9, EST
 * RFC 7030) and the registrar (to the MASA, RFC 8995 5.4).  One
 * connection object is bound to one origin (host, port) and keeps its
 * TLS connection open between requests (HTTP/1.1 keep-alive).  TLS is
 * wolfSSL (1.2 minimum, 1.3 preferred); responses and URLs are parsed
 * with http-parser.
 */
#ifndef BRSKI_HTTPC_H
#define BRSKI_HTTPC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "key.h"

#define HTTPC_HOST_MAX		253	/* a DNS name (RFC 1035 2.3.4) */
#define HTTPC_TARGET_MAX	2048	/* path + query; ours are short */
#define HTTPC_PORT_DEFAULT	443

/* httpc_url_parse() flags */
#define HTTPC_URL_ALLOW_HTTP	0x1	/* accept "http:" too (port 80) */

struct httpc_url {
	int		 https;		/* 0 only with HTTPC_URL_ALLOW_HTTP */
	char		 host[HTTPC_HOST_MAX + 1];	/* no [], no %25 */
	int		 host_is_ip;	/* IPv4 or IPv6 literal */
	uint16_t	 port;
	char		 target[HTTPC_TARGET_MAX + 1];	/* "/path?query" */
};

enum httpc_verify {
	/*
	 * Verify the server chain against the given anchors and the host
	 * name against the leaf's subjectAltName (DNS or IP).
	 */
	HTTPC_VERIFY_ANCHORS = 0,
	/*
	 * Accept any server certificate and keep its chain: the pledge
	 * before it has a voucher (RFC 8995 5.1).
	 */
	HTTPC_VERIFY_PROVISIONAL,
};

enum httpc_tls_version {
	HTTPC_TLS_ANY = 0,	/* 1.3 preferred, 1.2 accepted */
	HTTPC_TLS_12,		/* exactly TLS 1.2 */
	HTTPC_TLS_13,		/* exactly TLS 1.3 */
};

#define HTTPC_CONNECT_TIMEOUT_MS	10000
#define HTTPC_IO_TIMEOUT_MS		30000
#define HTTPC_TIMEOUT_MAX_MS		600000	/* a MASA that thinks 10 min */
#define HTTPC_ANCHORS_MAX		32
#define HTTPC_CLIENT_CHAIN_MAX		8
/* RFC 9266 tls-exporter: this label, no context, 32 bytes */
#define HTTPC_CB_EXPORTER_LABEL		"EXPORTER-Channel-Binding"
#define HTTPC_CB_EXPORTER_LEN		32

/*
 * Options for httpc_conn_new(); everything is copied, nothing is kept
 * by pointer.  A zeroed struct means: anchors mode with no anchors
 * (refused), no client certificate, default timeouts, any TLS version.
 */
struct httpc_opts {
	/* client authentication: leaf first, then intermediates (DER) */
	const struct bytes	*client_chain;
	size_t			 client_chain_count;
	const struct brski_key	*client_key;	/* with client_chain; may
						   be in a PKCS#11 token */

	enum httpc_verify	 verify;
	const struct bytes	*anchors;	/* DER; CA or pinned EE certs */
	size_t			 anchor_count;
	/*
	 * Anchors mode only: skip the host name check.  RFC 8995 5.6.2:
	 * after the voucher the pledge authenticates the registrar with
	 * the pinned-domain-cert alone; its address (often link-local)
	 * is not in the certificate.
	 */
	int			 no_name_check;

	enum httpc_tls_version	 tls_version;
	/* 0: the defaults above */
	int			 connect_timeout_ms;	/* TCP + TLS */
	int			 io_timeout_ms;		/* one request */
};

/* Request headers besides Host, Content-Length and Connection. */
struct httpc_headers {
	const char		*content_type;	/* NULL: none */
	const char		*accept;	/* NULL: none */
	const char *const	*extra;		/* "Name: value" lines */
	size_t			 extra_count;
};

struct httpc_header {
	char	*name;
	char	*value;
};

#define HTTPC_RESP_HEADERS_MAX		64
#define HTTPC_RESP_HEADER_BYTES_MAX	(16 * 1024)

struct httpc_response {
	int			 status;
	/* borrowed views into headers[], NULL when absent */
	const char		*content_type;
	const char		*location;
	const char		*retry_after;
	const char		*www_authenticate;
	long long		 retry_after_s;	/* delta-seconds, or -1 */
	long long		 content_length; /* -1: chunked, EOF */
	int			 chunked;
	int			 keep_alive;	/* the server keeps it open */
	struct httpc_header	*headers;
	size_t			 header_count;
	uint8_t			*body;		/* NUL at body[body_len] */
	size_t			 body_len;
};

struct httpc_conn;

enum brski_rc	 httpc_url_parse(const char *, unsigned int,
		    struct httpc_url *, struct brski_err *);

enum brski_rc	 httpc_conn_new(const char *, uint16_t,
		    const struct httpc_opts *, struct httpc_conn **,
		    struct brski_err *);
enum brski_rc	 httpc_connect(struct httpc_conn *, struct brski_err *);
enum brski_rc	 httpc_ready(struct httpc_conn *, struct brski_err *);
enum brski_rc	 httpc_request(struct httpc_conn *, const char *,
		    const char *, const struct httpc_headers *, const uint8_t *,
		    size_t, size_t, struct httpc_response **,
		    struct brski_err *);
void		 httpc_close(struct httpc_conn *);
void		 httpc_conn_free(struct httpc_conn *);

const struct bytes *httpc_peer_chain(const struct httpc_conn *, size_t *);
const char	*httpc_tls_version(const struct httpc_conn *);
const char	*httpc_tls_cipher(const struct httpc_conn *);
unsigned int	 httpc_connect_count(const struct httpc_conn *);
int		 httpc_is_connected(const struct httpc_conn *);
enum brski_rc	 httpc_tls_exporter(struct httpc_conn *, const char *,
		    const uint8_t *, size_t, uint8_t *, size_t,
		    struct brski_err *);
enum brski_rc	 httpc_tls_unique(struct httpc_conn *, uint8_t *, size_t,
		    size_t *, struct brski_err *);

enum brski_rc	 httpc_channel_binding(struct httpc_conn *, uint8_t *, size_t,
		    size_t *, const char **, struct brski_err *);

enum brski_rc	 httpc_response_parse(const uint8_t *, size_t, int, size_t,
		    struct httpc_response **, struct brski_err *);
const char	*httpc_response_header(const struct httpc_response *,
		    const char *);
void		 httpc_response_free(struct httpc_response *);

#endif /* BRSKI_HTTPC_H */
