/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cms_verify() of untrusted signed vouchers and voucher-requests.  Each
 * input is verified three ways: signature only (no anchors, as the
 * registrar reads a pledge's request and the MASA a registrar's);
 * against the certificates the message itself carried (chain building
 * over peer certificates); and against the demo anchors with the
 * voucher content type (as the pledge does; an anchor may also be the
 * signer of a message without certificates).
 */
#include "config.h"

#include <string.h>

#include "cms.h"
#include "fuzz.h"
#include "fuzz_anchors.h"
#include "x509.h"

static void
check_signed(const struct cms_signed *s, size_t size)
{
	FUZZ_CHECK(s->signer != NULL);
	FUZZ_CHECK(s->content != NULL && s->content_len < size);
	FUZZ_CHECK(s->content[s->content_len] == '\0');
	FUZZ_CHECK(s->ctype_len > 0 && s->ctype_len <= sizeof(s->ctype));
}

/* Verify again, with the message's own certificates as anchors. */
static void
verify_own(const uint8_t *data, size_t size, const struct cms_signed *s)
{
	struct brski_err	 e;
	struct x509_list	 own = { 0 };
	struct x509_cert	*c;
	struct cms_signed	*s2 = NULL;
	size_t			 i;

	for (i = 0; i < s->certs.n; i++) {
		FUZZ_CHECK(x509_dup(s->certs.v[i], &c, &e) == BRSKI_OK);
		FUZZ_CHECK(x509_list_push(&own, c, &e) == BRSKI_OK);
	}
	if (own.n > 0 && cms_verify(data, size, NULL, 0, &own,
	    s->signing_time != 0 ? s->signing_time : FUZZ_NOW, &s2, &e) ==
	    BRSKI_OK) {
		check_signed(s2, size);
		FUZZ_CHECK(x509_equal(s2->signer, s->signer));
	}
	cms_signed_free(s2);
	x509_list_free(&own);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct cms_signed	*s = NULL;

	if (cms_verify(data, size, NULL, 0, NULL, 0, &s, &e) == BRSKI_OK) {
		check_signed(s, size);
		verify_own(data, size, s);
		cms_signed_free(s);
	} else
		FUZZ_CHECK(s == NULL);
	if (cms_verify(data, size, cms_oid_voucher, sizeof(cms_oid_voucher),
	    fuzz_anchors(), FUZZ_NOW, &s, &e) == BRSKI_OK) {
		check_signed(s, size);
		FUZZ_CHECK(s->ctype_len == sizeof(cms_oid_voucher) &&
		    memcmp(s->ctype, cms_oid_voucher, s->ctype_len) == 0);
		cms_signed_free(s);
	}
	return 0;
}
