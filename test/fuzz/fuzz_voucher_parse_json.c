/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * voucher_parse_json() of untrusted vouchers and voucher-requests
 * (both kinds for every input).  What we accept must pass
 * voucher_check(), encode with voucher_to_json(), and parse back to a
 * voucher that encodes to the very same text.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "voucher.h"

static void
check_round_trip(const struct voucher *v, enum voucher_kind kind)
{
	struct brski_err	 e;
	struct voucher		*v2 = NULL;
	char			*json = NULL, *json2 = NULL;
	size_t			 len, len2;

	FUZZ_CHECK(voucher_check(v, &e) == BRSKI_OK);
	FUZZ_CHECK(voucher_to_json(v, &json, &len, &e) == BRSKI_OK);
	/* escapes and base64 padding may grow it past the input limit */
	if (len <= VOUCHER_JSON_MAX) {
		FUZZ_CHECK(voucher_parse_json((const uint8_t *)json, len, kind,
		    &v2, &e) == BRSKI_OK);
		FUZZ_CHECK(v2->present == v->present);
		FUZZ_CHECK(voucher_to_json(v2, &json2, &len2, &e) == BRSKI_OK);
		FUZZ_CHECK(len2 == len && memcmp(json, json2, len) == 0);
	}
	free(json);
	free(json2);
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
		if (voucher_parse_json(data, size, kinds[i], &v, &e) !=
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
