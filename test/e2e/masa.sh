#!/bin/sh
# brski-masa as a real process on loopback: a registrar voucher-request
# built here (our CMS + openssl), the voucher checked with openssl cms
# and field by field; every refusal checked for its status, its log
# line and that no voucher or audit event was written; 200 concurrent
# requests from several client processes.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 0004 >/dev/null
"$CERTS" init "$T/other" >/dev/null		# another manufacturer + domain
DB=$T/masa.db
"$MASA" --database "$DB" ctl add 0001 0002 0003 ||
    fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$DB" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
URL=https://localhost:$PORT/.well-known/brski/requestvoucher
CLIENT="--cacert $P/masa-ca.pem --cert $P/registrar-ra.pem --key $P/registrar-ra.key"
CT="-H Content-Type:application/voucher-cms+json"

counts() { "$MASA" --database "$DB" ctl check | awk '{print $3 "/" $5}'; }

# --- the good case ---
N1=$(head -c 16 /dev/urandom | base64 -w0)
mk_pvr "$P" 0001 idevid-0001 "$N1" "$P/registrar-tls.pem" "$T/pvr.cms"
mk_rvr "$P" 0001 "$N1" "$T/pvr.cms" registrar-ra "$T/rvr.cms"
st=$(post_status "$URL" "$T/rvr.cms" "$T/v.cms" $CLIENT $CT -H "Accept: application/voucher-cms+json")
[ "$st" = 200 ] || { cat "$T/masa.log"; fail "good RVR: status $st"; }
expect_ok "openssl cms -verify accepts the voucher with the MASA CA" \
    "$OPENSSL" cms -verify -binary -inform DER -in "$T/v.cms" \
    -CAfile "$P/masa-ca.pem" -purpose any -no-CApath -no-CAstore -out "$T/v.json"
$PY - "$T/v.json" "$N1" "$(der_b64 "$P/domain-ca.pem")" <<'PYEOF' || fail "voucher fields"
import json, sys, base64, datetime
v = json.load(open(sys.argv[1]))["ietf-voucher:voucher"]
assert v["assertion"] == "proximity", v
assert v["serial-number"] == "0001", v
assert base64.b64decode(v["nonce"]) == base64.b64decode(sys.argv[2]), "nonce"
assert v["pinned-domain-cert"] == sys.argv[3], "pinned-domain-cert is not the domain CA"
assert base64.b64decode(v["idevid-issuer"])[:6] == b"\x04\x18\x30\x16\x80\x14", "idevid-issuer is not the AKI extnValue"
assert v["domain-cert-revocation-checks"] is False
c = datetime.datetime.strptime(v["created-on"], "%Y-%m-%dT%H:%M:%SZ")
assert abs((datetime.datetime.utcnow() - c).total_seconds()) < 120, "created-on"
assert "expires-on" not in v
PYEOF
ok "voucher fields: proximity, serial, nonce, pinned domain CA, idevid-issuer"
[ "$(counts)" = "1/1" ] || fail "one voucher and one audit event expected, got $(counts)"

# refuse TEST STATUS LOGTEXT FILE [curl options]: status, log line, nothing stored
refuse() {
	name=$1 want=$2 logtext=$3 file=$4; shift 4
	before=$(counts)
	st=$(post_status "${RURL:-$URL}" "$file" "$T/out" "$@")
	[ "$st" = "$want" ] || { cat "$T/out"; fail "$name: status $st, want $want"; }
	grep -q -- "$logtext" "$T/masa.log" || fail "$name: no log line with '$logtext'"
	[ "$(counts)" = "$before" ] || fail "$name: something was stored"
	ok "$name -> $st ($(head -c 100 "$T/out" | tr '\n' ' '))"
}

refuse "unsigned JSON body" 400 "voucher-request: CMS" "$T/rvr.cms.json" $CLIENT $CT
cp "$T/rvr.cms" "$T/tampered.cms"
$PY - "$T/tampered.cms" <<'PYEOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'"serial-number":"0001"')
d[i + 20] ^= 1
open(sys.argv[1], 'wb').write(d)
PYEOF
refuse "tampered content (bad signature)" 403 "Signature" "$T/tampered.cms" $CLIENT $CT
mk_rvr "$P" 0001 "$N1" "$T/pvr.cms" registrar-tls "$T/nora.cms"
refuse "signer without id-kp-cmcRA" 403 "lacks id-kp-cmcRA" "$T/nora.cms" \
    --cacert "$P/masa-ca.pem" --cert "$P/registrar-tls.pem" --key "$P/registrar-tls.key" $CT
mk_pvr "$T/other" 0001 idevid-0001 "$N1" "$P/registrar-tls.pem" "$T/pvr-other.cms"
mk_rvr "$P" 0001 "$N1" "$T/pvr-other.cms" registrar-ra "$T/rvr-other.cms"
refuse "PVR by another manufacturer's IDevID" 403 "not signed by an IDevID of this manufacturer" \
    "$T/rvr-other.cms" $CLIENT $CT
mk_pvr "$P" 0002 idevid-0002 "$N1" "$P/registrar-tls.pem" "$T/pvr2.cms"
mk_rvr "$P" 0001 "$N1" "$T/pvr2.cms" registrar-ra "$T/rvr-serial.cms"
refuse "serial-number differs between RVR and PVR" 403 "is not the IDevID's" \
    "$T/rvr-serial.cms" $CLIENT $CT
N2=$(head -c 16 /dev/urandom | base64 -w0)
mk_rvr "$P" 0001 "$N2" "$T/pvr.cms" registrar-ra "$T/rvr-nonce.cms"
refuse "nonce differs between RVR and PVR" 403 "nonce in the registrar" \
    "$T/rvr-nonce.cms" $CLIENT $CT
mk_pvr "$P" 0004 idevid-0004 "$N1" "$P/registrar-tls.pem" "$T/pvr4.cms"
mk_rvr "$P" 0004 "$N1" "$T/pvr4.cms" registrar-ra "$T/rvr4.cms"
refuse "device unknown to the MASA" 404 "not known to this MASA" "$T/rvr4.cms" $CLIENT $CT
# 0002 first claimed by the other domain, then asked for by ours
mk_pvr "$P" 0002 idevid-0002 "$N1" "$T/other/registrar-tls.pem" "$T/pvr2o.cms"
cat "$T/other/registrar-ra-chain.pem" "$T/other/registrar-tls.pem" >"$T/obag.pem"
printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"0002","prior-signed-voucher-request":"%s"}}' \
    "$N1" "$(base64 -w0 "$T/pvr2o.cms")" >"$T/rvr2o.json"
"$TOOL" cms-sign "$T/rvr2o.json" "$T/other/registrar-ra.pem" "$T/other/registrar-ra.key" \
    "$T/rvr2o.cms" "$T/obag.pem" >/dev/null
st=$(post_status "$URL" "$T/rvr2o.cms" "$T/out" --cacert "$P/masa-ca.pem" \
    --cert "$T/other/registrar-ra.pem" --key "$T/other/registrar-ra.key" $CT)
[ "$st" = 200 ] || fail "first claim by the other domain: $st"
mk_pvr "$P" 0002 idevid-0002 "$N1" "$P/registrar-tls.pem" "$T/pvr2b.cms"
mk_rvr "$P" 0002 "$N1" "$T/pvr2b.cms" registrar-ra "$T/rvr2b.cms"
refuse "device owned by another domain" 403 "belongs to another domain" "$T/rvr2b.cms" $CLIENT $CT
mk_rvr "$P" 0001 "$N1" "$T/pvr.cms" registrar-ra "$T/dup.cms" ',"serial-number":"0001"'
refuse "duplicate JSON keys" 400 "duplicate" "$T/dup.cms" $CLIENT $CT
refuse "wrong Content-Type" 415 "Content-Type" "$T/rvr.cms" $CLIENT -H "Content-Type: application/json"
refuse "Accept without voucher-cms+json" 406 "Accept" "$T/rvr.cms" $CLIENT $CT -H "Accept: application/voucher+cose"
head -c 70000 /dev/urandom >"$T/big"
refuse "oversized body" 413 "-> 413" "$T/big" $CLIENT $CT
refuse "no TLS client certificate" 403 "no TLS client" "$T/rvr.cms" --cacert "$P/masa-ca.pem" $CT
refuse "TLS client of another domain" 403 "TLS client certificate is not of the domain" \
    "$T/rvr.cms" --cacert "$P/masa-ca.pem" --cert "$T/other/registrar-ra.pem" \
    --key "$T/other/registrar-ra.key" $CT

# --- audit log (RFC 8995 5.8.1) ---
st=$(post_status "https://localhost:$PORT/.well-known/brski/requestauditlog" \
    "$T/rvr.cms" "$T/audit.json" $CLIENT $CT)
[ "$st" = 200 ] || fail "audit log: $st"
$PY - "$T/audit.json" "$N1" <<'PYEOF' || fail "audit log content"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["version"] == 1
ev = a["events"]
assert len(ev) == 1 and ev[0]["assertion"] == "proximity" and ev[0]["nonce"] == sys.argv[2], ev
assert set(ev[0]) >= {"date", "domainID", "nonce", "assertion"}
assert a["truncation"]["nonced duplicates"] == 0
PYEOF
ok "audit log lists the voucher (date, domainID, nonce, assertion)"
RURL=https://localhost:$PORT/.well-known/brski/requestauditlog \
    refuse "audit log of a device the domain never owned" 404 "never owned" \
    "$T/rvr2b.cms" $CLIENT $CT

# --- 200 concurrent requests from 8 client processes ---
before=$(counts)
seq 1 200 | xargs -P 8 -I{} sh -c "curl -sS -o /dev/null -w '%{http_code}\n' \
    --max-time 60 $CLIENT $CT --data-binary @$T/rvr.cms $URL" >"$T/conc.txt" 2>&1
good=$(grep -c '^200$' "$T/conc.txt" || true)
[ "$good" = 200 ] || { sort "$T/conc.txt" | uniq -c; grep -i "refused\|error" "$T/masa.log" | tail -5; fail "concurrency: $good/200 succeeded"; }
v0=${before%/*}
[ "$(counts)" = "$((v0 + 200))/$((v0 + 200))" ] || fail "after 200 more: $(counts)"
ok "200 concurrent vouchers, audit events = vouchers ($(counts))"
stop_daemon masa
expect_ok "database integrity after SIGTERM" "$MASA" --database "$DB" ctl check
