"""Every Scrapy setting of the crawler and every default of our own, in one place; politeness
on by default. Our own: WARC_DIR, WARC_MAX_SIZE, WARC_GROW_FROM, WARC_FSYNC, WARC_BATCH_*,
CRAWL_STATE_PATH, AIDCORPUS_CONTACT_URL/MAX_BODY/ALLOW_LOCAL/SITES_DIR/BASE_URL/REFRESH_AFTER_DAYS,
RETRY_AFTER_MAX/DEFAULT, PROGRESS_INTERVAL (see each below). Nothing listens: telnet and
RemoteControl are off, and crawler/child.py keeps them off whatever a run config says."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    AIDCORPUS_VERSION = version("aidcorpus")
except PackageNotFoundError:  # running from a plain checkout
    AIDCORPUS_VERSION = "0.0.0"

BOT_NAME = "aidcorpus"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

AIDCORPUS_CONTACT_URL = "https://github.com/aidcorpus/aidcorpus"
# Truthful: who we are and where to complain. run.py rebuilds it if the contact URL changes.
USER_AGENT = f"aidcorpus/{AIDCORPUS_VERSION} (+{AIDCORPUS_CONTACT_URL})"

# --- politeness -------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# Scrapy starts one asyncio task per CONCURRENT_ITEMS slot for every response (the default
# 100 cost a third of the crawl's CPU). Our spiders yield only requests (records go to the
# spider's Archive, not through items), and scheduling a request is instant: one slot.
CONCURRENT_ITEMS = 1
# Scrapy re-parses a callback's source (ast) for every response to warn about
# `return value` in generators; our callbacks are checked by ruff and tests instead.
WARN_ON_GENERATOR_RETURN_VALUE = False
COOKIES_ENABLED = False
# Nothing listens: Scrapy 2.19's RemoteControl runs code sent to a localhost port and writes
# job files; the telnet console is a shell. Both off (LISTENING_EXTENSIONS, run.py forces it).
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
LISTENING_EXTENSIONS = (
    "scrapy.extensions.telnet.TelnetConsole",
    "scrapy.extensions.remote_control.RemoteControl",
)

# --- retries: bounded; 429/503 honour Retry-After (crawler.middlewares.RetryAfterMiddleware)
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_AFTER_MAX = 300.0  # seconds; a longer Retry-After gives the page up for this run
RETRY_AFTER_DEFAULT = 5.0  # seconds, for a 429/503 without a usable Retry-After

# --- limits at the edge -----------------------------------------------------------------
DOWNLOAD_TIMEOUT = 30
# extract drops pages over 8 MiB (extract.extractor.MAX_BYTES; a test keeps the two equal):
# archiving bigger ones would only fill the WARC files.
AIDCORPUS_MAX_BODY = 8 * 1024 * 1024  # our own check after decompression
DOWNLOAD_MAXSIZE = AIDCORPUS_MAX_BODY  # Scrapy cuts the transfer past this
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
# Link hops from a start page, checked by the spider's frontier before a link is noted, so a
# refused link is never re-queued by a later run (Scrapy's DepthMiddleware is off).
DEPTH_LIMIT = 100
AIDCORPUS_ALLOW_LOCAL = False  # set per crawl for local profiles: the address guard is off
AIDCORPUS_ALLOWED_ADDRESSES: list[str] = []  # non-public addresses/networks let through anyway
AIDCORPUS_SITES_DIR = ""  # `scrapy crawl portal -a site=NAME`: profiles (default built-in)
AIDCORPUS_BASE_URL = ""  # ... and the base URL of a local profile
AIDCORPUS_REFRESH_AFTER_DAYS = 0  # > 0 overrides every profile's refresh_after_days
# the topic gate ingest will apply (auto and on: gated; off: not), unless a profile's own
# topic_gate says: articles are counted kept / off-topic only where a gate is on
AIDCORPUS_TOPIC_GATE = "auto"
URLLENGTH_LIMIT = 1000
HTTPERROR_ALLOWED_CODES = [304]  # conditional requests: the spider records a 304

# --- components -------------------------------------------------------------------------
REQUEST_FINGERPRINTER_CLASS = "crawler.canon.CanonicalFingerprinter"
DOWNLOADER_MIDDLEWARES = {
    # before robots.txt: refuse before any I/O; it also does Scrapy's offsite check
    "crawler.middlewares.SafetyMiddleware": 50,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.RetryAfterMiddleware": 550,
    "crawler.middlewares.ContentGuardMiddleware": 960,  # after decompression (590)
    # Scrapy's redirect handling plus counted refusal of loops and over-long chains
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.RedirectGuardMiddleware": 600,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.middlewares.MetaRefreshGuardMiddleware": 580,
    # last before the wire: CONCURRENT_REQUESTS_PER_DOMAIN held even with no delay
    "crawler.middlewares.HostConcurrencyMiddleware": 990,
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,  # the frontier bounds depth
}
# Items (url, site, kind, WARC record id) are for feed exports; archiving is the spider's,
# and it yields items only when FEEDS or ITEM_PIPELINES (or this) asks for them.
ITEM_PIPELINES: dict[str, int] = {}
AIDCORPUS_YIELD_ITEMS = False
EXTENSIONS = {
    "crawler.progress.Progress": 500,
    "scrapy.extensions.logstats.LogStats": None,
    **dict.fromkeys(LISTENING_EXTENSIONS),
}
PROGRESS_INTERVAL = 60.0

WARC_DIR = "warc"
WARC_MAX_SIZE = 1024**3  # 1 GiB, the usual WARC rotation size
# > 0: files close at this size, then at the size of all before them (doubling) up to
# WARC_MAX_SIZE, so closed files can be ingested during the crawl (`aidcorpus run` sets it)
WARC_GROW_FROM = 0
WARC_FSYNC = False  # flush is enough against SIGKILL; fsync also survives power loss
# Records are flushed (and the crawl state committed) every N records or T seconds:
# a kill loses at most one batch, which the next run fetches again.
WARC_BATCH_RECORDS = 16
WARC_BATCH_SECONDS = 0.5
CRAWL_STATE_PATH = "crawl-state.sqlite"

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
