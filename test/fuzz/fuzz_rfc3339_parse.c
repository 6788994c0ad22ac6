/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rfc3339_parse() of untrusted text (voucher dates).  A date we accept
 * must format and parse back to the same instant: otherwise a voucher
 * we took in could not be written out again.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "rfc3339.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	e;
	char			text[RFC3339_MAX + 1];
	time_t			t, again;

	if (rfc3339_parse((const char *)data, size, &t, &e) != BRSKI_OK)
		return 0;
	FUZZ_CHECK(size <= RFC3339_MAX);
	rfc3339_format(t, text, sizeof(text));
	FUZZ_CHECK(strlen(text) == 20);
	FUZZ_CHECK(rfc3339_parse(text, strlen(text), &again, &e) == BRSKI_OK);
	FUZZ_CHECK(again == t);
	return 0;
}
