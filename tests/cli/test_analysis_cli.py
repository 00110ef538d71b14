"""`compare` and `chokepoints` on the command line: text, JSON fields, exit status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from overflight.cli._common import EXIT_BAD_INPUT, EXIT_NO_ROUTE
from overflight.cli.analysis import chokepoints, compare
from overflight.cli.app import route

runner = CliRunner()

app = typer.Typer()
app.command()(compare)
app.command()(chokepoints)
app.command()(route)


@app.callback()
def _group() -> None:
    """Keep the commands as subcommands, as the real tool has them."""


CASE_FIELDS = {
    "label", "scenario", "date", "denied", "route", "error", "distance_km", "duration_h",
    "speed_kt", "extra_km", "extra_pct", "states", "clearances", "aircraft",
    "usable_range_km", "within_range", "fuel_stops", "fuel_stop_error", "total_time_h",
    "month", "still_air_h", "wind_h", "mean_wind_kt", "advisories",
}  # fmt: skip


def test_compare_json_fields(tmp_path: Path) -> None:
    out = tmp_path / "compare.json"
    result = runner.invoke(
        app,
        ["compare", "UUMU", "OSLK", "-s", "syria-2015-before", "-s", "syria-2015",
         "--case", "BG,GR,TR,UA", "--format", "json", "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert set(data) == {
        "origin", "destination", "great_circle_km", "reference", "cases", "differences",
        "remarks", "versions", "disputed", "flight_level", "month",
    }  # fmt: skip
    assert "No advisory layer applied" in data["remarks"][0]
    assert data["reference"] == "syria-2015-before"
    assert [c["label"] for c in data["cases"]] == [
        "syria-2015-before",
        "syria-2015",
        "deny BG,GR,TR,UA",
    ]
    for case in data["cases"]:
        assert set(case) == CASE_FIELDS
        assert case["route"]["distance_km"] == case["distance_km"]
    assert data["cases"][1]["scenario"] == "syria-2015"
    assert data["cases"][2]["scenario"] is None
    diff = data["differences"][0]
    assert set(diff) == {
        "from", "to", "delta_km", "delta_h", "delta_wind_h", "states_added", "states_removed",
    }  # fmt: skip
    assert {"IR", "IQ"} <= set(diff["states_added"])
    assert "BG" in diff["states_removed"]


def test_compare_text() -> None:
    result = runner.invoke(
        app, ["compare", "EFHK", "RJAA", "--case", "", "--case", "RU", "--aircraft", "B788"]
    )
    assert result.exit_code == 0, result.output
    assert "no refusals" in result.output
    assert "deny RU" in result.output
    assert "in range" in result.output


def test_compare_with_no_refusals_measures_every_penalty_from_it() -> None:
    # The scenario is given first, yet the unconstrained case is the reference: refusals
    # never shorten a route, so no penalty is negative.
    result = runner.invoke(
        app,
        ["compare", "UUMU", "OSLK", "-s", "syria-2015", "--case", "BG,GR,TR", "--case", "",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["reference"] == "no refusals"
    free = next(c for c in data["cases"] if c["label"] == "no refusals")
    assert free["denied"] == []
    assert [(d["from"], d["to"]) for d in data["differences"]] == [
        ("no refusals", "syria-2015"),
        ("no refusals", "deny BG,GR,TR"),
    ]
    for diff in data["differences"]:
        assert diff["delta_km"] > 0.0
        assert diff["delta_h"] > 0.0
    assert "--case ''" in runner.invoke(app, ["compare", "--help"]).output


def test_compare_needs_two_cases() -> None:
    result = runner.invoke(app, ["compare", "EFHK", "RJAA", "-s", "russia-2022"])
    assert result.exit_code == EXIT_BAD_INPUT


def test_chokepoints_json_fields() -> None:
    result = runner.invoke(
        app,
        ["chokepoints", "UDYZ", "UUMU", "--deny", "GE,AZ", "--max-set-size", "2",
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {
        "baseline", "usable_range_km", "ranking", "cut_sets", "max_set_size", "complete",
        "plans", "seconds", "remarks", "versions", "baseline_time", "disputed",
        "flight_level", "advisories",
    }  # fmt: skip
    assert data["ranking"]
    for point in data["ranking"]:
        assert set(point) == {
            "country",
            "name",
            "cuts",
            "route_km",
            "extra_km",
            "extra_h",
            "states",
            "fuel_stops",
        }
        assert point["country"] in {t["country"] for t in data["baseline"]["transit"]}
    assert ["IR", "TR"] in data["cut_sets"]


def test_chokepoints_text_under_a_scenario() -> None:
    result = runner.invoke(
        app, ["chokepoints", "EFHK", "RJAA", "-s", "russia-2022", "--max-set-size", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "if refused too" in result.output
    assert "NO" in result.output
    assert "No advisory layer applied" in " ".join(result.output.split())


def test_chokepoints_without_a_route_names_the_refusals() -> None:
    result = runner.invoke(app, ["chokepoints", "UDYZ", "UUMU", "--deny", "GE,AZ,TR,IR,FR"])
    assert result.exit_code == EXIT_NO_ROUTE
    assert "AZ, GE, IR, TR" in result.output


def _json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


GERMAN_2020 = ("EDDF", "OMDB", "--airline", "DLH", "--date", "2020-02-01")


@pytest.mark.parametrize(("level", "over_iran"), [("230", False), ("350", True)])
def test_compare_and_chokepoints_read_the_advisories_at_the_flight_level(
    level: str, over_iran: bool
) -> None:
    # EASA's Iran bulletin of January 2020 binds German carriers below FL250 only.
    compared = _json("compare", *GERMAN_2020, "--fl", level, "--case", "", "--case", "IQ")
    ranked = _json("chokepoints", *GERMAN_2020, "--fl", level, "--max-set-size", "0")
    route = json.loads(
        runner.invoke(app, ["route", *GERMAN_2020, "--fl", level, "-f", "json"]).stdout
    )
    for answer in (compared, ranked):
        assert answer["flight_level"] == int(level)
        assert answer["disputed"] == "union"
        assert answer["remarks"] == []  # an advisory layer applied
    case = compared["cases"][0]
    assert ("IR" in case["states"]) is over_iran
    assert case["distance_km"] == pytest.approx(route["distance_km"], rel=1e-9)
    assert ranked["baseline"]["distance_km"] == pytest.approx(route["distance_km"], rel=1e-9)
    effects = {a["id"]: a["effect"] for a in case["advisories"]}
    assert effects == {a["id"]: a["effect"] for a in route["advisories"]}
    assert effects["easa-iran-czib-2020-01"] == ("above" if over_iran else "avoided")
    # The month of the date gives the wind times, per case and for the base route.
    assert compared["month"] == case["month"] == ranked["baseline_time"]["month"] == 2
    assert case["wind_h"] == pytest.approx(route["wind_h"], rel=1e-9)
    assert case["wind_h"] != pytest.approx(case["still_air_h"], rel=1e-3)


def test_compare_without_advisories_or_wind_says_so() -> None:
    data = _json(
        "compare", *GERMAN_2020, "--fl", "230", "--no-advisories", "--no-wind",
        "--case", "", "--case", "IQ",
    )  # fmt: skip
    assert "No advisory layer applied" in data["remarks"][0]
    assert all(c["advisories"] is None for c in data["cases"])
    assert "IR" in data["cases"][0]["states"]  # no advisory: straight over Iran
    assert data["month"] is None
    assert all(c["wind_h"] == c["still_air_h"] for c in data["cases"])


def test_compare_text_shows_wind_times_of_the_month() -> None:
    result = runner.invoke(
        app, ["compare", "EFHK", "RJAA", "--case", "", "--case", "RU", "--month", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "wind: mean of month 1" in result.output
    assert "wind time" in result.output
