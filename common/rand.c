/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-thread wolfSSL DRBG.  WC_RNG is not thread-safe, and the daemons
 * sign from several threads, so each thread gets its own, created on
 * first use.  (A thread's generator is not freed when it exits; threads
 * live as long as the process here: MHD's pool, the CoAP loop.)
 */
#include "config.h"

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/error-crypt.h>

#include "rand.h"

static _Thread_local WC_RNG	rng;
static _Thread_local int	rng_ready;

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
	}
	return &rng;
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
