"""route --format kml|gpx|csv and the map command, run in-process on real plans."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import gpxpy
import lxml.etree
import pytest
from PIL import Image
from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT, EXIT_NO_ROUTE

runner = CliRunner()
ROUTE = ["UUMU", "OSLK", "--deny", "BG,GR,TR"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_route_kml_to_file(tmp_path: Path) -> None:
    out = tmp_path / "route.kml"
    code, _, err = run("route", *ROUTE, "--format", "kml", "-o", str(out))
    assert code == 0, err
    root = lxml.etree.fromstring(out.read_bytes())
    assert root.tag == "{http://www.opengis.net/kml/2.2}kml"
    names = root.xpath("//k:Placemark/k:name/text()", namespaces={"k": root.nsmap[None]})
    assert {"UUMU", "OSLK", "Great circle"} <= set(names)


def test_route_gpx_to_file(tmp_path: Path) -> None:
    out = tmp_path / "route.gpx"
    code, _, err = run("route", *ROUTE, "--format", "gpx", "-o", str(out))
    assert code == 0, err
    (rte,) = gpxpy.parse(out.read_text(encoding="utf-8")).routes
    assert [rte.points[0].name, rte.points[-1].name] == ["UUMU", "OSLK"]


def test_route_csv_to_stdout_and_file(tmp_path: Path) -> None:
    code, stdout, err = run("route", *ROUTE, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(stdout)))
    assert rows[0]["code"] == "UUMU"
    assert rows[-1]["code"] == "OSLK"
    assert float(rows[-1]["cumulative_km"]) > 2500.0
    out = tmp_path / "route.csv"
    assert run("route", *ROUTE, "--format", "csv", "-o", str(out))[0] == 0
    assert out.read_text(encoding="utf-8") == stdout


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_map_by_suffix(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"route{suffix}"
    code, stdout, err = run("map", *ROUTE, "-o", str(out))
    assert code == 0, err
    data = out.read_bytes()
    # It says what it wrote: the format, the path and the size in bytes.
    assert stdout == (
        f"wrote {suffix[1:].upper()} map to {out} ({len(data):,} bytes"
        + ("" if suffix == ".html" else ", 1600x1000 px")
        + ")\n"
    )
    if suffix == ".png":
        assert Image.open(io.BytesIO(data)).size == (1600, 1000)
    elif suffix == ".svg":
        assert lxml.etree.fromstring(data).tag == "{http://www.w3.org/2000/svg}svg"
    else:
        assert data.startswith(b"<!DOCTYPE html>")
        assert b"maplibregl" in data


def test_map_size_and_format_override(tmp_path: Path) -> None:
    out = tmp_path / "route.image"
    args = ["map", *ROUTE, "-o", str(out), "--format", "png", "--width-px", "800"]
    code, _, err = run(*args, "--height-px", "500")
    assert code == 0, err
    assert Image.open(io.BytesIO(out.read_bytes())).size == (800, 500)


@pytest.mark.parametrize("name", ["route.jpg", "route"])
def test_map_bad_suffix_exits_2_naming_it(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    code, _, err = run("map", *ROUTE, "-o", str(out))
    assert code == EXIT_BAD_INPUT
    assert (".jpg" if name.endswith(".jpg") else "no suffix") in err
    assert ".png" in err
    assert not out.exists()


def test_map_uses_the_route_exit_codes(tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    code, _, err = run("map", "ZZZZ", "OSLK", "-o", str(out))
    assert code == EXIT_BAD_INPUT
    assert "ZZZZ" in err
    # Lesotho is enclosed by South Africa.
    code, _, err = run("map", "FXMM", "EGLL", "--deny", "ZA", "-o", str(out))
    assert code == EXIT_NO_ROUTE
    assert "enclosed" in err
    assert not out.exists()
