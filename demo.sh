#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The three-party demo on loopback: installs what Debian packages are
# missing, builds, mints a PKI with brski-certs, starts brski-masa and
# brski-registrar, enrolls brski-pledge, checks the result with openssl,
# and leaves every artifact in one directory (default demo-out/).
#
# usage: ./demo.sh [--serve] [OUTDIR]
#   --serve  keep the MASA and the registrar running after the enrollment
#            and print ready-to-paste curl/openssl examples; Ctrl-C stops.
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
echo "built brski-certs, brski-masa, brski-registrar, brski-pledge"

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

step "2. the manufacturer's MASA knows device 0001 and starts"
"$B/masa/brski-masa" --database "$OUT/masa.db" ctl add 0001
start masa "$B/masa/brski-masa" -d --port 0 --database "$OUT/masa.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MASA_PORT=$PORT
echo "MASA on https://localhost:$MASA_PORT (log: $OUT/masa.log)"

step "3. the operator's registrar starts (domain CA, EST, BRSKI)"
start registrar "$B/registrar/brski-registrar" -d --port 0 \
    --database "$OUT/registrar.db" \
    --tls-cert "$P/registrar-tls-chain.pem" --tls-key "$P/registrar-tls.key" \
    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
    --masa-url "https://localhost:$MASA_PORT"
REG_PORT=$PORT
echo "registrar on https://localhost:$REG_PORT (log: $OUT/registrar.log)"

step "4. the pledge (IDevID 0001) enrolls"
BRSKI_LOG_STDERR=1 "$B/pledge/brski-pledge" -d \
    --registrar "https://localhost:$REG_PORT" \
    --idevid-cert "$P/idevid-0001-chain.pem" --idevid-key "$P/idevid-0001.key" \
    --masa-ca "$P/masa-ca.pem" --state-dir "$OUT/pledge-state" \
    2>"$OUT/pledge.log" || { cat "$OUT/pledge.log"; die "the pledge failed"; }
sed 's/^[^ ]* [^ ]* info: /    /' "$OUT/pledge.log"

step "5. artifacts, checked with openssl"
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
masa.log registrar.log pledge.log   the three programs' logs
masa.db registrar.db           the daemons' SQLite state

Check them yourself:
  openssl cms -verify -binary -inform DER -in voucher.cms -CAfile masa-ca.pem -purpose any -no-CApath -no-CAstore
  openssl verify -CAfile domain-ca.pem ldevid.pem
EOF
echo "all artifacts are in $OUT (see $OUT/index.txt)"

if [ $SERVE = 0 ]; then
	step "6. stopping the daemons"
	exit 0
fi
R="https://localhost:$REG_PORT"
cat <<EOF

==> serving: MASA https://localhost:$MASA_PORT  registrar $R
Trust anchors and credentials are in $P (see $P/index.txt).  Try:

  # EST: the domain CA certificates
  curl -s --cacert $P/domain-ca.pem $R/.well-known/est/cacerts | base64 -d | openssl pkcs7 -inform DER -print_certs -noout

  # a second pledge, with a new IDevID
  $B/certs/brski-certs idevid $P 0002 && $B/masa/brski-masa --database $OUT/masa.db ctl add 0002
  $B/pledge/brski-pledge -d --registrar $R --idevid-cert $P/idevid-0002-chain.pem --idevid-key $P/idevid-0002.key --masa-ca $P/masa-ca.pem --state-dir /tmp/pledge-0002

  # what the registrar knows
  $B/registrar/brski-registrar --database $OUT/registrar.db ctl list

Ctrl-C stops both.
EOF
while :; do sleep 3600 & wait $! || break; done
