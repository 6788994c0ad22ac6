/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * conf_load_buffer(): the configuration file parser, with a table of
 * every option type.  Configuration is not peer data, but it is
 * written by hand and must give an error, never a crash.  The values
 * of an accepted file are read back through the getters.
 */
#include "config.h"

#include <string.h>

#include "conf.h"
#include "fuzz.h"

/* brski-masa's table (masa/main.c): every type, and etc/ seeds parse */
static const struct conf_opt opts[] = {
	{ "listen", CFG_STR, "127.0.0.1", 0, 0, "" },
	{ "port", CFG_INT, "9443", 0, 65535, "" },
	{ "tls-cert", CFG_PATH, NULL, 0, 0, "" },
	{ "tls-key", CFG_PATH, NULL, 0, 0, "" },
	{ "signer-cert", CFG_PATH, NULL, 0, 0, "" },
	{ "signer-key", CFG_PATH, NULL, 0, 0, "" },
	{ "manufacturer-ca", CFG_LIST, NULL, 0, 0, "" },
	{ "registrar-ca", CFG_LIST, NULL, 0, 0, "" },
	{ "database", CFG_PATH, "/var/lib/brski/masa.db", 0, 0, "" },
	{ "ownership", CFG_STR, "first-claim", 0, 0, "" },
	{ "require-client-cert", CFG_BOOL, "yes", 0, 0, "" },
	{ "require-pvr", CFG_BOOL, "yes", 0, 0, "" },
	{ "allow-nonceless", CFG_BOOL, "no", 0, 0, "" },
	{ "nonceless-lifetime", CFG_DURATION, "20m", 60, 365 * 86400, "" },
	{ "max-body", CFG_INT, "65536", 1024, 16 * 1024 * 1024, "" },
	{ "threads", CFG_INT, "4", 0, 1024, "" },
	{ "max-connections", CFG_INT, "256", 1, 65536, "" },
	{ "connection-timeout", CFG_INT, "30", 1, 3600, "" },
	{ "log-level", CFG_STR, "info", 0, 0, "" },
	{ NULL, 0, NULL, 0, 0, NULL }
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brski_err	 e;
	struct conf		*c;
	const char *const	*items;
	size_t			 n, i;
	long			 l;

	FUZZ_CHECK((c = conf_new(opts)) != NULL);
	if (conf_load_buffer(c, "fuzz.conf", data, size, &e) == BRSKI_OK) {
		l = conf_int(c, "port");
		FUZZ_CHECK(l >= 0 && l <= 65535);
		l = conf_int(c, "nonceless-lifetime");
		FUZZ_CHECK(l >= 60 && l <= 365 * 86400);
		FUZZ_CHECK(conf_str(c, "listen") != NULL);
		(void)conf_str(c, "tls-cert");
		(void)conf_bool(c, "require-pvr");
		n = conf_list(c, "manufacturer-ca", &items);
		FUZZ_CHECK(n <= CONF_LIST_MAX);
		for (i = 0; i < n; i++)
			FUZZ_CHECK(items[i] != NULL && items[i][0] != '\0');
	} else
		FUZZ_CHECK(strncmp(e.msg, "fuzz.conf", 9) == 0);
	conf_free(c);
	return 0;
}
