/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Logging for the daemons and tools: stderr in the foreground, syslog
 * otherwise.  log_safe() makes peer-chosen strings printable.
 */
#ifndef BRSKI_LOG_H
#define BRSKI_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOGL_ERR = 0,
	LOGL_WARN,
	LOGL_INFO,
	LOGL_DEBUG,
};

#define LOG_SAFE_MAX 128	/* peer strings are cut here in log lines */

void	 log_init(const char *, int, enum log_level);
void	 log_set_level(enum log_level);
enum log_level log_get_level(void);
void	 log_vmsg(enum log_level, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
void	 log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	 log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
const char *log_safe(const void *, size_t, char *, size_t);

#endif /* BRSKI_LOG_H */
