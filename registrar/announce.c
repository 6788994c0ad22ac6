/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DNS-SD announcements (RFC 8995 4.1 and 4.3) through avahi-daemon,
 * from a thread of our own (AvahiThreadedPoll): the daemons' main
 * threads wait for signals and must not depend on avahi-daemon.
 *
 * An announcement is a convenience, never a reason to stop: without
 * a D-Bus or an avahi-daemon the program warns and keeps serving.  The
 * client is made with AVAHI_CLIENT_NO_FAIL, so it waits for a daemon
 * that is not there yet; when the daemon goes away (restart) the
 * client is remade and the services registered again.  Without even a
 * system bus avahi_client_new() fails: it is retried every RETRY_S.
 *
 * A service listening on one address is announced only on the
 * interface that holds it (found with getifaddrs() at start), so that
 * a pledge on another link is not sent to an address it cannot reach.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_AVAHI
#include <avahi-client/client.h>
#include <avahi-client/publish.h>
#include <avahi-common/alternative.h>
#include <avahi-common/domain.h>
#include <avahi-common/error.h>
#include <avahi-common/malloc.h>
#include <avahi-common/thread-watch.h>
#include <avahi-common/timeval.h>
#endif

#include "announce.h"
#include "log.h"

int
announce_loopback_only(const char *listen)
{
	return strcmp(listen, "localhost") == 0 || strcmp(listen, "::1") == 0 ||
	    strncmp(listen, "127.", 4) == 0;
}

#ifdef HAVE_AVAHI

#define RETRY_S		10	/* a missing system bus is looked for again */
#define RENAMES_MAX	20	/* "name #2" .. : then give up, warn */

struct announce {
	AvahiThreadedPoll	*poll;
	AvahiClient		*client;
	AvahiEntryGroup		*group;		/* freed with the client */
	AvahiTimeout		*retry;
	char			*name;		/* avahi_malloc'd */
	struct announce_service	 svc[ANNOUNCE_MAX];
	AvahiIfIndex		 ifindex[ANNOUNCE_MAX];	/* per service */
	AvahiProtocol		 proto[ANNOUNCE_MAX];
	/* the interface's name when restricted, "" for all */
	char			 ifname[ANNOUNCE_MAX][IF_NAMESIZE];
	size_t			 n;
	int			 renames;
	int			 warned;	/* one warning per outage */
};

static void	connect_client(struct announce *);

int
announce_available(void)
{
	return 1;
}

static void
warn_once(struct announce *a, const char *what, int err)
{
	if (a->warned)
		return;
	a->warned = 1;
	log_warn("DNS-SD: %s: %s; running unannounced until avahi-daemon "
	    "answers (pledges then need a URL)", what, avahi_strerror(err));
}

/* Take the next alternative name: "reg" -> "reg #2" -> "reg #3" */
static int
rename_instance(struct announce *a)
{
	char	*n;

	if (++a->renames > RENAMES_MAX ||
	    (n = avahi_alternative_service_name(a->name)) == NULL) {
		log_warn("DNS-SD: \"%s\" and %d alternatives are taken: not "
		    "announced (set announce-name)", a->name, RENAMES_MAX);
		return 0;
	}
	log_warn("DNS-SD: the name \"%s\" is taken on the link; using \"%s\"",
	    a->name, n);
	avahi_free(a->name);
	a->name = n;
	return 1;
}

static void
schedule(struct announce *a, int seconds)
{
	const AvahiPoll	*api = avahi_threaded_poll_get(a->poll);
	struct timeval	 tv;

	/* a->retry exists from announce_start() on; it fires once */
	avahi_elapse_time(&tv, (unsigned)seconds * 1000, 0);
	api->timeout_update(a->retry, &tv);
}

/* Register every service under a->name; a local clash renames. */
static void
publish(struct announce *a)
{
	size_t	i;
	int	r = 0;

	if (a->group == NULL)
		return;
	while (avahi_entry_group_is_empty(a->group)) {
		for (i = 0; i < a->n; i++)
			if ((r = avahi_entry_group_add_service(a->group,
			    a->ifindex[i], a->proto[i], 0, a->name,
			    a->svc[i].type, NULL, NULL,
			    (uint16_t)a->svc[i].port, NULL)) < 0)
				break;
		if (r == AVAHI_ERR_COLLISION) {
			avahi_entry_group_reset(a->group);
			if (!rename_instance(a))
				return;
			continue;
		}
		if (r < 0 || (r = avahi_entry_group_commit(a->group)) < 0) {
			log_warn("DNS-SD: cannot register \"%s\" %s: %s",
			    a->name, a->svc[i < a->n ? i : 0].type,
			    avahi_strerror(r));
			avahi_entry_group_reset(a->group);
		}
		return;
	}
}

static void
on_group(AvahiEntryGroup *g, AvahiEntryGroupState state, void *arg)
{
	struct announce	*a = arg;
	size_t		 i;

	switch (state) {
	case AVAHI_ENTRY_GROUP_ESTABLISHED:
		for (i = 0; i < a->n; i++)
			log_info("DNS-SD: announced \"%s\" %s port %u%s%s%s",
			    a->name, a->svc[i].type, a->svc[i].port,
			    a->ifname[i][0] ? " on " : "", a->ifname[i],
			    a->ifname[i][0] ? " only" : "");
		break;
	case AVAHI_ENTRY_GROUP_COLLISION:	/* another host has the name */
		avahi_entry_group_reset(g);
		if (rename_instance(a))
			publish(a);
		break;
	case AVAHI_ENTRY_GROUP_FAILURE:
		log_warn("DNS-SD: announcement of \"%s\" failed: %s", a->name,
		    avahi_strerror(avahi_client_errno(
		    avahi_entry_group_get_client(g))));
		break;
	default:
		break;
	}
}

static void
on_client(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct announce	*a = arg;

	a->client = c;		/* called from inside avahi_client_new() */
	switch (state) {
	case AVAHI_CLIENT_S_RUNNING:
		if (a->warned)
			log_info("DNS-SD: avahi-daemon answers now");
		a->warned = 0;
		if (a->group == NULL && (a->group = avahi_entry_group_new(c,
		    on_group, a)) == NULL) {
			log_warn("DNS-SD: %s",
			    avahi_strerror(avahi_client_errno(c)));
			break;
		}
		publish(a);
		break;
	case AVAHI_CLIENT_S_COLLISION:		/* our host name changes */
	case AVAHI_CLIENT_S_REGISTERING:
		if (a->group != NULL)
			avahi_entry_group_reset(a->group);
		break;
	case AVAHI_CLIENT_CONNECTING:
		warn_once(a, "avahi-daemon is not running",
		    AVAHI_ERR_NO_DAEMON);
		break;
	case AVAHI_CLIENT_FAILURE:
		/* the daemon went away: a new client waits for the next one */
		warn_once(a, "lost avahi-daemon", avahi_client_errno(c));
		schedule(a, 1);
		break;
	}
}

static void
connect_client(struct announce *a)
{
	int	err = 0;

	if (a->client != NULL) {
		avahi_client_free(a->client);	/* frees the group too */
		a->client = NULL;
		a->group = NULL;
	}
	if (avahi_client_new(avahi_threaded_poll_get(a->poll),
	    AVAHI_CLIENT_NO_FAIL, on_client, a, &err) == NULL) {
		a->client = NULL;
		warn_once(a, "no D-Bus system bus", err);
		schedule(a, RETRY_S);
	}
}

static void
on_retry(AvahiTimeout *t, void *arg)
{
	struct announce	*a = arg;

	connect_client(a);
}

/* Does sa (of family af) hold the address want? */
static int
same_addr(int af, const struct sockaddr *sa, const void *want)
{
	if (af == AF_INET)
		return memcmp(&((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr, want, sizeof(struct in_addr)) == 0;
	return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->
	    sin6_addr, want, sizeof(struct in6_addr)) == 0;
}

/*
 * The interface holding the literal address "listen" (a zone, as in
 * fe80::1%eth0, names it) and the address family.  0 when "listen" is
 * not an address or no interface holds it; the first match wins (a
 * link-local address on two links needs the zone).
 */
static int
listen_interface(const char *listen, unsigned *ifindex, int *af)
{
	struct ifaddrs	*all = NULL, *i;
	unsigned char	 want[sizeof(struct in6_addr)];
	char		 addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 1];
	char		 name[IF_NAMESIZE], *zone;

	*ifindex = 0;
	if (snprintf(addr, sizeof(addr), "%s", listen) >= (int)sizeof(addr))
		return 0;
	if ((zone = strchr(addr, '%')) != NULL)
		*zone++ = '\0';
	if (inet_pton(AF_INET, addr, want) == 1 && zone == NULL)
		*af = AF_INET;
	else if (inet_pton(AF_INET6, addr, want) == 1)
		*af = AF_INET6;
	else
		return 0;
	if (zone != NULL)
		return (*ifindex = if_nametoindex(zone)) != 0;
	if (getifaddrs(&all) != 0)
		return 0;
	for (i = all; i != NULL && *ifindex == 0; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_addr->sa_family != *af ||
		    !same_addr(*af, i->ifa_addr, want))
			continue;
		/* an IPv4 label ("eth0:1") is not an interface; Linux
		 * interface names have no ':' */
		snprintf(name, sizeof(name), "%s", i->ifa_name);
		name[strcspn(name, ":")] = '\0';
		*ifindex = if_nametoindex(name);
	}
	freeifaddrs(all);
	return *ifindex != 0;
}

/* Where each service is announced: every interface, or listen's. */
static void
choose_interfaces(struct announce *a)
{
	const char	*l;
	unsigned	 ifindex;
	size_t		 i;
	int		 af;

	for (i = 0; i < a->n; i++) {
		a->ifindex[i] = AVAHI_IF_UNSPEC;
		a->proto[i] = AVAHI_PROTO_UNSPEC;
		a->ifname[i][0] = '\0';
		l = a->svc[i].listen;
		if (l == NULL || l[0] == '\0' || strcmp(l, "*") == 0 ||
		    strcmp(l, "::") == 0 || strcmp(l, "0.0.0.0") == 0)
			continue;
		if (!listen_interface(l, &ifindex, &af) ||
		    if_indextoname(ifindex, a->ifname[i]) == NULL) {
			a->ifname[i][0] = '\0';
			log_warn("DNS-SD: no interface holds the address %s; "
			    "%s is announced on all of them", l,
			    a->svc[i].type);
			continue;
		}
		a->ifindex[i] = (AvahiIfIndex)ifindex;
		a->proto[i] = af == AF_INET ? AVAHI_PROTO_INET :
		    AVAHI_PROTO_INET6;
	}
}

/* The instance name: announce-name, else the host name. */
static char *
instance_name(const char *name, struct brski_err *e)
{
	char	host[256];

	if (name == NULL) {
		if (gethostname(host, sizeof(host)) != 0)
			snprintf(host, sizeof(host), "brski");
		host[sizeof(host) - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		name = host;
	}
	if (!avahi_is_valid_service_name(name)) {
		brski_fail(e, BRSKI_ECONFIG, "announce-name \"%s\": a DNS-SD "
		    "instance name is 1..%d bytes of UTF-8", name,
		    AVAHI_LABEL_MAX - 1);
		return NULL;
	}
	return avahi_strdup(name);
}

enum brski_rc
announce_check_name(const char *name, struct brski_err *e)
{
	char	*n;

	if ((n = instance_name(name, e)) == NULL)
		return e->rc;
	avahi_free(n);
	return BRSKI_OK;
}

enum brski_rc
announce_start(const char *name, const struct announce_service *svc,
    size_t n, struct announce **out, struct brski_err *e)
{
	struct announce	*a = NULL;
	const AvahiPoll	*api;
	struct timeval	 now;

	*out = NULL;
	if (n == 0 || n > ANNOUNCE_MAX)
		return brski_fail(e, BRSKI_EINVAL, "announce: %zu services", n);
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "announce: out of memory");
	memcpy(a->svc, svc, n * sizeof(*svc));
	a->n = n;
	choose_interfaces(a);
	if ((a->name = instance_name(name, e)) == NULL) {
		free(a);
		return e->rc;
	}
	if ((a->poll = avahi_threaded_poll_new()) == NULL) {
		announce_stop(a);
		return brski_fail(e, BRSKI_ENOMEM, "announce: out of memory");
	}
	/* the first connection is made in the poll thread, like the rest */
	api = avahi_threaded_poll_get(a->poll);
	gettimeofday(&now, NULL);
	if ((a->retry = api->timeout_new(api, &now, on_retry, a)) == NULL ||
	    avahi_threaded_poll_start(a->poll) < 0) {
		announce_stop(a);
		return brski_fail(e, BRSKI_EIO, "announce: cannot start the "
		    "Avahi thread");
	}
	*out = a;
	return BRSKI_OK;
}

void
announce_stop(struct announce *a)
{
	if (a == NULL)
		return;
	if (a->poll != NULL)
		avahi_threaded_poll_stop(a->poll);
	/* the thread has ended: nothing runs the callbacks any more */
	if (a->client != NULL)
		avahi_client_free(a->client);
	if (a->poll != NULL && a->retry != NULL)
		avahi_threaded_poll_get(a->poll)->timeout_free(a->retry);
	if (a->poll != NULL)
		avahi_threaded_poll_free(a->poll);
	avahi_free(a->name);
	free(a);
}

#else /* !HAVE_AVAHI */

int
announce_available(void)
{
	return 0;
}

enum brski_rc
announce_check_name(const char *name, struct brski_err *e)
{
	return BRSKI_OK;
}

enum brski_rc
announce_start(const char *name, const struct announce_service *svc,
    size_t n, struct announce **out, struct brski_err *e)
{
	*out = NULL;
	log_warn("DNS-SD: this build has no Avahi (configure --with-avahi); "
	    "not announced, pledges need a URL");
	return BRSKI_OK;
}

void
announce_stop(struct announce *a)
{
}

#endif /* HAVE_AVAHI */
