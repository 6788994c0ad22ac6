/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's domain CA: issues LDevIDs from verified CSRs, with the
 * subject that policy gives (not what the CSR asks for), and records
 * every certificate before it is handed out.
 */
#ifndef BRSKI_REGISTRAR_CA_H
#define BRSKI_REGISTRAR_CA_H

#include <time.h>

#include "csr.h"
#include "key.h"
#include "store.h"
#include "x509.h"

struct reg_ca {
	struct x509_cert	*cert;		/* the domain CA */
	struct x509_list	 chain;		/* CA first, then its issuers */
	struct brski_key	*key;
	long			 days;		/* LDevID validity */
	const char		*crl_url;	/* CRL distribution point */
	struct reg_store	*store;
};

struct ca_subject {
	const char	*cn;
	const char	*serial_number;
	const char	*org;
};

enum brski_rc	ca_issue(const struct reg_ca *, const uint8_t *, size_t,
		    const struct ca_subject *, const char *, time_t, uint8_t **,
		    size_t *, struct brski_err *);

#endif /* BRSKI_REGISTRAR_CA_H */
