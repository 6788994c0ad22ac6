/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small HTTPS client on top of common/httpc.c for the interop tests
 * (test/interop/httpc_openssl.sh): fetch a URL with the given trust
 * settings and print what httpc saw (TLS version, peer chain, status,
 * headers, body).  Certificates are read from PEM with wolfSSL, since
 * the tests must not depend on other modules of ours.
 *
 * Exit status: 0 when every request got a response (whatever its HTTP
 * status), 1 with "error: <kind>: <message>" on stderr otherwise, 2 for
 * bad usage.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/asn_public.h>

#include "buf.h"
#include "fileio.h"
#include "httpc.h"
#include "key.h"

#define MAX_CERTS	16
#define MAX_HEADERS	16
#define PEM_END		"-----END CERTIFICATE-----"

struct certs {
	struct bytes	v[MAX_CERTS];
	uint8_t		*der[MAX_CERTS];
	size_t		n;
};

static void	usage(void) __attribute__((noreturn));
static void	die(const struct brski_err *) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr, "usage: httpc_tool [--cacert pem]... [--cert pem "
	    "--key pem] [--provisional]\n"
	    "    [--no-name-check] [--tls1_2 | --tls1_3] [--method m] "
	    "[--data-file f]\n"
	    "    [--content-type t] [--accept t] [--header 'N: v']... "
	    "[--max bytes]\n"
	    "    [--repeat n] [--fresh] [--connect-timeout ms] "
	    "[--timeout ms]\n"
	    "    [--exporter label:len] [--tls-unique] [--binding] "
	    "[--sleep-ms ms] "
	    "[--out file] url\n");
	exit(2);
}

static void
die(const struct brski_err *e)
{
	fprintf(stderr, "error: %s: %s\n", brski_rc_name(e->rc), e->msg);
	exit(1);
}

/* Append every certificate of a PEM file to c. */
static void
load_pem_certs(const char *path, struct certs *c)
{
	struct brski_err	 e = { 0 };
	uint8_t			*pem = NULL, *p, *end;
	size_t			 len;
	int			 n;

	if (file_read(path, FILEIO_MAX_DEFAULT, &pem, &len, &e) != BRSKI_OK)
		die(&e);
	p = pem;
	while ((end = memmem(p, len - (size_t)(p - pem), PEM_END,
	    strlen(PEM_END))) != NULL) {
		end += strlen(PEM_END);
		if (c->n == MAX_CERTS) {
			fprintf(stderr, "%s: too many certificates\n", path);
			exit(2);
		}
		if ((c->der[c->n] = malloc((size_t)(end - p))) == NULL)
			abort();
		n = wc_CertPemToDer(p, (int)(end - p), c->der[c->n],
		    (int)(end - p), CERT_TYPE);
		if (n <= 0) {
			fprintf(stderr, "%s: bad PEM certificate (%d)\n", path,
			    n);
			exit(2);
		}
		c->v[c->n].data = c->der[c->n];
		c->v[c->n].len = (size_t)n;
		c->n++;
		p = end;
	}
	if (c->n == 0) {
		fprintf(stderr, "%s: no certificate\n", path);
		exit(2);
	}
	free(pem);
}

static void
print_chain(const struct httpc_conn *conn)
{
	const struct bytes	*ch;
	WOLFSSL_X509		*x;
	char			 name[256];
	size_t			 n, i;

	ch = httpc_peer_chain(conn, &n);
	printf("peer-chain: %zu\n", n);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "?");
		x = wolfSSL_X509_d2i(NULL, ch[i].data, (int)ch[i].len);
		if (x != NULL)
			wolfSSL_X509_NAME_oneline(
			    wolfSSL_X509_get_subject_name(x), name,
			    sizeof(name));
		wolfSSL_X509_free(x);
		printf("peer[%zu]: %s (%zu bytes)\n", i, name, ch[i].len);
	}
}

/* A decimal number in [min, max], or a usage error. */
static long long
num(const char *s, long long min, long long max)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		usage();
	return v;
}

static void
print_binding(struct httpc_conn *conn, const char *exporter, int unique)
{
	struct brski_err	 e = { 0 };
	uint8_t			 out[128];
	char			*colon;
	size_t			 len, i;

	if (exporter != NULL) {
		if ((colon = strrchr(exporter, ':')) == NULL ||
		    (len = (size_t)num(colon + 1, 1, sizeof(out))) == 0)
			usage();
		*colon = '\0';
		if (httpc_tls_exporter(conn, exporter, NULL, 0, out, len,
		    &e) != BRSKI_OK)
			die(&e);
		printf("exporter: ");
		for (i = 0; i < len; i++)
			printf("%02X", out[i]);
		printf("\n");
	}
	if (unique) {
		if (httpc_tls_unique(conn, out, sizeof(out), &len, &e) !=
		    BRSKI_OK)
			die(&e);
		printf("tls-unique: ");
		for (i = 0; i < len; i++)
			printf("%02x", out[i]);
		printf("\n");
	}
}

/*
 * --binding: what the pledge does before it sends a bound CSR: make the
 * connection ready (reopen it if the server closed it), then take the
 * channel binding of the session the next request will use.
 */
static void
print_ready_binding(struct httpc_conn *conn, size_t n)
{
	struct brski_err	 e = { 0 };
	uint8_t			 out[64];
	const char		*type;
	size_t			 len, i;

	if (httpc_ready(conn, &e) != BRSKI_OK ||
	    httpc_channel_binding(conn, out, sizeof(out), &len, &type, &e) !=
	    BRSKI_OK)
		die(&e);
	printf("binding %zu: %s ", n, type);
	for (i = 0; i < len; i++)
		printf("%02x", out[i]);
	printf("\n");
}

static void
print_response(const struct httpc_response *r, const char *outfile)
{
	struct brski_err	e = { 0 };
	size_t			i;

	printf("status: %d\n", r->status);
	printf("content-type: %s\n", r->content_type ? r->content_type : "-");
	printf("content-length: %lld\n", r->content_length);
	printf("chunked: %d\n", r->chunked);
	printf("keep-alive: %d\n", r->keep_alive);
	if (r->location != NULL)
		printf("location: %s\n", r->location);
	if (r->retry_after != NULL)
		printf("retry-after: %s (%lld s)\n", r->retry_after,
		    r->retry_after_s);
	if (r->www_authenticate != NULL)
		printf("www-authenticate: %s\n", r->www_authenticate);
	for (i = 0; i < r->header_count; i++)
		printf("header: %s: %s\n", r->headers[i].name,
		    r->headers[i].value);
	printf("body-length: %zu\n", r->body_len);
	if (outfile != NULL) {
		if (file_write_atomic(outfile, r->body, r->body_len, 0644,
		    &e) != BRSKI_OK)
			die(&e);
		return;
	}
	printf("body:\n");
	fwrite(r->body, 1, r->body_len, stdout);
}

static long long
elapsed_us(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000 +
	    (b->tv_nsec - a->tv_nsec) / 1000;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "cacert", required_argument, NULL, 'A' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "provisional", no_argument, NULL, 'P' },
		{ "no-name-check", no_argument, NULL, 'N' },
		{ "tls1_2", no_argument, NULL, '2' },
		{ "tls1_3", no_argument, NULL, '3' },
		{ "method", required_argument, NULL, 'X' },
		{ "data-file", required_argument, NULL, 'd' },
		{ "content-type", required_argument, NULL, 't' },
		{ "accept", required_argument, NULL, 'a' },
		{ "header", required_argument, NULL, 'H' },
		{ "max", required_argument, NULL, 'm' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "exporter", required_argument, NULL, 'E' },
		{ "tls-unique", no_argument, NULL, 'U' },
		{ "out", required_argument, NULL, 'o' },
		{ "sleep-ms", required_argument, NULL, 's' },
		{ "binding", no_argument, NULL, 'B' },
		{ NULL, 0, NULL, 0 }
	};
	struct brski_err	 e = { 0 };
	struct certs		 anchors = { 0 }, chain = { 0 };
	struct httpc_opts	 o = { 0 };
	struct httpc_headers	 h = { 0 };
	struct httpc_url	 u;
	struct httpc_conn	*conn = NULL;
	struct httpc_response	*r = NULL;
	struct brski_key	*key = NULL;
	struct timespec		 t0, t1;
	const char		*extra[MAX_HEADERS], *method = NULL;
	const char		*datafile = NULL, *exporter = NULL;
	const char		*outfile = NULL;
	uint8_t			*data = NULL;
	size_t			 data_len = 0, max = 1024 * 1024, i;
	long			 repeat = 1;
	long long		 sleep_ms = 0;
	int			 ch, fresh = 0, unique = 0, binding = 0;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			load_pem_certs(optarg, &anchors);
			break;
		case 'c':
			load_pem_certs(optarg, &chain);
			break;
		case 'k':
			if (key_load(optarg, &key, &e) != BRSKI_OK)
				die(&e);
			break;
		case 'P':
			o.verify = HTTPC_VERIFY_PROVISIONAL;
			break;
		case 'N':
			o.no_name_check = 1;
			break;
		case '2':
			o.tls_version = HTTPC_TLS_12;
			break;
		case '3':
			o.tls_version = HTTPC_TLS_13;
			break;
		case 'X':
			method = optarg;
			break;
		case 'd':
			datafile = optarg;
			break;
		case 't':
			h.content_type = optarg;
			break;
		case 'a':
			h.accept = optarg;
			break;
		case 'H':
			if (h.extra_count == MAX_HEADERS)
				usage();
			extra[h.extra_count++] = optarg;
			break;
		case 'm':
			max = (size_t)num(optarg, 0, 1LL << 30);
			break;
		case 'r':
			repeat = (long)num(optarg, 1, 100000);
			break;
		case 'f':
			fresh = 1;
			break;
		case 'C':
			o.connect_timeout_ms = (int)num(optarg, 0, INT_MAX);
			break;
		case 'T':
			o.io_timeout_ms = (int)num(optarg, 0, INT_MAX);
			break;
		case 'E':
			exporter = optarg;
			break;
		case 'U':
			unique = 1;
			break;
		case 'o':
			outfile = optarg;
			break;
		case 's':
			sleep_ms = num(optarg, 0, 60000);
			break;
		case 'B':
			binding = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	h.extra = extra;
	if (httpc_url_parse(argv[optind], 0, &u, &e) != BRSKI_OK)
		die(&e);
	if (datafile != NULL &&
	    file_read(datafile, FILEIO_MAX_DEFAULT, &data, &data_len, &e) !=
	    BRSKI_OK)
		die(&e);
	if (method == NULL)
		method = datafile != NULL ? "POST" : "GET";
	o.anchors = anchors.v;
	o.anchor_count = anchors.n;
	o.client_chain = chain.v;
	o.client_chain_count = chain.n;
	o.client_key = key;
	if (httpc_conn_new(u.host, u.port, &o, &conn, &e) != BRSKI_OK)
		die(&e);
	if (httpc_connect(conn, &e) != BRSKI_OK)
		die(&e);
	printf("tls-version: %s\ntls-cipher: %s\n", httpc_tls_version(conn),
	    httpc_tls_cipher(conn));
	print_chain(conn);
	print_binding(conn, exporter, unique);
	for (i = 0; i < (size_t)repeat; i++) {
		if (i > 0 && sleep_ms > 0) {
			t0.tv_sec = sleep_ms / 1000;
			t0.tv_nsec = (sleep_ms % 1000) * 1000000;
			nanosleep(&t0, NULL);
		}
		if (fresh)
			httpc_close(conn);
		httpc_response_free(r);
		r = NULL;
		if (binding)
			print_ready_binding(conn, i + 1);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (httpc_request(conn, method, u.target, &h, data, data_len,
		    max, &r, &e) != BRSKI_OK)
			die(&e);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("request %zu: status %d, %zu bytes, %lld us, "
		    "connections %u\n", i + 1, r->status, r->body_len,
		    elapsed_us(&t0, &t1), httpc_connect_count(conn));
	}
	printf("connections: %u\n", httpc_connect_count(conn));
	print_response(r, outfile);
	httpc_response_free(r);
	httpc_conn_free(conn);
	key_free(key);
	free(data);
	for (i = 0; i < anchors.n; i++)
		free(anchors.der[i]);
	for (i = 0; i < chain.n; i++)
		free(chain.der[i]);
	return 0;
}
