"""Serve the demo portal on 127.0.0.1 (free port) from a background thread.

``with DemoServer() as server: crawl(server.base_url)``; unknown paths are 404, ETags allow
conditional GETs (304), request logs go to DEBUG.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import MappingProxyType, TracebackType
from urllib.parse import urlsplit

from corpus.demo.site import build_site

logger = logging.getLogger(__name__)

_NOT_FOUND = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>404 页面不存在</title></head>'
    "<body><h1>404 页面不存在</h1></body></html>\n"
).encode()


class _PortalServer(ThreadingHTTPServer):
    daemon_threads = True
    pages: Mapping[str, tuple[bytes, str]] = MappingProxyType({})


class _Handler(BaseHTTPRequestHandler):
    server: _PortalServer
    server_version = "DemoPortal/1.0"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _respond(self, *, with_body: bool) -> None:
        path = urlsplit(self.path).path or "/"
        page = self.server.pages.get(path)
        if page is None:
            self._send(404, _NOT_FOUND, "text/html; charset=utf-8", with_body=with_body)
            return
        body, content_type = page
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send(200, body, content_type, with_body=with_body, etag=etag)

    def _send(
        self, status: int, body: bytes, content_type: str, *, with_body: bool, etag: str = ""
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", etag)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("demo portal: " + format, *args)


class DemoServer:
    """The demo portal on ``127.0.0.1:<free port>``; use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._httpd = _PortalServer((host, port), _Handler)
        self._httpd.pages = build_site(self.base_url)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="demo-portal", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def pages(self) -> Mapping[str, tuple[bytes, str]]:
        """Every served path with its bytes and Content-Type."""
        return self._httpd.pages

    def start(self) -> DemoServer:
        self._thread.start()
        logger.info("demo portal serving at %s (%d pages)", self.base_url, len(self.pages))
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def main() -> None:
    """``python -m corpus.demo.server``: serve the portal until interrupted."""
    logging.basicConfig(level=logging.INFO)
    with DemoServer() as server:
        print(f"demo portal at {server.base_url}/ (Ctrl-C to stop)")
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
