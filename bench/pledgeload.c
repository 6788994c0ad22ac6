/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Many pledges at once against one registrar, for bench/run.sh: one
 * thread per pledge, each running brski-pledge's own enrollment code
 * (pledge/exchange.c, est.c, net.c, pvr.c linked in) with its own
 * IDevID: provisional TLS, voucher, EST, then enrollstatus over a new
 * TLS session with the LDevID, as "brski-pledge enroll" does; only the
 * state directory is not written (that is disk work on the pledge,
 * measured separately by run.sh with the real program).
 *
 * With -b every pledge first opens its TLS connection and waits until
 * all have done so: the registrar then holds N connections at once
 * before any voucher-request is sent.
 *
 * With -w W there are W threads instead of N, each enrolling the next
 * pledge not yet taken, one after the other: a pool of W pledge
 * clients that stay warm (wolfSSL's per-thread FP_ECC tables for the
 * CA, registrar and MASA keys survive from one pledge to the next), the
 * load a fleet of devices puts on the registrar and MASA without the
 * cost of starting a process per pledge (measured separately).
 *
 * usage: pledgeload [-b | -w W] [-n N] [-f FIRST] [-T SECONDS] [-N NAME]
 *            PKI-DIR URL
 *   PKI-DIR holds idevid-NNNN-chain.pem / .key (brski-certs idevid) and
 *   masa-ca.pem; pledges FIRST .. FIRST+N-1 (default 1 .. 100).
 *
 * Prints one RESULT line (counts, wall time, rate, percentiles of the
 * time to connect and of the enrollment after the barrier) and the
 * first few failures.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "pledge.h"

#define PLEDGES_MAX	20000
#define STACK_SIZE	(1024 * 1024)	/* not 8 MiB each for 1000 threads */
#define FAILS_SHOWN	5

struct run {
	const char		*pki;
	struct httpc_url	 url;
	struct x509_list	 masa_cas;	/* shared, read-only */
	int			 barrier_on;
	struct one		*pledges;	/* -w: taken in order */
	int			 npledges;
	atomic_int		 next;
	pthread_barrier_t	 barrier;
	int			 timeout_ms;
	double			 t_release;	/* when the barrier opened */
	atomic_int		 connected, ok, failed, status_failed;
	atomic_int		 fails_shown;
	pthread_mutex_t		 print;
};

struct one {
	pthread_t	 t;
	struct run	*run;
	int		 serial;
	double		 connect_ms;	/* start -> provisional TLS up */
	double		 enroll_ms;	/* barrier (or start) -> done */
	int		 ok;
};

static double
now_ms(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void
fail_note(struct run *r, int serial, const char *why)
{
	if (atomic_fetch_add(&r->fails_shown, 1) >= FAILS_SHOWN)
		return;
	pthread_mutex_lock(&r->print);
	printf("pledge %04d failed: %s\n", serial, why);
	pthread_mutex_unlock(&r->print);
}

/* What pledge_clear() in pledge/main.c frees, minus the shared anchors. */
static void
clear(struct pledge *p)
{
	httpc_conn_free(p->conn);
	x509_list_free(&p->idevid_chain);
	key_free(p->idevid_key);
	x509_list_free(&p->registrar_chain);
	free(p->pvr);
	free(p->voucher);
	x509_free(p->pinned);
	x509_list_free(&p->domain_cas);
	key_free(p->ldevid_key);
	x509_free(p->ldevid);
}

static int
load(struct one *o, struct pledge *p, struct outcome *out)
{
	struct brski_err	e = { 0 };
	char			path[4096];

	snprintf(path, sizeof(path), "%s/idevid-%04d-chain.pem", o->run->pki,
	    o->serial);
	if (x509_list_load(path, &p->idevid_chain, &e) != BRSKI_OK)
		return pledge_fail(out, BRSKI_EXIT_CONFIG, "%s", e.msg);
	snprintf(path, sizeof(path), "%s/idevid-%04d.key", o->run->pki,
	    o->serial);
	if (key_load(path, &p->idevid_key, &e) != BRSKI_OK)
		return pledge_fail(out, BRSKI_EXIT_CONFIG, "%s", e.msg);
	p->url = o->run->url;
	p->masa_cas = o->run->masa_cas;
	p->timeout_ms = o->run->timeout_ms;
	p->max_wait_s = 60;
	p->key_type = KEY_EC_P256;
	return 1;
}

/* pledge/main.c enroll(), without the state directory. */
static void
pledge_one(struct one *o)
{
	struct run		*r = o->run;
	struct pledge		 p;
	struct outcome		 out = { BRSKI_EXIT_OK, "" };
	struct x509_list	 ld;
	double			 t0 = now_ms(), t1;
	int			 up;

	memset(&p, 0, sizeof(p));
	up = load(o, &p, &out) &&
	    pledge_connect(&p, &p.idevid_chain, p.idevid_key, NULL, &out);
	t1 = now_ms();
	o->connect_ms = t1 - t0;
	t1 = t0;
	if (up)
		atomic_fetch_add(&r->connected, 1);
	if (r->barrier_on) {
		if (pthread_barrier_wait(&r->barrier) ==
		    PTHREAD_BARRIER_SERIAL_THREAD)
			r->t_release = now_ms();
		t1 = now_ms();
	}
	if (!up || !pledge_get_voucher(&p, &out))
		goto done;
	if (!pledge_est_enroll(&p, 0, NULL, &out)) {
		pledge_report(&p, BRSKI_PATH_ENROLLSTATUS, 0,
		    "enrollment failed");
		goto done;
	}
	/* RFC 8995 5.9.4: enrollstatus over a session the LDevID opens */
	ld.v = &p.ldevid;
	ld.n = 1;
	if (!pledge_connect(&p, &ld, p.ldevid_key, &p.domain_cas, &out)) {
		atomic_fetch_add(&r->status_failed, 1);
		goto done;
	}
	pledge_report(&p, BRSKI_PATH_ENROLLSTATUS, 1, NULL);
	o->ok = 1;
done:
	o->enroll_ms = now_ms() - t1;
	if (o->ok)
		atomic_fetch_add(&r->ok, 1);
	else {
		atomic_fetch_add(&r->failed, 1);
		fail_note(r, o->serial, out.why);
	}
	p.masa_cas.v = NULL;	/* shared */
	p.masa_cas.n = 0;
	clear(&p);
}

static void *
pledge_thread(void *arg)
{
	pledge_one(arg);
	return NULL;
}

/* -w: one client of the pool, enrolling pledges until none is left. */
static void *
worker_thread(void *arg)
{
	struct run	*r = arg;
	int		 i;

	while ((i = atomic_fetch_add(&r->next, 1)) < r->npledges)
		pledge_one(&r->pledges[i]);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile q of v[0..n-1] (sorted in place). */
static double
pct(double *v, int n, double q)
{
	if (n == 0)
		return 0;
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[(int)((double)(n - 1) * q)];
}

static void
usage(void)
{
	fprintf(stderr, "usage: pledgeload [-b] [-n pledges] [-f first] "
	    "[-T seconds] [-N name] pki-dir url\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct run	 r;
	struct brski_err	 e = { 0 };
	struct one		*o;
	pthread_attr_t		 attr;
	const char		*name = "pledges";
	char			 path[4096];
	double			*c, *en, t0, wall;
	pthread_t		*w;
	int			 ch, i, n = 100, first = 1, nok = 0, workers = 0;

	r.timeout_ms = 120 * 1000;
	while ((ch = getopt(argc, argv, "bn:f:T:N:w:")) != -1)
		switch (ch) {
		case 'b':
			r.barrier_on = 1;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		case 'f':
			first = atoi(optarg);
			break;
		case 'T':
			r.timeout_ms = atoi(optarg) * 1000;
			break;
		case 'N':
			name = optarg;
			break;
		case 'w':
			workers = atoi(optarg);
			break;
		default:
			usage();
		}
	if (argc - optind != 2 || n < 1 || n > PLEDGES_MAX || first < 0 ||
	    r.timeout_ms <= 0 || workers < 0 || workers > n ||
	    (workers > 0 && r.barrier_on))
		usage();
	log_init("pledgeload", 1, LOGL_ERR);
	r.pki = argv[optind];
	snprintf(path, sizeof(path), "%s/masa-ca.pem", r.pki);
	if (x509_list_load(path, &r.masa_cas, &e) != BRSKI_OK ||
	    httpc_url_parse(argv[optind + 1], 0, &r.url, &e) != BRSKI_OK) {
		fprintf(stderr, "pledgeload: %s\n", e.msg);
		return 1;
	}
	pthread_mutex_init(&r.print, NULL);
	if (r.barrier_on)
		pthread_barrier_init(&r.barrier, NULL, (unsigned)n);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK_SIZE);
	if ((o = calloc((size_t)n, sizeof(*o))) == NULL ||
	    (c = calloc((size_t)n, sizeof(*c))) == NULL ||
	    (en = calloc((size_t)n, sizeof(*en))) == NULL ||
	    (w = calloc((size_t)workers + 1, sizeof(*w))) == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		o[i].run = &r;
		o[i].serial = first + i;
	}
	r.pledges = o;
	r.npledges = n;
	t0 = now_ms();
	for (i = 0; i < (workers > 0 ? workers : n); i++)
		if (workers > 0 ? pthread_create(&w[i], &attr, worker_thread,
		    &r) != 0 : pthread_create(&o[i].t, &attr, pledge_thread,
		    &o[i]) != 0) {
			fprintf(stderr, "pledgeload: thread %d: cannot "
			    "create\n", i);
			return 1;
		}
	for (i = 0; i < (workers > 0 ? workers : n); i++)
		pthread_join(workers > 0 ? w[i] : o[i].t, NULL);
	wall = now_ms() - t0;
	for (i = 0; i < n; i++) {
		c[i] = o[i].connect_ms;
		if (o[i].ok)
			en[nok++] = o[i].enroll_ms;
	}
	printf("RESULT name=%s pledges=%d ok=%d failed=%d "
	    "enrollstatus_conn_failed=%d connected_at_once=%s wall_s=%.3f "
	    "rate=%.1f connect_p50_ms=%.1f connect_p99_ms=%.1f "
	    "connect_max_ms=%.1f enroll_p50_ms=%.1f enroll_p99_ms=%.1f "
	    "enroll_max_ms=%.1f after_barrier_s=%.3f\n", name, n,
	    atomic_load(&r.ok), atomic_load(&r.failed),
	    atomic_load(&r.status_failed), r.barrier_on ? "yes" : "no",
	    wall / 1e3, atomic_load(&r.ok) / (wall / 1e3), pct(c, n, 0.5),
	    pct(c, n, 0.99), pct(c, n, 1.0), pct(en, nok, 0.5),
	    pct(en, nok, 0.99), pct(en, nok, 1.0), r.barrier_on ?
	    (t0 + wall - r.t_release) / 1e3 : 0);
	printf("connected before the barrier: %d of %d\n",
	    atomic_load(&r.connected), n);
	x509_list_free(&r.masa_cas);
	free(o);
	free(c);
	free(en);
	free(w);
	return atomic_load(&r.failed) > 0;
}
