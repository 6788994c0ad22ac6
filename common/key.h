/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private keys: generate (ECDSA P-256 by default), load and save PEM,
 * export the public key (SubjectPublicKeyInfo DER), sign digests.
 * Saved keys are 0600 and written atomically.
 */
#ifndef BRSKI_KEY_H
#define BRSKI_KEY_H

#include <stddef.h>
#include <stdint.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/ecc.h>

#include "err.h"

enum key_type {
	KEY_EC_P256 = 0,
	KEY_EC_P384,
	KEY_EC_P521,
};

#define KEY_SIG_MAX	ECC_MAX_SIG_SIZE	/* DER ECDSA-Sig-Value */

struct key_token;	/* key_pkcs11.c */

/*
 * A key in a PKCS#11 token (key_pkcs11.h) has the public key in ecc,
 * the token object's id and a device id: wolfSSL signs with it in the
 * token.  Its private half cannot be exported.
 */
struct brski_key {
	enum key_type		 type;
	ecc_key			 ecc;
	int			 devid;	/* INVALID_DEVID unless in a token */
	struct key_token	*token;	/* NULL unless in a token */
};

enum brski_rc	 key_generate(enum key_type, struct brski_key **,
		    struct brski_err *);
enum brski_rc	 key_parse(const uint8_t *, size_t, struct brski_key **,
		    struct brski_err *);
enum brski_rc	 key_load(const char *, struct brski_key **, struct brski_err *);
enum brski_rc	 key_save(const struct brski_key *, const char *,
		    struct brski_err *);
enum brski_rc	 key_to_der(const struct brski_key *, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	 key_to_pkcs8(const struct brski_key *, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	 key_to_pem(const struct brski_key *, char **, size_t *,
		    struct brski_err *);
enum brski_rc	 key_spki(const struct brski_key *, uint8_t **, size_t *,
		    struct brski_err *);
int		 key_matches_spki(const struct brski_key *, const uint8_t *,
		    size_t);
int		 key_spki_is_curve(const uint8_t *, size_t, enum key_type);
enum brski_rc	 key_sign_digest(const struct brski_key *, const uint8_t *,
		    size_t, uint8_t *, size_t *, struct brski_err *);
enum brski_rc	 key_verify_digest(const uint8_t *, size_t, const uint8_t *,
		    size_t, const uint8_t *, size_t, struct brski_err *);
enum brski_rc	 key_sig_der_to_raw(const uint8_t *, size_t, size_t, uint8_t *,
		    struct brski_err *);
enum brski_rc	 key_sig_raw_to_der(const uint8_t *, size_t, uint8_t *,
		    size_t *, struct brski_err *);
int		 key_hash_type(enum key_type);
size_t		 key_coord_size(enum key_type);
const char	*key_type_name(enum key_type);
int		 key_type_from_name(const char *, enum key_type *);
void		 key_free(struct brski_key *);
void		 key_token_release(struct key_token *);	/* key_free() */

#endif /* BRSKI_KEY_H */
