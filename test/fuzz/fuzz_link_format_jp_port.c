/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * link_format_jp_port() of untrusted CoAP discovery answers (the pledge
 * takes them from any host that answers its multicast GET).  Besides
 * not crashing: a port is 1..65535; only the size limit gives
 * ETOOBIG; and the answer is the first brski-jp link's, so a link
 * without one put in front changes nothing, and a brski-jp link put
 * behind changes nothing unless there was none.
 */
#include "config.h"

#include <string.h>

#include "fuzz.h"
#include "link_format.h"

static const char	front[] = "</x>;rt=\"a;b,c\";if=y;ct=40,";
static const char	back[] = ",<>;brski-jp=\"1\"";

static enum brski_rc
wrapped(const uint8_t *data, size_t size, int at_front, unsigned *port)
{
	struct brski_err	 e;
	uint8_t			 buf[LINK_FORMAT_MAX];
	size_t			 n = at_front ? sizeof(front) - 1 :
				    sizeof(back) - 1;

	FUZZ_CHECK(size + n <= sizeof(buf));
	if (at_front) {
		memcpy(buf, front, n);
		memcpy(buf + n, data, size);
	} else {
		memcpy(buf, data, size);
		memcpy(buf + size, back, n);
	}
	return link_format_jp_port(buf, size + n, port, &e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	unsigned		 port, p2;
	enum brski_rc		 rc;

	rc = link_format_jp_port(data, size, &port, &e);
	FUZZ_CHECK((rc == BRSKI_ETOOBIG) == (size > LINK_FORMAT_MAX));
	FUZZ_CHECK(rc == BRSKI_OK || rc == BRSKI_ENOTFOUND ||
	    rc == BRSKI_EPARSE || rc == BRSKI_ETOOBIG);
	FUZZ_CHECK(rc == BRSKI_OK ? port >= 1 && port <= 65535 : port == 0);
	if ((rc != BRSKI_OK && rc != BRSKI_ENOTFOUND) || size == 0 ||
	    size + sizeof(front) > LINK_FORMAT_MAX)
		return 0;
	FUZZ_CHECK(wrapped(data, size, 1, &p2) == rc && p2 == port);
	FUZZ_CHECK(wrapped(data, size, 0, &p2) == BRSKI_OK);
	FUZZ_CHECK(p2 == (rc == BRSKI_OK ? port : 1));
	return 0;
}
