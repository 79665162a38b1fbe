#!/usr/bin/env python3
"""Writes hand-made seed sessions for the login parser fuzzers (fuzz/corpus/{telnet,ftp,http}_login/).

Format (fuzz/login_fuzz.h): chunks of one header byte (bit 7: 1 = server to client; bits 0-6:
length) and up to 127 payload bytes. The ftp_login target reads one more byte first: the service
(0 = FTP, 1 = POP3, 2 = IMAP). Seeds are named seed-<name>; crash inputs found later are added
beside them by hand (crash-<what>).
"""
import base64
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def chunks(session, split=127):
    """session: list of (is_server, bytes)."""
    out = bytearray()
    for server, data in session:
        if not data:
            out.append(0x80 if server else 0)
        for i in range(0, len(data), split):
            part = data[i:i + split]
            out.append((0x80 if server else 0) | len(part))
            out += part
    return bytes(out)


def c(data):
    return (False, data if isinstance(data, bytes) else data.encode())


def s(data):
    return (True, data if isinstance(data, bytes) else data.encode())


def b64(text):
    return base64.b64encode(text.encode()).decode()


MIRAI = [
    s(b"\xff\xfd\x1f\xff\xfb\x01\xff\xfb\x03"),
    c(b"\xff\xfb\x1f\xff\xfa\x1f\x00\x50\x00\x18\xff\xf0\xff\xfd\x01\xff\xfd\x03"),
    s("\r\n(none) login: "), c("root\r\n"), s("root\r\nPassword: "), c("xc3511\r\n"),
    s("\r\n\r\nBusyBox v1.19.4 (2014-03-26 18:21:22 CST) built-in shell (ash)\r\n# "),
    c("enable\r\n"), s("enable\r\n-sh: enable: not found\r\n# "),
    c("system\r\n"), c("shell\r\n"), c("sh\r\n"),
    c("/bin/busybox MIRAI\r\n"), s("/bin/busybox MIRAI\r\nMIRAI: applet not found\r\n# "),
]

TELNET = {
    "mirai": chunks(MIRAI),
    "mirai-bytewise": chunks(MIRAI, split=1),
    "failed-then-ok": chunks([
        s("login: "), c("root\r\n"), s("Password: "), c("bad\r\n"),
        s("\r\nLogin incorrect\r\n\r\nlogin: "), c("admin\r\n"), s("Password: "),
        c("admin\r\n"), s("\r\nWelcome\r\n$ "), c("id\r\n")]),
    "char-mode-echo": chunks(
        [s("Username: ")] + [x for ch in "roo\x08t" for x in (c(ch), s(ch))] +
        [c("\r\x00"), s("\r\nPassword: ")] + [c(ch) for ch in "vizxv\x7fv"] +
        [c("\r\n"), s("\r\n# ")]),
    "client-only": chunks([c("root\r\n"), c("xc3511\r\n"), c("enable\r\n")]),
    "iac-sub": chunks([s(b"\xff\xfa\x18\x01login:\xff\xff\xff\xf0\xff"), s(b"\xf0login: "),
                       c(b"us\xff\xffer\r"), c(b"\x00")]),
}

FTP = {
    "ftp-ok": bytes([0]) + chunks([
        s("220 ready\r\n"), c("USER bob\r\n"), s("331 Password required\r\n"),
        c("PASS secret\r\n"), s("230-Welcome\r\n230-rules\r\n230 OK\r\n")]),
    "ftp-fail-anon": bytes([0]) + chunks([
        c("user x\r\npass y\r\n"), s("331 need\r\n530 Login incorrect\r\n"),
        c("USER anonymous\r\n"), s("230 ok\r\n"), s("234 AUTH TLS ok\r\n")]),
    "pop3": bytes([1]) + chunks([
        s("+OK ready\r\n"), c("USER alice\r\n"), s("+OK\r\n"), c("PASS one\r\n"),
        s("-ERR no\r\n"), c("AUTH PLAIN " + b64("\0alice\0secret") + "\r\n"), s("+OK\r\n"),
        c("AUTH PLAIN\r\n"), s("+ \r\n"), c(b64("\0bob\0pw") + "\r\n"), s("-ERR\r\n")]),
    "imap": bytes([2]) + chunks([
        s("* OK IMAP4rev1\r\n"), c('a1 LOGIN "bob smith" "p\\"w\\\\d"\r\n'),
        s("* CAPABILITY IMAP4rev1\r\na1 OK done\r\n"), c("a2 login carol pw\r\n"),
        s("a2 NO failed\r\n"), c("a3 AUTHENTICATE PLAIN\r\n"), s("+ \r\n"),
        c(b64("\0x\0y") + "\r\n"), s("a3 BAD\r\n")]),
}

HTTP = {
    "basic-401-200": chunks([
        c("GET / HTTP/1.1\r\nHost: cam\r\n\r\n"),
        s("HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\n\r\nnope!"),
        c("GET / HTTP/1.1\r\nAuthorization: Basic " + b64("admin:admin") + "\r\n\r\n"),
        s("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")]),
    "pipelined": chunks([
        c("GET /a HTTP/1.1\r\n\r\nHEAD /b HTTP/1.1\r\nAuthorization: basic " +
          b64("root:12345") + "\r\n\r\nPOST /c HTTP/1.1\r\nContent-Length: 4\r\n"
          "Authorization: Basic " + b64("u:p") + "\r\n\r\nbody"),
        s("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 100 Continue\r\n\r\n"
          "HTTP/1.1 302 Found\r\nContent-Length: 99\r\n\r\nHTTP/1.1 403 Forbidden\r\n"
          "Content-Length: 0\r\n\r\n")]),
    "chunked": chunks([
        c("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nAuthorization: Basic " +
          b64("a:b") + "\r\n\r\n4\r\nbody\r\n0\r\n\r\n"),
        s("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]),
    "bad-base64": chunks([
        c("GET / HTTP/1.1\r\nAuthorization: Basic !!!!\r\n\r\nGET / HTTP/1.1\r\n"
          "Authorization: Basic YWRtaW4=\r\n\r\n"),
        s("HTTP/1.1 401 x\r\n\r\n")]),
}


def main():
    for target, seeds in (("telnet_login", TELNET), ("ftp_login", FTP), ("http_login", HTTP)):
        folder = os.path.join(HERE, "corpus", target)
        os.makedirs(folder, exist_ok=True)
        for name, content in seeds.items():
            with open(os.path.join(folder, "seed-" + name), "wb") as f:
                f.write(content)
        print(target, len(os.listdir(folder)))


if __name__ == "__main__":
    sys.exit(main())
