#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A registrar that misbehaves on purpose, for the pledge's negative tests.

Usage: evil_registrar.py CERT_CHAIN KEY MODE
It serves HTTPS on an ephemeral 127.0.0.1 port, prints "listening PORT",
and answers /.well-known/brski/requestvoucher according to MODE:
  garbage     200 with random bytes as a voucher
  truncate    a Content-Length it does not honour, then close
  refuse      403 with a reason
  forge       a voucher signed with $EVIL_SIGNER/$EVIL_SIGNER_KEY (+ chain
              $EVIL_CHAIN) by $TOOL, pinning $EVIL_PIN, for serial
              $EVIL_SERIAL (default: the PVR's), with the PVR's nonce
              ($EVIL_NONCE=copy), another one (wrong) or none (none; with
              expires-on $EVIL_EXPIRES); with $EVIL_TAMPER set, one bit
              of the signed JSON is flipped after signing
  replay      200 with the voucher in file $EVIL_VOUCHER (an old one)
voucher_status/enrollstatus get 200; cacerts serves $EVIL_CACERTS (PEM);
simpleenroll gets $EVIL_ENROLL_STATUS (default 403).
"""
import base64, datetime, http.server, json, os, ssl, subprocess, sys, tempfile

CHAIN, KEY, MODE = sys.argv[1:4]
TOOL = os.environ.get("TOOL")


def pvr_content(body):
    # the eContent of a CMS PVR is the JSON text itself
    i = body.find(b'{"ietf-voucher-request:voucher"')
    if i < 0:
        return None
    obj, _ = json.JSONDecoder().raw_decode(body[i:].decode("latin-1"))
    return obj["ietf-voucher-request:voucher"]


def pem_der_b64(path):
    der = subprocess.run(["openssl", "x509", "-in", path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.b64encode(der).decode()


def forge(body):
    pvr = pvr_content(body) or {}
    now = datetime.datetime.utcnow()
    v = {"assertion": "proximity",
         "created-on": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
         "serial-number": os.environ.get("EVIL_SERIAL",
                                         pvr.get("serial-number", "x")),
         "pinned-domain-cert": pem_der_b64(os.environ["EVIL_PIN"])}
    mode = os.environ.get("EVIL_NONCE", "copy")
    if mode == "copy":
        v["nonce"] = pvr.get("nonce")
    elif mode == "wrong":
        v["nonce"] = base64.b64encode(os.urandom(16)).decode()
    else:
        exp = os.environ.get("EVIL_EXPIRES", "2000-01-01T00:00:00Z")
        v["expires-on"] = exp
        e = datetime.datetime.strptime(exp, "%Y-%m-%dT%H:%M:%SZ")
        c = min(now, e - datetime.timedelta(hours=1))
        v["created-on"] = c.strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.TemporaryDirectory() as d:
        j = os.path.join(d, "v.json")
        out = os.path.join(d, "v.cms")
        with open(j, "w") as f:
            json.dump({"ietf-voucher:voucher": v}, f)
        subprocess.run([TOOL, "cms-sign", j, os.environ["EVIL_SIGNER"],
                        os.environ["EVIL_SIGNER_KEY"], out,
                        os.environ.get("EVIL_CHAIN", os.environ["EVIL_SIGNER"])],
                       check=True, capture_output=True)
        cms = bytearray(open(out, "rb").read())
        if os.environ.get("EVIL_TAMPER"):
            i = cms.find(b'"serial-number"')
            cms[i + 1] ^= 0x01
        return bytes(cms)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("evil: " + (fmt % args) + "\n")

    def answer(self, status, body=b"", ctype="text/plain"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/.well-known/est/cacerts" and os.environ.get("EVIL_CACERTS"):
            out = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile",
                                  os.environ["EVIL_CACERTS"], "-outform", "DER"],
                                 check=True, capture_output=True).stdout
            self.answer(200, base64.encodebytes(out), "application/pkcs7-mime")
        else:
            self.answer(404, b"no\n")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if self.path.endswith("/requestvoucher"):
            if MODE == "garbage":
                self.answer(200, os.urandom(700), "application/voucher-cms+json")
            elif MODE == "truncate":
                self.send_response(200)
                self.send_header("Content-Type", "application/voucher-cms+json")
                self.send_header("Content-Length", "5000")
                self.end_headers()
                self.wfile.write(b"\x30\x82\x13\x84" + os.urandom(96))
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(2)
            elif MODE == "replay":
                self.answer(200, open(os.environ["EVIL_VOUCHER"], "rb").read(),
                            "application/voucher-cms+json")
            elif MODE == "refuse":
                self.answer(403, b"not today\n")
            else:
                self.answer(200, forge(body), "application/voucher-cms+json")
        elif self.path.endswith("/simpleenroll"):
            st = int(os.environ.get("EVIL_ENROLL_STATUS", "403"))
            self.answer(st, b"enrollment refused by policy\n")
        else:
            self.answer(200, b"ok\n")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CHAIN, KEY)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("listening", srv.server_address[1], flush=True)
srv.serve_forever()
