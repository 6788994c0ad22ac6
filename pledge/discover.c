/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Finding registrars with DNS-SD when no URL is configured, through
 * avahi-daemon: _brski-registrar._tcp for HTTPS (RFC 8995 4.3), and for
 * a constrained pledge _brski-proxy._udp (a join proxy on its link,
 * RFC 8995 4.1 and the constrained join proxy draft) and
 * _brski-registrar._udp (a registrar's CoAPS port, directly reachable).
 * Every instance a browser reports is resolved to an address and port;
 * the candidates come back sorted (service in the order browsed, then
 * name, then address) so that a run is repeatable.  What the network
 * says here is only a hint: the voucher decides whom the pledge trusts,
 * so a rogue announcement costs a failed try, nothing more (main.c goes
 * on to the next candidate).
 */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

#if defined(HAVE_AVAHI) && defined(BRSKI_LAZY_AVAHI)
/*
 * libavahi-client (and through it libavahi-common, libdbus and what
 * they need) is loaded when the pledge first browses (lazy.h): a pledge
 * given its registrar never maps them.
 */
#include "lazy.h"

#define LAZY_AVAHI_SYMS(X) \
	X(avahi_client_errno) X(avahi_client_free) X(avahi_client_new) \
	X(avahi_service_browser_get_client) X(avahi_service_browser_new) \
	X(avahi_service_resolver_free) X(avahi_service_resolver_get_client) \
	X(avahi_service_resolver_new) X(avahi_address_snprint) \
	X(avahi_simple_poll_free) X(avahi_simple_poll_get) \
	X(avahi_simple_poll_iterate) X(avahi_simple_poll_new) \
	X(avahi_simple_poll_quit) X(avahi_strerror) X(dbus_shutdown)

static struct {
	LAZY_AVAHI_SYMS(LAZY_MEMBER)
} lazy_avahi;

#define AVAHI_SYM(f)	{ #f, (void **)&lazy_avahi.p_##f },

static enum brski_rc
lazy_avahi_load(struct brski_err *e)
{
	static const struct lazy_sym	syms[] = { LAZY_AVAHI_SYMS(AVAHI_SYM) };
	static int			loaded;

	if (loaded)
		return BRSKI_OK;
	if (lazy_load("libavahi-client.so.3", "libavahi-client3", syms,
	    sizeof(syms) / sizeof(syms[0]), e) != BRSKI_OK)
		return e->rc;
	loaded = 1;
	return BRSKI_OK;
}

#define avahi_client_errno	(lazy_avahi.p_avahi_client_errno)
#define avahi_client_free	(lazy_avahi.p_avahi_client_free)
#define avahi_client_new	(lazy_avahi.p_avahi_client_new)
#define avahi_service_browser_get_client \
	(lazy_avahi.p_avahi_service_browser_get_client)
#define avahi_service_browser_new (lazy_avahi.p_avahi_service_browser_new)
#define avahi_service_resolver_free (lazy_avahi.p_avahi_service_resolver_free)
#define avahi_service_resolver_get_client \
	(lazy_avahi.p_avahi_service_resolver_get_client)
#define avahi_service_resolver_new (lazy_avahi.p_avahi_service_resolver_new)
#define avahi_address_snprint	(lazy_avahi.p_avahi_address_snprint)
#define avahi_simple_poll_free	(lazy_avahi.p_avahi_simple_poll_free)
#define avahi_simple_poll_get	(lazy_avahi.p_avahi_simple_poll_get)
#define avahi_simple_poll_iterate (lazy_avahi.p_avahi_simple_poll_iterate)
#define avahi_simple_poll_new	(lazy_avahi.p_avahi_simple_poll_new)
#define avahi_simple_poll_quit	(lazy_avahi.p_avahi_simple_poll_quit)
#define avahi_strerror		(lazy_avahi.p_avahi_strerror)
#define dbus_shutdown		(lazy_avahi.p_dbus_shutdown)
#endif

/* The DNS-SD service type of each kind, indexed by enum discover_kind */
static const struct {
	const char	*type;
	const char	*what;		/* for the log */
} kinds[] = {
	{ "_brski-registrar._tcp", "registrar" },
	{ "_brski-proxy._udp", "join proxy" },
	{ "_brski-registrar._udp", "CoAPS registrar" },
};
#define KINDS		(sizeof(kinds) / sizeof(kinds[0]))

/*
 * What each transport browses, in the order the candidates are tried
 * (which is also the order of enum discover_kind, so sorting by kind
 * keeps it).  coaps: a join proxy first, as a constrained pledge on a
 * join link talks to its proxy; a registrar reachable directly comes
 * second.  any: HTTPS first (PKIX vouchers, the full EST), CoAPS after.
 */
static const int order[][KINDS + 1] = {
	[DISCOVER_HTTPS] = { DISCOVER_REGISTRAR_TCP, -1 },
	[DISCOVER_COAPS] = { DISCOVER_PROXY_UDP, DISCOVER_REGISTRAR_UDP, -1 },
	[DISCOVER_ANY] = { DISCOVER_REGISTRAR_TCP, DISCOVER_PROXY_UDP,
	    DISCOVER_REGISTRAR_UDP, -1 },
};

int
pledge_discover_transport(const char *s, enum discover_transport *t)
{
	if (strcmp(s, "https") == 0)
		*t = DISCOVER_HTTPS;
	else if (strcmp(s, "coaps") == 0)
		*t = DISCOVER_COAPS;
	else if (strcmp(s, "any") == 0)
		*t = DISCOVER_ANY;
	else
		return 0;
	return 1;
}

const char *
pledge_discover_what(enum discover_kind k)
{
	return (size_t)k < KINDS ? kinds[k].what : "?";
}

#ifdef HAVE_AVAHI

#define SLICE_MS	100	/* poll slice: the deadline is checked this often */

struct browse {
	AvahiSimplePoll		*poll;
	/* up to DISCOVER_MAX of each kind; the best DISCOVER_MAX are kept */
	struct discovered	 v[KINDS * DISCOVER_MAX];
	size_t			 n;
	size_t			 per_kind[KINDS];
	int			 browsed[KINDS];
	AvahiServiceBrowser	*sb[KINDS];	/* freed with the client */
	int			 all_for_now[KINDS]; /* its cache answered */
	int			 pending;	/* resolvers running */
	int			 dropped[KINDS]; /* beyond DISCOVER_MAX */
	char			 services[96];	/* for messages */
	char			 failed[160];	/* the browser or client died */
};

static int
cmp_discovered(const void *x, const void *y)
{
	const struct discovered	*a = x, *b = y;
	int			 r;

	if ((r = (int)a->kind - (int)b->kind) != 0 ||
	    (r = strcmp(a->name, b->name)) != 0 ||
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
add(struct browse *b, enum discover_kind k, const char *name,
    const char *host, uint16_t port)
{
	struct discovered	*d;
	char			 safe[2 * DISCOVER_NAME_MAX];
	size_t			 i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].kind == k && strcmp(b->v[i].name, name) == 0 &&
		    strcmp(b->v[i].host, host) == 0 && b->v[i].port == port)
			return;
	log_safe(name, strlen(name), safe, sizeof(safe));
	if (b->per_kind[k] == DISCOVER_MAX) {
		if (!b->dropped[k]++)
			log_warn("DNS-SD: more than %d %s; \"%s\" and later "
			    "ones are ignored", DISCOVER_MAX, kinds[k].type,
			    safe);
		return;
	}
	b->per_kind[k]++;
	d = &b->v[b->n++];
	snprintf(d->name, sizeof(d->name), "%s", name);
	snprintf(d->host, sizeof(d->host), "%s", host);
	d->port = port;
	d->kind = k;
	log_info("DNS-SD: %s \"%s\" at %s port %u", kinds[k].what, safe, host,
	    (unsigned)port);
}

/* The kind browsed under this service type; -1 for anything else */
static int
kind_of(const struct browse *b, const char *type)
{
	size_t	k;

	for (k = 0; k < KINDS; k++)
		if (b->browsed[k] && type != NULL &&
		    strcasecmp(type, kinds[k].type) == 0)
			return (int)k;
	return -1;
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
	int		 k = kind_of(b, type);

	b->pending--;
	log_safe(name, strlen(name), safe, sizeof(safe));
	if (ev == AVAHI_RESOLVER_FOUND && k < 0)
		log_warn("DNS-SD: \"%s\": a service type not asked for, "
		    "ignored", safe);
	else if (ev != AVAHI_RESOLVER_FOUND)
		log_warn("DNS-SD: cannot resolve \"%s\": %s", safe,
		    avahi_strerror(avahi_client_errno(
		    avahi_service_resolver_get_client(r))));
	else if (port == 0 || strlen(name) >= DISCOVER_NAME_MAX ||
	    !format_host(a, ifindex, hoststr, sizeof(hoststr)))
		log_warn("DNS-SD: \"%s\": unusable address or port, ignored",
		    safe);
	else
		add(b, (enum discover_kind)k, name, hoststr, port);
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
	size_t		 k;

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
		/* (no type with this event: the browser tells which) */
		for (k = 0; k < KINDS; k++)
			if (b->sb[k] == sb)
				b->all_for_now[k] = 1;
		break;
	case AVAHI_BROWSER_FAILURE:
		snprintf(b->failed, sizeof(b->failed), "browsing %s: %s",
		    type != NULL ? type : b->services,
		    avahi_strerror(avahi_client_errno(c)));
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

static int
all_answered(const struct browse *b)
{
	size_t	k;

	for (k = 0; k < KINDS; k++)
		if (b->sb[k] != NULL && !b->all_for_now[k])
			return 0;
	return 1;
}

/*
 * Browse until timeout_s has passed, or sooner once every browser has
 * reported all it knows, every resolver has answered and something was
 * found.
 */
static void
collect(struct browse *b, int timeout_s)
{
	long long	deadline = now_ms() + (long long)timeout_s * 1000, left;

	while (b->failed[0] == '\0' && (left = deadline - now_ms()) > 0) {
		if (all_answered(b) && b->pending == 0 && b->n > 0)
			break;
		if (avahi_simple_poll_iterate(b->poll, left < SLICE_MS ?
		    (int)left : SLICE_MS) != 0)
			break;
	}
}

int
pledge_discover(enum discover_transport t, int timeout_s,
    struct discovered **out, size_t *count, struct outcome *o)
{
	struct browse		 b;
	AvahiClient		*c = NULL;
	const char		*url = t == DISCOVER_HTTPS ? "https" : "coaps";
	char			 safe[2 * DISCOVER_NAME_MAX];
	size_t			 i, k, n;
	int			 err = 0, ok = 0;

	*out = NULL;
	*count = 0;
#ifdef BRSKI_LAZY_AVAHI
	{
		struct brski_err	e = { 0 };

		if (lazy_avahi_load(&e) != BRSKI_OK)
			return pledge_fail(o, BRSKI_EXIT_DISCOVERY, "no "
			    "registrar URL and no DNS-SD: %s (or set "
			    "--registrar %s://host:port)", e.msg, url);
	}
#endif
	memset(&b, 0, sizeof(b));
	for (i = 0; order[t][i] >= 0; i++) {
		b.browsed[order[t][i]] = 1;
		snprintf(b.services + strlen(b.services), sizeof(b.services) -
		    strlen(b.services), "%s%s", i ? ", " : "",
		    kinds[order[t][i]].type);
	}
	if ((b.poll = avahi_simple_poll_new()) == NULL)
		return pledge_fail(o, BRSKI_EXIT_INTERNAL, "out of memory");
	if ((c = avahi_client_new(avahi_simple_poll_get(b.poll), 0, on_client,
	    &b, &err)) == NULL) {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "no registrar URL and no "
		    "DNS-SD: avahi-daemon: %s (start avahi-daemon, or set "
		    "--registrar %s://host:port)", avahi_strerror(err), url);
		goto out;
	}
	log_info("DNS-SD: looking for %s for up to %ds", b.services,
	    timeout_s);
	for (i = 0; order[t][i] >= 0; i++) {
		k = (size_t)order[t][i];
		if ((b.sb[k] = avahi_service_browser_new(c, AVAHI_IF_UNSPEC,
		    AVAHI_PROTO_UNSPEC, kinds[k].type, NULL, 0, on_browse,
		    &b)) == NULL) {
			pledge_fail(o, BRSKI_EXIT_DISCOVERY, "DNS-SD: cannot "
			    "browse %s: %s", kinds[k].type,
			    avahi_strerror(avahi_client_errno(c)));
			goto out;
		}
	}
	collect(&b, timeout_s);
	if (b.failed[0] != '\0') {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "DNS-SD: %s", b.failed);
		goto out;
	}
	if (b.n == 0) {
		pledge_fail(o, BRSKI_EXIT_DISCOVERY, "DNS-SD: no registrar%s "
		    "(%s) answered within %ds (is one announcing on this link? "
		    "else set --registrar %s://host:port)",
		    t == DISCOVER_HTTPS ? "" : " or join proxy", b.services,
		    timeout_s, url);
		goto out;
	}
	qsort(b.v, b.n, sizeof(b.v[0]), cmp_discovered);
	n = b.n;
	if (n > DISCOVER_MAX) {
		log_safe(b.v[DISCOVER_MAX].name, strlen(b.v[DISCOVER_MAX].name),
		    safe, sizeof(safe));
		log_warn("DNS-SD: %zu candidates; the last %zu in order (from "
		    "%s \"%s\" on) are ignored", b.n, b.n - DISCOVER_MAX,
		    kinds[b.v[DISCOVER_MAX].kind].what, safe);
		n = DISCOVER_MAX;
	}
	if ((*out = calloc(n, sizeof(**out))) == NULL) {
		pledge_fail(o, BRSKI_EXIT_INTERNAL, "out of memory");
		goto out;
	}
	memcpy(*out, b.v, n * sizeof(**out));
	*count = n;
	ok = 1;
out:
	/* frees the browsers and any resolver still running */
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
pledge_discover(enum discover_transport t, int timeout_s,
    struct discovered **out, size_t *count, struct outcome *o)
{
	*out = NULL;
	*count = 0;
	return pledge_fail(o, BRSKI_EXIT_CONFIG, "registrar is not set "
	    "(--registrar https://host:port), and this build has no DNS-SD "
	    "discovery (configure --with-avahi)");
}

#endif /* HAVE_AVAHI */
