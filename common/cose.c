/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * COSE_Sign1 with libcbor and wolfSSL (through key.h).
 *
 * COSE_Sign1 = 18([protected: bstr .cbor map, unprotected: map,
 *                  payload: bstr, signature: bstr])
 * The signature covers CBOR(["Signature1", protected, h'', payload]) and
 * is the fixed-size r || s (RFC 9053 2.1), not DER.
 *
 * libcbor 0.8 refuses the one-byte head of tags 6..20 (0xD2 is tag 18):
 * the tag is taken off here before libcbor sees the array (the two-byte
 * head 0xD8 0x12 is accepted the same way).  Decoding is strict: a
 * definite array of four, a map in the protected bstr (or nothing),
 * integer or text labels without duplicates (also not across the two
 * maps), alg present, protected and one we support, crit refused (we
 * understand no optional header), the signature of the alg's size.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "cbor_util.h"
#include "cose.h"

#define COSE_TAG 18

struct alg {
	int64_t		id;
	enum key_type	kt;
	int		hash;
	size_t		coord;
};

static const struct alg algs[] = {
	{ COSE_ALG_ES256, KEY_EC_P256, WC_HASH_TYPE_SHA256, 32 },
	{ COSE_ALG_ES384, KEY_EC_P384, WC_HASH_TYPE_SHA384, 48 },
	{ COSE_ALG_ES512, KEY_EC_P521, WC_HASH_TYPE_SHA512, 66 },
};

static const struct alg *
alg_by_id(int64_t id)
{
	size_t	i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].id == id)
			return &algs[i];
	return NULL;
}

/* The digest of Sig_structure for Signature1 (RFC 9052 4.4). */
static enum brski_rc
tbs_digest(const struct alg *a, const uint8_t *prot, size_t plen,
    const uint8_t *payload, size_t len, uint8_t *md, size_t *mdlen,
    struct brski_err *e)
{
	cbor_item_t	*s;
	uint8_t		*enc = NULL;
	size_t		 elen = 0;
	int		 ok, dlen;

	if ((s = cbor_new_definite_array(4)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
	ok = cbor_array_push(s, cbor_move(cbor_build_string("Signature1"))) &&
	    cbor_array_push(s, cbor_move(cbor_build_bytestring(prot, plen))) &&
	    cbor_array_push(s, cbor_move(cbor_build_bytestring(NULL, 0))) &&
	    cbor_array_push(s, cbor_move(cbor_build_bytestring(payload, len)));
	if (ok)
		enc = cbor_util_serialize(s, &elen);
	cbor_decref(&s);
	if (enc == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
	dlen = wc_HashGetDigestSize(a->hash);
	ok = dlen > 0 && wc_Hash(a->hash, enc, (word32)elen, md,
	    (word32)dlen) == 0;
	free(enc);
	if (!ok)
		return brski_fail(e, BRSKI_EIO, "COSE: hashing failed");
	*mdlen = (size_t)dlen;
	return BRSKI_OK;
}

/* x5bag / x5chain value: one bstr, or an array of them (RFC 9360). */
static cbor_item_t *
certs_item(const struct x509_list *l)
{
	cbor_item_t	*a;
	size_t		 i;

	if (l->n == 1)
		return cbor_build_bytestring(l->v[0]->der, l->v[0]->der_len);
	if ((a = cbor_new_definite_array(l->n)) == NULL)
		return NULL;
	for (i = 0; i < l->n; i++)
		if (!cbor_array_push(a, cbor_move(cbor_build_bytestring(
		    l->v[i]->der, l->v[i]->der_len)))) {
			cbor_decref(&a);
			return NULL;
		}
	return a;
}

static int
map_put(cbor_item_t *m, int64_t label, cbor_item_t *v)
{
	if (v == NULL)
		return 0;
	return cbor_map_add(m, (struct cbor_pair){
	    cbor_move(cbor_util_build_int(label)), cbor_move(v) });
}

static enum brski_rc
headers(const struct alg *a, const struct cose_sign_opts *o,
    cbor_item_t **prot, cbor_item_t **unprot, struct brski_err *e)
{
	int	pc = o && o->certs && o->certs->n > 0 && o->certs_protected;
	int	uc = o && o->certs && o->certs->n > 0 && !o->certs_protected;
	int	ok;

	*prot = cbor_new_definite_map(1 + (pc ? 1 : 0));
	*unprot = cbor_new_definite_map((o && o->kid ? 1 : 0) + (uc ? 1 : 0));
	if (*prot == NULL || *unprot == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
	ok = map_put(*prot, COSE_HDR_ALG, cbor_util_build_int(a->id));
	if (ok && pc)
		ok = map_put(*prot, o->certs_label, certs_item(o->certs));
	if (ok && o && o->kid)
		ok = map_put(*unprot, COSE_HDR_KID,
		    cbor_build_bytestring(o->kid, o->kid_len));
	if (ok && uc)
		ok = map_put(*unprot, o->certs_label, certs_item(o->certs));
	return ok ? BRSKI_OK : brski_fail(e, BRSKI_ENOMEM, "COSE: out of "
	    "memory");
}

/* CBOR of 18([prot, unprot, payload, sig]), tag written by hand (0xD2).
 * Takes over unprot (it is released here in every case). */
static enum brski_rc
encode(const uint8_t *prot, size_t plen, cbor_item_t *unprot,
    const uint8_t *payload, size_t len, const uint8_t *sig, size_t slen,
    uint8_t **out, size_t *outlen, struct brski_err *e)
{
	cbor_item_t	*a;
	uint8_t		*enc = NULL, *res;
	size_t		 elen = 0;
	int		 ok;

	*out = NULL;
	if ((a = cbor_new_definite_array(4)) == NULL) {
		cbor_decref(&unprot);
		return brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
	}
	ok = cbor_array_push(a, cbor_move(cbor_build_bytestring(prot, plen))) &&
	    cbor_array_push(a, unprot) &&
	    cbor_array_push(a, cbor_move(cbor_build_bytestring(payload, len))) &&
	    cbor_array_push(a, cbor_move(cbor_build_bytestring(sig, slen)));
	cbor_decref(&unprot);	/* ours is released; the array holds it */
	if (ok)
		enc = cbor_util_serialize(a, &elen);
	cbor_decref(&a);
	if (enc == NULL || (res = malloc(elen + 1)) == NULL) {
		free(enc);
		return brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
	}
	res[0] = 0xc0 | COSE_TAG;	/* tag 18, the one-byte head */
	memcpy(res + 1, enc, elen);
	free(enc);
	*out = res;
	*outlen = elen + 1;
	return BRSKI_OK;
}

/*
 * Sign payload with key (the alg follows its curve).  *out is the tagged
 * COSE_Sign1, the caller's.
 */
enum brski_rc
cose_sign1(const uint8_t *payload, size_t len, const struct brski_key *key,
    const struct cose_sign_opts *o, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	const struct alg	*a = &algs[key->type];
	cbor_item_t		*prot = NULL, *unprot = NULL;
	uint8_t			*penc = NULL, md[WC_MAX_DIGEST_SIZE];
	uint8_t			 der[KEY_SIG_MAX], raw[2 * 66];
	size_t			 plen = 0, mdlen, dlen;
	enum brski_rc		 rc;

	*out = NULL;
	if (len > COSE_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "COSE: payload of %zu bytes",
		    len);
	if ((rc = headers(a, o, &prot, &unprot, e)) != BRSKI_OK)
		goto out;
	if ((penc = cbor_util_serialize(prot, &plen)) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
		goto out;
	}
	if ((rc = tbs_digest(a, penc, plen, payload, len, md, &mdlen, e)) !=
	    BRSKI_OK ||
	    (rc = key_sign_digest(key, md, mdlen, der, &dlen, e)) != BRSKI_OK ||
	    (rc = key_sig_der_to_raw(der, dlen, a->coord, raw, e)) != BRSKI_OK)
		goto out;
	rc = encode(penc, plen, unprot, payload, len, raw, 2 * a->coord, out,
	    outlen, e);
	unprot = NULL;	/* encode() took it, even on failure */
out:
	if (prot != NULL)
		cbor_decref(&prot);
	if (unprot != NULL)
		cbor_decref(&unprot);
	free(penc);
	return rc;
}

/* ---- parsing ---- */

static enum brski_rc
take_certs(struct cose_sign1 *m, const cbor_item_t *v, int label, int prot,
    struct brski_err *e)
{
	cbor_item_t	**items;
	const uint8_t	 *p;
	size_t		  n, i, len;

	m->certs_label = label;
	m->certs_protected = prot;
	if (cbor_util_bytes(v, &p, &len))
		return x509_list_add_der(&m->certs, p, len, e);
	if (!cbor_isa_array(v) || !cbor_array_is_definite(v) ||
	    (n = cbor_array_size(v)) == 0 || n > COSE_CERTS_MAX)
		return brski_fail(e, BRSKI_EPARSE, "COSE: x5bag/x5chain is not "
		    "1..%d certificates", COSE_CERTS_MAX);
	items = cbor_array_handle(v);
	for (i = 0; i < n; i++) {
		if (!cbor_util_bytes(items[i], &p, &len))
			return brski_fail(e, BRSKI_EPARSE, "COSE: x5bag entry is "
			    "not a byte string");
		if (x509_list_add_der(&m->certs, p, len, e) != BRSKI_OK)
			return brski_prefix(e, "COSE x5bag: ");
	}
	return BRSKI_OK;
}

/* One header; seen[] catches a label given twice (in either map). */
static enum brski_rc
header(struct cose_sign1 *m, const struct cbor_pair *pr, int prot,
    int64_t *seen, size_t *nseen, struct brski_err *e)
{
	const uint8_t	*p;
	size_t		 len, i;
	int64_t		 label, v;

	if (!cbor_util_int(pr->key, &label))
		return cbor_isa_string(pr->key) ? BRSKI_OK :	/* ignored */
		    brski_fail(e, BRSKI_EPARSE, "COSE: header label is not an "
		    "integer or text");
	for (i = 0; i < *nseen; i++)
		if (seen[i] == label)
			return brski_fail(e, BRSKI_EPARSE, "COSE: header %lld "
			    "given twice", (long long)label);
	if (*nseen < 32)
		seen[(*nseen)++] = label;
	switch (label) {
	case COSE_HDR_ALG:
		if (!prot || !cbor_util_int(pr->value, &v))
			return brski_fail(e, BRSKI_EPARSE, "COSE: alg must be a "
			    "protected integer");
		m->alg = v;
		return BRSKI_OK;
	case COSE_HDR_CRIT:
		return brski_fail(e, BRSKI_EPARSE, "COSE: crit headers are not "
		    "understood here");
	case COSE_HDR_KID:
		if (!cbor_util_bytes(pr->value, &p, &len) || len > COSE_KID_MAX)
			return brski_fail(e, BRSKI_EPARSE, "COSE: bad kid");
		if ((m->kid = malloc(len ? len : 1)) == NULL)
			return brski_fail(e, BRSKI_ENOMEM, "out of memory");
		memcpy(m->kid, p, len);
		m->kid_len = len;
		return BRSKI_OK;
	case COSE_HDR_X5BAG:
	case COSE_HDR_X5CHAIN:
		if (m->certs_label != 0)
			return brski_fail(e, BRSKI_EPARSE, "COSE: both x5bag and "
			    "x5chain");
		return take_certs(m, pr->value, (int)label, prot, e);
	default:
		return BRSKI_OK;	/* RFC 9052 3: unknown labels ignored */
	}
}

static enum brski_rc
header_map(struct cose_sign1 *m, const cbor_item_t *map, int prot,
    int64_t *seen, size_t *nseen, struct brski_err *e)
{
	struct cbor_pair	*pr;
	size_t			 i, n;
	enum brski_rc		 rc;

	if (!cbor_isa_map(map) || !cbor_map_is_definite(map) ||
	    (n = cbor_map_size(map)) > 16)
		return brski_fail(e, BRSKI_EPARSE, "COSE: %s header is not a "
		    "small definite map", prot ? "protected" : "unprotected");
	pr = cbor_map_handle(map);
	for (i = 0; i < n; i++)
		if ((rc = header(m, &pr[i], prot, seen, nseen, e)) != BRSKI_OK)
			return rc;
	return BRSKI_OK;
}

static enum brski_rc
copy_bytes(const cbor_item_t *it, uint8_t **dst, size_t *dlen,
    const char *what, struct brski_err *e)
{
	const uint8_t	*p;
	size_t		 len;

	if (!cbor_util_bytes(it, &p, &len))
		return brski_fail(e, BRSKI_EPARSE, "COSE: %s is not a byte "
		    "string", what);
	if ((*dst = malloc(len ? len : 1)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	memcpy(*dst, p, len);
	*dlen = len;
	return BRSKI_OK;
}

static enum brski_rc
fields(struct cose_sign1 *m, cbor_item_t **f, struct brski_err *e)
{
	cbor_item_t	*pmap = NULL;
	int64_t		 seen[32];
	size_t		 nseen = 0;
	enum brski_rc	 rc;

	m->alg = 0;
	if ((rc = copy_bytes(f[0], &m->protected_hdr, &m->protected_len,
	    "the protected header", e)) != BRSKI_OK)
		return rc;
	if (m->protected_len > 0) {
		if ((rc = cbor_util_load(m->protected_hdr, m->protected_len,
		    &pmap, e)) != BRSKI_OK)
			return brski_prefix(e, "COSE protected header: ");
		rc = header_map(m, pmap, 1, seen, &nseen, e);
		cbor_decref(&pmap);
		if (rc != BRSKI_OK)
			return rc;
	}
	if ((rc = header_map(m, f[1], 0, seen, &nseen, e)) != BRSKI_OK ||
	    (rc = copy_bytes(f[2], &m->payload, &m->payload_len, "the payload "
	    "(detached payloads are not supported)", e)) != BRSKI_OK ||
	    (rc = copy_bytes(f[3], &m->sig, &m->sig_len, "the signature", e)) !=
	    BRSKI_OK)
		return rc;
	if (m->alg == 0)
		return brski_fail(e, BRSKI_EPARSE, "COSE: no alg header");
	if (alg_by_id(m->alg) == NULL)
		return brski_fail(e, BRSKI_EPARSE, "COSE: alg %lld is not "
		    "supported (ES256, ES384, ES512)", (long long)m->alg);
	if (m->sig_len != 2 * alg_by_id(m->alg)->coord)
		return brski_fail(e, BRSKI_EPARSE, "COSE: signature of %zu bytes "
		    "for alg %lld", m->sig_len, (long long)m->alg);
	return BRSKI_OK;
}

/*
 * Parse an untrusted COSE_Sign1 (tagged 18 or untagged).  Nothing is
 * verified yet.  On success *out is the caller's (cose_sign1_free()).
 */
enum brski_rc
cose_sign1_parse(const uint8_t *buf, size_t len, struct cose_sign1 **out,
    struct brski_err *e)
{
	struct cose_sign1	*m = NULL;
	cbor_item_t		*a = NULL;
	enum brski_rc		 rc;

	*out = NULL;
	if (len > COSE_MAX)
		return brski_fail(e, BRSKI_ETOOBIG, "COSE: %zu bytes, limit %d",
		    len, COSE_MAX);
	/* tag 18: libcbor 0.8 cannot load its one-byte head (0xD2) */
	if (len >= 1 && buf[0] == (0xc0 | COSE_TAG)) {
		buf++;
		len--;
	} else if (len >= 2 && buf[0] == 0xd8 && buf[1] == COSE_TAG) {
		buf += 2;
		len -= 2;
	} else if (len >= 1 && (buf[0] & 0xe0) == 0xc0)
		return brski_fail(e, BRSKI_EPARSE, "COSE: a tag other than 18");
	if ((rc = cbor_util_load(buf, len, &a, e)) != BRSKI_OK)
		return brski_prefix(e, "COSE: ");
	if (!cbor_isa_array(a) || !cbor_array_is_definite(a) ||
	    cbor_array_size(a) != 4) {
		rc = brski_fail(e, BRSKI_EPARSE, "COSE: not an array of four");
		goto out;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = fields(m, cbor_array_handle(a), e)) != BRSKI_OK)
		goto out;
	*out = m;
	m = NULL;
out:
	cose_sign1_free(m);
	if (a != NULL)
		cbor_decref(&a);
	return rc;
}

/*
 * Verify the signature with the public key spki (SubjectPublicKeyInfo
 * DER).  The key's curve must be the alg's.  BRSKI_EVERIFY when it does
 * not verify.
 */
enum brski_rc
cose_sign1_verify(const struct cose_sign1 *m, const uint8_t *spki,
    size_t spki_len, struct brski_err *e)
{
	const struct alg	*a = alg_by_id(m->alg);
	uint8_t			 md[WC_MAX_DIGEST_SIZE], der[KEY_SIG_MAX];
	size_t			 mdlen, dlen;
	enum brski_rc		 rc;

	if (a == NULL)
		return brski_fail(e, BRSKI_EPARSE, "COSE: unsupported alg");
	/* first: wolfSSL reports an r||s of another curve's size as a
	 * malformed signature, not as one that does not verify */
	if (!key_spki_is_curve(spki, spki_len, a->kt))
		return brski_fail(e, BRSKI_EVERIFY, "COSE: alg %lld with a key "
		    "of another curve (or not an EC key)", (long long)m->alg);
	if ((rc = tbs_digest(a, m->protected_hdr, m->protected_len, m->payload,
	    m->payload_len, md, &mdlen, e)) != BRSKI_OK ||
	    (rc = key_sig_raw_to_der(m->sig, m->sig_len, der, &dlen, e)) !=
	    BRSKI_OK)
		return rc;
	if ((rc = key_verify_digest(spki, spki_len, md, mdlen, der, dlen, e)) !=
	    BRSKI_OK)
		return rc == BRSKI_EVERIFY ? brski_fail(e, BRSKI_EVERIFY,
		    "COSE: signature does not verify") : rc;
	return BRSKI_OK;
}

/* The certificate among x5bag/x5chain whose key made the signature. */
enum brski_rc
cose_sign1_find_signer(const struct cose_sign1 *m,
    const struct x509_cert **signer, struct brski_err *e)
{
	size_t	i;

	*signer = NULL;
	for (i = 0; i < m->certs.n; i++)
		if (cose_sign1_verify(m, m->certs.v[i]->spki,
		    m->certs.v[i]->spki_len, NULL) == BRSKI_OK) {
			*signer = m->certs.v[i];
			return BRSKI_OK;
		}
	return brski_fail(e, BRSKI_EVERIFY, "COSE: no certificate in "
	    "x5bag/x5chain made the signature");
}

/*
 * Re-encode without unprotected x5bag/x5chain (cBRSKI: the registrar
 * strips them before forwarding a voucher).  The protected header,
 * payload and signature are untouched, so the signature still holds.
 */
enum brski_rc
cose_sign1_strip(const struct cose_sign1 *m, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	cbor_item_t	*unprot;

	if ((unprot = cbor_new_definite_map(m->kid ? 1 : 0)) == NULL ||
	    (m->kid && !map_put(unprot, COSE_HDR_KID,
	    cbor_build_bytestring(m->kid, m->kid_len)))) {
		if (unprot != NULL)
			cbor_decref(&unprot);
		return brski_fail(e, BRSKI_ENOMEM, "COSE: out of memory");
	}
	return encode(m->protected_hdr, m->protected_len, unprot, m->payload,
	    m->payload_len, m->sig, m->sig_len, out, outlen, e);
}

void
cose_sign1_free(struct cose_sign1 *m)
{
	if (m == NULL)
		return;
	free(m->protected_hdr);
	free(m->kid);
	x509_list_free(&m->certs);
	free(m->payload);
	free(m->sig);
	free(m);
}
