"""One flight as a user asks for it: the request fields, declared once.

The command line maps its options onto a :class:`FlightRequest` in one function
(:func:`overflight.cli.options.flight_request`), the HTTP API derives its query model from the
fields (so `/openapi.json` documents them, with the same bounds, and an unknown parameter is
refused), and :func:`overflight.analysis.plan.plan_request` plans it. A new planning option is a
new field here. A plain frozen dataclass, so that a one-shot command does not load pydantic.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from overflight._config import (
    DEFAULT_FLIGHT_LEVEL,
    DEFAULT_GROUND_TIME_H,
    DEFAULT_MAX_STOPS,
    DISPUTED_POLICIES,
    FLIGHT_LEVEL_RANGE,
    GROUND_TIME_H_MAX,
    MARGIN_NM_MAX,
    MAX_STOPS,
    REGISTRY_FIRST_DAY,
    SPEED_KT_RANGE,
)
from overflight.errors import RequestError

if TYPE_CHECKING:
    from overflight.scenarios import BandedAirspace
else:
    # The scenarios load pydantic, which a plain route never needs; at run time any object
    # with ``.elements`` is taken as an airspace (get_type_hints reads this name).
    BandedAirspace = object

__all__ = ["OPTIMISE", "FlightRequest"]

#: What a route may minimise: its length, or its time in the month's wind.
OPTIMISE = ("distance", "time")

_PLACE = (
    "ICAO or IATA code (UUMU, LTK), airfield identifier from the shipped supplement "
    "(RU-0152), or 'lat,lon' in decimal degrees (33.9S,18.6E also works)"
)
_STATES = "ISO 3166-1 alpha-2 or alpha-3 codes, comma-separated and/or repeated"


def _about(
    text: str, *, bounds: tuple[float, float] | None = None, chars: int = 0, reported: bool = False
) -> Any:
    """Field metadata: its help, the bounds or length it accepts, whether plans report it.

    A reported field is one the figures depend on that the route does not already show.
    """
    return {"help": text, "bounds": bounds, "chars": chars, "reported": reported}


@dataclass(frozen=True, kw_only=True)
class FlightRequest:
    """A flight to plan, as a user states it: places and codes as typed, options with bounds.

    >>> request = FlightRequest(origin="UUMU", destination="OSLK", deny=["BG,GR", "TR"])
    >>> request.deny, request.margin_nm
    (('BG', 'GR', 'TR'), 0.0)
    >>> FlightRequest(origin="UUMU", destination="OSLK", speed_kt=0)
    Traceback (most recent call last):
    ...
    overflight.errors.RequestError: speed_kt 0: out of range, give 50 to 1500
    """

    #: Where from.
    origin: str = field(metadata=_about(f"Where from: {_PLACE}.", chars=80))
    #: Where to.
    destination: str = field(metadata=_about(f"Where to: {_PLACE}.", chars=80))
    #: States to deny, as typed (alpha-2 or alpha-3).
    deny: tuple[str, ...] = field(default=(), metadata=_about(f"States to deny: {_STATES}."))
    #: States to open on top of the scenario.
    allow: tuple[str, ...] = field(
        default=(), metadata=_about(f"States to open on top of the scenario: {_STATES}.")
    )
    #: A scenario: built-in name or YAML file.
    scenario: str | None = field(
        default=None, metadata=_about("A scenario: built-in name or YAML file.", chars=300)
    )
    #: Date of the flight: the registry's rules then in force (default today), or a scenario's.
    date: dt.date | None = field(
        default=None,
        metadata=_about(
            "Date of the flight, YYYY-MM-DD: the registry's rules in force that day "
            "(from 2014-01-01; default today), or the scenario's."
        ),
    )
    #: State of the operator: who the registry's (or the scenario's) rules refuse.
    operator: str | None = field(
        default=None,
        metadata=_about("State of the operator, ISO code (registry or scenario rules).", chars=3),
    )
    #: Airline, ICAO or IATA designator: its state, and the registry's rules aimed at it.
    airline: str | None = field(
        default=None,
        metadata=_about(
            "Airline, ICAO (FIN) or IATA (AY) designator: its state is the operator's.", chars=3
        ),
    )
    #: Category of flight (registry or scenario rules).
    category: str | None = field(
        default=None, metadata=_about("Category of flight, e.g. civil or state.", chars=40)
    )
    #: GeoJSON files of polygons to keep out of; from Python also ``traffic`` Airspaces,
    #: obstacles only where their band of flight levels holds ``flight_level``.
    avoid: tuple[Path | BandedAirspace, ...] = field(
        default=(), metadata=_about("GeoJSON files of polygons to keep out of.")
    )
    #: Lateral distance kept from denied airspace, nm.
    margin_nm: float = field(
        default=0.0,
        metadata=_about("Distance to keep from denied airspace, nm.", bounds=(0.0, MARGIN_NM_MAX)),
    )
    #: Cruise speed, kt (None: the aircraft's, else the default).
    speed_kt: float | None = field(
        default=None,
        metadata=_about(
            "Cruise speed, kt (default 450, or the aircraft's).", bounds=SPEED_KT_RANGE
        ),
    )
    #: Aircraft type or profile file: fuel stops when the route is out of range.
    aircraft: str | None = field(
        default=None,
        metadata=_about("Aircraft type (e.g. B788) or profile YAML: fuel stops.", chars=300),
    )
    #: Hours on the ground at each fuel stop.
    ground_time_h: float = field(
        default=DEFAULT_GROUND_TIME_H,
        metadata=_about("Hours on the ground at each fuel stop.", bounds=(0.0, GROUND_TIME_H_MAX)),
    )
    #: Most fuel stops to plan.
    max_stops: int = field(
        default=DEFAULT_MAX_STOPS,
        metadata=_about("Most fuel stops to plan.", bounds=(0, MAX_STOPS)),
    )
    #: Forced fuel stops, in order (airport codes as typed).
    via: tuple[str, ...] = field(
        default=(),
        metadata=_about(
            "Forced fuel stops, in order: airport codes, comma-separated and/or repeated."
        ),
    )
    #: File of the airports fuel stops may be made at (an operator's approved stops).
    stop_pool: Path | None = field(
        default=None,
        metadata=_about(
            "File of the airports fuel stops may be made at: one code a line, or CSV with an "
            "icao column (default: scheduled civil airports)."
        ),
    )
    #: Whether fuel stops may be made in disputed or occupied areas.
    allow_disputed_stops: bool = field(
        default=False,
        metadata=_about("Allow fuel stops in disputed or occupied areas (Crimea, Abkhazia...)."),
    )
    #: How disputed areas are crossed: "union" (closed when any claimant refuses, save where
    #: the flight departs or arrives) or "control" (open where a permitted state holds them).
    disputed: str = field(
        default="union",
        metadata=_about(
            "union (a disputed area is closed when any claimant refuses; an endpoint in it may "
            "be used where a permitted state holds it) or control (open wherever a permitted "
            "state holds it).",
            chars=7,
            reported=True,
        ),
    )
    #: Cruise flight level (hundreds of feet): which advisories bind, which winds blow.
    flight_level: int = field(
        default=DEFAULT_FLIGHT_LEVEL,
        metadata=_about(
            "Cruise flight level, hundreds of feet (350: FL350).",
            bounds=FLIGHT_LEVEL_RANGE,
            reported=True,
        ),
    )
    #: Plan without the advisories, even when the registry decides.
    no_advisories: bool = field(
        default=False,
        metadata=_about(
            "Plan without conflict-zone advisories and national prohibitions (they apply "
            "by default when the registry decides: operator, airline or date given)."
        ),
    )
    #: Keep out of the advisories' caution areas too.
    strict: bool = field(
        default=False,
        metadata=_about("Keep out of advisory areas of severity caution too."),
    )
    #: A YAML file of further advisories, in the catalogue's format.
    advisories_file: Path | None = field(
        default=None,
        metadata=_about(
            "YAML file of further advisories, in the catalogue's format (ADVISORIES.md)."
        ),
    )
    #: A GeoJSON file of FIR outlines (VATSpy's Boundaries.geojson): FIR-keyed advisories,
    #: the FIRs crossed and the flight plan's EET.
    fir_file: Path | None = field(
        default=None,
        metadata=_about(
            "GeoJSON file of FIR outlines, e.g. VATSpy's Boundaries.geojson: FIR-keyed "
            "advisories use them; the report lists the FIRs crossed and the EET."
        ),
    )
    #: The property of the FIR file's features that holds the FIR's identifier.
    fir_id_property: str = field(
        default="id",
        metadata=_about("Property of the FIR file's features holding the FIR id.", chars=80),
    )

    #: Month of the mean upper wind flown through, 1 to 12 (None: the month of ``date``).
    month: int | None = field(
        default=None,
        metadata=_about(
            "Month of the mean upper wind, 1 to 12 (default: the month of the date; no date, "
            "no wind).",
            bounds=(1, 12),
        ),
    )
    #: Report and choose in still air, whatever the month.
    no_wind: bool = field(
        default=False, metadata=_about("Still air: no wind times, whatever the month.")
    )
    #: What the route minimises: "distance" or "time" (in the month's wind).
    optimise: str = field(
        default="distance",
        metadata=_about(
            "distance (the shortest route) or time (the fastest of the shortest distinct "
            "routes in the month's wind).",
            chars=8,
            reported=True,
        ),
    )

    @property
    def wind_month(self) -> int | None:
        """The month whose wind times are reported: ``month``, else the date's; None for none.

        No month and no date means no wind rather than today's month, so that a request gives
        the same answer whatever day it is planned on.

        >>> FlightRequest(origin="EFHK", destination="RJAA", date=dt.date(2023, 1, 15)).wind_month
        1
        """
        if self.no_wind:
            return None
        if self.month is not None:
            return self.month
        return self.date.month if self.date is not None else None

    def reported(self) -> dict[str, Any]:
        """The fields a plan's JSON reports, by name."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.metadata["reported"]}

    def __post_init__(self) -> None:
        for name in ("deny", "allow", "via"):
            object.__setattr__(self, name, _split_codes(getattr(self, name)))
        avoid = (p if hasattr(p, "elements") else Path(p) for p in self.avoid)
        object.__setattr__(self, "avoid", tuple(avoid))
        for name in ("stop_pool", "advisories_file", "fir_file"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        for name in ("scenario", "aircraft", "category", "operator", "airline"):
            value = getattr(self, name)
            if isinstance(value, str) and not value.strip():
                object.__setattr__(self, name, None)
        month = self.month
        if month is not None and (isinstance(month, bool) or month != int(month)):
            raise RequestError("month", month, "give a whole number from 1 to 12")
        if self.optimise not in OPTIMISE:
            raise RequestError("optimise", self.optimise, f"give {' or '.join(OPTIMISE)}")
        if self.disputed not in DISPUTED_POLICIES:
            raise RequestError("disputed", self.disputed, f"give {' or '.join(DISPUTED_POLICIES)}")
        for f in fields(self):
            _check(f.name, getattr(self, f.name), f.metadata)
        if self.uses_registry and self.date is not None and self.date < REGISTRY_FIRST_DAY:
            raise RequestError(
                "date",
                self.date.isoformat(),
                f"the registry starts on {REGISTRY_FIRST_DAY}: give a date from then on, "
                "or a scenario",
            )

    @property
    def uses_registry(self) -> bool:
        """Whether the registry decides what is refused: who or when is given, and no scenario.

        >>> FlightRequest(origin="EFHK", destination="RJAA").uses_registry
        False
        >>> FlightRequest(origin="EFHK", destination="RJAA", airline="FIN").uses_registry
        True
        """
        who = (self.operator, self.airline, self.date, self.category)
        return self.scenario is None and any(v is not None for v in who)


def _split_codes(value: Any) -> tuple[str, ...]:
    """Codes as repeated values and/or comma-separated lists, blanks dropped."""
    items = [value] if isinstance(value, str) else list(value)
    return tuple(c.strip() for v in items for c in str(v).split(",") if c.strip())


def _check(name: str, value: Any, about: Any) -> None:
    """Raise RequestError when the value is outside the field's bounds or length."""
    bounds, chars = about.get("bounds"), about.get("chars")
    if value is None:
        return
    if bounds is not None:
        low, high = bounds
        accepted = f"give {low:g} to {high:g}"
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise RequestError(name, value, f"not a number, {accepted}")
        if not (math.isfinite(value) and low <= value <= high):
            raise RequestError(name, value, f"out of range, {accepted}")
    if chars and isinstance(value, str) and not 0 < len(value.strip()) <= chars:
        raise RequestError(name, value, f"give 1 to {chars} characters")
