/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PKCS#10 certificate signing requests (RFC 2986): create with wolfSSL,
 * parse and verify the self-signature of untrusted ones.
 */
#ifndef BRSKI_CSR_H
#define BRSKI_CSR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "key.h"

#define CSR_DER_MAX	(8 * 1024)	/* a P-256 CSR is ~300 bytes */

struct csr {
	uint8_t		*der;
	size_t		 der_len;
	char		 subject[512];	/* printable, "CN=...,serialNumber=..." */
	char		*cn;
	char		*serial_number;
	uint8_t		*spki;
	size_t		 spki_len;
	int		 key_oid;
	char		*challenge_password;	/* NULL if absent */
};

struct csr_request {
	const char	*cn;
	const char	*serial_number;
	const char	*org;
	const char	*challenge_password;
};

enum brski_rc	csr_create(const struct csr_request *, const struct brski_key *,
		    uint8_t **, size_t *, struct brski_err *);
enum brski_rc	csr_parse(const uint8_t *, size_t, struct csr **,
		    struct brski_err *);
void		csr_free(struct csr *);

#endif /* BRSKI_CSR_H */
