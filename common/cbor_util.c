/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libcbor helpers for untrusted input (see cbor_util.h).  libcbor parses;
 * these only add what its API leaves to the caller: trailing bytes,
 * indefinite strings, integer ranges, and a walk before cbor_load().
 *
 * Why the walk: libcbor 0.8's cbor_load() allocates an array's or map's
 * slots from the count it declares before reading any of them, so the
 * five bytes 9A 10 00 00 00 ask for 2 GB (and 9B ... fails as "out of
 * memory").  The walk (cbor_stream_decode, which allocates nothing)
 * refuses a count the remaining bytes cannot hold, indefinite lengths,
 * nesting deeper than CBOR_UTIL_DEPTH and more than CBOR_UTIL_ITEMS items.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cbor_util.h"

struct walk {
	uint64_t	due[CBOR_UTIL_DEPTH];	/* children still to come */
	int		depth;
	uint64_t	children;	/* of the item just read */
	int		container;
	int		bad;		/* indefinite length or break */
};

static void
w_array(void *c, size_t n)
{
	((struct walk *)c)->container = 1;
	((struct walk *)c)->children = n;
}

static void
w_map(void *c, size_t n)
{
	((struct walk *)c)->container = 1;
	((struct walk *)c)->children = n > SIZE_MAX / 2 ? UINT64_MAX :
	    (uint64_t)n * 2;
}

static void
w_tag(void *c, uint64_t v)
{
	(void)v;
	((struct walk *)c)->container = 1;
	((struct walk *)c)->children = 1;
}

static void
w_bad(void *c)
{
	((struct walk *)c)->bad = 1;
}

/* The first item of buf is well-formed, within the limits, and every
 * declared count fits the bytes left. */
static enum brski_rc
walk(const uint8_t *buf, size_t len, struct brski_err *e)
{
	struct cbor_callbacks	 cb = cbor_empty_callbacks;
	struct cbor_decoder_result r;
	struct walk		 w;
	size_t			 pos = 0, items = 0;

	cb.array_start = w_array;
	cb.map_start = w_map;
	cb.tag = w_tag;
	cb.indef_array_start = cb.indef_map_start = w_bad;
	cb.byte_string_start = cb.string_start = cb.indef_break = w_bad;
	memset(&w, 0, sizeof(w));
	w.due[0] = 1;
	w.depth = 1;
	while (w.depth > 0) {
		if (pos >= len)
			return brski_fail(e, BRSKI_EPARSE, "CBOR: truncated");
		w.container = 0;
		r = cbor_stream_decode(buf + pos, len - pos, &cb, &w);
		if (r.status != CBOR_DECODER_FINISHED)
			return brski_fail(e, BRSKI_EPARSE, "CBOR: malformed or "
			    "truncated at byte %zu", pos);
		if (w.bad)
			return brski_fail(e, BRSKI_EPARSE, "CBOR: indefinite "
			    "length at byte %zu", pos);
		pos += r.read;
		if (++items > CBOR_UTIL_ITEMS)
			return brski_fail(e, BRSKI_ETOOBIG, "CBOR: more than %d "
			    "items", CBOR_UTIL_ITEMS);
		w.due[w.depth - 1]--;
		if (w.container && w.children > 0) {
			if (w.children > len - pos)
				return brski_fail(e, BRSKI_EPARSE, "CBOR: an item "
				    "declares %llu entries, %zu bytes remain",
				    (unsigned long long)w.children, len - pos);
			if (w.depth == CBOR_UTIL_DEPTH)
				return brski_fail(e, BRSKI_ETOOBIG, "CBOR: nested "
				    "deeper than %d", CBOR_UTIL_DEPTH);
			w.due[w.depth++] = w.children;
		}
		while (w.depth > 0 && w.due[w.depth - 1] == 0)
			w.depth--;
	}
	return BRSKI_OK;
}

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
	enum brski_rc		 rc;

	*out = NULL;
	if (len == 0)
		return brski_fail(e, BRSKI_EPARSE, "CBOR: empty");
	if ((rc = walk(buf, len, e)) != BRSKI_OK)
		return rc;
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

/*
 * A CBOR true or false.  Not cbor_is_bool(): libcbor 0.8 asks for the
 * item's control value without checking that it is not a float, and
 * asserts, so 2.0 where a boolean goes aborted the process.
 */
int
cbor_util_bool(const cbor_item_t *it, int *v)
{
	if (it == NULL || !cbor_isa_float_ctrl(it) ||
	    !cbor_float_ctrl_is_ctrl(it) || (cbor_ctrl_value(it) !=
	    CBOR_CTRL_TRUE && cbor_ctrl_value(it) != CBOR_CTRL_FALSE))
		return 0;
	*v = cbor_ctrl_value(it) == CBOR_CTRL_TRUE;
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

/*
 * An integer with the shortest head (RFC 8949 4.2.1, preferred
 * serialization; RFC 9052 9 asks it of COSE).  libcbor writes an int
 * with the width it was built with: cbor_build_uint64(1) would be nine
 * bytes, and the constrained encodings exist to be small.
 */
cbor_item_t *
cbor_util_build_int(int64_t v)
{
	cbor_item_t	*it;
	uint64_t	 u = v >= 0 ? (uint64_t)v : (uint64_t)(-1 - v);

	if (u <= UINT8_MAX)
		it = cbor_build_uint8((uint8_t)u);
	else if (u <= UINT16_MAX)
		it = cbor_build_uint16((uint16_t)u);
	else if (u <= UINT32_MAX)
		it = cbor_build_uint32((uint32_t)u);
	else
		it = cbor_build_uint64(u);
	if (it != NULL && v < 0)
		cbor_mark_negint(it);
	return it;
}
