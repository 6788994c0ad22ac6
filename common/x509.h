/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * X.509 certificates: parse (the fields BRSKI needs, including the
 * subject serialNumber, id-kp-cmcRA and the MASA URL extension of
 * RFC 8995 2.3.2), verify a chain against given anchors at a given time,
 * and issue certificates with arbitrary extensions.  wolfSSL decodes and
 * signs; the TBSCertificate of issued certificates is written with der.h
 * because the Debian wolfSSL cannot add custom extensions.
 */
#ifndef BRSKI_X509_H
#define BRSKI_X509_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "key.h"

/* extendedKeyUsage bits */
#define X509_EKU_SERVER_AUTH	0x01	/* 1.3.6.1.5.5.7.3.1 */
#define X509_EKU_CLIENT_AUTH	0x02	/* 1.3.6.1.5.5.7.3.2 */
#define X509_EKU_CMC_RA		0x04	/* 1.3.6.1.5.5.7.3.28 */
#define X509_EKU_ANY		0x08	/* 2.5.29.37.0 */
#define X509_EKU_OTHER		0x80	/* some OID we do not name */

/* keyUsage bits (the ones we set or check) */
#define X509_KU_DIGITAL_SIGNATURE	0x01
#define X509_KU_KEY_ENCIPHERMENT	0x02
#define X509_KU_KEY_AGREEMENT		0x04
#define X509_KU_KEY_CERT_SIGN		0x08
#define X509_KU_CRL_SIGN		0x10

#define X509_CHAIN_MAX	8	/* certificates in a path; a peer's count */
#define X509_SAN_MAX	16	/* names of one kind we keep */
#define X509_DER_MAX	(16 * 1024)	/* one certificate */

struct x509_cert {
	uint8_t		*der;
	size_t		 der_len;
	char		 subject[512];	/* "CN=...,serialNumber=...", printable */
	char		 issuer[512];
	char		*cn;		/* subject commonName or NULL */
	char		*serial_number;	/* subject serialNumber (2.5.4.5) or NULL */
	uint8_t		 serial[32];	/* certificate serial number */
	size_t		 serial_len;
	time_t		 not_before;
	time_t		 not_after;
	int		 is_ca;
	int		 path_len;	/* -1: no pathLenConstraint */
	unsigned	 key_usage;	/* X509_KU_*, 0 if absent */
	int		 has_key_usage;
	unsigned	 eku;		/* X509_EKU_* */
	int		 has_eku;
	char		*masa_url;	/* id-pe-masa-url or NULL */
	uint8_t		 ski[64];
	size_t		 ski_len;
	uint8_t		 aki_keyid[64];
	size_t		 aki_keyid_len;
	uint8_t		*aki_ext;	/* AKI extnValue OCTET STRING, whole */
	size_t		 aki_ext_len;
	char		*san_dns[X509_SAN_MAX];
	size_t		 san_dns_count;
	char		*san_ip[X509_SAN_MAX];	/* text form, "192.0.2.1" */
	size_t		 san_ip_count;
	char		*san_uri[X509_SAN_MAX];
	size_t		 san_uri_count;
	uint8_t		*spki;		/* SubjectPublicKeyInfo DER */
	size_t		 spki_len;
	int		 key_oid;	/* wolfSSL keyOID (ECDSAk, RSAk, ...) */
	uint8_t		*subject_raw;	/* Name DER, for issuer matching */
	size_t		 subject_raw_len;
	uint8_t		*issuer_raw;
	size_t		 issuer_raw_len;
	uint8_t		 sha256[32];	/* fingerprint of der */
};

struct x509_list {
	struct x509_cert	**v;
	size_t			  n;
};

/* What x509_issue() puts into a certificate. */
struct x509_ext {
	const uint8_t	*der;		/* a whole Extension SEQUENCE */
	size_t		 len;
};

struct x509_template {
	const char		*cn;
	const char		*serial_number;	/* subject serialNumber */
	const char		*org;
	const char		*org_unit;
	const char		*country;
	const uint8_t		*subject_der;	/* overrides the above */
	size_t			 subject_der_len;
	time_t			 not_before;
	time_t			 not_after;
	int			 is_ca;
	int			 path_len;	/* -1: none */
	unsigned		 key_usage;	/* X509_KU_* (critical) */
	unsigned		 eku;		/* X509_EKU_* */
	const char		*masa_url;	/* id-pe-masa-url */
	const char *const	*san_dns;
	size_t			 san_dns_count;
	const char *const	*san_ip;
	size_t			 san_ip_count;
	const struct x509_ext	*extra;
	size_t			 extra_count;
	const uint8_t		*serial;	/* NULL: 16 random bytes */
	size_t			 serial_len;
};

enum brski_rc	 x509_parse(const uint8_t *, size_t, struct x509_cert **,
		    struct brski_err *);
void		 x509_free(struct x509_cert *);
enum brski_rc	 x509_dup(const struct x509_cert *, struct x509_cert **,
		    struct brski_err *);
int		 x509_equal(const struct x509_cert *, const struct x509_cert *);
const char	*x509_label(const struct x509_cert *, char *, size_t);
enum brski_rc	 x509_to_pem(const uint8_t *, size_t, char **, size_t *,
		    struct brski_err *);

enum brski_rc	 x509_list_parse(const uint8_t *, size_t, struct x509_list *,
		    struct brski_err *);
enum brski_rc	 x509_list_load(const char *, struct x509_list *,
		    struct brski_err *);
enum brski_rc	 x509_list_add_der(struct x509_list *, const uint8_t *, size_t,
		    struct brski_err *);
enum brski_rc	 x509_list_push(struct x509_list *, struct x509_cert *,
		    struct brski_err *);
enum brski_rc	 x509_list_to_pem(const struct x509_list *, char **, size_t *,
		    struct brski_err *);
void		 x509_list_free(struct x509_list *);

enum brski_rc	 x509_verify(const struct x509_cert *, const struct x509_list *,
		    const struct x509_list *, time_t, const struct x509_cert **,
		    struct brski_err *);
const struct x509_cert *x509_path_top(const struct x509_cert *,
		    const struct x509_list *);
enum brski_rc	 x509_issue(const struct x509_template *, const uint8_t *,
		    size_t, const struct x509_cert *, const struct brski_key *,
		    uint8_t **, size_t *, struct brski_err *);
enum brski_rc	 x509_key_id(const uint8_t *, size_t, uint8_t [20],
		    struct brski_err *);
const uint8_t	*x509_sig_alg(const struct brski_key *, size_t *, int *);
enum brski_rc	 x509_sign_tbs(const uint8_t *, size_t,
		    const struct brski_key *, uint8_t **, size_t *,
		    struct brski_err *);

#endif /* BRSKI_X509_H */
