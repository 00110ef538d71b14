"""Every JSON answer says what made it: ``versions`` in restrictions, timeline and GeoJSON."""

from __future__ import annotations

import json

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
    ],
    ids=["restrictions-operator", "restrictions-state", "timeline", "geojson", "geojson-stops"],
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
