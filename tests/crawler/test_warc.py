"""WARC writer: request+response pairs, custom headers, rotation, `.open` recovery."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.warc import FetchRecord, WarcWriter, complete_prefix, now_iso, recover_open_files


def record(i: int, body: bytes = b"<html>x</html>", **kw: object) -> FetchRecord:
    return FetchRecord(
        url=f"http://127.0.0.1:1/a{i}.html",
        request_url=f"http://127.0.0.1:1/a{i}.html",
        status=200,
        headers=(("Content-Type", "text/html; charset=gbk"), ("Content-Encoding", "gzip")),
        body=body,
        request_headers=(("User-Agent", "aidcorpus/test"),),
        site="demo",
        kind="article",
        fetched=now_iso(),
        **kw,  # type: ignore[arg-type]
    )


def responses(path: Path) -> list[tuple[str, dict[str, str], bytes, str | None]]:
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                headers = dict(rec.rec_headers.headers)
                ctype = rec.http_headers.get_header("Content-Type")
                out.append((rec.rec_headers.get_header("WARC-Target-URI"), headers,
                            rec.content_stream().read(), ctype))  # fmt: skip
    return out


def test_pairs_headers_and_rename(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="t", max_size=10**9)
    body = "援疆".encode("gbk")
    writer.write(record(1, body=body, part_of="http://127.0.0.1:1/a1.html", part=1))
    assert list(tmp_path.glob("*.warc.gz.open")) and not list(tmp_path.glob("*.warc.gz"))
    final = writer.close()
    assert final is not None and final.name.endswith(".warc.gz") and final.exists()
    assert not list(tmp_path.glob("*.open"))
    [(uri, headers, got, ctype)] = responses(final)
    assert uri.endswith("/a1.html") and got == body  # bytes kept, never re-encoded
    assert ctype == "text/html; charset=gbk"
    assert headers["WARC-Aidcorpus-Site"] == "demo"
    assert headers["WARC-Aidcorpus-Part-Of"] == "http://127.0.0.1:1/a1.html"
    assert headers["WARC-Aidcorpus-Part"] == "1"
    with open(final, "rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds == ["warcinfo", "request", "response"]


def test_rotation_by_size(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="t", max_size=4000)
    for i in range(20):
        writer.write(record(i, body=bytes(range(256)) * 8))  # incompressible-ish
    writer.close()
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) > 1
    urls = [uri for f in files for uri, *_ in responses(f)]
    assert len(urls) == 20 and len(set(urls)) == 20


def test_recover_cuts_a_torn_record(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="t", max_size=10**9)
    for i in range(3):
        writer.write(record(i))
    [open_file] = tmp_path.glob("*.open")
    whole = open_file.stat().st_size
    writer.write(record(3, body=b"y" * 5000))
    data = open_file.read_bytes()
    open_file.write_bytes(data[: whole + (len(data) - whole) // 2])  # kill mid-record
    assert complete_prefix(open_file) >= whole
    [recovered] = recover_open_files(tmp_path)
    assert recovered.name.endswith(".warc.gz") and not list(tmp_path.glob("*.open"))
    urls = [uri for uri, *_ in responses(recovered)]
    assert urls == [f"http://127.0.0.1:1/a{i}.html" for i in range(3)]


def test_recover_removes_empty_file(tmp_path: Path) -> None:
    (tmp_path / "x.warc.gz.open").write_bytes(b"\x1f\x8b\x08\x00")
    assert recover_open_files(tmp_path) == []
    assert list(tmp_path.iterdir()) == []
