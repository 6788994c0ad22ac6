/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/metrics.c (the Prometheus registry), with the
 * health helpers (common/health.c) and the metrics-allow filter
 * (common/monitor.c) that serve it.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testpki.h"
#include "health.h"
#include "metrics.h"
#include "monitor.h"

#define THREADS		8
#define PER_THREAD	100000

static int
setup(void **state)
{
	(void)state;
	metrics_reset();
	return 0;
}

static char *
render(void)
{
	struct brski_err	 e = { 0 };
	char			*s = NULL;
	size_t			 len;

	assert_rc(metrics_render(&s, &len, &e), BRSKI_OK, &e);
	assert_int_equal(strlen(s), len);
	return s;
}

static void
test_metrics_counts_requests_by_endpoint_and_status(void **state)
{
	char	*s;

	(void)state;
	assert_int_equal(metrics_endpoint("/a"), 0);
	assert_int_equal(metrics_endpoint("/a"), 0);	/* twice: harmless */
	metrics_request("/a", 200, 10);
	metrics_request("/a", 200, 10);
	metrics_request("/a", 404, 10);
	metrics_request("/b", 200, 10);			/* not registered */
	metrics_request("/a", 999, 10);			/* out of range */
	assert_int_equal(metrics_requests("/a", 200), 2);
	assert_int_equal(metrics_requests("/a", 404), 1);
	assert_int_equal(metrics_requests("/a", -1), 4);
	assert_int_equal(metrics_requests("other", 200), 1);
	s = render();
	assert_non_null(strstr(s, "brski_requests_total{endpoint=\"/a\","
	    "code=\"200\"} 2\n"));
	assert_non_null(strstr(s, "brski_requests_total{endpoint=\"/a\","
	    "code=\"other\"} 1\n"));
	assert_non_null(strstr(s, "brski_requests_total{endpoint=\"other\","
	    "code=\"200\"} 1\n"));
	assert_null(strstr(s, "/b"));
	free(s);
}

/* The exposition without its sample values: the series it names. */
static char *
series(const char *s)
{
	char		*out, *o;
	const char	*end, *sp;

	assert_non_null(out = o = malloc(strlen(s) + 1));
	for (; *s != '\0'; s = *end ? end + 1 : end) {
		end = s + strcspn(s, "\n");
		sp = end;
		if (*s != '#')
			while (sp > s && sp[-1] != ' ')
				sp--;
		memcpy(o, s, (size_t)(sp - s));
		o += sp - s;
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

/* A scanner's paths must not create label values (bounded memory). */
static void
test_metrics_unknown_paths_do_not_add_labels(void **state)
{
	char	*s1, *s2, *l1, *l2, path[64];
	int	 i;

	(void)state;
	metrics_endpoint("/known");
	metrics_request("/x", 404, 5);
	s1 = render();
	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/scan/%d/%x", i, i * 7919);
		metrics_request(path, 404, 5);
	}
	s2 = render();
	assert_int_equal(metrics_requests("other", 404), 5001);
	l1 = series(s1);
	l2 = series(s2);
	assert_string_equal(l1, l2);		/* the same series, no more */
	assert_non_null(strstr(s2, "endpoint=\"other\",code=\"404\"} 5001\n"));
	free(l1);
	free(l2);
	free(s1);
	free(s2);
}

static void
test_metrics_endpoint_table_is_bounded(void **state)
{
	char	name[32];
	int	i, refused = 0;

	(void)state;
	for (i = 0; i < METRICS_ENDPOINTS_MAX + 5; i++) {
		snprintf(name, sizeof(name), "/e%d", i);
		refused += metrics_endpoint(name) != 0;
	}
	assert_int_equal(refused, 5);
	metrics_request("/e1", 200, 1);
	metrics_request(name, 200, 1);		/* refused: "other" */
	assert_int_equal(metrics_requests("/e1", 200), 1);
	assert_int_equal(metrics_requests("other", 200), 1);
	assert_int_equal(metrics_endpoint(""), -1);
	assert_int_equal(metrics_endpoint(NULL), -1);
}

static void
test_metrics_histogram_buckets_are_cumulative(void **state)
{
	char	*s;

	(void)state;
	metrics_endpoint("/h");
	metrics_request("/h", 200, 500);		/* <= 1 ms */
	metrics_request("/h", 200, 1000);		/* le is inclusive */
	metrics_request("/h", 200, 1001);		/* 2.5 ms */
	metrics_request("/h", 200, 20000000);		/* 20 s: +Inf only */
	s = render();
	assert_non_null(strstr(s, "brski_request_duration_seconds_bucket{"
	    "endpoint=\"/h\",le=\"0.001\"} 2\n"));
	assert_non_null(strstr(s, "brski_request_duration_seconds_bucket{"
	    "endpoint=\"/h\",le=\"0.0025\"} 3\n"));
	assert_non_null(strstr(s, "brski_request_duration_seconds_bucket{"
	    "endpoint=\"/h\",le=\"10\"} 3\n"));
	assert_non_null(strstr(s, "brski_request_duration_seconds_bucket{"
	    "endpoint=\"/h\",le=\"+Inf\"} 4\n"));
	assert_non_null(strstr(s, "brski_request_duration_seconds_count{"
	    "endpoint=\"/h\"} 4\n"));
	assert_non_null(strstr(s, "brski_request_duration_seconds_sum{"
	    "endpoint=\"/h\"} 20.002501\n"));
	free(s);
}

static void
test_metrics_family_unknown_value_counts_as_other(void **state)
{
	static const char *const v[] = { "policy", "verify", NULL };
	struct brski_err	 e = { 0 };
	char			*s;

	(void)state;
	assert_rc(metrics_family("t_refused_total", "Refusals.", "reason", v,
	    &e), BRSKI_OK, &e);
	assert_rc(metrics_family("t_plain_total", "Plain.", NULL, NULL, &e),
	    BRSKI_OK, &e);
	assert_int_equal(metrics_inc("t_refused_total", "policy"), 0);
	assert_int_equal(metrics_inc("t_refused_total", "made-up"), 0);
	assert_int_equal(metrics_inc("t_refused_total", NULL), 0);
	assert_int_equal(metrics_inc("t_plain_total", "ignored"), 0);
	assert_int_equal(metrics_inc("t_nosuch_total", "policy"), -1);
	assert_int_equal(metrics_get("t_refused_total", "policy"), 1);
	assert_int_equal(metrics_get("t_refused_total", "verify"), 0);
	assert_int_equal(metrics_get("t_refused_total", "other"), 2);
	s = render();
	assert_non_null(strstr(s, "# TYPE t_refused_total counter\n"));
	assert_non_null(strstr(s, "t_refused_total{reason=\"verify\"} 0\n"));
	assert_non_null(strstr(s, "t_refused_total{reason=\"other\"} 2\n"));
	assert_non_null(strstr(s, "t_plain_total 1\n"));
	assert_null(strstr(s, "made-up"));
	free(s);
}

static void
test_metrics_family_rejects_bad_registrations(void **state)
{
	static const char *const other[] = { "a", "other", NULL };
	static const char *const ok[] = { "a", NULL };
	const char		*many[METRICS_VALUES_MAX + 2];
	struct brski_err	 e = { 0 };
	int			 i;

	(void)state;
	assert_rc(metrics_family("9bad", "x", NULL, NULL, &e), BRSKI_EINVAL,
	    &e);
	assert_rc(metrics_family("bad-name", "x", NULL, NULL, &e),
	    BRSKI_EINVAL, &e);
	assert_rc(metrics_family("t_total", "x", "bad label", ok, &e),
	    BRSKI_EINVAL, &e);
	assert_rc(metrics_family("t_total", "x", "l", other, &e),
	    BRSKI_EINVAL, &e);
	for (i = 0; i <= METRICS_VALUES_MAX; i++)
		many[i] = "v";
	many[METRICS_VALUES_MAX + 1] = NULL;
	assert_rc(metrics_family("t_total", "x", "l", many, &e), BRSKI_EINVAL,
	    &e);
	assert_rc(metrics_family("t_total", "x", "l", ok, &e), BRSKI_OK, &e);
	assert_rc(metrics_family("t_total", "x", "l", ok, &e), BRSKI_EINVAL,
	    &e);
}

static void
test_metrics_render_escapes_label_values(void **state)
{
	char	*s;

	(void)state;
	metrics_endpoint("/q\"uo\\te\n");
	metrics_request("/q\"uo\\te\n", 200, 1);
	s = render();
	assert_non_null(strstr(s, "{endpoint=\"/q\\\"uo\\\\te\\n\",code="));
	free(s);
}

static void
test_metrics_start_time_after_init(void **state)
{
	char	*s;

	(void)state;
	s = render();
	assert_null(strstr(s, "process_start_time_seconds"));
	free(s);
	metrics_init();
	s = render();
	assert_non_null(strstr(s, "# TYPE process_start_time_seconds gauge\n"
	    "process_start_time_seconds 1"));
	free(s);
}

static void *
hammer(void *arg)
{
	int	i;

	(void)arg;
	for (i = 0; i < PER_THREAD; i++) {
		metrics_inc("t_conc_total", (i & 1) ? "odd" : "even");
		metrics_request("/c", (i & 1) ? 200 : 500, (uint64_t)i);
	}
	return NULL;
}

/* Increments from several threads at once: not one may be lost. */
static void
test_metrics_concurrent_increments_are_exact(void **state)
{
	static const char *const v[] = { "even", "odd", NULL };
	struct brski_err	 e = { 0 };
	pthread_t		 t[THREADS];
	char			*s, want[128];
	int			 i;

	(void)state;
	metrics_endpoint("/c");
	assert_rc(metrics_family("t_conc_total", "x", "parity", v, &e),
	    BRSKI_OK, &e);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, hammer, NULL), 0);
	/* renders while they count must not crash or tear */
	for (i = 0; i < 20; i++)
		free(render());
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(metrics_get("t_conc_total", "even"),
	    THREADS * PER_THREAD / 2);
	assert_int_equal(metrics_get("t_conc_total", "odd"),
	    THREADS * PER_THREAD / 2);
	assert_int_equal(metrics_requests("/c", 200), THREADS * PER_THREAD / 2);
	assert_int_equal(metrics_requests("/c", -1), THREADS * PER_THREAD);
	s = render();
	snprintf(want, sizeof(want), "brski_request_duration_seconds_count{"
	    "endpoint=\"/c\"} %d\n", THREADS * PER_THREAD);
	assert_non_null(strstr(s, want));
	free(s);
}

/* ---- health.c ---- */

static void
test_health_cert_fails_inside_the_window(void **state)
{
	struct health_report	r;
	struct x509_list	l;
	struct tu_node		ca, ee;

	(void)state;
	memset(&l, 0, sizeof(l));
	tu_ca(&ca, "CA", NULL);
	tu_ee(&ee, "leaf", &ca);		/* valid until TU_NOW + 365 d */
	tu_list(&l, &ee);
	tu_list(&l, &ca);
	memset(&r, 0, sizeof(r));
	health_cert(&r, "tls-cert", &l, TU_NOW, 30 * TU_DAY);
	health_cert(&r, "tls-cert", &l, TU_NOW + 340 * TU_DAY, 30 * TU_DAY);
	health_cert(&r, "tls-cert", &l, TU_NOW + 366 * TU_DAY, 0);
	health_cert(&r, "tls-cert", &l, TU_NOW - 2 * TU_DAY, 0);
	assert_int_equal(r.n, 4);
	assert_true(r.c[0].ok);
	assert_false(r.c[1].ok);
	assert_non_null(strstr(r.c[1].detail, "\"leaf\" expires at"));
	assert_non_null(strstr(r.c[1].detail, "in 25 days"));
	assert_false(r.c[2].ok);
	assert_non_null(strstr(r.c[2].detail, "expired"));
	assert_false(r.c[3].ok);
	assert_non_null(strstr(r.c[3].detail, "not valid before"));
	assert_false(health_ok(&r));
	x509_list_free(&l);
	memset(&l, 0, sizeof(l));
	health_cert(&r, "x", &l, TU_NOW, 0);
	assert_false(r.c[4].ok);
	tu_node_free(&ee);
	tu_node_free(&ca);
}

static void
test_health_key_detects_a_wrong_key(void **state)
{
	struct health_report	 r;
	struct tu_node		 a, b;
	const struct brski_key	*k[2];
	const struct x509_cert	*c[2];

	(void)state;
	tu_ca(&a, "A", NULL);
	tu_ca(&b, "B", NULL);
	memset(&r, 0, sizeof(r));
	k[0] = a.key;
	c[0] = a.cert;
	k[1] = b.key;
	c[1] = b.cert;
	health_key(&r, "keys", k, c, 2);
	k[1] = a.key;			/* B's certificate, A's key */
	health_key(&r, "keys", k, c, 2);
	k[1] = NULL;
	health_key(&r, "keys", k, c, 2);
	assert_true(r.c[0].ok);
	assert_false(r.c[1].ok);
	assert_non_null(strstr(r.c[1].detail, "\"B\""));
	assert_false(r.c[2].ok);
	assert_non_null(strstr(r.c[2].detail, "not loaded"));
	tu_node_free(&a);
	tu_node_free(&b);
}

static void
test_health_json_lists_failing_checks(void **state)
{
	struct health_report	 r;
	struct brski_err	 e = { 0 };
	char			*s = NULL;
	size_t			 len;

	(void)state;
	memset(&r, 0, sizeof(r));
	health_add(&r, "database", 1, "fine");
	health_add(&r, "tls-cert", 0, "expires \"soon\"");
	assert_rc(health_json(&r, &s, &len, &e), BRSKI_OK, &e);
	assert_string_equal(s, "{\"status\":\"fail\",\"checks\":{\"database\":"
	    "{\"state\":\"ok\",\"detail\":\"fine\"},\"tls-cert\":{\"state\":"
	    "\"fail\",\"detail\":\"expires \\\"soon\\\"\"}},\"failing\":"
	    "[\"tls-cert\"]}");
	free(s);
}

/* ---- monitor.c: metrics-allow ---- */

static void
test_monitor_allow_matches_prefixes(void **state)
{
	struct monitor		m;
	struct brski_err	e = { 0 };

	(void)state;
	memset(&m, 0, sizeof(m));
	assert_rc(monitor_net_parse("10.1.0.0/16", &m.allow[0], &e), BRSKI_OK,
	    &e);
	assert_rc(monitor_net_parse("2001:db8::/33", &m.allow[1], &e),
	    BRSKI_OK, &e);
	assert_rc(monitor_net_parse("192.0.2.7", &m.allow[2], &e), BRSKI_OK,
	    &e);
	m.nallow = 3;
	assert_true(monitor_allowed(&m, "10.1.255.3"));
	assert_false(monitor_allowed(&m, "10.2.0.1"));
	assert_true(monitor_allowed(&m, "::ffff:10.1.0.9"));	/* dual stack */
	assert_true(monitor_allowed(&m, "2001:db8:7fff::1"));
	assert_false(monitor_allowed(&m, "2001:db8:8000::1"));
	assert_true(monitor_allowed(&m, "192.0.2.7"));
	assert_false(monitor_allowed(&m, "192.0.2.8"));
	assert_false(monitor_allowed(&m, "?"));
	assert_false(monitor_allowed(&m, "::ffff:192.0.2.8"));
}

static void
test_monitor_allow_rejects_bad_prefixes(void **state)
{
	static const char *const bad[] = { "", "10.0.0.0/", "10.0.0.0/33",
	    "10.0.0.1/8", "::1/129", "host.example", "10.0.0.0/8x",
	    "1.2.3.4/-1", NULL };
	struct monitor_net	n;
	struct brski_err	e = { 0 };
	int			i;

	(void)state;
	for (i = 0; bad[i] != NULL; i++)
		assert_rc(monitor_net_parse(bad[i], &n, &e), BRSKI_ECONFIG, &e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(
		    test_metrics_counts_requests_by_endpoint_and_status, setup),
		cmocka_unit_test_setup(
		    test_metrics_unknown_paths_do_not_add_labels, setup),
		cmocka_unit_test_setup(test_metrics_endpoint_table_is_bounded,
		    setup),
		cmocka_unit_test_setup(
		    test_metrics_histogram_buckets_are_cumulative, setup),
		cmocka_unit_test_setup(
		    test_metrics_family_unknown_value_counts_as_other, setup),
		cmocka_unit_test_setup(
		    test_metrics_family_rejects_bad_registrations, setup),
		cmocka_unit_test_setup(test_metrics_render_escapes_label_values,
		    setup),
		cmocka_unit_test_setup(test_metrics_start_time_after_init,
		    setup),
		cmocka_unit_test_setup(
		    test_metrics_concurrent_increments_are_exact, setup),
		cmocka_unit_test(test_health_cert_fails_inside_the_window),
		cmocka_unit_test(test_health_key_detects_a_wrong_key),
		cmocka_unit_test(test_health_json_lists_failing_checks),
		cmocka_unit_test(test_monitor_allow_matches_prefixes),
		cmocka_unit_test(test_monitor_allow_rejects_bad_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
