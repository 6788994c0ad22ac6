/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar while it runs: its identity (vr.h), its domain CA,
 * its store, its policy and the connections it keeps to MASAs.  Shared
 * by the BRSKI resources (service_brski.c), the EST resources
 * (service_est.c) and the MASA client (masa_client.c).
 */
#ifndef BRSKI_REGISTRAR_H
#define BRSKI_REGISTRAR_H

#include <pthread.h>

#include "brski.h"
#include "vr.h"
#include "ca.h"
#include "crl_service.h"
#include "httpc.h"
#include "httpd.h"
#include "store.h"

#define MASA_POOL_MAX	16	/* idle connections kept per registrar */

struct masa_pool {
	pthread_mutex_t		 lock;
	struct httpc_conn	*idle[MASA_POOL_MAX];
	char			 origin[MASA_POOL_MAX][300];
	size_t			 n;
	struct httpc_opts	 opts;		/* RA client cert, MASA anchors */
	struct bytes		*chain;		/* storage behind opts */
	struct bytes		*anchors;
	uint8_t			*key_der;
};

struct registrar {
	struct reg_identity	 id;
	struct reg_ca		 ca;
	struct reg_crl		 crl;
	struct reg_store	*store;
	int			 manual;	/* operator approves devices */
	long			 retry_after;
	const char		*masa_url;	/* override, or NULL */
	int			 masa_timeout_ms;
	struct x509_list	 est_client_cas;
	char			*est_user;
	char			*est_password;
	size_t			 est_password_len;
	/* RFC 7030 3.5: the CSR must carry the TLS channel binding */
	int			 require_channel_binding;
	struct masa_pool	 pool;
};

enum brski_rc	masa_pool_init(struct masa_pool *, const struct reg_identity *,
		    struct brski_err *);
void		masa_pool_free(struct masa_pool *);
enum brski_rc	masa_post(struct registrar *, const char *, const char *,
		    const uint8_t *, size_t, struct httpc_response **,
		    struct brski_err *);

void	reg_on_requestvoucher(struct httpd_req *, struct httpd_resp *, void *);
void	reg_on_voucher_status(struct httpd_req *, struct httpd_resp *, void *);
void	reg_on_enrollstatus(struct httpd_req *, struct httpd_resp *, void *);
void	est_on_cacerts(struct httpd_req *, struct httpd_resp *, void *);
void	est_on_csrattrs(struct httpd_req *, struct httpd_resp *, void *);
void	est_on_simpleenroll(struct httpd_req *, struct httpd_resp *, void *);
void	est_on_simplereenroll(struct httpd_req *, struct httpd_resp *, void *);
void	est_on_serverkeygen(struct httpd_req *, struct httpd_resp *, void *);

#endif /* BRSKI_REGISTRAR_H */
