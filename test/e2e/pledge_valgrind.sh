#!/bin/sh
# brski-pledge under valgrind memcheck against the real MASA and
# registrar: a full enrollment, a reenrollment, "status", and one
# refused run (a foreign MASA CA) must show no memory error and no
# definitely or indirectly lost block.  Valgrind and ASan do not mix, so
# the sanitizer build skips this test (its ASan/LSan runs cover it).
# VG_SHOW=all shows every block still allocated at exit, and where;
# VG_ORIGINS=yes where uninitialised values come from (slower).
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
need valgrind
grep -q 'enable-sanitizers' "$top_builddir/config.status" 2>/dev/null &&
    skip "sanitizer build: valgrind cannot run ASan binaries"

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$CERTS" init "$T/other" >/dev/null
"$MASA" --database "$T/m.db" ctl add 0001 || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://localhost:$PORT
CPORT=$(free_udp_port)
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" \
    --coaps-port "$CPORT" --coaps-listen 127.0.0.1 \
    --tls-cert "$P/registrar-tls-chain.pem" --tls-key "$P/registrar-tls.key" \
    --ra-cert "$P/registrar-ra-chain.pem" --ra-key "$P/registrar-ra.key" \
    --domain-ca-cert "$P/domain-ca.pem" --domain-ca-key "$P/domain-ca.key" \
    --manufacturer-ca "$P/vendor-ca.pem" --masa-ca "$P/masa-ca.pem" \
    --masa-url "$MURL" --masa-timeout 20
RURL=https://localhost:$PORT

# vg NAME WANT-EXIT pledge-args...: the pledge under memcheck; its own
# exit code must be WANT-EXIT, and valgrind must have nothing to say
# (99 is valgrind's: an error or a definite/indirect leak).
vg() {
	name=$1 want=$2; shift 2
	set +e
	timeout 120 valgrind --leak-check=full \
	    --suppressions="$top_srcdir/test/valgrind.supp" \
	    --errors-for-leak-kinds=definite,indirect \
	    --show-leak-kinds=${VG_SHOW:-definite,indirect} --error-exitcode=99 \
	    --track-origins=${VG_ORIGINS:-no} --log-file="$T/vg-$name.txt" \
	    "$PLEDGE" -d --registrar "${VG_URL:-$RURL}" \
	    --idevid-cert "$P/idevid-${VG_DEV:-0001}-chain.pem" \
	    --idevid-key "$P/idevid-${VG_DEV:-0001}.key" \
	    --state-dir "${VG_STATE:-$T/state}" \
	    --timeout 20 "$@" >"$T/$name.out" 2>"$T/$name.log"
	got=$?
	set -e
	V=$T/vg-$name.txt
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$V" | tr -d ,)
	lost=$(sed -n 's/.*\(definitely\|indirectly\) lost: \([0-9,]*\) bytes.*/\2/p' \
	    "$V" | tr -d , | awk '{s += $1} END {print s + 0}')
	heap=$(sed -n 's/.*total heap usage: //p' "$V")
	exitl=$(sed -n 's/.*in use at exit: //p' "$V")
	if [ "$got" = 99 ] || [ "${errs:-x}" != 0 ] || [ "$lost" != 0 ]; then
		cat "$V" >&2
		fail "$name: valgrind: ${errs:-?} errors, $lost bytes lost (exit $got)"
	fi
	[ "$got" = "$want" ] || { cat "$T/$name.log" >&2; fail "$name: exit $got, want $want"; }
	# stricter than the leak kinds: all of it freed, library caches too;
	# only the dynamic loader's records of a library loaded on demand
	# and pinned may stay (test/valgrind.supp: all that is left, if any)
	supp=$(sed -n 's/.*suppressed: \([0-9,]*\) bytes in \([0-9,]*\) blocks.*/\1 bytes in \2 blocks/p' \
	    "$V" | tr -d , | tail -1)
	case $(echo "$exitl" | tr -d ,) in
	"0 bytes in 0 blocks") ;;
	"${supp:-none}") exitl="$exitl, all the loader's (test/valgrind.supp)" ;;
	*) cat "$V" >&2; fail "$name: still allocated at exit: $exitl (VG_SHOW=all shows where)" ;;
	esac
	ok "$name under valgrind: exit $got, 0 errors, 0 bytes definitely/indirectly lost; heap: $heap; in use at exit: $exitl"
}

vg enroll 0 --masa-ca "$P/masa-ca.pem"
expect_ok "openssl verify accepts the LDevID" \
    "$OPENSSL" verify -CAfile "$P/domain-ca.pem" "$T/state/current/ldevid.pem"
old=$("$OPENSSL" x509 -in "$T/state/current/ldevid.pem" -noout -serial)
vg reenroll 0 --masa-ca "$P/masa-ca.pem" reenroll
[ "$old" != "$("$OPENSSL" x509 -in "$T/state/current/ldevid.pem" -noout \
    -serial)" ] || fail "reenroll kept the old certificate"
vg status 0 --masa-ca "$P/masa-ca.pem" status
# an error path: the voucher does not verify with this MASA CA
vg refused 4 --masa-ca "$T/other/masa-ca.pem"
grep -q "voucher signature" "$T/refused.log" || fail "refused: no reason logged"
# the constrained path: libcoap, DTLS (OpenSSL), COSE, EST-coaps
"$CERTS" idevid "$P" 0002 >/dev/null
"$MASA" --database "$T/m.db" ctl add 0002 >/dev/null
VG_URL=coaps://127.0.0.1:$CPORT VG_DEV=0002 VG_STATE=$T/state-coaps \
    vg enroll-coaps 0 --masa-ca "$P/masa-signer.pem"
[ -s "$T/state-coaps/current/voucher.cose" ] || fail "enroll-coaps: no COSE voucher stored"

# the check can fail: a program that leaks is caught the same way
printf '%s\n' '#include <stdlib.h>' '#include <string.h>' \
    'int main(void) { char *p = malloc(64); strcpy(p, "x"); p = NULL; return 0; }' \
    >"$T/leak.c"
if command -v cc >/dev/null 2>&1 && cc -g -O0 -o "$T/leak" "$T/leak.c"; then
	set +e
	valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
	    --error-exitcode=99 "$T/leak" 2>"$T/leak.txt"
	got=$?
	set -e
	[ "$got" = 99 ] && grep -q "definitely lost" "$T/leak.txt" ||
	    fail "valgrind did not report a leaking program (exit $got)"
	ok "the same valgrind options fail a leaking program (exit 99)"
fi
stop_daemon registrar
stop_daemon masa
