/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTPS load for the benchmarks (bench/run.sh): C threads, each with
 * its own connection from common/httpc.c (wolfSSL, keep-alive), send
 * the same request over and over; or, with --fresh, open a new TLS
 * session for every request.  Prints one RESULT line:
 *
 *   RESULT name=N requests=R ok=O errors=E wall_s=W rate=R/s
 *     p50_ms=.. p90_ms=.. p99_ms=.. max_ms=.. connections=C
 *
 * usage: loadgen [options] URL
 *   -c N             concurrent connections (threads), default 1
 *   -n N             requests in all (default 1000)
 *   --fresh          a new TLS session per request
 *   --cacert PEM     anchor for the server (repeatable via one file)
 *   --cert PEM --key PEM   client certificate chain and key
 *   --provisional    accept any server certificate
 *   --data-file F    body (POST)
 *   --content-type T / --accept T / --header "N: v" (repeatable)
 *   --expect CODE    the status that counts as success (default 200)
 *   --name NAME      label of the RESULT line
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fileio.h"
#include "httpc.h"
#include "key.h"
#include "log.h"
#include "x509.h"

#define HEADERS_MAX	8
#define THREADS_MAX	4096
#define BODY_MAX	(1024 * 1024)

struct job {
	struct httpc_url	 url;
	struct httpc_opts	 opts;
	struct httpc_headers	 hdrs;
	const char		*method;
	const uint8_t		*body;
	size_t			 body_len;
	int			 fresh;
	int			 expect;
	long			 total;
	atomic_long		 next;		/* requests handed out */
	atomic_long		 ok, errors, connections;
	atomic_long		 status[6];	/* 1xx..5xx, [0]: none */
	char			 first_error[256];
	pthread_mutex_t		 lock;
};

struct worker {
	pthread_t	 t;
	struct job	*job;
	double		*lat_ms;	/* latency of each request it sent */
	long		 n;
	long		 cap;
};

static double
now_ms(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen [-c conns] [-n requests] [--fresh] "
	    "[--cacert pem] [--cert pem --key pem]\n"
	    "    [--provisional] [--data-file f] [--content-type t] "
	    "[--accept t] [--header 'N: v']...\n"
	    "    [--method m] [--expect code] [--name label] url\n");
	exit(2);
}

static void
die(const char *what, const struct brski_err *e)
{
	fprintf(stderr, "loadgen: %s: %s\n", what, e != NULL ? e->msg : "");
	exit(1);
}

static void
note_error(struct job *j, const char *msg)
{
	atomic_fetch_add(&j->errors, 1);
	pthread_mutex_lock(&j->lock);
	if (j->first_error[0] == '\0')
		snprintf(j->first_error, sizeof(j->first_error), "%s", msg);
	pthread_mutex_unlock(&j->lock);
}

static void *
work(void *arg)
{
	struct worker		*w = arg;
	struct job		*j = w->job;
	struct brski_err	 e = { 0 };
	struct httpc_conn	*c = NULL;
	struct httpc_response	*r = NULL;
	char			 msg[300];
	double			 t0;

	if (httpc_conn_new(j->url.host, j->url.port, &j->opts, &c, &e) !=
	    BRSKI_OK)
		die("connection", &e);
	while (atomic_fetch_add(&j->next, 1) < j->total) {
		if (j->fresh)
			httpc_close(c);
		t0 = now_ms();
		if (httpc_request(c, j->method, j->url.target, &j->hdrs,
		    j->body, j->body_len, BODY_MAX, &r, &e) != BRSKI_OK) {
			snprintf(msg, sizeof(msg), "%s", e.msg);
			note_error(j, msg);
			httpc_close(c);
			continue;
		}
		w->lat_ms[w->n++] = now_ms() - t0;
		atomic_fetch_add(&j->status[r->status >= 100 &&
		    r->status < 600 ? r->status / 100 : 0], 1);
		if (r->status == j->expect)
			atomic_fetch_add(&j->ok, 1);
		else {
			snprintf(msg, sizeof(msg), "status %d: %.200s",
			    r->status, r->body ? (char *)r->body : "");
			note_error(j, msg);
		}
		httpc_response_free(r);
		r = NULL;
	}
	atomic_fetch_add(&j->connections, httpc_connect_count(c));
	httpc_conn_free(c);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct bytes *
to_bytes(const struct x509_list *l)
{
	struct bytes	*b;
	size_t		 i;

	if ((b = calloc(l->n > 0 ? l->n : 1, sizeof(*b))) == NULL)
		die("out of memory", NULL);
	for (i = 0; i < l->n; i++) {
		b[i].data = l->v[i]->der;
		b[i].len = l->v[i]->der_len;
	}
	return b;
}

static void
report(const char *name, struct job *j, struct worker *w, int nw,
    double wall_ms)
{
	double	*all, pct[4];
	long	 n = 0, i, k;
	int	 q;

	for (i = 0; i < nw; i++)
		n += w[i].n;
	if ((all = calloc(n > 0 ? (size_t)n : 1, sizeof(*all))) == NULL)
		die("out of memory", NULL);
	for (i = 0, k = 0; i < nw; i++) {
		memcpy(all + k, w[i].lat_ms, (size_t)w[i].n * sizeof(*all));
		k += w[i].n;
	}
	qsort(all, (size_t)n, sizeof(*all), cmp_double);
	for (q = 0; q < 3; q++)
		pct[q] = n > 0 ? all[(long)((double)(n - 1) *
		    (q == 0 ? 0.50 : q == 1 ? 0.90 : 0.99))] : 0;
	pct[3] = n > 0 ? all[n - 1] : 0;
	printf("RESULT name=%s requests=%ld ok=%ld errors=%ld wall_s=%.3f "
	    "rate=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f "
	    "connections=%ld status=%ld/%ld/%ld/%ld/%ld\n", name, j->total,
	    atomic_load(&j->ok), atomic_load(&j->errors), wall_ms / 1e3,
	    (double)atomic_load(&j->ok) / (wall_ms / 1e3), pct[0], pct[1],
	    pct[2], pct[3], atomic_load(&j->connections),
	    atomic_load(&j->status[1]), atomic_load(&j->status[2]),
	    atomic_load(&j->status[3]), atomic_load(&j->status[4]),
	    atomic_load(&j->status[5]));
	if (j->first_error[0] != '\0')
		printf("first error: %s\n", j->first_error);
	free(all);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "cacert", required_argument, NULL, 'A' },
		{ "cert", required_argument, NULL, 'C' },
		{ "key", required_argument, NULL, 'K' },
		{ "provisional", no_argument, NULL, 'P' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "data-file", required_argument, NULL, 'd' },
		{ "content-type", required_argument, NULL, 't' },
		{ "accept", required_argument, NULL, 'a' },
		{ "header", required_argument, NULL, 'H' },
		{ "method", required_argument, NULL, 'X' },
		{ "expect", required_argument, NULL, 'e' },
		{ "name", required_argument, NULL, 'N' },
		{ NULL, 0, NULL, 0 }
	};
	static struct job	 j;
	struct brski_err	 e = { 0 };
	struct x509_list	 anchors = { 0 }, chain = { 0 };
	struct brski_key	*key = NULL;
	struct worker		*w;
	const char		*extra[HEADERS_MAX], *name = "load";
	uint8_t			*body = NULL;
	double			 t0;
	long			 conns = 1;
	int			 ch, i;

	j.total = 1000;
	j.expect = 200;
	pthread_mutex_init(&j.lock, NULL);
	log_init("loadgen", 1, LOGL_ERR);
	while ((ch = getopt_long(argc, argv, "c:n:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conns = strtol(optarg, NULL, 10);
			break;
		case 'n':
			j.total = strtol(optarg, NULL, 10);
			break;
		case 'A':
			if (x509_list_load(optarg, &anchors, &e) != BRSKI_OK)
				die(optarg, &e);
			break;
		case 'C':
			if (x509_list_load(optarg, &chain, &e) != BRSKI_OK)
				die(optarg, &e);
			break;
		case 'K':
			if (key_load(optarg, &key, &e) != BRSKI_OK)
				die(optarg, &e);
			break;
		case 'P':
			j.opts.verify = HTTPC_VERIFY_PROVISIONAL;
			break;
		case 'f':
			j.fresh = 1;
			break;
		case 'd':
			if (file_read(optarg, BODY_MAX, &body, &j.body_len,
			    &e) != BRSKI_OK)
				die(optarg, &e);
			j.body = body;
			break;
		case 't':
			j.hdrs.content_type = optarg;
			break;
		case 'a':
			j.hdrs.accept = optarg;
			break;
		case 'H':
			if (j.hdrs.extra_count == HEADERS_MAX)
				usage();
			extra[j.hdrs.extra_count++] = optarg;
			break;
		case 'X':
			j.method = optarg;
			break;
		case 'e':
			j.expect = (int)strtol(optarg, NULL, 10);
			break;
		case 'N':
			name = optarg;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || conns < 1 || conns > THREADS_MAX ||
	    j.total < 1)
		usage();
	if (httpc_url_parse(argv[optind], 0, &j.url, &e) != BRSKI_OK)
		die(argv[optind], &e);
	j.hdrs.extra = extra;
	if (j.method == NULL)
		j.method = j.body != NULL ? "POST" : "GET";
	j.opts.anchors = to_bytes(&anchors);
	j.opts.anchor_count = anchors.n;
	j.opts.client_chain = to_bytes(&chain);
	j.opts.client_chain_count = chain.n;
	j.opts.client_key = key;
	if ((w = calloc((size_t)conns, sizeof(*w))) == NULL)
		die("out of memory", NULL);
	t0 = now_ms();
	for (i = 0; i < conns; i++) {
		w[i].job = &j;
		w[i].cap = j.total;
		if ((w[i].lat_ms = calloc((size_t)j.total, sizeof(double))) ==
		    NULL)
			die("out of memory", NULL);
		if (pthread_create(&w[i].t, NULL, work, &w[i]) != 0)
			die("pthread_create", NULL);
	}
	for (i = 0; i < conns; i++)
		pthread_join(w[i].t, NULL);
	report(name, &j, w, (int)conns, now_ms() - t0);
	for (i = 0; i < conns; i++)
		free(w[i].lat_ms);
	free(w);
	free((void *)j.opts.anchors);
	free((void *)j.opts.client_chain);
	x509_list_free(&anchors);
	x509_list_free(&chain);
	key_free(key);
	free(body);
	return atomic_load(&j.errors) > 0;
}
