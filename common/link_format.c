/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 6690 link-format, strictly (section 2, with RFC 8288's
 * case-insensitive parameter names):
 *   link-value-list = [ link-value *( "," link-value ) ]
 *   link-value      = "<" URI-Reference ">" *( ";" link-param )
 *   link-param      = parmname [ "=" ( ptoken / quoted-string ) ]
 * No whitespace anywhere.  Only brski-jp's value is interpreted: the
 * join port, 1..65535 in decimal.  The bytes come from any host on the
 * link that answers a multicast GET, so malformed input is an error
 * that says where, never a guess.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "link_format.h"

struct cur {
	const uint8_t	*p;
	size_t		 len, pos;
};

static int
peek(const struct cur *c)
{
	return c->pos < c->len ? c->p[c->pos] : -1;
}

/* RFC 5987 attr-char, and '*' for ext-name-star */
static int
parmchar(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != -1 && strchr("!#$&+-.^_`|~*",
	    ch) != NULL && ch != '\0');
}

/* RFC 6690 ptokenchar */
static int
ptokenchar(int ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || (ch != -1 &&
	    strchr("!#$%&'()*+-./:<=>?@[]^_`{|}~", ch) != NULL && ch != '\0');
}

/* A parameter's value: *v, *vlen (quotes and escapes left in). */
static enum brski_rc
value(struct cur *c, const uint8_t **v, size_t *vlen, struct brski_err *e)
{
	size_t	start = c->pos;

	if (peek(c) == '"') {
		for (c->pos++; peek(c) != '"'; c->pos++) {
			if (peek(c) == '\\')
				c->pos++;
			if (peek(c) == -1)
				return brski_fail(e, BRSKI_EPARSE, "link-format: "
				    "unterminated quoted string at byte %zu",
				    start);
		}
		c->pos++;
	} else
		while (ptokenchar(peek(c)))
			c->pos++;
	if (c->pos == start)
		return brski_fail(e, BRSKI_EPARSE, "link-format: empty value "
		    "at byte %zu", start);
	*v = c->p + start;
	*vlen = c->pos - start;
	return BRSKI_OK;
}

/* brski-jp's value as a port: 1*5DIGIT, quoted or not, 1..65535 */
static enum brski_rc
port_of(const uint8_t *v, size_t len, unsigned *port, struct brski_err *e)
{
	unsigned long	n = 0;
	size_t		i;

	if (len >= 2 && v[0] == '"') {
		v++;
		len -= 2;
	}
	for (i = 0; i < len && i < 6 && v[i] >= '0' && v[i] <= '9'; i++)
		n = n * 10 + (unsigned long)(v[i] - '0');
	if (len == 0 || i != len || n == 0 || n > 65535)
		return brski_fail(e, BRSKI_EPARSE, "link-format: brski-jp is "
		    "not a port (1..65535)");
	*port = (unsigned)n;
	return BRSKI_OK;
}

/* One link-value; sets *port if it has brski-jp (the first one counts). */
static enum brski_rc
link_value(struct cur *c, unsigned *port, struct brski_err *e)
{
	const uint8_t	*name, *v;
	size_t		 nlen, vlen, start = c->pos;
	enum brski_rc	 rc;

	if (peek(c) != '<')
		return brski_fail(e, BRSKI_EPARSE, "link-format: a link does "
		    "not start with '<' at byte %zu", start);
	for (c->pos++; peek(c) != '>'; c->pos++)
		if (peek(c) <= ' ' || peek(c) >= 0x7f)
			return brski_fail(e, BRSKI_EPARSE, "link-format: bad "
			    "URI-Reference at byte %zu", start);
	c->pos++;
	while (peek(c) == ';') {
		name = c->p + ++c->pos;
		for (nlen = 0; parmchar(peek(c)); nlen++)
			c->pos++;
		if (nlen == 0)
			return brski_fail(e, BRSKI_EPARSE, "link-format: no "
			    "parameter name at byte %zu", c->pos);
		v = NULL;
		vlen = 0;
		if (peek(c) == '=') {
			c->pos++;
			if ((rc = value(c, &v, &vlen, e)) != BRSKI_OK)
				return rc;
		}
		if (*port == 0 && nlen == 8 &&
		    strncasecmp((const char *)name, "brski-jp", 8) == 0 &&
		    (rc = port_of(v, vlen, port, e)) != BRSKI_OK)
			return rc;
	}
	return BRSKI_OK;
}

/*
 * The join port of the first link with a brski-jp parameter in an
 * untrusted link-format document.  BRSKI_ENOTFOUND: well-formed, but no
 * link has one; BRSKI_EPARSE: malformed (the message says where).
 */
enum brski_rc
link_format_jp_port(const uint8_t *buf, size_t len, unsigned *port,
    struct brski_err *e)
{
	struct cur	c = { buf, len, 0 };
	enum brski_rc	rc;

	*port = 0;
	if (len > LINK_FORMAT_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "link-format: %zu bytes, "
		    "limit %d", len, LINK_FORMAT_MAX);
	while (len > 0) {
		if ((rc = link_value(&c, port, e)) != BRSKI_OK) {
			*port = 0;
			return rc;
		}
		if (peek(&c) == -1)
			break;
		if (peek(&c) != ',') {
			*port = 0;
			return brski_fail(e, BRSKI_EPARSE, "link-format: ',' or "
			    "';' expected at byte %zu", c.pos);
		}
		c.pos++;
	}
	return *port != 0 ? BRSKI_OK : brski_fail(e, BRSKI_ENOTFOUND,
	    "link-format: no link with brski-jp");
}
