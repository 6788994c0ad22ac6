/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Base64 encode/decode.  Encoding is wolfSSL's (no line breaks).
 * Decoding normalises and validates the text (alphabet, padding, group
 * length, zero pad bits) before wolfSSL decodes it, because wolfSSL
 * accepts truncated and trailing-garbage input without complaint.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/coding.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "b64.h"

/*
 * Encode len bytes; *out is a NUL-terminated string without line
 * breaks that the caller frees.
 */
enum brski_rc
b64_encode(const uint8_t *in, size_t len, char **out, size_t *outlen,
    struct brski_err *e)
{
	word32	 n;
	char	*s;
	int	 ret;

	*out = NULL;
	if (len > (size_t)0x3fffffff)
		return brski_fail(e, BRSKI_ETOOBIG, "base64: %zu bytes", len);
	n = (word32)((len + 2) / 3 * 4 + 1);
	if ((s = malloc(n)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "base64: out of memory");
	if (len == 0) {
		s[0] = '\0';
		n = 0;
	} else if ((ret = Base64_Encode_NoNl(in, (word32)len, (byte *)s,
	    &n)) != 0) {
		free(s);
		return brski_fail(e, BRSKI_EINVAL, "base64: encode: %s (%d)",
		    wc_GetErrorString(ret), ret);
	}
	s[n] = '\0';
	*out = s;
	if (outlen != NULL)
		*outlen = n;
	return BRSKI_OK;
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Copy in to norm, dropping whitespace and mapping base64url as allowed. */
static enum brski_rc
b64_normalise(const char *in, size_t len, int flags, char *norm, size_t *nlen,
    struct brski_err *e)
{
	size_t	i, n = 0;
	char	c;

	for (i = 0; i < len; i++) {
		c = in[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			if (!(flags & B64_WS))
				return brski_fail(e, BRSKI_EPARSE, "base64: "
				    "whitespace at offset %zu", i);
			continue;
		}
		if ((flags & B64_URL) && c == '-')
			c = '+';
		else if ((flags & B64_URL) && c == '_')
			c = '/';
		norm[n++] = c;
	}
	if ((flags & B64_URL) && n % 4 != 0) {
		if (n % 4 == 1)
			return brski_fail(e, BRSKI_EPARSE, "base64: %zu "
			    "characters is not a valid length", n);
		while (n % 4 != 0)
			norm[n++] = '=';
	}
	*nlen = n;
	return BRSKI_OK;
}

/* Strict check of normalised text; returns the decoded length in *dlen. */
static enum brski_rc
b64_validate(const char *s, size_t n, size_t *dlen, struct brski_err *e)
{
	size_t	i, pad = 0;
	int	v;

	if (n % 4 != 0)
		return brski_fail(e, BRSKI_EPARSE, "base64: length %zu is not "
		    "a multiple of 4 (truncated?)", n);
	if (n >= 4 && s[n - 1] == '=')
		pad = s[n - 2] == '=' ? 2 : 1;
	for (i = 0; i < n - pad; i++)
		if (b64_value(s[i]) < 0)
			return brski_fail(e, BRSKI_EPARSE, "base64: invalid "
			    "character 0x%02x at %zu", (unsigned char)s[i], i);
	/* canonical encoding: the unused bits before the padding are zero */
	if (pad > 0) {
		v = b64_value(s[n - pad - 1]);
		if ((pad == 1 && (v & 0x3) != 0) ||
		    (pad == 2 && (v & 0xf) != 0))
			return brski_fail(e, BRSKI_EPARSE, "base64: non-zero "
			    "padding bits");
	}
	*dlen = n / 4 * 3 - pad;
	return BRSKI_OK;
}

/*
 * Decode len characters of base64 text (flags: B64_WS, B64_URL).  On
 * success *out holds *outlen bytes (caller frees; a 1-byte allocation
 * for empty input); on failure *out is NULL and the code is
 * BRSKI_EPARSE for malformed text.
 */
enum brski_rc
b64_decode(const char *in, size_t len, int flags, uint8_t **out,
    size_t *outlen, struct brski_err *e)
{
	char		*norm = NULL;
	uint8_t		*d = NULL;
	size_t		 n = 0, dlen = 0;
	word32		 wl;
	int		 ret;
	enum brski_rc	 rc;

	*out = NULL;
	*outlen = 0;
	if (len > (size_t)0x3fffffff)
		return brski_fail(e, BRSKI_ETOOBIG, "base64: %zu characters",
		    len);
	if ((norm = malloc(len + 4)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "base64: out of memory");
	if ((rc = b64_normalise(in, len, flags, norm, &n, e)) != BRSKI_OK ||
	    (rc = b64_validate(norm, n, &dlen, e)) != BRSKI_OK)
		goto out;
	/* wolfSSL wants room for whole groups, padding included */
	if ((d = malloc(n / 4 * 3 + 1)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "base64: out of memory");
		goto out;
	}
	wl = (word32)(n / 4 * 3 + 1);
	if (n > 0 && (ret = Base64_Decode((const byte *)norm, (word32)n, d,
	    &wl)) != 0) {
		rc = brski_fail(e, BRSKI_EPARSE, "base64: %s (%d)",
		    wc_GetErrorString(ret), ret);
		goto out;
	}
	if (n > 0 && wl != dlen) {
		rc = brski_fail(e, BRSKI_EPARSE, "base64: decoded %u bytes, "
		    "expected %zu", (unsigned)wl, dlen);
		goto out;
	}
	*out = d;
	*outlen = dlen;
	d = NULL;
	rc = BRSKI_OK;
out:
	free(norm);
	free(d);
	return rc;
}
