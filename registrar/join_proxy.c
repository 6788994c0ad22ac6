/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * brski-join-proxy: the stateful constrained join proxy (constrained
 * join proxy draft).  It relays pledges' DTLS from the join port to a
 * registrar's CoAPS port (jp_relay.c), and answers CoAP discovery on
 * plain CoAP: GET /.well-known/core?brski-jp=* -> <>;brski-jp=PORT,
 * the pledge then using the answer's source address (draft 6).  With
 * discovery-interface it also joins ff02::fd (All CoAP Nodes) there, so
 * pledges can ask by multicast.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coap3/coap.h>

#include "announce.h"
#include "brski.h"
#include "conf.h"
#include "daemon.h"
#include "jp_relay.h"
#include "log.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define DEFAULT_CONF SYSCONFDIR "/brski/brski-join-proxy.conf"
#ifdef HAVE_AVAHI
#define ANNOUNCE_DEFAULT "yes"
#else
#define ANNOUNCE_DEFAULT "no"
#endif

static const struct conf_opt opts[] = {
	{ "registrar", CFG_STR, NULL, 0, 0,
	    "the registrar's CoAPS address, host or [v6]: relayed to" },
	{ "registrar-port", CFG_INT, "5684", 1, 65535,
	    "the registrar's CoAPS port" },
	{ "listen", CFG_STR, "*", 0, 0, "address for the join port and discovery" },
	{ "port", CFG_INT, "8485", 0, 65535, "the join port (0: any free one)" },
	{ "discovery-port", CFG_INT, "5683", 0, 65535,
	    "plain CoAP port answering /.well-known/core (0: no discovery)" },
	{ "discovery-interface", CFG_STR, NULL, 0, 0,
	    "interface on which to join ff02::fd for multicast discovery" },
	{ "idle-timeout", CFG_DURATION, "30", 1, 3600,
	    "a pledge's mapping ends this long after its last packet" },
	{ "max-per-pledge", CFG_INT, "2", 1, 64,
	    "simultaneous mappings per pledge address" },
	{ "max-mappings", CFG_INT, "10", 1, 1000, "simultaneous mappings in all" },
	{ "any-source", CFG_BOOL, "no", 0, 0,
	    "relay pledges that are not IPv6 link-local (tests, labs)" },
	{ "announce", CFG_BOOL, ANNOUNCE_DEFAULT, 0, 0,
	    "announce the join port as _brski-proxy._udp with DNS-SD through "
	    "avahi-daemon" },
	{ "announce-name", CFG_STR, NULL, 0, 0,
	    "DNS-SD instance name (default: the host name)" },
	{ "log-level", CFG_STR, "info", 0, 0, "error, warn, info or debug" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

static unsigned	join_port;

/* GET /.well-known/core: the join port, for pledges (draft 6) */
static void
on_core(coap_resource_t *res, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *q, coap_pdu_t *resp)
{
	char	link[48];
	uint8_t	buf[4];
	int	n;

	(void)res;
	(void)s;
	(void)req;
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(205));
	coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT,
	    coap_encode_var_safe(buf, sizeof(buf), CF_LINK_FORMAT), buf);
	/* filter (RFC 6690 4.1): we have only the brski-jp link */
	if (q != NULL && q->length > 0 && (q->length < 8 ||
	    memcmp(q->s, "brski-jp", 8) != 0))
		return;
	n = snprintf(link, sizeof(link), "<>;brski-jp=%u", join_port);
	coap_add_data(resp, (size_t)n, (const uint8_t *)link);
}

static void
libcoap_log(coap_log_t level, const char *msg)
{
	(level <= LOG_ERR ? log_err : level <= LOG_WARNING ? log_warn :
	    log_debug)("libcoap: %.*s", (int)strcspn(msg, "\n"), msg);
}

static coap_context_t *
discovery(const struct conf *c, struct brski_err *e)
{
	struct addrinfo	 hints, *ai = NULL;
	coap_context_t	*ctx;
	coap_resource_t	*res;
	coap_address_t	 a;
	const char	*listen = conf_str(c, "listen");
	const char	*ifname = conf_str(c, "discovery-interface");
	char		 port[8];
	int		 r;

	coap_startup();
	coap_set_log_handler(libcoap_log);
	coap_set_log_level(LOG_WARNING);
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST;
	snprintf(port, sizeof(port), "%ld", conf_int(c, "discovery-port"));
	if ((r = getaddrinfo(strcmp(listen, "*") == 0 ? "::" : listen, port,
	    &hints, &ai)) != 0) {
		brski_fail(e, BRSKI_ECONFIG, "listen %s: %s", listen,
		    gai_strerror(r));
		return NULL;
	}
	coap_address_init(&a);
	memcpy(&a.addr, ai->ai_addr, ai->ai_addrlen);
	a.size = ai->ai_addrlen;
	freeaddrinfo(ai);
	if ((ctx = coap_new_context(NULL)) == NULL ||
	    coap_new_endpoint(ctx, &a, COAP_PROTO_UDP) == NULL) {
		coap_free_context(ctx);
		brski_fail(e, BRSKI_EIO, "discovery: cannot listen on %s port %s "
		    "(in use?)", listen, port);
		return NULL;
	}
	if (ifname != NULL && coap_join_mcast_group_intf(ctx, "ff02::fd",
	    ifname) != 0) {
		coap_free_context(ctx);
		brski_fail(e, BRSKI_ECONFIG, "discovery: cannot join ff02::fd on "
		    "%s", ifname);
		return NULL;
	}
	res = coap_resource_init(coap_make_str_const(".well-known/core"), 0);
	coap_register_handler(res, COAP_REQUEST_GET, on_core);
	coap_add_resource(ctx, res);
	return ctx;
}

static int
fatal(const struct brski_err *e)
{
	log_err("%s", e->msg);
	fprintf(stderr, "brski-join-proxy: %s\n", e->msg);
	return 1;
}

/* The join port as _brski-proxy._udp (cBRSKI pledges may browse it) */
static enum brski_rc
announce(const struct conf *c, const char *listen, struct announce **out,
    struct brski_err *e)
{
	struct announce_service	svc = {
		ANNOUNCE_PROXY_UDP, join_port, listen
	};

	*out = NULL;
	if (!conf_bool(c, "announce"))
		return BRSKI_OK;
	if (announce_loopback_only(listen)) {
		log_info("DNS-SD: not announced: listening on %s only", listen);
		return BRSKI_OK;
	}
	return announce_start(conf_str(c, "announce-name"), &svc, 1, out, e);
}

static int
serve(const struct conf *c)
{
	struct jp_relay_conf	 rc;
	struct jp_relay		*j = NULL;
	struct brski_err	 e = { 0 };
	struct timespec		 zero = { 0, 0 };
	coap_context_t		*ctx = NULL;
	struct announce		*an = NULL;
	sigset_t		 set;
	fd_set			 rfds;
	struct timeval		 tv;
	int			 max, cfd;

	memset(&rc, 0, sizeof(rc));
	rc.listen = conf_str(c, "listen");
	rc.port = (unsigned)conf_int(c, "port");
	rc.registrar = conf_str(c, "registrar");
	rc.registrar_port = (unsigned)conf_int(c, "registrar-port");
	rc.idle_s = (unsigned)conf_int(c, "idle-timeout");
	rc.per_pledge = (unsigned)conf_int(c, "max-per-pledge");
	rc.total = (unsigned)conf_int(c, "max-mappings");
	rc.any_source = conf_bool(c, "any-source");
	daemon_block_signals(&set);
	if (daemon_need(c, "registrar", &e) != BRSKI_OK ||
	    (conf_bool(c, "announce") && announce_check_name(conf_str(c,
	    "announce-name"), &e) != BRSKI_OK) ||
	    jp_relay_new(&rc, &j, &e) != BRSKI_OK)
		return fatal(&e);
	join_port = jp_relay_port(j);
	if (conf_int(c, "discovery-port") != 0 && (ctx = discovery(c, &e)) ==
	    NULL) {
		jp_relay_free(j);
		return fatal(&e);
	}
	log_info("join proxy on %s port %u -> registrar %s port %u; discovery "
	    "on CoAP port %ld", rc.listen, join_port, rc.registrar,
	    rc.registrar_port, ctx ? conf_int(c, "discovery-port") : 0L);
	if (announce(c, rc.listen, &an, &e) != BRSKI_OK) {
		jp_relay_free(j);
		if (ctx != NULL)
			coap_free_context(ctx);
		return fatal(&e);
	}
	printf("listening %u\n", join_port);
	fflush(stdout);
	/*
	 * One select() over the relay's sockets and libcoap's epoll fd:
	 * Debian's libcoap 4.3.1 is built with epoll, and then
	 * coap_io_process_with_fds() ignores the extra fd sets (and
	 * leaves them as given, which made every socket look readable).
	 */
	cfd = ctx != NULL ? coap_context_get_coap_fd(ctx) : -1;
	if (ctx != NULL && cfd < 0) {
		announce_stop(an);
		jp_relay_free(j);
		coap_free_context(ctx);
		brski_fail(&e, BRSKI_EIO, "this libcoap has no epoll fd");
		return fatal(&e);
	}
	while (sigtimedwait(&set, NULL, &zero) < 0) {
		FD_ZERO(&rfds);
		max = jp_relay_fds(j, &rfds);
		if (cfd >= 0) {
			FD_SET(cfd, &rfds);
			if (cfd > max)
				max = cfd;
		}
		tv.tv_sec = 0;
		tv.tv_usec = 200000;
		if (select(max + 1, &rfds, NULL, NULL, &tv) < 0)
			FD_ZERO(&rfds);
		if (ctx != NULL)
			coap_io_process(ctx, COAP_IO_NO_WAIT);
		jp_relay_run(j, &rfds, time(NULL));
	}
	log_info("join proxy stopping");
	announce_stop(an);
	jp_relay_free(j);
	if (ctx != NULL) {
		coap_free_context(ctx);
		coap_cleanup();
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct conf	*c;
	int		 first, rc = 1;

	if ((c = conf_new(opts)) == NULL)
		return 1;
	switch (daemon_start(c, "brski-join-proxy", "", DEFAULT_CONF, opts,
	    argc, argv, &first)) {
	case DAEMON_EXIT_OK:
		rc = 0;
		break;
	case DAEMON_EXIT_USAGE:
		rc = 2;
		break;
	case DAEMON_RUN:
		rc = first < argc ? (fprintf(stderr, "brski-join-proxy: no "
		    "arguments expected\n"), 2) : serve(c);
		break;
	}
	conf_free(c);
	return rc;
}
