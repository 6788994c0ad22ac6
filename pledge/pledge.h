/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge's context and steps: the voucher exchange (exchange.c), EST
 * (est.c) and the state directory (state.c), driven by main.c.
 */
#ifndef BRSKI_PLEDGE_H
#define BRSKI_PLEDGE_H

#include <time.h>

#include "brski.h"
#include "httpc.h"
#include "key.h"
#include "pvr.h"
#include "x509.h"

struct pledge {
	/* configuration */
	struct httpc_url	 url;		/* the registrar */
	struct x509_list	 idevid_chain;	/* leaf first */
	struct brski_key	*idevid_key;
	struct x509_list	 masa_cas;
	const char		*state_dir;
	int			 accept_nonceless;
	int			 timeout_ms;
	long			 max_wait_s;	/* for 202 answers */
	enum key_type		 key_type;
	enum httpc_tls_version	 tls_version;
	int			 rekey;		/* reenroll with a new key */
	int			 coaps;		/* cBRSKI over DTLS */
	int			 one_shot;	/* a process per run: forget
						 * wolfSSL's tables (net.c) */
	const char		*idevid_file;	/* the chain, for libcoap */
	/* the run */
	struct httpc_conn	*conn;
	struct coaps_client	*coap;		/* coaps.c */
	struct x509_list	 registrar_chain;	/* as presented */
	uint8_t			 nonce[PVR_NONCE_LEN];
	uint8_t			*pvr;
	size_t			 pvr_len;
	uint8_t			*voucher;
	size_t			 voucher_len;
	struct x509_cert	*pinned;
	struct x509_list	 domain_cas;	/* from /cacerts */
	struct brski_key	*ldevid_key;
	struct x509_cert	*ldevid;
};

/* The outcome of a step: an exit code (brski.h) and a reason. */
struct outcome {
	enum brski_exit	code;
	char		why[BRSKI_ERR_MSG_MAX + 64];
};

int	pledge_fail(struct outcome *, enum brski_exit, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	pledge_forget_tables(const struct pledge *);
int	pledge_connect(struct pledge *, const struct x509_list *,
	    const struct brski_key *, const struct x509_list *,
	    struct outcome *);
int	pledge_take_chain(struct pledge *, const struct bytes *, size_t,
	    struct outcome *);
int	pledge_request(struct pledge *, const char *, const char *,
	    const char *, const char *, const uint8_t *, size_t, size_t,
	    struct httpc_response **, struct outcome *);
int	pledge_get_voucher(struct pledge *, struct outcome *);
void	pledge_report(struct pledge *, const char *, int, const char *);
int	pledge_est_enroll(struct pledge *, int, const struct x509_cert *,
	    struct outcome *);
void	pledge_clear(struct pledge *);
#define PLEDGE_BODY_TEXT_MAX	256
const char *pledge_body_text(const struct httpc_response *, char *, size_t);
enum brski_rc	pledge_send(struct pledge *, const char *, const char *,
	    const char *, const char *, const uint8_t *, size_t, size_t,
	    struct httpc_response **, struct brski_err *);

/*
 * discover.c: DNS-SD candidates, in the order of the services browsed
 * (below), then by name, then by address
 */
#define DISCOVER_MAX		16	/* candidates in all */
#define DISCOVER_NAME_MAX	64	/* a DNS label and its NUL */
enum discover_transport {
	DISCOVER_HTTPS,		/* _brski-registrar._tcp */
	DISCOVER_COAPS,		/* _brski-proxy._udp, _brski-registrar._udp */
	DISCOVER_ANY		/* the https ones, then the coaps ones */
};
enum discover_kind {
	DISCOVER_REGISTRAR_TCP,	/* https://host:port */
	DISCOVER_PROXY_UDP,	/* coaps://, a join proxy on the link */
	DISCOVER_REGISTRAR_UDP	/* coaps://, the registrar itself */
};
struct discovered {
	char			name[DISCOVER_NAME_MAX];	/* instance */
	char			host[HTTPC_HOST_MAX + 1]; /* fe80::1%eth0 */
	uint16_t		port;
	enum discover_kind	kind;
};
int	pledge_discover_transport(const char *, enum discover_transport *);
const char *pledge_discover_what(enum discover_kind);
int	pledge_discover(enum discover_transport, int, struct discovered **,
	    size_t *, struct outcome *);

/* coaps.c */
int	pledge_coaps_url(const char *, struct httpc_url *, struct brski_err *);
int	pledge_coaps_discover(struct pledge *, const char *, struct outcome *);
int	pledge_coaps_connect(struct pledge *, const struct x509_list *,
	    const struct brski_key *, const struct x509_list *, const char *,
	    struct outcome *);
enum brski_rc	pledge_coaps_request(struct pledge *, const char *,
	    const char *, const char *, const char *, const uint8_t *, size_t,
	    size_t, struct httpc_response **, struct brski_err *);
void	pledge_coaps_close(struct pledge *);

#endif /* BRSKI_PLEDGE_H */
