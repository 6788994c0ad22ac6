#!/bin/sh
# Keys in a PKCS#11 token (SoftHSM2, made here in the scratch directory):
# the MASA's voucher signer and the registrar's domain CA key pairs are
# generated IN the token, brski-certs certifies their public keys, and a
# full three-process enrollment runs with the MASA signing the voucher
# and the registrar signing the LDevID in the token; then an EST client
# enrolls a CSR whose key is in a token as well.  openssl checks
# both; no PEM private key of a token key exists anywhere, and the token
# refuses to hand the private keys out.  Then the ways a daemon must
# refuse to start (wrong PIN, PIN file 0644, unknown key, ...): with the
# message that names the problem, and no files left behind.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
command -v softhsm2-util >/dev/null 2>&1 ||
    skip "softhsm2-util not installed (apt-get install softhsm2)"
command -v pkcs11-tool >/dev/null 2>&1 ||
    skip "pkcs11-tool not installed (apt-get install opensc)"
MOD=${BRSKI_PKCS11_TEST_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
[ -r "$MOD" ] || skip "no SoftHSM2 PKCS#11 module at $MOD"
SPY=""
for f in /usr/lib/*/pkcs11-spy.so /usr/lib/*/pkcs11/pkcs11-spy.so; do
	[ -r "$f" ] && { SPY=$f; break; }
done

# --- a SoftHSM2 store of our own: two tokens, keys made inside ---
mkdir "$T/tokens"
cat >"$T/softhsm2.conf" <<EOF
directories.tokendir = $T/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$T/softhsm2.conf"
PIN=81726354		# distinctive: the environ check below greps for it
p11() { timeout 30 pkcs11-tool --module "$MOD" "$@"; }
for tok in masa domain device; do
	timeout 30 softhsm2-util --init-token --free --label "$tok" \
	    --so-pin 56781234 --pin "$PIN" >/dev/null ||
	    fail "softhsm2-util --init-token $tok"
done
p11 --token-label masa --login --pin "$PIN" --keypairgen \
    --key-type EC:prime256v1 --label voucher-signer --id 01 >/dev/null ||
    fail "keypairgen voucher-signer"
p11 --token-label domain --login --pin "$PIN" --keypairgen \
    --key-type EC:prime256v1 --label domain-ca --id 02 >/dev/null ||
    fail "keypairgen domain-ca"
p11 --token-label device --login --pin "$PIN" --keypairgen \
    --key-type EC:prime256v1 --label device-key --id 05 >/dev/null ||
    fail "keypairgen device-key"
p11 --token-label device --login --pin "$PIN" --keypairgen \
    --key-type EC:prime256v1 --label idevid-0002 --id 06 >/dev/null ||
    fail "keypairgen idevid-0002"
p11 --token-label masa --login --pin "$PIN" --keypairgen \
    --key-type rsa:2048 --label rsa-key --id 03 >/dev/null ||
    fail "keypairgen rsa-key"
ok "three SoftHSM2 tokens with EC key pairs generated inside (and an RSA one)"

SIGNER_URI="pkcs11:token=masa;object=voucher-signer"
CA_URI="pkcs11:token=domain;object=domain-ca"
printf '%s\n' "$PIN" >"$T/pin"
chmod 600 "$T/pin"

# --- the demo PKI, with the two signers' certificates for token keys ---
printf '11112222\n' >"$T/badpin"
chmod 600 "$T/badpin"
expect_fail "brski-certs with a wrong PIN" "$CERTS" --pkcs11-module "$MOD" \
    --pkcs11-pin-file "$T/badpin" --token-key "masa-signer=$SIGNER_URI" \
    init "$T/pki-bad"
grep -q 'token "masa": wrong PIN' "$T/last.out" || fail "brski-certs: no reason"
[ ! -e "$T/pki-bad" ] || fail "brski-certs left files after a wrong PIN"
# both token keys with the PIN from the environment (read once)
BRSKI_CERTS_PIN=$PIN expect_ok "brski-certs, two token keys, PIN from the environment" \
    "$CERTS" --pkcs11-module "$MOD" --pkcs11-pin-env BRSKI_CERTS_PIN \
    --token-key "masa-signer=$SIGNER_URI" --token-key "domain-ca=$CA_URI" \
    init "$T/pki-env"
P=$T/pki
expect_ok "brski-certs certifies the token keys" "$CERTS" \
    --pkcs11-module "$MOD" --pkcs11-pin-file "$T/pin" \
    --token-key "masa-signer=$SIGNER_URI" --token-key "domain-ca=$CA_URI" \
    init "$P"
for n in masa-signer domain-ca; do
	[ ! -e "$P/$n.key" ] || fail "$n.key was written although the key is in a token"
done
p11 --token-label masa --read-object --type pubkey --label voucher-signer \
    -o "$T/signer-pub.der" >/dev/null
p11 --token-label domain --read-object --type pubkey --label domain-ca \
    -o "$T/ca-pub.der" >/dev/null
"$OPENSSL" pkey -pubin -inform DER -in "$T/signer-pub.der" -out "$T/signer-pub.pem"
"$OPENSSL" pkey -pubin -inform DER -in "$T/ca-pub.der" -out "$T/ca-pub.pem"
"$OPENSSL" x509 -in "$P/masa-signer.pem" -noout -pubkey | cmp -s - "$T/signer-pub.pem" ||
    fail "masa-signer.pem is not for the token's key"
"$OPENSSL" x509 -in "$P/domain-ca.pem" -noout -pubkey | cmp -s - "$T/ca-pub.pem" ||
    fail "domain-ca.pem is not for the token's key"
expect_ok "openssl verify: masa-signer.pem (MASA CA) and the self-signed token domain CA" \
    "$OPENSSL" verify -x509_strict -CAfile "$P/masa-ca.pem" "$P/masa-signer.pem"
expect_ok "openssl verify: registrar certificates signed by the token CA key" \
    "$OPENSSL" verify -x509_strict -CAfile "$P/domain-ca.pem" "$P/domain-ca.pem" \
    "$P/registrar-tls.pem" "$P/registrar-ra.pem"
grep -q "$SIGNER_URI" "$P/index.txt" || fail "index.txt does not name the token key"
IDEV_URI="pkcs11:token=device;object=idevid-0002"
expect_ok "brski-certs issues an IDevID for a key in the device's token" \
    "$CERTS" --pkcs11-module "$MOD" --pkcs11-pin-file "$T/pin" \
    --token-key "idevid=$IDEV_URI" idevid "$P" 0002
[ ! -e "$P/idevid-0002.key" ] || fail "idevid-0002.key written for a token key"

# --- the three processes ---
"$MASA" --database "$T/m.db" ctl add 0001 0002 || fail "ctl add"
cat >"$T/masa.conf" <<EOF
listen 127.0.0.1
port 0
database $T/m.db
tls-cert $P/masa-tls-chain.pem
tls-key $P/masa-tls.key
signer-cert $P/masa-signer-chain.pem
signer-key $SIGNER_URI
pkcs11-module $MOD
pkcs11-pin-file $T/pin
manufacturer-ca $P/vendor-ca.pem
EOF
start_daemon masa "$MASA" -d -f "$T/masa.conf"
MURL=https://localhost:$PORT
grep -q 'vouchers are signed with the key "voucher-signer" in token "masa"' \
    "$T/masa.log" || { cat "$T/masa.log"; fail "MASA does not log its token key"; }
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --manufacturer-ca $P/vendor-ca.pem
 --masa-ca $P/masa-ca.pem --masa-url $MURL --pkcs11-module $MOD"
printf 's3cret-pass\n' >"$T/est-pw"
BRSKI_TEST_PIN=$PIN start_daemon registrar "$REGISTRAR" -d --port 0 \
    --database "$T/r.db" $REGOPTS --domain-ca-key "$CA_URI" \
    --pkcs11-pin-env BRSKI_TEST_PIN --est-user operator \
    --est-password-file "$T/est-pw"
RURL=https://localhost:$PORT
grep -q 'domain CA key "domain-ca" in token "domain"' "$T/registrar.log" ||
    { cat "$T/registrar.log"; fail "registrar does not log its token key"; }
# the PIN came from the environment: wiped there once read
if tr '\0' '\n' <"/proc/$registrar_pid/environ" | grep -q "$PIN"; then
	fail "the PIN is still in the registrar's environment"
fi
ok "the registrar wiped BRSKI_TEST_PIN from its environment"

expect_ok "pledge enrolls against the token-backed MASA and registrar" \
    "$PLEDGE" -d --registrar "$RURL" --idevid-cert "$P/idevid-0001-chain.pem" \
    --idevid-key "$P/idevid-0001.key" --masa-ca "$P/masa-ca.pem" --timeout 10 \
    --state-dir "$T/state"
S=$T/state/current
expect_ok "openssl cms -verify: the voucher, against the MASA CA" \
    "$OPENSSL" cms -verify -binary -inform DER -in "$S/voucher.cms" \
    -CAfile "$P/masa-ca.pem" -purpose any -no-CApath -no-CAstore \
    -out /dev/null -signer "$T/vsigner.pem"
"$OPENSSL" x509 -in "$T/vsigner.pem" -noout -pubkey | cmp -s - "$T/signer-pub.pem" ||
    fail "the voucher was not signed by the token's key"
ok "the voucher's signer is the token's voucher-signer key"
expect_ok "openssl verify: the LDevID, against the token domain CA" \
    "$OPENSSL" verify -x509_strict -CAfile "$P/domain-ca.pem" "$S/ldevid.pem"
"$OPENSSL" x509 -in "$S/ldevid.pem" -noout -issuer | grep -q "Domain CA" ||
    fail "LDevID issuer"
# the CRL is signed in the token too
serial=$("$OPENSSL" x509 -in "$S/ldevid.pem" -noout -serial | cut -d= -f2)
"$REGISTRAR" --database "$T/r.db" ctl revoke-cert "$serial" \
    --reason cessationOfOperation >/dev/null || fail "revoke-cert"
curl -sS --max-time 10 --cacert "$P/domain-ca.pem" -o "$T/crl.der" "$RURL/crl" ||
    fail "GET /crl"
"$OPENSSL" crl -inform DER -in "$T/crl.der" -CAfile "$P/domain-ca.pem" -noout \
    -text >"$T/crl.txt" 2>&1
grep -q "verify OK" "$T/crl.txt" && grep -q "Serial Number: $serial" "$T/crl.txt" ||
    { cat "$T/crl.txt"; fail "CRL signed with the token CA key"; }
ok "CRL signed in the token: openssl verify OK, lists the revoked LDevID"

# a pledge whose IDevID key is in a token: PVR and TLS client auth
expect_ok "pledge 0002 enrolls with its IDevID key in a token" \
    "$PLEDGE" -d --registrar "$RURL" --idevid-cert "$P/idevid-0002-chain.pem" \
    --idevid-key "$IDEV_URI" --pkcs11-module "$MOD" --pkcs11-pin-file "$T/pin" \
    --masa-ca "$P/masa-ca.pem" --timeout 10 --state-dir "$T/state2"
expect_ok "openssl verify: pledge 0002's LDevID" "$OPENSSL" verify \
    -x509_strict -CAfile "$P/domain-ca.pem" "$T/state2/current/ldevid.pem"
"$REGISTRAR" --database "$T/r.db" ctl list | grep -q "^0002 .*voucher:yes" ||
    fail "registrar has no voucher for 0002"
# the TLS handshake itself was signed in the token: the registrar's
# GnuTLS checked the CertificateVerify against the IDevID
grep -q 'simpleenroll -> 200 .*client ".*serialNumber=0002"' "$T/registrar.log" ||
    fail "the registrar did not see 0002's IDevID as TLS client certificate"
ok "TLS client authentication with the IDevID key in the token"
set +e
"$PLEDGE" -d --registrar "$RURL" --idevid-cert "$P/idevid-0002-chain.pem" \
    --idevid-key "pkcs11:token=device;object=device-key" --pkcs11-module "$MOD" \
    --pkcs11-pin-file "$T/pin" --masa-ca "$P/masa-ca.pem" --timeout 10 \
    --state-dir "$T/state3" >/dev/null 2>"$T/p3.log"
rc=$?
set -e
[ "$rc" != 0 ] && grep -q "idevid-key is not the key of idevid-cert" "$T/p3.log" &&
    [ ! -e "$T/state3/current" ] || { cat "$T/p3.log"; fail "pledge with another token key: exit $rc"; }
ok "pledge with a token key that is not its IDevID's -> refused (exit $rc)"
set +e
"$PLEDGE" -d --registrar coaps://127.0.0.1:9 --idevid-cert "$P/idevid-0002-chain.pem" \
    --idevid-key "$IDEV_URI" --pkcs11-module "$MOD" --pkcs11-pin-file "$T/pin" \
    --masa-ca "$P/masa-signer.pem" --timeout 5 --state-dir "$T/state4" \
    >/dev/null 2>"$T/p4.log"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q "cannot be used over coaps://" "$T/p4.log" &&
    [ ! -e "$T/state4/current" ] || { cat "$T/p4.log"; fail "token IDevID over coaps: exit $rc"; }
ok "a token IDevID key over coaps:// -> configuration error (exit 2), named"

# an EST client whose key is in a token too: CSR signed in the token
DEV_URI="pkcs11:token=device;object=device-key"
BRSKI_PKCS11_MODULE=$MOD BRSKI_PKCS11_PIN_FILE=$T/pin "$TOOL" csr-make \
    "$DEV_URI" camera-7 0007 "$T/dev.csr.der" >/dev/null || fail "token CSR"
"$OPENSSL" req -inform DER -in "$T/dev.csr.der" -verify -noout 2>/dev/null ||
    fail "openssl does not accept the CSR signed in the token"
base64 -w64 "$T/dev.csr.der" >"$T/dev.csr"
st=$(post_status "$RURL/.well-known/est/simpleenroll" "$T/dev.csr" "$T/dev.p7" \
    --cacert "$P/domain-ca.pem" --anyauth -u operator:s3cret-pass \
    -H "Content-Type: application/pkcs10")
[ "$st" = 200 ] || { cat "$T/dev.p7"; fail "simpleenroll of the token CSR: $st"; }
base64 -d "$T/dev.p7" | "$OPENSSL" pkcs7 -inform DER -print_certs >"$T/dev.pem"
p11 --token-label device --read-object --type pubkey --label device-key \
    -o "$T/dev-pub.der" >/dev/null
"$OPENSSL" pkey -pubin -inform DER -in "$T/dev-pub.der" -out "$T/dev-pub.pem"
"$OPENSSL" x509 -in "$T/dev.pem" -noout -pubkey | cmp -s - "$T/dev-pub.pem" ||
    fail "the EST certificate is not for the device token's key"
expect_ok "EST enrollment of a CSR made in a token, issued by the token CA (openssl verify)" \
    "$OPENSSL" verify -x509_strict -CAfile "$P/domain-ca.pem" "$T/dev.pem"

stop_daemon masa
if [ -n "$SPY" ]; then
	# The MASA again, its module calls traced by OpenSC's pkcs11-spy:
	# the signature happens in the token, and a stop logs out, closes
	# the sessions and finalizes the module.  (pkcs11-spy itself leaks
	# at C_Finalize: LeakSanitizer is off for this one process.)
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	    PKCS11SPY=$MOD PKCS11SPY_OUTPUT=$T/spy.log \
	    start_daemon spy "$MASA" -d -f "$T/masa.conf" --pkcs11-module "$SPY"
	stop_daemon spy
	for fn in C_Login C_Sign C_CloseAllSessions C_Finalize; do
		grep -q "$fn\$" "$T/spy.log" || { tail -20 "$T/spy.log"; fail "pkcs11-spy saw no $fn"; }
	done
	[ "$(grep -n 'C_Sign$' "$T/spy.log" | tail -1 | cut -d: -f1)" -lt \
	    "$(grep -n 'C_CloseAllSessions$' "$T/spy.log" | tail -1 | cut -d: -f1)" ] ||
	    fail "sessions closed before the last signature"
	ok "pkcs11-spy: C_Login, C_Sign in the token; C_CloseAllSessions, C_Finalize at stop"
else
	echo "note: pkcs11-spy.so not found; session-close trace not checked"
fi
stop_daemon registrar

# --- the private keys never left the token ---
for f in $(grep -rl --exclude-dir=tokens -- "-----BEGIN .*PRIVATE KEY-----" "$T" || true); do
	"$OPENSSL" pkey -in "$f" -pubout 2>/dev/null >"$T/k.pub" || continue
	if cmp -s "$T/k.pub" "$T/signer-pub.pem" || cmp -s "$T/k.pub" "$T/ca-pub.pem"; then
		fail "$f holds a token key's private key"
	fi
done
grep -rl -- "PRIVATE KEY" "$T/m.db" "$T/r.db" 2>/dev/null &&
    fail "a database holds a PEM private key"
ok "no PEM private key on disk belongs to a token key"
# The token must refuse the private values: CKA_EXTRACTABLE false,
# CKA_SENSITIVE true, and C_GetAttributeValue(CKA_VALUE) refused.
# (pkcs11-tool 0.23 cannot test this: its --read-object of a private key
# prints "not (yet) supported" and exits 0 whatever the key is.)
export BRSKI_PKCS11_MODULE=$MOD BRSKI_PKCS11_PIN_FILE=$T/pin
for u in "$SIGNER_URI" "$CA_URI" "pkcs11:token=device;object=device-key"; do
	"$TOOL" p11-info "$u" >"$T/info" || fail "p11-info $u"
	grep -qx "in-token=1 extractable=0 not-sensitive=0 value-readable=0" \
	    "$T/info" || { cat "$T/info"; fail "$u: the token would let the key out"; }
done
ok "token keys: CKA_EXTRACTABLE false, CKA_SENSITIVE true, CKA_VALUE refused"
# the check itself must be able to fail: a key made extractable
p11 --token-label masa --login --pin "$PIN" --keypairgen --extractable \
    --key-type EC:prime256v1 --label loose --id 04 >/dev/null
"$TOOL" p11-info "pkcs11:token=masa;object=loose" | grep -q "extractable=1" ||
    fail "an extractable key was not reported"
ok "control: a key generated with --extractable is reported as extractable"

# --- signing rate: token key vs a file key (cms_sign, the voucher path) ---
printf '{"ietf-voucher:voucher":{"serial-number":"0001"}}' >"$T/v.json"
"$TOOL" cms-sign-bench "$T/v.json" "$P/masa-signer.pem" "$SIGNER_URI" 300 4 ||
    fail "token signing in 4 threads"
"$TOOL" cms-sign-bench "$T/v.json" "$P/masa-signer.pem" "$SIGNER_URI" 300 1
"$TOOL" cms-sign-bench "$T/v.json" "$P/masa-tls.pem" "$P/masa-tls.key" 300 1
# COSE (constrained vouchers) with the token key, checked by our verifier
expect_ok "COSE_Sign1 with the token key verifies with the certificate's key" \
    sh -c '"$0" cose-sign "$1" "$2" "$3.cose" && "$0" cose-verify "$3.cose" "$4"' \
    "$TOOL" "$T/v.json" "$SIGNER_URI" "$T/v" "$P/masa-signer.pem"
unset BRSKI_PKCS11_MODULE BRSKI_PKCS11_PIN_FILE

# --- refusals at start-up: the message names the problem, no files ---
refuse() {	# refuse DESC REGEX masa-options...
	desc=$1 why=$2; shift 2
	rm -f "$T/neg.db"
	set +e
	timeout 30 "$MASA" -d --port 0 --database "$T/neg.db" \
	    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
	    --signer-cert "$P/masa-signer-chain.pem" \
	    --manufacturer-ca "$P/vendor-ca.pem" \
	    --pkcs11-module "${MODULE:-$MOD}" "$@" \
	    >"$T/neg.out" 2>"$T/neg.log"
	rc=$?
	set -e
	[ "$rc" = 3 ] || { cat "$T/neg.log"; fail "$desc: exit $rc, want 3 (start-up failed)"; }
	grep -Eq "$why" "$T/neg.log" || { cat "$T/neg.log"; fail "$desc: no message matching '$why'"; }
	! grep -q '^listening' "$T/neg.out" || fail "$desc: it listened"
	[ ! -e "$T/neg.db" ] && [ ! -e "$T/neg.db-wal" ] || fail "$desc: left a database"
	ok "$desc -> $(grep 'brski-masa:' "$T/neg.log" | head -1 | cut -c1-150)"
}
refuse "wrong PIN" "token \"masa\": wrong PIN" \
    --signer-key "$SIGNER_URI" --pkcs11-pin-file "$T/badpin"
cp "$T/pin" "$T/pin644"
chmod 644 "$T/pin644"
refuse "PIN file mode 0644" "PIN file $T/pin644 is mode 0644; chmod 600" \
    --signer-key "$SIGNER_URI" --pkcs11-pin-file "$T/pin644"
refuse "unknown key label" "key \"no-such-key\" in token \"masa\": no such private key" \
    --signer-key "pkcs11:token=masa;object=no-such-key" --pkcs11-pin-file "$T/pin"
refuse "missing token" "no token labelled \"nosuch\" in .*tokens present: .*\"masa\"" \
    --signer-key "pkcs11:token=nosuch;object=voucher-signer" --pkcs11-pin-file "$T/pin"
refuse "RSA key" "key \"rsa-key\" in token \"masa\" is an RSA key" \
    --signer-key "pkcs11:token=masa;object=rsa-key" --pkcs11-pin-file "$T/pin"
refuse "the other token's key (not the signer certificate's)" \
    "signer-key is not the key of the first certificate" \
    --signer-key "$CA_URI" --pkcs11-pin-file "$T/pin"
refuse "no PIN configured" "needs its user PIN" --signer-key "$SIGNER_URI"
refuse "PIN in the URI" "no PIN in the URI" \
    --signer-key "$SIGNER_URI?pin-value=$PIN" --pkcs11-pin-file "$T/pin"
refuse "PIN variable unset" "environment variable BRSKI_NO_SUCH_PIN .* is not set" \
    --signer-key "$SIGNER_URI" --pkcs11-pin-env BRSKI_NO_SUCH_PIN
refuse "PIN file and variable both" "either in a file .* not both" \
    --signer-key "$SIGNER_URI" --pkcs11-pin-file "$T/pin" --pkcs11-pin-env X
MODULE=$T/nosuch.so refuse "module that does not exist" \
    "PKCS#11 module $T/nosuch.so: No such file" \
    --signer-key "$SIGNER_URI" --pkcs11-pin-file "$T/pin"
MODULE=$T/softhsm2.conf refuse "a file that is not a PKCS#11 module" \
    "is not a PKCS#11 module" \
    --signer-key "$SIGNER_URI" --pkcs11-pin-file "$T/pin"
refuse "unknown URI attribute" "attribute \"objekt\" is not supported" \
    --signer-key "pkcs11:token=masa;objekt=voucher-signer" --pkcs11-pin-file "$T/pin"
# the registrar: a wrong PIN in the environment; a TLS key in a token
set +e
BRSKI_TEST_PIN=11112222 timeout 30 "$REGISTRAR" -d --port 0 \
    --database "$T/neg-r.db" $REGOPTS --domain-ca-key "$CA_URI" \
    --pkcs11-pin-env BRSKI_TEST_PIN >/dev/null 2>"$T/neg.log"
rc=$?
set -e
[ "$rc" != 0 ] && grep -q 'token "domain": wrong PIN' "$T/neg.log" &&
    [ ! -e "$T/neg-r.db" ] || { cat "$T/neg.log"; fail "registrar with a wrong PIN (exit $rc)"; }
ok "registrar, wrong PIN in the environment -> refused, no database"
set +e
timeout 30 "$REGISTRAR" -d --port 0 --database "$T/neg-r.db" \
    $(echo "$REGOPTS" | sed "s|--ra-key [^ ]*|--ra-key $CA_URI|") \
    --domain-ca-key "$CA_URI" --pkcs11-pin-file "$T/pin" >/dev/null 2>"$T/neg.log"
rc=$?
set -e
[ "$rc" != 0 ] && grep -q 'ra-key: only domain-ca-key may be in a PKCS#11 token' \
    "$T/neg.log" && [ ! -e "$T/neg-r.db" ] ||
    { cat "$T/neg.log"; fail "registrar with ra-key in a token (exit $rc)"; }
ok "registrar, RA/TLS key as a token URI -> refused, no database"
