/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MASA's state while it runs: its trust anchors and signing
 * credentials, its policy, its store.  Shared by the request handlers
 * (service.c), the voucher-request checks (rvr.c) and voucher issuance
 * (issue.c).
 */
#ifndef BRSKI_MASA_H
#define BRSKI_MASA_H

#include <time.h>

#include "cms.h"
#include "key.h"
#include "store.h"
#include "voucher.h"
#include "x509.h"

struct masa_policy {
	int	first_claim;		/* an unowned device goes to the first */
	int	allow_nonceless;	/* offline vouchers, authenticated only */
	long	nonceless_lifetime;	/* seconds (RFC 8995 5.6: ~20 min) */
	int	require_client_cert;	/* registrar TLS client authentication */
	int	require_pvr;		/* prior-signed-voucher-request needed */
};

struct masa {
	struct x509_list	 manufacturer_cas;	/* IDevID issuers */
	struct x509_list	 registrar_cas;		/* sales-channel anchors */
	struct x509_cert	*signer;
	struct x509_list	 signer_chain;
	struct brski_key	*signer_key;
	struct masa_policy	 pol;
	struct masa_store	*store;
};

/* A registrar voucher-request after authentication (rvr.c). */
struct rvr {
	int			 cose;		/* COSE + CBOR, else CMS + JSON */
	struct x509_list	 bag;		/* its certificates */
	struct x509_cert	*signer;	/* the registrar (cmcRA) */
	struct voucher		*vr;		/* its content */
	const struct x509_cert	*domain_ca;	/* pinned: top of its chain */
	char			 domain_id[MASA_DOMAIN_ID_MAX + 1];
	int			 authenticated;	/* by a configured anchor */
	struct x509_cert	*idevid;	/* who signed the PVR */
	struct voucher		*pvr;		/* prior-signed-voucher-request */
	char			*nonce_text;	/* audit log form, or NULL */
	enum voucher_assertion	 assertion;
};

enum brski_rc	rvr_authenticate(const struct masa *, const uint8_t *, size_t,
		    int, const struct x509_list *, time_t, struct rvr *,
		    struct brski_err *);
enum brski_rc	rvr_check_pvr(const struct masa *, time_t, struct rvr *,
		    struct brski_err *);
void		rvr_clear(struct rvr *);

enum brski_rc	masa_issue_voucher(const struct masa *, const struct rvr *,
		    const uint8_t *, size_t, time_t, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	masa_auditlog(const struct masa *, const struct rvr *, char **,
		    size_t *, struct brski_err *);
enum brski_rc	masa_domain_id(const struct x509_cert *, char *, size_t,
		    struct brski_err *);

#endif /* BRSKI_MASA_H */
