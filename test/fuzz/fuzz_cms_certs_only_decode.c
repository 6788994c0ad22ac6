/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cms_certs_only_decode() of an untrusted certs-only PKCS#7 (EST
 * /cacerts and enroll answers, RFC 7030 4.1.3).  The certificates read
 * must encode with cms_certs_only_encode() and decode back the same.
 */
#include "config.h"

#include <string.h>

#include "cms.h"
#include "fuzz.h"
#include "x509.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct x509_list	 l = { 0 }, back = { 0 };
	uint8_t			*der = NULL;
	size_t			 len, i;

	if (cms_certs_only_decode(data, size, &l, &e) != BRSKI_OK)
		goto out;
	FUZZ_CHECK(l.n > 0);
	FUZZ_CHECK(cms_certs_only_encode(&l, &der, &len, &e) == BRSKI_OK);
	FUZZ_CHECK(cms_certs_only_decode(der, len, &back, &e) == BRSKI_OK);
	FUZZ_CHECK(back.n == l.n);
	for (i = 0; i < l.n; i++)
		FUZZ_CHECK(x509_equal(back.v[i], l.v[i]));
out:
	free(der);
	x509_list_free(&back);
	x509_list_free(&l);
	return 0;
}
