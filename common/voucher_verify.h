/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Acceptance of a signed voucher (RFC 8995 5.6.1, RFC 8366bis): the
 * checks the pledge makes, and the registrar repeats before forwarding.
 */
#ifndef BRSKI_VOUCHER_VERIFY_H
#define BRSKI_VOUCHER_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "voucher.h"
#include "x509.h"

struct voucher_expect {
	const struct x509_list	*masa_anchors;	/* who may sign vouchers */
	const char		*serial;	/* our serial-number */
	const uint8_t		*nonce;		/* the nonce we sent */
	size_t			 nonce_len;
	int			 allow_nonceless;
	const struct x509_cert	*idevid;	/* for idevid-issuer, or NULL */
	time_t			 now;
};

enum brski_rc	voucher_verify_cms(const uint8_t *, size_t,
		    const struct voucher_expect *, struct voucher **,
		    struct x509_cert **, struct brski_err *);
enum brski_rc	voucher_verify_cose(const uint8_t *, size_t,
		    const struct voucher_expect *, struct voucher **,
		    struct x509_cert **, struct brski_err *);
enum brski_rc	voucher_accept(const struct voucher *,
		    const struct voucher_expect *, struct x509_cert **,
		    struct brski_err *);

#endif /* BRSKI_VOUCHER_VERIFY_H */
