/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Voucher issuance (RFC 8995 5.6, RFC 8366bis) and the audit log
 * (RFC 8995 5.8.1).  The voucher is signed first and then recorded with
 * the ownership decision in one store transaction; only a recorded
 * voucher is returned, so the audit log lists every voucher handed out.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cose.h"
#include "masa.h"
#include "rfc3339.h"
#include "voucher_cbor.h"

static enum brski_rc
build(const struct masa *m, const struct rvr *r, enum voucher_assertion a,
    time_t now, time_t expires, struct voucher **out, struct brski_err *e)
{
	struct voucher	*v;
	enum brski_rc	 rc;

	*out = NULL;
	if ((v = voucher_new(VOUCHER_KIND_VOUCHER)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	voucher_set_assertion(v, a);
	if ((rc = voucher_set_date(v, VL_CREATED_ON, now, e)) != BRSKI_OK ||
	    (rc = voucher_set_string(v, VL_SERIAL_NUMBER, r->vr->serial_number,
	    e)) != BRSKI_OK ||
	    (rc = voucher_set_bin(v, VL_PINNED_DOMAIN_CERT, r->domain_ca->der,
	    r->domain_ca->der_len, e)) != BRSKI_OK ||
	    (rc = voucher_set_bool(v, VL_DOMAIN_CERT_REVOCATION_CHECKS, 0, e)) !=
	    BRSKI_OK)
		goto fail;
	if (VOUCHER_HAS(r->vr, VL_NONCE) && (rc = voucher_set_bin(v, VL_NONCE,
	    r->vr->nonce.data, r->vr->nonce.len, e)) != BRSKI_OK)
		goto fail;
	/* idevid-issuer from the IDevID itself when the pledge signed */
	if (r->idevid != NULL && r->idevid->aki_ext_len > 0)
		rc = voucher_set_bin(v, VL_IDEVID_ISSUER, r->idevid->aki_ext,
		    r->idevid->aki_ext_len, e);
	else if (VOUCHER_HAS(r->vr, VL_IDEVID_ISSUER))
		rc = voucher_set_bin(v, VL_IDEVID_ISSUER, r->vr->idevid_issuer.data,
		    r->vr->idevid_issuer.len, e);
	if (rc == BRSKI_OK && expires != 0)
		rc = voucher_set_date(v, VL_EXPIRES_ON, expires, e);
	if (rc != BRSKI_OK)
		goto fail;
	*out = v;
	return BRSKI_OK;
fail:
	voucher_free(v);
	return rc;
}

/* RFC 8995 5.6: nonceless expiry before the configured lifetime, the
 * registrar certificate's expiry and the pinned certificate's. */
static time_t
expiry(const struct masa *m, const struct rvr *r, time_t now)
{
	time_t	t = now + m->pol.nonceless_lifetime;

	if (r->signer->not_after < t)
		t = r->signer->not_after;
	if (r->domain_ca->not_after < t)
		t = r->domain_ca->not_after;
	return t;
}

/* CMS-signed JSON, or COSE-signed CBOR with our chain in the
 * unprotected x5bag (cBRSKI: the registrar strips it for the pledge). */
static enum brski_rc
sign(const struct masa *m, int cose, const struct voucher *v, time_t now,
    uint8_t **out, size_t *outlen, struct brski_err *e)
{
	struct cose_sign_opts	 o = { NULL, 0, &m->signer_chain,
	    COSE_HDR_X5BAG, 0 };
	uint8_t			*enc = NULL;
	char			*json = NULL;
	size_t			 len;
	enum brski_rc		 rc;

	if (cose) {
		if ((rc = voucher_to_cbor(v, &enc, &len, e)) == BRSKI_OK)
			rc = cose_sign1(enc, len, m->signer_key, &o, out, outlen,
			    e);
		free(enc);
		return rc;
	}
	if ((rc = voucher_to_json(v, &json, &len, e)) == BRSKI_OK)
		rc = cms_sign((const uint8_t *)json, len, cms_oid_voucher,
		    sizeof(cms_oid_voucher), m->signer, &m->signer_chain,
		    m->signer_key, now, out, outlen, e);
	free(json);
	return rc;
}

/*
 * Issue a voucher for an authenticated and checked RVR (raw: the request
 * body, kept with the voucher).  The device must be known and owned by
 * (or, with first-claim, claimable by) the RVR's domain.  On success
 * *out is the CMS-signed voucher (the caller's).  BRSKI_ENOTFOUND for an
 * unknown device, BRSKI_EPOLICY for another owner.
 */
enum brski_rc
masa_issue_voucher(const struct masa *m, const struct rvr *r,
    const uint8_t *raw, size_t rawlen, time_t now, uint8_t **out,
    size_t *outlen, struct brski_err *e)
{
	struct masa_device	 d;
	struct masa_issue	 is;
	struct voucher		*v = NULL;
	enum voucher_assertion	 a = r->assertion;
	uint8_t			*cms = NULL;
	size_t			 clen;
	time_t			 expires = 0;
	enum brski_rc		 rc;

	*out = NULL;
	/* fast refusal before signing; decided again atomically below */
	if ((rc = m->store->ops->device_get(m->store, r->vr->serial_number, &d,
	    e)) != BRSKI_OK)
		return rc;
	if (d.owner[0] != '\0' && strcmp(d.owner, r->domain_id) != 0)
		return brski_fail(e, BRSKI_EPOLICY, "device %s belongs to another "
		    "domain", d.serial);
	if (d.owner[0] == '\0' && !m->pol.first_claim)
		return brski_fail(e, BRSKI_EPOLICY, "device %s is not assigned "
		    "to any domain", d.serial);
	if (!VOUCHER_HAS(r->vr, VL_NONCE)) {
		expires = expiry(m, r, now);
		/* RFC 8366 "verified": ownership known from the sales channel */
		if (r->pvr == NULL && d.owner[0] != '\0')
			a = VOUCHER_ASSERT_VERIFIED;
	}
	if ((rc = build(m, r, a, now, expires, &v, e)) != BRSKI_OK ||
	    (rc = sign(m, r->cose, v, now, &cms, &clen, e)) != BRSKI_OK)
		goto out;
	memset(&is, 0, sizeof(is));
	is.serial = r->vr->serial_number;
	is.domain_id = r->domain_id;
	is.issued_at = now;
	is.nonce = r->nonce_text;
	is.assertion = voucher_assertion_name(a);
	is.expires_at = expires;
	is.voucher = cms;
	is.voucher_len = clen;
	is.request = raw;
	is.request_len = rawlen;
	is.first_claim = m->pol.first_claim;
	if ((rc = m->store->ops->issue(m->store, &is, e)) != BRSKI_OK)
		goto out;
	*out = cms;
	*outlen = clen;
	cms = NULL;
out:
	free(cms);
	voucher_free(v);
	return rc;
}

/* Audit log assembly, RFC 8995 5.8.1: per domain, only the most recent
 * nonced and nonceless events are listed; the rest are counted. */
#define AUDIT_EVENTS_MAX	1024	/* beyond: "arbitrary" truncation */

struct audit_acc {
	json_t	*events;
	json_t	*seen;		/* domainID -> {"n": idx, "0": idx} */
	long	 nonced_dups;
	long	 nonceless_dups;
	long	 arbitrary;
	int	 requester_seen;
	char	 requester[MASA_DOMAIN_ID_MAX + 1];
	int	 failed;
};

static void
audit_add(const struct masa_event *ev, void *arg)
{
	struct audit_acc	*a = arg;
	json_t			*dom, *o, *prev;
	const char		*kind = ev->nonce ? "n" : "0";
	char			 date[RFC3339_MAX];

	if (strcmp(ev->domain_id, a->requester) == 0)
		a->requester_seen = 1;
	if ((dom = json_object_get(a->seen, ev->domain_id)) == NULL) {
		dom = json_object();
		if (dom == NULL || json_object_set_new(a->seen, ev->domain_id,
		    dom) != 0) {
			a->failed = 1;
			return;
		}
	}
	/* events arrive newest first: a second one of a kind is a duplicate */
	if ((prev = json_object_get(dom, kind)) != NULL) {
		o = json_array_get(a->events, (size_t)json_integer_value(prev));
		json_object_set_new(o, "truncated", json_integer(
		    json_integer_value(json_object_get(o, "truncated")) + 1));
		if (ev->nonce != NULL)
			a->nonced_dups++;
		else
			a->nonceless_dups++;
		return;
	}
	if (json_array_size(a->events) >= AUDIT_EVENTS_MAX) {
		a->arbitrary++;
		return;
	}
	o = json_pack("{s:s, s:s, s:o, s:s, s:i}", "date",
	    rfc3339_format(ev->date, date, sizeof(date)), "domainID",
	    ev->domain_id, "nonce", ev->nonce ? json_string(ev->nonce) :
	    json_null(), "assertion", ev->assertion, "truncated", 0);
	if (o == NULL || json_object_set_new(dom, kind,
	    json_integer((json_int_t)json_array_size(a->events))) != 0 ||
	    json_array_append_new(a->events, o) != 0)
		a->failed = 1;
}

/*
 * The audit log of the RVR's device as JSON (*out is the caller's).
 * BRSKI_ENOTFOUND when the device is unknown or the requesting domain
 * never owned it (RFC 8995 5.7: 404).
 */
enum brski_rc
masa_auditlog(const struct masa *m, const struct rvr *r, char **out,
    size_t *outlen, struct brski_err *e)
{
	struct audit_acc	 a = { 0 };
	struct masa_device	 d;
	json_t			*root = NULL;
	enum brski_rc		 rc;

	*out = NULL;
	if ((rc = m->store->ops->device_get(m->store, r->vr->serial_number, &d,
	    e)) != BRSKI_OK)
		return rc;
	snprintf(a.requester, sizeof(a.requester), "%s", r->domain_id);
	a.events = json_array();
	a.seen = json_object();
	if (a.events == NULL || a.seen == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = m->store->ops->events(m->store, d.serial, audit_add, &a, e)) !=
	    BRSKI_OK)
		goto out;
	if (a.failed) {
		rc = brski_fail(e, BRSKI_ENOMEM, "audit log: out of memory");
		goto out;
	}
	if (!a.requester_seen && strcmp(d.owner, r->domain_id) != 0) {
		rc = brski_fail(e, BRSKI_ENOTFOUND, "domain %s never owned "
		    "device %s", r->domain_id, d.serial);
		goto out;
	}
	root = json_pack("{s:i, s:O, s:{s:I, s:I, s:I}}", "version", 1,
	    "events", a.events, "truncation", "nonced duplicates",
	    (json_int_t)a.nonced_dups, "nonceless duplicates",
	    (json_int_t)a.nonceless_dups, "arbitrary", (json_int_t)a.arbitrary);
	if (root == NULL || (*out = json_dumps(root, JSON_COMPACT)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "audit log: out of memory");
		goto out;
	}
	*outlen = strlen(*out);
out:
	json_decref(root);
	json_decref(a.events);
	json_decref(a.seen);
	return rc;
}
