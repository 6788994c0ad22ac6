/* SPDX-License-Identifier: BSD-2-Clause */
/* The MASA's HTTPS resource handlers (service.c). */
#ifndef BRSKI_MASA_SERVICE_H
#define BRSKI_MASA_SERVICE_H

#include "httpd.h"
#include "masa.h"

void	masa_on_requestvoucher(struct httpd_req *, struct httpd_resp *, void *);
void	masa_on_requestauditlog(struct httpd_req *, struct httpd_resp *,
	    void *);

#endif /* BRSKI_MASA_SERVICE_H */
