#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# All benchmarks of bench/README.md in one command: builds a release
# tree (./configure defaults: -O2, no sanitizers) in build-bench/, mints
# a PKI, runs MASA, registrar and pledges on loopback, and writes a
# table (text and CSV) to bench/results/, which it also prints.
#
# usage: bench/run.sh [--quick] [--profile] [--only LIST]
#   --quick    smaller runs (a minute or two), for a first look
#   --profile  also record CPU profiles (perf) of the enrollment runs
#   --only     comma-separated subset of: floor,enroll,pool,est,masa,big,
#              pledge
# Knobs (environment): BENCH_PLEDGES (full enrollments, default 300),
# BENCH_CONC (concurrent pledges, 8), BENCH_EST (EST requests, 3000),
# BENCH_MASA (vouchers, 2000), BENCH_BIG (concurrent pledges of the big
# run, 1000), BENCH_BIG_THREADS (registrar settings of the big run,
# "4 0 16 2lean": --threads N, "lean" adds --connection-memory 8192), BENCH_SECONDS (per crypto operation, 1),
# BENCH_PLEDGE_RUNS (pledge footprint samples, 21), BENCH_POOL_RUNS
# (runs of the pool scenario, the median is reported, 3), KEEP=1 (keep the
# scratch directory).
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
QUICK=0 PROFILE=0 ONLY=floor,enroll,pool,est,masa,big,pledge
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--profile) PROFILE=1 ;;
	--only) ONLY=$2; shift ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
if [ $QUICK = 1 ]; then
	: "${BENCH_PLEDGES:=60}" "${BENCH_EST:=600}" "${BENCH_MASA:=400}"
	: "${BENCH_BIG:=300}" "${BENCH_SECONDS:=0.3}" "${BENCH_PLEDGE_RUNS:=9}"
fi
PLEDGES=${BENCH_PLEDGES:-300}
CONC=${BENCH_CONC:-8}
EST_N=${BENCH_EST:-3000}
MASA_N=${BENCH_MASA:-2000}
BIG=${BENCH_BIG:-1000}
SECS=${BENCH_SECONDS:-1}
PLEDGE_N=${BENCH_PLEDGE_RUNS:-21}
POOL_RUNS=${BENCH_POOL_RUNS:-3}
want() { case ",$ONLY," in *",$1,"*) return 0 ;; esac; return 1; }

# ---------------------------------------------------------------- build
B=$TOP/build-bench
echo "== release build in $B"
if [ ! -f "$B/Makefile" ]; then
	[ -x configure ] || autoreconf -fi >/dev/null 2>&1
	mkdir -p "$B"
	(cd "$B" && ../configure >configure.log 2>&1) ||
	    { echo "configure failed: $B/configure.log" >&2; exit 1; }
fi
grep -q -- '-fsanitize' "$B/Makefile" &&
    { echo "$B is a sanitizer build: remove it" >&2; exit 1; }
make -C "$B" -j"$(nproc)" all bench test/tools/libbrski_tool \
    >"$B/make-bench.log" 2>&1 ||
    { tail -20 "$B/make-bench.log" >&2; exit 1; }

top_builddir=$B top_srcdir=$TOP
export top_builddir top_srcdir
. "$TOP/test/lib.sh"		# T (scratch), PIDS, start_daemon, mk_pvr ...
export TOOL
RESULTS=$TOP/bench/results
mkdir -p "$RESULTS"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV=$T/results.csv
NCPU=$(nproc)
TCK=$(getconf CLK_TCK)
: >"$CSV"
echo "figure,value,unit,detail" >>"$CSV"
row() {		# row FIGURE VALUE UNIT DETAIL
	echo "$1,$2,$3,\"$4\"" >>"$CSV"
	printf '  %-34s %12s %-8s %s\n' "$1" "$2" "$3" "$4"
}
# CPU time (ms) a live process has used; peak RSS (KiB); threads.
cpu_ms() { awk -v t="$TCK" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }
hwm_kb() { awk '/^VmHWM/ { print $2 }' "/proc/$1/status"; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
calc() { awk "BEGIN { printf \"%.${2:-1}f\", $1 }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b + 0 == 0) print "n/a"; else printf "%.3f", a / b }'; }
field() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

# ---------------------------------------------------------------- PKI
P=$T/pki
NID=$BIG
[ $((PLEDGES * POOL_RUNS)) -gt "$NID" ] && NID=$((PLEDGES * POOL_RUNS))
echo "== PKI with $NID IDevIDs in $P"
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" $(seq -f %04g 2 "$NID") >/dev/null
EST_PW=$T/est-pw
printf 'bench-pass\n' >"$EST_PW"
BASIC="Authorization: Basic $(printf 'bench:bench-pass' | base64 -w0)"

# daemons NAME [registrar options]: fresh MASA + registrar, sets MURL RURL
# (and masa_pid, reg_pid); MASA_OPTS adds MASA options.
daemons() {
	tag=$1; shift
	for d in reg masa; do
		eval "p=\${${d}_pid:-}"
		[ -n "$p" ] && kill -0 "$p" 2>/dev/null && stop_daemon "$d"
	done
	# start_daemon reads "listening PORT" from NAME.out: no stale one
	rm -f "$T/$tag-m.db"* "$T/$tag-r.db"* "$T/masa.out" "$T/reg.out"
	"$MASA" --database "$T/$tag-m.db" ctl add $(seq -f %04g 1 "$NID")
	start_daemon masa ${DAEMON_PREFIX:-} "$MASA" -d --port 0 --database "$T/$tag-m.db" \
	    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
	    --signer-cert "$P/masa-signer-chain.pem" \
	    --signer-key "$P/masa-signer.key" \
	    --manufacturer-ca "$P/vendor-ca.pem" ${MASA_OPTS:-}
	MURL=https://localhost:$PORT
	start_daemon reg ${DAEMON_PREFIX:-} "$REGISTRAR" -d --port 0 --database "$T/$tag-r.db" \
	    --tls-cert "$P/registrar-tls-chain.pem" \
	    --tls-key "$P/registrar-tls.key" \
	    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
	    --domain-ca-cert "$P/domain-ca.pem" \
	    --domain-ca-key "$P/domain-ca.key" \
	    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
	    --masa-url "$MURL" --est-user bench --est-password-file "$EST_PW" \
	    "$@"
	RPORT=$PORT
	RURL=https://localhost:$PORT
}

# A pledge as a device runs it: one process, its own state directory.
cat >"$T/pledge1.sh" <<EOF
#!/bin/sh
s=\$1
t0=\$(date +%s%N)
"$PLEDGE" -d --registrar "\$RURL" --idevid-cert "$P/idevid-\$s-chain.pem" \\
    --idevid-key "$P/idevid-\$s.key" --masa-ca "$P/masa-ca.pem" \\
    --state-dir "$T/state/\$s" --timeout 120 2>"$T/state/\$s.log"
rc=\$?
echo "\$s \$rc \$(( (\$(date +%s%N) - t0) / 1000000 ))"
EOF
chmod +x "$T/pledge1.sh"

# pct FILE COLUMN Q: the Q-quantile of a column of numbers
pct() { awk -v c="$2" '{ print $c }' "$1" | sort -n |
    awk -v q="$3" '{ v[NR] = $1 } END { if (NR) print v[int((NR - 1) * q) + 1]; else print 0 }'; }

echo
echo "BRSKI toolkit benchmarks, $STAMP, $(git describe --always --dirty 2>/dev/null || echo '?')"
echo "machine: $NCPU CPU(s), $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), load average before: $(loadavg)"
row machine_cpus "$NCPU" cpus "$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
row load_before "$(loadavg | cut -d' ' -f1)" load "1-minute load average when the run started"

# ------------------------------------------------------------ 1. floor
FLOOR=0 FLOOR_CPU=0 FLOOR_INFRA_CPU=0 MASA_FLOOR=0 MASA_FLOOR_US=0 EST_FLOOR=0
if want floor || want enroll || want pool || want masa; then
	echo
	echo "== 1. crypto floor (bench/crypto_floor, $SECS s CPU per operation)"
	LD_PRELOAD=$B/bench/opcount.so "$B/bench/crypto_floor" -s "$SECS" \
	    -c "$T/floor.csv" "$P" | tee "$T/floor.txt"
	fl() { awk -F, -v k="$1" '$2 == k { print $3 }' "$T/floor.csv"; }
	FLOOR=$(fl ceiling_enroll)
	FLOOR_CPU=$(fl enroll_total)
	FLOOR_INFRA_CPU=$(calc "$(fl enroll_registrar) + $(fl enroll_masa)" 0)
	MASA_FLOOR=$(fl ceiling_masa)
	MASA_FLOOR_US=$(fl masa_voucher)
	EST_FLOOR=$(fl ceiling_est_keepalive)
	echo
	row floor_enroll_cpu "$(calc "$FLOOR_CPU / 1000" 2)" ms "crypto CPU per enrollment (pledge $(calc "$(fl enroll_pledge) / 1000" 2) + registrar $(calc "$(fl enroll_registrar) / 1000" 2) + MASA $(calc "$(fl enroll_masa) / 1000" 2) ms)"
	row floor_enroll_rate "$FLOOR" enroll/s "crypto-only ceiling on $NCPU CPU(s), all parties on this box"
	row floor_enroll_infra "$(fl ceiling_enroll_infra)" enroll/s "same, registrar + MASA only"
	row floor_masa "$MASA_FLOOR" voucher/s "MASA crypto-only ceiling ($(calc "$MASA_FLOOR_US / 1000" 2) ms per voucher)"
	row floor_est "$EST_FLOOR" enroll/s "EST simpleenroll crypto ceiling, keep-alive"
	for k in tls_prov tls_dflt_groups verify_known verify_new sign; do
		row "op_$k" "$(fl "$k")" us "$(grep "^$k " "$T/floor.txt" | sed 's/.*[0-9]  //' | head -1)"
	done
fi

# ------------------------------------------------------------ 2. enroll
# run_pledges TAG FIRST COUNT CONC: brski-pledge processes; sets EN_*
# --profile: perf records the registrar and the MASA during a scenario
prof_start() {
	PERF1="" PERF2=""
	[ $PROFILE = 1 ] && command -v perf >/dev/null || return 0
	perf record -q -e cpu-clock ${BENCH_PERF_CG:--g} -p "$reg_pid" -o "$T/perf-$1-reg.data" 2>/dev/null &
	PERF1=$!
	perf record -q -e cpu-clock ${BENCH_PERF_CG:--g} -p "$masa_pid" -o "$T/perf-$1-masa.data" 2>/dev/null &
	PERF2=$!
	sleep 1
}
prof_stop() {
	[ -n "${PERF1:-}" ] || return 0
	kill -INT "$PERF1" "$PERF2"; wait "$PERF1" "$PERF2" 2>/dev/null || true
	for w in reg masa; do
		perf report -i "$T/perf-$1-$w.data" --no-children --sort dso -g none \
		    --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' |
		    head -12 >"$T/profile-$1-$w-dso.txt"
		perf report -i "$T/perf-$1-$w.data" --no-children --sort dso,sym \
		    --stdio -g none 2>/dev/null | grep -v '^#' |
		    grep -v '^$' | head -30 >"$T/profile-$1-$w-sym.txt"
		echo "-- profile of the $w during $1 (by library, then symbol):"
		cat "$T/profile-$1-$w-dso.txt"
		head -15 "$T/profile-$1-$w-sym.txt"
	done
}

run_pledges() {
	rm -rf "$T/state"
	mkdir -p "$T/state"
	r0=$(cpu_ms "$reg_pid") m0=$(cpu_ms "$masa_pid")
	w0=$(date +%s%N)
	RURL=$RURL /usr/bin/time -f '%U %S' -o "$T/$1.time" \
	    sh -c "seq -f %04g $2 $(($2 + $3 - 1)) | xargs -P $4 -n 1 '$T/pledge1.sh'" \
	    >"$T/$1.lat"
	EN_WALL=$(( ($(date +%s%N) - w0) / 1000000 ))
	EN_REG=$(( $(cpu_ms "$reg_pid") - r0 ))
	EN_MASA=$(( $(cpu_ms "$masa_pid") - m0 ))
	EN_PLEDGE=$(awk '{ printf "%d", ($1 + $2) * 1000 }' "$T/$1.time")
	EN_OK=$(awk '$2 == 0' "$T/$1.lat" | wc -l)
	EN_FAIL=$(awk '$2 != 0' "$T/$1.lat" | wc -l)
	if [ "$EN_FAIL" -gt 0 ]; then
		echo "failures:"; awk '$2 != 0' "$T/$1.lat" | head -3
		f=$(awk '$2 != 0 { print $1; exit }' "$T/$1.lat")
		tail -2 "$T/state/$f.log"
	fi
}

if want enroll; then
	echo
	echo "== 2. full BRSKI enrollments: $PLEDGES brski-pledge processes, $CONC at a time"
	daemons enroll
	# one enrollment first: the registrar's MASA connection is then open
	run_pledges warm "$NID" 1 1
	prof_start enroll
	run_pledges enroll 1 "$PLEDGES" "$CONC"
	prof_stop enroll
	rate=$(calc "$EN_OK * 1000 / $EN_WALL")
	cpu_each=$(calc "($EN_REG + $EN_MASA + $EN_PLEDGE) / $PLEDGES" 2)
	row enroll_rate "$rate" enroll/s "$EN_OK ok, $EN_FAIL failed, $PLEDGES pledges, $CONC concurrent, wall $(calc "$EN_WALL / 1000" 2) s"
	row enroll_vs_floor "$(ratio "$rate" "$FLOOR")" ratio "measured rate / crypto-only ceiling (goal >= 0.5)"
	row enroll_cpu "$cpu_each" ms "CPU per enrollment: pledge $(calc "$EN_PLEDGE / $PLEDGES" 1) + registrar $(calc "$EN_REG / $PLEDGES" 1) + MASA $(calc "$EN_MASA / $PLEDGES" 1) ms"
	row enroll_cpu_vs_floor "$(ratio "$FLOOR_CPU" "$(calc "$cpu_each * 1000" 0)")" ratio "crypto floor CPU / measured CPU per enrollment"
	row infra_cpu_vs_floor "$(ratio "$FLOOR_INFRA_CPU" "$(calc "($EN_REG + $EN_MASA) * 1000 / $PLEDGES" 0)")" ratio "registrar + MASA: crypto floor CPU / measured CPU (pledges on their own devices)"
	row enroll_rate_if_idle "$(calc "$NCPU * 1000 / $cpu_each")" enroll/s "$NCPU CPU(s) / measured CPU per enrollment (what an idle box allows)"
	row enroll_latency_p50 "$(pct "$T/enroll.lat" 3 0.5)" ms "one pledge process, start to LDevID + enrollstatus"
	row enroll_latency_p99 "$(pct "$T/enroll.lat" 3 0.99)" ms ""

fi

if want pool; then
	echo
	echo "== 2c. full BRSKI enrollments: a pool of $CONC warm pledge clients (bench/pledgeload -w), $PLEDGES pledges, $POOL_RUNS runs"
	daemons pool
	# one enrollment first: the registrar's MASA connection is then open
	"$B/bench/pledgeload" -n 1 -f "$NID" -N warm "$P" "$RURL" >/dev/null ||
	    echo "warm-up enrollment failed"
	prof_start pool
	: >"$T/pool.runs"
	for k in $(seq 1 "$POOL_RUNS"); do
		r0=$(cpu_ms "$reg_pid") m0=$(cpu_ms "$masa_pid")
		"$B/bench/rusage" "$B/bench/pledgeload" -w "$CONC" -n "$PLEDGES" \
		    -f $(( (k - 1) * PLEDGES + 1 )) -N pool "$P" "$RURL" \
		    >"$T/pool-$k.txt" || true
		rcpu=$(( $(cpu_ms "$reg_pid") - r0 )) mcpu=$(( $(cpu_ms "$masa_pid") - m0 ))
		out=$(grep '^RESULT' "$T/pool-$k.txt") || out=""
		grep -v '^RESULT\|^connected before' "$T/pool-$k.txt" | sed '$d' | head -6
		# rusage's line: wall user sys maxrss
		pcpu=$(tail -1 "$T/pool-$k.txt" | awk 'NF == 4 { printf "%d", ($2 + $3) * 1000 }')
		n=$(field "$out" ok)
		if [ -n "$n" ] && [ "$n" -gt 0 ] && [ -n "$pcpu" ]; then
			# rate ok failed pledges-ms registrar-ms masa-ms p50 p99
			echo "$(field "$out" rate) $n $(field "$out" failed) $pcpu $rcpu $mcpu $(field "$out" enroll_p50_ms) $(field "$out" enroll_p99_ms)" >>"$T/pool.runs"
		else
			echo "pool run $k failed:"; tail -5 "$T/pool-$k.txt"
		fi
	done
	prof_stop pool
	if [ -s "$T/pool.runs" ]; then
		# the run with the median rate stands for all; every run listed
		med=$(sort -n "$T/pool.runs" | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }')
		set -- $med
		rate=$1 n=$2 nfail=$3 pcpu=$4 rcpu=$5 mcpu=$6
		cpu_each=$(calc "($rcpu + $mcpu + $pcpu) / $n" 2)
		runs=$(awk -v f="$FLOOR" '{ printf "%s%.1f/s (%.2f)", (NR > 1 ? ", " : ""), $1, (f > 0 ? $1 / f : 0) }' "$T/pool.runs")
		cpus=$(awk -v f="$FLOOR_CPU" '{ c = ($4 + $5 + $6) * 1000 / $2; printf "%s%.2f ms (%.2f)", (NR > 1 ? ", " : ""), c / 1000, (c > 0 ? f / c : 0) }' "$T/pool.runs")
		row pool_rate "$rate" enroll/s "median of $(wc -l <"$T/pool.runs") runs: $runs; $n ok, $nfail failed each run of $PLEDGES pledges by $CONC warm clients in one process"
		row pool_vs_floor "$(ratio "$rate" "$FLOOR")" ratio "measured rate / crypto-only ceiling (goal >= 0.5)"
		row pool_cpu "$cpu_each" ms "CPU per enrollment: pledges $(calc "$pcpu / $n" 1) + registrar $(calc "$rcpu / $n" 1) + MASA $(calc "$mcpu / $n" 1) ms; all runs: $cpus"
		row pool_cpu_vs_floor "$(ratio "$FLOOR_CPU" "$(calc "$cpu_each * 1000" 0)")" ratio "crypto floor CPU / measured CPU per enrollment"
		row pool_infra_cpu_vs_floor "$(ratio "$FLOOR_INFRA_CPU" "$(calc "($rcpu + $mcpu) * 1000 / $n" 0)")" ratio "registrar + MASA: crypto floor CPU / measured CPU"
		row pool_latency "$7/$8" ms "p50/p99 of one enrollment, connect to enrollstatus"
	else
		row pool_rate 0 enroll/s "failed: see $T/pool-*.txt"
	fi
fi

# ---------------------------------------------------------- 2b. counts
# The public-key operations each program really performs, counted by
# bench/opcount.so (LD_PRELOAD) over OPS_N enrollments, to check the
# counts behind the crypto floor.
if want enroll; then
	OPS_N=20
	echo
	echo "== 2b. operations per enrollment, counted in the running programs ($OPS_N enrollments)"
	OPCOUNT_FILE=$T/ops.txt
	export OPCOUNT_FILE
	rm -f "$OPCOUNT_FILE"
	DAEMON_PREFIX="env LD_PRELOAD=$B/bench/opcount.so" daemons ops
	LD_PRELOAD=$B/bench/opcount.so
	export LD_PRELOAD
	run_pledges ops 1 "$OPS_N" 1
	unset LD_PRELOAD
	stop_daemon reg		# the counts are written at exit
	stop_daemon masa
	unset OPCOUNT_FILE
	for prog in brski-pledge brski-registrar brski-masa; do
		line=$(awk -v p="$prog" -v n="$OPS_N" '$1 == p {
		    for (i = 3; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2]; k[i] = kv[1] } }
		    END { for (i = 3; i in k; i++) if (s[k[i]] > 0)
		        printf "%s=%.1f ", k[i], s[k[i]] / n }' "$T/ops.txt")
		row "ops_$prog" "$OPS_N" enroll "per enrollment: $line"
	done
fi

# ------------------------------------------------------------ 3. EST
if want est; then
	echo
	echo "== 3. bare EST simpleenroll against the registrar (HTTP Basic)"
	[ -n "${reg_pid:-}" ] && kill -0 "$reg_pid" 2>/dev/null || daemons est
	"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/est.key"
	"$OPENSSL" req -new -key "$T/est.key" -subj /CN=camera-1 -outform DER |
	    base64 >"$T/est.csr"
	EST=$RURL/.well-known/est/simpleenroll
	n=$((EST_N / 5))
	r0=$(cpu_ms "$reg_pid") w0=$(date +%s%N)
	seq 1 "$n" | xargs -P "$CONC" -I{} curl -s -o /dev/null \
	    -w '%{http_code}\n' --cacert "$P/domain-ca.pem" -u bench:bench-pass \
	    -H "Content-Type: application/pkcs10" --data-binary @"$T/est.csr" \
	    "$EST" >"$T/curl.codes"
	w=$(( ($(date +%s%N) - w0) / 1000000 ))
	ok=$(grep -c '^200$' "$T/curl.codes" || true)
	row est_curl "$(calc "$ok * 1000 / $w")" req/s "curl, one process and TLS session per request, $CONC at a time, $ok/$n ok; registrar $(calc "($(cpu_ms "$reg_pid") - $r0) / $n" 2) ms CPU each"
	for mode in keepalive fresh; do
		fl=""; n=$EST_N
		[ $mode = fresh ] && { fl=--fresh; n=$((EST_N / 5)); }
		r0=$(cpu_ms "$reg_pid")
		out=$("$B/bench/loadgen" -c "$CONC" -n "$n" $fl \
		    --cacert "$P/domain-ca.pem" --data-file "$T/est.csr" \
		    --content-type application/pkcs10 --header "$BASIC" \
		    --name "est_$mode" "$EST" | tee -a "$T/loadgen.txt" |
		    grep '^RESULT') || true
		[ $mode = keepalive ] && ka=$(field "$out" rate)
		row "est_$mode" "$(field "$out" rate)" req/s "loadgen (httpc), $CONC connections, $(field "$out" ok)/$n ok, p50 $(field "$out" p50_ms) p99 $(field "$out" p99_ms) ms; registrar $(calc "($(cpu_ms "$reg_pid") - $r0) / $n" 2) ms CPU each"
	done
	row est_vs_floor "$(ratio "$ka" "$EST_FLOOR")" ratio "keep-alive rate / EST crypto ceiling"
	r0=$(cpu_ms "$reg_pid")
	out=$("$B/bench/loadgen" -c "$CONC" -n $((EST_N / 5)) --fresh \
	    --cacert "$P/domain-ca.pem" --name tls_cacerts \
	    "$RURL/.well-known/est/cacerts" | grep '^RESULT') || true
	row tls_sessions "$(field "$out" rate)" conn/s "new TLS session + GET /cacerts, $CONC at a time; registrar $(calc "($(cpu_ms "$reg_pid") - $r0) / $((EST_N / 5))" 2) ms CPU each"
fi

# ------------------------------------------------------------ 4. MASA
if want masa; then
	echo
	echo "== 4. MASA vouchers/s, keep-alive registrar connections"
	daemons masa
	N1=$(head -c 16 /dev/urandom | base64 -w0)
	mk_pvr "$P" 0001 idevid-0001 "$N1" "$P/registrar-tls.pem" "$T/pvr.cms"
	mk_rvr "$P" 0001 "$N1" "$T/pvr.cms" registrar-ra "$T/rvr.cms"
	for c in 1 "$CONC"; do
		m0=$(cpu_ms "$masa_pid")
		n=$MASA_N
		[ "$c" = 1 ] && n=$((MASA_N / 4))
		out=$("$B/bench/loadgen" -c "$c" -n "$n" --cacert "$P/masa-ca.pem" \
		    --cert "$P/registrar-ra-chain.pem" --key "$P/registrar-ra.key" \
		    --data-file "$T/rvr.cms" \
		    --content-type application/voucher-cms+json \
		    --accept application/voucher-cms+json --name "masa_c$c" \
		    "$MURL/.well-known/brski/requestvoucher" |
		    tee -a "$T/loadgen.txt" | grep '^RESULT') || true
		mcpu=$(calc "($(cpu_ms "$masa_pid") - $m0) / $n" 2)
		row "masa_c$c" "$(field "$out" rate)" voucher/s "$c connection(s), $(field "$out" ok)/$n ok, p50 $(field "$out" p50_ms) p99 $(field "$out" p99_ms) ms; MASA $mcpu ms CPU each"
	done
	row masa_vs_floor "$(ratio "$(field "$out" rate)" "$MASA_FLOOR")" ratio "vouchers/s / MASA crypto ceiling"
	row masa_cpu_vs_floor "$(ratio "$MASA_FLOOR_US" "$(calc "$mcpu * 1000" 0)")" ratio "MASA crypto floor CPU / measured MASA CPU per voucher"
fi

# ------------------------------------------------------------ 5. big
# sample PID PORT OUT: every 0.2 s, RSS (KiB), threads, established
# connections on PORT, until PID exits or the file STOP appears
sample() {
	while kill -0 "$1" 2>/dev/null && [ ! -f "$T/stop" ]; do
		rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$1/status" 2>/dev/null) || break
		thr=$(awk '/^Threads/ { print $2 }' "/proc/$1/status" 2>/dev/null) || break
		con=$(ss -Htn state established "( sport = :$2 )" 2>/dev/null | wc -l)
		echo "$rss $thr $con"
		sleep 0.2
	done >"$3"
}

if want big; then
	echo
	echo "== 5. $BIG pledges at once against one registrar (bench/pledgeload -b)"
	maxc=$((BIG + 64))
	# "N": --threads N with the defaults; "Nlean": --threads N and
	# --connection-memory 8192, the setting for memory over throughput
	for cfg in ${BENCH_BIG_THREADS:-4 0 16 2lean}; do
		thr=${cfg%lean}
		lean=""
		[ "$thr" = "$cfg" ] || lean="--connection-memory 8192"
		# every pledge is 127.0.0.1: no per-address limit here
		MASA_OPTS="--max-connections $((BIG + 64)) --max-connections-per-ip 0" \
		    daemons big --threads "$thr" --max-connections "$maxc" \
		    --max-connections-per-ip 0 --connection-timeout 600 $lean
		rm -f "$T/stop"
		sample "$reg_pid" "$RPORT" "$T/big-$cfg.samples" &
		spid=$!
		r0=$(cpu_ms "$reg_pid") m0=$(cpu_ms "$masa_pid")
		out=$("$B/bench/pledgeload" -b -n "$BIG" -T 600 -N "big_t$cfg" \
		    "$P" "$RURL" | tee "$T/big-$cfg.txt" | grep '^RESULT') || true
		rcpu=$(( $(cpu_ms "$reg_pid") - r0 )) mcpu=$(( $(cpu_ms "$masa_pid") - m0 ))
		touch "$T/stop"
		wait "$spid" 2>/dev/null || true
		hwm=$(hwm_kb "$reg_pid")
		peakc=$(awk 'BEGIN { m = 0 } $3 > m { m = $3 } END { print m }' "$T/big-$cfg.samples")
		peakt=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$T/big-$cfg.samples")
		grep -v '^RESULT' "$T/big-$cfg.txt" | head -6
		row "big_t${cfg}_ok" "$(field "$out" ok)/$BIG" pledges "registrar threads=$thr${lean:+ $lean} max-connections=$maxc: $(field "$out" failed) failed, $(field "$out" enrollstatus_conn_failed) enrollstatus sessions failed"
		row "big_t${cfg}_peak_conns" "$peakc" conns "established TLS connections at the registrar, sampled every 0.2 s (all $BIG connected before any request: $(field "$out" connected_at_once))"
		row "big_t${cfg}_rss" "$(calc "$hwm / 1024" 1)" MiB "registrar VmHWM (goal < 64 MiB); up to $peakt threads"
		row "big_t${cfg}_latency" "$(field "$out" enroll_p50_ms)/$(field "$out" enroll_p99_ms)" ms "p50/p99 per enrollment after all connected (TLS connect p50 $(field "$out" connect_p50_ms) ms, p99 $(field "$out" connect_p99_ms) ms)"
		row "big_t${cfg}_rate" "$(field "$out" rate)" enroll/s "wall $(field "$out" wall_s) s; CPU per enrollment registrar $(calc "$rcpu / $BIG" 1) ms, MASA $(calc "$mcpu / $BIG" 1) ms"
	done
	MASA_OPTS=""
fi

# ------------------------------------------------------------ 6. pledge
if want pledge; then
	echo
	echo "== 6. pledge footprint"
	daemons pledge
	rm -rf "$T/state"; mkdir -p "$T/state"
	cp "$PLEDGE" "$T/brski-pledge.stripped"
	strip "$T/brski-pledge.stripped"
	row pledge_binary "$(stat -c %s "$PLEDGE")" bytes "brski-pledge as built (-O2 -g); $(stat -c %s "$T/brski-pledge.stripped") stripped; dynamically linked against $(ldd "$PLEDGE" | grep -c '=>') libraries"
	# the first enrollment also opens the registrar's MASA connection;
	# bench/rusage: CPU in microseconds (/usr/bin/time rounds to 10 ms)
	for s in $(seq -f %04g 1 $((PLEDGE_N + 1))); do
		"$B/bench/rusage" "$PLEDGE" -d --registrar "$RURL" \
		    --idevid-cert "$P/idevid-$s-chain.pem" \
		    --idevid-key "$P/idevid-$s.key" --masa-ca "$P/masa-ca.pem" \
		    --state-dir "$T/state/$s" >"$T/p1.time" ||
		    echo "pledge $s: $(cat "$T/p1.time")" >&2
		[ "$s" = 0001 ] || grep -v failed "$T/p1.time"
	done >"$T/pledge.times"
	row pledge_rss "$(pct "$T/pledge.times" 4 0.5)" KiB "peak RSS of one brski-pledge enroll (median of $PLEDGE_N)"
	row pledge_wall "$(calc "$(pct "$T/pledge.times" 1 0.5) * 1000" 0)" ms "start to LDevID + enrollstatus on loopback (median of $PLEDGE_N, idle registrar)"
	row pledge_cpu "$(awk '{ printf "%.1f\n", ($2 + $3) * 1000 }' "$T/pledge.times" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')" ms "CPU of that process (user + sys, median of $PLEDGE_N)"
fi

echo
echo "load average after: $(loadavg)"
row load_after "$(loadavg | cut -d' ' -f1)" load "1-minute load average when the run ended"
# --------------------------------------------------------------- write
{
	echo "BRSKI toolkit benchmarks $STAMP ($(git describe --always --dirty 2>/dev/null || echo '?'))"
	echo "$NCPU CPU(s): $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); build: $B (./configure defaults)"
	echo
	awk -F, 'NR > 1 { d = $4; for (i = 5; i <= NF; i++) d = d "," $i;
	    gsub(/^"|"$/, "", d); printf "%-26s %12s %-9s %s\n", $1, $2, $3, d }' "$CSV"
} >"$RESULTS/$STAMP.txt"
cp "$CSV" "$RESULTS/$STAMP.csv"
[ -f "$T/floor.txt" ] && cp "$T/floor.txt" "$RESULTS/$STAMP-floor.txt"
for f in "$T"/profile-*.txt; do
	[ -f "$f" ] && cp "$f" "$RESULTS/$STAMP-$(basename "$f")"
done
cp "$RESULTS/$STAMP.txt" "$RESULTS/latest.txt"
cp "$RESULTS/$STAMP.csv" "$RESULTS/latest.csv"
echo
echo "================================================================"
cat "$RESULTS/latest.txt"
echo "(written to bench/results/$STAMP.txt and .csv, also latest.*)"
