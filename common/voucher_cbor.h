/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The CBOR encoding of vouchers and voucher-requests (RFC 9254 YANG-CBOR
 * with SIDs, draft-ietf-anima-constrained-voucher): {container SID:
 * {delta: value}}.
 */
#ifndef BRSKI_VOUCHER_CBOR_H
#define BRSKI_VOUCHER_CBOR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "voucher.h"

#define VOUCHER_SID_VOUCHER	2451
#define VOUCHER_SID_REQUEST	2501
#define VOUCHER_CBOR_MAX	VOUCHER_JSON_MAX
#define VOUCHER_CBOR_LEAVES	64	/* members of the container we read */

enum brski_rc	voucher_to_cbor(const struct voucher *, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	voucher_parse_cbor(const uint8_t *, size_t, enum voucher_kind,
		    struct voucher **, struct brski_err *);

#endif /* BRSKI_VOUCHER_CBOR_H */
