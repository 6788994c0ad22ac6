/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cBRSKI resources of the registrar (constrained voucher draft):
 * /.well-known/brski/rv (voucher-request and voucher, both
 * application/voucher+cose, CF 836), /vs and /es (status telemetry in
 * CBOR, CF 60, or JSON, CF 50).
 *
 * A voucher-request waits for a MASA that may be far away, and the one
 * libcoap thread must keep serving everyone else meanwhile: the request
 * is registered with libcoap's async support (an empty ACK goes out
 * now), vflow_run() runs in a worker thread, and when it is done the
 * CoAP thread triggers the async and the handler runs again to send the
 * separate response (RFC 7252 5.2.2; RFC 9148 5.7).  A device that has
 * to wait for an operator gets 5.03 with Max-Age, like EST-coaps.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "brski.h"
#include "coap_internal.h"
#include "log.h"
#include "telemetry.h"
#include "voucher_flow.h"

struct rv_job {
	struct rv_job		*next;
	struct coap_service	*cs;
	coap_session_t		*session;	/* referenced */
	uint8_t			 token[8];
	size_t			 token_len;
	uint8_t			*body;
	size_t			 len;
	struct x509_list	 peer;
	char			 addr[80];
	pthread_t		 thread;
	int			 started;
	int			 done;		/* under jobs_mtx */
	int			 triggered;
	struct vflow		 f;
};

static void *
rv_work(void *arg)
{
	struct rv_job	*j = arg;

	vflow_run(j->cs->r, j->body, j->len, 1, &j->peer, j->addr, &j->f);
	pthread_mutex_lock(&j->cs->jobs_mtx);
	j->done = 1;
	pthread_mutex_unlock(&j->cs->jobs_mtx);
	return NULL;
}

/* Take a job out of the list (under jobs_mtx). */
static void
job_unlink(struct coap_service *cs, struct rv_job *j)
{
	struct rv_job	**pp;

	for (pp = &cs->jobs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == j) {
			*pp = j->next;
			cs->njobs--;
			return;
		}
}

/* Free an unlinked job, once its worker has finished (not under the
 * mutex: the worker takes it to say it is done). */
static void
job_free(struct rv_job *j)
{
	if (j->started)
		pthread_join(j->thread, NULL);
	if (j->session != NULL)
		coap_session_release(j->session);
	vflow_clear(&j->f);
	x509_list_free(&j->peer);
	free(j->body);
	free(j);
}

static coap_bin_const_t
job_token(const struct rv_job *j)
{
	coap_bin_const_t	t;

	t.s = j->token;
	t.length = j->token_len;
	return t;
}

/* The separate response, from the handler that the trigger re-ran. */
static void
rv_answer(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    coap_pdu_t *resp, coap_async_t *async)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	struct rv_job		*j = coap_async_get_app_data(async);
	int			 done;

	pthread_mutex_lock(&cs->jobs_mtx);
	done = j != NULL && j->done;
	pthread_mutex_unlock(&cs->jobs_mtx);
	if (!done)
		return;		/* a repeat while it runs: empty ACK again */
	if (j->f.status == 200) {
		send_data(res, s, req, resp, COAP_RESPONSE_CODE(204),
		    CF_VOUCHER_COSE, j->f.voucher, j->f.voucher_len);
		j->f.voucher = NULL;	/* send_data took it */
		log_info("CoAP rv: voucher sent to %s", j->addr);
	} else
		send_error(cs, s, "rv", resp, j->f.status, j->f.why);
	/* libcoap 4.3.1 frees a fired async itself when this returns
	 * (coap_free_async() here was a double free: a crash) */
	coap_async_set_app_data(async, NULL);
	pthread_mutex_lock(&cs->jobs_mtx);
	job_unlink(cs, j);
	pthread_mutex_unlock(&cs->jobs_mtx);
	job_free(j);
}

/* POST /.well-known/brski/rv */
static void
on_rv(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	coap_bin_const_t	 tok = coap_pdu_get_token(req);
	coap_async_t		*async;
	struct rv_job		*j;
	const uint8_t		*body;
	size_t			 len;
	int			 accept = opt_uint(req, COAP_OPTION_ACCEPT);

	(void)q;
	if ((async = coap_find_async(s, tok)) != NULL) {
		rv_answer(res, s, req, resp, async);
		return;
	}
	if (accept != -1 && accept != CF_VOUCHER_COSE) {
		send_error(cs, s, "rv", resp, 406, "only voucher+cose (836)");
		return;
	}
	if ((body = body_of(cs, s, "rv", req, resp, CF_VOUCHER_COSE, &len)) ==
	    NULL)
		return;
	if (tok.length > sizeof(j->token)) {
		send_error(cs, s, "rv", resp, 400, "token longer than 8 bytes");
		return;
	}
	pthread_mutex_lock(&cs->jobs_mtx);
	if (cs->njobs >= COAP_RV_JOBS_MAX) {
		pthread_mutex_unlock(&cs->jobs_mtx);
		/* 202 maps to 5.03 + Max-Age: come back later */
		send_error(cs, s, "rv", resp, 202, "too many voucher-requests "
		    "waiting for MASAs");
		return;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->body = malloc(len)) == NULL) {
		pthread_mutex_unlock(&cs->jobs_mtx);
		free(j);
		send_error(cs, s, "rv", resp, 500, "out of memory");
		return;
	}
	j->cs = cs;
	memcpy(j->body, body, len);
	j->len = len;
	memcpy(j->token, tok.s, tok.length);
	j->token_len = tok.length;
	peer_of(s, &j->peer, j->addr, sizeof(j->addr));
	j->next = cs->jobs;
	cs->jobs = j;
	cs->njobs++;
	/* delay 0: only our trigger releases it; no code: empty ACK now */
	if ((async = coap_register_async(s, req, 0)) == NULL) {
		job_unlink(cs, j);
		pthread_mutex_unlock(&cs->jobs_mtx);
		job_free(j);
		send_error(cs, s, "rv", resp, 500, "cannot defer the answer");
		return;
	}
	coap_async_set_app_data(async, j);
	j->session = coap_session_reference(s);
	if (pthread_create(&j->thread, NULL, rv_work, j) != 0) {
		coap_async_set_app_data(async, NULL);
		coap_free_async(s, async);
		job_unlink(cs, j);
		pthread_mutex_unlock(&cs->jobs_mtx);
		job_free(j);
		send_error(cs, s, "rv", resp, 500, "cannot start a worker");
		return;
	}
	j->started = 1;
	pthread_mutex_unlock(&cs->jobs_mtx);
}

/*
 * From the CoAP thread's loop: trigger the asyncs whose work is done,
 * and drop jobs whose session went away.  Returns the jobs still open,
 * so the loop can poll more often while there are some.
 */
int
coap_brski_poll(struct coap_service *cs)
{
	struct rv_job	*j, *next, *gone = NULL;
	coap_async_t	*async;
	int		 open;

	pthread_mutex_lock(&cs->jobs_mtx);
	for (j = cs->jobs; j != NULL; j = next) {
		next = j->next;
		if (!j->done || j->triggered)
			continue;
		if ((async = coap_find_async(j->session, job_token(j))) == NULL) {
			job_unlink(cs, j);
			j->next = gone;
			gone = j;
			continue;
		}
		j->triggered = 1;
		coap_async_trigger(async);
	}
	open = (int)cs->njobs;
	pthread_mutex_unlock(&cs->jobs_mtx);
	for (j = gone; j != NULL; j = next) {
		next = j->next;
		log_warn("CoAP rv: %s left before its voucher was ready", j->addr);
		job_free(j);
	}
	return open;
}

/* At shutdown, after the loop ended: wait for the workers. */
void
coap_brski_stop(struct coap_service *cs)
{
	struct rv_job	*j, *next;

	pthread_mutex_lock(&cs->jobs_mtx);
	j = cs->jobs;
	cs->jobs = NULL;
	cs->njobs = 0;
	pthread_mutex_unlock(&cs->jobs_mtx);
	for (; j != NULL; j = next) {
		next = j->next;
		job_free(j);
	}
}

/* POST /.well-known/brski/vs and /es: CBOR (60) or JSON (50) */
static void
report(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    coap_pdu_t *resp, const char *path, const char *kind)
{
	struct coap_service	*cs = coap_resource_get_userdata(res);
	struct brski_err	 e = { 0 };
	struct x509_list	 peer = { 0 };
	struct telemetry	 t;
	const uint8_t		*body = NULL;
	size_t			 len, off = 0, total = 0;
	char			 addr[80];
	int			 cf = opt_uint(req, COAP_OPTION_CONTENT_FORMAT);
	enum brski_rc		 rc;

	memset(&t, 0, sizeof(t));
	if (cf != CF_CBOR && cf != CF_JSON) {
		send_error(cs, s, path, resp, 415, "CBOR (60) or JSON (50)");
		return;
	}
	if (!coap_get_data_large(req, &len, &body, &off, &total) || off != 0 ||
	    len != total || len > 4096) {
		send_error(cs, s, path, resp, len > 4096 ? 413 : 400,
		    "no status, or one over 4 KiB");
		return;
	}
	rc = cf == CF_CBOR ? telemetry_parse_cbor(body, len, &t, &e) :
	    telemetry_parse_json(body, len, &t, &e);
	if (rc != BRSKI_OK) {
		send_error(cs, s, path, resp, 400, e.msg);
		return;
	}
	peer_of(s, &peer, addr, sizeof(addr));
	if (vflow_report(cs->r, kind, &t, &peer, addr) == 200)
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(204));
	else
		send_error(cs, s, path, resp, 404, "no known device");
	telemetry_clear(&t);
	x509_list_free(&peer);
}

static void
on_vs(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	(void)q;
	report(res, s, req, resp, "vs", "voucher");
}

static void
on_es(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	(void)q;
	report(res, s, req, resp, "es", "enroll");
}

void
coap_brski_add(struct coap_service *cs)
{
	res_add(cs, ".well-known/brski/rv", COAP_REQUEST_POST, on_rv,
	    "brski.rv", "836");
	res_add(cs, ".well-known/brski/vs", COAP_REQUEST_POST, on_vs,
	    "brski.vs", "\"50 60\"");
	res_add(cs, ".well-known/brski/es", COAP_REQUEST_POST, on_es,
	    "brski.es", "\"50 60\"");
}
