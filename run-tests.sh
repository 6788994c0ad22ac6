#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Set up and run the whole test suite on Debian 12: install packages,
# build from scratch with autotools (warnings are errors), run make check,
# then again under AddressSanitizer + UndefinedBehaviorSanitizer.
# BRSKI_TEST_FAST=1 skips the sanitizer pass.  BRSKI_FUZZ_SMOKE=SECONDS
# also builds build-fuzz/ with --enable-fuzzing (clang, libFuzzer) and
# fuzzes every test/fuzz/ target for that many seconds.
set -eu
cd "$(dirname "$0")"
. ./scripts/deps.sh
install_deps

jobs=$(nproc 2>/dev/null || echo 2)
autoreconf -fi
status=0
run() {
	dir=$1; shift
	rm -rf "$dir"
	mkdir -p "$dir"
	(cd "$dir" && ../configure --enable-werror "$@" >configure.out &&
	    make -j"$jobs" >make.out 2>&1 &&
	    make -j"$jobs" check) || status=1
	if [ -f "$dir/test-suite.log" ]; then
		grep -E '^(FAIL|ERROR)' "$dir/test-suite.log" || true
	elif [ $status != 0 ]; then
		tail -40 "$dir/make.out" 2>/dev/null || tail -40 "$dir/config.log"
	fi
}
run build
[ "${BRSKI_TEST_FAST:-0}" = 1 ] || run build-san --enable-sanitizers
if [ -n "${BRSKI_FUZZ_SMOKE:-}" ]; then
	rm -rf build-fuzz
	mkdir -p build-fuzz
	# "check TESTS=" builds the targets without running anything
	(cd build-fuzz &&
	    ../configure --enable-werror --enable-fuzzing >configure.out &&
	    make -j"$jobs" check TESTS= >make.out 2>&1 &&
	    make fuzz-smoke FUZZ_TIME="$BRSKI_FUZZ_SMOKE") || status=1
fi

pass=$(cat build*/test/*/*.trs 2>/dev/null | grep -c '^:test-result: PASS' || true)
skip=$(cat build*/test/*/*.trs 2>/dev/null | grep -c '^:test-result: SKIP' || true)
failed=$(cat build*/test/*/*.trs 2>/dev/null | grep -cE '^:test-result: (FAIL|ERROR)' || true)
[ "$status" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$skip skipped"
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
