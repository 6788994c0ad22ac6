# SPDX-License-Identifier: BSD-2-Clause
# Helpers for the shell tests (sourced).  Exit 77 = SKIP for automake.
set -eu

: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
: "${OPENSSL:=openssl}"
CERTS="$top_builddir/certs/brski-certs"
TOOL="$top_builddir/test/tools/libbrski_tool"
PY=/usr/bin/python3	# Debian's, with python3-cbor2/-cryptography

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "SKIP: $*"; exit 77; }
ok() { echo "ok: $*"; }

# T: a private scratch directory removed at exit (with any daemons).
T=$(mktemp -d /tmp/brski-test.XXXXXX)
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

need() {
	command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"
}

# expect_fail DESC CMD...: CMD must exit non-zero.
expect_fail() {
	desc=$1; shift
	if "$@" >"$T/last.out" 2>&1; then
		cat "$T/last.out" >&2
		fail "$desc: succeeded but must fail"
	fi
	ok "$desc (refused: $(tail -1 "$T/last.out"))"
}

# expect_ok DESC CMD...: CMD must succeed.
expect_ok() {
	desc=$1; shift
	if ! "$@" >"$T/last.out" 2>&1; then
		cat "$T/last.out" >&2
		fail "$desc"
	fi
	ok "$desc"
}

# A TCP port that was free a moment ago on 127.0.0.1.
free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	i=0
	while [ $i -lt $((${2:-10} * 10)) ]; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	fail "nothing listens on port $1 after ${2:-10}s"
}
