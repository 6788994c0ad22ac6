/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Growable byte buffer.  The storage is always NUL-terminated one byte
 * past len, so text built here can be used as a C string.  A secret
 * buffer never uses realloc(): the old copy is wiped before it is freed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "secret.h"

static enum brski_rc
buf_grow(struct buf *b, size_t need, struct brski_err *e)
{
	uint8_t	*n;
	size_t	 cap;

	if (need + 1 <= b->cap)
		return BRSKI_OK;
	cap = b->cap < 256 ? 256 : b->cap;
	while (cap < need + 1) {
		if (cap > SIZE_MAX / 2)
			return brski_fail(e, BRSKI_ENOMEM, "buffer: size overflow");
		cap *= 2;
	}
	if ((n = malloc(cap)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "buffer: out of memory "
		    "for %zu bytes", cap);
	if (b->data != NULL) {
		memcpy(n, b->data, b->len);
		if (b->secret)
			secret_wipe(b->data, b->cap);
		free(b->data);
	}
	b->data = n;
	b->cap = cap;
	b->data[b->len] = '\0';
	return BRSKI_OK;
}

/*
 * Append len bytes; fail with BRSKI_ETOOBIG (buffer unchanged) when the
 * result would exceed limit bytes.
 */
enum brski_rc
buf_append(struct buf *b, const void *p, size_t len, size_t limit,
    struct brski_err *e)
{
	enum brski_rc	rc;

	if (len > limit || b->len > limit - len)
		return brski_fail(e, BRSKI_ETOOBIG,
		    "more than %zu bytes", limit);
	if ((rc = buf_grow(b, b->len + len, e)) != BRSKI_OK)
		return rc;
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return BRSKI_OK;
}

enum brski_rc
buf_append_byte(struct buf *b, uint8_t c, struct brski_err *e)
{
	return buf_append(b, &c, 1, BUF_NOLIMIT, e);
}

enum brski_rc
buf_printf(struct buf *b, struct brski_err *e, const char *fmt, ...)
{
	va_list		ap;
	int		n;
	enum brski_rc	rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return brski_fail(e, BRSKI_EINVAL, "buffer: bad format");
	if ((rc = buf_grow(b, b->len + (size_t)n, e)) != BRSKI_OK)
		return rc;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return BRSKI_OK;
}

/*
 * Hand the storage to the caller (free() it; NUL-terminated), and leave
 * b empty.  Returns NULL for a buffer that never held anything.
 */
uint8_t *
buf_steal(struct buf *b, size_t *len)
{
	uint8_t	*p = b->data;

	if (len != NULL)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

/* Empty the buffer but keep its storage. */
void
buf_reset(struct buf *b)
{
	if (b->data != NULL && b->secret)
		secret_wipe(b->data, b->cap);
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL && b->secret)
		secret_wipe(b->data, b->cap);
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
