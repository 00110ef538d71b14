"""Bounds that keep any one request from holding the server.

Planning is CPU-bound and synchronous, so it runs on small pools of worker threads, off the
event loop that answers every other request: routes without an aircraft on a lane of their
own, everything else (fuel stops, comparisons, chokepoints, tracks, timelines) on another, so
that a long computation never holds up the routes. Planning threads of one process share its
interpreter lock: two routes planned at once on two threads take as long as one after the
other and more processor time than that (the lock passed to and fro), so the route lane has a
single thread and the server's processes, one per core, are what plans routes in parallel.

A request waits for its answer at most :attr:`Limits.time_limit_s` (504 after that); a Python
thread cannot be stopped, so a computation over the limit finishes in the background and keeps
its place in the queue until then. When :attr:`Limits.queue` computations are already waiting or
running in a lane, a new one is refused at once with 503 rather than queued without end.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from overflight.web.errors import ApiError

__all__ = ["Limits", "Workers"]

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """What one request may ask for, and how long it may take."""

    #: Seconds a planning request may take before it is answered with 504.
    time_limit_s: float = 60.0
    #: Computations other than routes run at once (fuel stops, comparisons, chokepoints...).
    workers: int = 2
    #: Routes without an aircraft planned at once, on a lane of their own.
    route_workers: int = 1
    #: Planning computations waiting or running (abandoned ones included) before 503: enough
    #: for a few busy clients, bounded so that a flood is refused rather than queued for ever.
    queue: int = 32
    #: States in one deny (or allow) list.
    max_states: int = 60
    #: Cases in one comparison.
    max_cases: int = 6
    #: Fuel stops in one plan.
    max_stops: int = 5
    #: Largest set of refusals a chokepoint search may try.
    max_set_size: int = 3
    #: Longest cut-set search a chokepoint request may ask for.
    max_budget_s: float = 20.0
    #: Planned answers kept per worker process for requests asked again (0: none), and
    #: their bytes at most (a route's answer is 2-20 kB).
    answers: int = 2048
    answer_bytes: int = 32 * 2**20
    #: Characters in the query string.
    max_query_chars: int = 4096
    #: Bytes in a request body (only POST /api/track reads one; this bounds what a client
    #: may send elsewhere).
    max_body_bytes: int = 16 * 1024
    #: Bytes in a track uploaded to POST /api/track: the largest track file the command line
    #: reads (``overflight.analysis.track.MAX_FILE_BYTES``), and a little for the multipart
    #: envelope.
    max_upload_bytes: int = 20_000_000 + 64 * 1024

    def __post_init__(self) -> None:
        lanes = (self.workers, self.route_workers)
        if not self.time_limit_s > 0 or min(lanes) < 1 or self.queue < max(lanes):
            raise ValueError(
                "time_limit_s must be > 0, workers and route_workers >= 1 and queue >= both, "
                f"got {self!r}"
            )


class Workers:
    """A bounded pool of planning threads with a time limit per request.

    ``threads`` of them (default ``limits.workers``), named ``name``; at most ``limits.queue``
    computations waiting or running in this pool.
    """

    def __init__(
        self, limits: Limits, *, threads: int | None = None, name: str = "overflight-plan"
    ) -> None:
        self._limits = limits
        self._pool = ThreadPoolExecutor(threads or limits.workers, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._pending = 0

    def _done(self, _: Future[Any]) -> None:
        with self._lock:
            self._pending -= 1

    def submit(self, fn: Callable[[], T]) -> Future[T]:
        """Queue ``fn`` on a worker, or raise a 503 :class:`ApiError` when the queue is full."""
        with self._lock:
            if self._pending >= self._limits.queue:
                raise ApiError(
                    503,
                    "busy",
                    f"all {self._limits.queue} planning slots are taken; retry in a few seconds",
                    headers={"Retry-After": "5"},
                )
            self._pending += 1
        future = self._pool.submit(fn)
        future.add_done_callback(self._done)
        return future

    async def run(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on a worker and wait for it at most the time limit (else 504)."""
        return await self.wait(self.submit(fn))

    async def wait(self, future: Future[T], *, on_timeout: Callable[[], None] | None = None) -> T:
        """Wait for a submitted ``future`` at most the time limit (else 504).

        At the limit ``on_timeout`` runs, by default cancelling the future: one still waiting
        in the queue never starts. A future others wait for too must outlive one waiter.
        """
        limit = self._limits.time_limit_s
        try:
            # Shielded: a timeout must not cancel the concurrent future after it started
            # (it cannot be stopped), only stop waiting for it.
            return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), limit)
        except TimeoutError:
            if on_timeout is None:
                future.cancel()
            else:
                on_timeout()
            raise ApiError(
                504,
                "timeout",
                f"planning took longer than the server's limit of {limit:g} s; ask for less "
                f"(fewer cases, a smaller max_set_size or budget_s) or retry: the graph for a "
                f"new denied set is cached once built",
            ) from None

    def shutdown(self) -> None:
        """Drop queued work; running computations finish in their threads."""
        self._pool.shutdown(wait=False, cancel_futures=True)
