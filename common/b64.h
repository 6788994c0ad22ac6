/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Base64 (RFC 4648) on top of wolfSSL's coder, with the strictness that
 * coder lacks: wolfSSL's Base64_Decode silently drops a partial last
 * group and ignores trailing garbage, so input is validated here first.
 */
#ifndef BRSKI_B64_H
#define BRSKI_B64_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define B64_WS		0x1	/* skip whitespace (EST bodies, RFC 8951) */
#define B64_URL		0x2	/* also accept base64url and no padding */

enum brski_rc	b64_encode(const uint8_t *, size_t, char **, size_t *,
		    struct brski_err *);
enum brski_rc	b64_decode(const char *, size_t, int, uint8_t **, size_t *,
		    struct brski_err *);

#endif /* BRSKI_B64_H */
