#!/bin/sh
# Two brski-masa processes on one PostgreSQL database (a throwaway
# server started here: initdb in the scratch dir, socket there, TCP on a
# free loopback port, run as "nobody" when we are root).  Checked:
# the store's unit tests against PostgreSQL; a password in the database
# setting refused, the passfile used; concurrent first claims from two
# domains through both MASAs: exactly one domain wins each device, the
# other gets 403; concurrent requests for owned devices: every voucher
# has its audit event; ctl commands; the server stopped: /healthz 503 and
# a request fails with a log line that says why; restarted: both MASAs
# work again (a stale pooled connection is reset, as after the server
# terminated them); a MASA killed mid-request leaves every delivered
# voucher recorded with its audit event.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl

grep -q '^#define HAVE_LIBPQ 1' "$top_builddir/config.h" ||
    skip "brski-masa built without PostgreSQL (configure --with-postgresql, needs libpq-dev)"
. "$top_srcdir/test/pg.sh"
pg_setup
$PSQL -d postgres -c "CREATE DATABASE masa" -c "CREATE DATABASE unit" \
    -c "ALTER USER postgres PASSWORD 'pg-e2e-secret'" || fail "psql set-up"
printf '127.0.0.1:%s:*:postgres:pg-e2e-secret\n' "$PGPORT" >"$T/pgpass"
chmod 600 "$T/pgpass"
ok "PostgreSQL $("$PGBIN/postgres" -V | awk '{print $3}') on 127.0.0.1:$PGPORT"

# ---- the store's unit tests on PostgreSQL ----
MASA_TEST_PG="host=$PGD port=$PGPORT user=postgres dbname=unit" \
    "$top_builddir/test/unit/test_masa_store" >"$T/unit.log" 2>&1 ||
    { cat "$T/unit.log"; fail "test_masa_store against PostgreSQL"; }
grep -q 'PASSED.*test' "$T/unit.log" && ! grep -q FAILED "$T/unit.log" &&
    grep -q test_masa_store_pg_two_stores_race_first_claim "$T/unit.log" ||
    { cat "$T/unit.log"; fail "unit tests did not run on PostgreSQL"; }
ok "store unit tests on SQLite and PostgreSQL (two stores racing)"

# two ways to name the database: a URI over TCP with a passfile, and a
# pg: conninfo over the unix socket
DBA="postgresql://postgres@127.0.0.1:$PGPORT/masa?passfile=$T/pgpass"
DBB="pg:host=$PGD port=$PGPORT user=postgres dbname=masa"

expect_fail "a password in the database setting is refused" \
    "$MASA" --database "postgresql://postgres:pg-e2e-secret@127.0.0.1:$PGPORT/masa" ctl list
grep -q passfile "$T/last.out" || fail "password refusal does not point to a passfile"
grep -q pg-e2e-secret "$T/last.out" && fail "the refusal repeats the password"
expect_fail "TCP without the passfile fails authentication" \
    env PGPASSFILE=/nonexistent "$MASA" --database "postgresql://postgres@127.0.0.1:$PGPORT/masa" ctl list
grep -q "cannot connect to PostgreSQL" "$T/last.out" || fail "no clear connect error"

# ---- ctl against PostgreSQL (creates the schema) ----
SERIALS="0001 0002 0003 0004 0005 0006"
expect_ok "ctl add $SERIALS" "$MASA" --database "$DBA" ctl add $SERIALS
expect_fail "ctl add of a known device" "$MASA" --database "$DBB" ctl add 0003
grep -q "already known" "$T/last.out" || fail "duplicate add: $(cat "$T/last.out")"
expect_ok "ctl assign" "$MASA" --database "$DBB" ctl assign 0006 someone
expect_ok "ctl release" "$MASA" --database "$DBA" ctl release 0006
expect_fail "ctl assign of an unknown device" "$MASA" --database "$DBA" ctl assign 0404 someone
"$MASA" --database "$DBB" ctl list >"$T/list" || fail "ctl list"
[ "$(grep -c '(unowned)' "$T/list")" = 6 ] || { cat "$T/list"; fail "ctl list: 6 unowned devices expected"; }
ok "ctl list shows the 6 devices unowned"

# ---- two MASAs on the same database ----
P=$T/pki
O=$T/other
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 0004 0005 0006 >/dev/null	# init made 0001
"$CERTS" init "$O" >/dev/null		# a second owner domain
masa() {
	start_daemon "$1" "$MASA" -d --port 0 --database "$2" --threads 4 \
	    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
	    --signer-cert "$P/masa-signer-chain.pem" \
	    --signer-key "$P/masa-signer.key" --manufacturer-ca "$P/vendor-ca.pem"
}
masa masaA "$DBA"
PORTA=$PORT
masa masaB "$DBB"
PORTB=$PORT
CT="-H Content-Type:application/voucher-cms+json"
CLIENT_A="--cacert $P/masa-ca.pem --cert $P/registrar-ra.pem --key $P/registrar-ra.key"
CLIENT_B="--cacert $P/masa-ca.pem --cert $O/registrar-ra.pem --key $O/registrar-ra.key"
counts() { "$MASA" --database "$DBB" ctl check | awk '{print $3 "/" $5}'; }

# rvr_b SERIAL NONCE OUT: the other domain's RVR for our device
cat "$O/registrar-ra-chain.pem" "$O/registrar-tls.pem" >"$T/obag.pem"
rvr_b() {
	mk_pvr "$P" "$1" "idevid-$1" "$2" "$O/registrar-tls.pem" "$3.pvr"
	printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"%s","created-on":"%s","prior-signed-voucher-request":"%s"}}' \
	    "$2" "$1" "$(now3339)" "$(base64 -w0 "$3.pvr")" >"$3.json"
	"$TOOL" cms-sign "$3.json" "$O/registrar-ra.pem" "$O/registrar-ra.key" \
	    "$3" "$T/obag.pem" >/dev/null
}
# every device except 0006: an RVR from each domain; 4 requests per
# device (each domain through each MASA), all at once
: >"$T/jobs"
for s in 0001 0002 0003 0004 0005; do
	n=$(head -c 16 /dev/urandom | base64 -w0)
	mk_pvr "$P" $s idevid-$s "$n" "$P/registrar-tls.pem" "$T/pvrA$s"
	mk_rvr "$P" $s "$n" "$T/pvrA$s" registrar-ra "$T/rvrA$s"
	rvr_b $s "$n" "$T/rvrB$s"
	for m in $PORTA $PORTB; do
		echo "$s A $m" >>"$T/jobs"
		echo "$s B $m" >>"$T/jobs"
	done
done
cat >"$T/fire.sh" <<EOF
#!/bin/sh
# fire SERIAL DOMAIN PORT: one voucher request, prints "SERIAL DOMAIN STATUS"
if [ "\$2" = A ]; then c="$CLIENT_A"; else c="$CLIENT_B"; fi
st=\$(curl -sS -o /dev/null -w '%{http_code}' --max-time 60 \$c $CT \
    --data-binary @$T/rvr\$2\$1 https://localhost:\$3/.well-known/brski/requestvoucher)
echo "\$1 \$2 \$st"
EOF
xargs -P 20 -L 1 sh "$T/fire.sh" <"$T/jobs" >"$T/race.txt" 2>&1
"$MASA" --database "$DBA" ctl list >"$T/list"
$PY - "$T/race.txt" "$T/list" <<'PYEOF' || { cat "$T/race.txt" "$T/list"; fail "first-claim race"; }
import sys, collections
st = collections.defaultdict(lambda: collections.defaultdict(list))
for line in open(sys.argv[1]):
    s, d, code = line.split()
    st[s][d].append(code)
owners = {l.split()[0]: (l.split()[1], int(l.split()[2])) for l in open(sys.argv[2])}
ids = collections.defaultdict(set)
for s, by in sorted(st.items()):
    won = [d for d in by if by[d] == ["200", "200"]]
    lost = [d for d in by if by[d] == ["403", "403"]]
    assert len(won) == 1 and len(lost) == 1, (s, dict(by))
    assert owners[s][0] != "(unowned)" and owners[s][1] == 2, (s, owners[s])
    ids[won[0]].add(owners[s][0])
# the owner recorded is the domain whose requests won
assert all(len(v) == 1 for v in ids.values()), ids
assert len(ids) == 1 or ids["A"] != ids["B"], ids
print("devices won per domain:", {d: sum(1 for s in st if st[s][d] == ["200", "200"]) for d in "AB"})
PYEOF
grep -q "belongs to another domain" "$T/masaA.log" "$T/masaB.log" ||
    fail "no log line for the losing claims"
[ "$(counts)" = "10/10" ] || fail "after the race: $(counts), want 10/10"
ok "20 concurrent first claims for 5 devices from 2 domains via 2 MASAs: one winner each, loser 403, 10 vouchers = 10 audit events"

# ---- N concurrent requests for owned devices: every one audited ----
N=120
before=$(counts)
: >"$T/jobs"
i=0
while [ $i -lt $N ]; do
	s=000$((i % 5 + 1))
	w=$(awk -v s=$s '$1 == s && $3 == 200 {print $2; exit}' "$T/race.txt")
	[ $((i % 2)) = 0 ] && m=$PORTA || m=$PORTB
	echo "$s $w $m" >>"$T/jobs"
	i=$((i + 1))
done
xargs -P 16 -L 1 sh "$T/fire.sh" <"$T/jobs" >"$T/many.txt" 2>&1
good=$(grep -c ' 200$' "$T/many.txt" || true)
[ "$good" = $N ] || { sort "$T/many.txt" | uniq -c | head; fail "owned devices: $good/$N succeeded"; }
v0=${before%/*}
[ "$(counts)" = "$((v0 + N))/$((v0 + N))" ] || fail "after $N more: $(counts)"
expect_ok "ctl check: integrity, vouchers = audit events" "$MASA" --database "$DBA" ctl check
"$MASA" --database "$DBB" ctl audit 0001 >"$T/audit01" || fail "ctl audit"
a01=$(wc -l <"$T/audit01")
l01=$(awk '$1 == "0001" {print $3}' "$T/list")
[ "$a01" = $((l01 + N / 5)) ] || fail "ctl audit 0001: $a01 events, want $((l01 + N / 5))"
ok "$N concurrent vouchers for owned devices through both MASAs: $(counts) vouchers/audit events"

# the audit log resource over HTTPS sees the events of both MASAs
w1=$(awk '$1 == "0001" && $3 == 200 {print $2; exit}' "$T/race.txt")
[ "$w1" = A ] && c1=$CLIENT_A || c1=$CLIENT_B
st=$(post_status "https://localhost:$PORTB/.well-known/brski/requestauditlog" \
    "$T/rvr${w1}0001" "$T/auditlog.json" $c1 $CT)
[ "$st" = 200 ] || fail "requestauditlog: $st"
$PY - "$T/auditlog.json" "$a01" <<'PYEOF' || fail "audit log content"
import json, sys
a = json.load(open(sys.argv[1]))
n = len(a["events"]) + sum(a["truncation"].values())
assert n == int(sys.argv[2]), (n, sys.argv[2], a["truncation"])
PYEOF
ok "requestauditlog accounts for all $a01 events of 0001"

# ---- the server drops every MASA connection (admin, failover) ----
killed=$($PSQL -d postgres -tA -c "SELECT count(pg_terminate_backend(pid)) \
    FROM pg_stat_activity WHERE application_name = 'brski-masa'")
[ "$killed" -ge 2 ] || fail "expected pooled connections of both MASAs, found $killed"
for m in $PORTA $PORTB; do
	st=$(sh "$T/fire.sh" 0003 "$(awk '$1 == "0003" && $3 == 200 {print $2; exit}' "$T/race.txt")" $m | awk '{print $3}')
	[ "$st" = 200 ] || fail "request after the connections were dropped: $st"
done
grep -q "refused (500)" "$T/masaA.log" "$T/masaB.log" && fail "a request failed after the connections were dropped"
ok "$killed pooled connections terminated by the server: both MASAs reconnect without a failed request"

# ---- the database server goes away, and comes back ----
URLA=https://localhost:$PORTA
URLB=https://localhost:$PORTB
hz() { curl -sS -o "$T/hz.json" -w '%{http_code}' --max-time 20 --cacert "$P/masa-ca.pem" "$1/healthz"; }
[ "$(hz "$URLA")" = 200 ] || { cat "$T/hz.json"; fail "/healthz before the stop"; }
pg_ctl -m fast -w stop >/dev/null || fail "pg_ctl stop"
st=$(hz "$URLA")
[ "$st" = 503 ] || { cat "$T/hz.json"; fail "/healthz with the database down: $st, want 503"; }
grep -q '"database":{"state":"fail"' "$T/hz.json" || { cat "$T/hz.json"; fail "/healthz does not blame the database"; }
grep -q "$PGPORT\|127.0.0.1" "$T/hz.json" && { cat "$T/hz.json"; fail "/healthz shows the database address"; }
ok "database down: /healthz 503 ($(grep -o '"database":{[^}]*}' "$T/hz.json"))"
w=$(awk '$1 == "0002" && $3 == 200 {print $2; exit}' "$T/race.txt")
st=$(sh "$T/fire.sh" 0002 "$w" "$PORTA" | awk '{print $3}')
[ "$st" = 500 ] || fail "voucher request with the database down: $st, want 500"
grep -q "refused (500).*PostgreSQL" "$T/masaA.log" || { tail -3 "$T/masaA.log"; fail "no log line naming PostgreSQL"; }
ok "database down: voucher request 500, log: $(grep 'refused (500)' "$T/masaA.log" | tail -1 | sed 's/.*refused (500): //' | cut -c1-150)"
expect_fail "ctl list with the database down" "$MASA" --database "$DBB" ctl list
pg_start
[ "$(hz "$URLA")" = 200 ] || { cat "$T/hz.json"; fail "/healthz after the restart"; }
# B's pooled connections died with the server: reset, not an error
st=$(sh "$T/fire.sh" 0002 "$w" "$PORTB" | awk '{print $3}')
[ "$st" = 200 ] || { tail -3 "$T/masaB.log"; fail "MASA B after the restart: $st"; }
st=$(sh "$T/fire.sh" 0002 "$w" "$PORTA" | awk '{print $3}')
[ "$st" = 200 ] || { tail -3 "$T/masaA.log"; fail "MASA A after the restart: $st"; }
[ "$(hz "$URLB")" = 200 ] || { cat "$T/hz.json"; fail "/healthz of B after the restart"; }
ok "database back: /healthz 200, both MASAs issue vouchers again"

# ---- SIGKILL of a MASA in the middle of requests ----
before=$(counts)
: >"$T/jobs"
i=0
while [ $i -lt 60 ]; do
	echo "0002 $w $PORTA" >>"$T/jobs"
	i=$((i + 1))
done
xargs -P 8 -L 1 sh "$T/fire.sh" <"$T/jobs" >"$T/kill.txt" 2>&1 &
xp=$!
sleep 0.5
kill -KILL "$masaA_pid"
wait "$masaA_pid" 2>/dev/null || true
PIDS=$(echo "$PIDS" | tr ' ' '\n' | grep -vx "$masaA_pid" | tr '\n' ' ')
wait "$xp" || true
delivered=$(grep -c ' 200$' "$T/kill.txt" || true)
after=$(counts)
[ "${after%/*}" = "${after#*/}" ] || fail "after SIGKILL: vouchers/audit events $after"
[ $((${after%/*} - ${before%/*})) -ge "$delivered" ] ||
    fail "after SIGKILL: $delivered vouchers delivered, only $((${after%/*} - ${before%/*})) recorded"
ok "MASA A killed during 60 requests: $delivered delivered, $((${after%/*} - ${before%/*})) recorded, vouchers = audit events ($after)"

stop_daemon masaB
expect_ok "ctl check after the MASAs stopped" "$MASA" --database "$DBB" ctl check
