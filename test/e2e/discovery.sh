#!/bin/sh
# DNS-SD discovery (RFC 8995 4.1, 4.3) with real avahi-daemons: two
# network namespaces joined by a veth pair with IPv6 link-local
# addresses only, as on a join link; each has its own D-Bus and its own
# avahi-daemon (the host's are never used).  The gateway runs the MASA
# and registrars that announce _brski-registrar._tcp; the pledge in the
# device namespace is given no URL.
#
#   device [dsd-*]  fe80::/64 veth  [dsg-*] gateway: MASA, registrars
#
# Cases: nothing announced (exit 7 within the timeout); no avahi-daemon
# at all (exit 7, says so); discover off without a URL (exit 2); the
# pledge enrolls through the one registrar announced, over its
# link-local address with the interface scope; two registrars, the
# first (by name) of a domain the MASA did not assign the device to,
# the pledge falls over to the second; an instance name clash is
# renamed; an avahi-daemon restart is survived (the registrar announces
# again); the join proxy's port is seen by avahi-browse as
# _brski-proxy._udp; a registrar without any D-Bus only warns; with
# only registrars of another domain every one is tried and refused
# (exit 4, no state); a bad announce-name
# is refused at start.  Constrained (discover-transport coaps): with only
# a _tcp registrar, exit 7; a pledge enrolls through the announced join
# proxy (tried before the registrar's own _udp port), and falls over from
# a join proxy that relays to nothing to the registrar's CoAPS port; any
# tries https first; a bad transport is exit 2.  A registrar listening on
# one address is announced only on the interface holding it.  Needs root, network namespaces, dbus-daemon and
# avahi-daemon, avahi-browse, and a build with Avahi; otherwise SKIP (exit 77).
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need ip
need unshare
need dbus-daemon
need avahi-daemon
need avahi-browse
need timeout
grep -q '^#define HAVE_AVAHI 1' "$top_builddir/config.h" 2>/dev/null ||
    skip "built without Avahi (configure --with-avahi)"
[ "$(id -u)" = 0 ] || skip "network namespaces need root (uid $(id -u))"

SFX=${T##*.}
GW=brski-dsg-$SFX DEV=brski-dsd-$SFX
NETNS=""
disc_cleanup() {
	rc=$?
	cleanup		# lib.sh: stops our daemons first
	for n in $NETNS; do ip netns del "$n" 2>/dev/null || true; done
	exit $rc
}
trap disc_cleanup EXIT
trap 'exit 130' INT TERM
for n in $GW $DEV; do
	if ! err=$(ip netns add "$n" 2>&1); then
		skip "ip netns add $n failed: $err"
	fi
	NETNS="$NETNS $n"
	ip -n "$n" link set lo up
done
[ "$(ip netns exec "$DEV" cat /proc/sys/net/ipv6/conf/all/disable_ipv6 \
    2>/dev/null)" = 0 ] || skip "IPv6 is disabled here"
ip -n "$GW" link add jl0 type veth peer name jl0 netns "$DEV"
ip -n "$GW" link set jl0 up
ip -n "$DEV" link set jl0 up
# link-local addresses are usable once duplicate address detection ends
for n in $GW $DEV; do
	i=0
	until ip -n "$n" -6 addr show dev jl0 scope link | grep -q inet6 &&
	    ! ip -n "$n" -6 addr show dev jl0 | grep -q tentative; do
		[ $i -lt 100 ] || fail "no link-local address on jl0 in $n"
		sleep 0.1
		i=$((i + 1))
	done
done
ok "veth jl0 between $GW and $DEV, IPv6 link-local only"

# bg NAME CMD...: a background daemon of ours, its output in $T/NAME.log
bg() {
	name=$1; shift
	"$@" >"$T/$name.log" 2>&1 &
	eval "${name}_pid=$!"
	PIDS="$PIDS $!"
}
# wait_for FILE REGEX SECONDS WHAT
wait_for() {
	i=0
	until grep -Eq "$2" "$1" 2>/dev/null; do
		[ $i -lt $(($3 * 10)) ] || { cat "$1" >&2; fail "$4"; }
		sleep 0.1
		i=$((i + 1))
	done
}
# A private system bus: anyone may own any name (avahi needs
# org.freedesktop.Avahi); its socket is in $T.
bus() {	# bus NS TAG
	cat >"$T/dbus-$2.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$T/bus-$2</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
	bg "dbus_$2" ip netns exec "$1" dbus-daemon \
	    --config-file="$T/dbus-$2.conf" --nofork --nopidfile
	i=0
	until [ -S "$T/bus-$2" ]; do
		[ $i -lt 50 ] || { cat "$T/dbus_$2.log" >&2; fail "dbus $2"; }
		sleep 0.1
		i=$((i + 1))
	done
}
# avahi-daemon keeps its pid file and socket in /run/avahi-daemon: a
# private mount namespace gives each of ours its own (and leaves the
# host's alone)
avahi() {	# avahi NS TAG HOSTNAME
	cat >"$T/avahi-$2.conf" <<EOF
[server]
host-name=$3
use-ipv4=no
use-ipv6=yes
allow-interfaces=jl0
enable-dbus=yes
[wide-area]
enable-wide-area=no
[publish]
publish-hinfo=no
publish-workstation=no
EOF
	: >"$T/avahi_$2.log"
	bg "avahi_$2" ip netns exec "$1" unshare -m sh -c "mount -t tmpfs \
	    tmpfs /run/avahi-daemon 2>/dev/null || { mkdir -p /run/avahi-daemon \
	    && mount -t tmpfs tmpfs /run/avahi-daemon; } && \
	    DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus-$2 exec avahi-daemon \
	    --no-drop-root --no-chroot --no-proc-title -f $T/avahi-$2.conf"
	wait_for "$T/avahi_$2.log" "Server startup complete" 10 \
	    "avahi-daemon $2 did not start"
}
bus "$GW" gw
bus "$DEV" dev
avahi "$GW" gw brski-gw
avahi "$DEV" dev brski-dev
ok "private D-Bus and avahi-daemon in each namespace"

# --- the PKI; the MASA assigns the devices to our domain ---
P=$T/pki O=$T/other
"$CERTS" init "$P" >/dev/null
"$CERTS" idevid "$P" 0002 0003 >/dev/null
"$CERTS" init "$O" >/dev/null	# another owner's domain and registrar
DB=$T/masa.db
"$MASA" --database "$DB" ctl add 0001 0002 0003 >/dev/null || fail "ctl add"
for s in 0001 0002 0003; do
	"$MASA" --database "$DB" ctl assign $s "$P/domain-ca.pem" >/dev/null ||
	    fail "ctl assign $s"
done
start_daemon masa ip netns exec "$GW" "$MASA" -d --port 0 --database "$DB" \
    --ownership assigned \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://localhost:$PORT

registrar() {	# registrar NAME PKI [options]: announced on the gateway
	name=$1 k=$2; shift 2
	start_daemon "$name" ip netns exec "$GW" env \
	    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-gw" "$REGISTRAR" -d \
	    --listen "${LISTEN:-*}" --port 0 --database "$T/$name.db" \
	    --tls-cert "$k/registrar-tls-chain.pem" \
	    --tls-key "$k/registrar-tls.key" \
	    --ra-cert "$k/registrar-ra-chain.pem" --ra-key "$k/registrar-ra.key" \
	    --domain-ca-cert "$k/domain-ca.pem" --domain-ca-key "$k/domain-ca.key" \
	    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
	    --masa-url "$MURL" "$@"
}
pledge() {	# pledge SERIAL STATE [options]: in the device namespace, no URL
	s=$1 st=$2; shift 2
	ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="${BUS:-unix:path=$T/bus-dev}" \
	    ${WRAP:-} "$PLEDGE" -d --idevid-cert "$P/idevid-$s-chain.pem" \
	    --idevid-key "$P/idevid-$s.key" --masa-ca "$P/masa-ca.pem" \
	    --state-dir "$T/$st" --timeout 10 "$@"
}
refused() {	# refused NAME EXIT REGEX pledge-args...: exit code and reason
	name=$1 want=$2 why=$3; shift 3
	set +e
	pledge "$@" >"$T/p.out" 2>"$T/p.log"
	got=$?
	set -e
	[ "$got" = "$want" ] || { cat "$T/p.log"; fail "$name: exit $got, want $want"; }
	grep -Eq "$why" "$T/p.log" || { cat "$T/p.log"; fail "$name: no '$why'"; }
	ok "$name -> exit $got ($(grep 'failed:' "$T/p.log" | tail -1 | sed 's/.*failed: //' | cut -c1-120))"
}
now_ms() { date +%s%3N; }
VG=""	# memcheck for a pledge run, where it can run
if command -v valgrind >/dev/null 2>&1 &&
    ! grep -q 'enable-sanitizers' "$top_builddir/config.status" 2>/dev/null; then
	VG="valgrind -q --leak-check=full --show-leak-kinds=all
	    --suppressions=$top_srcdir/test/valgrind.supp
	    --errors-for-leak-kinds=all --error-exitcode=99"
fi

# --- nothing announced yet ---
t0=$(now_ms)
refused "no registrar announced" 7 "no registrar .* answered within 2s" \
    0001 none --discover-timeout 2
t=$(($(now_ms) - t0))
[ $t -lt 5000 ] || fail "exit 7 took ${t} ms with discover-timeout 2"
[ ! -e "$T/none" ] || [ -z "$(ls -A "$T/none")" ] ||
    fail "a failed discovery wrote state"
ok "  ... after $t ms (discover-timeout 2 s)"
BUS="unix:path=$T/no-such-bus" refused "no avahi-daemon (no D-Bus)" 7 \
    "avahi-daemon: .*start avahi-daemon, or set --registrar" 0001 none
refused "discover off and no URL" 2 "registrar is not set .* discover is off" \
    0001 none --discover no
refused "discover-timeout 0" 2 'discover-timeout "0": need an integer 1..60' \
    0001 none --discover-timeout 0

# --- one registrar: the pledge enrolls with no URL ---
registrar bgood "$P" --announce-name b-good
wait_for "$T/bgood.log" 'announced "b-good" _brski-registrar._tcp' 10 \
    "the registrar did not announce"
ok "registrar b-good announced (port $PORT)"
t0=$(now_ms)
pledge 0001 s1 >"$T/p.out" 2>"$T/p.log" || { cat "$T/p.log"; fail "enroll"; }
t=$(($(now_ms) - t0))
grep -q 'DNS-SD: registrar "b-good" at fe80::[0-9a-f:]*%jl0 port' "$T/p.log" ||
    { cat "$T/p.log"; fail "no link-local candidate with its scope"; }
expect_ok "the LDevID verifies against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/s1/current/ldevid.pem"
ok "the pledge found b-good with DNS-SD and enrolled in $t ms"
old=$("$OPENSSL" x509 -in "$T/s1/current/ldevid.pem" -noout -serial)
ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-dev" \
    "$PLEDGE" -d --state-dir "$T/s1" --timeout 10 reenroll >"$T/p.out" \
    2>"$T/p.log" || { cat "$T/p.log"; fail "reenroll without URL"; }
[ "$("$OPENSSL" x509 -in "$T/s1/current/ldevid.pem" -noout -serial)" != \
    "$old" ] || fail "reenroll kept the old certificate"
grep -q 'DNS-SD: registrar "b-good"' "$T/p.log" || fail "reenroll: no DNS-SD"
ok "reenroll without a URL found b-good too and renewed the LDevID"

# --- two registrars: the first by name is not the device's owner ---
registrar aother "$O" --announce-name a-other
wait_for "$T/aother.log" 'announced "a-other"' 10 "a-other not announced"
pledge 0002 s2 >"$T/p.out" 2>"$T/p.log" || { cat "$T/p.log"; fail "fall over"; }
grep -q 'registrar "a-other" (fe80::.*) failed: .*trying the next one' \
    "$T/p.log" || { cat "$T/p.log"; fail "a-other was not tried first"; }
grep -q 'enrolling serial 0002 with fe80::' "$T/p.log" || fail "no second try"
"$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/s2/current/ldevid.pem" \
    >/dev/null || fail "the LDevID is not of b-good's domain"
ok "a-other refused (the MASA assigned 0002 elsewhere: $(grep -o \
    'failed: [^;]*' "$T/p.log" | head -1 | cut -c9-90)); fell over to b-good"

# --- a clash of instance names is renamed, both stay announced ---
# (with CoAPS: also _brski-registrar._udp; 5684 is free in our namespace)
registrar clash "$P" --announce-name b-good --coaps-port 5684
wait_for "$T/clash.log" 'announced "b-good #2" _brski-registrar._udp port 5684' \
    10 "the clash was not renamed, or CoAPS not announced"
grep -q 'the name "b-good" is taken' "$T/clash.log" || fail "no rename warning"
ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-dev" \
    timeout 10 avahi-browse -rtp _brski-registrar._udp >"$T/udp.browse" \
    2>&1 || true
# (avahi-browse -p writes " " and "#" as \032 and \035)
grep -q '^=;jl0;IPv6;b-good\\032\\0352;_brski-registrar._udp;local;.*;5684;' \
    "$T/udp.browse" || { cat "$T/udp.browse"; fail "no CoAPS announcement"; }
ok "a second \"b-good\" is announced as \"b-good #2\", CoAPS as ._udp 5684"
stop_daemon clash
stop_daemon aother

# --- avahi-daemon restarts: the registrar announces again ---
kill "$avahi_gw_pid"
wait "$avahi_gw_pid" 2>/dev/null || true
wait_for "$T/bgood.log" 'lost avahi-daemon' 10 "the loss was not noticed"
avahi "$GW" gw brski-gw
wait_for "$T/bgood.log" 'avahi-daemon answers now' 15 "no reconnection"
i=0
until [ "$(grep -c 'announced "b-good" _brski-registrar._tcp' \
    "$T/bgood.log")" -ge 2 ]; do
	[ $i -lt 100 ] || { cat "$T/bgood.log"; fail "not announced again"; }
	sleep 0.1
	i=$((i + 1))
done
pledge 0003 s3 >"$T/p.out" 2>"$T/p.log" || { cat "$T/p.log"; fail "after restart"; }
ok "after an avahi-daemon restart b-good is announced again; 0003 enrolled"

# --- the join proxy announces its join port as _brski-proxy._udp ---
start_daemon jp ip netns exec "$GW" env \
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-gw" "$JOINPROXY" -d \
    --registrar ::1 --listen '*' --port 0 --discovery-port 0 \
    --announce-name jp-one
JPORT=$PORT
wait_for "$T/jp.log" 'announced "jp-one" _brski-proxy._udp' 10 \
    "the join proxy did not announce"
ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-dev" \
    timeout 10 avahi-browse -rtp _brski-proxy._udp >"$T/jp.browse" \
    2>&1 || true
grep -q "^=;jl0;IPv6;jp-one;_brski-proxy._udp;local;.*;fe80::.*;$JPORT;" \
    "$T/jp.browse" || { cat "$T/jp.browse"; fail "avahi-browse: no jp-one"; }
stop_daemon jp
ok "the join proxy's port $JPORT is seen by avahi-browse in $DEV"

# --- a constrained pledge: discover-transport coaps ---
# browse_dev TYPE: the instances the device's avahi-daemon knows now
browse_dev() {
	ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-dev" \
	    timeout 5 avahi-browse -tp "$1" 2>/dev/null | grep '^+' || true
}
i=0	# the goodbyes of jp-one and "b-good #2" have arrived
while [ -n "$(browse_dev _brski-proxy._udp)$(browse_dev _brski-registrar._udp)" ]; do
	[ $i -lt 20 ] || fail "a _udp service is still announced after it stopped"
	sleep 0.5
	i=$((i + 1))
done
refused "coaps with only a _tcp registrar announced" 7 \
    "no registrar or join proxy \(_brski-proxy._udp, _brski-registrar._udp\) answered within 2s .*coaps://host:port" \
    0001 none --discover-transport coaps --discover-timeout 2
grep -q 'DNS-SD: registrar "b-good"' "$T/p.log" &&
    fail "coaps took the _tcp registrar"
refused "discover-transport tcp is refused" 2 \
    'discover-transport "tcp": use https, coaps or any' 0001 none \
    --discover-transport tcp
"$CERTS" idevid "$P" 0004 0005 >/dev/null
"$MASA" --database "$DB" ctl add 0004 0005 >/dev/null || fail "ctl add 0004"
for s in 0004 0005; do
	"$MASA" --database "$DB" ctl assign $s "$P/domain-ca.pem" >/dev/null ||
	    fail "ctl assign $s"
done
# a registrar with CoAPS (_tcp and _udp) and a join proxy relaying to it,
# both announced on the gateway; COSE vouchers: the signer is the anchor
registrar creg "$P" --announce-name c-reg --coaps-port 5684
wait_for "$T/creg.log" 'announced "c-reg" _brski-registrar._udp port 5684' 10 \
    "c-reg did not announce CoAPS"
start_daemon jpc ip netns exec "$GW" env \
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-gw" "$JOINPROXY" -d \
    --registrar ::1 --registrar-port 5684 --listen '*' --port 0 \
    --discovery-port 0 --announce-name jp-c
JPORT=$PORT
wait_for "$T/jpc.log" 'announced "jp-c" _brski-proxy._udp' 10 \
    "jp-c did not announce"
t0=$(now_ms)
pledge 0004 s5 --discover-transport coaps --masa-ca "$P/masa-signer.pem" \
    >"$T/p.out" 2>"$T/p.log" || { cat "$T/p.log"; fail "coaps enroll"; }
t=$(($(now_ms) - t0))
grep -q 'DNS-SD: join proxy "jp-c" at fe80::[0-9a-f:]*%jl0 port '"$JPORT" \
    "$T/p.log" || { cat "$T/p.log"; fail "jp-c not found"; }
grep -q 'DNS-SD: CoAPS registrar "c-reg" at fe80::[0-9a-f:]*%jl0 port 5684' \
    "$T/p.log" || { cat "$T/p.log"; fail "c-reg's CoAPS port not found"; }
first=$(grep -m1 'info: trying ' "$T/p.log")
echo "$first" | grep -q 'trying join proxy "jp-c": coaps://\[fe80::[0-9a-f:]*%jl0\]:'"$JPORT"'$' ||
    { cat "$T/p.log"; fail "the join proxy was not tried first: $first"; }
grep -q 'trying the next one' "$T/p.log" && { cat "$T/p.log"; fail "jp-c failed"; }
grep -Eq 'new pledge .* relayed' "$T/jpc.log" ||
    { cat "$T/jpc.log"; fail "the join proxy relayed nothing"; }
[ -s "$T/s5/current/voucher.cose" ] || fail "no COSE voucher stored"
expect_ok "the LDevID verifies against the domain CA" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/s5/current/ldevid.pem"
ok "coaps: 0004 $(echo "$first" | sed 's/.*info: //'), relayed ($(grep -Eo \
    'new pledge .* relayed' "$T/jpc.log" | head -1)), enrolled in $t ms"
# any: the https candidates come first
pledge 0005 s6 --discover-transport any --masa-ca "$P/masa-signer.pem" \
    >"$T/p.out" 2>"$T/p.log" || { cat "$T/p.log"; fail "any enroll"; }
first=$(grep -m1 'info: trying ' "$T/p.log")
echo "$first" | grep -Eq 'trying registrar "(b-good|c-reg)": https://\[fe80::' ||
    { cat "$T/p.log"; fail "any: https was not tried first: $first"; }
grep -q 'DNS-SD: join proxy "jp-c"' "$T/p.log" || fail "any: jp-c not browsed"
[ -s "$T/s6/current/voucher.cms" ] && [ ! -e "$T/s6/current/voucher.cose" ] ||
    fail "any: not enrolled over HTTPS ($(ls "$T/s6/current"))"
ok "any: 0005 $(echo "$first" | sed 's/.*info: //') first (of $(grep -c \
    'DNS-SD: .* at fe80' "$T/p.log") candidates) and enrolled"
# a join proxy that relays to nothing comes first: the pledge falls
# over to the registrar's own CoAPS port (jp-c is gone)
stop_daemon jpc
start_daemon jpdead ip netns exec "$GW" env \
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-gw" "$JOINPROXY" -d \
    --registrar ::1 --registrar-port 5699 --listen '*' --port 0 \
    --discovery-port 0 --announce-name jp-a-dead
wait_for "$T/jpdead.log" 'announced "jp-a-dead" _brski-proxy._udp' 10 \
    "jp-a-dead did not announce"
i=0
while browse_dev _brski-proxy._udp | grep -q ';jp-c;'; do
	[ $i -lt 20 ] || fail "jp-c is still announced after it stopped"
	sleep 0.5
	i=$((i + 1))
done
"$CERTS" idevid "$P" 0006 >/dev/null
"$MASA" --database "$DB" ctl add 0006 >/dev/null || fail "ctl add 0006"
"$MASA" --database "$DB" ctl assign 0006 "$P/domain-ca.pem" >/dev/null ||
    fail "ctl assign 0006"
# (three browsers, two DTLS runs and the reset between them under
# memcheck: no error, nothing left allocated)
t0=$(now_ms)
WRAP=$VG
pledge 0006 s7 --discover-transport coaps \
    --masa-ca "$P/masa-signer.pem" >"$T/p.out" 2>"$T/p.log" ||
    { cat "$T/p.log"; fail "coaps fall-over${WRAP:+ (valgrind)}"; }
WRAP=""
t=$(($(now_ms) - t0))
grep -m1 'info: trying ' "$T/p.log" | grep -q 'join proxy "jp-a-dead"' ||
    { cat "$T/p.log"; fail "jp-a-dead was not tried first"; }
grep -q 'join proxy "jp-a-dead" (fe80::.*) failed: .*trying the next one' \
    "$T/p.log" || { cat "$T/p.log"; fail "no fall-over from jp-a-dead"; }
grep -q 'trying CoAPS registrar "c-reg": coaps://\[fe80::[0-9a-f:]*%jl0\]:5684$' \
    "$T/p.log" || { cat "$T/p.log"; fail "c-reg's CoAPS port not tried"; }
"$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/s7/current/ldevid.pem" \
    >/dev/null || fail "0006: the LDevID does not verify"
ok "coaps: jp-a-dead failed ($(grep -o 'jp-a-dead" (.*) failed: [^;]*' \
    "$T/p.log" | sed 's/.*failed: //' | cut -c1-60)), fell over to c-reg's CoAPS port; enrolled in $t ms${VG:+ (valgrind)}"
stop_daemon jpdead
stop_daemon creg

# --- without any D-Bus a registrar serves unannounced, with a warning ---
start_daemon nobus ip netns exec "$GW" env \
    DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/no-such-bus" "$REGISTRAR" -d \
    --listen '*' --port 0 --database "$T/nobus.db" \
    --tls-cert "$P/registrar-tls-chain.pem" --tls-key "$P/registrar-tls.key" \
    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem"
wait_for "$T/nobus.log" 'warn: DNS-SD: no D-Bus system bus' 5 "no warning"
stop_daemon nobus
ok "no D-Bus: the registrar started, warned and stopped cleanly"
long=$(printf '%070d' 0)
expect_fail "announce-name of 70 bytes is refused" ip netns exec "$GW" \
    "$REGISTRAR" -d --listen '*' --port 0 --database "$T/bad.db" \
    --announce-name "$long" \
    --tls-cert "$P/registrar-tls-chain.pem" --tls-key "$P/registrar-tls.key" \
    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem"
grep -q 'DNS-SD instance name is 1..63 bytes' "$T/last.out" ||
    fail "the bad name is not explained"

# --- only registrars of another domain: every one refused, no state ---
stop_daemon bgood
registrar aother "$O" --announce-name a-other
registrar aother2 "$O" --announce-name a-other-2
wait_for "$T/aother2.log" 'announced "a-other-2"' 10 "a-other-2 not announced"
wait_for "$T/aother.log" 'announced "a-other"' 10 "a-other not announced"
i=0	# b-good's goodbye has reached the device's avahi-daemon
while ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-dev" \
    timeout 5 avahi-browse -tp _brski-registrar._tcp 2>/dev/null |
    grep -q ';b-good;'; do
	[ $i -lt 20 ] || fail "b-good is still announced after it stopped"
	sleep 0.5
	i=$((i + 1))
done
# two full tries and the reset between them under memcheck: no error,
# nothing left allocated at exit (libdbus included: dbus_shutdown())
WRAP=$VG
refused "only registrars of another domain${WRAP:+ (valgrind)}" 4 \
    "all 2 registrars found with DNS-SD failed; the last: .*403" 0001 s4
WRAP=""
[ ! -e "$T/s4/current" ] || fail "a refused enrollment left state"
grep -q 'registrar "a-other" .*failed: .*trying the next one' "$T/p.log" ||
    fail "a-other was not tried first"
stop_daemon aother
stop_daemon aother2

# --- a registrar on one address is announced on that interface only ---
# dm0 (a veth pair inside the gateway) is not a link avahi serves: a
# registrar listening there must not appear on jl0; one listening on an
# address of jl0 does, marked "on jl0 only"
ip -n "$GW" link add dm0 type veth peer name dm1
ip -n "$GW" addr add 2001:db8:9::1/64 dev dm0 nodad
ip -n "$GW" link set dm0 up
ip -n "$GW" link set dm1 up
ip -n "$GW" addr add 2001:db8:1::1/64 dev jl0 nodad
LISTEN=2001:db8:9::1 registrar ondm "$P" --announce-name on-dm0
LISTEN=2001:db8:1::1 registrar onjl "$P" --announce-name on-jl0
wait_for "$T/onjl.log" 'announced "on-jl0" _brski-registrar._tcp port [0-9]* on jl0 only' \
    10 "on-jl0: not announced on jl0 only"
wait_for "$T/ondm.log" 'announced "on-dm0" _brski-registrar._tcp port [0-9]* on dm0 only' \
    10 "on-dm0: not announced on dm0 only"
ip netns exec "$DEV" env DBUS_SYSTEM_BUS_ADDRESS="unix:path=$T/bus-dev" \
    timeout 10 avahi-browse -tp _brski-registrar._tcp >"$T/if.browse" \
    2>&1 || true
grep -q '^+;jl0;IPv6;on-jl0;' "$T/if.browse" ||
    { cat "$T/if.browse"; fail "on-jl0 is not seen on jl0"; }
grep -q ';on-dm0;' "$T/if.browse" &&
    { cat "$T/if.browse"; fail "on-dm0 (listening on dm0) is seen on jl0"; }
ok "listen 2001:db8:1::1 is announced on jl0 only, listen 2001:db8:9::1 (dm0) not on jl0"
stop_daemon ondm
stop_daemon onjl
