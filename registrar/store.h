/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registrar's state: devices (what the pledge showed, the voucher
 * outcome, the operator's decision), issued certificates, and status
 * reports.  SQLite (store_sqlite.c), every change one transaction.
 */
#ifndef BRSKI_REGISTRAR_STORE_H
#define BRSKI_REGISTRAR_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define REG_SERIAL_MAX	64

enum reg_state {
	REG_PENDING = 0,	/* waits for an operator (manual policy) */
	REG_APPROVED,
	REG_DENIED,
	REG_REVOKED,
};

struct reg_device {
	char		serial[REG_SERIAL_MAX + 1];
	enum reg_state	state;
	char		idevid_sha256[65];	/* hex fingerprint */
	time_t		first_seen;
	time_t		last_seen;
	int		voucher_ok;	/* a verified voucher was forwarded */
	time_t		voucher_at;
	int		voucher_status;	/* -1 none, 0 failure, 1 success */
	int		enroll_status;
	long		certificates;
};

struct reg_cert {
	char		 serial_hex[65];
	char		 device[REG_SERIAL_MAX + 1];	/* "" for EST clients */
	char		 subject[512];
	time_t		 not_before;
	time_t		 not_after;
	time_t		 issued_at;
	time_t		 revoked_at;			/* 0: valid */
	int		 reason;	/* RFC 5280 CRLReason, 0 unspecified */
	const uint8_t	*der;
	size_t		 der_len;
};

struct reg_report {
	const char	*device;
	const char	*kind;		/* "voucher" or "enroll" */
	int		 status;
	const char	*reason;
	const char	*context;
	int		 client_matched;	/* TLS client was the device */
	const char	*peer;
	time_t		 at;
};

struct reg_store;

typedef void	(*reg_device_cb)(const struct reg_device *, void *);
typedef void	(*reg_cert_cb)(const struct reg_cert *, void *);

enum brski_rc	reg_store_open(const char *, struct reg_store **,
		    struct brski_err *);
void		reg_store_close(struct reg_store *);
enum brski_rc	reg_device_seen(struct reg_store *, const char *, const char *,
		    const uint8_t *, size_t, enum reg_state, time_t,
		    struct reg_device *, struct brski_err *);
enum brski_rc	reg_device_get(struct reg_store *, const char *,
		    struct reg_device *, struct brski_err *);
enum brski_rc	reg_device_set_state(struct reg_store *, const char *,
		    enum reg_state, struct brski_err *);
enum brski_rc	reg_device_voucher(struct reg_store *, const char *,
		    const uint8_t *, size_t, const uint8_t *, size_t,
		    const uint8_t *, size_t, time_t, struct brski_err *);
enum brski_rc	reg_device_list(struct reg_store *, reg_device_cb, void *,
		    struct brski_err *);
enum brski_rc	reg_device_artifact(struct reg_store *, const char *,
		    const char *, uint8_t **, size_t *, struct brski_err *);
enum brski_rc	reg_cert_record(struct reg_store *, const struct reg_cert *,
		    struct brski_err *);
enum brski_rc	reg_cert_get(struct reg_store *, const char *,
		    struct reg_cert *, uint8_t **, struct brski_err *);
enum brski_rc	reg_cert_list(struct reg_store *, reg_cert_cb, void *,
		    struct brski_err *);
enum brski_rc	reg_cert_revoke(struct reg_store *, const char *, time_t, int,
		    struct brski_err *);
enum brski_rc	reg_crl_next(struct reg_store *, long long *, long long *,
		    reg_cert_cb, void *, struct brski_err *);
enum brski_rc	reg_crl_revision(struct reg_store *, long long *,
		    struct brski_err *);
enum brski_rc	reg_report_add(struct reg_store *, const struct reg_report *,
		    struct brski_err *);
enum brski_rc	reg_store_check(struct reg_store *, struct brski_err *);
enum brski_rc	reg_store_ping(struct reg_store *, struct brski_err *);
const char	*reg_state_name(enum reg_state);
int		 reg_state_from_name(const char *, enum reg_state *);

#endif /* BRSKI_REGISTRAR_STORE_H */
