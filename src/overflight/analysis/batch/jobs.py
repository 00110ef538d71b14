"""Turning pairs into routing jobs grouped by what they avoid, and jobs into result rows.

Jobs that avoid the same airspace (same denied states, margin, avoid areas and open strait
corridors) share one :class:`Closure` and so one planner, built once per process: a group's
jobs are cut into :class:`Task` chunks that a process pool or a Dask cluster runs, and every
worker keeps the planners it has built (:func:`overflight.routing.planner.planner_of` caches
them per process).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from overflight._config import (
    DEFAULT_FLIGHT_LEVEL,
    DEFAULT_GROUND_TIME_H,
    DEFAULT_MAX_STOPS,
    DEFAULT_SPEED_KT,
    MARGIN_NM_MAX,
    SPEED_KT_RANGE,
)
from overflight.analysis.batch.pairs import BadRow, PairRow
from overflight.analysis.plan import FlightRules, endpoint_states, flight_rules
from overflight.analysis.request import FlightRequest
from overflight.data.airports import resolve_place
from overflight.data.airspace import normalise_codes
from overflight.errors import InputError, NoRouteError, OverflightError, VerificationError
from overflight.models import KM_PER_NM, LonLat, Place, Route
from overflight.routing.closure import Closure
from overflight.routing.planner import planner_of

if TYPE_CHECKING:
    from pathlib import Path

    from overflight.aircraft import AircraftProfile

__all__ = [
    "STATUSES",
    "BatchOptions",
    "Job",
    "Task",
    "chunks",
    "failed_row",
    "fast_path",
    "plan_jobs",
    "route_row",
    "run_task",
]

#: What a result row's ``status`` may say.
STATUSES = ("ok", "no_route", "bad_endpoint", "check_failed")


@dataclass(frozen=True)
class BatchOptions:
    """What applies to every pair of a batch (a row may add states or name its own scenario)."""

    #: States denied for every pair (alpha-2 or alpha-3), dependencies included.
    deny: tuple[str, ...] = ()
    #: Scenarios (names or files): each pair is planned once under each. None: plain denial.
    scenarios: tuple[str, ...] = ()
    #: Lateral distance kept from denied airspace (a scenario's own margin if larger).
    margin_nm: float = 0.0
    #: Cruise speed for flight times.
    speed_kt: float = DEFAULT_SPEED_KT
    #: Date of the flights, for scenario rules (default: each scenario's date).
    on: dt.date | None = None
    #: State of the operator, for scenario rules (default: each scenario's).
    operator: str | None = None
    #: Category of flight, for scenario rules (default: each scenario's).
    category: str | None = None
    #: Aircraft type or profile file: rows say the fuel stops it needs (None: no stops).
    aircraft: str | None = None
    #: Hours on the ground at each fuel stop.
    ground_time_h: float = DEFAULT_GROUND_TIME_H
    #: Most fuel stops to plan.
    max_stops: int = DEFAULT_MAX_STOPS
    #: Airline, ICAO or IATA designator: with ``operator`` or ``on``, the registry decides.
    airline: str | None = None
    #: How disputed areas are crossed: ``union`` or ``control`` (FlightRequest.disputed).
    disputed: str = "union"
    #: Cruise flight level: which advisories bind.
    flight_level: int = DEFAULT_FLIGHT_LEVEL
    #: Plan without the advisories, even when the registry decides.
    no_advisories: bool = False
    #: Keep out of the advisories' caution areas too.
    strict: bool = False
    #: A YAML file of further advisories.
    advisories_file: Path | None = None
    #: Month of the mean upper wind of the rows' wind times (default: the month of ``on``).
    month: int | None = None
    #: No wind times, whatever the month.
    no_wind: bool = False

    def request(
        self,
        scenario: str = "",
        deny: Sequence[str] = (),
        origin: str = "-",
        destination: str = "-",
    ) -> FlightRequest:
        """The flight request of one case of a pair (places as given), as ``route`` takes it.

        Raises
        ------
        RequestError
            For an option outside what it accepts, named as the request's field.

        """
        return FlightRequest(
            origin=origin,
            destination=destination,
            deny=tuple(deny),
            scenario=scenario or None,
            date=self.on,
            operator=self.operator,
            airline=self.airline,
            category=self.category,
            margin_nm=self.margin_nm,
            speed_kt=self.speed_kt,
            disputed=self.disputed,
            flight_level=self.flight_level,
            no_advisories=self.no_advisories,
            strict=self.strict,
            advisories_file=self.advisories_file,
            month=self.month,
            no_wind=self.no_wind,
        )

    @property
    def wind_month(self) -> int | None:
        """The month of the rows' wind times: ``month``, else ``on``'s; None for still air."""
        return self.request().wind_month

    def __post_init__(self) -> None:
        low, high = SPEED_KT_RANGE
        if not low <= self.speed_kt <= high:
            raise InputError(
                f"speed {self.speed_kt!r} kt is out of range: give {low:g} to {high:g} kt"
            )
        if not 0.0 <= self.margin_nm <= MARGIN_NM_MAX:
            raise InputError(
                f"margin {self.margin_nm!r} nm is out of range: give 0 to {MARGIN_NM_MAX:g} nm"
            )

    def check(self) -> None:
        """Raise InputError for an unknown state, scenario or option, before any pair is read."""
        normalise_codes(self.deny)
        for name in self.scenarios:
            _scenario(name)
        self.request()
        if self.airline is not None:
            from overflight.data.airlines import airline

            airline(self.airline)
        if self.aircraft is not None:
            _aircraft(self.aircraft)

    def describe(self) -> dict[str, Any]:
        """The options as JSON, to tell whether a run can be resumed with them."""
        return {
            "deny": list(normalise_codes(self.deny)),
            "scenarios": list(self.scenarios),
            "margin_nm": self.margin_nm,
            "speed_kt": self.speed_kt,
            "on": self.on.isoformat() if self.on else None,
            "operator": self.operator,
            "category": self.category,
            # Only with an aircraft, so that runs without one resume as before.
            **(
                {
                    "aircraft": self.aircraft,
                    "ground_time_h": self.ground_time_h,
                    "max_stops": self.max_stops,
                }
                if self.aircraft is not None
                else {}
            ),
            # Only when not the defaults, so that runs from before them resume as before.
            **{
                name: str(value) if name == "advisories_file" else value
                for name, value in (
                    ("airline", self.airline),
                    ("disputed", self.disputed),
                    ("flight_level", self.flight_level),
                    ("no_advisories", self.no_advisories),
                    ("strict", self.strict),
                    ("advisories_file", self.advisories_file),
                    ("month", self.month),
                    ("no_wind", self.no_wind),
                )
                if value != _DEFAULTS[name]
            },
        }


_DEFAULTS = {
    "airline": None,
    "disputed": "union",
    "flight_level": DEFAULT_FLIGHT_LEVEL,
    "no_advisories": False,
    "strict": False,
    "advisories_file": None,
    "month": None,
    "no_wind": False,
}


@dataclass(frozen=True)
class Job:
    """One row to compute: a pair under one case, keyed by (line, scenario)."""

    line: int
    #: The scenario the pair is planned under, or "" for plain denial.
    scenario: str
    origin: Place
    destination: Place
    #: States that grant the flight landing, under its scenario (None: every state not denied).
    landing: frozenset[str] | None = None


@dataclass(frozen=True)
class Task:
    """A chunk of one group's jobs: the unit a worker runs."""

    closed: Closure
    speed_kt: float
    jobs: tuple[Job, ...]
    #: The batch's options when its rows say the fuel stops of an aircraft, else None.
    stops: BatchOptions | None = None
    #: The month of the rows' wind times (None: still air, no wind columns).
    month: int | None = None


@lru_cache(maxsize=65536)  # a pairs file names a few thousand places, each many times
def _place(text: str) -> Place:
    return resolve_place(text)


@lru_cache(maxsize=64)
def _scenario(name: str) -> Any:
    from overflight.scenarios import load_scenario

    return load_scenario(name)


@lru_cache(maxsize=16)
def _aircraft(name: str) -> AircraftProfile:
    from overflight.aircraft import load_aircraft

    return load_aircraft(name)


@lru_cache(maxsize=4096)
def _denied(batch: tuple[str, ...], row: tuple[str, ...]) -> tuple[str, ...]:
    return normalise_codes((*batch, *row))


@lru_cache(maxsize=4096)
def _rules(request: FlightRequest, ends: tuple[str | None, ...]) -> FlightRules:
    # The rules depend on the places only through the states they permit: once per pair
    # of states, not per pair of places.
    return flight_rules(request, ends)


class _ClosedSets:
    """The closure ``route`` plans a pair with (plan.py's ``flight_rules``), and where it may land.

    Scenario or registry, advisories at the flight level, the disputed policy. The request is
    made once per case and set of denied states, and the closure once per set of rules (under
    a plain deny list every pair has the same): it depends on the places themselves only
    through the disputed areas they hold, so only with a disputed policy is it made per pair.
    """

    def __init__(self, options: BatchOptions) -> None:
        self.options = options
        self._requests: dict[tuple[str, tuple[str, ...]], FlightRequest] = {}
        self._closures: dict[tuple[Any, ...], tuple[Closure, frozenset[str] | None]] = {}

    def __call__(
        self, name: str, origin: Place, destination: Place, deny: tuple[str, ...]
    ) -> tuple[Closure, frozenset[str] | None]:
        request = self._requests.get((name, deny))
        if request is None:
            request = self._requests[name, deny] = self.options.request(name, deny)
        ends = endpoint_states(request, origin, destination)
        rules = _rules(request, ends)
        key: tuple[Any, ...] = (name, deny, rules)
        if rules.disputed is not None:
            key += (origin.lonlat, destination.lonlat)
        found = self._closures.get(key)
        if found is None:
            permissions = rules.permissions
            found = self._closures[key] = (
                rules.closure(request, origin, destination),
                None if permissions is None else permissions.landing_allowed,
            )
        return found


def plan_jobs(
    rows: Iterable[PairRow], options: BatchOptions
) -> tuple[dict[Closure, list[Job]], list[BadRow]]:
    """Jobs grouped by the airspace they avoid, and the rows that name something unknown.

    Each row gives one job per case: its own scenario if it names one, else one per batch
    scenario, else one under plain denial.
    """
    groups: dict[Closure, list[Job]] = {}
    bad: list[BadRow] = []
    cases = tuple(dict.fromkeys(options.scenarios)) or ("",)
    closed_set = _ClosedSets(options)
    for row in rows:
        try:
            origin, destination = _place(row.origin), _place(row.destination)
            deny = _denied(options.deny, row.deny)
            found = [
                (name, closed_set(name, origin, destination, deny))
                for name in ((row.scenario,) if row.scenario else cases)
            ]
        except InputError as exc:
            bad.append(BadRow(row.line, row.text, str(exc)))
            continue
        for name, (closed, landing) in found:
            job = Job(row.line, name, origin, destination, landing)
            groups.setdefault(closed, []).append(job)
    return groups, bad


def _empty_row(job: Job, closed: Closure, speed_kt: float) -> dict[str, Any]:
    from overflight.geo.ellipsoid import geodesic_km

    o, d = job.origin, job.destination
    return {
        "line": job.line,
        "scenario": job.scenario,
        "origin": o.code,
        "destination": d.code,
        "origin_lat": o.lat,
        "origin_lon": o.lon,
        "destination_lat": d.lat,
        "destination_lon": d.lon,
        "status": "ok",
        "reason": "",
        "denied": " ".join(closed.denied),
        "margin_nm": closed.margin_nm,
        "speed_kt": speed_kt,
        "distance_km": None,
        "distance_nm": None,
        "great_circle_km": geodesic_km(o.lon, o.lat, d.lon, d.lat),
        "extra_km": None,
        "extra_nm": None,
        "extra_pct": None,
        "duration_h": None,
        "high_seas_km": None,
        "states": "",
        "straits": "",
        "turns": None,
        "waypoints": "",
        "stop_count": None,
        "stops": "",
        "stop_names": "",
        "total_time_h": None,
        "wind_time_h": None,
        "mean_wind_kt": None,
    }


def route_row(job: Job, closed: Closure, route: Route) -> dict[str, Any]:
    """The table row of a planned route: the table-shaped fields of ``route --format json``."""
    row = _empty_row(job, closed, route.speed_kt)
    row.update(
        distance_km=route.distance_km,
        distance_nm=route.distance_km / KM_PER_NM,
        great_circle_km=route.great_circle_km,
        extra_km=route.extra_km,
        extra_nm=route.extra_km / KM_PER_NM,
        extra_pct=route.extra_pct,
        duration_h=route.duration_h,
        high_seas_km=route.high_seas_km,
        states=" ".join(t.country for t in route.transit),
        straits="; ".join(route.straits),
        turns=len(route.waypoints) - 2,
        waypoints=json.dumps([[p.lon, p.lat] for p in route.waypoints]),
    )
    return row


def failed_row(job: Job, closed: Closure, speed_kt: float, exc: OverflightError) -> dict[str, Any]:
    """The row of a pair with no route: its status says why, its reason says how."""
    row = _empty_row(job, closed, speed_kt)
    if isinstance(exc, NoRouteError):
        row.update(status="no_route", reason=exc.reason)
    elif isinstance(exc, VerificationError):
        row.update(status="check_failed", reason=str(exc))
    else:
        row.update(status="bad_endpoint", reason=str(exc))
    return row


def fast_path(closed: Closure) -> bool:
    """Whether a group is planned in chunks (:mod:`overflight.routing.chunk`), not pair by pair."""
    return closed.margin_nm == 0.0 and not closed.avoid and not closed.openings


def run_task(task: Task, *, one_by_one: bool = False) -> list[dict[str, Any]]:
    """Plan every job of a task; a pair that has no route is a row that says so.

    ``one_by_one`` plans each pair with :meth:`Planner.route`, the reference the chunked
    path is tested against.
    """
    rows = _rows(task, one_by_one=one_by_one)
    if task.stops is not None:
        for job, row in zip(task.jobs, rows, strict=True):
            _add_stops(task, task.stops, job, row)
    if task.month is not None:
        for row in rows:
            _add_wind(row, task.month, task.speed_kt)
    return rows


class _Path(NamedTuple):
    """A routed row's turning points and length, as the wind times take a path."""

    waypoints: list[LonLat]
    distance_km: float


def _row_path(row: dict[str, Any]) -> _Path:
    """A routed row's turning points (stored as JSON text) and length."""
    points = [LonLat(float(x), float(y)) for x, y in json.loads(row["waypoints"])]
    return _Path(points, row["distance_km"])


def _add_wind(row: dict[str, Any], month: int, speed_kt: float) -> None:
    """Fill the wind columns of a routed row: its time in the month's mean wind."""
    from overflight.analysis.timing import time_along

    if row["distance_km"] is None or not row["waypoints"]:
        return
    time = time_along(_row_path(row), speed_kt=speed_kt, month=month)
    row.update(wind_time_h=time.wind_h, mean_wind_kt=time.mean_wind_kt)


def _add_stops(task: Task, options: BatchOptions, job: Job, row: dict[str, Any]) -> None:
    """Fill the fuel-stop columns of a routed pair (its reason says why there is no plan)."""
    from overflight.analysis.fuel import plan_with_stops, range_time

    if row["status"] != "ok" or options.aircraft is None:
        return
    profile = _aircraft(options.aircraft)
    # Range as `route` decides it: time in the month's wind (still air without one, where
    # the turning points are not needed and not parsed).
    path = _row_path(row) if task.month is not None else _Path([], row["distance_km"])
    if range_time(path, profile, month=task.month)[1]:
        row.update(stop_count=0, total_time_h=row["distance_km"] / (task.speed_kt * KM_PER_NM))
        return
    try:
        plan = plan_with_stops(
            job.origin,
            job.destination,
            aircraft=profile,
            closure=task.closed,
            landing_allowed=job.landing,
            ground_time_h=options.ground_time_h,
            max_stops=options.max_stops,
            on=options.on,
            month=task.month,
        )
    except NoRouteError as exc:
        row.update(reason=exc.reason)
        return
    row.update(
        stop_count=len(plan.stops),
        stops=" ".join(s.code for s in plan.stops),
        stop_names="; ".join(s.name for s in plan.stops),
        total_time_h=plan.total_time_h,
    )


def _rows(task: Task, *, one_by_one: bool) -> list[dict[str, Any]]:
    if one_by_one or not fast_path(task.closed):
        return [_one(task, job) for job in task.jobs]
    from overflight.routing import chunk

    planner = planner_of(task.closed)
    finder = chunk.searcher(planner)
    rows: dict[int, dict[str, Any]] = {}
    pending = []
    denied = finder.endpoints_denied(
        [p for job in task.jobs for p in (job.origin.lonlat, job.destination.lonlat)]
    )
    for k, job in enumerate(task.jobs):
        if denied[2 * k] or denied[2 * k + 1]:
            rows[k] = _one(task, job)  # the planner's own error says which state
        else:
            pending.append(k)
    paths = chunk.plan_paths(
        finder, [(task.jobs[k].origin.lonlat, task.jobs[k].destination.lonlat) for k in pending]
    )
    routed = []
    for k, path in zip(pending, paths, strict=True):
        if path is None:
            rows[k] = _one(task, task.jobs[k])  # the planner says what separates the two
        else:
            routed.append((k, path))
    planned = chunk.fast_routes(finder, [path for _, path in routed])
    for (k, _), route in zip(routed, planned, strict=True):
        row = _empty_row(task.jobs[k], task.closed, task.speed_kt)
        if route.failure:
            row.update(status="check_failed", reason=route.failure)
        else:
            row.update(route.row_fields(task.speed_kt))
        rows[k] = row
    return [rows[k] for k in range(len(task.jobs))]


def _one(task: Task, job: Job) -> dict[str, Any]:
    try:
        route = planner_of(task.closed).route(job.origin, job.destination, speed_kt=task.speed_kt)
    except OverflightError as exc:
        return failed_row(job, task.closed, task.speed_kt, exc)
    return route_row(job, task.closed, route)


def chunks(jobs: Sequence[Job], size: int) -> list[tuple[Job, ...]]:
    """Consecutive runs of at most ``size`` jobs."""
    return [tuple(jobs[k : k + size]) for k in range(0, len(jobs), size)]
