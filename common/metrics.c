/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The process's metrics registry (metrics.h): request counters by
 * endpoint and status code, a latency histogram per endpoint, counter
 * families with one fixed label, and the process start time; rendered
 * in the Prometheus text exposition format, version 0.0.4.
 *
 * Memory is static and bounded: at most METRICS_ENDPOINTS_MAX endpoints
 * with a slot per status code 100..599, at most METRICS_FAMILIES_MAX
 * families of METRICS_VALUES_MAX values.  Entries are written under a
 * mutex, then published by a release store of the count; readers load
 * the count with acquire and only read entries below it, so counting
 * never takes the lock.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "metrics.h"

#define STATUS_MIN	100
#define STATUS_SLOTS	(600 - STATUS_MIN + 1)	/* the last: out of range */
#define METRICS_OUT_MAX	(1024 * 1024)	/* ~150 KiB when every slot is set */

/* Histogram upper bounds in microseconds: 1 ms .. 10 s, then +Inf. */
static const uint64_t bounds_us[] = {
	1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000,
	1000000, 2500000, 5000000, 10000000,
};
#define NBOUNDS		(sizeof(bounds_us) / sizeof(bounds_us[0]))

struct endpoint {
	char			name[METRICS_NAME_MAX];
	_Atomic uint64_t	status[STATUS_SLOTS];
	_Atomic uint64_t	bucket[NBOUNDS + 1];	/* not cumulative */
	_Atomic uint64_t	sum_us;
};

struct family {
	char			name[METRICS_NAME_MAX];
	char			help[160];
	char			label[32];		/* "" when none */
	char			value[METRICS_VALUES_MAX + 1][32];
	size_t			nvalues;		/* "other" included */
	_Atomic uint64_t	count[METRICS_VALUES_MAX + 1];
};

static pthread_mutex_t		lock = PTHREAD_MUTEX_INITIALIZER;
/* endpoint 0 is "other": every path nobody registered */
static struct endpoint		endpoints[METRICS_ENDPOINTS_MAX + 1] = {
	{ .name = METRICS_OTHER },
};
static _Atomic size_t		nendpoints = 1;
static struct family		families[METRICS_FAMILIES_MAX];
static _Atomic size_t		nfamilies;
static _Atomic int64_t		start_ms;

/* Remember the process start time (process_start_time_seconds). */
void
metrics_init(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_REALTIME, &t);
	atomic_store(&start_ms, (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000);
}

static int
valid_name(const char *s)
{
	size_t	i;

	if (s == NULL || s[0] == '\0' || strlen(s) >= METRICS_NAME_MAX ||
	    (s[0] >= '0' && s[0] <= '9'))
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == ':'))
			return 0;
	return 1;
}

static struct endpoint *
find_endpoint(const char *name)
{
	size_t	n = atomic_load_explicit(&nendpoints, memory_order_acquire);
	size_t	i;

	for (i = 1; name != NULL && i < n; i++)
		if (strcmp(endpoints[i].name, name) == 0)
			return &endpoints[i];
	return &endpoints[0];
}

/*
 * Register an endpoint label (a resource path).  Registering it again is
 * harmless.  0 on success; -1 when the name is empty or too long, or
 * the table is full (the endpoint then counts as "other").
 */
int
metrics_endpoint(const char *name)
{
	size_t	n;
	int	rc = 0;

	if (name == NULL || name[0] == '\0' || strlen(name) >= METRICS_NAME_MAX)
		return -1;
	pthread_mutex_lock(&lock);
	if (find_endpoint(name) == &endpoints[0] &&
	    strcmp(name, METRICS_OTHER) != 0) {
		n = atomic_load_explicit(&nendpoints, memory_order_relaxed);
		if (n > METRICS_ENDPOINTS_MAX)
			rc = -1;
		else {
			snprintf(endpoints[n].name, sizeof(endpoints[n].name),
			    "%s", name);
			atomic_store_explicit(&nendpoints, n + 1,
			    memory_order_release);
		}
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

static struct family *
find_family(const char *name)
{
	size_t	n = atomic_load_explicit(&nfamilies, memory_order_acquire);
	size_t	i;

	for (i = 0; name != NULL && i < n; i++)
		if (strcmp(families[i].name, name) == 0)
			return &families[i];
	return NULL;
}

static enum brski_rc
family_fill(struct family *f, const char *name, const char *help,
    const char *label, const char *const *values, struct brski_err *e)
{
	size_t	i;

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	snprintf(f->help, sizeof(f->help), "%s", help ? help : name);
	if (label == NULL) {		/* one unlabelled counter */
		f->nvalues = 1;
		return BRSKI_OK;
	}
	if (!valid_name(label) || strlen(label) >= sizeof(f->label))
		return brski_fail(e, BRSKI_EINVAL, "metrics: bad label name "
		    "for %s", name);
	snprintf(f->label, sizeof(f->label), "%s", label);
	for (i = 0; values != NULL && values[i] != NULL; i++) {
		if (i >= METRICS_VALUES_MAX || strlen(values[i]) >=
		    sizeof(f->value[0]) || strcmp(values[i], METRICS_OTHER) == 0)
			return brski_fail(e, BRSKI_EINVAL, "metrics: %s: value "
			    "%zu too long, reserved or past %d", name, i,
			    METRICS_VALUES_MAX);
		snprintf(f->value[i], sizeof(f->value[i]), "%s", values[i]);
	}
	snprintf(f->value[i], sizeof(f->value[i]), METRICS_OTHER);
	f->nvalues = i + 1;
	return BRSKI_OK;
}

/*
 * Register a counter family: metric name, help text, and either no
 * label (label NULL) or one label whose values are the NULL-terminated
 * list (plus "other" for anything else).  Registering the same name
 * again is an error (BRSKI_EINVAL), as are bad names and a full table.
 */
enum brski_rc
metrics_family(const char *name, const char *help, const char *label,
    const char *const *values, struct brski_err *e)
{
	size_t		n;
	enum brski_rc	rc;

	if (!valid_name(name))
		return brski_fail(e, BRSKI_EINVAL, "metrics: bad metric name");
	pthread_mutex_lock(&lock);
	n = atomic_load_explicit(&nfamilies, memory_order_relaxed);
	if (find_family(name) != NULL)
		rc = brski_fail(e, BRSKI_EINVAL, "metrics: %s registered twice",
		    name);
	else if (n >= METRICS_FAMILIES_MAX)
		rc = brski_fail(e, BRSKI_EINVAL, "metrics: more than %d "
		    "families", METRICS_FAMILIES_MAX);
	else if ((rc = family_fill(&families[n], name, help, label, values,
	    e)) == BRSKI_OK)
		atomic_store_explicit(&nfamilies, n + 1, memory_order_release);
	pthread_mutex_unlock(&lock);
	return rc;
}

/*
 * Count one answered request: endpoint (unregistered: "other"), status
 * code (100..599; others are counted as "other"), and how long it took.
 */
void
metrics_request(const char *endpoint, int status, uint64_t duration_us)
{
	struct endpoint	*ep = find_endpoint(endpoint);
	size_t		 b, slot;

	slot = status >= STATUS_MIN && status < 600 ?
	    (size_t)(status - STATUS_MIN) : STATUS_SLOTS - 1;
	for (b = 0; b < NBOUNDS && duration_us > bounds_us[b]; b++)
		;
	atomic_fetch_add_explicit(&ep->status[slot], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&ep->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&ep->sum_us, duration_us,
	    memory_order_relaxed);
}

static _Atomic uint64_t *
family_slot(const char *name, const char *value)
{
	struct family	*f;
	size_t		 i;

	if ((f = find_family(name)) == NULL)
		return NULL;
	if (f->label[0] == '\0')
		return &f->count[0];
	for (i = 0; value != NULL && i + 1 < f->nvalues; i++)
		if (strcmp(f->value[i], value) == 0)
			return &f->count[i];
	return &f->count[f->nvalues - 1];	/* "other" */
}

/*
 * Add one to family name at label value (unknown values: "other").
 * 0, or -1 when no family has that name (a programming error).
 */
int
metrics_inc(const char *name, const char *value)
{
	_Atomic uint64_t	*p;

	if ((p = family_slot(name, value)) == NULL)
		return -1;
	atomic_fetch_add_explicit(p, 1, memory_order_relaxed);
	return 0;
}

/* The current value of a family counter (0 when unknown); for tests. */
uint64_t
metrics_get(const char *name, const char *value)
{
	_Atomic uint64_t	*p;

	if ((p = family_slot(name, value)) == NULL)
		return 0;
	return atomic_load(p);
}

/* Requests counted for endpoint with status (-1: any status). */
uint64_t
metrics_requests(const char *endpoint, int status)
{
	struct endpoint	*ep = find_endpoint(endpoint);
	uint64_t	 n = 0;
	size_t		 i;

	if (status >= 0)
		return atomic_load(&ep->status[status >= STATUS_MIN &&
		    status < 600 ? (size_t)(status - STATUS_MIN) :
		    STATUS_SLOTS - 1]);
	for (i = 0; i < STATUS_SLOTS; i++)
		n += atomic_load(&ep->status[i]);
	return n;
}

/* A label value, escaped as the exposition format requires. */
static enum brski_rc
put_value(struct buf *b, const char *s, struct brski_err *e)
{
	enum brski_rc	rc = BRSKI_OK;

	for (; *s != '\0' && rc == BRSKI_OK; s++)
		if (*s == '\\' || *s == '"')
			rc = buf_printf(b, e, "\\%c", *s);
		else if (*s == '\n')
			rc = buf_printf(b, e, "\\n");
		else
			rc = buf_append_byte(b, (uint8_t)*s, e);
	return rc;
}

static enum brski_rc
render_requests(struct buf *b, size_t n, struct brski_err *e)
{
	size_t	i, s;
	uint64_t v;

	if (buf_printf(b, e, "# HELP brski_requests_total Requests answered, "
	    "by endpoint and status code.\n# TYPE brski_requests_total "
	    "counter\n") != BRSKI_OK)
		return e->rc;
	for (i = 0; i < n; i++)
		for (s = 0; s < STATUS_SLOTS; s++) {
			if ((v = atomic_load(&endpoints[i].status[s])) == 0)
				continue;
			if (buf_printf(b, e, "brski_requests_total{endpoint=\"")
			    != BRSKI_OK || put_value(b, endpoints[i].name, e) !=
			    BRSKI_OK)
				return e->rc;
			if ((s == STATUS_SLOTS - 1 ? buf_printf(b, e,
			    "\",code=\"other\"} %llu\n", (unsigned long long)v) :
			    buf_printf(b, e, "\",code=\"%zu\"} %llu\n",
			    s + STATUS_MIN, (unsigned long long)v)) != BRSKI_OK)
				return e->rc;
		}
	return BRSKI_OK;
}

/* One endpoint's histogram; skipped while it has seen no request. */
static enum brski_rc
render_histogram(struct buf *b, struct endpoint *ep, struct brski_err *e)
{
	uint64_t	cum = 0, v[NBOUNDS + 1];
	size_t		i;

	for (i = 0; i <= NBOUNDS; i++)
		cum += (v[i] = atomic_load(&ep->bucket[i]));
	if (cum == 0)
		return BRSKI_OK;
	cum = 0;
	for (i = 0; i <= NBOUNDS; i++) {
		cum += v[i];
		if (buf_printf(b, e, "brski_request_duration_seconds_bucket"
		    "{endpoint=\"") != BRSKI_OK || put_value(b, ep->name, e) !=
		    BRSKI_OK)
			return e->rc;
		if ((i < NBOUNDS ? buf_printf(b, e, "\",le=\"%g\"} %llu\n",
		    (double)bounds_us[i] / 1e6, (unsigned long long)cum) :
		    buf_printf(b, e, "\",le=\"+Inf\"} %llu\n",
		    (unsigned long long)cum)) != BRSKI_OK)
			return e->rc;
	}
	/* _count is the +Inf bucket: the two always agree */
	if (buf_printf(b, e, "brski_request_duration_seconds_sum{endpoint=\"")
	    != BRSKI_OK || put_value(b, ep->name, e) != BRSKI_OK ||
	    buf_printf(b, e, "\"} %.6f\nbrski_request_duration_seconds_count"
	    "{endpoint=\"", (double)atomic_load(&ep->sum_us) / 1e6) !=
	    BRSKI_OK || put_value(b, ep->name, e) != BRSKI_OK ||
	    buf_printf(b, e, "\"} %llu\n", (unsigned long long)cum) != BRSKI_OK)
		return e->rc;
	return BRSKI_OK;
}

/* Help text, escaped (backslash and newline only, per 0.0.4). */
static enum brski_rc
put_help(struct buf *b, const char *s, struct brski_err *e)
{
	enum brski_rc	rc = BRSKI_OK;

	for (; *s != '\0' && rc == BRSKI_OK; s++)
		rc = *s == '\\' ? buf_printf(b, e, "\\\\") : *s == '\n' ?
		    buf_printf(b, e, "\\n") : buf_append_byte(b, (uint8_t)*s, e);
	return rc;
}

static enum brski_rc
render_family(struct buf *b, struct family *f, struct brski_err *e)
{
	size_t	i;

	if (buf_printf(b, e, "# HELP %s ", f->name) != BRSKI_OK ||
	    put_help(b, f->help, e) != BRSKI_OK ||
	    buf_printf(b, e, "\n# TYPE %s counter\n", f->name) != BRSKI_OK)
		return e->rc;
	if (f->label[0] == '\0')
		return buf_printf(b, e, "%s %llu\n", f->name,
		    (unsigned long long)atomic_load(&f->count[0]));
	/* every value, zeros too: rate() needs the series from the start */
	for (i = 0; i < f->nvalues; i++)
		if (buf_printf(b, e, "%s{%s=\"", f->name, f->label) != BRSKI_OK ||
		    put_value(b, f->value[i], e) != BRSKI_OK ||
		    buf_printf(b, e, "\"} %llu\n",
		    (unsigned long long)atomic_load(&f->count[i])) != BRSKI_OK)
			return e->rc;
	return BRSKI_OK;
}

static enum brski_rc
render(struct buf *b, struct brski_err *e)
{
	size_t	ne = atomic_load_explicit(&nendpoints, memory_order_acquire);
	size_t	nf = atomic_load_explicit(&nfamilies, memory_order_acquire);
	size_t	i;
	int64_t	t = atomic_load(&start_ms);

	if (render_requests(b, ne, e) != BRSKI_OK ||
	    buf_printf(b, e, "# HELP brski_request_duration_seconds Time from "
	    "the request's arrival to its answer, by endpoint.\n# TYPE "
	    "brski_request_duration_seconds histogram\n") != BRSKI_OK)
		return e->rc;
	for (i = 0; i < ne; i++)
		if (render_histogram(b, &endpoints[i], e) != BRSKI_OK)
			return e->rc;
	for (i = 0; i < nf; i++)
		if (render_family(b, &families[i], e) != BRSKI_OK)
			return e->rc;
	if (t != 0 && buf_printf(b, e, "# HELP process_start_time_seconds "
	    "Start time of the process since unix epoch in seconds.\n"
	    "# TYPE process_start_time_seconds gauge\n"
	    "process_start_time_seconds %lld.%03lld\n", (long long)(t / 1000),
	    (long long)(t % 1000)) != BRSKI_OK)
		return e->rc;
	return BRSKI_OK;
}

/*
 * The exposition (text format 0.0.4, Content-Type "text/plain;
 * version=0.0.4").  The caller owns *out (free()).  Concurrent counting
 * goes on meanwhile: each number is one atomic load.
 */
enum brski_rc
metrics_render(char **out, size_t *len, struct brski_err *e)
{
	struct buf	b;
	enum brski_rc	rc;

	*out = NULL;
	*len = 0;
	memset(&b, 0, sizeof(b));
	if ((rc = render(&b, e)) != BRSKI_OK ||
	    (rc = buf_append_byte(&b, 0, e)) != BRSKI_OK) {
		buf_free(&b);
		return rc;
	}
	if (b.len > METRICS_OUT_MAX) {
		buf_free(&b);
		return brski_fail(e, BRSKI_ETOOBIG, "metrics: %zu bytes", b.len);
	}
	*out = (char *)buf_steal(&b, len);
	(*len)--;			/* the NUL is not part of the body */
	return BRSKI_OK;
}

/*
 * Forget every endpoint, family and count (unit tests; no other thread
 * may use the registry meanwhile).
 */
void
metrics_reset(void)
{
	pthread_mutex_lock(&lock);
	memset(endpoints, 0, sizeof(endpoints));
	snprintf(endpoints[0].name, sizeof(endpoints[0].name), METRICS_OTHER);
	memset(families, 0, sizeof(families));
	atomic_store(&nendpoints, 1);
	atomic_store(&nfamilies, 0);
	atomic_store(&start_ms, 0);
	pthread_mutex_unlock(&lock);
}
