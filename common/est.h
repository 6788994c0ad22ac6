/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EST payloads (RFC 7030 4, as clarified by RFC 8951): the base64
 * transfer of DER bodies, certs-only responses, CSR attributes, and the
 * multipart/mixed answer of serverkeygen.
 */
#ifndef BRSKI_EST_H
#define BRSKI_EST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "x509.h"

#define EST_BODY_MAX	(64 * 1024)	/* CSR or cert bundle, base64 */

/*
 * A TLS channel binding links a CSR to the TLS session it is sent on
 * (RFC 7030 3.5): tls-unique (RFC 5929) on TLS 1.2, tls-exporter (RFC
 * 9266) on TLS 1.3; httpc/httpd_channel_binding() compute them.
 */
#define EST_CB_MAX		64	/* a Finished is 12 bytes, an exporter 32 */

/* What csrattrs asks for (RFC 7030 4.5.2, RFC 9266 tls-exporter PoP) */
struct est_csrattrs {
	int		challenge_password;	/* include the TLS binding */
	enum key_type	key_type;		/* curve the server wants */
};

enum brski_rc	est_body_decode(const uint8_t *, size_t, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	est_body_encode(const uint8_t *, size_t, char **, size_t *,
		    struct brski_err *);
enum brski_rc	est_certs_only_body(const struct x509_list *, char **,
		    size_t *, struct brski_err *);
enum brski_rc	est_certs_only_parse(const uint8_t *, size_t,
		    struct x509_list *, struct brski_err *);
enum brski_rc	est_csrattrs_build(const struct est_csrattrs *, uint8_t **,
		    size_t *, struct brski_err *);
enum brski_rc	est_csrattrs_parse(const uint8_t *, size_t,
		    struct est_csrattrs *, struct brski_err *);
enum brski_rc	est_pop_encode(const uint8_t *, size_t, char **,
		    struct brski_err *);
int		est_pop_matches(const char *, const uint8_t *, size_t);
enum brski_rc	est_serverkeygen_body(const uint8_t *, size_t,
		    const struct x509_list *, const char *, char **, size_t *,
		    struct brski_err *);

#endif /* BRSKI_EST_H */
