/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cbor_util_load(), the strict front of every CBOR decoder (vouchers,
 * COSE, telemetry): the pre-walk must keep libcbor from allocating for
 * counts the input cannot hold, so loading never fails for want of
 * memory; what it accepts stays within CBOR_UTIL_DEPTH and
 * CBOR_UTIL_ITEMS, has only definite lengths, and serialises back no
 * longer than it came (minimal heads) to bytes that load to the same.
 * The cbor_util_* accessors are tried on every item.
 */
#include "config.h"

#include <string.h>

#include "cbor_util.h"
#include "fuzz.h"

struct count {
	size_t	items;
	int	max_depth;
};

/* Walk the loaded tree: limits hold, the accessors agree with libcbor. */
static void
visit(const cbor_item_t *it, int depth, struct count *c)
{
	const uint8_t	*p;
	const char	*s;
	cbor_item_t	*in, **a;
	struct cbor_pair *pr;
	size_t		 i, n;
	int64_t		 v;

	c->items++;
	if (depth > c->max_depth)
		c->max_depth = depth;
	FUZZ_CHECK(depth <= CBOR_UTIL_DEPTH);
	if (cbor_util_int(it, &v))
		FUZZ_CHECK(cbor_isa_uint(it) ? v >= 0 : v < 0);
	FUZZ_CHECK(cbor_util_bytes(it, &p, &n) == cbor_isa_bytestring(it));
	FUZZ_CHECK(cbor_util_text(it, &s, &n) == cbor_isa_string(it));
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_ARRAY:
		FUZZ_CHECK(cbor_array_is_definite(it));
		a = cbor_array_handle(it);
		n = cbor_array_size(it);
		for (i = 0; i < n; i++)
			visit(a[i], depth + 1, c);
		break;
	case CBOR_TYPE_MAP:
		FUZZ_CHECK(cbor_map_is_definite(it));
		pr = cbor_map_handle(it);
		n = cbor_map_size(it);
		for (i = 0; i < n; i++) {
			visit(pr[i].key, depth + 1, c);
			visit(pr[i].value, depth + 1, c);
		}
		break;
	case CBOR_TYPE_TAG:
		in = cbor_tag_item(it);
		visit(in, depth + 1, c);
		cbor_decref(&in);
		break;
	case CBOR_TYPE_BYTESTRING:
		FUZZ_CHECK(cbor_bytestring_is_definite(it));
		break;
	case CBOR_TYPE_STRING:
		FUZZ_CHECK(cbor_string_is_definite(it));
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct count		 c = { 0, 0 };
	cbor_item_t		*it = NULL, *it2 = NULL;
	uint8_t			*ser, *ser2;
	size_t			 len, len2;
	enum brski_rc		 rc;

	rc = cbor_util_load(data, size, &it, &e);
	FUZZ_CHECK(rc != BRSKI_ENOMEM);
	if (rc != BRSKI_OK) {
		FUZZ_CHECK(it == NULL);
		return 0;
	}
	visit(it, 1, &c);
	FUZZ_CHECK(c.items <= CBOR_UTIL_ITEMS);
	if ((ser = cbor_util_serialize(it, &len)) != NULL) {
		FUZZ_CHECK(len <= size);
		/* libcbor 0.8 writes tags 6..20 with a one-byte head that it
		 * refuses to read: such an item may not load back */
		if (cbor_util_load(ser, len, &it2, &e) == BRSKI_OK) {
			FUZZ_CHECK((ser2 = cbor_util_serialize(it2, &len2)) !=
			    NULL);
			FUZZ_CHECK(len2 == len && memcmp(ser, ser2, len) == 0);
			free(ser2);
			cbor_decref(&it2);
		}
		free(ser);
	}
	cbor_decref(&it);
	return 0;
}
