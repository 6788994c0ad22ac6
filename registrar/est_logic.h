/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * EST decisions without the transport, shared by the HTTPS resources
 * (service_est.c, RFC 7030) and the CoAPS ones (coap_service.c, RFC
 * 9148): who is asking, and what they get.  Results carry the status in
 * HTTP terms (200, 202, 400, 401, 403, 500) and a reason.
 */
#ifndef BRSKI_REGISTRAR_EST_LOGIC_H
#define BRSKI_REGISTRAR_EST_LOGIC_H

#include <stddef.h>
#include <stdint.h>

#include "registrar.h"

enum est_who {
	EST_NOBODY = 0,
	EST_PLEDGE,	/* IDevID + a voucher exchange with us */
	EST_OPERATOR,	/* EST client CA or HTTP Basic credentials */
};

struct est_caller {
	enum est_who	who;
	char		device[REG_SERIAL_MAX + 1];	/* pledge serial */
	int		status;		/* for a refusal: 401, 403 or 202 */
	char		why[320];
};

struct est_result {
	int		 status;
	char		 why[320];
	uint8_t		*cert;		/* DER of the issued certificate */
	size_t		 cert_len;
	uint8_t		*key;		/* PKCS#8 (serverkeygen), a secret */
	size_t		 key_len;
	char		 subject_cn[65];
};

/*
 * The TLS channel binding of the session a request came on (RFC 7030
 * 3.5); the CSR's challengePassword must be its base64 when the
 * registrar has require-channel-binding.  NULL: the transport has none.
 */
struct est_binding {
	const uint8_t	*cb;
	size_t		 len;
	const char	*type;		/* "tls-unique", "tls-exporter" */
};

void	est_identify(struct registrar *, const struct x509_list *, int,
	    struct est_caller *);
void	est_enroll(struct registrar *, const struct est_caller *,
	    const uint8_t *, size_t, struct est_result *);
void	est_reenroll(struct registrar *, const struct x509_list *,
	    const uint8_t *, size_t, struct est_result *);
void	est_enroll_bound(struct registrar *, const struct est_caller *,
	    const uint8_t *, size_t, const struct est_binding *,
	    struct est_result *);
void	est_reenroll_bound(struct registrar *, const struct x509_list *,
	    const uint8_t *, size_t, const struct est_binding *,
	    struct est_result *);
void	est_serverkeygen(struct registrar *, const struct est_caller *,
	    const uint8_t *, size_t, struct est_result *);
void	est_result_clear(struct est_result *);

#endif /* BRSKI_REGISTRAR_EST_LOGIC_H */
