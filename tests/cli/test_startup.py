"""The one-shot command starts fast: it imports only what the command line it runs needs."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer import _click as click
from typer._coercion import build_runtime_param

from overflight.cli import app
from overflight.cli._values import UNSET, PlainConverter, plain_value
from overflight.cli.app import COMMANDS

#: What a plain route never needs, and what help needs none of.
HEAVY = ("numpy", "shapely", "pyproj", "pydantic", "scipy", "yaml", "airportsdata")


def _run(code: str, *, columns: int = 100) -> str:
    """Run ``code`` in a fresh interpreter (nothing imported yet); its standard output."""
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return done.stdout


def _said_last(code: str) -> str:
    """The last line ``code`` prints in a fresh interpreter (its exit handlers' last word)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1]


_IMPORTED_AFTER = """
    import contextlib, json, sys
    from overflight.cli import main
    with contextlib.redirect_stdout(sys.stderr), contextlib.suppress(SystemExit):
        main({argv!r})
    print(json.dumps(sorted(sys.modules)))
"""


def _imported_after(*argv: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``overflight ARGV``."""
    return set(json.loads(_run(_IMPORTED_AFTER.format(argv=list(argv)))))


def test_help_imports_neither_the_library_nor_a_command_module() -> None:
    imported = _imported_after("--help")
    # Help is click's plain text: rich (its help panels and markdown) loads for none of it.
    assert not {m.split(".")[0] for m in imported} & {*HEAVY, "rich"}
    assert "overflight.models" not in imported  # dataclasses help never shows
    loaded_commands = {m for m in imported if m.startswith("overflight.cli.")}
    assert loaded_commands <= {
        "overflight.cli.app",
        "overflight.cli._common",
        "overflight.cli._values",
    }


def test_a_plain_route_loads_only_its_command_module() -> None:
    argv = ("route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "-f", "json")
    _imported_after(*argv)  # builds the graph and the parsed tables: the next run is warm
    imported = _imported_after(*argv)
    others = {module for module, _ in COMMANDS.values()} - {
        "overflight.cli.route",
        "overflight.cli.app",
    }
    assert not imported & others
    # Options are read without pydantic; with a warm cache no YAML is read.
    # JSON needs no rich either (text output and a spinner on a terminal use it).
    assert not {m.split(".")[0] for m in imported} & {"scipy", "yaml", "pydantic", "rich"}


#: Library modules a plain route (no month, no time-optimal choice, no aircraft) was made not
#: to import: the wind field and its arithmetic, the distinct routes, and the versions that
#: only JSON carries.
NOT_FOR_A_PLAIN_ROUTE = (
    "overflight.routing.alternatives",
    "overflight.geo.wind",
    "overflight.data.winds",
    "overflight.analysis.versions",
)


def test_a_plain_route_as_text_imports_no_wind_alternatives_or_versions() -> None:
    argv = ("route", "UUMU", "OSLK", "--deny", "BG,GR,TR")
    imported = _imported_after(*argv)
    assert "overflight.analysis.timing" in imported  # its still-air time is in the text
    assert not imported & set(NOT_FOR_A_PLAIN_ROUTE)
    # JSON carries the versions; a month flies the route through the wind.
    assert "overflight.analysis.versions" in _imported_after(*argv, "-f", "json")
    windy = _imported_after(*argv, "--month", "1")
    assert {"overflight.geo.wind", "overflight.data.winds"} <= windy


_COLLECTOR_AT_EXIT = """
    import atexit, gc, re, sys
    from pathlib import Path
    def threads():
        return re.search(r"Threads:\\s*(\\d+)", Path("/proc/self/status").read_text())[1]
    atexit.register(lambda: print("on" if gc.isenabled() else "off", threads()))
    sys.argv = ["overflight", *{argv!r}]
    from overflight.cli import main
    main()
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="counts threads in /proc")
@pytest.mark.parametrize(
    ("argv", "collector"),
    [(("route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "-f", "json"), "off"), (("states",), "on")],
)
def test_a_route_run_as_the_process_command_plans_on_one_thread_without_the_collector(
    argv: tuple[str, ...], collector: str
) -> None:
    """The collector's passes over the imports' objects free nothing a one-shot route needs,
    nor do the threads OpenBLAS starts with numpy; other commands (a server, a batch) keep
    both."""
    _imported_after(*argv)  # a warm cache: building a graph has threads of its own
    said = _said_last(_COLLECTOR_AT_EXIT.format(argv=list(argv))).split()
    assert said[0] == collector
    if collector == "off":
        assert said[1] == "1"


def test_a_bad_option_is_told_before_the_library_loads() -> None:
    """Reading the route's options and making its request load no numpy, shapely or pyproj."""
    for argv in (
        ("route", "UUMU", "OSLK", "--fl", "abc"),
        ("route", "UUMU", "OSLK", "--fl", "999"),
    ):
        imported = _imported_after(*argv)
        assert "overflight.cli.route" in imported
        # typer's own converter (pydantic) names a value that is not a number.
        assert not {m.split(".")[0] for m in imported} & {"numpy", "shapely", "pyproj"}


_COLLECTED_AT_EXIT = """
    import atexit, gc, sys
    # Registered first, so run last: after every handler the command line registers.
    atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "collected"))
    sys.argv = ["overflight", "--help"]
    from overflight.cli import main
    main({argv})
"""


@pytest.mark.parametrize(("argv", "left"), [("", "frozen"), ("['--help']", "collected")])
def test_the_process_command_line_leaves_its_objects_to_the_exit(argv: str, left: str) -> None:
    """Run as the process's command, the objects stay out of the last collection; called
    from Python with arguments (tests, notebooks), the caller's collector is left alone."""
    assert _said_last(_COLLECTED_AT_EXIT.format(argv=argv)) == left


def test_import_overflight_loads_no_array_or_geometry_library() -> None:
    code = "import json, sys, overflight; print(json.dumps([*sys.modules]))"
    imported = set(json.loads(_run(code)))
    assert not {m.split(".")[0] for m in imported} & set(HEAVY)


def test_help_shows_each_command_as_the_command_itself_says() -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    for name, (_, summary) in COMMANDS.items():
        command = group.commands[name]
        first = inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")
        assert (command.name, first) == (name, summary)


def test_help_shows_every_summary_in_full_however_narrow() -> None:
    """Plain help wraps the summaries; click's own would cut them short with "..."."""
    shown = " ".join(_run("from overflight.cli import main\nmain(['--help'])", columns=60).split())
    for name, (_, summary) in COMMANDS.items():
        assert f"{name} {summary}" in shown


def test_help_is_the_same_with_every_command_loaded() -> None:
    modules = sorted({module for module, _ in COMMANDS.values()})
    shown = _run("from overflight.cli import main\nmain(['--help'])")
    loaded = _run(f"import {', '.join(modules)}\nfrom overflight.cli import main\nmain(['--help'])")
    assert "timeline" in shown
    assert shown == loaded


def test_every_command_a_module_registers_is_in_the_table() -> None:
    """A command missing from COMMANDS would be unreachable until its module was imported."""
    import importlib

    for module in {module for module, _ in COMMANDS.values()}:
        importlib.import_module(module)
    registered = {
        info.name or typer.main.get_command_name(info.callback.__name__)
        for info in app.registered_commands
        if info.callback is not None
    }
    assert registered == set(COMMANDS)


#: Values as the command line gives them (text) and as defaults (Python values), by type.
TYPED_VALUES: dict[Any, tuple[Any, ...]] = {
    "str": ("", "UUMU", "-33.9,18.6", " x ", None),
    "int": (
        "0",
        "350",
        "-5",
        "007",
        "+5",
        " 5",
        "5.0",
        "1_000",
        "\u0663",
        "abc",
        "",
        3,
        True,
        None,
    ),
    "float": ("0", "1.5", "-2.25", ".5", "1.", "1e3", "inf", "nan", " 1", "abc", 0.0, 2, None),
    "datetime": ("2024-01-05", "2024-1-5", "2024-13-01", "", dt.datetime(2024, 1, 5), None),
    "Path": ("", "x.geojson", ".", "-", "/", Path("a"), None),
    "list[str]": ((), ("BG,GR", "TR"), ["a"], "BG", None),
    "list[pathlib.Path]": ((), ("a.geojson", "b"), ("", "b"), None),
    "bool": (True, False, "yes", "", None),
}


def _outcome(convert: Any, value: Any, param: Any, ctx: click.Context) -> tuple[str, str]:
    """What a converter makes of a value: its type and repr (nan is nan), or its error."""
    try:
        made = convert.coerce(value, param=param, ctx=ctx)
    except typer.BadParameter as exc:
        return "error", exc.format_message()
    return type(made).__name__, repr(made)


def test_options_read_without_pydantic_read_as_typer_reads_them() -> None:
    """Every parameter of every command, over values of its type: the same value or error."""
    for module in {module for module, _ in COMMANDS.values()}:
        importlib.import_module(module)
    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    checked = 0
    for name in COMMANDS:
        command = group.commands[name]
        ctx = click.Context(command, info_name=name)
        for param in command.get_params(ctx):
            descriptor = param.type_descriptor  # type: ignore[attr-defined]
            annotation = descriptor.annotation
            key = annotation.__name__ if isinstance(annotation, type) else str(annotation)
            values = TYPED_VALUES.get(key)
            if values is None:  # a choice: its values and members, a wrong case, and none
                values = (*(m.value for m in annotation), *annotation, "JSON", "x", None)
            typers = build_runtime_param(descriptor)
            for value in values:
                plain = _outcome(PlainConverter(), value, param, ctx)
                assert plain == _outcome(typers, value, param, ctx), (name, param.name, value)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("value", "annotation"),
    [("350", int), ("2024-01-05", dt.datetime), ("x.geojson", Path), (("BG", "GR"), list[str])],
)
def test_plain_values_are_made_without_typer(value: Any, annotation: Any) -> None:
    info = typer.models.OptionInfo(formats=["%Y-%m-%d"])
    assert plain_value(value, annotation, info, None) is not UNSET
