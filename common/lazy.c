/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared libraries loaded on first use (lazy.h). */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include "lazy.h"

#define LAZY_MAX	4

static void	*handles[LAZY_MAX];
static size_t	 nhandles;

/* at exit, after the handlers the libraries registered later (libcoap's
 * cleanup): nothing of the dynamic loader's is left allocated (valgrind) */
static void
unload(void)
{
	while (nhandles > 0)
		dlclose(handles[--nhandles]);
}

/*
 * dlopen soname and fill every slot with its symbol (searched in the
 * library and the libraries it needs).  pkg names the Debian package for
 * the error message.  The library stays loaded until exit.
 * Not thread-safe: callers load once, before using the symbols.
 */
enum brski_rc
lazy_load(const char *soname, const char *pkg, const struct lazy_sym *syms,
    size_t n, struct brski_err *e)
{
	void	*h;
	size_t	 i;

	if (nhandles == LAZY_MAX)
		return brski_fail(e, BRSKI_EINVAL, "lazy: more than %d "
		    "libraries", LAZY_MAX);
	if ((h = dlopen(soname, RTLD_NOW | RTLD_LOCAL)) == NULL)
		return brski_fail(e, BRSKI_ECONFIG, "cannot load %s (%s): "
		    "install %s", soname, dlerror(), pkg);
	for (i = 0; i < n; i++)
		if ((*syms[i].slot = dlsym(h, syms[i].name)) == NULL) {
			brski_fail(e, BRSKI_ECONFIG, "%s has no %s: install "
			    "%s as built for this program", soname,
			    syms[i].name, pkg);
			while (i > 0)
				*syms[--i].slot = NULL;
			dlclose(h);
			return BRSKI_ECONFIG;
		}
	if (nhandles == 0)
		atexit(unload);
	handles[nhandles++] = h;
	return BRSKI_OK;
}
