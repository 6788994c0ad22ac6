/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * key_parse() of private key files (PEM or DER, SEC 1 or PKCS#8): not
 * peer data, but a file an operator or a tool wrote, which must give
 * an error, never a crash.  A key read must write out (key_to_der())
 * and read back with the same public key.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "key.h"
#include "secret.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct brski_key	*k, *k2 = NULL;
	uint8_t			*der = NULL, *spki = NULL, *spki2 = NULL;
	size_t			 dlen = 0, slen, slen2;

	if (key_parse(data, size, &k, &e) != BRSKI_OK) {
		FUZZ_CHECK(k == NULL);
		return 0;
	}
	FUZZ_CHECK(key_to_der(k, &der, &dlen, &e) == BRSKI_OK);
	FUZZ_CHECK(key_parse(der, dlen, &k2, &e) == BRSKI_OK);
	FUZZ_CHECK(k2->type == k->type);
	FUZZ_CHECK(key_spki(k, &spki, &slen, &e) == BRSKI_OK);
	FUZZ_CHECK(key_spki(k2, &spki2, &slen2, &e) == BRSKI_OK);
	FUZZ_CHECK(slen == slen2 && memcmp(spki, spki2, slen) == 0);
	FUZZ_CHECK(key_matches_spki(k2, spki, slen));
	free(spki);
	free(spki2);
	secret_free(der, dlen);
	key_free(k2);
	key_free(k);
	return 0;
}
