/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * est_body_decode() of untrusted EST bodies (base64 with line breaks,
 * or raw DER, RFC 8951), and est_certs_only_parse() on top of it.  A
 * decoded body must encode with est_body_encode() and decode back to
 * the same DER.
 */
#include "config.h"

#include <string.h>

#include "est.h"
#include "fuzz.h"
#include "x509.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct x509_list	 l = { 0 };
	uint8_t			*der = NULL, *der2 = NULL;
	char			*text = NULL;
	size_t			 len, len2, tlen;

	if (est_body_decode(data, size, &der, &len, &e) == BRSKI_OK) {
		FUZZ_CHECK(der != NULL && len > 0 && len <= size);
		FUZZ_CHECK(est_body_encode(der, len, &text, &tlen, &e) ==
		    BRSKI_OK);
		if (tlen <= EST_BODY_MAX) {
			FUZZ_CHECK(est_body_decode((const uint8_t *)text, tlen,
			    &der2, &len2, &e) == BRSKI_OK);
			FUZZ_CHECK(len2 == len && memcmp(der, der2, len) == 0);
		}
	} else
		FUZZ_CHECK(der == NULL);
	free(der);
	free(der2);
	free(text);
	(void)est_certs_only_parse(data, size, &l, &e);
	x509_list_free(&l);
	return 0;
}
