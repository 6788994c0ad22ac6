/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rusage PROGRAM [ARG...]: run PROGRAM (stderr to /dev/null) and print
 * "wall_s user_s sys_s maxrss_kib" from wait4(), or "failed N".
 * /usr/bin/time rounds CPU time to 10 ms, too coarse for a process that
 * uses 20-30 ms; a python3 wrapper would add its own RSS to the child's
 * peak, because the kernel keeps the high-water mark across exec.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
tv(struct timeval t)
{
	return t.tv_sec + t.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct timespec	a, b;
	struct rusage	ru;
	pid_t		pid;
	int		st, fd;

	if (argc < 2) {
		fprintf(stderr, "usage: rusage PROGRAM [ARG...]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &a);
	if ((pid = fork()) == -1) {
		perror("rusage: fork");
		return 2;
	}
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) != -1)
			dup2(fd, 2);
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (wait4(pid, &st, 0, &ru) != pid) {
		perror("rusage: wait4");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("failed %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
		    WTERMSIG(st));
		return 1;
	}
	printf("%.4f %.4f %.4f %ld\n", (b.tv_sec - a.tv_sec) +
	    (b.tv_nsec - a.tv_nsec) / 1e9, tv(ru.ru_utime), tv(ru.ru_stime),
	    ru.ru_maxrss);
	return 0;
}
