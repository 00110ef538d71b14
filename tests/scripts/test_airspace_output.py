"""The airspace build's names, encoding and checks, on small synthetic inputs."""

from __future__ import annotations

import gzip
import json

import pytest
from shapely.geometry import MultiPolygon, box

from scripts.build_airspace.checks import corridor, max_arc_offset_m, min_gap_km
from scripts.build_airspace.codes import KOSOVO, identity
from scripts.build_airspace.encode import encode, feature


def test_identity_codes_and_short_names() -> None:
    assert identity("XKX") == KOSOVO == ("XK", "XKX", "Kosovo")
    assert identity("RUS") == ("RU", "RUS", "Russia")
    assert identity("FRA") == ("FR", "FRA", "France")
    with pytest.raises(SystemExit, match="unknown alpha-3"):
        identity("ZZZ")


def test_feature_carries_the_shipped_properties() -> None:
    single = feature("PF", "PYF", "French Polynesia", box(0, 0, 1, 1))
    assert single["properties"] == {
        "code": "PF",
        "code3": "PYF",
        "name": "French Polynesia",
        "sovereign": "FR",
    }
    assert single["geometry"]["type"] == "Polygon"
    multi = feature("FR", "FRA", "France", MultiPolygon([box(0, 0, 1, 1), box(2, 0, 3, 1)]))
    assert multi["properties"]["sovereign"] is None
    assert multi["geometry"]["type"] == "MultiPolygon"
    assert len(multi["geometry"]["coordinates"]) == 2


def test_encode_is_deterministic_one_feature_per_line() -> None:
    features = [feature("AD", "AND", "Andorra", box(1, 42, 2, 43))] * 2
    payload = encode(features)
    assert payload == encode(features)
    assert payload[4:8] == b"\0\0\0\0"  # gzip mtime 0
    text = gzip.decompress(payload).decode()
    assert text.splitlines()[1].startswith('{"type":"Feature"')
    collection = json.loads(text)
    assert len(collection["features"]) == 2
    assert collection["overflight"]["builder"] == "scripts/build_airspace.py"
    assert not any("date" in key for key in collection["overflight"])


def test_corridor_width_and_closed_corridor() -> None:
    bounds = (0.0, 0.0, 1.0, 1.0)
    north, south = box(-1, 0.55, 2, 2), box(-1, -1, 2, 0.45)
    width = corridor({"AA": north, "BB": south}, bounds, "AA", "BB")
    assert width == pytest.approx(0.1 * 111.3 / 1.852, rel=0.01)  # 0.1 degree of latitude
    with pytest.raises(SystemExit, match="closed"):
        corridor({"AA": north, "BB": south, "CC": box(0.4, 0.4, 0.6, 0.6)}, bounds, "AA", "BB")


def test_min_gap_finds_the_narrowest_slack() -> None:
    km, lon, _ = min_gap_km(box(0.0, 0.0, 1.0, 1.0), box(-0.01, -0.02, 1.05, 1.05))
    assert km == pytest.approx(0.01 * 111.2, rel=0.01)
    assert lon == pytest.approx(0.0, abs=0.02)


def test_arc_offset_is_zero_on_a_meridian_and_grows_along_a_parallel() -> None:
    assert max_arc_offset_m(box(10.0, 0.0, 10.0001, 5.0)) < 1.0
    assert max_arc_offset_m(box(0.0, 60.0, 10.0, 61.0)) > 10_000.0
