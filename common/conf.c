/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Options from three layers, weakest first: the table's defaults, the
 * configuration file, the command line.  A command-line value replaces
 * the file's (for a repeatable key, the whole list).  Every value is
 * checked when it is set, so all errors surface before a program opens
 * a socket; file errors carry file:line.
 *
 * Command line: -f FILE, -d (foreground), -v (more log), -h/--help,
 * -V/--version, then --key value or --key=value; a boolean key given
 * without a yes/no word means yes.  Arguments after the options are
 * left to the program (subcommands).
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "fileio.h"

enum layer { L_DEFAULT, L_FILE, L_ARGS };

struct value {
	enum layer	 layer;
	int		 set;
	char		*s;		/* single value */
	char		*list[CONF_LIST_MAX];
	size_t		 n;
};

struct conf {
	const struct conf_opt	*opts;
	size_t			 nopts;
	struct value		*v;
	char			*file;
	int			 flags[128];	/* -d, -v, -h, -V counts */
};

static void
value_clear(struct value *v)
{
	size_t	i;

	free(v->s);
	for (i = 0; i < v->n; i++)
		free(v->list[i]);
	memset(v, 0, sizeof(*v));
}

static int
opt_index(const struct conf *c, const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < c->nopts; i++)
		if (strlen(c->opts[i].name) == len &&
		    strncmp(c->opts[i].name, name, len) == 0)
			return (int)i;
	return -1;
}

static int
parse_bool(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	size_t	i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 1;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 1;
		}
	}
	return 0;
}

static int
parse_long(const char *s, long min, long max, int duration, long *out)
{
	char	*end;
	long	 v, mul = 1;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || v < 0)
		return 0;
	if (duration && *end != '\0' && end[1] == '\0') {
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		default: return 0;
		}
		end++;
	}
	if (*end != '\0' || v > LONG_MAX / mul)
		return 0;
	v *= mul;
	if (v < min || v > max)
		return 0;
	*out = v;
	return 1;
}

/* Validate s for option o; on error say what is expected. */
static enum brski_rc
check_value(const struct conf_opt *o, const char *s, struct brski_err *e)
{
	long	l;
	int	b;

	switch (o->type) {
	case CFG_INT:
	case CFG_DURATION:
		if (!parse_long(s, o->min, o->max, o->type == CFG_DURATION, &l))
			return brski_fail(e, BRSKI_ECONFIG, "%s \"%.64s\": need "
			    "%s %ld..%ld", o->name, s, o->type == CFG_DURATION ?
			    "seconds (or with s/m/h/d)," : "an integer",
			    o->min, o->max);
		break;
	case CFG_BOOL:
		if (!parse_bool(s, &b))
			return brski_fail(e, BRSKI_ECONFIG, "%s \"%.64s\": need "
			    "yes or no", o->name, s);
		break;
	default:
		if (*s == '\0')
			return brski_fail(e, BRSKI_ECONFIG, "%s: empty value",
			    o->name);
		break;
	}
	return BRSKI_OK;
}

static enum brski_rc
store(struct conf *c, int i, const char *s, enum layer layer,
    struct brski_err *e)
{
	const struct conf_opt	*o = &c->opts[i];
	struct value		*v = &c->v[i];
	char			*copy;
	enum brski_rc		 rc;

	if (v->layer > layer)
		return BRSKI_OK;	/* the command line wins */
	if ((rc = check_value(o, s, e)) != BRSKI_OK)
		return rc;
	if (v->layer < layer) {
		value_clear(v);
		v->layer = layer;
	} else if (v->set && o->type != CFG_LIST)
		return brski_fail(e, BRSKI_ECONFIG, "%s given twice", o->name);
	if ((copy = strdup(s)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	if (o->type == CFG_LIST) {
		if (v->n >= CONF_LIST_MAX) {
			free(copy);
			return brski_fail(e, BRSKI_ECONFIG, "%s: more than %d "
			    "values", o->name, CONF_LIST_MAX);
		}
		v->list[v->n++] = copy;
	} else
		v->s = copy;
	v->set = 1;
	return BRSKI_OK;
}

/* A new configuration with the table's defaults; NULL without memory. */
struct conf *
conf_new(const struct conf_opt *opts)
{
	struct conf	*c;
	size_t		 i;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->opts = opts;
	while (opts[c->nopts].name != NULL)
		c->nopts++;
	if ((c->v = calloc(c->nopts, sizeof(*c->v))) == NULL) {
		free(c);
		return NULL;
	}
	for (i = 0; i < c->nopts; i++)
		if (opts[i].def != NULL &&
		    store(c, (int)i, opts[i].def, L_DEFAULT, NULL) != BRSKI_OK) {
			conf_free(c);	/* a bad default is our bug */
			return NULL;
		}
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nopts; i++)
		value_clear(&c->v[i]);
	free(c->v);
	free(c->file);
	free(c);
}

/* Set one key as if on the command line (programs' own overrides). */
enum brski_rc
conf_set(struct conf *c, const char *name, const char *value,
    struct brski_err *e)
{
	int	i;

	if ((i = opt_index(c, name, strlen(name))) < 0)
		return brski_fail(e, BRSKI_ECONFIG, "unknown option %s", name);
	return store(c, i, value, L_ARGS, e);
}

/* Split "key value" (value may be "quoted"); 0 = blank or comment. */
static int
split_line(char *line, char **key, char **val)
{
	char	*p = line, *end;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '#' || *p == '\n' || *p == '\r')
		return 0;
	*key = p;
	p += strcspn(p, " \t\r\n");
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, " \t");
	end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (*p == '"') {
		if (end - p < 2 || end[-1] != '"')
			return -1;
		*--end = '\0';
		p++;
	} else if ((end = strchr(p, '#')) != NULL) {
		*end = '\0';
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
	}
	*val = p;
	return 1;
}

/*
 * Read configuration text (len bytes of buf, not necessarily
 * NUL-terminated); name prefixes error messages as name:line.  Unknown
 * keys, missing or bad values, a single-valued key given twice,
 * over-long lines and NUL bytes are errors.  Values already given on
 * the command line are kept.  Pure: for conf_load_file() and fuzzing.
 */
enum brski_rc
conf_load_buffer(struct conf *c, const char *name, const uint8_t *buf,
    size_t len, struct brski_err *e)
{
	char		*text = NULL, *line, *next, *key, *val;
	size_t		 lineno = 0;
	int		 i, r;
	enum brski_rc	 rc = BRSKI_OK;

	if (len > CONF_FILE_MAX)
		return brski_fail(e, BRSKI_ECONFIG, "%s: %zu bytes, limit %d",
		    name, len, CONF_FILE_MAX);
	if ((text = malloc(len + 1)) == NULL)
		return brski_fail(e, BRSKI_ENOMEM, "out of memory");
	if (len > 0)
		memcpy(text, buf, len);
	text[len] = '\0';
	for (line = text; rc == BRSKI_OK && line < text + len; line = next) {
		lineno++;
		if ((next = memchr(line, '\n', len - (size_t)(line - text))) ==
		    NULL)
			next = text + len;
		*next++ = '\0';
		/* a NUL would silently cut the line (and what follows) */
		if (strlen(line) != (size_t)(next - line - 1))
			rc = brski_fail(e, BRSKI_ECONFIG, "NUL byte in line");
		else if (strlen(line) >= CONF_LINE_MAX)
			rc = brski_fail(e, BRSKI_ECONFIG, "line longer than %d "
			    "bytes", CONF_LINE_MAX);
		else if ((r = split_line(line, &key, &val)) < 0)
			rc = brski_fail(e, BRSKI_ECONFIG, "unterminated quote");
		else if (r == 0)
			continue;
		else if ((i = opt_index(c, key, strlen(key))) < 0)
			rc = brski_fail(e, BRSKI_ECONFIG, "unknown key \"%.64s\"",
			    key);
		else if (*val == '\0')
			rc = brski_fail(e, BRSKI_ECONFIG, "%s: missing value",
			    key);
		else
			rc = store(c, i, val, L_FILE, e);
		if (rc != BRSKI_OK)
			brski_prefix(e, "%s:%zu: ", name, lineno);
	}
	free(text);
	return rc;
}

/* conf_load_buffer() of a file; conf_file() then names it. */
enum brski_rc
conf_load_file(struct conf *c, const char *path, struct brski_err *e)
{
	uint8_t		*buf = NULL;
	size_t		 len;
	enum brski_rc	 rc;

	if ((rc = file_read(path, CONF_FILE_MAX, &buf, &len, e)) != BRSKI_OK)
		return rc;
	rc = conf_load_buffer(c, path, buf, len, e);
	free(buf);
	if (rc == BRSKI_OK && c->file == NULL && (c->file = strdup(path)) ==
	    NULL)
		rc = brski_fail(e, BRSKI_ENOMEM, "out of memory");
	return rc;
}

static enum brski_rc
long_option(struct conf *c, int argc, char **argv, int *ai,
    struct brski_err *e)
{
	const char	*arg = argv[*ai] + 2, *eq, *val = NULL;
	int		 i, b;

	eq = strchr(arg, '=');
	if ((i = opt_index(c, arg, eq ? (size_t)(eq - arg) : strlen(arg))) < 0)
		return brski_fail(e, BRSKI_ECONFIG, "unknown option --%.64s "
		    "(see --help)", arg);
	if (eq != NULL)
		val = eq + 1;
	else if (c->opts[i].type == CFG_BOOL) {
		/* --flag alone means yes; --flag no also works */
		val = "yes";
		if (*ai + 1 < argc && parse_bool(argv[*ai + 1], &b))
			val = argv[++*ai];
	} else if (*ai + 1 < argc)
		val = argv[++*ai];
	else
		return brski_fail(e, BRSKI_ECONFIG, "--%s needs a value",
		    c->opts[i].name);
	return store(c, i, val, L_ARGS, e);
}

/*
 * Parse the command line; *first_arg is the index of the first
 * non-option argument.  -f FILE loads that file afterwards (its values
 * do not override the command line).
 */
enum brski_rc
conf_parse_args(struct conf *c, int argc, char **argv, int *first_arg,
    struct brski_err *e)
{
	const char	*file = NULL;
	int		 ai;
	enum brski_rc	 rc;

	for (ai = 1; ai < argc && argv[ai][0] == '-'; ai++) {
		if (strcmp(argv[ai], "--") == 0) {
			ai++;
			break;
		}
		if (strcmp(argv[ai], "--help") == 0)
			c->flags['h']++;
		else if (strcmp(argv[ai], "--version") == 0)
			c->flags['V']++;
		else if (strcmp(argv[ai], "-f") == 0) {
			if (++ai >= argc)
				return brski_fail(e, BRSKI_ECONFIG, "-f needs a "
				    "file");
			file = argv[ai];
		} else if (argv[ai][1] == '-') {
			if ((rc = long_option(c, argc, argv, &ai, e)) !=
			    BRSKI_OK)
				return rc;
		} else if (strspn(argv[ai] + 1, "dvhV") == strlen(argv[ai] + 1)) {
			const char *p;

			for (p = argv[ai] + 1; *p != '\0'; p++)
				c->flags[(unsigned char)*p]++;
		} else
			return brski_fail(e, BRSKI_ECONFIG, "unknown option %.32s "
			    "(see --help)", argv[ai]);
	}
	*first_arg = ai;
	if (file != NULL)
		return conf_load_file(c, file, e);
	return BRSKI_OK;
}

static const struct value *
get(const struct conf *c, const char *name)
{
	int	i = opt_index(c, name, strlen(name));

	/* asking for an option not in the table is our bug */
	return i < 0 || !c->v[i].set ? NULL : &c->v[i];
}

/* The value of a single-valued key, or NULL when unset. */
const char *
conf_str(const struct conf *c, const char *name)
{
	const struct value	*v = get(c, name);

	return v != NULL ? v->s : NULL;
}

/* Integer or duration (in seconds) value; 0 when unset. */
long
conf_int(const struct conf *c, const char *name)
{
	const struct value	*v = get(c, name);
	const struct conf_opt	*o;
	long			 l = 0;

	if (v == NULL)
		return 0;
	o = &c->opts[opt_index(c, name, strlen(name))];
	parse_long(v->s, o->min, o->max, o->type == CFG_DURATION, &l);
	return l;
}

int
conf_bool(const struct conf *c, const char *name)
{
	const struct value	*v = get(c, name);
	int			 b = 0;

	if (v != NULL)
		parse_bool(v->s, &b);
	return b;
}

/* The values of a repeatable key; *vals stays valid while c lives. */
size_t
conf_list(const struct conf *c, const char *name,
    const char *const **vals)
{
	const struct value	*v = get(c, name);

	*vals = v != NULL ? (const char *const *)v->list : NULL;
	return v != NULL ? v->n : 0;
}

/* The file loaded (NULL if none). */
const char *
conf_file(const struct conf *c)
{
	return c->file;
}

/* How often -d, -v, -h or -V was given. */
int
conf_flag(const struct conf *c, char f)
{
	return c->flags[(unsigned char)f];
}

void
conf_usage(FILE *f, const char *prog, const char *synopsis,
    const struct conf_opt *opts)
{
	static const char *const tn[] = { "STRING", "PATH", "N", "yes|no",
	    "SECONDS", "VALUE" };
	size_t	i;
	char	left[64];

	fprintf(f, "usage: %s [-dv] [-f FILE] [--OPTION VALUE ...]%s%s\n\n"
	    "  -f FILE            configuration file\n"
	    "  -d                 stay in the foreground, log to stderr\n"
	    "  -v                 more log output (repeat for debug)\n"
	    "  -h, --help         this text\n"
	    "  -V, --version      version\n\n"
	    "options (also keys of the configuration file):\n", prog,
	    synopsis ? " " : "", synopsis ? synopsis : "");
	for (i = 0; opts[i].name != NULL; i++) {
		snprintf(left, sizeof(left), "--%s %s", opts[i].name,
		    tn[opts[i].type]);
		fprintf(f, "  %-32s %s%s%s%s%s\n", left, opts[i].help,
		    opts[i].type == CFG_LIST ? " (repeatable)" : "",
		    opts[i].def ? " [" : "", opts[i].def ? opts[i].def : "",
		    opts[i].def ? "]" : "");
	}
}
