/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Protocol constants shared by pledge, registrar and MASA: the
 * well-known paths (RFC 8995 7.2, RFC 7030 3.2.2, RFC 9148 5.1), media
 * types and CoAP content formats, and the exit codes of the programs.
 */
#ifndef BRSKI_BRSKI_H
#define BRSKI_BRSKI_H

/* HTTPS paths */
#define BRSKI_PATH_REQUESTVOUCHER	"/.well-known/brski/requestvoucher"
#define BRSKI_PATH_VOUCHER_STATUS	"/.well-known/brski/voucher_status"
#define BRSKI_PATH_REQUESTAUDITLOG	"/.well-known/brski/requestauditlog"
#define BRSKI_PATH_ENROLLSTATUS		"/.well-known/brski/enrollstatus"
#define EST_PATH_CACERTS		"/.well-known/est/cacerts"
#define EST_PATH_SIMPLEENROLL		"/.well-known/est/simpleenroll"
#define EST_PATH_SIMPLEREENROLL		"/.well-known/est/simplereenroll"
#define EST_PATH_CSRATTRS		"/.well-known/est/csrattrs"
#define EST_PATH_SERVERKEYGEN		"/.well-known/est/serverkeygen"
/* the registrar's CRL: not a BRSKI or EST resource, so not under them */
#define REG_PATH_CRL			"/crl"

/* media types */
#define MT_VOUCHER_CMS_JSON	"application/voucher-cms+json"
#define MT_VOUCHER_COSE		"application/voucher+cose"
#define MT_JSON			"application/json"
#define MT_CBOR			"application/cbor"
#define MT_PKCS10		"application/pkcs10"
#define MT_PKCS7_CERTS		"application/pkcs7-mime; smime-type=certs-only"
#define MT_PKCS7		"application/pkcs7-mime"
#define MT_CSRATTRS		"application/csrattrs"
#define MT_PKCS8		"application/pkcs8"
#define MT_PKIX_CERT		"application/pkix-cert"
#define MT_PKIX_CRL		"application/pkix-crl"	/* RFC 2585 4.2 */
#define MT_TEXT			"text/plain; charset=utf-8"

/* CoAP Content-Formats (RFC 9148, constrained-voucher) */
#define CF_LINK_FORMAT		40
#define CF_JSON			50
#define CF_CBOR			60
#define CF_MULTIPART_CORE	62
#define CF_PKCS7_SKG		280
#define CF_PKCS7_CERTS		281
#define CF_PKCS8		284
#define CF_CSRATTRS		285
#define CF_PKCS10		286
#define CF_PKIX_CERT		287
#define CF_VOUCHER_COSE		836

/* RFC 8995 5.6: cap on the Retry-After a pledge honours */
#define BRSKI_RETRY_AFTER_MAX	60

/* Exit codes of brski-pledge (documented in brski-pledge(8)) */
enum brski_exit {
	BRSKI_EXIT_OK = 0,
	BRSKI_EXIT_INTERNAL = 1,	/* our bug, out of memory */
	BRSKI_EXIT_CONFIG = 2,		/* bad configuration or usage */
	BRSKI_EXIT_NETWORK = 3,		/* no registrar reachable, timeout */
	BRSKI_EXIT_VOUCHER = 4,		/* voucher refused or invalid */
	BRSKI_EXIT_ENROLL = 5,		/* enrollment refused or invalid */
	BRSKI_EXIT_STATE = 6,		/* state directory cannot be written */
	BRSKI_EXIT_DISCOVERY = 7,	/* DNS-SD found no registrar */
};

#endif /* BRSKI_BRSKI_H */
