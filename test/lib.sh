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

# T: a private scratch directory removed at exit (with any daemons);
# KEEP=1 keeps it for a look after a failure.
T=$(mktemp -d /tmp/brski-test.XXXXXX)
PIDS=""
# is_child PID: PID is still a child of this shell.  One that ended and
# was reaped (any $(...) reaps) leaves its number free, and on a busy
# machine pid_max wraps within a test: signalling it blindly hit other
# tests' shells and daemons under make -j2 check.
is_child() {
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f2)" = "$$" ]
}
cleanup() {
	for p in $PIDS; do is_child "$p" && kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	if [ -n "${KEEP:-}" ]; then
		echo "kept $T"
	else
		rm -rf "$T"
	fi
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

# A UDP port that was free a moment ago on 127.0.0.1 (CoAPS).
free_udp_port() {
	$PY -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
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

# ---- BRSKI artifacts for tests: built with our CMS and openssl ----
MASA="$top_builddir/masa/brski-masa"
REGISTRAR="$top_builddir/registrar/brski-registrar"
PLEDGE="$top_builddir/pledge/brski-pledge"
JOINPROXY="$top_builddir/registrar/brski-join-proxy"

now3339() { date -u +%Y-%m-%dT%H:%M:%SZ; }
der_b64() { "$OPENSSL" x509 -in "$1" -outform DER | base64 -w0; }

# mk_pvr PKI SERIAL-IN-JSON IDEVID-NAME NONCE REGCERT OUT: a pledge
# voucher-request signed with the IDevID IDEVID-NAME.
mk_pvr() {
	printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"%s","created-on":"%s","proximity-registrar-cert":"%s"}}' \
	    "$4" "$2" "$(now3339)" "$(der_b64 "$5")" >"$6.json"
	"$TOOL" cms-sign "$6.json" "$1/$3.pem" "$1/$3.key" "$6" \
	    "$1/$3-chain.pem" >/dev/null
}

# mk_rvr PKI SERIAL NONCE PVR SIGNER-NAME OUT [EXTRA-JSON]: a registrar
# voucher-request carrying PVR, signed by SIGNER-NAME with its chain and
# the registrar TLS certificate in the bag.
mk_rvr() {
	extra=${7:-}
	nonce=""
	[ -n "$3" ] && nonce="\"nonce\":\"$3\","
	pvr=""
	[ -n "$4" ] && pvr=",\"prior-signed-voucher-request\":\"$(base64 -w0 "$4")\""
	printf '{"ietf-voucher-request:voucher":{"assertion":"proximity",%s"serial-number":"%s","created-on":"%s"%s%s}}' \
	    "$nonce" "$2" "$(now3339)" "$pvr" "$extra" >"$6.json"
	cat "$1/$5-chain.pem" "$1/registrar-tls.pem" >"$6.bag"
	"$TOOL" cms-sign "$6.json" "$1/$5.pem" "$1/$5.key" "$6" "$6.bag" >/dev/null
}

# start_daemon NAME CMD...: run a daemon that prints "listening PORT";
# sets $PORT and adds it to PIDS; its log is $T/NAME.log.
start_daemon() {
	name=$1; shift
	# empty them here: the background job's own redirections may come
	# after the first look, which would see a reused name's old lines
	: >"$T/$name.out"
	: >"$T/$name.log"
	"$@" >"$T/$name.out" 2>"$T/$name.log" &
	pid=$!
	PIDS="$PIDS $pid"
	i=0
	while ! grep -q '^listening' "$T/$name.out" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 100 ]; then
			cat "$T/$name.log" >&2
			fail "$name did not start"
		fi
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(awk '/^listening/{print $2; exit}' "$T/$name.out")
	eval "${name}_pid=$pid"
}

# stop_daemon NAME: SIGTERM, wait (bounded), require exit status 0.
stop_daemon() {
	eval "pid=\$${1}_pid"
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -0 "$pid" 2>/dev/null && fail "$1 ignored SIGTERM"
	wait "$pid" || fail "$1 exited with status $?"
	# reaped: its PID may now go to anyone (pid_max wraps fast on a busy
	# machine), so cleanup must not send it a signal any more
	PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
}

# post_status URL FILE OUT [curl options]: POST FILE, print the status.
post_status() {
	url=$1 file=$2 out=$3; shift 3
	curl -sS -o "$out" -w '%{http_code}' --max-time 20 "$@" \
	    --data-binary @"$file" "$url" || true
}
