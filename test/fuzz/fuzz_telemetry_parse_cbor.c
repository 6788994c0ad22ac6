/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * telemetry_parse_cbor() of untrusted cBRSKI status reports (/vs and
 * /es with content format 60).  An accepted report must encode with
 * telemetry_to_cbor() and parse back the same, and say the same in
 * JSON (the registrar stores and shows what a pledge said either way).
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "telemetry.h"

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_same(const struct telemetry *a, const struct telemetry *b)
{
	FUZZ_CHECK(b->version == a->version && b->status == a->status);
	FUZZ_CHECK(same_str(b->reason, a->reason));
	FUZZ_CHECK(b->context == NULL);	/* CBOR does not carry it */
	FUZZ_CHECK(b->unknown_fields == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct telemetry	 t, t2;
	uint8_t			*cbor = NULL;
	char			*json = NULL;
	size_t			 len;

	if (telemetry_parse_cbor(data, size, &t, &e) != BRSKI_OK) {
		FUZZ_CHECK(t.reason == NULL && t.context == NULL);
		return 0;
	}
	FUZZ_CHECK(t.version >= 0 && (t.status == 0 || t.status == 1));
	FUZZ_CHECK(t.context == NULL);
	FUZZ_CHECK(t.reason == NULL ||
	    strlen(t.reason) <= TELEMETRY_REASON_MAX);
	FUZZ_CHECK(telemetry_to_cbor(&t, &cbor, &len, &e) == BRSKI_OK);
	FUZZ_CHECK(len <= size);	/* unknown keys dropped, heads minimal */
	FUZZ_CHECK(telemetry_parse_cbor(cbor, len, &t2, &e) == BRSKI_OK);
	check_same(&t, &t2);
	telemetry_clear(&t2);
	FUZZ_CHECK(telemetry_to_json(&t, &json, &len, &e) == BRSKI_OK);
	/* escapes (\u0001 for one byte) may grow it past the limit */
	if (len <= TELEMETRY_MAX) {
		FUZZ_CHECK(telemetry_parse_json((const uint8_t *)json, len, &t2,
		    &e) == BRSKI_OK);
		check_same(&t, &t2);
		telemetry_clear(&t2);
	}
	free(json);
	free(cbor);
	telemetry_clear(&t);
	return 0;
}
