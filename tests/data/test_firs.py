"""FIR outlines read from a user's GeoJSON (VATSpy's shape) or an installed traffic."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
import shapely

from overflight.data.firs import fir_set_of, read_fir_file, traffic_firs
from overflight.errors import InputError

SYNTHETIC = Path(__file__).with_name("firs_synthetic.geojson")


def box(west: float, east: float) -> dict[str, Any]:
    ring = [[west, 0], [east, 0], [east, 1], [west, 1], [west, 0]]
    return {"type": "Polygon", "coordinates": [ring]}


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "firs.geojson"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def collection(*features: tuple[dict[str, Any], Any]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features],
    }


def test_a_sub_sector_is_dropped_when_its_fir_is_in_the_file() -> None:
    firs = read_fir_file(SYNTHETIC)
    assert firs.ids == ("XAAA", "XBBB", "XCCC", "XDDD")
    assert firs.geometry("XBBB").equals(shapely.box(11, 44, 14.5, 53))


def test_sub_sectors_without_their_fir_are_merged_into_it(tmp_path: Path) -> None:
    path = write(tmp_path, collection(({"id": "XEEE-W"}, box(0, 1)), ({"id": "XEEE-E"}, box(1, 2))))
    firs = read_fir_file(path)
    assert firs.ids == ("XEEE",)
    assert firs.geometry("XEEE").area == pytest.approx(2.0)


def test_a_fir_drawn_across_the_antimeridian_is_cut_there(tmp_path: Path) -> None:
    """An oceanic FIR drawn from 170 E to 190 E (170 W), as some files have it."""
    firs = read_fir_file(write(tmp_path, collection(({"id": "XPAC"}, box(170, 190)))))
    outline = firs.geometry("XPAC")
    assert outline.bounds == (-180.0, 0.0, 180.0, 1.0)
    assert outline.area == pytest.approx(20.0)
    assert outline.contains(shapely.Point(-175.0, 0.5))
    assert not outline.contains(shapely.Point(0.0, 0.5))


def test_another_identifier_property_is_read_when_named(tmp_path: Path) -> None:
    path = write(tmp_path, collection(({"IDENT": "XFFF", "id": 3}, box(0, 1))))
    assert read_fir_file(path, id_property="IDENT").ids == ("XFFF",)


def test_the_same_content_is_the_same_set_whatever_the_file(tmp_path: Path) -> None:
    copy = tmp_path / "copy.geojson"
    copy.write_text(SYNTHETIC.read_text(encoding="utf-8"), encoding="utf-8")
    assert read_fir_file(copy) == read_fir_file(SYNTHETIC)
    assert hash(read_fir_file(copy)) == hash(read_fir_file(SYNTHETIC))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "is not readable JSON"),
        ({"type": "Polygon", "coordinates": []}, "GeoJSON of type 'Polygon'"),
        ({"type": "FeatureCollection", "features": []}, "holds no feature"),
        (
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"name": "X"}, "geometry": box(0, 1)}
                ],
            },
            r"feature 0 has no identifier in property 'id' \(its properties: name\); "
            "give --fir-id-property",
        ),
        (
            collection(({"id": "XAAA"}, {"type": "Point", "coordinates": [0, 0]})),
            r"feature 0 \(XAAA\) is a Point, not an area",
        ),
        (
            collection(({"id": "XAAA"}, box(170, 600))),
            r"feature 0 \(XAAA\) has coordinates outside lon \[-180, 180\]",
        ),
    ],
)
def test_a_bad_file_is_named_with_what_is_wrong(
    tmp_path: Path, document: Any, message: str
) -> None:
    path = tmp_path / "firs.geojson"
    path.write_text(document if isinstance(document, str) else json.dumps(document), "utf-8")
    with pytest.raises(InputError, match=message) as error:
        read_fir_file(path)
    assert str(path) in str(error.value)


def test_a_file_is_read_again_only_when_it_changes(tmp_path: Path) -> None:
    path = write(tmp_path, collection(({"id": "XAAA"}, box(0, 1))))
    first = fir_set_of(path)
    assert fir_set_of(path) is first
    path.write_text(json.dumps(collection(({"id": "XBBB"}, box(0, 2)))), encoding="utf-8")
    changed = fir_set_of(path)
    assert changed is not None
    assert changed.ids == ("XBBB",)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"FIR file '.*nowhere.geojson' not found"):
        read_fir_file(tmp_path / "nowhere.geojson")


HAS_TRAFFIC = importlib.util.find_spec("traffic") is not None


@pytest.mark.skipif(not HAS_TRAFFIC, reason="the traffic package is not installed")
def test_traffic_gives_the_european_firs() -> None:
    firs = traffic_firs()
    assert firs is not None
    assert {"LOVV", "LHCC", "EDGG", "LFFF"} <= set(firs.ids)
    # Vienna lies in the Vienna FIR.
    assert firs.geometry("LOVV").contains(shapely.Point(16.57, 48.11))


@pytest.mark.skipif(HAS_TRAFFIC, reason="the traffic package is installed")
def test_without_traffic_no_firs_are_loaded() -> None:
    assert traffic_firs() is None
