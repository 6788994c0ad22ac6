/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Start-up shared by brski-masa, brski-registrar and brski-pledge (see
 * daemon.h).  Configuration errors are all reported before anything
 * opens a socket.
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wolfssl/options.h>
#include <wolfssl/version.h>

#include "daemon.h"
#include "key_pkcs11.h"
#include "log.h"

static int
set_log(const struct conf *c, const char *ident, struct brski_err *e)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	const char	*l = conf_str(c, "log-level");
	int		 i, v = conf_flag(c, 'v');

	for (i = 0; i < 4; i++)
		if (l != NULL && strcmp(l, names[i]) == 0) {
			/* -d, or no syslog wanted (tests): stderr */
			log_init(ident, conf_flag(c, 'd') ||
			    getenv("BRSKI_LOG_STDERR") != NULL,
			    (enum log_level)(i + v > 3 ? 3 : i + v));
			return 0;
		}
	brski_fail(e, BRSKI_ECONFIG, "log-level %s: use error, warn, info or "
	    "debug", l ? l : "(unset)");
	return -1;
}

/*
 * Parse the command line, print --help/--version, load the named or the
 * default configuration file (if it exists), set up logging.  *first is
 * the first non-option argument.
 */
enum daemon_start
daemon_start(struct conf *c, const char *prog, const char *synopsis,
    const char *default_file, const struct conf_opt *opts, int argc,
    char **argv, int *first)
{
	struct brski_err	e = { 0 };

	if (conf_parse_args(c, argc, argv, first, &e) != BRSKI_OK)
		goto bad;
	if (conf_flag(c, 'h')) {
		conf_usage(stdout, prog, synopsis, opts);
		return DAEMON_EXIT_OK;
	}
	if (conf_flag(c, 'V')) {
		printf("%s %s (wolfSSL %s)\n", prog, PACKAGE_VERSION,
		    LIBWOLFSSL_VERSION_STRING);
		return DAEMON_EXIT_OK;
	}
	if (conf_file(c) == NULL && default_file != NULL &&
	    access(default_file, R_OK) == 0 &&
	    conf_load_file(c, default_file, &e) != BRSKI_OK)
		goto bad;
	if (set_log(c, prog, &e) != 0)
		goto bad;
	return DAEMON_RUN;
bad:
	fprintf(stderr, "%s: %s\n", prog, e.msg);
	return DAEMON_EXIT_USAGE;
}

enum brski_rc
daemon_need(const struct conf *c, const char *name, struct brski_err *e)
{
	if (conf_str(c, name) == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "%s is not set (configuration "
		    "file or --%s)", name, name);
	return BRSKI_OK;
}

/*
 * Open the private key that option name gives: a PEM file, or a key in
 * a PKCS#11 token named by an RFC 7512 URI (pkcs11:token=...;object=...),
 * with the module and PIN from the DAEMON_PKCS11_OPTS options, which
 * the program's table must have.  Errors name the option.
 */
enum brski_rc
daemon_load_key(const struct conf *c, const char *name, struct brski_key **k,
    struct brski_err *e)
{
	struct key_pkcs11_opts	o;
	enum brski_rc		rc;

	memset(&o, 0, sizeof(o));
	o.module = conf_str(c, "pkcs11-module");
	o.pin_file = conf_str(c, "pkcs11-pin-file");
	o.pin_env = conf_str(c, "pkcs11-pin-env");
	if ((rc = daemon_need(c, name, e)) != BRSKI_OK)
		return rc;
	if ((rc = key_open(conf_str(c, name), &o, k, e)) != BRSKI_OK)
		return brski_prefix(e, "%s: ", name);
	if (key_token_flags(*k) != 0)
		log_warn("%s: the %s can leave its token (%s%s%s); make keys "
		    "with CKA_EXTRACTABLE false and CKA_SENSITIVE true", name,
		    key_describe(*k),
		    key_token_flags(*k) & KEY_TOKEN_EXTRACTABLE ?
		    " CKA_EXTRACTABLE" : "",
		    key_token_flags(*k) & KEY_TOKEN_NOT_SENSITIVE ?
		    " not CKA_SENSITIVE" : "",
		    key_token_flags(*k) & KEY_TOKEN_VALUE_READ ?
		    " CKA_VALUE readable" : "");
	return BRSKI_OK;
}

/* Append the certificates of every file given for key name to l. */
enum brski_rc
daemon_load_certs(const struct conf *c, const char *name,
    struct x509_list *l, int required, struct brski_err *e)
{
	const char *const	*v;
	size_t			 n, i;

	n = conf_list(c, name, &v);
	if (n == 0 && required)
		return brski_fail(e, BRSKI_ECONFIG, "%s is not set (configuration "
		    "file or --%s)", name, name);
	for (i = 0; i < n; i++)
		if (x509_list_load(v[i], l, e) != BRSKI_OK)
			return brski_prefix(e, "%s: ", name);
	return BRSKI_OK;
}

/*
 * Block SIGTERM and SIGINT in this thread (and the server threads it
 * starts afterwards), so that daemon_wait() receives them; ignore
 * SIGPIPE (a peer closing mid-write is an error return, not a death).
 */
void
daemon_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Wait for SIGTERM or SIGINT; returns the signal. */
int
daemon_wait(sigset_t *set)
{
	int	sig = 0;

	sigwait(set, &sig);
	log_info("signal %d: stopping", sig);
	return sig;
}
