/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LD_PRELOAD shim for the benchmarks (not part of any program): counts
 * the public-key operations a process really performs, so that the
 * per-enrollment operation counts of bench/crypto_floor are checked
 * against the running programs instead of only against a reading of
 * the code.  It interposes the exported entry points of wolfSSL (used
 * by libbrski and by wolfSSL's own TLS and PKCS#7 code, which call
 * them through the PLT in the Debian build) and of nettle (what GnuTLS,
 * the TLS layer of libmicrohttpd, calls), plus gnutls_handshake.
 *
 * At exit the counts are appended as one line to $OPCOUNT_FILE:
 *   <program> <pid> name=count ...
 * Nothing is written when OPCOUNT_FILE is unset.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum op {
	OP_ECC_SIGN,		/* wc_ecc_sign_hash */
	OP_ECC_VERIFY,		/* wc_ecc_verify_hash */
	OP_ECC_KEYGEN,		/* wc_ecc_make_key_ex */
	OP_ECC_ECDH,		/* wc_ecc_shared_secret */
	OP_WOLF_CONNECT,	/* wolfSSL_connect returning success */
	OP_GNUTLS_HS,		/* gnutls_handshake returning success */
	OP_NETTLE_SIGN,		/* nettle_ecdsa_sign */
	OP_NETTLE_VERIFY,	/* nettle_ecdsa_verify */
	OP_NETTLE_KEYGEN,	/* nettle_ecdsa_generate_keypair */
	OP_NETTLE_MUL,		/* nettle_ecc_point_mul (ECDH) */
	OP_MAX
};

static const char *const names[OP_MAX] = {
	"wolf_sign", "wolf_verify", "wolf_keygen", "wolf_ecdh",
	"wolf_connect", "gnutls_handshake", "nettle_sign", "nettle_verify",
	"nettle_keygen", "nettle_ecdh"
};

static atomic_long	counts[OP_MAX];

/* Resolve the next definition of a symbol once. */
#define NEXT(var, name) do {						\
	if ((var) == NULL)						\
		*(void **)&(var) = dlsym(RTLD_NEXT, (name));		\
	if ((var) == NULL)						\
		abort();						\
} while (0)

int
wc_ecc_sign_hash(const unsigned char *in, unsigned int inlen,
    unsigned char *out, unsigned int *outlen, void *rng, void *key)
{
	static int	(*f)(const unsigned char *, unsigned int,
			    unsigned char *, unsigned int *, void *, void *);

	NEXT(f, "wc_ecc_sign_hash");
	atomic_fetch_add(&counts[OP_ECC_SIGN], 1);
	return f(in, inlen, out, outlen, rng, key);
}

int
wc_ecc_verify_hash(const unsigned char *sig, unsigned int siglen,
    const unsigned char *hash, unsigned int hashlen, int *res, void *key)
{
	static int	(*f)(const unsigned char *, unsigned int,
			    const unsigned char *, unsigned int, int *, void *);

	NEXT(f, "wc_ecc_verify_hash");
	atomic_fetch_add(&counts[OP_ECC_VERIFY], 1);
	return f(sig, siglen, hash, hashlen, res, key);
}

int
wc_ecc_make_key_ex(void *rng, int keysize, void *key, int curve_id)
{
	static int	(*f)(void *, int, void *, int);

	NEXT(f, "wc_ecc_make_key_ex");
	atomic_fetch_add(&counts[OP_ECC_KEYGEN], 1);
	return f(rng, keysize, key, curve_id);
}

int
wc_ecc_shared_secret(void *priv, void *pub, unsigned char *out,
    unsigned int *outlen)
{
	static int	(*f)(void *, void *, unsigned char *, unsigned int *);

	NEXT(f, "wc_ecc_shared_secret");
	atomic_fetch_add(&counts[OP_ECC_ECDH], 1);
	return f(priv, pub, out, outlen);
}

int
wolfSSL_connect(void *ssl)
{
	static int	(*f)(void *);
	int		ret;

	NEXT(f, "wolfSSL_connect");
	if ((ret = f(ssl)) == 1)
		atomic_fetch_add(&counts[OP_WOLF_CONNECT], 1);
	return ret;
}

int
gnutls_handshake(void *session)
{
	static int	(*f)(void *);
	int		ret;

	NEXT(f, "gnutls_handshake");
	if ((ret = f(session)) == 0)
		atomic_fetch_add(&counts[OP_GNUTLS_HS], 1);
	return ret;
}

void
nettle_ecdsa_sign(const void *key, void *rctx, void *rfunc, size_t len,
    const unsigned char *digest, void *sig)
{
	static void	(*f)(const void *, void *, void *, size_t,
			    const unsigned char *, void *);

	NEXT(f, "nettle_ecdsa_sign");
	atomic_fetch_add(&counts[OP_NETTLE_SIGN], 1);
	f(key, rctx, rfunc, len, digest, sig);
}

int
nettle_ecdsa_verify(const void *pub, size_t len, const unsigned char *digest,
    const void *sig)
{
	static int	(*f)(const void *, size_t, const unsigned char *,
			    const void *);

	NEXT(f, "nettle_ecdsa_verify");
	atomic_fetch_add(&counts[OP_NETTLE_VERIFY], 1);
	return f(pub, len, digest, sig);
}

void
nettle_ecdsa_generate_keypair(void *pub, void *key, void *rctx, void *rfunc)
{
	static void	(*f)(void *, void *, void *, void *);

	NEXT(f, "nettle_ecdsa_generate_keypair");
	atomic_fetch_add(&counts[OP_NETTLE_KEYGEN], 1);
	f(pub, key, rctx, rfunc);
}

void
nettle_ecc_point_mul(void *r, const void *n, const void *p)
{
	static void	(*f)(void *, const void *, const void *);

	NEXT(f, "nettle_ecc_point_mul");
	atomic_fetch_add(&counts[OP_NETTLE_MUL], 1);
	f(r, n, p);
}

/* For bench/crypto_floor: the count of op (an enum op) so far. */
long	opcount_get(int);

long
opcount_get(int op)
{
	return op >= 0 && op < OP_MAX ? atomic_load(&counts[op]) : -1;
}

__attribute__((destructor)) static void
report(void)
{
	const char	*path = getenv("OPCOUNT_FILE");
	FILE		*f;
	int		 i;

	if (path == NULL || (f = fopen(path, "a")) == NULL)
		return;
	fprintf(f, "%s %ld", program_invocation_short_name, (long)getpid());
	for (i = 0; i < OP_MAX; i++)
		fprintf(f, " %s=%ld", names[i], atomic_load(&counts[i]));
	fprintf(f, "\n");
	fclose(f);
}
