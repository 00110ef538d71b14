"""The ``compare`` and ``chokepoints`` commands.

Both write a text table (rich) or, with ``--format json``, the JSON documented in
:mod:`overflight.analysis.compare` and :mod:`overflight.analysis.chokepoints`. Exit status as
for ``route``: 0 success, 2 bad input, 3 no route possible (``chokepoints`` only: the baseline
itself has no route; its message names the smallest set of refusals responsible).
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from overflight.analysis.request import FlightRequest
from overflight.cli._common import EXIT_NO_ROUTE, exit_on_error, fail
from overflight.cli.app import app
from overflight.cli.options import OutputOption, codes, takes_request
from overflight.cli.render import render_place_notes
from overflight.data.airports import resolve_place
from overflight.errors import InputError, NoRouteError
from overflight.export.json import chokepoints_to_dict, comparison_to_dict

if TYPE_CHECKING:
    from overflight.analysis import Case, ChokepointReport, Comparison, StopPlan

__all__ = ["chokepoints", "compare"]


class TableFormat(StrEnum):
    """What `compare` and `chokepoints` write."""

    text = "text"
    json = "json"


def _hours(h: float | None) -> str:
    if h is None:
        return "-"
    sign = "-" if h < 0 else ""
    minutes = round(abs(h) * 60.0)
    return f"{sign}{minutes // 60}h{minutes % 60:02d}"


def _km(km: float | None, *, signed: bool = False) -> str:
    if km is None:
        return "-"
    return f"{km:+,.0f}" if signed else f"{km:,.0f}"


def render_comparison(comparison: Comparison) -> Group:
    """The cases side by side, then each one's difference from the reference."""
    c = comparison
    title = Text(
        f"{c.origin.code} → {c.destination.code}   great circle {c.great_circle_km:,.0f} km",
        style="bold",
    )
    with_range = any(r.case.aircraft is not None for r in c.results)
    title_of = "cases" if c.month is None else f"cases (wind: mean of month {c.month})"
    cases = Table("case", "km", "time", "extra km", "extra %", "clearances", title=title_of)
    cases.columns[0].no_wrap = True
    if c.month is not None:
        cases.add_column("wind time")
    if with_range:
        cases.add_column("in range")
    for r in c.results:
        row = [
            r.label,
            _km(r.distance_km),
            _hours(r.duration_h),
            _km(r.extra_km),
            "-" if r.extra_pct is None else f"{r.extra_pct:.1f}",
            " ".join(r.clearances) if r.route else f"no route: {r.error}",
        ]
        if c.month is not None:
            row.append(_hours(r.time.wind_h if r.time is not None else None))
        if with_range:
            verdict = {None: "-", True: "yes", False: "no"}[r.within_range]
            if r.fuel_stops:
                verdict += f": via {' '.join(r.fuel_stops)}, {_hours(r.total_time_h)} in all"
            elif r.stop_error:
                verdict += f": no fuel-stop plan ({r.stop_error})"
            row.append(verdict)
        cases.add_row(*row)
    parts: list[Table | Text] = [title, cases]
    if c.differences:
        diffs = Table(
            "against",
            "case",
            "Δ km",
            "Δ time",
            "added",
            "removed",
            title=f"changes against the reference, {c.reference}",
        )
        for d in c.differences:
            diffs.add_row(
                d.from_label,
                d.to_label,
                _km(d.delta_km, signed=True),
                ("+" if (d.delta_h or 0.0) >= 0 else "") + _hours(d.delta_h),
                " ".join(d.states_added),
                " ".join(d.states_removed),
            )
        for column in diffs.columns[:2]:
            column.no_wrap = True
        parts.append(diffs)
    return Group(*parts)


def _remarks(remarks: tuple[str, ...]) -> list[Text]:
    """What the answers do not account for (no advisory layer applied)."""
    return [Text(f"note: {remark}", style="yellow") for remark in remarks]


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _render_text(renderable: Group, output: Path | None) -> None:
    if output is None:
        Console().print(renderable)
        return
    console = Console(record=True, width=120, file=io.StringIO())
    console.print(renderable)
    _write(console.export_text(), output)


@app.command()
@takes_request(without=("scenario", "via", "stop_pool", "optimise"))
def compare(
    request: FlightRequest,
    scenario: Annotated[
        list[str],
        typer.Option(
            "--scenario", "-s", help="A case: built-in scenario name or YAML file (repeatable)."
        ),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
    case: Annotated[
        list[str],
        typer.Option(
            "--case",
            help="A case: comma-separated states to deny on top of --deny, no scenario ('' "
            "for none: the reference). Listed after the scenario cases.",
        ),
    ] = [],  # noqa: B006
    output_format: Annotated[
        TableFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TableFormat.text,
    output: OutputOption = None,
) -> None:
    """Compare routes under several scenarios or denied lists.

    Each case is planned as `route` plans it with the options given (the registry
    with --operator, --airline or --date; advisories at --fl; --disputed; winds of
    --month or of the --date's month). Each case is compared with a reference: the
    case with no refusals of its own (--case '') when given, so that every penalty
    is the cost of refusals, zero or more; otherwise the first case. The JSON names
    it in "reference".
    """
    # The analysis layer loads scipy and the scenario models: only when asked for.
    from overflight.analysis.compare import compare_routes, reference_case, request_case

    with exit_on_error():
        cases: list[Case] = [request_case(replace(request, scenario=name)) for name in scenario]
        cases += [request_case(replace(request, deny=(*codes([c]), *request.deny))) for c in case]
        if len(cases) < 2:
            raise InputError(
                "compare needs two or more cases: give --scenario and/or --case at least twice"
            )
        start, end = resolve_place(request.origin), resolve_place(request.destination)
        comparison = compare_routes(start, end, cases, reference=reference_case(scenario, case))
    if output_format is TableFormat.json:
        _write(json.dumps(comparison_to_dict(comparison), indent=2) + "\n", output)
    else:
        notes = render_place_notes(start, end)
        remarks = _remarks(comparison.remarks)
        _render_text(Group(*notes, render_comparison(comparison), *remarks), output)


def _fuel_stops(stops: StopPlan | None) -> str:
    """How a plan beyond the aircraft's range still flies: its fuel stops."""
    if stops is None:
        return ""
    return f"no: fuel stop at {', '.join(f'{p.code} {p.name}' for p in stops.stops)}"


def render_chokepoints(report: ChokepointReport) -> Group:
    """The baseline, the ranking of the states it crosses, and the sets that cut it."""
    base, time = report.baseline, report.time
    wind = ""
    if time is not None and time.month is not None:
        wind = f" in still air, {_hours(time.wind_h)} in the wind of month {time.month}"
    title = Text(
        f"{base.origin.code} → {base.destination.code}   route {base.distance_km:,.0f} km, "
        f"{_hours(base.duration_h)}{wind}",
        style="bold",
    )
    ranking = Table("state", "name", "extra km", "extra time", "cuts", title="if refused too")
    for p in report.ranking:
        ranking.add_row(
            p.country,
            p.name,
            "no route" if p.route is None else _km(p.extra_km, signed=True),
            _hours(p.extra_h),
            "yes" if p.cuts else _fuel_stops(p.stops),
        )
    sets = ", ".join("+".join(s) for s in report.cut_sets) or "none"
    note = "" if report.complete else " (time budget reached: search incomplete)"
    footer = Text(
        f"sets of up to {report.max_set_size} that cut the route: {sets}{note}\n"
        f"{report.plans} plans in {report.seconds:.1f} s"
    )
    return Group(title, ranking, footer)


@app.command()
@takes_request(without=("via", "stop_pool", "optimise", "ground_time_h", "allow_disputed_stops"))
def chokepoints(
    request: FlightRequest,
    max_set_size: Annotated[
        int, typer.Option("--max-set-size", help="Largest set of refusals searched for cuts.")
    ] = 3,
    budget_s: Annotated[
        float | None,
        typer.Option(
            "--budget-s",
            help="Stop the cut-set search after this long (the ranking always completes); "
            "0 for no limit.",
        ),
    ] = 30.0,
    output_format: Annotated[
        TableFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TableFormat.text,
    output: OutputOption = None,
) -> None:
    """Which states' further refusal hurts the route most, and which sets of them cut it.

    The route is the one `route` plans with the same options. With --aircraft, a
    refusal cuts when no route is left within its range and no plan with fuel
    stops either (as route --deny X --aircraft finds).
    """
    from overflight.analysis.chokepoints import request_chokepoints

    with exit_on_error():
        try:
            report = request_chokepoints(
                request, max_set_size=max_set_size, budget_s=budget_s or None
            )
        except NoRouteError as exc:  # its message names the refusals responsible
            raise fail(str(exc), EXIT_NO_ROUTE) from None
    if output_format is TableFormat.json:
        _write(json.dumps(chokepoints_to_dict(report), indent=2) + "\n", output)
    else:
        notes = render_place_notes(report.baseline.origin, report.baseline.destination)
        remarks = _remarks(report.remarks)
        _render_text(Group(*notes, render_chokepoints(report), *remarks), output)
