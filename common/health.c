/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Health reports (health.h).  A check is cheap and real: a certificate
 * check reads the validity of every certificate of a loaded chain; a key
 * check signs a fixed digest with the loaded private key and verifies
 * the signature with the certificate's public key, so a key that was
 * swapped, unloaded or lost with its token fails.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "health.h"
#include "log.h"
#include "rfc3339.h"

#define DAY_S	86400

/* Append a check; past HEALTH_CHECKS_MAX the last one is overwritten. */
void
health_add(struct health_report *r, const char *name, int ok,
    const char *fmt, ...)
{
	struct health_check	*c;
	va_list			 ap;

	c = &r->c[r->n < HEALTH_CHECKS_MAX ? r->n++ : HEALTH_CHECKS_MAX - 1];
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->ok = ok;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
}

/*
 * Check every certificate of chain: valid at now, and not expiring
 * within warn_s seconds.  The detail names the first offender, or the
 * leaf's expiry when all is well.
 */
void
health_cert(struct health_report *r, const char *name,
    const struct x509_list *chain, time_t now, long warn_s)
{
	const struct x509_cert	*c;
	char			 when[32], label[64];
	size_t			 i;

	if (chain == NULL || chain->n == 0) {
		health_add(r, name, 0, "no certificate loaded");
		return;
	}
	for (i = 0; i < chain->n; i++) {
		c = chain->v[i];
		rfc3339_format(c->not_after, when, sizeof(when));
		snprintf(label, sizeof(label), "%.63s", c->cn ? c->cn : c->subject);
		if (c->not_before > now) {
			rfc3339_format(c->not_before, when, sizeof(when));
			health_add(r, name, 0, "\"%s\" is not valid before %s",
			    label, when);
			return;
		}
		if (c->not_after <= now) {
			health_add(r, name, 0, "\"%s\" expired at %s", label,
			    when);
			return;
		}
		if (c->not_after - now <= warn_s) {
			health_add(r, name, 0, "\"%s\" expires at %s, in %lld "
			    "days (health-expiry-warn is %ld days)", label, when,
			    (long long)((c->not_after - now) / DAY_S),
			    warn_s / DAY_S);
			return;
		}
	}
	rfc3339_format(chain->v[0]->not_after, when, sizeof(when));
	health_add(r, name, 1, "valid until %s", when);
}

static int
key_works(const struct brski_key *k, const struct x509_cert *c, char *why,
    size_t len)
{
	struct brski_err	e = { 0 };
	uint8_t			digest[32], sig[KEY_SIG_MAX];
	size_t			siglen = sizeof(sig);

	if (k == NULL || c == NULL) {
		snprintf(why, len, "not loaded");
		return 0;
	}
	memset(digest, 0x5a, sizeof(digest));	/* any digest will do */
	if (key_sign_digest(k, digest, sizeof(digest), sig, &siglen, &e) !=
	    BRSKI_OK || key_verify_digest(c->spki, c->spki_len, digest,
	    sizeof(digest), sig, siglen, &e) != BRSKI_OK) {
		snprintf(why, len, "%.159s", e.msg);
		return 0;
	}
	return 1;
}

/*
 * Check n private keys, each against the certificate it belongs to, as
 * one check called name.
 */
void
health_key(struct health_report *r, const char *name,
    const struct brski_key *const *keys, const struct x509_cert *const *certs,
    size_t n)
{
	char	why[160];
	size_t	i;

	for (i = 0; i < n; i++)
		if (!key_works(keys[i], certs[i], why, sizeof(why))) {
			health_add(r, name, 0, "key of \"%.60s\": %s",
			    certs[i] && certs[i]->cn ? certs[i]->cn : "?", why);
			return;
		}
	health_add(r, name, 1, "%zu key%s", n, n == 1 ? " signs and verifies" :
	    "s sign and verify");
}

/* 1 when every check passed. */
int
health_ok(const struct health_report *r)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (!r->c[i].ok)
			return 0;
	return 1;
}

/*
 * The report as JSON: {"status":"ok"|"fail","checks":{NAME:{"state":
 * "ok"|"fail","detail":"..."}},"failing":[NAME...]}.  The caller owns
 * *out (free()).
 */
enum brski_rc
health_json(const struct health_report *r, char **out, size_t *len,
    struct brski_err *e)
{
	json_t	*o, *checks, *failing;
	size_t	 i;
	int	 bad = 0;

	*out = NULL;
	o = json_object();
	checks = json_object();
	failing = json_array();
	if (o == NULL || checks == NULL || failing == NULL)
		bad = 1;
	for (i = 0; !bad && i < r->n; i++) {
		bad |= json_object_set_new(checks, r->c[i].name, json_pack(
		    "{s:s, s:s}", "state", r->c[i].ok ? "ok" : "fail",
		    "detail", r->c[i].detail));
		if (!r->c[i].ok)
			bad |= json_array_append_new(failing,
			    json_string(r->c[i].name));
	}
	if (!bad) {
		bad |= json_object_set_new(o, "status",
		    json_string(health_ok(r) ? "ok" : "fail"));
		bad |= json_object_set(o, "checks", checks);
		bad |= json_object_set(o, "failing", failing);
	}
	if (!bad && (*out = json_dumps(o, JSON_COMPACT)) == NULL)
		bad = 1;
	json_decref(checks);
	json_decref(failing);
	json_decref(o);
	if (bad)
		return brski_fail(e, BRSKI_ENOMEM, "health: out of memory");
	*len = strlen(*out);
	return BRSKI_OK;
}

/* Start with no previous report (the first one logs its failures). */
void
health_state_init(struct health_state *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
}

/* Release the state's mutex; no probe may be running. */
void
health_state_free(struct health_state *s)
{
	pthread_mutex_destroy(&s->lock);
}

static const struct health_check *
find(const struct health_report *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->c[i].name, name) == 0)
			return &r->c[i];
	return NULL;
}

/*
 * Log the checks of r whose state differs from the previous report
 * (the first report logs only failures): a failure as a warning with
 * its detail, a recovery as info.  Probes that change nothing log
 * nothing, however often a load balancer asks.
 */
void
health_note(struct health_state *s, const char *who,
    const struct health_report *r)
{
	const struct health_check	*prev;
	size_t				 i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < r->n; i++) {
		prev = s->have_last ? find(&s->last, r->c[i].name) : NULL;
		if (prev != NULL && prev->ok == r->c[i].ok)
			continue;
		if (!r->c[i].ok)
			log_warn("%s health: %s failing: %s", who, r->c[i].name,
			    r->c[i].detail);
		else if (prev != NULL)
			log_info("%s health: %s ok again: %s", who,
			    r->c[i].name, r->c[i].detail);
	}
	s->last = *r;
	s->have_last = 1;
	pthread_mutex_unlock(&s->lock);
}
