/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * LDevID issuance.  The certificate gets a random 128-bit serial (RFC
 * 5280 allows 20 octets; unpredictable serials also blunt chosen-prefix
 * attacks), is written to the store in its own committed transaction,
 * and only then returned: a crash after signing loses an unsent
 * certificate, never a sent one.  A serial already on record is drawn
 * again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca.h"
#include "der.h"
#include "rand.h"

#define SERIAL_LEN	16
#define SERIAL_TRIES	3
#define BACKDATE	300	/* seconds: small device clocks drift */

static void
hex(const uint8_t *p, size_t n, char *out)
{
	size_t	i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02X", p[i]);
}

/*
 * cRLDistributionPoints (RFC 5280 4.2.1.13) with one fullName URI:
 * SEQUENCE { DistributionPoint { [0] { [0] { [6] uri } } } }
 */
static enum brski_rc
crl_dp(const char *url, struct buf *ext, struct brski_err *e)
{
	static const uint8_t	 oid[] = { 0x06, 0x03, 0x55, 0x1d, 0x1f };
	struct buf		 a = { 0 }, b = { 0 };
	enum brski_rc		 rc;

	if ((rc = der_put(&a, DER_CTX(6), url, strlen(url), e)) == BRSKI_OK &&
	    (rc = der_put(&b, DER_CTX_C(0), a.data, a.len, e)) == BRSKI_OK) {
		buf_reset(&a);
		rc = der_put(&a, DER_CTX_C(0), b.data, b.len, e);
	}
	if (rc == BRSKI_OK) {
		buf_reset(&b);
		rc = der_put(&b, DER_SEQUENCE, a.data, a.len, e);
	}
	if (rc == BRSKI_OK) {
		buf_reset(&a);
		rc = der_put(&a, DER_SEQUENCE, b.data, b.len, e);
	}
	if (rc == BRSKI_OK) {
		buf_reset(&b);
		if ((rc = der_put_raw(&b, oid, sizeof(oid), e)) == BRSKI_OK &&
		    (rc = der_put(&b, DER_OCTET_STRING, a.data, a.len, e)) ==
		    BRSKI_OK)
			rc = der_put(ext, DER_SEQUENCE, b.data, b.len, e);
	}
	buf_free(&a);
	buf_free(&b);
	return rc;
}

static enum brski_rc
issue_once(const struct reg_ca *ca, const uint8_t *spki, size_t spki_len,
    const struct ca_subject *s, const char *device, time_t now,
    uint8_t **der, size_t *len, struct brski_err *e)
{
	struct x509_template	 t;
	struct x509_cert	*c = NULL;
	struct reg_cert		 rec;
	struct buf		 dp = { 0 };
	struct x509_ext		 extra;
	uint8_t			 sn[SERIAL_LEN];
	enum brski_rc		 rc;

	if ((rc = rand_bytes(sn, sizeof(sn), e)) != BRSKI_OK)
		return rc;
	sn[0] = (sn[0] & 0x7f) | 0x40;	/* positive, always 16 octets */
	memset(&t, 0, sizeof(t));
	t.cn = s->cn;
	t.serial_number = s->serial_number;
	t.org = s->org;
	t.path_len = -1;
	t.not_before = now - BACKDATE;
	t.not_after = now + ca->days * 86400;
	if (t.not_after > ca->cert->not_after)
		t.not_after = ca->cert->not_after;	/* never beyond the CA */
	t.key_usage = X509_KU_DIGITAL_SIGNATURE;
	t.eku = X509_EKU_CLIENT_AUTH | X509_EKU_SERVER_AUTH;
	t.serial = sn;
	t.serial_len = sizeof(sn);
	if (ca->crl_url != NULL) {
		if ((rc = crl_dp(ca->crl_url, &dp, e)) != BRSKI_OK)
			return rc;
		extra.der = dp.data;
		extra.len = dp.len;
		t.extra = &extra;
		t.extra_count = 1;
	}
	rc = x509_issue(&t, spki, spki_len, ca->cert, ca->key, der, len, e);
	buf_free(&dp);
	if (rc != BRSKI_OK)
		return rc;
	if ((rc = x509_parse(*der, *len, &c, e)) != BRSKI_OK)
		goto fail;
	memset(&rec, 0, sizeof(rec));
	hex(c->serial, c->serial_len, rec.serial_hex);
	snprintf(rec.device, sizeof(rec.device), "%s", device ? device : "");
	snprintf(rec.subject, sizeof(rec.subject), "%s", c->subject);
	rec.not_before = c->not_before;
	rec.not_after = c->not_after;
	rec.issued_at = now;
	rec.der = *der;
	rec.der_len = *len;
	if ((rc = reg_cert_record(ca->store, &rec, e)) != BRSKI_OK)
		goto fail;
	x509_free(c);
	return BRSKI_OK;
fail:
	x509_free(c);
	free(*der);
	*der = NULL;
	return rc;
}

/*
 * Issue a certificate for the key in a verified CSR (csr_parse() checked
 * its self-signature), with subject s, for device (NULL for an EST
 * client that is not a pledge).  *der is the caller's.
 */
enum brski_rc
ca_issue(const struct reg_ca *ca, const uint8_t *spki, size_t spki_len,
    const struct ca_subject *s, const char *device, time_t now,
    uint8_t **der, size_t *len, struct brski_err *e)
{
	enum brski_rc	rc = BRSKI_EPOLICY;
	int		i;

	*der = NULL;
	if (now >= ca->cert->not_after)
		return brski_fail(e, BRSKI_EPOLICY, "the domain CA has expired");
	for (i = 0; i < SERIAL_TRIES && rc == BRSKI_EPOLICY; i++)
		rc = issue_once(ca, spki, spki_len, s, device, now, der, len, e);
	if (rc == BRSKI_EPOLICY)
		return brski_fail(e, BRSKI_EDB, "CA: %d serial numbers in a row "
		    "were taken: random generator broken?", SERIAL_TRIES);
	return rc;
}
