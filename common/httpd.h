/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTTPS server layer of the registrar and the MASA, on
 * libmicrohttpd (GnuTLS): TLS 1.2 and 1.3, a client certificate
 * requested but not required (the application verifies the chain with
 * wolfSSL), a route table, a body size cap, one log line per request.
 * Handlers run in the server's worker threads and may block.
 */
#ifndef BRSKI_HTTPD_H
#define BRSKI_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "err.h"
#include "x509.h"

#define HTTPD_HEADERS_MAX	4

struct httpd;

struct httpd_req {
	const char		*method;
	const char		*path;
	const char		*content_type;	/* NULL if absent */
	const char		*accept;	/* NULL if absent */
	const uint8_t		*body;
	size_t			 body_len;
	struct x509_list	 peer;		/* TLS client chain, leaf first */
	int			 peer_unparsed;	/* a cert we could not parse */
	char			 addr[64];	/* the client's address */
	void			*conn;		/* the MHD_Connection */
};

struct httpd_resp {
	int		 status;
	const char	*content_type;
	uint8_t		*body;		/* freed (wiped if secret) after sending */
	size_t		 body_len;
	int		 secret;
	long		 retry_after;	/* > 0: Retry-After */
	const char	*auth_realm;	/* 401 with WWW-Authenticate: Basic */
	const char	*hdr_name[HTTPD_HEADERS_MAX];
	char		*hdr_value[HTTPD_HEADERS_MAX];
};

typedef void	(*httpd_handler)(struct httpd_req *, struct httpd_resp *,
		    void *);

struct httpd_route {
	const char	*method;
	const char	*path;
	httpd_handler	 fn;
	void		*arg;
};

struct httpd_conf {
	const char		*name;		/* for log lines */
	const char		*listen;	/* address literal, or "*" */
	unsigned		 port;		/* 0: ephemeral */
	const char		*cert_file;	/* PEM chain, leaf first */
	const char		*key_file;	/* PEM key */
	unsigned		 threads;	/* 0: a thread per connection */
	unsigned		 max_connections;
	unsigned		 max_per_ip;	/* 0: no per-address limit */
	unsigned		 timeout_s;
	size_t			 body_max;
	size_t			 conn_memory;	/* 0: libmicrohttpd's 32 KiB */
	const struct httpd_route *routes;
	size_t			 nroutes;
};

/* the server settings both daemons take, read by httpd_conf_read() */
#define HTTPD_CONF_OPTS \
	{ "max-body", CFG_INT, "65536", 1024, 16 * 1024 * 1024, \
	    "largest request body in bytes" }, \
	{ "threads", CFG_INT, "4", 0, 1024, \
	    "worker threads (0: one per connection)" }, \
	{ "max-connections", CFG_INT, "256", 1, 65536, \
	    "concurrent connections" }, \
	{ "max-connections-per-ip", CFG_INT, "32", 0, 65536, \
	    "concurrent connections from one address (0: no limit)" }, \
	{ "connection-timeout", CFG_INT, "30", 1, 3600, \
	    "seconds a connection may idle or a request body may take" }, \
	{ "connection-memory", CFG_INT, "16384", 4096, 1024 * 1024, \
	    "bytes per connection for its request line, headers and " \
	    "buffers (a bigger header block is answered 431)" }

void		 httpd_conf_read(const struct conf *, struct httpd_conf *);
enum brski_rc	 httpd_start(const struct httpd_conf *, struct httpd **,
		    struct brski_err *);
unsigned	 httpd_port(const struct httpd *);
void		 httpd_stop(struct httpd *);

const char	*httpd_header(const struct httpd_req *, const char *);
int		 httpd_basic_auth(const struct httpd_req *, char **, char **);
int		 httpd_accepts(const struct httpd_req *, const char *);
int		 httpd_content_type_is(const struct httpd_req *, const char *);

enum brski_rc	 httpd_channel_binding(const struct httpd_req *, uint8_t *,
		    size_t, size_t *, const char **, struct brski_err *);

enum brski_rc	 httpd_reply(struct httpd_resp *, int, const char *,
		    const void *, size_t);
void		 httpd_reply_take(struct httpd_resp *, int, const char *,
		    uint8_t *, size_t);
void		 httpd_reply_text(struct httpd_resp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
enum brski_rc	 httpd_add_header(struct httpd_resp *, const char *,
		    const char *);

#endif /* BRSKI_HTTPD_H */
