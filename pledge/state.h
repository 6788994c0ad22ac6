/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pledge's state directory: every successful enrollment writes a
 * complete new generation (LDevID, its key, the domain trust anchors,
 * the voucher) and then switches the "current" symlink to it with one
 * rename(2).  A run that fails or is killed leaves "current" exactly as
 * it was.  The IDevID lives elsewhere and is never written.
 */
#ifndef BRSKI_PLEDGE_STATE_H
#define BRSKI_PLEDGE_STATE_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define STATE_LDEVID		"ldevid.pem"
#define STATE_LDEVID_KEY	"ldevid.key"
#define STATE_DOMAIN_CA		"domain-ca.pem"
#define STATE_VOUCHER		"voucher.cms"
#define STATE_PVR		"pledge-voucher-request.cms"
#define STATE_VOUCHER_COSE	"voucher.cose"
#define STATE_PVR_COSE		"pledge-voucher-request.cose"
#define STATE_CURRENT		"current"

struct state_file {
	const char	*name;
	const void	*data;
	size_t		 len;
	mode_t		 mode;
};

enum brski_rc	state_commit(const char *, const struct state_file *, size_t,
		    struct brski_err *);
enum brski_rc	state_path(const char *, const char *, char *, size_t,
		    struct brski_err *);
int		state_has(const char *, const char *);

#endif /* BRSKI_PLEDGE_STATE_H */
