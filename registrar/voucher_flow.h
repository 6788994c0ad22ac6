/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's voucher exchange without the transport, shared by the
 * HTTPS resources (RFC 8995) and the CoAPS ones (cBRSKI): PVR checks,
 * the enrollment policy, the MASA round trip, the voucher check; and
 * the pledge's status reports.  Results are HTTP statuses with a reason.
 */
#ifndef BRSKI_REGISTRAR_VOUCHER_FLOW_H
#define BRSKI_REGISTRAR_VOUCHER_FLOW_H

#include "registrar.h"
#include "telemetry.h"

struct vflow {
	int	 status;	/* 200, 202, 400, 401, 403, 404, 406, 500, 502 */
	char	 why[320];
	uint8_t	*voucher;	/* for the pledge, on 200 */
	size_t	 voucher_len;
};

void	vflow_run(struct registrar *, const uint8_t *, size_t, int,
	    const struct x509_list *, const char *, struct vflow *);
void	vflow_clear(struct vflow *);
int	vflow_report(struct registrar *, const char *, const struct telemetry *,
	    const struct x509_list *, const char *);

#endif /* BRSKI_REGISTRAR_VOUCHER_FLOW_H */
