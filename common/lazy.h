/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Load a shared library and its entry points when first needed
 * (dlopen/dlsym), for the pledge: libcoap with OpenSSL for CoAPS, and
 * Avahi with D-Bus for discovery, are then mapped only in a pledge that
 * uses them.  A pledge on https:// with a configured registrar needs 6
 * libraries instead of 19 (~2.8 MB less resident, bench/README.md).
 * Programs that always need a library link it as usual.
 */
#ifndef BRSKI_LAZY_H
#define BRSKI_LAZY_H

#include <stddef.h>

#include "err.h"

/*
 * For an X-macro list of functions f: a member p_f of f's pointer type.
 * Use it before f is defined as a macro for that member.  (The
 * lazy_sym entries need a macro of their own per table, using f only
 * with # and ##: an argument used plainly would be expanded first.)
 */
#define LAZY_MEMBER(f)		__typeof__(f) *p_##f;

struct lazy_sym {
	const char	*name;
	void		**slot;
};

enum brski_rc	lazy_load(const char *, const char *, const struct lazy_sym *,
		    size_t, struct brski_err *);

#endif /* BRSKI_LAZY_H */
