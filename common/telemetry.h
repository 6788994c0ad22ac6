/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pledge status telemetry (RFC 8995 5.7 voucher_status, 5.9.4
 * enrollstatus): {"version": uint, "status": bool, "reason": text,
 * "reason-context": {...}} as JSON (HTTPS) or CBOR with the same text
 * keys (cBRSKI).
 */
#ifndef BRSKI_TELEMETRY_H
#define BRSKI_TELEMETRY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TELEMETRY_MAX		(8 * 1024)	/* a status report is tiny */
#define TELEMETRY_REASON_MAX	1024

struct telemetry {
	long	 version;
	int	 status;
	char	*reason;		/* NULL if absent */
	char	*context;		/* reason-context as compact JSON, or NULL */
	int	 unknown_fields;	/* how many were ignored */
};

enum brski_rc	telemetry_to_json(const struct telemetry *, char **, size_t *,
		    struct brski_err *);
enum brski_rc	telemetry_parse_json(const uint8_t *, size_t,
		    struct telemetry *, struct brski_err *);
enum brski_rc	telemetry_to_cbor(const struct telemetry *, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	telemetry_parse_cbor(const uint8_t *, size_t,
		    struct telemetry *, struct brski_err *);
void		telemetry_clear(struct telemetry *);

#endif /* BRSKI_TELEMETRY_H */
