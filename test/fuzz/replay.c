/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The main() of the fuzz targets when they are not built with libFuzzer
 * (configure without --enable-fuzzing): feed every file of the corpus
 * directories (or the files) named on the command line to
 * LLVMFuzzerTestOneInput(), once each, in name order.  Arguments that
 * start with '-' are libFuzzer options and are ignored, so one command
 * line ("fuzz_x -runs=0 DIR") replays with either main().  Without
 * arguments the corpus is $top_srcdir/test/fuzz/corpus/<entry>, the
 * entry being the program name without "fuzz_": that is how make check
 * runs it.  A crash, a sanitizer report or a failed FUZZ_CHECK ends
 * the run; an empty or missing corpus is a failure too, so that a
 * mistyped path cannot pass.
 */
#include "config.h"

#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define REPLAY_INPUT_MAX	(1024 * 1024)	/* corpus files are small */

/* Run one file; -1 if it cannot be read. */
static int
replay_file(const char *path)
{
	struct stat	 st;
	FILE		*f;
	uint8_t		*data = NULL;
	size_t		 len;
	int		 ret = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == -1 || st.st_size > REPLAY_INPUT_MAX) {
		fprintf(stderr, "replay: %s: cannot stat or over %d bytes\n",
		    path, REPLAY_INPUT_MAX);
		goto out;
	}
	len = (size_t)st.st_size;
	/* exactly len bytes, so that AddressSanitizer sees any overread */
	if ((data = malloc(len > 0 ? len : 1)) == NULL ||
	    fread(data, 1, len, f) != len) {
		fprintf(stderr, "replay: %s: read error\n", path);
		goto out;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	LLVMFuzzerTestOneInput(data, len);
	ret = 0;
out:
	free(data);
	fclose(f);
	return ret;
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Run every file of a directory (or the file); returns how many ran. */
static long
replay_path(const char *path)
{
	struct dirent	**ents = NULL;
	struct stat	  st;
	char		 *p;
	long		  count = 0;
	int		  i, n;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path) == 0 ? 1 : -1;
	if ((n = scandir(path, &ents, visible, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (count >= 0 && asprintf(&p, "%s/%s", path,
		    ents[i]->d_name) != -1) {
			if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
				count = replay_file(p) == 0 ? count + 1 : -1;
			free(p);
		} else
			count = -1;
		free(ents[i]);
	}
	free(ents);
	return count;
}

int
main(int argc, char **argv)
{
	const char	*top, *prog;
	char		*dflt = NULL;
	long		 n, total = 0;
	int		 i, paths = 0;

	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-')
			continue;
		paths++;
		if ((n = replay_path(argv[i])) < 0)
			return 1;
		total += n;
	}
	if (paths == 0) {
		if ((top = getenv("top_srcdir")) == NULL)
			top = ".";
		prog = (prog = strrchr(argv[0], '/')) != NULL ? prog + 1 :
		    argv[0];
		if (strncmp(prog, "fuzz_", 5) == 0)
			prog += 5;
		if (asprintf(&dflt, "%s/test/fuzz/corpus/%s", top, prog) == -1)
			return 1;
		n = replay_path(dflt);
		if (n < 0) {
			free(dflt);
			return 1;
		}
		total += n;
	}
	if (total == 0) {
		fprintf(stderr, "replay: no inputs in %s\n", dflt != NULL ?
		    dflt : "the paths given");
		free(dflt);
		return 1;
	}
	printf("replayed %ld inputs\n", total);
	free(dflt);
	return 0;
}
