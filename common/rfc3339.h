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

enum brski_rc	rfc3339_parse(const char *, size_t, time_t *,
		    struct brski_err *);
char		*rfc3339_format(time_t, char *, size_t);

#endif /* BRSKI_RFC3339_H */
