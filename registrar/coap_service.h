/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's CoAPS side (RFC 9148 EST-coaps, constrained BRSKI):
 * a libcoap context with a DTLS endpoint, run by its own thread.
 */
#ifndef BRSKI_REGISTRAR_COAP_SERVICE_H
#define BRSKI_REGISTRAR_COAP_SERVICE_H

#include "registrar.h"

struct coap_service;

struct coap_service_conf {
	const char	*listen;	/* address literal, or "*" */
	unsigned	 port;
	const char	*cert_file;	/* PEM chain */
	const char	*key_file;
	size_t		 body_max;	/* reassembled block-wise body cap */
};

enum brski_rc	coap_service_start(struct registrar *,
		    const struct coap_service_conf *, struct coap_service **,
		    struct brski_err *);
void		coap_service_stop(struct coap_service *);

#endif /* BRSKI_REGISTRAR_COAP_SERVICE_H */
