/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * brski-certs: mint a complete demo PKI for the toolkit (manufacturer,
 * MASA and owner domain), and IDevIDs for devices, so that a newcomer
 * can run MASA, registrar and pledge in minutes.  The file names are
 * documented in brski-certs(1) and in the index.txt written with them.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "key.h"
#include "key_pkcs11.h"
#include "secret.h"
#include "x509.h"

#define DAY		(24 * 60 * 60)
#define CA_DAYS		3650
#define NAMES_MAX	8
#define TOKEN_KEYS_MAX	5

/* the roles whose key may live in a PKCS#11 token: the signers */
static const char *const token_roles[TOKEN_KEYS_MAX] = {
	"vendor-ca", "masa-ca", "masa-signer", "domain-ca", "idevid",
};

/* IEEE 802.1AR: an IDevID without a well-defined expiry uses this. */
#define NO_WELL_DEFINED_EXPIRY	253402300799LL	/* 9999-12-31T23:59:59Z */

struct opts {
	enum key_type	 key_type;
	long		 days;
	long		 idevid_days;	/* 0: no well-defined expiry */
	const char	*masa_url;
	const char	*org;
	const char	*domain;
	const char	*dns[NAMES_MAX];
	size_t		 ndns;
	const char	*ip[NAMES_MAX];
	size_t		 nip;
	int		 force;
	const char	*token_key[TOKEN_KEYS_MAX];	/* URI per role */
	struct key_pkcs11_opts p11;
};

struct issued {
	struct brski_key	*key;
	struct x509_cert	*cert;
};

static void
usage(FILE *f)
{
	fprintf(f,
"usage: brski-certs [options] init DIR\n"
"       brski-certs [options] idevid DIR SERIAL...\n"
"\n"
"init     mint the demo PKI into DIR: manufacturer CA, MASA CA with the\n"
"         voucher signer and the MASA TLS server, owner domain CA with the\n"
"         registrar TLS server and RA (id-kp-cmcRA) certificates, and one\n"
"         IDevID (serial 0001).  See DIR/index.txt.\n"
"idevid   add IDevIDs (subject serialNumber SERIAL, MASA URL extension)\n"
"         issued by DIR/vendor-ca.pem.\n"
"\n"
"options:\n"
"  --key-type TYPE     P-256 (default), P-384 or P-521\n"
"  --days N            validity of end-entity certificates (default 365)\n"
"  --idevid-days N     IDevID validity; 0 = no well-defined expiry\n"
"                      (99991231235959Z, IEEE 802.1AR), the default\n"
"  --masa-url URL      id-pe-masa-url in IDevIDs (default localhost:9443)\n"
"  --org NAME          organization in subjects (default \"Example\")\n"
"  --domain NAME       owner domain name in subjects (default \"example.net\")\n"
"  --dns NAME          subjectAltName for the TLS servers (repeatable;\n"
"                      default localhost)\n"
"  --ip ADDR           IP subjectAltName (repeatable; default 127.0.0.1, ::1)\n"
"  --force             overwrite existing files\n"
"  --token-key ROLE=URI  use the key in a PKCS#11 token (RFC 7512 URI,\n"
"                      e.g. pkcs11:token=masa;object=signer) instead of\n"
"                      making one; ROLE is vendor-ca, masa-ca,\n"
"                      masa-signer, domain-ca or idevid (repeatable)\n"
"  --pkcs11-module PATH  the token's PKCS#11 module\n"
"  --pkcs11-pin-file F   file with the user PIN (mode 0600)\n"
"  --pkcs11-pin-env VAR  environment variable with the user PIN\n"
"  -h, --help          this text\n"
"  -V, --version       version\n");
}

static int
fail(struct brski_err *e)
{
	fprintf(stderr, "brski-certs: %s\n", e->msg);
	return 1;
}

/* The token key URI given for role name, or NULL. */
static const char *
token_key(const struct opts *o, const char *name)
{
	size_t	i;

	for (i = 0; i < TOKEN_KEYS_MAX; i++)
		if (strcmp(token_roles[i], name) == 0)
			return o->token_key[i];
	return NULL;
}

/*
 * The key for role name: the token key given with --token-key (its
 * private half never leaves the token), else a fresh one.
 */
static enum brski_rc
role_key(const struct opts *o, const char *name, struct brski_key **k,
    struct brski_err *e)
{
	const char	*uri = token_key(o, name);

	if (uri == NULL)
		return key_generate(o->key_type, k, e);
	if (key_open(uri, &o->p11, k, e) != BRSKI_OK)
		return brski_prefix(e, "%s: ", name);
	return BRSKI_OK;
}

/* Issue a certificate for role name's key; ca NULL: self-signed. */
static int
mint(const struct opts *o, const char *name, struct x509_template *t,
    const struct issued *ca, struct issued *out, struct brski_err *e)
{
	uint8_t	*spki = NULL, *der = NULL;
	size_t	 slen, dlen;
	int	 ok = 0;

	memset(out, 0, sizeof(*out));
	if (role_key(o, name, &out->key, e) != BRSKI_OK ||
	    key_spki(out->key, &spki, &slen, e) != BRSKI_OK)
		goto done;
	if (x509_issue(t, spki, slen, ca ? ca->cert : NULL,
	    ca ? ca->key : out->key, &der, &dlen, e) != BRSKI_OK ||
	    x509_parse(der, dlen, &out->cert, e) != BRSKI_OK)
		goto done;
	ok = 1;
done:
	free(spki);
	free(der);
	return ok;
}

static void
issued_free(struct issued *i)
{
	key_free(i->key);
	x509_free(i->cert);
	memset(i, 0, sizeof(*i));
}

static char *
join(const char *dir, const char *name)
{
	char	*p;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		return NULL;
	return p;
}

/*
 * Write NAME.pem (0644) and NAME.key (0600), refusing to overwrite; a
 * key in a token has no file (an old one is removed with --force).
 */
static int
save(const struct opts *o, const char *dir, const char *name,
    const struct issued *i, const struct issued *chain_to,
    struct brski_err *e)
{
	char	 fn[PATH_MAX], *pem = NULL, *pem2 = NULL, *all = NULL;
	size_t	 n, n2;
	int	 ok = 0;

	snprintf(fn, sizeof(fn), "%s/%s.%s", dir, name,
	    key_in_token(i->key) ? "pem" : "key");
	if (!o->force && file_exists(fn)) {
		brski_fail(e, BRSKI_EIO, "%s exists; use --force to replace it",
		    fn);
		return 0;
	}
	snprintf(fn, sizeof(fn), "%s/%s.key", dir, name);
	if (key_in_token(i->key)) {
		if (unlink(fn) == -1 && errno != ENOENT) {
			brski_fail(e, BRSKI_EIO, "%s: %s", fn, strerror(errno));
			return 0;
		}
	} else if (key_save(i->key, fn, e) != BRSKI_OK)
		goto done;
	if (x509_to_pem(i->cert->der, i->cert->der_len, &pem, &n, e) !=
	    BRSKI_OK)
		goto done;
	snprintf(fn, sizeof(fn), "%s/%s.pem", dir, name);
	if (file_write_atomic(fn, pem, n, 0644, e) != BRSKI_OK)
		goto done;
	if (chain_to != NULL) {
		/* NAME-chain.pem: leaf then issuer, for TLS servers/clients */
		if (x509_to_pem(chain_to->cert->der, chain_to->cert->der_len,
		    &pem2, &n2, e) != BRSKI_OK ||
		    asprintf(&all, "%s%s", pem, pem2) < 0)
			goto done;
		snprintf(fn, sizeof(fn), "%s/%s-chain.pem", dir, name);
		if (file_write_atomic(fn, all, n + n2, 0644, e) != BRSKI_OK)
			goto done;
	}
	ok = 1;
done:
	free(pem);
	free(pem2);
	free(all);
	return ok;
}

static int
load(const struct opts *o, const char *dir, const char *name,
    struct issued *i, struct brski_err *e)
{
	struct x509_list	 l = { 0 };
	char			 fn[PATH_MAX];

	memset(i, 0, sizeof(*i));
	snprintf(fn, sizeof(fn), "%s/%s.key", dir, name);
	if (token_key(o, name) != NULL ? role_key(o, name, &i->key, e) !=
	    BRSKI_OK : key_load(fn, &i->key, e) != BRSKI_OK)
		return 0;
	snprintf(fn, sizeof(fn), "%s/%s.pem", dir, name);
	if (x509_list_load(fn, &l, e) != BRSKI_OK)
		return 0;
	i->cert = l.v[0];
	l.v[0] = NULL;
	x509_list_free(&l);
	return 1;
}

static void
template_init(struct x509_template *t, const struct opts *o, long days)
{
	time_t	now = time(NULL);

	memset(t, 0, sizeof(*t));
	t->org = o->org;
	t->path_len = -1;
	/* backdate an hour: clocks of small devices drift */
	t->not_before = now - 3600;
	t->not_after = now + days * DAY;
}

static int
make_ca(const struct opts *o, const char *name, const char *cn,
    const char *org, struct issued *out, struct brski_err *e)
{
	struct x509_template	t;

	template_init(&t, o, CA_DAYS);
	t.cn = cn;
	t.org = org;
	t.is_ca = 1;
	t.key_usage = X509_KU_KEY_CERT_SIGN | X509_KU_CRL_SIGN |
	    X509_KU_DIGITAL_SIGNATURE;
	return mint(o, name, &t, NULL, out, e);
}

static int
make_ee(const struct opts *o, const char *name, const char *cn, unsigned eku,
    int tls_names, const struct issued *ca, struct issued *out,
    struct brski_err *e)
{
	struct x509_template	t;

	template_init(&t, o, o->days);
	t.cn = cn;
	t.key_usage = X509_KU_DIGITAL_SIGNATURE;
	t.eku = eku;
	if (tls_names) {
		t.san_dns = o->dns;
		t.san_dns_count = o->ndns;
		t.san_ip = o->ip;
		t.san_ip_count = o->nip;
	}
	return mint(o, name, &t, ca, out, e);
}

static int
make_idevid(const struct opts *o, const char *dir, const char *serial,
    const struct issued *vendor, struct brski_err *e)
{
	struct x509_template	t;
	struct issued		dev;
	char			name[128], cn[128];
	int			ok;

	if (strlen(serial) == 0 || strlen(serial) > 64 ||
	    strspn(serial, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-.") != strlen(serial)) {
		brski_fail(e, BRSKI_EINVAL, "serial \"%s\": use 1-64 letters, "
		    "digits, '-' or '.'", serial);
		return 0;
	}
	template_init(&t, o, o->idevid_days);
	if (o->idevid_days == 0)
		t.not_after = (time_t)NO_WELL_DEFINED_EXPIRY;
	snprintf(cn, sizeof(cn), "%s pledge %s", o->org, serial);
	t.cn = cn;
	t.serial_number = serial;	/* RFC 8995 2.3.1 */
	t.key_usage = X509_KU_DIGITAL_SIGNATURE;
	t.eku = X509_EKU_CLIENT_AUTH;
	t.masa_url = o->masa_url;	/* RFC 8995 2.3.2 */
	if (!mint(o, "idevid", &t, vendor, &dev, e))
		return 0;
	snprintf(name, sizeof(name), "idevid-%s", serial);
	ok = save(o, dir, name, &dev, vendor, e);
	if (ok)
		printf("%s/%s.pem: IDevID serialNumber=%s, MASA URL %s\n", dir,
		    name, serial, o->masa_url);
	issued_free(&dev);
	return ok;
}

static const char index_text[] =
"Demo PKI made by brski-certs (all keys ECDSA, mode 0600).\n"
"\n"
"Manufacturer (the pledge's vendor)\n"
"  vendor-ca.pem/.key        manufacturer CA: issues IDevIDs; registrars put\n"
"                            it on their manufacturer allow list\n"
"  idevid-SERIAL.pem/.key    a pledge's IDevID: subject serialNumber=SERIAL,\n"
"                            MASA URL extension (1.3.6.1.5.5.7.1.32)\n"
"  idevid-SERIAL-chain.pem   IDevID + vendor CA, what the pledge presents\n"
"MASA (the manufacturer's voucher service)\n"
"  masa-ca.pem/.key          MASA CA: the anchor pledges use to verify\n"
"                            vouchers, registrars to verify the MASA's TLS\n"
"  masa-signer.pem/.key      signs vouchers\n"
"  masa-tls.pem/.key         MASA HTTPS server (SAN localhost, 127.0.0.1, ::1)\n"
"Owner domain (the operator)\n"
"  domain-ca.pem/.key        domain CA: pinned by vouchers, issues LDevIDs\n"
"  registrar-tls.pem/.key    registrar HTTPS/CoAPS server (serverAuth,\n"
"                            clientAuth, SAN localhost, 127.0.0.1, ::1)\n"
"  registrar-ra.pem/.key     registrar RA certificate (id-kp-cmcRA,\n"
"                            clientAuth): signs voucher-requests, TLS client\n"
"                            to the MASA\n"
"  *-chain.pem               the certificate followed by its issuer\n";

/* index.txt, naming the keys that stay in a token (no .key file). */
static char *
index_with_tokens(const struct opts *o)
{
	char	*text = NULL, *more;
	size_t	 i;

	if ((text = strdup(index_text)) == NULL)
		return NULL;
	for (i = 0; i < TOKEN_KEYS_MAX; i++) {
		if (o->token_key[i] == NULL)
			continue;
		if (asprintf(&more, "%s%s  %-24s key in a PKCS#11 token, no .key "
		    "file:\n%28s%s\n", text, strstr(text, "PKCS#11") == NULL ?
		    "\nKeys in tokens\n" : "", token_roles[i], "",
		    o->token_key[i]) < 0) {
			free(text);
			return NULL;
		}
		free(text);
		text = more;
	}
	return text;
}

static int
token_keys_given(const struct opts *o)
{
	size_t	i;

	for (i = 0; i < TOKEN_KEYS_MAX; i++)
		if (o->token_key[i] != NULL)
			return 1;
	return 0;
}

/*
 * Open each token key once before any file is written: a wrong PIN or
 * key label must not leave half a PKI behind.
 */
static int
check_tokens(const struct opts *o, struct brski_err *e)
{
	struct brski_key	*k;
	size_t			 i;

	for (i = 0; i < TOKEN_KEYS_MAX; i++) {
		if (o->token_key[i] == NULL)
			continue;
		if (role_key(o, token_roles[i], &k, e) != BRSKI_OK)
			return 0;
		key_free(k);
	}
	return 1;
}

static int
cmd_init(const struct opts *o, const char *dir, struct brski_err *e)
{
	struct issued	vendor = { 0 }, masaca = { 0 }, signer = { 0 };
	struct issued	masatls = { 0 }, dom = { 0 }, regtls = { 0 };
	struct issued	regra = { 0 };
	char		cn[128], *idx = NULL, *text = NULL;
	int		ok = 0;

	if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		brski_fail(e, BRSKI_EIO, "%s: %s", dir, strerror(errno));
		return 0;
	}
	snprintf(cn, sizeof(cn), "%s Manufacturer CA", o->org);
	if (!make_ca(o, "vendor-ca", cn, o->org, &vendor, e) ||
	    !save(o, dir, "vendor-ca", &vendor, NULL, e))
		goto done;
	snprintf(cn, sizeof(cn), "%s MASA CA", o->org);
	if (!make_ca(o, "masa-ca", cn, o->org, &masaca, e) ||
	    !save(o, dir, "masa-ca", &masaca, NULL, e) ||
	    !make_ee(o, "masa-signer", "MASA voucher signer", 0, 0, &masaca,
	    &signer, e) ||
	    !save(o, dir, "masa-signer", &signer, &masaca, e) ||
	    !make_ee(o, "masa-tls", "MASA", X509_EKU_SERVER_AUTH, 1, &masaca,
	    &masatls, e) ||
	    !save(o, dir, "masa-tls", &masatls, &masaca, e))
		goto done;
	snprintf(cn, sizeof(cn), "%s Domain CA", o->domain);
	if (!make_ca(o, "domain-ca", cn, o->domain, &dom, e) ||
	    !save(o, dir, "domain-ca", &dom, NULL, e) ||
	    !make_ee(o, "registrar-tls", "registrar", X509_EKU_SERVER_AUTH |
	    X509_EKU_CLIENT_AUTH, 1, &dom, &regtls, e) ||
	    !save(o, dir, "registrar-tls", &regtls, &dom, e) ||
	    !make_ee(o, "registrar-ra", "registrar RA", X509_EKU_CMC_RA |
	    X509_EKU_CLIENT_AUTH, 0, &dom, &regra, e) ||
	    !save(o, dir, "registrar-ra", &regra, &dom, e) ||
	    !make_idevid(o, dir, "0001", &vendor, e))
		goto done;
	if ((idx = join(dir, "index.txt")) == NULL ||
	    (text = index_with_tokens(o)) == NULL ||
	    file_write_atomic(idx, text, strlen(text), 0644, e) != BRSKI_OK)
		goto done;
	printf("%s: demo PKI written (see %s)\n", dir, idx);
	ok = 1;
done:
	free(idx);
	free(text);
	issued_free(&vendor);
	issued_free(&masaca);
	issued_free(&signer);
	issued_free(&masatls);
	issued_free(&dom);
	issued_free(&regtls);
	issued_free(&regra);
	return ok;
}

static int
parse_days(const char *s, long min, long *out)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s || v < min || v > 36500)
		return 0;
	*out = v;
	return 1;
}

/* --token-key ROLE=URI */
static int
set_token_key(struct opts *o, const char *arg)
{
	const char	*eq = strchr(arg, '=');
	size_t		 i;

	for (i = 0; eq != NULL && i < TOKEN_KEYS_MAX; i++)
		if (strlen(token_roles[i]) == (size_t)(eq - arg) &&
		    strncmp(token_roles[i], arg, (size_t)(eq - arg)) == 0 &&
		    key_is_pkcs11_uri(eq + 1)) {
			o->token_key[i] = eq + 1;
			return 0;
		}
	fprintf(stderr, "brski-certs: --token-key %s: use ROLE=pkcs11:URI, "
	    "ROLE one of vendor-ca, masa-ca, masa-signer, domain-ca, idevid (TLS "
	    "server and client keys must be files)\n", arg);
	return -1;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "key-type", required_argument, NULL, 'k' },
		{ "days", required_argument, NULL, 'd' },
		{ "idevid-days", required_argument, NULL, 'i' },
		{ "masa-url", required_argument, NULL, 'm' },
		{ "org", required_argument, NULL, 'o' },
		{ "domain", required_argument, NULL, 'D' },
		{ "dns", required_argument, NULL, 'n' },
		{ "ip", required_argument, NULL, 'a' },
		{ "force", no_argument, NULL, 'f' },
		{ "token-key", required_argument, NULL, 't' },
		{ "pkcs11-module", required_argument, NULL, 'M' },
		{ "pkcs11-pin-file", required_argument, NULL, 'P' },
		{ "pkcs11-pin-env", required_argument, NULL, 'E' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	c;

	while ((c = getopt_long(argc, argv, "hV", lo, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (!key_type_from_name(optarg, &o->key_type)) {
				fprintf(stderr, "brski-certs: --key-type %s: use "
				    "P-256, P-384 or P-521\n", optarg);
				return -1;
			}
			break;
		case 'd':
			if (!parse_days(optarg, 1, &o->days)) {
				fprintf(stderr, "brski-certs: --days %s: need "
				    "1..36500\n", optarg);
				return -1;
			}
			break;
		case 'i':
			if (!parse_days(optarg, 0, &o->idevid_days)) {
				fprintf(stderr, "brski-certs: --idevid-days %s: "
				    "need 0..36500\n", optarg);
				return -1;
			}
			break;
		case 'm':
			o->masa_url = optarg;
			break;
		case 'o':
			o->org = optarg;
			break;
		case 'D':
			o->domain = optarg;
			break;
		case 'n':
		case 'a':
			if ((c == 'n' ? o->ndns : o->nip) >= NAMES_MAX) {
				fprintf(stderr, "brski-certs: at most %d names\n",
				    NAMES_MAX);
				return -1;
			}
			if (c == 'n')
				o->dns[o->ndns++] = optarg;
			else
				o->ip[o->nip++] = optarg;
			break;
		case 'f':
			o->force = 1;
			break;
		case 't':
			if (set_token_key(o, optarg) == -1)
				return -1;
			break;
		case 'M':
			o->p11.module = optarg;
			break;
		case 'P':
			o->p11.pin_file = optarg;
			break;
		case 'E':
			o->p11.pin_env = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("brski-certs %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts		o = { .key_type = KEY_EC_P256, .days = 365,
	    .masa_url = "localhost:9443", .org = "Example",
	    .domain = "example.net" };
	struct brski_err	e = { 0 };
	struct issued		vendor = { 0 };
	uint8_t			*pin = NULL;
	size_t			 pin_len = 0;
	int			 i, rc;

	if (parse_opts(argc, argv, &o) == -1)
		return 2;
	/* read once: an environment PIN is wiped when read */
	if (token_keys_given(&o)) {
		if (key_pin_read(o.p11.pin_file, o.p11.pin_env, &pin, &pin_len,
		    &e) != BRSKI_OK)
			return fail(&e);
		o.p11.pin = pin;
		o.p11.pin_len = pin_len;
	}
	if (o.ndns == 0)
		o.dns[o.ndns++] = "localhost";
	if (o.nip == 0) {
		o.ip[o.nip++] = "127.0.0.1";
		o.ip[o.nip++] = "::1";
	}
	argc -= optind;
	argv += optind;
	if (argc == 2 && strcmp(argv[0], "init") == 0)
		rc = check_tokens(&o, &e) && cmd_init(&o, argv[1], &e) ? 0 :
		    fail(&e);
	else if (argc >= 3 && strcmp(argv[0], "idevid") == 0) {
		rc = 0;
		if (!check_tokens(&o, &e) ||
		    !load(&o, argv[1], "vendor-ca", &vendor, &e))
			rc = fail(&e);
		for (i = 2; rc == 0 && i < argc; i++)
			if (!make_idevid(&o, argv[1], argv[i], &vendor, &e))
				rc = fail(&e);
		issued_free(&vendor);
	} else {
		usage(stderr);
		rc = 2;
	}
	secret_free(pin, pin_len);
	return rc;
}
