/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * httpc_url_parse() of untrusted URLs (the MASA URL of an IDevID,
 * RFC 8995 2.3.2), with and without http allowed.  An accepted URL
 * has a host of the kind httpc_conn_new() takes, a port, and a target
 * starting with '/'.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "httpc.h"
#include "httpc_parse.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct httpc_url	 u;
	char			*s;
	unsigned int		 flags;

	if ((s = fuzz_strdup(data, size)) == NULL)
		return 0;
	for (flags = 0; flags <= HTTPC_URL_ALLOW_HTTP; flags++) {
		if (httpc_url_parse(s, flags, &u, &e) != BRSKI_OK) {
			FUZZ_CHECK(u.host[0] == '\0' && u.port == 0);
			continue;
		}
		FUZZ_CHECK(u.https || (flags & HTTPC_URL_ALLOW_HTTP));
		FUZZ_CHECK(u.port != 0 && u.target[0] == '/');
		FUZZ_CHECK(httpc_parse_host_kind(u.host) >= 0);
		FUZZ_CHECK((httpc_parse_host_kind(u.host) != 0) ==
		    (u.host_is_ip != 0));
	}
	free(s);
	return 0;
}
