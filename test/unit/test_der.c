/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/der.c: the strict reader refuses everything that
 * is not minimal definite-length DER with one-byte tags, the writer
 * produces exactly the X.690 encodings.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "cms.h"
#include "der.h"

static void
read_bad(const uint8_t *p, size_t len, const char *what)
{
	struct brski_err	e = { 0 };
	struct der_tlv		t;

	assert_rc(der_read(p, len, &t, &e), BRSKI_EPARSE, &e);
	assert_non_null(strstr(e.msg, what));
}

static void
test_der_read_rejects_truncated_header(void **state)
{
	static const uint8_t	one[] = { 0x30 };

	(void)state;
	read_bad(one, 0, "truncated header");
	read_bad(one, 1, "truncated header");
}

static void
test_der_read_rejects_truncated_length(void **state)
{
	static const uint8_t	p[] = { 0x04, 0x82, 0x01 };

	(void)state;
	read_bad(p, sizeof(p), "truncated length");
	read_bad(p, 2, "truncated length");
}

static void
test_der_read_rejects_truncated_contents(void **state)
{
	static const uint8_t	shrt[] = { 0x04, 0x03, 'a', 'b' };
	uint8_t			lng[3 + 127];

	(void)state;
	read_bad(shrt, sizeof(shrt), "runs past the end");
	memset(lng, 'x', sizeof(lng));
	lng[0] = 0x04;
	lng[1] = 0x81;
	lng[2] = 0x80;		/* 128 announced, 127 there */
	read_bad(lng, sizeof(lng), "runs past the end");
	/* a length near SIZE_MAX must not wrap the bounds check */
	{
		static const uint8_t	huge[] = { 0x04, 0x84, 0xff, 0xff,
		    0xff, 0xff, 0x00 };

		read_bad(huge, sizeof(huge), "runs past the end");
	}
}

static void
test_der_read_rejects_indefinite_length(void **state)
{
	static const uint8_t	p[] = { 0x30, 0x80, 0x04, 0x00, 0x00, 0x00 };

	(void)state;
	read_bad(p, sizeof(p), "indefinite");
}

static void
test_der_read_rejects_non_minimal_length(void **state)
{
	static const uint8_t	p1[] = { 0x04, 0x81, 0x05, 1, 2, 3, 4, 5 };
	uint8_t			p2[4 + 0x80], p3[4 + 0xff];

	(void)state;
	read_bad(p1, sizeof(p1), "non-minimal");
	/* leading zero length byte */
	memset(p2, 0, sizeof(p2));
	p2[0] = 0x04;
	p2[1] = 0x82;
	p2[2] = 0x00;
	p2[3] = 0x80;
	read_bad(p2, sizeof(p2), "non-minimal");
	memset(p3, 0, sizeof(p3));
	p3[0] = 0x04;
	p3[1] = 0x82;
	p3[2] = 0x00;
	p3[3] = 0xff;
	read_bad(p3, sizeof(p3), "non-minimal");
}

static void
test_der_read_rejects_5_length_bytes(void **state)
{
	static const uint8_t	p[] = { 0x04, 0x85, 0x01, 0x00, 0x00, 0x00,
	    0x00 };

	(void)state;
	read_bad(p, sizeof(p), "5 length bytes");
}

static void
test_der_read_rejects_multi_byte_tag(void **state)
{
	static const uint8_t	p1[] = { 0x1f, 0x81, 0x00, 0x00 };
	static const uint8_t	p2[] = { 0xbf, 0x20, 0x00 };

	(void)state;
	read_bad(p1, sizeof(p1), "multi-byte tag");
	read_bad(p2, sizeof(p2), "multi-byte tag");
}

static void
test_der_read_accepts_long_form(void **state)
{
	struct brski_err	e = { 0 };
	struct der_tlv		t;
	uint8_t			p[3 + 0x80 + 1];

	(void)state;
	memset(p, 0x41, sizeof(p));
	p[0] = 0x04;
	p[1] = 0x81;
	p[2] = 0x80;
	/* one byte past the element: it is not part of the TLV */
	assert_rc(der_read(p, sizeof(p), &t, &e), BRSKI_OK, &e);
	assert_int_equal(t.tag, 0x04);
	assert_int_equal(t.len, 0x80);
	assert_ptr_equal(t.val, p + 3);
	assert_ptr_equal(t.raw, p);
	assert_int_equal(t.raw_len, 3 + 0x80);
}

static void
test_der_expect_rejects_other_tag(void **state)
{
	static const uint8_t	p[] = { 0x02, 0x01, 0x05 };
	struct brski_err	e = { 0 };
	struct der_tlv		t;

	(void)state;
	assert_rc(der_expect(p, sizeof(p), DER_SEQUENCE, &t, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(der_expect(p, sizeof(p), DER_INTEGER, &t, &e), BRSKI_OK,
	    &e);
	assert_int_equal(t.len, 1);
	assert_int_equal(t.val[0], 5);
}

/* der_put() of len bytes: header of hdr bytes, and it reads back. */
static void
roundtrip(size_t len, size_t hdr)
{
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };
	struct der_tlv		 t;
	uint8_t			*val;
	size_t			 i;

	if ((val = malloc(len + 1)) == NULL)
		fail();
	for (i = 0; i < len; i++)
		val[i] = (uint8_t)(i * 31 + 7);
	assert_rc(der_put(&b, DER_OCTET_STRING, val, len, &e), BRSKI_OK, &e);
	assert_int_equal(b.len, hdr + len);
	assert_int_equal(b.data[0], DER_OCTET_STRING);
	if (hdr == 2)
		assert_int_equal(b.data[1], len);
	else {
		assert_int_equal(b.data[1], 0x80 | (hdr - 2));
		assert_int_not_equal(b.data[2], 0);	/* minimal */
	}
	assert_rc(der_read(b.data, b.len, &t, &e), BRSKI_OK, &e);
	assert_int_equal(t.tag, DER_OCTET_STRING);
	assert_int_equal(t.len, len);
	assert_int_equal(t.raw_len, b.len);
	assert_memory_equal(t.val, val, len);
	/* one byte short must fail */
	assert_rc(der_read(b.data, b.len - 1, &t, &e), BRSKI_EPARSE, &e);
	buf_free(&b);
	free(val);
}

static void
test_der_put_roundtrips_header_sizes(void **state)
{
	(void)state;
	roundtrip(0, 2);
	roundtrip(1, 2);
	roundtrip(127, 2);
	roundtrip(128, 3);
	roundtrip(255, 3);
	roundtrip(256, 4);
	roundtrip(65535, 4);
	roundtrip(65536, 5);
}

static void
test_der_put_hdr_limits(void **state)
{
	static const uint8_t	 want[] = { 0x04, 0x84, 0x01, 0x00, 0x00,
	    0x00 };
	struct brski_err	 e = { 0 };
	struct buf		 b = { 0 };

	(void)state;
	assert_rc(der_put_hdr(&b, DER_OCTET_STRING, DER_MAX_LEN, &e),
	    BRSKI_OK, &e);
	assert_int_equal(b.len, sizeof(want));
	assert_memory_equal(b.data, want, sizeof(want));
	buf_reset(&b);
	assert_rc(der_put_hdr(&b, DER_OCTET_STRING, DER_MAX_LEN + 1, &e),
	    BRSKI_EINVAL, &e);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
put_uint_is(const uint8_t *mag, size_t len, const uint8_t *want, size_t wlen)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };

	assert_rc(der_put_uint(&b, mag, len, &e), BRSKI_OK, &e);
	assert_int_equal(b.len, wlen);
	assert_memory_equal(b.data, want, wlen);
	buf_free(&b);
}

static void
test_der_put_uint(void **state)
{
	static const uint8_t	lz[] = { 0x00, 0x00, 0x05 };
	static const uint8_t	lz_w[] = { 0x02, 0x01, 0x05 };
	static const uint8_t	top[] = { 0x80 };
	static const uint8_t	top_w[] = { 0x02, 0x02, 0x00, 0x80 };
	static const uint8_t	lztop[] = { 0x00, 0x00, 0xff, 0x01 };
	static const uint8_t	lztop_w[] = { 0x02, 0x03, 0x00, 0xff, 0x01 };
	static const uint8_t	zeros[] = { 0x00, 0x00, 0x00 };
	static const uint8_t	zero_w[] = { 0x02, 0x01, 0x00 };
	static const uint8_t	keep[] = { 0x7f, 0xff };
	static const uint8_t	keep_w[] = { 0x02, 0x02, 0x7f, 0xff };

	(void)state;
	put_uint_is(lz, sizeof(lz), lz_w, sizeof(lz_w));
	put_uint_is(top, sizeof(top), top_w, sizeof(top_w));
	put_uint_is(lztop, sizeof(lztop), lztop_w, sizeof(lztop_w));
	put_uint_is(zeros, sizeof(zeros), zero_w, sizeof(zero_w));
	put_uint_is(zeros, 0, zero_w, sizeof(zero_w));
	put_uint_is(keep, sizeof(keep), keep_w, sizeof(keep_w));
}

static void
small_int_is(long v, const uint8_t *want, size_t wlen)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };

	assert_rc(der_put_small_int(&b, v, &e), BRSKI_OK, &e);
	if (b.len != wlen || memcmp(b.data, want, wlen) != 0)
		fail_msg("der_put_small_int(%ld) encodes wrongly", v);
	buf_free(&b);
}

static void
test_der_put_small_int(void **state)
{
	(void)state;
	small_int_is(0, (const uint8_t *)"\x02\x01\x00", 3);
	small_int_is(1, (const uint8_t *)"\x02\x01\x01", 3);
	small_int_is(127, (const uint8_t *)"\x02\x01\x7f", 3);
	small_int_is(128, (const uint8_t *)"\x02\x02\x00\x80", 4);
	small_int_is(256, (const uint8_t *)"\x02\x02\x01\x00", 4);
	small_int_is(-1, (const uint8_t *)"\x02\x01\xff", 3);
	small_int_is(-128, (const uint8_t *)"\x02\x01\x80", 3);
	small_int_is(-129, (const uint8_t *)"\x02\x02\xff\x7f", 4);
	small_int_is(-256, (const uint8_t *)"\x02\x02\xff\x00", 4);
	small_int_is(-32768, (const uint8_t *)"\x02\x02\x80\x00", 4);
	small_int_is(-32769, (const uint8_t *)"\x02\x03\xff\x7f\xff", 5);
#if LONG_MAX == 0x7fffffffffffffffL
	small_int_is(LONG_MIN,
	    (const uint8_t *)"\x02\x08\x80\x00\x00\x00\x00\x00\x00\x00", 10);
	small_int_is(LONG_MAX,
	    (const uint8_t *)"\x02\x08\x7f\xff\xff\xff\xff\xff\xff\xff", 10);
#endif
}

static void
time_is(int64_t t, uint8_t tag, const char *text)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };
	struct der_tlv		tlv;
	time_t			back;

	assert_rc(der_put_time(&b, t, &e), BRSKI_OK, &e);
	assert_int_equal(b.data[0], tag);
	assert_int_equal(b.data[1], strlen(text));
	assert_int_equal(b.len, 2 + strlen(text));
	assert_memory_equal(b.data + 2, text, strlen(text));
	assert_rc(der_read(b.data, b.len, &tlv, &e), BRSKI_OK, &e);
	assert_rc(der_get_time(&tlv, &back, &e), BRSKI_OK, &e);
	assert_int_equal(back, t);
	buf_free(&b);
}

static void
test_der_put_time_generalized_from_2050(void **state)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };

	(void)state;
	time_is(-631152000, DER_UTCTIME, "500101000000Z");	/* 1950 */
	time_is(1700000000, DER_UTCTIME, "231114221320Z");
	time_is(2524607999, DER_UTCTIME, "491231235959Z");
	time_is(2524608000, DER_GENTIME, "20500101000000Z");
	time_is(253402300799, DER_GENTIME, "99991231235959Z");
	/* outside what a certificate Time can say */
	assert_rc(der_put_time(&b, -631152001, &e), BRSKI_EINVAL, &e);
	assert_rc(der_put_time(&b, 253402300800, &e), BRSKI_EINVAL, &e);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
get_time_bad(uint8_t tag, const char *text)
{
	struct brski_err	e = { 0 };
	struct der_tlv		t;
	time_t			out = 12345;

	t.tag = tag;
	t.val = (const uint8_t *)text;
	t.len = strlen(text);
	if (der_get_time(&t, &out, &e) != BRSKI_EPARSE)
		fail_msg("der_get_time accepted tag 0x%02x \"%s\"", tag, text);
	assert_int_equal(out, 12345);
}

static void
test_der_get_time_rejects_bad_input(void **state)
{
	(void)state;
	get_time_bad(DER_OCTET_STRING, "231114221320Z");
	get_time_bad(DER_UTCTIME, "");
	get_time_bad(DER_UTCTIME, "2311142213Z");		/* no seconds */
	get_time_bad(DER_UTCTIME, "23111422132Z");
	get_time_bad(DER_UTCTIME, "231114221320");		/* no Z */
	get_time_bad(DER_UTCTIME, "231114221320+0100");
	get_time_bad(DER_UTCTIME, "2311142213200");
	get_time_bad(DER_UTCTIME, "20231114221320Z");	/* 4-digit year */
	get_time_bad(DER_GENTIME, "231114221320Z");		/* 2-digit */
	get_time_bad(DER_GENTIME, "20231114221320.5Z");
	get_time_bad(DER_UTCTIME, "2311142213a0Z");
	get_time_bad(DER_UTCTIME, "23 114221320Z");
	get_time_bad(DER_UTCTIME, "-31114221320Z");
	get_time_bad(DER_UTCTIME, "231314221320Z");		/* month 13 */
	get_time_bad(DER_UTCTIME, "230014221320Z");		/* month 0 */
	get_time_bad(DER_UTCTIME, "231100221320Z");		/* day 0 */
	get_time_bad(DER_UTCTIME, "231132221320Z");		/* day 32 */
	get_time_bad(DER_UTCTIME, "231114241320Z");		/* hour 24 */
	get_time_bad(DER_UTCTIME, "231114226020Z");		/* minute 60 */
	get_time_bad(DER_UTCTIME, "231114221360Z");		/* second 60 */
	/* days past the end of the month must not roll over */
	get_time_bad(DER_UTCTIME, "230230000000Z");		/* 30 Feb */
	get_time_bad(DER_UTCTIME, "230229000000Z");		/* not leap */
	get_time_bad(DER_UTCTIME, "230431000000Z");		/* 31 Apr */
	get_time_bad(DER_GENTIME, "21000229000000Z");	/* 2100 not leap */
}

static void
test_der_get_time_reads_both_centuries(void **state)
{
	struct brski_err	e = { 0 };
	struct der_tlv		t;
	time_t			out;

	(void)state;
	t.tag = DER_UTCTIME;
	t.val = (const uint8_t *)"491231235959Z";
	t.len = 13;
	assert_rc(der_get_time(&t, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out, 2524607999);
	t.val = (const uint8_t *)"500101000000Z";
	assert_rc(der_get_time(&t, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out, -631152000);
	t.val = (const uint8_t *)"240229120000Z";		/* leap day */
	assert_rc(der_get_time(&t, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out, 1709208000);
	t.tag = DER_GENTIME;
	t.val = (const uint8_t *)"20000229000000Z";	/* 2000 is leap */
	t.len = 15;
	assert_rc(der_get_time(&t, &out, &e), BRSKI_OK, &e);
	assert_int_equal(out, 951782400);
}

static void
oid_is(const char *text, const uint8_t *want, size_t wlen)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };

	assert_rc(der_oid_from_text(text, &b, &e), BRSKI_OK, &e);
	if (b.len != wlen || memcmp(b.data, want, wlen) != 0)
		fail_msg("OID %s encodes wrongly", text);
	buf_free(&b);
}

static void
test_der_oid_from_text_good(void **state)
{
	static const uint8_t	cmcra[] = { 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05,
	    0x05, 0x07, 0x03, 0x1c };
	static const uint8_t	any_eku[] = { 0x06, 0x04, 0x55, 0x1d, 0x25,
	    0x00 };
	/* X.690 8.19.5 example */
	static const uint8_t	x690[] = { 0x06, 0x03, 0x88, 0x37, 0x03 };
	static const uint8_t	zero[] = { 0x06, 0x01, 0x00 };
	static const uint8_t	big[] = { 0x06, 0x0a, 0x2a, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };
	static const uint8_t	max[] = { 0x06, 0x0b, 0x2a, 0x81, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f };

	(void)state;
	oid_is("1.3.6.1.5.5.7.3.28", cmcra, sizeof(cmcra));
	oid_is("2.5.29.37.0", any_eku, sizeof(any_eku));
	oid_is("2.999.3", x690, sizeof(x690));
	oid_is("0.0", zero, sizeof(zero));
	oid_is("1.2.840.113549.1.9.16.1.40", cms_oid_voucher,
	    sizeof(cms_oid_voucher));
	oid_is("1.2.9223372036854775807", big, sizeof(big));	/* 2^63-1 */
	oid_is("1.2.18446744073709551615", max, sizeof(max));	/* 2^64-1 */
}

/* 64 arcs are taken (a 65th is refused by test_der_oid_from_text_bad). */
static void
test_der_oid_from_text_64_arcs(void **state)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };
	char			many[200];
	size_t			i, o = 0;

	(void)state;
	for (i = 0; i < 64; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o, "%s",
		    i == 0 ? "1" : ".1");
	assert_rc(der_oid_from_text(many, &b, &e), BRSKI_OK, &e);
	assert_int_equal(b.len, 2 + 63);	/* 41, then 62 times 1 */
	assert_int_equal(b.data[1], 63);
	assert_int_equal(b.data[2], 41);
	assert_int_equal(b.data[64], 1);
	buf_free(&b);
}

static void
oid_bad(const char *text)
{
	struct brski_err	e = { 0 };
	struct buf		b = { 0 };

	if (der_oid_from_text(text, &b, &e) != BRSKI_EPARSE)
		fail_msg("der_oid_from_text accepted \"%s\"", text);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

static void
test_der_oid_from_text_bad(void **state)
{
	char	many[200];
	size_t	i, o = 0;

	(void)state;
	oid_bad("");
	oid_bad("1");
	oid_bad("3.1");
	oid_bad("0.40");
	oid_bad("1.40");
	oid_bad("1..2");
	oid_bad(".1.2");
	oid_bad("1.2.");
	oid_bad("1.2a");
	oid_bad("-1.2");
	oid_bad("1.-2");
	oid_bad("1.+2");
	oid_bad("1. 2");
	oid_bad(" 1.2");
	oid_bad("1.2.3 ");
	/* arcs that do not fit 64 bits must not wrap */
	oid_bad("1.2.18446744073709551616");
	oid_bad("1.2.99999999999999999999999");
	oid_bad("2.18446744073709551615");
	/* more arcs than we take */
	for (i = 0; i < 65; i++)
		o += (size_t)snprintf(many + o, sizeof(many) - o, "%s",
		    i == 0 ? "1" : ".1");
	oid_bad(many);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_der_read_rejects_truncated_header),
		cmocka_unit_test(test_der_read_rejects_truncated_length),
		cmocka_unit_test(test_der_read_rejects_truncated_contents),
		cmocka_unit_test(test_der_read_rejects_indefinite_length),
		cmocka_unit_test(test_der_read_rejects_non_minimal_length),
		cmocka_unit_test(test_der_read_rejects_5_length_bytes),
		cmocka_unit_test(test_der_read_rejects_multi_byte_tag),
		cmocka_unit_test(test_der_read_accepts_long_form),
		cmocka_unit_test(test_der_expect_rejects_other_tag),
		cmocka_unit_test(test_der_put_roundtrips_header_sizes),
		cmocka_unit_test(test_der_put_hdr_limits),
		cmocka_unit_test(test_der_put_uint),
		cmocka_unit_test(test_der_put_small_int),
		cmocka_unit_test(test_der_put_time_generalized_from_2050),
		cmocka_unit_test(test_der_get_time_rejects_bad_input),
		cmocka_unit_test(test_der_get_time_reads_both_centuries),
		cmocka_unit_test(test_der_oid_from_text_good),
		cmocka_unit_test(test_der_oid_from_text_64_arcs),
		cmocka_unit_test(test_der_oid_from_text_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
