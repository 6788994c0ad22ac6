#!/bin/sh
# CMS SignedData interop with the openssl CLI: openssl accepts our signed
# voucher artifacts, we accept openssl's, both refuse tampering, and EST
# certs-only PKCS#7 goes both ways.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"

P=$T/pki
"$CERTS" init "$P" >/dev/null
printf '{"ietf-voucher:voucher":{"assertion":"logged","serial-number":"0001"}}' >"$T/v.json"

expect_ok "we sign" "$TOOL" cms-sign "$T/v.json" "$P/masa-signer.pem" \
    "$P/masa-signer.key" "$T/ours.p7" "$P/masa-ca.pem"
expect_ok "openssl cms -verify accepts ours" "$OPENSSL" cms -verify -binary \
    -inform DER -in "$T/ours.p7" -CAfile "$P/masa-ca.pem" -purpose any \
    -no-CApath -no-CAstore -out "$T/ours.out"
cmp -s "$T/ours.out" "$T/v.json" || fail "openssl extracted other content"
"$OPENSSL" cms -cmsout -print -inform DER -in "$T/ours.p7" >"$T/print"
grep -q "eContentType: undefined (1.2.840.113549.1.9.16.1.40)" "$T/print" ||
    fail "eContentType is not id-ct-animaJSONVoucher"
grep -q "Bad time value" "$T/print" && fail "malformed signingTime"
grep -q "signingTime" "$T/print" || fail "no signingTime attribute"
ok "eContentType 1.2.840.113549.1.9.16.1.40, well-formed signed attributes"
expect_fail "openssl refuses ours against the wrong anchor" "$OPENSSL" cms \
    -verify -binary -inform DER -in "$T/ours.p7" -CAfile "$P/domain-ca.pem" \
    -purpose any -no-CApath -no-CAstore -out /dev/null

"$OPENSSL" cms -sign -nodetach -binary -econtent_type 1.2.840.113549.1.9.16.1.40 \
    -outform DER -in "$T/v.json" -signer "$P/masa-signer.pem" \
    -inkey "$P/masa-signer.key" -certfile "$P/masa-ca.pem" -md sha256 \
    -out "$T/theirs.p7"
expect_ok "we accept openssl cms -sign" "$TOOL" cms-verify "$T/theirs.p7" \
    "$P/masa-ca.pem" "$T/theirs.out"
cmp -s "$T/theirs.out" "$T/v.json" || fail "we extracted other content"
expect_fail "we refuse it against the wrong anchor" "$TOOL" cms-verify \
    "$T/theirs.p7" "$P/vendor-ca.pem"

# flip one byte of the content inside the DER
$PY - "$T/theirs.p7" "$T/tampered.p7" <<'PYEOF'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.find(b'"serial-number":"0001"')
d[i + 18] ^= 0x01
open(sys.argv[2], 'wb').write(d)
PYEOF
expect_fail "we refuse tampered content" "$TOOL" cms-verify "$T/tampered.p7" "$P/masa-ca.pem"
expect_fail "openssl refuses it too" "$OPENSSL" cms -verify -binary -inform DER \
    -in "$T/tampered.p7" -CAfile "$P/masa-ca.pem" -purpose any -no-CApath \
    -no-CAstore -out /dev/null

"$OPENSSL" cms -sign -nodetach -binary -outform DER -in "$T/v.json" \
    -signer "$P/masa-signer.pem" -inkey "$P/masa-signer.key" -md sha256 \
    -out "$T/iddata.p7"
expect_fail "we refuse eContentType id-data" "$TOOL" cms-verify "$T/iddata.p7" "$P/masa-ca.pem"
"$OPENSSL" cms -sign -nodetach -binary -noattr \
    -econtent_type 1.2.840.113549.1.9.16.1.40 -outform DER -in "$T/v.json" \
    -signer "$P/masa-signer.pem" -inkey "$P/masa-signer.key" -md sha256 \
    -out "$T/noattr.p7"
expect_fail "we refuse a voucher without signed attributes" "$TOOL" cms-verify \
    "$T/noattr.p7" "$P/masa-ca.pem"

# EST /cacerts: certs-only
expect_ok "we encode certs-only" "$TOOL" certs-only-encode "$P/registrar-tls-chain.pem" "$T/co.p7"
n=$("$OPENSSL" pkcs7 -inform DER -in "$T/co.p7" -print_certs -noout | grep -c '^subject=')
[ "$n" = 2 ] || fail "openssl sees $n certificates in our certs-only, want 2"
ok "openssl pkcs7 -print_certs reads our certs-only (2 certificates)"
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$P/registrar-tls-chain.pem" \
    -outform DER -out "$T/co-openssl.p7"
cmp -s "$T/co.p7" "$T/co-openssl.p7" ||
    fail "our certs-only differs from openssl crl2pkcs7's (order, eContent?)"
ok "our certs-only is byte for byte openssl crl2pkcs7's (order kept, no eContent)"
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$P/masa-tls-chain.pem" -outform DER -out "$T/co2.p7"
n=$("$TOOL" certs-only-decode "$T/co2.p7" | grep -c '^subject=')
[ "$n" = 2 ] || fail "we see $n certificates in openssl's certs-only, want 2"
ok "we read openssl crl2pkcs7 output (2 certificates)"
expect_fail "a signed voucher is not accepted as certs-only garbage" \
    "$TOOL" certs-only-decode "$T/v.json"
