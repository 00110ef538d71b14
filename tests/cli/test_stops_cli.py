"""Fuel-stop options and aircraft profile files on the command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT
from tests.helpers.profiles import FLEET_YAML

runner = CliRunner()


def route_json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["route", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_aircraft_lists_the_profiles_of_a_file(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(FLEET_YAML)
    result = runner.invoke(app, ["aircraft", "--file", str(fleet)])
    assert result.exit_code == 0, result.output
    # The table wraps its cells: the rows' first column holds the designators.
    types = [line.split("│")[1].strip() for line in result.output.splitlines() if "│" in line]
    assert [t for t in types if t] == ["C130", "B788"]
    missing = runner.invoke(app, ["aircraft", "--file", str(tmp_path / "none.yaml")])
    assert missing.exit_code == EXIT_BAD_INPUT
    assert "no such file" in missing.output


def test_one_profile_of_a_file_is_flown(tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.yaml"
    fleet.write_text(FLEET_YAML)
    data = route_json("EGLL", "LFPG", "--aircraft", f"{fleet}:hercules")
    assert data["aircraft"]["designator"] == "C130"  # type: ignore[index]
    several = runner.invoke(app, ["route", "EGLL", "LFPG", "--aircraft", str(fleet)])
    assert several.exit_code == EXIT_BAD_INPUT
    assert "holds 2 profiles (C130, B788)" in " ".join(several.output.split())


def test_via_and_stop_pool_on_the_command_line(tmp_path: Path) -> None:
    data = route_json("EGLL", "LFPG", "--aircraft", "B738", "--via", "EBBR")
    assert data["stops"] == [
        {
            "code": "EBBR",
            "name": "Brussels Airport",
            "lat": data["stops"][0]["lat"],  # type: ignore[index]
            "lon": data["stops"][0]["lon"],  # type: ignore[index]
            "country": "BE",
            "forced": True,
        }
    ]
    pool = tmp_path / "pool.txt"
    pool.write_text("OMDB\nQQQQ\n")
    bad = runner.invoke(
        app, ["route", "EGLL", "VIDP", "-d", "RU", "--aircraft", "B738", "--stop-pool", str(pool)]
    )
    assert bad.exit_code == EXIT_BAD_INPUT
    assert "'QQQQ' not among the fuel-stop airports" in " ".join(bad.output.split())


def test_disputed_stops_only_when_allowed() -> None:
    kept = route_json("EGLL", "VIDP", "-d", "RU", "--aircraft", "B738")
    allowed = route_json("EGLL", "VIDP", "-d", "RU", "--aircraft", "B738", "--allow-disputed-stops")
    assert [s["code"] for s in kept["stops"]] != ["UGSS"]  # type: ignore[attr-defined]
    assert [s["code"] for s in allowed["stops"]] == ["UGSS"]  # type: ignore[attr-defined]
