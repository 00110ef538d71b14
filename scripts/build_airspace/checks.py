"""Checks and measurements on the file exactly as written, and reports on the reference.

It exists so that the guarantees the data file makes are verified by the build itself, on the
coordinates as a reader will see them (already rounded): every geometry valid, every shipped
polygon covering its reference polygon, nothing across +-180 degrees, short edges whose
great-circle reading stays inside the slack, two international corridors open, and a list of
known points in the right states. A failed check stops the build before anything is written.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import shapely
from shapely.geometry import LineString, Point, box
from shapely.geometry.base import BaseGeometry

from .codes import SOVEREIGN, identity
from .geometry import GEOD, NM_M, FloatArray, area_km2, polygons_of, polygons_only, to_chart
from .progress import log
from .simplify import MAX_EDGE_KM, SIMPLIFY_KM, TAU_KM

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

# Search boxes (lon0, lat0, lon1, lat1) of the corridors that must stay open.
GULF_OF_FINLAND_BOX = (24.5, 59.4, 26.0, 60.3)
LA_PEROUSE_BOX = (141.6, 45.2, 142.6, 46.2)
# Narrowest corridor we accept after simplification (DATA.md measured 6.1 and 7.5 nm raw).
MIN_CORRIDOR_NM = 4.5


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
    a = to_chart(areas[side_a].intersection(frame), lon0, lat0)
    b = to_chart(areas[side_b].intersection(frame), lon0, lat0)
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


def check_corridors(written: Mapping[str, BaseGeometry]) -> None:
    """Check that the Gulf of Finland and La Perouse corridors are open and wide enough."""
    finland = corridor(written, GULF_OF_FINLAND_BOX, "FI", "EE")
    perouse = corridor(written, LA_PEROUSE_BOX, "RU", "JP")
    log(f"corridors: Gulf of Finland FI-EE {finland:.2f} nm, La Perouse RU-JP {perouse:.2f} nm")
    if min(finland, perouse) < MIN_CORRIDOR_NM:
        raise SystemExit(f"a corridor is narrower than {MIN_CORRIDOR_NM} nm")
