#!/usr/bin/env python3
"""A loopback HTTP/1.1 server for the transport tests (standard library only).

It prints "PORT <listening> CLOSED <refusing>" on stdout once ready; the second port was bound
and released, so connecting to it is refused. It exits when stdin closes, so it dies with the
test process even if that process is killed.

Every response carries X-Client-Port (to count reused connections) and X-Method.

  /echo[?echo=1]      read the body; reply 200 with X-Received-Length, X-Received-MD5,
                      X-Received-CRC32 (zlib, decimal), X-Header-Names (lower-case, in order);
                      echo=1 sends the body back. HEAD replies Content-Length: 1234, no body.
  /status/NNN         read the body; reply NNN with a small text body.
  /drop?after=N       read N body bytes, then reset the connection (SO_LINGER 0).
  /stall              GET: promise 1 MB, send 10 bytes, go silent. Uploads: never read the body.
  /sink               read and discard the body (no hashing), reply 200; for the benchmark.
  /expect417          answer "417 Expectation Failed" to Expect: 100-continue, else act as /echo.
  /stalling           wait (up to 60 s) until a /stall request has begun stalling, then reply 200
                      with X-Stalling: the number stalling now (504 if none began). Tests wait on
                      this event instead of sleeping.
"""
import hashlib
import http.server
import socket
import struct
import sys
import threading
import time
import zlib
from urllib.parse import parse_qs, urlsplit


STALLING = threading.Condition()
STALLING_NOW = [0]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def handle_expect_100(self):
        if urlsplit(self.path).path == "/expect417":
            self.send_response_only(417)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.wfile.flush()
            # The body never follows a 417; curl retries the request without Expect.
            self.close_connection = False
            return False
        return super().handle_expect_100()

    def do_GET(self): self.route()
    def do_HEAD(self): self.route()
    def do_PUT(self): self.route()
    def do_POST(self): self.route()
    def do_DELETE(self): self.route()

    def body_length(self):
        return int(self.headers.get("Content-Length") or 0)

    def read_body(self, limit=None):
        remaining = self.body_length() if limit is None else min(limit, self.body_length())
        md5, crc, chunks, total = hashlib.md5(), 0, [], 0
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            md5.update(chunk)
            crc = zlib.crc32(chunk, crc)
            chunks.append(chunk)
            total += len(chunk)
            remaining -= len(chunk)
        return b"".join(chunks), total, md5.hexdigest(), crc

    def reply(self, status, headers=(), body=b"", length=None):
        self.send_response(status)
        self.send_header("X-Client-Port", str(self.client_address[1]))
        self.send_header("X-Method", self.command)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def route(self):
        url = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        if url.path in ("/echo", "/expect417"):
            self.echo(query)
        elif url.path.startswith("/status/"):
            self.read_body()
            self.reply(int(url.path.rsplit("/", 1)[1]), [("Content-Type", "text/plain")], b"boom")
        elif url.path == "/sink":
            remaining = self.body_length()
            while remaining > 0:
                chunk = self.rfile.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
            self.reply(200)
        elif url.path == "/drop":
            self.read_body(limit=int(query.get("after", "0")))
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif url.path == "/stall":
            if self.command == "GET":
                self.send_response(200)
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                self.wfile.write(b"0123456789")
                self.wfile.flush()
            with STALLING:
                STALLING_NOW[0] += 1
                STALLING.notify_all()
            try:
                time.sleep(120)
            finally:
                with STALLING:
                    STALLING_NOW[0] -= 1
            self.close_connection = True
        elif url.path == "/stalling":
            with STALLING:
                STALLING.wait_for(lambda: STALLING_NOW[0] > 0, timeout=60)
                now = STALLING_NOW[0]
            self.reply(200 if now > 0 else 504, [("X-Stalling", str(now))])
        else:
            self.read_body()
            self.reply(404, body=b"no such endpoint")

    def echo(self, query):
        body, total, md5, crc = self.read_body()
        if self.command == "HEAD":
            self.reply(200, [("X-Received-Length", "0")], length=1234)
            return
        headers = [
            ("X-Received-Length", str(total)),
            ("X-Received-MD5", md5),
            ("X-Received-CRC32", str(crc)),
            ("X-Header-Names", ",".join(k.lower() for k in self.headers.keys())),
        ]
        self.reply(200, headers, body if query.get("echo") == "1" else b"")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        pass  # dropped and stalled connections are the point of several endpoints


def main():
    server = Server(("127.0.0.1", 0), Handler)
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    closed_port = probe.getsockname()[1]
    probe.close()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"PORT {server.server_address[1]} CLOSED {closed_port}", flush=True)
    sys.stdin.read()  # returns when the parent closes our stdin or dies


if __name__ == "__main__":
    main()
