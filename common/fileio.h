/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Whole-file reads with a size cap, and atomic writes (temporary file in
 * the same directory, fsync, rename, fsync of the directory): a crash
 * leaves the old file or the new one, never a mix.
 */
#ifndef BRSKI_FILEIO_H
#define BRSKI_FILEIO_H

#include <sys/types.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define FILEIO_MAX_DEFAULT (1024 * 1024)	/* certs, keys, configs */

enum brski_rc	file_read(const char *, size_t, uint8_t **, size_t *,
		    struct brski_err *);
enum brski_rc	file_write_atomic(const char *, const void *, size_t, mode_t,
		    struct brski_err *);
int		file_exists(const char *);

#endif /* BRSKI_FILEIO_H */
