#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Set up and run the whole test suite on Debian 12: install packages,
# build from scratch with autotools (warnings are errors), run make check,
# then again under AddressSanitizer + UndefinedBehaviorSanitizer, then
# make distcheck (the tarball builds, installs and passes on its own).
# BRSKI_TEST_FAST=1 skips the sanitizer pass and distcheck.
# BRSKI_FUZZ_SMOKE=SECONDS also builds build-fuzz/ with --enable-fuzzing
# (clang, libFuzzer) and fuzzes every test/fuzz/ target that long; each
# target is one test in the counts below (CI: .ci/run sets 5).
# --arm64 (or BRSKI_TEST_ARM64=1) first cross-builds for arm64 with
# scripts/cross-arm64.sh (installs the cross toolchain and qemu-user,
# runs the unit tests under qemu); the three-sites scenario then runs
# that brski-pledge under qemu.  Without it the scenario runs the native
# pledge, whatever an older build-arm64/ holds.
set -eu
cd "$(dirname "$0")"
ARM64=${BRSKI_TEST_ARM64:-0}
for a in "$@"; do
	case $a in
	--arm64) ARM64=1 ;;
	*) echo "usage: $0 [--arm64]" >&2; exit 2 ;;
	esac
done
. ./scripts/deps.sh
install_deps

jobs=$(nproc 2>/dev/null || echo 2)
autoreconf -fi
status=0
dirs=""
if [ "$ARM64" = 1 ]; then
	dirs=build-arm64
	if JOBS=$jobs ./scripts/cross-arm64.sh --check; then
		BRSKI_ARM64_PLEDGE="$PWD/build-arm64/pledge/brski-pledge"
	else
		echo "the arm64 cross-build failed; the scenario runs natively"
		status=1
		BRSKI_ARM64_PLEDGE=none
	fi
else
	BRSKI_ARM64_PLEDGE=none
fi
export BRSKI_ARM64_PLEDGE
run() {
	dir=$1; shift
	dirs="$dirs $dir"
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
if [ "${BRSKI_TEST_FAST:-0}" != 1 ]; then
	run build-san --enable-sanitizers
	# the release tarball builds and passes its tests on its own
	(cd build && make distcheck >distcheck.out 2>&1) ||
	    { tail -30 build/distcheck.out; echo "FAIL: make distcheck"; status=1; }
fi
if [ -n "${BRSKI_FUZZ_SMOKE:-}" ]; then
	t0=$(date +%s)
	rm -rf build-fuzz
	mkdir -p build-fuzz
	dirs="$dirs build-fuzz"	# smoke.sh leaves one .trs per target
	# "check TESTS=" builds everything (clang, -Werror) and runs nothing
	if (cd build-fuzz &&
	    ../configure --enable-werror --enable-fuzzing >configure.out &&
	    make -j"$jobs" check TESTS= >make.out 2>&1); then
		(cd build-fuzz && make fuzz-smoke FUZZ_TIME="$BRSKI_FUZZ_SMOKE") ||
		    status=1
	else
		tail -40 build-fuzz/make.out 2>/dev/null
		echo "FAIL: the --enable-fuzzing build (build-fuzz/)"
		status=1
	fi
	echo "fuzz stage (build and smoke): $(( $(date +%s) - t0 )) s"
fi

# count only what this run made
trs=$(for d in $dirs; do find "$d/test" -name '*.trs' 2>/dev/null; done)
results() { [ -z "$trs" ] || echo "$trs" | xargs cat; }
pass=$(results | grep -c '^:test-result: PASS' || true)
skip=$(results | grep -c '^:test-result: SKIP' || true)
failed=$(results | grep -cE '^:test-result: (FAIL|ERROR)' || true)
[ "$status" = 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "$skip skipped"
echo "$pass passed, $failed failed"
[ "$failed" = 0 ]
