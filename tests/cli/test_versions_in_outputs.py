"""Every JSON answer says what made it: ``versions`` in restrictions, timeline and GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.analysis.versions import data_versions
from overflight.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [
        ("restrictions", "--operator", "IN", "--date", "2025-06-01", "--format", "json"),
        ("restrictions", "--state", "PK", "--date", "2025-06-01", "--format", "json"),
        (
            *("timeline", "OTHH", "OMAA", "--airline", "QTR"),
            *("--from", "2017-06-01", "--to", "2017-06-30", "--format", "json"),
        ),
        ("route", "EFHK", "RJAA", "--deny", "RU", "--format", "geojson"),
        ("route", "VIDP", "KORD", "--deny", "PK", "--aircraft", "B738", "--format", "geojson"),
        ("advisories", "--operator", "DE", "--date", "2020-02-01", "--format", "json"),
        ("advisories", "--operator", "DE", "--date", "2020-02-01", "--format", "geojson"),
    ],
    ids=[
        "restrictions-operator",
        "restrictions-state",
        "timeline",
        "geojson",
        "geojson-stops",
        "advisories",
        "advisories-geojson",
    ],
)
def test_the_json_carries_the_versions(args: tuple[str, ...]) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["versions"] == data_versions()
    assert data["versions"]["registry_as_of"] == data_versions()["registry_as_of"]


def test_geojson_keeps_versions_out_of_the_features() -> None:
    # RFC 7946 foreign member: on the collection, never mixed into a feature's properties.
    result = runner.invoke(app, ["route", "UUMU", "OSLK", "--deny", "BG,GR,TR", "-f", "geojson"])
    data = json.loads(result.stdout)
    assert data["type"] == "FeatureCollection"
    assert all("versions" not in f["properties"] for f in data["features"])


@pytest.mark.parametrize("output", ["json", "geojson"])
def test_a_track_report_carries_the_versions(tmp_path: Path, output: str) -> None:
    # London Heathrow to Paris Charles de Gaulle, a fix every few minutes.
    track = tmp_path / "flight.csv"
    rows = ["lat,lon,time"]
    for k in range(11):
        f = k / 10
        lat, lon = 51.47 + (49.01 - 51.47) * f, -0.45 + (2.55 + 0.45) * f
        rows.append(f"{lat:.4f},{lon:.4f},2024-05-01T10:{k * 4:02d}:00Z")
    track.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["track", str(track), "--format", output])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["versions"] == data_versions()
