/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 3339 date-and-time (YANG yang:date-and-time): strict parsing to
 * UTC seconds, and formatting as "YYYY-MM-DDTHH:MM:SSZ".
 */
#ifndef BRSKI_RFC3339_H
#define BRSKI_RFC3339_H

#include <stddef.h>
#include <time.h>

#include "err.h"

#define RFC3339_MAX 40	/* longest text we accept, incl. fraction */
/* 9999-12-31T23:59:59Z: the last instant with a four-digit year */
#define RFC3339_TIME_MAX ((time_t)253402300799LL)

enum brski_rc	rfc3339_parse(const char *, size_t, time_t *,
		    struct brski_err *);
char		*rfc3339_format(time_t, char *, size_t);

#endif /* BRSKI_RFC3339_H */
