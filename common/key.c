/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ECDSA keys with wolfCrypt.  Private keys are stored as PEM "EC PRIVATE
 * KEY" (SEC1, RFC 5915), which wolfSSL, OpenSSL and curl all read;
 * PKCS#8 input ("PRIVATE KEY", what openssl genpkey writes) is accepted
 * too.  Every buffer that held private key material is wiped.
 */
#include "config.h"

#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "fileio.h"
#include "key.h"
#include "rand.h"
#include "secret.h"

#define KEY_DER_MAX	512	/* SEC1 P-521 is 223 bytes */
#define KEY_PEM_MAX	(16 * 1024)
#define SPKI_MAX	256
#define KEY_COORD_MAX	66	/* P-521, the largest curve we support */

static const struct {
	enum key_type	 type;
	const char	*name;
	int		 curve;
	size_t		 size;
	int		 hash;
} key_types[] = {
	{ KEY_EC_P256, "P-256", ECC_SECP256R1, 32, WC_HASH_TYPE_SHA256 },
	{ KEY_EC_P384, "P-384", ECC_SECP384R1, 48, WC_HASH_TYPE_SHA384 },
	{ KEY_EC_P521, "P-521", ECC_SECP521R1, 66, WC_HASH_TYPE_SHA512 },
};

/* The hash that goes with the curve (RFC 5480 4): a wc_HashType. */
int
key_hash_type(enum key_type t)
{
	return key_types[t].hash;
}

/* Size in bytes of one coordinate (and of r and s in a raw signature). */
size_t
key_coord_size(enum key_type t)
{
	return key_types[t].size;
}

const char *
key_type_name(enum key_type t)
{
	return key_types[t].name;
}

/* Map "P-256"/"p256"/"prime256v1"-like names; 0 if unknown. */
int
key_type_from_name(const char *s, enum key_type *t)
{
	static const struct { const char *n; enum key_type t; } names[] = {
		{ "P-256", KEY_EC_P256 }, { "p256", KEY_EC_P256 },
		{ "prime256v1", KEY_EC_P256 }, { "secp256r1", KEY_EC_P256 },
		{ "P-384", KEY_EC_P384 }, { "p384", KEY_EC_P384 },
		{ "secp384r1", KEY_EC_P384 },
		{ "P-521", KEY_EC_P521 }, { "p521", KEY_EC_P521 },
		{ "secp521r1", KEY_EC_P521 },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcasecmp(s, names[i].n) == 0) {
			*t = names[i].t;
			return 1;
		}
	return 0;
}

static int
type_of_curve(int curve, enum key_type *t)
{
	size_t	i;

	for (i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++)
		if (key_types[i].curve == curve) {
			*t = key_types[i].type;
			return 1;
		}
	return 0;
}

static struct brski_key *
key_alloc(struct brski_err *e)
{
	struct brski_key	*k;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
		return NULL;
	}
	if (wc_ecc_init(&k->ecc) != 0) {
		free(k);
		brski_fail(e, BRSKI_ENOMEM, "key: cannot initialise");
		return NULL;
	}
	k->devid = INVALID_DEVID;
	return k;
}

/* Generate a new key pair; the caller frees it with key_free(). */
enum brski_rc
key_generate(enum key_type type, struct brski_key **out,
    struct brski_err *e)
{
	struct brski_key	*k;
	void			*rng;
	int			 ret;

	*out = NULL;
	if ((rng = rand_rng()) == NULL)
		return brski_fail(e, BRSKI_EIO, "key: no random generator");
	if ((k = key_alloc(e)) == NULL)
		return BRSKI_ENOMEM;
	k->type = type;
	ret = wc_ecc_make_key_ex(rng, (int)key_types[type].size, &k->ecc,
	    key_types[type].curve);
	if (ret != 0) {
		key_free(k);
		return brski_fail(e, BRSKI_EIO, "key: generate %s: %s (%d)",
		    key_types[type].name, wc_GetErrorString(ret), ret);
	}
	*out = k;
	return BRSKI_OK;
}

/* Decode SEC1 or PKCS#8 DER. */
static enum brski_rc
key_from_der(const uint8_t *der, size_t len, struct brski_key **out,
    struct brski_err *e)
{
	struct brski_key	*k;
	word32			 idx = 0;
	int			 ret;

	if ((k = key_alloc(e)) == NULL)
		return BRSKI_ENOMEM;
	/*
	 * wc_EccPrivateKeyDecode() takes PKCS#8 as well.  Do not strip the
	 * wrapper first (wc_GetPkcs8TraditionalOffset): PKCS#8 names the
	 * curve only in its AlgorithmIdentifier, and the inner SEC1 key
	 * alone then fails to decode (wolfSSL 5.5.4, ASN_PARSE_E).
	 */
	ret = wc_EccPrivateKeyDecode(der, &idx, &k->ecc, (word32)len);
	if (ret == 0 && idx != len)
		ret = ASN_PARSE_E;	/* trailing bytes */
	if (ret != 0) {
		key_free(k);
		return brski_fail(e, BRSKI_EPARSE, "key: not an EC private key "
		    "(only ECDSA P-256/384/521 are supported): %s (%d)",
		    wc_GetErrorString(ret), ret);
	}
	if (k->ecc.dp == NULL || !type_of_curve(k->ecc.dp->id, &k->type)) {
		key_free(k);
		return brski_fail(e, BRSKI_EPARSE, "key: unsupported curve "
		    "(use P-256, P-384 or P-521)");
	}
	/* RFC 5915: the public key is optional (wolfSSL's PKCS#8 omits it) */
	if (k->ecc.type == ECC_PRIVATEKEY_ONLY &&
	    (ret = wc_ecc_make_pub(&k->ecc, NULL)) != 0) {
		key_free(k);
		return brski_fail(e, BRSKI_EPARSE, "key: cannot derive the "
		    "public key: %s (%d)", wc_GetErrorString(ret), ret);
	}
	*out = k;
	return BRSKI_OK;
}

/*
 * wolfSSL 5.5.4 decodes a key without checking it: it takes a private
 * scalar longer than the curve (and wc_EccKeyToDer() later writes past
 * its buffer exporting it), zero, or any public key beside it.  The
 * public key, when the file has one, must be the private key's; when
 * it has none (RFC 5915 makes it optional), it is derived.
 */
static enum brski_rc
key_check(struct brski_key *k, struct brski_err *e)
{
	ecc_point	*pub;
	int		 ret;

	if ((size_t)mp_unsigned_bin_size(&k->ecc.k) > key_coord_size(k->type))
		return brski_fail(e, BRSKI_EPARSE, "key: private key longer "
		    "than the curve");
	if (k->ecc.type == ECC_PRIVATEKEY_ONLY)
		pub = NULL;	/* wc_ecc_make_pub() sets the key's */
	else if (k->ecc.type != ECC_PRIVATEKEY)
		return brski_fail(e, BRSKI_EPARSE, "key: no private key");
	else if ((pub = wc_ecc_new_point()) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
	/* this also refuses a private key outside 1..n-1 */
	if ((ret = wc_ecc_make_pub(&k->ecc, pub)) != 0) {
		wc_ecc_del_point(pub);
		return brski_fail(e, BRSKI_EPARSE, "key: bad private key: %s "
		    "(%d)", wc_GetErrorString(ret), ret);
	}
	if (pub == NULL)
		return BRSKI_OK;
	ret = wc_ecc_cmp_point(pub, &k->ecc.pubkey);
	wc_ecc_del_point(pub);
	if (ret != MP_EQ)
		return brski_fail(e, BRSKI_EPARSE, "key: the public key in "
		    "the file is not the private key's");
	return BRSKI_OK;
}

/*
 * Parse a private key from PEM ("EC PRIVATE KEY" or "PRIVATE KEY") or
 * DER.  The caller frees *out with key_free().
 */
enum brski_rc
key_parse(const uint8_t *in, size_t len, struct brski_key **out,
    struct brski_err *e)
{
	uint8_t		*der = NULL;
	int		 n;
	enum brski_rc	 rc;

	*out = NULL;
	if (len == 0 || len > KEY_PEM_MAX)
		return brski_fail(e, BRSKI_EPARSE, "key: %zu bytes is not a "
		    "key", len);
	if ((der = malloc(len)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
	if (memmem(in, len, "-----BEGIN", 10) != NULL) {
		n = wc_KeyPemToDer(in, (int)len, der, (int)len, NULL);
		if (n <= 0) {
			rc = brski_fail(e, BRSKI_EPARSE, "key: bad PEM (encrypted "
			    "keys are not supported): %s (%d)",
			    wc_GetErrorString(n), n);
			goto out;
		}
	} else {
		memcpy(der, in, len);
		n = (int)len;
	}
	if ((rc = key_from_der(der, (size_t)n, out, e)) == BRSKI_OK &&
	    (rc = key_check(*out, e)) != BRSKI_OK) {
		key_free(*out);
		*out = NULL;
	}
out:
	secret_free(der, len);
	return rc;
}

/*
 * Load a private key file.  A key that group or others can read is
 * refused: someone else may already have it.
 */
enum brski_rc
key_load(const char *path, struct brski_key **out, struct brski_err *e)
{
	struct stat	 st;
	uint8_t		*buf = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	*out = NULL;
	if (stat(path, &st) == 0 && (st.st_mode & 077) != 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s is mode %04o; chmod 600 "
		    "it", path, (unsigned)(st.st_mode & 07777));
	if ((rc = file_read(path, KEY_PEM_MAX, &buf, &len, e)) != BRSKI_OK)
		return rc;
	if ((rc = key_parse(buf, len, out, e)) != BRSKI_OK)
		brski_prefix(e, "%s: ", path);
	secret_free(buf, len);
	return rc;
}

/* A token key (key_pkcs11.c) stays in its token. */
static enum brski_rc
no_export(struct brski_err *e)
{
	return brski_fail(e, BRSKI_EINVAL, "key: the private key is in a "
	    "PKCS#11 token and cannot be exported");
}

/* SEC1 DER of the private key; a secret: free with secret_free(). */
enum brski_rc
key_to_der(const struct brski_key *k, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	uint8_t	*der;
	int	 n;

	*out = NULL;
	if (k->token != NULL)
		return no_export(e);
	if ((der = malloc(KEY_DER_MAX)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
	n = wc_EccKeyToDer((ecc_key *)&k->ecc, der, KEY_DER_MAX);
	if (n <= 0) {
		secret_free(der, KEY_DER_MAX);
		return brski_fail(e, BRSKI_EINVAL, "key: export: %s (%d)",
		    wc_GetErrorString(n), n);
	}
	*out = der;
	*outlen = (size_t)n;
	return BRSKI_OK;
}

/* PKCS#8 DER (RFC 5958; EST serverkeygen); free with secret_free(). */
enum brski_rc
key_to_pkcs8(const struct brski_key *k, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	uint8_t	*der;
	word32	 n = KEY_DER_MAX;
	int	 ret;

	*out = NULL;
	if (k->token != NULL)
		return no_export(e);
	if ((der = malloc(KEY_DER_MAX)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
	ret = wc_EccPrivateKeyToPKCS8((ecc_key *)&k->ecc, der, &n);
	if (ret <= 0) {
		secret_free(der, KEY_DER_MAX);
		return brski_fail(e, BRSKI_EINVAL, "key: PKCS#8 export: %s (%d)",
		    wc_GetErrorString(ret), ret);
	}
	*out = der;
	*outlen = (size_t)ret;
	return BRSKI_OK;
}

/* PEM "EC PRIVATE KEY", NUL-terminated; free with secret_free(). */
enum brski_rc
key_to_pem(const struct brski_key *k, char **out, size_t *outlen,
    struct brski_err *e)
{
	uint8_t		*der = NULL;
	char		*pem;
	size_t		 dlen;
	int		 n;
	enum brski_rc	 rc;

	*out = NULL;
	if ((rc = key_to_der(k, &der, &dlen, e)) != BRSKI_OK)
		return rc;
	if ((pem = malloc(KEY_PEM_MAX)) == NULL) {
		secret_free(der, dlen);
		return brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
	}
	n = wc_DerToPem(der, (word32)dlen, (byte *)pem, KEY_PEM_MAX - 1,
	    ECC_PRIVATEKEY_TYPE);
	secret_free(der, dlen);
	if (n <= 0) {
		secret_free(pem, KEY_PEM_MAX);
		return brski_fail(e, BRSKI_EINVAL, "key: PEM: %s (%d)",
		    wc_GetErrorString(n), n);
	}
	pem[n] = '\0';
	*out = pem;
	*outlen = (size_t)n;
	return BRSKI_OK;
}

/* Write the key as PEM to path: mode 0600, atomically. */
enum brski_rc
key_save(const struct brski_key *k, const char *path, struct brski_err *e)
{
	char		*pem = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	if ((rc = key_to_pem(k, &pem, &len, e)) != BRSKI_OK)
		return rc;
	rc = file_write_atomic(path, pem, len, 0600, e);
	secret_free(pem, KEY_PEM_MAX);
	return rc;
}

/* SubjectPublicKeyInfo DER of the public key; caller frees. */
enum brski_rc
key_spki(const struct brski_key *k, uint8_t **out, size_t *outlen,
    struct brski_err *e)
{
	uint8_t	*der;
	int	 n;

	*out = NULL;
	if ((der = malloc(SPKI_MAX)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "key: out of memory");
	n = wc_EccPublicKeyToDer((ecc_key *)&k->ecc, der, SPKI_MAX, 1);
	if (n <= 0) {
		free(der);
		return brski_fail(e, BRSKI_EINVAL, "key: public key export: "
		    "%s (%d)", wc_GetErrorString(n), n);
	}
	*out = der;
	*outlen = (size_t)n;
	return BRSKI_OK;
}

/* 1 if spki (SubjectPublicKeyInfo DER) is the public half of k. */
int
key_matches_spki(const struct brski_key *k, const uint8_t *spki, size_t len)
{
	uint8_t	*mine = NULL;
	size_t	 mlen;
	int	 same;

	if (key_spki(k, &mine, &mlen, NULL) != BRSKI_OK)
		return 0;
	same = mlen == len && memcmp(mine, spki, len) == 0;
	free(mine);
	return same;
}

/*
 * Sign a digest; sig (at least KEY_SIG_MAX bytes) receives a DER
 * ECDSA-Sig-Value of *siglen bytes.
 */
enum brski_rc
key_sign_digest(const struct brski_key *k, const uint8_t *hash, size_t hlen,
    uint8_t *sig, size_t *siglen, struct brski_err *e)
{
	void	*rng;
	word32	 n = KEY_SIG_MAX;
	int	 ret;

	if ((rng = rand_rng()) == NULL)
		return brski_fail(e, BRSKI_EIO, "key: no random generator");
	ret = wc_ecc_sign_hash(hash, (word32)hlen, sig, &n, rng,
	    (ecc_key *)&k->ecc);
	if (ret != 0)
		return brski_fail(e, BRSKI_EIO, "key: sign: %s (%d)",
		    wc_GetErrorString(ret), ret);
	*siglen = n;
	return BRSKI_OK;
}

/*
 * Verify a DER ECDSA signature over a digest with the public key in
 * spki.  BRSKI_EVERIFY if the signature is wrong, BRSKI_EPARSE if the
 * key or signature cannot be decoded.
 */
enum brski_rc
key_verify_digest(const uint8_t *spki, size_t spki_len, const uint8_t *hash,
    size_t hlen, const uint8_t *sig, size_t siglen, struct brski_err *e)
{
	ecc_key		pub;
	word32		idx = 0;
	int		ret, ok = 0;
	enum brski_rc	rc = BRSKI_OK;

	if (wc_ecc_init(&pub) != 0)
		return brski_fail(e, BRSKI_ENOMEM, "key: cannot initialise");
	ret = wc_EccPublicKeyDecode(spki, &idx, &pub, (word32)spki_len);
	if (ret != 0) {
		rc = brski_fail(e, BRSKI_EPARSE, "key: public key is not EC: "
		    "%s (%d)", wc_GetErrorString(ret), ret);
		goto out;
	}
	ret = wc_ecc_verify_hash(sig, (word32)siglen, hash, (word32)hlen, &ok,
	    &pub);
	if (ret != 0 && ret != SIG_VERIFY_E) {
		rc = brski_fail(e, BRSKI_EPARSE, "key: signature malformed: "
		    "%s (%d)", wc_GetErrorString(ret), ret);
		goto out;
	}
	if (!ok)
		rc = brski_fail(e, BRSKI_EVERIFY, "key: signature does not "
		    "verify");
out:
	wc_ecc_free(&pub);
	return rc;
}

/*
 * DER ECDSA-Sig-Value to the fixed-size r||s form of COSE (RFC 9053
 * 2.1): raw receives 2 * coord bytes.
 */
enum brski_rc
key_sig_der_to_raw(const uint8_t *der, size_t len, size_t coord, uint8_t *raw,
    struct brski_err *e)
{
	byte	r[MAX_ECC_BYTES], s[MAX_ECC_BYTES];
	word32	rl = sizeof(r), sl = sizeof(s);
	int	ret;

	if (coord > KEY_COORD_MAX)
		return brski_fail(e, BRSKI_EINVAL, "key: coordinate size %zu",
		    coord);
	ret = wc_ecc_sig_to_rs(der, (word32)len, r, &rl, s, &sl);
	if (ret != 0 || rl > coord || sl > coord)
		return brski_fail(e, BRSKI_EPARSE, "key: bad DER signature");
	memset(raw, 0, 2 * coord);
	memcpy(raw + coord - rl, r, rl);
	memcpy(raw + 2 * coord - sl, s, sl);
	return BRSKI_OK;
}

/* r||s (len bytes, even) to DER; der needs KEY_SIG_MAX bytes. */
enum brski_rc
key_sig_raw_to_der(const uint8_t *raw, size_t len, uint8_t *der,
    size_t *derlen, struct brski_err *e)
{
	word32	n = KEY_SIG_MAX;
	int	ret;

	/* MAX_ECC_BYTES is 128 in Debian's build: use our own limit */
	if (len == 0 || len % 2 != 0 || len / 2 > KEY_COORD_MAX)
		return brski_fail(e, BRSKI_EPARSE, "key: raw signature of %zu "
		    "bytes", len);
	ret = wc_ecc_rs_raw_to_sig(raw, (word32)(len / 2), raw + len / 2,
	    (word32)(len / 2), der, &n);
	if (ret != 0)
		return brski_fail(e, BRSKI_EPARSE, "key: raw signature: %s (%d)",
		    wc_GetErrorString(ret), ret);
	*derlen = n;
	return BRSKI_OK;
}

void
key_free(struct brski_key *k)
{
	if (k == NULL)
		return;
	wc_ecc_free(&k->ecc);
	key_token_release(k->token);	/* session, device, module */
	secret_wipe(k, sizeof(*k));
	free(k);
}

/* 1 if spki is an EC public key on the curve of t. */
int
key_spki_is_curve(const uint8_t *spki, size_t len, enum key_type t)
{
	ecc_key	pub;
	word32	idx = 0;
	int	ok;

	if (wc_ecc_init(&pub) != 0)
		return 0;
	ok = wc_EccPublicKeyDecode(spki, &idx, &pub, (word32)len) == 0 &&
	    pub.dp != NULL && pub.dp->id == key_types[t].curve;
	wc_ecc_free(&pub);
	return ok;
}
