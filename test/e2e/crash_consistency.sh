#!/bin/sh
# Crash consistency: bursts of concurrent enrollments (brski-pledge
# processes with distinct IDevIDs, reenrollments, and plain EST clients
# with curl) while the registrar and the MASA are killed with SIGKILL at
# random points.  After every kill the killed daemons restart on the
# same databases and keys, and:
#  - PRAGMA integrity_check is ok for both SQLite databases;
#  - no certificate serial number is on record twice, and every
#    certificate that left the registrar (in a pledge's state directory
#    or in an EST client's hands) is on record, with its serial;
#  - every voucher the MASA logged as issued is in its database with its
#    audit event, and every voucher a pledge or the registrar holds is
#    one the MASA recorded;
#  - every gen-* directory of a pledge (also of a pledge killed with
#    SIGKILL) is complete: key and certificate that match, a chain that
#    openssl verify accepts; no temporary file is anywhere;
#  - the generation a pledge had before a round is still there, intact;
#  - the daemons come back: an EST enrollment after every restart, and a
#    fresh pledge (and every pledge once more) at the end succeed.
# Then each check is shown to fail on a damaged copy of the state.
# The kills are drawn from a seed printed at the start: CRASH_SEED=N
# replays a run.  CRASH_ROUNDS=N changes the number of rounds (6; 4 in
# the sanitizer build).
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
need sqlite3
need timeout

SEED=${CRASH_SEED:-${RANDOM:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}}
ROUNDS=6
# ASan makes every process several times slower: fewer rounds there
grep -q 'enable-sanitizers' "$top_builddir/config.status" 2>/dev/null &&
    ROUNDS=4
ROUNDS=${CRASH_ROUNDS:-$ROUNDS}
echo "crash seed $SEED (replay with CRASH_SEED=$SEED)"
RND=$SEED
rnd() {	# rnd N: R is the next pseudo-random number in 0..N-1
	RND=$(((RND * 1103515245 + 12345) % 2147483648))
	R=$(((RND / 65536) % $1))
}
START=$(date +%s)

P=$T/pki
DEVS="0002 0003 0004 0005 0006 0007 0008"	# 0001 is kept for the end
"$CERTS" init "$P" >/dev/null
# shellcheck disable=SC2086
"$CERTS" idevid "$P" $DEVS >/dev/null
# shellcheck disable=SC2086
"$MASA" --database "$T/m.db" ctl add 0001 $DEVS || fail "ctl add"
printf 'crash-pass\n' >"$T/est-pw"
MPORT=$(free_port)
RPORT=$(free_port)
MN=0 RN=0
start_masa() {
	MN=$((MN + 1))
	start_daemon "masa$MN" "$MASA" -d --port "$MPORT" --database "$T/m.db" \
	    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
	    --signer-cert "$P/masa-signer-chain.pem" \
	    --signer-key "$P/masa-signer.key" --manufacturer-ca "$P/vendor-ca.pem"
	eval "MPID=\$masa${MN}_pid"
}
start_registrar() {
	RN=$((RN + 1))
	start_daemon "reg$RN" "$REGISTRAR" -d --port "$RPORT" \
	    --database "$T/r.db" --tls-cert "$P/registrar-tls-chain.pem" \
	    --tls-key "$P/registrar-tls.key" \
	    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
	    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
	    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
	    --masa-url "https://localhost:$MPORT" --masa-timeout 5 \
	    --est-user operator --est-password-file "$T/est-pw"
	eval "RPID=\$reg${RN}_pid"
}
start_masa
start_registrar
RURL=https://localhost:$RPORT

pledge() {	# pledge SERIAL [args]: brski-pledge for that IDevID
	s=$1; shift
	timeout 30 "$PLEDGE" -d --registrar "$RURL" \
	    --idevid-cert "$P/idevid-$s-chain.pem" --idevid-key "$P/idevid-$s.key" \
	    --masa-ca "$P/masa-ca.pem" --state-dir "$T/st-$s" --timeout 5 "$@"
}
# pledge_bg SERIAL enroll|reenroll OUT SECONDS: in the background ($!),
# SIGKILLed by timeout(1) after SECONDS: timeout waits for its child, so
# the signal can never reach a process that merely reuses a pid.
pledge_bg() {
	timeout -s KILL "$4" "$PLEDGE" -d --registrar "$RURL" --idevid-cert "$P/idevid-$1-chain.pem" \
	    --idevid-key "$P/idevid-$1.key" --masa-ca "$P/masa-ca.pem" \
	    --state-dir "$T/st-$1" --timeout 5 --max-wait 10 "$2" \
	    >"$3.out" 2>"$3.log" &
}
est_client() {	# est_client NAME: a CSR by curl, the answer kept in NAME.p7
	"$OPENSSL" req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$T/est/$1.key" -subj "/CN=$1" -outform DER \
	    2>/dev/null | base64 >"$T/est/$1.csr"
	# a certificate counts as handed out only if the answer arrived whole
	st=$(curl -sS -o "$T/est/$1.out" -w '%{http_code}' --max-time 10 \
	    --cacert "$P/domain-ca.pem" -u operator:crash-pass \
	    -H "Content-Type: application/pkcs10" \
	    --data-binary @"$T/est/$1.csr" "$RURL/.well-known/est/simpleenroll" \
	    2>/dev/null) || return 1
	[ "$st" = 200 ] || return 1
	mv "$T/est/$1.out" "$T/est/$1.p7"
}
mkdir "$T/est"

sql() {	# sql DB QUERY: one answer, waiting out a daemon's write lock
	sqlite3 -batch -cmd '.timeout 5000' "$1" "$2"
}
hexof() {	# hexof FILE: the file's bytes as upper-case hex
	od -An -v -tx1 "$1" | tr -d ' \n' | tr a-f A-F
}

# What openssl says about a file is cached by its content (cksum): a
# generation is checked after every round but parsed only once.
mkdir "$T/cache"

# gen_complete DIR: a generation the pledge can use as it stands
gen_complete() {
	for f in ldevid.pem ldevid.key domain-ca.pem; do
		[ -s "$1/$f" ] || fail "$1: no $f (incomplete generation)"
	done
	[ "$(stat -c %a "$1/ldevid.key")" = 600 ] || fail "$1: key is not 0600"
	key=$(cat "$1/ldevid.pem" "$1/ldevid.key" "$1/domain-ca.pem" | cksum |
	    tr ' ' _)
	[ ! -f "$T/cache/gen-$key" ] || return 0
	"$OPENSSL" verify -CAfile "$1/domain-ca.pem" "$1/ldevid.pem" \
	    >/dev/null 2>&1 || fail "$1: openssl verify rejects the LDevID"
	[ "$("$OPENSSL" x509 -in "$1/ldevid.pem" -noout -pubkey)" = \
	    "$("$OPENSSL" pkey -in "$1/ldevid.key" -pubout 2>/dev/null)" ] ||
	    fail "$1: the key is not the LDevID's"
	: >"$T/cache/gen-$key"
}

# cert_recorded PEM WHAT: the certificate and its serial are on record
cert_recorded() {
	key=$(cksum <"$1" | tr ' ' _)
	if [ ! -f "$T/cache/crt-$key" ]; then
		"$OPENSSL" x509 -in "$1" -outform DER -out "$T/c.der" \
		    2>/dev/null || fail "$2: not a certificate"
		echo "$("$OPENSSL" x509 -in "$1" -noout -serial | cut -d= -f2) \
$(hexof "$T/c.der")" >"$T/cache/crt-$key"
	fi
	read -r sn der <"$T/cache/crt-$key"
	n=$(sql "$T/r.db" "SELECT count(*) FROM certificates WHERE
	    der = X'$der' AND upper(serial) = '$sn'")
	[ "$n" = 1 ] || fail "$2: certificate serial $sn handed out but the \
registrar has $n records of it"
	echo "$sn" >>"$T/serials.seen"
}

check_all() {	# check_all WHEN
	for db in "$T/r.db" "$T/m.db"; do
		r=$(sql "$db" 'PRAGMA integrity_check' 2>&1) || true
		[ "$r" = ok ] || fail "$1: integrity_check of $db: $r"
	done
	# registrar: serials unique (in any spelling), devices on record
	n=$(sql "$T/r.db" "SELECT count(*) FROM (SELECT upper(serial) s FROM
	    certificates GROUP BY s HAVING count(*) > 1)")
	[ "$n" = 0 ] || fail "$1: $n serial numbers recorded twice"
	n=$(sql "$T/r.db" "SELECT count(*) FROM certificates c WHERE
	    c.device IS NOT NULL AND NOT EXISTS (SELECT 1 FROM devices d WHERE
	    d.serial = c.device)")
	[ "$n" = 0 ] || fail "$1: $n certificates for devices not on record"
	certs=$(sql "$T/r.db" "SELECT count(*) FROM certificates")
	logged=$(cat "$T"/reg*.log | grep -c "issued a certificate" || true)
	[ "$logged" -le "$certs" ] || fail "$1: the registrar logged \
$logged certificates issued but recorded $certs"
	# MASA: every voucher with its audit event, every logged one recorded
	n=$(sql "$T/m.db" "SELECT (SELECT count(*) FROM vouchers) -
	    (SELECT count(*) FROM audit a JOIN vouchers v ON v.id =
	    a.voucher_id AND v.serial = a.serial)")
	[ "$n" = 0 ] || fail "$1: vouchers and audit events differ by $n"
	for s in 0001 $DEVS; do
		logged=$(cat "$T"/masa*.log | grep -c "voucher issued: serial $s," ||
		    true)
		n=$(sql "$T/m.db" "SELECT count(*) FROM vouchers WHERE serial = '$s'")
		[ "$logged" -le "$n" ] || fail "$1: the MASA logged $logged \
vouchers for $s but recorded $n"
	done
	# every voucher the registrar holds was recorded by the MASA
	n=$(sqlite3 -batch -cmd '.timeout 5000' "$T/r.db" \
	    "ATTACH '$T/m.db' AS m; SELECT count(*) FROM devices d WHERE
	    d.voucher IS NOT NULL AND NOT EXISTS (SELECT 1 FROM m.vouchers v
	    WHERE v.voucher = d.voucher)")
	[ "$n" = 0 ] || fail "$1: the registrar holds $n vouchers the MASA \
has no record of"
	# the pledges' state: complete generations, all of it on record
	: >"$T/serials.seen"
	for s in $DEVS 0001; do
		d=$T/st-$s
		[ -d "$d" ] || continue
		if [ -e "$d/current" ] || [ -L "$d/current" ]; then
			c=$(readlink "$d/current")
			case $c in gen-*) ;; *) fail "$1: $d/current -> $c" ;; esac
			[ -d "$d/$c" ] || fail "$1: $d/current -> $c, missing"
		fi
		for g in "$d"/gen-*; do
			[ -d "$g" ] || continue
			gen_complete "$g"
			cert_recorded "$g/ldevid.pem" "$1: $g"
			[ ! -f "$g/voucher.cms" ] || [ "$(sql "$T/m.db" \
			    "SELECT count(*) FROM vouchers WHERE voucher = \
X'$(hexof "$g/voucher.cms")'")" = 1 ] ||
			    fail "$1: $g/voucher.cms is not a voucher the MASA recorded"
		done
	done
	for f in "$T"/est/*.p7; do
		[ -f "$f" ] || continue
		base64 -d "$f" | "$OPENSSL" pkcs7 -inform DER -print_certs \
		    >"$f.pem" 2>/dev/null || fail "$1: $f: not PKCS#7"
		cert_recorded "$f.pem" "$1: EST client $(basename "$f")"
	done
	n=$(sort "$T/serials.seen" | uniq -d | wc -l)
	[ "$n" = 0 ] || fail "$1: $n serials handed out twice"
	# no temporary file anywhere but in debris of a killed pledge
	tmps=$(find "$T" -name '*.tmp.*' ! -path '*/.new-gen-*' | head -3)
	[ -z "$tmps" ] || fail "$1: temporary files left: $tmps"
}

gen_sum() {	# gen_sum DIR: the current generation's name and content
	c=$(readlink "$1/current" 2>/dev/null) || return 0
	echo "$c $(cat "$1/$c"/* | sha256sum | cut -c1-16)"
}
# prev_intact WHEN: the generation each pledge had before the round is
# still there, unchanged, whether its run succeeded, failed or was killed
prev_intact() {
	for s in $DEVS; do
		eval "before=\${before_$s:-}"
		[ -n "$before" ] || continue
		g=${before%% *}
		[ -d "$T/st-$s/$g" ] || fail "$1: pledge $s lost its generation $g"
		[ "$g $(cat "$T/st-$s/$g"/* | sha256sum | cut -c1-16)" = \
		    "$before" ] || fail "$1: pledge $s: generation $g changed"
	done
}

# kill_ours PID NAME: SIGKILL for our daemon, if PID is still that program
kill_ours() {
	[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] ||
	    fail "$2 (pid $1) died before it was killed"
	kill -9 "$1"
}

# reap PID: wait for a killed daemon and drop it from lib.sh's list, so
# that the cleanup at exit signals no pid the system may have reused
reap() {
	wait "$1" 2>/dev/null || true
	PIDS=$(echo " $PIDS " | sed "s/ $1 / /")
}

# after_line LOG TEXT K: wait (5 s at most) for the K-th new line with TEXT
after_line() {
	case $2 in voucher*) b=$base_v ;; *) b=$base_c ;; esac
	i=0
	while [ "$(grep -c "$2" "$1" || true)" -lt $((b + $3)) ] && [ $i -lt 500 ]
	do
		sleep 0.01
		i=$((i + 1))
	done
}

# A round: a burst of enrollments, SIGKILL for one or both daemons (and
# perhaps a pledge) at a random moment, restart, check.
: >"$T/summary"
round=0
while [ $round -lt "$ROUNDS" ]; do
	round=$((round + 1))
	JOBS=""
	base_v=$(grep -c "voucher issued" "$T/masa$MN.log" || true)
	base_c=$(grep -c "issued a certificate" "$T/reg$RN.log" || true)
	for s in $DEVS; do eval "before_$s=\$(gen_sum \"\$T/st-\$s\")"; done
	# perhaps one of the pledges is to be killed: which, and when
	rnd 2; kill_one=$R
	rnd 4; kill_idx=$R
	rnd 16; kdelay=$(awk "BEGIN{print 0.05 + $R * 0.05}")
	rnd 7; first=$R
	i=0 k=0
	for s in $DEVS; do	# four pledges, from a random place in the list
		[ $(((i - first + 7) % 7)) -lt 4 ] || { i=$((i + 1)); continue; }
		i=$((i + 1))
		cmd=enroll
		[ -L "$T/st-$s/current" ] && [ $((i % 2)) = 0 ] && cmd=reenroll
		lim=40	# a hang, not a crash
		[ $kill_one = 1 ] && [ $k = $kill_idx ] && { lim=$kdelay; ks=$s; }
		k=$((k + 1))
		pledge_bg "$s" $cmd "$T/p-$round-$s" "$lim"
		JOBS="$JOBS $!:$s"
	done
	est_client "op-$round-a" & JOBS="$JOBS $!:est"
	est_client "op-$round-b" & JOBS="$JOBS $!:est"
	# the moment: a random time, or right after the k-th voucher or
	# certificate of the burst (then mid-way through the next ones)
	rnd 3
	case $R in
	0)	rnd 24; delay=$(awk "BEGIN{print $R * 0.025}")s
		sleep "$delay" ;;
	1)	rnd 4; after_line "$T/masa$MN.log" "voucher issued" $((R + 1))
		delay="voucher $((R + 1))" ;;
	2)	rnd 6; after_line "$T/reg$RN.log" "issued a certificate" $((R + 1))
		delay="certificate $((R + 1))" ;;
	esac
	rnd 3; victim=$R	# 0 registrar, 1 MASA, 2 both
	[ $victim = 1 ] || kill_ours "$RPID" brski-registrar
	[ $victim = 0 ] || kill_ours "$MPID" brski-masa
	# every job ends by itself: timeouts of pledge and curl, timeout(1)
	oks=0 fails=0 pkilled=none
	for j in $JOBS; do
		set +e
		wait "${j%%:*}"
		rc=$?
		set -e
		if [ $rc = 0 ]; then oks=$((oks + 1)); else fails=$((fails + 1)); fi
		[ $rc != 137 ] || [ "${j#*:}" != "${ks:-}" ] ||
		    pkilled="${j#*:} after ${kdelay}s"
		[ $rc != 137 ] || [ "${j#*:}" = "${ks:-}" ] ||
		    fail "round $round: job ${j#*:} hangs: SIGKILLed after 40 s"
	done
	ks=
	[ $victim = 1 ] || { reap "$RPID"; start_registrar; }
	[ $victim = 0 ] || { reap "$MPID"; start_masa; }
	est_client "after-$round" ||
	    fail "round $round: the restarted registrar does not enroll"
	check_all "round $round"
	prev_intact "round $round"
	msg="round $round: killed $(echo "registrar MASA both" |
	    cut -d' ' -f$((victim + 1))) after ${delay}, pledge killed: $pkilled; $oks jobs ok, $fails failed"
	echo "$msg" >>"$T/summary"
	ok "$msg; databases and state consistent ($(($(date +%s) - START))s)"
done

# --- after the crashes: everything still works ---
expect_ok "a fresh pledge enrolls after $ROUNDS crash rounds" pledge 0001

# --- a pledge killed while it writes its new generation ---
# A kill at a random moment rarely lands in the few milliseconds the
# pledge spends writing its state, so an LD_PRELOAD shim makes each
# fsync(2) of that pledge take 150 ms: the write takes about 2 s, and
# SIGKILL lands inside it at a random point.
if command -v cc >/dev/null 2>&1 && printf '%s\n' '#define _GNU_SOURCE' \
    '#include <dlfcn.h>' '#include <unistd.h>' \
    'int fsync(int fd) { static int (*f)(int); if (f == NULL)' \
    '  f = (int (*)(int))dlsym(RTLD_NEXT, "fsync");' \
    '  usleep(150000); return f(fd); }' >"$T/slowsync.c" &&
    cc -shared -fPIC -o "$T/slowsync.so" "$T/slowsync.c" -ldl 2>"$T/cc.log"
then
	landed=0
	for try in 1 2 3; do
		before_0001=$(gen_sum "$T/st-0001")
		entries=$(ls -a "$T/st-0001" | wc -l)
		LD_PRELOAD=$T/slowsync.so \
		    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		    "$PLEDGE" -d --registrar "$RURL" \
		    --idevid-cert "$P/idevid-0001-chain.pem" \
		    --idevid-key "$P/idevid-0001.key" --masa-ca "$P/masa-ca.pem" \
		    --state-dir "$T/st-0001" --timeout 5 \
		    >"$T/slow-$try.out" 2>"$T/slow-$try.log" &
		pid=$!
		i=0	# until a new entry appears: it writes (20 s at most)
		until [ "$(ls -a "$T/st-0001" | wc -l)" != "$entries" ]; do
			[ $i -lt 2000 ] && kill -0 $pid 2>/dev/null ||
			    { cat "$T/slow-$try.log"; fail "the slowed pledge never wrote"; }
			sleep 0.01
			i=$((i + 1))
		done
		rnd 10; sleep "$(awk "BEGIN{print $R * 0.2}")"
		[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = brski-pledge ] &&
		    kill -9 $pid
		set +e
		wait $pid
		rc=$?
		set -e
		if [ $rc = 137 ]; then
			n=$(find "$T/st-0001" -maxdepth 1 -name '.*' | wc -l)
			[ "$n" = 0 ] || landed=$((landed + 1))
			what="killed after $(awk "BEGIN{print $R * 0.2}")s, $n debris entries"
		else
			what="finished first (exit $rc)"
		fi
		check_all "killed in its write, try $try"
		g=${before_0001%% *}
		[ -d "$T/st-0001/$g" ] && [ "$g $(cat "$T/st-0001/$g"/* |
		    sha256sum | cut -c1-16)" = "$before_0001" ] ||
		    fail "try $try: the previous generation $g is gone or changed"
		ok "pledge in its state write, $what: current and previous intact"
	done
	[ $landed -gt 0 ] || echo "note: no kill landed inside the write this time"
else
	echo "note: no C compiler: the kill inside the state write is not tested"
fi

for s in 0001 $DEVS; do	# each state directory once more: debris swept
	expect_ok "pledge $s enrolls after the crashes" pledge "$s"
done
check_all "final"
debris=$(find "$T"/st-* -name '.*' | head -3)
[ -z "$debris" ] || fail "debris of killed runs not swept: $debris"
ok "no debris left in any state directory"
cat "$T/summary"
n=$(sql "$T/r.db" "SELECT count(*) FROM certificates")
v=$(sql "$T/m.db" "SELECT count(*) FROM vouchers")
echo "$n certificates, $v vouchers, $((MN - 1)) MASA and $((RN - 1)) registrar restarts in $(($(date +%s) - START))s"
stop_daemon "reg$RN"
stop_daemon "masa$MN"

# --- each check can fail: a damaged copy of the state must be caught ---
for f in r.db m.db; do cp "$T/$f" "$T/$f.orig"; done
cp -a "$T/st-0002" "$T/st-0002.orig"
rm -f "$T"/*.db-wal "$T"/*.db-shm
restore() {
	for f in r.db m.db; do cp "$T/$f.orig" "$T/$f"; done
	rm -f "$T"/*.db-wal "$T"/*.db-shm
	rm -rf "$T/st-0002" && cp -a "$T/st-0002.orig" "$T/st-0002"
}
must_catch() {	# must_catch WHAT REGEX CHECK: CHECK must fail for REGEX
	what=$1 why=$2; shift 2
	if ("$@" "damaged") >"$T/neg.out" 2>&1; then
		fail "the checker missed $what"
	fi
	grep -Eq "$why" "$T/neg.out" ||
	    { cat "$T/neg.out"; fail "the checker: $what: not for '$why'"; }
	ok "the checker catches $what ($(tail -1 "$T/neg.out" | cut -c7-90))"
	restore
}
(check_all intact) || fail "the copies fail the check before any damage"
der=$("$OPENSSL" x509 -in "$T/st-0002/current/ldevid.pem" -outform DER |
    od -An -v -tx1 | tr -d ' \n')
sql "$T/r.db" "DELETE FROM certificates WHERE der = X'$der'"
must_catch "a certificate handed out but not on record" \
    "handed out|certificates issued but recorded" check_all
sql "$T/r.db" "INSERT INTO certificates(serial, device, subject, not_before,
    not_after, issued_at, revoked_at, der) SELECT CASE WHEN serial =
    upper(serial) THEN lower(serial) ELSE upper(serial) END, device, subject,
    not_before, not_after, issued_at, revoked_at, der FROM certificates LIMIT 1"
must_catch "a serial number recorded twice" "recorded twice" check_all
sql "$T/m.db" "DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)"
must_catch "a voucher without its audit event" "audit events differ" check_all
sql "$T/m.db" "DELETE FROM audit WHERE serial = '0003';
    DELETE FROM vouchers WHERE serial = '0003'"
must_catch "vouchers logged as issued but not recorded" \
    "logged [0-9]+ vouchers for 0003" check_all
mkdir "$T/st-0002/gen-000000000001-00000000"
cp "$T/st-0002/current/ldevid.key" "$T/st-0002/gen-000000000001-00000000/"
must_catch "a half-written generation" "incomplete generation" check_all
: >"$T/st-0002/current/ldevid.key.tmp.AbCdEf"
must_catch "a temporary key file" "temporary files left" check_all
before_0002=$(gen_sum "$T/st-0002")
printf x >>"$T/st-0002/current/domain-ca.pem"
must_catch "a changed previous generation" "generation .* changed" prev_intact
rm -rf "$T/st-0002/$(readlink "$T/st-0002/current")"
must_catch "a lost previous generation" "lost its generation" prev_intact
before_0002=
# the root page of an index of the registrar's database overwritten
root=$(sql "$T/r.db" "SELECT rootpage FROM sqlite_master WHERE
    name = 'certificates_device'")
psize=$(sql "$T/r.db" "PRAGMA page_size")
dd if=/dev/zero of="$T/r.db" bs="$psize" seek=$((root - 1)) count=1 \
    conv=notrunc 2>/dev/null
must_catch "a damaged database page" "integrity_check" check_all
