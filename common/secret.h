/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wiping secrets (private keys, their DER/PEM, PINs) before release.
 */
#ifndef BRSKI_SECRET_H
#define BRSKI_SECRET_H

#include <stddef.h>

void	secret_wipe(void *, size_t);
void	secret_free(void *, size_t);
int	secret_equal(const void *, const void *, size_t);

#endif /* BRSKI_SECRET_H */
