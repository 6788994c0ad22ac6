/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pure half of the HTTPS client (httpc.h): URL parsing and an
 * incremental HTTP/1.1 response parser on top of http-parser (RFC 9112).
 * No sockets, files or globals: bytes in, struct out, so both can be
 * unit-tested and fuzzed (httpc_url_parse(), httpc_response_parse()).
 * httpc.c feeds the response parser with what it reads from TLS.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <http_parser.h>

#include "buf.h"
#include "httpc.h"
#include "httpc_parse.h"
#include "log.h"

/* scheme + "://" + bracketed host + ":65535" + target */
#define URL_MAX		(HTTPC_TARGET_MAX + HTTPC_HOST_MAX + 32)
#define LABEL_MAX	63	/* one DNS label (RFC 1035 2.3.4) */
#define RETRY_AFTER_MAX	(10LL * 365 * 24 * 3600)	/* sillier is junk */

/* ------------------------------------------------------------- URLs */

static int
is_digit_str(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

/*
 * A DNS host name (RFC 1123 2.1): letters, digits, hyphens, labels of
 * 1..63 bytes not starting or ending with a hyphen.  A name whose last
 * label is all digits is refused: getaddrinfo() would read "10.1" as
 * the address 10.0.0.1, not as a name.
 */
static int
dns_name_ok(const char *h)
{
	const char	*label = h, *p, *last = h;
	size_t		 n;

	if (*h == '\0' || strlen(h) > HTTPC_HOST_MAX)
		return 0;
	for (p = h;; p++) {
		if (*p == '.' || *p == '\0') {
			n = (size_t)(p - label);
			if (n == 0 || n > LABEL_MAX || label[0] == '-' ||
			    p[-1] == '-')
				return 0;
			last = label;
			if (*p == '\0')
				break;
			label = p + 1;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	}
	return !is_digit_str(last);
}

/*
 * An IPv6 literal, optionally with a zone ("fe80::1%eth0", RFC 6874;
 * in a URL the '%' is written "%25").  The zone may only hold
 * unreserved characters.
 */
static int
ipv6_ok(const char *h)
{
	char		 a[INET6_ADDRSTRLEN];
	struct in6_addr	 in6;
	const char	*z, *p;
	size_t		 n;

	if ((z = strchr(h, '%')) == NULL)
		return inet_pton(AF_INET6, h, &in6) == 1;
	n = (size_t)(z - h);
	if (n >= sizeof(a) || z[1] == '\0')
		return 0;
	memcpy(a, h, n);
	a[n] = '\0';
	for (p = z + 1; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~'))
			return 0;
	return inet_pton(AF_INET6, a, &in6) == 1;
}

/* 1: IP literal, 0: DNS name, -1: neither. */
int
httpc_parse_host_kind(const char *h)
{
	struct in_addr	in4;

	if (inet_pton(AF_INET, h, &in4) == 1 || ipv6_ok(h))
		return 1;
	return dns_name_ok(h) ? 0 : -1;
}

/* Copy the URL's host into out; "[v6%25zone]" becomes "v6%zone". */
static enum brski_rc
url_host(const char *url, const struct http_parser_url *u,
    struct httpc_url *out, struct brski_err *e)
{
	const char	*h = url + u->field_data[UF_HOST].off;
	size_t		 n = u->field_data[UF_HOST].len, i, j;
	int		 bracket, kind;

	bracket = u->field_data[UF_HOST].off > 0 && h[-1] == '[';
	if (n == 0 || n > HTTPC_HOST_MAX)
		return brski_fail(e, BRSKI_EPARSE, "url: host name of %zu "
		    "bytes", n);
	for (i = j = 0; i < n; i++) {
		/* DNS names are case-insensitive, interface names are not */
		out->host[j++] = (char)(h[i] >= 'A' && h[i] <= 'Z' &&
		    strchr(out->host, '%') == NULL ? h[i] - 'A' + 'a' : h[i]);
		out->host[j] = '\0';
		if (h[i] == '%') {
			/* RFC 6874 2: the zone delimiter is "%25" */
			if (!bracket || i + 2 >= n || h[i + 1] != '2' ||
			    h[i + 2] != '5')
				return brski_fail(e, BRSKI_EPARSE, "url: bad "
				    "'%%' in host (an IPv6 zone is written "
				    "%%25)");
			i += 2;
		}
	}
	out->host[j] = '\0';
	kind = httpc_parse_host_kind(out->host);
	if (bracket ? !ipv6_ok(out->host) : kind < 0 || strchr(out->host,
	    ':') != NULL)
		return brski_fail(e, BRSKI_EPARSE, "url: \"%s\" is not a host "
		    "name or IP address", out->host);
	out->host_is_ip = kind == 1;
	return BRSKI_OK;
}

/*
 * Parse an absolute URL "https://host[:port][/path][?query]" into out.
 * IPv6 literals come in brackets, optionally with a zone ("%25eth0").
 * Refused with BRSKI_EPARSE: schemes other than https (http only with
 * HTTPC_URL_ALLOW_HTTP), userinfo (credentials do not belong in a URL
 * that ends up in logs), fragments, port 0, hosts that are neither DNS
 * names nor IP literals, and anything longer than the HTTPC_*_MAX.
 */
enum brski_rc
httpc_url_parse(const char *url, unsigned int flags, struct httpc_url *out,
    struct brski_err *e)
{
	struct http_parser_url	 u;
	const char		*f;
	size_t			 len, n;
	int			 r;
	enum brski_rc		 rc;

	memset(out, 0, sizeof(*out));
	if ((len = strnlen(url, URL_MAX + 1)) > URL_MAX)
		return brski_fail(e, BRSKI_EPARSE, "url: longer than %d bytes",
		    URL_MAX);
	http_parser_url_init(&u);
	if (http_parser_parse_url(url, len, 0, &u) != 0)
		return brski_fail(e, BRSKI_EPARSE, "url: cannot parse "
		    "\"%.64s\"", url);
	if (!(u.field_set & (1 << UF_SCHEMA)) || !(u.field_set &
	    (1 << UF_HOST)))
		return brski_fail(e, BRSKI_EPARSE, "url: \"%.64s\" is not an "
		    "absolute URL (https://host/path)", url);
	f = url + u.field_data[UF_SCHEMA].off;
	n = u.field_data[UF_SCHEMA].len;
	if (n == 5 && strncasecmp(f, "https", 5) == 0)
		out->https = 1;
	else if (!(n == 4 && strncasecmp(f, "http", 4) == 0 &&
	    (flags & HTTPC_URL_ALLOW_HTTP)))
		return brski_fail(e, BRSKI_EPARSE, "url: scheme \"%.*s\" is "
		    "not allowed; use https", (int)(n > 16 ? 16 : n), f);
	if (u.field_set & (1 << UF_USERINFO))
		return brski_fail(e, BRSKI_EPARSE, "url: user information "
		    "(\"user@\") is not allowed");
	if (u.field_set & (1 << UF_FRAGMENT))
		return brski_fail(e, BRSKI_EPARSE, "url: a fragment (\"#...\") "
		    "is not allowed");
	if ((rc = url_host(url, &u, out, e)) != BRSKI_OK)
		goto fail;
	if (u.field_set & (1 << UF_PORT)) {
		if (u.port == 0) {
			rc = brski_fail(e, BRSKI_EPARSE, "url: port 0");
			goto fail;
		}
		out->port = u.port;
	} else
		out->port = out->https ? HTTPC_PORT_DEFAULT : 80;
	r = snprintf(out->target, sizeof(out->target), "%.*s%s%.*s",
	    (u.field_set & (1 << UF_PATH)) ? (int)u.field_data[UF_PATH].len : 1,
	    (u.field_set & (1 << UF_PATH)) ? url + u.field_data[UF_PATH].off :
	    "/", (u.field_set & (1 << UF_QUERY)) ? "?" : "",
	    (int)u.field_data[UF_QUERY].len, url + u.field_data[UF_QUERY].off);
	if (r < 0 || (size_t)r >= sizeof(out->target)) {
		rc = brski_fail(e, BRSKI_EPARSE, "url: path and query longer "
		    "than %d bytes", HTTPC_TARGET_MAX);
		goto fail;
	}
	return BRSKI_OK;
fail:
	memset(out, 0, sizeof(*out));
	return rc;
}

/* -------------------------------------------------- response parsing */

static int
cb_fail(struct httpc_parse *rp, enum brski_rc rc)
{
	rp->rc = rc;
	return -1;		/* http-parser stops with HPE_CB_* */
}

static void
headers_clear(struct httpc_response *r)
{
	size_t	i;

	for (i = 0; i < r->header_count; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	r->headers = NULL;
	r->header_count = 0;
	r->content_type = r->location = r->retry_after = NULL;
	r->www_authenticate = NULL;
	r->retry_after_s = -1;
}

/* The typed view of a header we care about; duplicates are ambiguous. */
static int
header_note(struct httpc_parse *rp, const char *name, const char *value)
{
	static const struct {
		const char	*name;
		size_t		 off;
		int		 once;
	} known[] = {
	    { "Content-Type",
		offsetof(struct httpc_response, content_type), 1 },
	    { "Location", offsetof(struct httpc_response, location), 1 },
	    { "Retry-After",
		offsetof(struct httpc_response, retry_after), 1 },
	    /* several challenges may come in several headers */
	    { "WWW-Authenticate",
		offsetof(struct httpc_response, www_authenticate), 0 },
	};
	const char	**slot;
	char		 *end;
	long long	  v;
	size_t		  i;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcasecmp(name, known[i].name) != 0)
			continue;
		slot = (const char **)((char *)rp->resp + known[i].off);
		if (*slot != NULL && known[i].once) {
			brski_fail(rp->e, BRSKI_EPARSE, "http: response has "
			    "two %s headers", known[i].name);
			return cb_fail(rp, BRSKI_EPARSE);
		}
		if (*slot == NULL)
			*slot = value;
	}
	/* RFC 9110 10.2.3: delta-seconds or an HTTP-date (left as text) */
	if (strcasecmp(name, "Retry-After") == 0 && is_digit_str(value) &&
	    strlen(value) <= 12) {
		v = strtoll(value, &end, 10);
		rp->resp->retry_after_s = v > RETRY_AFTER_MAX ?
		    RETRY_AFTER_MAX : v;
	}
	return 0;
}

int
httpc_parse_tchar(int ch)
{
	/* RFC 9110 5.6.2 token characters */
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static int
header_commit(struct httpc_parse *rp)
{
	struct httpc_header	*h;
	struct httpc_response	*r = rp->resp;
	char			*name = NULL, *value = NULL;
	size_t			 vlen = rp->value.len, i;

	if (r->header_count >= HTTPC_RESP_HEADERS_MAX) {
		brski_fail(rp->e, BRSKI_ETOOBIG, "http: more than %d response "
		    "headers", HTTPC_RESP_HEADERS_MAX);
		return cb_fail(rp, BRSKI_ETOOBIG);
	}
	/* RFC 9110 5.1: a name is a token; this http-parser lets SP in */
	for (i = 0; i < rp->name.len; i++)
		if (!httpc_parse_tchar(rp->name.data[i])) {
			brski_fail(rp->e, BRSKI_EPARSE, "http: bad header name "
			    "in the response");
			return cb_fail(rp, BRSKI_EPARSE);
		}
	/*
	 * http-parser itself refuses empty names and control characters
	 * (NUL included) in values, so the strings below are whole.
	 */
	while (vlen > 0 && (rp->value.data[vlen - 1] == ' ' ||
	    rp->value.data[vlen - 1] == '\t'))
		vlen--;
	name = strndup((const char *)rp->name.data, rp->name.len);
	value = strndup(vlen > 0 ? (const char *)rp->value.data : "", vlen);
	h = reallocarray(r->headers, r->header_count + 1, sizeof(*h));
	if (name == NULL || value == NULL || h == NULL) {
		if (h != NULL)
			r->headers = h;
		free(name);
		free(value);
		brski_fail(rp->e, BRSKI_ENOMEM, "http: out of memory");
		return cb_fail(rp, BRSKI_ENOMEM);
	}
	r->headers = h;
	h[r->header_count].name = name;
	h[r->header_count].value = value;
	r->header_count++;
	buf_reset(&rp->name);
	buf_reset(&rp->value);
	rp->in_value = 0;
	return header_note(rp, name, value);
}

static int
header_bytes(struct httpc_parse *rp, size_t len)
{
	rp->header_bytes += len;
	if (rp->header_bytes > HTTPC_RESP_HEADER_BYTES_MAX) {
		brski_fail(rp->e, BRSKI_ETOOBIG, "http: response headers "
		    "over %d bytes", HTTPC_RESP_HEADER_BYTES_MAX);
		return cb_fail(rp, BRSKI_ETOOBIG);
	}
	return 0;
}

static int
on_header_field(http_parser *hp, const char *at, size_t len)
{
	struct httpc_parse	*rp = hp->data;

	if (rp->in_value && header_commit(rp) != 0)
		return -1;
	if (header_bytes(rp, len) != 0)
		return -1;
	if (buf_append(&rp->name, at, len, BUF_NOLIMIT, rp->e) != BRSKI_OK)
		return cb_fail(rp, BRSKI_ENOMEM);
	return 0;
}

static int
on_header_value(http_parser *hp, const char *at, size_t len)
{
	struct httpc_parse	*rp = hp->data;

	rp->in_value = 1;
	if (header_bytes(rp, len) != 0)
		return -1;
	if (buf_append(&rp->value, at, len, BUF_NOLIMIT, rp->e) != BRSKI_OK)
		return cb_fail(rp, BRSKI_ENOMEM);
	return 0;
}

static int
on_headers_complete(http_parser *hp)
{
	struct httpc_parse		*rp = hp->data;
	struct httpc_response	*r = rp->resp;
	int			 nobody;

	if ((rp->in_value || rp->name.len > 0) && header_commit(rp) != 0)
		return -1;
	r->status = hp->status_code;
	if (r->status < 100 || r->status > 599) {
		brski_fail(rp->e, BRSKI_EPARSE, "http: status %d", r->status);
		return cb_fail(rp, BRSKI_EPARSE);
	}
	/* we never ask to switch protocols (RFC 9110 15.2.2) */
	if (r->status == 101 || hp->upgrade) {
		brski_fail(rp->e, BRSKI_EPARSE, "http: unasked protocol "
		    "switch (status %d)", r->status);
		return cb_fail(rp, BRSKI_EPARSE);
	}
	rp->headers_done = 1;
	r->chunked = (hp->flags & F_CHUNKED) != 0;
	r->content_length = (hp->flags & F_CONTENTLENGTH) &&
	    hp->content_length <= LLONG_MAX ? (long long)hp->content_length :
	    -1;
	/* RFC 9112 6.3: no body after HEAD, 1xx, 204 and 304 */
	nobody = rp->head || r->status < 200 || r->status == 204 ||
	    r->status == 304;
	if (!nobody && r->content_length >= 0 &&
	    (unsigned long long)r->content_length > rp->max_body) {
		brski_fail(rp->e, BRSKI_ETOOBIG, "http: response body of "
		    "%lld bytes, limit %zu", r->content_length, rp->max_body);
		return cb_fail(rp, BRSKI_ETOOBIG);
	}
	return rp->head ? 1 : 0;	/* 1: http-parser skips the body */
}

static int
on_body(http_parser *hp, const char *at, size_t len)
{
	struct httpc_parse	*rp = hp->data;

	if (len > rp->max_body - rp->body.len) {
		brski_fail(rp->e, BRSKI_ETOOBIG, "http: response body over "
		    "the limit of %zu bytes", rp->max_body);
		return cb_fail(rp, BRSKI_ETOOBIG);
	}
	if (buf_append(&rp->body, at, len, BUF_NOLIMIT, rp->e) != BRSKI_OK)
		return cb_fail(rp, BRSKI_ENOMEM);
	return 0;
}

static int
on_message_complete(http_parser *hp)
{
	struct httpc_parse	*rp = hp->data;

	if (rp->resp->status < 200)
		rp->interim = 1;	/* 100 Continue etc.: read on */
	else {
		rp->complete = 1;
		rp->resp->keep_alive = http_should_keep_alive(hp) != 0;
	}
	/* stop here, so that we see what follows the response */
	http_parser_pause(hp, 1);
	return 0;
}

static const http_parser_settings parse_settings = {
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

/*
 * Start parsing one response (head: it answers a HEAD request, so no
 * body follows).  Failures of later calls are reported in e.  Release
 * with httpc_parse_free(), also after httpc_parse_take().
 */
enum brski_rc
httpc_parse_init(struct httpc_parse *rp, int head, size_t max_body,
    struct brski_err *e)
{
	memset(rp, 0, sizeof(*rp));
	if ((rp->resp = calloc(1, sizeof(*rp->resp))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "http: out of memory");
	rp->resp->retry_after_s = -1;
	rp->resp->content_length = -1;
	rp->e = e;
	rp->head = head;
	rp->max_body = max_body;
	http_parser_init(&rp->hp, HTTP_RESPONSE);
	rp->hp.data = rp;
	return BRSKI_OK;
}

void
httpc_parse_free(struct httpc_parse *rp)
{
	httpc_response_free(rp->resp);
	rp->resp = NULL;
	buf_free(&rp->name);
	buf_free(&rp->value);
	buf_free(&rp->body);
}

/*
 * Feed len bytes.  *used says how many belong to the response; when it
 * ends early (rp->complete), the rest is not ours.  BRSKI_EPARSE for
 * malformed input, BRSKI_ETOOBIG over a limit, BRSKI_ENOMEM; e (given
 * at init) says more.
 */
enum brski_rc
httpc_parse_feed(struct httpc_parse *rp, const uint8_t *data, size_t len,
    size_t *used)
{
	enum http_errno	err;
	size_t		n, off = 0;
	char		start[LOG_SAFE_MAX];

	n = len < sizeof(rp->start) - rp->start_len ? len :
	    sizeof(rp->start) - rp->start_len;
	memcpy(rp->start + rp->start_len, data, n);
	rp->start_len += n;
	while (off < len && !rp->complete) {
		n = http_parser_execute(&rp->hp, &parse_settings,
		    (const char *)data + off, len - off);
		rp->seen += n;
		off += n;
		if (rp->rc != BRSKI_OK)
			return rp->rc;
		err = HTTP_PARSER_ERRNO(&rp->hp);
		if (err == HPE_PAUSED) {
			http_parser_pause(&rp->hp, 0);
			if (rp->interim) {
				/* a fresh parser for the real response */
				rp->interim = rp->headers_done = 0;
				rp->header_bytes = 0;
				headers_clear(rp->resp);
				http_parser_init(&rp->hp, HTTP_RESPONSE);
				rp->hp.data = rp;
			}
			continue;
		}
		if (err != HPE_OK)
			return brski_fail(rp->e, BRSKI_EPARSE, "http: "
			    "malformed response at byte %zu (it starts "
			    "\"%s\"): %s", rp->seen, log_safe(rp->start,
			    rp->start_len, start, sizeof(start)),
			    http_errno_description(err));
	}
	*used = off;
	return BRSKI_OK;
}

/*
 * The peer closed: the response must be complete now (a body that runs
 * to the end of the connection ends here).  BRSKI_ENET when nothing at
 * all came, BRSKI_EPARSE for a truncated response.
 */
enum brski_rc
httpc_parse_eof(struct httpc_parse *rp)
{
	const struct httpc_response	*r = rp->resp;

	if (!rp->complete && rp->headers_done) {
		/* a body delimited by the end of the connection ends here */
		http_parser_execute(&rp->hp, &parse_settings, NULL, 0);
		if (rp->rc != BRSKI_OK)
			return rp->rc;
	}
	if (rp->complete)
		return BRSKI_OK;
	if (rp->seen == 0)
		return brski_fail(rp->e, BRSKI_ENET, "http: connection closed "
		    "before any response");
	if (!rp->headers_done)
		return brski_fail(rp->e, BRSKI_EPARSE, "http: response "
		    "truncated: connection closed after %zu bytes, inside "
		    "the status line or headers", rp->seen);
	if (r->chunked)
		return brski_fail(rp->e, BRSKI_EPARSE, "http: response "
		    "truncated: connection closed inside the chunked body "
		    "after %zu bytes", rp->body.len);
	return brski_fail(rp->e, BRSKI_EPARSE, "http: response truncated: "
	    "connection closed after %zu of %lld body bytes", rp->body.len,
	    r->content_length);
}

/*
 * Hand the finished response to the caller (httpc_response_free());
 * NULL when out of memory.
 */
struct httpc_response *
httpc_parse_take(struct httpc_parse *rp, struct brski_err *e)
{
	struct httpc_response	*r = rp->resp;
	size_t			 len;

	if ((r->body = buf_steal(&rp->body, &len)) == NULL &&
	    (r->body = calloc(1, 1)) == NULL) {
		brski_fail(e, BRSKI_ENOMEM, "http: out of memory");
		return NULL;
	}
	r->body_len = len;
	rp->resp = NULL;
	return r;
}

/*
 * Parse one complete response held in buf (the connection closed after
 * it); head says it answers a HEAD request.  Bytes after the response
 * are refused.  Pure: for tests and fuzzing.  The caller frees *out
 * with httpc_response_free().  BRSKI_EPARSE for malformed or truncated
 * input, BRSKI_ETOOBIG over max_body or the header limits, BRSKI_ENET
 * for empty input.
 */
enum brski_rc
httpc_response_parse(const uint8_t *buf, size_t len, int head,
    size_t max_body, struct httpc_response **out, struct brski_err *e)
{
	struct httpc_parse	rp;
	size_t		used = 0;
	enum brski_rc	rc;

	*out = NULL;
	if ((rc = httpc_parse_init(&rp, head, max_body, e)) != BRSKI_OK)
		return rc;
	if ((rc = httpc_parse_feed(&rp, buf, len, &used)) != BRSKI_OK)
		goto out;
	if (used < len) {
		rc = brski_fail(e, BRSKI_EPARSE, "http: %zu bytes after the "
		    "response", len - used);
		goto out;
	}
	if ((rc = httpc_parse_eof(&rp)) != BRSKI_OK)
		goto out;
	if ((*out = httpc_parse_take(&rp, e)) == NULL)
		rc = BRSKI_ENOMEM;
out:
	httpc_parse_free(&rp);
	return rc;
}

/*
 * The value of the first header called name (case-insensitive), or
 * NULL.  Borrowed: valid while r lives.
 */
const char *
httpc_response_header(const struct httpc_response *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->header_count; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

void
httpc_response_free(struct httpc_response *r)
{
	if (r == NULL)
		return;
	headers_clear(r);
	free(r->body);
	free(r);
}

