/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secret handling: wipe with explicit_bzero(3) (which the compiler may
 * not elide; wolfSSL does not export its ForceZero) and compare in
 * constant time (nonces, tokens).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "secret.h"

void
secret_wipe(void *p, size_t len)
{
	if (p != NULL)
		explicit_bzero(p, len);
}

/* Wipe len bytes at p and free p.  Accepts NULL. */
void
secret_free(void *p, size_t len)
{
	if (p == NULL)
		return;
	secret_wipe(p, len);
	free(p);
}

/* 1 when the len bytes at a and b are equal; time independent of content. */
int
secret_equal(const void *a, const void *b, size_t len)
{
	const unsigned char	*x = a, *y = b;
	unsigned char		 d = 0;
	size_t			 i;

	for (i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}
