"""Reading the pinned tarballs: the source's rings per state and the land of a few states.

It exists apart from ``fetch`` because it is about the content, not the download: the GeoJSON
member is streamed from the tarball (nothing is extracted to disk) and returned as raw rings,
since the source's polygons are not valid as stored (see ``repair``).
"""

from __future__ import annotations

import contextlib
import json
import tarfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from .fetch import LAND, SOURCE
from .geometry import FloatArray

MEMBER = "package/map.geo.json"


@contextlib.contextmanager
def _member(tarball: Path) -> Iterator[IO[bytes]]:
    """The GeoJSON member of a package tarball, streamed (nothing is extracted to disk)."""
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(MEMBER)
        if handle is None:
            raise SystemExit(f"{tarball} has no {MEMBER}")
        with handle:
            yield handle


def _rings_of(geometry: Mapping[str, Any]) -> list[FloatArray]:
    """Every ring of a GeoJSON (Multi)Polygon, shells and holes alike, as closed arrays."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [np.asarray(ring, dtype=np.float64) for polygon in polygons for ring in polygon]


def read_source(tarball: Path) -> dict[str, list[FloatArray]]:
    """Rings of every feature of the maritime source, by alpha-3 code (property ``A3``)."""
    with _member(tarball) as handle:
        collection = json.load(handle)
    rings: dict[str, list[FloatArray]] = {}
    for feature in collection["features"]:
        code = feature["properties"]["A3"]
        if code in rings:
            raise SystemExit(f"duplicate feature {code} in {SOURCE.spec}")
        rings[code] = _rings_of(feature["geometry"])
    return rings


def read_land(tarball: Path, codes: Iterable[str]) -> dict[str, BaseGeometry]:
    """OSM land of a few states from the land-only companion, every ring filled.

    The file holds one feature per line, so only the wanted lines are parsed (the whole file is
    168 MB). Filling every ring (lakes, river holes, islands in lakes) gives the outline that a
    coastal buffer needs: a hole inside the land is never sea.
    """
    wanted = {f'"A3":"{code}"'.encode(): code for code in codes}
    land: dict[str, BaseGeometry] = {}
    with _member(tarball) as handle:
        for line in handle:
            for needle, code in wanted.items():
                if needle in line:
                    feature = json.loads(line.decode().strip().rstrip(","))
                    polygons = [Polygon(ring) for ring in _rings_of(feature["geometry"])]
                    land[code] = shapely.union_all(shapely.make_valid(np.array(polygons)))
    missing = set(wanted.values()) - set(land)
    if missing:
        raise SystemExit(f"{LAND.spec} lacks {sorted(missing)}")
    return land
