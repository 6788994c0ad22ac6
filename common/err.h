/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One error type for libbrski: a code that says what kind of failure it
 * was (so a server can map it to a status) and a message that says what
 * went wrong and what to do.  Library code never prints or exits.
 */
#ifndef BRSKI_ERR_H
#define BRSKI_ERR_H

#include <stddef.h>

enum brski_rc {
	BRSKI_OK = 0,
	BRSKI_ENOMEM,
	BRSKI_EINVAL,	/* caller passed nonsense: our bug */
	BRSKI_EPARSE,	/* peer data malformed */
	BRSKI_ETOOBIG,	/* peer data over a limit */
	BRSKI_EVERIFY,	/* signature, chain, pin or nonce check failed */
	BRSKI_EPOLICY,	/* genuine and well-formed, but refused */
	BRSKI_EIO,
	BRSKI_ENET,
	BRSKI_ETLS,
	BRSKI_EDB,
	BRSKI_ECONFIG,
	BRSKI_ENOTFOUND,	/* the thing asked for does not exist */
	BRSKI_EPENDING,		/* not yet: try again later (202) */
};

#define BRSKI_ERR_MSG_MAX 256

struct brski_err {
	enum brski_rc	rc;
	char		msg[BRSKI_ERR_MSG_MAX];
};

enum brski_rc	 brski_fail(struct brski_err *, enum brski_rc, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
enum brski_rc	 brski_prefix(struct brski_err *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
enum brski_rc	 brski_recode(struct brski_err *, enum brski_rc);
void		 brski_err_clear(struct brski_err *);
const char	*brski_rc_name(enum brski_rc);
int		 brski_http_status(enum brski_rc);

#endif /* BRSKI_ERR_H */
