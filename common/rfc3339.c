/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 3339 date-time (section 5.6 grammar), as YANG's date-and-time
 * uses it: "2016-10-07T19:31:42Z", "2019-05-15T17:25:55.644-04:00".
 * Parsed to UTC seconds with timegm(3) (the process TZ is never used);
 * fractions are accepted and dropped; leap seconds (":60") are refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rfc3339.h"

static int
digits(const char *s, size_t n, int *out)
{
	size_t	i;
	int	v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

static int
days_in_month(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

/* "+HH:MM" / "-HH:MM" / "Z" at s (len bytes left); seconds east of UTC. */
static int
zone(const char *s, size_t len, long *off)
{
	int	h, m;

	if (len == 1 && (s[0] == 'Z' || s[0] == 'z')) {
		*off = 0;
		return 1;
	}
	if (len != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' ||
	    !digits(s + 1, 2, &h) || !digits(s + 4, 2, &m) || h > 23 || m > 59)
		return 0;
	*off = (h * 60L + m) * 60L * (s[0] == '-' ? -1 : 1);
	return 1;
}

/*
 * Parse len bytes of s (not necessarily NUL-terminated).  BRSKI_EPARSE
 * with the text in the message when it is not a valid date-time, or
 * not between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z in UTC.
 */
enum brski_rc
rfc3339_parse(const char *s, size_t len, time_t *out, struct brski_err *e)
{
	struct tm	tm;
	time_t		t;
	int		y, mo, d, h, mi, sec;
	size_t		i = 19;
	long		off;

	if (len < 20 || len > RFC3339_MAX ||
	    !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
	    s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't') || !digits(s + 11, 2, &h) ||
	    s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, &sec))
		goto bad;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == 20 || i > 29)	/* 1..9 fraction digits */
			goto bad;
	}
	if (!zone(s + i, len - i, &off))
		goto bad;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 59)
		goto bad;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm) - off;
	/* an offset can push it out of what rfc3339_format() writes back */
	if (t < 0 || t > RFC3339_TIME_MAX)
		goto bad;
	*out = t;
	return BRSKI_OK;
bad:
	return brski_fail(e, BRSKI_EPARSE, "\"%.*s\" is not an RFC 3339 "
	    "date-time", (int)(len > RFC3339_MAX ? RFC3339_MAX : len), s);
}

/* "YYYY-MM-DDTHH:MM:SSZ" for t into buf (at least 21 bytes); returns buf. */
char *
rfc3339_format(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
	return buf;
}
