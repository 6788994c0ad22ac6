#!/bin/sh
# The attack matrix: real brski-masa and brski-registrar processes on
# loopback, attacked by real brski-pledge processes talking to hostile
# registrars, and by crafted clients (curl, python ssl) talking to the
# registrar and the MASA.  Each row of the table asserts
#   1. the exact HTTP status or pledge exit code,
#   2. a line naming the reason, new in the right program's log,
#   3. that no state changed: both SQLite databases (sqlite3 .dump) and
#      the pledge's state directory (names, modes, sizes, hashes) are
#      byte for byte what they were before (two rows say exactly which
#      change they expect instead).
# One line per case, a summary, exit 1 if any case failed.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
need sqlite3
[ -x "$PY" ] || skip "Debian's python3 is needed for the crafted clients"
$PY -c 'import cryptography' 2>/dev/null || skip "python3-cryptography is not installed"
EVIL="$top_srcdir/test/e2e/evil_registrar.py"
ATT="$PY $top_srcdir/test/e2e/attack_tools.py"
export TOOL
TMO=3			# connection-timeout of both daemons, seconds
START=$(date +%s)

# ---------------------------------------------------------------- setup
P=$T/pki
O=$T/other		# another manufacturer and another domain
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 0004 >/dev/null
"$CERTS" init "$O" >/dev/null
$ATT expired-idevid "$P" 0009 "$P/idevid-0009" || fail "expired IDevID"
"$MASA" --database "$T/m.db" ctl add 0001 0002 0003 0009 >/dev/null || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --connection-timeout $TMO \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MPORT=$PORT
MURL=https://localhost:$MPORT
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" \
    --connection-timeout $TMO \
    --tls-cert "$P/registrar-tls-chain.pem" --tls-key "$P/registrar-tls.key" \
    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
    --masa-url "$MURL"
RPORT=$PORT
R=https://localhost:$RPORT
GOOD_R=$R

pledge() {	# pledge SERIAL [options...]: the real pledge against $R
	s=$1; shift
	"$PLEDGE" -d --registrar "$R" --idevid-cert "$P/idevid-$s-chain.pem" \
	    --idevid-key "$P/idevid-$s.key" --masa-ca "$P/masa-ca.pem" \
	    --timeout 10 "$@"
}

# the good run: pledge 0001 holds a voucher, an LDevID and state to guard
pledge 0001 --state-dir "$T/state" >"$T/good.out" 2>"$T/good.log" ||
    { cat "$T/good.log"; fail "the good enrollment failed"; }
S=$T/state/current
"$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$S/ldevid.pem" >/dev/null ||
    fail "the good LDevID does not verify"
cp "$S/voucher.cms" "$T/old-voucher.cms"	# for the replay
ok "setup: pledge 0001 enrolled through registrar and MASA"

# the other domain claims 0002 at our MASA first (for "owned by another domain")
N0=$(head -c 16 /dev/urandom | base64 -w0)
mk_pvr "$P" 0002 idevid-0002 "$N0" "$O/registrar-tls.pem" "$T/pvr2o.cms"
cat "$O/registrar-ra-chain.pem" "$O/registrar-tls.pem" >"$T/obag.pem"
printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"0002","prior-signed-voucher-request":"%s"}}' \
    "$N0" "$(base64 -w0 "$T/pvr2o.cms")" >"$T/rvr2o.json"
"$TOOL" cms-sign "$T/rvr2o.json" "$O/registrar-ra.pem" "$O/registrar-ra.key" \
    "$T/rvr2o.cms" "$T/obag.pem" >/dev/null
st=$(post_status "$MURL/.well-known/brski/requestvoucher" "$T/rvr2o.cms" \
    "$T/out" --cacert "$P/masa-ca.pem" --cert "$O/registrar-ra.pem" \
    --key "$O/registrar-ra.key" -H "Content-Type: application/voucher-cms+json")
[ "$st" = 200 ] || fail "setup: the other domain's claim of 0002: $st"

# ---------------------------------------------------------------- the runner
# state: both databases in full and the pledge's state directory
snap() {
	echo "== registrar"; sqlite3 -readonly "$T/r.db" .dump
	echo "== masa"; sqlite3 -readonly "$T/m.db" .dump
	echo "== pledge"
	(cd "$T/state" && find . -printf '%p %y %m %s %l\n' | sort &&
	    find . -type f -print0 | sort -z | xargs -0 sha256sum)
}
# the lines that appeared in the dump since $T/before
added() {
	snap >"$T/after"
	diff "$T/before" "$T/after" | sed -n 's/^> //p'
}

NCASE=0
NFAIL=0
bad() {
	echo "FAIL: $1: $2" >&2
	NFAIL=$((NFAIL + 1))
}
# row NAME WANT LOG REASON-ERE CMD...: CMD prints the status; LOG is the
# log file the reason must newly appear in.  CHANGE=fn: instead of "no
# change", fn must accept the added dump lines (stdin).
row() {
	name=$1 want=$2 log=$3 why=$4; shift 4
	NCASE=$((NCASE + 1))
	snap >"$T/before"
	[ "$log" != "$PLOG" ] || : >"$PLOG"	# the pledge's: one per run
	off=$(stat -c %s "$log" 2>/dev/null || echo 0)
	got=$("$@" 2>>"$T/cmd.err")
	sleep 0.05	# the log line is written before the answer; be generous
	line=$(tail -c +$((off + 1)) "$log" 2>/dev/null | grep -E -- "$why" | head -1 |
	    sed 's/^[0-9T:.Z-]* [a-z-]*\[[0-9]*\] [a-z]*: //' | cut -c1-220)
	if [ "$got" != "$want" ]; then
		bad "$name" "got $got, want $want"
		tail -c +$((off + 1)) "$log" | tail -3 >&2
		return 0
	fi
	if [ -z "$line" ]; then
		bad "$name" "no new line matching '$why' in $(basename "$log")"
		tail -c +$((off + 1)) "$log" | tail -5 >&2
		return 0
	fi
	if [ -n "${CHANGE:-}" ]; then
		added | $CHANGE || { bad "$name" "not the expected state change"; return 0; }
	elif ! snap | cmp -s - "$T/before"; then
		bad "$name" "state changed:"
		snap | diff "$T/before" - | head -5 >&2
		return 0
	fi
	echo "ok: $name: $got \"$line\""
}

# status helpers: each prints what the row compares
http() {	# http URL FILE curl-options...: the HTTP status
	u=$1 f=$2; shift 2
	curl -sS -o "$T/out" -w '%{http_code}' --max-time 10 "$@" \
	    --data-binary @"$f" "$u" || true
}
pexit() {	# pexit SERIAL pledge-options...: the pledge's exit code
	set +e
	pledge "$@" --state-dir "$T/state" >"$T/p.out" 2>"$T/p.log"
	echo $?
	set -e
}
slow() {	# slow PORT CA CERT KEY PATH MODE: "cut" within TMO + 2 s
	r=$(timeout $((TMO + 8)) $ATT slowloris "$@" $((TMO + 6)))
	case $r in
	cut*) awk -v t="${r#cut }" -v m=$((TMO + 2)) \
	    'BEGIN { print (t <= m ? "cut" : "cut-late " t) }' ;;
	*) echo "${r:-no-answer}" ;;
	esac
}
evil() {	# evil NAME CHAIN KEY MODE: a hostile registrar becomes $R
	start_daemon "$1" env "$EVIL" "$2" "$3" "$4"
	R=https://localhost:$PORT
}

RV=$GOOD_R/.well-known/brski/requestvoucher
EST=$GOOD_R/.well-known/est
MRV=$MURL/.well-known/brski/requestvoucher
MAL=$MURL/.well-known/brski/requestauditlog
CT="-H Content-Type:application/voucher-cms+json"
RLOG=$T/registrar.log
MLOG=$T/masa.log
PLOG=$T/p.log
dev() { echo "--cacert $P/domain-ca.pem --cert $1/idevid-$2-chain.pem --key $1/idevid-$2.key"; }
ra() { echo "--cacert $P/masa-ca.pem --cert $1/registrar-ra.pem --key $1/registrar-ra.key"; }
nonce() { head -c 16 /dev/urandom | base64 -w0; }
mkcsr() {	# mkcsr KEYFILE SUBJECT OUT(base64)
	[ -f "$1" ] || "$OPENSSL" ecparam -name prime256v1 -genkey -noout -out "$1"
	"$OPENSSL" req -new -key "$1" -subj "$2" -outform DER | base64 >"$3"
}

# ---------------------------------------------------------------- pledge
# hostile registrars in front of the real pledge; the state dir is 0001's
export EVIL_SIGNER="$P/masa-signer.pem" EVIL_SIGNER_KEY="$P/masa-signer.key"
export EVIL_CHAIN="$P/masa-signer-chain.pem" EVIL_PIN="$P/domain-ca.pem"
EVIL_SIGNER=$P/registrar-ra.pem EVIL_SIGNER_KEY=$P/registrar-ra.key \
    EVIL_CHAIN=$P/registrar-ra-chain.pem \
    evil e1 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
row "pledge: voucher forged with a non-MASA key (the registrar's)" 4 "$PLOG" \
    "voucher rejected: .*(signature|anchor|chain|trust)" pexit 0001
EVIL_SIGNER=$O/masa-signer.pem EVIL_SIGNER_KEY=$O/masa-signer.key \
    EVIL_CHAIN=$O/masa-signer-chain.pem \
    evil e2 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
row "pledge: voucher signed by another manufacturer's MASA" 4 "$PLOG" \
    "voucher rejected: .*(signature|anchor|chain|trust)" pexit 0001
EVIL_TAMPER=1 evil e3 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
row "pledge: genuine-looking voucher with one bit flipped" 4 "$PLOG" \
    "voucher rejected: .*(signature|[Dd]igest)" pexit 0001
EVIL_VOUCHER=$T/old-voucher.cms \
    evil e4 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" replay
row "pledge: replayed genuine voucher (old nonce)" 4 "$PLOG" \
    "voucher rejected: .*nonce is not the one sent" pexit 0001
EVIL_SERIAL=0002 evil e5 "$P/registrar-tls-chain.pem" "$P/registrar-tls.key" forge
row "pledge: voucher for another device's serial-number" 4 "$PLOG" \
    "voucher rejected: .*serial-number \"0002\"" pexit 0001
evil e6 "$O/registrar-tls-chain.pem" "$O/registrar-tls.key" forge
row "pledge: registrar of another domain relays a voucher pinning ours" 4 \
    "$PLOG" "not of the domain the voucher pins" pexit 0001
R=$GOOD_R

# ---------------------------------------------------------------- registrar: requestvoucher
N=$(nonce)
mk_pvr "$P" 0002 idevid-0003 "$N" "$P/registrar-tls.pem" "$T/pvr-otherkey.cms"
row "registrar: PVR signed by a key other than the TLS client's" 401 "$RLOG" \
    "refused \(401\): voucher-request is not signed by the IDevID that authenticated" \
    http "$RV" "$T/pvr-otherkey.cms" $(dev "$P" 0002) $CT
mk_pvr "$P" 0003 idevid-0002 "$N" "$P/registrar-tls.pem" "$T/pvr-serial.cms"
row "registrar: PVR serial-number not the IDevID's" 401 "$RLOG" \
    "refused \(401\): serial-number \"0003\" .* not the IDevID's \"0002\"" \
    http "$RV" "$T/pvr-serial.cms" $(dev "$P" 0002) $CT
mk_pvr "$P" 0002 idevid-0002 "$N" "$O/registrar-tls.pem" "$T/pvr-prox.cms"
row "registrar: proximity-registrar-cert is another registrar's" 401 "$RLOG" \
    "refused \(401\): proximity-registrar-cert is not this registrar's" \
    http "$RV" "$T/pvr-prox.cms" $(dev "$P" 0002) $CT
printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","nonce":"%s","serial-number":"0002","serial-number":"0002","proximity-registrar-cert":"%s"}}' \
    "$N" "$(der_b64 "$P/registrar-tls.pem")" >"$T/dup.json"
"$TOOL" cms-sign "$T/dup.json" "$P/idevid-0002.pem" "$P/idevid-0002.key" \
    "$T/dup.cms" >/dev/null
row "registrar: PVR with duplicate JSON keys" 400 "$RLOG" \
    "refused \(400\): .*duplicate object key" \
    http "$RV" "$T/dup.cms" $(dev "$P" 0002) $CT
mk_pvr "$P" 0002 idevid-0002 "$N" "$P/registrar-tls.pem" "$T/pvr2.cms"
$ATT flip "$T/pvr2.cms" "$T/pvr2-flip.cms" '"serial-number":"000'
row "registrar: PVR with one bit of its content flipped" 401 "$RLOG" \
    "refused \(401\): voucher-request: .*([Ss]ignature|digest)" \
    http "$RV" "$T/pvr2-flip.cms" $(dev "$P" 0002) $CT
row "registrar: wrong Content-Type" 415 "$RLOG" \
    "refused \(415\): Content-Type application/json" \
    http "$RV" "$T/pvr2.cms" $(dev "$P" 0002) -H "Content-Type: application/json"
row "registrar: Accept without voucher-cms+json" 406 "$RLOG" \
    "refused \(406\): Accept application/voucher\+cose" \
    http "$RV" "$T/pvr2.cms" $(dev "$P" 0002) $CT -H "Accept: application/voucher+cose"
head -c 70000 /dev/urandom >"$T/big"
row "registrar: oversized body" 413 "$RLOG" "refused \(413\): body over 65536 bytes" \
    http "$RV" "$T/big" $(dev "$P" 0002) $CT
PAD=$(head -c 20000 /dev/zero | tr '\0' a)
row "registrar: header block over connection-memory (16384)" 431 "$RLOG" \
    "HTTP response code is 431 .*header was too big" \
    http "$RV" "$T/pvr2.cms" $(dev "$P" 0002) $CT -H "X-Pad: $PAD"
row "registrar: slowloris body (a byte a second)" cut "$RLOG" \
    "body still incomplete after ${TMO}s \(slow client\)" \
    slow "$RPORT" "$P/domain-ca.pem" "$P/idevid-0002-chain.pem" "$P/idevid-0002.key" \
    /.well-known/brski/requestvoucher trickle
row "registrar: headers, then silence" cut "$RLOG" \
    "request incomplete and the connection idle for ${TMO}s" \
    slow "$RPORT" "$P/domain-ca.pem" "$P/idevid-0002-chain.pem" "$P/idevid-0002.key" \
    /.well-known/brski/requestvoucher silent
row "registrar: one address holds 32 connections (max-connections-per-ip)" \
    "refused tls" "$RLOG" \
    "registrar: a connection refused at accept: max-connections \(256\) or max-connections-per-ip \(32\)" \
    $ATT hold "$RPORT" "$P/domain-ca.pem" 32
row "registrar: requestvoucher without a client certificate" 403 "$RLOG" \
    "refused \(403\): no IDevID" \
    http "$RV" "$T/pvr2.cms" --cacert "$P/domain-ca.pem" $CT
mk_pvr "$O" 0001 idevid-0001 "$N" "$P/registrar-tls.pem" "$T/pvr-mfg.cms"
row "registrar: IDevID of an unknown manufacturer" 403 "$RLOG" \
    "refused \(403\): IDevID refused, not from a manufacturer on the allow list" \
    http "$RV" "$T/pvr-mfg.cms" $(dev "$O" 0001) $CT
mk_pvr "$P" 0009 idevid-0009 "$N" "$P/registrar-tls.pem" "$T/pvr9.cms"
row "registrar: expired IDevID" 403 "$RLOG" \
    "refused \(403\): IDevID refused, not from a manufacturer on the allow list .*0009.* has expired" \
    http "$RV" "$T/pvr9.cms" $(dev "$P" 0009) $CT

# hand-made PVRs: pvr_json SERIAL ASSERTION CREATED-ON OUT (signed by 0002)
pvr_json() {
	printf '{"ietf-voucher-request:voucher":{"assertion":"%s","nonce":"%s","serial-number":"%s","created-on":"%s","proximity-registrar-cert":"%s"}}' \
	    "$2" "$N" "$1" "$3" "$(der_b64 "$P/registrar-tls.pem")" >"$4.json"
	"$TOOL" cms-sign "$4.json" "$P/idevid-0002.pem" "$P/idevid-0002.key" "$4" \
	    "$P/idevid-0002-chain.pem" >/dev/null
}
pvr_json 0002 proximity 2099-01-01T00:00:00Z "$T/pvr-future.cms"
row "registrar: PVR created-on in the future" 400 "$RLOG" \
    "refused \(400\): created-on lies in the future" \
    http "$RV" "$T/pvr-future.cms" $(dev "$P" 0002) $CT
pvr_json 0002 logged "$(now3339)" "$T/pvr-logged.cms"
row "registrar: PVR asserting logged, not proximity" 401 "$RLOG" \
    "refused \(401\): voucher-request does not assert proximity" \
    http "$RV" "$T/pvr-logged.cms" $(dev "$P" 0002) $CT
row "registrar: unsigned JSON as the PVR" 400 "$RLOG" \
    "refused \(400\): voucher-request: CMS" \
    http "$RV" "$T/pvr-logged.cms.json" $(dev "$P" 0002) $CT

# ---------------------------------------------------------------- registrar: EST and status
mkcsr "$T/k3.key" "/CN=0003/serialNumber=0003" "$T/csr3"
PKCS10="-H Content-Type:application/pkcs10"
row "registrar: simpleenroll by a pledge without a voucher" 403 "$RLOG" \
    "refused \(403\): device 0003 has no voucher exchange" \
    http "$EST/simpleenroll" "$T/csr3" $(dev "$P" 0003) $PKCS10
row "registrar: simpleenroll without any credentials" 401 "$RLOG" \
    "simpleenroll from .* refused \(401\): no credentials" \
    http "$EST/simpleenroll" "$T/csr3" --cacert "$P/domain-ca.pem" $PKCS10
mkcsr "$T/k1.key" "/CN=0001/serialNumber=0001" "$T/csr1"
printf 'not base64 at all!\n' >"$T/notb64"
row "registrar: simpleenroll body that is not base64" 400 "$RLOG" \
    "simpleenroll from .* refused \(400\)" \
    http "$EST/simpleenroll" "$T/notb64" $(dev "$P" 0001) $PKCS10
row "registrar: serverkeygen without any credentials" 401 "$RLOG" \
    "serverkeygen from .* refused \(401\): no credentials" \
    http "$EST/serverkeygen" "$T/csr3" --cacert "$P/domain-ca.pem" $PKCS10
$PY - "$T/csr1" <<'PYEOF'
import base64, sys
d = bytearray(base64.b64decode(open(sys.argv[1]).read()))
d[-3] ^= 0x40		# inside the signature's last INTEGER
open(sys.argv[1] + ".bad", "w").write(base64.b64encode(d).decode())
PYEOF
row "registrar: CSR with a bad self-signature" 400 "$RLOG" \
    "simpleenroll from .* refused \(400\): .*self-signature" \
    http "$EST/simpleenroll" "$T/csr1.bad" $(dev "$P" 0001) $PKCS10
mkcsr "$T/k1.key" "/CN=0666/serialNumber=0666" "$T/csr666"
# the registrar takes the subject from the IDevID, never from the CSR:
# the one row added must name 0001, and nothing may mention 0666
only_cert_0001() {
	a=$(cat)
	[ "$(echo "$a" | grep -c .)" = 1 ] &&
	    echo "$a" | grep -q "^INSERT INTO certificates VALUES('[0-9A-F]*','0001','CN=0001, *serialNumber=0001'" &&
	    ! echo "$a" | grep -q 0666 &&
	    base64 -d "$T/out" | "$OPENSSL" pkcs7 -inform DER -print_certs |
	    grep -q "subject=CN = 0001, serialNumber = 0001"
}
CHANGE=only_cert_0001 row \
    "registrar: CSR asks for serialNumber 0666, gets the IDevID's 0001" 200 \
    "$RLOG" "simpleenroll: issued a certificate for \"0001\"" \
    http "$EST/simpleenroll" "$T/csr666" $(dev "$P" 0001) $PKCS10
LD="--cacert $P/domain-ca.pem --cert $S/ldevid.pem --key $S/ldevid.key"
row "registrar: simplereenroll CSR with another serialNumber" 400 "$RLOG" \
    "refused \(400\): the CSR subject .*0666.* is not the current certificate's" \
    http "$EST/simplereenroll" "$T/csr666" $LD $PKCS10
# a self-made look-alike of 0001's LDevID, same subject, not from our CA
"$OPENSSL" req -x509 -new -key "$T/k1.key" -subj "/CN=0001/serialNumber=0001" \
    -days 30 -out "$T/fake-ldevid.pem" 2>/dev/null
row "registrar: simplereenroll with a certificate not from our CA" 403 "$RLOG" \
    "refused \(403\): client certificate is not a valid one of this domain" \
    http "$EST/simplereenroll" "$T/csr1" --cacert "$P/domain-ca.pem" \
    --cert "$T/fake-ldevid.pem" --key "$T/k1.key" $PKCS10
printf '{"version":1,"status":tru' >"$T/badjson"
row "registrar: voucher_status with malformed JSON" 400 "$RLOG" \
    "voucher status from .* refused \(400\)" \
    http "$GOOD_R/.well-known/brski/voucher_status" "$T/badjson" \
    $(dev "$P" 0001) -H "Content-Type: application/json"
row "registrar: enrollstatus with malformed JSON" 400 "$RLOG" \
    "enroll status from .* refused \(400\)" \
    http "$GOOD_R/.well-known/brski/enrollstatus" "$T/badjson" \
    $(dev "$P" 0001) -H "Content-Type: application/json"
printf '{"version":1,"status":true}' >"$T/goodjson"
row "registrar: voucher_status with the wrong Content-Type" 415 "$RLOG" \
    "voucher status from .* refused \(415\): Content-Type text/plain" \
    http "$GOOD_R/.well-known/brski/voucher_status" "$T/goodjson" \
    $(dev "$P" 0001) -H "Content-Type: text/plain"

# ---------------------------------------------------------------- MASA
N1=$(nonce)
mk_pvr "$P" 0001 idevid-0001 "$N1" "$P/registrar-tls.pem" "$T/mpvr.cms"
mk_rvr "$P" 0001 "$N1" "$T/mpvr.cms" registrar-ra "$T/rvr.cms"
mk_rvr "$P" 0001 "$N1" "$T/mpvr.cms" registrar-tls "$T/nora.cms"
row "masa: RVR signed without id-kp-cmcRA" 403 "$MLOG" \
    "refused \(403\): voucher-request signer .* lacks id-kp-cmcRA" \
    http "$MRV" "$T/nora.cms" --cacert "$P/masa-ca.pem" \
    --cert "$P/registrar-tls.pem" --key "$P/registrar-tls.key" $CT
mk_rvr "$P" 0001 "$(nonce)" "$T/mpvr.cms" registrar-ra "$T/rvr-nonce.cms"
row "masa: RVR nonce differs from the embedded PVR's" 403 "$MLOG" \
    "refused \(403\): serial 0001, .*nonce in the registrar voucher-request differs" \
    http "$MRV" "$T/rvr-nonce.cms" $(ra "$P") $CT
mk_pvr "$O" 0001 idevid-0001 "$N1" "$P/registrar-tls.pem" "$T/mpvr-o.cms"
mk_rvr "$P" 0001 "$N1" "$T/mpvr-o.cms" registrar-ra "$T/rvr-o.cms"
row "masa: embedded PVR signed by another manufacturer's IDevID" 403 "$MLOG" \
    "refused \(403\): .*not signed by an IDevID of this manufacturer" \
    http "$MRV" "$T/rvr-o.cms" $(ra "$P") $CT
mk_pvr "$P" 0003 idevid-0003 "$N1" "$P/registrar-tls.pem" "$T/mpvr3.cms"
mk_rvr "$P" 0001 "$N1" "$T/mpvr3.cms" registrar-ra "$T/rvr-serial.cms"
row "masa: RVR serial-number not the PVR's" 403 "$MLOG" \
    "refused \(403\): .*serial-number \"0001\" in the registrar voucher-request is not the IDevID's \"0003\"" \
    http "$MRV" "$T/rvr-serial.cms" $(ra "$P") $CT
mk_rvr "$P" 0001 "$N1" "$T/mpvr.cms" registrar-ra "$T/rvr-prox.cms" \
    ",\"proximity-registrar-cert\":\"$(der_b64 "$P/registrar-tls.pem")\""
row "masa: RVR carrying proximity-registrar-cert" 400 "$MLOG" \
    "refused \(400\): .*carries proximity-registrar-cert" \
    http "$MRV" "$T/rvr-prox.cms" $(ra "$P") $CT
mk_rvr "$P" 0001 "$N1" "$T/mpvr.cms" registrar-ra "$T/rvr-dup.cms" ',"serial-number":"0001"'
row "masa: RVR with duplicate JSON keys" 400 "$MLOG" \
    "refused \(400\): .*duplicate" http "$MRV" "$T/rvr-dup.cms" $(ra "$P") $CT
$ATT flip "$T/rvr.cms" "$T/rvr-flip.cms" '"serial-number":"000'
row "masa: RVR with one bit of its content flipped" 403 "$MLOG" \
    "refused \(403\): voucher-request: .*([Ss]ignature|digest)" \
    http "$MRV" "$T/rvr-flip.cms" $(ra "$P") $CT
mk_rvr "$P" 0001 "$N1" "" registrar-ra "$T/rvr-nopvr.cms"
row "masa: RVR without the pledge's PVR" 403 "$MLOG" \
    "refused \(403\): .*no prior-signed-voucher-request" \
    http "$MRV" "$T/rvr-nopvr.cms" $(ra "$P") $CT
mk_rvr "$P" 0001 "" "$T/mpvr.cms" registrar-ra "$T/rvr-nononce.cms"
row "masa: nonceless RVR (nonceless vouchers not allowed)" 403 "$MLOG" \
    "refused \(403\): .*nonceless voucher-request refused" \
    http "$MRV" "$T/rvr-nononce.cms" $(ra "$P") $CT
mk_pvr "$P" 0009 idevid-0009 "$N1" "$P/registrar-tls.pem" "$T/mpvr9.cms"
mk_rvr "$P" 0009 "$N1" "$T/mpvr9.cms" registrar-ra "$T/rvr9.cms"
row "masa: embedded PVR signed by an expired IDevID" 403 "$MLOG" \
    "refused \(403\): .*not signed by an IDevID of this manufacturer: .*expired" \
    http "$MRV" "$T/rvr9.cms" $(ra "$P") $CT
row "masa: requestvoucher without a client certificate" 403 "$MLOG" \
    "refused \(403\): .*no TLS client certificate" \
    http "$MRV" "$T/rvr.cms" --cacert "$P/masa-ca.pem" $CT
row "masa: genuine RVR sent by another domain's registrar" 403 "$MLOG" \
    "refused \(403\): .*TLS client certificate is not of the domain" \
    http "$MRV" "$T/rvr.cms" $(ra "$O") $CT
mk_pvr "$P" 0004 idevid-0004 "$N1" "$P/registrar-tls.pem" "$T/mpvr4.cms"
mk_rvr "$P" 0004 "$N1" "$T/mpvr4.cms" registrar-ra "$T/rvr4.cms"
row "masa: device unknown to the MASA" 404 "$MLOG" \
    "refused \(404\): .*not known to this MASA" http "$MRV" "$T/rvr4.cms" $(ra "$P") $CT
mk_pvr "$P" 0002 idevid-0002 "$N1" "$P/registrar-tls.pem" "$T/mpvr2.cms"
mk_rvr "$P" 0002 "$N1" "$T/mpvr2.cms" registrar-ra "$T/rvr2.cms"
row "masa: device owned by another domain" 403 "$MLOG" \
    "refused \(403\): .*belongs to another domain" http "$MRV" "$T/rvr2.cms" $(ra "$P") $CT
row "masa: wrong Content-Type" 415 "$MLOG" \
    "refused \(415\): Content-Type application/pkcs7-mime" \
    http "$MRV" "$T/rvr.cms" $(ra "$P") -H "Content-Type: application/pkcs7-mime"
row "masa: Accept without voucher-cms+json" 406 "$MLOG" \
    "refused \(406\): Accept application/json" \
    http "$MRV" "$T/rvr.cms" $(ra "$P") $CT -H "Accept: application/json"
row "masa: oversized body" 413 "$MLOG" "refused \(413\): body over 65536 bytes" \
    http "$MRV" "$T/big" $(ra "$P") $CT
row "masa: slowloris body (a byte a second)" cut "$MLOG" \
    "body still incomplete after ${TMO}s \(slow client\)" \
    slow "$MPORT" "$P/masa-ca.pem" "$P/registrar-ra.pem" "$P/registrar-ra.key" \
    /.well-known/brski/requestvoucher trickle
row "masa: audit log asked for without a client certificate" 403 "$MLOG" \
    "audit log request from .* refused \(403\): .*no TLS client certificate" \
    http "$MAL" "$T/rvr.cms" --cacert "$P/masa-ca.pem" $CT
row "masa: audit log asked for by another domain's registrar" 403 "$MLOG" \
    "audit log request from .* refused \(403\): .*TLS client certificate is not of the domain" \
    http "$MAL" "$T/rvr.cms" $(ra "$O") $CT
# Nonce replay: the MASA keeps no list of used nonces.  The same RVR
# sent again by the same domain gets another voucher (same nonce, same
# pin: nothing gained); the audit log lists the newest nonced event per
# domain and counts the others as "nonced duplicates" (RFC 8995 5.8.1).
# A replay by anyone else is refused above (TLS client of the domain).
dups() {
	curl -sS --max-time 10 $(ra "$P") $CT --data-binary @"$T/rvr.cms" "$MAL" |
	    $PY -c 'import json,sys; print(json.load(sys.stdin)["truncation"]["nonced duplicates"])'
}
st=$(http "$MRV" "$T/rvr.cms" $(ra "$P") $CT)
[ "$st" = 200 ] || fail "the first use of the RVR: $st"
d0=$(dups)
one_more_voucher() {
	a=$(cat)
	[ "$(echo "$a" | grep -c '^INSERT INTO vouchers ')" = 1 ] &&
	    [ "$(echo "$a" | grep -c '^INSERT INTO audit ')" = 1 ] &&
	    [ "$(echo "$a" | grep -c .)" = 2 ] &&
	    echo "$a" | grep -q "^INSERT INTO audit .*'$N1','proximity'"
}
CHANGE=one_more_voucher row "masa: nonce replay (the same RVR again)" 200 \
    "$MLOG" "voucher issued: serial 0001, .*nonced" \
    http "$MRV" "$T/rvr.cms" $(ra "$P") $CT
d1=$(dups)
if [ "$d1" = $((d0 + 1)) ]; then
	echo "finding: the MASA does not refuse a replayed nonce: a second voucher, and the audit log's \"nonced duplicates\" went $d0 -> $d1 (it cannot tell a replay from a re-request)"
else
	bad "masa: nonce replay" "audit log nonced duplicates $d0 -> $d1, want +1"
fi

# ---------------------------------------------------------------- summary
stop_daemon registrar
stop_daemon masa
"$REGISTRAR" --database "$T/r.db" ctl check >/dev/null || bad "registrar db" "ctl check"
"$MASA" --database "$T/m.db" ctl check >/dev/null || bad "masa db" "ctl check"
echo "attack matrix: $NCASE cases, $((NCASE - NFAIL)) passed, $NFAIL failed, $(($(date +%s) - START)) s"
[ "$NFAIL" = 0 ] || exit 1
