"""The one error hierarchy of overflight.

Every failure the library reports is an :class:`OverflightError`. Leaves that
describe bad input are also :class:`ValueError` (or :class:`LookupError`), so
callers that do not know overflight can still catch them::

    OverflightError
    ├── InputError (ValueError)
    │   ├── RequestError
    │   ├── UnknownAirportError (LookupError)
    │   ├── UnknownAirlineError (LookupError)
    │   ├── UnknownStateError (LookupError)
    │   ├── CoordinateError
    │   ├── DeniedEndpointError
    │   ├── InputFileError
    │   │   ├── ScenarioError
    │   │   └── AircraftFileError
    │   ├── UnknownScenarioError (LookupError)
    │   └── UnknownAircraftError (LookupError)
    ├── NoRouteError
    └── VerificationError (RuntimeError)

Messages name the bad value and say what would be accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "AircraftFileError",
    "CoordinateError",
    "DeniedEndpointError",
    "InputError",
    "InputFileError",
    "NoRouteError",
    "OverflightError",
    "RequestError",
    "ScenarioError",
    "UnknownAircraftError",
    "UnknownAirlineError",
    "UnknownAirportError",
    "UnknownScenarioError",
    "UnknownStateError",
    "VerificationError",
]


class OverflightError(Exception):
    """Root of every error raised by overflight."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from its message and attributes, not by calling __init__ again with the
        # message (which most leaves would read as a code or a reason): so that an error
        # raised in a worker process (the batch's, Dask's) reaches the caller as it was.
        return (_rebuilt, (type(self), self.args, self.__dict__))


def _rebuilt(
    kind: type[OverflightError], args: tuple[Any, ...], state: dict[str, Any]
) -> OverflightError:
    error = kind.__new__(kind, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class InputError(OverflightError, ValueError):
    """A value given by the user is not acceptable."""


class RequestError(InputError):
    """A field of a flight request outside what it accepts (a speed of 0, a margin of -3).

    >>> str(RequestError("margin_nm", -3.0, "out of range, give 0 to 200"))
    'margin_nm -3: out of range, give 0 to 200'
    >>> str(RequestError("margin_nm", -3.0, "out of range").spelled({"margin_nm": "--margin-nm"}))
    '--margin-nm -3: out of range'
    """

    def __init__(self, field: str, value: object, accepted: str, *, shown: str = "") -> None:
        #: The field, as the request names it (``margin_nm``).
        self.field = field
        self.value = value
        #: What is wrong and what would be accepted.
        self.accepted = accepted
        number = isinstance(value, float | int) and not isinstance(value, bool)
        text = f"{value:g}" if number else repr(value)
        super().__init__(f"{shown or field} {text}: {accepted}")

    def spelled(self, names: Mapping[str, str]) -> RequestError:
        """The same error, naming the field as the caller's user knows it (``--margin-nm``)."""
        return RequestError(
            self.field, self.value, self.accepted, shown=names.get(self.field, self.field)
        )


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


class UnknownAirlineError(InputError, LookupError):
    """An airline designator that the shipped airline table does not hold, or holds twice."""

    def __init__(self, code: str, problem: str = "", suggestions: tuple[str, ...] = ()) -> None:
        self.code = code
        self.suggestions = suggestions
        hint = f"; closest matches: {', '.join(suggestions)}" if suggestions else ""
        super().__init__(
            f"{problem or f'unknown airline {code!r}'}: give an ICAO three-letter designator "
            f"(e.g. FIN) or an IATA two-letter designator (e.g. AY) of an airline in the "
            f"shipped table{hint}"
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


class InputFileError(InputError):
    """A YAML or GeoJSON file given by the user that does not validate.

    The message starts ``file:line:column: field:`` like a compiler's, so that editors can jump
    to the spot; further problems found in the same file follow on their own lines.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        others: tuple[str, ...] = (),
    ) -> None:
        #: What is wrong, and what would be accepted.
        self.problem = problem
        #: The file, as the user named it.
        self.file = file
        #: 1-based line of the offending value, if known.
        self.line = line
        #: 1-based column of the offending value, if known.
        self.column = column
        #: Dotted path of the offending field (``rules[2].states[0]``), if any.
        self.field = field
        #: Further problems in the same file, each formatted like the first.
        self.others = others
        where = file
        if line is not None:
            where += f":{line}" + (f":{column}" if column is not None else "")
        head = f"{where}: {field}: {problem}" if field else f"{where}: {problem}"
        super().__init__("\n".join((head, *others)))


class ScenarioError(InputFileError):
    """A permission scenario file (or one it extends or names) that does not validate."""


class AircraftFileError(InputFileError):
    """An aircraft profiles file that does not validate."""


class UnknownScenarioError(InputError, LookupError):
    """A scenario name that is neither built in nor the path of a file."""

    def __init__(self, name: str, suggestions: tuple[str, ...] = ()) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown scenario {name!r}: give the name of a built-in scenario "
            f"(listed by `overflight scenarios`) or the path of a YAML file{hint}"
        )


class UnknownAircraftError(InputError, LookupError):
    """An aircraft type that no built-in or user profile describes."""

    def __init__(self, name: str, suggestions: tuple[str, ...] = ()) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(
            f"unknown aircraft {name!r}: give an ICAO type designator (e.g. B788) or a "
            f"profile name (e.g. 'Boeing 787-8'), or the path of a YAML profiles file{hint}"
        )


class NoRouteError(OverflightError):
    """No legal route exists between the origin and the destination."""

    def __init__(self, reason: str, *, states: tuple[str, ...] = ()) -> None:
        self.reason = reason
        self.states = states
        super().__init__(f"no route possible: {reason}")


class VerificationError(OverflightError, RuntimeError):
    """A planned route failed the independent check; this is a bug in overflight."""
