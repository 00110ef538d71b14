"""The one error hierarchy of overflight.

Every failure the library reports is an :class:`OverflightError`. Leaves that
describe bad input are also :class:`ValueError` (or :class:`LookupError`), so
callers that do not know overflight can still catch them::

    OverflightError
    ├── InputError (ValueError)
    │   ├── UnknownAirportError (LookupError)
    │   ├── UnknownStateError (LookupError)
    │   ├── CoordinateError
    │   └── DeniedEndpointError
    ├── NoRouteError
    └── VerificationError (RuntimeError)

Messages name the bad value and say what would be accepted.
"""

from __future__ import annotations

__all__ = [
    "CoordinateError",
    "DeniedEndpointError",
    "InputError",
    "NoRouteError",
    "OverflightError",
    "UnknownAirportError",
    "UnknownStateError",
    "VerificationError",
]


class OverflightError(Exception):
    """Root of every error raised by overflight."""


class InputError(OverflightError, ValueError):
    """A value given by the user is not acceptable."""


class UnknownAirportError(InputError, LookupError):
    """An airport code or identifier that no table holds."""

    def __init__(self, code: str, suggestions: tuple[str, ...] = ()) -> None:
        self.code = code
        self.suggestions = suggestions
        hint = f"; closest matches: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(
            f"unknown airport {code!r}: give an ICAO code (4 letters), an IATA code "
            f"(3 letters), a listed airfield identifier or 'lat,lon'{hint}"
        )


class UnknownStateError(InputError, LookupError):
    """A state code that is not an ISO 3166-1 code present in the shipped data."""

    def __init__(self, code: str, suggestions: tuple[str, ...] = ()) -> None:
        self.code = code
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown state code {code!r}: give an ISO 3166-1 alpha-2 (e.g. RU) or "
            f"alpha-3 (e.g. RUS) code of a state in the shipped data{hint}"
        )


class CoordinateError(InputError):
    """A latitude or longitude outside its range, or unparseable."""


class DeniedEndpointError(InputError):
    """The origin or destination lies inside airspace the user denied."""

    def __init__(self, role: str, place: str, states: tuple[str, ...]) -> None:
        self.role = role
        self.place = place
        self.states = states
        super().__init__(
            f"the {role} {place} lies inside the airspace of {', '.join(states)}, which is "
            f"denied; the departure and arrival states must be allowed"
        )


class NoRouteError(OverflightError):
    """No legal route exists between the origin and the destination."""

    def __init__(self, reason: str, *, states: tuple[str, ...] = ()) -> None:
        self.reason = reason
        self.states = states
        super().__init__(f"no route possible: {reason}")


class VerificationError(OverflightError, RuntimeError):
    """A planned route failed the independent check; this is a bug in overflight."""
