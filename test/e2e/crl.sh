#!/bin/sh
# Certificate lifecycle at the registrar, with real processes: two
# pledges enroll through a real MASA, "ctl certs" lists their LDevIDs,
# one is revoked, and the CRL the registrar serves at /crl (and writes to
# crl-file) is checked by openssl: signature by the domain CA, the
# serial with its reason, cRLNumber growing, "openssl verify -crl_check"
# refusing the revoked LDevID and accepting the other.  A reenrollment
# with the revoked LDevID is refused (403, log line).  Operator mistakes
# (unknown serial, second revocation, bad reason, not hex) fail clearly
# and change nothing; a version-1 database is migrated.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
[ -x "$PY" ] || skip "Debian's python3 is needed (sqlite3 module)"

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 >/dev/null
"$MASA" --database "$T/m.db" ctl add 0001 0002 || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://localhost:$PORT
BASEOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem --masa-url $MURL"
REGOPTS="$BASEOPTS --crl-file $T/published.crl --crl-validity 24
 --crl-url http://crl.example.net/domain.crl"
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS
R=https://localhost:$PORT
CTL="$REGISTRAR --database $T/r.db ctl"

pledge() {	# pledge SERIAL STATE-DIR [command]
	"$PLEDGE" -d --registrar "$R" --idevid-cert "$P/idevid-$1-chain.pem" \
	    --idevid-key "$P/idevid-$1.key" --masa-ca "$P/masa-ca.pem" \
	    --timeout 10 --state-dir "$2" ${3:-}
}
serial_of() { "$OPENSSL" x509 -in "$1" -noout -serial | cut -d= -f2; }
# fetch_crl OUT: GET /crl, check the media type, and keep it as PEM too
fetch_crl() {
	curl -sS --max-time 10 --cacert "$P/domain-ca.pem" -D "$T/crl.hdr" \
	    -o "$1.der" "$R/crl" || fail "GET /crl"
	grep -qi '^content-type: application/pkix-crl' "$T/crl.hdr" ||
	    { cat "$T/crl.hdr"; fail "GET /crl: not application/pkix-crl"; }
	"$OPENSSL" crl -inform DER -in "$1.der" -out "$1.pem" ||
	    fail "openssl cannot read the CRL"
}
# crl_number FILE.der: the cRLNumber as a decimal number
crl_number() {
	n=$("$OPENSSL" crl -inform DER -in "$1" -noout -crlnumber | sed "s/.*=//; s/^0x//")
	echo $((0x$n))
}

# --- two enrollments; the LDevIDs name the CRL distribution point ---
expect_ok "pledge 0001 enrolls" pledge 0001 "$T/s1"
expect_ok "pledge 0002 enrolls" pledge 0002 "$T/s2"
L1=$T/s1/current/ldevid.pem
L2=$T/s2/current/ldevid.pem
S1=$(serial_of "$L1")
S2=$(serial_of "$L2")
"$OPENSSL" x509 -in "$L1" -noout -ext crlDistributionPoints |
    grep -q "URI:http://crl.example.net/domain.crl" ||
    fail "the LDevID lacks the crl-url distribution point"
ok "LDevID carries CRL Distribution Points URI:http://crl.example.net/domain.crl"
$CTL certs >"$T/certs"
grep -q "^$S1 valid .* 0001 .*serialNumber=0001" "$T/certs" &&
    grep -q "^$S2 valid .* 0002 " "$T/certs" ||
    { cat "$T/certs"; fail "ctl certs does not list both LDevIDs as valid"; }
ok "ctl certs lists both LDevIDs: serial, valid, not-after, device, subject"

# --- the first CRL: signed by the domain CA, nothing revoked ---
fetch_crl "$T/c0"
"$OPENSSL" crl -inform DER -in "$T/c0.der" -CAfile "$P/domain-ca.pem" -noout \
    2>&1 | grep -q "verify OK" || fail "CRL 0 signature"
"$OPENSSL" crl -inform DER -in "$T/c0.der" -noout -text >"$T/c0.txt"
grep -q "No Revoked Certificates" "$T/c0.txt" || fail "CRL 0 lists something"
grep -q "Version 2" "$T/c0.txt" || fail "CRL 0 is not v2"
grep -q "Signature Algorithm: ecdsa-with-SHA256" "$T/c0.txt" || fail "CRL 0 alg"
ski=$("$OPENSSL" x509 -in "$P/domain-ca.pem" -noout -ext subjectKeyIdentifier |
    tail -1 | tr -d ' ')
grep -A1 "Authority Key Identifier" "$T/c0.txt" | tail -1 | tr -d ' ' |
    grep -q "$ski" || fail "CRL AKI is not the CA's SKI $ski"
[ "$("$OPENSSL" crl -inform DER -in "$T/c0.der" -noout -issuer)" = \
  "issuer=$("$OPENSSL" x509 -in "$P/domain-ca.pem" -noout -subject | cut -d= -f2-)" ] ||
    fail "CRL issuer is not the CA subject"
N0=$(crl_number "$T/c0.der")
ok "CRL $N0: v2, ecdsa-with-SHA256, issuer and AKI of the domain CA, verify OK, empty"
expect_ok "openssl verify -crl_check accepts LDevID 0001 before revocation" \
    "$OPENSSL" verify -crl_check -CRLfile "$T/c0.pem" -CAfile "$P/domain-ca.pem" "$L1"

# --- operator mistakes: clear error, non-zero exit, nothing changes ---
bad() {	# bad NAME EXIT REGEX ctl-args...
	name=$1 want=$2 why=$3; shift 3
	set +e
	$CTL "$@" >"$T/ctl.out" 2>&1
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/ctl.out"; fail "$name: exit $got, want $want"; }
	grep -Eq "$why" "$T/ctl.out" || { cat "$T/ctl.out"; fail "$name: no '$why'"; }
	ok "$name -> exit $got ($(tail -1 "$T/ctl.out"))"
}
bad "revoke-cert of an unknown serial" 1 "no certificate with serial 0BADC0DE" \
    revoke-cert 0BADC0DE --reason keyCompromise
bad "revoke-cert with an unknown reason" 2 "not one of: unspecified, keyCompromise" \
    revoke-cert "$S1" --reason lostIt
bad "revoke-cert with a reason meant for holds" 2 "is not one of" \
    revoke-cert "$S1" --reason certificateHold
bad "revoke-cert of a serial that is not hex" 2 "not hexadecimal" \
    revoke-cert "'; DROP TABLE certificates; --"
bad "revoke-cert without a serial" 2 "usage: revoke-cert" \
    revoke-cert --reason keyCompromise
$CTL certs | grep -q "^$S1 valid " || fail "a refused revoke-cert changed $S1"

# --- revoke 0001 (lower-case, with colons: as openssl -text prints it) ---
lc=$(echo "$S1" | tr 'A-F' 'a-f' | sed 's/../&:/g; s/:$//')
$CTL revoke-cert "$lc" --reason keyCompromise >"$T/ctl.out" ||
    { cat "$T/ctl.out"; fail "revoke-cert"; }
grep -q "revoked $S1 (keyCompromise)" "$T/ctl.out" || fail "revoke-cert output"
$CTL certs | grep -q "^$S1 revoked:keyCompromise .* 0001 " ||
    { $CTL certs; fail "ctl certs does not show $S1 revoked"; }
$CTL certs | grep -q "^$S2 valid " || fail "$S2 changed"
ok "revoke-cert $lc --reason keyCompromise; ctl certs: revoked:keyCompromise"
bad "revoking $S1 twice" 1 "revoked before.*nothing changed" \
    revoke-cert "$S1" --reason superseded
$CTL certs | grep -q "^$S1 revoked:keyCompromise " ||
    fail "the second revoke-cert changed the reason"

# --- the new CRL: served at once (the store's revision changed) ---
fetch_crl "$T/c1"
"$OPENSSL" crl -inform DER -in "$T/c1.der" -CAfile "$P/domain-ca.pem" -noout \
    -text >"$T/c1.txt" 2>&1
grep -q "verify OK" "$T/c1.txt" || { cat "$T/c1.txt"; fail "CRL 1 signature"; }
grep -q "Serial Number: $S1" "$T/c1.txt" || { cat "$T/c1.txt"; fail "CRL 1 lacks $S1"; }
grep -A4 "Serial Number: $S1" "$T/c1.txt" | grep -q "Key Compromise" ||
    fail "CRL 1: no reason Key Compromise for $S1"
grep -q "Serial Number: $S2" "$T/c1.txt" && fail "CRL 1 lists $S2"
N1=$(crl_number "$T/c1.der")
[ "$N1" -gt "$N0" ] || fail "cRLNumber did not grow: $N0 -> $N1"
ok "CRL $N1 (> $N0): verify OK, $S1 with reason Key Compromise, $S2 absent"
"$OPENSSL" verify -crl_check -CRLfile "$T/c1.pem" -CAfile "$P/domain-ca.pem" \
    "$L1" >"$T/v.out" 2>&1 && fail "openssl verify -crl_check accepts the revoked LDevID"
grep -q "certificate revoked" "$T/v.out" || { cat "$T/v.out"; fail "not 'certificate revoked'"; }
ok "openssl verify -crl_check refuses LDevID 0001: $(grep -o 'certificate revoked' "$T/v.out")"
expect_ok "openssl verify -crl_check accepts LDevID 0002" \
    "$OPENSSL" verify -crl_check -CRLfile "$T/c1.pem" -CAfile "$P/domain-ca.pem" "$L2"
# a refused second revocation made no new CRL content
fetch_crl "$T/c1b"
grep -c "Serial Number:" "$T/c1.txt" >"$T/n1"
"$OPENSSL" crl -inform DER -in "$T/c1b.der" -noout -text | grep -c "Serial Number:" |
    cmp -s - "$T/n1" || fail "CRL entries changed without a revocation"
[ "$(crl_number "$T/c1b.der")" = "$N1" ] || fail "a fetch without a change made a new CRL"
ok "fetching again without a revocation serves the same CRL (number $N1)"

# --- crl-file: the daemon writes each new CRL there (bounded wait) ---
i=0
until "$OPENSSL" crl -inform DER -in "$T/published.crl" -noout -text 2>/dev/null |
    grep -q "Serial Number: $S1"; do
	[ $i -lt 50 ] || fail "crl-file was not rewritten within 10 s"
	sleep 0.2
	i=$((i + 1))
done
"$OPENSSL" crl -inform DER -in "$T/published.crl" -CAfile "$P/domain-ca.pem" \
    -noout 2>&1 | grep -q "verify OK" || fail "crl-file signature"
ok "crl-file $T/published.crl rewritten with $S1 (verify OK)"

# --- reenrollment with the revoked LDevID: 403, log line says revoked ---
"$OPENSSL" req -new -key "$T/s1/current/ldevid.key" -subj "/CN=0001" \
    -outform DER -out "$T/re.der" 2>/dev/null
base64 -w0 "$T/re.der" >"$T/re.b64"
st=$(curl -sS --max-time 10 -o "$T/re.out" -w '%{http_code}' --cacert "$P/domain-ca.pem" \
    --cert "$L1" --key "$T/s1/current/ldevid.key" -H "Content-Type: application/pkcs10" \
    --data-binary @"$T/re.b64" "$R/.well-known/est/simplereenroll")
[ "$st" = 403 ] || { cat "$T/re.out"; fail "simplereenroll with the revoked LDevID: $st"; }
grep -q "simplereenroll .*refused (403): certificate $S1 is revoked" "$T/registrar.log" ||
    fail "no log line saying $S1 is revoked"
ok "simplereenroll with the revoked LDevID -> 403 ($(cat "$T/re.out"))"
before=$(cd "$T/s1" && readlink current)
set +e
pledge 0001 "$T/s1" reenroll >"$T/p.out" 2>"$T/p.log"
rc=$?
set -e
[ "$rc" != 0 ] || fail "pledge reenroll with a revoked LDevID succeeded"
grep -q "refused: 403 certificate $S1 is revoked" "$T/p.log" ||
    { cat "$T/p.log"; fail "the pledge does not say why"; }
[ "$(cd "$T/s1" && readlink current)" = "$before" ] || fail "refused reenroll changed the state"
ok "pledge reenroll with the revoked LDevID -> exit $rc, state kept"
expect_ok "pledge 0002 (not revoked) reenrolls" pledge 0002 "$T/s2" reenroll

# --- nobody fetches: the daemon notices the revocation by itself ---
$CTL revoke-cert "$S2" --reason superseded >/dev/null || fail "revoke-cert $S2"
i=0
until "$OPENSSL" crl -inform DER -in "$T/published.crl" -noout -text 2>/dev/null |
    grep -A4 "Serial Number: $S2" | grep -q "Superseded"; do
	[ $i -lt 50 ] || fail "crl-file did not get $S2 within 10 s without a fetch"
	sleep 0.2
	i=$((i + 1))
done
ok "without a fetch, crl-file gets $S2 (Superseded) after $((i / 5)) s"

# --- a device the operator revoked renews nothing, with a valid LDevID ---
$CTL certs | grep -q "^$(serial_of "$L2") valid " || fail "renewed LDevID 0002 not valid"
$CTL revoke 0002 || fail "ctl revoke 0002"
set +e
pledge 0002 "$T/s2" reenroll >"$T/p.out" 2>"$T/p.log"
rc=$?
set -e
[ "$rc" != 0 ] || fail "reenroll of a revoked device succeeded"
grep -q "refused: 403 device 0002 is revoked" "$T/p.log" ||
    { cat "$T/p.log"; fail "reenroll of a revoked device: no reason"; }
grep -q "simplereenroll .*refused (403): device 0002 is revoked" "$T/registrar.log" ||
    fail "no log line for the revoked device"
ok "reenroll of revoked device 0002 with its valid LDevID -> 403, exit $rc"

# --- a restart keeps counting cRLNumbers (they are in the database) ---
stop_daemon registrar
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS
R=https://localhost:$PORT
fetch_crl "$T/c2"
N2=$(crl_number "$T/c2.der")
[ "$N2" -gt "$N1" ] || fail "cRLNumber after restart: $N1 -> $N2"
"$OPENSSL" crl -inform DER -in "$T/c2.der" -noout -text | grep -q "Serial Number: $S1" ||
    fail "CRL after restart lacks $S1"
ok "after a restart: CRL $N2 (> $N1) still lists $S1"

# --- a version-1 database (revoked_at, no reason) is migrated ---
$PY - "$T/v1.db" <<'PYEOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("""
CREATE TABLE devices (serial TEXT PRIMARY KEY NOT NULL, state TEXT NOT NULL,
  idevid_sha256 TEXT, idevid BLOB, first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL, voucher_ok INTEGER NOT NULL DEFAULT 0,
  voucher_at INTEGER, pvr BLOB, rvr BLOB, voucher BLOB);
CREATE TABLE certificates (serial TEXT PRIMARY KEY NOT NULL, device TEXT,
  subject TEXT NOT NULL, not_before INTEGER NOT NULL,
  not_after INTEGER NOT NULL, issued_at INTEGER NOT NULL, revoked_at INTEGER,
  der BLOB NOT NULL);
CREATE INDEX certificates_device ON certificates(device);
CREATE TABLE reports (id INTEGER PRIMARY KEY, device TEXT, kind TEXT NOT NULL,
  status INTEGER NOT NULL, reason TEXT, context TEXT,
  client_matched INTEGER NOT NULL, peer TEXT, at INTEGER NOT NULL);
INSERT INTO certificates VALUES ('4A01', 'old', 'CN=old', 1700000000,
  4000000000, 1700000000, 1700000100, x'30');
INSERT INTO certificates VALUES ('4A02', 'old2', 'CN=old2', 1700000000,
  1700000500, 1700000000, NULL, x'30');
PRAGMA user_version = 1;
""")
db.commit()
PYEOF
"$REGISTRAR" --database "$T/v1.db" ctl certs >"$T/v1.out" || fail "ctl certs on a v1 database"
grep -q "^4A01 revoked:unspecified " "$T/v1.out" && grep -q "^4A02 expired " "$T/v1.out" ||
    { cat "$T/v1.out"; fail "migrated v1 rows"; }
[ "$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$T/v1.db")" = 2 ] ||
    fail "v1 database not at schema version 2"
"$REGISTRAR" --database "$T/v1.db" ctl revoke-cert 4A02 --reason superseded >/dev/null ||
    fail "revoke-cert on the migrated database"
ok "v1 database migrated to 2: old revocation shown as unspecified, expired one as expired"

# --- bad CRL options: start-up refused, the reason named ---
startup_refused() {	# NAME REGEX options...
	name=$1 why=$2; shift 2
	set +e
	timeout 20 "$REGISTRAR" -d --port 0 --database "$T/bad.db" $BASEOPTS "$@" \
	    >/dev/null 2>"$T/bad.log"
	rc=$?
	set -e
	[ "$rc" = 3 ] && grep -q "$why" "$T/bad.log" ||
	    { cat "$T/bad.log"; fail "$name: exit $rc"; }
	ok "$name -> exit 3 ($(grep -o "$why.*" "$T/bad.log" | head -1 | cut -c1-100))"
}
startup_refused "crl-file in a directory that does not exist" "crl-file: " \
    --crl-file "$T/no/such/dir/domain.crl"
startup_refused "crl-url that is not a URL" "crl-url \"file:/x\"" \
    --crl-url "file:/x"
