/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * In-process test PKI for the unit tests: keys from key_generate(),
 * certificates from x509_issue(), validity chosen by the test so the
 * clock can be pinned.  Any failure ends the running cmocka test.
 */
#ifndef BRSKI_TESTPKI_H
#define BRSKI_TESTPKI_H

#include <time.h>

#include "key.h"
#include "x509.h"

/* The pinned "now" of the tests: 2023-11-14T22:13:20Z. */
#define TU_NOW		((time_t)1700000000)
#define TU_DAY		((time_t)86400)

struct tu_node {
	struct brski_key	*key;
	struct x509_cert	*cert;
};

void	tu_template(struct x509_template *, const char *, int);
void	tu_issue(struct tu_node *, enum key_type,
	    const struct x509_template *, const struct tu_node *);
void	tu_ca(struct tu_node *, const char *, const struct tu_node *);
void	tu_ee(struct tu_node *, const char *, const struct tu_node *);
void	tu_node_free(struct tu_node *);
void	tu_list(struct x509_list *, const struct tu_node *);
void	tu_flip(uint8_t *, size_t);
const char *tu_openssl(void);
int	tu_have_openssl(void);

#endif
