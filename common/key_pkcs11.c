/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ECDSA keys in a PKCS#11 token, through wolfSSL's PKCS#11 crypto
 * callback (wc_pkcs11.h).  A token key is an ecc_key that carries the
 * token object's CKA_ID (or CKA_LABEL), a device id, and the public key
 * read from the token; wolfSSL sends every signature with it to the
 * token, so the code that signs (CMS, COSE, certificates, CSRs) is the
 * same for file and token keys.  Names are RFC 7512 URIs.
 *
 * wolfSSL 5.5.4 quirks handled here (recipes/pkcs11-and-postgresql.md):
 * - wc_Pkcs11Token_InitName() looks tokens up by loop index, not slot
 *   id, and wc_Pkcs11Token_Init() takes the slot id as an int: we find
 *   the slot ourselves and store the CK_SLOT_ID in the token.
 * - wc_Pkcs11Token_Final() closes every session of the slot and the
 *   module allows one C_Initialize per process: modules and tokens are
 *   shared between the keys of a process, with reference counts.
 * - PKCS7 signs with an ecc_key of its own that has only the device id:
 *   our device callback fills in the key's CKA_ID.
 * We log in ourselves (to name a wrong or locked PIN) and hand wolfSSL
 * the logged-in session, so it never holds the PIN.
 */
#include "config.h"

#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/error-crypt.h>
#include <wolfssl/wolfcrypt/hash.h>
#include <wolfssl/wolfcrypt/wc_port.h>
#ifdef HAVE_PKCS11
#include <wolfssl/wolfcrypt/cryptocb.h>
#include <wolfssl/wolfcrypt/wc_pkcs11.h>
#endif

#include "der.h"
#include "key_pkcs11.h"
#include "secret.h"

/* PKCS#11 2.40 values that wolfSSL's short pkcs11.h does not define */
#define P11_CKR_SLOT_ID_INVALID		0x003UL
#define P11_CKR_DEVICE_ERROR		0x030UL
#define P11_CKR_DEVICE_REMOVED		0x032UL
#define P11_CKR_PIN_INCORRECT		0x0a0UL
#define P11_CKR_PIN_INVALID		0x0a1UL
#define P11_CKR_PIN_LEN_RANGE		0x0a2UL
#define P11_CKR_PIN_EXPIRED		0x0a3UL
#define P11_CKR_PIN_LOCKED		0x0a4UL
#define P11_CKR_TOKEN_NOT_PRESENT	0x0e0UL
#define P11_CKR_USER_ALREADY_LOGGED_IN	0x100UL
#define P11_CKR_USER_PIN_NOT_INITIALIZED 0x102UL
#define P11_CKR_ALREADY_INITIALIZED	0x191UL
#define P11_CK_UNAVAILABLE		(~0UL)
#define P11_CKA_VALUE			0x011UL

#define P11_SLOTS_MAX	64	/* slots we look at in one module */
#define P11_DEVID_BASE	0x62720000	/* "br": ours, not INVALID_DEVID */
#define P11_ATTR_MAX	256	/* EC params, points, ids, labels */

int
key_is_pkcs11_uri(const char *s)
{
	return s != NULL && strncasecmp(s, "pkcs11:", 7) == 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decode s[0..len) into out (max bytes); *outlen bytes. */
static enum brski_rc
pct_decode(const char *s, size_t len, uint8_t *out, size_t max,
    size_t *outlen, const char *what, struct brski_err *e)
{
	size_t	i, n = 0;
	int	hi, lo;

	for (i = 0; i < len; i++) {
		if (n == max)
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: %s is "
			    "longer than %zu bytes", what, max);
		if (s[i] != '%') {
			if ((unsigned char)s[i] < 0x21 || s[i] == 0x7f)
				return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 "
				    "URI: %s: write spaces and controls as %%XX",
				    what);
			out[n++] = (uint8_t)s[i];
			continue;
		}
		if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 ||
		    (lo = hexval(s[i + 2])) < 0)
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: %s: "
			    "bad %%-escape", what);
		out[n++] = (uint8_t)(hi << 4 | lo);
		i += 2;
	}
	*outlen = n;
	return BRSKI_OK;
}

/* A text attribute: no NUL inside, NUL-terminated in out[max + 1]. */
static enum brski_rc
pct_text(const char *s, size_t len, char *out, size_t max, const char *what,
    struct brski_err *e)
{
	size_t		n;
	enum brski_rc	rc;

	if ((rc = pct_decode(s, len, (uint8_t *)out, max, &n, what, e)) !=
	    BRSKI_OK)
		return rc;
	if (n == 0 || memchr(out, '\0', n) != NULL)
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: %s is empty "
		    "or holds a NUL", what);
	out[n] = '\0';
	return BRSKI_OK;
}

static enum brski_rc
path_attr(struct key_pkcs11_uri *u, const char *name, size_t nlen,
    const char *v, size_t vlen, struct brski_err *e)
{
	char		buf[32], *end;
	size_t		n;

#define IS(s)	(nlen == sizeof(s) - 1 && strncmp(name, s, nlen) == 0)
	if (IS("token"))
		return pct_text(v, vlen, u->token, KEY_P11_LABEL_MAX,
		    "token", e);
	if (IS("serial"))
		return pct_text(v, vlen, u->serial, sizeof(u->serial) - 1,
		    "serial", e);
	if (IS("object"))
		return pct_text(v, vlen, u->object, KEY_P11_LABEL_MAX,
		    "object", e);
	if (IS("id"))
		return pct_decode(v, vlen, u->id, sizeof(u->id), &u->id_len,
		    "id", e);
	if (IS("slot-id")) {
		if (vlen == 0 || vlen >= sizeof(buf))
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: bad "
			    "slot-id");
		memcpy(buf, v, vlen);
		buf[vlen] = '\0';
		errno = 0;
		u->slot = strtoul(buf, &end, 10);
		if (errno != 0 || *end != '\0' || buf[0] == '-')
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: "
			    "slot-id %s is not a number", buf);
		u->has_slot = 1;
		return BRSKI_OK;
	}
	if (IS("type")) {
		if (vlen == 7 && strncmp(v, "private", 7) == 0)
			return BRSKI_OK;
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: type=%.*s: "
		    "a signing key is type=private", (int)(vlen > 16 ? 16 :
		    vlen), v);
	}
	n = nlen > 24 ? 24 : nlen;
	return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: attribute \"%.*s\" "
	    "is not supported (use token, serial, slot-id, object, id)",
	    (int)n, name);
#undef IS
}

static enum brski_rc
query_attr(struct key_pkcs11_uri *u, const char *name, size_t nlen,
    const char *v, size_t vlen, struct brski_err *e)
{
	size_t	n;

	if (nlen == 11 && strncmp(name, "module-path", 11) == 0) {
		if (pct_decode(v, vlen, (uint8_t *)u->module,
		    sizeof(u->module) - 1, &n, "module-path", e) != BRSKI_OK)
			return e->rc;
		u->module[n] = '\0';
		if (n == 0 || strlen(u->module) != n)
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: bad "
			    "module-path");
		return BRSKI_OK;
	}
	if ((nlen == 9 && strncmp(name, "pin-value", 9) == 0) ||
	    (nlen == 10 && strncmp(name, "pin-source", 10) == 0))
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: no PIN in the "
		    "URI, please: give it with pkcs11-pin-file (mode 0600) or "
		    "pkcs11-pin-env");
	n = nlen > 24 ? 24 : nlen;
	return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: query attribute "
	    "\"%.*s\" is not supported (only module-path)", (int)n, name);
}

/*
 * Parse an RFC 7512 PKCS#11 URI naming a private key:
 * pkcs11:token=LABEL;object=KEYLABEL[;id=%01][;slot-id=N][?module-path=P]
 * A token (label, serial or slot-id) and a key (object or id) are
 * required.  Unknown attributes are errors: a typo must not select
 * another key.
 */
enum brski_rc
key_pkcs11_uri_parse(const char *s, struct key_pkcs11_uri *u,
    struct brski_err *e)
{
	const char	*p, *end, *q, *eq, *amp;
	enum brski_rc	 rc;

	memset(u, 0, sizeof(*u));
	if (!key_is_pkcs11_uri(s))
		return brski_fail(e, BRSKI_ECONFIG, "not a PKCS#11 URI (must "
		    "start with pkcs11:)");
	if (strlen(s) > KEY_P11_URI_MAX)
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI longer than %d "
		    "bytes", KEY_P11_URI_MAX);
	p = s + 7;
	q = strchr(p, '?');
	end = q != NULL ? q : p + strlen(p);
	while (p < end) {
		const char *semi = memchr(p, ';', (size_t)(end - p));

		if (semi == NULL)
			semi = end;
		if ((eq = memchr(p, '=', (size_t)(semi - p))) == NULL)
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: "
			    "attribute without '=' (write name=value)");
		if ((rc = path_attr(u, p, (size_t)(eq - p), eq + 1,
		    (size_t)(semi - eq - 1), e)) != BRSKI_OK)
			return rc;
		p = semi + 1;
	}
	for (p = q != NULL ? q + 1 : NULL; p != NULL && *p != '\0'; ) {
		end = (amp = strchr(p, '&')) != NULL ? amp : p + strlen(p);
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI: query "
			    "attribute without '='");
		if ((rc = query_attr(u, p, (size_t)(eq - p), eq + 1,
		    (size_t)(end - eq - 1), e)) != BRSKI_OK)
			return rc;
		p = amp != NULL ? amp + 1 : NULL;
	}
	if (u->token[0] == '\0' && u->serial[0] == '\0' && !u->has_slot)
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI names no token: "
		    "add token=LABEL (or slot-id=N)");
	if (u->object[0] == '\0' && u->id_len == 0)
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 URI names no key: "
		    "add object=LABEL (or id=%%XX...)");
	return BRSKI_OK;
}

/* Strip one trailing LF or CRLF; the PIN is the rest, exactly. */
static enum brski_rc
pin_finish(uint8_t *p, size_t *len, const char *from, struct brski_err *e)
{
	if (*len > 0 && p[*len - 1] == '\n')
		(*len)--;
	if (*len > 0 && p[*len - 1] == '\r')
		(*len)--;
	if (*len == 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s: the PIN is empty", from);
	if (memchr(p, '\0', *len) != NULL || memchr(p, '\n', *len) != NULL)
		return brski_fail(e, BRSKI_ECONFIG, "%s: the PIN is one line "
		    "without NUL bytes", from);
	return BRSKI_OK;
}

static enum brski_rc
pin_from_file(const char *path, uint8_t *p, size_t *len, struct brski_err *e)
{
	struct stat	st;
	ssize_t		n;
	size_t		got = 0;
	int		fd;
	enum brski_rc	rc = BRSKI_OK;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return brski_fail(e, BRSKI_ECONFIG, "PIN file %s: %s", path,
		    strerror(errno));
	/* fstat the open file: no window between the check and the read */
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode))
		rc = brski_fail(e, BRSKI_ECONFIG, "PIN file %s is not a regular "
		    "file", path);
	else if ((st.st_mode & 077) != 0)
		rc = brski_fail(e, BRSKI_ECONFIG, "PIN file %s is mode %04o; "
		    "chmod 600 it (group and others must not read the PIN)",
		    path, (unsigned)(st.st_mode & 07777));
	else if (st.st_size > KEY_PIN_MAX + 2)
		rc = brski_fail(e, BRSKI_ECONFIG, "PIN file %s: longer than %d "
		    "bytes", path, KEY_PIN_MAX);
	while (rc == BRSKI_OK && got < KEY_PIN_MAX + 2) {
		n = read(fd, p + got, KEY_PIN_MAX + 2 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			rc = brski_fail(e, BRSKI_EIO, "PIN file %s: %s", path,
			    strerror(errno));
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	if (rc == BRSKI_OK && got > KEY_PIN_MAX + 1)
		rc = brski_fail(e, BRSKI_ECONFIG, "PIN file %s: longer than %d "
		    "bytes", path, KEY_PIN_MAX);
	*len = got;
	if (rc == BRSKI_OK)
		rc = pin_finish(p, len, path, e);
	return rc;
}

/*
 * Read a token's user PIN from file (which must not be readable by
 * group or others) or from the environment variable env, of which the
 * value is then wiped and unset, so that neither /proc/PID/environ
 * nor a child process sees it.  Exactly one of file and env is given.
 * *pin (a secret: secret_free(*pin, *len)) is not NUL-terminated.
 */
enum brski_rc
key_pin_read(const char *file, const char *env, uint8_t **pin, size_t *len,
    struct brski_err *e)
{
	uint8_t		*p;
	char		*v;
	size_t		 n = 0;
	enum brski_rc	 rc;

	*pin = NULL;
	*len = 0;
	if (file != NULL && env != NULL)
		return brski_fail(e, BRSKI_ECONFIG, "give the PIN either in a "
		    "file (pkcs11-pin-file) or in the environment "
		    "(pkcs11-pin-env), not both");
	if (file == NULL && env == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "the token needs its user "
		    "PIN: set pkcs11-pin-file (mode 0600) or pkcs11-pin-env");
	if ((p = calloc(1, KEY_PIN_MAX + 2)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "PIN: out of memory");
	if (file != NULL)
		rc = pin_from_file(file, p, &n, e);
	else if ((v = getenv(env)) == NULL || *v == '\0')
		rc = brski_fail(e, BRSKI_ECONFIG, "environment variable %s "
		    "(pkcs11-pin-env) is not set", env);
	else if ((n = strlen(v)) > KEY_PIN_MAX) {
		rc = brski_fail(e, BRSKI_ECONFIG, "environment variable %s: PIN "
		    "longer than %d bytes", env, KEY_PIN_MAX);
	} else {
		memcpy(p, v, n);
		secret_wipe(v, n);
		unsetenv(env);
		rc = pin_finish(p, &n, env, e);
	}
	if (rc != BRSKI_OK) {
		secret_free(p, KEY_PIN_MAX + 2);
		return rc;
	}
	/* a stripped newline stays behind n: wipe it, secret_free(p, n) */
	secret_wipe(p + n, KEY_PIN_MAX + 2 - n);
	*pin = p;
	*len = n;
	return BRSKI_OK;
}

/*
 * Open the key named by spec: a PEM file (key_load()), or a pkcs11:
 * URI, with the module and PIN found through o (the URI's module-path
 * wins over o->module).  The PIN is wiped as soon as the token has it.
 */
enum brski_rc
key_open(const char *spec, const struct key_pkcs11_opts *o,
    struct brski_key **out, struct brski_err *e)
{
	struct key_pkcs11_uri	 u;
	const char		*module;
	uint8_t			*pin = NULL;
	size_t			 pinlen = 0;
	enum brski_rc		 rc;

	*out = NULL;
	if (!key_is_pkcs11_uri(spec))
		return key_load(spec, out, e);
	if ((rc = key_pkcs11_uri_parse(spec, &u, e)) != BRSKI_OK)
		return rc;
	module = u.module[0] != '\0' ? u.module : o != NULL ? o->module : NULL;
	if (module == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "no PKCS#11 module for %s: "
		    "set pkcs11-module (e.g. /usr/lib/softhsm/libsofthsm2.so)",
		    spec);
	if (o != NULL && o->pin != NULL)
		return key_open_pkcs11(module, &u, o->pin, o->pin_len, out, e);
	if ((rc = key_pin_read(o != NULL ? o->pin_file : NULL,
	    o != NULL ? o->pin_env : NULL, &pin, &pinlen, e)) != BRSKI_OK)
		return rc;
	rc = key_open_pkcs11(module, &u, pin, pinlen, out, e);
	secret_free(pin, pinlen);
	return rc;
}

#ifndef HAVE_PKCS11

enum brski_rc
key_open_pkcs11(const char *module, const struct key_pkcs11_uri *u,
    const uint8_t *pin, size_t pinlen, struct brski_key **out,
    struct brski_err *e)
{
	(void)module, (void)u, (void)pin, (void)pinlen;
	*out = NULL;
	return brski_fail(e, BRSKI_ECONFIG, "this wolfSSL has no PKCS#11 "
	    "support (HAVE_PKCS11)");
}

int
key_in_token(const struct brski_key *k)
{
	(void)k;
	return 0;
}

unsigned
key_token_flags(const struct brski_key *k)
{
	(void)k;
	return 0;
}

const char *
key_describe(const struct brski_key *k)
{
	(void)k;
	return "key file";
}

void
key_token_release(struct key_token *kt)
{
	(void)kt;
}

#else /* HAVE_PKCS11 */

struct p11_module {
	struct p11_module	*next;
	char			*path;
	Pkcs11Dev		 dev;
	unsigned		 refs;
};

/* One logged-in session per token: PKCS#11 sessions are not re-entrant. */
struct p11_token {
	struct p11_token	*next;
	struct p11_module	*mod;
	CK_SLOT_ID		 slot;
	Pkcs11Token		 tok;
	pthread_mutex_t		 lock;	/* serialises use of tok.handle */
	unsigned		 refs;
};

struct key_token {
	struct p11_token	*t;
	int			 devid;
	uint8_t			 id[KEY_P11_ID_MAX];
	size_t			 id_len;
	char			 label[KEY_P11_LABEL_MAX + 1];
	char			 desc[128];	/* for logs: token/object */
	unsigned		 flags;		/* KEY_TOKEN_* */
};

static pthread_mutex_t	 reg_lock = PTHREAD_MUTEX_INITIALIZER;
static struct p11_module *modules;
static struct p11_token	*tokens;
static int		 next_devid = P11_DEVID_BASE;

static const char *
rv_name(CK_RV rv)
{
	switch (rv) {
	case P11_CKR_PIN_INCORRECT:	return "CKR_PIN_INCORRECT";
	case P11_CKR_PIN_LOCKED:	return "CKR_PIN_LOCKED";
	case P11_CKR_PIN_LEN_RANGE:	return "CKR_PIN_LEN_RANGE";
	case P11_CKR_PIN_EXPIRED:	return "CKR_PIN_EXPIRED";
	case P11_CKR_PIN_INVALID:	return "CKR_PIN_INVALID";
	case P11_CKR_TOKEN_NOT_PRESENT:	return "CKR_TOKEN_NOT_PRESENT";
	case P11_CKR_SLOT_ID_INVALID:	return "CKR_SLOT_ID_INVALID";
	case P11_CKR_DEVICE_ERROR:	return "CKR_DEVICE_ERROR";
	case P11_CKR_DEVICE_REMOVED:	return "CKR_DEVICE_REMOVED";
	case P11_CKR_USER_PIN_NOT_INITIALIZED:
		return "CKR_USER_PIN_NOT_INITIALIZED";
	case P11_CKR_ALREADY_INITIALIZED:
		return "CKR_CRYPTOKI_ALREADY_INITIALIZED";
	default:			return "error";
	}
}

/* Blank-padded fixed-size PKCS#11 text to a C string. */
static void
padded(const CK_UTF8CHAR *f, size_t n, char *out)
{
	while (n > 0 && (f[n - 1] == ' ' || f[n - 1] == '\0'))
		n--;
	memcpy(out, f, n);
	out[n] = '\0';
}

static void
module_put(struct p11_module *m)
{
	struct p11_module	**pp;

	if (m == NULL || --m->refs > 0)
		return;
	for (pp = &modules; *pp != NULL; pp = &(*pp)->next)
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	wc_Pkcs11_Finalize(&m->dev);	/* C_Finalize, dlclose */
	free(m->path);
	free(m);
	wolfCrypt_Cleanup();	/* pairs with module_get()'s Init */
}

static enum brski_rc
module_get(const char *path, struct p11_module **out, struct brski_err *e)
{
	struct p11_module	*m;
	char			 real[PATH_MAX];
	CK_RV			 rv = CKR_OK;
	int			 ret;

	/*
	 * One entry per module file, whatever path names it: a second
	 * C_Initialize of a loaded module fails (ALREADY_INITIALIZED).
	 */
	if (realpath(path, real) == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 module %s: %s",
		    path, strerror(errno));
	for (m = modules; m != NULL; m = m->next)
		if (strcmp(m->path, real) == 0) {
			m->refs++;
			*out = m;
			return BRSKI_OK;
		}
	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    (m->path = strdup(real)) == NULL) {
		free(m);
		return brski_fail(e, BRSKI_ENOMEM, "PKCS#11: out of memory");
	}
	/*
	 * The device table is set up by wolfCrypt_Init() (reference
	 * counted); without it wc_CryptoCb_RegisterDevice() finds no free
	 * entry (BUFFER_E) in a program that never started wolfSSL.
	 */
	if ((ret = wolfCrypt_Init()) != 0) {
		free(m->path);
		free(m);
		return brski_fail(e, BRSKI_EIO, "wolfCrypt_Init: %s (%d)",
		    wc_GetErrorString(ret), ret);
	}
	if ((ret = wc_Pkcs11_Initialize_ex(&m->dev, path, NULL, &rv)) != 0) {
		wolfCrypt_Cleanup();
		free(m->path);
		free(m);
		if (ret == BAD_PATH_ERROR || ret == WC_HW_E)
			return brski_fail(e, BRSKI_ECONFIG, "%s is not a PKCS#11 "
			    "module (cannot load it or find C_GetFunctionList)",
			    path);
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 module %s: "
		    "C_Initialize failed: %s (0x%lx)", path, rv_name(rv),
		    (unsigned long)rv);
	}
	m->refs = 1;
	m->next = modules;
	modules = m;
	*out = m;
	return BRSKI_OK;
}

/*
 * Find the slot whose token matches u (label, serial, slot id); our own
 * loop over C_GetSlotList, since wc_Pkcs11Token_InitName() is broken in
 * 5.5.4.  The error lists the tokens there are.
 */
static enum brski_rc
find_slot(struct p11_module *m, const struct key_pkcs11_uri *u,
    CK_SLOT_ID *slot, char *label, struct brski_err *e)
{
	CK_SLOT_ID	slots[P11_SLOTS_MAX];
	CK_TOKEN_INFO	ti;
	CK_ULONG	n = P11_SLOTS_MAX, i;
	CK_RV		rv;
	char		lab[KEY_P11_LABEL_MAX + 1], ser[17], seen[128] = "";
	size_t		used = 0;

	if ((rv = m->dev.func->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK)
		return brski_fail(e, BRSKI_ECONFIG, "PKCS#11 module %s: "
		    "C_GetSlotList: 0x%lx", m->path, (unsigned long)rv);
	for (i = 0; i < n; i++) {
		if (m->dev.func->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		padded(ti.label, sizeof(ti.label), lab);
		padded(ti.serialNumber, sizeof(ti.serialNumber), ser);
		if (used < sizeof(seen) - 1)
			used += (size_t)snprintf(seen + used, sizeof(seen) - used,
			    "%s\"%s\"", used > 0 ? ", " : "", lab);
		if (used >= sizeof(seen))
			used = sizeof(seen) - 1;
		if ((u->token[0] != '\0' && strcmp(lab, u->token) != 0) ||
		    (u->serial[0] != '\0' && strcmp(ser, u->serial) != 0) ||
		    (u->has_slot && slots[i] != u->slot))
			continue;
		*slot = slots[i];
		memcpy(label, lab, sizeof(lab));
		return BRSKI_OK;
	}
	if (u->token[0] != '\0')
		return brski_fail(e, BRSKI_ECONFIG, "no token labelled \"%s\" "
		    "in %s (tokens present: %s)", u->token, m->path,
		    n == 0 ? "none" : seen);
	return brski_fail(e, BRSKI_ECONFIG, "no token with that %s in %s "
	    "(tokens present: %s)", u->has_slot ? "slot-id" : "serial",
	    m->path, n == 0 ? "none" : seen);
}

static void
token_put(struct p11_token *t)
{
	struct p11_token	**pp;
	struct p11_module	 *m;

	if (t == NULL || --t->refs > 0)
		return;
	for (pp = &tokens; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	m = t->mod;
	/* C_CloseAllSessions(slot): logs out; our PIN was never kept */
	wc_Pkcs11Token_Final(&t->tok);
	pthread_mutex_destroy(&t->lock);
	free(t);
	module_put(m);
}

/* Log in with a session of our own, naming what went wrong. */
static enum brski_rc
login(struct p11_module *m, CK_SLOT_ID slot, const char *label,
    const uint8_t *pin, size_t pinlen, CK_SESSION_HANDLE *sh,
    struct brski_err *e)
{
	CK_RV	rv;

	rv = m->dev.func->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL,
	    sh);
	if (rv != CKR_OK)
		return brski_fail(e, BRSKI_ECONFIG, "token \"%s\": cannot open "
		    "a session: %s (0x%lx)", label, rv_name(rv),
		    (unsigned long)rv);
	rv = m->dev.func->C_Login(*sh, CKU_USER, (CK_UTF8CHAR_PTR)pin,
	    (CK_ULONG)pinlen);
	if (rv == CKR_OK || rv == P11_CKR_USER_ALREADY_LOGGED_IN)
		return BRSKI_OK;
	m->dev.func->C_CloseSession(*sh);
	if (rv == P11_CKR_PIN_INCORRECT)
		return brski_fail(e, BRSKI_ECONFIG, "token \"%s\": wrong PIN "
		    "(CKR_PIN_INCORRECT); check the PIN file or variable; "
		    "tokens lock after a few wrong tries", label);
	if (rv == P11_CKR_PIN_LOCKED)
		return brski_fail(e, BRSKI_ECONFIG, "token \"%s\": the user PIN "
		    "is locked (CKR_PIN_LOCKED); reset it with the SO PIN",
		    label);
	return brski_fail(e, BRSKI_ECONFIG, "token \"%s\": login failed: %s "
	    "(0x%lx)", label, rv_name(rv), (unsigned long)rv);
}

static enum brski_rc
token_get(struct p11_module *m, CK_SLOT_ID slot, const char *label,
    const uint8_t *pin, size_t pinlen, struct p11_token **out,
    struct brski_err *e)
{
	struct p11_token	*t;
	CK_SESSION_HANDLE	 sh;
	enum brski_rc		 rc;
	int			 ret;

	for (t = tokens; t != NULL; t = t->next)
		if (t->mod == m && t->slot == slot) {
			/* already logged in for this process */
			t->refs++;
			*out = t;
			return BRSKI_OK;
		}
	if ((rc = login(m, slot, label, pin, pinlen, &sh, e)) != BRSKI_OK)
		return rc;
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		m->dev.func->C_CloseSession(sh);
		return brski_fail(e, BRSKI_ENOMEM, "PKCS#11: out of memory");
	}
	/*
	 * wolfSSL takes the slot id as an int and, when it is negative,
	 * picks the first slot; SoftHSM's ids can be above INT_MAX.  Init
	 * without a login (the session is logged in already), then set
	 * the real slot id and our session: what wc_Pkcs11Token_Open()
	 * would store, without wolfSSL ever holding the PIN.
	 */
	ret = wc_Pkcs11Token_Init_NoLogin(&t->tok, &m->dev,
	    slot <= INT_MAX ? (int)slot : -1, NULL);
	if (ret != 0) {
		m->dev.func->C_CloseSession(sh);
		free(t);
		return brski_fail(e, BRSKI_ECONFIG, "token \"%s\": %s (%d)",
		    label, wc_GetErrorString(ret), ret);
	}
	t->tok.slotId = slot;
	t->tok.handle = sh;
	pthread_mutex_init(&t->lock, NULL);
	t->mod = m;
	m->refs++;
	t->slot = slot;
	t->refs = 1;
	t->next = tokens;
	tokens = t;
	*out = t;
	return BRSKI_OK;
}

/* Up to max handles of objects matching tmpl; *n found. */
static CK_RV
find_objects(struct p11_token *t, CK_ATTRIBUTE *tmpl, CK_ULONG count,
    CK_OBJECT_HANDLE *h, CK_ULONG max, CK_ULONG *n)
{
	CK_FUNCTION_LIST	*f = t->tok.func;
	CK_RV			 rv;

	*n = 0;
	if ((rv = f->C_FindObjectsInit(t->tok.handle, tmpl, count)) != CKR_OK)
		return rv;
	rv = f->C_FindObjects(t->tok.handle, h, max, n);
	f->C_FindObjectsFinal(t->tok.handle);
	return rv;
}

/* A template selecting class cls with u's (or k's) id or label. */
static CK_ULONG
select_tmpl(CK_ATTRIBUTE *tmpl, CK_OBJECT_CLASS *cls, const uint8_t *id,
    size_t id_len, const char *label)
{
	CK_ULONG	n = 0;

	tmpl[n++] = (CK_ATTRIBUTE){ CKA_CLASS, cls, sizeof(*cls) };
	if (id_len > 0)
		tmpl[n++] = (CK_ATTRIBUTE){ CKA_ID, (void *)id, id_len };
	if (label != NULL && label[0] != '\0')
		tmpl[n++] = (CK_ATTRIBUTE){ CKA_LABEL, (void *)label,
		    strlen(label) };
	return n;
}

static const struct {
	const uint8_t	*oid;
	size_t		 len;
	enum key_type	 type;
	int		 curve;
} p11_curves[] = {
	{ (const uint8_t *)"\x06\x08\x2a\x86\x48\xce\x3d\x03\x01\x07", 10,
	    KEY_EC_P256, ECC_SECP256R1 },
	{ (const uint8_t *)"\x06\x05\x2b\x81\x04\x00\x22", 7, KEY_EC_P384,
	    ECC_SECP384R1 },
	{ (const uint8_t *)"\x06\x05\x2b\x81\x04\x00\x23", 7, KEY_EC_P521,
	    ECC_SECP521R1 },
};

/* The private key's attributes, checked: EC, may sign. */
static enum brski_rc
check_private(struct p11_token *t, CK_OBJECT_HANDLE h, struct key_token *kt,
    enum key_type *type, int *curve, struct brski_err *e)
{
	CK_KEY_TYPE	kty = 0;
	CK_BBOOL	sign = CK_FALSE, ext = CK_TRUE, sens = CK_FALSE;
	uint8_t		params[P11_ATTR_MAX];
	CK_ATTRIBUTE	a[] = {
		{ CKA_KEY_TYPE, &kty, sizeof(kty) },
		{ CKA_SIGN, &sign, sizeof(sign) },
		{ CKA_ID, kt->id, sizeof(kt->id) },
		{ CKA_LABEL, kt->label, KEY_P11_LABEL_MAX },
		{ CKA_EC_PARAMS, params, sizeof(params) },
		{ CKA_EXTRACTABLE, &ext, sizeof(ext) },
		{ CKA_SENSITIVE, &sens, sizeof(sens) },
	}, v = { P11_CKA_VALUE, NULL, 0 };
	size_t		i;

	/* unreadable attributes come back as CK_UNAVAILABLE_INFORMATION */
	(void)t->tok.func->C_GetAttributeValue(t->tok.handle, h, a, 7);
	if (a[5].ulValueLen == P11_CK_UNAVAILABLE || ext != CK_FALSE)
		kt->flags |= KEY_TOKEN_EXTRACTABLE;
	if (a[6].ulValueLen == P11_CK_UNAVAILABLE || sens != CK_TRUE)
		kt->flags |= KEY_TOKEN_NOT_SENSITIVE;
	/* the private scalar itself: a guarded key refuses even its size */
	if (t->tok.func->C_GetAttributeValue(t->tok.handle, h, &v, 1) ==
	    CKR_OK && v.ulValueLen != P11_CK_UNAVAILABLE)
		kt->flags |= KEY_TOKEN_VALUE_READ;
	if (a[0].ulValueLen == P11_CK_UNAVAILABLE)
		return brski_fail(e, BRSKI_ECONFIG, "%s: cannot read the key "
		    "type", kt->desc);
	if (kty != CKK_EC)
		return brski_fail(e, BRSKI_ECONFIG, "%s is %s key (CKA_KEY_TYPE "
		    "0x%lx); only EC keys (P-256, P-384, P-521) are supported",
		    kt->desc, kty == CKK_RSA ? "an RSA" : "not an EC",
		    (unsigned long)kty);
	if (a[1].ulValueLen == P11_CK_UNAVAILABLE || sign != CK_TRUE)
		return brski_fail(e, BRSKI_ECONFIG, "%s may not sign "
		    "(CKA_SIGN is false)", kt->desc);
	kt->id_len = a[2].ulValueLen == P11_CK_UNAVAILABLE ? 0 :
	    a[2].ulValueLen;
	if (a[3].ulValueLen == P11_CK_UNAVAILABLE)
		a[3].ulValueLen = 0;
	kt->label[a[3].ulValueLen] = '\0';
	if (kt->id_len == 0 && kt->label[0] == '\0')
		return brski_fail(e, BRSKI_ECONFIG, "%s has neither CKA_ID nor "
		    "CKA_LABEL (or one over %d bytes): wolfSSL cannot name it",
		    kt->desc, KEY_P11_ID_MAX);
	for (i = 0; i < sizeof(p11_curves) / sizeof(p11_curves[0]); i++)
		if (a[4].ulValueLen == p11_curves[i].len &&
		    memcmp(params, p11_curves[i].oid, p11_curves[i].len) == 0) {
			*type = p11_curves[i].type;
			*curve = p11_curves[i].curve;
			return BRSKI_OK;
		}
	return brski_fail(e, BRSKI_ECONFIG, "%s is on a curve we do not "
	    "support (use P-256, P-384 or P-521)", kt->desc);
}

/*
 * The public key (CKA_EC_POINT of the public key object with the same
 * id, or label) into k: certificates, CSRs and our match checks need
 * it, and wolfSSL 5.5.4 cannot read it from a token.
 */
static enum brski_rc
load_public(struct p11_token *t, struct key_token *kt, struct brski_key *k,
    int curve, struct brski_err *e)
{
	CK_OBJECT_CLASS		cls = CKO_PUBLIC_KEY;
	CK_ATTRIBUTE		tmpl[3], a;
	CK_OBJECT_HANDLE	h[2];
	CK_ULONG		n;
	uint8_t			pt[P11_ATTR_MAX];
	struct der_tlv		tlv;
	const uint8_t		*p = pt;
	size_t			 len, raw = 1 + 2 * key_coord_size(k->type);
	int			 ret;

	n = select_tmpl(tmpl, &cls, kt->id, kt->id_len,
	    kt->id_len > 0 ? NULL : kt->label);
	if (find_objects(t, tmpl, n, h, 2, &n) != CKR_OK || n == 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s: no public key object "
		    "with the same %s in the token; it is needed to check the "
		    "certificate (keep it when generating the pair)", kt->desc,
		    kt->id_len > 0 ? "CKA_ID" : "CKA_LABEL");
	a = (CK_ATTRIBUTE){ CKA_EC_POINT, pt, sizeof(pt) };
	if (t->tok.func->C_GetAttributeValue(t->tok.handle, h[0], &a, 1) !=
	    CKR_OK || a.ulValueLen == P11_CK_UNAVAILABLE)
		return brski_fail(e, BRSKI_ECONFIG, "%s: cannot read the public "
		    "key (CKA_EC_POINT)", kt->desc);
	len = a.ulValueLen;
	/* PKCS#11 says DER OCTET STRING; some modules give the bare point */
	if (len != raw) {
		if (der_expect(pt, len, DER_OCTET_STRING, &tlv, NULL) !=
		    BRSKI_OK || tlv.raw_len != len)
			return brski_fail(e, BRSKI_ECONFIG, "%s: malformed "
			    "CKA_EC_POINT", kt->desc);
		p = tlv.val;
		len = tlv.len;
	}
	if (len != raw || p[0] != 0x04)
		return brski_fail(e, BRSKI_ECONFIG, "%s: CKA_EC_POINT is not an "
		    "uncompressed point of the key's curve", kt->desc);
	if ((ret = wc_ecc_import_x963_ex(p, (word32)len, &k->ecc, curve)) != 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s: bad public key: %s "
		    "(%d)", kt->desc, wc_GetErrorString(ret), ret);
	return BRSKI_OK;
}

/*
 * The device callback for one token key: serialise use of the token's
 * session, and give wolfSSL's PKCS7 key (which has only our device id)
 * this key's CKA_ID or label.
 */
static int
dev_cb(int devid, wc_CryptoInfo *info, void *ctx)
{
	struct key_token	*kt = ctx;
	ecc_key			*k;
	int			 ret;

	if (info->algo_type == WC_ALGO_TYPE_PK &&
	    info->pk.type == WC_PK_TYPE_ECDSA_SIGN) {
		k = info->pk.eccsign.key;
		if (k->idLen == 0 && k->labelLen == 0) {
			if (kt->id_len > 0) {
				memcpy(k->id, kt->id, kt->id_len);
				k->idLen = (int)kt->id_len;
			} else {
				k->labelLen = (int)strlen(kt->label);
				memcpy(k->label, kt->label, (size_t)k->labelLen);
			}
		}
	} else if (info->algo_type != WC_ALGO_TYPE_PK)
		return CRYPTOCB_UNAVAILABLE;	/* hashes etc.: software */
	pthread_mutex_lock(&kt->t->lock);
	ret = wc_Pkcs11_CryptoDevCb(devid, info, &kt->t->tok);
	pthread_mutex_unlock(&kt->t->lock);
	return ret;
}

/* Sign a test digest and check it with the public key read. */
static enum brski_rc
self_test(struct brski_key *k, struct brski_err *e)
{
	uint8_t		 md[WC_MAX_DIGEST_SIZE], sig[KEY_SIG_MAX], *spki = NULL;
	size_t		 mdlen, siglen, slen;
	enum brski_rc	 rc;

	mdlen = (size_t)wc_HashGetDigestSize(key_hash_type(k->type));
	if (wc_Hash(key_hash_type(k->type), (const uint8_t *)"brski", 5, md,
	    (word32)mdlen) != 0)
		return brski_fail(e, BRSKI_EIO, "hash failed");
	if ((rc = key_sign_digest(k, md, mdlen, sig, &siglen, e)) != BRSKI_OK)
		return brski_prefix(e, "%s: test signature: ",
		    k->token->desc);
	if ((rc = key_spki(k, &spki, &slen, e)) != BRSKI_OK)
		return rc;
	rc = key_verify_digest(spki, slen, md, mdlen, sig, siglen, e);
	free(spki);
	if (rc != BRSKI_OK)
		return brski_fail(e, BRSKI_ECONFIG, "%s: the public key object "
		    "does not match the private key", k->token->desc);
	return BRSKI_OK;
}

static enum brski_rc
find_private(struct p11_token *t, const struct key_pkcs11_uri *u,
    struct key_token *kt, CK_OBJECT_HANDLE *h, struct brski_err *e)
{
	CK_OBJECT_CLASS		cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE		tmpl[3];
	CK_OBJECT_HANDLE	hs[2];
	CK_ULONG		n;
	CK_RV			rv;

	n = select_tmpl(tmpl, &cls, u->id, u->id_len, u->object);
	if ((rv = find_objects(t, tmpl, n, hs, 2, &n)) != CKR_OK)
		return brski_fail(e, BRSKI_ECONFIG, "%s: C_FindObjects: 0x%lx",
		    kt->desc, (unsigned long)rv);
	if (n == 0)
		return brski_fail(e, BRSKI_ECONFIG, "%s: no such private key "
		    "in the token (see pkcs11-tool --list-objects --login)",
		    kt->desc);
	if (n > 1)
		return brski_fail(e, BRSKI_ECONFIG, "%s: more than one private "
		    "key matches; add id= to the URI", kt->desc);
	*h = hs[0];
	return BRSKI_OK;
}

static void
describe(struct key_token *kt, const char *token,
    const struct key_pkcs11_uri *u)
{
	char	id[2 * 8 + 4] = "";
	size_t	i;

	for (i = 0; i < u->id_len && i < 8; i++)
		snprintf(id + 2 * i, sizeof(id) - 2 * i, "%02x", u->id[i]);
	if (u->id_len > 8)
		snprintf(id + 16, sizeof(id) - 16, "..");
	snprintf(kt->desc, sizeof(kt->desc), "key %s%s%s%s%s in token \"%s\"",
	    u->object[0] != '\0' ? "\"" : "", u->object,
	    u->object[0] != '\0' ? "\"" : "",
	    u->id_len > 0 ? (u->object[0] != '\0' ? " id " : "id ") : "", id,
	    token);
}

static enum brski_rc
make_key(struct p11_token *t, const struct key_pkcs11_uri *u,
    const char *token, struct brski_key **out, struct brski_err *e)
{
	struct brski_key	*k = NULL;
	struct key_token	*kt;
	CK_OBJECT_HANDLE	 h = 0;
	int			 curve = 0, ret;
	enum brski_rc		 rc;

	if ((kt = calloc(1, sizeof(*kt))) == NULL ||
	    (k = calloc(1, sizeof(*k))) == NULL) {
		free(kt);
		return brski_fail(e, BRSKI_ENOMEM, "PKCS#11: out of memory");
	}
	kt->t = t;
	kt->devid = INVALID_DEVID;
	k->token = kt;
	k->devid = INVALID_DEVID;
	describe(kt, token, u);
	if ((rc = find_private(t, u, kt, &h, e)) != BRSKI_OK ||
	    (rc = check_private(t, h, kt, &k->type, &curve, e)) != BRSKI_OK)
		goto fail;
	k->devid = next_devid++;
	ret = kt->id_len > 0 ?
	    wc_ecc_init_id(&k->ecc, kt->id, (int)kt->id_len, NULL, k->devid) :
	    wc_ecc_init_label(&k->ecc, kt->label, NULL, k->devid);
	if (ret != 0) {
		k->devid = INVALID_DEVID;
		rc = brski_fail(e, BRSKI_ECONFIG, "%s: %s (%d)", kt->desc,
		    wc_GetErrorString(ret), ret);
		goto fail;
	}
	if ((rc = load_public(t, kt, k, curve, e)) != BRSKI_OK)
		goto fail;
	if ((ret = wc_CryptoCb_RegisterDevice(k->devid, dev_cb, kt)) != 0) {
		rc = brski_fail(e, BRSKI_ECONFIG, "%s: cannot register the "
		    "device: %s (%d)", kt->desc, wc_GetErrorString(ret), ret);
		goto fail;
	}
	kt->devid = k->devid;
	if ((rc = self_test(k, e)) != BRSKI_OK)
		goto fail;
	*out = k;
	return BRSKI_OK;
fail:
	/* not key_free(): we hold reg_lock, and the caller the token */
	if (kt->devid != INVALID_DEVID)
		wc_CryptoCb_UnRegisterDevice(kt->devid);
	if (k->devid != INVALID_DEVID)	/* wc_ecc_init_id() succeeded */
		wc_ecc_free(&k->ecc);
	secret_wipe(kt, sizeof(*kt));
	free(kt);
	free(k);
	return rc;
}

/*
 * Open the EC private key u names in a token of the PKCS#11 module at
 * path module, logging in with pin (which is not kept: the caller
 * wipes it).  Checks before it returns: the token exists, the PIN is
 * right, exactly one private key matches, it is EC on P-256/384/521
 * with CKA_SIGN, its public key object is there and matches (a test
 * signature).  Each failure names what was wrong.  *out (key_free())
 * signs in the token; its private half cannot be exported.
 */
enum brski_rc
key_open_pkcs11(const char *module, const struct key_pkcs11_uri *u,
    const uint8_t *pin, size_t pinlen, struct brski_key **out,
    struct brski_err *e)
{
	struct p11_module	*m = NULL;
	struct p11_token	*t = NULL;
	CK_SLOT_ID		 slot = 0;
	char			 label[KEY_P11_LABEL_MAX + 1];
	enum brski_rc		 rc;

	*out = NULL;
	if (pin == NULL || pinlen == 0 || pinlen > KEY_PIN_MAX)
		return brski_fail(e, BRSKI_EINVAL, "PKCS#11: a PIN of %zu "
		    "bytes (1..%d)", pin == NULL ? 0 : pinlen, KEY_PIN_MAX);
	pthread_mutex_lock(&reg_lock);
	if ((rc = module_get(module, &m, e)) != BRSKI_OK)
		goto out;
	if ((rc = find_slot(m, u, &slot, label, e)) == BRSKI_OK &&
	    (rc = token_get(m, slot, label, pin, pinlen, &t, e)) == BRSKI_OK &&
	    (rc = make_key(t, u, label, out, e)) != BRSKI_OK)
		token_put(t);
	module_put(m);	/* the token holds its own reference */
out:
	pthread_mutex_unlock(&reg_lock);
	return rc;
}

int
key_in_token(const struct brski_key *k)
{
	return k != NULL && k->token != NULL;
}

/* KEY_TOKEN_* bits: what the token lets out about the private key. */
unsigned
key_token_flags(const struct brski_key *k)
{
	return key_in_token(k) ? k->token->flags : 0;
}

/* "key "x" in token "y"" for token keys, for log lines. */
const char *
key_describe(const struct brski_key *k)
{
	return key_in_token(k) ? k->token->desc : "key file";
}

/* key_free()'s part for a token key: device, session, module. */
void
key_token_release(struct key_token *kt)
{
	if (kt == NULL)
		return;
	pthread_mutex_lock(&reg_lock);
	if (kt->devid != INVALID_DEVID)
		wc_CryptoCb_UnRegisterDevice(kt->devid);
	token_put(kt->t);
	pthread_mutex_unlock(&reg_lock);
	secret_wipe(kt, sizeof(*kt));
	free(kt);
}

#endif /* HAVE_PKCS11 */
