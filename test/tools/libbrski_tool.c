/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Command-line access to libbrski for the interop tests, which set our
 * code against the openssl CLI:
 *   cms-sign CONTENT SIGNER.pem KEY OUT [CHAIN.pem]   (voucher eContentType)
 *   cms-verify IN ANCHORS.pem [OUT]                   (prints signer subject)
 *   certs-only-encode CERTS.pem OUT
 *   certs-only-decode IN                              (prints subjects)
 *   csr-make KEY CN SERIAL OUT [CHALLENGE]
 *   csr-parse IN                                      (prints subject fields)
 *   x509-show CERT                                    (prints parsed fields)
 *   x509-verify CERT UNTRUSTED.pem|- ANCHORS.pem [UNIXTIME]
 *   cose-sign PAYLOAD KEY OUT [CERTS.pem]             (x5bag when CERTS)
 *   cose-verify IN CERT.pem [OUT]                      (key of CERT's first)
 *   cbor-json KIND IN OUT | json-cbor KIND IN OUT      (KIND: voucher|request)
 *   p11-info KEY-URI                                  (token protection)
 *   cms-sign-bench CONTENT SIGNER.pem KEY N [THREADS] (signing rate)
 * KEY is a PEM file or a pkcs11: URI (module and PIN from the variables
 * BRSKI_PKCS11_MODULE and BRSKI_PKCS11_PIN_FILE or BRSKI_PKCS11_PIN_ENV).
 * Exit 0 on success, 1 with the error on stderr.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cms.h"
#include "cose.h"
#include "csr.h"
#include "fileio.h"
#include "key.h"
#include "key_pkcs11.h"
#include "voucher_cbor.h"
#include "x509.h"

static int
fail(struct brski_err *e)
{
	fprintf(stderr, "error: %s\n", e->msg);
	return 1;
}

/* A key file or a pkcs11: URI; see the comment at the top. */
static enum brski_rc
open_key(const char *spec, struct brski_key **key, struct brski_err *e)
{
	struct key_pkcs11_opts	o = { .module = getenv("BRSKI_PKCS11_MODULE"),
	    .pin_file = getenv("BRSKI_PKCS11_PIN_FILE"),
	    .pin_env = getenv("BRSKI_PKCS11_PIN_ENV") };

	return key_open(spec, &o, key, e);
}

static int
cms_sign_cmd(char **av, int ac, struct brski_err *e)
{
	struct x509_list	 signer = { 0 }, chain = { 0 };
	struct brski_key	*key = NULL;
	uint8_t			*in = NULL, *out = NULL;
	size_t			 inlen, outlen;
	int			 rc = 1;

	if (file_read(av[0], CMS_DER_MAX, &in, &inlen, e) != BRSKI_OK ||
	    x509_list_load(av[1], &signer, e) != BRSKI_OK ||
	    open_key(av[2], &key, e) != BRSKI_OK ||
	    (ac > 4 && x509_list_load(av[4], &chain, e) != BRSKI_OK) ||
	    cms_sign(in, inlen, cms_oid_voucher, sizeof(cms_oid_voucher),
	    signer.v[0], &chain, key, time(NULL), &out, &outlen, e) !=
	    BRSKI_OK ||
	    file_write_atomic(av[3], out, outlen, 0644, e) != BRSKI_OK)
		rc = fail(e);
	else
		rc = 0;
	free(in);
	free(out);
	key_free(key);
	x509_list_free(&signer);
	x509_list_free(&chain);
	return rc;
}

struct bench {
	const uint8_t		*in;
	size_t			 inlen;
	const struct x509_cert	*signer;
	const struct brski_key	*key;
	long			 n;
	int			 failed;
	struct brski_err	 e;
};

static void *
bench_run(void *arg)
{
	struct bench	*b = arg;
	uint8_t		*out;
	size_t		 outlen;
	long		 i;

	for (i = 0; i < b->n && !b->failed; i++) {
		if (cms_sign(b->in, b->inlen, cms_oid_voucher,
		    sizeof(cms_oid_voucher), b->signer, NULL, b->key,
		    time(NULL), &out, &outlen, &b->e) != BRSKI_OK)
			b->failed = 1;
		else
			free(out);
	}
	return NULL;
}

/* How the token guards a key: 1 for each KEY_TOKEN_* property. */
static int
p11_info_cmd(char **av, struct brski_err *e)
{
	struct brski_key	*key = NULL;
	unsigned		 f;

	if (open_key(av[0], &key, e) != BRSKI_OK)
		return fail(e);
	f = key_token_flags(key);
	printf("in-token=%d extractable=%d not-sensitive=%d value-readable=%d\n",
	    key_in_token(key), !!(f & KEY_TOKEN_EXTRACTABLE),
	    !!(f & KEY_TOKEN_NOT_SENSITIVE), !!(f & KEY_TOKEN_VALUE_READ));
	key_free(key);
	return 0;
}

/* Sign CONTENT N times as a voucher in THREADS threads; print the rate. */
static int
cms_bench_cmd(char **av, int ac, struct brski_err *e)
{
	struct x509_list	 signer = { 0 };
	struct brski_key	*key = NULL;
	struct bench		 b[16];
	pthread_t		 th[16];
	struct timespec		 t0, t1;
	uint8_t			*in = NULL;
	size_t			 inlen;
	long			 n = strtol(av[3], NULL, 10), i;
	long			 nt = ac > 4 ? strtol(av[4], NULL, 10) : 1;
	double			 s;
	int			 rc = 1;

	if (n < 1 || n > 1000000 || nt < 1 || nt > 16) {
		fprintf(stderr, "error: N 1..1000000, THREADS 1..16\n");
		return 2;
	}
	if (file_read(av[0], CMS_DER_MAX, &in, &inlen, e) != BRSKI_OK ||
	    x509_list_load(av[1], &signer, e) != BRSKI_OK ||
	    open_key(av[2], &key, e) != BRSKI_OK) {
		rc = fail(e);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < nt; i++) {
		b[i] = (struct bench){ in, inlen, signer.v[0], key, n / nt, 0,
		    { 0 } };
		if (pthread_create(&th[i], NULL, bench_run, &b[i]) != 0) {
			fprintf(stderr, "error: pthread_create\n");
			exit(1);
		}
	}
	for (i = 0; i < nt; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	for (i = 0; i < nt; i++)
		if (b[i].failed) {
			rc = fail(&b[i].e);
			goto out;
		}
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%ld CMS signatures (%s, %ld thread%s) in %.3f s: %.0f/s\n",
	    n / nt * nt, key_describe(key), nt, nt > 1 ? "s" : "", s,
	    (double)(n / nt * nt) / s);
	rc = 0;
out:
	free(in);
	key_free(key);
	x509_list_free(&signer);
	return rc;
}

static int
cms_verify_cmd(char **av, int ac, struct brski_err *e)
{
	struct x509_list	 anchors = { 0 };
	struct cms_signed	*s = NULL;
	uint8_t			*in = NULL;
	size_t			 inlen;
	int			 rc = 1;

	if (file_read(av[0], CMS_DER_MAX, &in, &inlen, e) != BRSKI_OK ||
	    x509_list_load(av[1], &anchors, e) != BRSKI_OK ||
	    cms_verify(in, inlen, cms_oid_voucher, sizeof(cms_oid_voucher),
	    &anchors, time(NULL), &s, e) != BRSKI_OK ||
	    (ac > 2 && file_write_atomic(av[2], s->content, s->content_len,
	    0644, e) != BRSKI_OK))
		rc = fail(e);
	else {
		printf("signer: %s\ncertificates: %zu\ncontent: %zu bytes\n",
		    s->signer->subject, s->certs.n, s->content_len);
		rc = 0;
	}
	free(in);
	cms_signed_free(s);
	x509_list_free(&anchors);
	return rc;
}

static int
certs_only_cmd(const char *cmd, char **av, struct brski_err *e)
{
	struct x509_list	 l = { 0 };
	uint8_t			*buf = NULL;
	size_t			 len, i;
	int			 rc = 1;

	if (strcmp(cmd, "certs-only-encode") == 0) {
		if (x509_list_load(av[0], &l, e) != BRSKI_OK ||
		    cms_certs_only_encode(&l, &buf, &len, e) != BRSKI_OK ||
		    file_write_atomic(av[1], buf, len, 0644, e) != BRSKI_OK)
			rc = fail(e);
		else
			rc = 0;
	} else if (file_read(av[0], CMS_DER_MAX, &buf, &len, e) != BRSKI_OK ||
	    cms_certs_only_decode(buf, len, &l, e) != BRSKI_OK)
		rc = fail(e);
	else {
		for (i = 0; i < l.n; i++)
			printf("subject=%s\n", l.v[i]->subject);
		rc = 0;
	}
	free(buf);
	x509_list_free(&l);
	return rc;
}

static int
csr_cmd(const char *cmd, char **av, int ac, struct brski_err *e)
{
	struct brski_key	*key = NULL;
	struct csr		*c = NULL;
	struct csr_request	 r = { 0 };
	uint8_t			*buf = NULL;
	size_t			 len;
	int			 rc = 1;

	if (strcmp(cmd, "csr-make") == 0) {
		r.cn = av[1];
		r.serial_number = av[2];
		r.challenge_password = ac > 4 ? av[4] : NULL;
		if (open_key(av[0], &key, e) != BRSKI_OK ||
		    csr_create(&r, key, &buf, &len, e) != BRSKI_OK ||
		    file_write_atomic(av[3], buf, len, 0644, e) != BRSKI_OK)
			rc = fail(e);
		else
			rc = 0;
	} else if (file_read(av[0], CSR_DER_MAX, &buf, &len, e) != BRSKI_OK ||
	    csr_parse(buf, len, &c, e) != BRSKI_OK)
		rc = fail(e);
	else {
		printf("subject=%s\ncn=%s\nserialNumber=%s\nchallenge=%s\n",
		    c->subject, c->cn ? c->cn : "", c->serial_number ?
		    c->serial_number : "", c->challenge_password ?
		    c->challenge_password : "");
		rc = 0;
	}
	free(buf);
	csr_free(c);
	key_free(key);
	return rc;
}

static void
hex(const char *name, const uint8_t *p, size_t n)
{
	size_t	i;

	printf("%s=", name);
	for (i = 0; i < n; i++)
		printf("%02X", p[i]);
	printf("\n");
}

static int
x509_show_cmd(char **av, struct brski_err *e)
{
	struct x509_list	 l = { 0 };
	struct x509_cert	*c;
	size_t			 i;

	if (x509_list_load(av[0], &l, e) != BRSKI_OK)
		return fail(e);
	c = l.v[0];
	printf("subject=%s\nissuer=%s\ncn=%s\nserialNumber=%s\n", c->subject,
	    c->issuer, c->cn ? c->cn : "", c->serial_number ?
	    c->serial_number : "");
	printf("ca=%d\npathlen=%d\nkeyusage=0x%02x\neku=%s%s%s%s\n", c->is_ca,
	    c->path_len, c->key_usage,
	    (c->eku & X509_EKU_SERVER_AUTH) ? "serverAuth," : "",
	    (c->eku & X509_EKU_CLIENT_AUTH) ? "clientAuth," : "",
	    (c->eku & X509_EKU_CMC_RA) ? "cmcRA," : "",
	    (c->eku & X509_EKU_OTHER) ? "other," : "");
	printf("masa_url=%s\nnot_before=%lld\nnot_after=%lld\n",
	    c->masa_url ? c->masa_url : "", (long long)c->not_before,
	    (long long)c->not_after);
	hex("ski", c->ski, c->ski_len);
	hex("aki", c->aki_keyid, c->aki_keyid_len);
	hex("serial", c->serial, c->serial_len);
	for (i = 0; i < c->san_dns_count; i++)
		printf("dns=%s\n", c->san_dns[i]);
	for (i = 0; i < c->san_ip_count; i++)
		printf("ip=%s\n", c->san_ip[i]);
	x509_list_free(&l);
	return 0;
}

static int
x509_verify_cmd(char **av, int ac, struct brski_err *e)
{
	struct x509_list	 leaf = { 0 }, untrusted = { 0 }, anchors = { 0 };
	time_t			 now = ac > 3 ? (time_t)strtoll(av[3], NULL, 10) :
	    time(NULL);
	int			 rc;

	if (x509_list_load(av[0], &leaf, e) != BRSKI_OK ||
	    (strcmp(av[1], "-") != 0 &&
	    x509_list_load(av[1], &untrusted, e) != BRSKI_OK) ||
	    x509_list_load(av[2], &anchors, e) != BRSKI_OK ||
	    x509_verify(leaf.v[0], &untrusted, &anchors, now, NULL, e) !=
	    BRSKI_OK)
		rc = fail(e);
	else {
		printf("OK\n");
		rc = 0;
	}
	x509_list_free(&leaf);
	x509_list_free(&untrusted);
	x509_list_free(&anchors);
	return rc;
}

static int
cose_cmd(const char *cmd, char **av, int ac, struct brski_err *e)
{
	struct x509_list	 l = { 0 };
	struct brski_key	*key = NULL;
	struct cose_sign1	*m = NULL;
	struct cose_sign_opts	 o = { NULL, 0, &l, COSE_HDR_X5BAG, 0 };
	uint8_t			*in = NULL, *out = NULL;
	size_t			 inlen, outlen;
	int			 rc = 1;

	if (file_read(av[0], COSE_MAX, &in, &inlen, e) != BRSKI_OK)
		return fail(e);
	if (strcmp(cmd, "cose-sign") == 0) {
		if (open_key(av[1], &key, e) != BRSKI_OK ||
		    (ac > 3 && x509_list_load(av[3], &l, e) != BRSKI_OK) ||
		    cose_sign1(in, inlen, key, ac > 3 ? &o : NULL, &out, &outlen,
		    e) != BRSKI_OK ||
		    file_write_atomic(av[2], out, outlen, 0644, e) != BRSKI_OK)
			rc = fail(e);
		else
			rc = 0;
	} else if (x509_list_load(av[1], &l, e) != BRSKI_OK ||
	    cose_sign1_parse(in, inlen, &m, e) != BRSKI_OK ||
	    cose_sign1_verify(m, l.v[0]->spki, l.v[0]->spki_len, e) !=
	    BRSKI_OK || (ac > 2 && file_write_atomic(av[2], m->payload,
	    m->payload_len, 0644, e) != BRSKI_OK))
		rc = fail(e);
	else {
		printf("alg %lld, %zu payload bytes, %zu certificates\n",
		    (long long)m->alg, m->payload_len, m->certs.n);
		rc = 0;
	}
	cose_sign1_free(m);
	key_free(key);
	x509_list_free(&l);
	free(in);
	free(out);
	return rc;
}

static int
cbor_cmd(const char *cmd, char **av, struct brski_err *e)
{
	enum voucher_kind	 k = strcmp(av[0], "voucher") == 0 ?
	    VOUCHER_KIND_VOUCHER : VOUCHER_KIND_REQUEST;
	struct voucher		*v = NULL;
	uint8_t			*in = NULL, *out = NULL;
	char			*json = NULL;
	size_t			 inlen, outlen;
	int			 rc;

	if (file_read(av[1], VOUCHER_JSON_MAX + 1, &in, &inlen, e) != BRSKI_OK)
		return fail(e);
	if (strcmp(cmd, "cbor-json") == 0)
		rc = voucher_parse_cbor(in, inlen, k, &v, e) != BRSKI_OK ||
		    voucher_to_json(v, &json, &outlen, e) != BRSKI_OK ||
		    file_write_atomic(av[2], json, outlen, 0644, e) != BRSKI_OK;
	else
		rc = voucher_parse_json(in, inlen, k, &v, e) != BRSKI_OK ||
		    voucher_to_cbor(v, &out, &outlen, e) != BRSKI_OK ||
		    file_write_atomic(av[2], out, outlen, 0644, e) != BRSKI_OK;
	if (rc)
		fail(e);
	voucher_free(v);
	free(in);
	free(out);
	free(json);
	return rc;
}

int
main(int argc, char **argv)
{
	struct brski_err	 e = { 0 };
	const char		*cmd = argc > 1 ? argv[1] : "";
	char			**av = argv + 2;
	int			 ac = argc - 2;

	if (strcmp(cmd, "cms-sign") == 0 && ac >= 4)
		return cms_sign_cmd(av, ac, &e);
	if (strcmp(cmd, "p11-info") == 0 && ac == 1)
		return p11_info_cmd(av, &e);
	if (strcmp(cmd, "cms-sign-bench") == 0 && (ac == 4 || ac == 5))
		return cms_bench_cmd(av, ac, &e);
	if (strcmp(cmd, "cms-verify") == 0 && ac >= 2)
		return cms_verify_cmd(av, ac, &e);
	if ((strcmp(cmd, "certs-only-encode") == 0 && ac == 2) ||
	    (strcmp(cmd, "certs-only-decode") == 0 && ac == 1))
		return certs_only_cmd(cmd, av, &e);
	if ((strcmp(cmd, "csr-make") == 0 && ac >= 4) ||
	    (strcmp(cmd, "csr-parse") == 0 && ac == 1))
		return csr_cmd(cmd, av, ac, &e);
	if (strcmp(cmd, "x509-show") == 0 && ac == 1)
		return x509_show_cmd(av, &e);
	if (strcmp(cmd, "x509-verify") == 0 && ac >= 3)
		return x509_verify_cmd(av, ac, &e);
	if ((strcmp(cmd, "cose-sign") == 0 && ac >= 3) ||
	    (strcmp(cmd, "cose-verify") == 0 && ac >= 2))
		return cose_cmd(cmd, av, ac, &e);
	if ((strcmp(cmd, "cbor-json") == 0 || strcmp(cmd, "json-cbor") == 0) &&
	    ac == 3)
		return cbor_cmd(cmd, av, &e);
	fprintf(stderr, "usage: see the comment at the top of %s\n", __FILE__);
	return 2;
}
