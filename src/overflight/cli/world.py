"""The world on a date: ``restrictions``, what the registry says applies to whom, with sources."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from overflight.analysis.request import FlightRequest
from overflight.cli._common import EXIT_BAD_INPUT, exit_on_error, fail
from overflight.cli.app import app
from overflight.cli.options import (
    AirlineOption,
    CategoryOption,
    DateOption,
    OperatorOption,
    OutputOption,
    takes_request,
)

if TYPE_CHECKING:
    from overflight.analysis.timeline import Timeline
    from overflight.registry import AppliedRule

__all__ = ["restrictions", "timeline"]


class ListFormat(StrEnum):
    """What `restrictions` writes."""

    text = "text"
    json = "json"
    csv = "csv"


#: CSV columns: the restriction objects' fields, lists joined by spaces.
CSV_COLUMNS = (
    "id",
    "event",
    "states",
    "kind",
    "categories",
    "operators",
    "airlines",
    "to_from",
    "valid_from",
    "valid_to",
    "note",
    "source_title",
    "source_publisher",
    "source_date",
    "source_url",
)


@app.command()
def restrictions(
    operator: OperatorOption = None,
    airline: AirlineOption = None,
    category: CategoryOption = None,
    state: Annotated[
        str | None,
        typer.Option("--state", help="List whom this state refuses (ISO code)."),
    ] = None,
    date: DateOption = None,
    output_format: Annotated[
        ListFormat, typer.Option("--format", "-f", help="Output format.")
    ] = ListFormat.text,
    output: OutputOption = None,
) -> None:
    """What the registry says is in force on a date, with sources.

    With --operator or --airline (and --category): every rule that concerns
    that operator's flights. With --state: every refusal by that state.
    """
    from overflight.data.airspace import normalise_codes
    from overflight.registry import world

    if (state is None) == (operator is None and airline is None):
        raise fail(
            "give --operator or --airline (what applies to an operator), or --state (whom a "
            "state refuses), not both",
            EXIT_BAD_INPUT,
        )
    day = date.date() if date is not None else dt.date.today()
    with exit_on_error():
        w = world()
        if state is not None:
            found = w.refused_by(state, date=day)
            heading = {"state": normalise_codes([state])[0], "date": day.isoformat()}
        else:
            # Resolving checks the operator, the airline, the category and the date.
            answer = w.resolve(operator=operator, category=category, date=day, airline=airline)
            found = w.rules_for(operator=operator, category=category, date=day, airline=airline)
            heading = {
                k: v for k, v in answer.to_dict().items() if k not in ("restrictions", "warnings")
            }
            for warning in answer.warnings:
                Console(stderr=True).print(f"[yellow]warning:[/] {warning}", highlight=False)
    heading["registry_as_of"] = w.as_of.isoformat()
    if output_format is ListFormat.text and output is None:
        Console().print(_table(found, heading))
        return
    text = _render(found, heading, output_format)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _render(found: tuple[AppliedRule, ...], heading: dict[str, Any], fmt: ListFormat) -> str:
    if fmt is ListFormat.json:
        from overflight.analysis.versions import data_versions

        data = {
            **heading,
            "versions": data_versions(),
            "restrictions": [r.to_dict() for r in found],
        }
        return json.dumps(data, indent=2) + "\n"
    if fmt is ListFormat.csv:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for rule in found:
            data = rule.to_dict()
            writer.writerow(
                " ".join(v) if isinstance(v := data[c], list) else ("" if v is None else v)
                for c in CSV_COLUMNS
            )
        return out.getvalue()
    console = Console(file=io.StringIO(), width=160)
    console.print(_table(found, heading))
    return str(console.file.getvalue())  # type: ignore[attr-defined]


def _table(found: tuple[AppliedRule, ...], heading: dict[str, Any]) -> Table:
    who = ", ".join(f"{k} {v}" for k, v in heading.items() if v is not None)
    table = Table(title=f"{len(found)} rule(s) in force: {who}", title_justify="left")
    table.add_column("states", max_width=12)
    table.add_column("decides", max_width=10)
    table.add_column("for", max_width=14)
    table.add_column("in force", max_width=12)
    table.add_column("rule, note and source", ratio=1, overflow="fold")
    for rule in found:
        limited = [
            " ".join(rule.categories),
            " ".join(rule.operators) and f"operators {' '.join(rule.operators)}",
            " ".join(rule.airlines) and f"airlines {' '.join(rule.airlines)}",
            " ".join(rule.to_from) and f"to/from {' '.join(rule.to_from)}",
        ]
        source = rule.source
        cited = ", ".join(
            x for x in (source.publisher, source.date.isoformat() if source.date else None) if x
        )
        table.add_row(
            " ".join(rule.states),
            rule.kind,
            "; ".join(x for x in limited if x) or "everyone",
            f"{rule.valid_from or 'before'} to {rule.valid_to or 'now'}",
            Text.assemble(
                (rule.id, "bold"), f"\n{rule.note}\n{source.title} ({cited})\n{source.url}"
            ),
        )
    return table


class TimelineFormat(StrEnum):
    """What `timeline` writes (a PNG or SVG step chart is chosen by the output's suffix too)."""

    text = "text"
    json = "json"
    csv = "csv"
    png = "png"
    svg = "svg"


@app.command()
@takes_request(
    without=(
        "scenario",
        "date",
        "aircraft",
        "ground_time_h",
        "max_stops",
        "via",
        "stop_pool",
        "allow_disputed_stops",
        "optimise",
    )
)
def timeline(
    request: FlightRequest,
    start: Annotated[
        dt.datetime,
        typer.Option("--from", formats=["%Y-%m-%d"], help="First day (from 2014-01-01)."),
    ],
    end: Annotated[
        dt.datetime | None,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last day (default: today)."),
    ] = None,
    output_format: Annotated[
        TimelineFormat | None,
        typer.Option("--format", "-f", help="Output format (default: text, or the -o suffix)."),
    ] = None,
    output: OutputOption = None,
) -> None:
    """A route at every change of the registry's rules that concern it, between two dates.

    Its length, penalty and states crossed, step by step, with the rules that
    began or ended; as a table, JSON, CSV, or a step chart (PNG/SVG). Each step
    is planned as `route` plans it on that date (advisories at --fl, --disputed);
    wind times are in the mean wind of --month.
    """
    from overflight.analysis.timeline import request_timeline
    from overflight.routing.graph import use_compiled_queries

    chosen = output_format or _format_of(output)
    use_compiled_queries(False)  # a few routes: the compiler would cost more than it saves
    with exit_on_error():
        line = request_timeline(
            request, start=start.date(), end=end.date() if end is not None else None
        )
    if chosen in (TimelineFormat.png, TimelineFormat.svg):
        from overflight.export.timeline import timeline_to_png, timeline_to_svg

        if output is None:
            raise fail(f"a {chosen} chart needs -o FILE", EXIT_BAD_INPUT)
        if chosen is TimelineFormat.png:
            output.write_bytes(timeline_to_png(line))
        else:
            output.write_text(timeline_to_svg(line), encoding="utf-8")
        return
    if chosen is TimelineFormat.json:
        from overflight.analysis.versions import data_versions

        text = json.dumps({**line.to_dict(), "versions": data_versions()}, indent=2) + "\n"
    elif chosen is TimelineFormat.csv:
        from overflight.export.timeline import timeline_to_csv

        text = timeline_to_csv(line)
    else:
        if output is None:
            Console().print(_timeline_table(line), *_notes(line))
            return
        console = Console(file=io.StringIO(), width=160)
        console.print(_timeline_table(line), *_notes(line))
        text = str(console.file.getvalue())  # type: ignore[attr-defined]
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _notes(line: Timeline) -> list[Text]:
    """What the steps do not account for (no advisory layer applied)."""
    return [Text(f"note: {remark}", style="yellow") for remark in line.remarks]


def _format_of(output: Path | None) -> TimelineFormat:
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    return TimelineFormat(suffix) if suffix in TimelineFormat.__members__ else TimelineFormat.text


def _timeline_table(line: Timeline) -> Table:
    who = " ".join(x for x in (line.airline or line.operator, line.category) if x)
    table = Table(
        title=(
            f"{line.origin.code} → {line.destination.code}, {who} flight, {line.start} to "
            f"{line.end}: {len(line.steps)} step(s), {line.plans} planned"
        ),
        title_justify="left",
    )
    wind = () if line.month is None else (f"wind, month {line.month}",)
    columns = ("from", "to", "km", "penalty", "time", *wind, "states crossed", "rules changed")
    for column in columns:
        table.add_column(column, justify="right" if column in ("km", "penalty") else "left")
    for step in line.steps:
        r, time = step.route, step.time
        changed = [*(f"+{i}" for i in step.began), *(f"-{i}" for i in step.ended)]
        winds = () if not wind else (f"{time.wind_h:.2f} h" if time else "-",)
        table.add_row(
            step.start.isoformat(),
            step.end.isoformat(),
            f"{r.distance_km:,.0f}" if r else "-",
            f"+{r.extra_pct:.1f} %" if r else "-",
            f"{r.duration_h:.2f} h" if r else "-",
            *winds,
            " ".join(step.states) if r else (step.error or ""),
            "\n".join(changed),
        )
    return table
