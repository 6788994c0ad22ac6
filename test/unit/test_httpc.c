/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/httpc.c: URL parsing, the response parser (fed
 * whole buffers through httpc_response_parse()), option and request
 * checks, and the network failures that can be staged in-process on
 * loopback (refused, silent server, non-TLS server).  The TLS and HTTP
 * exchanges with real servers are in test/interop/httpc_openssl.sh.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn_public.h>

#include "testutil.h"
#include "httpc.h"
#include "key.h"
#include "rand.h"

/* ------------------------------------------------------------- URLs */

static void
url_ok(const char *in, unsigned int flags, int https, const char *host,
    int is_ip, unsigned port, const char *target)
{
	struct brski_err	e = { 0 };
	struct httpc_url	u;

	assert_rc(httpc_url_parse(in, flags, &u, &e), BRSKI_OK, &e);
	assert_int_equal(u.https, https);
	assert_string_equal(u.host, host);
	assert_int_equal(u.host_is_ip, is_ip);
	assert_int_equal(u.port, port);
	assert_string_equal(u.target, target);
}

static void
url_bad(const char *in, const char *why)
{
	struct brski_err	e = { 0 };
	struct httpc_url	u;

	assert_rc(httpc_url_parse(in, 0, &u, &e), BRSKI_EPARSE, &e);
	if (strstr(e.msg, why) == NULL)
		print_error("%.80s: message \"%s\" lacks \"%s\"\n", in,
		    e.msg, why);
	assert_non_null(strstr(e.msg, why));
	assert_string_equal(u.host, "");
}

static void
test_httpc_url_accepts_good_urls(void **state)
{
	(void)state;
	url_ok("https://example.com", 0, 1, "example.com", 0, 443, "/");
	url_ok("https://registrar.example.com/", 0, 1,
	    "registrar.example.com", 0, 443, "/");
	url_ok("HTTPS://Example.COM:8443/a/b?x=1&y=2", 0, 1, "example.com",
	    0, 8443, "/a/b?x=1&y=2");
	url_ok("https://127.0.0.1/.well-known/brski/requestvoucher", 0, 1,
	    "127.0.0.1", 1, 443, "/.well-known/brski/requestvoucher");
	url_ok("https://[2001:db8::1]:9443/x", 0, 1, "2001:db8::1", 1, 9443,
	    "/x");
	url_ok("https://[::1]/", 0, 1, "::1", 1, 443, "/");
	url_ok("https://[fe80::1%25eth0]:8443/", 0, 1, "fe80::1%eth0", 1,
	    8443, "/");
	url_ok("https://[FE80::A%25Br0]/", 0, 1, "fe80::a%Br0", 1, 443, "/");
	url_ok("https://h?q=1", 0, 1, "h", 0, 443, "/?q=1");
	url_ok("https://a-b.c0/%7Euser", 0, 1, "a-b.c0", 0, 443,
	    "/%7Euser");
	url_ok("https://h:65535/", 0, 1, "h", 0, 65535, "/");
	url_ok("http://h/", HTTPC_URL_ALLOW_HTTP, 0, "h", 0, 80, "/");
	url_ok("https://h/", HTTPC_URL_ALLOW_HTTP, 1, "h", 0, 443, "/");
}

static void
test_httpc_url_rejects_bad_urls(void **state)
{
	char	long_label[128], long_host[300], long_url[4200];

	(void)state;
	url_bad("http://h/", "scheme");
	url_bad("ftp://h/", "scheme");
	url_bad("coaps://h/", "scheme");
	url_bad("https://user:pw@h/", "user information");
	url_bad("https://user@h/", "user information");
	url_bad("https://h/#frag", "fragment");
	url_bad("https://h:0/", "port 0");
	url_bad("https://h:65536/", "cannot parse");
	url_bad("https://h:/", "cannot parse");
	url_bad("https://h:12a/", "cannot parse");
	url_bad("https://h:-1/", "cannot parse");
	url_bad("/relative/path", "not an absolute URL");
	url_bad("", "cannot parse");
	url_bad("https://", "cannot parse");
	url_bad("https:///x", "cannot parse");
	url_bad("https://h/a b", "cannot parse");
	url_bad("https://[::1/", "cannot parse");
	url_bad("https://-bad.example/", "not a host name");
	url_bad("https://bad-.example/", "not a host name");
	url_bad("https://a..b/", "not a host name");
	url_bad("https://under_score/", "not a host name");
	url_bad("https://10.1/", "not a host name");
	url_bad("https://1.2.3.4.5/", "not a host name");
	url_bad("https://[fe80::1%eth0]/", "%25");
	url_bad("https://[fe80::1%25]/", "not a host name");
	url_bad("https://[fe80::1%25e/th0]/", "cannot parse");
	url_bad("https://[1.2.3.4]/", "not a host name");
	url_bad("https://[g::1]/", "cannot parse");
	url_bad("https://host%25x/", "%25");
	memset(long_label, 'a', 64);
	long_label[64] = '\0';
	snprintf(long_host, sizeof(long_host), "https://%s.example/",
	    long_label);
	url_bad(long_host, "not a host name");
	memset(long_host, 0, sizeof(long_host));
	memcpy(long_host, "https://", 8);
	memset(long_host + 8, 'a', 254);
	url_bad(long_host, "host name of 254 bytes");
	memset(long_url, 0, sizeof(long_url));
	memcpy(long_url, "https://h/", 10);
	memset(long_url + 10, 'p', 2300);
	url_bad(long_url, "path and query longer");
	memset(long_url + 10, 'p', sizeof(long_url) - 11);
	url_bad(long_url, "longer than");
}

/* ------------------------------------------------------- responses */

static struct httpc_response *
resp_ok(const char *in, int head, size_t max)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*r = NULL;

	assert_rc(httpc_response_parse((const uint8_t *)in, strlen(in), head,
	    max, &r, &e), BRSKI_OK, &e);
	assert_non_null(r);
	assert_non_null(r->body);
	assert_int_equal(r->body[r->body_len], '\0');
	return r;
}

static void
resp_bad(const char *in, size_t len, size_t max, enum brski_rc want,
    const char *why)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*r = (struct httpc_response *)1;
	enum brski_rc		 rc;

	rc = httpc_response_parse((const uint8_t *)in, len, 0, max, &r, &e);
	if (rc != want)
		print_error("input \"%.60s\"\n", in);
	assert_rc(rc, want, &e);
	assert_null(r);
	if (strstr(e.msg, why) == NULL)
		print_error("message \"%s\" lacks \"%s\"\n", e.msg, why);
	assert_non_null(strstr(e.msg, why));
}

#define BAD(s, max, rc, why)	resp_bad((s), sizeof(s) - 1, (max), (rc), (why))

static void
test_httpc_response_content_length(void **state)
{
	struct httpc_response	*r;

	(void)state;
	r = resp_ok("HTTP/1.1 200 OK\r\nContent-Type: application/voucher-"
	    "cms+json  \r\ncontent-length: 5\r\nX-Other:\tv\r\n\r\nhello",
	    0, 5);
	assert_int_equal(r->status, 200);
	assert_string_equal(r->content_type, "application/voucher-cms+json");
	assert_int_equal(r->content_length, 5);
	assert_int_equal(r->chunked, 0);
	assert_int_equal(r->keep_alive, 1);
	assert_int_equal(r->body_len, 5);
	assert_memory_equal(r->body, "hello", 5);
	assert_int_equal(r->header_count, 3);
	assert_string_equal(httpc_response_header(r, "x-other"), "v");
	assert_string_equal(httpc_response_header(r, "CONTENT-LENGTH"), "5");
	assert_null(httpc_response_header(r, "X-Missing"));
	assert_null(r->location);
	assert_int_equal(r->retry_after_s, -1);
	httpc_response_free(r);
}

static void
test_httpc_response_chunked(void **state)
{
	struct httpc_response	*r;

	(void)state;
	r = resp_ok("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
	    "4;ext=1\r\nabcd\r\n3\r\nefg\r\n0\r\nTrailer: x\r\n\r\n", 0, 7);
	assert_int_equal(r->chunked, 1);
	assert_int_equal(r->content_length, -1);
	assert_int_equal(r->body_len, 7);
	assert_memory_equal(r->body, "abcdefg", 7);
	httpc_response_free(r);
}

static void
test_httpc_response_interim_then_final(void **state)
{
	struct httpc_response	*r;

	(void)state;
	r = resp_ok("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
	    "HTTP/1.1 102 Processing\r\n\r\n"
	    "HTTP/1.1 201 Created\r\nLocation: /x\r\nContent-Length: 2\r\n"
	    "\r\nok", 0, 100);
	assert_int_equal(r->status, 201);
	assert_string_equal(r->location, "/x");
	assert_null(httpc_response_header(r, "X-Interim"));
	assert_int_equal(r->body_len, 2);
	httpc_response_free(r);
}

static void
test_httpc_response_without_body(void **state)
{
	struct httpc_response	*r;

	(void)state;
	/* HEAD: Content-Length describes the GET body, none follows */
	r = resp_ok("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 1, 10);
	assert_int_equal(r->content_length, 1000);
	assert_int_equal(r->body_len, 0);
	httpc_response_free(r);
	r = resp_ok("HTTP/1.1 204 No Content\r\n\r\n", 0, 0);
	assert_int_equal(r->status, 204);
	assert_int_equal(r->body_len, 0);
	assert_int_equal(r->keep_alive, 1);
	httpc_response_free(r);
	r = resp_ok("HTTP/1.1 304 Not Modified\r\n\r\n", 0, 0);
	assert_int_equal(r->body_len, 0);
	httpc_response_free(r);
}

static void
test_httpc_response_body_until_eof(void **state)
{
	struct httpc_response	*r;

	(void)state;
	r = resp_ok("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end",
	    0, 100);
	assert_int_equal(r->keep_alive, 0);
	assert_int_equal(r->content_length, -1);
	assert_int_equal(r->body_len, 10);
	httpc_response_free(r);
	/* what openssl s_server -WWW sends */
	r = resp_ok("HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nhi\n",
	    0, 100);
	assert_int_equal(r->keep_alive, 0);
	assert_string_equal(r->content_type, "text/plain");
	httpc_response_free(r);
}

static void
test_httpc_response_retry_after_and_auth(void **state)
{
	struct httpc_response	*r;

	(void)state;
	r = resp_ok("HTTP/1.1 202 Accepted\r\nRetry-After: 120\r\n"
	    "Content-Length: 0\r\n\r\n", 0, 0);
	assert_string_equal(r->retry_after, "120");
	assert_int_equal(r->retry_after_s, 120);
	httpc_response_free(r);
	r = resp_ok("HTTP/1.1 503 Busy\r\nRetry-After: Fri, 31 Dec 1999 "
	    "23:59:59 GMT\r\nContent-Length: 0\r\n\r\n", 0, 0);
	assert_string_equal(r->retry_after, "Fri, 31 Dec 1999 23:59:59 GMT");
	assert_int_equal(r->retry_after_s, -1);
	httpc_response_free(r);
	r = resp_ok("HTTP/1.1 202 Accepted\r\nRetry-After: 999999999999\r\n"
	    "Content-Length: 0\r\n\r\n", 0, 0);
	assert_true(r->retry_after_s > 0 && r->retry_after_s < 999999999999LL);
	httpc_response_free(r);
	r = resp_ok("HTTP/1.1 202 Accepted\r\nRetry-After: -5\r\n"
	    "Content-Length: 0\r\n\r\n", 0, 0);
	assert_int_equal(r->retry_after_s, -1);
	httpc_response_free(r);
	r = resp_ok("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic "
	    "realm=\"est\"\r\nWWW-Authenticate: Bearer\r\nContent-Length: 0"
	    "\r\n\r\n", 0, 0);
	assert_string_equal(r->www_authenticate, "Basic realm=\"est\"");
	httpc_response_free(r);
}

static void
test_httpc_response_rejects_malformed(void **state)
{
	(void)state;
	BAD("this is not HTTP\r\n\r\n", 100, BRSKI_EPARSE, "malformed");
	BAD("HTTP/1.1 2000 OK\r\n\r\n", 100, BRSKI_EPARSE, "malformed");
	/* http-parser takes a two-digit status; we do not */
	BAD("HTTP/1.1 20 OK\r\n\r\n", 100, BRSKI_EPARSE, "status 20");
	BAD("HTTP/1.1 999 What\r\nContent-Length: 0\r\n\r\n", 100,
	    BRSKI_EPARSE, "status 999");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 100,
	    BRSKI_EPARSE, "malformed");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n"
	    "\r\nab", 100, BRSKI_EPARSE, "malformed");
	/* request smuggling shape: both length and chunked */
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: "
	    "chunked\r\n\r\n0\r\n\r\n", 100, BRSKI_EPARSE, "malformed");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
	    100, BRSKI_EPARSE, "malformed");
	/* the Debian http-parser is built lenient: names are ours to check */
	BAD("HTTP/1.1 200 OK\r\nBad Header: x\r\n\r\n", 100, BRSKI_EPARSE,
	    "bad header name");
	BAD("HTTP/1.1 200 OK\r\nBad\x01: x\r\n\r\n", 100, BRSKI_EPARSE,
	    "invalid character in header");
	BAD("HTTP/1.1 200 OK\r\nX: a\0b\r\nContent-Length: 0\r\n\r\n", 100,
	    BRSKI_EPARSE, "");
	BAD("HTTP/1.1 200 OK\r\nX: a\x1b[31mred\r\nContent-Length: 0\r\n\r\n",
	    100, BRSKI_EPARSE, "invalid character in header");
	BAD("HTTP/1.1 200 OK\r\n: v\r\nContent-Length: 0\r\n\r\n", 100,
	    BRSKI_EPARSE, "invalid character in header");
	BAD("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n"
	    "Connection: Upgrade\r\n\r\n", 100, BRSKI_EPARSE, "switch");
	BAD("HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n"
	    "Content-Length: 0\r\n\r\n", 100, BRSKI_EPARSE,
	    "two Content-Type");
	BAD("HTTP/1.1 201 OK\r\nLocation: /a\r\nlocation: /b\r\n"
	    "Content-Length: 0\r\n\r\n", 100, BRSKI_EPARSE, "two Location");
	BAD("HTTP/1.1 202 OK\r\nRetry-After: 1\r\nRetry-After: 2\r\n"
	    "Content-Length: 0\r\n\r\n", 100, BRSKI_EPARSE,
	    "two Retry-After");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200", 100,
	    BRSKI_EPARSE, "after the response");
}

static void
test_httpc_response_rejects_truncated(void **state)
{
	(void)state;
	BAD("", 100, BRSKI_ENET, "before any response");
	BAD("HTTP/1.1 200 OK\r\nContent-Le", 100, BRSKI_EPARSE,
	    "inside the status line or headers");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345", 100,
	    BRSKI_EPARSE, "5 of 10 body bytes");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
	    100, BRSKI_EPARSE, "inside the chunked body after 2 bytes");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab"
	    "\r\n", 100, BRSKI_EPARSE, "chunked");
	BAD("HTTP/1.1 100 Continue\r\n\r\n", 100, BRSKI_EPARSE,
	    "status line or headers");
}

static void
test_httpc_response_rejects_over_limits(void **state)
{
	char	*big;
	size_t	 i, off;

	(void)state;
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n12345678901", 10,
	    BRSKI_ETOOBIG, "11 bytes, limit 10");
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999\r\n\r\n",
	    10, BRSKI_ETOOBIG, "limit 10");
	BAD("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n"
	    "123456\r\n5\r\n12345\r\n0\r\n\r\n", 10, BRSKI_ETOOBIG,
	    "limit of 10");
	BAD("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n12345678901", 10,
	    BRSKI_ETOOBIG, "limit of 10");
	/* a cap of 0 refuses any body */
	BAD("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", 0,
	    BRSKI_ETOOBIG, "limit 0");

	/* HTTPC_RESP_HEADERS_MAX + 1 headers */
	big = malloc(64 * 1024);
	assert_non_null(big);
	off = (size_t)snprintf(big, 64, "HTTP/1.1 200 OK\r\n");
	for (i = 0; i <= HTTPC_RESP_HEADERS_MAX; i++)
		off += (size_t)snprintf(big + off, 64, "X-%zu: v\r\n", i);
	off += (size_t)snprintf(big + off, 64, "Content-Length: 0\r\n\r\n");
	resp_bad(big, off, 10, BRSKI_ETOOBIG, "more than 64 response headers");

	/* one header value over HTTPC_RESP_HEADER_BYTES_MAX */
	off = (size_t)snprintf(big, 64, "HTTP/1.1 200 OK\r\nX-Big: ");
	memset(big + off, 'v', HTTPC_RESP_HEADER_BYTES_MAX);
	off += HTTPC_RESP_HEADER_BYTES_MAX;
	off += (size_t)snprintf(big + off, 64, "\r\nContent-Length: 0\r\n\r\n");
	resp_bad(big, off, 10, BRSKI_ETOOBIG, "headers over 16384 bytes");
	free(big);
}

/* ----------------------------------------------------- connections */

static const struct bytes	dummy = { (const uint8_t *)"x", 1 };

static void
conn_bad(const char *host, uint16_t port, const struct httpc_opts *o,
    const char *why)
{
	struct brski_err	 e = { 0 };
	struct httpc_conn	*c = (struct httpc_conn *)1;

	assert_rc(httpc_conn_new(host, port, o, &c, &e), BRSKI_EINVAL, &e);
	assert_null(c);
	if (strstr(e.msg, why) == NULL)
		print_error("message \"%s\" lacks \"%s\"\n", e.msg, why);
	assert_non_null(strstr(e.msg, why));
}

static void
test_httpc_conn_rejects_bad_options(void **state)
{
	struct httpc_opts	o = { 0 }, p = { 0 };
	struct brski_key	*k = NULL;
	struct brski_err	 e = { 0 };

	(void)state;
	p.verify = HTTPC_VERIFY_PROVISIONAL;
	conn_bad("", 443, &p, "bad origin");
	conn_bad("bad host", 443, &p, "bad origin");
	conn_bad("a..b", 443, &p, "bad origin");
	conn_bad("[::1]", 443, &p, "bad origin");
	conn_bad("localhost", 0, &p, "bad origin");
	conn_bad("localhost", 443, &o, "without trust anchors");
	o.anchors = &dummy;
	o.anchor_count = 1;
	conn_bad("localhost", 443, &o, "trust anchor 0 does not load");
	o.anchor_count = HTTPC_ANCHORS_MAX + 1;
	conn_bad("localhost", 443, &o, "more than");
	p.io_timeout_ms = -1;
	conn_bad("localhost", 443, &p, "timeouts");
	p.io_timeout_ms = HTTPC_TIMEOUT_MAX_MS + 1;
	conn_bad("localhost", 443, &p, "timeouts");
	p.io_timeout_ms = 0;
	p.connect_timeout_ms = -5;
	conn_bad("localhost", 443, &p, "timeouts");
	p.connect_timeout_ms = 0;
	p.verify = 7;
	conn_bad("localhost", 443, &p, "verify mode");
	p.verify = HTTPC_VERIFY_PROVISIONAL;

	/* client authentication needs both halves */
	p.client_chain = &dummy;
	p.client_chain_count = 1;
	conn_bad("localhost", 443, &p, "needs a key");
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	p.client_chain = NULL;
	p.client_chain_count = 0;
	p.client_key = k;
	conn_bad("localhost", 443, &p, "needs a key");
	p.client_chain = &dummy;
	p.client_chain_count = 1;
	conn_bad("localhost", 443, &p, "does not parse");
	/* keys in a PKCS#11 token: test/e2e/pkcs11_enroll.sh (pledge 0002) */
	key_free(k);
}

/* A self-signed certificate for k (wolfSSL; x509.c is not ours). */
static size_t
self_signed(struct brski_key *k, uint8_t *der, size_t cap)
{
	Cert	cert;
	int	n;

	assert_int_equal(wc_InitCert(&cert), 0);
	snprintf(cert.subject.commonName, CTC_NAME_SIZE, "test-client");
	cert.sigType = CTC_SHA256wECDSA;
	cert.daysValid = 1;
	n = wc_MakeCert_ex(&cert, der, (word32)cap, ECC_TYPE, &k->ecc,
	    rand_rng());
	assert_true(n > 0);
	n = wc_SignCert_ex(cert.bodySz, cert.sigType, der, (word32)cap,
	    ECC_TYPE, &k->ecc, rand_rng());
	assert_true(n > 0);
	return (size_t)n;
}

static void
test_httpc_conn_checks_client_cert_key(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = NULL, *other = NULL;
	struct httpc_opts	 o = { 0 };
	struct httpc_conn	*c = NULL;
	struct bytes		 leaf;
	uint8_t			 der[2048];

	(void)state;
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_generate(KEY_EC_P256, &other, &e), BRSKI_OK, &e);
	leaf.data = der;
	leaf.len = self_signed(k, der, sizeof(der));
	o.verify = HTTPC_VERIFY_PROVISIONAL;
	o.client_chain = &leaf;
	o.client_chain_count = 1;
	o.client_key = other;
	conn_bad("localhost", 443, &o, "does not match");
	o.client_key = k;
	assert_rc(httpc_conn_new("localhost", 443, &o, &c, &e), BRSKI_OK, &e);
	/* a self-signed CA-less certificate also serves as a pinned anchor */
	httpc_conn_free(c);
	o.verify = HTTPC_VERIFY_ANCHORS;
	o.anchors = &leaf;
	o.anchor_count = 1;
	assert_rc(httpc_conn_new("localhost", 443, &o, &c, &e), BRSKI_OK, &e);
	httpc_conn_free(c);
	key_free(k);
	key_free(other);
}

/* A loopback listener; the port is in *port. */
static int
listener(uint16_t *port)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd;

	assert_true((fd = socket(AF_INET, SOCK_STREAM, 0)) >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static struct httpc_conn *
provisional(uint16_t port, int timeout_ms)
{
	struct brski_err	 e = { 0 };
	struct httpc_opts	 o = { 0 };
	struct httpc_conn	*c = NULL;

	o.verify = HTTPC_VERIFY_PROVISIONAL;
	o.connect_timeout_ms = timeout_ms;
	o.io_timeout_ms = timeout_ms;
	assert_rc(httpc_conn_new("127.0.0.1", port, &o, &c, &e), BRSKI_OK,
	    &e);
	return c;
}

static void
req_bad(struct httpc_conn *c, const char *method, const char *target,
    const struct httpc_headers *h)
{
	struct brski_err	 e = { 0 };
	struct httpc_response	*r = (struct httpc_response *)1;

	assert_rc(httpc_request(c, method, target, h, NULL, 0, 100, &r, &e),
	    BRSKI_EINVAL, &e);
	assert_null(r);
}

static void
test_httpc_request_rejects_bad_input(void **state)
{
	struct httpc_conn	*c;
	struct httpc_headers	 h = { 0 };
	const char		*extra[1];

	(void)state;
	c = provisional(1, 0);
	req_bad(c, "", "/", NULL);
	req_bad(c, "GE T", "/", NULL);
	req_bad(c, "GET\r\nX: y", "/", NULL);
	req_bad(c, "AVERYVERYLONGMETHOD", "/", NULL);
	req_bad(c, "GET", "", NULL);
	req_bad(c, "GET", "relative", NULL);
	req_bad(c, "GET", "/a b", NULL);
	req_bad(c, "GET", "/a\r\nX: y", NULL);
	h.content_type = "text/plain\r\nX-Injected: 1";
	req_bad(c, "POST", "/", &h);
	h.content_type = NULL;
	h.accept = "a\nb";
	req_bad(c, "GET", "/", &h);
	h.accept = NULL;
	h.extra = extra;
	h.extra_count = 1;
	extra[0] = "NoColon";
	req_bad(c, "GET", "/", &h);
	extra[0] = ": no name";
	req_bad(c, "GET", "/", &h);
	extra[0] = "X: a\r\nY: b";
	req_bad(c, "GET", "/", &h);
	extra[0] = "Bad Name: v";
	req_bad(c, "GET", "/", &h);
	extra[0] = "content-length: 5";
	req_bad(c, "GET", "/", &h);
	extra[0] = "Host: elsewhere";
	req_bad(c, "GET", "/", &h);
	extra[0] = "Transfer-Encoding: chunked";
	req_bad(c, "GET", "/", &h);
	/* nothing went to the network */
	assert_int_equal(httpc_connect_count(c), 0);
	assert_false(httpc_is_connected(c));
	httpc_conn_free(c);
}

static void
test_httpc_not_connected_accessors(void **state)
{
	struct brski_err	 e = { 0 };
	struct httpc_conn	*c;
	uint8_t			 out[32];
	size_t			 n = 99;
	const char		*type = "x";

	(void)state;
	c = provisional(1, 0);
	assert_null(httpc_peer_chain(c, &n));
	assert_int_equal(n, 0);
	assert_null(httpc_tls_version(c));
	assert_null(httpc_tls_cipher(c));
	assert_rc(httpc_tls_exporter(c, "EXPERIMENTAL", NULL, 0, out,
	    sizeof(out), &e), BRSKI_EINVAL, &e);
	assert_rc(httpc_tls_unique(c, out, sizeof(out), &n, &e),
	    BRSKI_EINVAL, &e);
	assert_rc(httpc_channel_binding(c, out, sizeof(out), &n, &type, &e),
	    BRSKI_EINVAL, &e);
	assert_null(type);
	httpc_close(c);		/* closing what is not open is fine */
	httpc_conn_free(c);
	httpc_conn_free(NULL);
	httpc_response_free(NULL);
}

static void
test_httpc_connect_refused_is_enet(void **state)
{
	struct brski_err	 e = { 0 };
	struct httpc_conn	*c;
	uint16_t		 port;
	int			 fd;

	(void)state;
	fd = listener(&port);
	close(fd);		/* nobody listens there now */
	c = provisional(port, 2000);
	assert_rc(httpc_connect(c, &e), BRSKI_ENET, &e);
	assert_non_null(strstr(e.msg, "refused"));
	assert_int_equal(httpc_connect_count(c), 0);
	httpc_conn_free(c);
}

struct srv {
	int		fd;
	const char	*reply;		/* NULL: accept and stay silent */
	int		client;
};

static void *
srv_main(void *arg)
{
	struct srv	*s = arg;
	char		 buf[512];

	if ((s->client = accept(s->fd, NULL, NULL)) < 0)
		return NULL;
	if (s->reply != NULL) {
		if (read(s->client, buf, sizeof(buf)) > 0 &&
		    write(s->client, s->reply, strlen(s->reply)) < 0)
			return NULL;
	}
	return NULL;
}

static int64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
test_httpc_silent_server_times_out(void **state)
{
	struct brski_err	 e = { 0 };
	struct httpc_conn	*c;
	struct srv		 s = { -1, NULL, -1 };
	pthread_t		 t;
	uint16_t		 port;
	int64_t			 t0, ms;

	(void)state;
	s.fd = listener(&port);
	assert_int_equal(pthread_create(&t, NULL, srv_main, &s), 0);
	c = provisional(port, 300);
	t0 = mono_ms();
	assert_rc(httpc_connect(c, &e), BRSKI_ENET, &e);
	ms = mono_ms() - t0;
	assert_non_null(strstr(e.msg, "timed out after 300 ms"));
	assert_true(ms >= 290 && ms < 2000);
	httpc_conn_free(c);
	pthread_join(t, NULL);
	close(s.client);
	close(s.fd);
}

static void
test_httpc_plaintext_server_is_etls(void **state)
{
	struct brski_err	 e = { 0 };
	struct httpc_conn	*c;
	struct srv		 s = { -1, "HTTP/1.1 400 Bad Request\r\n\r\n",
				    -1 };
	struct httpc_response	*r = NULL;
	pthread_t		 t;
	uint16_t		 port;

	(void)state;
	s.fd = listener(&port);
	assert_int_equal(pthread_create(&t, NULL, srv_main, &s), 0);
	c = provisional(port, 2000);
	assert_rc(httpc_request(c, "GET", "/", NULL, NULL, 0, 100, &r, &e),
	    BRSKI_ETLS, &e);
	assert_null(r);
	assert_non_null(strstr(e.msg, "TLS handshake with 127.0.0.1"));
	assert_false(httpc_is_connected(c));
	httpc_conn_free(c);
	pthread_join(t, NULL);
	close(s.client);
	close(s.fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_httpc_url_accepts_good_urls),
		cmocka_unit_test(test_httpc_url_rejects_bad_urls),
		cmocka_unit_test(test_httpc_response_content_length),
		cmocka_unit_test(test_httpc_response_chunked),
		cmocka_unit_test(test_httpc_response_interim_then_final),
		cmocka_unit_test(test_httpc_response_without_body),
		cmocka_unit_test(test_httpc_response_body_until_eof),
		cmocka_unit_test(test_httpc_response_retry_after_and_auth),
		cmocka_unit_test(test_httpc_response_rejects_malformed),
		cmocka_unit_test(test_httpc_response_rejects_truncated),
		cmocka_unit_test(test_httpc_response_rejects_over_limits),
		cmocka_unit_test(test_httpc_conn_rejects_bad_options),
		cmocka_unit_test(test_httpc_conn_checks_client_cert_key),
		cmocka_unit_test(test_httpc_request_rejects_bad_input),
		cmocka_unit_test(test_httpc_not_connected_accessors),
		cmocka_unit_test(test_httpc_connect_refused_is_enet),
		cmocka_unit_test(test_httpc_silent_server_times_out),
		cmocka_unit_test(test_httpc_plaintext_server_is_etls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
