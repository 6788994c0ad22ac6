/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTPS server on libmicrohttpd 0.9.75 + GnuTLS (recipe 1 of
 * mhd-and-libcoap.md).  Traps it handles: MHD options are varargs and
 * need exact types; HTTPS_MEM_TRUST only makes the server *request* a
 * client certificate (nothing is verified, which is what we want: the
 * IDevID comes from a manufacturer the TLS layer cannot know); the body
 * arrives in pieces and each must be marked consumed.
 */
#include "config.h"

#include <sys/socket.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <microhttpd.h>

#include "buf.h"
#include "fileio.h"
#include "httpd.h"
#include "log.h"
#include "metrics.h"
#include "rand.h"
#include "secret.h"

#define PEM_MAX		(64 * 1024)
#define TLS_PRIORITIES	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

struct httpd {
	struct MHD_Daemon	*d;
	struct httpd_conf	 conf;
	char			*cert_pem;
	char			*key_pem;
	size_t			 key_len;
	struct sockaddr_storage	 sa;
};

/* Per request, in MHD's con_cls. */
struct req_state {
	struct buf		body;
	int			too_big;
	struct timespec		start;
};

/* A response body for MHD's free callback. */
struct body_ref {
	uint8_t	*p;
	size_t	 len;
	int	 secret;
};

/* MHD's format strings; the attribute is for clang -Wformat-nonliteral */
static void	mhd_log(void *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	const struct httpd	*h = cls;
	char			 msg[512];
	size_t			 n;

	/* MHD says this for its per-address limit too: name both */
	if (h != NULL && strncmp(fmt, "Server reached connection limit", 31) == 0) {
		log_warn("%s: a connection refused at accept: max-connections "
		    "(%u) or max-connections-per-ip (%u) reached", h->conf.name,
		    h->conf.max_connections, h->conf.max_per_ip);
		return;
	}
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	log_warn("%s", msg);
}

static void
free_body(void *cls)
{
	struct body_ref	*r = cls;

	if (r->secret)
		secret_free(r->p, r->len);
	else
		free(r->p);
	free(r);
}

static uint64_t
us_since(const struct timespec *t0)
{
	struct timespec	t;
	int64_t		us;

	clock_gettime(CLOCK_MONOTONIC, &t);
	us = (int64_t)(t.tv_sec - t0->tv_sec) * 1000000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000;
	return us > 0 ? (uint64_t)us : 0;
}

static void
peer_address(struct MHD_Connection *c, char *out, size_t len)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	snprintf(out, len, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)len);
}

/* The client's certificates, as it sent them (nothing verified yet). */
static void
peer_chain(struct MHD_Connection *c, struct httpd_req *r)
{
	const union MHD_ConnectionInfo	*ci;
	const gnutls_datum_t		*der;
	unsigned int			 n = 0, i;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return;
	der = gnutls_certificate_get_peers(
	    (gnutls_session_t)ci->tls_session, &n);
	for (i = 0; der != NULL && i < n && i < X509_CHAIN_MAX; i++)
		if (x509_list_add_der(&r->peer, der[i].data, der[i].size,
		    NULL) != BRSKI_OK) {
			r->peer_unparsed = 1;
			x509_list_free(&r->peer);
			return;
		}
}

static const struct httpd_route *
route(const struct httpd *h, const char *method, const char *path,
    char *allow, size_t allow_len)
{
	size_t	i, o = 0;

	allow[0] = '\0';
	for (i = 0; i < h->conf.nroutes; i++) {
		if (strcmp(h->conf.routes[i].path, path) != 0)
			continue;
		if (strcmp(h->conf.routes[i].method, method) == 0)
			return &h->conf.routes[i];
		o += (size_t)snprintf(allow + o, o < allow_len ? allow_len - o : 0,
		    "%s%s", o ? ", " : "", h->conf.routes[i].method);
	}
	return NULL;
}

static enum MHD_Result
send_resp(struct MHD_Connection *c, struct httpd_resp *rs)
{
	struct MHD_Response	*r;
	struct body_ref		*ref;
	enum MHD_Result		 ret;
	char			 ra[32];
	int			 i;

	if ((ref = calloc(1, sizeof(*ref))) == NULL)
		return MHD_NO;
	ref->p = rs->body;
	ref->len = rs->body_len;
	ref->secret = rs->secret;
	rs->body = NULL;
	r = MHD_create_response_from_buffer_with_free_callback_cls(ref->len,
	    ref->p, free_body, ref);
	if (r == NULL) {
		free_body(ref);
		return MHD_NO;
	}
	if (rs->content_type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    rs->content_type);
	if (rs->retry_after > 0) {
		snprintf(ra, sizeof(ra), "%ld", rs->retry_after);
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	for (i = 0; i < HTTPD_HEADERS_MAX && rs->hdr_name[i] != NULL; i++)
		MHD_add_response_header(r, rs->hdr_name[i], rs->hdr_value[i]);
	if (rs->status == MHD_HTTP_UNAUTHORIZED && rs->auth_realm != NULL)
		ret = MHD_queue_basic_auth_fail_response(c, rs->auth_realm, r);
	else
		ret = MHD_queue_response(c, (unsigned)rs->status, r);
	MHD_destroy_response(r);
	return ret;
}

static void
resp_clear(struct httpd_resp *rs)
{
	int	i;

	if (rs->secret)
		secret_free(rs->body, rs->body_len);
	else
		free(rs->body);
	for (i = 0; i < HTTPD_HEADERS_MAX; i++)
		free(rs->hdr_value[i]);
}

static enum MHD_Result
dispatch(struct httpd *h, struct MHD_Connection *c, const char *method,
    const char *path, struct req_state *st)
{
	const struct httpd_route	*rt;
	struct httpd_req		 rq;
	struct httpd_resp		 rs;
	enum MHD_Result			 ret;
	char				 allow[128];
	const char			*who;
	uint64_t			 us;

	/* registers this thread's crypto cleanup at its exit (rand.c) */
	(void)rand_rng();
	memset(&rq, 0, sizeof(rq));
	memset(&rs, 0, sizeof(rs));
	rq.method = method;
	rq.path = path;
	rq.conn = c;
	rq.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	rq.accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	rq.body = st->body.data != NULL ? st->body.data : (const uint8_t *)"";
	rq.body_len = st->body.len;
	peer_address(c, rq.addr, sizeof(rq.addr));
	peer_chain(c, &rq);
	if (st->too_big) {
		log_warn("%s: %s %s %s refused (413): body over %zu bytes",
		    h->conf.name, rq.addr, method, path, h->conf.body_max);
		httpd_reply_text(&rs, MHD_HTTP_CONTENT_TOO_LARGE, "request body "
		    "over %zu bytes\n", h->conf.body_max);
	}
	else if ((rt = route(h, method, path, allow, sizeof(allow))) != NULL)
		rt->fn(&rq, &rs, rt->arg);
	else if (allow[0] != '\0') {
		httpd_reply_text(&rs, MHD_HTTP_METHOD_NOT_ALLOWED, "use %s\n",
		    allow);
		httpd_add_header(&rs, MHD_HTTP_HEADER_ALLOW, allow);
	} else
		httpd_reply_text(&rs, MHD_HTTP_NOT_FOUND, "no such resource\n");
	if (rs.status == 0)
		httpd_reply_text(&rs, 500, "internal error\n");
	who = rq.peer.n > 0 ? rq.peer.v[0]->subject : "-";
	us = us_since(&st->start);
	log_info("%s: %s %s %s -> %d (in %zu, out %zu bytes, %llu ms) client "
	    "\"%.80s\"", h->conf.name, rq.addr, method, path, rs.status,
	    rq.body_len, rs.body_len, (unsigned long long)(us / 1000), who);
	/* paths nobody registered (a scanner's) all count as "other" */
	metrics_request(path[0] == '/' ? path : NULL, rs.status, us);
	ret = send_resp(c, &rs);
	resp_clear(&rs);
	x509_list_free(&rq.peer);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *data,
    size_t *data_size, void **con_cls)
{
	struct httpd		*h = cls;
	struct req_state	*st = *con_cls;
	const char		*cl;
	unsigned long long	 n;

	(void)version;
	if (st == NULL) {		/* headers only so far */
		if ((st = calloc(1, sizeof(*st))) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &st->start);
		*con_cls = st;
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl != NULL && (n = strtoull(cl, NULL, 10)) > h->conf.body_max)
			st->too_big = 1;	/* answered once the body ends */
		return MHD_YES;
	}
	if (*data_size != 0) {
		/* MHD's timeout is for idle connections only: a client that
		 * trickles a byte now and then (slowloris) would hold a
		 * worker forever.  The whole body gets timeout_s. */
		if (us_since(&st->start) > (uint64_t)h->conf.timeout_s * 1000000) {
			char	addr[INET6_ADDRSTRLEN];

			peer_address(c, addr, sizeof(addr));
			log_warn("%s: %s %s %s: body still incomplete after %us "
			    "(slow client): connection closed", h->conf.name,
			    addr, method, url, h->conf.timeout_s);
			return MHD_NO;
		}
		if (!st->too_big && buf_append(&st->body, data, *data_size,
		    h->conf.body_max, NULL) != BRSKI_OK)
			st->too_big = 1;	/* keep draining, answer 413 */
		*data_size = 0;			/* MUST: consumed */
		return MHD_YES;
	}
	return dispatch(h, c, method, url, st);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct httpd		*h = cls;
	struct req_state	*st = *con_cls;
	char			 addr[INET6_ADDRSTRLEN];

	if (st == NULL)
		return;
	if (toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED) {
		peer_address(c, addr, sizeof(addr));
		log_warn("%s: %s: request incomplete and the connection idle "
		    "for %us: closed", h->conf.name, addr, h->conf.timeout_s);
	}
	buf_free(&st->body);
	free(st);
	*con_cls = NULL;
}

static enum brski_rc
listen_addr(struct httpd *h, unsigned *flags, struct brski_err *e)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 port[16];
	int		 r;

	if (h->conf.listen == NULL || strcmp(h->conf.listen, "*") == 0) {
		*flags |= MHD_USE_DUAL_STACK;
		return BRSKI_OK;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(port, sizeof(port), "%u", h->conf.port);
	if ((r = getaddrinfo(h->conf.listen, port, &hints, &ai)) != 0)
		return brski_fail(e, BRSKI_ECONFIG, "listen %s: %s (give an "
		    "IPv4 or IPv6 address, or *)", h->conf.listen,
		    gai_strerror(r));
	memcpy(&h->sa, ai->ai_addr, ai->ai_addrlen);
	if (ai->ai_family == AF_INET6)
		*flags |= MHD_USE_IPv6;
	freeaddrinfo(ai);
	return BRSKI_OK;
}

static enum brski_rc
load_pems(struct httpd *h, struct brski_err *e)
{
	uint8_t		*p = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	if ((rc = file_read(h->conf.cert_file, PEM_MAX, &p, &len, e)) !=
	    BRSKI_OK)
		return rc;
	h->cert_pem = (char *)p;
	if ((rc = file_read(h->conf.key_file, PEM_MAX, &p, &len, e)) !=
	    BRSKI_OK)
		return rc;
	h->key_pem = (char *)p;
	h->key_len = len;
	return BRSKI_OK;
}

#define OPT(i, opt, v, p) \
	((i) = (struct MHD_OptionItem){ (opt), (intptr_t)(v), (void *)(p) })

/*
 * MHD's options as an array (their varargs form cannot leave some out);
 * numbers in value, pointers in ptr_value, callbacks as value + closure.
 */
static struct MHD_OptionItem *
options(struct httpd *h, struct MHD_OptionItem *o)
{
	int	n = 0;

	/* first, or MHD logs the others' complaints its own way */
	OPT(o[n++], MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h);
	OPT(o[n++], MHD_OPTION_HTTPS_MEM_KEY, 0, h->key_pem);
	OPT(o[n++], MHD_OPTION_HTTPS_MEM_CERT, 0, h->cert_pem);
	/* any PEM here makes GnuTLS request a client certificate */
	OPT(o[n++], MHD_OPTION_HTTPS_MEM_TRUST, 0, h->cert_pem);
	OPT(o[n++], MHD_OPTION_HTTPS_PRIORITIES, 0, TLS_PRIORITIES);
	OPT(o[n++], MHD_OPTION_CONNECTION_LIMIT, h->conf.max_connections, NULL);
	/* one address cannot take every slot, even with headers that trickle
	 * in under the idle timeout (MHD has no whole-request deadline) */
	if (h->conf.max_per_ip > 0)
		OPT(o[n++], MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		    h->conf.max_per_ip, NULL);
	OPT(o[n++], MHD_OPTION_CONNECTION_TIMEOUT, h->conf.timeout_s, NULL);
	/* MHD's per-connection pool (default 32 KiB) holds the request
	 * line, headers and I/O buffers; the body goes to our own buffer.
	 * Smaller, 1000 idle TLS connections fit in less memory. */
	if (h->conf.conn_memory > 0)
		OPT(o[n++], MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		    h->conf.conn_memory, NULL);
	OPT(o[n++], MHD_OPTION_NOTIFY_COMPLETED, on_completed, h);
	if (h->conf.threads > 0)
		OPT(o[n++], MHD_OPTION_THREAD_POOL_SIZE, h->conf.threads, NULL);
	if (h->sa.ss_family != 0)
		OPT(o[n++], MHD_OPTION_SOCK_ADDR, 0, &h->sa);
	OPT(o[n++], MHD_OPTION_END, 0, NULL);
	return o;
}

static void
httpd_free(struct httpd *h)
{
	if (h == NULL)
		return;
	free(h->cert_pem);
	secret_free(h->key_pem, h->key_len);
	free(h);
}

/* The HTTPD_CONF_OPTS settings of c into hc (the rest stays). */
void
httpd_conf_read(const struct conf *c, struct httpd_conf *hc)
{
	hc->threads = (unsigned)conf_int(c, "threads");
	hc->max_connections = (unsigned)conf_int(c, "max-connections");
	hc->max_per_ip = (unsigned)conf_int(c, "max-connections-per-ip");
	hc->timeout_s = (unsigned)conf_int(c, "connection-timeout");
	hc->body_max = (size_t)conf_int(c, "max-body");
	hc->conn_memory = (size_t)conf_int(c, "connection-memory");
}

/*
 * Start serving.  The certificate file holds the chain (leaf first) sent
 * to clients; a client certificate is requested, never required.
 */
enum brski_rc
httpd_start(const struct httpd_conf *conf, struct httpd **out,
    struct brski_err *e)
{
	struct httpd		*h;
	struct MHD_OptionItem	 o[16];
	unsigned		 flags = MHD_USE_TLS | MHD_USE_ERROR_LOG;
	enum brski_rc		 rc;
	size_t			 i;

	*out = NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	h->conf = *conf;
	for (i = 0; i < conf->nroutes; i++)
		if (metrics_endpoint(conf->routes[i].path) != 0)
			log_warn("%s: %s counts as \"other\" in /metrics (more "
			    "than %d endpoints)", conf->name,
			    conf->routes[i].path, METRICS_ENDPOINTS_MAX);
	if ((rc = load_pems(h, e)) != BRSKI_OK ||
	    (rc = listen_addr(h, &flags, e)) != BRSKI_OK) {
		httpd_free(h);
		return rc;
	}
	/*
	 * poll(), not epoll: with TLS, libmicrohttpd 0.9.75's epoll loop
	 * spins (epoll_wait with timeout 0, recv EAGAIN) for as long as a
	 * client takes to answer during the handshake: a core burnt per
	 * handshake in progress (bench/README.md, "Findings").
	 */
	flags |= conf->threads == 0 ? MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL :
	    MHD_USE_POLL_INTERNAL_THREAD;
	h->d = MHD_start_daemon(flags, (uint16_t)conf->port, NULL, NULL,
	    on_request, h, MHD_OPTION_ARRAY, options(h, o), MHD_OPTION_END);
	if (h->d == NULL) {
		httpd_free(h);
		return brski_fail(e, BRSKI_EIO, "%s: cannot start HTTPS on %s "
		    "port %u (address in use? bad certificate or key?)",
		    conf->name, conf->listen ? conf->listen : "*", conf->port);
	}
	*out = h;
	return BRSKI_OK;
}

/* The port actually bound (useful with port 0). */
unsigned
httpd_port(const struct httpd *h)
{
	const union MHD_DaemonInfo	*di;

	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	return di != NULL ? di->port : 0;
}

/* Stop accepting, let running handlers finish, free everything. */
void
httpd_stop(struct httpd *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	httpd_free(h);
}

const char *
httpd_header(const struct httpd_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

/*
 * HTTP Basic credentials; 1 with *user and *pass (free both with
 * secret_free(p, strlen(p))), 0 when none were sent.
 */
int
httpd_basic_auth(const struct httpd_req *r, char **user, char **pass)
{
	char	*u, *p = NULL;

	*user = *pass = NULL;
	u = MHD_basic_auth_get_username_password(r->conn, &p);
	if (u == NULL || p == NULL) {
		if (u != NULL)
			MHD_free(u);
		if (p != NULL)
			MHD_free(p);
		return 0;
	}
	*user = strdup(u);
	*pass = strdup(p);
	secret_wipe(p, strlen(p));
	MHD_free(u);
	MHD_free(p);
	if (*user == NULL || *pass == NULL) {
		free(*user);
		secret_free(*pass, *pass ? strlen(*pass) : 0);
		*user = *pass = NULL;
		return 0;
	}
	return 1;
}

/* Does the media type in s (parameters ignored, case-insensitive) equal mt? */
static int
media_is(const char *s, size_t len, const char *mt)
{
	size_t	n;

	while (len > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	n = strcspn(s, ";");
	if (n > len)
		n = len;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n == strlen(mt) && strncasecmp(s, mt, n) == 0;
}

/*
 * Does the request's Accept allow media type mt?  No Accept means
 * anything; "*\/\*" and "type/\*" match; q=0 entries are ignored.
 */
int
httpd_accepts(const struct httpd_req *r, const char *mt)
{
	const char	*p = r->accept, *end, *slash = strchr(mt, '/');
	char		 star[64];
	size_t		 n;

	if (p == NULL)
		return 1;
	snprintf(star, sizeof(star), "%.*s/*", slash ? (int)(slash - mt) : 0,
	    mt);
	for (; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		n = (size_t)(end - p);
		if (memmem(p, n, "q=0", 3) != NULL &&
		    memmem(p, n, "q=0.", 4) == NULL)
			continue;	/* explicitly not acceptable */
		if (media_is(p, n, mt) || media_is(p, n, "*/*") ||
		    media_is(p, n, star))
			return 1;
	}
	return 0;
}

int
httpd_content_type_is(const struct httpd_req *r, const char *mt)
{
	return r->content_type != NULL &&
	    media_is(r->content_type, strlen(r->content_type), mt);
}

/* Answer with a copy of len bytes of body. */
enum brski_rc
httpd_reply(struct httpd_resp *rs, int status, const char *ctype,
    const void *body, size_t len)
{
	uint8_t	*p;

	if ((p = malloc(len > 0 ? len : 1)) == NULL) {
		httpd_reply_take(rs, 500, NULL, NULL, 0);
		return BRSKI_ENOMEM;
	}
	if (len > 0)
		memcpy(p, body, len);
	httpd_reply_take(rs, status, ctype, p, len);
	return BRSKI_OK;
}

/* Answer with body, which the server frees after sending. */
void
httpd_reply_take(struct httpd_resp *rs, int status, const char *ctype,
    uint8_t *body, size_t len)
{
	if (rs->secret)
		secret_free(rs->body, rs->body_len);
	else
		free(rs->body);
	rs->status = status;
	rs->content_type = ctype;
	rs->body = body;
	rs->body_len = len;
}

/* A plain text answer (RFC 8995 5.6: errors are human-readable text). */
void
httpd_reply_text(struct httpd_resp *rs, int status, const char *fmt, ...)
{
	va_list	 ap;
	char	*s = NULL;
	int	 n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0) {
		httpd_reply_take(rs, status, NULL, NULL, 0);
		return;
	}
	httpd_reply_take(rs, status, "text/plain; charset=utf-8", (uint8_t *)s,
	    (size_t)n);
}

enum brski_rc
httpd_add_header(struct httpd_resp *rs, const char *name, const char *value)
{
	int	i;

	for (i = 0; i < HTTPD_HEADERS_MAX; i++)
		if (rs->hdr_name[i] == NULL) {
			if ((rs->hdr_value[i] = strdup(value)) == NULL)
				return BRSKI_ENOMEM;
			rs->hdr_name[i] = name;
			return BRSKI_OK;
		}
	return BRSKI_ETOOBIG;
}

/*
 * The TLS channel binding of the request's connection (RFC 7030 3.5),
 * the same one httpc_channel_binding() computes on the client's side:
 * tls-unique on TLS 1.2, tls-exporter (RFC 9266) on TLS 1.3.  *type
 * names it.  BRSKI_ETLS when the session cannot give it.
 */
enum brski_rc
httpd_channel_binding(const struct httpd_req *r, uint8_t *out, size_t cap,
    size_t *len, const char **type, struct brski_err *e)
{
	const union MHD_ConnectionInfo	*ci;
	gnutls_session_t		 s;
	gnutls_datum_t			 cb = { NULL, 0 };
	gnutls_channel_binding_t	 t;
	int				 ret;

	*len = 0;
	*type = NULL;
	ci = MHD_get_connection_info((struct MHD_Connection *)r->conn,
	    MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return brski_fail(e, BRSKI_ETLS, "channel binding: no TLS "
		    "session");
	s = (gnutls_session_t)ci->tls_session;
	if (gnutls_protocol_get_version(s) == GNUTLS_TLS1_2) {
		t = GNUTLS_CB_TLS_UNIQUE;
		*type = "tls-unique";
	} else {
		/* GnuTLS 3.7: label "EXPORTER-Channel-Binding", no
		 * context, 32 bytes, as RFC 9266 says */
		t = GNUTLS_CB_TLS_EXPORTER;
		*type = "tls-exporter";
	}
	if ((ret = gnutls_session_channel_binding(s, t, &cb)) < 0)
		return brski_fail(e, BRSKI_ETLS, "channel binding %s: %s",
		    *type, gnutls_strerror(ret));
	if (cb.size == 0 || cb.size > cap) {
		gnutls_free(cb.data);
		return brski_fail(e, BRSKI_ETLS, "channel binding %s: %u "
		    "bytes", *type, cb.size);
	}
	memcpy(out, cb.data, cb.size);
	*len = cb.size;
	gnutls_free(cb.data);
	return BRSKI_OK;
}
