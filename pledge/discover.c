/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Finding registrars with DNS-SD when no URL is configured (RFC 8995
 * 4.3: _brski-registrar._tcp over mDNS), through avahi-daemon.  Every
 * instance the browser reports is resolved to an address and port;
 * the candidates come back sorted (name, then address) so that a run is
 * repeatable.  What the network says here is only a hint: the voucher
 * decides whom the pledge trusts, so a rogue announcement costs a
 * failed try, nothing more (main.c goes on to the next candidate).
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_AVAHI
#include <avahi-client/client.h>
#include <avahi-client/lookup.h>
#include <avahi-common/error.h>
#include <avahi-common/simple-watch.h>
#include <dbus/dbus.h>
#endif

#include "log.h"
#include "pledge.h"

#ifdef HAVE_AVAHI

#define SERVICE		"_brski-registrar._tcp"
#define SLICE_MS	100	/* poll slice: the deadline is checked this often */

struct browse {
	AvahiSimplePoll		*poll;
	struct discovered	 v[DISCOVER_MAX];
	size_t			 n;
	int			 pending;	/* resolvers running */
	int			 all_for_now;	/* the cache has answered */
	int			 dropped;	/* beyond DISCOVER_MAX */
	char			 failed[160];	/* the browser or client died */
};

static int
cmp_discovered(const void *x, const void *y)
{
	const struct discovered	*a = x, *b = y;
	int			 r;

	if ((r = strcmp(a->name, b->name)) != 0 ||
	    (r = strcmp(a->host, b->host)) != 0)
		return r;
	return (int)a->port - (int)b->port;
}

/* fe80::/10 needs the interface it was seen on: "fe80::1%eth0" */
static int
format_host(const AvahiAddress *a, AvahiIfIndex ifindex, char *out,
    size_t len)
{
	char	addr[AVAHI_ADDRESS_STR_MAX], ifname[IF_NAMESIZE];
	int	n;

	if (avahi_address_snprint(addr, sizeof(addr), a) == NULL)
		return 0;
	if (a->proto == AVAHI_PROTO_INET6 && a->data.ipv6.address[0] == 0xfe &&
	    (a->data.ipv6.address[1] & 0xc0) == 0x80) {
		if (ifindex < 0 || if_indextoname((unsigned)ifindex, ifname) ==
		    NULL)
			return 0;
		n = snprintf(out, len, "%s%%%s", addr, ifname);
	} else
		n = snprintf(out, len, "%s", addr);
	return n > 0 && (size_t)n < len;
}

static void
add(struct browse *b, const char *name, const char *host, uint16_t port)
{
	struct discovered	*d;
	char			 safe[2 * DISCOVER_NAME_MAX];
	size_t			 i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].name, name) == 0 &&
		    strcmp(b->v[i].host, host) == 0 && b->v[i].port == port)
			return;
	log_safe(name, strlen(name), safe, sizeof(safe));
	if (b->n == DISCOVER_MAX) {
		if (!b->dropped++)
			log_warn("DNS-SD: more than %d registrars; \"%s\" and "
			    "later ones are ignored", DISCOVER_MAX, safe);
		return;
	}
	d = &b->v[b->n++];
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->host, sizeof(d->host), "%s", host);
	d->port = port;
	log_info("DNS-SD: registrar \"%s\" at %s port %u", safe, host,
	    (unsigned)port);
}

static void
on_resolve(AvahiServiceResolver *r, AvahiIfIndex ifindex,
    AvahiProtocol proto, AvahiResolverEvent ev, const char *name,
    const char *type, const char *domain, const char *host,
    const AvahiAddress *a, uint16_t port, AvahiStringList *txt,
    AvahiLookupResultFlags flags, void *arg)
{
	struct browse	*b = arg;
	char		 hoststr[HTTPC_HOST_MAX + 1];
	char		 safe[2 * DISCOVER_NAME_MAX];

	b->pending--;
	log_safe(name, strlen(name), safe, sizeof(safe));
	if (ev != AVAHI_RESOLVER_FOUND)
		log_warn("DNS-SD: cannot resolve \"%s\": %s", safe,
		    avahi_strerror(avahi_client_errno(
		    avahi_service_resolver_get_client(r))));
	else if (port == 0 || strlen(name) >= DISCOVER_NAME_MAX ||
	    !format_host(a, ifindex, hoststr, sizeof(hoststr)))
		log_warn("DNS-SD: \"%s\": unusable address or port, ignored",
		    safe);
	else
		add(b, name, hoststr, port);
	avahi_service_resolver_free(r);
}

static void
on_browse(AvahiServiceBrowser *sb, AvahiIfIndex ifindex,
    AvahiProtocol proto, AvahiBrowserEvent ev, const char *name,
    const char *type, const char *domain, AvahiLookupResultFlags flags,
    void *arg)
{
	struct browse	*b = arg;
	AvahiClient	*c = avahi_service_browser_get_client(sb);

	switch (ev) {
	case AVAHI_BROWSER_NEW:
		/* the address family the instance was seen with */
		if (avahi_service_resolver_new(c, ifindex, proto, name, type,
		    domain, proto, 0, on_resolve, b) == NULL)
			log_warn("DNS-SD: cannot resolve an instance: %s",
			    avahi_strerror(avahi_client_errno(c)));
		else
			b->pending++;
		break;
	case AVAHI_BROWSER_ALL_FOR_NOW:
		b->all_for_now = 1;
		break;
	case AVAHI_BROWSER_FAILURE:
		snprintf(b->failed, sizeof(b->failed), "browsing %s: %s",
		    SERVICE, avahi_strerror(avahi_client_errno(c)));
		avahi_simple_poll_quit(b->poll);
		break;
	default:
		break;
	}
}

static void
on_client(AvahiClient *c, AvahiClientState state, void *arg)
{
	struct browse	*b = arg;

	if (state == AVAHI_CLIENT_FAILURE) {
		snprintf(b->failed, sizeof(b->failed), "avahi-daemon: %s",
		    avahi_strerror(avahi_client_errno(c)));
		avahi_simple_poll_quit(b->poll);
	}
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Browse until timeout_s has passed, or sooner once the browser has
 * reported all it knows, every resolver has answered and something was
 * found.
 */
static void
collect(struct browse *b, int timeout_s)
{
	long long	deadline = now_ms() + (long long)timeout_s * 1000, left;

	while (b->failed[0] == '\0' && (left = deadline - now_ms()) > 0) {
		if (b->all_for_now && b->pending == 0 && b->n > 0)
			break;
		if (avahi_simple_poll_iterate(b->poll, left < SLICE_MS ?
		    (int)left : SLICE_MS) != 0)
			break;
	}
}

int
pledge_discover(int timeout_s, struct discovered **out, size_t *count,
    struct outcome *o)
{
	struct browse		 b;
	AvahiClient		*c = NULL;
	int			 err = 0, ok = 0;

	*out = NULL;
	*count = 0;
	memset(&b, 0, sizeof(b));
	if ((b.poll = avahi_simple_poll_new()) == NULL)
		return pledge_fail(o, BRSKI_EXIT_INTERNAL, "out of memory");
	if ((c = avahi_client_new(avahi_simple_poll_get(b.poll), 0, on_client,
	    &b, &err)) == NULL) {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "no registrar URL and no "
		    "DNS-SD: avahi-daemon: %s (start avahi-daemon, or set "
		    "--registrar https://host:port)", avahi_strerror(err));
		goto out;
	}
	log_info("DNS-SD: looking for %s for up to %ds", SERVICE, timeout_s);
	if (avahi_service_browser_new(c, AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC,
	    SERVICE, NULL, 0, on_browse, &b) == NULL) {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "DNS-SD: cannot browse "
		    "%s: %s", SERVICE, avahi_strerror(avahi_client_errno(c)));
		goto out;
	}
	collect(&b, timeout_s);
	if (b.failed[0] != '\0') {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "DNS-SD: %s", b.failed);
		goto out;
	}
	if (b.n == 0) {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "DNS-SD: no registrar "
		    "(%s) answered within %ds (is one announcing on this link? "
		    "else set --registrar https://host:port)", SERVICE,
		    timeout_s);
		goto out;
	}
	if ((*out = calloc(b.n, sizeof(**out))) == NULL) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	memcpy(*out, b.v, b.n * sizeof(**out));
	qsort(*out, b.n, sizeof(**out), cmp_discovered);
	*count = b.n;
	ok = 1;
out:
	/* frees the browser and any resolver still running */
	if (c != NULL)
		avahi_client_free(c);
	avahi_simple_poll_free(b.poll);
	/*
	 * libdbus keeps process-wide state (thread locks, the bus address)
	 * until dbus_shutdown(); the pledge has no other D-Bus connection,
	 * and this leaves it with nothing allocated at exit (valgrind).
	 */
	dbus_shutdown();
	return ok;
}

#else /* !HAVE_AVAHI */

int
pledge_discover(int timeout_s, struct discovered **out, size_t *count,
    struct outcome *o)
{
	*out = NULL;
	*count = 0;
	return pledge_fail(o, BRSKI_EXIT_CONFIG, "registrar is not set "
	    "(--registrar https://host:port), and this build has no DNS-SD "
	    "discovery (configure --with-avahi)");
}

#endif /* HAVE_AVAHI */
