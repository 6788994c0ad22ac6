#!/bin/sh
# GET /healthz and GET /metrics on a real MASA and registrar: health
# 200 with every check named, then 503 for real failures (the database
# file moved away, certificates expiring inside health-expiry-warn);
# one enrollment and one reenrollment move the counters by exactly the
# expected amounts; the exposition passes a strict 0.0.4 parser; a
# scan of random paths adds no series; /metrics is refused to an
# address outside metrics-allow, and a bad metrics-allow stops start-up.
. "$(dirname "$0")/../lib.sh"
need curl
[ -x "$PY" ] || skip "Debian's python3 is needed to check JSON and the exposition"
PROM=$T/prom.py

# A strict reader of the text exposition format 0.0.4: prints
# "series value" per sample, fails on anything it does not expect.
cat >"$PROM" <<'EOF'
import re, sys
NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LABEL = r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
SAMPLE = re.compile(r'^(%s)(\{(?:%s(?:,%s)*)?\})? (\S+)$' % (NAME, LABEL, LABEL))
text = sys.stdin.read()
if not text.endswith('\n'):
    sys.exit('exposition does not end with a newline')
types, helps, seen, out = {}, set(), set(), []
hist = {}
for n, line in enumerate(text.split('\n')[:-1], 1):
    if line.startswith('# HELP '):
        name = line.split(' ')[2]
        if not re.fullmatch(NAME, name) or name in helps:
            sys.exit('line %d: bad or repeated HELP' % n)
        helps.add(name)
        continue
    if line.startswith('# TYPE '):
        parts = line.split(' ')
        if len(parts) != 4 or parts[3] not in ('counter', 'gauge', 'histogram',
                                               'summary', 'untyped'):
            sys.exit('line %d: bad TYPE' % n)
        if parts[2] in types:
            sys.exit('line %d: TYPE repeated' % n)
        types[parts[2]] = parts[3]
        continue
    if line.startswith('#') or line == '':
        sys.exit('line %d: unexpected %r' % (n, line))
    m = SAMPLE.match(line)
    if not m:
        sys.exit('line %d: not a sample: %r' % (n, line))
    name, labels, value = m.group(1), m.group(2) or '', m.group(7)
    base = re.sub(r'_(bucket|sum|count)$', '', name)
    t = types.get(name) or (types.get(base) == 'histogram' and 'histogram')
    if not t:
        sys.exit('line %d: %s has no TYPE before it' % (n, name))
    v = float(value)
    if t == 'counter' and (v < 0 or v != int(v)):
        sys.exit('line %d: counter %s = %s' % (n, name, value))
    series = name + labels
    if series in seen:
        sys.exit('line %d: series repeated: %s' % (n, series))
    seen.add(series)
    if t == 'histogram':
        lab = dict(re.findall(LABEL, labels))
        le = lab.pop('le', None)
        key = (base, tuple(sorted(lab.items())))
        h = hist.setdefault(key, {'b': [], 'count': None})
        if name.endswith('_bucket'):
            h['b'].append((float('inf') if le == '+Inf' else float(le), v))
        elif name.endswith('_count'):
            h['count'] = v
    out.append('%s %s' % (series, value))
for key, h in hist.items():
    b = h['b']
    if not b or b[-1][0] != float('inf'):
        sys.exit('%s: no +Inf bucket' % (key,))
    if any(b[i][0] >= b[i + 1][0] or b[i][1] > b[i + 1][1]
           for i in range(len(b) - 1)):
        sys.exit('%s: buckets not increasing and cumulative' % (key,))
    if h['count'] != b[-1][1]:
        sys.exit('%s: _count %s != +Inf bucket %s' % (key, h['count'], b[-1][1]))
print('\n'.join(out))
EOF

# healthz NAME URL CAFILE WANT-STATUS [curl options]: GET /healthz, the
# status must be WANT; the JSON body is left in $T/NAME.json.
healthz() {
	name=$1 url=$2 ca=$3 want=$4; shift 4
	got=$(curl -sS -o "$T/$name.json" -w '%{http_code}' --max-time 10 \
	    --cacert "$ca" "$@" "$url/healthz") || fail "$name: curl /healthz"
	[ "$got" = "$want" ] || { cat "$T/$name.json"; fail "$name: /healthz $got, want $want"; }
}
# checkjson FILE STATUS FAILING...: the health JSON says STATUS and names
# exactly the FAILING checks (space-separated list; "" for none).
checkjson() {
	"$PY" - "$@" <<'EOF'
import json, sys
f, status, failing = sys.argv[1], sys.argv[2], sys.argv[3].split()
d = json.load(open(f))
assert d['status'] == status, d
bad = sorted(k for k, v in d['checks'].items() if v['state'] == 'fail')
assert bad == sorted(failing) == sorted(d['failing']), (bad, failing, d)
for k, v in d['checks'].items():
    assert v['state'] in ('ok', 'fail') and isinstance(v['detail'], str), d
EOF
}
# scrape NAME URL CAFILE OUT [curl options]: GET /metrics, parsed
# strictly into OUT ("series value" lines).
scrape() {
	name=$1 url=$2 ca=$3 out=$4; shift 4
	got=$(curl -sS -o "$T/$name.prom" -D "$T/$name.hdr" -w '%{http_code}' \
	    --max-time 10 --cacert "$ca" "$@" "$url/metrics") ||
	    fail "$name: curl /metrics"
	[ "$got" = 200 ] || fail "$name: /metrics answered $got"
	grep -qi '^content-type: text/plain; version=0.0.4' "$T/$name.hdr" ||
	    fail "$name: /metrics Content-Type is not text/plain; version=0.0.4"
	"$PY" "$PROM" <"$T/$name.prom" >"$out" ||
	    fail "$name: the exposition does not parse (kept in $T/$name.prom)"
}
# delta BEFORE AFTER SERIES: AFTER's value minus BEFORE's (absent: 0)
delta() {
	awk -v s="$3" 'FNR == 1 { f++ } $1 == s { v[f] = $2 }
	    END { printf "%d\n", v[2] - v[1] }' "$1" "$2"
}
expect_delta() {	# expect_delta BEFORE AFTER SERIES N
	d=$(delta "$1" "$2" "$3")
	[ "$d" = "$4" ] || fail "$3 moved by $d, want $4"
}

P=$T/pki
"$CERTS" init "$P" >/dev/null
"$MASA" --database "$T/m.db" ctl add 0001 >/dev/null || fail "ctl add"
start_daemon masa "$MASA" -d --port 0 --database "$T/m.db" \
    --tls-cert "$P/masa-tls-chain.pem" --tls-key "$P/masa-tls.key" \
    --signer-cert "$P/masa-signer-chain.pem" --signer-key "$P/masa-signer.key" \
    --manufacturer-ca "$P/vendor-ca.pem"
MURL=https://127.0.0.1:$PORT
REGOPTS="--tls-cert $P/registrar-tls-chain.pem --tls-key $P/registrar-tls.key
 --ra-cert $P/registrar-ra-chain.pem --ra-key $P/registrar-ra.key
 --domain-ca-cert $P/domain-ca.pem --domain-ca-key $P/domain-ca.key
 --manufacturer-ca $P/vendor-ca.pem --masa-ca $P/masa-ca.pem"
mkdir "$T/crl"
start_daemon registrar "$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS \
    --masa-url "https://localhost:${MURL##*:}" --metrics-allow 127.0.0.1 \
    --crl-file "$T/crl/domain.crl"
RURL=https://127.0.0.1:$PORT
RCA=$P/domain-ca.pem MCA=$P/masa-ca.pem

# --- healthy: 200, every check named and ok; no client certificate ---
healthz reg "$RURL" "$RCA" 200
checkjson "$T/reg.json" ok "" || fail "registrar health JSON"
"$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"]
assert sorted(c) == ["ca-cert","crl","database","keys","ra-cert","tls-cert"], c' \
    "$T/reg.json" || fail "registrar checks are not the six expected"
healthz masa "$MURL" "$MCA" 200
checkjson "$T/masa.json" ok "" || fail "MASA health JSON"
"$PY" -c 'import json,sys; c=json.load(open(sys.argv[1]))["checks"]
assert sorted(c) == ["ca-cert","database","keys","signer-cert","tls-cert"], c' \
    "$T/masa.json" || fail "MASA checks are not the five expected"
ok "healthz: 200 with database, keys and certificate checks (no client cert)"

# --- one enrollment and one reenrollment: exact counter movements ---
scrape reg "$RURL" "$RCA" "$T/r0"
scrape masa "$MURL" "$MCA" "$T/m0"
n0=$(grep -c 'registrar: .* -> ' "$T/registrar.log")
"$PLEDGE" -d --registrar "https://localhost:${RURL##*:}" \
    --idevid-cert "$P/idevid-0001-chain.pem" --idevid-key "$P/idevid-0001.key" \
    --masa-ca "$P/masa-ca.pem" --timeout 10 --state-dir "$T/state" \
    >"$T/p.out" 2>"$T/p.log" || { cat "$T/p.log"; fail "pledge enrollment"; }
"$PLEDGE" -d --registrar "https://localhost:${RURL##*:}" --state-dir "$T/state" \
    --timeout 10 reenroll >"$T/p2.out" 2>"$T/p2.log" ||
    { cat "$T/p2.log"; fail "pledge reenrollment"; }
n1=$(grep -c 'registrar: .* -> ' "$T/registrar.log")
scrape reg "$RURL" "$RCA" "$T/r1"
scrape masa "$MURL" "$MCA" "$T/m1"
RV='endpoint="/.well-known/brski/requestvoucher"'
expect_delta "$T/r0" "$T/r1" brski_registrar_vouchers_forwarded_total 1
expect_delta "$T/r0" "$T/r1" 'brski_registrar_enrollments_total{kind="enroll"}' 1
expect_delta "$T/r0" "$T/r1" 'brski_registrar_enrollments_total{kind="reenroll"}' 1
expect_delta "$T/r0" "$T/r1" 'brski_registrar_enrollments_total{kind="serverkeygen"}' 0
expect_delta "$T/r0" "$T/r1" "brski_requests_total{$RV,code=\"200\"}" 1
expect_delta "$T/r0" "$T/r1" "brski_request_duration_seconds_count{$RV}" 1
expect_delta "$T/r0" "$T/r1" 'brski_requests_total{endpoint="/.well-known/est/simpleenroll",code="200"}' 1
expect_delta "$T/r0" "$T/r1" 'brski_requests_total{endpoint="/.well-known/est/simplereenroll",code="200"}' 1
expect_delta "$T/m0" "$T/m1" 'brski_masa_vouchers_issued_total{format="cms"}' 1
expect_delta "$T/m0" "$T/m1" "brski_requests_total{$RV,code=\"200\"}" 1
# every request the registrar logged between the scrapes, and no other,
# was counted (the scrape at r0 itself is counted in r1, hence +1)
sum_requests() {
	awk '/^brski_requests_total\{/ { s += $2 } END { print s + 0 }' "$1"
}
want=$((n1 - n0))
got=$(($(sum_requests "$T/r1") - $(sum_requests "$T/r0") - 1))
[ "$got" = "$want" ] || fail "registrar counted $got requests, its log shows $want"
refused=$(awk '/^brski_registrar_voucher_requests_refused_total/ { s += $2 } END { print s + 0 }' "$T/r1")
[ "$refused" = 0 ] || fail "refusals counted during a good enrollment: $refused"
ok "enroll + reenroll: forwarded +1, enroll +1, reenroll +1, MASA cms +1, $want requests = $want log lines"

# --- a refusal is counted by reason, on both sides ---
# MASA: a registrar voucher-request in the wrong media type
got=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$MCA" \
    -H 'Content-Type: text/plain' --data-binary x "$MURL/.well-known/brski/requestvoucher")
[ "$got" = 415 ] || fail "MASA wrong media type: $got"
# registrar: a voucher-request without the IDevID as TLS client cert (403)
pvr_got=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$RCA" \
    -H 'Content-Type: application/voucher-cms+json' --data-binary garbage \
    "$RURL/.well-known/brski/requestvoucher")
# one unknown path first, so that the "other" series exist before the scan
got=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$RCA" \
    "$RURL/nothing-here")
[ "$got" = 404 ] || fail "unknown path: $got"
scrape reg "$RURL" "$RCA" "$T/r2"
scrape masa "$MURL" "$MCA" "$T/m2"
expect_delta "$T/m1" "$T/m2" 'brski_masa_voucher_requests_refused_total{reason="media-type"}' 1
[ "$pvr_got" = 403 ] || fail "voucher-request without IDevID: $pvr_got"
reason=forbidden
expect_delta "$T/r1" "$T/r2" "brski_registrar_voucher_requests_refused_total{reason=\"$reason\"}" 1
expect_delta "$T/r1" "$T/r2" brski_registrar_vouchers_forwarded_total 0
ok "refusals counted by reason (MASA media-type, registrar $reason)"

# --- 404 scanning adds no label values ---
i=0
while [ $i -lt 60 ]; do
	echo "url = \"$RURL/scan-$i-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')\""
	echo "output = /dev/null"
	i=$((i + 1))
done >"$T/scan.cfg"
curl -s --max-time 60 --cacert "$RCA" -K "$T/scan.cfg" || fail "scan"
scrape reg "$RURL" "$RCA" "$T/r3"
cut -d' ' -f1 "$T/r2" >"$T/s2"
cut -d' ' -f1 "$T/r3" >"$T/s3"
cmp -s "$T/s2" "$T/s3" || { diff "$T/s2" "$T/s3" >&2; fail "scanning changed the series"; }
grep -q scan- "$T/reg.prom" && fail "a scanned path appears in /metrics"
expect_delta "$T/r2" "$T/r3" 'brski_requests_total{endpoint="other",code="404"}' 60
ok "60 random 404 paths: all under endpoint=\"other\", no new label values"

# --- /metrics access control ---
set +e
got=$(curl -sS -o "$T/deny.txt" -w '%{http_code}' --max-time 10 --cacert "$RCA" \
    --interface 127.0.0.2 "$RURL/metrics")
rc=$?
set -e
[ $rc = 45 ] && skip "cannot use 127.0.0.2 as a source address"
[ $rc = 0 ] || fail "curl from 127.0.0.2: exit $rc"
[ "$got" = 403 ] || fail "/metrics from 127.0.0.2 (metrics-allow 127.0.0.1): $got"
grep -q "brski_requests_total" "$T/deny.txt" && fail "403 body carries metrics"
grep -q "/metrics refused to 127.0.0.2" "$T/registrar.log" || fail "no log line for the refusal"
healthz reg2 "$RURL" "$RCA" 200 --interface 127.0.0.2
scrape masa "$MURL" "$MCA" "$T/m3" --interface 127.0.0.2	# default: 127/8
ok "/metrics refused (403) outside metrics-allow; /healthz open; default allows loopback"
set +e
"$REGISTRAR" -d --port 0 --database "$T/r.db" $REGOPTS --metrics-allow 10.0.0.1/8 \
    >/dev/null 2>"$T/bad.log"
got=$?
set -e
[ "$got" = 3 ] && grep -q "metrics-allow 10.0.0.1/8" "$T/bad.log" ||
    { cat "$T/bad.log"; fail "bad metrics-allow: exit $got"; }
ok "metrics-allow 10.0.0.1/8 stops start-up (exit 3) with the reason"

# --- the database file moved away: 503 naming "database", then back ---
mv "$T/r.db" "$T/r.db.away"
healthz reg3 "$RURL" "$RCA" 503
checkjson "$T/reg3.json" fail database || fail "moved database: JSON"
grep -q "moved or deleted" "$T/reg3.json" || fail "moved database: no reason"
healthz reg4 "$RURL" "$RCA" 503
[ "$(grep -c 'health: database failing' "$T/registrar.log")" = 1 ] ||
    fail "two failing probes must log one line"
mv "$T/r.db.away" "$T/r.db"
healthz reg5 "$RURL" "$RCA" 200
grep -q 'health: database ok again' "$T/registrar.log" || fail "no recovery line"
ok "database moved away: 503 naming database, one log line; back: 200"

# --- a revocation the CRL cannot take in (crl-file unwritable): 503 crl ---
serial=$("$OPENSSL" x509 -in "$T/state/current/ldevid.pem" -noout -serial)
rm -r "$T/crl"
: >"$T/crl"		# a file where the directory was: even root cannot write
"$REGISTRAR" --database "$T/r.db" ctl revoke-cert "${serial#serial=}" \
    >/dev/null || fail "ctl revoke-cert"
healthz reg-crl "$RURL" "$RCA" 503
checkjson "$T/reg-crl.json" fail crl || fail "stale CRL: JSON"
grep -q "out of date and cannot be rebuilt" "$T/reg-crl.json" ||
    fail "stale CRL: no reason in /healthz"
! grep -q "$T" "$T/reg-crl.json" || fail "/healthz shows a path to everyone"
grep -q "CRL: crl-file: " "$T/registrar.log" || fail "stale CRL: no log line"
rm "$T/crl"
mkdir "$T/crl"
healthz reg-crl2 "$RURL" "$RCA" 200
"$OPENSSL" crl -inform DER -in "$T/crl/domain.crl" -noout -text |
    grep -qi "serial number: *${serial#serial=}" ||
    fail "the rebuilt CRL does not list the revoked LDevID"
ok "a revocation the CRL cannot take in: 503 naming crl (reason in the log only); fixed: 200, CRL lists it"

# --- certificates expiring within health-expiry-warn (for real: 10 days) ---
Q=$T/short
"$CERTS" init --days 10 "$Q" >/dev/null
"$MASA" --database "$T/m2.db" ctl add 0001 >/dev/null
MOPTS="--tls-cert $Q/masa-tls-chain.pem --tls-key $Q/masa-tls.key
 --signer-cert $Q/masa-signer-chain.pem --signer-key $Q/masa-signer.key
 --manufacturer-ca $Q/vendor-ca.pem"
start_daemon masa2 "$MASA" -d --port 0 --database "$T/m2.db" $MOPTS
healthz masa2 "https://127.0.0.1:$PORT" "$Q/masa-ca.pem" 503
checkjson "$T/masa2.json" fail "tls-cert signer-cert" || fail "short MASA: JSON"
grep -Eq 'in (9|10) days \(health-expiry-warn is 30 days\)' "$T/masa2.json" ||
    { cat "$T/masa2.json"; fail "short MASA: detail"; }
MURL2=https://127.0.0.1:$PORT
mv "$T/m2.db" "$T/m2.db.away"	# the MASA's store probe (ops->ping) too
healthz masa3 "$MURL2" "$Q/masa-ca.pem" 503
checkjson "$T/masa3.json" fail "database tls-cert signer-cert" || fail "MASA moved database: JSON"
mv "$T/m2.db.away" "$T/m2.db"
start_daemon reg6 "$REGISTRAR" -d --port 0 --database "$T/r6.db" \
    --tls-cert "$Q/registrar-tls-chain.pem" --tls-key "$Q/registrar-tls.key" \
    --ra-cert "$Q/registrar-ra-chain.pem" --ra-key "$Q/registrar-ra.key" \
    --domain-ca-cert "$Q/domain-ca.pem" --domain-ca-key "$Q/domain-ca.key" \
    --manufacturer-ca "$Q/vendor-ca.pem" --masa-ca "$Q/masa-ca.pem" \
    --metrics-allow none
got=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 \
    --cacert "$Q/domain-ca.pem" "https://127.0.0.1:$PORT/metrics")
[ "$got" = 403 ] || fail "/metrics with metrics-allow none: $got"
healthz reg6 "https://127.0.0.1:$PORT" "$Q/domain-ca.pem" 503
checkjson "$T/reg6.json" fail "tls-cert ra-cert" || fail "short registrar: JSON"
start_daemon reg7 "$REGISTRAR" -d --port 0 --database "$T/r7.db" \
    --tls-cert "$Q/registrar-tls-chain.pem" --tls-key "$Q/registrar-tls.key" \
    --ra-cert "$Q/registrar-ra-chain.pem" --ra-key "$Q/registrar-ra.key" \
    --domain-ca-cert "$Q/domain-ca.pem" --domain-ca-key "$Q/domain-ca.key" \
    --manufacturer-ca "$Q/vendor-ca.pem" --masa-ca "$Q/masa-ca.pem" \
    --health-expiry-warn 5d
healthz reg7 "https://127.0.0.1:$PORT" "$Q/domain-ca.pem" 200
ok "10-day certificates: 503 naming tls-cert and ra-cert/signer-cert; 200 with a 5-day window"
ok "MASA database moved: 503 naming database; metrics-allow none: 403 even on loopback"

stop_daemon reg7
stop_daemon reg6
stop_daemon masa2
stop_daemon registrar
stop_daemon masa
