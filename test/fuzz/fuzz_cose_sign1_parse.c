/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * cose_sign1_parse() of untrusted COSE_Sign1 messages (constrained
 * vouchers and voucher-requests), then what the registrar, MASA and
 * pledge do with one: cose_sign1_verify() with the demo signers' keys
 * (fuzz_cose_key.h: the seeds verify, mutations reach the signature
 * code), with the key of the first certificate the message carries,
 * cose_sign1_find_signer(), and cose_sign1_strip() (the registrar drops
 * unprotected x5bag/x5chain before forwarding a voucher): the stripped
 * message parses to the same protected header, payload, signature and
 * kid, without the unprotected certificates, verifies exactly when the
 * original did, and strips to the same bytes again.
 */
#include "config.h"

#include <string.h>

#include "cose.h"
#include "fuzz.h"
#include "fuzz_cose_key.h"

static int
same(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

static void
check_parsed(const struct cose_sign1 *m)
{
	FUZZ_CHECK(m->alg == COSE_ALG_ES256 || m->alg == COSE_ALG_ES384 ||
	    m->alg == COSE_ALG_ES512);
	FUZZ_CHECK(m->sig_len == (m->alg == COSE_ALG_ES256 ? 64 :
	    m->alg == COSE_ALG_ES384 ? 96 : 132));
	FUZZ_CHECK(m->kid_len <= COSE_KID_MAX && (m->kid != NULL ||
	    m->kid_len == 0));
	FUZZ_CHECK(m->certs.n <= COSE_CERTS_MAX);
	FUZZ_CHECK(m->certs.n == 0 ? m->certs_label == 0 :
	    m->certs_label == COSE_HDR_X5BAG ||
	    m->certs_label == COSE_HDR_X5CHAIN);
	FUZZ_CHECK(m->payload != NULL && m->protected_hdr != NULL);
}

/* Which of the demo keys (bit i) and the first carried cert verify. */
static unsigned
verifies(const struct cose_sign1 *m, const struct cose_sign1 *keys_of)
{
	const struct x509_list	*k = fuzz_cose_keys();
	struct brski_err	 e;
	unsigned		 ok = 0;
	size_t			 i;

	for (i = 0; i < k->n; i++)
		if (cose_sign1_verify(m, k->v[i]->spki, k->v[i]->spki_len,
		    &e) == BRSKI_OK)
			ok |= 1u << i;
	if (keys_of->certs.n > 0 && cose_sign1_verify(m,
	    keys_of->certs.v[0]->spki, keys_of->certs.v[0]->spki_len, &e) ==
	    BRSKI_OK)
		ok |= 1u << k->n;
	return ok;
}

static void
check_strip(const struct cose_sign1 *m, unsigned ok)
{
	struct brski_err	 e;
	struct cose_sign1	*s = NULL;
	uint8_t			*out = NULL, *out2 = NULL;
	size_t			 len, len2;

	FUZZ_CHECK(cose_sign1_strip(m, &out, &len, &e) == BRSKI_OK);
	/* one byte longer than an untagged input at the limit */
	if (len > COSE_MAX)
		goto done;
	FUZZ_CHECK(cose_sign1_parse(out, len, &s, &e) == BRSKI_OK);
	FUZZ_CHECK(s->alg == m->alg);
	FUZZ_CHECK(same(s->protected_hdr, s->protected_len, m->protected_hdr,
	    m->protected_len));
	FUZZ_CHECK(same(s->payload, s->payload_len, m->payload,
	    m->payload_len));
	FUZZ_CHECK(same(s->sig, s->sig_len, m->sig, m->sig_len));
	FUZZ_CHECK(same(s->kid, s->kid_len, m->kid, m->kid_len));
	if (m->certs_protected)
		FUZZ_CHECK(s->certs.n == m->certs.n && s->certs_protected);
	else
		FUZZ_CHECK(s->certs.n == 0);
	/* the original's first certificate verifies the stripped one too */
	FUZZ_CHECK(verifies(s, m) == ok);
	FUZZ_CHECK(cose_sign1_strip(s, &out2, &len2, &e) == BRSKI_OK);
	FUZZ_CHECK(same(out, len, out2, len2));
done:
	free(out);
	free(out2);
	cose_sign1_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct cose_sign1	*m = NULL;
	const struct x509_cert	*signer;
	unsigned		 ok;

	if (cose_sign1_parse(data, size, &m, &e) != BRSKI_OK) {
		FUZZ_CHECK(m == NULL);
		return 0;
	}
	check_parsed(m);
	ok = verifies(m, m);
	if (cose_sign1_find_signer(m, &signer, &e) == BRSKI_OK) {
		FUZZ_CHECK(signer != NULL);
		FUZZ_CHECK(cose_sign1_verify(m, signer->spki, signer->spki_len,
		    &e) == BRSKI_OK);
	} else
		FUZZ_CHECK(signer == NULL && (ok >> fuzz_cose_keys()->n) == 0);
	check_strip(m, ok);
	cose_sign1_free(m);
	return 0;
}
