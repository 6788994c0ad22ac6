#!/bin/sh
# COSE_Sign1 and CBOR vouchers against Debian's python3-cbor2 and
# python3-cryptography (code nobody here wrote): python verifies what we
# sign, we verify what python signs, both refuse tampering; python reads
# our SID-keyed CBOR and we read its.
. "$(dirname "$0")/../lib.sh"
need "$OPENSSL"
[ -x "$PY" ] && $PY -c 'import cbor2, cryptography' 2>/dev/null ||
    skip "Debian's python3-cbor2 and python3-cryptography are needed"

P=$T/pki
"$CERTS" init "$P" >/dev/null
printf '{"ietf-voucher-request:voucher":{"assertion":"proximity","serial-number":"0001","nonce":"AAECAwQFBgcICQoLDA0ODw==","created-on":"2026-11-25T00:00:00Z"}}' >"$T/vr.json"
expect_ok "JSON voucher-request to CBOR" "$TOOL" json-cbor request "$T/vr.json" "$T/vr.cbor"
$PY - "$T/vr.cbor" <<'PYEOF' || fail "python reads our CBOR voucher-request"
import cbor2, sys
d = cbor2.loads(open(sys.argv[1], "rb").read())
assert list(d) == [2501], d
v = d[2501]
assert v[13] == "0001" and v[1] == 2 and v[7] == bytes(range(16)), v
assert v[2] == "2026-11-25T00:00:00Z", v
assert list(v) == sorted(v), "delta keys not ascending"
PYEOF
ok "python3-cbor2 reads our CBOR: {2501: {1: 2, 2: date, 7: nonce, 13: serial}}"

expect_ok "we sign it with COSE (ES256, x5bag)" "$TOOL" cose-sign "$T/vr.cbor" \
    "$P/masa-signer.key" "$T/ours.cose" "$P/masa-signer-chain.pem"
$PY - "$T/ours.cose" "$P/masa-signer.pem" <<'PYEOF' || fail "python verifies our COSE"
import cbor2, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, utils
m = cbor2.loads(open(sys.argv[1], "rb").read())
assert isinstance(m, cbor2.CBORTag) and m.tag == 18, "not tag 18"
prot, unprot, payload, sig = m.value
assert cbor2.loads(prot) == {1: -7}, cbor2.loads(prot)
bag = unprot[32]
assert isinstance(bag, list) and len(bag) == 2
signer = x509.load_der_x509_certificate(bag[0])
pem = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
assert signer == pem, "x5bag[0] is not the signer"
tbs = cbor2.dumps(["Signature1", prot, b"", payload])
der = utils.encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                 int.from_bytes(sig[32:], "big"))
signer.public_key().verify(der, tbs, ec.ECDSA(hashes.SHA256()))
assert cbor2.loads(payload)[2501][13] == "0001"
PYEOF
ok "python3-cryptography verifies our COSE_Sign1 (tag 18, ES256, x5bag)"

$PY - "$P/registrar-ra.key" "$P/registrar-ra.pem" "$T/theirs.cose" <<'PYEOF' || fail "python signs"
import cbor2, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), None)
cert = x509.load_pem_x509_certificate(open(sys.argv[2], "rb").read())
payload = cbor2.dumps({2501: {1: 2, 13: "0001", 7: bytes(8)}})
prot = cbor2.dumps({1: -7})
tbs = cbor2.dumps(["Signature1", prot, b"", payload])
r, s = utils.decode_dss_signature(key.sign(tbs, ec.ECDSA(hashes.SHA256())))
sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
der = cert.public_bytes(serialization.Encoding.DER)
msg = cbor2.CBORTag(18, [prot, {32: der}, payload, sig])
open(sys.argv[3], "wb").write(cbor2.dumps(msg))
PYEOF
expect_ok "we verify python's COSE_Sign1" "$TOOL" cose-verify "$T/theirs.cose" \
    "$P/registrar-ra.pem" "$T/theirs.cbor"
expect_ok "we read python's CBOR voucher-request" "$TOOL" cbor-json request \
    "$T/theirs.cbor" "$T/theirs.json"
grep -q '"serial-number":"0001"' "$T/theirs.json" || fail "serial-number lost"
expect_fail "python's COSE against another key" "$TOOL" cose-verify \
    "$T/theirs.cose" "$P/masa-signer.pem"
for where in payload signature; do
	$PY - "$T/theirs.cose" "$T/bad.cose" "$where" <<'PYEOF'
import cbor2, sys
m = cbor2.loads(open(sys.argv[1], "rb").read())
prot, unprot, payload, sig = m.value
if sys.argv[3] == "payload":
    payload = payload[:-1] + bytes([payload[-1] ^ 1])
else:
    sig = sig[:-1] + bytes([sig[-1] ^ 1])
open(sys.argv[2], "wb").write(cbor2.dumps(cbor2.CBORTag(18, [prot, unprot, payload, sig])))
PYEOF
	expect_fail "python's COSE with one $where byte flipped" "$TOOL" \
	    cose-verify "$T/bad.cose" "$P/registrar-ra.pem"
done
# a voucher-request with a key twice (cbor2 cannot make one: by hand)
printf '\241\031\011\305\242\015\141\101\015\141\102' >"$T/dup.cbor"
expect_fail "CBOR voucher-request with serial-number twice" "$TOOL" cbor-json \
    request "$T/dup.cbor" "$T/dup.json"
$PY -c 'import cbor2, sys; open(sys.argv[1], "wb").write(cbor2.dumps({2501: {13: 7}}))' "$T/type.cbor"
expect_fail "CBOR voucher-request with an integer serial-number" "$TOOL" \
    cbor-json request "$T/type.cbor" "$T/type.json"
