/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small DER reader and writer, for the few structures wolfSSL cannot
 * build or expose in the Debian 12 build: TBSCertificates with custom
 * extensions (id-kp-cmcRA, the MASA URL), CsrAttrs, and walking an
 * extension list.  Strict: definite lengths, minimal encoding, one-byte
 * tags (all our structures use low tag numbers).
 */
#ifndef BRSKI_DER_H
#define BRSKI_DER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "buf.h"
#include "err.h"

#define DER_BOOLEAN	0x01
#define DER_INTEGER	0x02
#define DER_BIT_STRING	0x03
#define DER_OCTET_STRING 0x04
#define DER_NULL	0x05
#define DER_OID		0x06
#define DER_UTF8STRING	0x0c
#define DER_PRINTABLE	0x13
#define DER_IA5STRING	0x16
#define DER_UTCTIME	0x17
#define DER_GENTIME	0x18
#define DER_SEQUENCE	0x30
#define DER_SET		0x31
#define DER_CTX(n)	(0x80 | (n))	/* [n] IMPLICIT, primitive */
#define DER_CTX_C(n)	(0xa0 | (n))	/* [n], constructed */

#define DER_MAX_LEN	(16u * 1024 * 1024)	/* nothing we read is larger */

struct der_tlv {
	uint8_t		 tag;
	const uint8_t	*val;		/* contents */
	size_t		 len;
	const uint8_t	*raw;		/* tag, length and contents */
	size_t		 raw_len;
};

enum brski_rc	der_read(const uint8_t *, size_t, struct der_tlv *,
		    struct brski_err *);
enum brski_rc	der_expect(const uint8_t *, size_t, uint8_t, struct der_tlv *,
		    struct brski_err *);
enum brski_rc	der_get_time(const struct der_tlv *, time_t *,
		    struct brski_err *);
enum brski_rc	der_put_hdr(struct buf *, uint8_t, size_t, struct brski_err *);
enum brski_rc	der_put(struct buf *, uint8_t, const void *, size_t,
		    struct brski_err *);
enum brski_rc	der_put_raw(struct buf *, const void *, size_t,
		    struct brski_err *);
enum brski_rc	der_put_uint(struct buf *, const uint8_t *, size_t,
		    struct brski_err *);
enum brski_rc	der_put_small_int(struct buf *, long, struct brski_err *);
enum brski_rc	der_put_time(struct buf *, int64_t, struct brski_err *);
enum brski_rc	der_wrap(struct buf *, uint8_t, const struct buf *,
		    struct brski_err *);
enum brski_rc	der_oid_from_text(const char *, struct buf *, struct brski_err *);

#endif /* BRSKI_DER_H */
