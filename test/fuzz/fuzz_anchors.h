/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trust anchors for the fuzz targets that verify: the CAs and signers
 * of the demo PKI (./demo.sh, brski-certs) that made the seed corpora,
 * so that seeds verify and mutations reach the chain and signature
 * code.  Valid 2026-11-25 to 2027-11-25 (signers) or 2036 (CAs); the
 * targets pin the clock, so expiry does not matter.
 */
#ifndef BRSKI_FUZZ_ANCHORS_H
#define BRSKI_FUZZ_ANCHORS_H

#include "fuzz.h"
#include "x509.h"

/* 2026-11-25T12:00:00Z: every demo certificate is valid then */
#define FUZZ_NOW	((time_t)1795608000)

static const char fuzz_anchors_pem[] =
    /* O = example.net, CN = example.net Domain CA */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBzTCCAXOgAwIBAgIQeJLYSvkGZGsqMhM/4Gxx+jAKBggqhkjOPQQDAjA2MRQw\n"
    "EgYDVQQKDAtleGFtcGxlLm5ldDEeMBwGA1UEAwwVZXhhbXBsZS5uZXQgRG9tYWlu\n"
    "IENBMB4XDTI2MTEyNTA1MTI0M1oXDTM2MTEyMjA2MTI0M1owNjEUMBIGA1UECgwL\n"
    "ZXhhbXBsZS5uZXQxHjAcBgNVBAMMFWV4YW1wbGUubmV0IERvbWFpbiBDQTBZMBMG\n"
    "ByqGSM49AgEGCCqGSM49AwEHA0IABF1XsB7TAOwhDOS8vn/5ycjeSUOoS1GaEI+9\n"
    "rU+SMhYXT1IVcPvka/jquOdGEfX49hF2iZIGOAhgSEFRgAvvOrCjYzBhMA8GA1Ud\n"
    "EwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgGGMB0GA1UdDgQWBBQzGUnGouSZOjrn\n"
    "vFFyMuwPWYfZOjAfBgNVHSMEGDAWgBQzGUnGouSZOjrnvFFyMuwPWYfZOjAKBggq\n"
    "hkjOPQQDAgNIADBFAiAU2lf2Y+Khm3fJLBa6bH6QlAAd67uNVX0ze26g0+QseAIh\n"
    "AJbAUzMOAgJ6UToTE+Yus7faIUyar4Pz+uMORp1XU/yL\n"
    "-----END CERTIFICATE-----\n"
    /* O = Example, CN = Example MASA CA */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBujCCAV+gAwIBAgIQVk0wIGV5JhBZVDY47hOMGDAKBggqhkjOPQQDAjAsMRAw\n"
    "DgYDVQQKDAdFeGFtcGxlMRgwFgYDVQQDDA9FeGFtcGxlIE1BU0EgQ0EwHhcNMjYx\n"
    "MTI1MDUxMjQzWhcNMzYxMTIyMDYxMjQzWjAsMRAwDgYDVQQKDAdFeGFtcGxlMRgw\n"
    "FgYDVQQDDA9FeGFtcGxlIE1BU0EgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC\n"
    "AAT6PKGAfH9knX6/c070ZFaUL79OwJh/gtFpwuWF7dpUJeDAMZ8/lVTpCph/1kPb\n"
    "bwg6C/ZKwGiYN05DbY5jyTTZo2MwYTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB\n"
    "/wQEAwIBhjAdBgNVHQ4EFgQUdFy0bnIA2zKThkPSmyRjIL/Z224wHwYDVR0jBBgw\n"
    "FoAUdFy0bnIA2zKThkPSmyRjIL/Z224wCgYIKoZIzj0EAwIDSQAwRgIhAOtIRxWz\n"
    "M0uavs32knpaqXTTsrZCF70Ggj1D5gPi8RDWAiEAhX79cFSC65/1KDV7YracKPMr\n"
    "l+bwyw52vOPsnDbSEos=\n"
    "-----END CERTIFICATE-----\n"
    /* O = Example, CN = Example Manufacturer CA */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIByTCCAW+gAwIBAgIQdUlbHZwZGjicY9JPplk5AzAKBggqhkjOPQQDAjA0MRAw\n"
    "DgYDVQQKDAdFeGFtcGxlMSAwHgYDVQQDDBdFeGFtcGxlIE1hbnVmYWN0dXJlciBD\n"
    "QTAeFw0yNjExMjUwNTEyNDNaFw0zNjExMjIwNjEyNDNaMDQxEDAOBgNVBAoMB0V4\n"
    "YW1wbGUxIDAeBgNVBAMMF0V4YW1wbGUgTWFudWZhY3R1cmVyIENBMFkwEwYHKoZI\n"
    "zj0CAQYIKoZIzj0DAQcDQgAE4e6g09X4ZT4MtcbnAa1M1nUMe23qICxFmoaTMdBI\n"
    "KeNRzympkSAgVl274SasK2/7QNryxt6YEYpogUzlg0ZSIqNjMGEwDwYDVR0TAQH/\n"
    "BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAYYwHQYDVR0OBBYEFKpHGtqP1ytncrAqetQf\n"
    "QYWVVev3MB8GA1UdIwQYMBaAFKpHGtqP1ytncrAqetQfQYWVVev3MAoGCCqGSM49\n"
    "BAMCA0gAMEUCIGRwYo8QBGcb6SZ5N9yztsiwUtU8uTux+3PA1QJCAE6gAiEAzSRU\n"
    "z44Z5/n9ARHP1q4KXovU9ltizOwrg30b8qhDMCc=\n"
    "-----END CERTIFICATE-----\n"
    /* O = Example, CN = MASA voucher signer */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIBtzCCAV2gAwIBAgIQSptwOwXH1M7BV45pq3vudjAKBggqhkjOPQQDAjAsMRAw\n"
    "DgYDVQQKDAdFeGFtcGxlMRgwFgYDVQQDDA9FeGFtcGxlIE1BU0EgQ0EwHhcNMjYx\n"
    "MTI1MDUxMjQzWhcNMjcxMTI1MDYxMjQzWjAwMRAwDgYDVQQKDAdFeGFtcGxlMRww\n"
    "GgYDVQQDDBNNQVNBIHZvdWNoZXIgc2lnbmVyMFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
    "AQcDQgAE+SISkLxRccg8FWKBurKbI2xeKfPnd/nm93Zl+t9NnlMCz2oQ8s0RBWjF\n"
    "yGtSkSzRzqx4f52hbgvoUX+lE3DteaNdMFswCQYDVR0TBAIwADAOBgNVHQ8BAf8E\n"
    "BAMCB4AwHQYDVR0OBBYEFGkcIJzd4UPLdkuYq/7xXRYRM2ATMB8GA1UdIwQYMBaA\n"
    "FHRctG5yANsyk4ZD0pskYyC/2dtuMAoGCCqGSM49BAMCA0gAMEUCIGdZpYh30CWs\n"
    "55fF4Z4ITSGSv0deiqkUAc96lU09nLJ9AiEA96YldtIUw2AOVzMNfab0d9bOLzLW\n"
    "imuUloSNUdvLTPo=\n"
    "-----END CERTIFICATE-----\n"
    /* O = Example, CN = registrar RA */
    "-----BEGIN CERTIFICATE-----\n"
    "MIIB2DCCAX+gAwIBAgIQRNQTVc0a/vtFd2WMxCjrsTAKBggqhkjOPQQDAjA2MRQw\n"
    "EgYDVQQKDAtleGFtcGxlLm5ldDEeMBwGA1UEAwwVZXhhbXBsZS5uZXQgRG9tYWlu\n"
    "IENBMB4XDTI2MTEyNTA1MTI0M1oXDTI3MTEyNTA2MTI0M1owKTEQMA4GA1UECgwH\n"
    "RXhhbXBsZTEVMBMGA1UEAwwMcmVnaXN0cmFyIFJBMFkwEwYHKoZIzj0CAQYIKoZI\n"
    "zj0DAQcDQgAEMSgOm5vuhZAacuYH7Q7nVVWdTRJLTLOc2F7JMjX8hjvkqaiCXgTX\n"
    "SVWIG4cktyifa0c7X5yTJTwDGy8lYt8/wqN8MHowCQYDVR0TBAIwADAOBgNVHQ8B\n"
    "Af8EBAMCB4AwHQYDVR0lBBYwFAYIKwYBBQUHAwIGCCsGAQUFBwMcMB0GA1UdDgQW\n"
    "BBQEptdURzNcTvs2SgUZ9akbhDhyejAfBgNVHSMEGDAWgBQzGUnGouSZOjrnvFFy\n"
    "MuwPWYfZOjAKBggqhkjOPQQDAgNHADBEAiBEGl+nIRBYwycH3zxOwQYw+1epQzZ5\n"
    "XAEQvKKmICrBiAIga4r+pIqIcPhonbvs9/UD5j3KgyFYJwbB1E3tGiYd73Y=\n"
    "-----END CERTIFICATE-----\n"
    ;

/* Parsed once; reachable until exit, so LeakSanitizer stays quiet. */
static inline const struct x509_list *
fuzz_anchors(void)
{
	static struct x509_list	anchors;
	struct brski_err	e;

	if (anchors.n == 0)
		FUZZ_CHECK(x509_list_parse((const uint8_t *)fuzz_anchors_pem,
		    sizeof(fuzz_anchors_pem) - 1, &anchors, &e) == BRSKI_OK);
	return &anchors;
}

#endif /* BRSKI_FUZZ_ANCHORS_H */
