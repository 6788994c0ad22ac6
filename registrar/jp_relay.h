/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stateful join proxy's relay (constrained join proxy draft, 6.1):
 * DTLS records from pledges on the join port go, untouched, to the
 * registrar's CoAPS port from a distinct source port per pledge, and
 * the registrar's answers go back to that pledge.
 */
#ifndef BRSKI_REGISTRAR_JP_RELAY_H
#define BRSKI_REGISTRAR_JP_RELAY_H

#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>

#include "err.h"

struct jp_relay_conf {
	const char	*listen;	/* address literal, or "*" */
	unsigned	 port;		/* the join port */
	const char	*registrar;	/* host */
	unsigned	 registrar_port;
	unsigned	 idle_s;	/* a mapping's life after its last packet */
	unsigned	 per_pledge;	/* mappings per pledge address */
	unsigned	 total;		/* mappings in all */
	int		 any_source;	/* not only IPv6 link-local pledges */
};

struct jp_relay;

enum brski_rc	jp_relay_new(const struct jp_relay_conf *, struct jp_relay **,
		    struct brski_err *);
unsigned	jp_relay_port(const struct jp_relay *);
int		jp_relay_fds(const struct jp_relay *, fd_set *);
void		jp_relay_run(struct jp_relay *, const fd_set *, time_t);
void		jp_relay_free(struct jp_relay *);

#endif /* BRSKI_REGISTRAR_JP_RELAY_H */
