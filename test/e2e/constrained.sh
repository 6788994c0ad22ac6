#!/bin/sh
# Constrained BRSKI (cBRSKI) end to end: brski-masa, brski-registrar with
# CoAPS and brski-pledge over coaps:// as real processes on loopback.
# COSE-signed CBOR vouchers, EST-coaps, status telemetry in CBOR; the
# stored voucher checked by python3-cbor2 + python3-cryptography; the
# registrar driven by coap-client-openssl (libcoap3-bin) too; 5.03 +
# Max-Age for a device waiting for the operator; and refusals, each with
# its CoAP code or exit code, the log line naming why, and no state.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need coap-client-openssl
[ -x "$PY" ] && $PY -c 'import cbor2, cryptography' 2>/dev/null ||
    skip "Debian's python3-cbor2 and python3-cryptography are needed"

# libcoap, OpenSSL, Avahi and D-Bus are loaded when first used, not
# linked (common/lazy.h): an https pledge never maps them
if command -v readelf >/dev/null 2>&1; then
	needed=$(readelf -d "$PLEDGE" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p' | tr '\n' ' ')
	case $needed in
	*coap*|*libssl*|*libcrypto*|*avahi*|*dbus*)
		fail "brski-pledge links $needed" ;;
	esac
	case $needed in
	*libwolfssl*) ok "brski-pledge links only $needed" ;;
	*) fail "readelf shows no wolfSSL in brski-pledge: $needed" ;;
	esac
fi

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 0004 >/dev/null
"$CERTS" init "$T/other" >/dev/null
"$MASA" --database "$T/m.db" ctl add 0001 0002 0003 0004 || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://localhost:$PORT
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem --masa-url $MURL"
CPORT=$(free_udp_port)
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" \
    --coaps-port "$CPORT" --coaps-listen 127.0.0.1 --max-body 16384 $REGOPTS
CURL=coaps://127.0.0.1:$CPORT
HPORT=$PORT

pledge() {	# pledge SERIAL [options...]
	s=$1; shift
	# RURL=none: no URL (the pledge discovers a join proxy)
	if [ "${RURL:-}" = none ]; then set -- "$s" "$@"
	else set -- "$s" --registrar "${RURL:-$CURL}" "$@"; fi
	s=$1; shift
	timeout 60 "$PLEDGE" -d \
	    --idevid-cert "$P/idevid-$s-chain.pem" --idevid-key "$P/idevid-$s.key" \
	    --masa-ca "${MASA_CA:-$P/masa-signer.pem}" --timeout 10 "$@"
}
# coap SERIAL|- [coap-client options...]: answer (code and payload) on stdout
coap() {
	s=$1; shift
	if [ "$s" = - ]; then set -- "$@"
	else set -- -c "$P/idevid-$s.pem" -j "$P/idevid-$s.key" "$@"; fi
	timeout 30 coap-client-openssl -B 20 "$@" 2>&1 || true
}
# cose_pvr SERIAL SIGNER-KEY OUT: a COSE voucher-request for our registrar
cose_pvr() {
	printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"%s","created-on":"%s","proximity-registrar-cert":"%s"}}' \
	    "$(head -c 12 /dev/urandom | base64)" "$1" "$(now3339)" \
	    "$(der_b64 "$P/registrar-tls.pem")" >"$3.json"
	"$TOOL" json-cbor request "$3.json" "$3.cbor" >/dev/null
	"$TOOL" cose-sign "$3.cbor" "$2" "$3" >/dev/null
}
regdb() { sqlite3 "$T/r.db" "$1"; }
state_of() { regdb "select count(*) from devices; select count(*) from certificates; select count(*) from reports;" | tr '\n' ' '; }
logged() {	# logged ERE WHAT: the registrar's log must say it
	grep -Eq "$1" "$T/registrar.log" || { tail -5 "$T/registrar.log" >&2; fail "registrar log: $2"; }
}

# --- a constrained pledge enrolls ---
expect_ok "pledge 0001 enrolls over coaps:// (exit 0)" pledge 0001 \
    --state-dir "$T/state"
S=$T/state/current
expect_ok "openssl verify accepts the LDevID against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$S/ldevid.pem"
"$OPENSSL" x509 -in "$S/ldevid.pem" -noout -pubkey >"$T/pub1"
"$OPENSSL" pkey -in "$S/ldevid.key" -pubout >"$T/pub2"
cmp -s "$T/pub1" "$T/pub2" || fail "LDevID is not for the stored key"
[ -s "$S/voucher.cose" ] && [ -s "$S/pledge-voucher-request.cose" ] ||
    fail "voucher.cose / pledge-voucher-request.cose not stored"
"$OPENSSL" x509 -in "$P/masa-signer.pem" -outform DER -out "$T/signer.der"
"$OPENSSL" x509 -in "$P/domain-ca.pem" -outform DER -out "$T/domain.der"
$PY - "$S/voucher.cose" "$T/signer.der" "$T/domain.der" <<'PYEOF' ||
import sys, cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
msg = cbor2.loads(open(sys.argv[1], "rb").read())
assert isinstance(msg, cbor2.CBORTag) and msg.tag == 18, "not a tagged COSE_Sign1"
prot, unprot, payload, sig = msg.value
assert cbor2.loads(prot)[1] == -7, "alg is not ES256"
assert 32 not in unprot, "the registrar left the MASA's x5bag in"
key = x509.load_der_x509_certificate(open(sys.argv[2], "rb").read()).public_key()
tbs = cbor2.dumps(["Signature1", prot, b"", payload])
der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
key.verify(der, tbs, ec.ECDSA(hashes.SHA256()))
v = cbor2.loads(payload)[2451]		# ietf-voucher:voucher, SID deltas
assert v[11] == "0001", "serial-number"
assert v[8] == open(sys.argv[3], "rb").read(), "pinned-domain-cert is not the domain CA"
assert len(v[7]) == 16, "nonce"
PYEOF
    fail "python3-cryptography does not verify the stored COSE voucher"
ok "python3-cbor2/cryptography verify voucher.cose with the MASA signer (ES256, x5bag stripped, serial, nonce, pinned domain CA)"
regdb "select serial from devices where serial='0001' and voucher is not null" |
    grep -q 0001 || fail "registrar did not record the voucher"
[ "$(regdb "select count(*) from reports where device='0001'")" = 2 ] ||
    fail "registrar did not record /vs and /es"
logged "CoAP rv: voucher sent to 127\.0\.0\.1" "no voucher sent"
logged "CoAP sen: issued a certificate for \"0001\"" "no certificate"
logged "device 0001 reports enroll success" "no /es"
ok "registrar recorded the voucher, /vs and /es (CBOR telemetry)"
curl -sS --max-time 10 -k "https://127.0.0.1:$HPORT/metrics" >"$T/metrics" ||
    fail "GET /metrics"
for want in 'brski_requests_total{endpoint="coaps:/.well-known/brski/rv",code="204"} 1' \
    'brski_requests_total{endpoint="coaps:/.well-known/est/sen",code="204"} 1' \
    'brski_requests_total{endpoint="coaps:/.well-known/brski/es",code="204"} 1' \
    'brski_registrar_vouchers_forwarded_total 1' \
    'brski_registrar_enrollments_total{kind="enroll"} 1'; do
	grep -qF "$want" "$T/metrics" || { grep coaps "$T/metrics" >&2; fail "/metrics lacks: $want"; }
done
ok "/metrics counts the CoAPS resources (rv, sen, es: 2.04 as 204), the voucher and the enrollment"
old=$("$OPENSSL" x509 -in "$S/ldevid.pem" -noout -serial)
expect_ok "reenroll over EST-coaps /sren (exit 0)" timeout 60 "$PLEDGE" -d \
    --registrar "$CURL" --state-dir "$T/state" reenroll
new=$("$OPENSSL" x509 -in "$S/ldevid.pem" -noout -serial)
[ "$old" != "$new" ] || fail "reenroll kept the old certificate"
logged "CoAP sren: issued a certificate" "no /sren"

# --- libcoap's own client against the registrar ---
out=$(coap - -m get "$CURL/.well-known/core")
for want in '</.well-known/brski/rv>;ct=836;rt=brski.rv' \
    '</.well-known/brski/vs>;ct="50 60";rt=brski.vs' \
    '</.well-known/est/sen>;ct="281 287";rt="ace.est.sen"'; do
	echo "$out" | grep -qF "$want" || fail "/.well-known/core lacks $want: $out"
done
ok "coap-client: /.well-known/core lists brski.rv (836), brski.vs/es, ace.est.*"
cose_pvr 0002 "$P/idevid-0002.key" "$T/pvr2.cose"
out=$(coap 0002 -m post -t 836 -A 836 -f "$T/pvr2.cose" -o "$T/v2.cose" \
    "$CURL/.well-known/brski/rv")
[ -s "$T/v2.cose" ] || fail "coap-client got no voucher: $out"
"$TOOL" cose-verify "$T/v2.cose" "$P/masa-signer.pem" "$T/v2.cbor" >/dev/null ||
    fail "the voucher coap-client got does not verify"
"$TOOL" cbor-json voucher "$T/v2.cbor" "$T/v2.json" >/dev/null
grep -q '"serial-number":"0002"' "$T/v2.json" || fail "voucher for 0002: $(cat "$T/v2.json")"
ok "coap-client-openssl POSTs a COSE PVR to /rv and gets 0002's voucher (separate response)"

# --- refusals: CoAP code, the reason in the log, nothing stored ---
before=$(state_of)
refused() {	# refused NAME CODE LOG-ERE SERIAL|- coap-client-args...
	name=$1 code=$2 why=$3; shift 3
	out=$(coap "$@")
	echo "$out" | grep -q "^$code" || fail "$name: want $code, got: $out"
	logged "$why" "$name: no '$why'"
	[ "$(state_of)" = "$before" ] || fail "$name: the registrar's database changed"
	ok "$name -> $code ($(echo "$out" | head -1 | cut -c6-90))"
}
cose_pvr 0003 "$P/idevid-0002.key" "$T/pvr-wrongkey.cose"
refused "PVR signed by another key than the DTLS client's" 4.01 \
    "not signed by the IDevID that authenticated the DTLS session" \
    0003 -m post -t 836 -f "$T/pvr-wrongkey.cose" "$CURL/.well-known/brski/rv"
printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"AAAAAAAAAAAAAAAA","serial-number":"0009","created-on":"%s","proximity-registrar-cert":"%s"}}' \
    "$(now3339)" "$(der_b64 "$P/registrar-tls.pem")" >"$T/ws.json"
"$TOOL" json-cbor request "$T/ws.json" "$T/ws.cbor" >/dev/null
"$TOOL" cose-sign "$T/ws.cbor" "$P/idevid-0003.key" "$T/ws.cose" >/dev/null
refused "PVR serial-number is not the IDevID's" 4.01 \
    "serial-number \"0009\" in the voucher-request is not the IDevID's" \
    0003 -m post -t 836 -f "$T/ws.cose" "$CURL/.well-known/brski/rv"
cose_pvr 0003 "$P/idevid-0003.key" "$T/pvr3.cose"
$PY - "$T/pvr3.cose" "$T/pvr3-tampered.cose" "$T/pvr3-eddsa.cose" <<'PYEOF'
import sys, cbor2
msg = cbor2.loads(open(sys.argv[1], "rb").read())
prot, unprot, payload, sig = msg.value
# one bit of the signed payload flipped
p = bytearray(payload); p[len(p) // 2] ^= 1
open(sys.argv[2], "wb").write(cbor2.dumps(cbor2.CBORTag(18, [prot, unprot, bytes(p), sig])))
# the same request claiming EdDSA (-8), which a registrar must not take for ES256
open(sys.argv[3], "wb").write(cbor2.dumps(cbor2.CBORTag(18, [cbor2.dumps({1: -8}), {}, payload, sig])))
PYEOF
refused "COSE PVR with one payload bit flipped" 4.01 \
    "not signed by the IDevID that authenticated the DTLS session" \
    0003 -m post -t 836 -f "$T/pvr3-tampered.cose" "$CURL/.well-known/brski/rv"
refused "COSE PVR claiming alg EdDSA (-8)" 4.0 "rv from .* refused \(4\.0[01]\)" \
    0003 -m post -t 836 -f "$T/pvr3-eddsa.cose" "$CURL/.well-known/brski/rv"
refused "wrong Content-Format on /rv" 4.15 "rv from .* refused \(4\.15\)" \
    0003 -m post -t 60 -f "$T/pvr2.cose" "$CURL/.well-known/brski/rv"
refused "Accept other than voucher+cose" 4.06 "refused \(4\.06\)" \
    0003 -m post -t 836 -A 50 -f "$T/pvr2.cose" "$CURL/.well-known/brski/rv"
head -c 300 /dev/urandom >"$T/junk"
refused "garbage instead of COSE" 4.00 "voucher-request: COSE" \
    0003 -m post -t 836 -f "$T/junk" "$CURL/.well-known/brski/rv"
head -c 20000 /dev/zero >"$T/big"
refused "body over max-body (block-wise)" 4.13 "body too large" \
    0003 -m post -t 836 -f "$T/big" "$CURL/.well-known/brski/rv"
refused "no client certificate" 4.0 "rv from .* refused \(4\.0[13]\)" \
    - -m post -t 836 -f "$T/pvr2.cose" "$CURL/.well-known/brski/rv"
printf '\xa1\x67version' >"$T/badcbor"
refused "/vs with truncated CBOR" 4.00 "vs from .* refused \(4\.00\)" \
    0003 -m post -t 60 -f "$T/badcbor" "$CURL/.well-known/brski/vs"
refused "EST-coaps /sen without a voucher" 4.03 "sen from .* refused \(4\.03\)" \
    0004 -m post -t 286 -f "$T/junk" "$CURL/.well-known/est/sen"

rm -rf "$T/st5"
set +e
MASA_CA=$T/other/masa-ca.pem pledge 0004 --state-dir "$T/st5" >"$T/p5.log" 2>&1
got=$?
set -e
[ "$got" = 4 ] || { cat "$T/p5.log"; fail "foreign MASA anchor: exit $got, want 4"; }
grep -q "voucher rejected: voucher signature" "$T/p5.log" || fail "no reason: $(tail -2 "$T/p5.log")"
[ ! -e "$T/st5/current" ] || fail "a refused voucher left state"
logged "device 0004 reports voucher FAILURE \(voucher rejected\)" "no /vs failure"
ok "pledge with another MASA's anchor refuses the COSE voucher: exit 4, /vs failure reported, no state"

# --- through the stateful join proxy ---
"$CERTS" idevid "$P" 0005 0006 0008 >/dev/null
"$MASA" --database "$T/m.db" ctl add 0005 0006 0008 >/dev/null
DPORT=$(free_udp_port)
# 0005 and 0008 share 127.0.0.1, two DTLS sessions each: 4 mappings
start_daemon jp "$JOINPROXY" -d --registrar 127.0.0.1 --registrar-port "$CPORT" \
    --listen 127.0.0.1 --port 0 --discovery-port "$DPORT" --any-source \
    --max-per-pledge 4
JPORT=$PORT
out=$(coap - -m get "coap://127.0.0.1:$DPORT/.well-known/core?brski-jp=*")
[ "$out" = "<>;brski-jp=$JPORT" ] || fail "join proxy discovery: $out"
ok "coap-client: join proxy discovery answers <>;brski-jp=$JPORT"
RURL=coaps://127.0.0.1:$JPORT expect_ok "pledge 0005 enrolls through the join proxy" \
    pledge 0005 --state-dir "$T/st-jp"
expect_ok "its LDevID verifies against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/st-jp/current/ldevid.pem"
pp=$(sed -n 's/.*new pledge 127\.0\.0\.1:\([0-9]*\) relayed.*/\1/p' "$T/jp.log" | head -1)
rp=$(sed -n 's/.*CoAP rv: voucher sent to 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$T/registrar.log" | tail -1)
[ -n "$pp" ] && [ -n "$rp" ] && [ "$pp" != "$rp" ] ||
    fail "the registrar should see the proxy's port, not the pledge's ($pp / $rp)"
ok "registrar saw the proxy's per-pledge port $rp, not the pledge's $pp"
# no URL: the pledge asks for /.well-known/core?brski-jp and uses the
# answer's port at the address that answered
RURL=none expect_ok "pledge 0008 discovers the join proxy (unicast CoAP) and enrolls" \
    pledge 0008 --state-dir "$T/st-jpd" \
    --join-proxy-discovery "coap://127.0.0.1:$DPORT"
expect_ok "its LDevID verifies against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/st-jpd/current/ldevid.pem"
set +e
timeout 30 "$PLEDGE" --idevid-cert "$P/idevid-0008-chain.pem" \
    --idevid-key "$P/idevid-0008.key" --masa-ca "$P/masa-signer.pem" \
    --state-dir "$T/st-jpd2" --timeout 2 \
    --join-proxy-discovery "coap://127.0.0.1:$(free_udp_port)" >"$T/jpd2.log" 2>&1
got=$?
set -e
[ "$got" = 3 ] && grep -q "no join proxy answered" "$T/jpd2.log" ||
    { cat "$T/jpd2.log"; fail "discovery with nobody answering: exit $got"; }
ok "discovery with no join proxy answering: exit 3, 'no join proxy answered'"
stop_daemon jp
# limits: one mapping per pledge address, 5 s idle (the refused client
# gives up after 2 s, before the first mapping idles out)
start_daemon jp1 "$JOINPROXY" -d --registrar 127.0.0.1 --registrar-port "$CPORT" \
    --listen 127.0.0.1 --port 0 --discovery-port 0 --any-source \
    --max-per-pledge 1 --idle-timeout 5
J1=coaps://127.0.0.1:$PORT
out=$(coap 0006 -m get -A 287 -o "$T/ca1.der" "$J1/.well-known/est/crts")
[ -s "$T/ca1.der" ] || fail "crts through the join proxy: $out"
out=$(coap 0006 -B 2 -m get -A 287 -o "$T/ca2.der" "$J1/.well-known/est/crts")
[ ! -s "$T/ca2.der" ] || fail "a second mapping for the same pledge address got through"
grep -q "dropped: this pledge address has its limit of mappings" "$T/jp1.log" ||
    fail "join proxy: no log of the per-pledge limit"
ok "a second simultaneous mapping from one pledge address is dropped (limit 1), logged"
sleep 6
out=$(coap 0006 -m get -A 287 -o "$T/ca3.der" "$J1/.well-known/est/crts")
[ -s "$T/ca3.der" ] || fail "after the idle timeout: $out"
grep -q "released (idle)" "$T/jp1.log" || fail "join proxy: no idle release"
ok "after 5 s idle the mapping is released and the pledge is relayed again"
stop_daemon jp1
start_daemon jp2 "$JOINPROXY" -d --registrar 127.0.0.1 --registrar-port "$CPORT" \
    --listen 127.0.0.1 --port 0 --discovery-port 0
out=$(coap 0006 -B 2 -m get -A 287 -o "$T/ca4.der" "coaps://127.0.0.1:$PORT/.well-known/est/crts")
[ ! -s "$T/ca4.der" ] || fail "a non-link-local pledge was relayed without any-source"
grep -q "not an IPv6 link-local pledge" "$T/jp2.log" || fail "jp2: no log line"
ok "without any-source, a pledge that is not IPv6 link-local is dropped, logged"
stop_daemon jp2

# --- an operator has to approve: 5.03 + Max-Age, then the voucher ---
CPORT2=$(free_udp_port)
start_daemon manual "$REGISTRAR" -d --port 0 --database "$T/r2.db" \
    --coaps-port "$CPORT2" --coaps-listen 127.0.0.1 --policy manual \
    --retry-after 1 $REGOPTS
(sleep 2; "$REGISTRAR" --database "$T/r2.db" ctl approve 0003 >/dev/null) &
approver=$!
RURL=coaps://127.0.0.1:$CPORT2 pledge 0003 --state-dir "$T/st3" \
    >"$T/p3.log" 2>&1 || { cat "$T/p3.log"; fail "pledge 0003 after approval"; }
wait "$approver"
grep -q "the registrar asks to wait 1s" "$T/p3.log" ||
    fail "the pledge did not honour 5.03 + Max-Age: $(cat "$T/p3.log")"
grep -q "rv from .* refused (5.03): waiting for the operator" "$T/manual.log" ||
    fail "the registrar did not answer 5.03"
ok "pending device: 5.03 with Max-Age 1, pledge waited, enrolled after ctl approve"
stop_daemon manual
stop_daemon registrar
stop_daemon masa
