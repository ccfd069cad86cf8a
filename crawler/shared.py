"""One crawl spread over processes and machines: a frontier, a dupefilter and per-host
politeness in Redis (used when `[crawl] redis_url` is set; crawler/child.py sets it up).

- `SharedScheduler` is scrapy-redis's scheduler: every process of a crawl pushes to and
  pops from one request queue per spider. A crawl is a *round*: the first process to
  start one finds no live member and clears what a dead round left (queue, dupefilter);
  the others join it. A process closes only when the queue is empty and no other live
  member is busy (one that is fetching may still add requests); the last one out deletes
  the round's keys, so the next run starts a new round and refetches its lists.
- `SharedDupeFilter` is scrapy-redis's dupefilter keyed by our canonical fingerprints
  (crawler/canon.py): a request is scheduled once per round, whoever found it.
- `SharedHostHandler` holds CONCURRENT_REQUESTS_PER_DOMAIN and the download delay per
  host across every process (leases in Redis), at the moment a transfer starts.

Times are Redis server times, so machines need not agree on the clock. Keys start with
AIDCORPUS_REDIS_PREFIX; nothing here deletes keys outside its own round.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
import warnings
from collections import deque
from typing import Any
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, ScrapyDeprecationWarning
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.connection import get_redis_from_settings
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

log = logging.getLogger(__name__)

MEMBER_TTL = 15.0  # seconds a process counts as alive after its last heartbeat
BEAT = 1.0  # heartbeat interval
WAKE = 0.2  # how often an idle process looks at the shared queue
LOCAL = "aidcorpus_local"  # meta key: a request taken from the queue to wake this engine

# Join a round: drop dead members; with none alive, clear a dead round's queue and
# dupefilter (a new round). KEYS: members, queue, dupefilter. ARGV: me, busy.
_JOIN = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local alive = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local until_ = tonumber(string.match(all[i + 1], '^[^|]+'))
  if until_ ~= nil and until_ > now then alive = alive + 1
  else redis.call('HDEL', KEYS[1], all[i]) end
end
if alive == 0 then redis.call('DEL', KEYS[2], KEYS[3]) end
redis.call('HSET', KEYS[1], ARGV[1], (now + tonumber(ARGV[3])) .. '|' .. ARGV[2])
redis.call('EXPIRE', KEYS[1], 86400)
return alive
"""

# Heartbeat; returns how many *other* live members are busy. ARGV: me, busy, ttl.
_BEAT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('HSET', KEYS[1], ARGV[1], (now + tonumber(ARGV[3])) .. '|' .. ARGV[2])
local busy = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local until_, b = string.match(all[i + 1], '^([^|]+)|(%d)')
  if all[i] ~= ARGV[1] and tonumber(until_) > now and b == '1' then busy = busy + 1 end
end
return busy
"""

# Leave; the last live member deletes the round's keys. KEYS: members, queue, dupefilter.
_LEAVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('HDEL', KEYS[1], ARGV[1])
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local until_ = tonumber(string.match(all[i + 1], '^[^|]+'))
  if until_ ~= nil and until_ > now then return 0 end
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
"""

# One start for a host, if allowed: fewer than `limit` leases and `delay` since the last
# start. Returns seconds to wait (0: go). KEYS: leases, next start. ARGV: token, limit,
# delay, lease ttl.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return tostring(nxt - now) end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return '0.02' end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4])) + 60)
redis.call('SET', KEYS[2], tostring(now + tonumber(ARGV[3])), 'EX', 3600)
return '0'
"""


def member_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class SharedDupeFilter(RFPDupeFilter):
    """scrapy-redis's dupefilter with the crawl's own request fingerprints."""

    @classmethod
    def from_spider(cls, spider: Any) -> SharedDupeFilter:
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        return self.fingerprinter.fingerprint(request).hex()


class _SchedulerStats:
    """The stats collector as scrapy-redis's scheduler calls it: it still passes `spider=`,
    which Scrapy deprecated, and every shared crawl printed the warning on stderr."""

    def __init__(self, stats: Any) -> None:
        self._stats = stats

    def inc_value(self, key: str, count: int = 1, start: int = 0, spider: Any = None) -> None:
        self._stats.inc_value(key, count, start)


class SharedScheduler(Scheduler):
    """scrapy-redis's scheduler, with rounds, liveness and a coordinated close."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        scheduler = super().from_crawler(crawler)
        scheduler.crawler = crawler
        scheduler.stats = _SchedulerStats(crawler.stats)
        scheduler.member = member_id()
        scheduler.local = deque()
        scheduler.busy = True
        scheduler.idle = False
        scheduler.last_beat = 0.0
        scheduler.loop = None
        scheduler.cap = max(1, crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        crawler.signals.connect(scheduler._spider_idle, signal=signals.spider_idle)
        return scheduler

    def open(self, spider: Any) -> None:
        with warnings.catch_warnings():
            # scrapy-redis logs "Resuming crawl" through the deprecated Spider.log() when
            # a process joins a round; the line below says the same without the warning.
            warnings.simplefilter("ignore", ScrapyDeprecationWarning)
            super().open(spider)
        self.members_key = self.queue.key.rsplit(":", 1)[0] + ":members"
        keys = [self.members_key, self.queue.key, self.df.key]
        alive = self.server.eval(_JOIN, 3, *keys, self.member, 1, MEMBER_TTL)
        if alive:
            log.info("%s joins a crawl with %d live process(es)", self.member, alive)
        else:
            log.info("%s starts a new crawl round in Redis", self.member)
        self.loop = task.LoopingCall(self._tick)
        self.loop.start(WAKE, now=False)

    def close(self, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        keys = [self.members_key, self.queue.key, self.df.key]
        if self.server.eval(_LEAVE, 3, *keys, self.member):
            log.info("%s was the last process of the crawl round", self.member)

    def enqueue_request(self, request: Request) -> bool:
        if request.meta.get(LOCAL):
            self.local.append(request)
            return True
        if request.meta.get("part_of"):
            # The next page of a multi-page article stays with the process holding its
            # first pages (the spider archives an article's pages together, in one file).
            if not request.dont_filter and self.df.request_seen(request):
                return False
            self.local.append(request)
            return True
        return super().enqueue_request(request)

    def next_request(self) -> Request | None:
        # Take no more than can be on the wire for the site: requests this process held
        # waiting for a host lease would be work the other processes could not share.
        engine = self.crawler.engine
        if engine is not None and len(engine.downloader.active) >= self.cap:
            return None
        request = self.local.popleft() if self.local else super().next_request()
        if request is not None:
            request.meta.pop(LOCAL, None)
            self.idle = False
            if not self.busy:
                self.busy = True
                self._beat()
        return request

    def has_pending_requests(self) -> bool:
        return bool(self.local) or super().has_pending_requests()

    def _beat(self) -> int:
        """Refresh this member's entry; returns how many other members are busy."""
        self.last_beat = time.monotonic()
        flag = 1 if self.busy else 0
        return int(self.server.eval(_BEAT, 1, self.members_key, self.member, flag, MEMBER_TTL))

    def _tick(self) -> None:
        if time.monotonic() - self.last_beat >= BEAT:
            self._beat()
        # Scrapy looks at an idle scheduler every 5 s only: when requests of other
        # processes are waiting, hand one to the engine, which wakes it up now.
        if self.idle and not self.local and len(self.queue):
            request = self.queue.pop()
            if request is not None:
                request.meta[LOCAL] = True
                self.crawler.engine.crawl(request)

    def _spider_idle(self, spider: Any) -> None:
        self.idle = True
        if self.busy:
            self.busy = False
        others = self._beat()
        if self.local or len(self.queue) or others:
            raise DontCloseSpider  # work is queued, or others may still add some


class SharedHostHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, holding CONCURRENT_REQUESTS_PER_DOMAIN and the download delay
    per host across every process of the crawl: a transfer starts only with a lease from
    Redis (fewer than the limit out, and the delay since the host's last start, whoever
    made it) and gives it back when it ends. The wait happens here, right before the wire,
    after Scrapy's own per-process queueing, so what is held is what the site sees. A
    process that dies leaves leases that expire after DOWNLOAD_TIMEOUT + 30 s."""

    lazy = False

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        settings = crawler.settings
        self.crawler = crawler
        self.limit = max(1, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        self.delay = settings.getfloat("DOWNLOAD_DELAY")
        self.ttl = settings.getfloat("DOWNLOAD_TIMEOUT") + 30.0
        self.prefix = settings.get("AIDCORPUS_REDIS_PREFIX", "aidcorpus")
        self.server = get_redis_from_settings(settings)
        self.acquire = self.server.register_script(_ACQUIRE)

    def _delay(self, slot: str) -> float:
        # AutoThrottle raises a slot's delay from latencies: honour it across processes too.
        engine = self.crawler.engine
        found = engine.downloader.slots.get(slot) if engine is not None else None
        return max(self.delay, getattr(found, "delay", 0.0) or 0.0)

    def _keys(self, host: str) -> list[str]:
        return [f"{self.prefix}:host:{host}:leases", f"{self.prefix}:host:{host}:next"]

    async def download_request(self, request: Request) -> Any:
        from twisted.internet import reactor  # the one Scrapy installed, not a default

        host = (urlsplit(request.url).hostname or "").lower()
        slot = request.meta.get("download_slot") or host
        token = uuid.uuid4().hex
        while True:
            args = [token, self.limit, self._delay(slot), self.ttl]
            wait = float(self.acquire(keys=self._keys(host), args=args))
            if wait <= 0:
                break
            await maybe_deferred_to_future(task.deferLater(reactor, min(wait, 0.5), _none))
        try:
            return await super().download_request(request)
        finally:
            self.server.zrem(self._keys(host)[0], token)


def _none() -> None:
    return None


def settings_for(redis_url: str, prefix: str) -> dict[str, Any]:
    """The Scrapy settings of a crawl sharing its frontier in Redis at `redis_url`."""
    from crawler import settings as defaults

    handlers = dict(getattr(defaults, "DOWNLOAD_HANDLERS", {}))
    handlers.update(dict.fromkeys(("http", "https"), "crawler.shared.SharedHostHandler"))
    return {
        "REDIS_URL": redis_url,
        "AIDCORPUS_REDIS_PREFIX": prefix,
        "SCHEDULER": "crawler.shared.SharedScheduler",
        "DUPEFILTER_CLASS": "crawler.shared.SharedDupeFilter",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        # Rounds are ours (above): a process that ends must not wipe what others read.
        "SCHEDULER_PERSIST": True,
        "DOWNLOAD_HANDLERS": handlers,
    }
