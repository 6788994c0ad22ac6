#!/bin/sh
# PKCS#10 interop: openssl req -verify accepts our CSRs; we parse and
# verify openssl's, and refuse a tampered one.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"

"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/k.pem"
chmod 600 "$T/k.pem"
expect_ok "we make a CSR" "$TOOL" csr-make "$T/k.pem" "pledge" "SN-1" "$T/ours.csr" "pw-123"
expect_ok "openssl req -verify accepts it" "$OPENSSL" req -inform DER -in "$T/ours.csr" -verify -noout
subj=$("$OPENSSL" req -inform DER -in "$T/ours.csr" -noout -subject)
[ "$subj" = "subject=CN = pledge, serialNumber = SN-1" ] || fail "openssl reads subject '$subj'"
"$OPENSSL" req -inform DER -in "$T/ours.csr" -noout -text | grep -q "Version: 1 (0x0)" ||
    fail "CSR version is not v1 (0)"
"$OPENSSL" req -inform DER -in "$T/ours.csr" -noout -text | grep -q "challengePassword *:pw-123" ||
    fail "challengePassword not seen by openssl"
pub1=$("$OPENSSL" req -inform DER -in "$T/ours.csr" -noout -pubkey)
pub2=$("$OPENSSL" pkey -in "$T/k.pem" -pubout)
[ "$pub1" = "$pub2" ] || fail "CSR public key is not the key's"
ok "subject, version, challengePassword and public key as openssl sees them"

"$OPENSSL" req -new -key "$T/k.pem" -subj "/O=Example/CN=device/serialNumber=ABC-9" \
    -addext "subjectAltName=DNS:device.example" -outform DER -out "$T/theirs.csr"
expect_ok "we parse and verify openssl's CSR" "$TOOL" csr-parse "$T/theirs.csr"
grep -qx "serialNumber=ABC-9" "$T/last.out" || fail "serialNumber not read"
grep -qx "cn=device" "$T/last.out" || fail "CN not read"

$PY - "$T/theirs.csr" "$T/tampered.csr" <<'PYEOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
d[-3] ^= 0x40              # inside the signature's s value
open(sys.argv[2], 'wb').write(d)
PYEOF
expect_fail "we refuse a CSR with a broken signature" "$TOOL" csr-parse "$T/tampered.csr"
head -c 60 "$T/theirs.csr" >"$T/trunc.csr"
expect_fail "we refuse a truncated CSR" "$TOOL" csr-parse "$T/trunc.csr"

# RFC 7030 3.5: a channel binding in base64 ('+', '/', '=') as the
# challengePassword, both ways: openssl reads ours, we read openssl's
# (UTF8String with its default string_mask, PrintableString otherwise).
cb=$($PY -c 'import base64; print(base64.b64encode(bytes(range(0xe0, 0x100))).decode())')
expect_ok "we make a CSR with a 32-byte binding" "$TOOL" csr-make "$T/k.pem" "pledge" "SN-1" "$T/cb.csr" "$cb"
"$OPENSSL" req -inform DER -in "$T/cb.csr" -noout -text | grep -q "challengePassword *:$cb\$" ||
    fail "openssl req -text does not show the binding '$cb'"
ok "openssl req -text shows the binding as challengePassword"
for mask in utf8only default; do
	printf '[req]\ndistinguished_name=dn\nattributes=at\nprompt=no\nstring_mask=%s\n[dn]\nCN=dev\n[at]\nchallengePassword=%s\n' \
	    "$mask" "$cb" >"$T/cb.cnf"
	"$OPENSSL" req -new -key "$T/k.pem" -config "$T/cb.cnf" -outform DER -out "$T/cb-$mask.csr"
	expect_ok "we parse openssl's CSR with a binding ($mask)" "$TOOL" csr-parse "$T/cb-$mask.csr"
	grep -qx "challenge=$cb" "$T/last.out" || fail "challengePassword ($mask) not read"
done
