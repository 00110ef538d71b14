"""Errors found while planning name the option the user typed, not the request's field."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT, option_name
from overflight.cli.options import REQUEST_OPTIONS

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--operator", "FI", "--category", "pirate"), "--category 'pirate': give one of civil"),
        (("--airline", "FIN", "--operator", "RU"), "--operator 'RU': not the state of airline FIN"),
        (("--disputed", "claim"), "--disputed 'claim': give union or control"),
        (("--margin-nm", "-3"), "--margin-nm -3: out of range"),
    ],
)
def test_route_errors_name_the_option(args: tuple[str, ...], message: str) -> None:
    result = runner.invoke(app, ["route", "EFHK", "RJAA", *args])
    assert result.exit_code == EXIT_BAD_INPUT
    assert message in " ".join(result.stderr.split())


def test_every_request_option_has_its_command_line_name() -> None:
    named = {field: option_name(field) for field, _, _ in REQUEST_OPTIONS}
    assert named["flight_level"] == "--fl"
    assert named["allow_disputed_stops"] == "--allow-disputed-stops"
    assert all(n.startswith("--") for f, n in named.items() if f not in {"origin", "destination"})
