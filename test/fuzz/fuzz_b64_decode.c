/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * b64_decode() with every flag combination.  What decodes must encode
 * back to text that decodes strictly (no flags) to the same bytes; and
 * without flags only the canonical text decodes, so it must be exactly
 * the input.
 */
#include "config.h"

#include <string.h>

#include "b64.h"
#include "fuzz.h"

static void
check_round_trip(const uint8_t *bin, size_t len, const uint8_t *orig,
    size_t olen)
{
	struct brski_err	 e;
	char			*text = NULL;
	uint8_t			*again = NULL;
	size_t			 tlen = 0, alen = 0;

	FUZZ_CHECK(b64_encode(bin, len, &text, &tlen, &e) == BRSKI_OK);
	FUZZ_CHECK(tlen == (len + 2) / 3 * 4 && strlen(text) == tlen);
	if (orig != NULL)
		FUZZ_CHECK(olen == tlen && memcmp(orig, text, tlen) == 0);
	FUZZ_CHECK(b64_decode(text, tlen, 0, &again, &alen, &e) == BRSKI_OK);
	FUZZ_CHECK(alen == len && memcmp(again, bin, len) == 0);
	free(text);
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 flags[] = { 0, B64_WS, B64_URL,
	    B64_WS | B64_URL };
	struct brski_err	 e;
	uint8_t			*out;
	size_t			 outlen, i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (b64_decode((const char *)data, size, flags[i], &out,
		    &outlen, &e) != BRSKI_OK) {
			FUZZ_CHECK(out == NULL);
			continue;
		}
		FUZZ_CHECK(out != NULL && outlen <= size / 4 * 3 + 3);
		check_round_trip(out, outlen, flags[i] == 0 ? data : NULL,
		    size);
		free(out);
	}
	return 0;
}
