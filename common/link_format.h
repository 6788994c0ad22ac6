/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CoRE Link Format (RFC 6690) as a join proxy answers discovery
 * (constrained join proxy draft 6): <>;brski-jp=PORT.
 */
#ifndef BRSKI_LINK_FORMAT_H
#define BRSKI_LINK_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define LINK_FORMAT_MAX	1024	/* one short link is the expected answer */

enum brski_rc	link_format_jp_port(const uint8_t *, size_t, unsigned *,
		    struct brski_err *);

#endif /* BRSKI_LINK_FORMAT_H */
