"""The ``batch`` and ``matrix`` commands: many pairs at once; the penalty matrix of a few places.

``batch`` writes one row per pair and scenario (columns in
:data:`overflight.analysis.batch.store.SCHEMA`) to Parquet, CSV or GeoParquet (``--format
geoparquet``: a ``geometry`` column of geodesic lines), lists unreadable rows in
``<output>.errors.csv`` and continues an interrupted run when started again with the same
output. Exit status: 0 success (pairs without a route are rows that say so), 2 bad input,
4 a route failed its independent check, 130 interrupted (run it again to continue).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from overflight._config import (
    DEFAULT_FLIGHT_LEVEL,
    DEFAULT_GROUND_TIME_H,
    DEFAULT_MAX_STOPS,
    DEFAULT_SPEED_KT,
)
from overflight.cli._common import (
    EXIT_BAD_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    exit_on_error,
    fail,
)
from overflight.cli.app import app
from overflight.cli.options import (
    OPTION_NAMES,
    AdvisoriesFileOption,
    AircraftOption,
    AirlineOption,
    CategoryOption,
    DateOption,
    DenyOption,
    DisputedOption,
    FlightLevelOption,
    GroundTimeOption,
    MarginOption,
    MaxStopsOption,
    MonthOption,
    NoAdvisoriesOption,
    NoWindOption,
    OperatorOption,
    SpeedOption,
    StrictOption,
    codes,
)
from overflight.errors import RequestError

if TYPE_CHECKING:
    from rich.progress import Progress

    from overflight.analysis.batch import BatchOptions, BatchSummary

__all__ = ["batch", "matrix"]


class TableFormat(StrEnum):
    """How a batch or matrix is written."""

    parquet = "parquet"
    csv = "csv"
    geoparquet = "geoparquet"


def _output_format(output: Path, given: TableFormat | None, default: TableFormat) -> TableFormat:
    """The format asked for, or the output's suffix's; refuses a suffix of another format."""
    suffix = output.suffix.lower().lstrip(".")
    if given is None and suffix not in ("parquet", "csv"):
        return default  # the writer names the suffixes it takes
    chosen = given or TableFormat(suffix)
    wanted = "csv" if chosen is TableFormat.csv else "parquet"
    if suffix != wanted:
        raise fail(
            f"--format {chosen} writes a .{wanted} file: give an output ending in .{wanted}, "
            f"not {str(output)!r}",
            EXIT_BAD_INPUT,
        )
    return chosen


FormatOption = Annotated[
    TableFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="parquet, csv or geoparquet (Parquet with a geometry column of geodesic lines, "
        "EPSG:4326); default: the output's suffix.",
    ),
]

ScenariosOption = Annotated[
    list[str],
    typer.Option(
        "--scenario",
        "-s",
        help="Scenario name or YAML file; repeat it to plan every pair under each.",
    ),
]


def _options(given: dict[str, Any], scenarios: list[str]) -> BatchOptions:
    """The batch options of a command's arguments (``locals()``: both commands name them alike)."""
    from overflight.analysis.batch import BatchOptions

    speed_kt, aircraft, on = given["speed_kt"], given["aircraft"] or None, given["on"]
    if speed_kt is None and aircraft:
        from overflight.aircraft import load_aircraft

        speed_kt = load_aircraft(aircraft).cruise_speed_kt
    options = BatchOptions(
        deny=tuple(codes(given["deny"])),
        scenarios=tuple(scenarios),
        margin_nm=given["margin_nm"],
        speed_kt=DEFAULT_SPEED_KT if speed_kt is None else speed_kt,
        on=on.date() if on else None,
        operator=given["operator"],
        category=given["category"],
        aircraft=aircraft,
        ground_time_h=given["ground_time_h"],
        max_stops=given["max_stops"],
        airline=given["airline"],
        disputed=given["disputed"],
        flight_level=given["flight_level"],
        no_advisories=given["no_advisories"],
        strict=given["strict"],
        advisories_file=given["advisories_file"],
        month=given["month"],
        no_wind=given["no_wind"],
    )
    try:
        options.request()  # the options as route checks them, named as the user typed them
    except RequestError as exc:
        raise exc.spelled(OPTION_NAMES) from None
    return options


def _progress_bar(console: Console) -> Progress:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("planning"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("elapsed,"),
        TimeRemainingColumn(),
        TextColumn("left"),
        console=console,
    )


def _summary_text(summary: BatchSummary) -> str:
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(summary.statuses.items()))
    text = (
        f"wrote {summary.rows} rows to {summary.output} ({statuses or 'none'}); "
        f"planned {summary.planned} now, {summary.rows - summary.planned} were done before"
    )
    if summary.bad_rows:
        text += f"; {summary.bad_rows} bad input rows listed in {summary.errors}"
    return text


@app.command()
def batch(
    pairs: Annotated[
        Path,
        typer.Argument(
            help="CSV or Parquet file with columns origin, destination and optionally "
            "scenario, deny (see the README)."
        ),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="Results file: .parquet or .csv.")],
    output_format: FormatOption = None,
    deny: DenyOption = [],  # noqa: B006 - typer reads the default, never mutates it
    scenario: ScenariosOption = [],  # noqa: B006
    on: DateOption = None,
    operator: OperatorOption = None,
    category: CategoryOption = None,
    margin_nm: MarginOption = 0.0,
    speed_kt: SpeedOption = None,
    aircraft: AircraftOption = None,
    ground_time_h: GroundTimeOption = DEFAULT_GROUND_TIME_H,
    max_stops: MaxStopsOption = DEFAULT_MAX_STOPS,
    airline: AirlineOption = None,
    disputed: DisputedOption = "union",
    flight_level: FlightLevelOption = DEFAULT_FLIGHT_LEVEL,
    no_advisories: NoAdvisoriesOption = False,
    strict: StrictOption = False,
    advisories_file: AdvisoriesFileOption = None,
    month: MonthOption = None,
    no_wind: NoWindOption = False,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-j", min=1, help="Local processes (default: every core)."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="Run on a Dask distributed cluster: scheduler address."),
    ] = None,
) -> None:
    """Plan every pair of a file, locally or on a Dask cluster; resumes when run again.

    One row per pair and scenario goes to the output as it is planned. An interrupted
    run (Ctrl-C, a killed process) continues where it stopped when started again with
    the same output. With --aircraft each row also gives the fuel stops the aircraft needs
    (stop_count, stops, stop_names) and total_time_h, the time with ground time. Each
    pair is planned with the closure `route` gives it (the registry with --operator,
    --airline or --date, advisories at --fl, --disputed); with --month (or --date) each
    row gives wind_time_h and mean_wind_kt in that month's mean wind.
    """
    given = dict(locals())
    import time

    from overflight.analysis.batch import run_batch

    chosen = _output_format(output, output_format, TableFormat.parquet)

    console = Console(stderr=True)
    bar = _progress_bar(console) if console.is_terminal else None
    task_id = bar.add_task("batch", total=None, rate="") if bar is not None else None
    started = time.perf_counter()
    first: list[int] = []

    def progress(done: int, total: int) -> None:
        if bar is None or task_id is None:
            return
        if not first:
            first.append(done)
        elapsed = time.perf_counter() - started
        rate = (done - first[0]) / elapsed if elapsed > 0 else 0.0
        bar.update(task_id, completed=done, total=total, rate=f"{rate:,.0f} pairs/s")

    context: AbstractContextManager[object] = bar if bar is not None else nullcontext()
    try:
        with exit_on_error():
            options = _options(given, scenario)
            with context:
                summary = run_batch(
                    pairs, output, options, workers=workers, scheduler=scheduler, progress=progress
                )
    except KeyboardInterrupt:
        console.print(
            f"interrupted: the rows planned so far are kept; run the same command again "
            f"to continue into {output}",
            highlight=False,
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if chosen is TableFormat.geoparquet:
        from overflight.analysis.batch.store import to_geoparquet

        with exit_on_error():
            to_geoparquet(output)
    console.print(_summary_text(summary), highlight=False)
    if summary.statuses.get("check_failed"):
        raise fail(
            "some routes failed the independent check (status check_failed): this is a bug "
            "in overflight, please report it",
            EXIT_INTERNAL,
        )


@app.command()
def matrix(
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="CSV file (one block per measure), or with --format geoparquet a .parquet "
            "file (one row per pair, with its route's geodesic line).",
        ),
    ],
    places: Annotated[
        str | None,
        typer.Argument(
            help="Places of a square matrix, comma-separated: ICAO/IATA codes or airfield ids."
        ),
    ] = None,
    origins: Annotated[
        list[str],
        typer.Option(
            "--origins", help="Origins (rows), comma-separated; with --destinations, not PLACES."
        ),
    ] = [],  # noqa: B006
    destinations: Annotated[
        list[str],
        typer.Option("--destinations", help="Destinations (columns), comma-separated."),
    ] = [],  # noqa: B006
    deny: DenyOption = [],  # noqa: B006
    scenario: Annotated[
        str | None, typer.Option("--scenario", "-s", help="Scenario name or YAML file.")
    ] = None,
    on: DateOption = None,
    operator: OperatorOption = None,
    category: CategoryOption = None,
    margin_nm: MarginOption = 0.0,
    speed_kt: SpeedOption = None,
    aircraft: AircraftOption = None,
    ground_time_h: GroundTimeOption = DEFAULT_GROUND_TIME_H,
    max_stops: MaxStopsOption = DEFAULT_MAX_STOPS,
    airline: AirlineOption = None,
    disputed: DisputedOption = "union",
    flight_level: FlightLevelOption = DEFAULT_FLIGHT_LEVEL,
    no_advisories: NoAdvisoriesOption = False,
    strict: StrictOption = False,
    advisories_file: AdvisoriesFileOption = None,
    month: MonthOption = None,
    no_wind: NoWindOption = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw the detour heatmap to this PNG.")
    ] = None,
    output_format: Annotated[
        TableFormat | None,
        typer.Option("--format", "-f", help="csv (default) or geoparquet."),
    ] = None,
) -> None:
    """Penalty matrix: every pair of the places, or every origin to every destination.

    The CSV has columns measure, origin and one per destination, and a block of rows per
    measure: distance_km, great_circle_km, extra_km and extra_pct (to 0.1) and duration_h
    (hours at --speed-kt, to 0.01); cells are empty where there is no route. With --aircraft,
    two more: stop_count (fuel stops) and total_time_h (hours with ground time), empty where
    no plan keeps every leg within range. With --month (or --date), two more:
    wind_time_h and mean_wind_kt, in that month's mean wind.
    """
    given = dict(locals())
    import numpy as np

    from overflight.analysis.batch.matrix import penalty_matrix, plot_matrix

    chosen = _output_format(output, output_format, TableFormat.csv)
    if chosen is TableFormat.parquet:
        raise fail(
            f"a matrix is written as CSV (an output ending in .csv) or GeoParquet (--format "
            f"geoparquet), not as plain Parquet: {str(output)!r}",
            EXIT_BAD_INPUT,
        )

    if places is not None and (origins or destinations):
        raise fail(
            "give the places of a square matrix, or --origins and --destinations, not both",
            EXIT_BAD_INPUT,
        )
    if places is None and not (origins and destinations):
        raise fail(
            "give the places of a square matrix (EFHK,EDDF,RJAA), or both --origins and "
            "--destinations",
            EXIT_BAD_INPUT,
        )
    console = Console(stderr=True)
    status: AbstractContextManager[object] = (
        console.status("planning…", spinner="dots") if console.is_terminal else nullcontext()
    )
    with exit_on_error():
        options = _options(given, [scenario] if scenario else [])
        with status:
            if places is not None:
                result = penalty_matrix(codes([places]), options)
            else:
                result = penalty_matrix(codes(origins), options, destinations=codes(destinations))
    if chosen is TableFormat.geoparquet:
        from overflight.analysis.batch.store import matrix_table, write_geoparquet

        table, waypoints = matrix_table(result)
        write_geoparquet(table, waypoints, output)
    else:
        result.write_csv(output)
    if plot is not None:
        denied = ", ".join(codes(deny))
        title = " + ".join(t for t in (scenario or "", f"denied {denied}" if denied else "") if t)
        plot_matrix(result, plot, title=f"Detour forced by {title}" if title else "")
    missing = int(np.isnan(result.distance_km).sum())
    console.print(
        f"wrote {len(result.origins)}x{len(result.destinations)} matrix to {output}"
        + (f" and the heatmap to {plot}" if plot else "")
        + (f"; {missing} pairs have no route" if missing else ""),
        highlight=False,
    )
