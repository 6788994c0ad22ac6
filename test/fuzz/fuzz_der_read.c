/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * der_read() walking untrusted DER the way x509.c and est.c do: every
 * TLV of a level, into constructed ones and into OCTET and BIT STRINGs
 * that hold DER, to a bounded depth.  Each TLV must lie inside its
 * parent and re-encode (der_put()) to the same bytes, since DER has one
 * encoding; each UTCTime must read with der_get_time() and write back
 * with der_put_time() as the same text.
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "der.h"
#include "fuzz.h"

#define WALK_DEPTH	32	/* deeper than any certificate */

static void
check_time(const struct der_tlv *t)
{
	struct brski_err	e;
	struct buf		b = { 0 };
	struct der_tlv		t2;
	time_t			when, again;

	if (der_get_time(t, &when, &e) != BRSKI_OK)
		return;
	if (der_put_time(&b, when, &e) == BRSKI_OK) {
		FUZZ_CHECK(der_read(b.data, b.len, &t2, &e) == BRSKI_OK);
		FUZZ_CHECK(der_get_time(&t2, &again, &e) == BRSKI_OK);
		FUZZ_CHECK(again == when);
		/* UTCTime covers 1950..2049, where we write UTCTime too */
		if (t->tag == DER_UTCTIME)
			FUZZ_CHECK(b.len == t->raw_len &&
			    memcmp(b.data, t->raw, b.len) == 0);
	}
	buf_free(&b);
}

static void
check_tlv(const struct der_tlv *t)
{
	struct brski_err	e;
	struct buf		b = { 0 };
	struct der_tlv		t2;

	FUZZ_CHECK(t->raw_len >= 2 && t->val + t->len == t->raw + t->raw_len);
	FUZZ_CHECK(der_put(&b, t->tag, t->val, t->len, &e) == BRSKI_OK);
	FUZZ_CHECK(b.len == t->raw_len && memcmp(b.data, t->raw, b.len) == 0);
	FUZZ_CHECK(der_expect(t->raw, t->raw_len, t->tag, &t2, &e) ==
	    BRSKI_OK && t2.len == t->len);
	buf_free(&b);
}

static void
walk(const uint8_t *p, size_t len, int depth)
{
	struct brski_err	e;
	struct der_tlv		t;
	size_t			off;

	for (off = 0; off < len; off += t.raw_len) {
		if (der_read(p + off, len - off, &t, &e) != BRSKI_OK)
			return;
		FUZZ_CHECK(t.raw == p + off && t.raw_len <= len - off);
		check_tlv(&t);
		if (t.tag == DER_UTCTIME || t.tag == DER_GENTIME)
			check_time(&t);
		if (depth >= WALK_DEPTH)
			continue;
		if (t.tag & 0x20)
			walk(t.val, t.len, depth + 1);
		else if (t.tag == DER_OCTET_STRING)
			walk(t.val, t.len, depth + 1);
		else if (t.tag == DER_BIT_STRING && t.len > 0 && t.val[0] == 0)
			walk(t.val + 1, t.len - 1, depth + 1);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk(data, size, 0);
	return 0;
}
