"""The wire shapes of composite results: a plan, a stop plan, a comparison, a chokepoint report.

Declared as pydantic models so that the HTTP API lists them in ``/openapi.json`` (its response
models) and a test can check a real answer against them; the JSON itself is still built by
``Plan.to_dict``, :func:`~overflight.analysis.fuel.stop_plan_to_dict` and
:mod:`overflight.export.json`, and the place and route shapes by ``Place.to_dict`` and
``Route.to_dict`` (declared here only as the parts of the larger shapes). Every model forbids
fields it does not declare, so a field added to the JSON and not here fails that test.

A field with a default is one the JSON leaves out in some answers (a plan without a request,
registry, scenario, aircraft or stops); ``| None`` with no default is always there, maybe null.
Only the web layer imports this module: the command line does not load pydantic for it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ChokepointsWire", "ComparisonWire", "PlanWire", "StopPlanWire"]


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


class StopPlanWire(_Shape):
    """A plan with fuel stops (:func:`~overflight.analysis.fuel.stop_plan_to_dict`)."""

    aircraft: str
    usable_range_km: float
    nonstop_possible: bool
    direct: RouteWire | None
    legs: list[RouteWire]
    stops: list[StopWire]
    total_distance_km: float
    flight_time_h: float
    ground_time_h: float
    total_time_h: float


class BandWire(_Shape):
    """Flight levels an advisory covers, both inclusive (0: the ground)."""

    lower: int
    upper: int


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
    legs: list[RouteWire] = []
    stops: list[StopWire] = []
    total_distance_km: float | None = None
    flight_time_h: float | None = None
    ground_time_h: float | None = None
    total_time_h: float | None = None
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
