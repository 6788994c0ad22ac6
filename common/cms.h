/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CMS SignedData (RFC 5652) as BRSKI uses it: signed vouchers and
 * voucher-requests (eContentType id-ct-animaJSONVoucher, RFC 8366), and
 * the "certs-only" degenerate form of EST /cacerts (RFC 7030 4.1.3).
 * wolfSSL signs and checks signatures; chain checks are x509_verify().
 */
#ifndef BRSKI_CMS_H
#define BRSKI_CMS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "key.h"
#include "x509.h"

#define CMS_DER_MAX	(64 * 1024)	/* a voucher with chain is ~3 KiB */

/* id-ct-animaJSONVoucher 1.2.840.113549.1.9.16.1.40, as a DER TLV */
extern const uint8_t	cms_oid_voucher[13];

struct cms_signed {
	uint8_t			*content;
	size_t			 content_len;
	uint8_t			 ctype[32];	/* eContentType OID TLV */
	size_t			 ctype_len;
	struct x509_cert	*signer;
	struct x509_list	 certs;		/* every certificate carried */
	time_t			 signing_time;	/* 0 if no attribute */
};

enum brski_rc	cms_sign(const uint8_t *, size_t, const uint8_t *, size_t,
		    const struct x509_cert *, const struct x509_list *,
		    const struct brski_key *, time_t, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	cms_verify(const uint8_t *, size_t, const uint8_t *, size_t,
		    const struct x509_list *, time_t, struct cms_signed **,
		    struct brski_err *);
void		cms_signed_free(struct cms_signed *);
enum brski_rc	cms_certs_only_encode(const struct x509_list *, uint8_t **,
		    size_t *, struct brski_err *);
enum brski_rc	cms_certs_only_decode(const uint8_t *, size_t,
		    struct x509_list *, struct brski_err *);

#endif /* BRSKI_CMS_H */
