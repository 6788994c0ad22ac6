/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The crypto floor of one BRSKI enrollment on this machine: the time of
 * each public-key operation an enrollment needs, called the way the
 * programs call it (libbrski on wolfSSL; the servers' TLS is GnuTLS),
 * multiplied by how often one enrollment performs it, summed over
 * pledge, registrar and MASA, and turned into the ceiling in
 * enrollments/s the cores of this machine could reach doing nothing
 * but that crypto.
 *
 * usage: crypto_floor [-s SECONDS] [-c CSV] [-j CPUS] [-o NAME,...] PKI-DIR
 *
 * PKI-DIR is made by "brski-certs init" (P-256).  Each operation runs
 * for SECONDS (default 1) of CPU time after a warm-up, in a thread of
 * its own: figures are that thread's CPU time, not wall time.  -o runs only the
 * named rows (no summary).  Keys behave as in a real run: the keys of the
 * CAs, the MASA signer, the RA and the registrar repeat from one
 * enrollment to the next, while every enrollment brings a new IDevID
 * and a new LDevID key, so those rotate through a pool of distinct
 * pledges.  This matters with the Debian wolfSSL: it is built with
 * FP_ECC, which precomputes tables for points it sees repeatedly (per
 * thread), and with generic big-number code for P-256, so a signature
 * check with a key seen before costs a fraction of one with a new key.
 *
 * "cold" figures repeat an operation as the first one of a fresh
 * thread, whose FP_ECC cache is empty, as it is in every brski-pledge
 * process and in every thread of a thread-per-connection server.
 *
 * The counts per enrollment come from reading pledge/, registrar/ and
 * masa/ (bench/README.md has the list); bench/opcount.so checks them
 * against the running programs at the level of single ECDSA
 * operations, and with it preloaded this program prints the ECDSA
 * operations inside each row.
 */
#include "config.h"

#include <sys/socket.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <wolfssl/options.h>
#include <wolfssl/ssl.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/sha256.h>

#include "b64.h"
#include "cms.h"
#include "csr.h"
#include "fileio.h"
#include "key.h"
#include "rand.h"
#include "x509.h"

#define POOL		64	/* distinct pledges; wolfSSL caches 15 points */
#define COLD_RUNS	20	/* fresh threads per cold figure */
#define WARMUP_RUNS	3
#define MIN_RUNS	5
#define PEM_MAX		(64 * 1024)
/* as common/httpd.c */
#define GNUTLS_PRIO	"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"

/* One pledge's material: IDevID, its PVR, a CSR of a new LDevID key. */
struct pledge_id {
	struct x509_list	 chain;		/* IDevID, vendor CA */
	struct brski_key	*key;
	char			*chain_pem, *key_pem;
	size_t			 chain_pem_len, key_pem_len;
	uint8_t			*pvr, *csr, sig[KEY_SIG_MAX];
	size_t			 pvr_len, csr_len, sig_len;
	uint8_t			*spki;
	size_t			 spki_len;
};

struct pki {
	struct x509_list	 vendor_ca, masa_ca, signer, domain_ca;
	struct x509_list	 ra, reg_tls, rvr_bag;
	struct brski_key	*vendor_key, *signer_key, *ra_key, *ca_key;
	uint8_t			 digest[32];
	uint8_t			 sig[KEY_SIG_MAX];	/* by signer_key */
	size_t			 sig_len;
	uint8_t			*signer_spki;
	size_t			 signer_spki_len;
	uint8_t			*voucher, *vcms, *rvr;
	size_t			 voucher_len, vcms_len, rvr_len;
	char			*reg_chain_pem, *reg_key_pem, *domain_ca_pem;
	size_t			 reg_chain_len, reg_key_len, domain_ca_len;
	struct pledge_id	 pl[POOL];
	unsigned		 next;		/* rotates through pl[] */
};

/* A TLS handshake variant, and where its time went. */
struct tls_case {
	struct pki	*p;
	int		 gnutls_server;	/* else wolfSSL on both sides */
	int		 anchored;	/* client verifies against domain CA */
	int		 group;		/* offered alone; 0: the default */
	WOLFSSL_CTX	*cctx, *sctx;
	gnutls_certificate_credentials_t gcred;
	gnutls_priority_t gprio;
	double		 client_us, server_us;	/* sums over all calls */
};

typedef int	(*op_fn)(void *);

static double	 secs = 1.0;
static const char *only;	/* -o: comma-separated row names */

static void
die(const char *what, const struct brski_err *e)
{
	fprintf(stderr, "crypto_floor: %s: %s\n", what, e ? e->msg : "failed");
	exit(1);
}

/*
 * CPU time of the calling thread: the figures stay meaningful when
 * other processes share the machine.
 */
static double
now_us(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static struct pledge_id *
next_pledge(struct pki *p)
{
	return &p->pl[p->next++ % POOL];
}

struct run_arg {
	op_fn	 fn;
	void	*arg;
	double	 us;		/* per call */
	int	 rc;
};

/*
 * Warm-up, then calls of fn for at least secs seconds of CPU time, in a
 * thread of its own: each row starts from an empty FP_ECC cache and
 * reaches its own steady state, undisturbed by the points of the rows
 * before it (a server thread doing only this would see the same).
 */
static void *
warm_thread(void *v)
{
	struct run_arg	*r = v;
	double		 t0, t;
	long		 n = 0;
	int		 i;

	for (i = 0; i < WARMUP_RUNS && r->rc == 0; i++)
		r->rc = r->fn(r->arg);
	t0 = now_us();
	do {
		if (r->rc == 0)
			r->rc = r->fn(r->arg);
		n++;
		t = now_us();
	} while (r->rc == 0 && (n < MIN_RUNS || t - t0 < secs * 1e6));
	r->us = (t - t0) / (double)n;
	wc_ecc_fp_free();
	return NULL;
}

/* Mean microseconds per call of fn in a warm thread. */
static double
time_warm(op_fn fn, void *arg)
{
	struct run_arg	r = { fn, arg, 0, 0 };
	pthread_t	t;

	if (pthread_create(&t, NULL, warm_thread, &r) != 0)
		die("pthread_create", NULL);
	pthread_join(t, NULL);
	if (r.rc != 0)
		die("operation", NULL);
	return r.us;
}

struct cold_arg {
	op_fn	 fn;
	void	*arg;
	double	 us;
	int	 rc;
};

static void *
cold_thread(void *v)
{
	struct cold_arg	*c = v;
	double		 t0;

	(void)rand_rng();	/* seeding the DRBG is not the operation */
	t0 = now_us();
	c->rc = c->fn(c->arg);
	c->us = now_us() - t0;
	wc_ecc_fp_free();	/* as rand.c does at thread exit */
	return NULL;
}

/* Mean microseconds of fn as the first ECC work of a new thread. */
static double
time_cold(op_fn fn, void *arg)
{
	struct cold_arg	c = { fn, arg, 0, 0 };
	pthread_t	t;
	double		sum = 0;
	int		i;

	for (i = 0; i < COLD_RUNS; i++) {
		if (pthread_create(&t, NULL, cold_thread, &c) != 0)
			die("pthread_create", NULL);
		pthread_join(t, NULL);
		if (c.rc != 0)
			die("cold operation", NULL);
		sum += c.us;
	}
	return sum / COLD_RUNS;
}

/* ---------------------------------------------------------- primitives */

static int
op_sign(void *a)
{
	struct pki	*p = a;
	uint8_t		 sig[KEY_SIG_MAX];
	size_t		 n;

	return key_sign_digest(p->signer_key, p->digest, 32, sig, &n, NULL) !=
	    BRSKI_OK;
}

/* A key this thread has checked signatures with before (a CA, the MASA). */
static int
op_verify_known(void *a)
{
	struct pki	*p = a;

	return key_verify_digest(p->signer_spki, p->signer_spki_len, p->digest,
	    32, p->sig, p->sig_len, NULL) != BRSKI_OK;
}

/* A key seen for the first time (a pledge's IDevID or LDevID). */
static int
op_verify_new(void *a)
{
	struct pki		*p = a;
	struct pledge_id	*q = next_pledge(p);

	return key_verify_digest(q->spki, q->spki_len, p->digest, 32, q->sig,
	    q->sig_len, NULL) != BRSKI_OK;
}

static int
op_keygen(void *a)
{
	struct brski_key	*k = NULL;

	(void)a;
	if (key_generate(KEY_EC_P256, &k, NULL) != BRSKI_OK)
		return 1;
	key_free(k);
	return 0;
}

/*
 * One side of an ECDHE: a new key pair and the secret with the peer's
 * share, which is new every time too (POOL peer keys in rotation).
 */
static int
ecdhe(int curve, int size)
{
	static ecc_key	peer[2][POOL];
	static int	ready[2];
	static unsigned	next[2];
	int		c = curve == ECC_SECP521R1, i, ret;
	ecc_key		a;
	byte		out[72];
	word32		n = sizeof(out);

	for (i = 0; !ready[c] && i < POOL; i++) {
		wc_ecc_init(&peer[c][i]);
		if (wc_ecc_make_key_ex(rand_rng(), size, &peer[c][i],
		    curve) != 0)
			return 1;
	}
	ready[c] = 1;
	wc_ecc_init(&a);
	ret = wc_ecc_make_key_ex(rand_rng(), size, &a, curve);
	/* ECC_TIMING_RESISTANT: the blinding needs a generator */
	if (ret == 0)
		ret = wc_ecc_set_rng(&a, rand_rng());
	if (ret == 0)
		ret = wc_ecc_shared_secret(&a, &peer[c][next[c]++ % POOL], out,
		    &n);
	wc_ecc_free(&a);
	return ret != 0;
}

static int
op_ecdhe_p256(void *a)
{
	(void)a;
	return ecdhe(ECC_SECP256R1, 32);
}

static int
op_ecdhe_p521(void *a)
{
	(void)a;
	return ecdhe(ECC_SECP521R1, 66);
}

/* ---------------------------------------------------------- composites */

/* A pledge's IDevID against the manufacturer CA (registrar, MASA). */
static int
op_x509_verify(void *a)
{
	struct pki		*p = a;
	struct pledge_id	*q = next_pledge(p);

	return x509_verify(q->chain.v[0], &q->chain, &p->vendor_ca,
	    time(NULL), NULL, NULL) != BRSKI_OK;
}

static int
op_path_top(void *a)
{
	struct pki	*p = a;

	return x509_path_top(p->ra.v[0], &p->rvr_bag) == p->ra.v[0];
}

static int
op_cms_sign(void *a)
{
	struct pki	*p = a;
	uint8_t		*out = NULL;
	size_t		 len;
	int		 rc;

	rc = cms_sign(p->voucher, p->voucher_len, cms_oid_voucher,
	    sizeof(cms_oid_voucher), p->signer.v[0], &p->signer, p->signer_key,
	    time(NULL), &out, &len, NULL) != BRSKI_OK;
	free(out);
	return rc;
}

static int
verify_cms(const uint8_t *der, size_t len, const struct x509_list *anchors)
{
	struct cms_signed	*s = NULL;
	int			 rc;

	rc = cms_verify(der, len, cms_oid_voucher, sizeof(cms_oid_voucher),
	    anchors, time(NULL), &s, NULL) != BRSKI_OK;
	cms_signed_free(s);
	return rc;
}

static int
op_cms_verify_voucher(void *a)
{
	struct pki	*p = a;

	return verify_cms(p->vcms, p->vcms_len, &p->masa_ca);
}

static int
op_cms_verify_pvr(void *a)
{
	struct pki		*p = a;
	struct pledge_id	*q = next_pledge(p);

	return verify_cms(q->pvr, q->pvr_len, NULL);
}

static int
op_cms_verify_pvr_anch(void *a)
{
	struct pki		*p = a;
	struct pledge_id	*q = next_pledge(p);

	return verify_cms(q->pvr, q->pvr_len, &p->vendor_ca);
}

static int
op_cms_verify_rvr(void *a)
{
	struct pki	*p = a;

	return verify_cms(p->rvr, p->rvr_len, NULL);
}

static int
op_csr_create(void *a)
{
	struct pki		*p = a;
	struct csr_request	 r = { "0001", "0001", NULL, NULL };
	uint8_t			*der = NULL;
	size_t			 len;
	int			 rc;

	rc = csr_create(&r, next_pledge(p)->key, &der, &len, NULL) !=
	    BRSKI_OK;
	free(der);
	return rc;
}

static int
op_csr_parse(void *a)
{
	struct pki		*p = a;
	struct pledge_id	*q = next_pledge(p);
	struct csr		*c = NULL;
	int			 rc;

	rc = csr_parse(q->csr, q->csr_len, &c, NULL) != BRSKI_OK;
	csr_free(c);
	return rc;
}

static int
issue(struct pki *p, const char *serial, const uint8_t *spki,
    size_t spki_len, const struct x509_cert *ca, const struct brski_key *cakey,
    uint8_t **der, size_t *len)
{
	struct x509_template	t;
	time_t			now = time(NULL);

	(void)p;
	memset(&t, 0, sizeof(t));
	t.cn = serial;
	t.serial_number = serial;
	t.org = "Example";
	t.path_len = -1;
	t.not_before = now - 60;
	t.not_after = now + 365 * 86400;
	t.key_usage = X509_KU_DIGITAL_SIGNATURE;
	t.eku = X509_EKU_CLIENT_AUTH | X509_EKU_SERVER_AUTH;
	return x509_issue(&t, spki, spki_len, ca, cakey, der, len, NULL) !=
	    BRSKI_OK;
}

static int
op_x509_issue(void *a)
{
	struct pki		*p = a;
	struct pledge_id	*q = next_pledge(p);
	uint8_t			*der = NULL;
	size_t			 len;
	int			 rc;

	rc = issue(p, "0001", q->spki, q->spki_len, p->domain_ca.v[0],
	    p->ca_key, &der, &len);
	free(der);
	return rc;
}

/* ---------------------------------------------------------------- TLS */

static int
accept_any(int ok, WOLFSSL_X509_STORE_CTX *st)
{
	(void)ok;
	(void)st;
	return 1;	/* provisional, like httpc's HTTPC_VERIFY_PROVISIONAL */
}

static WOLFSSL_CTX *
wolf_ctx(struct tls_case *t, int server)
{
	struct pki	*p = t->p;
	WOLFSSL_CTX	*c;
	int		 ok = 1;

	c = wolfSSL_CTX_new(server ? wolfSSLv23_server_method() :
	    wolfSSLv23_client_method());
	if (c == NULL || wolfSSL_CTX_SetMinVersion(c, WOLFSSL_TLSV1_2) !=
	    WOLFSSL_SUCCESS)
		die("wolfSSL_CTX_new", NULL);
	if (server) {
		ok = wolfSSL_CTX_use_certificate_chain_buffer_format(c,
		    (const byte *)p->reg_chain_pem, (long)p->reg_chain_len,
		    WOLFSSL_FILETYPE_PEM) == WOLFSSL_SUCCESS &&
		    wolfSSL_CTX_use_PrivateKey_buffer(c,
		    (const byte *)p->reg_key_pem, (long)p->reg_key_len,
		    WOLFSSL_FILETYPE_PEM) == WOLFSSL_SUCCESS;
		/* request a client certificate, judge it later (as httpd) */
		wolfSSL_CTX_set_verify(c, WOLFSSL_VERIFY_PEER, accept_any);
	} else if (t->anchored) {
		ok = wolfSSL_CTX_load_verify_buffer(c,
		    (const byte *)p->domain_ca_pem, (long)p->domain_ca_len,
		    WOLFSSL_FILETYPE_PEM) == WOLFSSL_SUCCESS;
		wolfSSL_CTX_set_verify(c, WOLFSSL_VERIFY_PEER, NULL);
	} else
		wolfSSL_CTX_set_verify(c, WOLFSSL_VERIFY_PEER, accept_any);
	if (!ok)
		die("wolfSSL credentials", NULL);
	return c;
}

static void
tls_setup(struct tls_case *t)
{
	gnutls_datum_t	cert, key;

	t->cctx = wolf_ctx(t, 0);
	if (!t->gnutls_server) {
		t->sctx = wolf_ctx(t, 1);
		return;
	}
	cert.data = (unsigned char *)t->p->reg_chain_pem;
	cert.size = (unsigned)t->p->reg_chain_len;
	key.data = (unsigned char *)t->p->reg_key_pem;
	key.size = (unsigned)t->p->reg_key_len;
	/* what libmicrohttpd does with HTTPS_MEM_KEY/_CERT/_TRUST */
	if (gnutls_certificate_allocate_credentials(&t->gcred) < 0 ||
	    gnutls_certificate_set_x509_key_mem(t->gcred, &cert, &key,
	    GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_certificate_set_x509_trust_mem(t->gcred, &cert,
	    GNUTLS_X509_FMT_PEM) < 0 ||
	    gnutls_priority_init(&t->gprio, GNUTLS_PRIO, NULL) < 0)
		die("GnuTLS credentials", NULL);
}

static void
tls_teardown(struct tls_case *t)
{
	wolfSSL_CTX_free(t->cctx);
	wolfSSL_CTX_free(t->sctx);
	if (t->gcred != NULL)
		gnutls_certificate_free_credentials(t->gcred);
	if (t->gprio != NULL)
		gnutls_priority_deinit(t->gprio);
}

/* One handshake step of a wolfSSL end; -1 on a real error. */
static int
wolf_step(WOLFSSL *s, int server, int *done, double *us)
{
	double	t0 = now_us();
	int	ret, err;

	ret = server ? wolfSSL_accept(s) : wolfSSL_connect(s);
	*us += now_us() - t0;
	if (ret == WOLFSSL_SUCCESS) {
		*done = 1;
		return 0;
	}
	err = wolfSSL_get_error(s, ret);
	return err == WOLFSSL_ERROR_WANT_READ ||
	    err == WOLFSSL_ERROR_WANT_WRITE ? 0 : -1;
}

static int
gnutls_step(gnutls_session_t g, int *done, double *us)
{
	double	t0 = now_us();
	int	ret;

	ret = gnutls_handshake(g);
	*us += now_us() - t0;
	if (ret == 0)
		*done = 1;
	return ret == 0 || !gnutls_error_is_fatal(ret) ? 0 : -1;
}

/*
 * One full handshake, both ends in this thread over a socketpair, the
 * client presenting a new pledge's IDevID as every BRSKI connection
 * does.  The time of each end is added to t->client_us / server_us.
 */
static int
op_tls(void *a)
{
	struct tls_case		*t = a;
	struct pledge_id	*q = next_pledge(t->p);
	WOLFSSL			*c = NULL, *s = NULL;
	gnutls_session_t	 g = NULL;
	int			 fd[2], cdone = 0, sdone = 0, i, rc = 1;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fd) != 0)
		return 1;
	fcntl(fd[0], F_SETFL, O_NONBLOCK);
	fcntl(fd[1], F_SETFL, O_NONBLOCK);
	if ((c = wolfSSL_new(t->cctx)) == NULL ||
	    wolfSSL_use_certificate_chain_buffer_format(c,
	    (const byte *)q->chain_pem, (long)q->chain_pem_len,
	    WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS ||
	    wolfSSL_use_PrivateKey_buffer(c, (const byte *)q->key_pem,
	    (long)q->key_pem_len, WOLFSSL_FILETYPE_PEM) != WOLFSSL_SUCCESS)
		goto out;
	wolfSSL_set_fd(c, fd[0]);
	if (t->group != 0 && wolfSSL_set_groups(c, &t->group, 1) !=
	    WOLFSSL_SUCCESS)
		goto out;
	if (t->gnutls_server) {
		if (gnutls_init(&g, GNUTLS_SERVER | GNUTLS_NONBLOCK) < 0)
			goto out;
		gnutls_priority_set(g, t->gprio);
		gnutls_credentials_set(g, GNUTLS_CRD_CERTIFICATE, t->gcred);
		gnutls_certificate_server_set_request(g, GNUTLS_CERT_REQUEST);
		gnutls_transport_set_int(g, fd[1]);
	} else {
		if ((s = wolfSSL_new(t->sctx)) == NULL)
			goto out;
		wolfSSL_set_fd(s, fd[1]);
	}
	for (i = 0; (!cdone || !sdone) && i < 100; i++) {
		if (!cdone && wolf_step(c, 0, &cdone, &t->client_us) != 0)
			goto out;
		if (!sdone && (s != NULL ? wolf_step(s, 1, &sdone,
		    &t->server_us) : gnutls_step(g, &sdone, &t->server_us)) !=
		    0)
			goto out;
	}
	rc = !(cdone && sdone);
out:
	wolfSSL_free(c);
	wolfSSL_free(s);
	if (g != NULL)
		gnutls_deinit(g);
	close(fd[0]);
	close(fd[1]);
	return rc;
}

/* ---------------------------------------------------------------- setup */

static void
load_certs(const char *dir, const char *name, struct x509_list *l)
{
	struct brski_err	e = { 0 };
	char			path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (x509_list_load(path, l, &e) != BRSKI_OK)
		die(path, &e);
}

static struct brski_key *
load_key(const char *dir, const char *name)
{
	struct brski_err	 e = { 0 };
	struct brski_key	*k = NULL;
	char			 path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (key_load(path, &k, &e) != BRSKI_OK)
		die(path, &e);
	return k;
}

static char *
load_text(const char *dir, const char *name, size_t *len)
{
	struct brski_err	 e = { 0 };
	uint8_t			*p = NULL;
	char			 path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (file_read(path, PEM_MAX, &p, len, &e) != BRSKI_OK)
		die(path, &e);
	return (char *)p;
}

static uint8_t *
sign_json(const char *json, const struct x509_list *chain,
    const struct brski_key *k, size_t *len)
{
	struct brski_err	 e = { 0 };
	uint8_t			*out = NULL;

	if (cms_sign((const uint8_t *)json, strlen(json), cms_oid_voucher,
	    sizeof(cms_oid_voucher), chain->v[0], chain, k, time(NULL), &out,
	    len, &e) != BRSKI_OK)
		die("cms_sign", &e);
	return out;
}

static char *
b64(const uint8_t *d, size_t len)
{
	char	*s = NULL;
	size_t	 n;

	if (b64_encode(d, len, &s, &n, NULL) != BRSKI_OK)
		die("base64", NULL);
	return s;
}

/* A voucher-request as the pledge makes it (about 880 bytes of JSON). */
static char *
pvr_json(const char *serial, const char *reg64)
{
	char	*json;

	if (asprintf(&json, "{\"ietf-voucher-request:voucher\":{\"assertion\":"
	    "\"proximity\",\"nonce\":\"MDEyMzQ1Njc4OWFiY2RlZg==\","
	    "\"serial-number\":\"%s\",\"created-on\":\"2026-01-01T00:00:00Z\","
	    "\"proximity-registrar-cert\":\"%s\"}}", serial, reg64) < 0)
		die("asprintf", NULL);
	return json;
}

/* A new pledge: IDevID from the vendor CA, PVR, a CSR for a new key. */
static void
make_pledge(struct pki *p, int i, const char *reg64)
{
	struct brski_err	 e = { 0 };
	struct pledge_id	*q = &p->pl[i];
	struct csr_request	 cr = { NULL, NULL, NULL, NULL };
	struct brski_key	*ld = NULL;
	uint8_t			*der = NULL;
	size_t			 len, n;
	char			 serial[16], *json;

	snprintf(serial, sizeof(serial), "B%04d", i);
	cr.cn = cr.serial_number = serial;
	if (key_generate(KEY_EC_P256, &q->key, &e) != BRSKI_OK ||
	    key_spki(q->key, &q->spki, &q->spki_len, &e) != BRSKI_OK ||
	    issue(p, serial, q->spki, q->spki_len, p->vendor_ca.v[0],
	    p->vendor_key, &der, &len) != 0 ||
	    x509_list_add_der(&q->chain, der, len, &e) != BRSKI_OK ||
	    x509_list_add_der(&q->chain, p->vendor_ca.v[0]->der,
	    p->vendor_ca.v[0]->der_len, &e) != BRSKI_OK ||
	    x509_list_to_pem(&q->chain, &q->chain_pem, &q->chain_pem_len,
	    &e) != BRSKI_OK ||
	    key_to_pem(q->key, &q->key_pem, &q->key_pem_len, &e) != BRSKI_OK ||
	    key_sign_digest(q->key, p->digest, 32, q->sig, &n, &e) !=
	    BRSKI_OK ||
	    key_generate(KEY_EC_P256, &ld, &e) != BRSKI_OK ||
	    csr_create(&cr, ld, &q->csr, &q->csr_len, &e) != BRSKI_OK)
		die("pledge", &e);
	q->sig_len = n;
	json = pvr_json(serial, reg64);
	q->pvr = sign_json(json, &q->chain, q->key, &q->pvr_len);
	free(json);
	free(der);
	key_free(ld);
}

/* The RVR and the voucher, shaped and sized as the programs make them. */
static void
make_artifacts(struct pki *p)
{
	struct brski_err	 e = { 0 };
	char			*json, *reg64, *pvr64, *pin;
	size_t			 i;

	reg64 = b64(p->reg_tls.v[0]->der, p->reg_tls.v[0]->der_len);
	for (i = 0; i < POOL; i++)
		make_pledge(p, (int)i, reg64);
	pvr64 = b64(p->pl[0].pvr, p->pl[0].pvr_len);
	if (asprintf(&json, "{\"ietf-voucher-request:voucher\":{\"assertion\":"
	    "\"proximity\",\"nonce\":\"MDEyMzQ1Njc4OWFiY2RlZg==\","
	    "\"serial-number\":\"B0000\","
	    "\"created-on\":\"2026-01-01T00:00:00Z\","
	    "\"prior-signed-voucher-request\":\"%s\"}}", pvr64) < 0)
		die("asprintf", NULL);
	/* RA chain plus the registrar TLS certificate, as rvr_build() */
	for (i = 0; i < p->ra.n; i++)
		if (x509_list_add_der(&p->rvr_bag, p->ra.v[i]->der,
		    p->ra.v[i]->der_len, &e) != BRSKI_OK)
			die("bag", &e);
	if (x509_list_add_der(&p->rvr_bag, p->reg_tls.v[0]->der,
	    p->reg_tls.v[0]->der_len, &e) != BRSKI_OK)
		die("bag", &e);
	p->rvr = sign_json(json, &p->rvr_bag, p->ra_key, &p->rvr_len);
	free(json);
	pin = b64(p->domain_ca.v[0]->der, p->domain_ca.v[0]->der_len);
	if (asprintf(&json, "{\"ietf-voucher:voucher\":{\"assertion\":"
	    "\"proximity\",\"nonce\":\"MDEyMzQ1Njc4OWFiY2RlZg==\","
	    "\"serial-number\":\"B0000\","
	    "\"created-on\":\"2026-01-01T00:00:00Z\","
	    "\"pinned-domain-cert\":\"%s\",\"domain-cert-revocation-checks\":"
	    "false}}", pin) < 0)
		die("asprintf", NULL);
	p->vcms = sign_json(json, &p->signer, p->signer_key, &p->vcms_len);
	p->voucher_len = strlen(json);
	p->voucher = (uint8_t *)json;	/* op_cms_sign signs it again */
	free(reg64);
	free(pvr64);
	free(pin);
}

static void
load_pki(const char *dir, struct pki *p)
{
	struct brski_err	e = { 0 };
	size_t			n;

	load_certs(dir, "vendor-ca.pem", &p->vendor_ca);
	load_certs(dir, "masa-ca.pem", &p->masa_ca);
	load_certs(dir, "masa-signer-chain.pem", &p->signer);
	load_certs(dir, "domain-ca.pem", &p->domain_ca);
	load_certs(dir, "registrar-ra-chain.pem", &p->ra);
	load_certs(dir, "registrar-tls-chain.pem", &p->reg_tls);
	p->vendor_key = load_key(dir, "vendor-ca.key");
	p->signer_key = load_key(dir, "masa-signer.key");
	p->ra_key = load_key(dir, "registrar-ra.key");
	p->ca_key = load_key(dir, "domain-ca.key");
	p->reg_chain_pem = load_text(dir, "registrar-tls-chain.pem",
	    &p->reg_chain_len);
	p->reg_key_pem = load_text(dir, "registrar-tls.key", &p->reg_key_len);
	p->domain_ca_pem = load_text(dir, "domain-ca.pem", &p->domain_ca_len);
	wc_Sha256Hash((const byte *)"crypto floor", 12, p->digest);
	if (key_spki(p->signer_key, &p->signer_spki, &p->signer_spki_len,
	    &e) != BRSKI_OK ||
	    key_sign_digest(p->signer_key, p->digest, 32, p->sig, &n, &e) !=
	    BRSKI_OK)
		die("key", &e);
	p->sig_len = n;
	make_artifacts(p);
}

/* ---------------------------------------------------------------- report */

static struct pki	pki;
static struct tls_case	tls_wolf = { .p = &pki,
			    .group = WOLFSSL_ECC_SECP256R1 };
static struct tls_case	tls_prov = { .p = &pki, .gnutls_server = 1,
			    .group = WOLFSSL_ECC_SECP256R1 };
static struct tls_case	tls_anch = { .p = &pki, .gnutls_server = 1,
			    .anchored = 1, .group = WOLFSSL_ECC_SECP256R1 };
static struct tls_case	tls_dflt = { .p = &pki, .gnutls_server = 1 };

/*
 * An operation, its figures, and how often pledge, registrar and MASA
 * perform it in one enrollment.  A TLS row's time is split between the
 * client (pledge) and the server (registrar) ends.
 */
struct row {
	const char	*name;
	const char	*what;
	op_fn		 fn;
	void		*arg;
	int		 cold;		/* also measure cold */
	int		 n[3];		/* pledge, registrar, MASA */
	double		 warm_us, cold_us;
	double		 client_share;	/* TLS rows */
	long		 ops[4];	/* ECDSA sign/verify/keygen/ECDH */
};

#define ROW(name, what, fn, arg, cold, np, nr, nm) \
	{ name, what, fn, arg, cold, { np, nr, nm }, 0, 0, 0, { 0 } }

static struct row rows[] = {
	ROW("sign", "ECDSA P-256 sign, any key (key_sign_digest)", op_sign,
	    &pki, 1, 0, 0, 0),
	ROW("verify_known", "ECDSA P-256 verify, key used before",
	    op_verify_known, &pki, 1, 0, 0, 0),
	ROW("verify_new", "ECDSA P-256 verify, key never seen before",
	    op_verify_new, &pki, 0, 0, 0, 0),
	ROW("keygen", "P-256 key generation (the LDevID key)", op_keygen,
	    &pki, 1, 1, 0, 0),
	ROW("ecdhe_p256", "ECDHE P-256, one side: key pair + shared secret",
	    op_ecdhe_p256, &pki, 0, 0, 0, 0),
	ROW("ecdhe_p521", "ECDHE P-521, one side: key pair + shared secret",
	    op_ecdhe_p521, &pki, 0, 0, 0, 0),
	ROW("x509_verify", "x509_verify of a 2-level chain (leaf, CA anchor)",
	    op_x509_verify, &pki, 1, 2, 5, 2),
	ROW("x509_path_top", "x509_path_top RA -> self-signed domain CA",
	    op_path_top, &pki, 0, 0, 0, 1),
	ROW("cms_sign", "cms_sign voucher(-request), chain included",
	    op_cms_sign, &pki, 1, 1, 1, 1),
	ROW("cms_verify_vouch", "cms_verify voucher + signer chain",
	    op_cms_verify_voucher, &pki, 1, 1, 1, 0),
	ROW("cms_verify_pvr", "cms_verify new pledge's PVR, signature only",
	    op_cms_verify_pvr, &pki, 0, 0, 1, 0),
	ROW("cms_verify_pvr_a", "cms_verify new pledge's PVR + IDevID chain",
	    op_cms_verify_pvr_anch, &pki, 0, 0, 0, 1),
	ROW("cms_verify_rvr", "cms_verify RVR (3 certificates), signature only",
	    op_cms_verify_rvr, &pki, 0, 0, 0, 1),
	ROW("csr_create", "csr_create (signs the CSR)", op_csr_create, &pki, 1,
	    1, 0, 0),
	ROW("csr_parse", "csr_parse of a new key's CSR (checks signature)",
	    op_csr_parse, &pki, 0, 0, 1, 0),
	ROW("x509_issue", "x509_issue (signs the LDevID)", op_x509_issue, &pki,
	    0, 0, 1, 0),
	ROW("tls_prov", "TLS 1.3 wolfSSL->GnuTLS X25519/P-256, client cert, "
	    "provisional", op_tls, &tls_prov, 0, 1, 1, 0),
	ROW("tls_anch", "TLS 1.3 wolfSSL->GnuTLS P-256, client cert, server "
	    "chain checked", op_tls, &tls_anch, 0, 1, 1, 0),
	ROW("tls_wolf", "TLS 1.3 wolfSSL<->wolfSSL X25519/P-256, client cert, "
	    "provisional", op_tls, &tls_wolf, 0, 0, 0, 0),
	ROW("tls_dflt_groups", "TLS 1.3 wolfSSL->GnuTLS, wolfSSL's default "
	    "groups (HRR, P-521)", op_tls, &tls_dflt, 1, 0, 0, 0),
};
#define NROWS	((int)(sizeof(rows) / sizeof(rows[0])))

static FILE	*csv;

static struct row *
row(const char *name)
{
	int	i;

	for (i = 0; i < NROWS; i++)
		if (strcmp(rows[i].name, name) == 0)
			return &rows[i];
	abort();
}

static void
csv_put(const char *key, double v, const char *unit)
{
	if (csv != NULL)
		fprintf(csv, "crypto_floor,%s,%.1f,%s\n", key, v, unit);
}

/*
 * With bench/opcount.so preloaded, count the ECDSA operations inside
 * one call of each row, so the table shows what each figure contains.
 */
static int
count_ops(void)
{
	long	(*get)(int);
	long	 before[4];
	int	 i, j;

	*(void **)&get = dlsym(RTLD_DEFAULT, "opcount_get");
	if (get == NULL)
		return 0;
	for (i = 0; i < NROWS; i++) {
		for (j = 0; j < 4; j++)
			before[j] = get(j);
		if (rows[i].fn(rows[i].arg) != 0)
			die(rows[i].name, NULL);
		for (j = 0; j < 4; j++)
			rows[i].ops[j] = get(j) - before[j];
	}
	return 1;
}

static int
wanted(const char *name)
{
	const char	*p = only;
	size_t		 n = strlen(name);

	if (p == NULL)
		return 1;
	while ((p = strstr(p, name)) != NULL) {
		if ((p == only || p[-1] == ',') &&
		    (p[n] == ',' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

static void
measure(int counted)
{
	struct row	*r;
	struct tls_case	*t;
	char		 key[64];
	int		 i;

	printf("%-17s %8s %8s %6s %s %s\n", "operation", "warm us", "cold us",
	    "P/R/M", counted ? "s/v/k/dh " : "", "what");
	for (i = 0; i < NROWS; i++) {
		r = &rows[i];
		if (!wanted(r->name))
			continue;
		t = r->fn == op_tls ? r->arg : NULL;
		if (t != NULL)
			t->client_us = t->server_us = 0;
		r->warm_us = time_warm(r->fn, r->arg);
		if (t != NULL)
			r->client_share = t->client_us / (t->client_us +
			    t->server_us);
		if (r->cold)
			r->cold_us = time_cold(r->fn, r->arg);
		printf("%-17s %8.1f ", r->name, r->warm_us);
		if (r->cold)
			printf("%8.1f ", r->cold_us);
		else
			printf("%8s ", "-");
		printf("%2d/%d/%d ", r->n[0], r->n[1], r->n[2]);
		if (counted)
			printf("%ld/%ld/%ld/%ld%*s", r->ops[0], r->ops[1],
			    r->ops[2], r->ops[3], 2, "");
		printf("%s", r->what);
		if (t != NULL)
			printf(" [client %.0f%%]", 100 * r->client_share);
		printf("\n");
		csv_put(r->name, r->warm_us, "us");
		if (r->cold) {
			snprintf(key, sizeof(key), "%s_cold", r->name);
			csv_put(key, r->cold_us, "us");
		}
	}
}

static void
summary(double cpus)
{
	struct row	*r;
	double		 tot[3] = { 0 }, all, infra, masa_us, est_us, tls;
	int		 i, j;

	for (i = 0; i < NROWS; i++) {
		r = &rows[i];
		if (r->fn == op_tls) {
			/* the pledge is the client, the registrar the server */
			tot[0] += r->n[0] * r->warm_us * r->client_share;
			tot[1] += r->n[1] * r->warm_us * (1 - r->client_share);
			continue;
		}
		for (j = 0; j < 3; j++)
			tot[j] += r->n[j] * r->warm_us;
	}
	all = tot[0] + tot[1] + tot[2];
	infra = tot[1] + tot[2];
	/* MASA per voucher (masa/rvr.c, masa/issue.c): the RVR signature,
	 * the path to its domain CA, signer and TLS client against it, the
	 * PVR with the IDevID chain, the voucher signature */
	masa_us = row("cms_verify_rvr")->warm_us +
	    row("x509_path_top")->warm_us + 2 * row("x509_verify")->warm_us +
	    row("cms_verify_pvr_a")->warm_us + row("cms_sign")->warm_us;
	/* EST simpleenroll with HTTP Basic: the CSR check and the LDevID */
	est_us = row("csr_parse")->warm_us + row("x509_issue")->warm_us;
	tls = row("tls_prov")->warm_us * (1 - row("tls_prov")->client_share);
	printf("\nCPU per enrollment, warm threads (TLS: the two "
	    "pledge<->registrar handshakes,\nclient end to the pledge, server "
	    "end to the registrar; the MASA connection is pooled):\n");
	printf("  pledge     %7.0f us\n  registrar  %7.0f us\n  MASA       "
	    "%7.0f us\n  total      %7.0f us\n", tot[0], tot[1], tot[2], all);
	printf("\nceiling, all three on this box: %.0f enrollments/s on %.0f "
	    "CPU(s)\n", cpus * 1e6 / all, cpus);
	printf("ceiling, registrar + MASA only:  %.0f enrollments/s (pledges "
	    "elsewhere)\n", cpus * 1e6 / infra);
	printf("MASA alone: %.0f us per voucher -> %.0f vouchers/s\n", masa_us,
	    cpus * 1e6 / masa_us);
	printf("EST simpleenroll, Basic auth: %.0f us -> %.0f/s keep-alive; "
	    "%.0f/s with a new TLS session each (server end)\n", est_us,
	    cpus * 1e6 / est_us, cpus * 1e6 / (est_us + tls));
	csv_put("enroll_pledge", tot[0], "us");
	csv_put("enroll_registrar", tot[1], "us");
	csv_put("enroll_masa", tot[2], "us");
	csv_put("enroll_total", all, "us");
	csv_put("ceiling_enroll", cpus * 1e6 / all, "per_s");
	csv_put("ceiling_enroll_infra", cpus * 1e6 / infra, "per_s");
	csv_put("masa_voucher", masa_us, "us");
	csv_put("ceiling_masa", cpus * 1e6 / masa_us, "per_s");
	csv_put("est_enroll", est_us, "us");
	csv_put("ceiling_est_keepalive", cpus * 1e6 / est_us, "per_s");
	csv_put("ceiling_est_newtls", cpus * 1e6 / (est_us + tls), "per_s");
}

int
main(int argc, char **argv)
{
	int	ch, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);

	while ((ch = getopt(argc, argv, "s:c:j:o:")) != -1)
		switch (ch) {
		case 'o':
			only = optarg;
			break;
		case 's':
			secs = atof(optarg);
			break;
		case 'c':
			if ((csv = fopen(optarg, "w")) == NULL)
				die(optarg, NULL);
			break;
		case 'j':
			ncpu = atoi(optarg);
			break;
		default:
			goto usage;
		}
	if (argc - optind != 1 || secs <= 0 || ncpu < 1)
		goto usage;
	if (wolfSSL_Init() != WOLFSSL_SUCCESS || gnutls_global_init() < 0)
		die("library init", NULL);
	load_pki(argv[optind], &pki);
	tls_setup(&tls_wolf);
	tls_setup(&tls_prov);
	tls_setup(&tls_anch);
	tls_setup(&tls_dflt);
	printf("crypto floor: %d CPU(s), %.1f s per operation, wolfSSL %s, "
	    "GnuTLS %s, %d pledges in rotation\n\n", ncpu, secs,
	    LIBWOLFSSL_VERSION_STRING, gnutls_check_version(NULL), POOL);
	measure(count_ops());
	if (only == NULL)
		summary(ncpu);
	tls_teardown(&tls_wolf);
	tls_teardown(&tls_prov);
	tls_teardown(&tls_anch);
	tls_teardown(&tls_dflt);
	if (csv != NULL)
		fclose(csv);
	return 0;
usage:
	fprintf(stderr, "usage: crypto_floor [-s seconds] [-c csv] [-j cpus] "
	    "[-o name,...] PKI-DIR\n");
	return 2;
}
