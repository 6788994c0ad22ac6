/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Log lines go to stderr (foreground, with a timestamp and the program
 * name) or to syslog.  One line per call; the level filter is global.
 * Thread-safe: each line is formatted into a local buffer and written
 * with one write(2).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char	*log_ident = "brski";
static int		 log_foreground = 1;
static enum log_level	 log_level = LOGL_INFO;

/*
 * ident is kept by pointer (pass a string literal or argv[0]);
 * foreground selects stderr instead of syslog.
 */
void
log_init(const char *ident, int foreground, enum log_level level)
{
	log_ident = ident;
	log_foreground = foreground;
	log_level = level;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_set_level(enum log_level level)
{
	log_level = level;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

/* the attribute lets clang's -Wformat-nonliteral see fmt is checked */
static void	log_vemit(enum log_level, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));

static void
log_vemit(enum log_level level, const char *fmt, va_list ap)
{
	static const char *const names[] = { "error", "warn", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char		 msg[1024], line[1200], ts[32];
	struct timespec	 tv;
	struct tm	 tm;
	int		 n;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!log_foreground) {
		syslog(prio[level], "%s", msg);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &tv);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s[%d] %s: %s\n", ts,
	    tv.tv_nsec / 1000000, log_ident, (int)getpid(), names[level], msg);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	/* one write: lines from several threads do not interleave */
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

/* For libraries that log through a va_list callback. */
void
log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
	log_vemit(level, fmt, ap);
}

#define LOG_FN(name, level)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	va_start(ap, fmt);					\
	log_vemit(level, fmt, ap);				\
	va_end(ap);						\
}

LOG_FN(log_err, LOGL_ERR)
LOG_FN(log_warn, LOGL_WARN)
LOG_FN(log_info, LOGL_INFO)
LOG_FN(log_debug, LOGL_DEBUG)

/*
 * Copy a peer-chosen string into out so that it can be logged: printable
 * ASCII is kept, everything else becomes \xNN, and the result is cut at
 * LOG_SAFE_MAX input bytes with "..." appended.  Returns out.
 */
const char *
log_safe(const void *in, size_t len, char *out, size_t outlen)
{
	const unsigned char	*p = in;
	size_t			 i, o = 0;

	if (outlen == 0)
		return out;
	for (i = 0; p != NULL && i < len && i < LOG_SAFE_MAX; i++) {
		if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
			if (o + 1 >= outlen)
				break;
			out[o++] = (char)p[i];
		} else {
			if (o + 4 >= outlen)
				break;
			snprintf(out + o, outlen - o, "\\x%02x", p[i]);
			o += 4;
		}
	}
	if (i < len && o + 3 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
