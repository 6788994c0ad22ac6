#!/bin/sh
# EST channel binding (RFC 7030 3.5, RFC 9266) and rekey, with a real
# MASA, registrar and pledges on loopback:
#  - require-channel-binding on: csrattrs asks for challengePassword;
#    pledges enroll over TLS 1.3 (tls-exporter) and TLS 1.2 (tls-unique);
#    a CSR without the binding, with a plain password, or with the
#    binding of an earlier TLS session is refused (403 + log line), over
#    both TLS versions;
#  - the same registrar database with the option off accepts those very
#    CSRs, so the check is what refused them;
#  - reenroll: a new key by default (old generation kept intact, the
#    registrar records the renewal), --rekey no keeps the key; against a
#    registrar that answers with a certificate for another key or from
#    another CA the pledge refuses and its state is unchanged.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
[ -x "$PY" ] || skip "Debian's python3 is needed for the hostile registrar"
HTTPC="$top_builddir/test/unit/httpc_tool"
EVIL="$top_srcdir/test/e2e/evil_reenroll.py"

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
printf 'est-pw-1\n' >"$T/est.pw"
chmod 600 "$T/est.pw"
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem --masa-url $MURL
 --est-user op --est-password-file $T/est.pw"
CPORT=$(free_udp_port)
start_daemon reg "$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS \
    --require-channel-binding yes --coaps-port "$CPORT" --coaps-listen 127.0.0.1
RPORT=$PORT
RURL=https://localhost:$RPORT
EST=$RURL/.well-known/est

pledge() {	# pledge SERIAL STATE [options...]
	s=$1 st=$2; shift 2
	"$PLEDGE" -d --registrar "$RURL" --idevid-cert "$P/idevid-$s-chain.pem" \
	    --idevid-key "$P/idevid-$s.key" --masa-ca "$P/masa-ca.pem" \
	    --timeout 10 --state-dir "$st" "$@"
}
reglog() {	# reglog REGEX: the registrar logged it since the mark
	tail -n +"$MARK" "$T/reg.log" | grep -Eq "$1"
}
mark() { MARK=$(($(wc -l <"$T/reg.log") + 1)); }

# --- csrattrs advertises the challengePassword OID ---
curl -sS --max-time 10 --cacert "$P/domain-ca.pem" -o "$T/attrs.b64" "$EST/csrattrs" ||
    fail "GET csrattrs"
base64 -d "$T/attrs.b64" >"$T/attrs.der" || fail "csrattrs is not base64"
"$OPENSSL" asn1parse -inform DER -in "$T/attrs.der" | grep -q ":challengePassword" ||
    fail "csrattrs lacks challengePassword with require-channel-binding on"
ok "csrattrs names challengePassword (1.2.840.113549.1.9.7)"

# --- pledges enroll with the binding in their CSR, TLS 1.3 and 1.2 ---
mark
expect_ok "pledge enrolls over TLS 1.3 with require-channel-binding" \
    pledge 0001 "$T/s1" --tls-version 1.3
grep -q "CSR bound to this TLS session (TLSv1.3, tls-exporter)" "$T/last.out" ||
    { cat "$T/last.out"; fail "the TLS 1.3 CSR was not bound with tls-exporter"; }
expect_ok "pledge enrolls over TLS 1.2 with require-channel-binding" \
    pledge 0002 "$T/s2" --tls-version 1.2
grep -q "CSR bound to this TLS session (TLSv1.2, tls-unique)" "$T/last.out" ||
    { cat "$T/last.out"; fail "the TLS 1.2 CSR was not bound with tls-unique"; }
reglog "refused" && fail "the registrar refused something on the good runs"
for s in 1 2; do
	"$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/s$s/current/ldevid.pem" \
	    >/dev/null || fail "LDevID $s does not verify"
done
ok "both LDevIDs verify against the domain CA"

# --- CSRs that must be refused ---
"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/op.key"
chmod 600 "$T/op.key"
"$OPENSSL" req -new -key "$T/op.key" -subj "/CN=op-device" -outform DER \
    -out "$T/plain.der"
base64 "$T/plain.der" >"$T/plain.b64"
"$TOOL" csr-make "$T/op.key" op-device "" "$T/pw.der" "just-a-password" ||
    fail "csr-make"
base64 "$T/pw.der" >"$T/pw.b64"
# the binding of an earlier session, as an eavesdropper or relay holds it
b64hex() { $PY -c 'import base64,sys; print(base64.b64encode(bytes.fromhex(sys.argv[1])).decode())' "$1"; }
"$HTTPC" --cacert "$P/domain-ca.pem" --exporter EXPORTER-Channel-Binding:32 \
    "$EST/cacerts" >"$T/h13.out" 2>&1 || { cat "$T/h13.out"; fail "httpc_tool 1.3"; }
x13=$(sed -n 's/^exporter: //p' "$T/h13.out")
[ ${#x13} = 64 ] || fail "no 32-byte exporter from the earlier session: '$x13'"
"$TOOL" csr-make "$T/op.key" op-device "" "$T/old13.der" "$(b64hex "$x13")" ||
    fail "csr-make"
base64 "$T/old13.der" >"$T/old13.b64"
"$HTTPC" --cacert "$P/domain-ca.pem" --tls1_2 --tls-unique "$EST/cacerts" \
    >"$T/h12.out" 2>&1 || { cat "$T/h12.out"; fail "httpc_tool 1.2"; }
u12=$(sed -n 's/^tls-unique: //p' "$T/h12.out")
[ ${#u12} = 24 ] || fail "no 12-byte tls-unique from the earlier session: '$u12'"
"$TOOL" csr-make "$T/op.key" op-device "" "$T/old12.der" "$(b64hex "$u12")" ||
    fail "csr-make"
base64 "$T/old12.der" >"$T/old12.b64"
"$OPENSSL" req -inform DER -in "$T/old13.der" -noout -text |
    grep -q "challengePassword *:$(b64hex "$x13")" ||
    fail "openssl does not see the binding as challengePassword"
ok "openssl req -text shows the binding in our CSR's challengePassword"

enroll_status() {	# enroll_status CSR.b64 [curl options]: print the status
	f=$1; shift
	post_status "$EST/simpleenroll" "$f" "$T/enr.out" --cacert "$P/domain-ca.pem" \
	    -u op:est-pw-1 -H "Content-Type: application/pkcs10" "$@"
}
refused_csr() {	# refused_csr DESC CSR.b64 LOG-REGEX [curl options]
	desc=$1 f=$2 why=$3; shift 3
	mark
	st=$(enroll_status "$f" "$@")
	[ "$st" = 403 ] || { cat "$T/enr.out"; fail "$desc: HTTP $st, want 403"; }
	i=0
	until reglog "simpleenroll from .* refused \(403\): require-channel-binding: .*$why"; do
		[ $i -lt 20 ] || { cat "$T/reg.log"; fail "$desc: no log line '$why'"; }
		sleep 0.1
		i=$((i + 1))
	done
	ok "$desc -> 403, logged"
}
refused_csr "CSR from openssl req without a binding (TLS 1.3)" "$T/plain.b64" \
    "the CSR has no challengePassword" --tlsv1.3
refused_csr "CSR without a binding (TLS 1.2)" "$T/plain.b64" \
    "the CSR has no challengePassword" --tlsv1.2 --tls-max 1.2
refused_csr "CSR with a plain challengePassword" "$T/pw.b64" \
    "not this TLS session's tls-exporter binding"
refused_csr "CSR bound to an earlier TLS 1.3 session (replay)" "$T/old13.b64" \
    "not this TLS session's tls-exporter binding" --tlsv1.3
refused_csr "CSR bound to an earlier TLS 1.2 session (replay)" "$T/old12.b64" \
    "not this TLS session's tls-unique binding" --tlsv1.2 --tls-max 1.2
refused_csr "TLS 1.3 binding replayed over TLS 1.2" "$T/old13.b64" \
    "not this TLS session's tls-unique binding" --tlsv1.2 --tls-max 1.2

# --- rekey: reenroll over the bound channel, a new key, a new generation ---
S=$T/s1
gen0=$(readlink "$S/current")
(cd "$S/$gen0" && sha256sum -- *) >"$T/gen0.sum"
"$OPENSSL" pkey -in "$S/current/ldevid.key" -pubout >"$T/pub0"
mark
expect_ok "reenroll (rekey by default) with require-channel-binding" \
    "$PLEDGE" -d --registrar "$RURL" --state-dir "$S" --tls-version 1.3 reenroll
grep -q "new P-256 key made on the device" "$T/last.out" || fail "no new key made"
grep -q "CSR bound to this TLS session (TLSv1.3, tls-exporter)" "$T/last.out" ||
    fail "the reenroll CSR was not bound"
gen1=$(readlink "$S/current")
[ "$gen1" != "$gen0" ] || fail "current still points to $gen0"
(cd "$S/$gen0" && sha256sum -c --quiet "$T/gen0.sum") ||
    fail "the old generation $gen0 changed"
"$OPENSSL" pkey -in "$S/current/ldevid.key" -pubout >"$T/pub1"
cmp -s "$T/pub0" "$T/pub1" && fail "rekey kept the old key"
"$OPENSSL" x509 -in "$S/current/ldevid.pem" -noout -pubkey | cmp -s - "$T/pub1" ||
    fail "the new LDevID is not for the new key"
"$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$S/current/ldevid.pem" >/dev/null ||
    fail "renewed LDevID does not verify"
reglog "simplereenroll: issued a certificate" || fail "registrar logged no reenrollment"
"$REGISTRAR" --database "$T/r.db" ctl list | grep -q "^0001 .*certs:2" ||
    { "$REGISTRAR" --database "$T/r.db" ctl list; fail "registrar records"; }
ok "new key, new generation $gen1, old one $gen0 intact, registrar has 2 certs for 0001"

serial1=$("$OPENSSL" x509 -in "$S/current/ldevid.pem" -noout -serial)
expect_ok "reenroll over TLS 1.2 with --rekey no" \
    "$PLEDGE" -d --registrar "$RURL" --state-dir "$S" --tls-version 1.2 \
    --rekey no reenroll
grep -q "CSR bound to this TLS session (TLSv1.2, tls-unique)" "$T/last.out" ||
    fail "the TLS 1.2 reenroll CSR was not bound"
"$OPENSSL" pkey -in "$S/current/ldevid.key" -pubout | cmp -s - "$T/pub1" ||
    fail "--rekey no changed the key"
[ "$(readlink "$S/current")" != "$gen1" ] || fail "--rekey no wrote no generation"
[ "$("$OPENSSL" x509 -in "$S/current/ldevid.pem" -noout -serial)" != "$serial1" ] ||
    fail "--rekey no kept the old certificate"
"$REGISTRAR" --database "$T/r.db" ctl list | grep -q "^0001 .*certs:3" ||
    fail "registrar did not record the renewal with the same key"
ok "--rekey no: same key, new certificate, registrar has 3 certs"

# --- EST-coaps has no TLS channel binding: refused while required ---
set +e
timeout 60 "$PLEDGE" -d --registrar "coaps://127.0.0.1:$CPORT" \
    --idevid-cert "$P/idevid-0004-chain.pem" --idevid-key "$P/idevid-0004.key" \
    --masa-ca "$P/masa-signer.pem" --timeout 10 --state-dir "$T/s4" \
    >"$T/p4.out" 2>"$T/p4.log"
got=$?
set -e
[ "$got" = 5 ] && grep -q "require-channel-binding: this transport gives no TLS channel binding" \
    "$T/p4.log" || { cat "$T/p4.log"; fail "EST-coaps with require-channel-binding: exit $got"; }
[ ! -e "$T/s4/current" ] || fail "a refused EST-coaps enrollment left state"
ok "EST-coaps enrollment refused while require-channel-binding is on (exit 5)"

# --- hostile reenroll answers: refused, state unchanged ---
snapshot() {
	(cd "$S" && readlink current && find . -type f | sort | xargs sha256sum)
}
BEFORE=$(snapshot)
"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/x.key"
"$OPENSSL" req -new -key "$T/x.key" -subj "/CN=0001/serialNumber=0001" -out "$T/x.csr"
"$OPENSSL" x509 -req -in "$T/x.csr" -CA "$P/domain-ca.pem" -CAkey "$P/domain-ca.key" \
    -days 30 -set_serial 777 -out "$T/x.pem" 2>/dev/null || fail "openssl x509 -req"
evil_refused() {	# evil_refused NAME MODE REASON-REGEX
	ename=$1 mode=$2 why=$3
	start_daemon "ev$mode" env EVIL_CACERTS="${EVIL_CACERTS:-$P/domain-ca.pem}" \
	    EVIL_CERT="$T/x.pem" EVIL_CA="$T/other/domain-ca.pem" \
	    EVIL_CA_KEY="$T/other/domain-ca.key" \
	    "$EVIL" "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" "$mode"
	set +e
	"$PLEDGE" -d --registrar "https://localhost:$PORT" --state-dir "$S" \
	    --timeout 10 reenroll >"$T/p.out" 2>"$T/p.log"
	got=$?
	set -e
	[ "$got" = 5 ] || { cat "$T/p.log"; fail "$ename: exit $got, want 5"; }
	grep -Eq "$why" "$T/p.log" || { cat "$T/p.log"; fail "$ename: no '$why'"; }
	grep -q "POST /.well-known/est/simplereenroll" "$T/ev$mode.log" ||
	    fail "$ename: the pledge never reached simplereenroll"
	[ "$(snapshot)" = "$BEFORE" ] || fail "$ename: the state directory changed"
	ok "$ename -> exit 5, state unchanged ($(grep 'failed:' "$T/p.log" | sed 's/.*failed: //' | cut -c1-90))"
}
evil_refused "reenroll answered with a certificate for another key" otherkey \
    "no certificate for our key"
EVIL_CACERTS=$T/other/domain-ca.pem evil_refused \
    "reenroll answered with a certificate from a foreign CA" foreign \
    "does not chain to the stored domain anchors"

# --- the option off: the same CSRs are accepted, so the check refused them ---
stop_daemon reg
start_daemon reg2 "$REGISTRAR" -d --port "$RPORT" --database "$T/r.db" $REGOPTS
curl -sS --max-time 10 --cacert "$P/domain-ca.pem" "$EST/csrattrs" | base64 -d |
    "$OPENSSL" asn1parse -inform DER | grep -q ":challengePassword" &&
    fail "csrattrs asks for challengePassword with the option off"
for f in plain old13 old12; do
	st=$(enroll_status "$T/$f.b64")
	[ "$st" = 200 ] || { cat "$T/enr.out"; fail "option off: $f.b64 got $st"; }
done
st=$(enroll_status "$T/old12.b64" --tlsv1.2 --tls-max 1.2)
[ "$st" = 200 ] || fail "option off: old12.b64 over TLS 1.2 got $st"
ok "option off: csrattrs without challengePassword, the refused CSRs enroll (200)"
expect_ok "option off: pledge enrolls (its CSR carries no binding)" \
    pledge 0003 "$T/s3"
grep -q "CSR bound" "$T/last.out" && fail "pledge bound its CSR though not asked"
stop_daemon reg2
stop_daemon masa
