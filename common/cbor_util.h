/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Strict helpers over libcbor 0.8 for untrusted input: the whole input
 * must be one item, integers must fit, strings must be definite.  And
 * for output: integers in their shortest form.
 */
#ifndef BRSKI_CBOR_UTIL_H
#define BRSKI_CBOR_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include <cbor.h>

#include "err.h"

#define CBOR_UTIL_DEPTH	16	/* vouchers, COSE, telemetry need 5 */
#define CBOR_UTIL_ITEMS	4096

enum brski_rc	 cbor_util_load(const uint8_t *, size_t, cbor_item_t **,
		    struct brski_err *);
int		 cbor_util_int(const cbor_item_t *, int64_t *);
int		 cbor_util_bytes(const cbor_item_t *, const uint8_t **, size_t *);
int		 cbor_util_text(const cbor_item_t *, const char **, size_t *);
int		 cbor_util_bool(const cbor_item_t *, int *);
uint8_t		*cbor_util_serialize(const cbor_item_t *, size_t *);
cbor_item_t	*cbor_util_build_int(int64_t);

#endif /* BRSKI_CBOR_UTIL_H */
