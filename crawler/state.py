"""Crawl state (SQLite, WAL): per canonical URL its kind, last fetch, status, validators, hash.

Written only after the page's WARC record is flushed, so a killed run refetches what it
had not archived. Discovered-but-unfetched pages are kept as pending for the next run.
With batch=True writes gather in one transaction until `commit()`, which first runs the
`before_commit` hooks (the WARC writers' flushes).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler.canon import canonical_url
from crawler.discovery import ShapeBook, ShapeCount
from crawler.records import ARTICLE_KINDS, PAGE, PART_KIND
from crawler.warc import FetchRecord, now_iso

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    canon TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    kind TEXT NOT NULL,
    status INTEGER,            -- NULL: discovered, not fetched yet; 0: network error
    fetched TEXT,              -- ISO 8601 UTC of the last fetch (or 304)
    etag TEXT,
    last_modified TEXT,
    sha1 TEXT,
    terms TEXT,                -- topic terms matched, comma-separated
    kept INTEGER,              -- articles: topic gate verdict
    complete INTEGER NOT NULL DEFAULT 0,  -- article with all its parts archived
    attempts INTEGER NOT NULL DEFAULT 0,
    discovered TEXT NOT NULL,
    depth INTEGER NOT NULL DEFAULT 0  -- link hops from a start page: kept for re-queues
);
CREATE INDEX IF NOT EXISTS pages_site ON pages(site, status);
-- URL shapes per site (crawler/discovery.py): learned article shapes, refused shapes, traps
CREATE TABLE IF NOT EXISTS shapes (
    site TEXT NOT NULL,
    host TEXT NOT NULL,
    template TEXT NOT NULL,
    role TEXT NOT NULL,        -- article | refused | trap | probing
    confirmed INTEGER NOT NULL DEFAULT 0,
    refuted INTEGER NOT NULL DEFAULT 0,
    dry INTEGER NOT NULL DEFAULT 0,  -- list pages in a row that gave no new article link
    updated TEXT NOT NULL,
    PRIMARY KEY (site, host, template)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    started TEXT NOT NULL,
    finished TEXT,
    sites TEXT NOT NULL,
    stats TEXT
);
"""
MAX_ATTEMPTS = 3  # a page failing this often is no longer re-queued as pending


@dataclass(frozen=True, slots=True)
class PageState:
    canon: str
    url: str
    site: str
    kind: str
    status: int | None
    fetched: str | None
    etag: str | None
    last_modified: str | None
    sha1: str | None
    terms: tuple[str, ...]
    kept: bool | None
    complete: bool
    attempts: int


def conditional_headers(page: PageState | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a page last answered 200 (both state backends)."""
    if page is None or page.status != 200:
        return {}
    headers = {}
    if page.etag:
        headers["If-None-Match"] = page.etag
    if page.last_modified:
        headers["If-Modified-Since"] = page.last_modified
    return headers


def _header(headers: Iterable[tuple[str, str]], name: str) -> str | None:
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), None)


def fresh(page: PageState | None, refresh_after_days: float, now: datetime | None = None) -> bool:
    """`page` is an article archived whole within `refresh_after_days`."""
    if page is None or not page.complete or page.fetched is None:
        return False
    if page.status not in (200, 304):
        return False
    fetched = datetime.fromisoformat(page.fetched.replace("Z", "+00:00"))
    return (now or datetime.now(UTC)) - fetched < timedelta(days=refresh_after_days)


class CrawlState:
    def __init__(self, path: Path | str, *, batch: bool = False):
        self.path = Path(path)
        self.batch = batch
        # run before every commit: a page is marked done only once its WARC record is on disk
        self.before_commit: list[Callable[[], None]] = []
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        columns = {row[1] for row in self.db.execute("PRAGMA table_info(pages)")}
        if columns and "depth" not in columns:  # a state file from before depths were kept
            self.db.execute("ALTER TABLE pages ADD COLUMN depth INTEGER NOT NULL DEFAULT 0")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.commit()
        self.db.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """One transaction per call, or (batch) one per `commit()`."""
        if not self.db.in_transaction:
            self.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            if not self.batch:
                self.db.execute("ROLLBACK")
            raise
        if not self.batch:
            self.db.execute("COMMIT")

    def commit(self) -> None:
        """Flush what the hooks hold (WARC records), then commit the open transaction."""
        for hook in self.before_commit:
            hook()
        if self.db.in_transaction:
            self.db.execute("COMMIT")

    def get(self, url: str) -> PageState | None:
        row = self.db.execute(
            "SELECT canon, url, site, kind, status, fetched, etag, last_modified, sha1, terms,"
            " kept, complete, attempts FROM pages WHERE canon = ?",
            (canonical_url(url),),
        ).fetchone()
        if row is None:
            return None
        terms = tuple(t for t in (row[9] or "").split(",") if t)
        kept = None if row[10] is None else bool(row[10])
        return PageState(*row[:9], terms, kept, bool(row[11]), row[12])

    def conditional_headers(self, url: str) -> dict[str, str]:
        return conditional_headers(self.get(url))

    def record(self, rec: FetchRecord) -> None:
        """A response whose WARC record is flushed."""
        # an article with all its parts, or a page found not to be one (not probed again
        # until refresh_after_days)
        whole = rec.kind in ARTICLE_KINDS or rec.kind == PAGE
        complete = int(rec.last_part and whole and rec.part_of is None)
        values = (
            rec.url,
            rec.site,
            rec.kind,
            rec.status,
            rec.fetched,
            _header(rec.headers, "ETag"),
            _header(rec.headers, "Last-Modified"),
            hashlib.sha1(rec.body).hexdigest(),
            ",".join(rec.topic_terms),
            None if rec.kept is None else int(rec.kept),
            complete,
        )
        with self._writing():
            for url in dict.fromkeys((rec.request_url, rec.url)):
                self._upsert(canonical_url(url), values)
            if rec.part_of is not None and rec.last_part:
                self.db.execute(
                    "UPDATE pages SET complete = 1 WHERE canon = ?", (canonical_url(rec.part_of),)
                )

    def _upsert(self, canon: str, values: tuple[object, ...]) -> None:
        self.db.execute(
            "INSERT INTO pages (canon, url, site, kind, status, fetched, etag, last_modified,"
            " sha1, terms, kept, complete, attempts, discovered)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)"
            " ON CONFLICT(canon) DO UPDATE SET url=excluded.url, site=excluded.site,"
            " kind=excluded.kind, status=excluded.status, fetched=excluded.fetched,"
            " etag=excluded.etag, last_modified=excluded.last_modified, sha1=excluded.sha1,"
            " terms=excluded.terms, kept=excluded.kept, complete=excluded.complete,"
            " attempts=attempts+1",
            (canon, *values, now_iso()),
        )

    def record_not_modified(self, url: str) -> None:
        """A 304: the stored copy is still current."""
        with self._writing():
            self.db.execute(
                "UPDATE pages SET fetched = ?, attempts = 0 WHERE canon = ?",
                (now_iso(), canonical_url(url)),
            )

    def record_failure(self, url: str, site: str, kind: str, status: int) -> None:
        """A failed fetch (status, or 0 for a network error): counted towards MAX_ATTEMPTS."""
        with self._writing():
            self.db.execute(
                "INSERT INTO pages (canon, url, site, kind, status, fetched, attempts, discovered)"
                " VALUES (?, ?, ?, ?, ?, ?, 1, ?) ON CONFLICT(canon) DO UPDATE SET"
                " attempts = attempts + 1,"
                " status = CASE WHEN complete = 1 THEN status ELSE excluded.status END",
                (canonical_url(url), url, site, kind, status, now_iso(), now_iso()),
            )

    def note_discovered(
        self, site: str, links: Iterable[tuple[str, str]], depth: int = 0
    ) -> None:
        """Remember requested (url, kind) pairs, `depth` hops from a start page, so a killed
        run re-queues them at that depth. Only what is requested: a link refused by depth,
        budget or trap is never noted, so no later run picks it up."""
        stamp = now_iso()
        rows = [(canonical_url(u), u, site, kind, stamp, depth) for u, kind in links]
        if rows:
            with self._writing():
                self.db.executemany(
                    "INSERT OR IGNORE INTO pages (canon, url, site, kind, discovered, depth)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )

    def pending(self, site: str, limit: int = 10_000) -> list[tuple[str, str, int]]:
        """(url, kind, depth) of pages requested earlier and not yet archived whole."""
        rows = self.db.execute(
            "SELECT url, kind, depth FROM pages WHERE site = ? AND attempts < ? AND kind != ?"
            " AND (status IS NULL OR status = 0 OR status >= 500"
            f"  OR (kind IN {ARTICLE_KINDS!r} AND complete = 0 AND status = 200))"
            " ORDER BY discovered LIMIT ?",
            (site, MAX_ATTEMPTS, PART_KIND, limit),
        )
        found = [(u, k, d) for u, k, d in rows]
        with self._writing():  # each re-queue counts: a page that never completes stops coming
            self.db.executemany(
                "UPDATE pages SET attempts = attempts + 1 WHERE canon = ?",
                [(canonical_url(u),) for u, _, _ in found],
            )
        self.commit()
        return found

    def shapes(self, site: str) -> ShapeBook:
        """The site's URL shapes as learned by earlier runs."""
        rows = self.db.execute(
            "SELECT host, template, role, confirmed, refuted, dry FROM shapes WHERE site = ?",
            (site,),
        )
        return ShapeBook(known={(h, t): ShapeCount(r, c, f, d) for h, t, r, c, f, d in rows})

    def save_shapes(self, site: str, book: ShapeBook) -> None:
        """Write back the shapes that changed in this run."""
        rows = []
        for shape in sorted(book.changed):
            count = book.known[shape]
            rows.append(
                (site, *shape, count.role, count.confirmed, count.refuted, count.dry, now_iso())
            )
        book.changed.clear()
        if rows:
            with self._writing():
                self.db.executemany(
                    "INSERT INTO shapes (site, host, template, role, confirmed, refuted, dry,"
                    " updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(site, host, template)"
                    " DO UPDATE SET role=excluded.role, confirmed=excluded.confirmed,"
                    " refuted=excluded.refuted, dry=excluded.dry, updated=excluded.updated",
                    rows,
                )

    def start_run(self, sites: Iterable[str]) -> int:
        with self._writing():
            cur = self.db.execute(
                "INSERT INTO runs (started, sites) VALUES (?, ?)", (now_iso(), ",".join(sites))
            )
        self.commit()
        return int(cur.lastrowid or 0)

    def finish_run(self, run_id: int, stats: dict[str, object]) -> None:
        with self._writing():
            self.db.execute(
                "UPDATE runs SET finished = ?, stats = ? WHERE id = ?",
                (now_iso(), json.dumps(stats, default=str), run_id),
            )
        self.commit()

    def counts(self) -> dict[str, int]:
        rows = self.db.execute("SELECT kind, COUNT(*) FROM pages GROUP BY kind")
        return {k: n for k, n in rows}
