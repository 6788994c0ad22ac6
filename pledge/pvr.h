/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge voucher-request (RFC 8995 5.2): what the pledge signs with
 * its IDevID to ask for a voucher.
 */
#ifndef BRSKI_PLEDGE_PVR_H
#define BRSKI_PLEDGE_PVR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "key.h"
#include "x509.h"

#define PVR_NONCE_LEN	16	/* 128 bits, within YANG's 8..32 */

enum brski_rc	pvr_make(const struct x509_cert *, const struct x509_list *,
		    const struct brski_key *, const struct x509_cert *, time_t,
		    int, uint8_t [PVR_NONCE_LEN], uint8_t **, size_t *,
		    struct brski_err *);

#endif /* BRSKI_PLEDGE_PVR_H */
