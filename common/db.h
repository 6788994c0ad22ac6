/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SQLite as the daemons use it: WAL, synchronous=FULL (an answer is
 * sent only after its record is durable), a busy timeout, foreign keys,
 * and schema versions applied in order inside one transaction.
 */
#ifndef BRSKI_DB_H
#define BRSKI_DB_H

#include <sqlite3.h>

#include "err.h"

#define DB_BUSY_TIMEOUT_MS 5000
#define DB_PING_TIMEOUT_MS 1000	/* health probes expect a quick answer */

enum brski_rc	db_open(const char *, const char *const *, int, sqlite3 **,
		    struct brski_err *);
enum brski_rc	db_exec(sqlite3 *, const char *, struct brski_err *);
enum brski_rc	db_begin(sqlite3 *, struct brski_err *);
enum brski_rc	db_commit(sqlite3 *, struct brski_err *);
void		db_rollback(sqlite3 *);
enum brski_rc	db_prepare(sqlite3 *, const char *, sqlite3_stmt **,
		    struct brski_err *);
void		db_done(sqlite3_stmt *);
enum brski_rc	db_step_done(sqlite3 *, sqlite3_stmt *, struct brski_err *);
enum brski_rc	db_integrity_check(sqlite3 *, struct brski_err *);
enum brski_rc	db_ping(sqlite3 *, struct brski_err *);
void		db_close(sqlite3 *);

#endif /* BRSKI_DB_H */
