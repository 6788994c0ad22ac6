/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DER (X.690) reading and writing for the structures wolfSSL cannot
 * produce or expose in its Debian build (see der.h).  The reader accepts
 * only DER: definite lengths in minimal form, single-byte tags.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "der.h"

#define OID_ARCS_MAX	64	/* X.660 sets none; real OIDs have < 20 */

static int
days_in_month(int year, int month)
{
	static const int	days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };

	if (month == 2 && year % 4 == 0 && (year % 100 != 0 ||
	    year % 400 == 0))
		return 29;
	return days[month - 1];
}

/*
 * Read one TLV at p (avail bytes).  Strict DER: the long length form only
 * for lengths >= 128, no leading zero length bytes, at most 4 length
 * bytes, contents within avail.  BRSKI_EPARSE otherwise.
 */
enum brski_rc
der_read(const uint8_t *p, size_t avail, struct der_tlv *t,
    struct brski_err *e)
{
	size_t	hdr, len, i, n;

	if (avail < 2)
		return brski_fail(e, BRSKI_EPARSE, "DER: truncated header");
	if ((p[0] & 0x1f) == 0x1f)
		return brski_fail(e, BRSKI_EPARSE, "DER: multi-byte tag 0x%02x "
		    "not supported", p[0]);
	if (p[1] < 0x80) {
		hdr = 2;
		len = p[1];
	} else {
		n = p[1] & 0x7f;
		if (n == 0)
			return brski_fail(e, BRSKI_EPARSE, "DER: indefinite "
			    "length");
		if (n > 4)
			return brski_fail(e, BRSKI_EPARSE, "DER: %zu length "
			    "bytes", n);
		if (avail < 2 + n)
			return brski_fail(e, BRSKI_EPARSE, "DER: truncated "
			    "length");
		if (p[2] == 0)
			return brski_fail(e, BRSKI_EPARSE, "DER: non-minimal "
			    "length");
		for (len = 0, i = 0; i < n; i++)
			len = (len << 8) | p[2 + i];
		if (len < 0x80)
			return brski_fail(e, BRSKI_EPARSE, "DER: non-minimal "
			    "length %zu", len);
		hdr = 2 + n;
	}
	if (len > DER_MAX_LEN || len > avail - hdr)
		return brski_fail(e, BRSKI_EPARSE, "DER: element of %zu bytes "
		    "runs past the end (%zu left)", len, avail - hdr);
	t->tag = p[0];
	t->val = p + hdr;
	t->len = len;
	t->raw = p;
	t->raw_len = hdr + len;
	return BRSKI_OK;
}

/* der_read() that also requires the tag. */
enum brski_rc
der_expect(const uint8_t *p, size_t avail, uint8_t tag, struct der_tlv *t,
    struct brski_err *e)
{
	enum brski_rc	rc;

	if ((rc = der_read(p, avail, t, e)) != BRSKI_OK)
		return rc;
	if (t->tag != tag)
		return brski_fail(e, BRSKI_EPARSE, "DER: tag 0x%02x where 0x%02x "
		    "was expected", t->tag, tag);
	return BRSKI_OK;
}

/* Append a tag and a definite length. */
enum brski_rc
der_put_hdr(struct buf *b, uint8_t tag, size_t len, struct brski_err *e)
{
	uint8_t	h[6];
	size_t	n = 0, i, bytes;

	if (len > DER_MAX_LEN)
		return brski_fail(e, BRSKI_EINVAL, "DER: %zu bytes", len);
	h[n++] = tag;
	if (len < 0x80)
		h[n++] = (uint8_t)len;
	else {
		bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 :
		    len > 0xff ? 2 : 1;
		h[n++] = (uint8_t)(0x80 | bytes);
		for (i = bytes; i > 0; i--)
			h[n++] = (uint8_t)(len >> (8 * (i - 1)));
	}
	return buf_append(b, h, n, BUF_NOLIMIT, e);
}

/* Append a whole TLV. */
enum brski_rc
der_put(struct buf *b, uint8_t tag, const void *val, size_t len,
    struct brski_err *e)
{
	enum brski_rc	rc;

	if ((rc = der_put_hdr(b, tag, len, e)) != BRSKI_OK)
		return rc;
	return buf_append(b, val, len, BUF_NOLIMIT, e);
}

/* Append bytes that already are DER (an OID TLV, a Name, ...). */
enum brski_rc
der_put_raw(struct buf *b, const void *p, size_t len, struct brski_err *e)
{
	return buf_append(b, p, len, BUF_NOLIMIT, e);
}

/*
 * Append a non-negative INTEGER from big-endian magnitude bytes:
 * leading zeros dropped, a 0x00 added when the top bit is set.
 */
enum brski_rc
der_put_uint(struct buf *b, const uint8_t *mag, size_t len,
    struct brski_err *e)
{
	uint8_t		zero = 0;
	enum brski_rc	rc;
	int		pad;

	while (len > 1 && mag[0] == 0) {
		mag++;
		len--;
	}
	if (len == 0) {
		mag = &zero;
		len = 1;
	}
	pad = (mag[0] & 0x80) != 0;
	if ((rc = der_put_hdr(b, DER_INTEGER, len + (size_t)pad, e)) != BRSKI_OK)
		return rc;
	if (pad && (rc = buf_append_byte(b, 0, e)) != BRSKI_OK)
		return rc;
	return buf_append(b, mag, len, BUF_NOLIMIT, e);
}

/* Append an INTEGER that fits in a long (two's complement, minimal). */
enum brski_rc
der_put_small_int(struct buf *b, long v, struct brski_err *e)
{
	uint8_t	tmp[sizeof(long)];
	size_t	n = sizeof(long), i;

	for (i = 0; i < sizeof(long); i++)
		tmp[sizeof(long) - 1 - i] = (uint8_t)((unsigned long)v >> (8 * i));
	i = 0;
	/* drop redundant leading 0x00/0xff bytes */
	while (n - i > 1 && ((tmp[i] == 0 && !(tmp[i + 1] & 0x80)) ||
	    (tmp[i] == 0xff && (tmp[i + 1] & 0x80))))
		i++;
	return der_put(b, DER_INTEGER, tmp + i, n - i, e);
}

/*
 * Append a certificate Time (RFC 5280 4.1.2.5): UTCTime through 2049,
 * GeneralizedTime from 2050.  t is seconds since the epoch, UTC.
 */
enum brski_rc
der_put_time(struct buf *b, int64_t t, struct brski_err *e)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	char		s[64];

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 1950)
		return brski_fail(e, BRSKI_EINVAL, "DER: time %lld out of range",
		    (long long)t);
	if (tm.tm_year + 1900 < 2050) {
		snprintf(s, sizeof(s), "%02d%02d%02d%02d%02d%02dZ",
		    tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		return der_put(b, DER_UTCTIME, s, 13, e);
	}
	strftime(s, sizeof(s), "%Y%m%d%H%M%SZ", &tm);
	return der_put(b, DER_GENTIME, s, 15, e);
}

/* Append tag + length + the contents of inner. */
enum brski_rc
der_wrap(struct buf *b, uint8_t tag, const struct buf *inner,
    struct brski_err *e)
{
	return der_put(b, tag, inner->data, inner->len, e);
}

static enum brski_rc
put_base128(struct buf *b, unsigned long long v, struct brski_err *e)
{
	uint8_t	tmp[10];
	size_t	n = 0, i;

	do {
		tmp[n++] = (uint8_t)(v & 0x7f);
		v >>= 7;
	} while (v != 0);
	for (i = n; i > 0; i--) {
		uint8_t c = tmp[i - 1] | (i > 1 ? 0x80 : 0);

		if (buf_append_byte(b, c, e) != BRSKI_OK)
			return BRSKI_ENOMEM;
	}
	return BRSKI_OK;
}

/*
 * Append the OID TLV for dotted text ("1.3.6.1.5.5.7.3.28").  Used for
 * OIDs given in configuration (extra EKUs); ours are constants.  Each
 * arc must fit 64 bits; an empty arc (a leading, doubled or trailing
 * dot) is an error.
 */
enum brski_rc
der_oid_from_text(const char *text, struct buf *out, struct brski_err *e)
{
	struct buf		 body = { 0 };
	unsigned long long	 arc[OID_ARCS_MAX];
	const char		*s = text;
	size_t			 n = 0, i;
	char			*end;
	enum brski_rc		 rc = BRSKI_OK;

	for (;;) {
		/* strtoull() alone would take a sign or white space */
		if (n == OID_ARCS_MAX || *s < '0' || *s > '9')
			return brski_fail(e, BRSKI_EPARSE, "OID \"%.64s\": not "
			    "dotted numbers (at most %d)", text, OID_ARCS_MAX);
		errno = 0;
		arc[n++] = strtoull(s, &end, 10);
		if (errno == ERANGE)
			return brski_fail(e, BRSKI_EPARSE, "OID \"%.64s\": arc "
			    "too large", text);
		if (*end == '\0')
			break;
		if (*end != '.')
			return brski_fail(e, BRSKI_EPARSE, "OID \"%.64s\": bad "
			    "text", text);
		s = end + 1;
	}
	/* X.690 8.19.4: the first two arcs share one subidentifier */
	if (n < 2 || arc[0] > 2 || (arc[0] < 2 && arc[1] > 39) ||
	    arc[1] > ULLONG_MAX - 80)
		return brski_fail(e, BRSKI_EPARSE, "OID \"%.64s\": not a valid "
		    "OID", text);
	rc = put_base128(&body, arc[0] * 40 + arc[1], e);
	for (i = 2; rc == BRSKI_OK && i < n; i++)
		rc = put_base128(&body, arc[i], e);
	if (rc == BRSKI_OK)
		rc = der_put(out, DER_OID, body.data, body.len, e);
	buf_free(&body);
	return rc;
}

/*
 * Read a Time (UTCTime "YYMMDDHHMMSSZ" or GeneralizedTime
 * "YYYYMMDDHHMMSSZ", the DER forms RFC 5280 4.1.2.5 allows) as UTC.
 */
enum brski_rc
der_get_time(const struct der_tlv *t, time_t *out, struct brski_err *e)
{
	struct tm	 tm;
	const uint8_t	*p = t->val;
	size_t		 i, yl;
	time_t		 when;
	int		 v[6];

	yl = t->tag == DER_UTCTIME ? 2 : 4;
	if ((t->tag != DER_UTCTIME && t->tag != DER_GENTIME) ||
	    t->len != yl + 11 || p[t->len - 1] != 'Z')
		return brski_fail(e, BRSKI_EPARSE, "DER: bad time");
	for (i = 0; i < t->len - 1; i++)
		if (p[i] < '0' || p[i] > '9')
			return brski_fail(e, BRSKI_EPARSE, "DER: bad time digits");
	v[0] = 0;
	for (i = 0; i < yl; i++)
		v[0] = v[0] * 10 + (p[i] - '0');
	for (i = 0; i < 5; i++)
		v[i + 1] = (p[yl + 2 * i] - '0') * 10 + (p[yl + 2 * i + 1] - '0');
	if (yl == 2)
		v[0] += v[0] < 50 ? 2000 : 1900;	/* RFC 5280 4.1.2.5.1 */
	/* timegm() would roll 30 February over into March */
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > days_in_month(v[0], v[1]) || v[3] > 23 || v[4] > 59 ||
	    v[5] > 59)
		return brski_fail(e, BRSKI_EPARSE, "DER: bad time");
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = v[0] - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	when = timegm(&tm);
	/* timegm() rolls 29 February 2026 over into 1 March: refuse that */
	if (tm.tm_mday != v[2] || tm.tm_mon != v[1] - 1)
		return brski_fail(e, BRSKI_EPARSE, "DER: no such day");
	*out = when;
	return BRSKI_OK;
}
