/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libcoap's DTLS (OpenSSL backend) as BRSKI needs it: a registrar that
 * accepts a client certificate from a manufacturer it does not know yet
 * and captures the chain, and a pledge that presents its IDevID chain and
 * accepts the registrar provisionally, capturing its chain.  The one
 * translation unit that includes OpenSSL headers is coap_dtls.c (they
 * clash with wolfSSL's); this header uses no OpenSSL types.
 */
#ifndef BRSKI_COAP_DTLS_H
#define BRSKI_COAP_DTLS_H

#include <stddef.h>

#include <coap3/coap.h>

#include "buf.h"

#define COAP_DTLS_CHAIN_MAX	8

void	coap_dtls_server_setup(coap_dtls_pki_t *);
int	coap_dtls_client_patch(coap_session_t *, const char *);
void	coap_dtls_event(coap_session_t *, coap_event_t);
size_t	coap_dtls_peer(coap_session_t *, struct bytes *, size_t);

#endif /* BRSKI_COAP_DTLS_H */
