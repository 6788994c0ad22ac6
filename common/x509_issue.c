/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Certificate issuance.  The Debian wolfSSL has no API for custom
 * extensions or EKU OIDs (DESIGN.md), so the whole TBSCertificate is
 * written here with der.h, and wolfSSL's wc_SignCert() signs it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/sha.h>

#include "der.h"
#include "rand.h"
#include "x509.h"

#define X509_SERIAL_LEN	16	/* random, RFC 5280 allows 20 octets */

/* OID TLVs */
static const uint8_t oid_cn[] = { 0x06, 0x03, 0x55, 0x04, 0x03 };
static const uint8_t oid_sn[] = { 0x06, 0x03, 0x55, 0x04, 0x05 };
static const uint8_t oid_c[] = { 0x06, 0x03, 0x55, 0x04, 0x06 };
static const uint8_t oid_o[] = { 0x06, 0x03, 0x55, 0x04, 0x0a };
static const uint8_t oid_ou[] = { 0x06, 0x03, 0x55, 0x04, 0x0b };
static const uint8_t oid_bc[] = { 0x06, 0x03, 0x55, 0x1d, 0x13 };
static const uint8_t oid_ku[] = { 0x06, 0x03, 0x55, 0x1d, 0x0f };
static const uint8_t oid_eku[] = { 0x06, 0x03, 0x55, 0x1d, 0x25 };
static const uint8_t oid_ski[] = { 0x06, 0x03, 0x55, 0x1d, 0x0e };
static const uint8_t oid_aki[] = { 0x06, 0x03, 0x55, 0x1d, 0x23 };
static const uint8_t oid_san[] = { 0x06, 0x03, 0x55, 0x1d, 0x11 };
static const uint8_t oid_masa_url[] = {
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x20 };
static const uint8_t oid_kp_server[] = {
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
static const uint8_t oid_kp_client[] = {
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02 };
static const uint8_t oid_kp_cmcra[] = {
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x1c };
/* AlgorithmIdentifiers, no parameters (RFC 5758 3.2) */
static const uint8_t alg_ecdsa_sha256[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02 };
static const uint8_t alg_ecdsa_sha384[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03 };
static const uint8_t alg_ecdsa_sha512[] = { 0x30, 0x0a, 0x06, 0x08, 0x2a,
	0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04 };

/* X.520 PrintableString alphabet (serialNumber, countryName) */
static int
printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr(" '()+,-./:=?", *s)))
			return 0;
	return 1;
}

/* RDN: SET { SEQUENCE { type, value } } */
static enum brski_rc
put_rdn(struct buf *name, const uint8_t *oid, size_t oidlen, uint8_t tag,
    const char *v, struct brski_err *e)
{
	struct buf	atv = { 0 }, set = { 0 };
	enum brski_rc	rc;

	if (v == NULL)
		return BRSKI_OK;
	if (*v == '\0' || strlen(v) > 64 || (tag == DER_PRINTABLE &&
	    !printable(v)))
		return brski_fail(e, BRSKI_EINVAL, "subject: \"%.64s\" is empty, "
		    "longer than 64 or not printable", v);
	if ((rc = der_put_raw(&atv, oid, oidlen, e)) == BRSKI_OK &&
	    (rc = der_put(&atv, tag, v, strlen(v), e)) == BRSKI_OK &&
	    (rc = der_put(&set, DER_SEQUENCE, atv.data, atv.len, e)) ==
	    BRSKI_OK)
		rc = der_put(name, DER_SET, set.data, set.len, e);
	buf_free(&atv);
	buf_free(&set);
	return rc;
}

static enum brski_rc
put_subject(struct buf *tbs, const struct x509_template *t,
    struct brski_err *e)
{
	struct buf	name = { 0 };
	enum brski_rc	rc;

	if (t->subject_der != NULL)
		return der_put_raw(tbs, t->subject_der, t->subject_der_len, e);
	if ((rc = put_rdn(&name, oid_c, sizeof(oid_c), DER_PRINTABLE,
	    t->country, e)) == BRSKI_OK &&
	    (rc = put_rdn(&name, oid_o, sizeof(oid_o), DER_UTF8STRING, t->org,
	    e)) == BRSKI_OK &&
	    (rc = put_rdn(&name, oid_ou, sizeof(oid_ou), DER_UTF8STRING,
	    t->org_unit, e)) == BRSKI_OK &&
	    (rc = put_rdn(&name, oid_cn, sizeof(oid_cn), DER_UTF8STRING, t->cn,
	    e)) == BRSKI_OK &&
	    (rc = put_rdn(&name, oid_sn, sizeof(oid_sn), DER_PRINTABLE,
	    t->serial_number, e)) == BRSKI_OK)
		rc = der_put(tbs, DER_SEQUENCE, name.data, name.len, e);
	buf_free(&name);
	return rc;
}

/* Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue } */
static enum brski_rc
put_ext(struct buf *exts, const uint8_t *oid, size_t oidlen, int critical,
    const struct buf *val, struct brski_err *e)
{
	static const uint8_t	 crit[] = { 0x01, 0x01, 0xff };
	struct buf		 ext = { 0 };
	enum brski_rc		 rc;

	if ((rc = der_put_raw(&ext, oid, oidlen, e)) == BRSKI_OK &&
	    (!critical || (rc = der_put_raw(&ext, crit, sizeof(crit), e)) ==
	    BRSKI_OK) &&
	    (rc = der_put(&ext, DER_OCTET_STRING, val->data, val->len, e)) ==
	    BRSKI_OK)
		rc = der_put(exts, DER_SEQUENCE, ext.data, ext.len, e);
	buf_free(&ext);
	return rc;
}

/* keyIdentifier = SHA-1 of the subjectPublicKey bits (RFC 5280 4.2.1.2) */
enum brski_rc
x509_key_id(const uint8_t *spki, size_t len, uint8_t id[WC_SHA_DIGEST_SIZE],
    struct brski_err *e)
{
	struct der_tlv	seq, alg, bits;

	if (der_expect(spki, len, DER_SEQUENCE, &seq, e) != BRSKI_OK ||
	    der_expect(seq.val, seq.len, DER_SEQUENCE, &alg, e) != BRSKI_OK ||
	    der_expect(seq.val + alg.raw_len, seq.len - alg.raw_len,
	    DER_BIT_STRING, &bits, e) != BRSKI_OK || bits.len < 2)
		return brski_fail(e, BRSKI_EPARSE, "public key is not a "
		    "SubjectPublicKeyInfo");
	if (wc_ShaHash(bits.val + 1, (word32)bits.len - 1, id) != 0)
		return brski_fail(e, BRSKI_EIO, "SHA-1 failed");
	return BRSKI_OK;
}

static enum brski_rc
put_bc(struct buf *exts, const struct x509_template *t, struct brski_err *e)
{
	static const uint8_t	 yes[] = { 0x01, 0x01, 0xff };
	struct buf		 v = { 0 }, in = { 0 };
	enum brski_rc		 rc = BRSKI_OK;

	if (t->is_ca) {
		rc = der_put_raw(&in, yes, sizeof(yes), e);
		if (rc == BRSKI_OK && t->path_len >= 0)
			rc = der_put_small_int(&in, t->path_len, e);
	}
	if (rc == BRSKI_OK)
		rc = der_put(&v, DER_SEQUENCE, in.data, in.len, e);
	/* RFC 5280 4.2.1.9: critical in CA certificates */
	if (rc == BRSKI_OK)
		rc = put_ext(exts, oid_bc, sizeof(oid_bc), t->is_ca, &v, e);
	buf_free(&v);
	buf_free(&in);
	return rc;
}

/* keyUsage BIT STRING: bit 0 (digitalSignature) is the first byte's MSB */
static enum brski_rc
put_ku(struct buf *exts, unsigned usage, struct brski_err *e)
{
	struct buf	v = { 0 };
	uint8_t		bs[4] = { DER_BIT_STRING, 2, 0, 0 };
	enum brski_rc	rc;

	if (usage == 0)
		return BRSKI_OK;
	if (usage & X509_KU_DIGITAL_SIGNATURE)
		bs[3] |= 0x80;
	if (usage & X509_KU_KEY_ENCIPHERMENT)
		bs[3] |= 0x20;
	if (usage & X509_KU_KEY_AGREEMENT)
		bs[3] |= 0x08;
	if (usage & X509_KU_KEY_CERT_SIGN)
		bs[3] |= 0x04;
	if (usage & X509_KU_CRL_SIGN)
		bs[3] |= 0x02;
	/* DER: the unused-bits count covers the trailing zero bits */
	while (bs[2] < 7 && !((bs[3] >> bs[2]) & 1))
		bs[2]++;
	if ((rc = der_put_raw(&v, bs, sizeof(bs), e)) == BRSKI_OK)
		rc = put_ext(exts, oid_ku, sizeof(oid_ku), 1, &v, e);
	buf_free(&v);
	return rc;
}

static enum brski_rc
put_eku(struct buf *exts, unsigned eku, struct brski_err *e)
{
	struct buf	seq = { 0 }, v = { 0 };
	enum brski_rc	rc = BRSKI_OK;

	if (eku == 0)
		return BRSKI_OK;
	if (eku & X509_EKU_SERVER_AUTH)
		rc = der_put_raw(&seq, oid_kp_server, sizeof(oid_kp_server), e);
	if (rc == BRSKI_OK && (eku & X509_EKU_CLIENT_AUTH))
		rc = der_put_raw(&seq, oid_kp_client, sizeof(oid_kp_client), e);
	if (rc == BRSKI_OK && (eku & X509_EKU_CMC_RA))
		rc = der_put_raw(&seq, oid_kp_cmcra, sizeof(oid_kp_cmcra), e);
	if (rc == BRSKI_OK)
		rc = der_put(&v, DER_SEQUENCE, seq.data, seq.len, e);
	if (rc == BRSKI_OK)
		rc = put_ext(exts, oid_eku, sizeof(oid_eku), 0, &v, e);
	buf_free(&seq);
	buf_free(&v);
	return rc;
}

static enum brski_rc
put_san(struct buf *exts, const struct x509_template *t, struct brski_err *e)
{
	struct buf	names = { 0 }, v = { 0 };
	uint8_t		addr[16];
	size_t		i;
	enum brski_rc	rc = BRSKI_OK;

	if (t->san_dns_count == 0 && t->san_ip_count == 0)
		return BRSKI_OK;
	for (i = 0; rc == BRSKI_OK && i < t->san_dns_count; i++)
		rc = der_put(&names, DER_CTX(2), t->san_dns[i],
		    strlen(t->san_dns[i]), e);
	for (i = 0; rc == BRSKI_OK && i < t->san_ip_count; i++) {
		if (inet_pton(AF_INET, t->san_ip[i], addr) == 1)
			rc = der_put(&names, DER_CTX(7), addr, 4, e);
		else if (inet_pton(AF_INET6, t->san_ip[i], addr) == 1)
			rc = der_put(&names, DER_CTX(7), addr, 16, e);
		else
			rc = brski_fail(e, BRSKI_EINVAL, "subjectAltName: \"%s\" "
			    "is not an IP address", t->san_ip[i]);
	}
	if (rc == BRSKI_OK)
		rc = der_put(&v, DER_SEQUENCE, names.data, names.len, e);
	if (rc == BRSKI_OK)
		rc = put_ext(exts, oid_san, sizeof(oid_san), 0, &v, e);
	buf_free(&names);
	buf_free(&v);
	return rc;
}

static enum brski_rc
put_key_ids(struct buf *exts, const uint8_t *spki, size_t spki_len,
    const struct x509_cert *issuer, struct brski_err *e)
{
	uint8_t		id[WC_SHA_DIGEST_SIZE];
	struct buf	v = { 0 }, in = { 0 };
	enum brski_rc	rc;

	if ((rc = x509_key_id(spki, spki_len, id, e)) != BRSKI_OK)
		return rc;
	if ((rc = der_put(&v, DER_OCTET_STRING, id, sizeof(id), e)) ==
	    BRSKI_OK)
		rc = put_ext(exts, oid_ski, sizeof(oid_ski), 0, &v, e);
	buf_reset(&v);
	/* AKI keyIdentifier: the issuer's SKI, else its key's id */
	if (rc == BRSKI_OK && issuer != NULL && issuer->ski_len > 0)
		rc = der_put(&in, DER_CTX(0), issuer->ski, issuer->ski_len, e);
	else if (rc == BRSKI_OK && issuer != NULL &&
	    (rc = x509_key_id(issuer->spki, issuer->spki_len, id, e)) ==
	    BRSKI_OK)
		rc = der_put(&in, DER_CTX(0), id, sizeof(id), e);
	else if (rc == BRSKI_OK)
		rc = der_put(&in, DER_CTX(0), id, sizeof(id), e);
	if (rc == BRSKI_OK)
		rc = der_put(&v, DER_SEQUENCE, in.data, in.len, e);
	if (rc == BRSKI_OK)
		rc = put_ext(exts, oid_aki, sizeof(oid_aki), 0, &v, e);
	buf_free(&v);
	buf_free(&in);
	return rc;
}

static enum brski_rc
put_extensions(struct buf *tbs, const struct x509_template *t,
    const uint8_t *spki, size_t spki_len, const struct x509_cert *issuer,
    struct brski_err *e)
{
	struct buf	exts = { 0 }, v = { 0 }, seq = { 0 };
	size_t		i;
	enum brski_rc	rc;

	if ((rc = put_bc(&exts, t, e)) == BRSKI_OK &&
	    (rc = put_ku(&exts, t->key_usage, e)) == BRSKI_OK &&
	    (rc = put_eku(&exts, t->eku, e)) == BRSKI_OK &&
	    (rc = put_key_ids(&exts, spki, spki_len, issuer, e)) == BRSKI_OK &&
	    (rc = put_san(&exts, t, e)) == BRSKI_OK && t->masa_url != NULL) {
		/* RFC 8995 2.3.2: MASAURLSyntax ::= IA5String, non-critical */
		if ((rc = der_put(&v, DER_IA5STRING, t->masa_url,
		    strlen(t->masa_url), e)) == BRSKI_OK)
			rc = put_ext(&exts, oid_masa_url, sizeof(oid_masa_url),
			    0, &v, e);
	}
	for (i = 0; rc == BRSKI_OK && i < t->extra_count; i++)
		rc = der_put_raw(&exts, t->extra[i].der, t->extra[i].len, e);
	if (rc == BRSKI_OK)
		rc = der_put(&seq, DER_SEQUENCE, exts.data, exts.len, e);
	if (rc == BRSKI_OK)
		rc = der_put(tbs, DER_CTX_C(3), seq.data, seq.len, e);
	buf_free(&exts);
	buf_free(&v);
	buf_free(&seq);
	return rc;
}

static enum brski_rc
put_serial(struct buf *tbs, const struct x509_template *t,
    struct brski_err *e)
{
	uint8_t		sn[X509_SERIAL_LEN];
	enum brski_rc	rc;

	if (t->serial != NULL)
		return der_put_uint(tbs, t->serial, t->serial_len, e);
	if ((rc = rand_bytes(sn, sizeof(sn), e)) != BRSKI_OK)
		return rc;
	sn[0] &= 0x7f;		/* positive, and 16 octets stay 16 */
	sn[0] |= 0x40;		/* no leading zero byte to drop */
	return der_put_uint(tbs, sn, sizeof(sn), e);
}

static enum brski_rc
build_tbs(struct buf *tbs, const struct x509_template *t, const uint8_t *spki,
    size_t spki_len, const struct x509_cert *issuer, const uint8_t *alg,
    size_t alglen, struct brski_err *e)
{
	static const uint8_t	 v3[] = { 0xa0, 0x03, 0x02, 0x01, 0x02 };
	struct buf		 body = { 0 }, validity = { 0 }, self = { 0 };
	enum brski_rc		 rc;

	if ((rc = der_put_raw(&body, v3, sizeof(v3), e)) != BRSKI_OK ||
	    (rc = put_serial(&body, t, e)) != BRSKI_OK ||
	    (rc = der_put_raw(&body, alg, alglen, e)) != BRSKI_OK)
		goto out;
	if (issuer != NULL)
		rc = der_put_raw(&body, issuer->subject_raw,
		    issuer->subject_raw_len, e);
	else if ((rc = put_subject(&self, t, e)) == BRSKI_OK)
		rc = der_put_raw(&body, self.data, self.len, e);
	if (rc != BRSKI_OK ||
	    (rc = der_put_time(&validity, t->not_before, e)) != BRSKI_OK ||
	    (rc = der_put_time(&validity, t->not_after, e)) != BRSKI_OK ||
	    (rc = der_put(&body, DER_SEQUENCE, validity.data, validity.len,
	    e)) != BRSKI_OK ||
	    (rc = put_subject(&body, t, e)) != BRSKI_OK ||
	    (rc = der_put_raw(&body, spki, spki_len, e)) != BRSKI_OK ||
	    (rc = put_extensions(&body, t, spki, spki_len, issuer, e)) !=
	    BRSKI_OK)
		goto out;
	rc = der_put(tbs, DER_SEQUENCE, body.data, body.len, e);
out:
	buf_free(&body);
	buf_free(&validity);
	buf_free(&self);
	return rc;
}

/* The signatureAlgorithm for a key's curve (SHA-256 for P-256), and
 * wolfSSL's name for it. */
const uint8_t *
x509_sig_alg(const struct brski_key *key, size_t *len, int *stype)
{
	*len = sizeof(alg_ecdsa_sha256);
	if (key->type == KEY_EC_P384) {
		if (stype != NULL)
			*stype = CTC_SHA384wECDSA;
		return alg_ecdsa_sha384;
	}
	if (key->type == KEY_EC_P521) {
		if (stype != NULL)
			*stype = CTC_SHA512wECDSA;
		return alg_ecdsa_sha512;
	}
	if (stype != NULL)
		*stype = CTC_SHA256wECDSA;
	return alg_ecdsa_sha256;
}

/*
 * Sign a to-be-signed structure (TBSCertificate, TBSCertList: their
 * signature field must be x509_sig_alg(key)): *der (caller frees) gets
 * SEQUENCE { tbs, signatureAlgorithm, signatureValue }.  A token key
 * signs in its token.
 */
enum brski_rc
x509_sign_tbs(const uint8_t *tbs, size_t tbs_len, const struct brski_key *key,
    uint8_t **der, size_t *der_len, struct brski_err *e)
{
	uint8_t	*out;
	size_t	 alglen, max = tbs_len + 256;	/* algorithm and signature */
	int	 stype, ret;
	void	*rng;

	*der = NULL;
	(void)x509_sig_alg(key, &alglen, &stype);
	if ((rng = rand_rng()) == NULL)
		return brski_fail(e, BRSKI_EIO, "sign: no random generator");
	if ((out = malloc(max)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "sign: out of memory");
	memcpy(out, tbs, tbs_len);
	ret = wc_SignCert((int)tbs_len, stype, out, (word32)max, NULL,
	    (ecc_key *)&key->ecc, rng);
	if (ret <= 0) {
		free(out);
		return brski_fail(e, BRSKI_EIO, "sign: %s (%d)",
		    wc_GetErrorString(ret), ret);
	}
	*der = out;
	*der_len = (size_t)ret;
	return BRSKI_OK;
}

/*
 * Issue a certificate for the public key spki (SubjectPublicKeyInfo
 * DER), signed by issuer_key; issuer NULL means self-signed (then
 * issuer_key must be the subject's key).  The signature hash follows the
 * issuer's curve (SHA-256 for P-256).  *der (caller frees) receives the
 * certificate.
 */
enum brski_rc
x509_issue(const struct x509_template *t, const uint8_t *spki,
    size_t spki_len, const struct x509_cert *issuer,
    const struct brski_key *issuer_key, uint8_t **der, size_t *der_len,
    struct brski_err *e)
{
	struct buf	 tbs = { 0 };
	const uint8_t	*alg;
	size_t		 alglen;
	enum brski_rc	 rc;

	*der = NULL;
	if (t->not_after <= t->not_before)
		return brski_fail(e, BRSKI_EINVAL, "certificate: notAfter is "
		    "not after notBefore");
	alg = x509_sig_alg(issuer_key, &alglen, NULL);
	if ((rc = build_tbs(&tbs, t, spki, spki_len, issuer, alg, alglen,
	    e)) == BRSKI_OK &&
	    (rc = x509_sign_tbs(tbs.data, tbs.len, issuer_key, der, der_len,
	    e)) != BRSKI_OK)
		brski_prefix(e, "certificate: ");
	buf_free(&tbs);
	return rc;
}
