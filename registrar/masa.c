/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the registrar needs to know about MASAs: where one is (RFC 8995
 * 2.3.2, the IDevID's MASA URL extension, or the configured override)
 * and whether its voucher is acceptable before it is forwarded (5.6:
 * signed by a MASA anchor, for this pledge and nonce, pinning our
 * domain CA).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cose.h"
#include "voucher_verify.h"
#include "vr.h"

/*
 * The requestvoucher URL for a pledge: the override if configured, else
 * from the IDevID extension.  An extension value without '/' is an
 * authority ("masa.example.com:443"): https://authority/.well-known/brski.
 * A full URI is used as the base; the registrar always uses https.
 */
enum brski_rc
masa_url_for(const struct x509_cert *idevid, const char *override, char *out,
    size_t outlen, struct brski_err *e)
{
	const char	*v = override ? override : idevid->masa_url;
	const char	*rest;
	size_t		 n;

	if (v == NULL)
		return brski_fail(e, BRSKI_EPOLICY, "IDevID \"%.100s\" names no "
		    "MASA (no MASA URL extension) and no masa-url is configured",
		    idevid->subject);
	if ((rest = strstr(v, "://")) != NULL)
		v = rest + 3;	/* RFC 8995 2.3.2: HTTPS whatever the scheme */
	n = strcspn(v, "/");
	if (n == 0)
		return brski_fail(e, BRSKI_EPARSE, "MASA URL \"%.100s\" has no "
		    "host", v);
	if (v[n] == '\0')
		n = (size_t)snprintf(out, outlen, "https://%s/.well-known/brski"
		    "/requestvoucher", v);
	else
		n = (size_t)snprintf(out, outlen, "https://%.*s%s%s"
		    "requestvoucher", (int)n, v, v + n,
		    v[strlen(v) - 1] == '/' ? "" : "/");
	if (n >= outlen)
		return brski_fail(e, BRSKI_EPARSE, "MASA URL too long");
	return BRSKI_OK;
}

/*
 * RFC 8995 5.6: check the MASA's voucher before forwarding it: signed by
 * a MASA anchor, for the pledge's serial and nonce, pinning a
 * certificate our TLS chain leads to.  *fwd receives what goes to the
 * pledge: the voucher unchanged (CMS), or without its unprotected x5bag
 * (COSE: cBRSKI says the registrar strips it).  The caller frees *fwd.
 */
enum brski_rc
voucher_check_from_masa(const struct reg_identity *id, const struct pvr *p,
    const uint8_t *v, size_t len, time_t now, uint8_t **fwd, size_t *fwdlen,
    struct brski_err *e)
{
	struct voucher_expect	 x;
	struct voucher		*vo = NULL;
	struct x509_cert	*pinned = NULL;
	struct x509_list	 one = { 0 };
	struct cose_sign1	*m = NULL;
	enum brski_rc		 rc;

	*fwd = NULL;
	memset(&x, 0, sizeof(x));
	x.masa_anchors = &id->masa_cas;
	x.serial = p->idevid->serial_number;
	x.nonce = p->vr->nonce.data;
	x.nonce_len = p->vr->nonce.len;
	x.idevid = p->idevid;
	x.now = now;
	if ((rc = p->cose ? voucher_verify_cose(v, len, &x, &vo, &pinned, e) :
	    voucher_verify_cms(v, len, &x, &vo, &pinned, e)) != BRSKI_OK)
		goto out;
	/* the pledge will check our TLS chain against the pin: so do we */
	one.v = &pinned;
	one.n = 1;
	rc = x509_verify(id->tls_cert, &id->tls_chain, &one, now, NULL, e);
	one.v = NULL;
	if (rc != BRSKI_OK) {
		brski_prefix(e, "the voucher pins a certificate our TLS chain does "
		    "not lead to: ");
		goto out;
	}
	if (!p->cose) {
		if ((*fwd = malloc(len)) == NULL)
			rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
		else {
			memcpy(*fwd, v, len);
			*fwdlen = len;
		}
	} else if ((rc = cose_sign1_parse(v, len, &m, e)) == BRSKI_OK)
		rc = cose_sign1_strip(m, fwd, fwdlen, e);
out:
	cose_sign1_free(m);
	x509_free(pinned);
	voucher_free(vo);
	return rc;
}
