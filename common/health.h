/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Health checks of a daemon (GET /healthz): a report is a short list of
 * named checks, each ok or failed with a one-line detail.  Helpers check
 * a certificate chain against an expiry window and a private key against
 * its certificate; the report becomes a small JSON document, and
 * health_note() logs a line when a check changes state, not per probe.
 */
#ifndef BRSKI_HEALTH_H
#define BRSKI_HEALTH_H

#include <pthread.h>
#include <stddef.h>
#include <time.h>

#include "err.h"
#include "key.h"
#include "x509.h"

#define HEALTH_CHECKS_MAX	12
#define HEALTH_NAME_MAX		32
#define HEALTH_DETAIL_MAX	200

struct health_check {
	char	name[HEALTH_NAME_MAX];
	int	ok;
	char	detail[HEALTH_DETAIL_MAX];
};

struct health_report {
	struct health_check	c[HEALTH_CHECKS_MAX];
	size_t			n;
};

/* What the last report said, for logging changes only. */
struct health_state {
	pthread_mutex_t		lock;
	struct health_report	last;
	int			have_last;
};

void		 health_add(struct health_report *, const char *, int,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
void		 health_cert(struct health_report *, const char *,
		    const struct x509_list *, time_t, long);
void		 health_key(struct health_report *, const char *,
		    const struct brski_key *const *, const struct x509_cert *const *,
		    size_t);
int		 health_ok(const struct health_report *);
enum brski_rc	 health_json(const struct health_report *, char **, size_t *,
		    struct brski_err *);
void		 health_state_init(struct health_state *);
void		 health_state_free(struct health_state *);
void		 health_note(struct health_state *, const char *,
		    const struct health_report *);

#endif /* BRSKI_HEALTH_H */
