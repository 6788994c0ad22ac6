/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * telemetry_parse_json() of untrusted status reports (RFC 8995 5.7,
 * 5.9.4).  An accepted report must serialise and parse back the same.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct telemetry	 t, t2;
	char			*json = NULL;
	size_t			 len;

	if (telemetry_parse_json(data, size, &t, &e) != BRSKI_OK) {
		FUZZ_CHECK(t.reason == NULL && t.context == NULL);
		return 0;
	}
	FUZZ_CHECK(t.version >= 0 && (t.status == 0 || t.status == 1));
	FUZZ_CHECK(t.reason == NULL ||
	    strlen(t.reason) <= TELEMETRY_REASON_MAX);
	FUZZ_CHECK(telemetry_to_json(&t, &json, &len, &e) == BRSKI_OK);
	if (len <= TELEMETRY_MAX) {
		FUZZ_CHECK(telemetry_parse_json((const uint8_t *)json, len, &t2,
		    &e) == BRSKI_OK);
		FUZZ_CHECK(t2.version == t.version && t2.status == t.status);
		FUZZ_CHECK(same_str(t2.reason, t.reason));
		FUZZ_CHECK(same_str(t2.context, t.context));
		FUZZ_CHECK(t2.unknown_fields == 0);
		telemetry_clear(&t2);
	}
	free(json);
	telemetry_clear(&t);
	return 0;
}
