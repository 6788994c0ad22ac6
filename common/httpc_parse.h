/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to the HTTPS client: the incremental response parser that
 * httpc.c feeds (httpc_parse.c), and helpers both halves share.  Not
 * for other modules: use httpc.h.
 */
#ifndef BRSKI_HTTPC_PARSE_H
#define BRSKI_HTTPC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <http_parser.h>

#include "buf.h"
#include "err.h"
#include "httpc.h"

struct httpc_parse {
	http_parser		 hp;
	struct httpc_response	*resp;
	struct brski_err	*e;
	enum brski_rc		 rc;		/* first callback failure */
	size_t			 max_body;
	int			 head;		/* answer to HEAD: no body */
	struct buf		 name;		/* header being read */
	struct buf		 value;
	int			 in_value;
	size_t			 header_bytes;
	int			 headers_done;
	int			 interim;	/* a 1xx response just ended */
	int			 complete;	/* the final response ended */
	size_t			 seen;		/* bytes fed so far */
	uint8_t			 start[24];	/* for error messages */
	size_t			 start_len;
	struct buf		 body;
};

enum brski_rc	 httpc_parse_init(struct httpc_parse *, int, size_t,
		    struct brski_err *);
enum brski_rc	 httpc_parse_feed(struct httpc_parse *, const uint8_t *, size_t,
		    size_t *);
enum brski_rc	 httpc_parse_eof(struct httpc_parse *);
struct httpc_response *httpc_parse_take(struct httpc_parse *,
		    struct brski_err *);
void		 httpc_parse_free(struct httpc_parse *);
int		 httpc_parse_tchar(int);
int		 httpc_parse_host_kind(const char *);

#endif /* BRSKI_HTTPC_PARSE_H */
