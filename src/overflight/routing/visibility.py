"""Which great-circle arcs from a free point stay clear of the obstacles (query side).

A gnomonic chart maps great circles to straight lines, so within one chart
visibility on the sphere is planar segment intersection, which shapely's
prepared geometries answer fast. Six charts centred on the faces of a cube
cover the globe; each holds every obstacle edge within reach of the arcs it
is asked about, and an arc too long for one chart is tested piece by piece.

Building a graph asks millions of such questions and uses the compiled test
in :mod:`overflight.routing.kernels`; a query asks a few hundred, and this
way answers them without loading the compiler.
"""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from overflight.geo.sphere import angle

__all__ = ["VisibilityIndex"]

Float2D = NDArray[np.float64]

_FACES = np.array(
    [[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]], dtype=np.float64
)
#: No point is farther than this from the nearest face centre (a cube corner).
_FACE_REACH = math.acos(1.0 / math.sqrt(3.0))
#: Arcs are tested in pieces no longer than this.
_MAX_PIECE = math.radians(45.0)
#: A chart answers for pieces lying within this angle of its centre.
_CHART_RADIUS = _FACE_REACH + _MAX_PIECE / 2.0 + 1e-6
#: Arcs are shortened by this much (radians, about 6 cm) at each end, so that
#: touching an obstacle at the vertex an arc ends on does not count.
_END_TRIM = 1e-8


def _basis(centre: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    helper = np.array([0.0, 0.0, 1.0]) if abs(centre[2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    e1 = np.cross(helper, centre)
    e1 /= np.linalg.norm(e1)
    return e1, np.cross(centre, e1)


class _Chart:
    """Obstacle edges in the gnomonic chart of one cube face."""

    def __init__(
        self, centre: NDArray[np.float64], starts: Float2D, ends: Float2D, reach: float
    ) -> None:
        self.centre = centre
        self.e1, self.e2 = _basis(centre)
        cos_reach = math.cos(reach)
        inside = (starts @ centre > cos_reach) & (ends @ centre > cos_reach)
        coords = np.stack([self.project(starts[inside]), self.project(ends[inside])], axis=1)
        lines = np.asarray(shapely.linestrings(coords), dtype=object)
        self.edges: BaseGeometry = cast(BaseGeometry, shapely.multilinestrings(lines))
        shapely.prepare(self.edges)

    def project(self, xyz: Float2D) -> Float2D:
        """Gnomonic coordinates of unit vectors in this chart's hemisphere."""
        w = xyz @ self.centre
        return np.column_stack([(xyz @ self.e1) / w, (xyz @ self.e2) / w])

    def touched(self, a: Float2D, b: Float2D) -> NDArray[np.bool_]:
        """Whether each segment a[i]-b[i] touches an obstacle edge."""
        segments = shapely.linestrings(np.stack([self.project(a), self.project(b)], axis=1))
        return np.asarray(shapely.intersects(self.edges, segments), dtype=np.bool_)


class VisibilityIndex:
    """Answers whether minor arcs avoid every obstacle edge."""

    def __init__(self, starts: Float2D, ends: Float2D) -> None:
        longest = float(np.max(angle(starts, ends))) if len(starts) else 0.0
        reach = _CHART_RADIUS + longest + 1e-6
        self._charts = [_Chart(c, starts, ends, reach) for c in _FACES]

    def visible(self, a: Float2D, b: Float2D) -> NDArray[np.bool_]:
        """For points a[i], b[i] (unit vectors), whether the arc between them is clear.

        The ends are trimmed by a few centimetres, so an arc may start or end on
        an obstacle vertex; any other contact with an obstacle edge blocks it.
        """
        a = np.atleast_2d(a)
        b = np.atleast_2d(b)
        theta = angle(a, b)
        if np.any(theta > math.pi - 1e-9):
            raise ValueError("no minor arc joins antipodal points")
        pieces = np.maximum(1, np.ceil(theta / _MAX_PIECE)).astype(np.int64)
        owner = np.repeat(np.arange(len(a)), pieces)
        first = np.repeat(np.cumsum(pieces) - pieces, pieces)
        step = np.arange(len(owner)) - first
        n = pieces[owner]
        trim = np.where(theta > 0.0, _END_TRIM / np.maximum(theta, 1e-300), 0.0)[owner]
        t0 = np.maximum(step / n, trim)
        t1 = np.minimum((step + 1) / n, 1.0 - trim)
        p0 = _slerp(a[owner], b[owner], theta[owner], t0)
        p1 = _slerp(a[owner], b[owner], theta[owner], t1)
        face = np.argmax((p0 + p1) @ _FACES.T, axis=1)
        # Pieces too short to project are a point, which touches nothing new.
        hit = np.zeros(len(owner), dtype=bool)
        real = theta[owner] > 1e-12
        for f, chart in enumerate(self._charts):
            mask = (face == f) & real
            if mask.any():
                hit[mask] = chart.touched(p0[mask], p1[mask])
        blocked = np.zeros(len(a), dtype=bool)
        np.logical_or.at(blocked, owner, hit)
        return ~blocked


def _slerp(a: Float2D, b: Float2D, theta: NDArray[np.float64], t: NDArray[np.float64]) -> Float2D:
    s = np.sin(theta)
    safe = s > 1e-15
    wa = np.where(safe, np.sin((1.0 - t) * theta) / np.where(safe, s, 1.0), 1.0 - t)
    wb = np.where(safe, np.sin(t * theta) / np.where(safe, s, 1.0), t)
    p = wa[:, None] * a + wb[:, None] * b
    return np.asarray(p / np.linalg.norm(p, axis=1)[:, None], dtype=np.float64)
