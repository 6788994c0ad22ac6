#!/bin/sh
# Three sites in three network namespaces, as in a deployment: the
# device (pi) on the operator's local network sees only the operator's
# gateway; the gateway runs the registrar and reaches the manufacturer's
# lab, which runs the MASA.
#
#   pi 10.77.1.2 ---- 10.77.1.1 gateway 10.77.2.1 ---- 10.77.2.2 lab
#      fd77:1::2       fd77:1::1        fd77:2::1       fd77:2::2
#
# The pi has no route to the lab (shown: a connect to the MASA fails
# there and works from the gateway).  A device enrolls over IPv4 (its
# LDevID checked with openssl) and another over IPv6; a device the MASA
# has assigned to another owner is refused (exit 4, the refusal in the
# registrar's and the MASA's logs); a registrar that reaches the MASA
# under an address its certificate does not name is refused too.  Over
# IPv6, a constrained pledge finds the gateway's join proxy by multicast
# CoAP discovery (coap-client) and enrolls over CoAPS through it from
# its link-local address; from a global address the proxy drops it.
#
# The pledge is the arm64 build run by qemu-aarch64-static when there is
# one (BRSKI_ARM64_PLEDGE=PATH, or $top_srcdir/build-arm64/pledge/
# brski-pledge; BRSKI_ARM64_PLEDGE=none forces the native one).
# Needs root and network namespaces; otherwise SKIP (exit 77).
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need curl
need ip
need timeout
[ "$(id -u)" = 0 ] || skip "network namespaces need root (uid $(id -u))"

# unique names: parallel runs (make -j check, build and build-san) must
# not meet; interface names live inside the namespaces
SFX=${T##*.}
PI=brski-pi-$SFX GW=brski-gw-$SFX LAB=brski-lab-$SFX
NETNS=""
scenario_cleanup() {
	rc=$?
	cleanup		# lib.sh: stops the daemons first
	for n in $NETNS; do ip netns del "$n" 2>/dev/null || true; done
	exit $rc
}
trap scenario_cleanup EXIT
trap 'exit 130' INT TERM
for n in $PI $GW $LAB; do
	if ! err=$(ip netns add "$n" 2>&1); then
		skip "ip netns add $n failed: $err"
	fi
	NETNS="$NETNS $n"
	ip -n "$n" link set lo up
done

# --- the wires: pi <-> gateway <-> lab; no forwarding, no default route ---
ip -n "$GW" link add to-pi type veth peer name to-gw netns "$PI"
ip -n "$GW" link add to-lab type veth peer name to-gw netns "$LAB"
V6=1
[ "$(ip netns exec "$PI" cat /proc/sys/net/ipv6/conf/all/disable_ipv6 \
    2>/dev/null)" = 0 ] || V6=0
addr() {	# addr NS DEV V4 V6
	ip -n "$1" addr add "$3/24" dev "$2"
	[ $V6 = 0 ] || ip -n "$1" addr add "$4/64" dev "$2" nodad
	ip -n "$1" link set "$2" up
}
addr "$PI" to-gw 10.77.1.2 fd77:1::2
addr "$GW" to-pi 10.77.1.1 fd77:1::1
addr "$GW" to-lab 10.77.2.1 fd77:2::1
addr "$LAB" to-gw 10.77.2.2 fd77:2::2
# an address of the lab that the MASA's certificate does not name
ip -n "$LAB" addr add 10.77.2.3/24 dev to-gw
ip netns exec "$GW" sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
[ $V6 = 0 ] && echo "note: IPv6 is disabled in namespaces here; IPv4 only"

# --- the PKI: TLS names are the addresses the peers use ---
P=$T/pki
SAN="--ip 10.77.1.1 --ip 10.77.2.2 --dns localhost"
[ $V6 = 0 ] || SAN="$SAN --ip fd77:1::1 --ip fd77:2::2"
# shellcheck disable=SC2086
"$CERTS" $SAN --masa-url 10.77.2.2:9443 init "$P" >/dev/null
"$CERTS" --masa-url 10.77.2.2:9443 idevid "$P" 0002 0003 0004 0005 0006 0007 \
    >/dev/null
"$CERTS" init "$T/other" >/dev/null	# another owner's domain CA
"$OPENSSL" x509 -in "$P/masa-tls.pem" -noout -ext subjectAltName |
    grep -q 'IP Address:10.77.2.2' || fail "the MASA's TLS certificate"

# --- the lab: the MASA sells 0001, 0003-0007 to us and 0002 to another ---
DB=$T/masa.db
"$MASA" --database "$DB" ctl add 0001 0002 0003 0004 0005 0006 0007 || fail "ctl add"
for s in 0001 0003 0004 0005 0006 0007; do
	"$MASA" --database "$DB" ctl assign $s "$P/domain-ca.pem" ||
	    fail "ctl assign $s"
done
"$MASA" --database "$DB" ctl assign 0002 "$T/other/domain-ca.pem" ||
    fail "ctl assign 0002 to the other owner"
start_daemon masa ip netns exec "$LAB" "$MASA" -d --listen '*' --port 9443 \
    --database "$DB" --ownership assigned \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
ok "MASA in $LAB on port 9443 (assigned ownership)"

# --- reachability: the gateway reaches the MASA, the pi does not ---
tcp() {	# tcp NS HOST PORT: "connected" or the errno name of connect()
	ip netns exec "$1" "$PY" -c '
import errno, socket, sys
h, p = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in h else socket.AF_INET)
s.settimeout(3)
try:
    s.connect((h, p))
    print("connected")
except socket.timeout:
    print("timeout")
except OSError as e:
    print(errno.errorcode.get(e.errno, str(e)))' "$2" "$3"
}
probe() {	# probe NS URL: the HTTP status, or curl's error
	ip netns exec "$1" curl -sS -o /dev/null -w '%{http_code}' \
	    --connect-timeout 3 --max-time 5 --cacert "$P/masa-ca.pem" \
	    "$2" 2>&1 || true
}
reach() {	# reach HOST URL: gateway gets HTTP, pi gets ENETUNREACH
	st=$(probe "$GW" "$2")
	case $st in
	[1-5][0-9][0-9]) ;;
	*) fail "gateway -> MASA $1: $st" ;;
	esac
	if r=$(ip -n "$PI" route get "$1" 2>&1); then
		fail "the pi has a route to the lab: $r"
	fi
	c=$(tcp "$PI" "$1" 9443)
	[ "$c" = ENETUNREACH ] || fail "pi -> MASA $1: $c, want ENETUNREACH"
	ok "the gateway reaches the MASA at $1 (HTTP $st); the pi has no" \
	    "route (ip route get: ${r#RTNETLINK answers: }; connect: $c)"
}
[ -x "$PY" ] || skip "Debian's python3 is needed for the connect probe"
reach 10.77.2.2 https://10.77.2.2:9443/
[ $V6 = 0 ] || reach fd77:2::2 "https://[fd77:2::2]:9443/"

# --- the gateway: registrars on the pi side, MASA URLs to the lab ---
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem --masa-timeout 10"
registrar() {	# registrar NAME LISTEN PORT MASA-URL
	# shellcheck disable=SC2086
	start_daemon "$1" ip netns exec "$GW" "$REGISTRAR" -d --listen "$2" \
	    --port "$3" --database "$T/$1.db" --masa-url "$4" $REGOPTS
}
# The registrars announce with DNS-SD by default.  The host's
# avahi-daemon (if any) must not publish the namespaces' registrars on
# the host's network: no bus here, and a registrar without one only warns.
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/no-bus
export DBUS_SYSTEM_BUS_ADDRESS
registrar registrar 10.77.1.1 8443 https://10.77.2.2:9443
ok "registrar in $GW on 10.77.1.1:8443, MASA https://10.77.2.2:9443"
if grep -q '^#define HAVE_AVAHI 1' "$top_builddir/config.h" 2>/dev/null; then
	i=0	# the Avahi thread logs it a moment after "listening"
	until grep -q 'warn: DNS-SD: no D-Bus system bus' "$T/registrar.log"; do
		[ $i -lt 50 ] ||
		    fail "no DNS-SD warning from a registrar without avahi-daemon"
		sleep 0.1
		i=$((i + 1))
	done
	ok "without avahi-daemon the registrar only warns (DNS-SD)"
fi

# --- the pi: the pledge, arm64 under qemu when built ---
ARM64=${BRSKI_ARM64_PLEDGE:-$top_srcdir/build-arm64/pledge/brski-pledge}
QEMU=$(command -v qemu-aarch64-static || true)
NATIVE="$PLEDGE"
NATIVE_KIND="native $(uname -m)"
grep -q 'enable-sanitizers' "$top_builddir/config.status" 2>/dev/null &&
    NATIVE_KIND="$NATIVE_KIND, ASan+UBSan"
RUN=$NATIVE KIND=$NATIVE_KIND
if [ "$ARM64" = none ]; then
	:
elif [ ! -f "$ARM64" ]; then
	[ -z "${BRSKI_ARM64_PLEDGE:-}" ] ||
	    fail "BRSKI_ARM64_PLEDGE=$ARM64: no such file"
elif [ -z "$QEMU" ]; then
	echo "note: no qemu-aarch64-static for $ARM64; native pledge"
else
	# -L /: Debian's multiarch loader and libc6:arm64
	v=$("$QEMU" -L / "$ARM64" --version 2>&1) ||
	    fail "the arm64 pledge does not run under qemu: $v"
	RUN="$QEMU -L / $ARM64"
	KIND="arm64 under qemu-aarch64-static"
fi
echo "pledge: $KIND ($RUN)"
TIMEV=""
[ -x /usr/bin/time ] && TIMEV=/usr/bin/time
RURL=https://10.77.1.1:8443
secs() { date +%s.%N; }
pledge() {	# pledge SERIAL LOGNAME [options...]: exit code in $got
	s=$1 l=$2; shift 2
	set +e
	t0=$(secs)
	# shellcheck disable=SC2086
	timeout 120 ip netns exec "$PI" ${TIMEV:+$TIMEV -v -o "$T/$l.time"} \
	    $RUN -d --registrar "$RURL" --timeout 20 \
	    --idevid-cert "$P/idevid-$s-chain.pem" \
	    --idevid-key "$P/idevid-$s.key" \
	    --masa-ca "$P/masa-ca.pem" --state-dir "$T/state-$s" "$@" \
	    >"$T/$l.out" 2>"$T/$l.log"
	got=$?
	took=$(awk -v a="$t0" -v b="$(secs)" 'BEGIN { printf "%.2f", b - a }')
	set -e
}
pledge_nourl() {	# pledge_nourl SERIAL LOGNAME [options...]: no --registrar
	s=$1 l=$2; shift 2
	set +e
	t0=$(secs)
	# shellcheck disable=SC2086
	timeout 120 ip netns exec "$PI" $RUN -d --timeout 20 \
	    --idevid-cert "$P/idevid-$s-chain.pem" \
	    --idevid-key "$P/idevid-$s.key" --state-dir "$T/state-$s" "$@" \
	    >"$T/$l.out" 2>"$T/$l.log"
	got=$?
	took=$(awk -v a="$t0" -v b="$(secs)" 'BEGIN { printf "%.2f", b - a }')
	set -e
}
measured() {	# measured LOGNAME: what /usr/bin/time saw
	[ -n "$TIMEV" ] || return 0
	case $KIND in
	*qemu*) w="the emulator's, not the guest's" ;;
	*) w=$KIND ;;
	esac
	rss=$(awk -F': ' '/Maximum resident/ { print $2 }' "$T/$1.time")
	echo "    $1: $took s, peak RSS $rss KB ($w)"
}

logged() {	# logged NAME ERE WHAT: $T/NAME.log must match ERE
	grep -Eq "$2" "$T/$1.log" || { cat "$T/$1.log" >&2; fail "$1 log: $3"; }
}
unlogged() {	# unlogged NAME ERE WHAT: $T/NAME.log must not match ERE
	! grep -Eq "$2" "$T/$1.log" || fail "$1 log: $3"
}
exited() {	# exited WANT LOGNAME WHAT: the last pledge's exit code
	[ "$got" = "$1" ] ||
	    { cat "$T/$2.log" >&2; fail "$3: pledge exit $got, want $1"; }
}

# --- a device that belongs to us enrolls ---
pledge 0001 p1
exited 0 p1 "0001"
S=$T/state-0001/current
expect_ok "openssl verify accepts 0001's LDevID against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$S/ldevid.pem"
"$OPENSSL" x509 -in "$S/ldevid.pem" -noout -pubkey >"$T/pub1"
"$OPENSSL" pkey -in "$S/ldevid.key" -pubout >"$T/pub2"
cmp -s "$T/pub1" "$T/pub2" || fail "the LDevID is not for the stored key"
"$OPENSSL" x509 -in "$S/ldevid.pem" -noout -subject |
    grep -q "serialNumber = 0001" || fail "LDevID subject lacks serialNumber"
expect_ok "0001's voucher verifies with the MASA CA (openssl cms)" \
    "$OPENSSL" cms -verify -binary -inform DER -in "$S/voucher.cms" \
    -CAfile "$P/masa-ca.pem" -purpose any -no-CApath -no-CAstore \
    -out /dev/null
# each daemon saw its neighbour's address; the MASA never saw the pi's
logged registrar "simpleenroll: issued a certificate for \"0001\" \
to 10\.77\.1\.2$" "no certificate for 0001 to 10.77.1.2"
logged masa "voucher issued: serial 0001" "no voucher for 0001"
unlogged masa "10\.77\.1\.2" "the MASA saw the pi's address"
"$REGISTRAR" --database "$T/registrar.db" ctl list | grep -q \
    "^0001 .*voucher:yes .*voucher_status:ok .*enroll:ok .*certs:1" ||
    fail "registrar records for 0001"
ok "pledge 0001 ($KIND) enrolled through the gateway in $took s"
measured p1

# --- a device the MASA assigned to another owner: refused ---
pledge 0002 p2
exited 4 p2 "0002, another owner's"
logged p2 "refused the voucher-request: 403" "no 403"
logged registrar "device 0002: the MASA answered 403: .*device 0002 belongs \
to another domain" "no MASA refusal of 0002"
# the MASA listens dual-stack: the gateway's IPv4 address is v4-mapped
logged masa "voucher-request from (::ffff:)?10\.77\.2\.1 refused \(403\): \
serial 0002, domain .*: device 0002 belongs to another domain" \
    "no refusal of 0002 from the gateway"
unlogged masa "voucher issued: serial 0002" "a voucher for 0002"
[ ! -e "$T/state-0002/current" ] || fail "pledge 0002 left state behind"
ok "0002, the MASA's for another owner: exit 4; registrar: 'the MASA" \
    "answered 403'; MASA: 'belongs to another domain'"

# --- IPv6 end to end: registrar on fd77:1::1, MASA at fd77:2::2; with
# the native pledge when the arm64 one is in use, so both run here ---
if [ $V6 = 1 ]; then
	registrar reg6 fd77:1::1 8444 "https://[fd77:2::2]:9443"
	A_RUN=$RUN A_KIND=$KIND
	RUN=$NATIVE KIND=$NATIVE_KIND
	RURL="https://[fd77:1::1]:8444"
	pledge 0003 p3
	exited 0 p3 "0003 over IPv6"
	expect_ok "0003 enrolled over IPv6 ($KIND) in $took s: openssl verify" \
	    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" \
	    "$T/state-0003/current/ldevid.pem"
	logged reg6 "issued a certificate for \"0003\" to fd77:1::2$" \
	    "no certificate for 0003 to fd77:1::2"
	logged masa "masa: fd77:2::1 POST /\.well-known/brski/requestvoucher \
-> 200" "no voucher-request from fd77:2::1"
	logged masa "voucher issued: serial 0003" "no voucher for 0003"
	measured p3
	RUN=$A_RUN KIND=$A_KIND
	stop_daemon reg6
fi

# --- a constrained pledge on the pi's link: the gateway runs the join
# proxy on its link-local address, the registrar's CoAPS is on the
# gateway's loopback; the pledge speaks to fe80::...%to-gw only ---
if [ $V6 = 1 ]; then
	start_daemon regc ip netns exec "$GW" "$REGISTRAR" -d --listen 10.77.1.1 \
	    --port 8446 --coaps-listen 127.0.0.1 --coaps-port 5684 \
	    --database "$T/regc.db" --masa-url https://10.77.2.2:9443 $REGOPTS
	# two pledges (0005, 0007) run from the pi's one link-local address,
	# two DTLS sessions each (IDevID, then LDevID): 4 mappings
	start_daemon jp ip netns exec "$GW" "$JOINPROXY" -d --registrar 127.0.0.1 \
	    --registrar-port 5684 --listen '*' --port 8485 --discovery-port 5683 \
	    --discovery-interface to-pi --max-per-pledge 4
	LL=$(ip -n "$GW" -6 addr show dev to-pi scope link |
	    sed -n 's/.*inet6 \(fe80::[0-9a-f:]*\)\/64.*/\1/p' | head -1)
	[ -n "$LL" ] || fail "the gateway's to-pi has no IPv6 link-local address"
	# multicast discovery from the pi, by libcoap's own client
	if command -v coap-client-openssl >/dev/null; then
		# NON (RFC 7252 8.1); libcoap delays multicast answers (Leisure)
		d=$(timeout 20 ip netns exec "$PI" coap-client-openssl -N -B 10 \
		    -m get "coap://[ff02::fd%to-gw]/.well-known/core?brski-jp=*" \
		    2>&1) || true
		echo "$d" | grep -qx "<>;brski-jp=8485" ||
		    fail "multicast join proxy discovery from the pi: '$d'"
		ok "coap-client on the pi finds the join proxy by multicast (ff02::fd): <>;brski-jp=8485"
	fi
	RURL="coaps://[$LL%25to-gw]:8485"
	pledge 0005 p5 --masa-ca "$P/masa-signer.pem"
	exited 0 p5 "0005 over CoAPS through the join proxy"
	expect_ok "0005 enrolled over CoAPS via the join proxy at $LL ($KIND) in $took s: openssl verify" \
	    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" \
	    "$T/state-0005/current/ldevid.pem"
	[ -s "$T/state-0005/current/voucher.cose" ] || fail "0005: no COSE voucher"
	logged jp "new pledge \[fe80::[0-9a-f:]*\]:[0-9]+ relayed" \
	    "the join proxy did not relay a link-local pledge"
	logged regc "CoAP rv: voucher sent to 127\.0\.0\.1:" "no voucher over CoAPS"
	logged masa "voucher issued: serial 0005, .*COSE" "no COSE voucher for 0005"
	measured p5
	# the pledge finds the proxy itself: multicast CoAP discovery
	RURL="" pledge_nourl 0007 p7 --masa-ca "$P/masa-signer.pem" \
	    --join-proxy-discovery "coap://[ff02::fd%25to-gw]"
	exited 0 p7 "0007 through a join proxy it discovered"
	logged p7 "join proxy found by coap://\[ff02::fd%25to-gw\]: coaps://\[fe80::[0-9a-f:]*%to-gw\]:8485" \
	    "the pledge did not report the proxy it found"
	expect_ok "0007 found the join proxy by multicast and enrolled ($KIND) in $took s" \
	    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" \
	    "$T/state-0007/current/ldevid.pem"
	# the same proxy refuses a pledge that is not link-local
	RURL="coaps://[fd77:1::1]:8485"
	pledge 0006 p6 --masa-ca "$P/masa-signer.pem"
	exited 3 p6 "0006 from a global address through the join proxy"
	logged jp "packet from \[fd77:1::2\]:[0-9]+ dropped: not an IPv6 link-local pledge" \
	    "the join proxy did not refuse a global source"
	[ ! -e "$T/state-0006/current" ] || fail "0006 left state behind"
	ok "a pledge from fd77:1::2 (not link-local): dropped by the join proxy, exit 3, no state"
	stop_daemon jp
	stop_daemon regc
fi

# --- the registrar checks the MASA's name: 10.77.2.3 is not in its cert ---
registrar regname 10.77.1.1 8445 https://10.77.2.3:9443
RURL=https://10.77.1.1:8445
pledge 0004 p4
exited 4 p4 "a MASA address its certificate does not name"
logged p4 "refused the voucher-request: 502" "no 502"
logged regname "device 0004: MASA https://10\.77\.2\.3:9443/.*: TLS \
handshake with 10\.77\.2\.3 port 9443: .*certificate is not for \
\"10\.77\.2\.3\"" "no name mismatch"
unlogged masa "voucher issued: serial 0004" "a voucher for 0004"
ok "a MASA address its certificate does not name: exit 4 (502);" \
    "registrar: not for \"10.77.2.3\""
stop_daemon regname

stop_daemon registrar
stop_daemon masa
"$MASA" --database "$DB" ctl check >/dev/null || fail "MASA database check"
