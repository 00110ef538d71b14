"""Obstacles for one denied set: the union of the denied states' airspace, grown by a margin.

The union is taken in longitude/latitude, then pieces split at ±180° are
joined again (one copy shifted by 360°) so that an obstacle has no artificial
edge along the antimeridian. Rings are then turned into unit vectors, where
the rest of the planner works.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import cast

import numpy as np
import shapely
from numpy.typing import NDArray
from pyproj import Transformer
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.data.airspace import states
from overflight.geo.sphere import angle, to_xyz
from overflight.models import KM_PER_NM

__all__ = ["Obstacles", "build_obstacles"]

_EDGE_EPS = 1e-9  # degrees: how close to ±180 a bound must be to count as touching it
_MAX_EDGE_KM = 25.0  # margin outlines are re-densified to edges no longer than this
_QUAD_SEGS = 4  # chords per quarter circle where the margin rounds a corner
_MAX_EDGE_DEG = 0.2  # user areas are densified to edges no longer than this


@dataclass(frozen=True)
class Obstacles:
    """The denied airspace of one request, as polygons and as unit-vector rings."""

    #: Alpha-2 codes of the denied states (dependencies included).
    denied: tuple[str, ...]
    #: Lateral margin kept from the states' airspace.
    margin_nm: float
    #: The obstacle polygons in lon/lat as WKB; longitudes may run past ±180 where joined.
    wkb: tuple[bytes, ...]
    #: Every ring as unit vectors, oriented with the obstacle on its left, not closed.
    rings: tuple[NDArray[np.float64], ...]

    @property
    def polygons(self) -> tuple[Polygon, ...]:
        """The obstacle polygons in lon/lat: this thread's prepared copies."""
        return tuple(cast(Polygon, thread_geometry(w)) for w in self.wkb)

    @property
    def edge_count(self) -> int:
        """Number of edges over all rings."""
        return sum(len(r) for r in self.rings)

    def contains(self, lon: float, lat: float) -> bool:
        """Whether a point lies inside (or on) the obstacles."""
        return any(
            shapely.intersects_xy(p, lon + shift, lat)
            for p in self.polygons
            for shift in (-360.0, 0.0, 360.0)
        )


def _polygons(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    if isinstance(geometry, MultiPolygon):
        return list(geometry.geoms)
    return [g for part in getattr(geometry, "geoms", ()) for g in _polygons(part)]


def _dissolved(
    pieces: list[Polygon],
    loose: Sequence[Polygon] = (),
    names: Sequence[tuple[str, int]] = (),
) -> list[Polygon]:
    """The union of the pieces and the loose polygons: only what meets something is merged.

    ``pieces`` are valid polygons (the shipped airspace, and what was made of it): one that
    meets no other is a part of the union as it is. Most of a large state's pieces (islands,
    often its mainland) meet nothing else denied, and an overlay costs in proportion to
    every vertex given to it. The pieces that meet are merged group by group (pieces joined
    by meeting), and a group of shipped pieces, named by ``names`` ((state, part) of each
    piece, when given), once per process: the denied sets of a chokepoint analysis share
    most of their groups. ``loose`` polygons (a caller's areas) always go through the
    overlay, which also mends them.
    """
    everything = [*pieces, *loose]
    if len(everything) < 2:
        return pieces if not loose else _polygons(shapely.unary_union(loose))
    left, right = shapely.STRtree(everything).query(everything, predicate="intersects")
    group = list(range(len(everything)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        a, b = root(i), root(j)
        if a != b:
            group[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = {}
    for k in range(len(everything)):
        members.setdefault(root(k), []).append(k)
    alone: list[Polygon] = []
    merged: list[Polygon] = []
    for first, ks in members.items():
        if len(ks) == 1 and first < len(pieces):
            alone.append(everything[first])
        elif names and ks[-1] < len(pieces):
            merged += shapely.from_wkb(list(_merged(tuple(names[k] for k in ks)))).tolist()
        else:
            merged += _polygons(shapely.unary_union([everything[k] for k in ks]))
    return alone + merged


@lru_cache(maxsize=64)  # bounded: a server sees ever new denied sets
def _merged(names: tuple[tuple[str, int], ...]) -> tuple[bytes, ...]:
    """The union of these pieces of the shipped airspace ((state, part) each), as WKB."""
    areas = states()
    union = shapely.unary_union([_polygons(areas[code].geometry)[k] for code, k in names])
    return tuple(shapely.to_wkb(p) for p in _polygons(union))


def _join_antimeridian(polygons: list[Polygon]) -> list[Polygon]:
    """Join pieces that meet along ±180° by shifting the western ones by +360°."""
    west = [p for p in polygons if p.bounds[0] <= -180.0 + _EDGE_EPS]
    east = [p for p in polygons if p.bounds[2] >= 180.0 - _EDGE_EPS]
    if not west or not east:
        return polygons
    rest = [p for p in polygons if p not in west and p not in east]
    shifted = [shapely.transform(p, lambda xy: xy + np.array([360.0, 0.0])) for p in west]
    return rest + _dissolved([*east, *shifted])


def _grow(polygon: Polygon, margin_km: float) -> list[Polygon]:
    """Grow a polygon by at least margin_km on the ground.

    Buffers in an azimuthal equidistant projection centred on the polygon; its
    scale across radial lines reaches theta/sin(theta) at angular distance
    theta, so the buffer is widened by the worst factor over the polygon to
    keep the margin everywhere.
    """
    centre = polygon.centroid
    lon0, lat0 = centre.x, centre.y
    coords = shapely.get_coordinates(polygon)
    theta = angle(to_xyz(coords[:, 0], coords[:, 1]), to_xyz(lon0, lat0))
    worst = float(np.max(np.where(theta > 1e-9, theta / np.sin(np.maximum(theta, 1e-9)), 1.0)))
    proj = f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m"
    forward = Transformer.from_crs("EPSG:4326", proj, always_xy=True)
    inverse = Transformer.from_crs(proj, "EPSG:4326", always_xy=True)

    def to_plane(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = forward.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    def to_lonlat(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = inverse.transform(xy[:, 0], xy[:, 1])
        lon = lon0 + np.mod(np.asarray(lon) - lon0 + 180.0, 360.0) - 180.0
        return np.column_stack([lon, lat])

    planar = shapely.transform(polygon, to_plane)
    # Buffer arcs are drawn as chords; widen so that the chords, not only
    # their ends, keep the margin.
    radius = margin_km * 1000.0 * worst / math.cos(math.pi / (4 * _QUAD_SEGS))
    grown = shapely.segmentize(planar.buffer(radius, quad_segs=_QUAD_SEGS), 1000.0 * _MAX_EDGE_KM)
    return _polygons(shapely.make_valid(shapely.transform(grown, to_lonlat)))


def _ring_xyz(coords: NDArray[np.float64]) -> NDArray[np.float64]:
    """Unit vectors of a closed lon/lat ring, without the closing point or repeated points."""
    xyz = to_xyz(coords[:-1, 0], coords[:-1, 1])
    keep = np.ones(len(xyz), dtype=bool)
    keep[1:] = np.any(xyz[1:] != xyz[:-1], axis=1)
    if len(xyz) > 1 and np.all(xyz[-1] == xyz[0]):
        keep[-1] = False
    return np.ascontiguousarray(xyz[keep])


def _rings(polygons: list[Polygon]) -> tuple[NDArray[np.float64], ...]:
    out: list[NDArray[np.float64]] = []
    for polygon in polygons:
        # Exterior counter-clockwise and holes clockwise in lon/lat keep the
        # obstacle on the left on the sphere too (the map preserves orientation).
        oriented = shapely.geometry.polygon.orient(polygon, sign=1.0)
        for ring in [oriented.exterior, *oriented.interiors]:
            xyz = _ring_xyz(np.asarray(ring.coords))
            if len(xyz) >= 3:
                out.append(xyz)
    return tuple(out)


def _densified(wkb: tuple[bytes, ...]) -> list[Polygon]:
    """User areas from WKB, edges cut to at most ~20 km so they read as great circles."""
    return [
        p for w in wkb for p in _polygons(shapely.segmentize(shapely.from_wkb(w), _MAX_EDGE_DEG))
    ]


#: What of an advisory area may lie outside the closed airspace for it to count as covered,
#: square degrees (about 1 m2): rounding of a union, not airspace.
_COVERED_DEG2 = 1e-10


@lru_cache(maxsize=32)  # bounded: a server sees ever new closed sets
def build_obstacles(
    denied: tuple[str, ...],
    margin_nm: float = 0.0,
    avoid: tuple[bytes, ...] = (),
    openings: tuple[bytes, ...] = (),
    advisory: tuple[bytes, ...] = (),
) -> Obstacles:
    """Obstacles for the denied alpha-2 codes (taken as given) and extra areas.

    Parameters
    ----------
    denied
        Alpha-2 codes whose airspace is closed, dependencies already included.
    margin_nm
        Distance to keep from the closed airspace and the avoid areas.
    avoid
        Further areas to keep out of (WKB polygons in lon/lat).
    openings
        Areas opened inside the closed airspace after the margin is applied
        (WKB polygons), such as strait corridors under transit passage.
    advisory
        Advisory areas active at the cruise level (WKB polygons, their own corridors already
        cut out): joined as they are, after the margin and the openings, which concern
        sovereign airspace (transit passage does not open an advisory's waters).

    """
    areas = states()
    parts = [(code, _polygons(areas[code].geometry)) for code in denied]
    pieces = [p for _, polygons in parts for p in polygons]
    names = [(code, k) for code, polygons in parts for k in range(len(polygons))]
    joined = _join_antimeridian(_dissolved(pieces, _densified(avoid), names))
    if margin_nm > 0.0:
        grown = [g for p in joined for g in _grow(p, margin_nm * KM_PER_NM)]
        joined = _join_antimeridian(_dissolved(grown))
    if openings and joined:
        opened = shapely.unary_union(_densified(openings))
        joined = _polygons(shapely.difference(shapely.MultiPolygon(joined), opened))
    # An advisory area the closed airspace already covers (an advisory on a state refused to
    # the flight anyway) would add only the collinear points of its densified edges, and a
    # union; covered to rounding (the union moves shared vertices by ulps), so by area.
    closed = shapely.MultiPolygon(joined) if joined else shapely.MultiPolygon()
    extra = tuple(
        w
        for w in advisory
        if shapely.area(shapely.difference(shapely.from_wkb(w), closed)) > _COVERED_DEG2
    )
    if extra:
        joined = _join_antimeridian(_dissolved(joined, _densified(extra)))
    return Obstacles(
        denied=denied,
        margin_nm=margin_nm,
        wkb=tuple(shapely.to_wkb(p) for p in joined),
        rings=_rings(joined),
    )
