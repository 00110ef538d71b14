"""The compiled twin of :func:`overflight.geo.ellipsoid.cumulative_km`.

Loaded only where the thread's queries are compiled (:func:`overflight._config.compiled_queries`):
one pass over the points, the same arithmetic as the numpy version step by step, without its
two dozen temporary arrays (about half the time on a route of a few thousand points).
``tests/geo/test_ellipsoid.py`` holds the two to each other and to Karney's solution.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

__all__ = ["cumulative_km"]

F = TypeVar("F", bound=Callable[..., Any])


def _jit(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(func))


#: WGS84 semi-major axis (km) and first eccentricity squared (as geo/ellipsoid.py).
_A_KM = 6378.137
_E2 = 0.00669437999014


@_jit
def cumulative_km(points: NDArray[np.float64]) -> NDArray[np.float64]:
    """WGS84 length from the first of the ``(lon, lat)`` points to each, km."""
    n = points.shape[0]
    out = np.empty(n)
    if n == 0:
        return out
    out[0] = 0.0
    lon0, lat0 = math.radians(points[0, 0]), math.radians(points[0, 1])
    s0, c0 = math.sin(lat0), math.cos(lat0)
    prime = _A_KM / math.sqrt(1.0 - _E2 * s0 * s0)
    x0, y0 = prime * c0 * math.cos(lon0), prime * c0 * math.sin(lon0)
    z0 = prime * s0 * (1.0 - _E2)
    total = 0.0
    for i in range(1, n):
        lon1, lat1 = math.radians(points[i, 0]), math.radians(points[i, 1])
        s1, c1 = math.sin(lat1), math.cos(lat1)
        prime = _A_KM / math.sqrt(1.0 - _E2 * s1 * s1)
        x1, y1 = prime * c1 * math.cos(lon1), prime * c1 * math.sin(lon1)
        z1 = prime * s1 * (1.0 - _E2)
        dx, dy, dz = x1 - x0, y1 - y0, z1 - z0
        chord2 = dx * dx + dy * dy + dz * dz
        half = 1.0 / math.sqrt(2.0 * (1.0 + c0 * c1 + s0 * s1))
        sin_mid, cos_mid = (s0 + s1) * half, (c0 + c1) * half
        w = 1.0 - _E2 * sin_mid * sin_mid
        meridian = _A_KM * (1.0 - _E2) / (w * math.sqrt(w))
        normal = _A_KM / math.sqrt(w)
        north = meridian * (lat1 - lat0)
        turn = lon1 - lon0
        if turn > math.pi:
            turn -= 2.0 * math.pi
        elif turn < -math.pi:
            turn += 2.0 * math.pi
        east = normal * cos_mid * turn
        across = north * north + east * east
        curvature = 1.0 / _A_KM
        if across > 0.0:
            curvature = (north * north / meridian + east * east / normal) / across
        total += math.sqrt(chord2) * (1.0 + chord2 * curvature * curvature / 24.0)
        out[i] = total
        lon0, lat0, s0, c0, x0, y0, z0 = lon1, lat1, s1, c1, x1, y1, z1
    return out
