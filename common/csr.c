/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKCS#10 requests.  Creation is wolfSSL's wc_MakeCertReq; parsing is
 * wc_ParseCert(CERTREQ_TYPE, VERIFY), which also checks the
 * self-signature (proof that the requester holds the key).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "csr.h"
#include "der.h"
#include "rand.h"

#define SPKI_MAX 256

static int
sig_type(enum key_type t)
{
	return t == KEY_EC_P384 ? CTC_SHA384wECDSA :
	    t == KEY_EC_P521 ? CTC_SHA512wECDSA : CTC_SHA256wECDSA;
}

static enum brski_rc
copy_field(char *dst, const char *src, const char *what, struct brski_err *e)
{
	if (src == NULL)
		return BRSKI_OK;
	if (strlen(src) >= CTC_NAME_SIZE)
		return brski_fail(e, BRSKI_EINVAL, "CSR: %s longer than %d bytes",
		    what, CTC_NAME_SIZE - 1);
	memcpy(dst, src, strlen(src) + 1);
	return BRSKI_OK;
}

/*
 * Create a CSR for key with the given subject fields (NULL fields are
 * left out) and optional challengePassword.  *der is the caller's.
 */
enum brski_rc
csr_create(const struct csr_request *r, const struct brski_key *key,
    uint8_t **der, size_t *der_len, struct brski_err *e)
{
	Cert		 req;
	uint8_t		*buf = NULL;
	void		*rng;
	int		 ret;
	enum brski_rc	 rc;

	*der = NULL;
	if ((rng = rand_rng()) == NULL)
		return brski_fail(e, BRSKI_EIO, "CSR: no random generator");
	if (wc_InitCert(&req) != 0)
		return brski_fail(e, BRSKI_EINVAL, "CSR: init failed");
	if ((rc = copy_field(req.subject.commonName, r->cn, "commonName",
	    e)) != BRSKI_OK ||
	    (rc = copy_field(req.subject.serialDev, r->serial_number,
	    "serialNumber", e)) != BRSKI_OK ||
	    (rc = copy_field(req.subject.org, r->org, "organization", e)) !=
	    BRSKI_OK ||
	    (rc = copy_field(req.challengePw, r->challenge_password,
	    "challengePassword", e)) != BRSKI_OK)
		return rc;
	req.sigType = sig_type(key->type);
	req.version = 0;	/* PKCS#10 v1; wc_InitCert sets 2 for X.509 v3 */
	if ((buf = malloc(CSR_DER_MAX)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "CSR: out of memory");
	ret = wc_MakeCertReq(&req, buf, CSR_DER_MAX, NULL,
	    (ecc_key *)&key->ecc);
	if (ret > 0)
		ret = wc_SignCert(req.bodySz, req.sigType, buf, CSR_DER_MAX,
		    NULL, (ecc_key *)&key->ecc, rng);
	if (ret <= 0) {
		free(buf);
		return brski_fail(e, BRSKI_EIO, "CSR: %s (%d)",
		    wc_GetErrorString(ret), ret);
	}
	*der = buf;
	*der_len = (size_t)ret;
	return BRSKI_OK;
}

static char *
dup_field(const char *s, int len)
{
	char	*p;
	int	 i;

	if (s == NULL || len <= 0 || (p = malloc((size_t)len + 1)) == NULL)
		return NULL;
	for (i = 0; i < len; i++)
		p[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	p[len] = '\0';
	return p;
}

static enum brski_rc
csr_fill(struct csr *c, DecodedCert *dc, struct brski_err *e)
{
	word32	n = SPKI_MAX;
	size_t	i, o = 0;
	int	ret;

	for (i = dc->subject[0] == '/' ? 1 : 0; dc->subject[i] != '\0' &&
	    o + 1 < sizeof(c->subject); i++)
		c->subject[o++] = dc->subject[i] == '/' ? ',' :
		    ((unsigned char)dc->subject[i] < 0x20 ? '?' : dc->subject[i]);
	c->subject[o] = '\0';
	c->cn = dup_field(dc->subjectCN, dc->subjectCNLen);
	c->serial_number = dup_field(dc->subjectSND, dc->subjectSNDLen);
	c->challenge_password = dup_field(dc->cPwd, dc->cPwdLen);
	c->key_oid = (int)dc->keyOID;
	if ((c->spki = malloc(SPKI_MAX)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "CSR: out of memory");
	if ((ret = wc_GetPubKeyDerFromCert(dc, c->spki, &n)) != 0)
		return brski_fail(e, BRSKI_EPARSE, "CSR: public key: %s (%d)",
		    wc_GetErrorString(ret), ret);
	c->spki_len = n;
	return BRSKI_OK;
}

/*
 * Parse an untrusted DER CSR and verify its self-signature.  On success
 * *out is the caller's (csr_free()).  BRSKI_EPARSE for a malformed
 * request, BRSKI_EVERIFY when the signature does not verify.
 */
enum brski_rc
csr_parse(const uint8_t *der, size_t len, struct csr **out,
    struct brski_err *e)
{
	struct csr	*c = NULL;
	struct der_tlv	 seq;
	DecodedCert	 dc;
	int		 ret;
	enum brski_rc	 rc;

	*out = NULL;
	if (len == 0 || len > CSR_DER_MAX)
		return brski_fail(e, len == 0 ? BRSKI_EPARSE : BRSKI_ETOOBIG,
		    "CSR: %zu bytes (limit %d)", len, CSR_DER_MAX);
	/* wolfSSL 5.5.4 ignores bytes after the request: refuse them */
	if (der_expect(der, len, DER_SEQUENCE, &seq, e) != BRSKI_OK ||
	    seq.raw_len != len)
		return brski_fail(e, BRSKI_EPARSE, "CSR: not one DER SEQUENCE "
		    "of %zu bytes", len);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->der = malloc(len)) == NULL) {
		free(c);
		return brski_fail(e, BRSKI_ENOMEM, "CSR: out of memory");
	}
	memcpy(c->der, der, len);
	c->der_len = len;
	wc_InitDecodedCert(&dc, c->der, (word32)len, NULL);
	ret = wc_ParseCert(&dc, CERTREQ_TYPE, VERIFY, NULL);
	if (ret == ASN_SIG_CONFIRM_E || ret == SIG_VERIFY_E)
		rc = brski_fail(e, BRSKI_EVERIFY, "CSR: self-signature does not "
		    "verify: %s (%d)", wc_GetErrorString(ret), ret);
	else if (ret != 0)
		rc = brski_fail(e, BRSKI_EPARSE, "CSR: %s (%d)",
		    wc_GetErrorString(ret), ret);
	else
		rc = csr_fill(c, &dc, e);
	wc_FreeDecodedCert(&dc);
	if (rc != BRSKI_OK) {
		csr_free(c);
		return rc;
	}
	*out = c;
	return BRSKI_OK;
}

void
csr_free(struct csr *c)
{
	if (c == NULL)
		return;
	free(c->der);
	free(c->cn);
	free(c->serial_number);
	free(c->spki);
	free(c->challenge_password);
	free(c);
}
