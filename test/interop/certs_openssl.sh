#!/bin/sh
# brski-certs output checked by the openssl CLI: every chain verifies,
# IDevIDs carry serialNumber and the MASA URL extension, the RA
# certificate carries id-kp-cmcRA, TLS certificates the names clients
# check; and our parser reads what openssl shows.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"

P=$T/pki
expect_ok "brski-certs init" "$CERTS" init "$P"
for pair in idevid-0001:vendor-ca masa-signer:masa-ca masa-tls:masa-ca \
    registrar-tls:domain-ca registrar-ra:domain-ca; do
	expect_ok "openssl verify ${pair%:*}" "$OPENSSL" verify -x509_strict \
	    -CAfile "$P/${pair#*:}.pem" "$P/${pair%:*}.pem"
done
expect_fail "openssl verify idevid against the domain CA" "$OPENSSL" verify \
    -CAfile "$P/domain-ca.pem" "$P/idevid-0001.pem"

txt=$("$OPENSSL" x509 -in "$P/idevid-0001.pem" -noout -text)
echo "$txt" | grep -q "serialNumber = 0001" || fail "IDevID subject lacks serialNumber"
echo "$txt" | grep -q "1.3.6.1.5.5.7.1.32" || fail "IDevID lacks the MASA URL extension"
"$OPENSSL" asn1parse -in "$P/idevid-0001.pem" | grep -A1 ":1.3.6.1.5.5.7.1.32" |
    grep -q "160E6C6F63616C686F73743A39343433" ||
    fail "MASA URL extension is not IA5String \"localhost:9443\""
ok "IDevID: serialNumber 0001, MASA URL localhost:9443 as IA5String"

"$OPENSSL" x509 -in "$P/registrar-ra.pem" -noout -ext extendedKeyUsage |
    grep -q "CMC Registration Authority" || fail "RA certificate lacks id-kp-cmcRA"
"$OPENSSL" x509 -in "$P/registrar-tls.pem" -noout -ext subjectAltName |
    grep -q "DNS:localhost, IP Address:127.0.0.1" || fail "registrar TLS SAN"
"$OPENSSL" x509 -in "$P/domain-ca.pem" -noout -ext basicConstraints |
    grep -q "CA:TRUE" || fail "domain CA is not a CA"
ok "RA has cmcRA, TLS certificate has SAN, domain CA is a CA"

for k in "$P"/*.key; do
	mode=$(stat -c %a "$k")
	[ "$mode" = 600 ] || fail "$k has mode $mode"
	"$OPENSSL" pkey -in "$k" -noout 2>/dev/null || fail "openssl cannot read $k"
done
ok "private keys are 0600 and readable by openssl"

# our parser against openssl's view
out=$("$TOOL" x509-show "$P/idevid-0001.pem")
echo "$out" | grep -qx "serialNumber=0001" || fail "our parser: serialNumber"
echo "$out" | grep -qx "masa_url=localhost:9443" || fail "our parser: MASA URL"
ski=$("$OPENSSL" x509 -in "$P/idevid-0001.pem" -noout -ext subjectKeyIdentifier | tail -1 | tr -d ' :')
echo "$out" | grep -qx "ski=$ski" || fail "our parser: SKI differs from openssl's $ski"
"$TOOL" x509-show "$P/registrar-ra.pem" | grep -q "eku=clientAuth,cmcRA," ||
    fail "our parser: cmcRA"
ok "our parser agrees with openssl (serialNumber, MASA URL, SKI, cmcRA)"

# a certificate openssl made, with an intermediate, verified by us
"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/r.key"
"$OPENSSL" req -x509 -new -key "$T/r.key" -subj "/CN=OpenSSL Root" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$T/r.pem"
"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/i.key"
"$OPENSSL" req -new -key "$T/i.key" -subj "/CN=OpenSSL Sub" -out "$T/i.csr"
printf "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n" >"$T/i.ext"
"$OPENSSL" x509 -req -in "$T/i.csr" -CA "$T/r.pem" -CAkey "$T/r.key" \
    -CAcreateserial -days 30 -extfile "$T/i.ext" -out "$T/i.pem" 2>/dev/null
"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/l.key"
"$OPENSSL" req -new -key "$T/l.key" -subj "/CN=leaf/serialNumber=XYZ-1" -out "$T/l.csr"
printf "basicConstraints=CA:FALSE\nextendedKeyUsage=1.3.6.1.5.5.7.3.28,clientAuth\n" >"$T/l.ext"
"$OPENSSL" x509 -req -in "$T/l.csr" -CA "$T/i.pem" -CAkey "$T/i.key" \
    -CAcreateserial -days 30 -extfile "$T/l.ext" -out "$T/l.pem" 2>/dev/null
expect_ok "we verify an openssl leaf -> sub CA -> root" \
    "$TOOL" x509-verify "$T/l.pem" "$T/i.pem" "$T/r.pem"
expect_fail "we refuse it without the intermediate" \
    "$TOOL" x509-verify "$T/l.pem" - "$T/r.pem"
expect_fail "we refuse it against another root" \
    "$TOOL" x509-verify "$T/l.pem" "$T/i.pem" "$P/domain-ca.pem"
expect_fail "we refuse it 60 days from now (expired)" \
    "$TOOL" x509-verify "$T/l.pem" "$T/i.pem" "$T/r.pem" $(( $(date +%s) + 60 * 86400 ))
"$TOOL" x509-show "$T/l.pem" | grep -q "cmcRA" || fail "cmcRA in an openssl EKU"
"$TOOL" x509-show "$T/l.pem" | grep -qx "serialNumber=XYZ-1" || fail "openssl serialNumber"
ok "openssl-made EKU cmcRA and serialNumber parsed"

expect_ok "brski-certs idevid adds devices" "$CERTS" idevid "$P" dev-42 dev-43
expect_ok "openssl verify the new IDevID" "$OPENSSL" verify -CAfile "$P/vendor-ca.pem" "$P/idevid-dev-43.pem"
expect_fail "brski-certs refuses to overwrite" "$CERTS" init "$P"
expect_fail "brski-certs refuses a bad serial" "$CERTS" idevid "$P" "bad serial!"
expect_ok "brski-certs P-384" "$CERTS" --key-type P-384 init "$T/p384"
"$OPENSSL" x509 -in "$T/p384/domain-ca.pem" -noout -text | grep -q "ecdsa-with-SHA384" ||
    fail "P-384 CA not signed with SHA-384"
expect_ok "openssl verify P-384 chain" "$OPENSSL" verify -CAfile "$T/p384/domain-ca.pem" "$T/p384/registrar-tls.pem"
