/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's current CRL: made at start-up, made again when a
 * revocation changed the store's CRL revision (ctl revoke-cert is
 * another process, so the daemon looks: on every GET and every
 * CRL_POLL_S seconds) or when half its validity has passed, so that a
 * relying party never holds one past nextUpdate.  Each new CRL gets the
 * next cRLNumber from the store and, with crl-file, is written to that
 * file atomically for a web server to publish.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "brski.h"
#include "crl.h"
#include "crl_service.h"
#include "fileio.h"
#include "log.h"
#include "registrar.h"
#include "rfc3339.h"

#define CRL_POLL_S	2	/* a SELECT of one row: cheap */

struct collect {
	struct crl_entry	*v;
	size_t			 n, cap;
	int			 failed;
};

static void
on_revoked(const struct reg_cert *c, void *arg)
{
	struct collect		*col = arg;
	struct crl_entry	*nv;
	struct brski_err	 e = { 0 };

	if (col->failed)
		return;
	if (col->n == col->cap) {
		col->cap = col->cap ? 2 * col->cap : 16;
		if ((nv = realloc(col->v, col->cap * sizeof(*nv))) == NULL) {
			col->failed = 1;
			return;
		}
		col->v = nv;
	}
	if (crl_serial_from_hex(c->serial_hex, &col->v[col->n], &e) !=
	    BRSKI_OK) {
		/* cannot happen: ca.c records what x509_parse read */
		log_err("CRL: certificate %s left out: %s", c->serial_hex,
		    e.msg);
		return;
	}
	col->v[col->n].revoked_at = c->revoked_at;
	col->v[col->n].reason = c->reason;
	col->n++;
}

/* Make a new CRL (lock held); on failure the old one stays. */
static enum brski_rc
rebuild(struct reg_crl *k, time_t now, struct brski_err *e)
{
	struct collect		 col = { 0 };
	struct crl_params	 p;
	long long		 number, revision;
	uint8_t			*der = NULL;
	size_t			 len;
	char			 t[RFC3339_MAX];
	enum brski_rc		 rc;

	if ((rc = reg_crl_next(k->store, &number, &revision, on_revoked, &col,
	    e)) != BRSKI_OK)
		goto out;
	if (col.failed) {
		rc = brski_fail(e, BRSKI_ENOMEM, "CRL: out of memory");
		goto out;
	}
	memset(&p, 0, sizeof(p));
	p.issuer = k->ca->cert;
	p.key = k->ca->key;
	p.this_update = now;
	p.next_update = now + k->validity_s;
	p.number = number;
	p.entries = col.v;
	p.count = col.n;
	if ((rc = crl_build(&p, &der, &len, e)) != BRSKI_OK)
		goto out;
	if (k->file != NULL && (rc = file_write_atomic(k->file, der, len, 0644,
	    e)) != BRSKI_OK) {
		brski_prefix(e, "crl-file: ");
		goto out;
	}
	free(k->der);
	k->der = der;
	k->len = len;
	der = NULL;
	k->revision = revision;
	k->this_update = now;
	log_info("CRL number %lld: %zu revoked certificate(s), next update "
	    "%s%s%s", number, col.n, rfc3339_format(p.next_update, t, sizeof(t)),
	    k->file ? ", written to " : "", k->file ? k->file : "");
out:
	free(der);
	free(col.v);
	return rc;
}

/* Rebuild if there is none, a revocation happened, or it is half-way
 * to nextUpdate (lock held). */
static enum brski_rc
refresh(struct reg_crl *k, time_t now, struct brski_err *e)
{
	long long	rev;
	enum brski_rc	rc;

	if ((rc = reg_crl_revision(k->store, &rev, e)) != BRSKI_OK)
		return rc;
	if (k->der != NULL && rev == k->revision && now >= k->this_update &&
	    now - k->this_update < k->validity_s / 2)
		return BRSKI_OK;
	return rebuild(k, now, e);
}

/*
 * Set up and make the first CRL (so that a bad crl-file or a CA key
 * that cannot sign shows at start-up).  validity_s: nextUpdate -
 * thisUpdate; file: NULL, or where to write each new CRL.
 */
enum brski_rc
reg_crl_init(struct reg_crl *k, const struct reg_ca *ca,
    struct reg_store *store, long validity_s, const char *file,
    struct brski_err *e)
{
	memset(k, 0, sizeof(*k));
	k->ca = ca;
	k->store = store;
	k->validity_s = validity_s;
	k->file = file;
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->cond, NULL);
	k->inited = 1;
	return rebuild(k, time(NULL), e);
}

/* A copy of the current CRL (made anew first if it is out of date). */
enum brski_rc
reg_crl_get(struct reg_crl *k, uint8_t **der, size_t *len,
    struct brski_err *e)
{
	enum brski_rc	rc;

	*der = NULL;
	pthread_mutex_lock(&k->lock);
	rc = refresh(k, time(NULL), e);
	if (k->der == NULL)
		rc = rc != BRSKI_OK ? rc : brski_fail(e, BRSKI_EIO, "no CRL");
	else if ((*der = malloc(k->len)) == NULL)
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
	else {
		/* a failed refresh still serves the last good CRL: it is
		 * valid until its nextUpdate, and the failure is logged */
		if (rc != BRSKI_OK)
			log_err("CRL: %s; serving the previous one", e->msg);
		memcpy(*der, k->der, k->len);
		*len = k->len;
		rc = BRSKI_OK;
	}
	pthread_mutex_unlock(&k->lock);
	return rc;
}

/*
 * GET /healthz: the CRL lists every revocation and is not past half its
 * validity, or is brought there now.  The detail is public, so the
 * reason (a path, a database error) goes only to the log.
 */
void
reg_crl_health(struct reg_crl *k, time_t now, struct health_report *r)
{
	struct brski_err	e = { 0 };
	char			t[RFC3339_MAX];

	if (!k->inited)
		return;
	pthread_mutex_lock(&k->lock);
	if (refresh(k, now, &e) != BRSKI_OK) {
		log_err("CRL: %s", e.msg);
		health_add(r, "crl", 0, "out of date and cannot be rebuilt (the "
		    "log says why); serving the one made %s", k->der == NULL ?
		    "never" : rfc3339_format(k->this_update, t, sizeof(t)));
	} else
		health_add(r, "crl", 1, "current; next update %s",
		    rfc3339_format(k->this_update + k->validity_s, t, sizeof(t)));
	pthread_mutex_unlock(&k->lock);
}

static void *
poller(void *arg)
{
	struct reg_crl		*k = arg;
	struct brski_err	 e = { 0 };
	struct timespec		 ts;

	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += CRL_POLL_S;
		if (pthread_cond_timedwait(&k->cond, &k->lock, &ts) !=
		    ETIMEDOUT || k->stop)
			continue;
		if (refresh(k, time(NULL), &e) != BRSKI_OK)
			log_err("CRL: %s", e.msg);
	}
	pthread_mutex_unlock(&k->lock);
	return NULL;
}

/* Watch the store for revocations in a thread (signals blocked first). */
enum brski_rc
reg_crl_start(struct reg_crl *k, struct brski_err *e)
{
	if (pthread_create(&k->thread, NULL, poller, k) != 0)
		return brski_fail(e, BRSKI_EIO, "CRL: cannot start a thread");
	k->running = 1;
	return BRSKI_OK;
}

void
reg_crl_free(struct reg_crl *k)
{
	if (!k->inited)
		return;
	if (k->running) {
		pthread_mutex_lock(&k->lock);
		k->stop = 1;
		pthread_cond_signal(&k->cond);
		pthread_mutex_unlock(&k->lock);
		pthread_join(k->thread, NULL);
	}
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->cond);
	free(k->der);
	memset(k, 0, sizeof(*k));
}

/* GET /crl: the DER CRL (RFC 5280 5, media type of RFC 2585 4.2); no
 * authentication, it is public. */
void
crl_on_get(struct httpd_req *rq, struct httpd_resp *rs, void *arg)
{
	struct registrar	*r = arg;
	struct brski_err	 e = { 0 };
	uint8_t			*der = NULL;
	size_t			 len;

	(void)rq;
	if (reg_crl_get(&r->crl, &der, &len, &e) != BRSKI_OK) {
		log_err("GET %s: %s", REG_PATH_CRL, e.msg);
		httpd_reply_text(rs, 500, "internal error\n");
		return;
	}
	httpd_reply_take(rs, 200, MT_PKIX_CRL, der, len);
}
