"""The command line, run in-process and as the installed ``overflight`` executable."""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT, EXIT_NO_ROUTE

runner = CliRunner()

ROUTE_FIELDS = {
    "origin",
    "destination",
    "denied",
    "waypoints",
    "distance_km",
    "great_circle_km",
    "extra_km",
    "extra_pct",
    "duration_h",
    "transit",
    "high_seas_km",
}


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_route_json_has_the_stable_fields() -> None:
    code, out, _ = run("route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= ROUTE_FIELDS
    assert {"code", "name", "lat", "lon"} <= set(data["origin"])
    assert data["origin"]["code"] == "UUMU"
    assert data["destination"]["code"] == "OSLK"
    assert data["denied"] == ["BG", "GR", "TR"]
    assert data["waypoints"][0] == [data["origin"]["lon"], data["origin"]["lat"]]
    assert data["waypoints"][-1] == [data["destination"]["lon"], data["destination"]["lat"]]
    crossed = [t["country"] for t in data["transit"]]
    assert "IR" in crossed
    assert "IQ" in crossed
    assert not {"BG", "GR", "TR"} & set(crossed)
    for t in data["transit"]:
        assert {"country", "name", "distance_km", "entry", "exit"} <= set(t)
    assert data["extra_km"] == pytest.approx(data["distance_km"] - data["great_circle_km"])
    assert data["duration_h"] == pytest.approx(data["distance_km"] / (450 * 1.852))
    assert data["flight_level"] == 350


def test_the_flight_level_is_carried_to_the_json() -> None:
    code, out, _ = run("route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "--fl", "230", "-f", "json")
    assert code == 0
    assert json.loads(out)["flight_level"] == 230


def test_route_text_names_states_and_figures() -> None:
    code, out, _ = run("route", "UUMU", "OSLK", "--deny", "BG", "--deny", "GR,TR")
    assert code == 0
    assert "Iran" in out
    assert "Iraq" in out
    assert "penalty" in out
    assert "high seas" in out


def test_text_and_json_list_the_same_clearances_without_the_endpoint_states() -> None:
    args = ["route", "UUMU", "OSLK", "--deny", "BG,GR,TR"]
    _, out, _ = run(*args, "--format", "json")
    data = json.loads(out)
    crossed = list(dict.fromkeys(t["country"] for t in data["transit"]))
    assert crossed[0] == "RU"
    assert crossed[-1] == "SY"
    # The departure and arrival states are permitted by definition: not clearances.
    assert data["clearances"] == crossed[1:-1]
    assert {"IR", "IQ"} <= set(data["clearances"])
    assert data["advisories"] is None
    assert any("No advisory layer applied" in r for r in data["remarks"])
    code, text, _ = run(*args)
    assert code == 0
    flat = " ".join(text.split())
    assert f"clearances needed (the flight as flown, less its departure and arrival states): " \
        f"{' '.join(data['clearances'])}" in flat  # fmt: skip
    assert "No advisory layer applied" in flat


def test_clearances_of_a_fuel_stop_plan_are_those_of_the_legs_flown() -> None:
    args = ["route", "UUMU", "OSLK", "-s", "syria-2015", "--deny", "AZ", "--aircraft", "IL76"]
    code, out, err = run(*args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["stops"]
    flown = list(dict.fromkeys(t["country"] for leg in data["legs"] for t in leg["transit"]))
    # Every leg's states, a stop's own included, less the departure and arrival states.
    assert data["clearances"] == [c for c in flown if c not in {"RU", "SY"}]
    assert "IR" in data["clearances"]


def test_speed_changes_duration_only() -> None:
    _, slow, _ = run("route", "UUMU", "OSLK", "-d", "BG,GR,TR", "-f", "json", "--speed-kt", "300")
    _, fast, _ = run("route", "UUMU", "OSLK", "-d", "BG,GR,TR", "-f", "json", "--speed-kt", "600")
    a, b = json.loads(slow), json.loads(fast)
    assert a["distance_km"] == b["distance_km"]
    assert a["duration_h"] == pytest.approx(2 * b["duration_h"])


def test_geojson_is_rfc7946_and_cut_at_antimeridian(tmp_path: Path) -> None:
    out = tmp_path / "route.geojson"
    code, _, _ = run("route", "RJAA", "PANC", "--deny", "RU", "-f", "geojson", "-o", str(out))
    assert code == 0
    collection = json.loads(out.read_text())
    assert collection["type"] == "FeatureCollection"
    track = collection["features"][0]["geometry"]
    assert track["type"] == "MultiLineString"  # Tokyo to Anchorage crosses 180°
    for line in track["coordinates"]:
        lons = [p[0] for p in line]
        assert all(-180.0 <= lon <= 180.0 for lon in lons)
        assert max(abs(b - a) for a, b in itertools.pairwise(lons)) < 10.0
    roles = {f["properties"].get("role") for f in collection["features"][1:]}
    assert roles == {"origin", "destination"}


@pytest.mark.parametrize(
    ("args", "status", "needle"),
    [
        (("route", "ZZZZ", "OSLK"), EXIT_BAD_INPUT, "ZZZZ"),
        (("route", "UUMU", "OSLK", "--deny", "XQ"), EXIT_BAD_INPUT, "XQ"),
        (("route", "95,10", "OSLK"), EXIT_BAD_INPUT, "95"),
        (("route", "UUEE", "OSLK", "--deny", "RU"), EXIT_BAD_INPUT, "Russia"),
        (("route", "FXMM", "EGLL", "--deny", "ZA"), EXIT_NO_ROUTE, "South Africa"),
        (("route", "UUMU", "OSLK", "--margin-nm", "-3"), EXIT_BAD_INPUT, "-3"),
        # Bounds of the request, the same as over HTTP: 0 kt was silently 450 kt.
        (("route", "UUMU", "OSLK", "--speed-kt", "0"), EXIT_BAD_INPUT, "--speed-kt 0"),
        (("route", "UUMU", "OSLK", "--speed-kt", "0"), EXIT_BAD_INPUT, "50 to 1500"),
        (("route", "UUMU", "OSLK", "--max-stops", "6"), EXIT_BAD_INPUT, "0 to 5"),
        (("route", "UUMU", "OSLK", "--fl", "610"), EXIT_BAD_INPUT, "--fl 610: out of range"),
        # Once a 0 km route.
        (("route", "UUMU", "UUMU"), EXIT_BAD_INPUT, "the same place"),
        (("route", "UUMU", "OSLK", "--fl", "-10"), EXIT_BAD_INPUT, "0 to 600"),
        (("map", "UUMU", "OSLK", "-o", "x.png", "--margin-nm", "250"), EXIT_BAD_INPUT, "0 to 200"),
    ],
)
def test_bad_input_exits_with_a_clear_message(
    args: tuple[str, ...], status: int, needle: str
) -> None:
    code, out, err = run(*args)
    assert code == status
    assert needle in " ".join(err.split())
    assert "Traceback" not in out + err


def test_installed_command_runs_end_to_end(tmp_path: Path) -> None:
    beside = Path(sys.executable).with_name("overflight")
    exe = str(beside) if beside.exists() else shutil.which("overflight")
    if exe is None:
        pytest.skip("the package is not installed with its entry point")
    done = subprocess.run(
        [exe, "route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "-f", "json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["distance_km"] > json.loads(done.stdout)["great_circle_km"]
    failed = subprocess.run(
        [exe, "route", "UUMU", "NOPE"], capture_output=True, text=True, check=False, timeout=300
    )
    assert failed.returncode == EXIT_BAD_INPUT
    assert "NOPE" in failed.stderr


# -- superseded codes and OurAirports fields -----------------------------------------------------


def words(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (rich wraps lines)."""
    return " ".join(text.split())


def test_route_text_shows_the_notes_of_superseded_codes() -> None:
    code, out, _ = run("route", "HSSS", "UTTT")
    assert code == 0
    text = words(out)
    assert "HSSK Khartoum International Airport → UZTT Tashkent International Airport" in text
    assert "note: HSSS is a former ICAO code of Khartoum International Airport" in text
    assert "has been HSSK since 2021-03-04" in text
    assert "note: UTTT is a former ICAO code of Tashkent International Airport" in text
    assert text.index("note: HSSS") < text.index("note: UTTT") < text.index("→")


def test_route_text_in_a_file_keeps_the_notes(tmp_path: Path) -> None:
    out = tmp_path / "route.txt"
    code, _, _ = run("route", "HSSS", "OSLK", "-o", str(out))
    assert code == 0
    assert "note: HSSS is a former ICAO code" in words(out.read_text())


def test_route_json_carries_the_note_and_stderr_says_it() -> None:
    code, out, err = run("route", "UKFB", "UTTT", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["origin"]["code"] == "UKFB"
    assert data["origin"]["kind"] == "airfield"
    assert "Belbek" in data["origin"]["name"]
    assert "note" not in data["origin"]
    assert data["destination"]["code"] == "UZTT"
    assert "UTTT" in data["destination"]["note"]
    assert "note: UTTT is a former ICAO code" in words(err)


def test_route_with_current_codes_has_no_note() -> None:
    code, out, err = run("route", "HSSK", "UZTT", "--format", "json")
    assert code == 0
    assert "note" not in out
    assert "note" not in err


def test_airports_command_shows_the_note() -> None:
    code, out, _ = run("airports", "uttt")
    assert code == 0
    text = words(out)
    assert "UZTT" in text
    assert "note: UTTT is a former ICAO code of Tashkent International Airport" in text


def test_airports_command_finds_ourairports_fields() -> None:
    code, out, _ = run("airports", "Belbek")
    assert code == 0
    assert "UKFB" in out
    assert "note" not in out


def test_compare_text_shows_the_notes() -> None:
    result = runner.invoke(app, ["compare", "UTTT", "OSLK", "--case", "TR", "--case", "TR,IR"])
    assert result.exit_code == 0, result.output
    assert "note: UTTT is a former ICAO code" in words(result.stdout)


def test_a_negative_latitude_is_a_place_not_an_option(capsys: pytest.CaptureFixture[str]) -> None:
    """`-33.96,18.6` (Cape Town) once failed with "No such option: -3"."""
    from overflight.cli.app import main

    with pytest.raises(SystemExit) as done:
        main(["route", "-33.96,18.6", "-25.9,28.2", "--margin-nm", "0", "-f", "json"])
    assert done.value.code == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["origin"]["lat"], data["destination"]["lat"]) == (-33.96, -25.9)


def test_route_optimised_for_time_shows_the_routes_considered() -> None:
    args = ["route", "RJAA", "EFHK", "--deny", "RU,BY,UA", "--month", "1", "--optimise", "time"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "wind: January mean at 200 hPa" in result.output
    assert "routes considered" in result.output
    assert result.output.count("chosen") == 1
    refused = CliRunner().invoke(app, ["route", "RJAA", "EFHK", "--optimise", "fastest"])
    assert refused.exit_code == 2
    assert "--optimise 'fastest': give distance or time" in refused.output
