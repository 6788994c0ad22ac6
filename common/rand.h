/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cryptographically strong random bytes (nonces, serial numbers) from
 * wolfSSL's DRBG, one generator per thread; and the lifetime of the
 * other per-thread wolfSSL state, the FP_ECC cache.
 */
#ifndef BRSKI_RAND_H
#define BRSKI_RAND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum brski_rc	 rand_bytes(uint8_t *, size_t, struct brski_err *);
void		*rand_rng(void);
void		 rand_cleanup(void);
void		 rand_forget_tables(void);

#endif /* BRSKI_RAND_H */
