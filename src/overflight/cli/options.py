"""The options of a flight request, declared once for every command that plans one.

Each alias is an ``Annotated`` type that carries its typer declaration, so a command states
``deny: DenyOption = []`` and every command spells, documents and parses the option alike.
:func:`takes_request` gives a command all the request options at once and hands them to it as
one :class:`~overflight.analysis.request.FlightRequest`, made by :func:`flight_request`: a new
request field is a new line in :data:`REQUEST_OPTIONS`.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Collection
from pathlib import Path
from typing import Annotated, Any, overload

import typer

from overflight.analysis.request import FlightRequest
from overflight.cli._common import EXIT_BAD_INPUT, fail
from overflight.errors import RequestError

__all__ = [
    "AdvisoriesFileOption",
    "AircraftOption",
    "AirlineOption",
    "AllowDisputedStopsOption",
    "AllowOption",
    "AvoidOption",
    "CategoryOption",
    "DateOption",
    "DenyOption",
    "DestinationArgument",
    "DisputedOption",
    "FirFileOption",
    "FirIdPropertyOption",
    "FlightLevelOption",
    "GroundTimeOption",
    "MarginOption",
    "MaxStopsOption",
    "MonthOption",
    "NoAdvisoriesOption",
    "NoWindOption",
    "OperatorOption",
    "OptimiseOption",
    "OriginArgument",
    "OutputOption",
    "ScenarioOption",
    "SpeedOption",
    "StopPoolOption",
    "StrictOption",
    "ViaOption",
    "codes",
    "flight_request",
    "takes_request",
]

_PLACE_HELP = "ICAO/IATA code, airfield id, or 'lat,lon'."

OriginArgument = Annotated[str, typer.Argument(help=_PLACE_HELP)]
DestinationArgument = Annotated[str, typer.Argument(help=_PLACE_HELP)]
DenyOption = Annotated[
    list[str],
    typer.Option("--deny", "-d", help="States to avoid: ISO alpha-2/3 codes, comma-separated."),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option("--scenario", "-s", help="Built-in scenario name or scenario YAML file."),
]
AllowOption = Annotated[
    list[str], typer.Option("--allow", help="States to open on top of the scenario.")
]
DateOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--date",
        formats=["%Y-%m-%d"],
        help="Date of the flight: the rules in force that day (registry or scenario).",
    ),
]
OperatorOption = Annotated[
    str | None,
    typer.Option("--operator", help="State of the operator, ISO code (registry or scenario)."),
]
AirlineOption = Annotated[
    str | None,
    typer.Option("--airline", help="Airline, ICAO (FIN) or IATA (AY) code: its state operates."),
]
CategoryOption = Annotated[
    str | None, typer.Option("--category", help="Flight category, e.g. civil or state.")
]
AvoidOption = Annotated[
    list[Path], typer.Option("--avoid", help="GeoJSON polygons to keep out of.")
]
MarginOption = Annotated[
    float, typer.Option("--margin-nm", help="Distance to keep from denied airspace.")
]
SpeedOption = Annotated[
    float | None,
    typer.Option("--speed-kt", help="Cruise speed (default 450, or the aircraft's)."),
]
AircraftOption = Annotated[
    str | None, typer.Option("--aircraft", help="Aircraft type (e.g. B788) or profile YAML.")
]
GroundTimeOption = Annotated[
    float, typer.Option("--ground-time-h", help="Time on the ground at each fuel stop.")
]
MaxStopsOption = Annotated[int, typer.Option("--max-stops", help="Most fuel stops to plan.")]
ViaOption = Annotated[
    list[str],
    typer.Option("--via", help="Forced fuel stop: airport code (repeat, in order)."),
]
StopPoolOption = Annotated[
    Path | None,
    typer.Option(
        "--stop-pool",
        help="File of airports fuel stops may be made at (one code a line, or CSV with an "
        "icao column).",
    ),
]
AllowDisputedStopsOption = Annotated[
    bool,
    typer.Option("--allow-disputed-stops", help="Allow fuel stops in disputed or occupied areas."),
]
DisputedOption = Annotated[
    str,
    typer.Option(
        "--disputed",
        help="union (disputed areas closed when a claimant refuses, except an endpoint held "
        "by a permitted state) or control (open wherever a permitted state holds them).",
    ),
]
FlightLevelOption = Annotated[
    int, typer.Option("--fl", help="Cruise flight level, hundreds of feet (0 to 600).")
]
NoAdvisoriesOption = Annotated[
    bool,
    typer.Option(
        "--no-advisories",
        help="Plan without conflict-zone advisories (applied when the registry decides).",
    ),
]
StrictOption = Annotated[
    bool, typer.Option("--strict", help="Keep out of advisories of severity caution too.")
]
AdvisoriesFileOption = Annotated[
    Path | None,
    typer.Option("--advisories", help="YAML file of further advisories (format: ADVISORIES.md)."),
]
FirFileOption = Annotated[
    Path | None,
    typer.Option(
        "--fir-file",
        help="GeoJSON of FIR outlines (e.g. VATSpy Boundaries.geojson): FIR-keyed advisories, "
        "the FIRs crossed and the EET.",
    ),
]
FirIdPropertyOption = Annotated[
    str,
    typer.Option("--fir-id-property", help="Property of the FIR file holding the FIR id."),
]
MonthOption = Annotated[
    int | None,
    typer.Option("--month", help="Month of the mean upper wind, 1-12 (default: of --date)."),
]
NoWindOption = Annotated[
    bool, typer.Option("--no-wind", help="Still air: no wind, whatever the month.")
]
OptimiseOption = Annotated[
    str,
    typer.Option(
        "--optimise", help="distance (shortest) or time (fastest distinct route in the wind)."
    ),
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")
]


def codes(values: list[str]) -> list[str]:
    """Codes given as repeated options and/or comma-separated lists.

    >>> codes(["BG,GR", " TR "])
    ['BG', 'GR', 'TR']
    """
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


_KW = inspect.Parameter.KEYWORD_ONLY

#: Every request option: (field of FlightRequest, typer declaration, default). The order is the
#: order of --help.
REQUEST_OPTIONS: tuple[tuple[str, Any, Any], ...] = (
    ("origin", OriginArgument, inspect.Parameter.empty),
    ("destination", DestinationArgument, inspect.Parameter.empty),
    ("deny", DenyOption, []),
    ("scenario", ScenarioOption, None),
    ("allow", AllowOption, []),
    ("date", DateOption, None),
    ("operator", OperatorOption, None),
    ("airline", AirlineOption, None),
    ("category", CategoryOption, None),
    ("avoid", AvoidOption, []),
    ("margin_nm", MarginOption, 0.0),
    ("speed_kt", SpeedOption, None),
    ("aircraft", AircraftOption, None),
    ("ground_time_h", GroundTimeOption, 1.0),
    ("max_stops", MaxStopsOption, 3),
    ("via", ViaOption, []),
    ("stop_pool", StopPoolOption, None),
    ("allow_disputed_stops", AllowDisputedStopsOption, False),
    ("disputed", DisputedOption, "union"),
    ("flight_level", FlightLevelOption, 350),
    ("no_advisories", NoAdvisoriesOption, False),
    ("strict", StrictOption, False),
    ("advisories_file", AdvisoriesFileOption, None),
    ("fir_file", FirFileOption, None),
    ("fir_id_property", FirIdPropertyOption, "id"),
    ("month", MonthOption, None),
    ("no_wind", NoWindOption, False),
    ("optimise", OptimiseOption, "distance"),
)


def _spelled(name: str, declaration: Any) -> str:
    """How the command line spells a field: its long option (``--margin-nm``), or its name."""
    info = declaration.__metadata__[0]
    # In an Annotated declaration typer holds the first name as the "default".
    declared = [info.default, *(getattr(info, "param_decls", ()) or ())]
    long = [d for d in declared if isinstance(d, str) and d.startswith("--")]
    return long[0] if long else name


#: How the command line spells each field, for messages.
OPTION_NAMES = {name: _spelled(name, declaration) for name, declaration, _ in REQUEST_OPTIONS}


def flight_request(**options: Any) -> FlightRequest:
    """The request that the command-line options state: the one place options become one.

    Raises InputError naming the option, its value and what is accepted.
    """
    if isinstance(options.get("date"), dt.datetime):
        options["date"] = options["date"].date()
    try:
        return FlightRequest(**options)
    except RequestError as exc:
        raise exc.spelled(OPTION_NAMES) from None


@overload
def takes_request(command: Callable[..., None]) -> Callable[..., None]: ...


@overload
def takes_request(
    *, without: Collection[str]
) -> Callable[[Callable[..., None]], Callable[..., None]]: ...


def takes_request(
    command: Callable[..., None] | None = None, *, without: Collection[str] = ()
) -> Any:
    """Give a planning command every request option; it is called with ``request=``.

    The command declares ``request: FlightRequest`` first, then its own options. Used bare
    (``@takes_request``) or with the fields a command does not take, which keep their
    defaults (``@takes_request(without=("via",))``).
    """
    if command is None:
        return functools.partial(_takes_request, without=frozenset(without))
    return _takes_request(command, without=frozenset(without))


def _takes_request(command: Callable[..., None], *, without: frozenset[str]) -> Callable[..., None]:
    unknown = without - {name for name, _, _ in REQUEST_OPTIONS}
    if unknown:
        raise ValueError(f"not request fields: {', '.join(sorted(unknown))}")
    # Evaluated: typer reads the declarations, and a module may postpone its annotations.
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "request"]
    declared = [
        inspect.Parameter(name, _KW, annotation=annotation, default=default)
        for name, annotation, default in REQUEST_OPTIONS
        if name not in without
    ]
    parameters = [*declared, *(p.replace(kind=_KW) for p in own)]
    fields = {name for name, _, _ in REQUEST_OPTIONS} - without

    @functools.wraps(command)
    def run(**values: Any) -> None:
        try:
            request = flight_request(**{k: values.pop(k) for k in list(values) if k in fields})
        except RequestError as exc:
            raise fail(str(exc), EXIT_BAD_INPUT) from None
        command(request=request, **values)

    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run
