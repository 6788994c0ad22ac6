/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stateful join proxy relay (constrained join proxy draft 6.1): a UDP
 * circuit relay.  Payloads are never parsed or changed (the DTLS is
 * end to end between pledge and registrar); only addresses change.
 * State is made only by a packet from a pledge with no mapping yet, and
 * only from an IPv6 link-local address unless any_source is set (the
 * pledge is on the proxy's link); each mapping gets its own socket and
 * so its own source port towards the registrar, and dies after idle_s
 * without packets either way.  DoS limits: per_pledge mappings per
 * pledge address, total in all; what is over them is dropped and
 * logged (at most once a second).  ICMP errors from the registrar are
 * not relayed back (the draft says SHOULD): the mapping just idles out.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jp_relay.h"
#include "log.h"

#define DGRAM_MAX	65536

struct mapping {
	struct sockaddr_storage	 pledge;
	socklen_t		 plen;
	int			 fd;		/* connected to the registrar */
	time_t			 last;
	char			 name[INET6_ADDRSTRLEN + 8];
};

struct jp_relay {
	struct jp_relay_conf	 c;
	int			 fd;		/* the join port */
	unsigned		 port;
	struct sockaddr_storage	 up;		/* the registrar */
	socklen_t		 uplen;
	struct mapping		*m;		/* c.total slots, fd -1 free */
	time_t			 warned;
	unsigned long		 dropped;
	uint8_t			 buf[DGRAM_MAX];
};

static void
name_of(const struct sockaddr_storage *a, char *out, size_t len)
{
	char	host[INET6_ADDRSTRLEN];
	int	port;

	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)a;

		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(out, len, "[%s]:%d", host, port);
	} else {
		const struct sockaddr_in *s4 = (const void *)a;

		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(out, len, "%s:%d", host, port);
	}
}

/* The same host (address only), for the per-pledge limit. */
static int
same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)(const void *)a)->
		    sin6_addr, &((const struct sockaddr_in6 *)(const void *)b)->
		    sin6_addr, sizeof(struct in6_addr)) == 0;
	return ((const struct sockaddr_in *)(const void *)a)->sin_addr.s_addr ==
	    ((const struct sockaddr_in *)(const void *)b)->sin_addr.s_addr;
}

static int
same_peer(const struct sockaddr_storage *a, socklen_t alen,
    const struct sockaddr_storage *b, socklen_t blen)
{
	return alen == blen && memcmp(a, b, alen) == 0;
}

static void
drop(struct jp_relay *j, const char *who, const char *why, time_t now)
{
	j->dropped++;
	if (now == j->warned)
		return;
	j->warned = now;
	log_warn("join proxy: packet from %s dropped: %s (%lu dropped so far)",
	    who, why, j->dropped);
}

static enum brski_rc
resolve(const char *host, unsigned port, int passive,
    struct sockaddr_storage *a, socklen_t *alen, struct brski_err *e)
{
	struct addrinfo	 hints, *ai = NULL;
	char		 p[8];
	int		 r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = passive ? AI_PASSIVE | AI_NUMERICHOST : 0;
	snprintf(p, sizeof(p), "%u", port);
	if ((r = getaddrinfo(host, p, &hints, &ai)) != 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s: %s", host,
		    gai_strerror(r));
	memcpy(a, ai->ai_addr, ai->ai_addrlen);
	*alen = ai->ai_addrlen;
	freeaddrinfo(ai);
	return BRSKI_OK;
}

enum brski_rc
jp_relay_new(const struct jp_relay_conf *c, struct jp_relay **out,
    struct brski_err *e)
{
	struct jp_relay		*j;
	struct sockaddr_storage	 a;
	socklen_t		 alen;
	unsigned		 i;
	int			 off = 0;
	enum brski_rc		 rc;

	*out = NULL;
	if (c->total == 0 || c->per_pledge == 0 || c->idle_s == 0)
		return brski_fail(e, BRSKI_ECONFIG, "join proxy: the limits and "
		    "the idle time must be at least 1");
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->m = calloc(c->total, sizeof(*j->m))) == NULL) {
		free(j);
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	}
	j->c = *c;
	j->fd = -1;
	for (i = 0; i < c->total; i++)
		j->m[i].fd = -1;
	if ((rc = resolve(c->registrar, c->registrar_port, 0, &j->up, &j->uplen,
	    e)) != BRSKI_OK || (rc = resolve(strcmp(c->listen, "*") == 0 ? "::" :
	    c->listen, c->port, 1, &a, &alen, e)) != BRSKI_OK) {
		brski_prefix(e, "join proxy: ");
		goto fail;
	}
	if ((j->fd = socket(a.ss_family, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0 ||
	    (a.ss_family == AF_INET6 && setsockopt(j->fd, IPPROTO_IPV6,
	    IPV6_V6ONLY, &off, sizeof(off)) != 0) ||
	    bind(j->fd, (struct sockaddr *)&a, alen) != 0) {
		rc = brski_fail(e, BRSKI_EIO, "join proxy: cannot listen on %s "
		    "port %u: %s", c->listen, c->port, strerror(errno));
		goto fail;
	}
	alen = sizeof(a);
	getsockname(j->fd, (struct sockaddr *)&a, &alen);
	j->port = ntohs(a.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)(void *)&a)->sin6_port :
	    ((struct sockaddr_in *)(void *)&a)->sin_port);
	*out = j;
	return BRSKI_OK;
fail:
	jp_relay_free(j);
	return rc;
}

unsigned
jp_relay_port(const struct jp_relay *j)
{
	return j->port;
}

int
jp_relay_fds(const struct jp_relay *j, fd_set *set)
{
	unsigned	i;
	int		max = j->fd;

	FD_SET(j->fd, set);
	for (i = 0; i < j->c.total; i++)
		if (j->m[i].fd >= 0) {
			FD_SET(j->m[i].fd, set);
			if (j->m[i].fd > max)
				max = j->m[i].fd;
		}
	return max;
}

static void
unmap(struct mapping *m, const char *why)
{
	log_info("join proxy: %s released (%s)", m->name, why);
	close(m->fd);
	m->fd = -1;
}

/* The pledge's mapping, made if the limits allow; NULL: dropped. */
static struct mapping *
mapping_for(struct jp_relay *j, const struct sockaddr_storage *from,
    socklen_t flen, const char *who, time_t now)
{
	struct mapping	*free_slot = NULL;
	unsigned	 i, same = 0;

	for (i = 0; i < j->c.total; i++) {
		struct mapping *m = &j->m[i];

		if (m->fd < 0) {
			if (free_slot == NULL)
				free_slot = m;
			continue;
		}
		if (same_peer(&m->pledge, m->plen, from, flen))
			return m;
		if (same_host(&m->pledge, from))
			same++;
	}
	if (!j->c.any_source && (from->ss_family != AF_INET6 ||
	    !IN6_IS_ADDR_LINKLOCAL(&((const struct sockaddr_in6 *)
	    (const void *)from)->sin6_addr))) {
		drop(j, who, "not an IPv6 link-local pledge (any-source is off)",
		    now);
		return NULL;
	}
	if (same >= j->c.per_pledge) {
		drop(j, who, "this pledge address has its limit of mappings", now);
		return NULL;
	}
	if (free_slot == NULL) {
		drop(j, who, "all mappings in use", now);
		return NULL;
	}
	if ((free_slot->fd = socket(j->up.ss_family, SOCK_DGRAM | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0)) < 0 || connect(free_slot->fd, (struct sockaddr *)&j->up,
	    j->uplen) != 0) {
		if (free_slot->fd >= 0)
			close(free_slot->fd);
		free_slot->fd = -1;
		drop(j, who, strerror(errno), now);
		return NULL;
	}
	memcpy(&free_slot->pledge, from, flen);
	free_slot->plen = flen;
	snprintf(free_slot->name, sizeof(free_slot->name), "%s", who);
	log_info("join proxy: new pledge %s relayed to the registrar", who);
	return free_slot;
}

static void
from_pledge(struct jp_relay *j, time_t now)
{
	struct sockaddr_storage	 from;
	socklen_t		 flen = sizeof(from);
	struct mapping		*m;
	char			 who[INET6_ADDRSTRLEN + 8];
	ssize_t			 n;

	n = recvfrom(j->fd, j->buf, sizeof(j->buf), MSG_TRUNC,
	    (struct sockaddr *)&from, &flen);
	if (n < 0)
		return;
	name_of(&from, who, sizeof(who));
	if ((size_t)n > sizeof(j->buf)) {
		drop(j, who, "datagram too large", now);
		return;
	}
	if ((m = mapping_for(j, &from, flen, who, now)) == NULL)
		return;
	m->last = now;
	if (send(m->fd, j->buf, (size_t)n, 0) < 0)
		log_debug("join proxy: to the registrar for %s: %s", who,
		    strerror(errno));
}

static void
from_registrar(struct jp_relay *j, struct mapping *m, time_t now)
{
	ssize_t	n;

	if ((n = recv(m->fd, j->buf, sizeof(j->buf), 0)) < 0) {
		/* ICMP port unreachable and the like: not relayed (see top) */
		log_debug("join proxy: from the registrar for %s: %s", m->name,
		    strerror(errno));
		return;
	}
	m->last = now;
	if (sendto(j->fd, j->buf, (size_t)n, 0, (struct sockaddr *)&m->pledge,
	    m->plen) < 0)
		log_debug("join proxy: to %s: %s", m->name, strerror(errno));
}

/* Relay what select() found ready in set; expire idle mappings. */
void
jp_relay_run(struct jp_relay *j, const fd_set *set, time_t now)
{
	unsigned	i;

	for (i = 0; i < j->c.total; i++)
		if (j->m[i].fd >= 0 && FD_ISSET(j->m[i].fd, set))
			from_registrar(j, &j->m[i], now);
	if (FD_ISSET(j->fd, set))
		from_pledge(j, now);
	for (i = 0; i < j->c.total; i++)
		if (j->m[i].fd >= 0 && now - j->m[i].last > (time_t)j->c.idle_s)
			unmap(&j->m[i], "idle");
}

void
jp_relay_free(struct jp_relay *j)
{
	unsigned	i;

	if (j == NULL)
		return;
	for (i = 0; j->m != NULL && i < j->c.total; i++)
		if (j->m[i].fd >= 0)
			close(j->m[i].fd);
	if (j->fd >= 0)
		close(j->fd);
	free(j->m);
	free(j);
}
