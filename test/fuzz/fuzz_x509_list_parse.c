/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x509_list_parse() of an untrusted bundle (PEM with other blocks, or
 * one DER certificate): the form of EST answers some servers send and
 * of every certificate file.  An accepted list must survive
 * x509_list_to_pem() and a second parse; then its first certificate is
 * verified through the rest, against its last one and against the demo
 * anchors.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "fuzz_anchors.h"
#include "x509.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct x509_list	 l = { 0 }, back = { 0 }, rest, top;
	char			*pem = NULL;
	size_t			 len, i;

	if (x509_list_parse(data, size, &l, &e) != BRSKI_OK)
		goto out;
	FUZZ_CHECK(l.n > 0);
	FUZZ_CHECK(x509_list_to_pem(&l, &pem, &len, &e) == BRSKI_OK);
	FUZZ_CHECK(x509_list_parse((const uint8_t *)pem, len, &back, &e) ==
	    BRSKI_OK);
	FUZZ_CHECK(back.n == l.n);
	for (i = 0; i < l.n; i++)
		FUZZ_CHECK(x509_equal(back.v[i], l.v[i]));
	rest.v = l.v + 1;
	rest.n = l.n - 1;
	top.v = l.v + l.n - 1;
	top.n = 1;
	(void)x509_verify(l.v[0], &rest, &top, l.v[0]->not_before, NULL, &e);
	(void)x509_verify(l.v[0], &rest, fuzz_anchors(), FUZZ_NOW, NULL, &e);
	(void)x509_path_top(l.v[0], &rest);
out:
	free(pem);
	x509_list_free(&back);
	x509_list_free(&l);
	return 0;
}
