"""The shipped tables read back from their parsed copy are the tables parsed from the text."""

from __future__ import annotations

import functools
import gzip
import json
import mmap
from pathlib import Path

import numpy as np
import pytest
import shapely

from overflight.data import airports, airspace
from overflight.data.packed import (
    bytes_at,
    pack_bytes,
    pack_strings,
    packed,
    packed_dir,
    packed_latest,
    unpack_strings,
)


def _columns() -> dict[str, np.ndarray]:
    return {"name": pack_strings(["Zürich", "", "Oslo"]), "value": np.arange(3.0)}


def test_a_table_is_parsed_once_then_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    calls: list[int] = []

    def parse() -> dict[str, np.ndarray]:
        calls.append(1)
        return _columns()

    first = packed("sample", "abc", parse)
    second = packed("sample", "abc", parse)
    assert len(calls) == 1
    assert unpack_strings(second["name"]) == ["Zürich", "", "Oslo"]
    assert second["value"].tolist() == first["value"].tolist() == [0.0, 1.0, 2.0]
    assert (packed_dir() / "sample-abc.columns").is_file()
    assert not list((tmp_path / "graphs").glob("*"))  # the graph cache's size never counts it


def test_a_damaged_copy_is_parsed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    packed("sample", "abc", _columns)
    path = packed_dir() / "sample-abc.columns"
    whole = path.read_bytes()
    for damaged in (b"not a file of columns", whole[: len(whole) // 2], whole[:40], b""):
        path.write_bytes(damaged)
        assert unpack_strings(packed("sample", "abc", _columns)["name"]) == ["Zürich", "", "Oslo"]
        assert path.read_bytes() == whole  # rewritten


def test_a_kept_table_is_mapped_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its columns are views of the file's map: a route reads the pages of the few grid cells
    it meets, not the whole 19 MB of edges."""
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    packed("sample", "abc", _columns)
    for column in packed("sample", "abc", _columns).values():
        base: object = column
        while isinstance(base, np.ndarray):
            base = base.base
        assert isinstance(base, memoryview)
        assert isinstance(base.obj, mmap.mmap)
        assert not column.flags.writeable


def test_columns_read_back_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every dtype and shape, each column aligned whatever the length of the one before."""
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    written = {
        "text": pack_strings(["a", "bc"]),
        "ends": np.array([3, 7, 11], dtype=np.int64),
        "grid": np.arange(12, dtype=np.float32).reshape(3, 4),
        "flags": np.array([True, False, True]),
        "empty": np.zeros(0, dtype=np.float64),
        "wide": np.array([1e300, -0.0, np.nan]),
    }
    read = packed("sample", "dtypes", lambda: written)
    assert read is written  # parsed: what parse made
    read = packed("sample", "dtypes", lambda: pytest.fail("parsed twice"))
    assert list(read) == list(written)
    for key, column in written.items():
        assert read[key].dtype == column.dtype
        assert read[key].shape == column.shape
        assert read[key].tobytes() == column.tobytes()
        assert read[key].flags.aligned


def test_byte_strings_read_back_one_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WKB kept as two columns: each string read alone from the map, empty ones too."""
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    values = [shapely.to_wkb(shapely.box(0, 0, 1, 1)), b"", b"\x00\x1f\xff", b"x" * 1000]

    def parse() -> dict[str, np.ndarray]:
        ends, data = pack_bytes(values)
        return {"end": ends, "data": data}

    packed("blobs", "abc", parse)
    read = packed("blobs", "abc", lambda: pytest.fail("parsed twice"))
    assert [bytes_at(read["end"], read["data"], k) for k in range(len(values))] == values
    assert bytes_at(read["end"], read["data"], 3) == values[3]  # the last alone


def test_the_latest_of_a_changing_source_is_kept_in_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    made: list[str] = []

    def parse(key: str) -> dict[str, np.ndarray]:
        made.append(key)
        return {"name": pack_strings([key])}

    for key in ("a", "a", "b", "b", "a"):
        read = packed_latest("sample", key, functools.partial(parse, key))
        assert list(read) == ["name"]
        assert unpack_strings(read["name"]) == [key]
    assert made == ["a", "b", "a"]
    assert [p.name for p in packed_dir().iterdir()] == ["sample.columns"]


def test_objects_are_never_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    with pytest.raises(ValueError, match="Python objects"):
        packed("sample", "objects", lambda: {"objects": np.array([{"a": 1}], dtype=object)})


def test_an_unwritable_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would be")
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(blocked))
    assert packed("sample", "abc", _columns)["value"].tolist() == [0.0, 1.0, 2.0]


def test_text_holding_the_separator_is_refused() -> None:
    with pytest.raises(ValueError, match="separator"):
        pack_strings(["a\x1fb"])


def test_the_airspace_read_back_is_the_shipped_geojson() -> None:
    airspace.states()  # parsed, and its copy written
    airspace.states.cache_clear()
    areas = airspace.states()  # read back from the copy
    collection = json.loads(gzip.decompress(airspace._raw()))
    assert list(areas) == [f["properties"]["code"] for f in collection["features"]]
    for feature in collection["features"]:
        props, area = feature["properties"], areas[feature["properties"]["code"]]
        assert (area.code3, area.name, area.sovereign) == (
            props["code3"],
            props["name"],
            props.get("sovereign"),
        )
        assert area.wkb == shapely.to_wkb(shapely.geometry.shape(feature["geometry"]))


def test_the_airports_read_back_are_airportsdata() -> None:
    import airportsdata

    airports._airports()
    airports._airports.cache_clear()
    table = airports._airports()
    rows = airportsdata.load("ICAO")
    assert list(table) == list(rows)
    for key in ("UUMU", "OSLK", "EFHK", "00AA", "KJFK"):
        entry, row = table[key], rows[key]
        assert (entry.iata, entry.name, entry.city, entry.country) == (
            row["iata"],
            row["name"],
            row["city"],
            row["country"],
        )
        assert (entry.lat, entry.lon) == (float(row["lat"]), float(row["lon"]))
    assert table["UUMU"].code == "UUMU"


def test_an_airport_looked_up_alone_is_the_one_the_table_lists() -> None:
    """One lookup searches the packed codes; going through the table indexes them: same rows."""
    fresh = airports._Table(airports._airports()._columns)
    listed = dict(airports._Table(airports._airports()._columns).items())
    for key in [*list(listed)[::50], "UUMU", "OSLK"]:
        assert fresh[key] == listed[key]
    assert "" not in fresh
    assert "NO SUCH" not in fresh
    by_iata = fresh.by_iata()
    listed_iata = dict(fresh.by_iata().items())
    iata_column = unpack_strings(airports._airports()._columns["iata"])
    repeated = [code for code in set(iata_column) if code and iata_column.count(code) > 1]
    for code in [*list(listed_iata)[::25], *repeated[:20], "SVO", "LHR"]:
        assert by_iata[code] == listed_iata[code]  # a repeated code (if any): its last row
