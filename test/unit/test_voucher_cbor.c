/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for common/voucher_cbor.c (SID-keyed CBOR vouchers). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "voucher_cbor.h"

static enum brski_rc
parse(const uint8_t *b, size_t len, enum voucher_kind k, struct voucher **v,
    struct brski_err *e)
{
	return voucher_parse_cbor(b, len, k, v, e);
}

static void
bad(const uint8_t *b, size_t len, enum voucher_kind k, enum brski_rc want)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = (struct voucher *)1;

	assert_rc(parse(b, len, k, &v, &e), want, &e);
	assert_null(v);
}

/* The constrained-voucher draft's PVR example, shortened SPKI */
static const uint8_t pvr_example[] = {
	0xa1, 0x19, 0x09, 0xc5, 0xa4,
	0x01, 0x02,					/* assertion proximity */
	0x07, 0x48, 0x23, 0xbf, 0xbb, 0xc9, 0xc2, 0xbc, 0xf2, 0x13, /* nonce */
	0x0c, 0x44, 0x30, 0x59, 0x30, 0x13,		/* pubk (bytes) */
	0x0d, 0x6d, 'J', 'A', 'D', 'A', '1', '2', '3', '4', '5', '6', '7', '8',
	'9'						/* serial-number */
};

static void
test_voucher_cbor_parses_draft_example(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = NULL;
	uint8_t			*c = NULL;
	size_t			 len;

	(void)state;
	assert_rc(parse(pvr_example, sizeof(pvr_example), VOUCHER_KIND_REQUEST,
	    &v, &e), BRSKI_OK, &e);
	assert_int_equal(v->assertion, VOUCHER_ASSERT_PROXIMITY);
	assert_int_equal(v->nonce.len, 8);
	assert_int_equal(v->nonce.data[0], 0x23);
	assert_string_equal(v->serial_number, "JADA123456789");
	assert_true(VOUCHER_HAS(v, VL_PROXIMITY_REGISTRAR_PUBK));
	/* encoded back byte for byte: one-byte deltas, not 0x19 0x00 0x01
	 * (the shortest heads of RFC 8949 4.2.1; fuzz_voucher_parse_cbor) */
	assert_rc(voucher_to_cbor(v, &c, &len, &e), BRSKI_OK, &e);
	assert_int_equal(len, sizeof(pvr_example));
	assert_memory_equal(c, pvr_example, sizeof(pvr_example));
	free(c);
	voucher_free(v);
	/* the same bytes are not a voucher */
	bad(pvr_example, sizeof(pvr_example), VOUCHER_KIND_VOUCHER,
	    BRSKI_EPARSE);
}

static void
test_voucher_cbor_round_trip(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v, *back = NULL;
	uint8_t			 b[40], *c1 = NULL, *c2 = NULL;
	size_t			 l1, l2;
	int			 l, k;

	(void)state;
	memset(b, 0x5a, sizeof(b));
	for (k = 0; k < 2; k++) {
		v = voucher_new((enum voucher_kind)k);
		voucher_set_assertion(v, VOUCHER_ASSERT_LOGGED);
		for (l = 0; l < VL_COUNT; l++) {
			const struct voucher_leaf_info *li = voucher_leaf_info(l);

			if (!voucher_leaf_allowed(v->kind, l))
				continue;
			if (li->type == VLT_BINARY)
				assert_rc(voucher_set_bin(v, l, b, li->min_len >
				    16 ? li->min_len : 16, &e), BRSKI_OK, &e);
			else if (li->type == VLT_STRING)
				assert_rc(voucher_set_string(v, l, "s-9", &e),
				    BRSKI_OK, &e);
			else if (li->type == VLT_DATE)
				assert_rc(voucher_set_date(v, l, 1700000000 + l,
				    &e), BRSKI_OK, &e);
			else if (li->type == VLT_BOOL)
				assert_rc(voucher_set_bool(v, l, 1, &e),
				    BRSKI_OK, &e);
		}
		assert_rc(voucher_to_cbor(v, &c1, &l1, &e), BRSKI_OK, &e);
		assert_rc(parse(c1, l1, v->kind, &back, &e), BRSKI_OK, &e);
		assert_int_equal(back->present, v->present);
		assert_rc(voucher_to_cbor(back, &c2, &l2, &e), BRSKI_OK, &e);
		assert_int_equal(l1, l2);
		assert_memory_equal(c1, c2, l1);
		free(c1);
		free(c2);
		voucher_free(v);
		voucher_free(back);
	}
}

static void
test_voucher_cbor_accepts_tag47_and_names(void **state)
{
	struct brski_err	 e = { 0 };
	struct voucher		*v = NULL;
	/* {2501: {47(2514): "X1", "assertion": 2}} */
	static const uint8_t	 b[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa2,
	    0xd8, 0x2f, 0x19, 0x09, 0xd2, 0x62, 'X', '1',
	    0x69, 'a', 's', 's', 'e', 'r', 't', 'i', 'o', 'n', 0x02 };

	(void)state;
	assert_rc(parse(b, sizeof(b), VOUCHER_KIND_REQUEST, &v, &e), BRSKI_OK,
	    &e);
	assert_string_equal(v->serial_number, "X1");
	assert_int_equal(v->assertion, VOUCHER_ASSERT_PROXIMITY);
	voucher_free(v);
}

static void
test_voucher_cbor_rejects_malformed(void **state)
{
	/* serial-number twice: as a delta and as a name */
	static const uint8_t dup[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa2, 0x0d,
	    0x61, 'A', 0x6d, 's', 'e', 'r', 'i', 'a', 'l', '-', 'n', 'u', 'm',
	    'b', 'e', 'r', 0x61, 'B' };
	/* serial-number as an integer */
	static const uint8_t type[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa1, 0x0d,
	    0x05 };
	/* assertion 7 */
	static const uint8_t enumv[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa2, 0x0d,
	    0x61, 'A', 0x01, 0x07 };
	/* wrong container SID (2451 for a request) */
	static const uint8_t sid[] = { 0xa1, 0x19, 0x09, 0x93, 0xa1, 0x0b,
	    0x61, 'A' };
	/* indefinite inner map */
	static const uint8_t indef[] = { 0xa1, 0x19, 0x09, 0xc5, 0xbf, 0x0d,
	    0x61, 'A', 0xff };
	/* nonce of 4 bytes */
	static const uint8_t nonce[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa2, 0x0d,
	    0x61, 'A', 0x07, 0x44, 1, 2, 3, 4 };
	/* a bad date */
	static const uint8_t date[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa2, 0x0d,
	    0x61, 'A', 0x02, 0x64, '2', '0', '2', '0' };
	/* a float as a key */
	static const uint8_t fkey[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa1, 0xf9,
	    0x3c, 0x00, 0x01 };
	/* no serial-number */
	static const uint8_t noserial[] = { 0xa1, 0x19, 0x09, 0xc5, 0xa1, 0x01,
	    0x02 };
	static const uint8_t two[] = { 0xa2, 0x19, 0x09, 0xc5, 0xa0, 0x01,
	    0x02 };
	/* domain-cert-revocation-checks 2.0: libcbor's cbor_is_bool()
	 * asserted on a float, aborting (fuzz_telemetry_parse_cbor) */
	static const uint8_t fbool[] = { 0xa1, 0x19, 0x09, 0x93, 0xa3, 0x01,
	    0x00, 0x0b, 0x61, 'A', 0x03, 0xf9, 0x40, 0x00 };
	static const uint8_t tbool[] = { 0xa1, 0x19, 0x09, 0x93, 0xa3, 0x01,
	    0x00, 0x0b, 0x61, 'A', 0x03, 0xf5 };
	struct brski_err	 e = { 0 };
	struct voucher		*v = NULL;

	(void)state;
	bad(dup, sizeof(dup), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(type, sizeof(type), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(enumv, sizeof(enumv), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(sid, sizeof(sid), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(indef, sizeof(indef), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(nonce, sizeof(nonce), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(date, sizeof(date), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(fkey, sizeof(fkey), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(noserial, sizeof(noserial), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(two, sizeof(two), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(fbool, sizeof(fbool), VOUCHER_KIND_VOUCHER, BRSKI_EPARSE);
	assert_rc(parse(tbool, sizeof(tbool), VOUCHER_KIND_VOUCHER, &v, &e),
	    BRSKI_OK, &e);
	assert_true(v->domain_cert_revocation_checks);
	voucher_free(v);
	bad(pvr_example, sizeof(pvr_example) - 3, VOUCHER_KIND_REQUEST,
	    BRSKI_EPARSE);				/* truncated */
	bad((const uint8_t *)"\xa1\x19\x09\xc5\xa1\x0d\x61\x41\x00", 9,
	    VOUCHER_KIND_REQUEST, BRSKI_EPARSE);	/* trailing */
	bad((const uint8_t *)"", 0, VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
}

/*
 * Counts that the input cannot hold are refused before libcbor
 * allocates for them: 9A 10 00 00 00 made cbor_load() take 2 GB, and
 * 9B ... made it fail as out of memory (a 5.00 over CoAP).
 */
static void
test_voucher_cbor_rejects_huge_counts(void **state)
{
	static const uint8_t arr32[] = { 0x9a, 0x10, 0x00, 0x00, 0x00 };
	static const uint8_t arr64[] = { 0x9b, 0x10, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t map32[] = { 0xa1, 0x19, 0x09, 0xc5, 0xba, 0x10,
	    0x00, 0x00, 0x00, 0x0d, 0x61, 'A' };
	/* a tagged array of 3 with 2 items: truncated */
	static const uint8_t shortarr[] = { 0xd8, 0x12, 0x83, 0x40, 0xa0 };
	uint8_t	deep[40];
	size_t	i;

	(void)state;
	bad(arr32, sizeof(arr32), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(arr64, sizeof(arr64), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(map32, sizeof(map32), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	bad(shortarr, sizeof(shortarr), VOUCHER_KIND_REQUEST, BRSKI_EPARSE);
	/* 39 nested one-element arrays around 0: deeper than the walk allows */
	for (i = 0; i < sizeof(deep) - 1; i++)
		deep[i] = 0x81;
	deep[i] = 0x00;
	bad(deep, sizeof(deep), VOUCHER_KIND_REQUEST, BRSKI_ETOOBIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_voucher_cbor_rejects_huge_counts),
		cmocka_unit_test(test_voucher_cbor_parses_draft_example),
		cmocka_unit_test(test_voucher_cbor_round_trip),
		cmocka_unit_test(test_voucher_cbor_accepts_tag47_and_names),
		cmocka_unit_test(test_voucher_cbor_rejects_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
