/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signing keys that live in a PKCS#11 token (an HSM, a smart card,
 * SoftHSM): the MASA's voucher signer, the registrar's domain CA.  A
 * token key is a struct brski_key like any other, so cms_sign(),
 * cose_sign1(), x509_issue() and csr_create() take it unchanged; only
 * its private half cannot be exported.  Keys are named by RFC 7512
 * URIs ("pkcs11:token=masa;object=voucher-signer"); the PIN comes from
 * a file (mode 0600 or stricter) or an environment variable, never
 * from the command line, and is wiped once the token has it.
 */
#ifndef BRSKI_KEY_PKCS11_H
#define BRSKI_KEY_PKCS11_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "key.h"

#define KEY_PIN_MAX		256	/* PKCS#11 PINs are short strings */
#define KEY_P11_LABEL_MAX	32	/* CK_TOKEN_INFO.label, ecc_key.label */
#define KEY_P11_ID_MAX		32	/* ecc_key.id (ECC_MAX_ID_LEN) */
#define KEY_P11_PATH_MAX	1024
#define KEY_P11_URI_MAX		2048

/* What an RFC 7512 URI selects; empty strings / has_* 0 when absent. */
struct key_pkcs11_uri {
	char		token[KEY_P11_LABEL_MAX + 1];	/* token label */
	char		serial[16 + 1];			/* token serial */
	int		has_slot;
	unsigned long	slot;				/* slot-id */
	char		object[KEY_P11_LABEL_MAX + 1];	/* key CKA_LABEL */
	uint8_t		id[KEY_P11_ID_MAX];		/* key CKA_ID */
	size_t		id_len;
	char		module[KEY_P11_PATH_MAX];	/* ?module-path= */
};

/* Where key_open() finds the module and the PIN for pkcs11: URIs. */
struct key_pkcs11_opts {
	const char	*module;	/* path of the module, or NULL */
	const char	*pin_file;	/* file holding the user PIN */
	const char	*pin_env;	/* environment variable with the PIN */
	const uint8_t	*pin;		/* or the PIN itself, read before */
	size_t		 pin_len;	/* (by a program opening several keys) */
};

int		key_is_pkcs11_uri(const char *);
enum brski_rc	key_pkcs11_uri_parse(const char *, struct key_pkcs11_uri *,
		    struct brski_err *);
enum brski_rc	key_pin_read(const char *, const char *, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	key_open_pkcs11(const char *, const struct key_pkcs11_uri *,
		    const uint8_t *, size_t, struct brski_key **,
		    struct brski_err *);
enum brski_rc	key_open(const char *, const struct key_pkcs11_opts *,
		    struct brski_key **, struct brski_err *);
/* key_token_flags(): how well the token guards the private key */
#define KEY_TOKEN_EXTRACTABLE	0x1	/* CKA_EXTRACTABLE true */
#define KEY_TOKEN_NOT_SENSITIVE	0x2	/* CKA_SENSITIVE false */
#define KEY_TOKEN_VALUE_READ	0x4	/* C_GetAttributeValue(CKA_VALUE) ok */

int		key_in_token(const struct brski_key *);
unsigned	key_token_flags(const struct brski_key *);
const char	*key_describe(const struct brski_key *);

#endif /* BRSKI_KEY_PKCS11_H */
