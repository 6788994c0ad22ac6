#!/bin/sh
# brski-registrar as a real process between a real MASA and clients made
# of curl and openssl: the BRSKI checks (each refusal with its status, a
# log line, and nothing stored), manual approval, a hostile MASA, and EST
# as common EST clients use it (curl + openssl, HTTP Basic after a 401,
# client certificates, reenroll, rekey, serverkeygen).
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
[ -x "$PY" ] || skip "Debian's python3 is needed for the hostile MASA"
export TOOL

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 0004 >/dev/null
"$CERTS" init "$T/other" >/dev/null
"$MASA" --database "$T/m.db" ctl add 0001 0002 0003 || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://localhost:$PORT
# an operator CA for other EST clients, and a Basic password
"$OPENSSL" req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/op-ca.key" -subj "/CN=Operators" -days 30 -out "$T/op-ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign" 2>/dev/null
"$OPENSSL" req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$T/op.key" -subj "/CN=operator-laptop" -out "$T/op.csr" 2>/dev/null
"$OPENSSL" x509 -req -in "$T/op.csr" -CA "$T/op-ca.pem" -CAkey "$T/op-ca.key" \
    -CAcreateserial -days 30 -out "$T/op.pem" 2>/dev/null
printf 's3cret-pass\n' >"$T/est-pw"
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem
 --est-client-ca $T/op-ca.pem --est-user operator --est-password-file $T/est-pw"
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS \
    --masa-url "$MURL"
R=https://localhost:$PORT
RV=$R/.well-known/brski/requestvoucher
CT="-H Content-Type:application/voucher-cms+json"
dev() { echo "--cacert $P/domain-ca.pem --cert $1/idevid-$2-chain.pem --key $1/idevid-$2.key"; }
nonce() { head -c 16 /dev/urandom | base64 -w0; }
# what a refusal must not change: the device's voucher and certificates
# (a row saying the device was seen is bookkeeping, kept on purpose)
stored() {
	s=$("$REGISTRAR" --database "$T/r.db" ctl list | grep "^$1 " |
	    grep -o "voucher:[a-z]*\|certs:[0-9]*" | tr '\n' ' ' || true)
	echo "${s:-voucher:no certs:0 }"
}

# expect NAME STATUS LOGTEXT SERIAL FILE URL curl-args: status, log, nothing stored
expect() {
	name=$1 want=$2 logtext=$3 serial=$4 file=$5 url=$6; shift 6
	before=$(stored "$serial"; "$REGISTRAR" --database "$T/r.db" ctl certs | wc -l)
	st=$(post_status "$url" "$file" "$T/out" -D "$T/hdr" "$@")
	[ "$st" = "$want" ] || { cat "$T/out"; fail "$name: status $st, want $want"; }
	grep -q -- "$logtext" "$T/registrar.log" || fail "$name: no log line '$logtext'"
	after=$(stored "$serial"; "$REGISTRAR" --database "$T/r.db" ctl certs | wc -l)
	[ "$want" = 200 ] || [ "$before" = "$after" ] ||
	    fail "$name: something was stored ($before -> $after)"
	ok "$name -> $st ($(head -c 90 "$T/out" | tr '\n' ' '))"
}

# --- the good path with curl as the pledge ---
N=$(nonce)
mk_pvr "$P" 0001 idevid-0001 "$N" "$P/registrar-tls.pem" "$T/pvr1.cms"
expect "PVR from an allowed pledge: voucher" 200 "voucher from" 0001 \
    "$T/pvr1.cms" "$RV" $(dev "$P" 0001) $CT
expect_ok "the forwarded voucher verifies with the MASA CA" "$OPENSSL" cms \
    -verify -binary -inform DER -in "$T/out" -CAfile "$P/masa-ca.pem" \
    -purpose any -no-CApath -no-CAstore -out /dev/null

# --- BRSKI refusals ---
mk_pvr "$P" 0001 idevid-0002 "$N" "$P/registrar-tls.pem" "$T/pvr-otherkey.cms"
expect "PVR signed by another key than the TLS client" 401 \
    "not signed by the IDevID that authenticated" 0001 "$T/pvr-otherkey.cms" \
    "$RV" $(dev "$P" 0001) $CT
grep -qi '^connection: close' "$T/hdr" || fail "401 without Connection: close"
mk_pvr "$P" 0002 idevid-0002 "$N" "$T/other/registrar-tls.pem" "$T/pvr-prox.cms"
expect "proximity-registrar-cert not ours" 401 "man in the middle" 0002 \
    "$T/pvr-prox.cms" "$RV" $(dev "$P" 0002) $CT
mk_pvr "$P" 0003 idevid-0002 "$N" "$P/registrar-tls.pem" "$T/pvr-serial.cms"
expect "serial-number not the IDevID's" 401 "is not the IDevID's" 0002 \
    "$T/pvr-serial.cms" "$RV" $(dev "$P" 0002) $CT
mk_pvr "$T/other" 0001 idevid-0001 "$N" "$P/registrar-tls.pem" "$T/pvr-mfg.cms"
expect "IDevID from a manufacturer not on the allow list" 403 \
    "not from a manufacturer on the allow list" 0001 "$T/pvr-mfg.cms" "$RV" \
    $(dev "$T/other" 0001) $CT
mk_pvr "$P" 0004 idevid-0004 "$N" "$P/registrar-tls.pem" "$T/pvr4.cms"
expect "MASA refuses (device unknown to it)" 404 "the MASA answered 404" 0004 \
    "$T/pvr4.cms" "$RV" $(dev "$P" 0004) $CT
printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"0002","serial-number":"0002","proximity-registrar-cert":"%s"}}' \
    "$N" "$(der_b64 "$P/registrar-tls.pem")" >"$T/dup.json"
"$TOOL" cms-sign "$T/dup.json" "$P/idevid-0002.pem" "$P/idevid-0002.key" \
    "$T/dup.cms" >/dev/null
expect "duplicate JSON keys in the PVR" 400 "duplicate object key" 0002 \
    "$T/dup.cms" "$RV" $(dev "$P" 0002) $CT
expect "wrong Content-Type" 415 "Content-Type" 0002 "$T/pvr4.cms" "$RV" \
    $(dev "$P" 0002) -H "Content-Type: application/json"
expect "no client certificate" 403 "no IDevID" 0002 "$T/pvr4.cms" "$RV" \
    --cacert "$P/domain-ca.pem" $CT
head -c 70000 /dev/urandom >"$T/big"
expect "oversized body" 413 "-> 413" 0002 "$T/big" "$RV" $(dev "$P" 0002) $CT

# a MASA that answers with a voucher for another nonce
export EVIL_SIGNER="$P/masa-signer.pem" EVIL_SIGNER_KEY="$P/masa-signer.key"
export EVIL_CHAIN="$P/masa-signer-chain.pem" EVIL_PIN="$P/domain-ca.pem"
EVIL_NONCE=wrong start_daemon evilmasa env "$top_srcdir/test/e2e/evil_registrar.py" \
    "$P/masa-tls-chain.pem" "$P/masa-tls.key" forge
start_daemon reg2 "$REGISTRAR" -d --port 0 --database "$T/r2.db" $REGOPTS \
    --masa-url "https://localhost:$PORT"
R2=https://localhost:$PORT
mk_pvr "$P" 0002 idevid-0002 "$N" "$P/registrar-tls.pem" "$T/pvr2.cms"
st=$(post_status "$R2/.well-known/brski/requestvoucher" "$T/pvr2.cms" "$T/out" \
    $(dev "$P" 0002) $CT)
[ "$st" = 502 ] || fail "MASA voucher with a wrong nonce: $st"
grep -q "voucher nonce is not the one sent" "$T/reg2.log" || fail "no log line"
"$REGISTRAR" --database "$T/r2.db" ctl list | grep -q "^0002 .*voucher:no" ||
    fail "a refused voucher was recorded"
ok "MASA voucher for another nonce -> 502, not forwarded, not stored"
stop_daemon reg2

# --- EST for the pledge ---
EST=$R/.well-known/est
curl -sS --cacert "$P/domain-ca.pem" "$EST/cacerts" | base64 -d |
    "$OPENSSL" pkcs7 -inform DER -print_certs -noout >"$T/cacerts.txt"
grep -q "subject=O = example.net, CN = example.net Domain CA" "$T/cacerts.txt" ||
    fail "cacerts via curl + openssl pkcs7"
ok "cacerts: curl | base64 -d | openssl pkcs7 -print_certs shows the domain CA"
curl -sS --cacert "$P/domain-ca.pem" "$EST/csrattrs" | base64 -d |
    "$OPENSSL" asn1parse -inform DER | grep -q "prime256v1" || fail "csrattrs"
ok "csrattrs: openssl asn1parse shows id-ecPublicKey/prime256v1"
mkcsr() {	# mkcsr KEYFILE SUBJECT OUT(base64)
	[ -f "$1" ] || "$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$1"
	"$OPENSSL" req -new -key "$1" -subj "$2" -outform DER | base64 >"$3"
}
mkcsr "$T/l1.key" "/CN=pledge" "$T/l1.csr"
expect "simpleenroll by a pledge without a voucher" 403 "enroll without voucher" \
    0003 "$T/l1.csr" "$EST/simpleenroll" $(dev "$P" 0003) \
    -H "Content-Type: application/pkcs10"
expect "simpleenroll by the pledge after its voucher" 200 "issued a certificate" \
    0001 "$T/l1.csr" "$EST/simpleenroll" $(dev "$P" 0001) \
    -H "Content-Type: application/pkcs10"
base64 -d "$T/out" | "$OPENSSL" pkcs7 -inform DER -print_certs >"$T/ldevid.pem"
expect_ok "openssl verify accepts the LDevID" "$OPENSSL" verify -CAfile \
    "$P/domain-ca.pem" "$T/ldevid.pem"
"$OPENSSL" x509 -in "$T/ldevid.pem" -noout -subject | grep -q "CN = 0001, serialNumber = 0001" ||
    fail "the subject must come from the IDevID, not the CSR's CN=pledge"
ok "the LDevID subject is the IDevID serialNumber, not the CSR's"

# --- EST for other clients ---
mkcsr "$T/c1.key" "/CN=camera-7" "$T/c1.csr"
curl -sS -D "$T/hdr" -o /dev/null --cacert "$P/domain-ca.pem" \
    -H "Content-Type: application/pkcs10" --data-binary @"$T/c1.csr" \
    "$EST/simpleenroll"
grep -qi '^www-authenticate: Basic realm=' "$T/hdr" || fail "no Basic challenge"
grep -q '^HTTP/1.1 401' "$T/hdr" || fail "not 401 without credentials"
ok "no credentials -> 401 with WWW-Authenticate: Basic"
expect "wrong Basic password" 401 "wrong HTTP Basic credentials" x "$T/c1.csr" \
    "$EST/simpleenroll" --cacert "$P/domain-ca.pem" -u operator:nope \
    -H "Content-Type: application/pkcs10"
expect "curl --anyauth: 401 then Basic credentials" 200 "camera-7" x \
    "$T/c1.csr" "$EST/simpleenroll" --cacert "$P/domain-ca.pem" --anyauth \
    -u operator:s3cret-pass -H "Content-Type: application/pkcs10"
base64 -d "$T/out" | "$OPENSSL" pkcs7 -inform DER -print_certs >"$T/c1.pem"
expect_ok "openssl verify accepts the camera's certificate" "$OPENSSL" verify \
    -CAfile "$P/domain-ca.pem" "$T/c1.pem"
mkcsr "$T/c2.key" "/CN=sensor-9" "$T/c2.csr"
expect "client certificate from the operator CA" 200 "sensor-9" x "$T/c2.csr" \
    "$EST/simpleenroll" --cacert "$P/domain-ca.pem" --cert "$T/op.pem" \
    --key "$T/op.key" -H "Content-Type: application/pkcs10"
$PY - "$T/c1.csr" <<'PYEOF'
import base64, sys
d = bytearray(base64.b64decode(open(sys.argv[1]).read()))
d[-3] ^= 0x40
open(sys.argv[1] + ".bad", "w").write(base64.b64encode(d).decode())
PYEOF
expect "CSR with a bad signature" 400 "self-signature" x "$T/c1.csr.bad" \
    "$EST/simpleenroll" --cacert "$P/domain-ca.pem" -u operator:s3cret-pass \
    -H "Content-Type: application/pkcs10"

# --- reenroll with the LDevID: same subject, same or new key ---
mkcsr "$T/l1.key" "/CN=0001/serialNumber=0001" "$T/re.csr"
LD="--cacert $P/domain-ca.pem --cert $T/ldevid.pem --key $T/l1.key"
expect "simplereenroll with the LDevID" 200 "simplereenroll: issued" 0001 \
    "$T/re.csr" "$EST/simplereenroll" $LD -H "Content-Type: application/pkcs10"
mkcsr "$T/l2.key" "/CN=0001/serialNumber=0001" "$T/rekey.csr"
expect "simplereenroll with a new key (rekey)" 200 "simplereenroll: issued" 0001 \
    "$T/rekey.csr" "$EST/simplereenroll" $LD -H "Content-Type: application/pkcs10"
base64 -d "$T/out" | "$OPENSSL" pkcs7 -inform DER -print_certs >"$T/rekeyed.pem"
"$OPENSSL" x509 -in "$T/rekeyed.pem" -noout -pubkey | cmp -s - \
    "$(f=$T/l2.pub; "$OPENSSL" pkey -in "$T/l2.key" -pubout >"$f"; echo "$f")" ||
    fail "rekey: the certificate is not for the new key"
mkcsr "$T/l1.key" "/CN=someone-else" "$T/wrong.csr"
expect "simplereenroll with another subject" 400 "is not the current certificate's" 0001 \
    "$T/wrong.csr" "$EST/simplereenroll" $LD -H "Content-Type: application/pkcs10"
expect "simplereenroll with an IDevID" 403 "not a valid one of this domain" 0001 \
    "$T/re.csr" "$EST/simplereenroll" $(dev "$P" 0001) \
    -H "Content-Type: application/pkcs10"
serial=$("$OPENSSL" x509 -in "$T/ldevid.pem" -noout -serial | cut -d= -f2)
"$REGISTRAR" --database "$T/r.db" ctl revoke-cert "$serial" || fail "revoke-cert"
expect "simplereenroll with a revoked LDevID" 403 "is revoked" 0001 \
    "$T/re.csr" "$EST/simplereenroll" $LD -H "Content-Type: application/pkcs10"

# --- serverkeygen: the key made by the registrar ---
st=$(post_status "$EST/serverkeygen" "$T/c1.csr" "$T/skg" -D "$T/hdr" \
    --cacert "$P/domain-ca.pem" -u operator:s3cret-pass \
    -H "Content-Type: application/pkcs10")
[ "$st" = 200 ] || fail "serverkeygen: $st"
grep -qi '^content-type: multipart/mixed; boundary=' "$T/hdr" || fail "not multipart"
$PY - "$T/skg" "$T" <<'PYEOF'
import base64, sys, re
body = open(sys.argv[1], "rb").read().decode()
parts = [p for p in re.split(r"--est-[0-9a-f]+(?:--)?\r\n", body) if p.strip()]
assert len(parts) == 2, len(parts)
key = parts[0].split("\r\n\r\n", 1)
cert = parts[1].split("\r\n\r\n", 1)
assert "application/pkcs8" in key[0] and "certs-only" in cert[0]
open(sys.argv[2] + "/skg.key.der", "wb").write(base64.b64decode(key[1]))
open(sys.argv[2] + "/skg.p7", "wb").write(base64.b64decode(cert[1]))
PYEOF
"$OPENSSL" pkcs7 -inform DER -in "$T/skg.p7" -print_certs >"$T/skg.pem"
"$OPENSSL" pkey -inform DER -in "$T/skg.key.der" -pubout >"$T/skg.pub"
"$OPENSSL" x509 -in "$T/skg.pem" -noout -pubkey | cmp -s - "$T/skg.pub" ||
    fail "serverkeygen: key and certificate do not match"
expect_ok "serverkeygen certificate verifies" "$OPENSSL" verify -CAfile \
    "$P/domain-ca.pem" "$T/skg.pem"
ok "serverkeygen: PKCS#8 key + certificate in multipart/mixed, they match"

# --- manual approval: 202 + Retry-After, then the voucher ---
start_daemon manual "$REGISTRAR" -d --port 0 --database "$T/r3.db" $REGOPTS \
    --masa-url "$MURL" --policy manual --retry-after 7
RM=https://localhost:$PORT/.well-known/brski/requestvoucher
mk_pvr "$P" 0002 idevid-0002 "$N" "$P/registrar-tls.pem" "$T/pvr2.cms"
st=$(post_status "$RM" "$T/pvr2.cms" "$T/out" -D "$T/hdr" $(dev "$P" 0002) $CT)
[ "$st" = 202 ] && grep -qi '^retry-after: 7' "$T/hdr" || fail "pending: $st"
"$REGISTRAR" --database "$T/r3.db" ctl approve 0002 || fail "ctl approve"
st=$(post_status "$RM" "$T/pvr2.cms" "$T/out" $(dev "$P" 0002) $CT)
[ "$st" = 200 ] || fail "after approval: $st"
ok "manual policy: 202 + Retry-After: 7, approved, then 200 with the same PVR"
"$REGISTRAR" --database "$T/r3.db" ctl deny 0002
st=$(post_status "$RM" "$T/pvr2.cms" "$T/out" $(dev "$P" 0002) $CT)
[ "$st" = 403 ] || fail "denied device: $st"
ok "denied device -> 403"
stop_daemon manual
stop_daemon registrar
expect_ok "database integrity" "$REGISTRAR" --database "$T/r.db" ctl check
