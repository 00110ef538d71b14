"""The ``overflight`` tool: its root, its light commands and the others loaded on demand.

Exit statuses are in :mod:`overflight.cli._common`. A command module registers its commands
on :data:`app` with ``@app.command()`` when imported; :data:`COMMANDS` says which module holds
each command, so that a command line imports only the module of the command it runs, and
``overflight --help`` imports none of them (planning loads numpy, shapely and pyproj: a second
of start-up that help never needs).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import os
import re
import sys
from collections.abc import Iterator, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.main
from typer.core import TyperCommand, TyperGroup

from overflight._config import run_as_command
from overflight.cli._common import exit_on_error
from overflight.cli._values import convert_plainly

if TYPE_CHECKING:
    # The click that typer runs on (its own copy in recent versions).
    from typer import _click as click

__all__ = ["COMMANDS", "app", "main"]

#: Every command in the order of ``--help``: the module that registers it and the first
#: paragraph of its help, which ``--help`` shows without importing the module
#: (``tests/cli/test_startup.py`` holds the two equal).
COMMANDS: dict[str, tuple[str, str]] = {
    "route": (
        "overflight.cli.route",
        "Shortest route between two places that avoids the denied states' airspace.",
    ),
    "scenarios": ("overflight.cli.app", "List the built-in scenarios, or show what one says."),
    "aircraft": (
        "overflight.cli.app",
        "List the built-in aircraft profiles, or those of a profiles file.",
    ),
    "states": (
        "overflight.cli.app",
        "List the states and territories in the shipped data, with their codes.",
    ),
    "airports": ("overflight.cli.app", "Find airports by code, name or city."),
    "advisories": (
        "overflight.cli.advisories",
        "Conflict-zone advisories and national prohibitions that bind an operator on a date.",
    ),
    "compare": (
        "overflight.cli.analysis",
        "Compare routes under several scenarios or denied lists.",
    ),
    "chokepoints": (
        "overflight.cli.analysis",
        "Which states' further refusal hurts the route most, and which sets of them cut it.",
    ),
    "batch": (
        "overflight.cli.batch",
        "Plan every pair of a file, locally or on a Dask cluster; resumes when run again.",
    ),
    "matrix": (
        "overflight.cli.batch",
        "Penalty matrix: every pair of the places, or every origin to every destination.",
    ),
    "cache": (
        "overflight.cli.cache",
        "The graphs kept on disk between runs: show what the cache holds, or empty it.",
    ),
    "map": (
        "overflight.cli.map",
        "Draw the route on a map: PNG or SVG for reports, HTML to explore offline.",
    ),
    "serve": (
        "overflight.cli.serve",
        "Serve the web map and the HTTP API (http://127.0.0.1:8000; schema at /openapi.json).",
    ),
    "track": (
        "overflight.cli.track",
        "What a flown track overflew, which states it went around, its detour and violations.",
    ),
    "restrictions": (
        "overflight.cli.world",
        "What the registry says is in force on a date, with sources.",
    ),
    "timeline": (
        "overflight.cli.world",
        "A route at every change of the registry's rules that concern it, between two dates.",
    ),
}


class _Commands(MutableMapping[str, "click.Command"]):
    """The click commands by name, each built from its module when first asked for."""

    def __init__(self, built: dict[str, click.Command]) -> None:
        self._built = built

    def loaded(self, name: str) -> click.Command | None:
        """The command if its module is already loaded, else None."""
        return self._built.get(name)

    def load(self, name: str) -> click.Command:
        """The command, its module imported if it is not yet."""
        if name not in self._built:
            self._built[name] = _build(name)
        return self._built[name]

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._built and name not in COMMANDS:
            raise KeyError(name)
        return self.load(name)

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __iter__(self) -> Iterator[str]:
        yield from COMMANDS
        yield from (name for name in self._built if name not in COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS.keys() | self._built.keys())


def _build(name: str) -> click.Command:
    """The click command ``name``, its module imported (which registers it on :data:`app`)."""
    importlib.import_module(COMMANDS[name][0])
    for info in app.registered_commands:
        if info.callback is not None and name == (
            info.name or typer.main.get_command_name(info.callback.__name__)
        ):
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
    raise LookupError(f"{COMMANDS[name][0]} registers no command {name!r}")


class _LazyGroup(TyperGroup):
    """The root group: a command's module is imported when the command runs or is asked for."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.lazy = _Commands(dict(self.commands))
        self.commands = self.lazy

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command if loaded; else, for the list of ``--help``, its name and summary."""
        found = self.lazy.loaded(cmd_name)
        if found is None and cmd_name in COMMANDS:
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        return found

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command's name, in the order of ``--help``, none of them loaded."""
        return list(self.lazy)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command with its summary in full, wrapped rather than cut short."""
        rows = [
            (name, COMMANDS[name][1] if name in COMMANDS else self.lazy[name].get_short_help_str())
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The command to run, its module loaded first, its options read without pydantic."""
        if args and args[0] in COMMANDS:
            self.lazy.load(args[0])
        name, command, rest = super().resolve_command(ctx, args)
        return name, None if command is None else convert_plainly(command, ctx), rest

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The root's own options read, without pydantic."""
        convert_plainly(self, ctx)
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_LazyGroup,
    name="overflight",
    help="Plan flights around denied sovereign airspace.",
    no_args_is_help=True,
    add_completion=False,
    # Plain help and errors: rich's help formatting doubled the start-up of `--help`.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    """Print the version of overflight and of its data, then exit."""
    if not value:
        return
    from overflight.analysis.versions import data_versions

    found = data_versions()
    airspace = found["airspace"]
    typer.echo(
        f"overflight {found['overflight']}\n"
        f"airspace {airspace['sha256']} ({airspace['source']}: {airspace['content']})\n"
        f"airports airportsdata {found['airports']['airportsdata']}\n"
        f"registry as of {found['registry_as_of']}"
    )
    raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version of overflight and of its data, and exit.",
            # Eager: it answers before typer asks for a command.
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    """Plan flights around denied sovereign airspace."""


@app.command()
def scenarios(
    name: Annotated[
        str | None, typer.Argument(help="Show this scenario in full (name or file).")
    ] = None,
) -> None:
    """List the built-in scenarios, or show what one says."""
    from rich.console import Console

    from overflight.cli.render import render_scenario, render_scenario_list
    from overflight.scenarios import load_scenario

    with exit_on_error():
        shown = render_scenario(load_scenario(name)) if name else render_scenario_list()
    Console().print(shown)


@app.command(name="aircraft")
def aircraft_types(
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            help="List the profiles of this YAML file instead (use one as --aircraft FILE:TYPE).",
        ),
    ] = None,
) -> None:
    """List the built-in aircraft profiles, or those of a profiles file."""
    from rich.console import Console
    from rich.table import Table

    from overflight.aircraft import list_aircraft, read_aircraft_file

    with exit_on_error():
        profiles = list_aircraft() if file is None else read_aircraft_file(file)
    table = Table("type", "name", "cruise kt", "range km", "usable km", "runway m", "payload")
    for p in profiles:
        table.add_row(
            p.designator,
            p.name,
            f"{p.cruise_speed_kt:g}",
            f"{p.range_km:,.0f}",
            f"{p.usable_range_km():,.0f}",
            f"{p.min_runway_m:,.0f}",
            p.payload,
        )
    Console().print(table)


@app.command()
def states() -> None:
    """List the states and territories in the shipped data, with their codes."""
    from rich.console import Console
    from rich.table import Table

    from overflight.data.airspace import states as all_states

    table = Table("code", "alpha-3", "name", "sovereign")
    for code, area in sorted(all_states().items()):
        table.add_row(code, area.code3, area.name, area.sovereign or "")
    Console().print(table)


@app.command()
def airports(
    query: Annotated[str, typer.Argument(help="Code, name or city.")],
    limit: Annotated[int, typer.Option(help="How many to show.")] = 10,
) -> None:
    """Find airports by code, name or city."""
    from rich.console import Console
    from rich.table import Table

    from overflight.cli.render import render_place_notes
    from overflight.data.airports import search_airports

    with exit_on_error():
        found = search_airports(query, limit=limit)
    table = Table("code", "name", "state", "lat", "lon")
    for place in found:
        table.add_row(
            place.code, place.name, place.country or "", f"{place.lat:.4f}", f"{place.lon:.4f}"
        )
    Console().print(table, *render_place_notes(*found))


def __getattr__(name: str) -> Any:
    """``route`` and ``OutputFormat``, which lived here, from their module when asked for."""
    if name in ("route", "OutputFormat"):
        return getattr(importlib.import_module("overflight.cli.route"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: A place given as "lat,lon" with a negative latitude: never an option, though it starts with -.
_NEGATIVE_PLACE = re.compile(r"^-\d+(\.\d*)?\s*,\s*[-+]?\d+(\.\d*)?$")


def _for_one_route() -> None:
    """Ready the process for one route before the library loads (long commands keep defaults)."""
    # The imports make a hundred passes of the collector (20 ms) that free nothing, and the
    # planning leaves no cycles worth collecting before the exit (the same peak memory with
    # fuel stops).
    gc.disable()
    # OpenBLAS starts a thread per core when numpy loads, which spins while it waits (35 ms
    # of processor time, twice that of wall time on a busy 2-core machine); no product of a
    # route is large enough to share. A user's own setting is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``overflight`` command.

    A place such as ``-33.9,18.6`` (Cape Town) would read as an unknown option: it is passed
    on with a leading space, which the place parser ignores. Without ``argv`` it reads the
    process's own command line, and the process ends with the command.
    """
    args = sys.argv[1:] if argv is None else argv
    if argv is None:
        # The interpreter's last collection at exit walks every object the imports made (tens
        # of milliseconds of a one-shot route) to free memory the exit frees anyway: frozen,
        # they are left to it. Exit handlers registered later run first, collector still on.
        atexit.register(gc.freeze)
        run_as_command()
        if args[:1] == ["route"]:
            _for_one_route()
    app([f" {a}" if _NEGATIVE_PLACE.match(a) else a for a in args])
