/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration for every program (named conf, not config: "config.h"
 * is autoconf's): "key value" lines in a file, each key
 * also a long option (--key value) that overrides the file; one table of
 * options per program drives parsing, defaults and --help (STYLE.md).
 */
#ifndef BRSKI_CONF_H
#define BRSKI_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define CONF_LINE_MAX		4096	/* longer lines are an error */
#define CONF_LIST_MAX		32	/* values of one repeatable key */
#define CONF_FILE_MAX		(1024 * 1024)	/* ours are a few KiB */

enum conf_type {
	CFG_STR,
	CFG_PATH,
	CFG_INT,	/* integer within [min, max] */
	CFG_BOOL,	/* yes/no, true/false, on/off, 1/0 */
	CFG_DURATION,	/* seconds; suffix s, m, h or d allowed */
	CFG_LIST,	/* repeatable string */
};

struct conf_opt {
	const char		*name;
	enum conf_type	 type;
	const char		*def;	/* default as text; NULL: unset */
	long			 min;
	long			 max;
	const char		*help;
};

struct conf;

struct conf	*conf_new(const struct conf_opt *);
void		 conf_free(struct conf *);
enum brski_rc	 conf_load_file(struct conf *, const char *,
		    struct brski_err *);
enum brski_rc	 conf_load_buffer(struct conf *, const char *,
		    const uint8_t *, size_t, struct brski_err *);
enum brski_rc	 conf_parse_args(struct conf *, int, char **, int *,
		    struct brski_err *);
enum brski_rc	 conf_set(struct conf *, const char *, const char *,
		    struct brski_err *);
const char	*conf_str(const struct conf *, const char *);
long		 conf_int(const struct conf *, const char *);
int		 conf_bool(const struct conf *, const char *);
size_t		 conf_list(const struct conf *, const char *,
		    const char *const **);
const char	*conf_file(const struct conf *);
int		 conf_flag(const struct conf *, char);
void		 conf_usage(FILE *, const char *, const char *,
		    const struct conf_opt *);

#endif /* BRSKI_CONF_H */
