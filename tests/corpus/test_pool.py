"""corpus/pool.py: results in input order, bounded read-ahead, dead workers survived."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Iterator

import pytest

from corpus import pool
from corpus.pool import Crashed, OrderedPool


def slow_square(job: tuple[int, float]) -> int:
    number, pause = job
    time.sleep(pause)
    return number * number


def die_on_seven(job: tuple[int, float]) -> int:
    if job[0] == 7:
        os._exit(9)  # what a segfault in a C library looks like from outside
    return job[0] * job[0]


def pid_of(job: tuple[int, float]) -> int:
    time.sleep(job[1])
    return os.getpid()


def _job(event: int) -> tuple[int, float] | None:
    # Every third event needs no work: it must still come back in its place.
    return None if event % 3 == 0 else (event, random.Random(event).uniform(0, 0.01))


@pytest.mark.parametrize("workers", [1, 3])
def test_results_come_back_in_input_order(workers: int) -> None:
    with OrderedPool(slow_square, workers, size_of=lambda _: 1) as p:
        out = list(p.map(range(200), _job))
    assert [e for e, _ in out] == list(range(200))
    assert [r for _, r in out] == [None if e % 3 == 0 else e * e for e in range(200)]


def test_read_ahead_is_bounded() -> None:
    pulled = 0

    def events() -> Iterator[int]:
        nonlocal pulled
        for i in range(5000):
            pulled += 1
            yield i

    ahead = []
    with OrderedPool(slow_square, 2, size_of=lambda _: 1) as p:
        for done, (event, _) in enumerate(p.map(events(), lambda e: (e, 0.0))):
            ahead.append(pulled - done)
            assert event == done
    bound = pool.WINDOW_CHUNKS * 2 * pool.CHUNK_JOBS + pool.CHUNK_EVENTS
    assert max(ahead) <= bound
    assert max(ahead) > 2  # it does run ahead


def test_bytes_in_flight_are_bounded() -> None:
    size = 4 << 20  # 4 MiB jobs: the byte window, not the chunk count, must bind
    pulled = 0

    def events() -> Iterator[int]:
        nonlocal pulled
        for i in range(200):
            pulled += 1
            yield i

    with OrderedPool(slow_square, 2, size_of=lambda _: size) as p:
        for done, _ in enumerate(p.map(events(), lambda e: (e, 0.0))):
            assert (pulled - done) * size <= pool.WINDOW_BYTES + 2 * size


def test_a_job_that_kills_its_worker_comes_back_crashed_alone() -> None:
    with OrderedPool(die_on_seven, 2, size_of=lambda _: 1) as p:
        out = list(p.map(range(40), lambda e: (e, 0.0)))
        crashes = p.crashes
    assert [e for e, _ in out] == list(range(40))
    for event, result in out:
        if event == 7:
            assert isinstance(result, Crashed)
        else:
            assert result == event * event
    assert crashes == 2  # once among others, once alone


def test_a_worker_killed_from_outside_loses_nothing() -> None:
    import signal

    jobs = [(i, 0.02) for i in range(120)]
    with OrderedPool(pid_of, 2, size_of=lambda _: 1) as p:
        seen: list[int] = []
        for event, result in p.map(range(120), lambda e: jobs[e]):
            seen.append(event)
            if event == 10:
                os.kill(result, signal.SIGKILL)  # the worker that ran job 10
            assert isinstance(result, int) and result != os.getpid()
        assert p.crashes == 1
    assert seen == list(range(120))


def test_workers_one_runs_in_this_process() -> None:
    with OrderedPool(pid_of, 1) as p:
        assert {r for _, r in p.map(range(5), lambda e: (e, 0.0))} == {os.getpid()}
