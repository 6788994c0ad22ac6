/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * COSE_Sign1 (RFC 9052 4.2, 4.4) for constrained vouchers and
 * voucher-requests: ECDSA (ES256/384/512, RFC 9053 2.1) through key.h,
 * certificates in x5bag/x5chain (RFC 9360), tag 18.
 */
#ifndef BRSKI_COSE_H
#define BRSKI_COSE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "key.h"
#include "x509.h"

#define COSE_ALG_ES256		(-7)
#define COSE_ALG_ES384		(-35)
#define COSE_ALG_ES512		(-36)
#define COSE_HDR_ALG		1
#define COSE_HDR_CRIT		2
#define COSE_HDR_KID		4
#define COSE_HDR_X5BAG		32
#define COSE_HDR_X5CHAIN	33

#define COSE_MAX		(64 * 1024)	/* a voucher with a chain: ~3 KiB */
#define COSE_CERTS_MAX		8
#define COSE_KID_MAX		64

struct cose_sign1 {
	uint8_t		*protected_hdr;	/* the protected bstr's content */
	size_t		 protected_len;
	int64_t		 alg;
	uint8_t		*kid;
	size_t		 kid_len;
	struct x509_list certs;		/* x5bag or x5chain, as carried */
	int		 certs_label;	/* 32, 33, or 0 if none */
	int		 certs_protected;
	uint8_t		*payload;
	size_t		 payload_len;
	uint8_t		*sig;		/* r || s */
	size_t		 sig_len;
};

struct cose_sign_opts {
	const uint8_t		*kid;		/* unprotected kid, or NULL */
	size_t			 kid_len;
	const struct x509_list	*certs;		/* x5bag/x5chain, or NULL */
	int			 certs_label;	/* COSE_HDR_X5BAG / X5CHAIN */
	int			 certs_protected;
};

enum brski_rc	cose_sign1(const uint8_t *, size_t, const struct brski_key *,
		    const struct cose_sign_opts *, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	cose_sign1_parse(const uint8_t *, size_t, struct cose_sign1 **,
		    struct brski_err *);
enum brski_rc	cose_sign1_verify(const struct cose_sign1 *, const uint8_t *,
		    size_t, struct brski_err *);
enum brski_rc	cose_sign1_find_signer(const struct cose_sign1 *,
		    const struct x509_cert **, struct brski_err *);
enum brski_rc	cose_sign1_strip(const struct cose_sign1 *, uint8_t **,
		    size_t *, struct brski_err *);
void		cose_sign1_free(struct cose_sign1 *);

#endif /* BRSKI_COSE_H */
