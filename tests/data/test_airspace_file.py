"""Properties of the shipped sovereign-airspace file, read with gzip + json + shapely only.

These tests deliberately avoid the package's loaders so that they check the committed data file
itself (as built by ``scripts/build_airspace/``), independently of the code that reads it.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "overflight" / "data" / "airspace.geojson.gz"
EARTH_RADIUS_KM = 6371.0088
MAX_EDGE_KM = 25.0


@cache
def collection() -> dict[str, Any]:
    return json.loads(gzip.decompress(DATA.read_bytes()))  # type: ignore[no-any-return]


@cache
def areas() -> dict[str, BaseGeometry]:
    out = {}
    for feature in collection()["features"]:
        geometry = shape(feature["geometry"])
        shapely.prepare(geometry)
        out[feature["properties"]["code"]] = geometry
    return out


def states_at(lon: float, lat: float) -> set[str]:
    point = Point(lon, lat)
    return {code for code, geometry in areas().items() if geometry.covers(point)}


def polygons(geometry: BaseGeometry) -> list[Any]:
    return list(shapely.get_parts(geometry))


def test_file_is_reproducible_gzip() -> None:
    raw = DATA.read_bytes()
    assert raw[:2] == b"\x1f\x8b"
    assert raw[4:8] == b"\0\0\0\0", "gzip mtime must be 0 for byte-identical rebuilds"
    assert len(raw) <= 3_200_000


def test_collection_metadata() -> None:
    meta = collection()["overflight"]
    assert meta["source"]["package"] == "@geo-maps/countries-maritime-10m"
    assert meta["source"]["version"] == "0.6.0"
    assert meta["source"]["sha1"] == "edc11583b93fb54a20975fdab18d301a3c28337d"
    assert meta["tau_km"] == 1.0
    assert meta["max_edge_km"] == MAX_EDGE_KM
    assert meta["licence"] == "ODbL-1.0"
    assert "OpenStreetMap" in meta["attribution"]
    assert not any("date" in key or "time" in key for key in meta)


def test_property_schema_and_codes() -> None:
    features = collection()["features"]
    codes = [f["properties"]["code"] for f in features]
    assert codes == sorted(codes), "features are sorted by code"
    assert len(codes) == len(set(codes))
    for feature in features:
        props = feature["properties"]
        assert set(props) == {"code", "code3", "name", "sovereign"}
        assert re.fullmatch(r"[A-Z]{2}", props["code"])
        assert re.fullmatch(r"[A-Z]{3}", props["code3"])
        assert props["name"]
        assert props["sovereign"] is None or props["sovereign"] in codes
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    required = {"RU", "UA", "BY", "GR", "TR", "BG", "IR", "IQ", "SY", "PE", "XK"}
    assert required <= set(codes)
    assert "AQ" not in codes
    by_code = {f["properties"]["code"]: f["properties"] for f in features}
    assert by_code["XK"] == {"code": "XK", "code3": "XKX", "name": "Kosovo", "sovereign": None}
    assert by_code["RU"]["name"] == "Russia"
    assert by_code["US"]["name"] == "United States"
    assert by_code["IR"]["name"] == "Iran"
    assert by_code["SY"]["name"] == "Syria"
    assert by_code["PF"]["sovereign"] == "FR"
    assert by_code["HK"]["sovereign"] == "CN"
    assert by_code["SJ"]["sovereign"] == "NO"
    assert by_code["GL"]["sovereign"] == "DK"
    assert by_code["FR"]["sovereign"] is None


def test_every_geometry_is_valid() -> None:
    for code, geometry in areas().items():
        assert geometry.is_valid, (code, shapely.is_valid_reason(geometry))
        assert not geometry.is_empty, code


def test_rfc7946_winding() -> None:
    for code, geometry in areas().items():
        for polygon in polygons(geometry):
            assert polygon.exterior.is_ccw, code
            assert all(not ring.is_ccw for ring in polygon.interiors), code


def test_coordinates_have_at_most_six_decimals() -> None:
    for code, geometry in areas().items():
        xy = shapely.get_coordinates(geometry)
        scaled = xy * 1e6
        assert np.all(np.abs(scaled - np.round(scaled)) < 1e-3), code


def test_nothing_crosses_the_antimeridian() -> None:
    for code, geometry in areas().items():
        xy = shapely.get_coordinates(geometry)
        assert xy[:, 0].min() >= -180.0, code
        assert xy[:, 0].max() <= 180.0, code
        assert xy[:, 1].min() >= -90.0, code
        assert xy[:, 1].max() <= 90.0, code
        for polygon in polygons(geometry):
            x0, _, x1, _ = polygon.bounds
            assert x1 - x0 <= 180.0, code
    # States split at +-180 in the source stay split, with vertices exactly on the meridian.
    for code in ("RU", "US", "FJ", "TV"):
        x = shapely.get_coordinates(areas()[code])[:, 0]
        assert np.any(x == 180.0), code
        assert np.any(x == -180.0), code
        near = np.abs(x) > 180.0 - 1e-6
        assert np.all(np.abs(x[near]) == 180.0), code


def test_edges_are_short() -> None:
    # Haversine on the mean sphere; the build measures on WGS84, which differs by < 0.6 %.
    longest = 0.0
    for geometry in areas().values():
        for polygon in polygons(geometry):
            for ring in [polygon.exterior, *polygon.interiors]:
                lon, lat = np.radians(np.asarray(ring.coords)).T
                h = (
                    np.sin(np.diff(lat) / 2) ** 2
                    + np.cos(lat[:-1]) * np.cos(lat[1:]) * np.sin(np.diff(lon) / 2) ** 2
                )
                km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
                longest = max(longest, float(km.max()))
    assert longest <= MAX_EDGE_KM * 1.01


@pytest.mark.parametrize(
    ("label", "lon", "lat", "expected"),
    [
        ("Crimea, claimed by both", 34.1, 44.95, {"RU", "UA"}),
        ("Moscow", 37.62, 55.75, {"RU"}),
        ("Anadyr", 177.5, 64.73, {"RU"}),
        ("Chukotka west of -180 split", -175.0, 66.2, {"RU"}),
        ("Gulf of Finland international corridor", 25.0, 59.845, set()),
        ("La Perouse strait, high-seas corridor", 142.0, 45.63, set()),
        ("Sea of Azov, shared internal waters", 36.5, 46.0, {"RU", "UA"}),
        ("Middle of the Caspian Sea", 50.5, 41.0, set()),
        ("Middle of the Black Sea", 34.0, 43.5, set()),
        ("Middle of the Persian Gulf", 51.5, 27.2, set()),
        ("30 nm off Lima (Peru cut back to 12 nm)", -77.75, -12.1, set()),
        ("21 nm off Punta Aguja, Peru", -81.5, -6.0, set()),
        ("10 nm off Lobos de Afuera, Peru", -80.9, -6.9, {"PE"}),
        ("8 nm south of Gavdos (Greek 10 nm claim)", 24.10, 34.67, {"GR"}),
        ("Lake Titicaca, Peruvian inland water beyond 12 nm", -69.364, -15.795, {"PE"}),
        ("Ilemi Triangle, coded to both", 35.1, 4.8, {"KE", "SS"}),
        ("Abyei, coded to both", 28.43, 9.73, {"SD", "SS"}),
        ("Kinmen, coded to both", 118.38, 24.45, {"CN", "TW"}),
        ("Western Sahara west of the berm", -14.15, 24.5, {"EH", "MA"}),
        ("Lesotho, an enclave of South Africa", 28.2, -29.6, {"LS"}),
        ("Phu Quoc, an island stored as a hole, filled", 104.014, 10.231, {"VN"}),
        ("Diego Garcia lagoon, filled", 72.472, -7.339, {"IO"}),
        ("Pocket enclosed by Tuamotu atolls, filled", -145.144, -16.365, {"PF", "FR"}),
        ("Kosovo", 21.17, 42.67, {"XK"}),
    ],
)
def test_known_points(label: str, lon: float, lat: float, expected: set[str]) -> None:
    assert states_at(lon, lat) == expected, label


def test_peru_is_cut_back_to_territorial_sea() -> None:
    # The source's 200 nm maritime domain reached about 84.6 W; land + 12 nm + tau ends near
    # 81.55 W (Punta Parinas, 81.33 W, is the westernmost land).
    x0, y0, _, _ = areas()["PE"].bounds
    assert -81.7 < x0 < -81.4
    assert y0 > -18.9


def test_dependencies_have_their_own_entries() -> None:
    codes = set(areas())
    assert {"PF", "NC", "PR", "GU", "HK", "MO", "GL", "FO", "SJ", "AX", "GI"} <= codes


def _cache_dir() -> Path:
    env = os.environ.get("OVERFLIGHT_BUILD_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "overflight-build"


@pytest.mark.slow
def test_shipped_polygons_cover_the_source() -> None:
    """Re-run the coverage check against the pinned source tarball, when it is cached."""
    tarball = _cache_dir() / "geo-maps-countries-maritime-10m-0.6.0.tgz"
    if not tarball.exists():
        pytest.skip(f"no cached source tarball at {tarball} (build with --cache-dir to keep it)")
    from scripts.build_airspace.fetch import SOURCE, sha1_of
    from scripts.build_airspace.read import read_source
    from scripts.build_airspace.repair import repair

    assert sha1_of(tarball) == SOURCE.sha1
    repaired, _ = repair(read_source(tarball))
    shipped = {f["properties"]["code3"]: code for code, f in _features_by_code().items()}
    for code3, geometry in repaired.items():
        if code3 in {"ATA", "PER"}:  # excluded; cut back to 12 nm on purpose
            continue
        assert areas()[shipped[code3]].covers(geometry), code3
    assert len(shipped) == len(repaired) - 1


def _features_by_code() -> dict[str, dict[str, Any]]:
    return {f["properties"]["code"]: f for f in collection()["features"]}
