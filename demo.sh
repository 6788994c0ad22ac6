#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The three-party demo on loopback: installs what Debian packages are
# missing, builds, mints a PKI with brski-certs, starts brski-masa and
# brski-registrar, enrolls brski-pledge over HTTPS (CMS vouchers), then a
# constrained pledge over CoAPS through brski-join-proxy (COSE vouchers,
# EST-coaps), checks the results with openssl and python3-cryptography,
# and leaves every artifact in one directory (default demo-out/).
#
# usage: ./demo.sh [--serve] [OUTDIR]
#   --serve  keep the MASA and the registrar running after the enrollment
#            (and the join proxy) and print ready-to-paste curl, openssl
#            and coap-client examples; Ctrl-C or SIGTERM stops them.
set -eu
cd "$(dirname "$0")"
TOP=$(pwd)
SERVE=0
OUT=demo-out
for a in "$@"; do
	case $a in
	--serve) SERVE=1 ;;
	-h|--help) sed -n '3,10p' "$0"; exit 0 ;;
	*) OUT=$a ;;
	esac
done

step() { printf '\n==> %s\n' "$*"; }
die() { printf '\nDEMO FAILED: %s\n' "$*" >&2; exit 1; }

step "Debian packages"
. ./scripts/deps.sh
install_deps

step "Build (autotools, into build/)"
if [ ! -f build/Makefile ]; then
	autoreconf -fi >/dev/null 2>&1 || die "autoreconf"
	mkdir -p build
	(cd build && ../configure >configure.log 2>&1) ||
	    die "configure (see build/configure.log)"
fi
make -C build -j"$(nproc)" >build/make.log 2>&1 || die "make (see build/make.log)"
B=$TOP/build
echo "built brski-certs, brski-masa, brski-registrar, brski-pledge, brski-join-proxy"
udp_port() {
	/usr/bin/python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
PIDS=""
cleanup() {
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: a daemon printing "listening PORT"; sets PORT
start() {
	name=$1; shift
	BRSKI_LOG_STDERR=1 "$@" >"$OUT/$name.port" 2>"$OUT/$name.log" &
	PIDS="$PIDS $!"
	i=0
	until grep -q '^listening' "$OUT/$name.port" 2>/dev/null; do
		[ $i -lt 100 ] && kill -0 $! 2>/dev/null ||
		    { cat "$OUT/$name.log"; die "$name did not start"; }
		sleep 0.1
		i=$((i + 1))
	done
	PORT=$(awk '/^listening/{print $2}' "$OUT/$name.port")
	rm -f "$OUT/$name.port"
}

P=$OUT/pki
step "1. brski-certs mints the demo PKI into $P"
"$B/certs/brski-certs" init "$P"

"$B/certs/brski-certs" idevid "$P" 0002 >/dev/null

step "2. the manufacturer's MASA knows devices 0001 and 0002 and starts"
"$B/masa/brski-masa" --database "$OUT/masa.db" ctl add 0001 0002
start masa "$B/masa/brski-masa" -d --port 0 --database "$OUT/masa.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MASA_PORT=$PORT
echo "MASA on https://localhost:$MASA_PORT (log: $OUT/masa.log)"

step "3. the operator's registrar starts (domain CA; BRSKI + EST over HTTPS, cBRSKI + EST-coaps over CoAPS)"
COAPS_PORT=$(udp_port)
start registrar "$B/registrar/brski-registrar" -d --port 0 \
    --coaps-port "$COAPS_PORT" --coaps-listen 127.0.0.1 \
    --database "$OUT/registrar.db" \
    --tls-cert "$P/registrar-tls-chain.pem" --tls-key "$P/registrar-tls.key" \
    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
    --masa-url "https://localhost:$MASA_PORT"
REG_PORT=$PORT
echo "registrar on https://localhost:$REG_PORT and coaps://127.0.0.1:$COAPS_PORT (log: $OUT/registrar.log)"

step "4. the pledge (IDevID 0001) enrolls"
BRSKI_LOG_STDERR=1 "$B/pledge/brski-pledge" -d \
    --registrar "https://localhost:$REG_PORT" \
    --idevid-cert "$P/idevid-0001-chain.pem" --idevid-key "$P/idevid-0001.key" \
    --masa-ca "$P/masa-ca.pem" --state-dir "$OUT/pledge-state" \
    2>"$OUT/pledge.log" || { cat "$OUT/pledge.log"; die "the pledge failed"; }
sed 's/^[^ ]* [^ ]* info: /    /' "$OUT/pledge.log"

step "5. the join proxy starts next to the constrained pledges"
DISC_PORT=$(udp_port)
# any-source: on loopback there is no IPv6 link-local pledge
start join-proxy "$B/registrar/brski-join-proxy" -d --registrar 127.0.0.1 \
    --registrar-port "$COAPS_PORT" --listen 127.0.0.1 --port 0 \
    --discovery-port "$DISC_PORT" --any-source
JP_PORT=$PORT
echo "join proxy on coaps://127.0.0.1:$JP_PORT (log: $OUT/join-proxy.log)"
if command -v coap-client-openssl >/dev/null; then
	echo "CoAP discovery (coap-client-openssl): $(timeout 10 coap-client-openssl -B 5 -m get \
	    "coap://127.0.0.1:$DISC_PORT/.well-known/core?brski-jp=*")"
fi

step "6. a constrained pledge (IDevID 0002) enrolls over CoAPS through the join proxy"
BRSKI_LOG_STDERR=1 "$B/pledge/brski-pledge" -d \
    --registrar "coaps://127.0.0.1:$JP_PORT" \
    --idevid-cert "$P/idevid-0002-chain.pem" --idevid-key "$P/idevid-0002.key" \
    --masa-ca "$P/masa-signer.pem" --state-dir "$OUT/pledge-coaps-state" \
    2>"$OUT/pledge-coaps.log" || { cat "$OUT/pledge-coaps.log"; die "the constrained pledge failed"; }
sed 's/^[^ ]* [^ ]* info: /    /' "$OUT/pledge-coaps.log"

step "7. artifacts, checked with openssl and python3-cryptography"
S=$OUT/pledge-state/current
cp "$S/pledge-voucher-request.cms" "$S/voucher.cms" "$S/ldevid.pem" "$OUT/"
cp "$P/masa-ca.pem" "$P/domain-ca.pem" "$OUT/"
cp "$P/idevid-0001.pem" "$OUT/idevid.pem"
"$B/registrar/brski-registrar" --database "$OUT/registrar.db" ctl export 0001 \
    rvr "$OUT/registrar-voucher-request.cms"
openssl cms -verify -binary -inform DER -in "$OUT/voucher.cms" \
    -CAfile "$OUT/masa-ca.pem" -purpose any -no-CApath -no-CAstore \
    -out "$OUT/voucher.json" 2>/dev/null || die "voucher does not verify"
echo "voucher.cms verifies with masa-ca.pem: $(cat "$OUT/voucher.json")" | cut -c1-160
openssl cms -verify -binary -inform DER -in "$OUT/registrar-voucher-request.cms" \
    -CAfile "$OUT/domain-ca.pem" -purpose any -no-CApath -no-CAstore \
    -out /dev/null 2>/dev/null || die "registrar voucher-request does not verify"
echo "registrar-voucher-request.cms verifies with domain-ca.pem"
openssl cms -verify -binary -inform DER -in "$OUT/pledge-voucher-request.cms" \
    -CAfile "$P/vendor-ca.pem" -purpose any -no-CApath -no-CAstore \
    -out /dev/null 2>/dev/null || die "pledge voucher-request does not verify"
echo "pledge-voucher-request.cms verifies with the manufacturer CA"
openssl verify -CAfile "$OUT/domain-ca.pem" "$OUT/ldevid.pem" ||
    die "LDevID does not verify"
openssl x509 -in "$OUT/ldevid.pem" -noout -subject -enddate | sed 's/^/    /'
C=$OUT/pledge-coaps-state/current
cp "$C/pledge-voucher-request.cose" "$C/voucher.cose" "$OUT/"
cp "$C/ldevid.pem" "$OUT/ldevid-coaps.pem"
cp "$P/masa-signer.pem" "$OUT/"
"$B/registrar/brski-registrar" --database "$OUT/registrar.db" ctl export 0002 \
    rvr "$OUT/registrar-voucher-request.cose"
openssl verify -CAfile "$OUT/domain-ca.pem" "$OUT/ldevid-coaps.pem" ||
    die "the constrained pledge's LDevID does not verify"
/usr/bin/python3 - "$OUT/voucher.cose" "$OUT/masa-signer.pem" >"$OUT/voucher-cose.txt" <<'PYEOF' ||
import sys, cbor2
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
msg = cbor2.loads(open(sys.argv[1], "rb").read())
prot, unprot, payload, sig = msg.value
key = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read()).public_key()
n = len(sig) // 2
key.verify(encode_dss_signature(int.from_bytes(sig[:n], "big"), int.from_bytes(sig[n:], "big")),
           cbor2.dumps(["Signature1", prot, b"", payload]), ec.ECDSA(hashes.SHA256()))
names = {1: "assertion", 2: "created-on", 3: "domain-cert-revocation-checks",
         4: "expires-on", 5: "idevid-issuer", 7: "nonce", 8: "pinned-domain-cert",
         11: "serial-number"}
v = cbor2.loads(payload)[2451]
print("COSE_Sign1 tag %d, protected %s, voucher (SID 2451):" % (msg.tag, cbor2.loads(prot)))
for k in sorted(v):
    x = v[k]
    print("  %s: %s" % (names.get(k, k), x.hex()[:40] + "..." if isinstance(x, bytes) else x))
PYEOF
    die "voucher.cose does not verify with masa-signer.pem (python3-cryptography)"
echo "voucher.cose verifies with masa-signer.pem (python3-cbor2 + python3-cryptography):"
sed 's/^/    /' "$OUT/voucher-cose.txt"
curl -sS --max-time 10 --cacert "$OUT/domain-ca.pem" -o "$OUT/domain-ca.crl" \
    "https://localhost:$REG_PORT/crl" || die "GET /crl failed"
openssl crl -inform DER -in "$OUT/domain-ca.crl" -CAfile "$OUT/domain-ca.pem" \
    -noout 2>&1 | grep -q "verify OK" || die "the CRL does not verify"
echo "domain-ca.crl (GET /crl) verifies with domain-ca.pem"

cat >"$OUT/index.txt" <<EOF
BRSKI demo, $(date -u +%Y-%m-%dT%H:%M:%SZ)

pledge-voucher-request.cms     the pledge's voucher-request (CMS, signed by its IDevID)
registrar-voucher-request.cms  the registrar's voucher-request to the MASA (CMS, RA key)
voucher.cms                    the MASA's voucher (CMS, signed by the MASA signer)
voucher.json                   its content
masa-ca.pem                    the anchor that verifies the voucher (pledge's factory anchor)
domain-ca.pem                  the owner's domain CA (pinned by the voucher, issued the LDevID)
idevid.pem                     the pledge's IDevID (serialNumber 0001, MASA URL extension)
ldevid.pem                     the pledge's new LDevID
pledge-state/                  the pledge's state directory (current -> generation)
pki/                           everything brski-certs made (see pki/index.txt)
pledge-voucher-request.cose    the constrained pledge's voucher-request (COSE_Sign1 + CBOR, IDevID 0002)
registrar-voucher-request.cose the registrar's COSE voucher-request to the MASA
voucher.cose                   the MASA's COSE voucher (as the pledge got it: x5bag stripped)
voucher-cose.txt               its content, decoded by python3-cbor2
masa-signer.pem                the constrained pledge's anchor: the MASA signer's certificate
ldevid-coaps.pem               the constrained pledge's LDevID (EST-coaps)
domain-ca.crl                  the domain CA's CRL (DER), from the registrar's GET /crl
pledge-coaps-state/            its state directory
masa.log registrar.log pledge.log pledge-coaps.log join-proxy.log   the programs' logs
masa.db registrar.db           the daemons' SQLite state

Check them yourself:
  openssl cms -verify -binary -inform DER -in voucher.cms -CAfile masa-ca.pem -purpose any -no-CApath -no-CAstore
  openssl verify -CAfile domain-ca.pem ldevid.pem
EOF
echo "all artifacts are in $OUT (see $OUT/index.txt)"

if [ $SERVE = 0 ]; then
	step "8. stopping the daemons"
	exit 0
fi
R="https://localhost:$REG_PORT"
cat <<EOF

==> serving: MASA https://localhost:$MASA_PORT  registrar $R and coaps://127.0.0.1:$COAPS_PORT
    join proxy coaps://127.0.0.1:$JP_PORT (discovery coap://127.0.0.1:$DISC_PORT)
Trust anchors and credentials are in $P (see $P/index.txt).  Try:

  # EST: the domain CA certificates
  curl -s --cacert $P/domain-ca.pem $R/.well-known/est/cacerts | base64 -d | openssl pkcs7 -inform DER -print_certs -noout

  # a second pledge, with a new IDevID
  $B/certs/brski-certs idevid $P 0002 && $B/masa/brski-masa --database $OUT/masa.db ctl add 0002
  $B/pledge/brski-pledge -d --registrar $R --idevid-cert $P/idevid-0002-chain.pem --idevid-key $P/idevid-0002.key --masa-ca $P/masa-ca.pem --state-dir /tmp/pledge-0002

  # CoAPS: what the registrar offers, and the domain CA over EST-coaps (DER, CF 287)
  coap-client-openssl -m get coaps://127.0.0.1:$COAPS_PORT/.well-known/core -c $P/idevid-0002.pem -j $P/idevid-0002.key
  coap-client-openssl -m get -A 287 -o /tmp/ca.der coaps://127.0.0.1:$COAPS_PORT/.well-known/est/crts && openssl x509 -inform DER -in /tmp/ca.der -noout -subject

  # a third pledge, constrained, through the join proxy
  $B/certs/brski-certs idevid $P 0003 && $B/masa/brski-masa --database $OUT/masa.db ctl add 0003
  $B/pledge/brski-pledge -d --registrar coaps://127.0.0.1:$JP_PORT --idevid-cert $P/idevid-0003-chain.pem --idevid-key $P/idevid-0003.key --masa-ca $P/masa-signer.pem --state-dir /tmp/pledge-0003

  # what the registrar knows; revoke a certificate and see it on the CRL
  $B/registrar/brski-registrar --database $OUT/registrar.db ctl list
  $B/registrar/brski-registrar --database $OUT/registrar.db ctl certs
  $B/registrar/brski-registrar --database $OUT/registrar.db ctl revoke-cert SERIAL --reason superseded
  curl -s --cacert $P/domain-ca.pem $R/crl | openssl crl -inform DER -noout -text

  # health and metrics (Prometheus text)
  curl -s --cacert $P/domain-ca.pem $R/healthz; curl -s --cacert $P/domain-ca.pem $R/metrics | head

Ctrl-C stops them.
EOF
while :; do sleep 3600 & wait $! || break; done
