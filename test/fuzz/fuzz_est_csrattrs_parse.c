/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * est_csrattrs_parse() of the CsrAttrs a registrar sends (RFC 7030
 * 4.5.2).  What it reads must survive est_csrattrs_build() and a
 * second parse unchanged.
 */
#include "config.h"

#include <string.h>

#include "est.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct est_csrattrs	 a, a2;
	uint8_t			*der = NULL;
	size_t			 len;

	if (est_csrattrs_parse(data, size, &a, &e) != BRSKI_OK)
		return 0;
	FUZZ_CHECK(a.challenge_password == 0 || a.challenge_password == 1);
	FUZZ_CHECK(est_csrattrs_build(&a, &der, &len, &e) == BRSKI_OK);
	FUZZ_CHECK(est_csrattrs_parse(der, len, &a2, &e) == BRSKI_OK);
	FUZZ_CHECK(a2.challenge_password == a.challenge_password);
	FUZZ_CHECK(a2.key_type == a.key_type);
	free(der);
	return 0;
}
