"""The index dir's published state: manifest.json names the live segments and the caller's
mark; it is replaced atomically, so a reader sees the previous list or the next, never half.

Also the other files of the layout (meta.json, older formats) and the clean-up of segment
dirs no manifest names (merged away, or left by a killed writer). See dedup.index.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from dedup.bands import BAND_SCHEME
from dedup.params import DedupParams
from dedup.segment import Segment, fsync_dir

META = "meta.json"
MANIFEST = "manifest.json"
FORMAT = "aidcorpus-index/2"
STATE = "state.npz"  # format 1: converted on open
LEGACY_STATE = "state.pkl"  # format 0: holds no signatures, ignored
_SEG = re.compile(r"seg-(\d{8})$")


class IndexFormatError(ValueError):
    """The index dir holds a format this version cannot read."""


@dataclass(frozen=True)
class Published:
    """What a manifest names, opened: the segments (memory-mapped) and the caller's mark."""

    segments: list[Segment]
    names: list[str]
    mark: str | None


def atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def stamp_meta(index_dir: Path, params: DedupParams) -> None:
    """Stamp the parameters on a new index dir; check them against an existing one."""
    meta = index_dir / META
    if meta.exists():
        params.check_stamp(json.loads(meta.read_text(encoding="utf-8")), str(index_dir))
    else:
        index_dir.mkdir(parents=True, exist_ok=True)
        atomic_write(meta, json.dumps(params.stamp(), indent=1).encode())


def seg_dirs(index_dir: Path) -> Iterator[re.Match[str]]:
    """Segment dirs present (named by a manifest or not), as matches: group(1) is the id."""
    for p in index_dir.iterdir() if index_dir.is_dir() else ():
        m = _SEG.match(p.name)
        if m:
            yield m


def read_manifest(index_dir: Path) -> Published:
    for attempt in range(3):
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("band_scheme") != BAND_SCHEME:
            raise IndexFormatError(
                f"dedup index {index_dir} has format {manifest.get('format')!r} "
                f"({manifest.get('band_scheme')!r}), this version reads {FORMAT!r}"
            )
        try:
            segments, start = [], 0
            for name in manifest["segments"]:
                segments.append(Segment(index_dir / name, start))
                start += segments[-1].n
        except FileNotFoundError:
            # A writer merged and removed segments between our reads: read again.
            if attempt == 2:
                raise
            continue
        return Published(segments, list(manifest["segments"]), manifest.get("mark"))
    raise AssertionError("unreachable")  # the last attempt returns or raises


def write_manifest(
    index_dir: Path, params: DedupParams, segments: Sequence[Segment], mark: str | None
) -> list[str]:
    """Publish `segments` (and `mark`) by rename; returns the names published."""
    names = [s.name for s in segments]
    manifest = {
        "format": FORMAT,
        "band_scheme": BAND_SCHEME,
        "stamp": params.stamp(),
        "docs": sum(s.n for s in segments),
        "segments": names,
        "mark": mark,
    }
    atomic_write(index_dir / MANIFEST, json.dumps(manifest, indent=1).encode())
    return names


def remove_unused(index_dir: Path, live: set[str]) -> None:
    """Segments no manifest names (merged away, or left by a killed writer), and files of
    the older formats once the manifest replaced them."""
    for m in list(seg_dirs(index_dir)):
        if m.group(0) not in live:
            shutil.rmtree(index_dir / m.group(0), ignore_errors=True)
    for old in (STATE, LEGACY_STATE, MANIFEST + ".tmp"):
        (index_dir / old).unlink(missing_ok=True)
