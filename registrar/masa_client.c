/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's side of the MASA connection (RFC 8995 5.4): HTTPS with
 * wolfSSL, the RA certificate as TLS client certificate, the MASA's
 * server certificate checked against the configured MASA anchors and
 * the host name.  Connections are kept open and reused: a pool of idle
 * connections keyed by origin, taken by one handler at a time.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms.h"
#include "registrar.h"
#include "secret.h"

static struct bytes *
to_bytes(const struct x509_list *l)
{
	struct bytes	*b;
	size_t		 i;

	if ((b = calloc(l->n > 0 ? l->n : 1, sizeof(*b))) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++) {
		b[i].data = l->v[i]->der;
		b[i].len = l->v[i]->der_len;
	}
	return b;
}

/* The client options every MASA connection shares. */
enum brski_rc
masa_pool_init(struct masa_pool *p, const struct reg_identity *id,
    struct brski_err *e)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->lock, NULL);
	if ((p->chain = to_bytes(&id->ra_chain)) == NULL ||
	    (p->anchors = to_bytes(&id->masa_cas)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	p->opts.client_chain = p->chain;
	p->opts.client_chain_count = id->ra_chain.n;
	p->opts.client_key = id->ra_key;
	p->opts.verify = HTTPC_VERIFY_ANCHORS;
	p->opts.anchors = p->anchors;
	p->opts.anchor_count = id->masa_cas.n;
	return BRSKI_OK;
}

void
masa_pool_free(struct masa_pool *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		httpc_conn_free(p->idle[i]);
	free(p->chain);
	free(p->anchors);
	pthread_mutex_destroy(&p->lock);
	memset(p, 0, sizeof(*p));
}

static struct httpc_conn *
take(struct masa_pool *p, const char *origin)
{
	struct httpc_conn	*c = NULL;
	size_t			 i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++)
		if (strcmp(p->origin[i], origin) == 0) {
			c = p->idle[i];
			p->idle[i] = p->idle[p->n - 1];
			memcpy(p->origin[i], p->origin[p->n - 1],
			    sizeof(p->origin[i]));
			p->n--;
			break;
		}
	pthread_mutex_unlock(&p->lock);
	return c;
}

static void
give_back(struct masa_pool *p, const char *origin, struct httpc_conn *c)
{
	pthread_mutex_lock(&p->lock);
	if (p->n < MASA_POOL_MAX && httpc_is_connected(c)) {
		p->idle[p->n] = c;
		snprintf(p->origin[p->n], sizeof(p->origin[p->n]), "%s", origin);
		p->n++;
		c = NULL;
	}
	pthread_mutex_unlock(&p->lock);
	httpc_conn_free(c);
}

/*
 * POST body (a registrar voucher-request of media type mt, which is also
 * the Accept) to url; *resp is the MASA's answer whatever its status
 * (the caller's).  BRSKI_ENET / BRSKI_ETLS when the MASA cannot be
 * reached or is not who the anchors say.
 */
enum brski_rc
masa_post(struct registrar *r, const char *url, const char *mt,
    const uint8_t *body, size_t len, struct httpc_response **resp,
    struct brski_err *e)
{
	struct httpc_url	 u;
	struct httpc_conn	*c;
	struct httpc_headers	 h = { 0 };
	char			 origin[300];
	enum brski_rc		 rc;

	*resp = NULL;
	if ((rc = httpc_url_parse(url, 0, &u, e)) != BRSKI_OK)
		return rc;
	snprintf(origin, sizeof(origin), "%s:%u", u.host, u.port);
	if ((c = take(&r->pool, origin)) == NULL) {
		struct httpc_opts	o = r->pool.opts;

		o.io_timeout_ms = r->masa_timeout_ms;
		if ((rc = httpc_conn_new(u.host, u.port, &o, &c, e)) != BRSKI_OK)
			return rc;
	}
	h.content_type = mt;
	h.accept = mt;
	rc = httpc_request(c, "POST", u.target, &h, body, len, CMS_DER_MAX,
	    resp, e);
	if (rc == BRSKI_OK)
		give_back(&r->pool, origin, c);
	else
		httpc_conn_free(c);
	return rc;
}
