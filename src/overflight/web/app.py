"""The app factory: the API under ``/api``, the map page at ``/``, OpenAPI at ``/openapi.json``.

>>> from overflight.web.app import create_app
>>> app = create_app()
>>> app.openapi()["paths"]["/api/route"]["get"]["summary"]
'Plan a route (JSON of `overflight route --format json`)'

Nothing on the page or in the API loads anything from another host: the interactive
documentation pages (``/docs``), which load their scripts from a CDN, are left out.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Iterable
from concurrent.futures import Future
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from overflight.web.answers import Answers, KeptAnswers
from overflight.web.api import QuickRoute, api_router
from overflight.web.assets import page_router
from overflight.web.errors import ApiError, install_error_handlers
from overflight.web.limits import Limits, Workers

__all__ = ["SERVE_SETTINGS_VARIABLE", "app_from_environment", "create_app"]

log = logging.getLogger("overflight.web")

#: The page's Content-Security-Policy: its own host only (MapLibre runs its worker from a blob).
_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; worker-src blob:; child-src blob:; "
    "style-src 'self' 'unsafe-inline'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


#: Environment variable through which `overflight serve` hands its settings to the worker
#: processes (JSON: time_limit_s, allowed_hosts).
SERVE_SETTINGS_VARIABLE = "OVERFLIGHT_SERVE_SETTINGS"


def _host_name(header: bytes) -> str:
    """The host of a Host header, without the port and brackets, in lower case."""
    text = header.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    return text.rsplit(":", 1)[0] if text.count(":") == 1 else text


class _BoundedRequests:
    """Refuse foreign hosts, long query strings and large bodies before any routing; headers.

    The Host check defeats DNS rebinding: a web page on another site whose name resolves to
    127.0.0.1 reaches this server with its own name in the Host header.
    """

    def __init__(self, app: ASGIApp, limits: Limits, allowed_hosts: frozenset[str] | None) -> None:
        self.app = app
        self.limits = limits
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refused = self._refusal(scope)
        if refused is not None:
            await refused.response()(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", _CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)

    def _refusal(self, scope: Scope) -> ApiError | None:
        if self.allowed_hosts is not None:
            host = dict(scope.get("headers", [])).get(b"host", b"")
            if _host_name(host) not in self.allowed_hosts:
                return ApiError(
                    400,
                    "bad_host",
                    f"this server answers for {', '.join(sorted(self.allowed_hosts))}, not for "
                    f"the host {host.decode('latin-1')!r}; use one of those names (or start "
                    f"the server with --allow-host)",
                    field="Host",
                )
        query = scope.get("query_string", b"")
        if len(query) > self.limits.max_query_chars:
            return ApiError(
                414,
                "too_large",
                f"the query string has {len(query)} characters: at most "
                f"{self.limits.max_query_chars} are accepted",
            )
        upload = scope.get("path") == "/api/track"
        most = self.limits.max_upload_bytes if upload else self.limits.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                size = int(value) if value.isdigit() else -1
                if not 0 <= size <= most:
                    return ApiError(
                        413,
                        "too_large",
                        f"a request body of {value.decode(errors='replace')!r} bytes: at most "
                        f"{most} are accepted"
                        + (" (a track file)" if upload else " (only /api/track reads a body)"),
                    )
        return None


def _warm() -> None:
    """Read the tables the first requests need, so that they answer at once."""
    from overflight.data.airports import search_airports
    from overflight.scenarios import list_scenarios
    from overflight.web.assets import states_geojson

    states_geojson()
    search_airports("warm")
    list_scenarios()


def _log_failure(future: Future[None]) -> None:
    error = None if future.cancelled() else future.exception()
    if error is not None:
        log.error("warming the data failed", exc_info=error)


def create_app(
    limits: Limits | None = None, *, allowed_hosts: Iterable[str] | None = None
) -> FastAPI:
    """A new app serving the API and the map page, bounded by ``limits``.

    With ``allowed_hosts``, requests whose Host header names another host are refused.
    """
    bounds = limits or Limits()
    workers = Workers(bounds)
    routes = Workers(bounds, threads=bounds.route_workers, name="overflight-route")
    answers = Answers(max_entries=bounds.answers, max_bytes=bounds.answer_bytes)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        workers.submit(_warm).add_done_callback(_log_failure)
        yield
        workers.shutdown()
        routes.shutdown()

    app = FastAPI(
        title="overflight",
        version=version("overflight"),
        summary="Plan flights around denied sovereign airspace.",
        description=(
            "Every error answers `{error, field, message, states}`: 400 bad input (`field` names "
            "the parameter, `message` what is accepted), 404 unknown path or scenario, 413/414 "
            "request too large, 422 no route possible (`states`: the refusals responsible), "
            "503 busy, 504 over the time limit "
            f"({bounds.time_limit_s:g} s), 500 internal (no detail is sent)."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Held by the app for whoever serves it (and for tests to look at).
    app.state.workers, app.state.routes, app.state.answers = workers, routes, answers
    api = api_router(bounds, workers, answers, routes=routes)
    app.include_router(api, prefix="/api")
    app.include_router(page_router())
    hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)
    # The last added runs first: the Host and size checks, the answers kept, valid routes.
    kept = (f"/api/{name}" for name in ("route", "compare", "chokepoints"))
    app.add_middleware(QuickRoute, router=api, prefix="/api")
    app.add_middleware(KeptAnswers, answers=answers, paths=kept)
    app.add_middleware(_BoundedRequests, limits=bounds, allowed_hosts=hosts)
    return app


def app_from_environment() -> FastAPI:
    """The app of one `overflight serve` worker process, with the settings the command set."""
    settings = json.loads(os.environ.get(SERVE_SETTINGS_VARIABLE, "{}"))
    hosts = settings.get("allowed_hosts")
    return create_app(
        Limits(time_limit_s=float(settings.get("time_limit_s", Limits.time_limit_s))),
        allowed_hosts=None if hosts is None else tuple(hosts),
    )
