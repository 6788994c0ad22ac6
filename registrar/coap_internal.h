/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the registrar's CoAPS resources share: the service (one libcoap
 * context, one thread), request and answer helpers (coap_service.c),
 * and the cBRSKI resources (coap_brski.c), whose voucher requests run
 * in worker threads and are answered as separate responses.
 */
#ifndef BRSKI_REGISTRAR_COAP_INTERNAL_H
#define BRSKI_REGISTRAR_COAP_INTERNAL_H

#include <pthread.h>

#include <coap3/coap.h>

#include "coap_service.h"

#define COAP_RV_JOBS_MAX	32	/* voucher requests waiting for MASAs */

struct rv_job;

struct coap_service {
	struct registrar	*r;
	coap_context_t		*ctx;
	pthread_t		 thread;
	volatile int		 stop;
	size_t			 body_max;
	char			 cert[4096];
	char			 key[4096];
	pthread_mutex_t		 jobs_mtx;
	struct rv_job		*jobs;		/* all, done or running */
	size_t			 njobs;
};

void		 peer_of(coap_session_t *, struct x509_list *, char *, size_t);
int		 opt_uint(const coap_pdu_t *, uint16_t);
void		 send_data(coap_resource_t *, coap_session_t *,
		    const coap_pdu_t *, coap_pdu_t *, coap_pdu_code_t, uint16_t,
		    uint8_t *, size_t);
void		 send_error(struct coap_service *, coap_session_t *,
		    const char *, coap_pdu_t *, int, const char *);
const uint8_t	*body_of(struct coap_service *, coap_session_t *,
		    const char *, const coap_pdu_t *, coap_pdu_t *, int,
		    size_t *);

void		 res_add(struct coap_service *, const char *, coap_request_t,
		    coap_method_handler_t, const char *, const char *);

void		 coap_brski_add(struct coap_service *);
int		 coap_brski_poll(struct coap_service *);
void		 coap_brski_stop(struct coap_service *);

#endif /* BRSKI_REGISTRAR_COAP_INTERNAL_H */
