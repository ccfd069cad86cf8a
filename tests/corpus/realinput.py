"""Ingest input built at test time from real pages (../shared/evaldata, read, never copied):
real page bytes in a WARC, reposts of them (edited, Traditional, exact, same template with
other figures) in a second WARC, a few pages as plain HTML files; and a digest of
everything a corpus holds that ingest decides, to compare two corpora.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
import sqlite3
from pathlib import Path

import opencc
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

EVAL = Path(__file__).resolve().parents[3] / "shared" / "evaldata" / "extract"


def real_pages(limit: int) -> list[tuple[Path, dict]]:
    """Real Chinese pages with a human full text of a useful length, in a stable order."""
    out = []
    for source in ("chinese-web-content-extraction-dataset", "readability-zh", "gne-unlabelled"):
        for meta_path in sorted((EVAL / source).glob("*.json")):
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            if meta.get("lang") == "zh":
                out.append((meta_path.with_suffix(".html"), meta))
    return out[:limit]


def _record(writer: WARCWriter, url: str, body: bytes, status: str = "200 OK") -> None:
    head = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=head)
    )


def _page(title: str, text: str, date: str, origin: str = "") -> bytes:
    body = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())
    src = f"<span>来源：{html.escape(origin)}</span>" if origin else ""
    return (
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}_转载网</title></head>"
        f"<body><div class='nav'><a href='/'>首页</a> 分享到：微博 微信</div>"
        f"<h1>{html.escape(title)}</h1><div class='info'>{date} {src}</div>"
        f"<div class='article'>{body}</div><div class='foot'>版权所有 转载网</div></body></html>"
    ).encode()


def _renumber(text: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group()) * 3 + 7), text)


def build_input(folder: Path, pages: int = 40) -> Path:
    """a-originals.warc.gz, b-reposts.warc.gz, c-copy.warc.gz (a copy of the first) and
    files/*.html under `folder`; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = real_pages(pages)
    t2s = opencc.OpenCC("s2t")
    with (folder / "a-originals.warc.gz").open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (path, _) in enumerate(chosen):
            _record(writer, f"http://127.0.0.1/orig/{i}.html", path.read_bytes())
            if i == 3:  # the same URL again, and responses that are no documents
                _record(writer, f"http://127.0.0.1/orig/{i}.html", path.read_bytes())
                _record(writer, "http://127.0.0.1/gone.html", b"not found", "404 Not Found")
    with (folder / "b-reposts.warc.gz").open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i, (path, meta) in enumerate(chosen):
            text, title = meta.get("text") or "", meta.get("title") or f"报道{i}"
            if len(text) < 200:
                continue
            kind = i % 4
            url = f"http://127.0.0.1/copy/{i}.html"
            if kind == 0:  # an edited repost naming its origin: it may become canonical
                edited = text.replace("的", "之", 3) + "\n（责任编辑：王五）"
                _record(writer, url, _page("转载：" + title, edited, "2020-01-02", "原创网"))
            elif kind == 1:  # the same bytes under a second URL: an exact copy
                _record(writer, url, path.read_bytes())
            elif kind == 2:  # Traditional script
                _record(writer, url, _page(t2s.convert(title), t2s.convert(text), "2020-01-03"))
            elif re.search(r"\d", text):  # the same template with other figures
                _record(writer, url, _page(title, _renumber(text), "2021-05-06"))
    # A second copy of a whole file, read in the same run: skipped as already ingested.
    (folder / "c-copy.warc.gz").write_bytes((folder / "a-originals.warc.gz").read_bytes())
    files = folder / "files"
    files.mkdir(exist_ok=True)
    for i, (path, _) in enumerate(chosen[:6]):
        (files / f"page{i}.html").write_bytes(path.read_bytes())
    return folder


def corpus_digest(db: Path) -> tuple[str, dict[str, list]]:
    """A digest of what ingest decided (documents with stored text, clusters by uid with
    canonical copy and version, links, figures, drops), without timestamps or row ids;
    and the rows, for a readable diff when two digests differ."""
    conn = sqlite3.connect(db)
    queries = {
        "documents": "SELECT d.key, d.url, d.text, d.title, d.published, d.outlet,"
        " d.exact_hash, c.uid, d.repost_of, d.similarity, d.damage, d.source"
        " FROM documents d JOIN clusters c ON c.id = d.cluster_id ORDER BY d.id",
        "clusters": "SELECT c.uid, c.canonical, c.size, c.version, m.uid FROM clusters c"
        " LEFT JOIN clusters m ON m.id = c.merged_into ORDER BY c.id",
        "links": "SELECT a, b, kind, passages, figures FROM links ORDER BY a, b, kind",
        "figures": "SELECT doc, value, amount, unit, phrase, text FROM figures ORDER BY doc, rowid",
        "dropped": "SELECT url, reason, detail FROM dropped ORDER BY url",
        "sources": "SELECT sha1, path, pages FROM sources ORDER BY sha1",
    }
    rows = {name: [list(r) for r in conn.execute(sql)] for name, sql in queries.items()}
    conn.close()
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()
    return digest, rows
