"""Ingest at the edges, each case found by trying bad input: file names that are not UTF-8,
WARC files cut anywhere, symlinks leading out, huge files, a full disk, and `run` reporting
what ingest could not read."""

from __future__ import annotations

import io
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.sources import InputError, Source, read

AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


def _html(title: str, sentence: str) -> bytes:
    body = f"<p>{sentence * 20}</p>"
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def _ingest(db: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([AIDCORPUS, "ingest", "--db", str(db), *args],
                          capture_output=True, text=True, timeout=300, **kw)  # fmt: skip


def _urls(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    urls = sorted(r[0] for r in conn.execute("SELECT url FROM documents"))
    conn.close()
    return urls


def test_a_file_name_that_is_not_utf8_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = os.fsdecode(b"caf\xe9.html")  # Latin-1 bytes from another system
    (folder / name).write_bytes(_html("援疆新闻一", "山西援疆干部在昌吉工作。"))
    (folder / "ok.html").write_bytes(_html("援疆新闻二", "河北援疆医生在和田义诊。"))
    proc = _ingest(tmp_path / "c.db", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert [u.rsplit("/", 1)[1] for u in _urls(tmp_path / "c.db")] == ["caf%E9.html", "ok.html"]
    conn = sqlite3.connect(tmp_path / "c.db")
    sources = sorted(r[0] for r in conn.execute("SELECT path FROM sources"))
    conn.close()
    assert sources[0].endswith("caf\\xe9.html")


def test_symlinks_are_not_followed_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.html").write_bytes(_html("援疆新闻外", "新疆喀什援疆项目推进。"))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "own.html").write_bytes(_html("援疆新闻内", "山西援疆干部在昌吉工作。"))
    (folder / "linked-dir").symlink_to(outside)
    (folder / "linked.html").symlink_to(outside / "secret.html")
    proc = _ingest(tmp_path / "a.db", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert [u.rsplit("/", 1)[1] for u in _urls(tmp_path / "a.db")] == ["own.html"]
    proc = _ingest(tmp_path / "b.db", "--follow-symlinks", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert len(_urls(tmp_path / "b.db")) == 2  # the linked file and the file in linked-dir
    # are one document (one canonical file URL); the own file is the other


def test_a_symlink_loop_is_walked_once_when_following(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "own.html").write_bytes(_html("援疆新闻内", "山西援疆干部在昌吉工作。"))
    (folder / "sub" / "a.html").write_bytes(_html("援疆新闻外", "新疆喀什援疆项目推进。"))
    (folder / "sub" / "back").symlink_to(folder)  # a loop: in/sub/back/sub/back/...
    proc = _ingest(tmp_path / "a.db", "--follow-symlinks", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "from 2 files (0 already ingested)" in proc.stdout, proc.stdout
    assert len(_urls(tmp_path / "a.db")) == 2


def _warc(path: Path, *, gzip: bool = True) -> None:
    """warcinfo, then request/response pairs: list pages (skipped by ingest) and articles."""
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for i in range(6):
            kind = "list" if i % 3 == 0 else "article"
            url = f"http://a.example/{i}.html"
            request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
            writer.write_record(writer.create_warc_record(url, "request", payload=request))
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], "HTTP/1.1")
            page = io.BytesIO(_html(f"援疆新闻{i}", f"山西援疆第{i}项工作。"))
            writer.write_record(writer.create_warc_record(
                url, "response", payload=page, http_headers=headers,
                warc_headers_dict={"WARC-Aidcorpus-Kind": kind},
            ))  # fmt: skip


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_a_warc_cut_anywhere_is_detected(tmp_path: Path, suffix: str) -> None:
    """Every cut that is not exactly between two records (where the file is a valid,
    shorter WARC) raises InputError: inside skipped records, inside record headers, inside
    the gzip trailer; an uncompressed WARC the same, and read whole when it is complete."""
    full = tmp_path / f"full{suffix}"
    _warc(full, gzip=suffix.endswith(".gz"))
    data = full.read_bytes()
    with full.open("rb") as fh:
        records = ArchiveIterator(fh)
        starts = {records.get_record_offset() for _ in records} | {len(data)}
    # the blank lines (CRLF CRLF) that close an uncompressed record end it as well
    boundaries = {b - k for b in starts for k in range(5)} if suffix == ".warc" else starts
    want = [i.page.url for i in read(Source(full, "warc", "x"))]
    assert len(want) == 4
    cut_file = tmp_path / f"cut{suffix}"
    checked = 0
    for cut in range(1, len(data), 3):
        if cut in boundaries:
            continue
        cut_file.write_bytes(data[:cut])
        with pytest.raises(InputError, match=r"truncated|not a readable WARC"):
            list(read(Source(cut_file, "warc", "x")))
        checked += 1
    assert checked > 1000


def test_a_complete_uncompressed_warc_is_read_and_marked_complete(tmp_path: Path) -> None:
    """warcio leaves the CRLF CRLF closing the last record out of its length: those 4 bytes
    are not a cut record (a complete .warc exited 1 and was re-read by every ingest)."""
    folder = tmp_path / "warc"
    folder.mkdir()
    _warc(folder / "a.warc", gzip=False)
    proc = _ingest(tmp_path / "c.db", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert "truncated" not in proc.stderr
    assert len(_urls(tmp_path / "c.db")) == 4
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 1  # complete
    conn.close()
    proc = _ingest(tmp_path / "c.db", str(folder))
    assert proc.returncode == 0 and "1 already ingested" in proc.stdout, proc.stdout


def test_a_cut_warc_exits_1_and_its_complete_copy_is_read_later(tmp_path: Path) -> None:
    full = tmp_path / "full.warc.gz"
    _warc(full)
    data = full.read_bytes()
    folder = tmp_path / "warc"
    folder.mkdir()
    (folder / "a.warc.gz").write_bytes(data[: len(data) - 5])  # inside the last trailer
    proc = _ingest(tmp_path / "c.db", str(folder))
    assert proc.returncode == 1 and "truncated" in proc.stderr
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT count(*) FROM sources").fetchone()[0] == 0  # not complete
    conn.close()
    (folder / "a.warc.gz").write_bytes(data)  # the complete copy arrives
    proc = _ingest(tmp_path / "c.db", str(folder))
    assert proc.returncode == 0, proc.stderr
    assert len(_urls(tmp_path / "c.db")) == 4


RSS = (
    "import resource, sys\n"
    "from corpus.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _peak_kb(*args: str) -> int:
    proc = subprocess.run([sys.executable, "-c", RSS, *args], capture_output=True, text=True,
                          timeout=300)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return int(proc.stderr.rsplit("RSS", 1)[1].split()[0])


def test_a_huge_file_is_not_read_whole(tmp_path: Path) -> None:
    small, big = tmp_path / "small", tmp_path / "big"
    small.mkdir()
    big.mkdir()
    (small / "a.html").write_bytes(_html("援疆新闻", "山西援疆干部在昌吉工作。"))
    with (big / "a.html").open("wb") as fh:
        fh.write(b"<html><body><p>")
        for _ in range(96):
            fh.write(("援疆" * 174763).encode())  # 1 MiB of text each time
    base = _peak_kb("ingest", "--db", str(tmp_path / "s.db"), str(small))
    peak = _peak_kb("ingest", "--db", str(tmp_path / "b.db"), str(big))
    assert peak - base < 40 * 1024, (base, peak)  # a 96 MiB file, at most its first 8 MiB read
    conn = sqlite3.connect(tmp_path / "b.db")
    assert conn.execute("SELECT reason FROM dropped").fetchone()[0] == "too-large"
    conn.close()


def test_a_full_disk_names_the_cause(tmp_path: Path) -> None:
    """Writes past a file-size limit fail like a full disk (EFBIG): the message names the
    real cause, not "cannot rollback", and what was committed before stays."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(60):
        page = _html(f"援疆新闻{i}", f"山西援疆第{i}批干部在昌吉工作，" * 3)
        (folder / f"{i:03d}.html").write_bytes(page)
    db = tmp_path / "c.db"
    first = _ingest(db, "--batch", "5", str(folder / "000.html"))
    assert first.returncode == 0, first.stderr
    limit = db.stat().st_size + 64 * 1024

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = _ingest(db, "--batch", "5", str(folder), preexec_fn=small_disk)
    assert proc.returncode == 2, proc.stderr
    assert "cannot rollback" not in proc.stderr and "Traceback" not in proc.stderr
    assert "full" in proc.stderr or "I/O" in proc.stderr or "too large" in proc.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] >= 1
    conn.close()
