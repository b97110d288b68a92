#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A tiny HTTP CONNECT proxy for the tests (python3 stdlib), which records what it was asked.

    connect_proxy.py --port-file F --log F [--auth USER:PASSWORD]

Each request's first line is appended to the log file as it arrives ("CONNECT 127.0.0.1:4443
HTTP/1.1", or "GET http://... HTTP/1.1"). CONNECT is relayed only to loopback addresses; any other
request (a plain-HTTP proxy request) is answered 403 and not forwarded, so a test sees it. With
--auth, a CONNECT without that Basic Proxy-Authorization is answered 407 (RFC 9110 11.7.1).
"""

import argparse
import base64
import os
import select
import signal
import socket
import socketserver
import sys
import threading

LOOPBACK = ("127.", "localhost", "[::1]")


class ProxyHandler(socketserver.BaseRequestHandler):
    def read_head(self):
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 16384:
            chunk = self.request.recv(4096)
            if not chunk:
                return None
            data += chunk
        return data

    def handle(self):
        self.request.settimeout(30)
        head = self.read_head()
        if head is None:
            return
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        self.server.record(first)
        parts = first.split(" ")
        if len(parts) != 3 or parts[0] != "CONNECT" or not parts[1].startswith(LOOPBACK):
            self.request.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                                 b"Connection: close\r\n\r\n")
            return
        if self.server.auth and not self.authorised(head):
            self.request.sendall(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                                 b"Proxy-Authenticate: Basic realm=\"test\"\r\n"
                                 b"Content-Length: 0\r\nConnection: close\r\n\r\n")
            return
        host, _, port = parts[1].rpartition(":")
        try:
            upstream = socket.create_connection((host.strip("[]"), int(port)), timeout=10)
        except (OSError, ValueError):
            self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            return
        with upstream:
            self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.relay(upstream)

    def authorised(self, head):
        want = "Basic " + base64.b64encode(self.server.auth.encode()).decode()
        for line in head.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "proxy-authorization" and value.strip() == want:
                return True
        return False

    def relay(self, upstream):
        sockets = [self.request, upstream]
        while True:
            readable, _, broken = select.select(sockets, [], sockets, 30)
            if broken or not readable:
                return
            for sock in readable:
                data = sock.recv(65536)
                if not data:
                    return
                (upstream if sock is self.request else self.request).sendall(data)


class ProxyServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, log_path, auth=None):
        self.log_path = log_path
        self.auth = auth
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), ProxyHandler)

    def record(self, line):
        with self.lock, open(self.log_path, "a") as f:
            f.write(line + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--auth", help="USER:PASSWORD a CONNECT must carry (Basic)")
    a = p.parse_args()
    server = ProxyServer(a.log, a.auth)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, a.port_file)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever(poll_interval=0.2)
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
