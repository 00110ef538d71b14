"""``overflight track``: text, JSON and GeoJSON reports; bad files exit 2 naming line and value."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.analysis.track import Track
from overflight.cli import app
from tests.track.flown import fly, through_the_strait, write

runner = CliRunner()


@pytest.fixture(scope="module")
def ukraine_gpx(over_ukraine: Track, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tracks") / "ukraine.gpx"
    flown = list(zip(*zip(*over_ukraine.points, strict=True), over_ukraine.times, strict=True))
    return write([(x, y, t) for x, y, t in flown], path)


def test_text_names_the_violation_and_its_rule(ukraine_gpx: Path) -> None:
    result = runner.invoke(app, ["track", str(ukraine_gpx), "--operator", "RU"])
    assert result.exit_code == 0, result.output
    assert "violations" in result.output
    assert "ua-closes-to-civil-flights-2022" in result.output
    assert "rules in force on 2022-06-01" in result.output


def test_json_and_geojson_hold_track_and_optimum(ukraine_gpx: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = runner.invoke(app, ["track", str(ukraine_gpx), "--operator", "RU", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert [v["country"] for v in data["violations"]] == ["UA"]
    assert data["optimum"]["distance_km"] > data["track"]["distance_km"]
    assert [o["country"] for o in data["overflown"]] == ["RU", "UA", "TR"]
    result = runner.invoke(
        app, ["track", str(ukraine_gpx), "--operator", "RU", "--format", "geojson"]
    )
    assert result.exit_code == 0, result.output
    roles = [f["properties"].get("role") for f in json.loads(result.stdout)["features"]]
    assert roles[:3] == ["track", "violation", "optimum"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "late.csv",
            "lat,lon,time\n60,25,2015-09-15T06:10:00Z\n61,25,2015-09-15T06:00:00Z\n",
            "late.csv:3: time 2015-09-15T06:00:00+00:00 is earlier",
        ),
        ("far.csv", "lat,lon\n60,25\n60,190\n", "far.csv:3: longitude 190.0 out of range"),
        (
            "one.gpx",
            '<gpx><trk><trkseg><trkpt lat="1" lon="2"/></trkseg></trk></gpx>',
            "one.gpx:1: only one distinct track point",
        ),
    ],
)
def test_bad_files_exit_2_with_the_place_and_no_traceback(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = runner.invoke(app, ["track", str(path)])
    assert result.exit_code == 2
    assert message in " ".join(result.output.replace(str(tmp_path) + "/", "").split())
    assert "Traceback" not in result.output


def test_a_30_mb_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "huge.kml"
    with path.open("wb") as f:
        f.truncate(30_000_000)
    result = runner.invoke(app, ["track", str(path)])
    assert result.exit_code == 2
    assert "huge.kml: the file is 30.0 MB" in " ".join(result.output.split())


def test_explain_in_json_is_an_inference_with_bulgaria_and_turkey(
    syria_2015: Track, tmp_path: Path
) -> None:
    flown = list(zip(*zip(*syria_2015.points, strict=True), syria_2015.times, strict=True))
    path = write([(x, y, t) for x, y, t in flown], tmp_path / "syria.csv")
    args = ["track", str(path), "--operator", "RU", "--category", "state", "--explain"]
    result = runner.invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    explain = json.loads(result.stdout)["explain"]
    assert "inference" in explain
    assert any({"BG", "TR"} <= set(e["refused"]) for e in explain["explanations"])
    text = runner.invoke(app, args)
    assert "inferred: refusals under which" in " ".join(text.output.split())


def test_map_draws_a_png_and_refuses_other_suffixes(ukraine_gpx: Path, tmp_path: Path) -> None:
    png = tmp_path / "track.png"
    result = runner.invoke(app, ["track", str(ukraine_gpx), "--operator", "RU", "--map", str(png)])
    assert result.exit_code == 0, result.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(data[16:20], "big") == 1600
    bad = runner.invoke(app, ["track", str(ukraine_gpx), "--map", str(tmp_path / "t.jpg")])
    assert bad.exit_code == 2
    assert "give a file name ending in .png, .svg or .html" in " ".join(bad.output.split())


def test_a_folder_reports_every_track_and_names_the_bad_ones(
    ukraine_gpx: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "flights"
    folder.mkdir()
    (folder / "a.gpx").write_bytes(ukraine_gpx.read_bytes())
    (folder / "b.csv").write_text("lat,lon\n60,25\n91,25\n")
    (folder / "notes.txt.bak").write_text("not a track")
    out = tmp_path / "all.json"
    result = runner.invoke(app, ["track", str(folder), "--operator", "RU", "-o", str(out)])
    assert result.exit_code == 2
    assert "1 of 2 track files could not be read: b.csv" in " ".join(result.output.split())
    rows = json.loads(out.read_text())
    assert [r["file"] for r in rows] == ["a.gpx", "b.csv"]
    assert [v["country"] for v in rows[0]["report"]["violations"]] == ["UA"]
    assert "b.csv:3: latitude 91.0 out of range" in rows[1]["error"]


def test_a_closed_coastal_state_crossed_in_gibraltar_is_said_to_be_transit_passage(
    tmp_path: Path,
) -> None:
    start = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)
    path = write(fly(through_the_strait(), start=start, noise_km=0.1), tmp_path / "strait.kml")
    args = ["track", str(path), "--deny", "ES,MA"]
    text = runner.invoke(app, args)
    assert text.exit_code == 0, text.output
    words = " ".join(text.output.split())
    assert "no crossing of closed airspace" in words
    assert "transit passage: ES Spain" in words
    assert "Strait of Gibraltar corridor" in words
    data = json.loads(runner.invoke(app, [*args, "-f", "json"]).stdout)
    assert data["violations"] == []
    crossed = {o["country"] for o in data["overflown"]} & {"ES", "MA"}
    assert "ES" in crossed
    assert {p["country"] for p in data["transit_passages"]} == crossed
