/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The voucher model (RFC 8366, draft-ietf-anima-rfc8366bis) shared by
 * vouchers and voucher-requests (RFC 8995 3.2), and its JSON codec
 * (RFC 7951 encoding of the YANG data: base64 binaries, RFC 3339 dates,
 * enums as strings).  The CBOR codec lives in voucher_cbor.h.
 *
 * One struct serves both kinds; "present" says which leaves are set.
 * The leaf table (voucher_leaf_info()) drives both codecs.
 */
#ifndef BRSKI_VOUCHER_H
#define BRSKI_VOUCHER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define VOUCHER_JSON_MAX	(32 * 1024)	/* PVR inside an RVR: ~6 KiB */
#define VOUCHER_NONCE_MIN	8		/* YANG: binary length 8..32 */
#define VOUCHER_NONCE_MAX	32
#define VOUCHER_SERIAL_MAX	64		/* serial-number string bytes */
#define VOUCHER_BIN_MAX		(16 * 1024)	/* any other binary leaf */

enum voucher_kind {
	VOUCHER_KIND_VOUCHER = 0,	/* "ietf-voucher:voucher" */
	VOUCHER_KIND_REQUEST,		/* "ietf-voucher-request:voucher" */
};

enum voucher_assertion {
	VOUCHER_ASSERT_VERIFIED = 0,
	VOUCHER_ASSERT_LOGGED = 1,
	VOUCHER_ASSERT_PROXIMITY = 2,
	VOUCHER_ASSERT_AGENT_PROXIMITY = 3,
};

/* Leaves, in the order of the ietf-voucher-request SID file. */
enum voucher_leaf {
	VL_ASSERTION = 0,
	VL_CREATED_ON,
	VL_DOMAIN_CERT_REVOCATION_CHECKS,
	VL_EXPIRES_ON,
	VL_IDEVID_ISSUER,
	VL_LAST_RENEWAL_DATE,
	VL_NONCE,
	VL_PINNED_DOMAIN_CERT,
	VL_PINNED_DOMAIN_PUBK,
	VL_PINNED_DOMAIN_PUBK_SHA256,
	VL_SERIAL_NUMBER,
	VL_ADDITIONAL_CONFIGURATION_URL,
	VL_EST_DOMAIN,
	VL_MANUFACTURER_PROPRIETARY,
	VL_PRIOR_SIGNED_VOUCHER_REQUEST,
	VL_PROXIMITY_REGISTRAR_CERT,
	VL_PROXIMITY_REGISTRAR_PUBK_SHA256,
	VL_PROXIMITY_REGISTRAR_PUBK,
	VL_AGENT_PROVIDED_PROXIMITY_REGISTRAR_CERT,
	VL_AGENT_SIGN_CERT,
	VL_AGENT_SIGNED_DATA,
	VL_COUNT
};

#define VOUCHER_HAS(v, leaf)	(((v)->present >> (leaf)) & 1u)

enum voucher_ltype {
	VLT_ENUM,	/* assertion */
	VLT_DATE,	/* yang:date-and-time */
	VLT_BOOL,
	VLT_BINARY,
	VLT_STRING,
};

struct voucher_leaf_info {
	const char		*name;		/* JSON member name */
	enum voucher_ltype	 type;
	int			 sid_voucher;	/* delta under 2451, 0: n/a */
	int			 sid_request;	/* delta under 2501, 0: n/a */
	size_t			 min_len;	/* binary/string bounds */
	size_t			 max_len;
};

struct voucher_bin {
	uint8_t	*data;
	size_t	 len;
};

struct voucher {
	enum voucher_kind	 kind;
	uint32_t		 present;	/* 1u << enum voucher_leaf */
	enum voucher_assertion	 assertion;
	time_t			 created_on;
	time_t			 expires_on;
	time_t			 last_renewal_date;
	int			 domain_cert_revocation_checks;
	char			*serial_number;
	char			*additional_configuration_url;
	char			*est_domain;
	struct voucher_bin	 idevid_issuer;
	struct voucher_bin	 nonce;
	struct voucher_bin	 pinned_domain_cert;
	struct voucher_bin	 pinned_domain_pubk;
	struct voucher_bin	 pinned_domain_pubk_sha256;
	struct voucher_bin	 manufacturer_proprietary;
	struct voucher_bin	 prior_signed_voucher_request;
	struct voucher_bin	 proximity_registrar_cert;
	struct voucher_bin	 proximity_registrar_pubk_sha256;
	struct voucher_bin	 proximity_registrar_pubk;
	struct voucher_bin	 agent_provided_proximity_registrar_cert;
	struct voucher_bin	 agent_sign_cert;
	struct voucher_bin	 agent_signed_data;
};

const struct voucher_leaf_info *voucher_leaf_info(enum voucher_leaf);
int		 voucher_leaf_allowed(enum voucher_kind, enum voucher_leaf);
const char	*voucher_wrapper_name(enum voucher_kind);
const char	*voucher_assertion_name(enum voucher_assertion);
int		 voucher_assertion_from_name(const char *, enum voucher_assertion *);

struct voucher	*voucher_new(enum voucher_kind);
void		 voucher_free(struct voucher *);
enum brski_rc	 voucher_set_bin(struct voucher *, enum voucher_leaf,
		    const uint8_t *, size_t, struct brski_err *);
enum brski_rc	 voucher_set_string(struct voucher *, enum voucher_leaf,
		    const char *, struct brski_err *);
enum brski_rc	 voucher_set_date(struct voucher *, enum voucher_leaf, time_t,
		    struct brski_err *);
enum brski_rc	 voucher_set_bool(struct voucher *, enum voucher_leaf, int,
		    struct brski_err *);
void		 voucher_set_assertion(struct voucher *, enum voucher_assertion);
const struct voucher_bin *voucher_get_bin(const struct voucher *,
		    enum voucher_leaf);
enum brski_rc	 voucher_check(const struct voucher *, struct brski_err *);

enum brski_rc	 voucher_parse_json(const uint8_t *, size_t, enum voucher_kind,
		    struct voucher **, struct brski_err *);
enum brski_rc	 voucher_to_json(const struct voucher *, char **, size_t *,
		    struct brski_err *);

#endif /* BRSKI_VOUCHER_H */
