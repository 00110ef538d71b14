"""Planned answers kept by request, so that a request asked again is answered at once.

A route's or a comparison's answer is a function of its path and query string and of the day
only (a request without a date is resolved for today; the shipped data never changes while
the server runs), so it is planned and encoded once and its bytes are sent again to whoever
asks the same (:class:`KeptAnswers`, before any routing or parsing); so is a chokepoint
report whose search completed within its budget. The keeper is shared by the event loop and
the planning threads (one lock), bounded by count and by bytes (the least recently asked go
first), and a request asked while the same one is being planned waits for that computation
instead of starting another. Failures are not kept, nor an answer its computation marks as
not to keep (:class:`Computed`): such a request is computed again when asked again.

>>> answers = Answers(max_entries=2, max_bytes=1_000)
>>> answers.put(("route", 1), b"{}")
>>> answers.get(("route", 1)), answers.get(("route", 2))
(b'{}', None)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import NamedTuple

from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from overflight.web.limits import Workers

__all__ = ["Answers", "Computed", "KeptAnswers", "answer_key", "json_answer"]


def answer_key(scope: Scope) -> Hashable:
    """What a kept answer depends on: the path, the query string as sent, and the day.

    The query string as sent, not the values parsed from it: the same bytes parse to the
    same values, and a request asked again is found before anything is parsed. The day,
    because a request without a date is resolved for that day's rules.
    """
    return (scope["path"], scope["query_string"], dt.date.today())


def json_answer(body: bytes) -> Response:
    """The response of an encoded JSON answer, kept or just computed alike."""
    return Response(body, media_type="application/json")


class Computed(NamedTuple):
    """An encoded answer and whether it may be sent again to the next who asks the same."""

    body: bytes
    keep: bool = True


@dataclass(eq=False)
class _Planning:
    """A computation under way and how many requests wait for it."""

    future: Future[Computed]
    waiters: int = 0


class Answers:
    """Encoded answers by request key: bounded, thread-safe, each computed once at a time."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        if max_entries < 0 or max_bytes < 0:
            raise ValueError(
                f"max_entries and max_bytes must be >= 0 (0 keeps nothing), got "
                f"{max_entries} and {max_bytes}"
            )
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._planning: dict[Hashable, _Planning] = {}

    def __len__(self) -> int:
        return len(self._kept)

    @property
    def size_bytes(self) -> int:
        """Bytes of the answers kept."""
        return self._bytes

    def get(self, key: Hashable) -> bytes | None:
        """The answer kept for ``key`` (now the most recently asked), or None."""
        with self._lock:
            return self._recalled(key)

    def _recalled(self, key: Hashable) -> bytes | None:
        """:meth:`get`, the lock held."""
        body = self._kept.get(key)
        if body is not None:
            self._kept.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        """Keep ``body`` for ``key``, dropping the least recently asked answers over the bounds.

        An answer larger than an eighth of the byte bound is not kept: one huge answer must
        not push out every other.
        """
        with self._lock:
            self._keep(key, body)

    def _keep(self, key: Hashable, body: bytes) -> None:
        """:meth:`put`, the lock held."""
        if len(body) > self.max_bytes // 8 or self.max_entries == 0:
            return
        old = self._kept.pop(key, None)
        self._bytes += len(body) - (len(old) if old is not None else 0)
        self._kept[key] = body
        while len(self._kept) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= len(dropped)

    async def answer(
        self, key: Hashable, compute: Callable[[], Computed], workers: Workers
    ) -> bytes:
        """The answer for ``key``: kept, else that of the computation under way, else computed.

        Computed on ``workers``: a 503 when they are full, a 504 past their time limit.
        """
        with self._lock:
            body = self._recalled(key)
            if body is not None:
                return body
            planning = self._planning.get(key)
            if planning is None:
                planning = _Planning(workers.submit(compute))
                self._planning[key] = planning
                fresh = True
            else:
                fresh = False
            planning.waiters += 1
        if fresh:
            planning.future.add_done_callback(lambda done: self._settle(key, planning, done))
        try:
            computed = await workers.wait(
                planning.future, on_timeout=lambda: self._leave(key, planning)
            )
            return computed.body
        finally:
            with self._lock:
                planning.waiters -= 1

    def _leave(self, key: Hashable, planning: _Planning) -> None:
        """A waiter gave up: the computation is cancelled (if not started) when none is left."""
        with self._lock:
            if planning.waiters > 1:
                return
            if self._planning.get(key) is planning:
                del self._planning[key]
        planning.future.cancel()

    def _settle(self, key: Hashable, planning: _Planning, done: Future[Computed]) -> None:
        # Kept and no longer under way in one step, so that no request finds it in neither.
        with self._lock:
            if self._planning.get(key) is planning:
                del self._planning[key]
            if not done.cancelled() and done.exception() is None and done.result().keep:
                self._keep(key, done.result().body)


class KeptAnswers:
    """Answer a GET of one of ``paths`` from ``answers`` when its answer is kept.

    In front of the routes, so that such a request costs a lookup rather than the parsing
    and validation of its parameters; every other request passes through.
    """

    def __init__(self, app: ASGIApp, answers: Answers, paths: Iterable[str]) -> None:
        self.app = app
        self.answers = answers
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Send the kept answer, or pass the request on."""
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] in self.paths:
            body = self.answers.get(answer_key(scope))
            if body is not None:
                await json_answer(body)(scope, receive, send)
                return
        await self.app(scope, receive, send)
