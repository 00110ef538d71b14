"""Conservative simplification: few vertices, and the shipped polygon still covers the source.

It exists because the 1.9 M source vertices are too many for routing, while a route that clears
a shipped polygon must also clear the real one. Each state is grown by tau geodesically, then
simplified with a smaller tolerance, so the result covers the reference with slack; it is then
wrapped at +-180 degrees, densified (edges are read as great-circle arcs downstream) and rounded
to the written precision. The parameters are recorded in the file (see ``encode``).
"""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

from .geometry import GEOD, FloatArray, geodesic_buffer, polygons_of, polygons_only
from .progress import log

TAU_KM = 1.0
# Douglas-Peucker tolerance; it must stay below TAU_KM so the grown-then-simplified polygon
# still covers the reference with slack (slack >= TAU_KM - SIMPLIFY_KM - arc chord error).
SIMPLIFY_KM = 0.75
MAX_EDGE_KM = 25.0
DECIMALS = 6
# Longest degree anywhere on WGS84 (a degree of latitude at the poles is 111.694 km). A tolerance
# in degrees derived from it is never longer than intended in metres, in any direction.
KM_PER_DEG_MAX = 111.7
# Segments per quarter circle. Buffer arcs are chords inside the true circle: for 1 km and 8
# segments the arc sits up to 19 m inside (for the 10-12 nm claims see overrides).
QUAD_SEGS_TAU = 8


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


def simplify_all(
    reference: Mapping[str, BaseGeometry], jobs: int
) -> tuple[dict[str, BaseGeometry], int]:
    """Simplify every state in ``jobs`` processes.

    Returns
    -------
    tuple
        Simplified geometry by alpha-3 code, and the number of vertices after simplification
        (before densifying).
    """
    # Largest first so the two workers finish together; results are keyed, so order is free.
    order = sorted(reference, key=lambda c: -int(shapely.get_num_coordinates(reference[c])))
    simplified: dict[str, BaseGeometry] = {}
    vertices = 0
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for code3, wkb, count, rounds in pool.map(
            simplify_state, [(c, shapely.to_wkb(reference[c])) for c in order]
        ):
            simplified[code3] = shapely.from_wkb(wkb)
            vertices += count
            if rounds:
                log(f"  {code3}: {rounds} coverage repair round(s)")
    return simplified, vertices
