#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Vouchers/s of brski-masa on SQLite and on PostgreSQL (one MASA, then
# two MASAs sharing the database), keep-alive registrar connections from
# bench/loadgen.  Never part of "make check": figures depend on the box.
#
#   bench/masa_store.sh [BUILDDIR]     (default: build-bench, as run.sh)
#
# BUILDDIR must hold "make all bench test/tools/libbrski_tool" with
# PostgreSQL support.  Knobs: BENCH_MASA (requests per run, 1000),
# BENCH_CONC (connections per MASA, 8), BENCH_PG_FSYNC=1 (a durable
# server: fsync and synchronous_commit on, as SQLite's synchronous=FULL).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
top_builddir=$(cd "${1:-$TOP/build-bench}" && pwd)
top_srcdir=$TOP
. "$TOP/test/lib.sh"
. "$TOP/test/pg.sh"
N=${BENCH_MASA:-1000}
CONC=${BENCH_CONC:-8}
LOADGEN=$top_builddir/bench/loadgen
[ -x "$LOADGEN" ] || fail "$LOADGEN missing: make -C $top_builddir bench"
grep -q '^#define HAVE_LIBPQ 1' "$top_builddir/config.h" ||
    fail "$top_builddir is built without PostgreSQL"
[ -n "${BENCH_PG_FSYNC:-}" ] && PG_OPTS="-c fsync=on"

pg_setup
$PSQL -d postgres -c "CREATE DATABASE masa" >/dev/null
P=$T/pki
"$CERTS" init "$P" >/dev/null
n1=$(head -c 16 /dev/urandom | base64 -w0)
mk_pvr "$P" 0001 idevid-0001 "$n1" "$P/registrar-tls.pem" "$T/pvr.cms"
mk_rvr "$P" 0001 "$n1" "$T/pvr.cms" registrar-ra "$T/rvr.cms"
TCK=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TCK" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

masa() {
	start_daemon "$1" "$MASA" -d --port 0 --database "$2" --threads "$CONC" \
	    --log-level warn \
	    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
	    --signer-cert "$P/masa-signer-chain.pem" \
	    --signer-key "$P/masa-signer.key" --manufacturer-ca "$P/vendor-ca.pem"
}
load() {
	"$LOADGEN" -c "$CONC" -n "$2" --cacert "$P/masa-ca.pem" \
	    --cert "$P/registrar-ra-chain.pem" --key "$P/registrar-ra.key" \
	    --data-file "$T/rvr.cms" --content-type application/voucher-cms+json \
	    --accept application/voucher-cms+json --name "$3" \
	    "https://localhost:$1/.well-known/brski/requestvoucher" | grep '^RESULT'
}

printf '%-14s %10s %8s  %s\n' engine voucher/s ok "MASA CPU ms/voucher, p50/p99 ms"
for db in "$T/masa.db" "pg:host=$PGD port=$PGPORT user=postgres dbname=masa"; do
	case $db in pg:*) e=postgresql ;; *) e=sqlite ;; esac
	"$MASA" --database "$db" ctl add 0001 >/dev/null
	masa "$e" "$db"	# a log file per daemon: start_daemon reads it
	eval "pid=\$${e}_pid"
	c0=$(cpu_ms "$pid")
	out=$(load "$PORT" "$N" "$e")
	cpu=$(awk "BEGIN { printf \"%.2f\", ($(cpu_ms "$pid") - $c0) / $N }")
	printf '%-14s %10s %8s  %s, %s/%s\n' "$e" "$(field "$out" rate)" \
	    "$(field "$out" ok)" "$cpu" "$(field "$out" p50_ms)" "$(field "$out" p99_ms)"
	"$MASA" --database "$db" ctl check >/dev/null || fail "$e: ctl check"
	stop_daemon "$e"
done

# two MASA processes on the one PostgreSQL database, loaded together
db="pg:host=$PGD port=$PGPORT user=postgres dbname=masa"
masa m1 "$db"
p1=$PORT
masa m2 "$db"
p2=$PORT
load "$p1" "$N" two_a >"$T/a.out" &
a=$!
load "$p2" "$N" two_b >"$T/b.out" || true
wait "$a" || true
ra=$(field "$(cat "$T/a.out")" rate)
rb=$(field "$(cat "$T/b.out")" rate)
printf '%-14s %10s %8s  %s\n' "pg, 2 MASAs" \
    "$(awk "BEGIN { printf \"%.1f\", $ra + $rb }")" \
    "$(( $(field "$(cat "$T/a.out")" ok) + $(field "$(cat "$T/b.out")" ok) ))" \
    "$ra + $rb; one box: both MASAs share its cores"
"$MASA" --database "$db" ctl check || fail "postgresql: ctl check"
stop_daemon m1
stop_daemon m2
