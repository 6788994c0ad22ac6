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

#include "conf.h"
#include "err.h"
#include "x509.h"

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
enum brski_rc	daemon_load_certs(const struct conf *, const char *,
		    struct x509_list *, int, struct brski_err *);
void		daemon_block_signals(sigset_t *);
int		daemon_wait(sigset_t *);

#endif /* BRSKI_DAEMON_H */
