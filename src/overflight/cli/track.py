"""The ``track`` command: what a flown track overflew, went around and broke.

Reads a KML, GPX, CSV, GeoJSON or Parquet track (see :mod:`overflight.analysis.track`) and
writes its report as text (rich), JSON or GeoJSON (the track, its gaps, the stretches in
closed airspace and the shortest legal route). Exit status as for ``route``: 0 success,
2 bad input (a file that cannot be read names its line and value), 3 no route possible.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from overflight.cli._common import exit_on_error, fail
from overflight.cli.app import app
from overflight.cli.options import (
    AirlineOption,
    AllowOption,
    CategoryOption,
    DateOption,
    DenyOption,
    MarginOption,
    OperatorOption,
    OutputOption,
    ScenarioOption,
    codes,
)
from overflight.errors import InputError

if TYPE_CHECKING:
    import datetime as dt

    from overflight.analysis.track import Explanations, TrackReport

__all__ = ["render_track_report", "track"]


class TrackFormat(StrEnum):
    """What ``track`` writes."""

    text = "text"
    json = "json"
    geojson = "geojson"


def _time(when: dt.datetime | None) -> str:
    return "-" if when is None else when.strftime("%H:%M:%S")


def _hours(h: float | None) -> str:
    if h is None:
        return "-"
    minutes = round(abs(h) * 60.0)
    return f"{'-' if h < 0 else ''}{minutes // 60}h{minutes % 60:02d}"


def render_track_report(report: TrackReport, answer: Explanations | None = None) -> Group:
    """The report as rich text: the track, states in order, approaches, optimum, violations."""
    t = report.track
    head = Text(
        f"{report.origin.code} → {report.destination.code}   {t.source}   "
        f"{len(t.points):,} fixes   {t.distance_km:,.0f} km   {_hours(t.duration_h)}",
        style="bold",
    )
    parts: list[Text | Table | Group] = [head]
    if report.date is not None:
        parts.append(Text(f"rules in force on {report.date}"))
    for gap in t.gaps:
        minutes = "" if gap.minutes is None else f", {gap.minutes:,.0f} min"
        parts.append(
            Text(
                f"gap in coverage after fix {gap.after + 1}: {gap.distance_km:,.0f} km{minutes}, "
                "bridged by the great circle",
                style="yellow",
            )
        )
    crossed = Table("state", "entry", "exit", "km", "time", "entered at", title="overflown")
    for o in report.overflown:
        crossed.add_row(
            f"{o.transit.country} {o.transit.name}",
            _time(o.entry_time),
            _time(o.exit_time),
            f"{o.transit.distance_km:,.0f}",
            _hours(o.duration_h),
            f"{o.transit.entry.lat:.3f}, {o.transit.entry.lon:.3f}",
        )
    parts.append(crossed)
    parts.append(Text(f"high seas {report.high_seas_km:,.0f} km"))
    if report.straits:
        parts.append(Text(f"straits: {', '.join(report.straits)}"))
    if report.approaches:
        near = Table("state", "closest km", "closest nm", "km within 30 km", "", title="approached")
        for a in report.approaches:
            near.add_row(
                f"{a.country} {a.name}",
                f"{a.closest_km:,.1f}",
                f"{a.closest_km / 1.852:,.1f}",
                f"{a.skirting_km:,.0f}",
                "skirted" if a.skirted else "",
            )
        parts.append(near)
    if report.optimum is not None:
        r = report.optimum.route
        parts.append(
            Text(
                f"shortest legal route {r.distance_km:,.0f} km via "
                f"{' '.join(x.country for x in r.transit)}; detour "
                f"{report.detour_km:+,.0f} km, {report.detour_min:+,.0f} min"
            )
        )
    else:
        parts.append(Text(f"no legal route: {report.no_route}", style="red"))
    if report.violations:
        bad = Table("state", "entry", "exit", "km", "rules", title="violations", style="red")
        for v in report.violations:
            c = v.crossing
            bad.add_row(
                f"{c.transit.country} {c.transit.name}",
                _time(c.entry_time),
                _time(c.exit_time),
                f"{c.transit.distance_km:,.0f}",
                "\n".join(v.rules),
            )
        parts.append(bad)
    else:
        parts.append(Text("no crossing of closed airspace", style="green"))
    for p in report.transit_passages:
        c = p.crossing
        parts.append(
            Text(
                f"transit passage: {c.transit.country} {c.transit.name}, "
                f"{c.transit.distance_km:,.0f} km in the {p.strait_name} corridor "
                f"({_time(c.entry_time)} to {_time(c.exit_time)}): closed to the flight, "
                "crossed by right (UNCLOS art. 38), no violation",
                style="cyan",
            )
        )
    if answer is not None:
        parts.append(_render_explanations(answer))
    return Group(*parts)


def _render_explanations(answer: Explanations) -> Group:
    """The sets of refusals found, as an inference."""
    head = Text(
        "inferred: refusals under which the shortest route follows the track (mean distance "
        f"≤ {answer.tolerance_km:g} km; without any, {answer.free_mean_km:,.0f} km); the "
        "operator may also have kept out of these states on its own",
        style="italic",
    )
    if answer.unexplained is not None:
        return Group(head, Text(answer.unexplained, style="yellow"))
    table = Table("refused", "in force", "not in force", "mean km", "route km")
    for e in answer.explanations:
        table.add_row(
            " ".join(e.refused),
            " ".join(e.in_force) or "-",
            " ".join(c for c in e.refused if c not in e.in_force) or "-",
            f"{e.mean_km:,.1f}",
            f"{e.route.distance_km:,.0f}",
        )
    done = "" if answer.complete else "; smallest sets not proven (search stopped early)"
    note = Text(f"{answer.plans} plans, {answer.seconds:.1f} s{done}")
    return Group(head, table, note)


@app.command()
def track(
    file: Annotated[Path, typer.Argument(help="Track file: .kml, .gpx, .csv, .geojson, .parquet.")],
    deny: DenyOption = [],  # noqa: B006 - typer reads the default, never mutates it
    allow: AllowOption = [],  # noqa: B006
    scenario: ScenarioOption = None,
    margin_nm: MarginOption = 0.0,
    date: DateOption = None,
    operator: OperatorOption = None,
    airline: AirlineOption = None,
    category: CategoryOption = None,
    origin: Annotated[
        str | None, typer.Option("--origin", help="Where it flew from (default: from the track).")
    ] = None,
    destination: Annotated[
        str | None,
        typer.Option("--destination", help="Where it flew to (default: from the track)."),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Infer the smallest sets of refusals under which the shortest route "
            "follows the track.",
        ),
    ] = False,
    map_file: Annotated[
        Path | None,
        typer.Option(
            "--map",
            help="Also draw the track and the optimum: a .png or .svg file, or an .html page "
            "(interactive, works offline).",
        ),
    ] = None,
    output_format: Annotated[
        TrackFormat, typer.Option("--format", "-f", help="Output format.")
    ] = TrackFormat.text,
    output: OutputOption = None,
) -> None:
    """What a flown track overflew, which states it went around, its detour and violations.

    FILE may be a folder: every track file in it is reported, one row (or JSON object)
    each; a file that cannot be read is reported as such and the others go on (exit 2).

    The rules are the registry's for --operator/--airline/--category on the track's date
    (or --date), or a --scenario's, with --deny on top. With -o FILE.json the JSON report
    is written; with -o FILE.geojson the GeoJSON.
    """
    from overflight.analysis.track import explain_track, read_track, report_track

    options: dict[str, Any] = {
        "operator": operator,
        "category": category,
        "airline": airline,
        "date": None if date is None else date.date(),
        "deny": tuple(codes(deny)),
        "allow": tuple(codes(allow)),
        "scenario": scenario,
        "margin_nm": margin_nm,
    }
    if file.is_dir():
        if map_file is not None or origin or destination:
            raise fail("a folder of tracks takes no --map, --origin or --destination", 2)
        _folder(
            file,
            options,
            explain=explain,
            as_json=output_format is not TrackFormat.text
            or (output is not None and output.suffix.lower() == ".json"),
            output=output,
        )
        return
    answer = None
    with exit_on_error():
        if map_file is not None and map_file.suffix.lower() not in (".png", ".svg", ".html"):
            raise InputError(f"--map {map_file}: give a file name ending in .png, .svg or .html")
        report = report_track(
            read_track(file),
            **options,
            origin=origin,
            destination=destination,
        )
        if explain:
            answer = explain_track(report)
    if map_file is not None:
        from overflight.export.trackmap import track_report_to_html, track_report_to_image

        kind = map_file.suffix.lower().lstrip(".")
        if kind == "html":
            map_file.write_text(track_report_to_html(report), encoding="utf-8")
        else:
            map_file.write_bytes(track_report_to_image(report, image_format=kind))
    chosen = output_format
    if output is not None and chosen is TrackFormat.text:
        chosen = {".json": TrackFormat.json, ".geojson": TrackFormat.geojson}.get(
            output.suffix.lower(), TrackFormat.text
        )
    if chosen is TrackFormat.text:
        if output is None:
            Console().print(render_track_report(report, answer))
        else:
            with output.open("w", encoding="utf-8") as f:
                Console(file=f, width=120).print(render_track_report(report, answer))
        return
    if chosen is TrackFormat.json:
        data = report.to_dict()
        if answer is not None:
            data["explain"] = answer.to_dict()
        text = json.dumps(data, indent=2) + "\n"
    else:
        from overflight.export.track import track_report_to_geojson

        text = json.dumps(track_report_to_geojson(report)) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def _folder(
    folder: Path, options: dict[str, Any], *, explain: bool, as_json: bool, output: Path | None
) -> None:
    """Report every track file of a folder: a table, or a JSON list; bad files named."""
    from overflight.analysis.track import FORMATS, explain_track, read_track, report_track
    from overflight.errors import OverflightError

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in FORMATS and p.is_file())
    if not files:
        raise fail(f"{folder}: no track files (give {', '.join(sorted(FORMATS))})", 2)
    rows: list[dict[str, Any]] = []
    table = Table("file", "route", "km", "states", "violations", "detour km", "explained by")
    for path in files:
        try:
            report = report_track(read_track(path), **options)
            answer = explain_track(report) if explain else None
        except OverflightError as exc:
            rows.append({"file": path.name, "error": str(exc)})
            table.add_row(path.name, Text(str(exc), style="red"), "", "", "", "", "")
            continue
        data = report.to_dict()
        if answer is not None:
            data["explain"] = answer.to_dict()
        rows.append({"file": path.name, "report": data})
        best = answer.explanations[0].refused if answer and answer.explanations else ()
        table.add_row(
            path.name,
            f"{report.origin.code} → {report.destination.code}",
            f"{report.track.distance_km:,.0f}",
            " ".join(o.transit.country for o in report.overflown),
            " ".join(v.crossing.transit.country for v in report.violations) or "-",
            "-" if report.detour_km is None else f"{report.detour_km:+,.0f}",
            " ".join(best) or "-",
        )
    if as_json:
        text = json.dumps(rows, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
    elif output is None:
        Console().print(table)
    else:
        with output.open("w", encoding="utf-8") as f:
            Console(file=f, width=160).print(table)
    failed = [r["file"] for r in rows if "error" in r]
    if failed:
        raise fail(
            f"{len(failed)} of {len(rows)} track files could not be read: {', '.join(failed)}", 2
        )
