"""The corpus's copy of what each destination holds (table `exports`), derived from the
destination's own record, so the two agree: whatever a crash left, the next export of
that folder rewrites the copy from the folder's log.

The copy is informational (`aidcorpus stats`); deciding what to deliver reads the folder.
A corpus that cannot be written right now (another process holds its write lock, a
read-only file, a full disk) does not fail the export: the copy catches up next time.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from corpus.export.folder import Entry, State
from corpus.inputcheck import shown
from corpus.store import Store, now, rollback

log = logging.getLogger(__name__)

WAIT_MS = 2000  # how long to wait for another writer before leaving the copy for later


def mirror(store: Store, state: State, out: Path, delivered: Mapping[str, Entry]) -> str | None:
    """Bring the corpus's copy of `out`'s record up to date; a warning when it could not."""
    conn = store.conn
    known = conn.execute(
        "SELECT count(*), coalesce(sum(version), 0) FROM exports WHERE dest_id = ?",
        (state.dest_id,),
    ).fetchone()
    if tuple(known) == (len(delivered), sum(e.version for e in delivered.values())):
        return None
    stamp = now()
    rows = [
        (
            state.dest_id,
            shown(out),  # informational: a folder name that is not UTF-8 cannot be stored
            state.format,
            e.id,
            e.version,
            int(e.deleted),
            e.number,
            e.file,
            stamp,
        )
        for e in delivered.values()
    ]
    conn.execute(f"PRAGMA busy_timeout = {WAIT_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM exports WHERE dest_id = ?", (state.dest_id,))
        conn.executemany("INSERT INTO exports VALUES (?,?,?,?,?,?,?,?,?)", rows)
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        rollback(conn)
        message = (
            f"the export to {out} is complete, but {store.path} could not record it ({exc});"
            " the next export of that folder records it"
        )
        log.debug("%s", message)  # the caller shows it (it was printed twice on stderr)
        return message
    finally:
        conn.execute("PRAGMA busy_timeout = 30000")
    return None
