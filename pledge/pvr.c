/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pledge voucher-request, RFC 8995 5.2: a fresh random nonce for every
 * attempt (7 "Pledge" 3), assertion proximity, the registrar's TLS
 * certificate as proximity-registrar-cert, our serial-number and
 * created-on; CMS-signed with the IDevID key, the IDevID chain included.
 * The constrained form (cBRSKI) is the same voucher-request in CBOR,
 * COSE-signed; no certificates, the registrar has the IDevID from DTLS.
 */
#include "config.h"

#include <stdlib.h>

#include "cms.h"
#include "cose.h"
#include "pvr.h"
#include "rand.h"
#include "voucher.h"
#include "voucher_cbor.h"

/*
 * Make a signed PVR (cose: COSE + CBOR) for the registrar whose TLS
 * certificate is registrar.  nonce receives the nonce (keep it to check the voucher);
 * *out is the CMS DER, the caller's.
 */
enum brski_rc
pvr_make(const struct x509_cert *idevid, const struct x509_list *chain,
    const struct brski_key *key, const struct x509_cert *registrar,
    time_t now, int cose, uint8_t nonce[PVR_NONCE_LEN], uint8_t **out,
    size_t *outlen, struct brski_err *e)
{
	struct voucher	*v;
	uint8_t		*cbor = NULL;
	char		*json = NULL;
	size_t		 jlen;
	enum brski_rc	 rc;

	*out = NULL;
	if (idevid->serial_number == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "IDevID \"%.100s\" has no "
		    "serialNumber in its subject", idevid->subject);
	if ((rc = rand_bytes(nonce, PVR_NONCE_LEN, e)) != BRSKI_OK)
		return rc;
	if ((v = voucher_new(VOUCHER_KIND_REQUEST)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	voucher_set_assertion(v, VOUCHER_ASSERT_PROXIMITY);
	if ((rc = voucher_set_date(v, VL_CREATED_ON, now, e)) != BRSKI_OK ||
	    (rc = voucher_set_string(v, VL_SERIAL_NUMBER, idevid->serial_number,
	    e)) != BRSKI_OK ||
	    (rc = voucher_set_bin(v, VL_NONCE, nonce, PVR_NONCE_LEN, e)) !=
	    BRSKI_OK ||
	    (rc = voucher_set_bin(v, VL_PROXIMITY_REGISTRAR_CERT, registrar->der,
	    registrar->der_len, e)) != BRSKI_OK)
		goto out;
	if (cose) {
		if ((rc = voucher_to_cbor(v, &cbor, &jlen, e)) == BRSKI_OK)
			rc = cose_sign1(cbor, jlen, key, NULL, out, outlen, e);
		goto out;
	}
	if ((rc = voucher_to_json(v, &json, &jlen, e)) != BRSKI_OK)
		goto out;
	rc = cms_sign((const uint8_t *)json, jlen, cms_oid_voucher,
	    sizeof(cms_oid_voucher), idevid, chain, key, now, out, outlen, e);
out:
	free(cbor);
	free(json);
	voucher_free(v);
	return rc;
}
