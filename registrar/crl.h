/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The domain CA's certificate revocation list (RFC 5280 5): an X.509 v2
 * CRL in DER, signed by the CA key through the key module (so a key in
 * a PKCS#11 token works).  The Debian wolfSSL can read CRLs but not
 * make them: the TBSCertList is written with der.h (DESIGN.md).
 */
#ifndef BRSKI_REGISTRAR_CRL_H
#define BRSKI_REGISTRAR_CRL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "key.h"
#include "x509.h"

#define CRL_SERIAL_MAX	20	/* RFC 5280 4.1.2.2: at most 20 octets */
#define CRL_HEX_MAX	(2 * CRL_SERIAL_MAX)

/* RFC 5280 5.3.1 CRLReason (the ones an operator may give) */
#define CRL_REASON_UNSPECIFIED		0
#define CRL_REASON_KEY_COMPROMISE	1
#define CRL_REASON_AFFILIATION_CHANGED	3
#define CRL_REASON_SUPERSEDED		4
#define CRL_REASON_CESSATION		5
#define CRL_REASON_PRIVILEGE_WITHDRAWN	9

struct crl_entry {
	uint8_t		serial[CRL_SERIAL_MAX];
	size_t		serial_len;
	time_t		revoked_at;
	int		reason;		/* CRL_REASON_*; 0: no extension */
};

struct crl_params {
	const struct x509_cert	*issuer;	/* the domain CA */
	const struct brski_key	*key;		/* its key */
	time_t			 this_update;
	time_t			 next_update;
	long long		 number;	/* cRLNumber, > 0 */
	const struct crl_entry	*entries;
	size_t			 count;
};

enum brski_rc	 crl_build(const struct crl_params *, uint8_t **, size_t *,
		    struct brski_err *);
int		 crl_reason_from_name(const char *, int *);
const char	*crl_reason_name(int);
const char	*crl_reason_names(void);
enum brski_rc	 crl_serial_normalize(const char *, char *, size_t,
		    struct brski_err *);
enum brski_rc	 crl_serial_from_hex(const char *, struct crl_entry *,
		    struct brski_err *);

#endif /* BRSKI_REGISTRAR_CRL_H */
