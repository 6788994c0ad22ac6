/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate parsing and certificate lists.  wolfSSL decodes and
 * validates the structure; the few things its Debian build does not
 * hand out (id-kp-cmcRA in the EKU, the MASA URL extension, the whole
 * AKI extnValue that RFC 8366bis idevid-issuer carries, raw Names and
 * validity) are read from the DER with der.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "der.h"
#include "fileio.h"
#include "x509.h"

#define X509_LIST_MAX	64		/* certificates in one file/bag */
#define X509_PEM_MAX	(256 * 1024)

/* extension OIDs, contents only (no tag/length) */
static const uint8_t oid_eku[] = { 0x55, 0x1d, 0x25 };
static const uint8_t oid_aki[] = { 0x55, 0x1d, 0x23 };
static const uint8_t oid_masa_url[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x20 };
static const uint8_t oid_kp_server[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t oid_kp_client[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
static const uint8_t oid_kp_cmcra[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x1c };
static const uint8_t oid_kp_any[] = { 0x55, 0x1d, 0x25, 0x00 };

#define OID_IS(t, o) ((t)->len == sizeof(o) && memcmp((t)->val, o, sizeof(o)) == 0)

static char *
strndup_printable(const char *s, int len)
{
	char	*p;
	int	 i;

	if (s == NULL || len <= 0)
		return NULL;
	if ((p = malloc((size_t)len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		p[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	p[len] = '\0';
	return p;
}

/* wolfSSL's "/C=DE/CN=x" becomes "C=DE,CN=x" (display only). */
static void
name_text(char *dst, size_t dlen, const char *src)
{
	size_t	i, o = 0;

	if (*src == '/')
		src++;
	for (i = 0; src[i] != '\0' && o + 1 < dlen; i++)
		dst[o++] = src[i] == '/' ? ',' :
		    ((unsigned char)src[i] < 0x20 ? '?' : src[i]);
	dst[o] = '\0';
}

static int
dup_bytes(uint8_t **dst, size_t *dlen, const uint8_t *src, size_t len)
{
	if ((*dst = malloc(len > 0 ? len : 1)) == NULL)
		return -1;
	memcpy(*dst, src, len);
	*dlen = len;
	return 0;
}

/* extKeyUsage: SEQUENCE OF KeyPurposeId */
static enum brski_rc
parse_eku(struct x509_cert *c, const struct der_tlv *val, struct brski_err *e)
{
	struct der_tlv	seq, oid;
	size_t		off;

	if (c->has_eku)
		return brski_fail(e, BRSKI_EPARSE, "two extKeyUsage extensions");
	if (der_expect(val->val, val->len, DER_SEQUENCE, &seq, e) != BRSKI_OK)
		return brski_prefix(e, "extKeyUsage: ");
	c->has_eku = 1;
	for (off = 0; off < seq.len; off += oid.raw_len) {
		if (der_expect(seq.val + off, seq.len - off, DER_OID, &oid, e) !=
		    BRSKI_OK)
			return brski_prefix(e, "extKeyUsage: ");
		if (OID_IS(&oid, oid_kp_server))
			c->eku |= X509_EKU_SERVER_AUTH;
		else if (OID_IS(&oid, oid_kp_client))
			c->eku |= X509_EKU_CLIENT_AUTH;
		else if (OID_IS(&oid, oid_kp_cmcra))
			c->eku |= X509_EKU_CMC_RA;
		else if (OID_IS(&oid, oid_kp_any))
			c->eku |= X509_EKU_ANY;
		else
			c->eku |= X509_EKU_OTHER;
	}
	return BRSKI_OK;
}

/* id-pe-masa-url: IA5String (RFC 8995 2.3.2) */
static enum brski_rc
parse_masa_url(struct x509_cert *c, const struct der_tlv *val,
    struct brski_err *e)
{
	struct der_tlv	s;
	size_t		i;

	if (c->masa_url != NULL)
		return brski_fail(e, BRSKI_EPARSE, "two MASA URL extensions");
	if (der_expect(val->val, val->len, DER_IA5STRING, &s, e) != BRSKI_OK)
		return brski_prefix(e, "MASA URL extension: ");
	for (i = 0; i < s.len; i++)
		if (s.val[i] <= 0x20 || s.val[i] >= 0x7f)
			return brski_fail(e, BRSKI_EPARSE, "MASA URL extension: "
			    "invalid character");
	if (s.len == 0 || (c->masa_url = strndup((const char *)s.val,
	    s.len)) == NULL)
		return brski_fail(e, BRSKI_EPARSE, "MASA URL extension: empty "
		    "or out of memory");
	return BRSKI_OK;
}

/* AKI: keep the whole extnValue (idevid-issuer) and the keyIdentifier */
static enum brski_rc
parse_aki(struct x509_cert *c, const struct der_tlv *val, struct brski_err *e)
{
	struct der_tlv	seq, kid;

	if (c->aki_ext != NULL)
		return brski_fail(e, BRSKI_EPARSE, "two authorityKeyIdentifier "
		    "extensions");
	if (der_expect(val->val, val->len, DER_SEQUENCE, &seq, e) != BRSKI_OK)
		return brski_prefix(e, "authorityKeyIdentifier: ");
	if (dup_bytes(&c->aki_ext, &c->aki_ext_len, val->raw, val->raw_len))
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	if (seq.len > 0 && der_read(seq.val, seq.len, &kid, e) == BRSKI_OK &&
	    kid.tag == DER_CTX(0) && kid.len <= sizeof(c->aki_keyid)) {
		memcpy(c->aki_keyid, kid.val, kid.len);
		c->aki_keyid_len = kid.len;
	}
	return BRSKI_OK;
}

/*
 * Walk [3] Extensions for what wolfSSL does not give us.  RFC 5280 4.2:
 * an extension appears at most once; wolfSSL 5.5.4 does not check
 * that for the ones read here, so their parsers do.
 */
static enum brski_rc
parse_extensions(struct x509_cert *c, const struct der_tlv *exts,
    struct brski_err *e)
{
	struct der_tlv	seq, ext, oid, val;
	size_t		off;
	enum brski_rc	rc = BRSKI_OK;

	if (der_expect(exts->val, exts->len, DER_SEQUENCE, &seq, e) != BRSKI_OK)
		return brski_prefix(e, "extensions: ");
	for (off = 0; off < seq.len && rc == BRSKI_OK; off += ext.raw_len) {
		if (der_expect(seq.val + off, seq.len - off, DER_SEQUENCE, &ext,
		    e) != BRSKI_OK ||
		    der_expect(ext.val, ext.len, DER_OID, &oid, e) != BRSKI_OK ||
		    der_read(oid.val + oid.len, ext.len - oid.raw_len, &val, e) !=
		    BRSKI_OK)
			return brski_prefix(e, "extension: ");
		if (val.tag == DER_BOOLEAN &&
		    der_read(val.val + val.len, ext.len - oid.raw_len -
		    val.raw_len, &val, e) != BRSKI_OK)
			return brski_prefix(e, "extension: ");
		if (val.tag != DER_OCTET_STRING)
			return brski_fail(e, BRSKI_EPARSE, "extension: value is "
			    "not an OCTET STRING");
		if (OID_IS(&oid, oid_eku))
			rc = parse_eku(c, &val, e);
		else if (OID_IS(&oid, oid_masa_url))
			rc = parse_masa_url(c, &val, e);
		else if (OID_IS(&oid, oid_aki))
			rc = parse_aki(c, &val, e);
	}
	return rc;
}

/*
 * Certificate ::= SEQUENCE { tbs, sigAlg, sig };  from the TBS take the
 * raw issuer and subject Names, the validity, the SPKI and extensions.
 * Version 1 certificates (no [0] version, no extensions) are read too:
 * some EST clients still carry them.
 */
static enum brski_rc
parse_tbs(struct x509_cert *c, struct brski_err *e)
{
	struct der_tlv	cert, tbs, f[10], nb, na;
	size_t		off, n = 0, v;

	if (der_expect(c->der, c->der_len, DER_SEQUENCE, &cert, e) != BRSKI_OK ||
	    cert.raw_len != c->der_len ||
	    der_expect(cert.val, cert.len, DER_SEQUENCE, &tbs, e) != BRSKI_OK)
		return brski_fail(e, BRSKI_EPARSE, "certificate: bad structure");
	for (off = 0; off < tbs.len && n < 10; off += f[n++].raw_len)
		if (der_read(tbs.val + off, tbs.len - off, &f[n], e) != BRSKI_OK)
			return brski_prefix(e, "certificate: ");
	/* [0] version?, serial, sigAlg, issuer, validity, subject, spki */
	v = n > 0 && f[0].tag == DER_CTX_C(0) ? 1 : 0;
	if (n < 6 + v || f[2 + v].tag != DER_SEQUENCE ||
	    f[3 + v].tag != DER_SEQUENCE || f[4 + v].tag != DER_SEQUENCE ||
	    f[5 + v].tag != DER_SEQUENCE)
		return brski_fail(e, BRSKI_EPARSE, "certificate: bad TBS");
	if (dup_bytes(&c->issuer_raw, &c->issuer_raw_len, f[2 + v].raw,
	    f[2 + v].raw_len) || dup_bytes(&c->subject_raw, &c->subject_raw_len,
	    f[4 + v].raw, f[4 + v].raw_len) || dup_bytes(&c->spki,
	    &c->spki_len, f[5 + v].raw, f[5 + v].raw_len))
		return brski_fail(e, BRSKI_ENOMEM, "certificate: out of memory");
	if (der_read(f[3 + v].val, f[3 + v].len, &nb, e) != BRSKI_OK ||
	    der_read(nb.val + nb.len, f[3 + v].len - nb.raw_len, &na, e) !=
	    BRSKI_OK || der_get_time(&nb, &c->not_before, e) != BRSKI_OK ||
	    der_get_time(&na, &c->not_after, e) != BRSKI_OK)
		return brski_prefix(e, "validity: ");
	for (off = 6 + v; off < n; off++)
		if (f[off].tag == DER_CTX_C(3))
			return parse_extensions(c, &f[off], e);
	return BRSKI_OK;
}

/*
 * An iPAddress SAN as inet_ntop() text: RFC 5952 form for IPv6, which
 * callers compare with the address they connected to (wolfSSL's
 * ipString spells out "0000:...:0001" for "::1").
 */
static int
ip_text(const DNS_entry *d, char **out)
{
	char	txt[INET6_ADDRSTRLEN];
	int	af;

	*out = NULL;
	if (d->len == 4)
		af = AF_INET;
	else if (d->len == 16)
		af = AF_INET6;
	else
		return -1;
	if (inet_ntop(af, d->name, txt, sizeof(txt)) == NULL ||
	    (*out = strdup(txt)) == NULL)
		return -1;
	return 0;
}

/* The fields wolfSSL decoded: names, serial, basic constraints, KU, SANs. */
static enum brski_rc
copy_decoded(struct x509_cert *c, DecodedCert *dc, struct brski_err *e)
{
	DNS_entry	*d;

	name_text(c->subject, sizeof(c->subject), dc->subject);
	name_text(c->issuer, sizeof(c->issuer), dc->issuer);
	c->cn = strndup_printable(dc->subjectCN, dc->subjectCNLen);
	c->serial_number = strndup_printable(dc->subjectSND, dc->subjectSNDLen);
	if (dc->serialSz < 0 || (size_t)dc->serialSz > sizeof(c->serial))
		return brski_fail(e, BRSKI_EPARSE, "certificate: serial number "
		    "too long");
	memcpy(c->serial, dc->serial, (size_t)dc->serialSz);
	c->serial_len = (size_t)dc->serialSz;
	c->is_ca = dc->isCA;
	c->path_len = dc->pathLengthSet ? dc->pathLength : -1;
	c->key_oid = (int)dc->keyOID;
	if (dc->extKeyUsageSet) {
		c->has_key_usage = 1;
		if (dc->extKeyUsage & KEYUSE_DIGITAL_SIG)
			c->key_usage |= X509_KU_DIGITAL_SIGNATURE;
		if (dc->extKeyUsage & KEYUSE_KEY_ENCIPHER)
			c->key_usage |= X509_KU_KEY_ENCIPHERMENT;
		if (dc->extKeyUsage & KEYUSE_KEY_AGREE)
			c->key_usage |= X509_KU_KEY_AGREEMENT;
		if (dc->extKeyUsage & KEYUSE_KEY_CERT_SIGN)
			c->key_usage |= X509_KU_KEY_CERT_SIGN;
		if (dc->extKeyUsage & KEYUSE_CRL_SIGN)
			c->key_usage |= X509_KU_CRL_SIGN;
	}
	if (dc->extSubjKeyIdSet && dc->extSubjKeyIdSrc != NULL &&
	    dc->extSubjKeyIdSz <= sizeof(c->ski)) {
		memcpy(c->ski, dc->extSubjKeyIdSrc, dc->extSubjKeyIdSz);
		c->ski_len = dc->extSubjKeyIdSz;
	}
	for (d = dc->altNames; d != NULL; d = d->next) {
		if (d->type == ASN_DNS_TYPE && c->san_dns_count < X509_SAN_MAX)
			c->san_dns[c->san_dns_count++] =
			    strndup_printable(d->name, d->len);
		else if (d->type == ASN_IP_TYPE &&
		    c->san_ip_count < X509_SAN_MAX &&
		    ip_text(d, &c->san_ip[c->san_ip_count++]) != 0)
			return brski_fail(e, BRSKI_EPARSE, "certificate: bad "
			    "iPAddress in subjectAltName");
		else if (d->type == ASN_URI_TYPE &&
		    c->san_uri_count < X509_SAN_MAX)
			c->san_uri[c->san_uri_count++] =
			    strndup_printable(d->name, d->len);
	}
	return BRSKI_OK;
}

/*
 * Parse one DER certificate (untrusted input; nothing is verified).  The
 * caller frees *out with x509_free().  BRSKI_EPARSE if malformed.
 */
enum brski_rc
x509_parse(const uint8_t *der, size_t len, struct x509_cert **out,
    struct brski_err *e)
{
	struct x509_cert	*c = NULL;
	DecodedCert		 dc;
	int			 ret, dc_init = 0;
	enum brski_rc		 rc;

	*out = NULL;
	if (len == 0 || len > X509_DER_MAX)
		return brski_fail(e, len == 0 ? BRSKI_EPARSE : BRSKI_ETOOBIG,
		    "certificate: %zu bytes (limit %d)", len, X509_DER_MAX);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    dup_bytes(&c->der, &c->der_len, der, len)) {
		rc = brski_fail(e, BRSKI_ENOMEM, "certificate: out of memory");
		goto out;
	}
	wc_InitDecodedCert(&dc, c->der, (word32)len, NULL);
	dc_init = 1;
	/* NO_VERIFY: signature and dates are x509_verify()'s job */
	if ((ret = wc_ParseCert(&dc, CERT_TYPE, NO_VERIFY, NULL)) != 0) {
		rc = brski_fail(e, BRSKI_EPARSE, "certificate: %s (%d)",
		    wc_GetErrorString(ret), ret);
		goto out;
	}
	if ((rc = copy_decoded(c, &dc, e)) != BRSKI_OK ||
	    (rc = parse_tbs(c, e)) != BRSKI_OK)
		goto out;
	wc_Sha256Hash(c->der, (word32)c->der_len, c->sha256);
	*out = c;
	c = NULL;
out:
	if (dc_init)
		wc_FreeDecodedCert(&dc);
	x509_free(c);
	return rc;
}

void
x509_free(struct x509_cert *c)
{
	size_t	i;

	if (c == NULL)
		return;
	free(c->der);
	free(c->cn);
	free(c->serial_number);
	free(c->masa_url);
	free(c->aki_ext);
	free(c->spki);
	free(c->subject_raw);
	free(c->issuer_raw);
	for (i = 0; i < c->san_dns_count; i++)
		free(c->san_dns[i]);
	for (i = 0; i < c->san_ip_count; i++)
		free(c->san_ip[i]);
	for (i = 0; i < c->san_uri_count; i++)
		free(c->san_uri[i]);
	free(c);
}

/* A deep copy (by re-parsing the DER). */
enum brski_rc
x509_dup(const struct x509_cert *c, struct x509_cert **out,
    struct brski_err *e)
{
	return x509_parse(c->der, c->der_len, out, e);
}

int
x509_equal(const struct x509_cert *a, const struct x509_cert *b)
{
	return a != NULL && b != NULL && a->der_len == b->der_len &&
	    memcmp(a->der, b->der, a->der_len) == 0;
}

/*
 * "subject (sha256:0123abcd...)" for log lines: names a certificate
 * without trusting its subject to be unique.
 */
const char *
x509_label(const struct x509_cert *c, char *buf, size_t len)
{
	snprintf(buf, len, "\"%.200s\" (sha256:%02x%02x%02x%02x%02x%02x%02x%02x)",
	    c->subject, c->sha256[0], c->sha256[1], c->sha256[2],
	    c->sha256[3], c->sha256[4], c->sha256[5], c->sha256[6],
	    c->sha256[7]);
	return buf;
}

/* PEM "CERTIFICATE" text of one DER certificate; caller frees. */
enum brski_rc
x509_to_pem(const uint8_t *der, size_t len, char **out, size_t *outlen,
    struct brski_err *e)
{
	size_t	 max = len * 2 + 128;
	char	*pem;
	int	 n;

	*out = NULL;
	if ((pem = malloc(max)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "PEM: out of memory");
	n = wc_DerToPem(der, (word32)len, (byte *)pem, (word32)max - 1,
	    CERT_TYPE);
	if (n <= 0) {
		free(pem);
		return brski_fail(e, BRSKI_EINVAL, "PEM: %s (%d)",
		    wc_GetErrorString(n), n);
	}
	pem[n] = '\0';
	*out = pem;
	if (outlen != NULL)
		*outlen = (size_t)n;
	return BRSKI_OK;
}

/* Append an already parsed certificate; the list takes ownership. */
enum brski_rc
x509_list_push(struct x509_list *l, struct x509_cert *c, struct brski_err *e)
{
	struct x509_cert	**v;

	if (l->n >= X509_LIST_MAX) {
		x509_free(c);
		return brski_fail(e, BRSKI_ETOOBIG, "more than %d certificates",
		    X509_LIST_MAX);
	}
	if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL) {
		x509_free(c);
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	}
	l->v = v;
	l->v[l->n++] = c;
	return BRSKI_OK;
}

/* Parse a DER certificate and append it. */
enum brski_rc
x509_list_add_der(struct x509_list *l, const uint8_t *der, size_t len,
    struct brski_err *e)
{
	struct x509_cert	*c;
	enum brski_rc		 rc;

	if ((rc = x509_parse(der, len, &c, e)) != BRSKI_OK)
		return rc;
	return x509_list_push(l, c, e);
}

/*
 * Append every certificate in buf: a PEM bundle (other PEM blocks such
 * as keys are skipped) or one DER certificate.  At least one is needed.
 * On failure l is left as it was: no half of a bundle is kept.
 */
enum brski_rc
x509_list_parse(const uint8_t *buf, size_t len, struct x509_list *l,
    struct brski_err *e)
{
	static const char	 begin[] = "-----BEGIN CERTIFICATE-----";
	static const char	 end[] = "-----END CERTIFICATE-----";
	const uint8_t		*p = buf, *q, *stop = buf + len;
	uint8_t			*der = NULL;
	size_t			 found = 0, n0 = l->n;
	int			 n;
	enum brski_rc		 rc = BRSKI_OK;

	if (memmem(buf, len, "-----BEGIN", 10) == NULL)
		return x509_list_add_der(l, buf, len, e);
	if ((der = malloc(len)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	while ((p = memmem(p, (size_t)(stop - p), begin, sizeof(begin) - 1)) !=
	    NULL) {
		if ((q = memmem(p, (size_t)(stop - p), end, sizeof(end) - 1)) ==
		    NULL) {
			rc = brski_fail(e, BRSKI_EPARSE, "PEM: certificate %zu "
			    "has no END line", found + 1);
			goto out;
		}
		q += sizeof(end) - 1;
		n = wc_CertPemToDer(p, (int)(q - p), der, (int)len, CERT_TYPE);
		if (n <= 0) {
			rc = brski_fail(e, BRSKI_EPARSE, "PEM: certificate %zu: "
			    "%s (%d)", found + 1, wc_GetErrorString(n), n);
			goto out;
		}
		if ((rc = x509_list_add_der(l, der, (size_t)n, e)) != BRSKI_OK) {
			brski_prefix(e, "PEM certificate %zu: ", found + 1);
			goto out;
		}
		found++;
		p = q;
	}
	if (found == 0)
		rc = brski_fail(e, BRSKI_EPARSE, "PEM: no CERTIFICATE block");
out:
	if (rc != BRSKI_OK)
		while (l->n > n0)
			x509_free(l->v[--l->n]);
	free(der);
	return rc;
}

/* x509_list_parse() of a file; the error names the file. */
enum brski_rc
x509_list_load(const char *path, struct x509_list *l, struct brski_err *e)
{
	uint8_t		*buf = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	if ((rc = file_read(path, X509_PEM_MAX, &buf, &len, e)) != BRSKI_OK)
		return rc;
	if ((rc = x509_list_parse(buf, len, l, e)) != BRSKI_OK)
		brski_prefix(e, "%s: ", path);
	free(buf);
	return rc;
}

/* Concatenated PEM of every certificate in the list; caller frees. */
enum brski_rc
x509_list_to_pem(const struct x509_list *l, char **out, size_t *outlen,
    struct brski_err *e)
{
	struct buf	 b = { 0 };
	char		*pem;
	size_t		 i, n;
	enum brski_rc	 rc = BRSKI_OK;

	*out = NULL;
	for (i = 0; i < l->n && rc == BRSKI_OK; i++) {
		if ((rc = x509_to_pem(l->v[i]->der, l->v[i]->der_len, &pem, &n,
		    e)) != BRSKI_OK)
			break;
		rc = buf_append(&b, pem, n, BUF_NOLIMIT, e);
		free(pem);
	}
	if (rc != BRSKI_OK) {
		buf_free(&b);
		return rc;
	}
	if (b.data == NULL && buf_append(&b, "", 0, BUF_NOLIMIT, e) != BRSKI_OK)
		return BRSKI_ENOMEM;
	*out = (char *)buf_steal(&b, outlen);
	return BRSKI_OK;
}

void
x509_list_free(struct x509_list *l)
{
	size_t	i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		x509_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
