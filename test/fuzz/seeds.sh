#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# How the seed corpora in test/fuzz/corpus/ were made: from the artifacts
# of ./demo.sh DEMO (real vouchers, voucher-requests, certificates),
# openssl, and hand-written inputs.  It also rewrites fuzz_anchors.h with
# that demo's CAs, so that the CMS seeds verify.  Rerun only to replace
# the seeds (the findings kept in the corpus as regression inputs,
# named "crash-*", "leak-*", "oracle-*", stay).
#
# usage: test/fuzz/seeds.sh DEMO_DIR [cbor]
#   DEMO_DIR: what ./demo.sh DEMO_DIR left (pki/ included)
#   cbor: only the constrained corpora (CBOR, COSE, link-format) and
#     fuzz_cose_key.h; the others and fuzz_anchors.h stay as they are
#   TOOL: libbrski_tool (default build/test/tools/libbrski_tool: make -C
#     build test/tools/libbrski_tool); PY: python3 with python3-cbor2 and
#     python3-cryptography (default /usr/bin/python3)
set -eu
DEMO=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
C=$HERE/corpus
OPENSSL=${OPENSSL:-openssl}
P=$DEMO/pki
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

die() { echo "seeds.sh: $*" >&2; exit 1; }
[ -f "$DEMO/voucher.cms" ] && [ -d "$P" ] || die "$DEMO is not a demo directory"

# seed ENTRY NAME: stdin becomes corpus/ENTRY/NAME
seed() { mkdir -p "$C/$1"; cat >"$C/$1/$2"; }
# seedf ENTRY NAME FILE
seedf() { mkdir -p "$C/$1"; cp "$3" "$C/$1/$2"; }
der() { "$OPENSSL" x509 -in "$1" -outform DER; }
content() {
	"$OPENSSL" cms -verify -noverify -binary -inform DER -in "$1" \
	    -out "$2" 2>/dev/null
}
voucher_oid=1.2.840.113549.1.9.16.1.40

# -------------------------------------------------- constrained: CBOR, COSE
# The demo's constrained pledge left voucher.cose and the two COSE
# voucher-requests (real wire artifacts); their payloads are the CBOR
# vouchers.  Variants: libbrski_tool signs with the demo keys,
# python3-cbor2 rewrites headers and re-signs.  fuzz_cose_key.h gets the
# demo signers whose keys the COSE target verifies with.
seeds_cbor() {
	TOOL=${TOOL:-$HERE/../../build/test/tools/libbrski_tool}
	PY=${PY:-/usr/bin/python3}
	[ -x "$TOOL" ] || die "no $TOOL (make -C build test/tools/libbrski_tool, or set TOOL)"
	"$PY" -c 'import cbor2, cryptography' 2>/dev/null ||
	    die "$PY lacks python3-cbor2 or python3-cryptography"
	[ -f "$DEMO/voucher.cose" ] || die "$DEMO has no voucher.cose"
	for f in voucher pledge-voucher-request registrar-voucher-request; do
		seedf cose_sign1_parse "$f.cose" "$DEMO/$f.cose"
	done
	"$TOOL" cose-verify "$DEMO/voucher.cose" "$P/masa-signer.pem" \
	    "$T/voucher.cbor" >/dev/null
	"$TOOL" cose-verify "$DEMO/pledge-voucher-request.cose" \
	    "$P/idevid-0002.pem" "$T/pvr.cbor" >/dev/null
	"$TOOL" cose-verify "$DEMO/registrar-voucher-request.cose" \
	    "$P/registrar-ra.pem" "$T/rvr.cbor" >/dev/null
	for f in voucher pvr rvr; do
		seedf voucher_parse_cbor "$f.cbor" "$T/$f.cbor"
	done
	# every leaf, from the JSON seeds
	"$TOOL" json-cbor voucher "$C/voucher_parse_json/voucher-all.json" \
	    "$C/voucher_parse_cbor/voucher-all.cbor" >/dev/null
	"$TOOL" json-cbor request "$C/voucher_parse_json/request-agent.json" \
	    "$C/voucher_parse_cbor/request-agent.cbor" >/dev/null
	# the constrained-voucher draft's PVR example (test_voucher_cbor.c)
	printf 'a11909c5a401020748' | xxd -r -p >"$T/ex"
	printf '23bfbbc9c2bcf2130c4430593013' | xxd -r -p >>"$T/ex"
	printf '0d6d4a414441313233343536373839' | xxd -r -p >>"$T/ex"
	seedf voucher_parse_cbor draft-pvr.cbor "$T/ex"
	# x5bag with the signer's chain, unprotected (what the MASA sends)
	"$TOOL" cose-sign "$T/voucher.cbor" "$P/masa-signer.key" \
	    "$C/cose_sign1_parse/voucher-x5bag.cose" \
	    "$P/masa-signer-chain.pem" >/dev/null
	# P-384 (ES384); no demo key verifies it
	"$OPENSSL" ecparam -name secp384r1 -genkey -noout -out "$T/k384.pem"
	"$TOOL" cose-sign "$T/pvr.cbor" "$T/k384.pem" \
	    "$C/cose_sign1_parse/pvr-es384.cose" >/dev/null
	mkdir -p "$C/telemetry_parse_cbor"
	"$PY" - "$T" "$C" "$P" <<'PYEOF'
import sys, cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
T, C, P = sys.argv[1:4]
def rd(p): return open(p, "rb").read()
def wr(entry, name, b): open("%s/%s/%s" % (C, entry, name), "wb").write(b)
key = serialization.load_pem_private_key(rd(P + "/masa-signer.key"), None)
def der(f): return x509.load_pem_x509_certificate(rd(f)).public_bytes(serialization.Encoding.DER)
def sign1(prot, unprot, payload, tag=True):
    p = cbor2.dumps(prot) if prot else b""
    r, s = decode_dss_signature(key.sign(cbor2.dumps(["Signature1", p, b"", payload]),
                                         ec.ECDSA(hashes.SHA256())))
    m = [p, unprot, payload, r.to_bytes(32, "big") + s.to_bytes(32, "big")]
    return cbor2.dumps(cbor2.CBORTag(18, m) if tag else m)
v = rd(T + "/voucher.cbor")
signer, ca = der(P + "/masa-signer.pem"), der(P + "/masa-ca.pem")
wr("cose_sign1_parse", "voucher-untagged.cose", sign1({1: -7}, {}, v, tag=False))
wr("cose_sign1_parse", "voucher-kid.cose", sign1({1: -7}, {4: b"masa-signer"}, v))
wr("cose_sign1_parse", "voucher-x5chain-protected.cose",
   sign1({1: -7, 33: [signer, ca]}, {}, v))
wr("cose_sign1_parse", "voucher-x5bag-one.cose", sign1({1: -7}, {32: signer, "x": 1}, v))
# the two-byte head of tag 18
wr("cose_sign1_parse", "voucher-tag2.cose", b"\xd8\x12" + rd(C + "/cose_sign1_parse/voucher.cose")[1:])
# voucher keys as tag 47 absolute SIDs and as names (RVR examples do)
d = cbor2.loads(v)[2451]
wr("voucher_parse_cbor", "voucher-sid47.cbor",
   cbor2.dumps({2451: {cbor2.CBORTag(47, 2451 + k): x for k, x in d.items()}}))
names = {1: "assertion", 2: "created-on", 3: "domain-cert-revocation-checks",
         4: "expires-on", 5: "idevid-issuer", 7: "nonce", 8: "pinned-domain-cert",
         11: "serial-number"}
wr("voucher_parse_cbor", "voucher-names.cbor",
   cbor2.dumps({2451: {names.get(k, k): x for k, x in d.items()}}))
# status telemetry as the pledge sends it, and what others might
for name, t in [("ok", {"version": 1, "status": True}),
                ("fail", {"version": 1, "status": False, "reason": "Informative human readable failure reason"}),
                ("context", {"version": 1, "status": False, "reason": "x",
                             "reason-context": {"pvr-nonce": b"spooky", "n": [1, 2.5, None]}}),
                ("unknown", {"status": True, "version": 2, 7: "int key"})]:
    wr("telemetry_parse_cbor", name + ".cbor", cbor2.dumps(t))
PYEOF
	# RFC 8949's non-minimal heads: version 1 in 9 bytes, "status" in 2
	printf 'a26776657273696f6e1b00000000000000017806737461747573f5' |
	    xxd -r -p | seed telemetry_parse_cbor long-heads.cbor
	# the CBOR pre-walk: everything above, and what it must refuse
	for e in voucher_parse_cbor cose_sign1_parse telemetry_parse_cbor; do
		for f in "$C/$e"/*; do
			case ${f##*/} in crash-*|leak-*|oracle-*) continue ;; esac
			seedf cbor_util_load "$e-${f##*/}" "$f"
		done
	done
	hexseed() { printf '%s' "$2" | xxd -r -p | seed cbor_util_load "$1"; }
	hexseed huge-array.cbor 9a10000000
	hexseed huge-map.cbor bb0000000100000000
	hexseed indefinite.cbor 9f0102ff
	hexseed deep.cbor 8181818181818181818181818181818101
	hexseed tags.cbor d82f1909c5
	hexseed tag18-short.cbor d28440a04040
	hexseed bignum.cbor c249010000000000000000
	hexseed floats.cbor 84f93c00fa47c35000fb3ff199999999999af8ff
	hexseed simple.cbor 83f4f5f7
	hexseed negint.cbor 823b7fffffffffffffff3bffffffffffffffff
	# discovery answers (RFC 6690 link-format)
	printf '<>;brski-jp=5685' | seed link_format_jp_port join-proxy.txt
	printf '</.well-known/core>;ct=40;title="a,b;c\\"",<coaps://[fe80::1]:5685>;rt=brski.jp;brski-jp="5685"' |
	    seed link_format_jp_port two-links.txt
	printf '</sensors/temp>;rt="temperature-c";if="sensor",</sensors/light>;rt="light-lux";if="sensor";title*=UTF-8'"'"'de'"'"'n%%c3%%a4chtens' |
	    seed link_format_jp_port rfc6690.txt
	printf '<>;brski-jp=65536' | seed link_format_jp_port bad-port.txt
	# the keys the COSE target verifies with
	{
		sed -n '1,/^static const char fuzz_cose_keys_pem/p' "$HERE/fuzz_cose_key.h"
		for f in masa-signer idevid-0002; do
			printf '    /* %s */\n' "$("$OPENSSL" x509 -in "$P/$f.pem" \
			    -noout -subject | sed 's/^subject=//')"
			sed 's/.*/    "&\\n"/' "$P/$f.pem"
		done
		sed -n '/^    ;$/,$p' "$HERE/fuzz_cose_key.h"
	} >"$T/cose_key.h"
	mv "$T/cose_key.h" "$HERE/fuzz_cose_key.h"
}

[ "${2:-}" != cbor ] || { seeds_cbor; echo "CBOR seeds written to $C"; exit 0; }

# -------------------------------------------------- demo artifacts, JSON
content "$DEMO/voucher.cms" "$T/voucher.json"
content "$DEMO/pledge-voucher-request.cms" "$T/pvr.json"
content "$DEMO/registrar-voucher-request.cms" "$T/rvr.json"
for f in voucher pvr rvr; do
	seedf voucher_parse_json "$f.json" "$T/$f.json"
done
# leaves the demo does not send
cat <<'EOF' | seed voucher_parse_json voucher-all.json
{"ietf-voucher:voucher":{"assertion":"logged","created-on":"2026-01-01T00:00:00.5+01:00","expires-on":"2027-01-01T00:00:00Z","last-renewal-date":"2026-06-01T00:00:00z","serial-number":"JADA123456789","idevid-issuer":"BBgwFoAUMxlJxqLkmTo6","pinned-domain-pubk":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE","pinned-domain-pubk-sha256":"47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU","domain-cert-revocation-checks":true,"est-domain":"est.example.net","additional-configuration-url":"https://config.example.net/x","unknown-leaf":[1,{"a":2}]}}
EOF
cat <<'EOF' | seed voucher_parse_json request-agent.json
{"ietf-voucher-request:voucher":{"assertion":"agent-proximity","nonce":"AAECAwQFBgcICQoLDA0ODw","serial-number":"0002","agent-provided-proximity-registrar-cert":"MIIB","agent-signed-data":"MEUCIQ==","agent-sign-cert":"MIIC","proximity-registrar-pubk-sha256":"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=","manufacturer-proprietary":"AA=="}}
EOF

# -------------------------------------------------- CMS
seedf cms_verify voucher.cms "$DEMO/voucher.cms"
seedf cms_verify pvr.cms "$DEMO/pledge-voucher-request.cms"
seedf cms_verify rvr.cms "$DEMO/registrar-voucher-request.cms"
# no certificates: the anchor is the signer (the hint path)
"$OPENSSL" cms -sign -binary -nodetach -nocerts -md sha256 \
    -econtent_type "$voucher_oid" -in "$T/voucher.json" \
    -signer "$P/masa-signer.pem" -inkey "$P/masa-signer.key" \
    -outform DER | seed cms_verify voucher-nocerts.cms
# the signer with its CA, as openssl would send it
"$OPENSSL" cms -sign -binary -nodetach -md sha256 \
    -econtent_type "$voucher_oid" -in "$T/voucher.json" \
    -signer "$P/masa-signer.pem" -inkey "$P/masa-signer.key" \
    -certfile "$P/masa-ca.pem" -outform DER | seed cms_verify voucher-openssl.cms
# id-data instead of the voucher type
"$OPENSSL" cms -sign -binary -nodetach -md sha256 -in "$T/pvr.json" \
    -signer "$P/idevid-0001.pem" -inkey "$P/idevid-0001.key" \
    -outform DER | seed cms_verify pvr-iddata.cms

# -------------------------------------------------- certificates
for f in domain-ca masa-ca vendor-ca masa-signer masa-tls registrar-ra \
    registrar-tls idevid-0001; do
	der "$P/$f.pem" | seed x509_parse "$f.der"
done
der "$DEMO/ldevid.pem" | seed x509_parse ldevid.der
# a version 1 certificate (no extensions)
"$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$T/k.pem"
"$OPENSSL" req -new -key "$T/k.pem" -subj "/CN=v1" -out "$T/v1.csr"
"$OPENSSL" x509 -req -in "$T/v1.csr" -key "$T/k.pem" -days 30 \
    -set_serial 7 -outform DER -out "$T/v1.der" 2>/dev/null
"$OPENSSL" asn1parse -inform DER -in "$T/v1.der" | grep -q 'cont \[ 0 \]' ||
    seedf x509_parse v1.der "$T/v1.der"

seedf x509_list_parse masa-signer-chain.pem "$P/masa-signer-chain.pem"
seedf x509_list_parse idevid-chain.pem "$P/idevid-0001-chain.pem"
seedf x509_list_parse registrar-tls-chain.pem "$P/registrar-tls-chain.pem"
der "$P/registrar-ra.pem" | seed x509_list_parse registrar-ra.der
{
	"$OPENSSL" pkey -in "$P/domain-ca.key" -pubout
	cat "$P/domain-ca.pem"
	printf 'trailing text\n'
} | seed x509_list_parse with-pubkey.pem

# -------------------------------------------------- certs-only PKCS#7
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$P/domain-ca.pem" -outform DER |
    seed cms_certs_only_decode domain-ca.p7
"$OPENSSL" crl2pkcs7 -nocrl -certfile "$P/masa-signer-chain.pem" \
    -outform DER | seed cms_certs_only_decode masa-chain.p7

# -------------------------------------------------- CSRs
"$OPENSSL" req -new -key "$T/k.pem" -subj "/CN=pledge/serialNumber=0001" \
    -outform DER -out "$T/p256.csr"
seedf csr_parse p256.der "$T/p256.csr"
cat >"$T/req.cnf" <<'EOF'
[req]
prompt = no
distinguished_name = dn
attributes = attrs
[dn]
CN = pledge 0002
serialNumber = 0002
[attrs]
challengePassword = 0123456789abcdef0123456789abcdef
EOF
"$OPENSSL" ecparam -name secp384r1 -genkey -noout -out "$T/k384.pem"
"$OPENSSL" req -new -config "$T/req.cnf" -key "$T/k384.pem" -outform DER \
    -out "$T/p384.csr"
seedf csr_parse p384-challenge.der "$T/p384.csr"
"$OPENSSL" req -new -key "$T/k.pem" -subj "/CN=ldevid" \
    -addext "subjectAltName=DNS:pledge.example.net" -outform DER \
    -out "$T/san.csr"
seedf csr_parse san.der "$T/san.csr"

# -------------------------------------------------- EST bodies, csrattrs
base64 -w 64 "$T/p256.csr" | seed est_body_decode csr.b64
base64 -w 76 "$C/cms_certs_only_decode/domain-ca.p7" |
    sed 's/$/\r/' | seed est_body_decode cacerts-crlf.b64
seedf est_body_decode csr.der "$T/p256.csr"
printf 'MIIB\n' | seed est_body_decode short.b64

# RFC 7030 4.5.2's example
printf '%s' 'MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJBgcrBgEBAQEWBggqhkjOPQQDAw==' |
    base64 -d | seed est_csrattrs_parse rfc7030.der
# what est_csrattrs_build() sends: P-256 with and without the binding
hex() { xxd -r -p; }
cpw=06092a864886f70d010907
ec=301506072a8648ce3d0201310a06082a8648ce3d030107
alg=06082a8648ce3d040302
echo "302c$cpw$ec$alg" | hex | seed est_csrattrs_parse p256-challenge.der
echo "3021$ec$alg" | hex | seed est_csrattrs_parse p256.der
printf '\060\000' | seed est_csrattrs_parse empty.der

# -------------------------------------------------- DER in general
seedf der_read cert.der "$C/x509_parse/idevid-0001.der"
seedf der_read csr.der "$T/p384.csr"
seedf der_read csrattrs.der "$C/est_csrattrs_parse/rfc7030.der"
seedf der_read certs-only.der "$C/cms_certs_only_decode/domain-ca.p7"
printf '\060\040\027\015260225000000Z\030\01720491231235959Z' |
    seed der_read times.der
printf '\030\01720500101000000Z' | seed der_read gentime.der

# -------------------------------------------------- base64
head -c 300 "$C/est_body_decode/csr.b64" | seed b64_decode csr-lines.b64
printf 'BW7zH3t-32tBWaF9YjM4PA' | seed b64_decode nonce-url.b64
printf 'BW7zH3t+32tBWaF9YjM4PA==' | seed b64_decode nonce.b64
printf 'QQ==' | seed b64_decode one.b64
printf 'QUI=' | seed b64_decode two.b64
printf 'QUJD' | seed b64_decode three.b64
printf ' Q U J D\r\n' | seed b64_decode spaces.b64
printf '' | seed b64_decode empty.b64

# -------------------------------------------------- telemetry
printf '{"version":1,"status":true}' | seed telemetry_parse_json ok.json
printf '{"version":1,"status":false,"reason":"Informative human readable failure reason","reason-context":{"pvr-nonce":"c3Bvb2t5","extra":[1,2,{"a":null}]}}' |
    seed telemetry_parse_json fail.json
printf '{"version":"1","status":true,"x":1}' | seed telemetry_parse_json bad.json
printf '{\n  "version": 1,\n  "status": true,\n  "Reason": "unknown"\n}\n' |
    seed telemetry_parse_json unknown.json

# -------------------------------------------------- dates
printf '2016-10-07T19:31:42Z' | seed rfc3339_parse z.txt
printf '2019-05-15T17:25:55.644-04:00' | seed rfc3339_parse frac-offset.txt
printf '2024-02-29t23:59:59+14:00' | seed rfc3339_parse leap.txt
printf '1970-01-01T00:00:00Z' | seed rfc3339_parse epoch.txt
printf '9999-12-31T23:59:59.999999999Z' | seed rfc3339_parse max.txt

# -------------------------------------------------- URLs
printf 'https://masa.example.com/.well-known/brski' | seed httpc_url_parse masa.txt
printf 'https://[fe80::1%%25eth0]:8443/p?q=1' | seed httpc_url_parse v6-zone.txt
printf 'http://192.0.2.7:80' | seed httpc_url_parse http-v4.txt
printf 'https://user@h.example/#frag' | seed httpc_url_parse userinfo.txt
printf 'HTTPS://MASA.Example.COM:65535' | seed httpc_url_parse upper.txt

# -------------------------------------------------- HTTP responses
crlf() { sed 's/$/\r/'; }
printf 'HTTP/1.1 200 OK\nContent-Type: application/voucher-cms+json\nContent-Length: 5\n\n' |
    crlf | { cat; printf 'hello'; } | seed httpc_response_parse 200.http
printf 'HTTP/1.1 200 OK\nTransfer-Encoding: chunked\nConnection: keep-alive\n\n4\nWiki\n0\nX-Trailer: t\n\n' |
    crlf | seed httpc_response_parse chunked.http
printf 'HTTP/1.1 202 Accepted\nRetry-After: 60\nContent-Length: 0\n\n' |
    crlf | seed httpc_response_parse 202.http
printf 'HTTP/1.1 100 Continue\n\nHTTP/1.1 204 No Content\n\n' |
    crlf | seed httpc_response_parse continue.http
printf 'HTTP/1.0 200 OK\nContent-Type: text/plain\n\nbody until close' |
    seed httpc_response_parse close.http
printf 'HTTP/1.1 401 Unauthorized\nWWW-Authenticate: Basic realm="a"\nWWW-Authenticate: Bearer\nContent-Length: 0\n\n' |
    crlf | seed httpc_response_parse 401.http
printf 'HTTP/1.1 301 Moved\nLocation: https://r.example/x\nRetry-After: Fri, 31 Dec 1999 23:59:59 GMT\nContent-Length: 0\n\n' |
    crlf | seed httpc_response_parse 301.http
printf 'HTTP/1.1 304 Not Modified\nContent-Length: 100\n\n' |
    crlf | seed httpc_response_parse 304.http
{
	printf 'HTTP/1.1 200 OK\nContent-Type: application/pkcs7-mime; smime-type=certs-only\nContent-Transfer-Encoding: base64\n' |
	    crlf
	printf 'Content-Length: %d\r\n\r\n' \
	    "$(wc -c <"$C/est_body_decode/cacerts-crlf.b64")"
	cat "$C/est_body_decode/cacerts-crlf.b64"
} | seed httpc_response_parse cacerts.http

# -------------------------------------------------- private keys
# fresh throwaway keys, never the demo's: SEC 1 and PKCS#8, PEM and DER
"$OPENSSL" ecparam -name prime256v1 -genkey -noout |
    seed key_parse p256-sec1.pem
"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 |
    seed key_parse p384-pkcs8.pem
"$OPENSSL" ecparam -name secp521r1 -genkey -noout -outform DER |
    seed key_parse p521-sec1.der
"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -outform DER | seed key_parse p256-pkcs8.der
"$OPENSSL" genpkey -algorithm ED25519 | seed key_parse ed25519.pem

# -------------------------------------------------- configuration
for f in masa registrar pledge; do
	seedf conf_load_buffer "brski-$f.conf" "$HERE/../../etc/brski-$f.conf"
done
printf 'port 0\nmanufacturer-ca "/a b.pem"\nmanufacturer-ca /c.pem # two\nnonceless-lifetime 2h\nrequire-pvr off\n' |
    seed conf_load_buffer types.conf
printf 'listen "unterminated\n' | seed conf_load_buffer quote.conf

# -------------------------------------------------- anchors of the CMS seeds
{
	sed -n '1,/^static const char fuzz_anchors_pem/p' "$HERE/fuzz_anchors.h"
	for f in domain-ca masa-ca vendor-ca masa-signer registrar-ra; do
		printf '    /* %s */\n' "$("$OPENSSL" x509 -in "$P/$f.pem" \
		    -noout -subject | sed 's/^subject=//')"
		sed 's/.*/    "&\\n"/' "$P/$f.pem"
	done
	sed -n '/^    ;$/,$p' "$HERE/fuzz_anchors.h"
} >"$T/anchors.h"
mv "$T/anchors.h" "$HERE/fuzz_anchors.h"
seeds_cbor
echo "seeds written to $C; check FUZZ_NOW in fuzz_anchors.h"
