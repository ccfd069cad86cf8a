"""What a scheduled run pays for an archive it has already ingested: files known by path,
size and mtime (no byte read) against hashing every file first (what ingest did before).

Command: `.venv/bin/python bench/skip_bench.py [--files 2000] [--mb 0.5]` (from the repo
root); writes bench/results/skip.md. The archive is `--files` WARC files of `--mb` MB each
(one 404 response record, so the first ingest costs reading, not extraction), made in a
temporary folder; each timing is the whole `aidcorpus ingest` command, warm page cache.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchio import write_result
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results" / "skip.md"
AIDCORPUS = str(Path(sys.executable).with_name("aidcorpus"))


def make_archive(folder: Path, files: int, size: int) -> None:
    folder.mkdir(parents=True)
    old = time.time() - 3600
    for i in range(files):
        path = folder / f"crawl-{i:06d}.warc.gz"
        with path.open("wb") as fh:
            writer = WARCWriter(fh, gzip=True)
            head = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], "HTTP/1.1")
            body = os.urandom(size)  # incompressible: the file is as big as asked
            record = writer.create_warc_record(
                f"http://127.0.0.1/{i}.html", "response", payload=io.BytesIO(body),
                http_headers=head,
            )  # fmt: skip
            writer.write_record(record)
        os.utime(path, (old, old))


def timed(*args: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run([AIDCORPUS, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return time.perf_counter() - started


def hash_all(folder: Path) -> float:
    """The previous `expand`: every file hashed before asking whether it was ingested."""
    started = time.perf_counter()
    for path in sorted(folder.iterdir()):
        digest = hashlib.sha1()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--mb", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    size = int(args.mb * 1e6)
    with tempfile.TemporaryDirectory(prefix="skip-bench-", dir="/var/tmp") as tmp_name:
        tmp = Path(tmp_name)
        archive = tmp / "warc"
        make_archive(archive, args.files, size)
        db = tmp / "corpus.db"
        first = timed("ingest", "-q", "--db", str(db), str(archive))
        known = [timed("ingest", "-q", "--db", str(db), str(archive)) for _ in range(3)]
        hashing = [hash_all(archive) for _ in range(3)]
        empty = tmp / "empty"
        empty.mkdir()
        baseline = timed("ingest", "-q", "--db", str(db), str(empty))
    gb = args.files * size / 1e9
    lines = [
        "# A scheduled run over an archive already ingested",
        "",
        f"Command: `.venv/bin/python bench/skip_bench.py --files {args.files} --mb {args.mb}`",
        f"(run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs shared with other work; warm page cache).",
        "",
        f"Archive: {args.files} WARC files, {gb:.1f} GB. Whole `aidcorpus ingest` commands.",
        "",
        "| what | seconds |",
        "|---|---:|",
        f"| first ingest (every file hashed and read) | {first:.2f} |",
        f"| ingest again: files known by path, size, mtime | {min(known):.2f} (best of 3) |",
        f"| ... of which start-up (an empty folder) | {baseline:.2f} |",
        f"| hashing every file first, as before (sha1 only, best of 3) | {min(hashing):.2f} |",
        "",
        f"Per known file: {(min(known) - baseline) / args.files * 1e3:.2f} ms (a stat and one"
        f" indexed lookup) against {min(hashing) / args.files * 1e3:.2f} ms to hash it"
        f" ({min(hashing) / max(min(known) - baseline, 1e-9):.0f}x), warm cache; cold, hashing"
        " reads the whole archive from disk while a stat reads none of it.",
    ]
    write_result(args.out, "\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
