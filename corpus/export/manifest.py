"""The txt layout's manifest: every file with its id, version and the number it supersedes.

It is derived from the folder's log after each export (the state file stays the truth) and
written only over a manifest of ours: another tool's `manifest.json` is never touched.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from corpus.export.folder import CONTRACT, Folder, State, write_atomic
from corpus.export.schema import SCHEMA_VERSION
from corpus.store import now

log = logging.getLogger(__name__)

NAMES = ("manifest.json", "aidcorpus-manifest.json")


def is_ours(path: Path) -> bool:
    """A manifest we wrote: this version's (generator) or an older aidcorpus's ({"exports":
    [{"format", "files", ...}]}, adopted on the first export of this version)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(data, dict):
        return False
    if data.get("generator") == "aidcorpus":
        return True
    exports = data.get("exports")
    return (
        set(data) == {"exports"}
        and isinstance(exports, list)
        and all(isinstance(e, dict) and {"format", "files"} <= set(e) for e in exports)
    )


def choose_name(out: Path) -> str | None:
    """The first manifest name that is free or ours; None when other tools hold both."""
    for name in NAMES:
        path = out / name
        if not path.exists() or is_ours(path):
            return name
        log.warning("%s belongs to another tool: left as it is", path)
    return None


def write_manifest(folder: Folder, state: State) -> None:
    if state.manifest is None:
        return
    path = folder.out / state.manifest
    if path.exists() and not is_ours(path):
        log.warning("%s now belongs to another tool: manifest not written", path)
        return
    exports: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    tombstones: list[dict[str, Any]] = []
    for header, entries in folder.history(state):
        live = [e for e in entries if not e.deleted]
        exports.append(
            {
                "commit": header["commit"],
                "at": header.get("at"),
                "documents": len(live),
                "tombstones": len(entries) - len(live),
                "files": [e.file for e in live],
            }
        )
        for e in entries:
            if e.deleted:
                tombstones.append(
                    {
                        "id": e.id,
                        "version": e.version,
                        "merged_into": e.merged_into,
                        "supersedes": e.supersedes,
                    }
                )
            else:
                files.append(
                    {
                        "file": e.file,
                        "number": e.number,
                        "id": e.id,
                        "version": e.version,
                        "supersedes": e.supersedes,
                    }
                )
    body = {
        "generator": "aidcorpus",
        "contract": CONTRACT,
        "schema_version": SCHEMA_VERSION,
        "format": state.format,
        "updated": now(),
        "exports": exports,
        "files": files,
        "tombstones": tombstones,
    }
    data = json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
    write_atomic(path, data, folder.tmp)
