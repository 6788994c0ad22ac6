/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's current CRL, kept fresh and served at REG_PATH_CRL
 * (crl_service.c); crl.c makes each one.
 */
#ifndef BRSKI_REGISTRAR_CRL_SERVICE_H
#define BRSKI_REGISTRAR_CRL_SERVICE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ca.h"
#include "err.h"
#include "health.h"
#include "httpd.h"
#include "store.h"

struct reg_crl {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		 thread;
	int			 inited, running, stop;
	const struct reg_ca	*ca;
	struct reg_store	*store;
	long			 validity_s;
	const char		*file;		/* crl-file, or NULL */
	uint8_t			*der;		/* the current CRL */
	size_t			 len;
	long long		 revision;	/* of the store, when made */
	time_t			 this_update;
};

enum brski_rc	reg_crl_init(struct reg_crl *, const struct reg_ca *,
		    struct reg_store *, long, const char *, struct brski_err *);
enum brski_rc	reg_crl_start(struct reg_crl *, struct brski_err *);
enum brski_rc	reg_crl_get(struct reg_crl *, uint8_t **, size_t *,
		    struct brski_err *);
void		reg_crl_free(struct reg_crl *);
void		reg_crl_health(struct reg_crl *, time_t, struct health_report *);
void		crl_on_get(struct httpd_req *, struct httpd_resp *, void *);

#endif /* BRSKI_REGISTRAR_CRL_SERVICE_H */
