"""Files already ingested are recognised by path, size and mtime before any hashing: a
scheduled run reads only what is new or changed, whatever the size of the archive."""

from __future__ import annotations

import io
import os
import sqlite3
import time
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus import sources
from corpus.ingest import IngestStats, ingest_paths
from corpus.store import Store
from tests.corpus.test_ingest import _warc

OLD = time.time() - 3600  # files written an hour ago: well past the racy window


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every file whose content ingest hashes, in order."""
    calls: list[Path] = []
    real = sources.file_sha1

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(sources, "file_sha1", counting)
    return calls


def _archive(folder: Path, files: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(files):
        path = folder / f"crawl-{i:03d}.warc.gz"
        _warc(path, 3)  # the same pages, but record ids and dates make each file distinct
        os.utime(path, (OLD, OLD))
        out.append(path)
    return out


def _other_host(path: Path) -> list[str]:
    """A WARC of three articles on another host than `_warc`'s (URLs not stored yet)."""
    urls = []
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for i in range(3):
            url = f"http://news.example.cx/{i}.html"
            body = (
                f"<html><head><meta charset='utf-8'><title>援疆快讯{i}</title></head><body>"
                f"<h1>援疆快讯第{i}篇</h1><p>第{i}批援疆医生在和田义诊{i * 97 + 5}人次，"
                f"捐赠设备{i * 11 + 3}台，培训当地医护人员{i * 29 + 8}名。</p></body></html>"
            ).encode()
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=head
                )
            )
            urls.append(url)
    return urls


def _ingest(db: Path, *paths: Path, workers: int = 1, force: bool = False) -> IngestStats:
    with Store.open(db, create=True) as store:
        return ingest_paths(store, list(paths), workers=workers, force=force)


def test_a_second_run_hashes_nothing_and_a_new_file_alone(tmp_path: Path, hashed: list) -> None:
    folder = tmp_path / "warc"
    files = _archive(folder, 6)
    first = _ingest(tmp_path / "c.db", folder)
    assert sorted(hashed) == files and first.sources == 6 and not first.errors
    hashed.clear()
    second = _ingest(tmp_path / "c.db", folder)
    assert hashed == []  # not one byte of the archive read
    assert second.sources_skipped == 6 and second.pages == 0
    # A new file: only it is hashed and read.
    new = folder / "crawl-new.warc.gz"
    urls = _other_host(new)
    os.utime(new, (OLD, OLD))
    third = _ingest(tmp_path / "c.db", folder, workers=2)
    assert hashed == [new] and third.sources_skipped == 6 and third.stored == len(urls)


def test_a_touched_file_is_hashed_once_then_known_again(tmp_path: Path, hashed: list) -> None:
    folder = tmp_path / "warc"
    (path,) = _archive(folder, 1)
    _ingest(tmp_path / "c.db", folder)
    os.utime(path, (OLD + 60, OLD + 60))  # copied again, same content (rsync, cp)
    hashed.clear()
    again = _ingest(tmp_path / "c.db", folder)
    assert hashed == [path] and again.sources_skipped == 1 and again.pages == 0
    hashed.clear()
    _ingest(tmp_path / "c.db", folder)
    assert hashed == []


def test_a_changed_file_is_read_again(tmp_path: Path, hashed: list) -> None:
    folder = tmp_path / "warc"
    (path,) = _archive(folder, 1)
    _ingest(tmp_path / "c.db", folder)
    # Rewritten in place with other pages: a new mtime tells.
    urls = _other_host(path)
    os.utime(path, (OLD + 120, OLD + 120))
    hashed.clear()
    stats = _ingest(tmp_path / "c.db", folder)
    assert hashed == [path] and stats.stored == 3
    conn = sqlite3.connect(tmp_path / "c.db")
    stored = {r[0] for r in conn.execute("SELECT url FROM documents")}
    conn.close()
    assert set(urls) <= stored


def test_a_truncated_file_is_never_keyed_and_its_complete_copy_is_read(
    tmp_path: Path, hashed: list
) -> None:
    full = tmp_path / "full.warc.gz"
    _warc(full, 4)
    data = full.read_bytes()
    folder = tmp_path / "warc"
    folder.mkdir()
    path = folder / "a.warc.gz"
    path.write_bytes(data[: len(data) - 200])  # inside the last record
    os.utime(path, (OLD, OLD))
    for _ in range(2):  # hashed and read every run while it stays cut
        hashed.clear()
        stats = _ingest(tmp_path / "c.db", folder)
        assert hashed == [path] and stats.errors
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT count(*) FROM source_files").fetchone()[0] == 0
    conn.close()
    path.write_bytes(data)  # the complete copy arrives under the same name
    os.utime(path, (OLD, OLD))
    stats = _ingest(tmp_path / "c.db", folder)
    assert not stats.errors and stats.stored == 1  # the record the cut had lost
    hashed.clear()
    assert _ingest(tmp_path / "c.db", folder).sources_skipped == 1 and hashed == []


def test_a_file_written_just_now_is_not_keyed_yet(tmp_path: Path, hashed: list) -> None:
    folder = tmp_path / "warc"
    folder.mkdir()
    _warc(folder / "fresh.warc.gz", 2)  # mtime: now (a crawl may still touch it)
    _ingest(tmp_path / "c.db", folder)
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT count(*) FROM source_files").fetchone()[0] == 0
    conn.close()
    os.utime(folder / "fresh.warc.gz", (OLD, OLD))
    hashed.clear()
    _ingest(tmp_path / "c.db", folder)  # known by content, keyed now
    hashed.clear()
    _ingest(tmp_path / "c.db", folder)
    assert hashed == []


def test_force_reads_a_known_file_again(tmp_path: Path, hashed: list) -> None:
    folder = tmp_path / "warc"
    _archive(folder, 1)
    _ingest(tmp_path / "c.db", folder)
    hashed.clear()
    stats = _ingest(tmp_path / "c.db", folder, force=True)
    assert len(hashed) == 1 and stats.pages == 3 and stats.already_stored == 3


def test_a_database_from_before_file_keys_gets_them(tmp_path: Path, hashed: list) -> None:
    folder = tmp_path / "warc"
    _archive(folder, 2)
    _ingest(tmp_path / "c.db", folder)
    conn = sqlite3.connect(tmp_path / "c.db")
    conn.execute("DROP TABLE source_files")  # as a database of the previous version
    conn.commit()
    conn.close()
    hashed.clear()
    assert _ingest(tmp_path / "c.db", folder).sources_skipped == 2 and len(hashed) == 2
    hashed.clear()
    assert _ingest(tmp_path / "c.db", folder).sources_skipped == 2 and hashed == []
