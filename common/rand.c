/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-thread wolfSSL DRBG.  WC_RNG is not thread-safe, and the daemons
 * sign from several threads, so each thread gets its own, created on
 * first use.  The thread's first use also registers a destructor that
 * frees the generator and wolfSSL's per-thread ECC fixed-point cache
 * (FP_ECC with HAVE_THREAD_LS in the Debian build: up to ~12 MB of
 * precomputed points per thread, which LeakSanitizer reports, and which
 * a thread-per-connection server must not keep after the connection).
 */
#include "config.h"

#include <pthread.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "rand.h"

static _Thread_local WC_RNG	rng;
static _Thread_local int	rng_ready;
static pthread_key_t		cleanup_key;
static pthread_once_t		cleanup_once = PTHREAD_ONCE_INIT;

static void
thread_done(void *p)
{
	wc_FreeRng(p);
	wc_ecc_fp_free();
}

static void
make_key(void)
{
	pthread_key_create(&cleanup_key, thread_done);
}

/*
 * The calling thread's WC_RNG (as void * so that callers need not see
 * wolfSSL types), or NULL if it cannot be seeded.
 */
void *
rand_rng(void)
{
	if (!rng_ready) {
		if (wc_InitRng(&rng) != 0)
			return NULL;
		rng_ready = 1;
		pthread_once(&cleanup_once, make_key);
		pthread_setspecific(cleanup_key, &rng);
	}
	return &rng;
}

/*
 * Free the calling thread's generator and ECC cache now.  A program's
 * main thread calls this before it returns: the destructor above runs
 * only for threads that end with pthread_exit(), and without it the
 * cache that checking a key fills stays allocated until exit.
 */
void
rand_cleanup(void)
{
	if (rng_ready) {
		pthread_setspecific(cleanup_key, NULL);
		wc_FreeRng(&rng);
		rng_ready = 0;
	}
	wc_ecc_fp_free();
}

/*
 * Drop the calling thread's FP_ECC cache (tables and entries), keep its
 * generator: for a one-shot process between steps whose keys do not
 * meet again (pledge_forget_tables()).
 */
void
rand_forget_tables(void)
{
	wc_ecc_fp_free();
}

enum brski_rc
rand_bytes(uint8_t *out, size_t len, struct brski_err *e)
{
	WC_RNG	*r;
	int	 ret;

	if ((r = rand_rng()) == NULL)
		return brski_fail(e, BRSKI_EIO, "random: cannot seed the DRBG");
	if (len > 0xffffffffu)
		return brski_fail(e, BRSKI_EINVAL, "random: %zu bytes", len);
	if ((ret = wc_RNG_GenerateBlock(r, out, (word32)len)) != 0)
		return brski_fail(e, BRSKI_EIO, "random: %s (%d)",
		    wc_GetErrorString(ret), ret);
	return BRSKI_OK;
}
