/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/key.c: generation on the three curves, PEM and
 * PKCS#8 input, file permissions, signatures and their DER/raw forms.
 * Keys of other kinds come from the openssl CLI when it is there.
 */
#include "config.h"

#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "testutil.h"
#include "testpki.h"
#include "b64.h"
#include "fileio.h"
#include "key.h"
#include "secret.h"

static int
setup(void **state)
{
	*state = tu_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	tu_rmdir(*state);
	return 0;
}

/* Run "openssl ARGS" in dir; 0 on success. */
static int	openssl(const char *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
openssl(const char *dir, const char *fmt, ...)
{
	char	args[1024], cmd[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' %s >/dev/null 2>&1", dir,
	    tu_openssl(), args);
	return system(cmd);
}

static void
digest_of(enum key_type kt, const char *msg, uint8_t *h, size_t *hlen)
{
	int	ht = key_hash_type(kt);

	*hlen = (size_t)wc_HashGetDigestSize(ht);
	assert_int_equal(wc_Hash(ht, (const uint8_t *)msg, (word32)strlen(msg),
	    h, (word32)*hlen), 0);
}

/* k signs, and the signature verifies with spki; a changed digest not. */
static void
sign_verify(const struct brski_key *k, const uint8_t *spki, size_t spki_len)
{
	struct brski_err	e = { 0 };
	uint8_t			h[WC_MAX_DIGEST_SIZE], sig[KEY_SIG_MAX];
	size_t			hlen, siglen;

	digest_of(k->type, "voucher", h, &hlen);
	assert_rc(key_sign_digest(k, h, hlen, sig, &siglen, &e), BRSKI_OK, &e);
	assert_true(siglen > 8 && siglen <= KEY_SIG_MAX);
	assert_rc(key_verify_digest(spki, spki_len, h, hlen, sig, siglen, &e),
	    BRSKI_OK, &e);
	h[0] ^= 1;
	assert_rc(key_verify_digest(spki, spki_len, h, hlen, sig, siglen, &e),
	    BRSKI_EVERIFY, &e);
}

static void
test_key_generate_each_curve(void **state)
{
	static const struct {
		enum key_type	 t;
		size_t		 coord;
		const char	*name;
	} c[] = {
		{ KEY_EC_P256, 32, "P-256" },
		{ KEY_EC_P384, 48, "P-384" },
		{ KEY_EC_P521, 66, "P-521" },
	};
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	uint8_t			*spki;
	size_t			 spki_len, i;

	(void)state;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		assert_rc(key_generate(c[i].t, &k, &e), BRSKI_OK, &e);
		assert_int_equal(k->type, c[i].t);
		assert_int_equal(key_coord_size(k->type), c[i].coord);
		assert_string_equal(key_type_name(k->type), c[i].name);
		assert_rc(key_spki(k, &spki, &spki_len, &e), BRSKI_OK, &e);
		/* uncompressed point: 04 || x || y at the end of the SPKI */
		assert_int_equal(spki[spki_len - 2 * c[i].coord - 1], 0x04);
		sign_verify(k, spki, spki_len);
		free(spki);
		key_free(k);
	}
	key_free(NULL);
}

static void
test_key_type_from_name(void **state)
{
	enum key_type	t = KEY_EC_P521;

	(void)state;
	assert_true(key_type_from_name("prime256v1", &t));
	assert_int_equal(t, KEY_EC_P256);
	assert_true(key_type_from_name("p-384", &t));
	assert_int_equal(t, KEY_EC_P384);
	assert_true(key_type_from_name("secp521r1", &t));
	assert_int_equal(t, KEY_EC_P521);
	assert_false(key_type_from_name("P-224", &t));
	assert_false(key_type_from_name("", &t));
	assert_int_equal(t, KEY_EC_P521);
}

static void
test_key_save_load_roundtrip(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k, *back;
	uint8_t			*spki, *spki2;
	size_t			 spki_len, spki2_len;
	struct stat		 st;
	char			*path;

	path = tu_path(*state, "k.pem");
	assert_rc(key_generate(KEY_EC_P384, &k, &e), BRSKI_OK, &e);
	assert_rc(key_save(k, path, &e), BRSKI_OK, &e);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_rc(key_load(path, &back, &e), BRSKI_OK, &e);
	assert_int_equal(back->type, KEY_EC_P384);
	assert_rc(key_spki(k, &spki, &spki_len, &e), BRSKI_OK, &e);
	assert_rc(key_spki(back, &spki2, &spki2_len, &e), BRSKI_OK, &e);
	assert_int_equal(spki_len, spki2_len);
	assert_memory_equal(spki, spki2, spki_len);
	/* the loaded private half signs for the original public half */
	sign_verify(back, spki, spki_len);
	free(spki);
	free(spki2);
	key_free(k);
	key_free(back);
	free(path);
}

static void
test_key_load_refuses_group_readable(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k, *back = (struct brski_key *)1;
	char			*path;

	path = tu_path(*state, "k.pem");
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_save(k, path, &e), BRSKI_OK, &e);
	assert_int_equal(chmod(path, 0644), 0);
	assert_rc(key_load(path, &back, &e), BRSKI_ECONFIG, &e);
	assert_null(back);
	assert_non_null(strstr(e.msg, "chmod 600"));
	assert_non_null(strstr(e.msg, "0644"));
	assert_non_null(strstr(e.msg, path));
	assert_int_equal(chmod(path, 0640), 0);
	assert_rc(key_load(path, &back, &e), BRSKI_ECONFIG, &e);
	assert_int_equal(chmod(path, 0604), 0);
	assert_rc(key_load(path, &back, &e), BRSKI_ECONFIG, &e);
	assert_int_equal(chmod(path, 0400), 0);
	assert_rc(key_load(path, &back, &e), BRSKI_OK, &e);
	key_free(back);
	key_free(k);
	free(path);
}

static void
test_key_load_missing_file(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = (struct brski_key *)1;
	char			*path;

	path = tu_path(*state, "absent.pem");
	assert_rc(key_load(path, &k, &e), BRSKI_EIO, &e);
	assert_null(k);
	free(path);
}

/* PEM armour around der, lines of 64 characters. */
static char *
pem_armour(const char *label, const uint8_t *der, size_t len)
{
	struct brski_err	 e = { 0 };
	char			*b64, *pem;
	size_t			 blen, i, o = 0, max;

	assert_rc(b64_encode(der, len, &b64, &blen, &e), BRSKI_OK, &e);
	max = blen + blen / 64 + 2 * strlen(label) + 64;
	if ((pem = malloc(max)) == NULL)
		fail();
	o += (size_t)snprintf(pem + o, max - o, "-----BEGIN %s-----\n", label);
	for (i = 0; i < blen; i += 64)
		o += (size_t)snprintf(pem + o, max - o, "%.64s\n", b64 + i);
	snprintf(pem + o, max - o, "-----END %s-----\n", label);
	free(b64);
	return pem;
}

static void
same_key(const struct brski_key *a, const struct brski_key *b)
{
	struct brski_err	 e = { 0 };
	uint8_t			*spki;
	size_t			 len;

	assert_int_equal(a->type, b->type);
	assert_rc(key_spki(a, &spki, &len, &e), BRSKI_OK, &e);
	assert_true(key_matches_spki(b, spki, len));
	free(spki);
}

static void
test_key_parse_accepts_pkcs8_and_der(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k, *back;
	uint8_t			*der;
	size_t			 len;
	char			*pem;

	(void)state;
	assert_rc(key_generate(KEY_EC_P521, &k, &e), BRSKI_OK, &e);
	/* PKCS#8 "PRIVATE KEY", as openssl genpkey writes it */
	assert_rc(key_to_pkcs8(k, &der, &len, &e), BRSKI_OK, &e);
	pem = pem_armour("PRIVATE KEY", der, len);
	assert_rc(key_parse((uint8_t *)pem, strlen(pem), &back, &e), BRSKI_OK,
	    &e);
	same_key(k, back);
	key_free(back);
	/* PKCS#8 DER */
	assert_rc(key_parse(der, len, &back, &e), BRSKI_OK, &e);
	same_key(k, back);
	key_free(back);
	secret_free(der, len);
	free(pem);
	/* SEC1 DER */
	assert_rc(key_to_der(k, &der, &len, &e), BRSKI_OK, &e);
	assert_rc(key_parse(der, len, &back, &e), BRSKI_OK, &e);
	same_key(k, back);
	key_free(back);
	secret_free(der, len);
	key_free(k);
}

/* A P-256 key converted to PKCS#8 by openssl is read back. */
static void
test_key_parse_accepts_openssl_pkcs8(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k, *back;
	char			*in, *out;
	uint8_t			*buf;
	size_t			 len;

	if (!tu_have_openssl())
		skip();
	in = tu_path(*state, "sec1.pem");
	out = tu_path(*state, "p8.pem");
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_save(k, in, &e), BRSKI_OK, &e);
	assert_int_equal(openssl(*state, "pkcs8 -topk8 -nocrypt -in sec1.pem "
	    "-out p8.pem"), 0);
	assert_rc(file_read(out, 65536, &buf, &len, &e), BRSKI_OK, &e);
	assert_non_null(strstr((char *)buf, "BEGIN PRIVATE KEY"));
	assert_rc(key_parse(buf, len, &back, &e), BRSKI_OK, &e);
	same_key(k, back);
	key_free(back);
	free(buf);
	key_free(k);
	free(in);
	free(out);
}

static void
parse_bad(const void *p, size_t len)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = (struct brski_key *)1;

	assert_rc(key_parse(p, len, &k, &e), BRSKI_EPARSE, &e);
	assert_null(k);
	assert_true(strlen(e.msg) > 0);
}

static void
test_key_parse_rejects_garbage_and_truncated(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	uint8_t			*der, junk[300], *big;
	char			*pem;
	size_t			 len, plen, i;

	(void)state;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (uint8_t)(i * 13 + 1);
	parse_bad(junk, sizeof(junk));
	parse_bad(junk, 0);
	parse_bad("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE "
	    "KEY-----\n", 62);
	parse_bad("-----BEGIN EC PRIVATE KEY-----\n", 31);
	if ((big = calloc(1, 16 * 1024 + 1)) == NULL)
		fail();
	parse_bad(big, 16 * 1024 + 1);
	free(big);
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	/* every truncation of the SEC1 DER */
	assert_rc(key_to_der(k, &der, &len, &e), BRSKI_OK, &e);
	for (i = 1; i < len; i++)
		parse_bad(der, i);
	secret_free(der, len);
	/* a whole SEC1 key with a byte after it */
	assert_rc(key_to_der(k, &der, &len, &e), BRSKI_OK, &e);
	if ((big = calloc(1, len + 1)) == NULL)
		fail();
	memcpy(big, der, len);
	parse_bad(big, len + 1);
	free(big);
	secret_free(der, len);
	/* PEM cut in the middle of the base64 and before the END line */
	assert_rc(key_to_pem(k, &pem, &plen, &e), BRSKI_OK, &e);
	parse_bad(pem, plen / 2);
	parse_bad(pem, plen - 30);
	secret_free(pem, plen);
	key_free(k);
}

/* Keys we do not support: RSA, Ed25519, secp256k1, encrypted PKCS#8. */
static void
test_key_parse_rejects_unsupported(void **state)
{
	static const struct {
		const char	*file;
		const char	*cmd;
	} c[] = {
		{ "rsa.pem", "genpkey -algorithm RSA -pkeyopt "
		    "rsa_keygen_bits:1024 -out rsa.pem" },
		{ "ed.pem", "genpkey -algorithm ed25519 -out ed.pem" },
		{ "k1.pem", "ecparam -name secp256k1 -genkey -noout "
		    "-out k1.pem" },
		{ "bp.pem", "ecparam -name brainpoolP256r1 -genkey -noout "
		    "-out bp.pem" },
		{ "enc.pem", "genpkey -algorithm EC -pkeyopt "
		    "ec_paramgen_curve:P-256 -aes-256-cbc -pass pass:secret "
		    "-out enc.pem" },
		{ "pub.pem", "pkey -in enc.pem -passin pass:secret -pubout "
		    "-out pub.pem" },
	};
	struct brski_err	 e = { 0 };
	uint8_t			*buf;
	size_t			 len, i;
	char			*path;

	if (!tu_have_openssl())
		skip();
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		if (openssl(*state, "%s", c[i].cmd) != 0)
			fail_msg("openssl %s failed", c[i].cmd);
		path = tu_path(*state, c[i].file);
		assert_rc(file_read(path, 65536, &buf, &len, &e), BRSKI_OK,
		    &e);
		parse_bad(buf, len);
		free(buf);
		free(path);
	}
	/* the same RSA key as DER (no PEM header to tell it apart) */
	assert_int_equal(openssl(*state, "pkey -in rsa.pem -outform DER "
	    "-out rsa.der"), 0);
	path = tu_path(*state, "rsa.der");
	assert_rc(file_read(path, 65536, &buf, &len, &e), BRSKI_OK, &e);
	parse_bad(buf, len);
	free(buf);
	free(path);
}

static void
test_key_verify_with_wrong_key(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*a, *b;
	uint8_t			 h[32], sig[KEY_SIG_MAX], *spki_b;
	size_t			 hlen, siglen, spki_len;

	(void)state;
	assert_rc(key_generate(KEY_EC_P256, &a, &e), BRSKI_OK, &e);
	assert_rc(key_generate(KEY_EC_P256, &b, &e), BRSKI_OK, &e);
	digest_of(KEY_EC_P256, "hello", h, &hlen);
	assert_rc(key_sign_digest(a, h, hlen, sig, &siglen, &e), BRSKI_OK, &e);
	assert_rc(key_spki(b, &spki_b, &spki_len, &e), BRSKI_OK, &e);
	assert_rc(key_verify_digest(spki_b, spki_len, h, hlen, sig, siglen,
	    &e), BRSKI_EVERIFY, &e);
	assert_non_null(strstr(e.msg, "does not verify"));
	free(spki_b);
	key_free(a);
	key_free(b);
}

static void
test_key_verify_rejects_malformed(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	uint8_t			 h[32], sig[KEY_SIG_MAX + 1], *spki;
	size_t			 hlen, siglen, spki_len;

	(void)state;
	assert_rc(key_generate(KEY_EC_P256, &k, &e), BRSKI_OK, &e);
	assert_rc(key_spki(k, &spki, &spki_len, &e), BRSKI_OK, &e);
	digest_of(KEY_EC_P256, "hello", h, &hlen);
	assert_rc(key_sign_digest(k, h, hlen, sig, &siglen, &e), BRSKI_OK, &e);
	/* broken public key */
	assert_rc(key_verify_digest(spki, spki_len / 2, h, hlen, sig, siglen,
	    &e), BRSKI_EPARSE, &e);
	assert_rc(key_verify_digest((const uint8_t *)"\x30\x00", 2, h, hlen,
	    sig, siglen, &e), BRSKI_EPARSE, &e);
	/* signature not a SEQUENCE of two INTEGERs */
	assert_rc(key_verify_digest(spki, spki_len, h, hlen,
	    (const uint8_t *)"\x04\x02\x01\x01", 4, &e), BRSKI_EPARSE, &e);
	assert_rc(key_verify_digest(spki, spki_len, h, hlen, sig, siglen - 1,
	    &e), BRSKI_EPARSE, &e);
	/* trailing bytes after a valid ECDSA-Sig-Value (malleability) */
	sig[siglen] = 0;
	assert_rc(key_verify_digest(spki, spki_len, h, hlen, sig, siglen + 1,
	    &e), BRSKI_EPARSE, &e);
	/* and the unmodified signature still verifies */
	assert_rc(key_verify_digest(spki, spki_len, h, hlen, sig, siglen, &e),
	    BRSKI_OK, &e);
	free(spki);
	key_free(k);
}

static void
test_key_matches_spki(void **state)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*a, *b;
	uint8_t			*sa, *sb;
	size_t			 la, lb;

	(void)state;
	assert_rc(key_generate(KEY_EC_P256, &a, &e), BRSKI_OK, &e);
	assert_rc(key_generate(KEY_EC_P256, &b, &e), BRSKI_OK, &e);
	assert_rc(key_spki(a, &sa, &la, &e), BRSKI_OK, &e);
	assert_rc(key_spki(b, &sb, &lb, &e), BRSKI_OK, &e);
	assert_true(key_matches_spki(a, sa, la));
	assert_true(key_matches_spki(b, sb, lb));
	assert_false(key_matches_spki(a, sb, lb));
	assert_false(key_matches_spki(a, sa, la - 1));
	assert_false(key_matches_spki(a, sa, 0));
	sa[la - 1] ^= 1;
	assert_false(key_matches_spki(a, sa, la));
	free(sa);
	free(sb);
	key_free(a);
	key_free(b);
}

/* DER -> raw -> DER gives back the same bytes, and still verifies. */
static void
test_key_sig_der_raw_roundtrip(void **state)
{
	static const enum key_type	 types[] = { KEY_EC_P256, KEY_EC_P384,
	    KEY_EC_P521 };
	struct brski_err		 e = { 0 };
	struct brski_key		*k;
	uint8_t				 h[WC_MAX_DIGEST_SIZE], raw[2 * 66];
	uint8_t				 sig[KEY_SIG_MAX], der[KEY_SIG_MAX];
	uint8_t				*spki;
	size_t				 hlen, siglen, derlen, coord, spki_len,
					 i, n;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_rc(key_generate(types[i], &k, &e), BRSKI_OK, &e);
		assert_rc(key_spki(k, &spki, &spki_len, &e), BRSKI_OK, &e);
		coord = key_coord_size(types[i]);
		digest_of(types[i], "raw", h, &hlen);
		for (n = 0; n < 20; n++) {
			assert_rc(key_sign_digest(k, h, hlen, sig, &siglen, &e),
			    BRSKI_OK, &e);
			assert_rc(key_sig_der_to_raw(sig, siglen, coord, raw,
			    &e), BRSKI_OK, &e);
			assert_rc(key_sig_raw_to_der(raw, 2 * coord, der,
			    &derlen, &e), BRSKI_OK, &e);
			assert_int_equal(derlen, siglen);
			assert_memory_equal(der, sig, siglen);
			assert_rc(key_verify_digest(spki, spki_len, h, hlen,
			    der, derlen, &e), BRSKI_OK, &e);
		}
		free(spki);
		key_free(k);
	}
}

/* Small r and s are left-padded in raw form and minimal in DER. */
static void
test_key_sig_conversion_exact_bytes(void **state)
{
	static const uint8_t	der_small[] = { 0x30, 0x06, 0x02, 0x01, 0x01,
	    0x02, 0x01, 0x02 };
	static const uint8_t	der_top[] = { 0x30, 0x07, 0x02, 0x02, 0x00,
	    0x80, 0x02, 0x01, 0x7f };
	struct brski_err	e = { 0 };
	uint8_t			raw[64], want[64], der[KEY_SIG_MAX];
	size_t			derlen;

	(void)state;
	assert_rc(key_sig_der_to_raw(der_small, sizeof(der_small), 32, raw, &e),
	    BRSKI_OK, &e);
	memset(want, 0, sizeof(want));
	want[31] = 1;
	want[63] = 2;
	assert_memory_equal(raw, want, 64);
	assert_rc(key_sig_raw_to_der(want, 64, der, &derlen, &e), BRSKI_OK,
	    &e);
	assert_int_equal(derlen, sizeof(der_small));
	assert_memory_equal(der, der_small, derlen);
	/* r with its top bit set needs the 0x00 pad in DER */
	memset(want, 0, sizeof(want));
	want[31] = 0x80;
	want[63] = 0x7f;
	assert_rc(key_sig_raw_to_der(want, 64, der, &derlen, &e), BRSKI_OK,
	    &e);
	assert_int_equal(derlen, sizeof(der_top));
	assert_memory_equal(der, der_top, derlen);
	assert_rc(key_sig_der_to_raw(der_top, sizeof(der_top), 32, raw, &e),
	    BRSKI_OK, &e);
	assert_memory_equal(raw, want, 64);
}

static void
test_key_sig_conversion_rejects_bad(void **state)
{
	static const uint8_t	der_small[] = { 0x30, 0x06, 0x02, 0x01, 0x01,
	    0x02, 0x01, 0x02 };
	struct brski_err	 e = { 0 };
	struct brski_key	*k;
	uint8_t			 h[48], sig[KEY_SIG_MAX + 1], raw[2 * 66 + 2],
				 der[KEY_SIG_MAX];
	size_t			 hlen, siglen, derlen;

	(void)state;
	/* a P-384 signature does not fit P-256 coordinates */
	assert_rc(key_generate(KEY_EC_P384, &k, &e), BRSKI_OK, &e);
	digest_of(KEY_EC_P384, "x", h, &hlen);
	do {
		assert_rc(key_sign_digest(k, h, hlen, sig, &siglen, &e),
		    BRSKI_OK, &e);
	} while (siglen < 6 + 2 * 33);	/* r or s longer than 32 */
	assert_rc(key_sig_der_to_raw(sig, siglen, 32, raw, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(key_sig_der_to_raw(sig, siglen, 48, raw, &e), BRSKI_OK, &e);
	/* truncated DER, garbage, trailing bytes */
	assert_rc(key_sig_der_to_raw(sig, siglen - 1, 48, raw, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(key_sig_der_to_raw((const uint8_t *)"\x05\x00", 2, 48, raw,
	    &e), BRSKI_EPARSE, &e);
	sig[siglen] = 0;
	assert_rc(key_sig_der_to_raw(sig, siglen + 1, 48, raw, &e),
	    BRSKI_EPARSE, &e);
	assert_rc(key_sig_der_to_raw(der_small, sizeof(der_small), 200, raw,
	    &e), BRSKI_EINVAL, &e);
	key_free(k);
	/* raw forms that cannot be r||s */
	memset(raw, 1, sizeof(raw));
	assert_rc(key_sig_raw_to_der(raw, 0, der, &derlen, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(key_sig_raw_to_der(raw, 63, der, &derlen, &e), BRSKI_EPARSE,
	    &e);
	assert_rc(key_sig_raw_to_der(raw, 2 * 66 + 2, der, &derlen, &e),
	    BRSKI_EPARSE, &e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_generate_each_curve),
		cmocka_unit_test(test_key_type_from_name),
		cmocka_unit_test_setup_teardown(test_key_save_load_roundtrip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_key_load_refuses_group_readable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_key_load_missing_file,
		    setup, teardown),
		cmocka_unit_test(test_key_parse_accepts_pkcs8_and_der),
		cmocka_unit_test_setup_teardown(
		    test_key_parse_accepts_openssl_pkcs8, setup, teardown),
		cmocka_unit_test(test_key_parse_rejects_garbage_and_truncated),
		cmocka_unit_test_setup_teardown(
		    test_key_parse_rejects_unsupported, setup, teardown),
		cmocka_unit_test(test_key_verify_with_wrong_key),
		cmocka_unit_test(test_key_verify_rejects_malformed),
		cmocka_unit_test(test_key_matches_spki),
		cmocka_unit_test(test_key_sig_der_raw_roundtrip),
		cmocka_unit_test(test_key_sig_conversion_exact_bytes),
		cmocka_unit_test(test_key_sig_conversion_rejects_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
