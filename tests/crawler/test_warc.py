"""WARC writer: request+response pairs, custom headers, digests, rotation, `.open` recovery,
batched flushes tied to the crawl-state commit."""

from __future__ import annotations

from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from crawler.state import CrawlState
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


def test_digests_and_pairing_check_out(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, prefix="t", max_size=10**9)
    writer.write(record(1, body="援疆".encode("gbk") * 500, topic_terms=("援疆", "晋疆")))
    final = writer.close()
    assert final is not None
    with open(final, "rb") as fh:
        recs = [(r.rec_type, dict(r.rec_headers.headers), r.content_stream().read())
                for r in ArchiveIterator(fh, check_digests="raise")]  # fmt: skip
    assert [kind for kind, _, _ in recs] == ["warcinfo", "request", "response"]
    (_, req, _), (_, resp, body) = recs[1:]
    assert req["WARC-Concurrent-To"] == resp["WARC-Record-ID"] != req["WARC-Record-ID"]
    assert resp["WARC-Aidcorpus-Topic-Terms"] == "援疆,晋疆" and body == "援疆".encode("gbk") * 500
    assert resp["WARC-Payload-Digest"].startswith("sha1:") and req["WARC-Block-Digest"]


def test_held_records_reach_disk_only_with_the_state_commit(tmp_path: Path) -> None:
    """Batch mode: records wait in memory; commit() flushes them, then commits their rows."""
    writer = WarcWriter(tmp_path / "w", prefix="t", max_size=10**9)
    state = CrawlState(tmp_path / "state.sqlite", batch=True)
    state.before_commit.append(writer.flush)
    reader = CrawlState(tmp_path / "state.sqlite")  # another connection: what a rerun sees
    try:
        for i in range(3):
            rec = record(i)
            writer.write(rec, flush=False)
            state.record(rec)
        assert writer.pending == 3
        [open_file] = (tmp_path / "w").glob("*.open")
        assert responses(open_file) == []  # a kill now loses the records...
        assert reader.get(record(0).url) is None  # ...and their rows: both refetched
        state.commit()
        assert writer.pending == 0
        assert [uri for uri, *_ in responses(open_file)] == [record(i).url for i in range(3)]
        page = reader.get(record(2).url)
        assert page is not None and page.complete and page.status == 200
    finally:
        reader.close()
        state.close()
        writer.close()
