#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Interop test of common/httpc.c (through test/unit/httpc_tool) against
# real TLS servers on 127.0.0.1: openssl s_server (-WWW: one response
# per connection) and test/interop/httpc_server.py (Python's http.server
# over ssl, keep-alive, with misbehaving paths).  The PKI is made here
# with the openssl CLI, all P-256:
#   ca (root) -> sub (intermediate) -> srv (localhost, 127.0.0.1, ::1)
#                                   -> wrong (CN=localhost, SAN other names)
#                                   -> cli (client, CN=test-client)
#   other (an unrelated root)
# Every server gets an ephemeral port and is killed on exit; every client
# run is bounded by timeout(1).
set -u

: "${top_srcdir:?run from make check}" "${top_builddir:?run from make check}"
OPENSSL=${OPENSSL:-openssl}
PY=/usr/bin/python3
TOOL=$top_builddir/test/unit/httpc_tool
SERVER_PY=$top_srcdir/test/interop/httpc_server.py

if ! command -v "$OPENSSL" >/dev/null 2>&1; then
	echo "SKIP: no openssl command"; exit 77
fi
if ! [ -x "$PY" ]; then
	echo "SKIP: no $PY (Debian's python3)"; exit 77
fi

W=$(mktemp -d /tmp/brski-httpc.XXXXXX) || exit 99
PIDS=
cleanup() {
	# only our children: one that exited (-naccept 1) and was reaped
	# left its PID free for another test's process
	for p in $PIDS; do
		[ "$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null |
		    cut -d' ' -f2)" = "$$" ] && kill "$p" 2>/dev/null
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

failures=0
checks=0
pass() { checks=$((checks + 1)); echo "ok: $1"; }
fail() {
	checks=$((checks + 1)); failures=$((failures + 1))
	echo "FAIL: $1"
	for f in "$W/out" "$W/err"; do
		[ -s "$f" ] && sed 's/^/    | /' "$f" | head -40
	done
}

# run NAME tool-args...: the tool's stdout in $W/out, stderr in $W/err
run() {
	_name=$1; shift
	timeout 30 "$TOOL" "$@" >"$W/out" 2>"$W/err"
	rc=$?
}

# expect_ok NAME [grep-pattern-on-stdout...] -- tool-args...
expect_ok() {
	_n=$1; shift
	_pats=
	while [ "$1" != "--" ]; do
		_pats="$_pats
$1"
		shift
	done
	shift
	run "$_n" "$@"
	if [ $rc -ne 0 ]; then
		fail "$_n (exit $rc)"; return
	fi
	echo "$_pats" | while IFS= read -r p; do
		[ -z "$p" ] && continue
		grep -q -e "$p" "$W/out" || { echo "missing: $p"; exit 1; }
	done || { fail "$_n"; return; }
	pass "$_n"
}

# expect_err NAME KIND PATTERN -- tool-args...: exit 1 and
# "error: KIND: ...PATTERN..." on stderr
expect_err() {
	_n=$1; _kind=$2; _pat=$3; shift 4
	run "$_n" "$@"
	if [ $rc -ne 1 ] || ! grep -q "^error: $_kind: .*$_pat" "$W/err"; then
		fail "$_n (exit $rc, want \"$_kind\" and \"$_pat\")"; return
	fi
	pass "$_n: $(head -c 160 "$W/err")"
}

free_port() {
	"$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for FILE PATTERN: until the server says it is ready (10 s at most)
wait_for() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 100 ]; then
			echo "server did not start:"; cat "$1"; exit 99
		fi
		sleep 0.1
	done
}

# s_server NAME extra-args...: sets PORT; serves the files in $W (-WWW)
s_server() {
	_log=$W/$1.log; shift
	PORT=$(free_port)
	(cd "$W" && exec "$OPENSSL" s_server -accept "$PORT" \
	    -WWW "$@" >"$_log" 2>&1 </dev/null) &
	PIDS="$PIDS $!"
	wait_for "$_log" '^ACCEPT'
}

# ------------------------------------------------------------------ PKI
cd "$W" || exit 99
printf 'hello from s_server\n' >index.txt
key() { "$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$1.key" &&
	chmod 600 "$1.key"; }
root() { key "$1" && "$OPENSSL" req -x509 -new -key "$1.key" -subj "/CN=$2" \
	-days 2 -sha256 -addext basicConstraints=critical,CA:TRUE \
	-addext keyUsage=critical,keyCertSign,cRLSign -out "$1.pem"; }
# issue NAME CN ISSUER EXTENSIONS
issue() {
	key "$1" && "$OPENSSL" req -new -key "$1.key" -subj "/CN=$2" \
	    -out "$1.csr" && printf '%b' "$4" >"$1.ext" &&
	"$OPENSSL" x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" \
	    -CAcreateserial -days 2 -sha256 -extfile "$1.ext" \
	    -out "$1.pem" 2>/dev/null
}
{
	root ca "Test Root CA" &&
	root other "Unrelated CA" &&
	issue sub "Test Sub CA" ca \
	    'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n' &&
	issue srv localhost sub \
	    'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\nextendedKeyUsage=serverAuth\n' &&
	issue wrong localhost sub \
	    'subjectAltName=DNS:other.example,IP:192.0.2.1\nextendedKeyUsage=serverAuth\n' &&
	issue cli test-client sub 'extendedKeyUsage=clientAuth\n'
} >pki.log 2>&1 || { cat pki.log; exit 99; }
cat srv.pem sub.pem >srv-chain.pem
cat wrong.pem sub.pem >wrong-chain.pem
cat cli.pem sub.pem >cli-chain.pem

# ------------------------------------------------- openssl s_server -WWW
s_server plain -cert srv.pem -key srv.key -cert_chain sub.pem
P=$PORT
U=https://localhost:$P/index.txt

expect_ok "s_server: GET, right CA, TLS 1.3" 'tls-version: TLSv1.3' \
    'status: 200' 'hello from s_server' 'peer-chain: 2' \
    'peer\[0\]: /CN=localhost' 'peer\[1\]: /CN=Test Sub CA' \
    -- --cacert ca.pem "$U"
expect_ok "s_server: GET, right CA, TLS 1.2 (client pinned)" \
    'tls-version: TLSv1.2' 'status: 200' -- --tls1_2 --cacert ca.pem "$U"
expect_ok "s_server: GET by IP address (SAN iPAddress)" 'status: 200' \
    -- --cacert ca.pem "https://127.0.0.1:$P/index.txt"
expect_ok "s_server: sub CA as the only anchor" 'status: 200' \
    -- --cacert sub.pem "$U"
expect_ok "s_server: pinned end-entity certificate as anchor" \
    'status: 200' -- --cacert srv.pem "$U"
expect_err "s_server: wrong CA" "TLS error" "verify" -- \
    --cacert other.pem "$U"
expect_err "s_server: wrong pinned end-entity certificate" "TLS error" \
    "" -- --cacert wrong.pem "$U"
expect_err "s_server: no anchors in anchors mode" "invalid argument" \
    "without trust anchors" -- "$U"
expect_ok "s_server: provisional, wrong CA, chain reported" \
    'status: 200' 'peer-chain: 2' 'peer\[0\]: /CN=localhost' \
    -- --provisional --cacert other.pem "$U"
expect_ok "s_server: provisional without any anchor" 'status: 200' \
    -- --provisional "$U"
expect_ok "s_server: closes after each response, 3 requests" \
    'request 3: status 200' 'connections: 3' -- --repeat 3 --cacert ca.pem "$U"
# IPv6 loopback, when the machine has it
V6=0
if "$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
	V6=1
	expect_ok "s_server: IPv6 literal URL (provisional)" 'status: 200' \
	    -- --provisional "https://[::1]:$P/index.txt"
	# "::1" must match the SAN although wolfSSL spells it 0000:...:0001
	expect_ok "s_server: IPv6 literal URL (SAN iPAddress ::1)" \
	    'status: 200' -- --cacert ca.pem "https://[::1]:$P/index.txt"
else
	echo "skip: no IPv6 loopback"
fi

# chains of 8 (leaf + 7) are kept, 9 are refused
for i in 1 2 3 4 5 6 7 8; do cat ca.pem; done >pad8.pem
head -n "$(grep -c '' ca.pem | awk '{ print $1 * 7 }')" pad8.pem >pad7.pem
s_server chain8 -cert srv.pem -key srv.key -cert_chain pad7.pem
expect_ok "s_server: chain of 8 certificates kept" 'peer-chain: 8' \
    -- --provisional "https://localhost:$PORT/index.txt"
s_server chain9 -cert srv.pem -key srv.key -cert_chain pad8.pem
expect_err "s_server: chain of 9 certificates refused" "input too large" \
    "sent 9 certificates, limit 8" -- --provisional \
    "https://localhost:$PORT/index.txt"

s_server tls12 -tls1_2 -cert srv.pem -key srv.key -cert_chain sub.pem
expect_ok "s_server TLS 1.2 only: client negotiates 1.2" \
    'tls-version: TLSv1.2' 'status: 200' \
    -- --cacert ca.pem "https://localhost:$PORT/index.txt"
expect_err "s_server TLS 1.2 only: client pinned to 1.3 fails" \
    "TLS error" "protocol_version" -- --tls1_3 --cacert ca.pem \
    "https://localhost:$PORT/index.txt"

# TLS 1.2 is our minimum; OpenSSL 3 needs SECLEVEL 0 to speak 1.1 at all
s_server tls11 -tls1_1 -cipher 'DEFAULT:@SECLEVEL=0' -cert srv.pem \
    -key srv.key -cert_chain sub.pem
expect_err "s_server TLS 1.1 only: refused" "TLS error" \
    "protocol_version" -- --provisional "https://localhost:$PORT/index.txt"

s_server wrongname -cert wrong.pem -key wrong.key -cert_chain sub.pem
expect_err "s_server: host name not in SAN (CN matches, SAN does not)" \
    "TLS error" 'not for "localhost"' -- --cacert ca.pem \
    "https://localhost:$PORT/index.txt"
expect_err "s_server: IP address not in SAN" "TLS error" \
    'not for "127.0.0.1"' -- --cacert ca.pem \
    "https://127.0.0.1:$PORT/index.txt"
[ $V6 = 0 ] || expect_err "s_server: IPv6 address not in SAN" "TLS error" \
    'not for "::1"' -- --cacert ca.pem "https://[::1]:$PORT/index.txt"
expect_ok "s_server: wrong name accepted in provisional mode" \
    'status: 200' -- --provisional "https://127.0.0.1:$PORT/index.txt"

s_server clientauth -cert srv.pem -key srv.key -cert_chain sub.pem \
    -Verify 1 -CAfile ca.pem
expect_ok "s_server -Verify 1: client chain presented" 'status: 200' \
    -- --cacert ca.pem --cert cli-chain.pem --key cli.key \
    "https://localhost:$PORT/index.txt"
sleep 0.2
if grep -q 'depth=0 CN = test-client' "$W/clientauth.log" &&
    grep -q 'depth=1 CN = Test Sub CA' "$W/clientauth.log"; then
	pass "s_server -Verify 1: server verified test-client via Test Sub CA"
else
	fail "s_server -Verify 1: no client certificate in the server log"
	sed 's/^/    | /' "$W/clientauth.log"
fi
expect_err "s_server -Verify 1: no client certificate (TLS 1.3)" \
    "TLS error" "certificate_required" \
    -- --cacert ca.pem "https://localhost:$PORT/index.txt"
expect_err "s_server -Verify 1: no client certificate (TLS 1.2)" \
    "TLS error" "handshake.*handshake_failure" \
    -- --tls1_2 --cacert ca.pem "https://localhost:$PORT/index.txt"
expect_err "client key does not match the certificate" \
    "invalid argument" "does not match" -- --cacert ca.pem \
    --cert cli-chain.pem --key other.key "https://localhost:$PORT/index.txt"

# RFC 5705 exporter: s_server prints its side (echo mode, not -WWW)
mkfifo "$W/stdin" && exec 3<>"$W/stdin" || exit 99
for v in "" -tls1_2; do
	PORT=$(free_port)
	# in echo mode s_server quits at EOF on stdin: give it an open fifo
	"$OPENSSL" s_server -accept "$PORT" $v -cert srv.pem \
	    -key srv.key -cert_chain sub.pem -naccept 1 \
	    -keymatexport EXPERIMENTAL-brski -keymatexportlen 32 \
	    >"$W/ekm$v.log" 2>&1 <"$W/stdin" &
	PIDS="$PIDS $!"
	wait_for "$W/ekm$v.log" '^ACCEPT'
	run exporter --cacert ca.pem --timeout 300 \
	    --exporter EXPERIMENTAL-brski:32 "https://localhost:$PORT/"
	ours=$(sed -n 's/^exporter: //p' "$W/out")
	wait_for "$W/ekm$v.log" 'Keying material: '
	theirs=$(sed -n 's/.*Keying material: //p' "$W/ekm$v.log")
	if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
		pass "exporter ${v:-tls1_3} equals s_server's: $ours"
	else
		fail "exporter ${v:-tls1_3}: ours '$ours', s_server '$theirs'"
	fi
done

# ----------------------------------------------- keep-alive Python server
"$PY" "$SERVER_PY" srv-chain.pem srv.key ca.pem "$W/py.port" \
    2>"$W/py.log" &
PIDS="$PIDS $!"
wait_for "$W/py.port" '[0-9]'
Q=https://localhost:$(cat "$W/py.port")

expect_ok "python: keep-alive, 5 requests on one connection" \
    'request 5: status 200' 'connections: 1' 'header: X-Req: 5' \
    -- --cacert ca.pem --repeat 5 "$Q/hello"
expect_ok "python: chunked response" 'chunked: 1' \
    'chunk one, chunk two, three' -- --cacert ca.pem "$Q/chunked"
expect_ok "python: chunked, 3 over one connection" 'connections: 1' \
    'request 3: status 200, 28 bytes' -- --cacert ca.pem --repeat 3 \
    "$Q/chunked"
expect_ok "python: body exactly at the cap" 'body-length: 2000' \
    -- --cacert ca.pem --max 2000 "$Q/big?n=2000"
expect_err "python: Content-Length over the cap" "input too large" \
    "2000 bytes, limit 1999" -- --cacert ca.pem --max 1999 "$Q/big?n=2000"
expect_ok "python: chunked body of 5000 bytes" 'body-length: 5000' \
    -- --cacert ca.pem --max 5000 "$Q/bigchunked?n=5000"
expect_err "python: chunked body over the cap" "input too large" \
    "limit of 4999" -- --cacert ca.pem --max 4999 "$Q/bigchunked?n=5000"
expect_err "python: server closes mid-body" "malformed input" \
    "truncated.*10 of 1000" -- --cacert ca.pem "$Q/cut"
expect_err "python: server closes inside a chunk" "malformed input" \
    "truncated.*chunked" -- --cacert ca.pem "$Q/cutchunked"
expect_err "python: non-HTTP answer" "malformed input" "malformed response" \
    -- --cacert ca.pem "$Q/garbage"
expect_err "python: two Content-Type headers" "malformed input" \
    "two Content-Type" -- --cacert ca.pem "$Q/dupct"
expect_ok "python: body until the connection closes" 'until the end' \
    'keep-alive: 0' -- --cacert ca.pem "$Q/nolength"
expect_ok "python: 100 Continue before the answer" 'status: 200' \
    'after continue' -- --cacert ca.pem "$Q/interim"
expect_ok "python: 202 with Retry-After and Location" 'status: 202' \
    'retry-after: 7 (7 s)' 'location: /elsewhere' \
    -- --cacert ca.pem "$Q/status?code=202&retry=7"
expect_ok "python: response arriving one byte per TLS record" \
    'byte by byte' 'connections: 1' 'request 2: status 200, 12 bytes' \
    "header: X-Long-Header: $(printf '%0300d' 0 | tr 0 v)" \
    -- --cacert ca.pem --repeat 2 "$Q/trickle"
expect_ok "python: HEAD has no body" 'content-length: 6' 'body-length: 0' \
    'connections: 1' \
    -- --cacert ca.pem --method HEAD --repeat 2 "$Q/hello"
expect_ok "python: idle connection closed by the server, reconnect" \
    'request 2: status 200' 'connections: 2' \
    -- --cacert ca.pem --repeat 2 --sleep-ms 200 "$Q/idle-close"
expect_ok "python: reused connection dropped on request, resent once" \
    'request 2: status 200' 'connections: 2' 'header: X-Req: 1' \
    -- --cacert ca.pem --repeat 2 "$Q/drop-next"

# a server that drops every request after the first: one retry, no more
run conns --cacert ca.pem "$Q/hello"
before=$(sed -n 's/^header: X-Conn: //p' "$W/out")
expect_err "python: dropped again after the resend" "network error" \
    "before any response" -- --cacert ca.pem --repeat 2 "$Q/flaky"
run conns --cacert ca.pem "$Q/hello"
after=$(sed -n 's/^header: X-Conn: //p' "$W/out")
if [ -n "$before" ] && [ $((after - before)) -eq 3 ]; then
	pass "python: exactly one resend (connections $before -> $after)"
else
	fail "python: resend count (connections $before -> $after, want +3)"
fi

printf 'a voucher request body\n' >"$W/body"
expect_ok "python: POST with headers" 'a voucher request body' \
    'header: X-Got-Content-Type: application/voucher-cms+json' \
    'header: X-Got-Accept: application/voucher-cms+json' \
    'header: X-Got-Authorization: Basic dXNlcjpwdw==' \
    'header: X-Got-X-Test: 1' 'header: X-Got-Content-Length: 23' \
    "header: X-Got-Host: localhost:$(cat "$W/py.port")" \
    -- --cacert ca.pem --data-file "$W/body" \
    --content-type application/voucher-cms+json \
    --accept application/voucher-cms+json \
    --header 'Authorization: Basic dXNlcjpwdw==' --header 'X-Test: 1' \
    "$Q/echo"
expect_ok "python: empty POST says Content-Length: 0" \
    'header: X-Got-Content-Length: 0' -- --cacert ca.pem --method POST \
    "$Q/echo"
expect_ok "python: client certificate presented" 'header: X-Client: test-client' \
    -- --cacert ca.pem --cert cli-chain.pem --key cli.key "$Q/hello"
run tlsunique --cacert ca.pem --tls1_2 --tls-unique "$Q/hello"
ours=$(sed -n 's/^tls-unique: //p' "$W/out")
theirs=$(sed -n 's/^header: X-TLS-Unique: //p' "$W/out")
if [ $rc -eq 0 ] && [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then
	pass "tls-unique equals the server's: $ours"
else
	fail "tls-unique: ours '$ours', server '$theirs'"
fi
expect_err "tls-unique refused over TLS 1.3" "invalid argument" "TLS 1.2" \
    -- --cacert ca.pem --tls-unique "$Q/hello"
# RFC 7030 3.5: the pledge takes the binding after httpc_ready(); when the
# server closed the idle connection, that must be the new session's
run readybinding --cacert ca.pem --tls1_2 --binding --repeat 2 --sleep-ms 200 \
    "$Q/idle-close"
b1=$(sed -n 's/^binding 1: tls-unique //p' "$W/out")
b2=$(sed -n 's/^binding 2: tls-unique //p' "$W/out")
theirs=$(sed -n 's/^header: X-TLS-Unique: //p' "$W/out")
if [ $rc -eq 0 ] && grep -q '^connections: 2' "$W/out" && [ -n "$b2" ] &&
    [ "$b2" = "$theirs" ] && [ "$b1" != "$b2" ]; then
	pass "binding after a server close is the new session's: $b2"
else
	fail "binding after reopen: 1 '$b1', 2 '$b2', server '$theirs'"
fi

# timeout bound: the server reads the request and never answers
t0=$(date +%s%N)
expect_err "python: server never answers" "network error" \
    "timed out after 1000 ms" -- --cacert ca.pem --timeout 1000 "$Q/hang"
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $ms -lt 4000 ]; then
	pass "response timeout bounded: ${ms} ms for a 1000 ms limit"
else
	fail "response timeout took ${ms} ms for a 1000 ms limit"
fi

# time: a request over the kept-alive connection vs a fresh connection
run timing --cacert ca.pem --repeat 20 "$Q/hello"
reused=$(sed -n 's/^request \([2-9]\|[12][0-9]\): .* \([0-9]*\) us.*/\2/p' \
    "$W/out" | sort -n | sed -n 10p)
run timing --cacert ca.pem --repeat 20 --fresh "$Q/hello"
fresh=$(sed -n 's/^request [0-9]*: .* \([0-9]*\) us.*/\1/p' "$W/out" |
    sort -n | sed -n 10p)
echo "info: median request time: reused connection ${reused} us, fresh" \
    "connection (TCP + TLS 1.3 handshake + request) ${fresh} us"

# ---------------------------------------------------- raw TCP misbehaviour
# silent: accepts and never speaks TLS; notls: answers with plain text
"$PY" - "$W/raw.port" >"$W/raw.log" 2>&1 <<'EOF' &
import os, socket, sys, threading, time
def serve(mode, s):
    while True:
        c, _ = s.accept()
        if mode == "notls":
            c.recv(4096)
            c.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\nnot TLS\r\n")
            c.close()
        else:
            threading.Thread(target=lambda c=c: (time.sleep(30), c.close()),
                             daemon=True).start()
ports = []
for mode in ("silent", "notls"):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    ports.append(str(s.getsockname()[1]))
    threading.Thread(target=serve, args=(mode, s), daemon=True).start()
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(" ".join(ports) + "\n")
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(600)
EOF
PIDS="$PIDS $!"
wait_for "$W/raw.port" '[0-9]'
read -r silent notls <"$W/raw.port"
t0=$(date +%s%N)
expect_err "silent server: handshake timeout" "network error" \
    "handshake.*timed out after 1000 ms" -- --cacert ca.pem \
    --connect-timeout 1000 "https://localhost:$silent/"
ms=$((($(date +%s%N) - t0) / 1000000))
if [ $ms -lt 4000 ]; then
	pass "handshake timeout bounded: ${ms} ms for a 1000 ms limit"
else
	fail "handshake timeout took ${ms} ms for a 1000 ms limit"
fi
expect_err "plain-text server: TLS error" "TLS error" "handshake" \
    -- --cacert ca.pem "https://localhost:$notls/"
dead=$(free_port)
expect_err "nothing listening: connection refused" "network error" \
    "refused" -- --cacert ca.pem "https://127.0.0.1:$dead/"
expect_err "unknown host name" "network error" "cannot resolve" \
    -- --cacert ca.pem "https://no-such-host.invalid/"

echo "$checks checks, $failures failed"
[ $failures -eq 0 ]
