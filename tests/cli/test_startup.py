"""The one-shot command starts fast: it imports only what the command line it runs needs."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import textwrap

import typer.main

from overflight.cli import app
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
    assert not {m.split(".")[0] for m in imported} & set(HEAVY)
    loaded_commands = {m for m in imported if m.startswith("overflight.cli.")}
    assert loaded_commands <= {"overflight.cli.app", "overflight.cli._common"}


def test_a_plain_route_loads_only_its_command_module() -> None:
    argv = ("route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "-f", "json")
    _imported_after(*argv)  # builds the graph and the parsed tables: the next run is warm
    imported = _imported_after(*argv)
    others = {module for module, _ in COMMANDS.values()} - {
        "overflight.cli.route",
        "overflight.cli.app",
    }
    assert not imported & others
    # typer itself loads pydantic to parse options; with a warm cache no YAML is read.
    assert not {m.split(".")[0] for m in imported} & {"scipy", "yaml"}


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
