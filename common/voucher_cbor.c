/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Voucher CBOR codec (see voucher_cbor.h), driven by the same leaf table
 * as the JSON codec.  Encoding: delta keys in ascending order, assertion
 * as an integer, dates as RFC 3339 text, binaries as byte strings.
 * Decoding (strict): one top-level map whose only key is the expected
 * container SID; inner keys as deltas, as absolute SIDs in tag 47, or
 * (seen in RVR examples) as leaf names; a leaf given twice in any form is
 * refused; a known leaf of the wrong major type is refused; unknown SIDs
 * are ignored (RFC 8366bis).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cbor_util.h"
#include "rfc3339.h"
#include "voucher_cbor.h"

#define SID_TAG 47	/* RFC 9254 3.2: an absolute SID where a delta goes */

static int64_t
base(enum voucher_kind k)
{
	return k == VOUCHER_KIND_VOUCHER ? VOUCHER_SID_VOUCHER :
	    VOUCHER_SID_REQUEST;
}

static int
delta_of(enum voucher_kind k, enum voucher_leaf l)
{
	const struct voucher_leaf_info	*li = voucher_leaf_info(l);

	return k == VOUCHER_KIND_VOUCHER ? li->sid_voucher : li->sid_request;
}

static cbor_item_t *
leaf_item(const struct voucher *v, enum voucher_leaf l)
{
	const struct voucher_leaf_info	*li = voucher_leaf_info(l);
	const struct voucher_bin	*b;
	char				 date[RFC3339_MAX];
	time_t				 t = 0;

	switch (li->type) {
	case VLT_ENUM:
		return cbor_build_uint8((uint8_t)v->assertion);
	case VLT_BOOL:
		return cbor_build_bool(v->domain_cert_revocation_checks != 0);
	case VLT_DATE:
		t = l == VL_CREATED_ON ? v->created_on : l == VL_EXPIRES_ON ?
		    v->expires_on : v->last_renewal_date;
		return cbor_build_string(rfc3339_format(t, date, sizeof(date)));
	case VLT_STRING:
		return cbor_build_string(l == VL_SERIAL_NUMBER ?
		    v->serial_number : l == VL_EST_DOMAIN ? v->est_domain :
		    v->additional_configuration_url);
	case VLT_BINARY:
		b = voucher_get_bin(v, l);
		return cbor_build_bytestring(b->data, b->len);
	}
	return NULL;
}

/*
 * Encode as {container: {delta: value}}, deltas ascending.  *out is the
 * caller's.
 */
enum brski_rc
voucher_to_cbor(const struct voucher *v, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	cbor_item_t	*root = NULL, *c = NULL, *val;
	int		 l, d, n = 0, ok = 1;
	enum brski_rc	 rc;

	*out = NULL;
	if ((rc = voucher_check(v, e)) != BRSKI_OK)
		return rc;
	for (l = 0; l < VL_COUNT; l++)
		n += VOUCHER_HAS(v, l) && voucher_leaf_allowed(v->kind, l);
	if ((root = cbor_new_definite_map(1)) == NULL ||
	    (c = cbor_new_definite_map((size_t)n)) == NULL)
		goto fail;
	/* ascending deltas: walk them, not the table order */
	for (d = 1; d <= VL_COUNT + 8 && ok; d++)
		for (l = 0; l < VL_COUNT && ok; l++) {
			if (delta_of(v->kind, l) != d || !VOUCHER_HAS(v, l) ||
			    !voucher_leaf_allowed(v->kind, l))
				continue;
			ok = (val = leaf_item(v, l)) != NULL &&
			    cbor_map_add(c, (struct cbor_pair){
			    cbor_move(cbor_util_build_int(d)),
			    cbor_move(val) });
		}
	if (!ok || !cbor_map_add(root, (struct cbor_pair){
	    cbor_move(cbor_util_build_int(base(v->kind))), c }))
		goto fail;
	cbor_decref(&c);
	if ((*out = cbor_util_serialize(root, outlen)) == NULL)
		goto fail;
	cbor_decref(&root);
	return BRSKI_OK;
fail:
	if (c != NULL)
		cbor_decref(&c);
	if (root != NULL)
		cbor_decref(&root);
	return brski_fail(e, BRSKI_ENOMEM, "voucher CBOR: out of memory");
}

/* Which leaf a key names: delta, tag 47 absolute SID, or a name. */
static int
leaf_of_key(enum voucher_kind k, const cbor_item_t *key)
{
	const char	*s;
	size_t		 len;
	int64_t		 d;
	cbor_item_t	*in;
	int		 l, ok;

	if (cbor_isa_tag(key)) {
		if (cbor_tag_value(key) != SID_TAG)
			return -2;
		in = cbor_tag_item(key);
		ok = cbor_util_int(in, &d);
		cbor_decref(&in);
		if (!ok)
			return -2;
		d -= base(k);
	} else if (cbor_util_text(key, &s, &len)) {
		for (l = 0; l < VL_COUNT; l++)
			if (strlen(voucher_leaf_info(l)->name) == len &&
			    memcmp(voucher_leaf_info(l)->name, s, len) == 0)
				return l;
		return -1;
	} else if (!cbor_util_int(key, &d))
		return -2;
	for (l = 0; l < VL_COUNT; l++)
		if (d > 0 && delta_of(k, l) == d)
			return l;
	return -1;
}

static enum brski_rc
leaf_from(struct voucher *v, enum voucher_leaf l, const cbor_item_t *it,
    struct brski_err *e)
{
	const struct voucher_leaf_info	*li = voucher_leaf_info(l);
	const uint8_t			*p;
	const char			*s;
	char				*str;
	size_t				 len;
	int64_t				 n;
	time_t				 t;
	int				 b;
	enum brski_rc			 rc;

	switch (li->type) {
	case VLT_ENUM:
		if (!cbor_util_int(it, &n) || n < 0 || n > 3)
			return brski_fail(e, BRSKI_EPARSE, "assertion is not "
			    "0..3");
		voucher_set_assertion(v, (enum voucher_assertion)n);
		return BRSKI_OK;
	case VLT_BOOL:
		if (!cbor_util_bool(it, &b))
			return brski_fail(e, BRSKI_EPARSE, "%s is not a boolean",
			    li->name);
		return voucher_set_bool(v, l, b, e);
	case VLT_BINARY:
		if (!cbor_util_bytes(it, &p, &len))
			return brski_fail(e, BRSKI_EPARSE, "%s is not a byte "
			    "string", li->name);
		rc = voucher_set_bin(v, l, p, len, e);
		break;
	default:
		if (!cbor_util_text(it, &s, &len) || memchr(s, 0, len) != NULL)
			return brski_fail(e, BRSKI_EPARSE, "%s is not a text "
			    "string", li->name);
		if (li->type == VLT_DATE) {
			if ((rc = rfc3339_parse(s, len, &t, e)) != BRSKI_OK)
				return brski_prefix(e, "%s: ", li->name);
			return voucher_set_date(v, l, t, e);
		}
		if ((str = strndup(s, len)) == NULL)
			return brski_fail(e, BRSKI_ENOMEM, "out of memory");
		rc = voucher_set_string(v, l, str, e);
		free(str);
		break;
	}
	/* a bound the peer broke is malformed input, not our bug */
	return rc == BRSKI_EINVAL ? brski_recode(e, BRSKI_EPARSE) : rc;
}

static enum brski_rc
container(struct voucher *v, const cbor_item_t *c, struct brski_err *e)
{
	struct cbor_pair	*pr;
	uint32_t		 seen = 0;
	size_t			 i, n;
	int			 l;
	enum brski_rc		 rc;

	if (!cbor_isa_map(c) || !cbor_map_is_definite(c))
		return brski_fail(e, BRSKI_EPARSE, "voucher CBOR: the container "
		    "is not a definite map");
	if ((n = cbor_map_size(c)) > VOUCHER_CBOR_LEAVES)
		return brski_fail(e, BRSKI_ETOOBIG, "voucher CBOR: %zu members",
		    n);
	pr = cbor_map_handle(c);
	for (i = 0; i < n; i++) {
		if ((l = leaf_of_key(v->kind, pr[i].key)) == -2)
			return brski_fail(e, BRSKI_EPARSE, "voucher CBOR: key %zu "
			    "is not a SID delta, tag 47 or name", i);
		if (l < 0 || !voucher_leaf_allowed(v->kind, l))
			continue;	/* unknown: ignored */
		if (seen & (1u << l))
			return brski_fail(e, BRSKI_EPARSE, "voucher CBOR: %s "
			    "given twice", voucher_leaf_info(l)->name);
		seen |= 1u << l;
		if ((rc = leaf_from(v, l, pr[i].value, e)) != BRSKI_OK)
			return brski_prefix(e, "voucher CBOR: ");
	}
	return BRSKI_OK;
}

/*
 * Parse untrusted CBOR of the expected kind.  On success *out is the
 * caller's (voucher_free()).
 */
enum brski_rc
voucher_parse_cbor(const uint8_t *buf, size_t len, enum voucher_kind kind,
    struct voucher **out, struct brski_err *e)
{
	struct voucher		*v = NULL;
	cbor_item_t		*root = NULL;
	struct cbor_pair	*pr;
	int64_t			 sid;
	enum brski_rc		 rc;

	*out = NULL;
	if (len > VOUCHER_CBOR_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "voucher CBOR: %zu bytes, "
		    "limit %d", len, VOUCHER_CBOR_MAX);
	if ((rc = cbor_util_load(buf, len, &root, e)) != BRSKI_OK)
		return brski_prefix(e, "voucher ");
	if (!cbor_isa_map(root) || !cbor_map_is_definite(root) ||
	    cbor_map_size(root) != 1 ||
	    !cbor_util_int((pr = cbor_map_handle(root))[0].key, &sid) ||
	    sid != base(kind)) {
		rc = brski_fail(e, BRSKI_EPARSE, "voucher CBOR: the top level "
		    "must be one map with the key %lld (%s)",
		    (long long)base(kind), voucher_wrapper_name(kind));
		goto out;
	}
	if ((v = voucher_new(kind)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = container(v, pr[0].value, e)) != BRSKI_OK ||
	    (rc = voucher_check(v, e)) != BRSKI_OK)
		goto out;
	*out = v;
	v = NULL;
out:
	voucher_free(v);
	cbor_decref(&root);
	return rc;
}
