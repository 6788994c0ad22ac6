#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""A registrar whose simplereenroll answer is wrong on purpose, for the
pledge's rekey negative tests (test/e2e/est_pop.sh).

Usage: evil_reenroll.py CERT_CHAIN KEY MODE
It serves HTTPS on an ephemeral 127.0.0.1 port and prints "listening PORT".
cacerts serves $EVIL_CACERTS (PEM); csrattrs is 404; simplereenroll answers
by MODE:
  otherkey   the certificate in $EVIL_CERT (a genuine one of the domain,
             issued for a key that is not the one in the CSR)
  foreign    a certificate for the CSR's key, issued by $EVIL_CA with
             $EVIL_CA_KEY (a CA the pledge's stored anchors do not know)
Every request is logged on stderr; other POSTs get 200.
"""
import base64, http.server, os, ssl, subprocess, sys, tempfile

CHAIN, KEY, MODE = sys.argv[1:4]


def certs_only(pem_path):
    der = subprocess.run(["openssl", "crl2pkcs7", "-nocrl", "-certfile",
                          pem_path, "-outform", "DER"],
                         check=True, capture_output=True).stdout
    return base64.encodebytes(der)


def sign_foreign(csr_b64):
    with tempfile.TemporaryDirectory() as d:
        csr = os.path.join(d, "r.der")
        crt = os.path.join(d, "c.pem")
        with open(csr, "wb") as f:
            f.write(base64.b64decode(csr_b64))
        subprocess.run(["openssl", "req", "-inform", "DER", "-in", csr,
                        "-out", csr + ".pem"], check=True, capture_output=True)
        subprocess.run(["openssl", "x509", "-req", "-in", csr + ".pem",
                        "-CA", os.environ["EVIL_CA"], "-CAkey",
                        os.environ["EVIL_CA_KEY"], "-days", "30",
                        "-set_serial", "4242", "-out", crt],
                       check=True, capture_output=True)
        return certs_only(crt)


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
        if self.path == "/.well-known/est/cacerts":
            self.answer(200, certs_only(os.environ["EVIL_CACERTS"]),
                        "application/pkcs7-mime")
        else:
            self.answer(404, b"no\n")

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n)
        if not self.path.endswith("/simplereenroll"):
            self.answer(200, b"ok\n")
        elif MODE == "otherkey":
            self.answer(200, certs_only(os.environ["EVIL_CERT"]),
                        "application/pkcs7-mime")
        else:
            self.answer(200, sign_foreign(body), "application/pkcs7-mime")


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CHAIN, KEY)
srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
print("listening", srv.server_address[1], flush=True)
srv.serve_forever()
