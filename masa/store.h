/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The MASA's state behind one small interface: devices and their owner
 * domain, issued vouchers, and the audit log (RFC 8995 5.8).  Two
 * engines behind the same operations: SQLite (store_sqlite.c) for one
 * MASA process, PostgreSQL (store_pg.c) for several MASA processes
 * sharing one database.  masa_store_open() (store.c) picks one by the
 * form of the "database" setting.
 */
#ifndef BRSKI_MASA_STORE_H
#define BRSKI_MASA_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"

#define MASA_SERIAL_MAX		64
#define MASA_DOMAIN_ID_MAX	64	/* base64 of an SKI or SHA-256 */

struct masa_device {
	char	serial[MASA_SERIAL_MAX + 1];
	char	owner[MASA_DOMAIN_ID_MAX + 1];	/* "" when unowned */
	time_t	created_at;
	time_t	assigned_at;
	long	vouchers;			/* issued so far */
};

/* One voucher being issued: recorded with the ownership decision. */
struct masa_issue {
	const char	*serial;
	const char	*domain_id;
	time_t		 issued_at;
	const char	*nonce;		/* as the request carried it; NULL */
	const char	*assertion;
	time_t		 expires_at;	/* 0: none */
	const uint8_t	*voucher;
	size_t		 voucher_len;
	const uint8_t	*request;
	size_t		 request_len;
	int		 first_claim;	/* an unowned device may be claimed */
};

struct masa_event {
	time_t		 date;
	char		 domain_id[MASA_DOMAIN_ID_MAX + 1];
	const char	*nonce;		/* NULL: nonceless */
	const char	*assertion;
};

struct masa_store;

typedef void	(*masa_device_cb)(const struct masa_device *, void *);
typedef void	(*masa_event_cb)(const struct masa_event *, void *);

struct masa_store_ops {
	enum brski_rc	(*device_add)(struct masa_store *, const char *,
			    struct brski_err *);
	enum brski_rc	(*device_get)(struct masa_store *, const char *,
			    struct masa_device *, struct brski_err *);
	enum brski_rc	(*device_assign)(struct masa_store *, const char *,
			    const char *, struct brski_err *);
	enum brski_rc	(*device_list)(struct masa_store *, masa_device_cb,
			    void *, struct brski_err *);
	enum brski_rc	(*issue)(struct masa_store *, const struct masa_issue *,
			    struct brski_err *);
	enum brski_rc	(*events)(struct masa_store *, const char *,
			    masa_event_cb, void *, struct brski_err *);
	enum brski_rc	(*counts)(struct masa_store *, long *, long *,
			    struct brski_err *);
	enum brski_rc	(*check)(struct masa_store *, struct brski_err *);
	void		(*close)(struct masa_store *);
	/* health probe (GET /healthz): a cheap read in a transaction;
	 * every engine must have one, NULL reads as "unhealthy" */
	enum brski_rc	(*ping)(struct masa_store *, struct brski_err *);
};

struct masa_store {
	const struct masa_store_ops	*ops;
	void				*impl;
};

enum brski_rc	masa_store_open(const char *, struct masa_store **,
		    struct brski_err *);
void		masa_store_close(struct masa_store *);
int		masa_store_is_pg(const char *);

/* the engines (masa_store_open() chooses) */
enum brski_rc	masa_store_open_sqlite(const char *, struct masa_store **,
		    struct brski_err *);
#ifdef HAVE_LIBPQ
enum brski_rc	masa_store_open_pg(const char *, struct masa_store **,
		    struct brski_err *);
#endif

#endif /* BRSKI_MASA_STORE_H */
