"""Planned answers kept by request: bounds, threads, one computation per request, the app."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from overflight.analysis.chokepoints import request_chokepoints
from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.web.answers import Answers, Computed
from overflight.web.app import create_app
from overflight.web.errors import ApiError
from overflight.web.limits import Limits, Workers


def test_answers_keep_their_count_and_bytes_dropping_the_least_recently_asked() -> None:
    answers = Answers(max_entries=3, max_bytes=800)
    for key in "abc":
        answers.put(key, key.encode() * 10)
    assert answers.get("a") == b"a" * 10  # now the most recently asked
    answers.put("d", b"d" * 10)
    assert [answers.get(k) is not None for k in "abcd"] == [True, False, True, True]
    assert len(answers) == 3
    by_bytes = Answers(max_entries=100, max_bytes=800)
    for n in range(9):
        by_bytes.put(n, bytes(100))
    assert (len(by_bytes), by_bytes.size_bytes, by_bytes.get(0)) == (8, 800, None)
    by_bytes.put("huge", bytes(101))  # over an eighth of the byte bound: never kept
    assert by_bytes.get("huge") is None
    assert by_bytes.get(1) is not None
    assert Answers(max_entries=0, max_bytes=800).get("x") is None
    with pytest.raises(ValueError, match="max_entries"):
        Answers(max_entries=-1, max_bytes=0)


def test_answers_shared_by_threads_stay_within_their_bounds_and_count_their_bytes() -> None:
    answers = Answers(max_entries=50, max_bytes=8_000)
    keys = [f"k{n}" for n in range(200)]

    def churn(seed: int) -> None:
        for n in range(2_000):
            key = keys[(seed * 7919 + n * 31) % len(keys)]
            if n % 3:
                answers.put(key, key.encode() * (1 + n % 9))
            else:
                answers.get(key)

    threads = [threading.Thread(target=churn, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kept = [body for key in keys if (body := answers.get(key)) is not None]
    assert len(kept) == len(answers) <= 50
    assert answers.size_bytes == sum(map(len, kept)) <= 8_000


def test_a_request_asked_while_it_is_planned_waits_for_that_computation() -> None:
    workers = Workers(Limits(time_limit_s=10.0, workers=2, queue=4))
    answers = Answers(max_entries=10, max_bytes=10_000)
    release = threading.Event()
    calls: list[int] = []

    def compute() -> Computed:
        calls.append(1)
        release.wait(5.0)
        return Computed(b'{"route":1}')

    async def ask_eight() -> list[bytes]:
        asked = [asyncio.ensure_future(answers.answer("k", compute, workers)) for _ in range(8)]
        await asyncio.sleep(0.2)
        release.set()
        return list(await asyncio.gather(*asked))

    # Eight at once would also overflow a queue of 4 if each were computed.
    assert asyncio.run(ask_eight()) == [b'{"route":1}'] * 8
    assert len(calls) == 1
    assert answers.get("k") == b'{"route":1}'
    workers.shutdown()


def test_a_failure_or_an_answer_not_to_keep_is_computed_again() -> None:
    workers = Workers(Limits(time_limit_s=10.0, workers=1, queue=2))
    answers = Answers(max_entries=10, max_bytes=10_000)
    calls: list[int] = []

    def refuse() -> Computed:
        calls.append(1)
        raise ApiError.bad_input("origin", "no such airport")

    for _ in range(2):
        with pytest.raises(ApiError):
            asyncio.run(answers.answer("bad", refuse, workers))
    assert len(calls) == 2

    def stopped_by_its_budget() -> Computed:
        calls.append(1)
        return Computed(b'{"complete":false}', keep=False)

    for _ in range(2):
        body = asyncio.run(answers.answer("partial", stopped_by_its_budget, workers))
        assert body == b'{"complete":false}'
    assert len(calls) == 4
    assert len(answers) == 0
    workers.shutdown()


def test_a_waiter_over_the_limit_leaves_the_computation_to_the_others() -> None:
    """The first to time out does not cancel what a later request still waits for; the last
    one does, so that a queued computation nobody waits for never starts."""
    workers = Workers(Limits(time_limit_s=1.0, workers=1, queue=4))
    answers = Answers(max_entries=10, max_bytes=10_000)
    busy, release = threading.Event(), threading.Event()
    workers.submit(lambda: busy.wait(10.0))  # the one planning thread is taken
    calls: list[str] = []

    def compute(name: str) -> Computed:
        calls.append(name)
        return Computed(name.encode())

    async def two_waiters() -> tuple[str, str]:
        async def ask(delay: float) -> str:
            await asyncio.sleep(delay)
            try:
                return (await answers.answer("k", lambda: compute("k"), workers)).decode()
            except ApiError as exc:
                return exc.body.error

        first = asyncio.ensure_future(ask(0.0))
        second = asyncio.ensure_future(ask(0.5))
        await asyncio.sleep(1.2)  # the first has timed out, the second waits until 1.5 s
        busy.set()
        return await first, await second

    assert asyncio.run(two_waiters()) == ("timeout", "k")
    assert calls == ["k"]

    busy.clear()
    workers.submit(lambda: busy.wait(10.0))

    async def alone() -> str:
        try:
            return (await answers.answer("j", lambda: compute("j"), workers)).decode()
        except ApiError as exc:
            return exc.body.error

    assert asyncio.run(alone()) == "timeout"
    busy.set()
    release.set()
    time.sleep(0.3)  # the thread is free: a computation left queued would have run by now
    assert calls == ["k"]
    assert answers.get("j") is None
    workers.shutdown()


@pytest.fixture
def busy_app() -> Iterator[FastAPI]:
    """An app with one planning thread in each lane and a time limit of 2 s."""
    app = create_app(Limits(time_limit_s=2.0, workers=1, queue=4))
    yield app
    app.state.workers.shutdown()
    app.state.routes.shutdown()


def test_a_route_asked_again_is_the_same_bytes_even_while_every_planning_thread_is_busy(
    busy_app: FastAPI,
) -> None:
    params = {"origin": "UUMU", "destination": "OSLK", "deny": "BG,GR,TR"}
    request = FlightRequest(origin="UUMU", destination="OSLK", deny=("BG,GR,TR",))
    # The graphs built outside the time limit: the route's, and those the ranking re-plans on.
    plan = plan_request(request)
    request_chokepoints(request, max_set_size=0)

    complete: dict[str, str | int] = {**params, "max_set_size": 0}  # ranking only: completes

    async def ask() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=busy_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            first = await c.get("/api/route", params=params)
            report = await c.get("/api/chokepoints", params=complete)
            release = threading.Event()
            for lane in (busy_app.state.workers, busy_app.state.routes):
                lane.submit(lambda: release.wait(10.0))
            try:
                again = await c.get("/api/route", params=params)
                other = await c.get("/api/route", params={**params, "margin_nm": 1.5})
                report_again = await c.get("/api/chokepoints", params=complete)
            finally:
                release.set()
            return [first, again, other, report, report_again]

    first, again, other, report, report_again = asyncio.run(ask())
    assert first.status_code == again.status_code == 200
    assert first.content == again.content == JSONResponse(plan.to_dict()).body
    assert first.headers["content-type"] == "application/json"
    assert again.headers == first.headers  # the page's security headers on a kept answer too
    # A request not asked before still needs the busy thread.
    assert other.status_code == 504
    assert report.status_code == 200, report.text
    assert report.json()["complete"] is True
    assert report_again.status_code == 200
    assert report_again.content == report.content
    assert len(busy_app.state.answers) == 2


def test_a_route_is_planned_while_long_computations_hold_every_other_planning_thread(
    busy_app: FastAPI,
) -> None:
    """Routes have a lane of their own: fuel stops and chokepoints never hold them up."""
    route = {"origin": "UUMU", "destination": "OSLK", "deny": "BG,GR,TR"}
    plan_request(FlightRequest(origin="UUMU", destination="OSLK", deny=("BG,GR,TR",)))

    async def ask() -> tuple[httpx.Response, httpx.Response, set[str]]:
        transport = httpx.ASGITransport(app=busy_app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            release = threading.Event()
            busy_app.state.workers.submit(lambda: release.wait(10.0))
            try:
                planned = await c.get("/api/route", params=route)
                stops = await c.get("/api/route", params={**route, "aircraft": "A20N"})
            finally:
                release.set()
            lanes = {t.name.rsplit("_", 1)[0] for t in threading.enumerate()}
            return planned, stops, lanes

    planned, stops, lanes = asyncio.run(ask())
    assert planned.status_code == 200, planned.text
    assert planned.json()["origin"]["code"] == "UUMU"
    # A route with an aircraft may take seconds (fuel stops): it waits in the other lane.
    assert stops.status_code == 504
    assert stops.json()["error"] == "timeout"
    assert {"overflight-route", "overflight-plan"} <= lanes


def test_a_kept_answer_is_refused_to_a_foreign_host() -> None:
    """DNS rebinding: keeping an answer must not let another site's page read it."""
    app = create_app(Limits(time_limit_s=60.0), allowed_hosts=["127.0.0.1"])
    path = "/api/route?origin=UUMU&destination=OSLK&deny=BG,GR,TR"

    async def ask(host: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.get(path, headers={"Host": host})

    assert asyncio.run(ask("127.0.0.1")).status_code == 200
    assert len(app.state.answers) == 1
    foreign = asyncio.run(ask("evil.example"))
    assert foreign.status_code == 400
    assert foreign.json()["error"] == "bad_host"
    app.state.workers.shutdown()
