"""Batch and matrix outputs as GeoParquet: geodesic lines that GeoPandas reads back."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from overflight.analysis.batch.store import SCHEMA, read_results
from overflight.cli import app
from overflight.geo.ellipsoid import path_km

geopandas = pytest.importorskip(
    "geopandas", reason="GeoPandas is an optional extra: pip install 'overflight[geo]'"
)

PAIRS = "origin,destination\nRJAA,KSFO\nUUMU,OSLK\nEGLL,KJFK\n"


def invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output


def lines_km(geometry: object) -> float:
    parts = getattr(geometry, "geoms", [geometry])
    return sum(path_km(list(part.coords)) for part in parts)


def test_batch_geoparquet_holds_geodesic_lines_in_epsg_4326(tmp_path: Path) -> None:
    pairs, output = tmp_path / "pairs.csv", tmp_path / "routes.parquet"
    pairs.write_text(PAIRS, encoding="utf-8")
    invoke("batch", str(pairs), "-o", str(output), "--deny", "RU", "-f", "geoparquet", "-j", "1")
    geo = json.loads(pq.read_metadata(output).metadata[b"geo"])
    assert geo["version"] == "1.0.0"
    assert geo["columns"]["geometry"]["encoding"] == "WKB"
    frame = geopandas.read_parquet(output)
    assert frame.crs.to_epsg() == 4326
    assert list(frame.columns) == [*SCHEMA.names, "geometry"]
    pacific = frame[frame["origin"] == "RJAA"].iloc[0]
    # Tokyo to San Francisco crosses ±180°: two lines, one ending at +180, one starting at -180.
    assert pacific.geometry.geom_type == "MultiLineString"
    west, east = pacific.geometry.geoms
    assert (west.coords[-1][0], east.coords[0][0]) == (180.0, -180.0)
    # Geodesic, not a straight line in lon/lat: its WGS84 length is the route's.
    assert lines_km(pacific.geometry) == pytest.approx(pacific["distance_km"], rel=1e-4)
    atlantic = frame[frame["origin"] == "EGLL"].iloc[0]
    assert atlantic.geometry.geom_type == "LineString"
    assert lines_km(atlantic.geometry) == pytest.approx(atlantic["distance_km"], rel=1e-4)
    # A row without a route has no line; and the batch reads its own output back to resume.
    assert frame[frame["status"] != "ok"].geometry.isna().all()
    assert read_results(output).num_rows == 3
    invoke("batch", str(pairs), "-o", str(output), "--deny", "RU", "-f", "geoparquet", "-j", "1")
    assert len(geopandas.read_parquet(output)) == 3


def test_matrix_geoparquet_has_a_row_per_pair(tmp_path: Path) -> None:
    output = tmp_path / "matrix.parquet"
    invoke("matrix", "EFHK,RJAA,KSFO", "-o", str(output), "--deny", "RU", "-f", "geoparquet")
    frame = geopandas.read_parquet(output)
    assert frame.crs.to_epsg() == 4326
    assert len(frame) == 6
    assert {"origin", "destination", "distance_km", "extra_pct", "reason"} <= set(frame.columns)
    for _, row in frame.iterrows():
        assert lines_km(row.geometry) == pytest.approx(row["distance_km"], rel=1e-4)
    pacific = frame[(frame["origin"] == "RJAA") & (frame["destination"] == "KSFO")].iloc[0]
    assert pacific.geometry.geom_type == "MultiLineString"


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["matrix", "EFHK,RJAA", "-o", "m.csv", "-f", "geoparquet"], "ending in .parquet"),
        (["matrix", "EFHK,RJAA", "-o", "m.parquet"], "ending in .csv) or GeoParquet"),
        (["batch", "pairs.csv", "-o", "out.csv", "-f", "geoparquet"], "ending in .parquet"),
    ],
)
def test_a_format_and_suffix_that_disagree_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pairs.csv").write_text(PAIRS, encoding="utf-8")
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
