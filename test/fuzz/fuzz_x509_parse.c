/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * x509_parse() of one untrusted DER certificate (a peer's TLS chain,
 * the certificates of a CMS message, a pinned-domain-cert), with the
 * helpers that take a parsed certificate: x509_dup(), x509_equal(),
 * x509_label(), x509_to_pem(), and path building with x509_verify()
 * and x509_path_top() against the demo anchors.
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
	struct x509_cert	*c, *d = NULL;
	struct x509_list	 self;
	struct x509_list	 back = { 0 };
	char			 label[300], *pem = NULL;
	size_t			 plen, i;

	if (x509_parse(data, size, &c, &e) != BRSKI_OK) {
		FUZZ_CHECK(c == NULL);
		return 0;
	}
	FUZZ_CHECK(c->der_len == size && memcmp(c->der, data, size) == 0);
	FUZZ_CHECK(c->spki != NULL && c->subject_raw != NULL &&
	    c->issuer_raw != NULL);
	FUZZ_CHECK(c->serial_len <= sizeof(c->serial));
	FUZZ_CHECK(c->san_dns_count <= X509_SAN_MAX &&
	    c->san_ip_count <= X509_SAN_MAX &&
	    c->san_uri_count <= X509_SAN_MAX);
	for (i = 0; i < c->san_dns_count; i++)
		FUZZ_CHECK(c->san_dns[i] == NULL || strlen(c->san_dns[i]) > 0);
	x509_label(c, label, sizeof(label));
	FUZZ_CHECK(x509_dup(c, &d, &e) == BRSKI_OK && x509_equal(c, d));
	FUZZ_CHECK(memcmp(c->sha256, d->sha256, sizeof(c->sha256)) == 0);
	if (x509_to_pem(c->der, c->der_len, &pem, &plen, &e) == BRSKI_OK) {
		FUZZ_CHECK(x509_list_parse((const uint8_t *)pem, plen, &back,
		    &e) == BRSKI_OK);
		FUZZ_CHECK(back.n == 1 && x509_equal(back.v[0], c));
	}
	/* the certificate as its own anchor, and under the demo CAs */
	self.v = &d;
	self.n = 1;
	FUZZ_CHECK(x509_verify(c, NULL, &self, c->not_before, NULL, &e) ==
	    BRSKI_OK || c->not_after < c->not_before);
	(void)x509_verify(c, &self, fuzz_anchors(), FUZZ_NOW, NULL, &e);
	(void)x509_verify(c, NULL, fuzz_anchors(), c->not_after, NULL, &e);
	(void)x509_path_top(c, fuzz_anchors());
	x509_list_free(&back);
	free(pem);
	x509_free(d);
	x509_free(c);
	return 0;
}
