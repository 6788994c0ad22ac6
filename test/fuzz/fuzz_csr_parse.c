/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * csr_parse() of untrusted PKCS#10 requests (EST simpleenroll,
 * RFC 7030 4.2): structure and self-signature.
 */
#include "config.h"

#include <string.h>

#include "csr.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct csr		*c;

	if (csr_parse(data, size, &c, &e) != BRSKI_OK) {
		FUZZ_CHECK(c == NULL);
		return 0;
	}
	FUZZ_CHECK(c->der_len == size && memcmp(c->der, data, size) == 0);
	FUZZ_CHECK(c->spki != NULL && c->spki_len > 0);
	FUZZ_CHECK(strlen(c->subject) < sizeof(c->subject));
	csr_free(c);
	return 0;
}
