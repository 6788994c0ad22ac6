/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CMS SignedData with wolfSSL's PKCS7 module (recipes 1a, 1b, 2).
 * Signing supplies contentType, messageDigest and signingTime itself,
 * because wolfSSL 5.5.4's default signingTime is malformed.  Verifying
 * checks the signature (wolfSSL), the eContentType and the contentType
 * attribute (RFC 5652 11.1; 8366bis requires signed attributes), then
 * the signer's chain with x509_verify().
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/cryptocb.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/pkcs7.h>
#include <wolfssl/wolfcrypt/wc_port.h>

#include "cms.h"
#include "der.h"
#include "rand.h"

const uint8_t cms_oid_voucher[13] = { 0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86,
	0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x28 };

/* attribute types, as TLVs for PKCS7Attrib and bare for GetAttributeValue */
static const uint8_t oid_content_type[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03 };
static const uint8_t oid_message_digest[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04 };
static const uint8_t oid_signing_time[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05 };

struct sign_attrs {
	uint8_t		md[2 + WC_MAX_DIGEST_SIZE];	/* OCTET STRING TLV */
	uint8_t		utc[2 + 15];			/* Time TLV */
	PKCS7Attrib	a[3];
};

static enum brski_rc
make_attrs(struct sign_attrs *s, const uint8_t *ctype, size_t ctype_len,
    const uint8_t *content, size_t len, enum key_type kt, time_t when,
    struct brski_err *e)
{
	struct buf	t = { 0 };
	int		hash = key_hash_type(kt), dlen;
	enum brski_rc	rc;

	dlen = wc_HashGetDigestSize(hash);
	s->md[0] = DER_OCTET_STRING;
	s->md[1] = (uint8_t)dlen;
	if (wc_Hash(hash, content, (word32)len, s->md + 2, (word32)dlen) != 0)
		return brski_fail(e, BRSKI_EIO, "CMS: hashing failed");
	if ((rc = der_put_time(&t, when, e)) != BRSKI_OK)
		return rc;
	memcpy(s->utc, t.data, t.len);
	s->a[0] = (PKCS7Attrib){ oid_content_type, sizeof(oid_content_type),
	    ctype, (word32)ctype_len };
	s->a[1] = (PKCS7Attrib){ oid_message_digest, sizeof(oid_message_digest),
	    s->md, (word32)(2 + dlen) };
	s->a[2] = (PKCS7Attrib){ oid_signing_time, sizeof(oid_signing_time),
	    s->utc, (word32)t.len };
	buf_free(&t);
	return BRSKI_OK;
}

/*
 * PKCS7 signs through this wolfSSL crypto-callback device, which hands
 * the digest to key_sign_digest() with the caller's key object (a
 * software key, or a token key whose own device then signs).  Giving
 * PKCS7 the private key as DER instead would export it for every
 * signature, and wolfSSL 5.5.4 then runs wc_ecc_check_key() on it: a
 * second scalar multiplication with the public key after the one
 * InitWithCert already did, which makes FP_ECC build its 256-point
 * table for a key it will not see again (~4 ms, 40% of a pledge's CPU
 * for its one voucher-request; bench/README.md).
 */
#define CMS_SIGN_DEVID	0x62736b31	/* "bsk1"; key_pkcs11.c's start at 1 */

static _Thread_local const struct brski_key	*signing_key;
static pthread_once_t	sign_dev_once = PTHREAD_ONCE_INIT;
static int		sign_dev_ret = -1;

static int
sign_dev_cb(int devid, wc_CryptoInfo *info, void *ctx)
{
	struct brski_err	 e = { 0 };
	size_t			 n;

	(void)devid;
	(void)ctx;
	if (info->algo_type != WC_ALGO_TYPE_PK ||
	    info->pk.type != WC_PK_TYPE_ECDSA_SIGN)
		return CRYPTOCB_UNAVAILABLE;	/* hashes: software */
	if (signing_key == NULL)
		return BAD_STATE_E;
	if (*info->pk.eccsign.outlen < KEY_SIG_MAX)
		return BUFFER_E;
	if (key_sign_digest(signing_key, info->pk.eccsign.in,
	    info->pk.eccsign.inlen, info->pk.eccsign.out, &n, &e) != BRSKI_OK)
		return WC_HW_E;
	*info->pk.eccsign.outlen = (word32)n;
	return 0;
}

static void
sign_dev_register(void)
{
	/* wolfCrypt_Init() sets up the device table; reference counted */
	if ((sign_dev_ret = wolfCrypt_Init()) == 0)
		sign_dev_ret = wc_CryptoCb_RegisterDevice(CMS_SIGN_DEVID,
		    sign_dev_cb, NULL);
}

/*
 * Sign content as CMS SignedData with eContentType ctype (a DER OID
 * TLV, e.g. cms_oid_voucher), signed by signer/key at signing time
 * when; chain (may be NULL) adds certificates to the message (for
 * vouchers, the path up to and including the anchor, RFC 8366bis).
 * *out is the DER, the caller's.
 */
enum brski_rc
cms_sign(const uint8_t *content, size_t len, const uint8_t *ctype,
    size_t ctype_len, const struct x509_cert *signer,
    const struct x509_list *chain, const struct brski_key *key, time_t when,
    uint8_t **out, size_t *outlen, struct brski_err *e)
{
	struct sign_attrs	 attrs;
	PKCS7			*p7 = NULL;
	uint8_t			*buf = NULL;
	size_t			 max, i;
	int			 ret;
	enum brski_rc		 rc;

	*out = NULL;
	if (len > CMS_DER_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "CMS: content of %zu bytes",
		    len);
	pthread_once(&sign_dev_once, sign_dev_register);
	if (sign_dev_ret != 0)
		return brski_fail(e, BRSKI_EIO, "CMS: cannot register the "
		    "signing device: %s (%d)", wc_GetErrorString(sign_dev_ret),
		    sign_dev_ret);
	if ((rc = make_attrs(&attrs, ctype, ctype_len, content, len, key->type,
	    when, e)) != BRSKI_OK)
		return rc;
	max = len + signer->der_len + 1024;
	for (i = 0; chain != NULL && i < chain->n; i++)
		max += chain->v[i]->der_len;
	if ((buf = malloc(max)) == NULL ||
	    (p7 = wc_PKCS7_New(NULL, CMS_SIGN_DEVID)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "CMS: out of memory");
		goto out;
	}
	ret = wc_PKCS7_InitWithCert(p7, signer->der, (word32)signer->der_len);
	for (i = 0; ret == 0 && chain != NULL && i < chain->n; i++)
		if (!x509_equal(chain->v[i], signer))
			ret = wc_PKCS7_AddCertificate(p7, chain->v[i]->der,
			    (word32)chain->v[i]->der_len);
	p7->content = (byte *)content;
	p7->contentSz = (word32)len;
	p7->encryptOID = ECDSAk;
	p7->hashOID = key->type == KEY_EC_P384 ? SHA384h :
	    key->type == KEY_EC_P521 ? SHA512h : SHA256h;
	p7->rng = rand_rng();
	if (ret == 0)
		ret = wc_PKCS7_SetContentType(p7, (byte *)ctype,
		    (word32)ctype_len);
	if (ret == 0)
		ret = wc_PKCS7_NoDefaultSignedAttribs(p7);
	p7->signedAttribs = attrs.a;
	p7->signedAttribsSz = 3;
	if (ret == 0 && p7->rng == NULL)
		ret = RNG_FAILURE_E;
	if (ret == 0) {
		signing_key = key;
		ret = wc_PKCS7_EncodeSignedData(p7, buf, (word32)max);
		signing_key = NULL;
	}
	if (ret <= 0) {
		rc = brski_fail(e, BRSKI_EIO, "CMS: sign: %s (%d)",
		    wc_GetErrorString(ret), ret);
		goto out;
	}
	*out = buf;
	*outlen = (size_t)ret;
	buf = NULL;
	rc = BRSKI_OK;
out:
	if (p7 != NULL) {
		p7->content = NULL;
		p7->signedAttribs = NULL;
		wc_PKCS7_Free(p7);
	}
	free(buf);
	return rc;
}

/* Copy what the verified PKCS7 holds into a cms_signed. */
static enum brski_rc
collect(PKCS7 *p7, struct cms_signed *s, struct brski_err *e)
{
	uint8_t		tbuf[32];
	word32		tlen = sizeof(tbuf);
	struct der_tlv	t;
	int		i, n;
	enum brski_rc	rc;

	if (p7->contentTypeSz == 0 || p7->contentTypeSz > sizeof(s->ctype))
		return brski_fail(e, BRSKI_EPARSE, "CMS: no eContentType");
	memcpy(s->ctype, p7->contentType, p7->contentTypeSz);
	s->ctype_len = p7->contentTypeSz;
	if ((s->content = malloc(p7->contentSz + 1)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "CMS: out of memory");
	if (p7->contentSz > 0)
		memcpy(s->content, p7->content, p7->contentSz);
	s->content[p7->contentSz] = '\0';
	s->content_len = p7->contentSz;
	for (i = 0; i < MAX_PKCS7_CERTS && p7->cert[i] != NULL; i++)
		if ((rc = x509_list_add_der(&s->certs, p7->cert[i],
		    p7->certSz[i], e)) != BRSKI_OK)
			return brski_prefix(e, "CMS certificate %d: ", i);
	if (p7->verifyCert == NULL)
		return brski_fail(e, BRSKI_EVERIFY, "CMS: no signer certificate");
	if ((rc = x509_parse(p7->verifyCert, p7->verifyCertSz, &s->signer, e)) !=
	    BRSKI_OK)
		return brski_prefix(e, "CMS signer: ");
	/* signingTime is informational; a malformed one is ignored */
	n = wc_PKCS7_GetAttributeValue(p7, oid_signing_time + 2,
	    sizeof(oid_signing_time) - 2, tbuf, &tlen);
	if (n > 0 && der_read(tbuf, (size_t)n, &t, NULL) == BRSKI_OK)
		(void)der_get_time(&t, &s->signing_time, NULL);
	return BRSKI_OK;
}

/* RFC 5652 11.1: the contentType attribute must equal eContentType. */
static enum brski_rc
check_ctype(PKCS7 *p7, const struct cms_signed *s, const uint8_t *expect,
    size_t expect_len, struct brski_err *e)
{
	uint8_t	attr[64];
	word32	alen = sizeof(attr);
	int	n;

	if (expect != NULL && (s->ctype_len != expect_len ||
	    memcmp(s->ctype, expect, expect_len) != 0))
		return brski_fail(e, BRSKI_EVERIFY, "CMS: eContentType is not "
		    "the one expected (not a voucher artifact?)");
	n = wc_PKCS7_GetAttributeValue(p7, oid_content_type + 2,
	    sizeof(oid_content_type) - 2, attr, &alen);
	if (n <= 0)
		return brski_fail(e, BRSKI_EVERIFY, "CMS: no signed contentType "
		    "attribute (RFC 8366bis requires signed attributes)");
	if ((size_t)n != s->ctype_len || memcmp(attr, s->ctype, (size_t)n) != 0)
		return brski_fail(e, BRSKI_EVERIFY, "CMS: contentType attribute "
		    "differs from eContentType");
	return BRSKI_OK;
}

/*
 * Certificates in the SignedData's certificates [0] field, or -1 when
 * the DER cannot be walked (then wolfSSL's decoder has the last word).
 */
static int
count_certs(const struct der_tlv *ci)
{
	struct der_tlv	oid, ex, sd, f, c;
	size_t		off;
	int		n = 0;

	if (der_expect(ci->val, ci->len, DER_OID, &oid, NULL) != BRSKI_OK ||
	    der_expect(ci->val + oid.raw_len, ci->len - oid.raw_len,
	    DER_CTX_C(0), &ex, NULL) != BRSKI_OK ||
	    der_expect(ex.val, ex.len, DER_SEQUENCE, &sd, NULL) != BRSKI_OK)
		return -1;
	for (off = 0; off < sd.len; off += f.raw_len) {
		if (der_read(sd.val + off, sd.len - off, &f, NULL) != BRSKI_OK)
			return -1;
		if (f.tag == DER_CTX_C(0))
			break;
	}
	if (off >= sd.len)
		return 0;
	for (off = 0; off < f.len; off += c.raw_len, n++)
		if (der_read(f.val + off, f.len - off, &c, NULL) != BRSKI_OK)
			return -1;
	return n;
}

/*
 * What wolfSSL 5.5.4 lets through silently: bytes after the
 * ContentInfo are ignored, and certificates past MAX_PKCS7_CERTS are
 * dropped (a chain would arrive cut short).  An indefinite-length (BER)
 * ContentInfo is left to wolfSSL.
 */
static enum brski_rc
check_outer(const uint8_t *der, size_t len, struct brski_err *e)
{
	struct der_tlv	t;
	int		n;

	if (len >= 2 && der[0] == DER_SEQUENCE && der[1] == 0x80)
		return BRSKI_OK;
	if (der_expect(der, len, DER_SEQUENCE, &t, e) != BRSKI_OK)
		return brski_prefix(e, "CMS: ");
	if (t.raw_len != len)
		return brski_fail(e, BRSKI_EPARSE, "CMS: %zu bytes after the "
		    "ContentInfo", len - t.raw_len);
	if ((n = count_certs(&t)) > MAX_PKCS7_CERTS)
		return brski_fail(e, BRSKI_ETOOBIG, "CMS: %d certificates, "
		    "limit %d", n, MAX_PKCS7_CERTS);
	return BRSKI_OK;
}

static int
p7_verify(const uint8_t *der, size_t len, const struct x509_cert *hint,
    PKCS7 **out)
{
	PKCS7	*p7;
	int	 ret;

	*out = NULL;
	if ((p7 = wc_PKCS7_New(NULL, INVALID_DEVID)) == NULL)
		return MEMORY_E;
	ret = wc_PKCS7_InitWithCert(p7, hint ? hint->der : NULL,
	    hint ? (word32)hint->der_len : 0);
	wc_PKCS7_AllowDegenerate(p7, 0);	/* a voucher needs a signer */
	if (ret == 0)
		ret = wc_PKCS7_VerifySignedData(p7, (byte *)der, (word32)len);
	if (ret != 0) {
		wc_PKCS7_Free(p7);
		return ret;
	}
	*out = p7;
	return 0;
}

/*
 * Verify a CMS SignedData: the signature (by the certificate matching
 * the SignerIdentifier; when the message carries no certificates, an
 * anchor may be the signer), the eContentType (if expect_ctype is not
 * NULL) and the signed contentType attribute, and, if anchors is not
 * NULL, that the signer chains to an anchor at time now through the
 * message's certificates.  With anchors NULL only the signature is
 * checked: the caller must judge s->signer itself.  On success *out is
 * the caller's (cms_signed_free()).
 */
enum brski_rc
cms_verify(const uint8_t *der, size_t len, const uint8_t *expect_ctype,
    size_t expect_len, const struct x509_list *anchors, time_t now,
    struct cms_signed **out, struct brski_err *e)
{
	struct cms_signed	*s = NULL;
	PKCS7			*p7 = NULL;
	uint8_t			*copy = NULL;
	size_t			 i;
	int			 ret;
	enum brski_rc		 rc;

	*out = NULL;
	if (len == 0 || len > CMS_DER_MAX)
		return brski_fail(e, len == 0 ? BRSKI_EPARSE : BRSKI_ETOOBIG,
		    "CMS: %zu bytes (limit %d)", len, CMS_DER_MAX);
	if ((rc = check_outer(der, len, e)) != BRSKI_OK)
		return rc;
	/* wolfSSL may write into the input while decoding: use a copy */
	if ((copy = malloc(len)) == NULL ||
	    (s = calloc(1, sizeof(*s))) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "CMS: out of memory");
		goto out;
	}
	memcpy(copy, der, len);
	ret = p7_verify(copy, len, NULL, &p7);
	for (i = 0; ret != 0 && anchors != NULL && i < anchors->n; i++) {
		memcpy(copy, der, len);
		ret = p7_verify(copy, len, anchors->v[i], &p7);
	}
	if (ret != 0) {
		/* SIGNEEDS_CHECK: no certificate (ours or its own) fits */
		rc = brski_fail(e, ret == SIG_VERIFY_E ||
		    ret == PKCS7_NO_SIGNER_E || ret == PKCS7_SIGNEEDS_CHECK ?
		    BRSKI_EVERIFY : BRSKI_EPARSE, "CMS: %s (%d)",
		    wc_GetErrorString(ret), ret);
		goto out;
	}
	if ((rc = collect(p7, s, e)) != BRSKI_OK ||
	    (rc = check_ctype(p7, s, expect_ctype, expect_len, e)) != BRSKI_OK)
		goto out;
	if (anchors != NULL && (rc = x509_verify(s->signer, &s->certs, anchors,
	    now, NULL, e)) != BRSKI_OK) {
		brski_prefix(e, "CMS signer: ");
		goto out;
	}
	*out = s;
	s = NULL;
out:
	wc_PKCS7_Free(p7);
	free(copy);
	cms_signed_free(s);
	return rc;
}

void
cms_signed_free(struct cms_signed *s)
{
	if (s == NULL)
		return;
	free(s->content);
	x509_free(s->signer);
	x509_list_free(&s->certs);
	free(s);
}

/*
 * Certs-only SignedData (no signers) carrying the certificates of l in
 * that order, for EST /cacerts (RFC 7030 4.1.3).  *out (DER) is the
 * caller's.
 */
enum brski_rc
cms_certs_only_encode(const struct x509_list *l, uint8_t **out,
    size_t *outlen, struct brski_err *e)
{
	PKCS7		*p7 = NULL;
	uint8_t		*buf = NULL;
	size_t		 max = 1024, i;
	int		 ret;
	enum brski_rc	 rc = BRSKI_OK;

	*out = NULL;
	if (l->n == 0)
		return brski_fail(e, BRSKI_EINVAL, "CMS: no certificates");
	for (i = 0; i < l->n; i++)
		max += l->v[i]->der_len + 16;
	if ((buf = malloc(max)) == NULL ||
	    (p7 = wc_PKCS7_New(NULL, INVALID_DEVID)) == NULL) {
		free(buf);
		return brski_fail(e, BRSKI_ENOMEM, "CMS: out of memory");
	}
	/*
	 * No InitWithCert(l->v[0]): it decodes that certificate's key, fails
	 * on keys x509_parse() takes, and checks the key with a scalar
	 * multiplication that wolfSSL's FP_ECC cache turns into a ~4 ms
	 * table build for every new LDevID (bench/README.md).  wolfSSL 5.5.4 writes added
	 * certificates last first, so add them in reverse.  Detached: a
	 * Simple PKI Response carries no content (RFC 5272 4.1).  The
	 * result is what openssl crl2pkcs7 -nocrl writes.
	 */
	ret = wc_PKCS7_InitWithCert(p7, NULL, 0);
	for (i = l->n; ret == 0 && i > 0; i--)
		ret = wc_PKCS7_AddCertificate(p7, l->v[i - 1]->der,
		    (word32)l->v[i - 1]->der_len);
	if (ret == 0)
		ret = wc_PKCS7_SetSignerIdentifierType(p7, DEGENERATE_SID);
	if (ret == 0)
		ret = wc_PKCS7_SetDetached(p7, 1);
	p7->hashOID = SHA256h;	/* required even though nothing is hashed */
	if (ret == 0)
		ret = wc_PKCS7_EncodeSignedData(p7, buf, (word32)max);
	if (ret <= 0) {
		rc = brski_fail(e, BRSKI_EIO, "CMS: certs-only: %s (%d)",
		    wc_GetErrorString(ret), ret);
		free(buf);
	} else {
		*out = buf;
		*outlen = (size_t)ret;
	}
	wc_PKCS7_Free(p7);
	return rc;
}

static const uint8_t oid_signed_data[] = { 0x06, 0x09, 0x2a, 0x86, 0x48,
	0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02 };

/*
 * The certificates field of a DER certs-only SignedData (RFC 5652 5.1,
 * RFC 7030 4.1.3: no signers), walked with der.h.  wolfSSL's decoder
 * (wc_PKCS7_VerifySignedData) checks the first certificate's public key
 * with a scalar multiplication, which for an LDevID just issued also
 * makes FP_ECC allocate a 770 KB table entry: here no key is used.
 * Returns 1 with *certs set, 0 if the message has signers (then
 * wolfSSL verifies them, as before), -1 with e set if it is malformed.
 */
static int
certs_only_walk(const uint8_t *der, size_t len, struct der_tlv *certs,
    struct brski_err *e)
{
	struct der_tlv	ci, oid, ex, sd, f = { 0 };
	size_t		off;
	int		seen = 0;

	if (der_expect(der, len, DER_SEQUENCE, &ci, e) != BRSKI_OK ||
	    der_expect(ci.val, ci.len, DER_OID, &oid, e) != BRSKI_OK ||
	    der_expect(ci.val + oid.raw_len, ci.len - oid.raw_len,
	    DER_CTX_C(0), &ex, e) != BRSKI_OK ||
	    der_expect(ex.val, ex.len, DER_SEQUENCE, &sd, e) != BRSKI_OK) {
		brski_prefix(e, "PKCS#7 certs-only: ");
		return -1;
	}
	if (oid.raw_len != sizeof(oid_signed_data) ||
	    memcmp(oid.raw, oid_signed_data, sizeof(oid_signed_data)) != 0 ||
	    oid.raw_len + ex.raw_len != ci.len || sd.raw_len != ex.len) {
		brski_fail(e, BRSKI_EPARSE, "PKCS#7 certs-only: not a "
		    "SignedData ContentInfo");
		return -1;
	}
	/* version, digestAlgorithms, encapContentInfo, [0] certificates,
	 * [1] crls (optional), signerInfos */
	memset(certs, 0, sizeof(*certs));
	for (off = 0; off < sd.len; off += f.raw_len) {
		if (der_read(sd.val + off, sd.len - off, &f, e) != BRSKI_OK) {
			brski_prefix(e, "PKCS#7 certs-only: ");
			return -1;
		}
		if (f.tag == DER_CTX_C(0) && seen++ == 0)
			*certs = f;
	}
	if (seen > 1) {
		brski_fail(e, BRSKI_EPARSE, "PKCS#7 certs-only: two "
		    "certificates fields");
		return -1;
	}
	if (f.tag != DER_SET) {
		brski_fail(e, BRSKI_EPARSE, "PKCS#7 certs-only: no signerInfos");
		return -1;
	}
	if (f.len > 0)
		return 0;
	if (certs->raw == NULL || certs->len == 0) {
		brski_fail(e, BRSKI_EPARSE, "PKCS#7 certs-only: no "
		    "certificates");
		return -1;
	}
	return 1;
}

/*
 * Read the certificates of a certs-only SignedData (ours or anyone's)
 * into l.  At least one certificate is required.  On failure l is left
 * as it was.
 */
enum brski_rc
cms_certs_only_decode(const uint8_t *der, size_t len, struct x509_list *l,
    struct brski_err *e)
{
	struct der_tlv	 certs, c;
	PKCS7		*p7 = NULL;
	uint8_t		*copy = NULL;
	size_t		 n0 = l->n, off;
	int		 i, ret, walk = 0;
	enum brski_rc	 rc = BRSKI_OK;

	if (len == 0 || len > CMS_DER_MAX)
		return brski_fail(e, len == 0 ? BRSKI_EPARSE : BRSKI_ETOOBIG,
		    "PKCS#7: %zu bytes (limit %d)", len, CMS_DER_MAX);
	if ((rc = check_outer(der, len, e)) != BRSKI_OK)
		return rc;
	/* DER without signers: walk it; BER or signed: wolfSSL */
	if (der[1] != 0x80 && (walk = certs_only_walk(der, len, &certs, e)) < 0)
		return BRSKI_EPARSE;
	if (walk == 1) {
		for (off = 0; off < certs.len && rc == BRSKI_OK;
		    off += c.raw_len) {
			if ((rc = der_read(certs.val + off, certs.len - off, &c,
			    e)) != BRSKI_OK)
				brski_prefix(e, "PKCS#7 certs-only: ");
			else if (c.tag != DER_SEQUENCE)
				rc = brski_fail(e, BRSKI_EPARSE, "PKCS#7 "
				    "certs-only: a certificate of type 0x%02x, "
				    "not X.509", c.tag);
			else
				rc = x509_list_add_der(l, c.raw, c.raw_len, e);
		}
		goto out;
	}
	if ((copy = malloc(len)) == NULL ||
	    (p7 = wc_PKCS7_New(NULL, INVALID_DEVID)) == NULL) {
		free(copy);
		return brski_fail(e, BRSKI_ENOMEM, "PKCS#7: out of memory");
	}
	memcpy(copy, der, len);
	if ((ret = wc_PKCS7_VerifySignedData(p7, copy, (word32)len)) != 0) {
		rc = brski_fail(e, BRSKI_EPARSE, "PKCS#7 certs-only: %s (%d)",
		    wc_GetErrorString(ret), ret);
		goto out;
	}
	for (i = 0; i < MAX_PKCS7_CERTS && p7->cert[i] != NULL; i++)
		if ((rc = x509_list_add_der(l, p7->cert[i], p7->certSz[i], e)) !=
		    BRSKI_OK)
			goto out;
	if (i == 0)
		rc = brski_fail(e, BRSKI_EPARSE, "PKCS#7 certs-only: no "
		    "certificates");
out:
	if (rc != BRSKI_OK)
		while (l->n > n0)
			x509_free(l->v[--l->n]);
	wc_PKCS7_Free(p7);
	free(copy);
	return rc;
}
