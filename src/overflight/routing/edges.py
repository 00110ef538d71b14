"""Polygon edges packed as arrays in a grid of lon/lat cells, and which line segments meet them.

The verifier and the transit report ask, of a route densified every few kilometres, which
segments cross which edges of many polygons. Asked of GEOS one polygon at a time, most of the
work is an overlay of the whole route with the whole polygon; here the edges are bucketed once
in cells of :data:`CELL_DEG`, a segment is paired only with the edges of the cells its box
covers, and each pair is decided by the signs of four orientations, in one compiled loop
(its own: the verifier shares no code with the search). A sign too close to zero for
floating point to be sure of is reported as such, so that the caller can ask GEOS; every
answer given here is certain.

The packed edges are read-only arrays: they may be shared by threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar, cast

import numba
import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from overflight.data.packed import packed
from overflight.geo.sphere import antimeridian_cut, split_antimeridian

__all__ = ["CELL_DEG", "PackedEdges", "SegmentPairs", "line_parts"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
F = TypeVar("F", bound=Callable[..., Any])

#: Side of a grid cell, degrees: a few of the densified route's segments, a few edges.
CELL_DEG = 0.25
#: Cells along a row of latitude (keys are column * _ROWS + row).
_ROWS = round(180.0 / CELL_DEG) + 2
#: Relative error bound of a 2x2 orientation determinant computed in float64 (Shewchuk's
#: ccwerrboundA is 3.3e-16; this is three times that): a determinant within it of zero has
#: no certain sign.
_ORIENT_EPS = 1e-15


def _cells(lo: Float, hi: Float) -> tuple[Int, Int, Int, Int]:
    """Column and row ranges of the cells covering boxes [lo, hi] (lon, lat)."""
    c0 = np.floor((lo[:, 0] + 180.0) / CELL_DEG).astype(np.int64)
    c1 = np.floor((hi[:, 0] + 180.0) / CELL_DEG).astype(np.int64)
    r0 = np.floor((lo[:, 1] + 90.0) / CELL_DEG).astype(np.int64) + 1
    r1 = np.floor((hi[:, 1] + 90.0) / CELL_DEG).astype(np.int64) + 1
    return c0, c1, np.clip(r0, 0, _ROWS - 1), np.clip(r1, 0, _ROWS - 1)


def _keys(lo: Float, hi: Float) -> tuple[Int, Int]:
    """Each box's cell keys, and the box of each key (boxes cover at least one cell)."""
    c0, c1, r0, r1 = _cells(lo, hi)
    rows = r1 - r0 + 1
    count = (c1 - c0 + 1) * rows
    item = np.repeat(np.arange(len(lo), dtype=np.int64), count)
    local = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    return (c0[item] + local // rows[item]) * _ROWS + r0[item] + local % rows[item], item


def _jit(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(func))


@_jit
def _sign(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> int:
    """Sign of the turn a -> b -> c: 1 left, -1 right, 0 when floating point cannot tell."""
    left = (bx - ax) * (cy - ay)
    right = (by - ay) * (cx - ax)
    det = left - right
    bound = _ORIENT_EPS * (abs(left) + abs(right))
    return 1 if det > bound else -1 if det < -bound else 0


@_jit
def _registered(
    keys: Int, entries: Int, lo_x: float, lo_y: float, hi_x: float, hi_y: float, near: Int
) -> tuple[Int, int]:
    """The edges registered in the cells a box covers, sorted, each once; and how many.

    ``near`` is scratch (grown when too small, and returned); the edges are its first ones.
    """
    c0 = int(np.floor((lo_x + 180.0) / CELL_DEG))
    c1 = int(np.floor((hi_x + 180.0) / CELL_DEG))
    r0 = min(max(int(np.floor((lo_y + 90.0) / CELL_DEG)) + 1, 0), _ROWS - 1)
    r1 = min(max(int(np.floor((hi_y + 90.0) / CELL_DEG)) + 1, 0), _ROWS - 1)
    count = 0
    for c in range(c0, c1 + 1):
        first = np.searchsorted(keys, c * _ROWS + r0, side="left")
        last = np.searchsorted(keys, c * _ROWS + r1, side="right")
        if count + last - first > len(near):
            near = np.concatenate((near[:count], np.empty(2 * (count + last - first), np.int64)))
        for k in range(first, last):
            # Kept sorted as they come (a few per box): an edge registered in several of
            # the box's cells is listed once.
            e, j = entries[k], count
            while j > 0 and near[j - 1] > e:
                j -= 1
            if j > 0 and near[j - 1] == e:
                continue
            for t in range(count, j, -1):
                near[t] = near[t - 1]
            near[j] = e
            count += 1
    return near, count


@_jit
def _near(lo: Float, hi: Float, keys: Int, entries: Int) -> tuple[Int, Int]:
    """(box, edge) of every edge registered in a cell a box covers, by box then edge."""
    out_box = np.empty(64 + 4 * len(lo), dtype=np.int64)
    out_edge = np.empty_like(out_box)
    found = 0
    near = np.empty(256, dtype=np.int64)
    for b in range(len(lo)):
        near, count = _registered(keys, entries, lo[b, 0], lo[b, 1], hi[b, 0], hi[b, 1], near)
        if found + count > len(out_box):
            out_box = np.concatenate((out_box[:found], np.empty(2 * (found + count), np.int64)))
            out_edge = np.concatenate((out_edge[:found], np.empty(2 * (found + count), np.int64)))
        out_box[found : found + count] = b
        out_edge[found : found + count] = near[:count]
        found += count
    return out_box[:found], out_edge[:found]


@_jit
def _meeting(
    points: Float,
    segments: Int,
    keys: Int,
    entries: Int,
    starts: Float,
    ends: Float,
) -> tuple[Int, Int, NDArray[np.bool_]]:
    """(segment, edge, crosses) of every pair of a segment and a near edge that may meet.

    Pairs come in the order of ``segments``, then of edges; a pair whose ends lie strictly
    on one side of the other is apart and left out.
    """
    size = 64 + 4 * len(segments)
    out_segment = np.empty(size, dtype=np.int64)
    out_edge = np.empty(size, dtype=np.int64)
    out_crosses = np.empty(size, dtype=np.bool_)
    found = 0
    near = np.empty(256, dtype=np.int64)
    for s in segments:
        ax, ay, bx, by = points[s, 0], points[s, 1], points[s + 1, 0], points[s + 1, 1]
        near, count = _registered(
            keys, entries, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), near
        )
        for k in range(count):
            e = near[k]
            qx, qy, rx, ry = starts[e, 0], starts[e, 1], ends[e, 0], ends[e, 1]
            pq = _sign(ax, ay, bx, by, qx, qy) * _sign(ax, ay, bx, by, rx, ry)
            qp = _sign(qx, qy, rx, ry, ax, ay) * _sign(qx, qy, rx, ry, bx, by)
            if pq == 1 or qp == 1:
                continue  # both ends of one strictly on one side of the other
            if found == len(out_segment):
                out_segment = np.concatenate((out_segment, np.empty_like(out_segment)))
                out_edge = np.concatenate((out_edge, np.empty_like(out_edge)))
                out_crosses = np.concatenate((out_crosses, np.empty_like(out_crosses)))
            out_segment[found], out_edge[found] = s, e
            out_crosses[found] = pq == -1 and qp == -1
            found += 1
    return out_segment[:found], out_edge[:found], out_crosses[:found]


@dataclass(frozen=True)
class SegmentPairs:
    """Segments of lines paired with the near edges they may meet, and what each pair does.

    A pair is ``crosses`` when the segment and the edge cross at a point inside both (each
    one's ends strictly on either side of the other), ``unsure`` when floating point cannot
    tell whether they meet (they touch, overlap or nearly do). Pairs certainly apart are not
    listed.
    """

    #: Index of the segment (its start point in the points given).
    segment: Int
    #: Index of the edge in the packed edges.
    edge: Int
    crosses: NDArray[np.bool_]
    unsure: NDArray[np.bool_]


@dataclass(frozen=True)
class PackedEdges:
    """The edges of the rings of several polygons, bucketed in grid cells."""

    #: Start and end (lon, lat) of every edge.
    starts: Float
    ends: Float
    #: Which of the polygons each edge belongs to.
    owner: Int
    #: Cell keys, sorted, and the edge registered under each.
    keys: Int
    entries: Int
    #: (min lon, min lat, max lon, max lat) of each polygon.
    bounds: Float

    @classmethod
    def of(cls, geometries: Sequence[BaseGeometry]) -> PackedEdges:
        """The edges of every ring of the geometries, owned by their index."""
        starts: list[Float] = [np.empty((0, 2))]
        ends: list[Float] = [np.empty((0, 2))]
        owners: list[Int] = [np.empty(0, dtype=np.int64)]
        for k, geometry in enumerate(geometries):
            rings = shapely.get_rings(shapely.get_parts(np.asarray(geometry)))
            xy, ring = shapely.get_coordinates(rings, return_index=True)
            # An edge joins two consecutive points of one ring.
            same = ring[1:] == ring[:-1]
            starts.append(xy[:-1][same])
            ends.append(xy[1:][same])
            owners.append(np.full(int(same.sum()), k, dtype=np.int64))
        s, e = np.concatenate(starts), np.concatenate(ends)
        keys, item = _keys(np.minimum(s, e), np.maximum(s, e))
        order = np.argsort(keys, kind="stable")
        bounds = np.asarray(shapely.bounds(np.asarray(list(geometries), dtype=object)))
        return cls(s, e, np.concatenate(owners), keys[order], item[order], bounds.reshape(-1, 4))

    @classmethod
    def kept(
        cls, name: str, source_key: str, geometries: Callable[[], Sequence[BaseGeometry]]
    ) -> PackedEdges:
        """:meth:`of` the geometries, kept in the cache of packed columns by name and key.

        Packing every state's edges costs a one-shot command about 70 ms at every start;
        read back they are views of one file.
        """

        def parse() -> dict[str, NDArray[Any]]:
            edges = cls.of(geometries())
            return {f.name: getattr(edges, f.name) for f in fields(cls)}

        return cls(**packed(name, source_key, parse))

    def subset(self, asked: NDArray[np.bool_]) -> PackedEdges:
        """The same edges with only those of the polygons ``asked`` (by owner) in the grid.

        The entries stay in key order, so no sorting: a fraction of a millisecond for a
        denied set against tens of milliseconds for packing its polygons anew.
        """
        keep = asked[self.owner[self.entries]]
        return PackedEdges(
            self.starts, self.ends, self.owner, self.keys[keep], self.entries[keep], self.bounds
        )

    def near(self, lo: Float, hi: Float) -> tuple[Int, Int]:
        """(box, edge) for every edge registered in a cell that a box [lo, hi] covers.

        Each pair is given once however many cells the two share, by box then edge.
        """
        return _near(
            np.ascontiguousarray(lo, dtype=np.float64),
            np.ascontiguousarray(hi, dtype=np.float64),
            self.keys,
            self.entries,
        )

    def pairs(self, points: Float, segments: Int) -> SegmentPairs:
        """Segments ``points[i]``-``points[i + 1]`` for i in ``segments``, against the edges."""
        segment, edge, crosses = _meeting(
            np.ascontiguousarray(points, dtype=np.float64),
            np.ascontiguousarray(segments, dtype=np.int64),
            self.keys,
            self.entries,
            self.starts,
            self.ends,
        )
        return SegmentPairs(segment, edge, crosses, ~crosses)


def line_parts(points: Sequence[tuple[float, float]] | Float) -> list[Float]:
    """The (lon, lat) points as lines cut at ±180 (:func:`split_antimeridian`), as arrays.

    Most lines do not reach ±180: they are one part as they are. A line that only jumps
    across it (no point on it) is cut at each jump with the same arithmetic, in slices of
    the array rather than point by point.
    """
    array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    lon = array[:, 0]
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0)
    if np.any(np.abs(lon) == 180.0):
        # Rows of two floats as lists: split_antimeridian only unpacks them.
        parts = split_antimeridian(cast("list[tuple[float, float]]", array.tolist()))
        return [np.asarray(p, dtype=np.float64) for p in parts if len(p) > 1]
    if not len(jumps):
        return [array] if len(array) > 1 else []
    out: list[Float] = []
    head = np.empty((0, 2))
    begin = 0
    for i in jumps.tolist():
        edge, lat = antimeridian_cut(*array[i].tolist(), *array[i + 1].tolist())
        out.append(np.vstack([head, array[begin : i + 1], [(edge, lat)]]))
        head, begin = np.array([(-edge, lat)]), i + 1
    out.append(np.vstack([head, array[begin:]]))
    return [p for p in out if len(p) > 1]
