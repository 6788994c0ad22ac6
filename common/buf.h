/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A growable byte buffer for building outputs (DER, JSON, HTTP bodies).
 * Appends check the size against a caller-given limit, so a buffer fed
 * by a peer cannot grow without bound.
 */
#ifndef BRSKI_BUF_H
#define BRSKI_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct buf {
	uint8_t	*data;
	size_t	 len;
	size_t	 cap;
	int	 secret;	/* wipe on free and on growth */
};

enum brski_rc	 buf_append(struct buf *, const void *, size_t, size_t,
		    struct brski_err *);
enum brski_rc	 buf_append_byte(struct buf *, uint8_t, struct brski_err *);
enum brski_rc	 buf_printf(struct buf *, struct brski_err *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
uint8_t		*buf_steal(struct buf *, size_t *);
void		 buf_reset(struct buf *);
void		 buf_free(struct buf *);

/* No limit beyond what fits in memory: for data we build ourselves. */
#define BUF_NOLIMIT ((size_t)-1)

/* A borrowed byte string. */
struct bytes {
	const uint8_t	*data;
	size_t		 len;
};

#endif /* BRSKI_BUF_H */
