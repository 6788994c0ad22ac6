#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Bounded fuzzing: replay each target's corpus, then fuzz it for TIME
# seconds with libFuzzer (a build configured with --enable-fuzzing),
# FUZZ_JOBS targets at a time (default: one per CPU).  New inputs go to
# a scratch directory, never into the committed corpus; crashes, leaks
# and timeouts are kept in $top_builddir/test/fuzz/findings/<entry>/
# (add them to the corpus once fixed).  Exit status 1 if any target
# failed.  Each target's result is also an automake-style
# test/fuzz/smoke/<entry>.trs (and .log) in top_builddir, so that
# run-tests.sh counts one test per target.
#
# usage: test/fuzz/smoke.sh [TIME [ENTRY...]]
#   top_srcdir, top_builddir (as make sets them) default to this
#   script's tree and the current directory; FUZZ_FLAGS adds libFuzzer
#   options.
set -u
if [ "${1:-}" = --one ]; then
	mode=one
	shift
else
	mode=all
fi
TIME=${1:-10}
[ $# -gt 0 ] && shift
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
export top_srcdir top_builddir
corpora=$top_srcdir/test/fuzz/corpus
findings=$top_builddir/test/fuzz/findings
results=$top_builddir/test/fuzz/smoke

case $TIME in
''|*[!0-9]*) echo "smoke.sh: TIME must be seconds, not \"$TIME\"" >&2; exit 2 ;;
esac

# fuzz_one ENTRY: fuzz it, print one line (and the error), 1 on failure
fuzz_one() {
	entry=$1
	bin=$top_builddir/test/fuzz/fuzz_$entry
	if [ ! -x "$bin" ]; then
		echo "$entry: $bin not built (make fuzz-smoke builds all)"
		return 1
	fi
	if ! "$bin" -help=1 2>&1 | grep -q 'To run fuzzing'; then
		echo "$entry: $bin is the replay build; configure with" \
		    "--enable-fuzzing"
		return 1
	fi
	scratch=$(mktemp -d "${TMPDIR:-/tmp}/brski-fuzz.XXXXXX") || return 1
	mkdir -p "$scratch/new" "$scratch/out"
	# the scratch directory first: libFuzzer writes new inputs there
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$TIME" -rss_limit_mb=2048 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix="$scratch/out/" \
	    ${FUZZ_FLAGS:-} "$scratch/new" "$corpora/$entry" \
	    >"$scratch/log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/log")
	cov=$(grep -o 'cov: [0-9]*' "$scratch/log" | tail -1)
	new=$(ls "$scratch/new" | wc -l)
	if [ $rc -eq 0 ] && [ -z "$(ls "$scratch/out")" ]; then
		printf '%-26s ok    %9s runs, %s, %s new inputs\n' "$entry" \
		    "${runs:-?}" "${cov:-cov: ?}" "$new"
		rm -rf "$scratch"
		return 0
	fi
	mkdir -p "$findings/$entry"
	cp "$scratch/out/"* "$findings/$entry/" 2>/dev/null
	cp "$scratch/log" "$findings/$entry/libfuzzer.log"
	{
		printf '%-26s FAIL  (exit %d) see %s/%s/\n' "$entry" "$rc" \
		    "$findings" "$entry"
		grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*property failed)' \
		    "$scratch/log" | head -5 | sed 's/^/    /'
	}
	rm -rf "$scratch"
	return 1
}

# one ENTRY: fuzz_one, and its result as ENTRY.trs/.log for the counts
one() {
	mkdir -p "$results"
	if fuzz_one "$1" >"$results/$1.log" 2>&1; then r=PASS; else r=FAIL; fi
	cat "$results/$1.log"
	printf ':test-result: %s\n:global-test-result: %s\n:recheck: %s\n:copy-in-global-log: %s\n' \
	    $r $r "$([ $r = PASS ] && echo no || echo yes)" \
	    "$([ $r = PASS ] && echo no || echo yes)" >"$results/$1.trs"
	[ $r = PASS ]
}

if [ $mode = one ]; then
	one "$1"
	exit
fi
if [ $# -eq 0 ]; then
	set -- $(ls "$corpora")
fi
rm -rf "$results"	# only this run's results count
jobs=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
# xargs exits 123 when any "smoke.sh --one" failed
printf '%s\n' "$@" | xargs -P "$jobs" -n 1 sh "$0" --one "$TIME"
rc=$?
if [ $rc -ne 0 ]; then
	echo "fuzz smoke FAILED (findings in $findings)"
	exit 1
fi
echo "fuzz smoke passed ($# targets, ${TIME}s each, $jobs at a time)"
