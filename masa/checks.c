/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * MASA health and metrics (checks.h).  Health: the store answers a read
 * in a transaction (its engine's ping); the voucher signing key signs;
 * the TLS chain, the signer chain and the manufacturer CAs (without
 * which no IDevID verifies) are valid beyond health-expiry-warn.
 */
#include "config.h"

#include <string.h>

#include "checks.h"
#include "metrics.h"

/* Load the TLS chain the checks watch (the file httpd serves). */
enum brski_rc
masa_health_init(struct masa_health *h, struct masa *m, const char *tls_cert,
    struct brski_err *e)
{
	memset(h, 0, sizeof(*h));
	h->m = m;
	if (tls_cert == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "tls-cert is not set");
	return x509_list_load(tls_cert, &h->tls_chain, e);
}

void
masa_health_free(struct masa_health *h)
{
	x509_list_free(&h->tls_chain);
}

/* GET /healthz: fill r (monitor_checks_fn). */
void
masa_health(void *ctx, time_t now, long warn_s, struct health_report *r)
{
	struct masa_health	*h = ctx;
	struct masa		*m = h->m;
	struct brski_err	 e = { 0 };
	const struct brski_key	*key = m->signer_key;
	const struct x509_cert	*cert = m->signer;

	if (m->store->ops->ping == NULL)
		health_add(r, "database", 0, "this store engine has no health "
		    "probe");
	else if (m->store->ops->ping(m->store, &e) != BRSKI_OK)
		health_add(r, "database", 0, "%s", e.msg);
	else
		health_add(r, "database", 1, "read in a transaction");
	health_key(r, "keys", &key, &cert, 1);
	health_cert(r, "tls-cert", &h->tls_chain, now, warn_s);
	health_cert(r, "signer-cert", &m->signer_chain, now, warn_s);
	health_cert(r, "ca-cert", &m->manufacturer_cas, now, warn_s);
}

/* Register the MASA's families (once, at start-up). */
enum brski_rc
masa_metrics_register(struct brski_err *e)
{
	static const char *const formats[] = { "cms", "cose", NULL };
	static const char *const reasons[] = { "media-type",
	    "not-acceptable", "bad-client-cert", "malformed", "too-large",
	    "verify", "policy", "unknown-device", "database", "internal",
	    NULL };
	enum brski_rc	rc;

	if ((rc = metrics_family(MASA_M_ISSUED, "Vouchers signed and sent, "
	    "by format.", "format", formats, e)) != BRSKI_OK ||
	    (rc = metrics_family(MASA_M_REFUSED, "Voucher requests refused, "
	    "by reason.", "reason", reasons, e)) != BRSKI_OK)
		return rc;
	return BRSKI_OK;
}

/* The reason label of a refusal with code rc. */
const char *
masa_refusal_reason(enum brski_rc rc)
{
	switch (rc) {
	case BRSKI_EPARSE:	return "malformed";
	case BRSKI_ETOOBIG:	return "too-large";
	case BRSKI_EVERIFY:	return "verify";	/* signature, chain */
	case BRSKI_EPOLICY:	return "policy";	/* ownership, nonce */
	case BRSKI_ENOTFOUND:	return "unknown-device";
	case BRSKI_EDB:		return "database";
	default:		return "internal";
	}
}

void
masa_metrics_refused(const char *reason)
{
	metrics_inc(MASA_M_REFUSED, reason);
}
