"""One address guard for crawls and check-site, tested with loopback as the forbidden address:
a portal on 127.0.0.2 (let through by AIDCORPUS_ALLOWED_ADDRESSES) redirects, by HTTP and by
meta refresh, to a server on 127.0.0.1 spelt every way; that server must see no request.
No request ever leaves 127.0.0.0/8."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from crawler.check import check_site
from crawler.guard import AddressGuard, forbidden_address
from crawler.run import crawl

SPELLINGS = ("127.0.0.1", "2130706433", "0x7f000001", "127.1", "[::ffff:7f00:1]", "localhost")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


def _start(host: str, handler: type[BaseHTTPRequestHandler]) -> _Server:
    server = _Server((host, 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture()
def servers() -> Iterator[tuple[str, int, list[str]]]:
    """(allowed base URL on 127.0.0.2, port of the forbidden 127.0.0.1 server, its hits)."""
    forbidden_hits: list[str] = []

    class Forbidden(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            forbidden_hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    inner = _start("127.0.0.1", Forbidden)
    port = inner.server_address[1]

    class Allowed(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/news/":
                links = "".join(
                    f'<li><a href="/go/{i}.html">援疆新闻报道第{i}篇</a></li>'
                    for i in range(len(SPELLINGS) + 1)
                )
                return self._send(200, f"<html><body><ul>{links}</ul></body></html>".encode())
            if self.path.startswith("/go/"):
                i = int(self.path[4:].split(".")[0])
                if i == len(SPELLINGS):  # meta refresh instead of a 302
                    target = f"http://127.0.0.1:{port}/refresh.html"
                    page = f'<html><head><meta http-equiv="refresh" content="0;url={target}">'
                    return self._send(200, (page + "</head></html>").encode())
                return self._send(302, b"", f"http://{SPELLINGS[i]}:{port}/x{i}.html")
            return self._send(404, b"")

        def _send(self, status: int, body: bytes, location: str = "") -> None:
            self.send_response(status)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    outer = _start("127.0.0.2", Allowed)
    try:
        yield f"http://127.0.0.2:{outer.server_address[1]}", port, forbidden_hits
    finally:
        for server in (outer, inner):
            server.shutdown()
            server.server_close()


def _profile(folder: Path, base: str) -> Path:
    domains = ["127.0.0.2", *(s.strip("[]") for s in SPELLINGS)]
    folder.mkdir(exist_ok=True)
    (folder / "redirecting.toml").write_text(
        f'name = "redirecting"\nstart_urls = ["{base}/news/"]\narticle_pattern = \'/go/\'\n'
        f"allowed_domains = {domains!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    return folder


GUARDED = {
    "AIDCORPUS_ALLOWED_ADDRESSES": ["127.0.0.2"],
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "PROGRESS_INTERVAL": 0,
    "LOG_LEVEL": "WARNING",
}


def test_every_spelling_of_loopback_is_refused_after_redirects(
    servers: tuple[str, int, list[str]], tmp_path: Path
) -> None:
    base, _, forbidden_hits = servers
    stats = crawl(
        ["redirecting"],
        warc_dir=tmp_path / "warc",
        state_path=tmp_path / "state.sqlite",
        settings=GUARDED,
        sites_dir=_profile(tmp_path / "sites", base),
    )
    assert forbidden_hits == []
    assert stats.counters["refused/private-address"] == len(SPELLINGS) + 1
    assert stats.pages_fetched >= 1  # the allowed portal itself was crawled


def test_check_site_uses_the_same_guard(
    servers: tuple[str, int, list[str]], tmp_path: Path
) -> None:
    base, _, forbidden_hits = servers
    report = check_site(
        "redirecting", sites_dir=_profile(tmp_path / "sites", base), delay=0, timeout=5,
        max_pages=len(SPELLINGS) + 1, settings={"AIDCORPUS_ALLOWED_ADDRESSES": ["127.0.0.2"]},
    )  # fmt: skip
    assert forbidden_hits == []
    problems = [p.problem for p in report.articles]
    assert problems and set(problems) == {"private-address"}, report.format()
    # and without the exception for 127.0.0.2, not even the start page is fetched
    plain = check_site("redirecting", sites_dir=tmp_path / "sites", delay=0, timeout=5)
    assert [p.problem for p in plain.pages] == ["private-address"]


@pytest.mark.parametrize(
    "addr", ["169.254.169.254", "10.0.0.1", "192.168.1.1", "::1", "fc00::1", "0.0.0.0",
             "240.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "ff02::1"],
)  # fmt: skip
def test_non_public_ranges(addr: str) -> None:
    assert forbidden_address(addr)
    assert not AddressGuard(["127.0.0.2"]).forbidden("8.8.8.8")
    assert AddressGuard(["127.0.0.2"]).forbidden("127.0.0.1")
    assert not AddressGuard(["127.0.0.2"]).forbidden("127.0.0.2")
