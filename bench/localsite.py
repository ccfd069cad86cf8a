"""A static site served on 127.0.0.1 for benchmarks: path -> bytes, HTML unless .txt."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def serve(pages: dict[str, bytes]) -> ThreadingHTTPServer:
    """Serve `pages` on a free loopback port in a daemon thread; call .shutdown() to stop."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body in one write: separate small writes stall ~40 ms on Nagle +
        # delayed ACK, and the benchmark would measure the server instead of the crawler.
        wbufsize = 1 << 16

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            body = body if body is not None else b"not found"
            ctype = "text/plain" if self.path.endswith(".txt") else "text/html; charset=utf-8"
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
