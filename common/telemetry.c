/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Status telemetry, JSON (HTTPS) and CBOR (CoAPS, same text keys).  RFC 8995 5.7: version and status MUST be
 * present, keys are lowercase and case-sensitive, unknown fields are
 * logged and otherwise ignored.  Duplicate keys are refused (as in all
 * our JSON).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cbor.h>
#include <jansson.h>

#include "cbor_util.h"
#include "telemetry.h"

/* Serialise t; *out (NUL-terminated JSON) is the caller's. */
enum brski_rc
telemetry_to_json(const struct telemetry *t, char **out, size_t *outlen,
    struct brski_err *e)
{
	json_t		*o, *ctx = NULL;
	json_error_t	 jerr;
	int		 bad = 0;

	*out = NULL;
	if ((o = json_pack("{s:I, s:b}", "version", (json_int_t)t->version,
	    "status", t->status)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "telemetry: out of memory");
	if (t->reason != NULL)
		bad |= json_object_set_new(o, "reason", json_string(t->reason));
	if (t->context != NULL) {
		ctx = json_loads(t->context, JSON_REJECT_DUPLICATES, &jerr);
		if (ctx == NULL || !json_is_object(ctx)) {
			json_decref(ctx);
			json_decref(o);
			return brski_fail(e, BRSKI_EINVAL, "telemetry: "
			    "reason-context is not a JSON object");
		}
		bad |= json_object_set_new(o, "reason-context", ctx);
	}
	if (bad || (*out = json_dumps(o, JSON_COMPACT)) == NULL) {
		json_decref(o);
		return brski_fail(e, BRSKI_ENOMEM, "telemetry: out of memory");
	}
	*outlen = strlen(*out);
	json_decref(o);
	return BRSKI_OK;
}

static enum brski_rc
take_fields(json_t *o, struct telemetry *t, struct brski_err *e)
{
	const char	*k;
	json_t		*v;

	json_object_foreach(o, k, v) {
		if (strcmp(k, "version") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				return brski_fail(e, BRSKI_EPARSE, "telemetry: "
				    "version is not an unsigned integer");
			t->version = (long)json_integer_value(v);
		} else if (strcmp(k, "status") == 0) {
			if (!json_is_boolean(v))
				return brski_fail(e, BRSKI_EPARSE, "telemetry: "
				    "status is not a boolean");
			t->status = json_is_true(v);
		} else if (strcmp(k, "reason") == 0) {
			if (!json_is_string(v) || json_string_length(v) >
			    TELEMETRY_REASON_MAX)
				return brski_fail(e, BRSKI_EPARSE, "telemetry: "
				    "reason is not a string of at most %d bytes",
				    TELEMETRY_REASON_MAX);
			if ((t->reason = strdup(json_string_value(v))) == NULL)
				return brski_fail(e, BRSKI_ENOMEM, "out of memory");
		} else if (strcmp(k, "reason-context") == 0) {
			if (!json_is_object(v))
				return brski_fail(e, BRSKI_EPARSE, "telemetry: "
				    "reason-context is not an object");
			if ((t->context = json_dumps(v, JSON_COMPACT)) == NULL)
				return brski_fail(e, BRSKI_ENOMEM, "out of memory");
		} else
			t->unknown_fields++;
	}
	return BRSKI_OK;
}

/*
 * Parse an untrusted status report.  BRSKI_EPARSE when it is not one
 * JSON object with an unsigned "version" and a boolean "status", or a
 * known field has the wrong type.  t is the caller's (telemetry_clear()).
 */
enum brski_rc
telemetry_parse_json(const uint8_t *buf, size_t len, struct telemetry *t,
    struct brski_err *e)
{
	json_t		*o;
	json_error_t	 jerr;
	enum brski_rc	 rc;

	memset(t, 0, sizeof(*t));
	t->version = -1;
	t->status = -1;
	if (len > TELEMETRY_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "telemetry: %zu bytes, limit "
		    "%d", len, TELEMETRY_MAX);
	if ((o = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES,
	    &jerr)) == NULL)
		return brski_fail(e, BRSKI_EPARSE, "telemetry: bad JSON at "
		    "line %d: %s", jerr.line, jerr.text);
	if (!json_is_object(o))
		rc = brski_fail(e, BRSKI_EPARSE, "telemetry: not a JSON object");
	else if ((rc = take_fields(o, t, e)) == BRSKI_OK &&
	    (t->version < 0 || t->status < 0))
		rc = brski_fail(e, BRSKI_EPARSE, "telemetry: version and status "
		    "are required");
	json_decref(o);
	if (rc != BRSKI_OK)
		telemetry_clear(t);
	return rc;
}

void
telemetry_clear(struct telemetry *t)
{
	free(t->reason);
	free(t->context);
	t->reason = t->context = NULL;
}

/*
 * CBOR form (cBRSKI /vs and /es, content format 60): the same map with
 * the same text keys; reason-context is not carried.
 */
enum brski_rc
telemetry_to_cbor(const struct telemetry *t, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	cbor_item_t	*m;
	int		 ok;

	*out = NULL;
	if ((m = cbor_new_definite_map(t->reason ? 3 : 2)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "telemetry: out of memory");
	ok = cbor_map_add(m, (struct cbor_pair){
	    cbor_move(cbor_build_string("version")),
	    cbor_move(cbor_util_build_int(t->version)) }) &&
	    cbor_map_add(m, (struct cbor_pair){
	    cbor_move(cbor_build_string("status")),
	    cbor_move(cbor_build_bool(t->status != 0)) }) &&
	    (t->reason == NULL || cbor_map_add(m, (struct cbor_pair){
	    cbor_move(cbor_build_string("reason")),
	    cbor_move(cbor_build_string(t->reason)) }));
	if (ok)
		*out = cbor_util_serialize(m, outlen);
	cbor_decref(&m);
	return *out != NULL ? BRSKI_OK : brski_fail(e, BRSKI_ENOMEM,
	    "telemetry: out of memory");
}

static enum brski_rc
cbor_field(struct telemetry *t, const struct cbor_pair *p, struct brski_err *e)
{
	const char	*k, *s;
	size_t		 klen, slen;
	int64_t		 v;

	if (!cbor_util_text(p->key, &k, &klen))
		return brski_fail(e, BRSKI_EPARSE, "telemetry: a key is not text");
	if (klen == 7 && memcmp(k, "version", 7) == 0) {
		if (!cbor_util_int(p->value, &v) || v < 0)
			return brski_fail(e, BRSKI_EPARSE, "telemetry: version is "
			    "not an unsigned integer");
		t->version = (long)v;
	} else if (klen == 6 && memcmp(k, "status", 6) == 0) {
		if (!cbor_util_bool(p->value, &t->status))
			return brski_fail(e, BRSKI_EPARSE, "telemetry: status is "
			    "not a boolean");
	} else if (klen == 6 && memcmp(k, "reason", 6) == 0) {
		if (!cbor_util_text(p->value, &s, &slen) ||
		    slen > TELEMETRY_REASON_MAX || memchr(s, 0, slen) != NULL)
			return brski_fail(e, BRSKI_EPARSE, "telemetry: reason is "
			    "not a short text");
		if ((t->reason = strndup(s, slen)) == NULL)
			return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	} else
		t->unknown_fields++;
	return BRSKI_OK;
}

/* Parse an untrusted CBOR status report (see telemetry_parse_json()). */
enum brski_rc
telemetry_parse_cbor(const uint8_t *buf, size_t len, struct telemetry *t,
    struct brski_err *e)
{
	cbor_item_t		*m = NULL;
	struct cbor_pair	*p;
	size_t			 i, j, n;
	enum brski_rc		 rc;

	memset(t, 0, sizeof(*t));
	t->version = -1;
	t->status = -1;
	if (len > TELEMETRY_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "telemetry: %zu bytes, limit "
		    "%d", len, TELEMETRY_MAX);
	if ((rc = cbor_util_load(buf, len, &m, e)) != BRSKI_OK)
		return brski_prefix(e, "telemetry: ");
	if (!cbor_isa_map(m) || !cbor_map_is_definite(m) ||
	    (n = cbor_map_size(m)) > 32) {
		rc = brski_fail(e, BRSKI_EPARSE, "telemetry: not a small map");
		goto out;
	}
	p = cbor_map_handle(m);
	for (i = 0; i < n && rc == BRSKI_OK; i++) {
		/* duplicate keys are refused, as in our JSON */
		for (j = 0; j < i; j++)
			if (cbor_isa_string(p[i].key) && cbor_isa_string(p[j].key) &&
			    cbor_string_length(p[i].key) ==
			    cbor_string_length(p[j].key) &&
			    memcmp(cbor_string_handle(p[i].key),
			    cbor_string_handle(p[j].key),
			    cbor_string_length(p[i].key)) == 0)
				rc = brski_fail(e, BRSKI_EPARSE, "telemetry: a key "
				    "given twice");
		if (rc == BRSKI_OK)
			rc = cbor_field(t, &p[i], e);
	}
	if (rc == BRSKI_OK && (t->version < 0 || t->status < 0))
		rc = brski_fail(e, BRSKI_EPARSE, "telemetry: version and status "
		    "are required");
out:
	cbor_decref(&m);
	if (rc != BRSKI_OK)
		telemetry_clear(t);
	return rc;
}
