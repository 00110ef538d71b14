"""The worker pool: a time limit per request and a bounded queue."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from overflight.web.errors import ApiError
from overflight.web.limits import Limits, Workers


def test_a_request_over_the_limit_answers_504_at_the_limit() -> None:
    workers = Workers(Limits(time_limit_s=0.2, workers=1, queue=2))
    release = threading.Event()

    async def ask() -> None:
        await workers.run(lambda: release.wait(5.0))

    t0 = time.monotonic()
    with pytest.raises(ApiError) as caught:
        asyncio.run(ask())
    assert 0.15 < time.monotonic() - t0 < 1.0
    assert caught.value.status == 504
    assert caught.value.body.error == "timeout"
    release.set()
    workers.shutdown()


def test_a_full_queue_answers_503_at_once_and_frees_when_work_ends() -> None:
    workers = Workers(Limits(time_limit_s=5.0, workers=1, queue=2))
    release = threading.Event()
    running = [workers.submit(lambda: release.wait(5.0)) for _ in range(2)]
    with pytest.raises(ApiError) as caught:
        workers.submit(lambda: None)
    assert caught.value.status == 503
    assert caught.value.headers == {"Retry-After": "5"}
    release.set()
    for future in running:
        future.result(5.0)
    # A slot frees when the work's done-callback has run, just after its result is set.
    deadline = time.monotonic() + 2.0
    while True:
        try:
            assert workers.submit(lambda: 42).result(5.0) == 42
            break
        except ApiError:
            assert time.monotonic() < deadline, "the queue never freed"
            time.sleep(0.01)
    workers.shutdown()


def test_limits_refuse_a_pool_that_cannot_run() -> None:
    with pytest.raises(ValueError, match="workers"):
        Limits(workers=0)
