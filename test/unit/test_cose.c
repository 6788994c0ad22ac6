/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/cose.c: COSE_Sign1 sign, parse, verify, strip. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <cbor.h>

#include "testutil.h"
#include "testpki.h"
#include "cbor_util.h"
#include "cose.h"

static const uint8_t payload[] = "{2501: {13: \"0001\"}}";

static struct brski_key *
keygen(enum key_type t)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = NULL;

	assert_rc(key_generate(t, &k, &e), BRSKI_OK, &e);
	return k;
}

static void
spki_of(const struct brski_key *k, uint8_t **spki, size_t *len)
{
	struct brski_err	e = { 0 };

	assert_rc(key_spki(k, spki, len, &e), BRSKI_OK, &e);
}

static void
test_cose_round_trip_es256_es384(void **state)
{
	struct brski_err	 e = { 0 };
	enum key_type		 types[] = { KEY_EC_P256, KEY_EC_P384 };
	struct cose_sign_opts	 o = { (const uint8_t *)"kid1", 4, NULL, 0, 0 };
	struct cose_sign1	*m = NULL;
	struct brski_key	*k;
	uint8_t			*out = NULL, *spki = NULL;
	size_t			 len, slen, i;

	(void)state;
	for (i = 0; i < 2; i++) {
		k = keygen(types[i]);
		assert_rc(cose_sign1(payload, sizeof(payload), k, &o, &out, &len,
		    &e), BRSKI_OK, &e);
		assert_int_equal(out[0], 0xd2);		/* tag 18 */
		assert_rc(cose_sign1_parse(out, len, &m, &e), BRSKI_OK, &e);
		/* {1: -7} is a1 01 26, not 19 bytes of nine-byte ints
		 * (RFC 9052 9: the shortest heads; found by fuzzing) */
		assert_int_equal(m->protected_len, 3 + i);
		assert_memory_equal(m->protected_hdr, i == 0 ?
		    (const uint8_t *)"\xa1\x01\x26" :
		    (const uint8_t *)"\xa1\x01\x38\x22", 3 + i);
		assert_int_equal(m->alg, i == 0 ? COSE_ALG_ES256 :
		    COSE_ALG_ES384);
		assert_int_equal(m->kid_len, 4);
		assert_int_equal(m->payload_len, sizeof(payload));
		spki_of(k, &spki, &slen);
		assert_rc(cose_sign1_verify(m, spki, slen, &e), BRSKI_OK, &e);
		cose_sign1_free(m);
		free(out);
		free(spki);
		key_free(k);
	}
}

static void
test_cose_rejects_tampering_and_wrong_keys(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = keygen(KEY_EC_P256), *k2 = keygen(KEY_EC_P256);
	struct brski_key	*k3 = keygen(KEY_EC_P384);
	struct cose_sign1	*m = NULL;
	uint8_t			*out = NULL, *spki = NULL, *spki2 = NULL, *p;
	size_t			 len, slen, slen2;

	(void)state;
	assert_rc(cose_sign1(payload, sizeof(payload), k, NULL, &out, &len,
	    &e), BRSKI_OK, &e);
	spki_of(k, &spki, &slen);
	/* a byte of the payload, then of the signature */
	p = memmem(out, len, "0001", 4);
	p[0] ^= 1;
	assert_rc(cose_sign1_parse(out, len, &m, &e), BRSKI_OK, &e);
	assert_rc(cose_sign1_verify(m, spki, slen, &e), BRSKI_EVERIFY, &e);
	cose_sign1_free(m);
	p[0] ^= 1;
	out[len - 1] ^= 0x80;
	assert_rc(cose_sign1_parse(out, len, &m, &e), BRSKI_OK, &e);
	assert_rc(cose_sign1_verify(m, spki, slen, &e), BRSKI_EVERIFY, &e);
	cose_sign1_free(m);
	out[len - 1] ^= 0x80;
	/* the right message, another key; a key of another curve */
	assert_rc(cose_sign1_parse(out, len, &m, &e), BRSKI_OK, &e);
	spki_of(k2, &spki2, &slen2);
	assert_rc(cose_sign1_verify(m, spki2, slen2, &e), BRSKI_EVERIFY, &e);
	free(spki2);
	spki_of(k3, &spki2, &slen2);
	assert_rc(cose_sign1_verify(m, spki2, slen2, &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "another curve"));
	/* the protected header is covered too: add a kid to it */
	assert_rc(cose_sign1_verify(m, spki, slen, &e), BRSKI_OK, &e);
	free(m->protected_hdr);
	m->protected_hdr = malloc(6);
	memcpy(m->protected_hdr, "\xa2\x01\x26\x04\x41\x00", 6);
	m->protected_len = 6;
	assert_rc(cose_sign1_verify(m, spki, slen, &e), BRSKI_EVERIFY, &e);
	cose_sign1_free(m);
	free(spki);
	free(spki2);
	free(out);
	key_free(k);
	key_free(k2);
	key_free(k3);
}

/* Build a COSE_Sign1 by hand: [prot bytes, unprot, payload, sig]. */
static uint8_t *
raw(const uint8_t *prot, size_t plen, cbor_item_t *unprot, size_t siglen,
    int tag, size_t extra, size_t *len)
{
	cbor_item_t	*a = cbor_new_definite_array(4);
	uint8_t		 sig[132] = { 1 }, *enc, *res;
	size_t		 elen;

	assert_true(cbor_array_push(a, cbor_move(cbor_build_bytestring(prot,
	    plen))));
	assert_true(cbor_array_push(a, cbor_move(unprot)));
	assert_true(cbor_array_push(a, cbor_move(cbor_build_bytestring(payload,
	    sizeof(payload)))));
	assert_true(cbor_array_push(a, cbor_move(cbor_build_bytestring(sig,
	    siglen))));
	enc = cbor_util_serialize(a, &elen);
	cbor_decref(&a);
	res = calloc(1, elen + 1 + extra);
	res[0] = (uint8_t)tag;
	memcpy(res + (tag ? 1 : 0), enc, elen);
	*len = elen + (tag ? 1 : 0) + extra;
	free(enc);
	return res;
}

static void
expect_parse(const uint8_t *buf, size_t len, enum brski_rc want)
{
	struct brski_err	 e = { 0 };
	struct cose_sign1	*m = (struct cose_sign1 *)1;

	assert_rc(cose_sign1_parse(buf, len, &m, &e), want, &e);
	if (want == BRSKI_OK)
		cose_sign1_free(m);
	else
		assert_null(m);
}

static void
test_cose_rejects_malformed_headers(void **state)
{
	static const uint8_t	 es256[] = { 0xa1, 0x01, 0x26 };
	static const uint8_t	 noalg[] = { 0xa1, 0x04, 0x41, 0x00 };
	static const uint8_t	 dup[] = { 0xa2, 0x01, 0x26, 0x01, 0x26 };
	static const uint8_t	 crit[] = { 0xa2, 0x01, 0x26, 0x02, 0x81, 0x18,
	    0x63 };
	static const uint8_t	 rsa[] = { 0xa1, 0x01, 0x39, 0x01, 0x00 };
	static const uint8_t	 notmap[] = { 0x81, 0x01 };
	cbor_item_t		*u;
	uint8_t			*b;
	size_t			 len;

	(void)state;
	b = raw(es256, 3, cbor_new_definite_map(0), 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_OK);
	expect_parse(b + 1, len - 1, BRSKI_OK);		/* untagged */
	b[0] = 0xd1;					/* tag 17 */
	expect_parse(b, len, BRSKI_EPARSE);
	expect_parse(b, len - 5, BRSKI_EPARSE);		/* truncated */
	free(b);
	b = raw(es256, 3, cbor_new_definite_map(0), 64, 0xd2, 3, &len);
	expect_parse(b, len, BRSKI_EPARSE);		/* trailing bytes */
	free(b);
	b = raw(es256, 3, cbor_new_definite_map(0), 63, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);		/* signature size */
	free(b);
	b = raw(noalg, 4, cbor_new_definite_map(0), 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);		/* no alg */
	free(b);
	b = raw(dup, 5, cbor_new_definite_map(0), 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);		/* label twice */
	free(b);
	b = raw(crit, 7, cbor_new_definite_map(0), 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);		/* crit */
	free(b);
	b = raw(rsa, 5, cbor_new_definite_map(0), 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);		/* RS256 */
	free(b);
	b = raw(notmap, 2, cbor_new_definite_map(0), 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);
	free(b);
	/* alg unprotected as well as protected: a label in both maps */
	u = cbor_new_definite_map(1);
	assert_true(cbor_map_add(u, (struct cbor_pair){
	    cbor_move(cbor_build_uint8(1)), cbor_move(cbor_build_negint8(6)) }));
	b = raw(es256, 3, u, 64, 0xd2, 0, &len);
	expect_parse(b, len, BRSKI_EPARSE);
	free(b);
	/* an array of three */
	{
		static const uint8_t three[] = { 0xd2, 0x83, 0x43, 0xa1, 0x01,
		    0x26, 0xa0, 0x40 };

		expect_parse(three, sizeof(three), BRSKI_EPARSE);
	}
	expect_parse((const uint8_t *)"", 0, BRSKI_EPARSE);
}

static void
test_cose_x5bag_signer_and_strip(void **state)
{
	struct brski_err	 e = { 0 };
	struct tu_node		 ca, ee;
	struct x509_list	 bag = { 0 };
	struct cose_sign_opts	 o = { NULL, 0, &bag, COSE_HDR_X5BAG, 0 };
	struct cose_sign1	*m = NULL, *m2 = NULL;
	const struct x509_cert	*signer;
	uint8_t			*out = NULL, *s = NULL;
	size_t			 len, slen;

	(void)state;
	tu_ca(&ca, "COSE CA", NULL);
	tu_ee(&ee, "COSE signer", &ca);
	assert_rc(x509_list_add_der(&bag, ee.cert->der, ee.cert->der_len, &e),
	    BRSKI_OK, &e);
	assert_rc(x509_list_add_der(&bag, ca.cert->der, ca.cert->der_len, &e),
	    BRSKI_OK, &e);
	assert_rc(cose_sign1(payload, sizeof(payload), ee.key, &o, &out, &len,
	    &e), BRSKI_OK, &e);
	assert_rc(cose_sign1_parse(out, len, &m, &e), BRSKI_OK, &e);
	assert_int_equal(m->certs.n, 2);
	assert_int_equal(m->certs_label, COSE_HDR_X5BAG);
	assert_rc(cose_sign1_find_signer(m, &signer, &e), BRSKI_OK, &e);
	assert_true(x509_equal(signer, ee.cert));
	assert_rc(cose_sign1_strip(m, &s, &slen, &e), BRSKI_OK, &e);
	assert_true(slen < len);
	assert_rc(cose_sign1_parse(s, slen, &m2, &e), BRSKI_OK, &e);
	assert_int_equal(m2->certs.n, 0);
	assert_rc(cose_sign1_verify(m2, ee.cert->spki, ee.cert->spki_len,
	    &e), BRSKI_OK, &e);
	assert_rc(cose_sign1_find_signer(m2, &signer, &e), BRSKI_EVERIFY, &e);
	cose_sign1_free(m);
	cose_sign1_free(m2);
	free(out);
	free(s);
	x509_list_free(&bag);
	tu_node_free(&ee);
	tu_node_free(&ca);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cose_round_trip_es256_es384),
		cmocka_unit_test(test_cose_rejects_tampering_and_wrong_keys),
		cmocka_unit_test(test_cose_rejects_malformed_headers),
		cmocka_unit_test(test_cose_x5bag_signer_and_strip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
