"""The crawl state in Redis, for crawls spread over processes and machines (`[crawl]
redis_url`): the same contract as crawler/state.py's SQLite CrawlState, shared, so
conditional requests, refresh_after_days, pending pages and learned URL shapes hold
whichever process fetched a page.

Layout under the prefix: `page:<canonical URL>` one hash per page (the columns of the
SQLite `pages` table); `pending:<site>` a sorted set of pages that may still need a fetch
(trimmed lazily by `pending`); `shapes:<site>` one hash of JSON counts per URL shape;
`runs` a list of run records. A fetched page is recorded only at `commit()`, after the
hooks flushed its WARC record (as with SQLite), so a kill refetches what it had not
archived; until then this process reads its own records from memory.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from crawler.canon import canonical_url
from crawler.discovery import ShapeBook, ShapeCount
from crawler.records import ARTICLE_KINDS, PAGE, PART_KIND
from crawler.state import MAX_ATTEMPTS, PageState, _header, conditional_headers
from crawler.warc import FetchRecord, now_iso

FIELDS = (
    "url", "site", "kind", "status", "fetched", "etag", "last_modified", "sha1", "terms",
    "kept", "complete", "attempts", "discovered", "depth",
)  # fmt: skip

# Create a page if it is new (INSERT OR IGNORE). KEYS: page, pending. ARGV: url, site,
# kind, discovered, depth, score.
_NOTE = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'url', ARGV[1], 'site', ARGV[2], 'kind', ARGV[3],
             'discovered', ARGV[4], 'depth', ARGV[5], 'attempts', 0, 'complete', 0)
  redis.call('ZADD', KEYS[2], 'NX', ARGV[6], KEYS[1])
end
"""

# A failed fetch. KEYS: page, pending. ARGV: url, site, kind, status, now, score.
_FAIL = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'url', ARGV[1], 'site', ARGV[2], 'kind', ARGV[3],
             'status', ARGV[4], 'fetched', ARGV[5], 'discovered', ARGV[5], 'attempts', 1,
             'complete', 0, 'depth', 0)
else
  redis.call('HINCRBY', KEYS[1], 'attempts', 1)
  if redis.call('HGET', KEYS[1], 'complete') ~= '1' then
    redis.call('HSET', KEYS[1], 'status', ARGV[4])
  end
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[6], KEYS[1])
"""


def _int(value: Any) -> int | None:
    return None if value in (None, b"", "") else int(value)


class RedisCrawlState:
    """crawler.state.CrawlState's methods, kept in Redis (a `redis.Redis` client)."""

    def __init__(self, client: Any, prefix: str = "aidcorpus") -> None:
        self.r = client
        self.prefix = prefix
        self.batch = True
        self.before_commit: list[Callable[[], None]] = []
        self._held: dict[str, dict[str, Any]] = {}  # canon -> fields recorded, not committed
        self._completes: list[str] = []  # first pages whose last part was recorded
        self._note = client.register_script(_NOTE)
        self._fail = client.register_script(_FAIL)

    @classmethod
    def from_url(cls, url: str, prefix: str = "aidcorpus") -> RedisCrawlState:
        import redis

        return cls(redis.Redis.from_url(url, socket_timeout=30), prefix)

    def _page(self, canon: str) -> str:
        return f"{self.prefix}:page:{canon}"

    def _pending(self, site: str) -> str:
        return f"{self.prefix}:pending:{site}"

    # -- reads ----------------------------------------------------------------------
    def _fields(self, canon: str) -> dict[str, Any] | None:
        held = self._held.get(canon)
        if held is not None:
            return held
        raw = self.r.hgetall(self._page(canon))
        if not raw:
            return None
        return {k.decode(): v.decode() for k, v in raw.items()}

    def get(self, url: str) -> PageState | None:
        canon = canonical_url(url)
        row = self._fields(canon)
        if row is None:
            return None
        terms = tuple(t for t in str(row.get("terms") or "").split(",") if t)
        kept = _int(row.get("kept"))
        return PageState(
            canon, str(row.get("url") or url), str(row.get("site") or ""),
            str(row.get("kind") or ""), _int(row.get("status")), row.get("fetched") or None,
            row.get("etag") or None, row.get("last_modified") or None, row.get("sha1") or None,
            terms, None if kept is None else bool(kept), _int(row.get("complete")) == 1,
            _int(row.get("attempts")) or 0,
        )  # fmt: skip

    def conditional_headers(self, url: str) -> dict[str, str]:
        return conditional_headers(self.get(url))

    # -- writes ---------------------------------------------------------------------
    def record(self, rec: FetchRecord) -> None:
        """A response whose WARC record is held: written at the next `commit()`."""
        import hashlib

        whole = rec.kind in ARTICLE_KINDS or rec.kind == PAGE
        values = {
            "url": rec.url,
            "site": rec.site,
            "kind": rec.kind,
            "status": rec.status,
            "fetched": rec.fetched,
            "etag": _header(rec.headers, "ETag") or "",
            "last_modified": _header(rec.headers, "Last-Modified") or "",
            "sha1": hashlib.sha1(rec.body).hexdigest(),
            "terms": ",".join(rec.topic_terms),
            "kept": "" if rec.kept is None else int(rec.kept),
            "complete": int(rec.last_part and whole and rec.part_of is None),
        }
        for url in dict.fromkeys((rec.request_url, rec.url)):
            canon = canonical_url(url)
            self._held[canon] = {**(self._held.get(canon) or {}), **values}
        if rec.part_of is not None and rec.last_part:
            self._completes.append(canonical_url(rec.part_of))

    def record_not_modified(self, url: str) -> None:
        key = self._page(canonical_url(url))
        self.r.hset(key, mapping={"fetched": now_iso(), "attempts": 0})

    def record_failure(self, url: str, site: str, kind: str, status: int) -> None:
        canon = canonical_url(url)
        now = now_iso()
        self._fail(keys=[self._page(canon), self._pending(site)],
                   args=[url, site, kind, status, now, _score()])  # fmt: skip

    def note_discovered(self, site: str, links: Iterable[tuple[str, str]], depth: int = 0) -> None:
        stamp, score = now_iso(), _score()
        pipe = self.r.pipeline(transaction=False)
        for url, kind in links:
            keys = [self._page(canonical_url(url)), self._pending(site)]
            self._note(keys=keys, args=[url, site, kind, stamp, depth, score], client=pipe)
        pipe.execute()

    def commit(self) -> None:
        """Flush what the hooks hold (WARC records), then write the held page records."""
        for hook in self.before_commit:
            hook()
        if not self._held and not self._completes:
            return
        pipe = self.r.pipeline(transaction=False)
        for canon, values in self._held.items():
            key = self._page(canon)
            pipe.hsetnx(key, "discovered", now_iso())
            pipe.hsetnx(key, "depth", 0)
            pipe.hset(key, mapping=values)
            pipe.hincrby(key, "attempts", 1)
            if values["complete"] == 1:
                pipe.zrem(self._pending(str(values["site"])), key)
        for canon in self._completes:
            pipe.hset(self._page(canon), "complete", 1)
        pipe.execute()
        self._held.clear()
        self._completes.clear()

    def close(self) -> None:
        self.commit()

    # -- pending pages, shapes, runs ----------------------------------------------------
    def pending(self, site: str, limit: int = 10_000) -> list[tuple[str, str, int]]:
        """(url, kind, depth) of pages requested earlier and not yet archived whole."""
        keys = [k.decode() for k in self.r.zrange(self._pending(site), 0, limit - 1)]
        pipe = self.r.pipeline(transaction=False)
        for key in keys:
            pipe.hgetall(key)
        found, done = [], []
        for key, raw in zip(keys, pipe.execute(), strict=True):
            row = {k.decode(): v.decode() for k, v in raw.items()}
            status, kind = _int(row.get("status")), row.get("kind", "")
            waiting = status is None or status == 0 or status >= 500 or (
                kind in ARTICLE_KINDS and row.get("complete") != "1" and status == 200
            )
            if not row or kind == PART_KIND or not waiting:
                done.append(key)
            elif (_int(row.get("attempts")) or 0) < MAX_ATTEMPTS:
                found.append((key, row["url"], kind, _int(row.get("depth")) or 0))
        pipe = self.r.pipeline(transaction=False)
        if done:
            pipe.zrem(self._pending(site), *done)
        for key, *_ in found:  # each re-queue counts: a page that never completes stops
            pipe.hincrby(key, "attempts", 1)
        pipe.execute()
        return [(url, kind, depth) for _, url, kind, depth in found]

    def shapes(self, site: str) -> ShapeBook:
        known = {}
        for field, value in self.r.hgetall(f"{self.prefix}:shapes:{site}").items():
            host, template = field.decode().split("\t", 1)
            role, confirmed, refuted, dry = json.loads(value)
            known[(host, template)] = ShapeCount(role, confirmed, refuted, dry)
        return ShapeBook(known=known)

    def save_shapes(self, site: str, book: ShapeBook) -> None:
        rows = {}
        for shape in sorted(book.changed):
            count = book.known[shape]
            rows["\t".join(shape)] = json.dumps(
                [count.role, count.confirmed, count.refuted, count.dry]
            )
        book.changed.clear()
        if rows:
            self.r.hset(f"{self.prefix}:shapes:{site}", mapping=rows)

    def start_run(self, sites: Iterable[str]) -> int:
        run_id = int(self.r.incr(f"{self.prefix}:runs:id"))
        record = {"id": run_id, "started": now_iso(), "sites": ",".join(sites)}
        self.r.hset(f"{self.prefix}:runs", run_id, json.dumps(record))
        return run_id

    def finish_run(self, run_id: int, stats: dict[str, object]) -> None:
        raw = self.r.hget(f"{self.prefix}:runs", run_id)
        record = json.loads(raw) if raw else {"id": run_id}
        record.update(finished=now_iso(), stats=stats)
        self.r.hset(f"{self.prefix}:runs", run_id, json.dumps(record, default=str))


def _score() -> float:
    import time

    return time.time()
