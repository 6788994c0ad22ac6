/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The library's error reporting: brski_fail() records a code and a
 * formatted message in the caller's struct brski_err and returns the
 * code, so a failing function can end with "return brski_fail(...)".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

/*
 * Record rc and the message in e (which may be NULL) and return rc.
 * A longer message is truncated; that is never an error.
 */
enum brski_rc
brski_fail(struct brski_err *e, enum brski_rc rc, const char *fmt, ...)
{
	va_list	ap;

	if (e == NULL)
		return rc;
	e->rc = rc;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return rc;
}

/*
 * Put context in front of the message already in e ("masa.conf:3: " +
 * "bad port").  Returns the recorded code, so callers can pass it on.
 */
enum brski_rc
brski_prefix(struct brski_err *e, const char *fmt, ...)
{
	char	old[BRSKI_ERR_MSG_MAX];
	size_t	plen, olen;
	va_list	ap;
	int	n;

	if (e == NULL)
		return BRSKI_EINVAL;
	memcpy(old, e->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	plen = (size_t)n < sizeof(e->msg) ? (size_t)n : sizeof(e->msg) - 1;
	/* the message is cut at the end, never the context in front */
	olen = strlen(old);
	if (olen > sizeof(e->msg) - 1 - plen)
		olen = sizeof(e->msg) - 1 - plen;
	memcpy(e->msg + plen, old, olen);
	e->msg[plen + olen] = '\0';
	return e->rc;
}

/* Change the code of a recorded failure (keeping its message). */
enum brski_rc
brski_recode(struct brski_err *e, enum brski_rc rc)
{
	if (e != NULL)
		e->rc = rc;
	return rc;
}

void
brski_err_clear(struct brski_err *e)
{
	if (e == NULL)
		return;
	e->rc = BRSKI_OK;
	e->msg[0] = '\0';
}

const char *
brski_rc_name(enum brski_rc rc)
{
	switch (rc) {
	case BRSKI_OK:		return "ok";
	case BRSKI_ENOMEM:	return "out of memory";
	case BRSKI_EINVAL:	return "invalid argument";
	case BRSKI_EPARSE:	return "malformed input";
	case BRSKI_ETOOBIG:	return "input too large";
	case BRSKI_EVERIFY:	return "verification failed";
	case BRSKI_EPOLICY:	return "refused by policy";
	case BRSKI_EIO:		return "I/O error";
	case BRSKI_ENET:	return "network error";
	case BRSKI_ETLS:	return "TLS error";
	case BRSKI_EDB:		return "database error";
	case BRSKI_ECONFIG:	return "configuration error";
	case BRSKI_ENOTFOUND:	return "not found";
	case BRSKI_EPENDING:	return "pending";
	}
	return "unknown error";
}

/*
 * The HTTP status for a failure (RFC 8995 5.6/5.7 and RFC 7030 use
 * these): the one place where library codes become statuses.
 */
int
brski_http_status(enum brski_rc rc)
{
	switch (rc) {
	case BRSKI_OK:		return 200;
	case BRSKI_EPARSE:	return 400;
	case BRSKI_ETOOBIG:	return 413;
	case BRSKI_EVERIFY:
	case BRSKI_EPOLICY:	return 403;
	case BRSKI_ENOTFOUND:	return 404;
	case BRSKI_EPENDING:	return 202;
	case BRSKI_ENET:
	case BRSKI_ETLS:	return 502;
	default:		return 500;
	}
}
