"""The wire shapes of composite results: plans, comparisons, chokepoint and track reports.

Declared as pydantic models so that the HTTP API lists them in ``/openapi.json`` (its response
models) and a test can check a real answer against them; the JSON itself is still built by
``Plan.to_dict``, :func:`~overflight.analysis.fuel.stop_plan_to_dict`,
:mod:`overflight.export.json` and ``TrackReport.to_dict``, and the place and route shapes by
``Place.to_dict`` and ``Route.to_dict`` (declared here only as the parts of the larger shapes).
Every model forbids fields it does not declare, so a field added to the JSON and not here fails
that test.

A field with a default is one the JSON leaves out in some answers (a plan without a request,
registry, scenario, aircraft or stops); ``| None`` with no default is always there, maybe null.
Only the web layer imports this module: the command line does not load pydantic for it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ChokepointsWire",
    "ComparisonWire",
    "PlanWire",
    "RestrictionsWire",
    "StopPlanWire",
    "TimelineWire",
    "TrackReportWire",
]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PlaceWire(_Shape):
    """A place as ``Place.to_dict`` gives it."""

    code: str
    name: str
    lat: float
    lon: float
    country: str | None
    kind: str
    note: str | None = None


class TransitWire(_Shape):
    """One crossing of a state's airspace; points are ``[lon, lat]``."""

    country: str
    name: str
    distance_km: float
    entry: tuple[float, float]
    exit: tuple[float, float]
    shared_km: float
    shared_with: list[str]


class RouteWire(_Shape):
    """A route as ``Route.to_dict`` gives it; waypoints are ``[lon, lat]``."""

    origin: PlaceWire
    destination: PlaceWire
    denied: list[str]
    margin_nm: float
    speed_kt: float
    waypoints: list[tuple[float, float]]
    distance_km: float
    distance_nm: float
    great_circle_km: float
    extra_km: float
    extra_nm: float
    extra_pct: float
    duration_h: float
    transit: list[TransitWire]
    high_seas_km: float
    straits: list[str]


class StopWire(_Shape):
    """A fuel stop; ``forced`` when the request named it (``via``)."""

    code: str
    name: str
    lat: float
    lon: float
    country: str | None
    forced: bool


class LegWire(RouteWire):
    """A leg of a fuel-stop plan: a route with its still-air and wind times (``RouteTime``)."""

    month: int | None
    still_air_h: float
    wind_h: float
    mean_wind_kt: float


class StopPlanWire(_Shape):
    """A plan with fuel stops (:func:`~overflight.analysis.fuel.stop_plan_to_dict`)."""

    aircraft: str
    usable_range_km: float
    endurance_h: float
    month: int | None
    optimise: str
    nonstop_possible: bool
    direct: LegWire | None
    legs: list[LegWire]
    stops: list[StopWire]
    total_distance_km: float
    flight_time_h: float
    ground_time_h: float
    total_time_h: float
    flight_wind_h: float
    total_wind_h: float


class BandWire(_Shape):
    """Flight levels an advisory covers, both inclusive (0: the ground)."""

    lower: int
    upper: int


class FirCrossingWire(_Shape):
    """A FIR the non-stop route crosses (``routing/fir_crossings.py``), minutes from take-off."""

    id: str
    entry: tuple[float, float]
    exit: tuple[float, float]
    entry_min: float
    exit_min: float
    km: float


class AdvisoryWire(_Shape):
    """An advisory that bound the flight, and what it did to the route (``effect``)."""

    id: str
    file: str
    issuer: str
    severity: str
    band: BandWire
    note: str
    states: list[str]
    firs: list[str]
    corridors: list[str]
    valid_from: str | None
    valid_to: str | None
    source_title: str
    source_publisher: str | None
    source_url: str | None
    source_date: str | None
    effect: str


class TimingWire(_Shape):
    """A route's still-air and wind times in a month (``RouteTime.to_dict``)."""

    month: int | None
    still_air_h: float
    wind_h: float
    mean_wind_kt: float


class ConsideredWire(TimingWire):
    """One of the distinct routes chosen among (``optimise=time``)."""

    distance_km: float
    sides: list[str]
    chosen: bool


class DisputedAreaWire(_Shape):
    """A disputed area at an endpoint or along the route, and how it was treated."""

    key: str
    name: str
    claimants: list[str]
    held_by: str
    controller: str | None
    opened: bool


class RestrictionWire(_Shape):
    """A registry rule that concerned the flight, with its source."""

    id: str
    event: str
    states: list[str]
    kind: str
    note: str
    source_url: str | None
    source_title: str
    source_publisher: str | None
    source_date: str | None
    valid_from: str | None
    valid_to: str | None
    categories: list[str]
    operators: list[str]
    airlines: list[str]
    to_from: list[str]
    refused: list[str]


class ScenarioWire(_Shape):
    """The scenario a plan was made under, as resolved."""

    name: str
    date: str
    operator_state: str | None
    category: str | None


class AircraftWire(_Shape):
    """The aircraft a plan was made for."""

    designator: str
    name: str
    cruise_speed_kt: float
    usable_range_km: float
    endurance_h: float
    within_range: bool


class AirspaceVersionWire(_Shape):
    """The shipped polygons' hash and source."""

    sha256: str
    source: str
    content: str


class VersionsWire(_Shape):
    """What the answer was computed with (:mod:`overflight.analysis.versions`)."""

    overflight: str
    airspace: AirspaceVersionWire
    airports: dict[str, str | None]
    registry_as_of: str


class PlanWire(RouteWire, TimingWire):
    """A plan (``overflight route --format json``, ``/api/route``).

    The route fields describe the non-stop route; with fuel stops, ``legs`` is the flight flown.
    """

    clearances: list[str]
    advisories: list[AdvisoryWire] | None
    advisory_warnings: list[str] = []
    #: With FIR outlines loaded (traffic's, on a server where it is installed).
    firs: list[FirCrossingWire] | None = None
    eet: str | None = None
    remarks: list[str]
    disputed: str | None = None
    flight_level: int | None = None
    optimise: str | None = None
    alternatives: list[ConsideredWire] = []
    disputed_areas: list[DisputedAreaWire] = []
    operator: str | None = None
    airline: str | None = None
    category: str | None = None
    date: str | None = None
    registry_as_of: str | None = None
    restrictions: list[RestrictionWire] = []
    warnings: list[str] = []
    scenario: ScenarioWire | None = None
    aircraft: AircraftWire | None = None
    legs: list[LegWire] = []
    stops: list[StopWire] = []
    total_distance_km: float | None = None
    flight_time_h: float | None = None
    ground_time_h: float | None = None
    total_time_h: float | None = None
    flight_wind_h: float | None = None
    total_wind_h: float | None = None
    versions: VersionsWire


class CaseWire(_Shape):
    """One case of a comparison: its route, or why there is none."""

    label: str
    scenario: str | None
    date: str | None
    denied: list[str]
    route: RouteWire | None
    error: str | None
    distance_km: float | None
    duration_h: float | None
    speed_kt: float
    extra_km: float | None
    extra_pct: float | None
    states: list[str]
    clearances: list[str]
    aircraft: str | None
    usable_range_km: float | None
    within_range: bool | None
    fuel_stops: list[str]
    fuel_stop_error: str | None
    total_time_h: float | None
    #: The route's times in still air and in the month's mean wind (null without a route).
    month: int | None
    still_air_h: float | None
    wind_h: float | None
    mean_wind_kt: float | None
    #: The advisories that bound the case (null: no advisory layer applied).
    advisories: list[AdvisoryWire] | None


class DifferenceWire(_Shape):
    """A case against the reference (``to`` minus ``from``)."""

    from_: str = Field(alias="from")
    to: str
    delta_km: float | None
    delta_h: float | None
    delta_wind_h: float | None
    states_added: list[str]
    states_removed: list[str]


class ComparisonWire(_Shape):
    """A comparison (``overflight compare --format json``, ``/api/compare``)."""

    origin: PlaceWire
    destination: PlaceWire
    great_circle_km: float
    reference: str
    #: How disputed areas were crossed: union or control.
    disputed: str
    #: The cruise level advisories were read at (null: cases not stated as requests).
    flight_level: int | None
    #: The month of the wind times (null: still air).
    month: int | None
    cases: list[CaseWire]
    remarks: list[str]
    differences: list[DifferenceWire]
    versions: VersionsWire


class ChokepointWire(_Shape):
    """What refusing one more state does to the route."""

    country: str
    name: str
    cuts: bool
    route_km: float | None
    extra_km: float | None
    extra_h: float | None
    states: list[str]
    fuel_stops: list[StopWire]


class ChokepointsWire(_Shape):
    """A chokepoint report (``overflight chokepoints --format json``, ``/api/chokepoints``)."""

    baseline: RouteWire
    #: The baseline's times in still air and in the month's mean wind.
    baseline_time: TimingWire | None
    disputed: str
    flight_level: int | None
    #: The advisories that bound the baseline (null: no advisory layer applied).
    advisories: list[AdvisoryWire] | None
    usable_range_km: float | None
    ranking: list[ChokepointWire]
    cut_sets: list[list[str]]
    max_set_size: int
    complete: bool
    plans: int
    seconds: float
    remarks: list[str]
    versions: VersionsWire


class RestrictionsWire(_Shape):
    """The rules in force (``overflight restrictions --format json``, ``/api/restrictions``).

    For an operator: who was resolved (``operator``, ``airline``, ``category``) and
    ``warnings``; for a state: ``state``, whose refusals are listed.
    """

    operator: str | None = None
    airline: str | None = None
    category: str | None = None
    state: str | None = None
    date: str
    registry_as_of: str
    warnings: list[str] = []
    versions: VersionsWire
    restrictions: list[RestrictionWire]


class TimelineAdvisoryWire(_Shape):
    """An advisory binding a timeline step and what it did to the step's route."""

    id: str
    effect: str


class TimelineStepWire(_Shape):
    """The route from one change of the rules that concern the flight to the next."""

    start: str
    end: str
    denied: list[str]
    distance_km: float | None
    distance_nm: float | None
    extra_km: float | None
    extra_pct: float | None
    duration_h: float | None
    wind_h: float | None
    mean_wind_kt: float | None
    states: list[str]
    error: str | None
    rules: list[str]
    began: list[str]
    ended: list[str]
    advisories: list[TimelineAdvisoryWire] | None


class TimelineWire(_Shape):
    """A route through time (``overflight timeline --format json``, ``/api/timeline``)."""

    origin: PlaceWire
    destination: PlaceWire
    operator: str | None
    airline: str | None
    category: str
    from_: str = Field(alias="from")
    to: str
    registry_as_of: str
    disputed: str
    flight_level: int
    month: int | None
    great_circle_km: float | None
    steps: list[TimelineStepWire]
    remarks: list[str]
    versions: VersionsWire


class GapWire(_Shape):
    """A gap in a track's coverage, bridged by the great circle; points are ``[lon, lat]``."""

    after: int
    distance_km: float
    minutes: float | None
    start: tuple[float, float]
    end: tuple[float, float]


class FlownWire(_Shape):
    """The track itself: where it was read from, its length, times and gaps."""

    source: str
    points: int
    distance_km: float
    start_time: str | None
    end_time: str | None
    duration_h: float | None
    ground_speed_kt: float | None
    gaps: list[GapWire]


class OverflownWire(_Shape):
    """One crossing of a state by the track, with km along it and UTC times (or null)."""

    country: str
    name: str
    distance_km: float
    entry: tuple[float, float]
    exit: tuple[float, float]
    entry_km: float
    exit_km: float
    entry_time: str | None
    exit_time: str | None
    duration_h: float | None
    shared_with: list[str]


class ApproachWire(_Shape):
    """A state the track came near without entering (``skirted``: followed its line)."""

    country: str
    name: str
    closest_km: float
    closest_nm: float
    at: tuple[float, float]
    at_km: float
    time: str | None
    skirting_km: float
    skirted: bool


class ViolationWire(OverflownWire):
    """A crossing of airspace closed to the flight, with the rules that closed it."""

    rules: list[str]
    sources: list[str]


class TransitPassageWire(OverflownWire):
    """A crossing of closed airspace inside a strait open to transit passage: no violation."""

    strait: str
    strait_name: str
    regime: str


class ExplanationWire(_Shape):
    """One smallest set of refusals under which the shortest route follows the track."""

    refused: list[str]
    in_force: list[str]
    not_in_force: list[str]
    mean_km: float
    route_km: float
    route_states: list[str]


class ExplanationsWire(_Shape):
    """The inference of ``--explain`` (``explain=true``)."""

    inference: str
    explanations: list[ExplanationWire]
    free_mean_km: float
    tolerance_km: float
    unexplained: str | None
    complete: bool
    plans: int
    seconds: float


class TrackReportWire(_Shape):
    """A flown track's report (``overflight track --format json``, ``POST /api/track``)."""

    track: FlownWire
    origin: PlaceWire
    destination: PlaceWire
    date: str | None
    overflown: list[OverflownWire]
    high_seas_km: float
    straits: list[str]
    approaches: list[ApproachWire]
    denied: list[str]
    violations: list[ViolationWire]
    transit_passages: list[TransitPassageWire]
    optimum: PlanWire | None
    no_route: str | None
    detour_km: float | None
    detour_min: float | None
    versions: VersionsWire
    explain: ExplanationsWire | None = None
