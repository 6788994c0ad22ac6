#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""HTTPS test server for test/interop/httpc_openssl.sh.

A keep-alive HTTP/1.1 server (Python's http.server over ssl) that can
also misbehave on purpose, so that the client's error paths are reached
with real TLS connections.  It binds an ephemeral port on 127.0.0.1 and
writes the port number to PORTFILE once it listens.

usage: httpc_server.py CERT KEY CLIENT_CA PORTFILE

Every response carries X-Conn (which TCP connection, counted from 1),
X-Req (the request's number on that connection), X-Client (the subject
CN of the client certificate, or "-") and, over TLS 1.2, X-TLS-Unique
(the tls-unique channel binding as the server sees it, in hex).

Paths:
  /hello              200, 6 bytes, Content-Length
  /chunked            200, chunked in several pieces
  /big?n=N            200, N bytes, Content-Length
  /bigchunked?n=N     200, N bytes, chunked
  /nolength           200, body ends when the connection closes
  /cut                Content-Length 1000, 10 bytes, then close
  /cutchunked         a chunk cut short, then close
  /hang               never answers (until the client leaves)
  /garbage            not HTTP at all
  /dupct              two Content-Type headers
  /interim            100 Continue, then 200
  /status?code=C&retry=R   status C with Retry-After R
  /drop-next          200; the next request on this connection is
                      dropped without an answer (connection closed)
  /idle-close         200, then the server closes the idle connection
  /trickle            a chunked response sent one byte per TLS record
  /flaky              200 the first time, later requests are dropped
  /echo               echoes the request body and reports headers
"""
import itertools
import os
import socket
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONN_IDS = itertools.count(1)
CONN_LOCK = threading.Lock()
FLAKY_SERVED = threading.Event()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20  # a client that goes silent does not pin a thread

    def setup(self):
        super().setup()
        with CONN_LOCK:
            self.conn_id = next(CONN_IDS)
        self.req_no = 0
        self.drop_next = False
        cert = self.request.getpeercert()
        self.client = "-"
        if cert:
            for rdn in cert.get("subject", ()):
                for key, value in rdn:
                    if key == "commonName":
                        self.client = value

    def log_message(self, fmt, *args):
        sys.stderr.write("server: conn %d: %s\n" %
                         (self.conn_id, fmt % args))

    def common(self):
        self.send_header("X-Conn", str(self.conn_id))
        self.send_header("X-Req", str(self.req_no))
        self.send_header("X-Client", self.client)
        if self.request.version() == "TLSv1.2":
            cb = self.request.get_channel_binding("tls-unique")
            self.send_header("X-TLS-Unique", cb.hex())

    def simple(self, code, body, ctype="text/plain", extra=()):
        self.send_response(code)
        self.common()
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def chunked(self, pieces):
        self.send_response(200)
        self.common()
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for p in pieces:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(p), p))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def raw(self, data, close=True):
        self.wfile.write(data)
        self.wfile.flush()
        if close:
            self.close_connection = True

    def dispatch(self):
        self.req_no += 1
        if self.drop_next:
            self.close_connection = True
            return
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        n = int(q.get("n", "0"))
        path = url.path
        if path == "/hello":
            self.simple(200, b"hello\n")
        elif path == "/chunked":
            self.chunked([b"chunk one,", b" chunk two,", b" three\n"])
        elif path == "/big":
            self.simple(200, b"x" * n, "application/octet-stream")
        elif path == "/bigchunked":
            self.chunked([b"y" * 1000] * (n // 1000) + [b"y" * (n % 1000)])
        elif path == "/nolength":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     b"Connection: close\r\n\r\nuntil the end\n")
        elif path == "/cut":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n"
                     b"0123456789")
        elif path == "/cutchunked":
            self.raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                     b"\r\n10\r\nonly part")
        elif path == "/hang":
            time.sleep(15)
            self.close_connection = True
        elif path == "/garbage":
            self.raw(b"this is not HTTP at all\r\n\r\n")
        elif path == "/dupct":
            self.raw(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     b"Content-Type: application/json\r\n"
                     b"Content-Length: 2\r\n\r\nok", close=False)
        elif path == "/interim":
            self.raw(b"HTTP/1.1 100 Continue\r\n\r\n", close=False)
            self.simple(200, b"after continue\n")
        elif path == "/status":
            self.simple(int(q.get("code", "200")), b"status\n",
                        extra=[("Retry-After", q.get("retry", "0")),
                               ("Location", "/elsewhere")])
        elif path == "/drop-next":
            self.simple(200, b"next one is dropped\n")
            self.drop_next = True
        elif path == "/idle-close":
            self.simple(200, b"closing soon\n")
            self.close_connection = True
        elif path == "/trickle":
            # one byte per TLS record: the client parses in pieces
            for b in (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                      b"X-Long-Header: " + b"v" * 300 + b"\r\n"
                      b"Transfer-Encoding: chunked\r\n\r\n"
                      b"5\r\nbyte \r\n7\r\nby byte\r\n0\r\n\r\n"):
                self.wfile.write(bytes([b]))
        elif path == "/flaky":
            if FLAKY_SERVED.is_set():
                self.close_connection = True
            else:
                FLAKY_SERVED.set()
                self.simple(200, b"only once\n")
        elif path == "/echo":
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            got = [("X-Got-" + k, self.headers.get(k, "-")) for k in
                   ("Content-Type", "Accept", "Authorization",
                    "Content-Length", "Host", "X-Test")]
            self.simple(200, body, "application/octet-stream", got)
        else:
            self.simple(404, b"no such path\n")

    do_GET = do_POST = do_HEAD = do_PUT = dispatch


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, ctx):
        self.ctx = ctx
        super().__init__(("127.0.0.1", 0), Handler)

    def finish_request(self, request, client_address):
        # the TLS handshake runs in the connection's own thread
        request.settimeout(20)
        # without it each response waits ~40 ms for a delayed ACK
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            sys.stderr.write("server: handshake failed: %s\n" % exc)
            return
        self.RequestHandlerClass(tls, client_address, self)
        try:
            tls.close()
        except OSError:
            pass


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    cert, key, client_ca, portfile = sys.argv[1:]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.load_verify_locations(client_ca)
    ctx.verify_mode = ssl.CERT_OPTIONAL
    srv = Server(ctx)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
