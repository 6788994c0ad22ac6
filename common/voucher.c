/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The voucher model and its JSON codec (RFC 8366, RFC 8366bis, RFC 8995
 * 3.2; RFC 7951 JSON encoding of YANG).  One table describes every leaf
 * (name, type, SID deltas for the CBOR codec, size bounds); decoding is
 * strict about the leaves it knows (types, lengths, dates, base64,
 * duplicate members) and ignores the ones it does not, as RFC 8366bis
 * asks of recipients.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "b64.h"
#include "rfc3339.h"
#include "voucher.h"

/* SID deltas: ietf-voucher@2025-12-18.sid, ietf-voucher-request (same date) */
static const struct voucher_leaf_info leaves[VL_COUNT] = {
	[VL_ASSERTION] = { "assertion", VLT_ENUM, 1, 1, 0, 0 },
	[VL_CREATED_ON] = { "created-on", VLT_DATE, 2, 2, 0, 0 },
	[VL_DOMAIN_CERT_REVOCATION_CHECKS] =
	    { "domain-cert-revocation-checks", VLT_BOOL, 3, 3, 0, 0 },
	[VL_EXPIRES_ON] = { "expires-on", VLT_DATE, 4, 4, 0, 0 },
	[VL_IDEVID_ISSUER] = { "idevid-issuer", VLT_BINARY, 5, 5, 1, 1024 },
	[VL_LAST_RENEWAL_DATE] = { "last-renewal-date", VLT_DATE, 6, 6, 0, 0 },
	[VL_NONCE] = { "nonce", VLT_BINARY, 7, 7, VOUCHER_NONCE_MIN,
	    VOUCHER_NONCE_MAX },
	[VL_PINNED_DOMAIN_CERT] = { "pinned-domain-cert", VLT_BINARY,
	    8, 8, 1, VOUCHER_BIN_MAX },
	[VL_PINNED_DOMAIN_PUBK] = { "pinned-domain-pubk", VLT_BINARY, 9, 17,
	    1, 1024 },
	[VL_PINNED_DOMAIN_PUBK_SHA256] = { "pinned-domain-pubk-sha256",
	    VLT_BINARY, 10, 18, 32, 32 },
	[VL_SERIAL_NUMBER] = { "serial-number", VLT_STRING, 11, 13, 1,
	    VOUCHER_SERIAL_MAX },
	[VL_ADDITIONAL_CONFIGURATION_URL] = { "additional-configuration-url",
	    VLT_STRING, 12, 19, 1, 2048 },
	[VL_EST_DOMAIN] = { "est-domain", VLT_STRING, 13, 20, 1, 2048 },
	[VL_MANUFACTURER_PROPRIETARY] = { "manufacturer-proprietary",
	    VLT_BINARY, 14, 22, 1, VOUCHER_BIN_MAX },
	[VL_PRIOR_SIGNED_VOUCHER_REQUEST] = { "prior-signed-voucher-request",
	    VLT_BINARY, 0, 9, 1, VOUCHER_BIN_MAX },
	[VL_PROXIMITY_REGISTRAR_CERT] = { "proximity-registrar-cert",
	    VLT_BINARY, 0, 10, 1, VOUCHER_BIN_MAX },
	[VL_PROXIMITY_REGISTRAR_PUBK_SHA256] =
	    { "proximity-registrar-pubk-sha256", VLT_BINARY, 0, 11, 32, 32 },
	[VL_PROXIMITY_REGISTRAR_PUBK] = { "proximity-registrar-pubk",
	    VLT_BINARY, 0, 12, 1, 1024 },
	[VL_AGENT_PROVIDED_PROXIMITY_REGISTRAR_CERT] =
	    { "agent-provided-proximity-registrar-cert", VLT_BINARY,
	    0, 14, 1, VOUCHER_BIN_MAX },
	[VL_AGENT_SIGN_CERT] = { "agent-sign-cert", VLT_BINARY, 0, 15, 1,
	    VOUCHER_BIN_MAX },
	[VL_AGENT_SIGNED_DATA] = { "agent-signed-data", VLT_BINARY,
	    0, 16, 1, VOUCHER_BIN_MAX },
};

static const char *const assertions[] = {
	"verified", "logged", "proximity", "agent-proximity"
};

const struct voucher_leaf_info *
voucher_leaf_info(enum voucher_leaf l)
{
	return (unsigned)l < VL_COUNT ? &leaves[l] : NULL;
}

/*
 * May the leaf appear in this kind of artifact?  RFC 8995 3.2: a
 * voucher-request's pinned-domain-cert, last-renewal-date and
 * domain-cert-revocation-checks are ignored, so they are not taken.
 */
int
voucher_leaf_allowed(enum voucher_kind k, enum voucher_leaf l)
{
	if ((unsigned)l >= VL_COUNT)
		return 0;
	if (k == VOUCHER_KIND_VOUCHER)
		return leaves[l].sid_voucher != 0;
	return leaves[l].sid_request != 0 && l != VL_PINNED_DOMAIN_CERT &&
	    l != VL_LAST_RENEWAL_DATE && l != VL_DOMAIN_CERT_REVOCATION_CHECKS;
}

const char *
voucher_wrapper_name(enum voucher_kind k)
{
	return k == VOUCHER_KIND_VOUCHER ? "ietf-voucher:voucher" :
	    "ietf-voucher-request:voucher";
}

const char *
voucher_assertion_name(enum voucher_assertion a)
{
	return (unsigned)a < 4 ? assertions[a] : "?";
}

int
voucher_assertion_from_name(const char *s, enum voucher_assertion *a)
{
	unsigned	i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, assertions[i]) == 0) {
			*a = (enum voucher_assertion)i;
			return 1;
		}
	return 0;
}

struct voucher *
voucher_new(enum voucher_kind k)
{
	struct voucher	*v;

	if ((v = calloc(1, sizeof(*v))) != NULL)
		v->kind = k;
	return v;
}

static struct voucher_bin *
bin_of(struct voucher *v, enum voucher_leaf l)
{
	switch (l) {
	case VL_IDEVID_ISSUER:		return &v->idevid_issuer;
	case VL_NONCE:			return &v->nonce;
	case VL_PINNED_DOMAIN_CERT:	return &v->pinned_domain_cert;
	case VL_PINNED_DOMAIN_PUBK:	return &v->pinned_domain_pubk;
	case VL_PINNED_DOMAIN_PUBK_SHA256:
		return &v->pinned_domain_pubk_sha256;
	case VL_MANUFACTURER_PROPRIETARY:
		return &v->manufacturer_proprietary;
	case VL_PRIOR_SIGNED_VOUCHER_REQUEST:
		return &v->prior_signed_voucher_request;
	case VL_PROXIMITY_REGISTRAR_CERT:
		return &v->proximity_registrar_cert;
	case VL_PROXIMITY_REGISTRAR_PUBK_SHA256:
		return &v->proximity_registrar_pubk_sha256;
	case VL_PROXIMITY_REGISTRAR_PUBK:
		return &v->proximity_registrar_pubk;
	case VL_AGENT_PROVIDED_PROXIMITY_REGISTRAR_CERT:
		return &v->agent_provided_proximity_registrar_cert;
	case VL_AGENT_SIGN_CERT:	return &v->agent_sign_cert;
	case VL_AGENT_SIGNED_DATA:	return &v->agent_signed_data;
	default:			return NULL;
	}
}

static char **
str_of(struct voucher *v, enum voucher_leaf l)
{
	switch (l) {
	case VL_SERIAL_NUMBER:		return &v->serial_number;
	case VL_ADDITIONAL_CONFIGURATION_URL:
		return &v->additional_configuration_url;
	case VL_EST_DOMAIN:		return &v->est_domain;
	default:			return NULL;
	}
}

static time_t *
date_of(struct voucher *v, enum voucher_leaf l)
{
	switch (l) {
	case VL_CREATED_ON:		return &v->created_on;
	case VL_EXPIRES_ON:		return &v->expires_on;
	case VL_LAST_RENEWAL_DATE:	return &v->last_renewal_date;
	default:			return NULL;
	}
}

const struct voucher_bin *
voucher_get_bin(const struct voucher *v, enum voucher_leaf l)
{
	if ((unsigned)l >= VL_COUNT || !VOUCHER_HAS(v, l))
		return NULL;
	return bin_of((struct voucher *)v, l);
}

static enum brski_rc
settable(struct voucher *v, enum voucher_leaf l, enum voucher_ltype t,
    struct brski_err *e)
{
	if ((unsigned)l >= VL_COUNT || leaves[l].type != t)
		return brski_fail(e, BRSKI_EINVAL, "voucher: leaf %d is not of "
		    "that type", (int)l);
	if (!voucher_leaf_allowed(v->kind, l))
		return brski_fail(e, BRSKI_EINVAL, "voucher: %s does not belong "
		    "in a %s", leaves[l].name, voucher_wrapper_name(v->kind));
	return BRSKI_OK;
}

/* Copy len bytes into a binary leaf (bounds from the leaf table). */
enum brski_rc
voucher_set_bin(struct voucher *v, enum voucher_leaf l, const uint8_t *p,
    size_t len, struct brski_err *e)
{
	struct voucher_bin	*b;
	uint8_t			*copy;
	enum brski_rc		 rc;

	if ((rc = settable(v, l, VLT_BINARY, e)) != BRSKI_OK)
		return rc;
	if (len < leaves[l].min_len || len > leaves[l].max_len)
		return brski_fail(e, BRSKI_EINVAL, "voucher: %s of %zu bytes "
		    "(allowed %zu..%zu)", leaves[l].name, len, leaves[l].min_len,
		    leaves[l].max_len);
	if ((copy = malloc(len)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	memcpy(copy, p, len);
	b = bin_of(v, l);
	free(b->data);
	b->data = copy;
	b->len = len;
	v->present |= 1u << l;
	return BRSKI_OK;
}

enum brski_rc
voucher_set_string(struct voucher *v, enum voucher_leaf l, const char *s,
    struct brski_err *e)
{
	char		**dst, *copy;
	size_t		  n = strlen(s), i;
	enum brski_rc	  rc;

	if ((rc = settable(v, l, VLT_STRING, e)) != BRSKI_OK)
		return rc;
	if (n < leaves[l].min_len || n > leaves[l].max_len)
		return brski_fail(e, BRSKI_EINVAL, "voucher: %s of %zu bytes "
		    "(allowed %zu..%zu)", leaves[l].name, n, leaves[l].min_len,
		    leaves[l].max_len);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return brski_fail(e, BRSKI_EINVAL, "voucher: %s contains "
			    "a control character", leaves[l].name);
	if ((copy = strdup(s)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	dst = str_of(v, l);
	free(*dst);
	*dst = copy;
	v->present |= 1u << l;
	return BRSKI_OK;
}

enum brski_rc
voucher_set_date(struct voucher *v, enum voucher_leaf l, time_t t,
    struct brski_err *e)
{
	enum brski_rc	rc;

	if ((rc = settable(v, l, VLT_DATE, e)) != BRSKI_OK)
		return rc;
	*date_of(v, l) = t;
	v->present |= 1u << l;
	return BRSKI_OK;
}

enum brski_rc
voucher_set_bool(struct voucher *v, enum voucher_leaf l, int b,
    struct brski_err *e)
{
	enum brski_rc	rc;

	if ((rc = settable(v, l, VLT_BOOL, e)) != BRSKI_OK)
		return rc;
	v->domain_cert_revocation_checks = b != 0;
	v->present |= 1u << l;
	return BRSKI_OK;
}

void
voucher_set_assertion(struct voucher *v, enum voucher_assertion a)
{
	v->assertion = a;
	v->present |= 1u << VL_ASSERTION;
}

/*
 * Cross-leaf rules: serial-number is mandatory in both kinds (8366bis
 * YANG), a voucher states its assertion, expires-on follows created-on,
 * last-renewal-date needs expires-on.
 */
enum brski_rc
voucher_check(const struct voucher *v, struct brski_err *e)
{
	if (!VOUCHER_HAS(v, VL_SERIAL_NUMBER))
		return brski_fail(e, BRSKI_EPARSE, "%s: serial-number is "
		    "missing", voucher_wrapper_name(v->kind));
	if (v->kind == VOUCHER_KIND_VOUCHER && !VOUCHER_HAS(v, VL_ASSERTION))
		return brski_fail(e, BRSKI_EPARSE, "voucher: assertion is "
		    "missing");
	if (VOUCHER_HAS(v, VL_EXPIRES_ON) && VOUCHER_HAS(v, VL_CREATED_ON) &&
	    v->expires_on < v->created_on)
		return brski_fail(e, BRSKI_EPARSE, "voucher: expires-on is "
		    "before created-on");
	if (VOUCHER_HAS(v, VL_LAST_RENEWAL_DATE) &&
	    !VOUCHER_HAS(v, VL_EXPIRES_ON))
		return brski_fail(e, BRSKI_EPARSE, "voucher: last-renewal-date "
		    "without expires-on");
	return BRSKI_OK;
}

void
voucher_free(struct voucher *v)
{
	int	l;

	if (v == NULL)
		return;
	for (l = 0; l < VL_COUNT; l++) {
		struct voucher_bin	*b = bin_of(v, (enum voucher_leaf)l);
		char			**s = str_of(v, (enum voucher_leaf)l);

		if (b != NULL)
			free(b->data);
		if (s != NULL)
			free(*s);
	}
	free(v);
}

/* ---- JSON ---- */

static enum brski_rc
leaf_from_json(struct voucher *v, enum voucher_leaf l, json_t *j,
    struct brski_err *e)
{
	const struct voucher_leaf_info	*li = &leaves[l];
	enum voucher_assertion		 a;
	uint8_t				*bin = NULL;
	size_t				 n;
	time_t				 t;
	enum brski_rc			 rc;

	if (li->type == VLT_BOOL) {
		if (!json_is_boolean(j))
			return brski_fail(e, BRSKI_EPARSE, "%s is not a boolean",
			    li->name);
		return voucher_set_bool(v, l, json_is_true(j), e);
	}
	if (!json_is_string(j))
		return brski_fail(e, BRSKI_EPARSE, "%s is not a string", li->name);
	n = json_string_length(j);
	if (n != strlen(json_string_value(j)))
		return brski_fail(e, BRSKI_EPARSE, "%s contains NUL", li->name);
	switch (li->type) {
	case VLT_ENUM:
		if (!voucher_assertion_from_name(json_string_value(j), &a))
			return brski_fail(e, BRSKI_EPARSE, "assertion \"%.32s\" "
			    "is not verified, logged, proximity or "
			    "agent-proximity", json_string_value(j));
		voucher_set_assertion(v, a);
		return BRSKI_OK;
	case VLT_DATE:
		if ((rc = rfc3339_parse(json_string_value(j), n, &t, e)) !=
		    BRSKI_OK)
			return brski_prefix(e, "%s: ", li->name);
		return voucher_set_date(v, l, t, e);
	case VLT_BINARY:
		/* base64 (RFC 7951); RFC 8995's examples also use base64url */
		if ((rc = b64_decode(json_string_value(j), n, B64_URL, &bin, &n,
		    e)) != BRSKI_OK)
			return brski_prefix(e, "%s: ", li->name);
		rc = voucher_set_bin(v, l, bin, n, e);
		free(bin);
		break;
	default:
		rc = voucher_set_string(v, l, json_string_value(j), e);
		break;
	}
	/* a bound the peer broke is malformed input, not our bug */
	return rc == BRSKI_EINVAL ? brski_recode(e, BRSKI_EPARSE) : rc;
}

static int
leaf_by_name(const char *name)
{
	int	l;

	for (l = 0; l < VL_COUNT; l++)
		if (strcmp(leaves[l].name, name) == 0)
			return l;
	return -1;
}

static enum brski_rc
container_from_json(struct voucher *v, json_t *c, struct brski_err *e)
{
	const char	*k;
	json_t		*j;
	int		 l;
	enum brski_rc	 rc;

	if (!json_is_object(c))
		return brski_fail(e, BRSKI_EPARSE, "%s is not an object",
		    voucher_wrapper_name(v->kind));
	json_object_foreach(c, k, j) {
		/* unknown leaves (and extensions) are ignored, 8366bis */
		if ((l = leaf_by_name(k)) < 0 ||
		    !voucher_leaf_allowed(v->kind, (enum voucher_leaf)l))
			continue;
		if ((rc = leaf_from_json(v, (enum voucher_leaf)l, j, e)) !=
		    BRSKI_OK)
			return rc;
	}
	return BRSKI_OK;
}

/*
 * Parse untrusted JSON of the expected kind.  On success *out is the
 * caller's (voucher_free()).  BRSKI_EPARSE names what was wrong;
 * BRSKI_ETOOBIG past VOUCHER_JSON_MAX.
 */
enum brski_rc
voucher_parse_json(const uint8_t *buf, size_t len, enum voucher_kind kind,
    struct voucher **out, struct brski_err *e)
{
	struct voucher	*v = NULL;
	json_t		*root = NULL;
	json_error_t	 jerr;
	const char	*wrapper = voucher_wrapper_name(kind);
	enum brski_rc	 rc;

	*out = NULL;
	if (len > VOUCHER_JSON_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "voucher: %zu bytes, limit "
		    "%d", len, VOUCHER_JSON_MAX);
	root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		return brski_fail(e, BRSKI_EPARSE, "voucher: bad JSON at line "
		    "%d: %s", jerr.line, jerr.text);
	if (!json_is_object(root) || json_object_size(root) != 1 ||
	    json_object_get(root, wrapper) == NULL) {
		rc = brski_fail(e, BRSKI_EPARSE, "voucher: the top level must be "
		    "one member \"%s\"", wrapper);
		goto out;
	}
	if ((v = voucher_new(kind)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = container_from_json(v, json_object_get(root, wrapper), e)) !=
	    BRSKI_OK || (rc = voucher_check(v, e)) != BRSKI_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	voucher_free(v);
	json_decref(root);
	return rc;
}

static json_t *
leaf_to_json(const struct voucher *v, enum voucher_leaf l)
{
	const struct voucher_bin	*b;
	char				 date[RFC3339_MAX], *s;
	json_t				*j;

	switch (leaves[l].type) {
	case VLT_ENUM:
		return json_string(voucher_assertion_name(v->assertion));
	case VLT_BOOL:
		return json_boolean(v->domain_cert_revocation_checks);
	case VLT_DATE:
		return json_string(rfc3339_format(*date_of((struct voucher *)v,
		    l), date, sizeof(date)));
	case VLT_STRING:
		return json_string(*str_of((struct voucher *)v, l));
	case VLT_BINARY:
		b = bin_of((struct voucher *)v, l);
		if (b64_encode(b->data, b->len, &s, NULL, NULL) != BRSKI_OK)
			return NULL;
		j = json_string(s);
		free(s);
		return j;
	}
	return NULL;
}

/*
 * Encode as JSON, leaves in table order (stable output).  *out is a
 * NUL-terminated string of *outlen bytes, the caller's.
 */
enum brski_rc
voucher_to_json(const struct voucher *v, char **out, size_t *outlen,
    struct brski_err *e)
{
	json_t		*root, *c;
	int		 l;
	enum brski_rc	 rc = BRSKI_OK;

	*out = NULL;
	if ((rc = voucher_check(v, e)) != BRSKI_OK)
		return rc;
	if ((root = json_object()) == NULL || (c = json_object()) == NULL ||
	    json_object_set_new(root, voucher_wrapper_name(v->kind), c) != 0) {
		json_decref(root);
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	}
	for (l = 0; l < VL_COUNT && rc == BRSKI_OK; l++)
		if (VOUCHER_HAS(v, l) &&
		    voucher_leaf_allowed(v->kind, (enum voucher_leaf)l) &&
		    json_object_set_new(c, leaves[l].name,
		    leaf_to_json(v, (enum voucher_leaf)l)) != 0)
			rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
	if (rc == BRSKI_OK &&
	    (*out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII)) == NULL)
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
	if (rc == BRSKI_OK)
		*outlen = strlen(*out);
	json_decref(root);
	return rc;
}
