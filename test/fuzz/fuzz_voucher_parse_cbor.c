/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * voucher_parse_cbor() of untrusted constrained vouchers and
 * voucher-requests (both kinds for every input).  What we accept must
 * pass voucher_check(), encode with voucher_to_cbor(), and parse back
 * to a voucher that encodes to the very same bytes; and the same
 * voucher must survive a trip through the JSON codec unchanged (the
 * registrar and MASA translate between the two).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "voucher.h"
#include "voucher_cbor.h"

/* v -> JSON -> voucher -> CBOR gives cbor back */
static void
check_via_json(const struct voucher *v, const uint8_t *cbor, size_t len)
{
	struct brski_err	 e;
	struct voucher		*v2 = NULL;
	char			*json = NULL;
	uint8_t			*cbor2 = NULL;
	size_t			 jlen, len2;

	FUZZ_CHECK(voucher_to_json(v, &json, &jlen, &e) == BRSKI_OK);
	/* base64 makes binaries a third longer than in CBOR */
	if (jlen <= VOUCHER_JSON_MAX) {
		FUZZ_CHECK(voucher_parse_json((const uint8_t *)json, jlen,
		    v->kind, &v2, &e) == BRSKI_OK);
		FUZZ_CHECK(v2->present == v->present);
		FUZZ_CHECK(voucher_to_cbor(v2, &cbor2, &len2, &e) == BRSKI_OK);
		FUZZ_CHECK(len2 == len && memcmp(cbor, cbor2, len) == 0);
	}
	free(json);
	free(cbor2);
	voucher_free(v2);
}

static void
check_round_trip(const struct voucher *v, enum voucher_kind kind)
{
	struct brski_err	 e;
	struct voucher		*v2 = NULL;
	uint8_t			*cbor = NULL, *cbor2 = NULL;
	size_t			 len, len2;

	FUZZ_CHECK(voucher_check(v, &e) == BRSKI_OK);
	FUZZ_CHECK(voucher_to_cbor(v, &cbor, &len, &e) == BRSKI_OK);
	/* deltas and integer assertions make it no longer than the input,
	 * except for absurdly long dates written back in canonical form */
	if (len <= VOUCHER_CBOR_MAX) {
		FUZZ_CHECK(voucher_parse_cbor(cbor, len, kind, &v2, &e) ==
		    BRSKI_OK);
		FUZZ_CHECK(v2->present == v->present);
		FUZZ_CHECK(voucher_to_cbor(v2, &cbor2, &len2, &e) == BRSKI_OK);
		FUZZ_CHECK(len2 == len && memcmp(cbor, cbor2, len) == 0);
		check_via_json(v2, cbor, len);
	}
	free(cbor);
	free(cbor2);
	voucher_free(v2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum voucher_kind kinds[] = { VOUCHER_KIND_VOUCHER,
	    VOUCHER_KIND_REQUEST };
	struct brski_err	 e;
	struct voucher		*v;
	size_t			 i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (voucher_parse_cbor(data, size, kinds[i], &v, &e) !=
		    BRSKI_OK) {
			FUZZ_CHECK(v == NULL);
			continue;
		}
		FUZZ_CHECK(v->kind == kinds[i]);
		check_round_trip(v, kinds[i]);
		voucher_free(v);
	}
	return 0;
}
