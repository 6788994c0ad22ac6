#!/bin/sh
# The three programs as real processes on loopback: a full enrollment
# ending in an LDevID that openssl verify accepts, a reenrollment, then
# the pledge against hostile or failing registrars: each case must end
# with its documented exit code, a log line naming the reason, and the
# state directory exactly as it was.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
[ -x "$PY" ] || skip "Debian's python3 is needed for the hostile registrar"
EVIL="$top_srcdir/test/e2e/evil_registrar.py"
export TOOL

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 >/dev/null
"$CERTS" init "$T/other" >/dev/null
"$MASA" --database "$T/m.db" ctl add 0001 0002 0003 || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://localhost:$PORT
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem --masa-url $MURL"
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS
RURL=https://localhost:$PORT

pledge() {	# pledge SERIAL [options...]
	s=$1; shift
	"$PLEDGE" -d --registrar "$RURL" --idevid-cert "$P/idevid-$s-chain.pem" \
	    --idevid-key "$P/idevid-$s.key" --masa-ca "${MASA_CA:-$P/masa-ca.pem}" \
	    --timeout 10 "$@"
}

# --- the good run ---
expect_ok "pledge enrolls (exit 0)" pledge 0001 --state-dir "$T/state"
S=$T/state/current
expect_ok "openssl verify accepts the LDevID against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$S/ldevid.pem"
[ "$(stat -c %a "$S/ldevid.key")" = 600 ] || fail "LDevID key is not 0600"
"$OPENSSL" x509 -in "$S/ldevid.pem" -noout -pubkey >"$T/pub1"
"$OPENSSL" pkey -in "$S/ldevid.key" -pubout >"$T/pub2"
cmp -s "$T/pub1" "$T/pub2" || fail "LDevID is not for the stored key"
"$OPENSSL" x509 -in "$S/ldevid.pem" -noout -subject | grep -q "serialNumber = 0001" ||
    fail "LDevID subject lacks the serialNumber"
expect_ok "the stored voucher verifies with the MASA CA (openssl cms)" \
    "$OPENSSL" cms -verify -binary -inform DER -in "$S/voucher.cms" \
    -CAfile "$P/masa-ca.pem" -purpose any -no-CApath -no-CAstore -out /dev/null
"$REGISTRAR" --database "$T/r.db" ctl list | grep -q \
    "^0001 .*approved .*voucher:yes .*voucher_status:ok .*enroll:ok .*certs:1" ||
    { "$REGISTRAR" --database "$T/r.db" ctl list; fail "registrar records"; }
ok "registrar recorded voucher, voucher_status, enrollstatus, 1 certificate"
old=$("$OPENSSL" x509 -in "$S/ldevid.pem" -noout -serial)
# renew-before: a year's LDevID is not due 30 days ahead; nobody is asked
gen=$(readlink "$T/state/current")
n=$(grep -c "simplereenroll" "$T/registrar.log" || true)
expect_ok "reenroll --renew-before 30d with a year left: nothing to do (exit 0)" \
    "$PLEDGE" -d --registrar "$RURL" --state-dir "$T/state" \
    --renew-before 30d reenroll
[ "$(readlink "$T/state/current")" = "$gen" ] &&
    [ "$("$OPENSSL" x509 -in "$S/ldevid.pem" -noout -serial)" = "$old" ] ||
    fail "a reenroll that was not due changed the state"
[ "$(grep -c "simplereenroll" "$T/registrar.log" || true)" = "$n" ] ||
    fail "a reenroll that was not due reached the registrar"
grep -q "reenroll not due: the LDevID is valid until" "$T/last.out" ||
    fail "no log line says why nothing was renewed"
expect_ok "reenroll --renew-before 400d: due, renewed with a new key (exit 0)" \
    "$PLEDGE" -d --registrar "$RURL" \
    --state-dir "$T/state" --renew-before 400d reenroll
new=$("$OPENSSL" x509 -in "$S/ldevid.pem" -noout -serial)
[ "$old" != "$new" ] || fail "reenroll kept the old certificate"
expect_ok "openssl verify accepts the renewed LDevID" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$S/ldevid.pem"

# --- hostile and failing registrars: exit code, reason, state untouched ---
snapshot() {
	(cd "$T/state" && readlink current && find . -type f | sort |
	    xargs sha256sum && ls -l --time-style=+%s -R)
}
BEFORE=$(snapshot)
refused() {	# refused NAME EXIT REASON-REGEX pledge-args...
	name=$1 want=$2 why=$3; shift 3
	set +e
	pledge 0001 --state-dir "$T/state" "$@" >"$T/p.out" 2>"$T/p.log"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/p.log"; fail "$name: exit $got, want $want"; }
	grep -Eq "$why" "$T/p.log" || { cat "$T/p.log"; fail "$name: no reason matching '$why'"; }
	[ "$(snapshot)" = "$BEFORE" ] || fail "$name: the state directory changed"
	ok "$name -> exit $got ($(grep 'failed:' "$T/p.log" | tail -1 | sed 's/.*failed: //' | cut -c1-110))"
}
evil() {	# evil NAME CHAIN KEY MODE: start a hostile registrar, set RURL
	start_daemon "$1" env "$EVIL" "$2" "$3" "$4"
	RURL=https://localhost:$PORT
}
GOOD_RURL=$RURL

MASA_CA=$T/other/masa-ca.pem refused "voucher signed by a foreign MASA" 4 \
    "voucher signature"
export EVIL_SIGNER="$P/masa-signer.pem" EVIL_SIGNER_KEY="$P/masa-signer.key"
export EVIL_CHAIN="$P/masa-signer-chain.pem" EVIL_PIN="$P/domain-ca.pem"
EVIL_SERIAL=9999 evil e1 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
refused "voucher for another serial-number" 4 "serial-number \"9999\""
EVIL_NONCE=wrong evil e2 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
refused "voucher with another nonce" 4 "nonce is not the one sent"
EVIL_NONCE=none evil e3 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
refused "nonceless voucher, not accepted here" 4 "nonceless vouchers are not accepted"
refused "expired nonceless voucher" 4 "voucher expired" --accept-nonceless
# a man in the middle with its own CA relays a genuine voucher for our domain
evil e4 "$T/other/registrar-tls-chain.pem" "$T/other/registrar-tls.key" forge
refused "registrar chain does not match pinned-domain-cert" 4 \
    "not of the domain the voucher pins"
evil e5 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" garbage
refused "registrar returns garbage" 4 "voucher signature"
evil e6 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" truncate
refused "truncated response" 3 "connection closed|truncated"
evil e7 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" refuse
refused "registrar refuses the voucher-request" 4 "refused the voucher-request: 403"
EVIL_CACERTS="$P/domain-ca.pem" evil e8 "$P/registrar-tls-chain.pem" \
    "$P/registrar-tls.key" forge
refused "enrollment refused" 5 "simpleenroll refused: 403"
RURL=https://localhost:$(free_port)
refused "no registrar listening" 3 "registrar localhost"

# --- a registrar with manual approval: 202 + Retry-After, then success ---
start_daemon manual "$REGISTRAR" -d --port 0 --database "$T/r2.db" $REGOPTS \
    --policy manual --retry-after 1
RURL=https://localhost:$PORT
pledge 0002 --state-dir "$T/state2" --max-wait 60 >"$T/p2.out" 2>"$T/p2.log" &
p2=$!
i=0
until "$REGISTRAR" --database "$T/r2.db" ctl list 2>/dev/null | grep -q "^0002 .*pending"; do
	[ $i -lt 100 ] || fail "0002 never became pending"
	sleep 0.1
	i=$((i + 1))
done
sleep 1.5	# at least one 202 is answered and waited out
"$REGISTRAR" --database "$T/r2.db" ctl approve 0002 || fail "ctl approve"
wait $p2 || { cat "$T/p2.log"; fail "pledge after approval: exit $?"; }
grep -q "asks to wait 1s" "$T/p2.log" || fail "no 202 was honoured"
expect_ok "pending pledge enrolled after approval" "$OPENSSL" verify \
    -CAfile "$P/domain-ca.pem" "$T/state2/current/ldevid.pem"
set +e
pledge 0003 --state-dir "$T/state3" --max-wait 2 >/dev/null 2>"$T/p3.log"
got=$?
set -e
[ "$got" = 3 ] && grep -q "still pending" "$T/p3.log" || fail "max-wait: exit $got"
[ ! -e "$T/state3/current" ] || fail "max-wait left state behind"
ok "a device never approved: exit 3 after max-wait, no state"
"$REGISTRAR" --database "$T/r2.db" ctl deny 0003
set +e
pledge 0003 --state-dir "$T/state3" >/dev/null 2>"$T/p3.log"
got=$?
set -e
[ "$got" = 4 ] && grep -q "denied by the operator" "$T/p3.log" ||
    { cat "$T/p3.log"; fail "denied device: exit $got"; }
ok "a denied device: exit 4, 403 from the registrar"
stop_daemon registrar
stop_daemon manual
stop_daemon masa
