/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libcbor helpers for untrusted input (see cbor_util.h).  libcbor parses;
 * these only add what its API leaves to the caller: trailing bytes,
 * indefinite strings, integer ranges.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cbor_util.h"

/*
 * Decode exactly one CBOR item spanning buf.  The caller frees *out with
 * cbor_decref().  BRSKI_EPARSE for malformed or trailing data.
 */
enum brski_rc
cbor_util_load(const uint8_t *buf, size_t len, cbor_item_t **out,
    struct brski_err *e)
{
	struct cbor_load_result	 r;
	cbor_item_t		*it;

	*out = NULL;
	if (len == 0)
		return brski_fail(e, BRSKI_EPARSE, "CBOR: empty");
	memset(&r, 0, sizeof(r));
	if ((it = cbor_load(buf, len, &r)) == NULL)
		return brski_fail(e, r.error.code == CBOR_ERR_MEMERROR ?
		    BRSKI_ENOMEM : BRSKI_EPARSE, "CBOR: malformed at byte %zu "
		    "(libcbor error %d)", r.error.position, (int)r.error.code);
	if (r.read != len) {
		cbor_decref(&it);
		return brski_fail(e, BRSKI_EPARSE, "CBOR: %zu bytes after the "
		    "item", len - r.read);
	}
	*out = it;
	return BRSKI_OK;
}

/* A CBOR integer (major type 0 or 1) that fits in int64_t. */
int
cbor_util_int(const cbor_item_t *it, int64_t *v)
{
	uint64_t	u;

	if (it == NULL || (!cbor_isa_uint(it) && !cbor_isa_negint(it)))
		return 0;
	u = cbor_get_int(it);
	if (u > INT64_MAX)
		return 0;
	*v = cbor_isa_uint(it) ? (int64_t)u : -1 - (int64_t)u;
	return 1;
}

/* A definite byte string (a view into the item). */
int
cbor_util_bytes(const cbor_item_t *it, const uint8_t **p, size_t *len)
{
	if (it == NULL || !cbor_isa_bytestring(it) ||
	    !cbor_bytestring_is_definite(it))
		return 0;
	*p = cbor_bytestring_handle(it);
	*len = cbor_bytestring_length(it);
	return 1;
}

/* A definite text string (not NUL-terminated; a view). */
int
cbor_util_text(const cbor_item_t *it, const char **p, size_t *len)
{
	if (it == NULL || !cbor_isa_string(it) || !cbor_string_is_definite(it))
		return 0;
	*p = (const char *)cbor_string_handle(it);
	*len = cbor_string_length(it);
	return 1;
}

/* Serialize; NULL on failure.  The caller frees the result. */
uint8_t *
cbor_util_serialize(const cbor_item_t *it, size_t *len)
{
	uint8_t	*out = NULL;
	size_t	 cap = 0;

	*len = cbor_serialize_alloc(it, &out, &cap);
	if (*len == 0) {
		free(out);
		return NULL;
	}
	return out;
}
