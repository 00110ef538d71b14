"""A valid route request answered without FastAPI's parsing: the same bytes, the same errors."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from overflight.web.api import QuickRoute, api_router
from overflight.web.errors import install_error_handlers
from overflight.web.limits import Limits, Workers

_ROUTE = "origin=UUMU&destination=OSLK"

#: (query string, whether it is valid as the query model reads it).
_QUERIES = (
    (f"{_ROUTE}&deny=BG,GR,TR", True),
    (f"{_ROUTE}&deny=BG&deny=GR,TR&margin_nm=2.5&speed_kt=480&flight_level=350", True),
    (f"{_ROUTE}&deny=BG,GR,TR&strict=yes&month=9", True),
    (f"{_ROUTE}&scenario=Syria-2015", True),
    (f"{_ROUTE}&operator=RU&date=2015-09-30&category=state_military", True),
    # Repeated, a scalar parameter counts once, the last given (as FastAPI reads it).
    (f"origin=EFHK&{_ROUTE}&deny=BG,GR,TR", True),
    (f"{_ROUTE}&deny=", True),
    # Valid for the model, refused by the endpoint: the same error either way.
    ("origin=ZZZZ&destination=OSLK", True),
    (f"{_ROUTE}&deny=XX", True),
    (f"{_ROUTE}&scenario=nowhere", True),
    (f"{_ROUTE}&allow=TR", True),
    # Refused by the model, or not declared: FastAPI answers.
    ("destination=OSLK", False),
    (f"{_ROUTE}&margin_nm=wide", False),
    (f"{_ROUTE}&margin_nm=nan", False),
    (f"{_ROUTE}&denied=TR", False),
    (f"{_ROUTE}&category=pirate", False),
    ("", False),
)


@pytest.fixture(scope="module")
def apps() -> tuple[FastAPI, QuickRoute, list[bytes]]:
    """The API as FastAPI alone serves it, and QuickRoute in front of it (what it passed on)."""
    limits = Limits()
    plain = FastAPI()
    install_error_handlers(plain)
    router = api_router(limits, Workers(limits), routes=Workers(limits, threads=1))
    plain.include_router(router, prefix="/api")
    passed: list[bytes] = []

    async def fastapi_alone(scope: Scope, receive: Receive, send: Send) -> None:
        passed.append(scope["query_string"])
        await plain(scope, receive, send)

    return plain, QuickRoute(fastapi_alone, router=router, prefix="/api"), passed


def test_a_quick_route_answers_the_bytes_fastapi_answers_and_passes_on_what_it_refuses(
    apps: tuple[FastAPI, QuickRoute, list[bytes]],
) -> None:
    plain, quick, passed = apps

    async def ask(app: object, query: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as c:
            return await c.get(f"/api/route?{query}")

    statuses = []
    for query, valid in _QUERIES:
        before = len(passed)
        reference = asyncio.run(ask(plain, query))
        answer = asyncio.run(ask(quick, query))
        assert (answer.status_code, answer.content) == (reference.status_code, reference.content)
        assert answer.headers == reference.headers
        assert (len(passed) == before) is valid, query
        statuses.append(answer.status_code)
    assert statuses[:7] == [200] * 7  # planned routes, not only errors
    assert 200 not in statuses[7:]
