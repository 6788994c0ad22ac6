#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Crafted clients and artifacts for test/e2e/attack_matrix.sh.

  expired-idevid PKI SERIAL OUT      an IDevID of PKI's manufacturer CA for
                                     SERIAL, valid 2020-01-01..2021-01-01:
                                     OUT.pem, OUT.key, OUT-chain.pem
  flip IN OUT NEEDLE                 copy IN to OUT with one bit flipped in
                                     the first byte after NEEDLE (a byte of
                                     the signed content of a CMS object)
  slowloris PORT CA CERT KEY PATH MODE LIMIT
                                     TLS to 127.0.0.1:PORT with client
                                     certificate CERT/KEY ("-": none), the
                                     headers of a POST PATH announcing 4096
                                     bytes, then MODE "silent" (no body) or
                                     "trickle" (a byte a second); prints
                                     "cut S" with the seconds until the
                                     server closed, or "open S" if it still
                                     holds the connection after LIMIT s
  hold PORT CA N                     N idle TCP connections from 127.0.0.1
                                     to PORT, then one TLS handshake more
                                     from 127.0.0.1 and one from 127.0.0.2;
                                     prints "<first> <second>", each "tls"
                                     (handshake done) or "refused"
"""
import datetime, os, socket, ssl, sys, time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


def expired_idevid(pki, serial, out):
    ca_pem = open(os.path.join(pki, "vendor-ca.pem"), "rb").read()
    ca = x509.load_pem_x509_certificate(ca_pem)
    ca_key = serialization.load_pem_private_key(
        open(os.path.join(pki, "vendor-ca.key"), "rb").read(), None)
    # the extensions of a genuine IDevID of this PKI, with its own key
    model = x509.load_pem_x509_certificate(
        open(os.path.join(pki, "idevid-0001.pem"), "rb").read())
    key = ec.generate_private_key(ec.SECP256R1())
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([
             x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example"),
             x509.NameAttribute(NameOID.COMMON_NAME, "Example pledge " + serial),
             x509.NameAttribute(NameOID.SERIAL_NUMBER, serial)]))
         .issuer_name(ca.subject)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(datetime.datetime(2020, 1, 1))
         .not_valid_after(datetime.datetime(2021, 1, 1)))
    for ext in model.extensions:
        if isinstance(ext.value, x509.SubjectKeyIdentifier):
            b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(
                key.public_key()), ext.critical)
        else:
            b = b.add_extension(ext.value, ext.critical)
    cert = b.sign(ca_key, hashes.SHA256())
    pem = cert.public_bytes(serialization.Encoding.PEM)
    open(out + ".pem", "wb").write(pem)
    open(out + "-chain.pem", "wb").write(pem + ca_pem)
    fd = os.open(out + ".key", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.write(fd, key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))
    os.close(fd)


def flip(src, dst, needle):
    d = bytearray(open(src, "rb").read())
    i = d.find(needle.encode())
    if i < 0:
        sys.exit("flip: %r not in %s" % (needle, src))
    d[i + len(needle)] ^= 0x01
    open(dst, "wb").write(d)


def slowloris(port, ca, cert, key, path, mode, limit):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False
    if cert != "-":
        ctx.load_cert_chain(cert, key)
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    s = ctx.wrap_socket(raw, server_hostname="localhost")
    s.sendall(("POST %s HTTP/1.1\r\nHost: localhost\r\n"
               "Content-Type: application/voucher-cms+json\r\n"
               "Content-Length: 4096\r\n\r\n" % path).encode())
    start = time.monotonic()
    s.settimeout(1.0)
    while time.monotonic() - start < float(limit):
        try:
            if mode == "trickle":
                s.sendall(b"\x30")
            if s.recv(4096) == b"":
                break		# the server closed
        except socket.timeout:
            continue
        except (ssl.SSLError, OSError):
            break		# reset or TLS alert: cut as well
    else:
        print("open %.1f" % (time.monotonic() - start))
        return
    print("cut %.1f" % (time.monotonic() - start))


def handshake(port, ca, src):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = False
    try:
        raw = socket.create_connection(("127.0.0.1", int(port)), timeout=5,
                                       source_address=(src, 0))
        with ctx.wrap_socket(raw, server_hostname="localhost"):
            return "tls"
    except (ssl.SSLError, OSError):
        return "refused"


def hold(port, ca, n):
    held = [socket.create_connection(("127.0.0.1", int(port)), timeout=5)
            for _ in range(int(n))]
    time.sleep(0.3)		# the server has accepted them all
    print(handshake(port, ca, "127.0.0.1"), handshake(port, ca, "127.0.0.2"))
    for s in held:
        s.close()


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "expired-idevid":
        expired_idevid(*args)
    elif cmd == "flip":
        flip(*args)
    elif cmd == "slowloris":
        slowloris(*args)
    elif cmd == "hold":
        hold(*args)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
