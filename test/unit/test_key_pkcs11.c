/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for common/key_pkcs11.c: the RFC 7512 URI parser, the PIN
 * reader (file modes, environment wiping), and, when SoftHSM2 and
 * pkcs11-tool are installed, token keys themselves: signing, refusing
 * export, two keys sharing one token session.
 */
#include "config.h"

#include <sys/stat.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/settings.h>
#include <wolfssl/wolfcrypt/hash.h>

#include "testutil.h"
#include "fileio.h"
#include "key.h"
#include "key_pkcs11.h"
#include "secret.h"

#define SOFTHSM_MODULE	"/usr/lib/softhsm/libsofthsm2.so"

static int
setup(void **state)
{
	*state = tu_tmpdir();
	return 0;
}

static int
teardown(void **state)
{
	tu_rmdir(*state);
	return 0;
}

static void
test_uri_parses_token_object_id(void **state)
{
	struct key_pkcs11_uri	u;
	struct brski_err	e = { 0 };

	(void)state;
	assert_rc(key_pkcs11_uri_parse("pkcs11:token=My%20HSM;object=signer;"
	    "id=%01%a2;type=private", &u, &e), BRSKI_OK, &e);
	assert_string_equal(u.token, "My HSM");
	assert_string_equal(u.object, "signer");
	assert_int_equal(u.id_len, 2);
	assert_int_equal(u.id[0], 0x01);
	assert_int_equal(u.id[1], 0xa2);
	assert_int_equal(u.has_slot, 0);
	assert_string_equal(u.module, "");
	assert_rc(key_pkcs11_uri_parse("PKCS11:slot-id=4294967295;id=%07"
	    "?module-path=/usr/lib/softhsm/libsofthsm2.so", &u, &e), BRSKI_OK,
	    &e);
	assert_int_equal(u.has_slot, 1);
	assert_true(u.slot == 4294967295UL);
	assert_string_equal(u.module, "/usr/lib/softhsm/libsofthsm2.so");
	assert_rc(key_pkcs11_uri_parse("pkcs11:serial=0123abcd;object=k", &u,
	    &e), BRSKI_OK, &e);
	assert_string_equal(u.serial, "0123abcd");
	assert_true(key_is_pkcs11_uri("pkcs11:token=a"));
	assert_false(key_is_pkcs11_uri("/etc/brski/pkcs11:token=a"));
	assert_false(key_is_pkcs11_uri(NULL));
}

static void
test_uri_rejects_bad(void **state)
{
	static const struct {
		const char	*uri;
		const char	*why;
	} bad[] = {
		{ "file:token=a;object=b", "must start with pkcs11:" },
		{ "pkcs11:object=b", "names no token" },
		{ "pkcs11:token=a", "names no key" },
		{ "pkcs11:token=a;objekt=b", "\"objekt\" is not supported" },
		{ "pkcs11:token=a;object=b?pin-value=1234", "no PIN in the URI" },
		{ "pkcs11:token=a;object=b?pin-source=file:/x",
		    "no PIN in the URI" },
		{ "pkcs11:token=a;object=b?module-name=softhsm",
		    "only module-path" },
		{ "pkcs11:token=a;object=%G1", "bad %-escape" },
		{ "pkcs11:token=a;object=b%4", "bad %-escape" },
		{ "pkcs11:token=a;object=b%", "bad %-escape" },
		{ "pkcs11:token=a;object=a%00b", "holds a NUL" },
		{ "pkcs11:token=;object=b", "is empty" },
		{ "pkcs11:token=a;object=two words", "write spaces" },
		{ "pkcs11:token=a;object=b;type=public", "type=private" },
		{ "pkcs11:slot-id=-1;object=b", "not a number" },
		{ "pkcs11:slot-id=12x;object=b", "not a number" },
		{ "pkcs11:token=a;object", "without '='" },
		{ "pkcs11:token=a;object=b?module-path", "without '='" },
		{ "pkcs11:token=0123456789012345678901234567890123;object=b",
		    "longer than 32" },
		{ "pkcs11:token=a;id=%00%01%02%03%04%05%06%07%08%09%0a%0b%0c%0d"
		    "%0e%0f%10%11%12%13%14%15%16%17%18%19%1a%1b%1c%1d%1e%1f%20",
		    "longer than 32" },
	};
	struct key_pkcs11_uri	u;
	struct brski_err	e = { 0 };
	char			long_uri[KEY_P11_URI_MAX + 32];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_rc(key_pkcs11_uri_parse(bad[i].uri, &u, &e),
		    BRSKI_ECONFIG, &e);
		if (strstr(e.msg, bad[i].why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].uri, e.msg,
			    bad[i].why);
	}
	memset(long_uri, 'a', sizeof(long_uri) - 1);
	long_uri[sizeof(long_uri) - 1] = '\0';
	memcpy(long_uri, "pkcs11:token=", 13);
	assert_rc(key_pkcs11_uri_parse(long_uri, &u, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "longer than"));
}

static char *
write_pin(const char *dir, const char *name, const char *text, mode_t mode)
{
	char		*p = tu_path(dir, name);
	FILE		*f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void
test_pin_file_modes(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*pin = NULL;
	size_t			 len = 0;
	char			*p, *big;

	p = write_pin(*state, "pin", "1234\n", 0600);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_OK, &e);
	assert_int_equal(len, 4);
	assert_memory_equal(pin, "1234", 4);
	secret_free(pin, len);
	free(p);
	p = write_pin(*state, "pin-crlf", "ab cd\r\n", 0400);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_OK, &e);
	assert_int_equal(len, 5);
	assert_memory_equal(pin, "ab cd", 5);
	secret_free(pin, len);
	free(p);
	p = write_pin(*state, "pin644", "1234\n", 0644);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "is mode 0644; chmod 600"));
	assert_null(pin);
	free(p);
	p = write_pin(*state, "pin640", "1234\n", 0640);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "mode 0640"));
	free(p);
	p = write_pin(*state, "pin604", "1234\n", 0604);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	free(p);
	p = write_pin(*state, "empty", "\n", 0600);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "empty"));
	free(p);
	p = write_pin(*state, "two", "12\n34\n", 0600);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "one line"));
	free(p);
	big = calloc(1, KEY_PIN_MAX + 8);
	memset(big, '7', KEY_PIN_MAX + 4);
	p = write_pin(*state, "big", big, 0600);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "longer than"));
	free(big);
	free(p);
	/* a symbolic link is not followed; a directory is not a file */
	p = tu_path(*state, "link");
	assert_int_equal(symlink("pin", p), 0);
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	free(p);
	assert_rc(key_pin_read(*state, NULL, &pin, &len, &e), BRSKI_ECONFIG,
	    &e);
	p = tu_path(*state, "missing");
	assert_rc(key_pin_read(p, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	free(p);
}

static void
test_pin_env_is_wiped(void **state)
{
	struct brski_err	 e = { 0 };
	uint8_t			*pin = NULL;
	size_t			 len = 0;
	char			*v;

	(void)state;
	assert_int_equal(setenv("BRSKI_UNIT_PIN", "s3cret", 1), 0);
	v = getenv("BRSKI_UNIT_PIN");	/* the environment's own copy */
	assert_rc(key_pin_read(NULL, "BRSKI_UNIT_PIN", &pin, &len, &e),
	    BRSKI_OK, &e);
	assert_int_equal(len, 6);
	assert_memory_equal(pin, "s3cret", 6);
	secret_free(pin, len);
	assert_null(getenv("BRSKI_UNIT_PIN"));
	/* glibc keeps setenv()'s string after unsetenv(): it was wiped */
	assert_memory_equal(v, "\0\0\0\0\0\0", 6);
	assert_rc(key_pin_read(NULL, "BRSKI_UNIT_PIN", &pin, &len, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "is not set"));
	assert_rc(key_pin_read("/x", "Y", &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "not both"));
	assert_rc(key_pin_read(NULL, NULL, &pin, &len, &e), BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "needs its user PIN"));
}

static void
test_key_open_errors(void **state)
{
	struct key_pkcs11_opts	 o = { .module = NULL };
	struct brski_key	*k = NULL;
	struct brski_err	 e = { 0 };
	char			*pin, *mod;

	pin = write_pin(*state, "pin", "1234\n", 0600);
	/* a path is a key file */
	mod = tu_path(*state, "no.key");
	assert_int_not_equal(key_open(mod, &o, &k, &e), BRSKI_OK);
	assert_null(k);
	free(mod);
	assert_rc(key_open("pkcs11:token=a;object=b", &o, &k, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "set pkcs11-module"));
	mod = tu_path(*state, "nosuch.so");
	o.module = mod;
	o.pin_file = pin;
	assert_rc(key_open("pkcs11:token=a;object=b", &o, &k, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "No such file"));
	assert_null(k);
	/* PIN sanity before the module sees it */
	{
		struct key_pkcs11_uri	u;
		uint8_t			p[KEY_PIN_MAX + 1] = { '1' };

		assert_rc(key_pkcs11_uri_parse("pkcs11:token=a;object=b", &u,
		    &e), BRSKI_OK, &e);
		assert_rc(key_open_pkcs11(mod, &u, p, 0, &k, &e), BRSKI_EINVAL,
		    &e);
		assert_rc(key_open_pkcs11(mod, &u, p, sizeof(p), &k, &e),
		    BRSKI_EINVAL, &e);
		assert_rc(key_open_pkcs11(mod, &u, NULL, 4, &k, &e),
		    BRSKI_EINVAL, &e);
		assert_null(k);
	}
	o.module = pin;		/* exists, is no shared object */
	assert_rc(key_open("pkcs11:token=a;object=b", &o, &k, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "is not a PKCS#11 module"));
	free(mod);
	free(pin);
}

/* A SoftHSM2 token in dir with EC keys "a" (id 01) and "b" (id 02). */
static int
make_token(const char *dir)
{
	char	cmd[4096];
	FILE	*f;
	char	*conf = tu_path(dir, "softhsm2.conf");

	void	*mod;

	if (access(SOFTHSM_MODULE, R_OK) != 0 ||
	    system("command -v softhsm2-util >/dev/null && "
	    "command -v pkcs11-tool >/dev/null") != 0) {
		free(conf);
		return 0;
	}
	/* a cross-built test under qemu finds the build machine's module,
	 * which this architecture cannot load: nothing to test here */
	if ((mod = dlopen(SOFTHSM_MODULE, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "skipping the token tests: %s\n", dlerror());
		free(conf);
		return 0;
	}
	dlclose(mod);
	f = fopen(conf, "w");
	assert_non_null(f);
	fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\n"
	    "log.level = ERROR\n", dir);
	fclose(f);
	setenv("SOFTHSM2_CONF", conf, 1);
	free(conf);
	snprintf(cmd, sizeof(cmd), "softhsm2-util --init-token --free "
	    "--label unit --so-pin 87654321 --pin 1234 >/dev/null && "
	    "pkcs11-tool --module %s --token-label unit --login --pin 1234 "
	    "--keypairgen --key-type EC:prime256v1 --label a --id 01 "
	    ">/dev/null && "
	    "pkcs11-tool --module %s --token-label unit --login --pin 1234 "
	    "--keypairgen --key-type EC:secp384r1 --label b --id 02 "
	    ">/dev/null", SOFTHSM_MODULE, SOFTHSM_MODULE);
	assert_int_equal(system(cmd), 0);
	/* "nopub": its public key object deleted; "dup": two keys */
	snprintf(cmd, sizeof(cmd), "P='pkcs11-tool --module %s --token-label "
	    "unit --login --pin 1234'; $P --keypairgen --key-type "
	    "EC:prime256v1 --label nopub --id 03 >/dev/null && $P "
	    "--delete-object --type pubkey --label nopub >/dev/null && $P "
	    "--keypairgen --key-type EC:prime256v1 --label dup --id 04 "
	    ">/dev/null && $P --keypairgen --key-type EC:prime256v1 --label "
	    "dup --id 05 >/dev/null", SOFTHSM_MODULE);
	assert_int_equal(system(cmd), 0);
	return 1;
}

static void
sign_check(const struct brski_key *k)
{
	struct brski_err	 e = { 0 };
	uint8_t			 md[WC_MAX_DIGEST_SIZE], sig[KEY_SIG_MAX];
	uint8_t			*spki = NULL;
	size_t			 mdlen, siglen, slen;

	mdlen = (size_t)wc_HashGetDigestSize(key_hash_type(k->type));
	memset(md, 0x5a, mdlen);
	assert_rc(key_sign_digest(k, md, mdlen, sig, &siglen, &e), BRSKI_OK,
	    &e);
	assert_rc(key_spki(k, &spki, &slen, &e), BRSKI_OK, &e);
	assert_rc(key_verify_digest(spki, slen, md, mdlen, sig, siglen, &e),
	    BRSKI_OK, &e);
	md[0] ^= 1;
	assert_rc(key_verify_digest(spki, slen, md, mdlen, sig, siglen, &e),
	    BRSKI_EVERIFY, &e);
	free(spki);
}

static void
test_token_keys(void **state)
{
	struct key_pkcs11_opts	 o = { .module = SOFTHSM_MODULE };
	struct brski_key	*a = NULL, *b = NULL, *a2 = NULL;
	struct brski_err	 e = { 0 };
	uint8_t			*der = NULL;
	size_t			 len;
	char			*pin, *out, *link;

	if (!make_token(*state))
		skip();
	pin = write_pin(*state, "pin", "1234\n", 0600);
	o.pin_file = pin;
	assert_rc(key_open("pkcs11:token=unit;object=a", &o, &a, &e),
	    BRSKI_OK, &e);
	assert_true(key_in_token(a));
	assert_int_equal(a->type, KEY_EC_P256);
	assert_int_equal(key_token_flags(a), 0);
	/* the same module by another path: one C_Initialize, not two */
	link = tu_path(*state, "alias.so");
	assert_int_equal(symlink(SOFTHSM_MODULE, link), 0);
	o.module = link;
	assert_rc(key_open("pkcs11:token=unit;id=%02", &o, &b, &e), BRSKI_OK,
	    &e);
	o.module = SOFTHSM_MODULE;
	free(link);
	assert_int_equal(b->type, KEY_EC_P384);
	assert_rc(key_open("pkcs11:token=unit;object=a;id=%01", &o, &a2, &e),
	    BRSKI_OK, &e);
	assert_int_not_equal(a->devid, a2->devid);
	assert_non_null(strstr(key_describe(b), "id 02 in token \"unit\""));
	sign_check(a);
	sign_check(b);
	/* the private half never comes out */
	assert_rc(key_to_der(a, &der, &len, &e), BRSKI_EINVAL, &e);
	assert_non_null(strstr(e.msg, "PKCS#11 token"));
	assert_rc(key_to_pkcs8(a, &der, &len, &e), BRSKI_EINVAL, &e);
	out = tu_path(*state, "a.key");
	assert_rc(key_save(a, out, &e), BRSKI_EINVAL, &e);
	assert_int_equal(access(out, F_OK), -1);
	free(out);
	/* one session per token: freeing one key keeps the others working */
	key_free(a);
	sign_check(b);
	sign_check(a2);
	key_free(b);
	sign_check(a2);
	key_free(a2);
	/* and after all are gone the module can be loaded afresh */
	assert_rc(key_open("pkcs11:token=unit;object=a", &o, &a, &e),
	    BRSKI_OK, &e);
	sign_check(a);
	key_free(a);
	/* a matching object of the wrong class, a missing one */
	assert_rc(key_open("pkcs11:token=unit;object=c", &o, &a, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "no such private key"));
	assert_rc(key_open("pkcs11:token=unit;object=a;id=%02", &o, &a, &e),
	    BRSKI_ECONFIG, &e);
	assert_rc(key_open("pkcs11:token=unit;object=nopub", &o, &a, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "no public key object"));
	assert_rc(key_open("pkcs11:token=unit;object=dup", &o, &a, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "more than one private key"));
	assert_rc(key_open("pkcs11:token=unit;object=dup;id=%05", &o, &a, &e),
	    BRSKI_OK, &e);
	sign_check(a);
	key_free(a);
	a = NULL;
	free(pin);
	pin = write_pin(*state, "badpin", "4321\n", 0600);
	o.pin_file = pin;
	assert_rc(key_open("pkcs11:token=unit;object=a", &o, &a, &e),
	    BRSKI_ECONFIG, &e);
	assert_non_null(strstr(e.msg, "wrong PIN"));
	assert_null(a);
	free(pin);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri_parses_token_object_id),
		cmocka_unit_test(test_uri_rejects_bad),
		cmocka_unit_test_setup_teardown(test_pin_file_modes, setup,
		    teardown),
		cmocka_unit_test(test_pin_env_is_wiped),
		cmocka_unit_test_setup_teardown(test_key_open_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_token_keys, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
