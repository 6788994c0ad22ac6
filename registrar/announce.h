/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DNS-SD announcements through avahi-daemon (RFC 8995 4.1, 4.3): the
 * registrar's _brski-registrar._tcp (and ._udp for CoAPS), the join
 * proxy's _brski-proxy._udp.  Never fatal: without a daemon the
 * program runs unannounced and announces once a daemon appears.
 */
#ifndef BRSKI_ANNOUNCE_H
#define BRSKI_ANNOUNCE_H

#include "err.h"

#define ANNOUNCE_REGISTRAR_TCP	"_brski-registrar._tcp"
#define ANNOUNCE_REGISTRAR_UDP	"_brski-registrar._udp"
#define ANNOUNCE_PROXY_UDP	"_brski-proxy._udp"
#define ANNOUNCE_MAX		4	/* services per instance */

struct announce_service {
	const char	*type;		/* one of the ANNOUNCE_ types */
	unsigned	 port;
	/*
	 * The address the service listens on.  A specific address is
	 * announced only on the interface that holds it (and only over
	 * its address family); NULL, "*", "::" and "0.0.0.0" on all.
	 */
	const char	*listen;
};

struct announce;

/* 1 when this build has avahi-client */
int		announce_available(void);
/* Only a listener others can reach is worth announcing */
int		announce_loopback_only(const char *);
/* Is "name" (NULL: the host name) a valid instance name?  ECONFIG if not */
enum brski_rc	announce_check_name(const char *, struct brski_err *);
/*
 * Start announcing n services under the instance name "name" (NULL:
 * the host name).  *out is NULL when this build has no Avahi (a warning
 * is logged); BRSKI_OK even when no daemon answers yet.
 */
enum brski_rc	announce_start(const char *, const struct announce_service *,
		    size_t, struct announce **, struct brski_err *);
void		announce_stop(struct announce *);

#endif /* BRSKI_ANNOUNCE_H */
