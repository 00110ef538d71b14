"""Lengths on the WGS84 ellipsoid (geodesics after Karney, through pyproj)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod
from pyproj.enums import GeodIntermediateFlag

from overflight.geo.sphere import EARTH_RADIUS_KM

__all__ = [
    "WGS84_A_KM",
    "WGS84_E2",
    "cumulative_km",
    "densify_array",
    "densify_path",
    "geodesic_km",
    "great_circle_array",
    "great_circle_legs",
    "great_circle_points",
    "path_km",
    "wgs84",
]


#: WGS84 semi-major axis (km) and first eccentricity squared.
WGS84_A_KM = 6378.137
WGS84_E2 = 0.00669437999014

#: The sphere of mean Earth radius on which routes are optimised.
_SPHERE = Geod(a=EARTH_RADIUS_KM * 1000.0, b=EARTH_RADIUS_KM * 1000.0)


@cache
def wgs84() -> Geod:
    """The WGS84 ellipsoid's geodesic solver."""
    return Geod(ellps="WGS84")


def geodesic_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Length of the geodesic between two points, in km.

    >>> round(geodesic_km(0.0, 0.0, 1.0, 0.0), 3)
    111.319
    """
    _, _, metres = wgs84().inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0


def path_km(lonlat: Sequence[tuple[float, float]]) -> float:
    """Length of a polyline of geodesic legs through the given points, in km."""
    if len(lonlat) < 2:
        return 0.0
    arr = np.asarray(lonlat, dtype=np.float64)
    _, _, metres = wgs84().inv(arr[:-1, 0], arr[:-1, 1], arr[1:, 0], arr[1:, 1])
    return float(np.sum(metres)) / 1000.0


def great_circle_points(
    a: tuple[float, float], b: tuple[float, float], step_km: float
) -> list[tuple[float, float]]:
    """The great-circle leg from a to b as (lon, lat) points at most step_km apart, ends included.

    >>> len(great_circle_points((0.0, 0.0), (10.0, 0.0), 100.0))
    13
    """
    return [(x, y) for x, y in great_circle_array(a, b, step_km).tolist()]


def great_circle_array(
    a: tuple[float, float], b: tuple[float, float], step_km: float
) -> NDArray[np.float64]:
    """:func:`great_circle_points` as an array of (lon, lat) rows (the same points)."""
    lon0, lat0, lon1, lat1 = float(a[0]), float(a[1]), float(b[0]), float(b[1])
    _, _, metres = _SPHERE.inv(lon0, lat0, lon1, lat1)
    return _one_leg(lon0, lat0, lon1, lat1, int(metres // (step_km * 1000.0)))


def _leg_metres(waypoints: NDArray[np.float64]) -> NDArray[np.float64]:
    """Length on the sphere of each leg between consecutive waypoints, metres (one call)."""
    _, _, metres = _SPHERE.inv(
        waypoints[:-1, 0], waypoints[:-1, 1], waypoints[1:, 0], waypoints[1:, 1]
    )
    return np.asarray(metres, dtype=np.float64).reshape(-1)


def _frame(lon0: float, lat0: float, lon1: float, lat1: float) -> tuple[float, ...]:
    """A leg's start (unit vector), the unit tangent there towards its end, and their angle."""
    lam0, phi0, lam1, phi1 = map(math.radians, (lon0, lat0, lon1, lat1))
    ax, ay, az = math.cos(phi0) * math.cos(lam0), math.cos(phi0) * math.sin(lam0), math.sin(phi0)
    bx, by, bz = math.cos(phi1) * math.cos(lam1), math.cos(phi1) * math.sin(lam1), math.sin(phi1)
    cos_ab = ax * bx + ay * by + az * bz
    cross = math.sqrt(
        (ay * bz - az * by) ** 2 + (az * bx - ax * bz) ** 2 + (ax * by - ay * bx) ** 2
    )
    tx, ty, tz = bx - cos_ab * ax, by - cos_ab * ay, bz - cos_ab * az
    # A leg of no length has no tangent: its points are its start.
    scale = 1.0 / max(math.sqrt(tx * tx + ty * ty + tz * tz), 1e-300)
    return ax, ay, az, tx * scale, ty * scale, tz * scale, math.atan2(cross, cos_ab)


def _dense_legs(waypoints: NDArray[np.float64], step_km: float) -> tuple[NDArray[np.float64], ...]:
    """Each leg's points every ``step_km`` or less along its great circle, ends as given.

    A leg of length s gets floor(s / step) evenly spaced points between its ends, the points
    pyproj's ``inv_intermediate`` gives on the sphere. A leg alone is pyproj's
    (:func:`_one_leg`); the legs of a longer route are their starts turned towards their ends
    about their great circles' axes, each leg's frame in scalar arithmetic and every point
    in one pass of array arithmetic, rather than one call per leg (which cost more than the
    points).
    """
    inner = (_leg_metres(waypoints) // (step_km * 1000.0)).astype(np.int64)
    if len(inner) == 1:
        (lon0, lat0), (lon1, lat1) = waypoints.tolist()
        return (_one_leg(lon0, lat0, lon1, lat1, int(inner[0])),)
    count = inner + 2
    rows = waypoints.tolist()
    frames = np.array([_frame(*p, *q) for p, q in itertools.pairwise(rows)])
    # Each leg's values repeated for its points (a repeat costs less than an indexed gather).
    first = np.cumsum(count) - count
    turned = (np.arange(int(count.sum())) - np.repeat(first, count)) * np.repeat(
        frames[:, 6] / (inner + 1), count
    )
    f = np.repeat(frames, count, axis=0)
    c, s = np.cos(turned), np.sin(turned)
    px, py, pz = (c * f[..., k] + s * f[..., k + 3] for k in range(3))
    points = np.empty((len(turned), 2))
    points[:, 0] = np.arctan2(py, px)
    points[:, 1] = np.arctan2(pz, np.sqrt(px * px + py * py))
    np.degrees(points, out=points)
    ends = np.cumsum(count)
    points[ends - count] = waypoints[:-1]
    points[ends - 1] = waypoints[1:]
    points.flags.writeable = False  # shared by every thread that asks for this route
    return tuple(points[a:b] for a, b in zip(first.tolist(), ends.tolist(), strict=True))


def _one_leg(lon0: float, lat0: float, lon1: float, lat1: float, inner: int) -> NDArray[np.float64]:
    """One leg alone (a track's legs are asked for one at a time): pyproj's points.

    The arithmetic of :func:`_dense_legs` costs a few dozen array operations whatever the
    number of legs, five times one call of pyproj for a short leg; the points agree to
    5e-11 degrees.
    """
    out = np.empty((inner + 2, 2))
    out[0], out[-1] = (lon0, lat0), (lon1, lat1)
    if inner > 0:
        line = _SPHERE.inv_intermediate(
            lon0,
            lat0,
            lon1,
            lat1,
            npts=inner,
            flags=GeodIntermediateFlag.AZIS_DISCARD,
            return_back_azimuth=False,
        )
        out[1:-1, 0], out[1:-1, 1] = line.lons, line.lats
    out.flags.writeable = False  # shared by every thread that asks for this leg
    return out


def densify_path(
    waypoints: Sequence[tuple[float, float]], step_km: float
) -> list[tuple[float, float]]:
    """Great-circle legs through the waypoints as (lon, lat) points at most step_km apart.

    Every waypoint is kept, once.

    >>> len(densify_path([(0.0, 0.0), (10.0, 0.0), (10.0, 5.0)], 100.0))
    19
    """
    return [(x, y) for x, y in densify_array(waypoints, step_km).tolist()]


def densify_array(waypoints: Sequence[tuple[float, float]], step_km: float) -> NDArray[np.float64]:
    """:func:`densify_path` as an array of (lon, lat) rows (the same points)."""
    legs = [leg[1:] for leg in great_circle_legs(waypoints, step_km)]
    first = np.array([[float(w[0]), float(w[1])] for w in waypoints[:1]]).reshape(-1, 2)
    return np.concatenate([first, *legs])


def great_circle_legs(
    waypoints: Sequence[tuple[float, float]], step_km: float
) -> tuple[NDArray[np.float64], ...]:
    """Each leg between consecutive waypoints as by :func:`great_circle_array` (read-only).

    A route is densified by the verifier and then by the transit report at the same step:
    the last few routes' legs are kept, so the second asks for what the first made.
    """
    key = tuple((float(w[0]), float(w[1])) for w in waypoints)
    return _legs(key, float(step_km))


@lru_cache(maxsize=16)
def _legs(
    waypoints: tuple[tuple[float, float], ...], step_km: float
) -> tuple[NDArray[np.float64], ...]:
    if len(waypoints) < 2:
        return ()
    return _dense_legs(np.array(waypoints, dtype=np.float64), step_km)


def cumulative_km(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """WGS84 length from the first of the ``(lon, lat)`` points to each, km, steps of a few km.

    Each step's geodesic is its straight chord through the ellipsoid lengthened as an arc of
    the step's normal section, c (1 + c² k² / 24), with k the curvature in the step's
    direction at its middle (Euler's formula): for steps under 50 km this is the geodesic to
    well under a micrometre, and five times faster than solving each step's inverse problem.
    ``tests/geo/test_ellipsoid.py`` holds it to Karney's solution through pyproj. (A compiled
    loop would take half the time but not the same bits as numpy's sines: the one-shot
    command and the server must give the same JSON.)
    """
    radians = np.radians(points)
    lon, lat = radians[:, 0], radians[:, 1]
    sin_lat, cos_lat = np.sin(lat), np.cos(lat)
    prime = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sin_lat * sin_lat)
    across_x = prime * cos_lat
    dx = np.diff(across_x * np.cos(lon))
    dy = np.diff(across_x * np.sin(lon))
    dz = np.diff(prime * sin_lat)
    dz *= 1.0 - WGS84_E2
    chord2 = dx * dx + dy * dy + dz * dz
    # The radii of curvature at each step's middle, of the prime vertical and of the
    # meridian (N³ (1 - e²) / a²), and the cosine there, as the means of the ends' (no
    # further roots or sines): off by parts in 1e9, in a correction some 1e-8 of the step.
    normal = prime[:-1] + prime[1:]
    normal *= 0.5
    meridian = normal * normal * normal * ((1.0 - WGS84_E2) / (WGS84_A_KM * WGS84_A_KM))
    cos_mid = cos_lat[:-1] + cos_lat[1:]
    cos_mid *= 0.5
    north = np.diff(lat)
    north *= meridian
    turn = np.diff(lon)
    # A step across ±180 turns the short way (a float modulo of every step costs more).
    turn[turn > np.pi] -= 2.0 * np.pi
    turn[turn < -np.pi] += 2.0 * np.pi
    east = normal * cos_mid
    east *= turn
    north2, east2 = north * north, east * east
    across = north2 + east2
    curvature = np.divide(
        north2 / meridian + east2 / normal,
        across,
        out=np.full(len(across), 1.0 / WGS84_A_KM),
        where=across > 0.0,
    )
    out = np.empty(len(points))
    out[0] = 0.0
    curvature *= curvature
    curvature *= chord2
    curvature *= 1.0 / 24.0
    curvature += 1.0
    curvature *= np.sqrt(chord2)
    np.cumsum(curvature, out=out[1:])
    return out
