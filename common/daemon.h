/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the programs' main() functions share: the start-up sequence
 * around conf (help, version, default file, log level), required
 * settings, certificate lists named in the configuration, and waiting
 * for SIGTERM/SIGINT while server threads run.
 */
#ifndef BRSKI_DAEMON_H
#define BRSKI_DAEMON_H

#include <signal.h>
#include <string.h>

#include "conf.h"
#include "err.h"
#include "key.h"
#include "x509.h"

/* the options daemon_load_key() reads, for each program's table */
#define DAEMON_PKCS11_OPTS \
	{ "pkcs11-module", CFG_PATH, NULL, 0, 0, \
	    "PKCS#11 module for keys given as pkcs11: URIs" }, \
	{ "pkcs11-pin-file", CFG_PATH, NULL, 0, 0, \
	    "file with the token's user PIN (mode 0600 or stricter)" }, \
	{ "pkcs11-pin-env", CFG_STR, NULL, 0, 0, \
	    "environment variable with the token's user PIN" }

/* what daemon_start() decided */
enum daemon_start {
	DAEMON_RUN = 0,		/* go on */
	DAEMON_EXIT_OK,		/* --help or --version was printed */
	DAEMON_EXIT_USAGE,	/* bad command line or configuration */
};

enum daemon_start daemon_start(struct conf *, const char *, const char *,
		    const char *, const struct conf_opt *, int, char **, int *);
enum brski_rc	daemon_need(const struct conf *, const char *,
		    struct brski_err *);
enum brski_rc	daemon_load_key(const struct conf *, const char *,
		    struct brski_key **, struct brski_err *);
enum brski_rc	daemon_load_certs(const struct conf *, const char *,
		    struct x509_list *, int, struct brski_err *);
void		daemon_block_signals(sigset_t *);
int		daemon_wait(sigset_t *);

/* "[" and "]" around an IPv6 literal put in a URL (RFC 3986 3.2.2) */
#define DAEMON_URL_LB(host)	(strchr((host), ':') != NULL ? "[" : "")
#define DAEMON_URL_RB(host)	(strchr((host), ':') != NULL ? "]" : "")

#endif /* BRSKI_DAEMON_H */
