/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the fuzz targets (fuzz_<entry>.c) and the replay driver.
 * A target feeds one input to one decoder of peer bytes, frees
 * everything, and checks properties the decoder promises (round trips,
 * bounds); FUZZ_CHECK() aborts so that libFuzzer and the replay test
 * both report a broken promise like a crash.
 */
#ifndef BRSKI_FUZZ_H
#define BRSKI_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: property failed: %s\n",		\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* A NUL-terminated copy of an input (for APIs that take C strings). */
static inline char *
fuzz_strdup(const uint8_t *data, size_t size)
{
	char	*s;
	size_t	 i;

	if ((s = malloc(size + 1)) == NULL)
		return NULL;
	for (i = 0; i < size; i++)
		s[i] = (char)data[i];
	s[size] = '\0';
	return s;
}

#endif /* BRSKI_FUZZ_H */
