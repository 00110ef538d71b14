"""One JSON shape for every error the HTTP API answers, and the handlers that produce it.

Every 4xx and 5xx response has the body::

    {
      "error": str,          # the kind, see below
      "field": str | null,   # the query parameter at fault, when one is
      "message": str,        # names the bad value and says what is accepted
      "states": [str, ...]   # no_route only: the refusals responsible (else empty)
    }

==================  ======  ========================================================
``error``           status  meaning
==================  ======  ========================================================
``bad_input``       400     a parameter is missing, malformed, out of range or unknown
``bad_host``        400     the Host header names no address the server answers for
``not_found``       404     no such path, or no such scenario in the path
``method``          405     the path exists but not for this method
``too_large``       413/414 the request body or the query string is too long
``no_route``        422     the input is valid but no legal route exists
``timeout``         504     planning took longer than the server's time limit
``busy``            503     every planning worker is taken; retry later
``internal``        500     a bug: the detail is logged on the server, never sent
==================  ======  ========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from overflight.errors import InputError, NoRouteError

__all__ = ["ERROR_RESPONSES", "ApiError", "ErrorBody", "install_error_handlers"]


class ErrorBody(BaseModel):
    """The body of every error response."""

    error: str = Field(description="Kind of error: bad_input, no_route, timeout, ...")
    field: str | None = Field(description="The query parameter at fault, if one is.")
    message: str = Field(description="What is wrong and what would be accepted.")
    states: list[str] = Field(
        default_factory=list, description="For no_route: the refusals responsible."
    )


class ApiError(Exception):
    """An error answered as :class:`ErrorBody` with an HTTP status."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        field: str | None = None,
        states: tuple[str, ...] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(error=error, field=field, message=message, states=list(states))
        self.headers = headers

    @classmethod
    def bad_input(cls, field: str | None, message: str) -> ApiError:
        """A 400 for a bad value of ``field``."""
        return cls(400, "bad_input", message, field=field)

    @classmethod
    def from_library(cls, exc: InputError | NoRouteError, field: str | None = None) -> ApiError:
        """The answer for an error the library raised about the request."""
        if isinstance(exc, NoRouteError):
            return cls(422, "no_route", str(exc), field=field, states=exc.states)
        return cls.bad_input(field, str(exc))

    def response(self) -> JSONResponse:
        """The JSON response."""
        return JSONResponse(self.body.model_dump(), status_code=self.status, headers=self.headers)


#: Error responses as documented in OpenAPI for every API operation.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "Bad input: the field and what is accepted."},
    413: {"model": ErrorBody, "description": "The request body is too large."},
    414: {"model": ErrorBody, "description": "The query string is too long."},
    422: {"model": ErrorBody, "description": "No route possible, and why."},
    503: {"model": ErrorBody, "description": "Every planning worker is busy."},
    504: {"model": ErrorBody, "description": "Over the time limit."},
}

_HTTP_KINDS = {404: "not_found", 405: "method", 413: "too_large", 414: "too_large"}


def _field(loc: tuple[Any, ...]) -> str | None:
    """The parameter name in a validation error's location (``("query", "margin_nm")``)."""
    names = [str(part) for part in loc[1:] if not isinstance(part, int)]
    return names[0] if names else None


def _validation_message(field: str | None, detail: dict[str, Any]) -> str:
    name = field or "the request"
    if detail.get("type") == "missing":
        return f"{name} is required"
    value = detail.get("input")
    shown = repr(value) if value is not None and len(repr(value)) <= 80 else "the value given"
    return f"{name} {shown} is not accepted: {detail.get('msg', 'invalid value')}"


async def _on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = list(exc.errors())
    first: dict[str, Any] = dict(details[0]) if details else {}
    field = _field(tuple(first.get("loc", ())))
    return ApiError.bad_input(field, _validation_message(field, first)).response()


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_KINDS.get(exc.status_code, "bad_input" if exc.status_code < 500 else "internal")
    message = exc.detail if isinstance(exc.detail, str) else "request not accepted"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "GET")
        message = f"{request.method} is not accepted here: {request.url.path} answers {allowed}"
    if exc.status_code == 404:
        message = (
            f"no such path {request.url.path!r}: the API is under /api, its schema at /openapi.json"
        )
    return ApiError(exc.status_code, kind, message, headers=exc.headers).response()


async def _on_anything(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises the exception after this response, for the server to log it with
    # its traceback; the client gets no detail it could act on, and none it should see.
    return ApiError(
        500, "internal", "internal error in overflight; the server log has the detail"
    ).response()


def install_error_handlers(app: FastAPI) -> None:
    """Answer every error raised while handling a request in the one JSON shape."""
    app.add_exception_handler(ApiError, _on_api_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(Exception, _on_anything)
