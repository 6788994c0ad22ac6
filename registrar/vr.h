/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's BRSKI logic without the transport: checking a pledge
 * voucher-request (RFC 8995 5.2-5.3), building and signing the registrar
 * voucher-request (5.5), and checking the MASA's voucher before it is
 * forwarded (5.6); in CMS-signed JSON (HTTPS) or COSE-signed CBOR
 * (constrained voucher draft, CoAPS).
 */
#ifndef BRSKI_REGISTRAR_VR_H
#define BRSKI_REGISTRAR_VR_H

#include <time.h>

#include "key.h"
#include "voucher.h"
#include "x509.h"

struct reg_identity {
	struct x509_cert	*tls_cert;	/* what pledges see and pin */
	struct x509_list	 tls_chain;
	struct x509_cert	*ra_cert;	/* id-kp-cmcRA: signs RVRs */
	struct x509_list	 ra_chain;	/* RA cert first, up to the CA */
	struct brski_key	*ra_key;
	struct x509_list	 manufacturer_cas;	/* IDevID allow list */
	struct x509_list	 masa_cas;
	const struct x509_cert	*domain_ca;
};

/* A pledge voucher-request that passed the checks. */
struct pvr {
	int			 cose;		/* COSE + CBOR, else CMS + JSON */
	const struct x509_cert	*idevid;	/* the TLS/DTLS client leaf */
	const struct x509_list	*idevid_chain;	/* as the client sent it */
	struct voucher		*vr;
	const uint8_t		*raw;		/* the request as received */
	size_t			 raw_len;
};

enum brski_rc	pvr_check(const struct reg_identity *, const uint8_t *, size_t,
		    int, const struct x509_list *, time_t, struct pvr *,
		    struct brski_err *);
void		pvr_clear(struct pvr *);
enum brski_rc	rvr_build(const struct reg_identity *, const struct pvr *,
		    time_t, uint8_t **, size_t *, struct brski_err *);
enum brski_rc	voucher_check_from_masa(const struct reg_identity *,
		    const struct pvr *, const uint8_t *, size_t, time_t,
		    uint8_t **, size_t *, struct brski_err *);
enum brski_rc	masa_url_for(const struct x509_cert *, const char *, char *,
		    size_t, struct brski_err *);

#endif /* BRSKI_REGISTRAR_VR_H */
