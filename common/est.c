/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EST payload helpers.  RFC 8951 settles that EST bodies are base64 of
 * DER whatever Content-Transfer-Encoding says; we send base64 in
 * 64-column lines (what RFC 7030's examples and common clients use) and
 * accept base64 with any line breaks, or raw DER from lax clients.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "buf.h"
#include "cms.h"
#include "der.h"
#include "est.h"
#include "secret.h"

#define B64_LINE 64

/* OID TLVs */
static const uint8_t oid_challenge_pw[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x09, 0x07 };
static const uint8_t oid_ec_public_key[] = { 0x06, 0x07, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x02, 0x01 };
static const uint8_t oid_p256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
	0x3d, 0x03, 0x01, 0x07 };
static const uint8_t oid_p384[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
	0x22 };
static const uint8_t oid_p521[] = { 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00,
	0x23 };
static const uint8_t oid_ecdsa_sha256[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t oid_ecdsa_sha384[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x04, 0x03, 0x03 };
static const uint8_t oid_ecdsa_sha512[] = { 0x06, 0x08, 0x2a, 0x86, 0x48,
	0xce, 0x3d, 0x04, 0x03, 0x04 };

/*
 * Decode an EST request or response body to DER: base64 (whitespace
 * ignored), or else DER as it is when the body starts like a SEQUENCE
 * that spans it exactly.  *der is the caller's.
 */
enum brski_rc
est_body_decode(const uint8_t *body, size_t len, uint8_t **der,
    size_t *der_len, struct brski_err *e)
{
	struct der_tlv	t;

	*der = NULL;
	if (len > EST_BODY_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "EST body: %zu bytes, limit "
		    "%d", len, EST_BODY_MAX);
	/*
	 * Base64 first (RFC 8951): base64 text can also look like a DER
	 * SEQUENCE ('0' and a length byte spanning it), DER with its
	 * length bytes and contents is almost never valid base64.
	 */
	if (b64_decode((const char *)body, len, B64_WS, der, der_len, e) ==
	    BRSKI_OK) {
		if (*der_len > 0)
			return BRSKI_OK;
		free(*der);
		*der = NULL;
		return brski_fail(e, BRSKI_EPARSE, "EST body: empty");
	}
	if (len > 0 && body[0] == DER_SEQUENCE &&
	    der_read(body, len, &t, NULL) == BRSKI_OK && t.raw_len == len) {
		if ((*der = malloc(len)) == NULL)
			return brski_fail(e, BRSKI_ENOMEM, "out of memory");
		memcpy(*der, body, len);
		*der_len = len;
		return BRSKI_OK;
	}
	return brski_prefix(e, "EST body: ");
}

/*
 * Base64 of der in 64-column lines ending in LF (not CRLF: GNU base64 -d,
 * which EST shell clients pipe bodies into, refuses the CR); *out is the
 * caller's.
 */
enum brski_rc
est_body_encode(const uint8_t *der, size_t len, char **out, size_t *outlen,
    struct brski_err *e)
{
	struct buf	 b = { 0 };
	char		*flat = NULL;
	size_t		 flen, off;
	enum brski_rc	 rc;

	*out = NULL;
	if ((rc = b64_encode(der, len, &flat, &flen, e)) != BRSKI_OK)
		return rc;
	for (off = 0; off < flen && rc == BRSKI_OK; off += B64_LINE) {
		size_t n = flen - off < B64_LINE ? flen - off : B64_LINE;

		if ((rc = buf_append(&b, flat + off, n, BUF_NOLIMIT, e)) ==
		    BRSKI_OK)
			rc = buf_append(&b, "\n", 1, BUF_NOLIMIT, e);
	}
	free(flat);
	if (rc != BRSKI_OK) {
		buf_free(&b);
		return rc;
	}
	*out = (char *)buf_steal(&b, outlen);
	return BRSKI_OK;
}

/* The /cacerts (and enroll) response body: base64 certs-only PKCS#7. */
enum brski_rc
est_certs_only_body(const struct x509_list *l, char **out, size_t *outlen,
    struct brski_err *e)
{
	uint8_t		*der = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	*out = NULL;
	if ((rc = cms_certs_only_encode(l, &der, &len, e)) != BRSKI_OK)
		return rc;
	rc = est_body_encode(der, len, out, outlen, e);
	free(der);
	return rc;
}

/* Parse a certs-only body (base64 or DER) into l. */
enum brski_rc
est_certs_only_parse(const uint8_t *body, size_t len, struct x509_list *l,
    struct brski_err *e)
{
	uint8_t		*der = NULL;
	size_t		 dlen;
	enum brski_rc	 rc;

	if ((rc = est_body_decode(body, len, &der, &dlen, e)) != BRSKI_OK)
		return rc;
	rc = cms_certs_only_decode(der, dlen, l, e);
	free(der);
	return rc;
}

/*
 * CsrAttrs ::= SEQUENCE OF AttrOrOID (RFC 7030 4.5.2): the
 * challengePassword OID when a TLS binding is wanted, id-ecPublicKey with
 * the curve, and the signature algorithm.  DER (not base64) in *out.
 */
enum brski_rc
est_csrattrs_build(const struct est_csrattrs *a, uint8_t **out,
    size_t *outlen, struct brski_err *e)
{
	struct buf	 body = { 0 }, attr = { 0 }, set = { 0 }, res = { 0 };
	const uint8_t	*curve = oid_p256, *alg = oid_ecdsa_sha256;
	size_t		 clen = sizeof(oid_p256), alen = sizeof(oid_ecdsa_sha256);
	enum brski_rc	 rc = BRSKI_OK;

	if (a->key_type == KEY_EC_P384) {
		curve = oid_p384;
		clen = sizeof(oid_p384);
		alg = oid_ecdsa_sha384;
		alen = sizeof(oid_ecdsa_sha384);
	} else if (a->key_type == KEY_EC_P521) {
		curve = oid_p521;
		clen = sizeof(oid_p521);
		alg = oid_ecdsa_sha512;
		alen = sizeof(oid_ecdsa_sha512);
	}
	if (a->challenge_password)
		rc = der_put_raw(&body, oid_challenge_pw,
		    sizeof(oid_challenge_pw), e);
	if (rc == BRSKI_OK &&
	    (rc = der_put(&set, DER_SET, curve, clen, e)) == BRSKI_OK &&
	    (rc = der_put_raw(&attr, oid_ec_public_key,
	    sizeof(oid_ec_public_key), e)) == BRSKI_OK &&
	    (rc = der_put_raw(&attr, set.data, set.len, e)) == BRSKI_OK &&
	    (rc = der_put(&body, DER_SEQUENCE, attr.data, attr.len, e)) ==
	    BRSKI_OK &&
	    (rc = der_put_raw(&body, alg, alen, e)) ==
	    BRSKI_OK)
		rc = der_put(&res, DER_SEQUENCE, body.data, body.len, e);
	buf_free(&body);
	buf_free(&attr);
	buf_free(&set);
	if (rc != BRSKI_OK) {
		buf_free(&res);
		return rc;
	}
	*out = buf_steal(&res, outlen);
	return BRSKI_OK;
}

static int
tlv_is(const struct der_tlv *t, const uint8_t *oid, size_t len)
{
	return t->raw_len == len && memcmp(t->raw, oid, len) == 0;
}

/* An Attribute { id-ecPublicKey, SET { curve } } names the curve. */
static void
csrattr_curve(const struct der_tlv *attr, struct est_csrattrs *a)
{
	struct der_tlv	type, set, curve;

	if (der_expect(attr->val, attr->len, DER_OID, &type, NULL) != BRSKI_OK ||
	    !tlv_is(&type, oid_ec_public_key, sizeof(oid_ec_public_key)) ||
	    der_expect(type.raw + type.raw_len, attr->len - type.raw_len,
	    DER_SET, &set, NULL) != BRSKI_OK ||
	    der_expect(set.val, set.len, DER_OID, &curve, NULL) != BRSKI_OK)
		return;
	if (tlv_is(&curve, oid_p384, sizeof(oid_p384)))
		a->key_type = KEY_EC_P384;
	else if (tlv_is(&curve, oid_p521, sizeof(oid_p521)))
		a->key_type = KEY_EC_P521;
	else
		a->key_type = KEY_EC_P256;
}

/*
 * Read the CsrAttrs DER a server sent (untrusted).  Unknown OIDs and
 * attributes are ignored (the pledge chooses what it can provide); a
 * malformed structure is BRSKI_EPARSE.  An empty SEQUENCE is valid.
 */
enum brski_rc
est_csrattrs_parse(const uint8_t *der, size_t len, struct est_csrattrs *a,
    struct brski_err *e)
{
	struct der_tlv	seq, item;
	size_t		off;

	memset(a, 0, sizeof(*a));
	a->key_type = KEY_EC_P256;
	if (der_expect(der, len, DER_SEQUENCE, &seq, e) != BRSKI_OK ||
	    seq.raw_len != len)
		return brski_fail(e, BRSKI_EPARSE, "csrattrs: not one DER "
		    "SEQUENCE");
	for (off = 0; off < seq.len; off += item.raw_len) {
		if (der_read(seq.val + off, seq.len - off, &item, e) != BRSKI_OK)
			return brski_prefix(e, "csrattrs: ");
		if (item.tag == DER_OID && tlv_is(&item, oid_challenge_pw,
		    sizeof(oid_challenge_pw)))
			a->challenge_password = 1;
		else if (item.tag == DER_SEQUENCE)
			csrattr_curve(&item, a);
		else if (item.tag != DER_OID)
			return brski_fail(e, BRSKI_EPARSE, "csrattrs: element "
			    "with tag 0x%02x", item.tag);
	}
	return BRSKI_OK;
}

/*
 * serverkeygen response (RFC 7030 4.4.2): multipart/mixed with the
 * private key (application/pkcs8, base64) and the certificate
 * (certs-only, base64).  boundary must not occur in base64 text (use
 * letters plus '-', which base64 never produces together with '=');
 * *out is a secret (it holds the key): free with secret_free().
 */
enum brski_rc
est_serverkeygen_body(const uint8_t *pkcs8, size_t plen,
    const struct x509_list *certs, const char *boundary, char **out,
    size_t *outlen, struct brski_err *e)
{
	struct buf	 b = { .secret = 1 };
	char		*key64 = NULL, *cert64 = NULL;
	size_t		 k64len = 0, c64len;
	enum brski_rc	 rc;

	*out = NULL;
	if ((rc = est_body_encode(pkcs8, plen, &key64, &k64len, e)) !=
	    BRSKI_OK ||
	    (rc = est_certs_only_body(certs, &cert64, &c64len, e)) != BRSKI_OK)
		goto out;
	rc = buf_printf(&b, e, "--%s\r\nContent-Type: application/pkcs8\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s--%s\r\n"
	    "Content-Type: application/pkcs7-mime; smime-type=certs-only\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n%s--%s--\r\n",
	    boundary, key64, boundary, cert64, boundary);
	if (rc == BRSKI_OK) {
		*outlen = b.len;
		*out = (char *)buf_steal(&b, NULL);
	}
out:
	buf_free(&b);
	secret_free(key64, k64len);
	free(cert64);
	return rc;
}

/*
 * The challengePassword value that carries a channel binding (RFC 7030
 * 3.5): the binding in base64 (RFC 4648 4, with padding, one line).
 * *out is the caller's (free()).
 */
enum brski_rc
est_pop_encode(const uint8_t *cb, size_t len, char **out,
    struct brski_err *e)
{
	size_t	olen;

	*out = NULL;
	if (len == 0 || len > EST_CB_MAX)
		return brski_fail(e, BRSKI_EINVAL, "channel binding of %zu "
		    "bytes (1..%d)", len, EST_CB_MAX);
	return b64_encode(cb, len, out, &olen, e);
}

/*
 * 1 when the challengePassword of an untrusted CSR is exactly the base64
 * of cb (the binding of the session the CSR came on), else 0.  The
 * comparison takes the same time wherever the first difference is.
 */
int
est_pop_matches(const char *pw, const uint8_t *cb, size_t len)
{
	char	*want = NULL;
	size_t	 n;
	int	 ok;

	if (pw == NULL || est_pop_encode(cb, len, &want, NULL) != BRSKI_OK)
		return 0;
	n = strlen(want);
	ok = strlen(pw) == n && secret_equal(pw, want, n);
	free(want);
	return ok;
}
