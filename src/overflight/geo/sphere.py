"""Great circles on the unit sphere, with numpy.

Points are unit vectors in Earth-centred coordinates (``x`` towards 0°E on the
equator, ``z`` towards the North Pole). In 3D neither the antimeridian nor the
poles are special cases, which is why the planner works here rather than in
longitude and latitude.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "EARTH_RADIUS_KM",
    "SIGN_EPS",
    "angle",
    "antimeridian_cut",
    "arc_points",
    "crosses",
    "orient",
    "split_antimeridian",
    "to_lonlat",
    "to_xyz",
]

#: Mean Earth radius (IUGG R1), used for optimisation on the sphere.
EARTH_RADIUS_KM = 6371.0088

#: Orientation values (sines of angles, for unit normals) below this count as zero:
#: about 6 micrometres on the ground, far below the data's precision.
SIGN_EPS = 1e-12

Vectors = NDArray[np.float64]


def to_xyz(lon: ArrayLike, lat: ArrayLike) -> Vectors:
    """Unit vectors of points given in degrees.

    >>> to_xyz(0.0, 90.0).round(12).tolist()
    [0.0, 0.0, 1.0]
    """
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    cos_phi = np.cos(phi)
    return np.stack([cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)], axis=-1)


def to_lonlat(xyz: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Longitudes in [-180, 180] and latitudes in degrees of (not necessarily unit) vectors."""
    v = np.asarray(xyz, dtype=np.float64)
    x, y, z = v[..., 0], v[..., 1], v[..., 2]
    lon = np.degrees(np.arctan2(y, x))
    lat = np.degrees(np.arctan2(z, np.hypot(x, y)))
    return lon, lat


def angle(a: ArrayLike, b: ArrayLike) -> NDArray[np.float64]:
    """Central angle in radians between unit vectors, accurate for tiny and near-antipodal angles.

    >>> float(angle([1.0, 0.0, 0.0], [0.0, 1.0, 0.0])) == math.pi / 2
    True
    """
    va = np.asarray(a, dtype=np.float64)
    vb = np.asarray(b, dtype=np.float64)
    cross = np.linalg.norm(np.cross(va, vb), axis=-1)
    dot = np.sum(va * vb, axis=-1)
    return np.asarray(np.arctan2(cross, dot), dtype=np.float64)


def orient(a: ArrayLike, b: ArrayLike, c: ArrayLike) -> NDArray[np.float64]:
    """det(a, b, c): positive when c lies to the left of the great circle from a to b."""
    va = np.asarray(a, dtype=np.float64)
    vb = np.asarray(b, dtype=np.float64)
    vc = np.asarray(c, dtype=np.float64)
    return np.asarray(np.sum(np.cross(va, vb) * vc, axis=-1), dtype=np.float64)


def crosses(a: ArrayLike, b: ArrayLike, c: ArrayLike, d: ArrayLike) -> NDArray[np.bool_]:
    """Whether the minor arcs ab and cd cross at a point interior to both.

    The four triangles acb, cbd, bda and dac have the same orientation exactly
    when the arcs cross; unlike a test on the two great circles alone, this
    cannot be fooled by their antipodal intersection.
    """
    acb = -orient(a, b, c)
    bda = orient(a, b, d)
    cbd = -orient(c, d, b)
    dac = orient(c, d, a)
    s = np.sign(acb)
    return np.asarray(
        (s != 0) & (np.sign(bda) == s) & (np.sign(cbd) == s) & (np.sign(dac) == s),
        dtype=np.bool_,
    )


def arc_points(a: ArrayLike, b: ArrayLike, max_step_rad: float) -> Vectors:
    """Points along the minor arc from a to b, both ends included, no step above max_step_rad."""
    va = np.asarray(a, dtype=np.float64)
    vb = np.asarray(b, dtype=np.float64)
    theta = float(angle(va, vb))
    n = max(1, math.ceil(theta / max_step_rad))
    if theta == 0.0:
        return np.stack([va, vb])
    t = np.linspace(0.0, 1.0, n + 1)[:, None]
    s = math.sin(theta)
    pts = (np.sin((1.0 - t) * theta) * va + np.sin(t * theta) * vb) / s
    pts[0], pts[-1] = va, vb
    return np.asarray(pts, dtype=np.float64)


def split_antimeridian(
    lonlat: Sequence[tuple[float, float]],
) -> list[list[tuple[float, float]]]:
    """Cut a densified line wherever it crosses ±180°, as RFC 7946 asks.

    Each crossing gets an interpolated point on both sides (at 180 and -180).

    >>> split_antimeridian([(170.0, 0.0), (-170.0, 10.0)])
    [[(170.0, 0.0), (180.0, 5.0)], [(-180.0, 5.0), (-170.0, 10.0)]]
    """
    array = np.asarray(lonlat, dtype=np.float64).reshape(-1, 2)
    if len(array) and not np.any(np.abs(array[:, 0]) == 180.0):
        # No point on the antimeridian itself: only the jumps are cut, found at once.
        first = (float(lonlat[0][0]), float(lonlat[0][1]))
        rows = [first, *((lon, lat) for lon, lat in lonlat[1:])]
        jumps = np.flatnonzero(np.abs(np.diff(array[:, 0])) > 180.0).tolist()
        out: list[list[tuple[float, float]]] = []
        head: list[tuple[float, float]] = []
        begin = 0
        for i in jumps:
            edge, lat_cut = antimeridian_cut(*rows[i], *rows[i + 1])
            out.append([*head, *rows[begin : i + 1], (edge, lat_cut)])
            head, begin = [(-edge, lat_cut)], i + 1
        out.append([*head, *rows[begin:]])
        return out
    first = (float(lonlat[0][0]), float(lonlat[0][1]))
    parts: list[list[tuple[float, float]]] = [[first]]
    for lon1, lat1 in lonlat[1:]:
        part = parts[-1]
        lon0, lat0 = part[-1]
        if abs(lon0) == 180.0:
            # On the antimeridian already: stay, or carry on from the side ahead.
            if abs(lon1) == 180.0:
                part.append((lon0, lat1))
                continue
            side = math.copysign(180.0, lon1)
            if side != lon0:
                if len(part) == 1:
                    part[0] = (side, lat0)
                else:
                    parts.append([(side, lat0)])
            parts[-1].append((lon1, lat1))
            continue
        if abs(lon1) == 180.0:
            part.append((math.copysign(180.0, lon0), lat1))
            continue
        if abs(lon1 - lon0) > 180.0:
            edge, lat_cut = antimeridian_cut(lon0, lat0, lon1, lat1)
            part.append((edge, lat_cut))
            parts.append([(-edge, lat_cut)])
        parts[-1].append((lon1, lat1))
    return parts


def antimeridian_cut(lon0: float, lat0: float, lon1: float, lat1: float) -> tuple[float, float]:
    """Where a step the short way round across ±180° meets it: (+180 or -180, latitude)."""
    east = lon1 - lon0 < 0  # going east past +180 into -180
    lon1u = lon1 + 360.0 if east else lon1 - 360.0
    edge = 180.0 if east else -180.0
    return edge, lat0 + (edge - lon0) / (lon1u - lon0) * (lat1 - lat0)


def unwrap_longitudes(points: Sequence[tuple[float, float]]) -> NDArray[np.float64]:
    """(lon, lat) rows with longitudes made continuous across ±180° (for drawing one line).

    >>> unwrap_longitudes([(179.0, 0.0), (-179.0, 1.0)]).tolist()
    [[179.0, 0.0], [181.0, 1.0]]
    """
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    arr[:, 0] = np.unwrap(arr[:, 0], period=360.0)
    return arr
