"""An ordered, bounded parallel map for ingest: jobs run in worker processes, results come
back in input order, so the one writer downstream sees exactly the serial sequence.

Events flow through in order; `job_of(event)` (called in the parent, in order, when the
event is taken) says whether it needs work. A source that waits for input (files still
being written) yields IDLE instead of blocking, so finished results are handed on meanwhile.
Jobs travel in small chunks and only a bounded window of chunks (and bytes) is in flight,
so memory does not grow with the input.
A worker that dies (killed, out of memory, a crash in a C library) breaks the pool: the
jobs that were in flight run again one at a time on a fresh pool, and a job that kills
its worker when it runs alone is returned as `Crashed` instead of a result.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

E = TypeVar("E")  # an event: anything the caller wants back, in order
J = TypeVar("J")  # a job: what a worker receives
R = TypeVar("R")  # its result

IDLE = object()  # an event meaning "nothing to read yet": the source is waiting for files
IDLE_WAIT = 0.25  # seconds between looks at an idle source
CHUNK_JOBS = 4  # jobs per chunk: a page takes ~20 ms, a round trip ~0.2 ms
CHUNK_EVENTS = 64  # events per chunk, jobs or not (a WARC of 404s must not pile up)
CHUNK_BYTES = 2 << 20
WINDOW_CHUNKS = 4  # chunks in flight per worker
WINDOW_BYTES = 64 << 20  # job bytes in flight (pages are up to 8 MiB each)


@dataclass(frozen=True, slots=True)
class Crashed:
    """A job whose worker died twice: once with others in flight, then with it alone."""

    detail: str


def default_workers() -> int:
    """The CPUs this process may run on (cgroup/affinity aware where the OS says)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(slots=True)
class _Chunk(Generic[E, J, R]):
    events: list[E] = field(default_factory=list)
    jobs: list[J] = field(default_factory=list)
    has_job: list[bool] = field(default_factory=list)
    size: int = 0
    future: Future | None = None

    def full(self) -> bool:
        return (
            len(self.jobs) >= CHUNK_JOBS
            or len(self.events) >= CHUNK_EVENTS
            or self.size >= CHUNK_BYTES
        )


class OrderedPool(Generic[J, R]):
    """`map` events to (event, result or None) in order; `workers` <= 1 runs jobs inline
    (no processes), the serial path, which gives exactly the same results."""

    def __init__(
        self,
        func: Callable[[J], R],
        workers: int,
        size_of: Callable[[J], int] = len,
        warm: Callable[[], object] | None = None,
    ) -> None:
        """`warm`: run once in this process before the workers fork, so what the first
        job initialises (dictionaries, parsers, caches) is done once, not in every worker."""
        self.func = func
        self.warm = warm
        self.workers = max(1, workers)
        self.size_of = size_of
        self.crashes = 0  # times a worker died
        self._executor: ProcessPoolExecutor | None = None
        self._pending: deque[_Chunk] = deque()  # chunks submitted, in input order

    def map(
        self, events: Iterable[E], job_of: Callable[[E], J | None]
    ) -> Iterator[tuple[E, R | Crashed | None]]:
        """(event, result) in input order; (IDLE, None) when the source is waiting and
        every result so far has been handed on."""
        if self.workers == 1:
            for event in events:
                if event is IDLE:
                    yield IDLE, None
                    time.sleep(IDLE_WAIT)
                    continue
                job = job_of(event)
                yield event, (None if job is None else self.func(job))
            return
        source = iter(events)
        self._pending = pending = deque()
        current: _Chunk = _Chunk()
        exhausted = False
        in_flight = 0
        while True:
            idle = False
            # Top the window up, unless chunks of a broken pool wait to run alone.
            while (
                not exhausted
                and not _isolating(pending)
                and (len(pending) < WINDOW_CHUNKS * self.workers and in_flight < WINDOW_BYTES)
            ):
                try:
                    event = next(source)
                except StopIteration:
                    exhausted = True
                    break
                if event is IDLE:
                    idle = True
                    break
                job = job_of(event)
                current.events.append(event)
                current.has_job.append(job is not None)
                if job is not None:
                    current.jobs.append(job)
                    current.size += self.size_of(job)
                if current.full():
                    in_flight += self._submit(current)
                    current = _Chunk()
            if (exhausted or idle) and current.events:
                in_flight += self._submit(current)
                current = _Chunk()
            if not pending:
                if exhausted:
                    return
                if idle:
                    yield IDLE, None  # all handed on: the consumer may commit
                    time.sleep(IDLE_WAIT)
                continue
            head = pending[0].future
            if idle and head is not None and not head.done():
                # Nothing new to read: hand back what is done, else ask the source again.
                wait([head], timeout=IDLE_WAIT)
                if not head.done():
                    continue
            chunk = pending.popleft()
            in_flight -= chunk.size
            results = iter(self._collect(chunk))
            for event, has_job in zip(chunk.events, chunk.has_job, strict=True):
                yield event, (next(results) if has_job else None)

    def close(self) -> None:
        if self._executor is not None:
            # Queued chunks are dropped; a worker finishes the page it is on, then exits.
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> OrderedPool[J, R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------
    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            if self.warm is not None:
                self.warm()
                self.warm = None
            # fork: workers start in milliseconds with extract and dedup already imported.
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=(os.getpid(),),
            )
        return self._executor

    def _submit(self, chunk: _Chunk) -> int:
        if chunk.jobs and not _isolating(self._pending):
            try:
                chunk.future = self._pool().submit(_run, self.func, chunk.jobs)
            except BrokenProcessPool:  # a worker died while idle
                self._broken()
        self._pending.append(chunk)
        return chunk.size

    def _collect(self, chunk: _Chunk) -> list[R | Crashed]:
        if not chunk.jobs:
            return []
        if chunk.future is not None:
            try:
                return chunk.future.result()
            except BrokenProcessPool:
                self._broken()
        return [self._alone(job) for job in chunk.jobs]

    def _alone(self, job: J) -> R | Crashed:
        """Run one job with nothing else in flight, so a second death is its own."""
        try:
            future = self._pool().submit(_run, self.func, [job])
        except BrokenProcessPool:  # a worker died while idle: not this job's doing
            self._broken()
            future = self._pool().submit(_run, self.func, [job])
        try:
            return future.result()[0]
        except BrokenProcessPool as exc:
            self._broken()
            return Crashed(f"the worker process died twice on this page ({exc})"[:300])

    def _broken(self) -> None:
        """Replace a pool a worker died in; chunks that were in flight run again alone."""
        self.crashes += 1
        log.warning("an ingest worker process died; its pages run again one at a time")
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
        for chunk in self._pending:
            future = chunk.future
            if future is not None and (
                not future.done() or future.cancelled() or future.exception() is not None
            ):
                chunk.future = None


def _isolating(pending: deque[_Chunk]) -> bool:
    return any(c.jobs and c.future is None for c in pending)


def _run(func: Callable[[J], R], jobs: list[J]) -> list[R]:
    return [func(job) for job in jobs]


def _init_worker(parent: int) -> None:
    # Ctrl-C goes to the whole process group: the parent handles it, workers finish.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        # A SIGKILLed parent must not leave workers behind.
        libc: Any = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
