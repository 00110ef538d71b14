"""The HTTP API under ``/api``: GET with query parameters, so that every URL can be shared.

``/api/route`` answers exactly the JSON of ``overflight route --format json`` for the same
request (both plan through :func:`overflight.analysis.plan.plan_request`); ``/api/compare`` and
``/api/chokepoints`` answer the JSON of ``overflight compare`` and ``overflight chokepoints``
with ``--format json``; ``POST /api/track`` takes a track file as its body and answers the JSON
of ``overflight track --format json``. Errors have the shape documented in
:mod:`overflight.web.errors`; the parameter at fault is named in ``field``.

Scenarios and aircraft are looked up among the built-in ones only: a name that looks like a
path is refused, so a request can never make the server read a file.
"""

# No `from __future__ import annotations`: FastAPI reads the parameter types of the endpoints,
# which refer to aliases local to `api_router`, at run time.
import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, cast, get_args, get_origin, get_type_hints

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from overflight._config import (
    DEFAULT_FLIGHT_LEVEL,
    DEFAULT_SPEED_KT,
    FLIGHT_LEVEL_RANGE,
    MARGIN_NM_MAX,
    MAX_STOPS,
    SPEED_KT_RANGE,
)
from overflight.analysis.request import FlightRequest
from overflight.analysis.versions import data_versions
from overflight.analysis.wire import (
    ChokepointsWire,
    ComparisonWire,
    PlaceWire,
    PlanWire,
    RestrictionsWire,
    TimelineWire,
    TrackReportWire,
)
from overflight.data.airlines import airline as find_airline
from overflight.data.airlines import search_airlines
from overflight.data.airports import resolve_place, search_airports
from overflight.data.airspace import normalise_codes, states
from overflight.errors import (
    DeniedEndpointError,
    InputError,
    NoRouteError,
    RequestError,
    UnknownAirlineError,
    UnknownStateError,
)
from overflight.models import Place
from overflight.scenarios import CATEGORIES, list_scenarios
from overflight.web.answers import Answers, Computed, answer_key, json_answer
from overflight.web.assets import asset_response, states_geojson
from overflight.web.errors import ERROR_RESPONSES, ApiError
from overflight.web.limits import Limits, Workers

__all__ = ["QuickRoute", "api_router"]

#: The request fields /api/compare and /api/chokepoints take as /api/route does.
_COMPARED = (
    "origin",
    "destination",
    "deny",
    "operator",
    "airline",
    "category",
    "speed_kt",
    "aircraft",
    "disputed",
    "flight_level",
    "no_advisories",
    "strict",
    "month",
    "no_wind",
)


def _request_help(name: str) -> str:
    """The help of a request field, as /api/route documents it."""
    found = next(f for f in dataclasses.fields(FlightRequest) if f.name == name)
    return str(found.metadata["help"])


_PLACE_HELP = (
    "ICAO or IATA code (UUMU, LTK), airfield identifier from the shipped supplement "
    "(RU-0152), or 'lat,lon' in decimal degrees."
)
_STATES_HELP = "ISO 3166-1 alpha-2 or alpha-3 codes, comma-separated and/or repeated."


class PlaceOut(PlaceWire):
    """An airport, airfield or point (its note, if any, is not listed)."""

    model_config = ConfigDict(extra="ignore")

    note: str | None = Field(default=None, exclude=True)


class StateOut(BaseModel):
    """A state or territory in the shipped data."""

    code: str
    code3: str
    name: str
    sovereign: str | None


class ScenarioOut(BaseModel):
    """A built-in scenario as listed."""

    name: str
    title: str
    date: dt.date | None


class CategoryOut(BaseModel):
    """A category of flight that scenario rules name."""

    name: str
    parent: str | None
    description: str


class AirlineOut(BaseModel):
    """An airline of the shipped table."""

    icao: str
    iata: str
    name: str
    state: str
    active: bool


class AircraftOut(BaseModel):
    """A built-in aircraft profile."""

    designator: str
    name: str
    cruise_speed_kt: float
    range_km: float
    usable_range_km: float
    min_runway_m: float
    payload: str


@contextmanager
def blame(field: str | None) -> Iterator[None]:
    """Answer a library error raised inside the block as the fault of ``field``."""
    try:
        yield
    except DeniedEndpointError as exc:
        raise ApiError.from_library(exc, exc.role) from None
    except (InputError, NoRouteError) as exc:
        raise ApiError.from_library(exc, field) from None


def _codes(values: list[str], field: str, most: int) -> list[str]:
    """State codes given comma-separated and/or repeated, checked against the data."""
    codes = [c.strip() for v in values for c in v.split(",") if c.strip()]
    if len(codes) > most:
        raise ApiError.bad_input(field, f"{len(codes)} states in {field}: give at most {most}")
    with blame(field):
        normalise_codes(codes)
    return codes


def _place(text: str, field: str) -> Place:
    with blame(field):
        return resolve_place(text)


def _scenario(name: str | None, field: str = "scenario") -> str | None:
    """A built-in scenario's name (any case), or None."""
    if name is None:
        return None
    names = [s.name for s in list_scenarios()]
    key = name.strip().lower()
    if key not in names:
        raise ApiError.bad_input(
            field,
            f"unknown scenario {name!r}: give the name of a built-in scenario: {', '.join(names)}",
        )
    return key


def _aircraft(name: str | None) -> Any:
    """A built-in aircraft profile by designator, name or alias, or None."""
    if name is None:
        return None
    from overflight.aircraft import load_aircraft

    if re.search(r"[/\\]|\.ya?ml\s*(:|$)", name, re.IGNORECASE):
        raise ApiError.bad_input(
            "aircraft",
            f"aircraft {name!r}: give a built-in aircraft type (see /api/aircraft); "
            f"profile files are not read over HTTP",
        )
    with blame("aircraft"):
        return load_aircraft(name, files=False)


def _operator(code: str | None) -> str | None:
    if code is not None:
        _codes([code], "operator", 1)
    return code


def _parameter_names(route: Any) -> frozenset[str]:
    """The query parameters an API route declares (the fields of a query model included)."""
    names: set[str] = set()
    for param in getattr(getattr(route, "dependant", None), "query_params", ()):
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            names |= {f.alias or name for name, f in annotation.model_fields.items()}
        else:
            names.add(param.alias)
    return frozenset(names)


async def _known_parameters(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take: `denied=RU` must not plan over RU.

    A coroutine, though it never waits: FastAPI runs a plain function dependency on a thread
    of its pool, a hand-off that costs more than the check.
    """
    accepted = _parameter_names(request.scope.get("route"))
    unknown = [name for name in request.query_params if name not in accepted]
    if unknown:
        raise ApiError.bad_input(
            unknown[0],
            f"unknown parameter {unknown[0]!r}: {request.url.path} accepts "
            f"{', '.join(sorted(accepted)) or 'no parameters'}",
        )


def flight_query_model(limits: Limits) -> type[BaseModel]:
    """The query parameters of a flight: FlightRequest's fields, help and bounds.

    Derived, not declared again, so that the API and the command line accept the same values;
    ``avoid``, ``stop_pool``, ``advisories_file`` and the FIR file are left out (the server
    reads no files),
    and the server's own limits apply on top.
    """
    hints = get_type_hints(FlightRequest)
    narrower: dict[str, dict[str, Any]] = {
        "max_stops": {"le": min(MAX_STOPS, limits.max_stops)},
        "deny": {"max_length": limits.max_states},
        "allow": {"max_length": limits.max_states},
        "category": {"pattern": f"^({'|'.join(CATEGORIES)})$"},
        "operator": {"min_length": 2},
        "airline": {"min_length": 2},
        "origin": {"min_length": 1},
        "destination": {"min_length": 1},
    }
    definitions: dict[str, Any] = {}
    for f in dataclasses.fields(FlightRequest):
        if f.name in ("avoid", "stop_pool", "advisories_file", "fir_file", "fir_id_property"):
            continue
        about = f.metadata
        options: dict[str, Any] = {"description": about["help"]}
        if about["bounds"] is not None:
            options |= {"ge": about["bounds"][0], "le": about["bounds"][1], "allow_inf_nan": False}
        if about["chars"]:
            options["max_length"] = about["chars"]
        options |= narrower.get(f.name, {})
        annotation = hints[f.name]
        default = ... if f.default is dataclasses.MISSING else f.default
        if f.name in ("deny", "allow", "via"):  # repeated query parameters arrive as a list
            annotation, default = list[str], []
        definitions[f.name] = (annotation, Field(default=default, **options))
    model: type[BaseModel] = create_model(
        "FlightQuery", __config__=ConfigDict(extra="forbid"), **definitions
    )
    return model


def _encoded(data: dict[str, Any], *, keep: bool = True) -> Computed:
    """The bytes a JSONResponse of ``data`` sends, encoded in the planning thread."""
    return Computed(bytes(JSONResponse(data).body), keep)


def api_router(
    limits: Limits,
    workers: Workers,
    answers: Answers | None = None,
    *,
    routes: Workers | None = None,
) -> APIRouter:
    """The API routes, with the bounds of ``limits`` in their validation and schema.

    Routes, comparisons and chokepoint reports are kept in ``answers`` when given. Routes
    without an aircraft are planned on ``routes`` (default ``workers``), the rest on
    ``workers`` (see :mod:`overflight.web.limits`).
    """
    route_lane = routes if routes is not None else workers
    kept = answers if answers is not None else Answers(max_entries=0, max_bytes=0)
    router = APIRouter(responses=ERROR_RESPONSES, dependencies=[Depends(_known_parameters)])
    categories = "|".join(CATEGORIES)

    Origin = Annotated[str, Query(min_length=1, max_length=80, description=_PLACE_HELP)]
    Destination = Annotated[str, Query(min_length=1, max_length=80, description=_PLACE_HELP)]
    Deny = Annotated[
        list[str],
        Query(
            description=f"States to deny: {_STATES_HELP} At most {limits.max_states}.",
            max_length=limits.max_states,
        ),
    ]
    Scenario = Annotated[
        str | None,
        Query(max_length=80, description="A built-in scenario (see /api/scenarios)."),
    ]
    On = Annotated[
        dt.date | None,
        Query(alias="date", description="Date of the flight, YYYY-MM-DD (scenario rules)."),
    ]
    Operator = Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=3,
            description="State of the operator, ISO code (scenario rules).",
        ),
    ]
    Category = Annotated[
        str | None,
        Query(
            pattern=f"^({categories})$",
            description=f"Category of flight (scenario rules): {', '.join(CATEGORIES)}.",
        ),
    ]
    Margin = Annotated[
        float,
        Query(ge=0.0, le=MARGIN_NM_MAX, allow_inf_nan=False, description="Distance to keep, nm."),
    ]
    Speed = Annotated[
        float | None,
        Query(
            ge=SPEED_KT_RANGE[0],
            le=SPEED_KT_RANGE[1],
            allow_inf_nan=False,
            description="Cruise speed, kt (default 450, or the aircraft's).",
        ),
    ]
    Aircraft = Annotated[
        str | None,
        Query(max_length=80, description="A built-in aircraft type, e.g. B788 (/api/aircraft)."),
    ]

    def plain(data: dict[str, Any]) -> JSONResponse:
        return JSONResponse(data)

    FlightQuery = flight_query_model(limits)

    # The wire models document the answers (`responses`, not `response_model`): the JSON is
    # the CLI's, built by the library, and sent as it is, neither re-validated nor re-encoded.
    def flight(values: dict[str, Any]) -> FlightRequest:
        """A query's flight request: places, states, aircraft, operator and airline checked."""
        return flight_places(values)[0]

    def flight_places(values: dict[str, Any]) -> tuple[FlightRequest, tuple[Place, Place]]:
        """:func:`flight`, and its origin and destination resolved."""
        places = (_place(values["origin"], "origin"), _place(values["destination"], "destination"))
        values["deny"] = _codes(values["deny"], "deny", limits.max_states)
        profile = _aircraft(values["aircraft"])
        values["aircraft"] = profile.designator if profile else None
        values["operator"] = _operator(values["operator"])
        if values["airline"] is not None:
            with blame("airline"):
                find_airline(values["airline"])
        try:
            return FlightRequest(**values), places
        except RequestError as exc:
            raise ApiError.bad_input(exc.field, str(exc)) from None

    @router.get(
        "/route",
        summary="Plan a route (JSON of `overflight route --format json`)",
        responses={200: {"model": PlanWire}},
    )
    async def route(http: Request, query: Annotated[FlightQuery, Query()]) -> Response:  # type: ignore[valid-type]
        """The shortest route that avoids the denied states' airspace, and what it crosses."""
        from overflight.analysis.plan import plan_request

        def run() -> Computed:
            values = cast(BaseModel, query).model_dump()
            values["allow"] = _codes(values["allow"], "allow", limits.max_states)
            values["scenario"] = _scenario(values["scenario"])
            request, places = flight_places(values)
            if request.allow and request.scenario is None and not request.uses_registry:
                raise ApiError.bad_input(
                    "allow",
                    "allow opens states a scenario or the registry closes: give a scenario, "
                    "or operator, airline or date",
                )
            with blame(None):
                return _encoded(plan_request(request, places=places).to_dict())

        # Fuel stops take seconds: they must not hold up the routes behind them.
        lane = workers if getattr(query, "aircraft", None) else route_lane
        return json_answer(await kept.answer(answer_key(http.scope), run, lane))

    Airline = Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=3,
            description="Airline, ICAO (FIN) or IATA (AY) designator: its state operates.",
        ),
    ]
    Disputed = Annotated[str, Query(max_length=7, description=_request_help("disputed"))]
    FlightLevel = Annotated[
        int,
        Query(
            ge=FLIGHT_LEVEL_RANGE[0],
            le=FLIGHT_LEVEL_RANGE[1],
            description=_request_help("flight_level"),
        ),
    ]
    NoAdvisories = Annotated[bool, Query(description=_request_help("no_advisories"))]
    Strict = Annotated[bool, Query(description=_request_help("strict"))]
    Month = Annotated[int | None, Query(ge=1, le=12, description=_request_help("month"))]
    NoWind = Annotated[bool, Query(description=_request_help("no_wind"))]

    @router.get(
        "/compare",
        summary="Compare routes under several scenarios or deny lists",
        responses={200: {"model": ComparisonWire}},
    )
    async def compare(
        http: Request,
        origin: Origin,
        destination: Destination,
        scenario: Annotated[
            list[str],
            Query(
                max_length=limits.max_cases,
                description="A case: a built-in scenario (repeatable). Listed first.",
            ),
        ] = [],  # noqa: B006
        case: Annotated[
            list[str],
            Query(
                max_length=limits.max_cases,
                description="A case: comma-separated states to deny, no scenario ('' for none: "
                "the reference case). Repeatable; listed after the scenario cases.",
            ),
        ] = [],  # noqa: B006
        deny: Deny = [],  # noqa: B006
        on: On = None,
        operator: Operator = None,
        airline: Airline = None,
        category: Category = None,
        speed_kt: Speed = None,
        aircraft: Aircraft = None,
        disputed: Disputed = "union",
        flight_level: FlightLevel = DEFAULT_FLIGHT_LEVEL,
        no_advisories: NoAdvisories = False,
        strict: Strict = False,
        month: Month = None,
        no_wind: NoWind = False,
    ) -> Response:
        """Plan under each case and compare each with the reference (JSON of `compare`).

        Each case is planned as /api/route plans it with the same parameters. The reference
        is the case with no refusals of its own (``case=`` empty) when given, else the first.
        """
        from overflight.analysis.compare import compare_routes, reference_case, request_case
        from overflight.export.json import comparison_to_dict

        given = dict(locals())

        def run() -> Computed:
            base = flight({k: given[k] for k in _COMPARED} | {"date": on})
            names = [_scenario(s) or "" for s in scenario]
            sets = [_codes([c], "case", limits.max_states) for c in case]
            count = len(names) + len(sets)
            if not 2 <= count <= limits.max_cases:
                raise ApiError.bad_input(
                    "scenario" if scenario else "case",
                    f"{count} cases: give 2 to {limits.max_cases} in all (scenario and/or case)",
                )
            with blame("scenario"):
                cases = [request_case(dataclasses.replace(base, scenario=n)) for n in names]
            with blame("case"):
                cases += [
                    request_case(dataclasses.replace(base, deny=(*codes, *base.deny)))
                    for codes in sets
                ]
            with blame(None):
                start, end = resolve_place(origin), resolve_place(destination)
                comparison = compare_routes(
                    start, end, cases, reference=reference_case(names, case)
                )
                return _encoded(comparison_to_dict(comparison))

        return json_answer(await kept.answer(answer_key(http.scope), run, workers))

    @router.get(
        "/chokepoints",
        summary="Which further refusals hurt the route most, or cut it",
        responses={200: {"model": ChokepointsWire}},
    )
    async def chokepoints(
        http: Request,
        origin: Origin,
        destination: Destination,
        scenario: Scenario = None,
        deny: Deny = [],  # noqa: B006
        on: On = None,
        operator: Operator = None,
        airline: Airline = None,
        category: Category = None,
        margin_nm: Margin = 0.0,
        speed_kt: Speed = None,
        aircraft: Aircraft = None,
        disputed: Disputed = "union",
        flight_level: FlightLevel = DEFAULT_FLIGHT_LEVEL,
        no_advisories: NoAdvisories = False,
        strict: Strict = False,
        month: Month = None,
        no_wind: NoWind = False,
        max_set_size: Annotated[
            int,
            Query(
                ge=0,
                le=limits.max_set_size,
                description="Largest set of refusals searched for cuts.",
            ),
        ] = 2,
        budget_s: Annotated[
            float,
            Query(
                gt=0.0,
                le=limits.max_budget_s,
                allow_inf_nan=False,
                description="Stop the cut-set search after this long (the ranking completes).",
            ),
        ] = 10.0,
    ) -> Response:
        """The chokepoint ranking and cut sets (JSON of `overflight chokepoints`).

        The route ranked is the one /api/route plans with the same parameters.
        """
        from overflight.analysis.chokepoints import request_chokepoints
        from overflight.export.json import chokepoints_to_dict

        given = dict(locals())

        def run() -> Computed:
            values = {k: given[k] for k in (*_COMPARED, "margin_nm")} | {"date": on}
            request = flight(values | {"scenario": _scenario(scenario)})
            with blame(None):
                report = request_chokepoints(request, max_set_size=max_set_size, budget_s=budget_s)
                # A search the budget stopped might go further another time: not kept.
                return _encoded(chokepoints_to_dict(report), keep=report.complete)

        return json_answer(await kept.answer(answer_key(http.scope), run, workers))

    @router.get("/airports", response_model=list[PlaceOut], summary="Find airports")
    def airports(
        q: Annotated[
            str,
            Query(min_length=1, max_length=64, description="Code, or part of a name or city."),
        ],
        limit: Annotated[int, Query(ge=1, le=25, description="How many to answer.")] = 8,
    ) -> list[dict[str, Any]]:
        """Airports and airfields by code prefix, name or city, best first (for autocomplete)."""
        with blame("q"):
            return [place.to_dict() for place in search_airports(q, limit=limit)]

    @router.get("/states", response_model=list[StateOut], summary="States and their codes")
    def list_states() -> list[dict[str, Any]]:
        """Every state and territory in the shipped data, by alpha-2 code."""
        return [
            {"code": code, "code3": a.code3, "name": a.name, "sovereign": a.sovereign}
            for code, a in sorted(states().items())
        ]

    @router.get(
        "/states.geojson",
        response_class=Response,
        summary="State polygons for drawing",
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def states_display(request: Request) -> Response:
        """The shipped state polygons simplified for display (code, name, sovereign)."""
        return asset_response(request, states_geojson())

    @router.get("/scenarios", response_model=list[ScenarioOut], summary="Built-in scenarios")
    def scenarios() -> list[dict[str, Any]]:
        """The built-in permission scenarios: name, title and date."""
        return [s._asdict() for s in list_scenarios()]

    @router.get(
        "/scenarios/{name}",
        summary="What one scenario says, and which states it closes",
        responses={404: {"model": ERROR_RESPONSES[400]["model"]}},
    )
    def scenario_detail(
        name: Annotated[str, Path(max_length=80, description="A built-in scenario's name.")],
        on: On = None,
        operator: Operator = None,
        category: Category = None,
    ) -> JSONResponse:
        """The scenario's description, sources, and the states it closes for the flight."""
        from overflight.scenarios import load_scenario

        try:
            key = _scenario(name, "name") or ""
        except ApiError as exc:
            raise ApiError(404, "not_found", exc.body.message, field="name") from None
        chosen = load_scenario(key)
        with blame(None):
            p = chosen.resolve(operator_state=_operator(operator), category=category, on=on)
        data = chosen.model_dump(
            mode="json",
            include={"name", "title", "description", "date", "sources", "assumptions", "operator"},
        )
        data["resolved"] = {
            "date": p.on.isoformat(),
            "operator_state": p.operator_state,
            "category": p.category,
            "denied": list(p.overflight_denied),
            "reasons": dict(p.reasons),
        }
        return plain(data)

    @router.get("/categories", response_model=list[CategoryOut], summary="Categories of flight")
    def categories_of_flight() -> list[dict[str, Any]]:
        """The categories a request may name (``category``), each with the one it refines."""
        return [
            {"name": name, "parent": parent, "description": text}
            for name, (parent, text) in CATEGORIES.items()
        ]

    @router.get("/aircraft", response_model=list[AircraftOut], summary="Built-in aircraft")
    def aircraft_types() -> list[dict[str, Any]]:
        """The built-in aircraft profiles."""
        from overflight.aircraft import list_aircraft

        return [
            {
                "designator": p.designator,
                "name": p.name,
                "cruise_speed_kt": p.cruise_speed_kt,
                "range_km": p.range_km,
                "usable_range_km": p.usable_range_km(),
                "min_runway_m": p.min_runway_m,
                "payload": p.payload,
            }
            for p in list_aircraft()
        ]

    _world_routes(router, limits, workers)
    add_track_route(router, limits, workers)
    return router


@contextmanager
def _registry_blame(state_field: str) -> Iterator[None]:
    """Answer a library error about who flies, or when, as the fault of the parameter named.

    A request error names its own field; an unknown state is the fault of ``state_field``.
    """
    try:
        yield
    except RequestError as exc:
        raise ApiError.bad_input(exc.field, str(exc)) from None
    except UnknownAirlineError as exc:
        raise ApiError.bad_input("airline", str(exc)) from None
    except UnknownStateError as exc:
        raise ApiError.bad_input(state_field, str(exc)) from None
    except (InputError, NoRouteError) as exc:
        raise ApiError.from_library(exc) from None


def _wind_grid(month: int, step_deg: float) -> dict[str, Any]:
    """The month's mean wind at 200 hPa every ``step_deg`` degrees, as GeoJSON points."""
    import numpy as np

    from overflight.data.winds import monthly_wind

    lons = np.arange(-180.0, 180.0, step_deg)
    lats = np.arange(-90.0 + step_deg, 90.0, step_deg)
    lon, lat = np.meshgrid(lons, lats)
    u, v = monthly_wind(month).at(lon, lat)
    knots = 3600.0 / 1852.0
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(x, 3), round(y, 3)]},
            "properties": {
                "u_m_s": round(a, 1),
                "v_m_s": round(b, 1),
                "speed_kt": round(float(np.hypot(a, b)) * knots, 1),
            },
        }
        for x, y, a, b in zip(
            lon.ravel().tolist(),
            lat.ravel().tolist(),
            u.ravel().tolist(),
            v.ravel().tolist(),
            strict=True,
        )
    ]
    return {
        "type": "FeatureCollection",
        "month": month,
        "pressure_hpa": 200,
        "step_deg": step_deg,
        "features": features,
    }


class QuickRoute:
    """Answer a valid GET of ``/api/route`` without FastAPI's handling of its parameters.

    FastAPI extracts a query model field by field: 0.4 ms of the event loop per request, a
    third of what the loop spends on a planned route, where validating the model at once
    takes 0.02 ms. The same model validates the same values and the same endpoint answers, so
    the bytes are the same; a query the model refuses or with a parameter it does not declare
    passes on to FastAPI, whose error answers stay the only ones.
    """

    def __init__(self, app: ASGIApp, router: APIRouter, prefix: str) -> None:
        self.app = app
        route = next(r for r in router.routes if isinstance(r, APIRoute) and r.path == "/route")
        self.path = prefix + route.path
        self.endpoint = route.endpoint
        hint = get_type_hints(route.endpoint, include_extras=True)["query"]
        self.model: type[BaseModel] = get_args(hint)[0]
        # Parameter name -> whether it repeats (a list), as FastAPI reads them.
        self.fields = {
            f.alias or name: get_origin(f.annotation) is list
            for name, f in self.model.model_fields.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer the route, or pass the request on."""
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == self.path:
            query = self._validated(QueryParams(scope["query_string"]))
            if query is not None:
                try:
                    response = await self.endpoint(Request(scope, receive), query)
                except ApiError as exc:  # as the app's handler of ApiError answers
                    response = exc.response()
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _validated(self, params: QueryParams) -> BaseModel | None:
        """The query model of ``params``, or None for FastAPI to refuse them."""
        if any(name not in self.fields for name in params):
            return None
        values: dict[str, Any] = {}
        for name, repeated in self.fields.items():
            if repeated:
                if found := params.getlist(name):
                    values[name] = found
            elif name in params:
                values[name] = params[name]
        try:
            return self.model.model_validate(values)
        except ValidationError:
            return None


def _world_routes(router: APIRouter, limits: Limits, workers: Workers) -> None:
    """The world on a date: airlines, restrictions, advisory areas, timelines, and winds."""
    categories = "|".join(CATEGORIES)
    On = Annotated[
        dt.date | None,
        Query(alias="date", description="Day, YYYY-MM-DD, from 2014-01-01 (default today)."),
    ]
    Operator = Annotated[
        str | None,
        Query(min_length=2, max_length=3, description="State of the operator, ISO code."),
    ]
    Airline = Annotated[
        str | None,
        Query(
            min_length=2,
            max_length=3,
            description="Airline, ICAO (FIN) or IATA (AY) designator (see /api/airlines).",
        ),
    ]
    Category = Annotated[
        str | None,
        Query(
            pattern=f"^({categories})$",
            description=f"Category of flight (default civil): {', '.join(CATEGORIES)}.",
        ),
    ]

    def who(operator: str | None, airline: str | None) -> None:
        if operator is None and airline is None:
            raise ApiError.bad_input(
                "operator", "give operator (a state, ISO code) or airline (a designator)"
            )

    @router.get("/airlines", response_model=list[AirlineOut], summary="Find airlines")
    def airlines(
        q: Annotated[
            str,
            Query(min_length=1, max_length=64, description="Designator, or part of a name."),
        ],
        limit: Annotated[int, Query(ge=1, le=25, description="How many to answer.")] = 8,
    ) -> list[dict[str, Any]]:
        """Airlines by ICAO or IATA designator or name, best first (for autocomplete)."""
        return [dataclasses.asdict(a) for a in search_airlines(q, limit=limit)]

    @router.get(
        "/restrictions",
        summary="What applies to an operator on a date, or whom a state refuses",
        responses={200: {"model": RestrictionsWire}},
    )
    def restrictions(
        operator: Operator = None,
        airline: Airline = None,
        category: Category = None,
        state: Annotated[
            str | None,
            Query(min_length=2, max_length=3, description="List whom this state refuses."),
        ] = None,
        on: On = None,
    ) -> JSONResponse:
        """The registry's rules in force, with sources (JSON of `overflight restrictions`)."""
        from overflight.data.airspace import normalise_codes
        from overflight.registry import world

        if (state is None) == (operator is None and airline is None):
            raise ApiError.bad_input(
                "state" if state is not None else "operator",
                "give operator or airline (what applies to an operator), or state (whom a "
                "state refuses), not both",
            )
        w = world()
        heading: dict[str, Any]
        with _registry_blame("state" if state is not None else "operator"):
            if state is not None:
                found = w.refused_by(state, date=on)
                day = on or dt.date.today()
                heading = {"state": normalise_codes([state])[0], "date": day.isoformat()}
            else:
                answer = w.resolve(operator=operator, category=category, date=on, airline=airline)
                found = w.rules_for(operator=operator, category=category, date=on, airline=airline)
                heading = answer.to_dict()
                del heading["restrictions"]
        heading["registry_as_of"] = w.as_of.isoformat()
        rules = [r.to_dict() for r in found]
        # As `overflight restrictions -f json` answers: what made it, then the rules.
        return JSONResponse({**heading, "versions": data_versions(), "restrictions": rules})

    @router.get(
        "/advisories",
        response_class=Response,
        summary="Advisory areas binding an operator on a date (GeoJSON)",
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    async def advisories(
        operator: Operator = None,
        airline: Airline = None,
        category: Category = None,
        on: On = None,
        fl: Annotated[
            int | None,
            Query(
                ge=FLIGHT_LEVEL_RANGE[0],
                le=FLIGHT_LEVEL_RANGE[1],
                description="Only the advisories whose band holds this flight level.",
            ),
        ] = None,
    ) -> JSONResponse:
        """Each binding advisory's area, simplified for drawing, with its fields as properties.

        The GeoJSON of `overflight advisories -f geojson`. Areas keyed by FIR stand as the
        airspace of their states (the server reads no FIR file).
        """
        from overflight.export.advisories import advisories_to_geojson, binding_advisories

        who(operator, airline)

        def run() -> dict[str, Any]:
            with _registry_blame("operator"):
                found, heading = binding_advisories(
                    operator=operator, airline=airline, category=category, date=on, flight_level=fl
                )
            return advisories_to_geojson(found, heading)

        data = await workers.run(run)
        return JSONResponse(data, media_type="application/geo+json")

    @router.get(
        "/timeline",
        summary="A route at every change of the rules that concern it",
        responses={200: {"model": TimelineWire}},
    )
    async def timeline(
        origin: Annotated[str, Query(min_length=1, max_length=80, description=_PLACE_HELP)],
        destination: Annotated[str, Query(min_length=1, max_length=80, description=_PLACE_HELP)],
        start: Annotated[
            dt.date, Query(alias="from", description="First day, YYYY-MM-DD (from 2014-01-01).")
        ],
        end: Annotated[
            dt.date | None, Query(alias="to", description="Last day (default: today).")
        ] = None,
        operator: Operator = None,
        airline: Airline = None,
        category: Category = None,
        deny: Annotated[
            list[str],
            Query(description=f"States denied at every date: {_STATES_HELP}"),
        ] = [],  # noqa: B006
        allow: Annotated[
            list[str],
            Query(description=f"States opened at every date: {_STATES_HELP}"),
        ] = [],  # noqa: B006
        margin_nm: Annotated[
            float,
            Query(ge=0.0, le=MARGIN_NM_MAX, allow_inf_nan=False, description="Distance, nm."),
        ] = 0.0,
        speed_kt: Annotated[
            float,
            Query(
                ge=SPEED_KT_RANGE[0],
                le=SPEED_KT_RANGE[1],
                allow_inf_nan=False,
                description="Cruise speed, kt.",
            ),
        ] = DEFAULT_SPEED_KT,
    ) -> JSONResponse:
        """Length, penalty and states crossed between two dates (JSON of `timeline -f json`)."""
        from overflight.analysis.timeline import route_timeline

        def run() -> dict[str, Any]:
            here, there = _place(origin, "origin"), _place(destination, "destination")
            denied = _codes(deny, "deny", limits.max_states)
            opened = _codes(allow, "allow", limits.max_states)
            if end is not None and end < start:
                raise ApiError.bad_input(
                    "to", f"to {end} is before from {start}: give a last day on or after the first"
                )
            with _registry_blame("operator"):
                line = route_timeline(
                    here,
                    there,
                    operator=operator,
                    airline=airline,
                    category=category,
                    start=start,
                    end=end,
                    deny=denied,
                    allow=opened,
                    margin_nm=margin_nm,
                    speed_kt=speed_kt,
                )
            return {**line.to_dict(), "versions": data_versions()}

        return JSONResponse(await workers.run(run))

    @router.get(
        "/winds",
        response_class=Response,
        summary="Mean upper wind of a month on a coarse grid (GeoJSON points)",
        responses={200: {"content": {"application/geo+json": {}}}},
    )
    def winds(
        month: Annotated[int, Query(ge=1, le=12, description="Month, 1 (January) to 12.")],
        step_deg: Annotated[
            float,
            Query(ge=2.5, le=30.0, allow_inf_nan=False, description="Grid spacing, degrees."),
        ] = 10.0,
    ) -> JSONResponse:
        """The monthly mean wind at 200 hPa (about FL390): u, v in m/s and speed in kt."""
        return JSONResponse(_wind_grid(month, step_deg), media_type="application/geo+json")


#: Track formats by the media types clients send them as (a raw body without ``format``).
_TRACK_MEDIA = {
    "application/vnd.google-earth.kml+xml": "kml",
    "application/gpx+xml": "gpx",
    "text/csv": "csv",
    "text/tab-separated-values": "csv",
    "application/geo+json": "geojson",
    "application/json": "geojson",
    "application/vnd.apache.parquet": "parquet",
}


async def _read_body(request: Request, most: int) -> bytes:
    """The request body, refused with 413 once it passes ``most`` bytes (chunked or not)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > most:
            raise ApiError(
                413,
                "too_large",
                f"the track upload is over {most:,} bytes: at most {most:,} bytes "
                f"({most / 1e6:g} MB) are accepted; thin the track (one fix every 10 s)",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _track_upload(body: bytes, content_type: str, fmt: str | None) -> tuple[bytes, str, str]:
    """The track file of a request: (its bytes, its format, its name).

    A ``multipart/form-data`` body gives its first file part (named by its file name); any
    other body is the file itself, its format ``format`` or else its media type.
    """
    from email import policy
    from email.parser import BytesParser

    from overflight.analysis.track import FORMATS

    accepted = ", ".join(sorted({s.lstrip(".") for s in FORMATS}))
    name = "upload"
    if content_type.lower().startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
        message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
        parts = [part for part in message.iter_parts() if part.get_filename() is not None]
        if not message.is_multipart() or not parts:
            raise ApiError.bad_input(
                "file", "no file in the multipart body: send the track as a file field"
            )
        name = str(parts[0].get_filename()) or name
        payload = parts[0].get_payload(decode=True)
        body = payload if isinstance(payload, bytes) else b""
        suffix = name.rsplit(".", 1)[1] if "." in name else None
        fmt = fmt or suffix
    else:
        fmt = fmt or _TRACK_MEDIA.get(content_type.split(";")[0].strip().lower())
    if not fmt:
        raise ApiError.bad_input(
            "format",
            f"the track's format is not known: give format= ({accepted}), a file name with "
            "that suffix in a multipart upload, or a Content-Type such as text/csv",
        )
    if f".{fmt.lower().lstrip('.')}" not in FORMATS:
        raise ApiError.bad_input("format", f"unknown track format {fmt!r}: give {accepted}")
    if not body:
        raise ApiError.bad_input("file", "the track upload is empty: send the track file")
    kind = fmt.lower().lstrip(".")
    return body, kind, name if name != "upload" else f"upload.{kind}"


#: The request body of POST /api/track, as /openapi.json documents it.
_TRACK_BODY: dict[str, Any] = {
    "required": True,
    "description": "The track file: a multipart upload (field `file`), or the file itself as "
    "the body with `format` or its Content-Type.",
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        **{media: {"schema": {"type": "string", "format": "binary"}} for media in _TRACK_MEDIA},
    },
}


def add_track_route(router: APIRouter, limits: Limits, workers: Workers) -> None:
    """``POST /api/track``: an uploaded track's report (JSON of ``overflight track -f json``)."""
    States = Annotated[
        list[str],
        Query(
            description=f"States: {_STATES_HELP} At most {limits.max_states}.",
            max_length=limits.max_states,
        ),
    ]
    Place_ = Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=80,
            description=f"{_PLACE_HELP} Default: the airport at the track's end, else the fix.",
        ),
    ]

    @router.post(
        "/track",
        summary="Report a flown track (JSON of `overflight track --format json`)",
        responses={200: {"model": TrackReportWire}},
        openapi_extra={"requestBody": _TRACK_BODY},
    )
    async def track(
        request: Request,
        format: Annotated[
            str | None,
            Query(
                max_length=16,
                description="The track's format: kml, gpx, csv, geojson or parquet (default: "
                "the uploaded file's suffix, or the body's Content-Type).",
            ),
        ] = None,
        operator: Annotated[
            str | None,
            Query(min_length=2, max_length=3, description="State of the operator, ISO code."),
        ] = None,
        airline: Annotated[
            str | None,
            Query(min_length=2, max_length=3, description="Airline, ICAO or IATA designator."),
        ] = None,
        category: Annotated[
            str | None,
            Query(
                pattern=f"^({'|'.join(CATEGORIES)})$",
                description=f"Category of flight: {', '.join(CATEGORIES)}.",
            ),
        ] = None,
        on: Annotated[
            dt.date | None,
            Query(
                alias="date",
                description="The day whose rules apply, YYYY-MM-DD (default: the track's).",
            ),
        ] = None,
        deny: States = [],  # noqa: B006 - FastAPI reads the default, never mutates it
        allow: States = [],  # noqa: B006
        scenario: Annotated[
            str | None,
            Query(max_length=80, description="A built-in scenario instead of the registry."),
        ] = None,
        margin_nm: Annotated[
            float,
            Query(
                ge=0.0,
                le=MARGIN_NM_MAX,
                allow_inf_nan=False,
                description="Distance the shortest legal route keeps from closed airspace, nm.",
            ),
        ] = 0.0,
        origin: Place_ = None,
        destination: Place_ = None,
        explain: Annotated[
            bool,
            Query(
                description="Infer the smallest sets of refusals under which the shortest "
                "route follows the track."
            ),
        ] = False,
    ) -> JSONResponse:
        """What the uploaded track overflew, went around and broke, against the legal optimum.

        The body is the track file (KML, GPX, CSV, GeoJSON or Parquet), at most the size the
        command line reads; errors in it answer 400 naming the line and the value.
        """
        from overflight.analysis.track import explain_track, read_track_bytes, report_track

        body = await _read_body(request, limits.max_upload_bytes)
        content_type = request.headers.get("content-type", "")

        def run() -> dict[str, Any]:
            # Parsed here, off the event loop: a multipart body of 20 MB takes a second or two.
            data, kind, name = _track_upload(body, content_type, format)
            for field, place in (("origin", origin), ("destination", destination)):
                if place is not None:
                    _place(place, field)
            options: dict[str, Any] = {
                "operator": _operator(operator),
                "airline": airline,
                "category": category,
                "date": on,
                "deny": tuple(_codes(deny, "deny", limits.max_states)),
                "allow": tuple(_codes(allow, "allow", limits.max_states)),
                "scenario": _scenario(scenario),
                "margin_nm": margin_nm,
                "origin": origin,
                "destination": destination,
            }
            if airline is not None:
                with blame("airline"):
                    find_airline(airline)
            with blame("file"):
                flown = read_track_bytes(data, kind, source=name)
            try:
                report = report_track(flown, **options)
            except RequestError as exc:
                raise ApiError.bad_input(exc.field, str(exc)) from None
            except (InputError, NoRouteError) as exc:
                raise ApiError.from_library(exc) from None
            answer = report.to_dict()
            if explain:
                with blame(None):
                    answer["explain"] = explain_track(report).to_dict()
            return answer

        return JSONResponse(await workers.run(run))
