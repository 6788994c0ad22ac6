/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CRL generation (crl.h).  wolfSSL 5.5.4 parses and checks CRLs but has
 * no API to make one (no wc_MakeCRL, no X509_CRL_sign), so, as for
 * certificates, the TBSCertList is written with der.h and signed by
 * x509_sign_tbs().
 *
 * CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm,
 *     signatureValue BIT STRING }
 * TBSCertList ::= SEQUENCE { version v2(1), signature, issuer,
 *     thisUpdate, nextUpdate, revokedCertificates (absent when empty),
 *     [0] crlExtensions { authorityKeyIdentifier, cRLNumber } }
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crl.h"
#include "der.h"

#define DER_ENUMERATED	0x0a

static const uint8_t oid_aki[] = { 0x06, 0x03, 0x55, 0x1d, 0x23 };
static const uint8_t oid_crl_number[] = { 0x06, 0x03, 0x55, 0x1d, 0x14 };
static const uint8_t oid_reason[] = { 0x06, 0x03, 0x55, 0x1d, 0x15 };

static const struct {
	const char	*name;
	int		 code;
	int		 operator_may;	/* holds and delta CRLs: not ours */
} reasons[] = {
	{ "unspecified", 0, 1 },
	{ "keyCompromise", 1, 1 },
	{ "cACompromise", 2, 0 },
	{ "affiliationChanged", 3, 1 },
	{ "superseded", 4, 1 },
	{ "cessationOfOperation", 5, 1 },
	{ "certificateHold", 6, 0 },
	{ "removeFromCRL", 8, 0 },
	{ "privilegeWithdrawn", 9, 1 },
	{ "aACompromise", 10, 0 },
};

#define NREASONS	(sizeof(reasons) / sizeof(reasons[0]))

/* A reason an operator may give for an LDevID; 0 if unknown. */
int
crl_reason_from_name(const char *name, int *code)
{
	size_t	i;

	for (i = 0; i < NREASONS; i++)
		if (reasons[i].operator_may &&
		    strcmp(name, reasons[i].name) == 0) {
			*code = reasons[i].code;
			return 1;
		}
	return 0;
}

const char *
crl_reason_name(int code)
{
	size_t	i;

	for (i = 0; i < NREASONS; i++)
		if (reasons[i].code == code)
			return reasons[i].name;
	return "unknown";
}

/* For error messages: the names crl_reason_from_name() accepts. */
const char *
crl_reason_names(void)
{
	return "unspecified, keyCompromise, affiliationChanged, superseded, "
	    "cessationOfOperation, privilegeWithdrawn";
}

/*
 * A serial as the operator typed it ("4a:1f...", "4A1F...", openssl's
 * "serial=4A1F") into the store's form: upper-case hex, even length.
 */
enum brski_rc
crl_serial_normalize(const char *in, char *out, size_t cap,
    struct brski_err *e)
{
	size_t	n = 0, digits = 0;
	const char *p;

	if (strncmp(in, "serial=", 7) == 0)
		in += 7;
	for (p = in; *p != '\0'; p++)
		if (isxdigit((unsigned char)*p))
			digits++;
		else if (*p != ':')
			return brski_fail(e, BRSKI_EINVAL, "serial \"%.64s\" is "
			    "not hexadecimal (as \"ctl certs\" prints it)", in);
	if (digits == 0 || digits > CRL_HEX_MAX || digits + 2 > cap)
		return brski_fail(e, BRSKI_EINVAL, "serial \"%.64s\": 1 to %d "
		    "hex digits", in, CRL_HEX_MAX);
	if (digits % 2 != 0)
		out[n++] = '0';
	for (p = in; *p != '\0'; p++)
		if (*p != ':')
			out[n++] = (char)toupper((unsigned char)*p);
	out[n] = '\0';
	return BRSKI_OK;
}

/* The store's hex serial into an entry's bytes. */
enum brski_rc
crl_serial_from_hex(const char *hex, struct crl_entry *ce,
    struct brski_err *e)
{
	size_t		n = strlen(hex), i;
	unsigned	b;

	if (n == 0 || n % 2 != 0 || n / 2 > sizeof(ce->serial))
		return brski_fail(e, BRSKI_EINVAL, "CRL: bad serial \"%.64s\"",
		    hex);
	for (i = 0; i < n / 2; i++) {
		if (!isxdigit((unsigned char)hex[2 * i]) ||
		    !isxdigit((unsigned char)hex[2 * i + 1]) ||
		    sscanf(hex + 2 * i, "%2x", &b) != 1)
			return brski_fail(e, BRSKI_EINVAL, "CRL: bad serial "
			    "\"%.64s\"", hex);
		ce->serial[i] = (uint8_t)b;
	}
	ce->serial_len = n / 2;
	return BRSKI_OK;
}

/* Extension ::= SEQUENCE { extnID, extnValue OCTET STRING } (non-critical) */
static enum brski_rc
put_ext(struct buf *exts, const uint8_t *oid, size_t oidlen,
    const struct buf *val, struct brski_err *e)
{
	struct buf	ext = { 0 };
	enum brski_rc	rc;

	if ((rc = der_put_raw(&ext, oid, oidlen, e)) == BRSKI_OK &&
	    (rc = der_put(&ext, DER_OCTET_STRING, val->data, val->len, e)) ==
	    BRSKI_OK)
		rc = der_put(exts, DER_SEQUENCE, ext.data, ext.len, e);
	buf_free(&ext);
	return rc;
}

/* One revokedCertificates entry; reasonCode only when not unspecified
 * (RFC 5280 5.3.1: absent rather than unspecified). */
static enum brski_rc
put_entry(struct buf *list, const struct crl_entry *ce, struct brski_err *e)
{
	struct buf	ent = { 0 }, v = { 0 }, exts = { 0 };
	uint8_t		r = (uint8_t)ce->reason;
	enum brski_rc	rc;

	if ((rc = der_put_uint(&ent, ce->serial, ce->serial_len, e)) ==
	    BRSKI_OK)
		rc = der_put_time(&ent, ce->revoked_at, e);
	if (rc == BRSKI_OK && ce->reason != CRL_REASON_UNSPECIFIED) {
		if ((rc = der_put(&v, DER_ENUMERATED, &r, 1, e)) == BRSKI_OK &&
		    (rc = put_ext(&exts, oid_reason, sizeof(oid_reason), &v,
		    e)) == BRSKI_OK)
			rc = der_put(&ent, DER_SEQUENCE, exts.data, exts.len,
			    e);
	}
	if (rc == BRSKI_OK)
		rc = der_put(list, DER_SEQUENCE, ent.data, ent.len, e);
	buf_free(&ent);
	buf_free(&v);
	buf_free(&exts);
	return rc;
}

/* [0] { authorityKeyIdentifier (the CA's SKI), cRLNumber } */
static enum brski_rc
put_crl_extensions(struct buf *tbs, const struct crl_params *p,
    struct brski_err *e)
{
	struct buf	 exts = { 0 }, v = { 0 }, in = { 0 }, seq = { 0 };
	uint8_t		 id[20];
	const uint8_t	*ki = p->issuer->ski;
	size_t		 kilen = p->issuer->ski_len;
	enum brski_rc	 rc = BRSKI_OK;

	if (kilen == 0) {	/* no SKI: the RFC 5280 4.2.1.2 method (1) */
		rc = x509_key_id(p->issuer->spki, p->issuer->spki_len, id, e);
		ki = id;
		kilen = sizeof(id);
	}
	if (rc == BRSKI_OK &&
	    (rc = der_put(&in, DER_CTX(0), ki, kilen, e)) == BRSKI_OK &&
	    (rc = der_put(&v, DER_SEQUENCE, in.data, in.len, e)) == BRSKI_OK)
		rc = put_ext(&exts, oid_aki, sizeof(oid_aki), &v, e);
	buf_reset(&v);
	if (rc == BRSKI_OK &&
	    (rc = der_put_small_int(&v, (long)p->number, e)) == BRSKI_OK)
		rc = put_ext(&exts, oid_crl_number, sizeof(oid_crl_number), &v,
		    e);
	if (rc == BRSKI_OK &&
	    (rc = der_put(&seq, DER_SEQUENCE, exts.data, exts.len, e)) ==
	    BRSKI_OK)
		rc = der_put(tbs, DER_CTX_C(0), seq.data, seq.len, e);
	buf_free(&exts);
	buf_free(&v);
	buf_free(&in);
	buf_free(&seq);
	return rc;
}

static enum brski_rc
build_tbs(struct buf *tbs, const struct crl_params *p, struct brski_err *e)
{
	struct buf	 body = { 0 }, list = { 0 };
	const uint8_t	*alg;
	size_t		 i, alglen;
	enum brski_rc	 rc;

	alg = x509_sig_alg(p->key, &alglen, NULL);
	if ((rc = der_put_small_int(&body, 1, e)) != BRSKI_OK ||	/* v2 */
	    (rc = der_put_raw(&body, alg, alglen, e)) != BRSKI_OK ||
	    (rc = der_put_raw(&body, p->issuer->subject_raw,
	    p->issuer->subject_raw_len, e)) != BRSKI_OK ||
	    (rc = der_put_time(&body, p->this_update, e)) != BRSKI_OK ||
	    (rc = der_put_time(&body, p->next_update, e)) != BRSKI_OK)
		goto out;
	for (i = 0; i < p->count && rc == BRSKI_OK; i++)
		rc = put_entry(&list, &p->entries[i], e);
	if (rc == BRSKI_OK && p->count > 0)
		rc = der_put(&body, DER_SEQUENCE, list.data, list.len, e);
	if (rc == BRSKI_OK &&
	    (rc = put_crl_extensions(&body, p, e)) == BRSKI_OK)
		rc = der_put(tbs, DER_SEQUENCE, body.data, body.len, e);
out:
	buf_free(&body);
	buf_free(&list);
	return rc;
}

/*
 * Build and sign the CRL that p describes (CertificateList has the shape
 * of a certificate: x509_sign_tbs() wraps it).  *der (the caller's) gets
 * the CertificateList DER.
 */
enum brski_rc
crl_build(const struct crl_params *p, uint8_t **der, size_t *len,
    struct brski_err *e)
{
	struct buf	tbs = { 0 };
	enum brski_rc	rc;

	*der = NULL;
	if ((unsigned)p->key->type > KEY_EC_P521)
		return brski_fail(e, BRSKI_EINVAL, "CRL: unknown key type");
	if (p->next_update <= p->this_update || p->number <= 0)
		return brski_fail(e, BRSKI_EINVAL, "CRL: nextUpdate must follow "
		    "thisUpdate and the cRLNumber be positive");
	if ((rc = build_tbs(&tbs, p, e)) == BRSKI_OK &&
	    (rc = x509_sign_tbs(tbs.data, tbs.len, p->key, der, len, e)) !=
	    BRSKI_OK)
		brski_prefix(e, "CRL: with the domain CA key: ");
	buf_free(&tbs);
	return rc;
}
