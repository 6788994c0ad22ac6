/* SPDX-License-Identifier: BSD-2-Clause */
/* In-process test PKI (see testpki.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "testpki.h"

/*
 * A template valid from a day before TU_NOW for a year; a CA template
 * has keyCertSign and cRLSign and no pathLenConstraint, an EE one
 * digitalSignature.
 */
void
tu_template(struct x509_template *t, const char *cn, int is_ca)
{
	memset(t, 0, sizeof(*t));
	t->cn = cn;
	t->not_before = TU_NOW - TU_DAY;
	t->not_after = TU_NOW + 365 * TU_DAY;
	t->is_ca = is_ca;
	t->path_len = -1;
	t->key_usage = is_ca ? X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN :
	    X509_KU_DIGITAL_SIGNATURE;
}

/* New key of type kt and a certificate from t, by issuer (NULL: self). */
void
tu_issue(struct tu_node *n, enum key_type kt, const struct x509_template *t,
    const struct tu_node *issuer)
{
	struct brski_err	 e = { 0 };
	uint8_t			*spki = NULL, *der = NULL;
	size_t			 spki_len, der_len;

	memset(n, 0, sizeof(*n));
	assert_rc(key_generate(kt, &n->key, &e), BRSKI_OK, &e);
	assert_rc(key_spki(n->key, &spki, &spki_len, &e), BRSKI_OK, &e);
	assert_rc(x509_issue(t, spki, spki_len,
	    issuer != NULL ? issuer->cert : NULL,
	    issuer != NULL ? issuer->key : n->key, &der, &der_len, &e),
	    BRSKI_OK, &e);
	assert_rc(x509_parse(der, der_len, &n->cert, &e), BRSKI_OK, &e);
	free(spki);
	free(der);
}

void
tu_ca(struct tu_node *n, const char *cn, const struct tu_node *issuer)
{
	struct x509_template	t;

	tu_template(&t, cn, 1);
	tu_issue(n, KEY_EC_P256, &t, issuer);
}

void
tu_ee(struct tu_node *n, const char *cn, const struct tu_node *issuer)
{
	struct x509_template	t;

	tu_template(&t, cn, 0);
	tu_issue(n, KEY_EC_P256, &t, issuer);
}

void
tu_node_free(struct tu_node *n)
{
	key_free(n->key);
	x509_free(n->cert);
	memset(n, 0, sizeof(*n));
}

/* Append a copy of n's certificate to l. */
void
tu_list(struct x509_list *l, const struct tu_node *n)
{
	struct brski_err	e = { 0 };

	assert_rc(x509_list_add_der(l, n->cert->der, n->cert->der_len, &e),
	    BRSKI_OK, &e);
}

/* Flip the low bit of p[i]. */
void
tu_flip(uint8_t *p, size_t i)
{
	p[i] ^= 0x01;
}

/* The openssl CLI: $OPENSSL (set by make check) or the one on PATH. */
const char *
tu_openssl(void)
{
	const char	*o = getenv("OPENSSL");

	return o != NULL && *o != '\0' ? o : "openssl";
}

/* 1 if the openssl CLI can be run (for the cases that need it). */
int
tu_have_openssl(void)
{
	char	cmd[512];

	snprintf(cmd, sizeof(cmd), "'%s' version >/dev/null 2>&1",
	    tu_openssl());
	return system(cmd) == 0;
}
