/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * httpc_response_parse() of untrusted HTTP responses, as an answer to
 * GET and to HEAD.  httpc.c feeds the same parser whatever TLS records
 * bring, so the input is also fed in 1-byte and 7-byte pieces: the
 * outcome must not depend on the split.  An accepted response must
 * respect max_body, and fail with BRSKI_ETOOBIG one byte below it.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "httpc.h"
#include "httpc_parse.h"

#define MAX_BODY	(64 * 1024)

/* httpc_response_parse(), but fed chunk bytes at a time */
static enum brski_rc
parse_split(const uint8_t *data, size_t size, int head, size_t max_body,
    size_t chunk, struct httpc_response **out, struct brski_err *e)
{
	struct httpc_parse	rp;
	size_t			off, n, used;
	enum brski_rc		rc;

	*out = NULL;
	if ((rc = httpc_parse_init(&rp, head, max_body, e)) != BRSKI_OK)
		return rc;
	for (off = 0; off < size; off += n) {
		n = size - off < chunk ? size - off : chunk;
		used = 0;
		if ((rc = httpc_parse_feed(&rp, data + off, n, &used)) !=
		    BRSKI_OK)
			goto out;
		if (used < n) {
			rc = brski_fail(e, BRSKI_EPARSE, "bytes after");
			goto out;
		}
	}
	if ((rc = httpc_parse_eof(&rp)) == BRSKI_OK &&
	    (*out = httpc_parse_take(&rp, e)) == NULL)
		rc = BRSKI_ENOMEM;
out:
	httpc_parse_free(&rp);
	return rc;
}

static void
check_same(const struct httpc_response *a, const struct httpc_response *b)
{
	size_t	i;

	FUZZ_CHECK(a->status == b->status);
	FUZZ_CHECK(a->content_length == b->content_length);
	FUZZ_CHECK(a->chunked == b->chunked && a->keep_alive == b->keep_alive);
	FUZZ_CHECK(a->retry_after_s == b->retry_after_s);
	FUZZ_CHECK(a->header_count == b->header_count);
	for (i = 0; i < a->header_count; i++) {
		FUZZ_CHECK(strcmp(a->headers[i].name, b->headers[i].name) == 0);
		FUZZ_CHECK(strcmp(a->headers[i].value, b->headers[i].value) ==
		    0);
	}
	FUZZ_CHECK(a->body_len == b->body_len);
	FUZZ_CHECK(memcmp(a->body, b->body, a->body_len) == 0);
}

static void
check_one(const uint8_t *data, size_t size, int head)
{
	static const size_t	 chunks[] = { 1, 7 };
	struct brski_err	 e;
	struct httpc_response	*r = NULL, *r2 = NULL;
	enum brski_rc		 rc, rc2;
	size_t			 i;

	rc = httpc_response_parse(data, size, head, MAX_BODY, &r, &e);
	FUZZ_CHECK((rc == BRSKI_OK) == (r != NULL));
	for (i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		rc2 = parse_split(data, size, head, MAX_BODY, chunks[i], &r2,
		    &e);
		FUZZ_CHECK((rc2 == BRSKI_OK) == (rc == BRSKI_OK));
		if (rc == BRSKI_OK)
			check_same(r, r2);
		httpc_response_free(r2);
	}
	if (rc != BRSKI_OK)
		return;
	FUZZ_CHECK(r->status >= 200 && r->status <= 599);
	FUZZ_CHECK(r->body_len <= MAX_BODY && r->body[r->body_len] == '\0');
	FUZZ_CHECK(!head || r->body_len == 0);
	FUZZ_CHECK(r->content_type == NULL ||
	    r->content_type == httpc_response_header(r, "content-type"));
	if (r->body_len > 0) {
		rc2 = httpc_response_parse(data, size, head, r->body_len - 1,
		    &r2, &e);
		FUZZ_CHECK(rc2 == BRSKI_ETOOBIG && r2 == NULL);
	}
	httpc_response_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_one(data, size, 0);
	check_one(data, size, 1);
	return 0;
}
