/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The demo signers whose keys fuzz_cose_sign1_parse verifies with: the
 * MASA voucher signer (voucher.cose) and the constrained pledge's
 * IDevID (pledge-voucher-request.cose, sent without certificates), of
 * the ./demo.sh run that made the COSE seeds (seeds.sh DEMO cbor
 * rewrites this list), so that seeds verify and mutations reach the
 * signature code.
 */
#ifndef BRSKI_FUZZ_COSE_KEY_H
#define BRSKI_FUZZ_COSE_KEY_H

#include "fuzz.h"
#include "x509.h"

static const char fuzz_cose_keys_pem[] =
    /* O = Example, CN = MASA voucher signer */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBtzCCAV2gAwIBAgIQfHk+iovVAZePq6Ho+HWxZTAKBggqhkjOPQQDAjAsMRAw\n"
    "DgYDVQQKDAdFeGFtcGxlMRgwFgYDVQQDDA9FeGFtcGxlIE1BU0EgQ0EwHhcNMjYx\n"
    "MjA3MDIzMjUwWhcNMjcxMjA3MDMzMjUwWjAwMRAwDgYDVQQKDAdFeGFtcGxlMRww\n"
    "GgYDVQQDDBNNQVNBIHZvdWNoZXIgc2lnbmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
    "AQcDQgAEBG8kNxDLlXqVUxwvVpyi3Y8T17cPhu38Fub7iBj3BiI8oCDsdgJB4AP+\n"
    "63eX+upJWkRKH1L/Jd9e7kfJDvGoe6NdMFswCQYDVR0TBAIwADAOBgNVHQ8BAf8E\n"
    "BAMCB4AwHQYDVR0OBBYEFHNDDlrFIAgAbUSn7mkl2i6y5xQHMB8GA1UdIwQYMBaA\n"
    "FN/R6ZZij21oiyM4xlAWj0jZR/fdMAoGCCqGSM49BAMCA0gAMEUCIByLWrLVoN9P\n"
    "cCmXMwnRJeA7SYOYBiq0EJvSiNU1WuU/AiEAuZ/xM6tv1ejl8KPwmEQWFZRO0/my\n"
    "jP91jlOypZ9Lhv4=\n"
    "-----END CERTIFICATE-----\n"
    /* O = Example, CN = Example pledge 0002, serialNumber = 0002 */
    "-----BEGIN CERTIFICATE-----\n"
    "MIICBDCCAaugAwIBAgIQVQDipdxzgJmEwJVJaqRIOjAKBggqhkjOPQQDAjA0MRAw\n"
    "DgYDVQQKDAdFeGFtcGxlMSAwHgYDVQQDDBdFeGFtcGxlIE1hbnVmYWN0dXJlciBD\n"
    "QTAgFw0yNjEyMDcwMjMyNTBaGA85OTk5MTIzMTIzNTk1OVowPzEQMA4GA1UECgwH\n"
    "RXhhbXBsZTEcMBoGA1UEAwwTRXhhbXBsZSBwbGVkZ2UgMDAwMjENMAsGA1UEBRME\n"
    "MDAwMjBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABFTmkwET68yszCy+fjY1SVCL\n"
    "dfiuu/ctUTAPUG1/aRBAutsSVKt/ujaFaxA2SnSol4F1b9ZuaW6TvtwQK+OtMPOj\n"
    "gZEwgY4wCQYDVR0TBAIwADAOBgNVHQ8BAf8EBAMCB4AwEwYDVR0lBAwwCgYIKwYB\n"
    "BQUHAwIwHQYDVR0OBBYEFI33DlbBHK8axLzUAydiHmgoDpcKMB8GA1UdIwQYMBaA\n"
    "FG4mKl7vhDZp3yQAxTLJnQqvKnQbMBwGCCsGAQUFBwEgBBAWDmxvY2FsaG9zdDo5\n"
    "NDQzMAoGCCqGSM49BAMCA0cAMEQCIBimtWmKGDsRuVyWNfZTMuWbhyzIQVGMv3DZ\n"
    "w69nqr8nAiBaINP1AL8C23k9BNkckUjwqjhX8H/mV2R1/sAFb5de/g==\n"
    "-----END CERTIFICATE-----\n"
    ;

/* Parsed once; reachable until exit, so LeakSanitizer stays quiet. */
static inline const struct x509_list *
fuzz_cose_keys(void)
{
	static struct x509_list	keys;
	struct brski_err	e;

	if (keys.n == 0)
		FUZZ_CHECK(x509_list_parse((const uint8_t *)fuzz_cose_keys_pem,
		    sizeof(fuzz_cose_keys_pem) - 1, &keys, &e) == BRSKI_OK);
	return &keys;
}

#endif /* BRSKI_FUZZ_COSE_KEY_H */
