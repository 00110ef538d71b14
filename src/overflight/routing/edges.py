"""Polygon edges packed as arrays in a grid of lon/lat cells, and which line segments meet them.

The verifier and the transit report ask, of a route densified every few kilometres, which
segments cross which edges of many polygons. Asked of GEOS one polygon at a time, most of the
work is an overlay of the whole route with the whole polygon; here the edges are bucketed once
in cells of :data:`CELL_DEG`, a segment is paired only with the edges of the cells its box
covers, and each pair is decided by the signs of four orientations: in one compiled loop
(:mod:`overflight.routing.edge_kernels`, the verifier's own: it shares no code with the
search), or in numpy where the thread's queries are not compiled (a one-shot command, which
would spend more loading the compiler than it saves). A sign too close to zero for floating
point to be sure of is reported as such, so that the caller can ask GEOS; every answer given
here is certain.

The packed edges are read-only arrays: they may be shared by threads.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, cast

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from overflight._config import compiled_queries
from overflight.data.packed import packed
from overflight.geo.sphere import antimeridian_cut, split_antimeridian

__all__ = ["CELL_DEG", "PackedEdges", "SegmentPairs", "legs_parts", "line_parts"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]

#: Side of a grid cell, degrees: a few of the densified route's segments, a few edges.
CELL_DEG = 0.25
#: Cells along a row of latitude (keys are column * _ROWS + row).
_ROWS = round(180.0 / CELL_DEG) + 2
#: Keys of the cells of lon/lat in [-180, 180] (columns 0 to 360 / CELL_DEG).
_CELLS = (round(360.0 / CELL_DEG) + 1) * _ROWS
#: Relative error bound of a 2x2 orientation determinant computed in float64 (Shewchuk's
#: ccwerrboundA is 3.3e-16; this is three times that): a determinant within it of zero has
#: no certain sign.
ORIENT_EPS = 1e-15


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


def _orientation(
    ax: Float, ay: Float, bx: Float, by: Float, cx: Float, cy: Float
) -> NDArray[np.int8]:
    """Sign of the turn a -> b -> c: 1 left, -1 right, 0 when floating point cannot tell."""
    left = (bx - ax) * (cy - ay)
    right = (by - ay) * (cx - ax)
    det = left - right
    bound = ORIENT_EPS * (np.abs(left) + np.abs(right))
    return (det > bound).astype(np.int8) - (det < -bound).astype(np.int8)


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

    @functools.cached_property
    def occupied(self) -> NDArray[np.bool_]:
        """Whether each cell of the grid (by key) holds an edge: 1 MB, made on first use.

        Made again by a thread that asks at the same moment as another, to the same array.
        """
        cells = np.zeros(_CELLS, dtype=np.bool_)
        cells[self.keys[(self.keys >= 0) & (self.keys < _CELLS)]] = True
        cells.flags.writeable = False  # shared by threads
        return cells

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
        if compiled_queries():
            from overflight.routing import edge_kernels

            return edge_kernels.near(
                np.ascontiguousarray(lo, dtype=np.float64),
                np.ascontiguousarray(hi, dtype=np.float64),
                self.keys,
                self.entries,
            )
        keys, box = _keys(lo, hi)
        first = np.searchsorted(self.keys, keys, side="left")
        count = np.searchsorted(self.keys, keys, side="right") - first
        hits = int(count.sum())
        local = np.arange(hits, dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
        pair_box = np.repeat(box, count)
        pair_edge = self.entries[np.repeat(first, count) + local]
        # Sorted, then each pair once (np.unique would load numpy.ma: 20 ms of a one-shot).
        key = np.sort(pair_box * len(self.starts) + pair_edge)
        unique = key[np.concatenate([[True], key[1:] != key[:-1]])] if len(key) else key
        return unique // len(self.starts), unique % len(self.starts)

    def pairs(self, points: Float, segments: Int) -> SegmentPairs:
        """Segments ``points[i]``-``points[i + 1]`` for i in ``segments``, against the edges.

        Compiled, in one loop (:mod:`overflight.routing.edge_kernels`), or in numpy arrays
        when the thread's queries are not compiled: the same pairs either way.
        """
        if compiled_queries():
            from overflight.routing import edge_kernels

            segment, edge, crosses = edge_kernels.meeting(
                np.ascontiguousarray(points, dtype=np.float64),
                np.ascontiguousarray(segments, dtype=np.int64),
                self.keys,
                self.entries,
                self.starts,
                self.ends,
                self.occupied,
            )
            return SegmentPairs(segment, edge, crosses, ~crosses)
        a, b = points[segments], points[segments + 1]
        box, edge = self.near(np.minimum(a, b), np.maximum(a, b))
        p1, p2 = a[box], b[box]
        q1, q2 = self.starts[edge], self.ends[edge]
        pq1 = _orientation(p1[:, 0], p1[:, 1], p2[:, 0], p2[:, 1], q1[:, 0], q1[:, 1])
        pq2 = _orientation(p1[:, 0], p1[:, 1], p2[:, 0], p2[:, 1], q2[:, 0], q2[:, 1])
        qp1 = _orientation(q1[:, 0], q1[:, 1], q2[:, 0], q2[:, 1], p1[:, 0], p1[:, 1])
        qp2 = _orientation(q1[:, 0], q1[:, 1], q2[:, 0], q2[:, 1], p2[:, 0], p2[:, 1])
        # Both ends of one strictly on the same side of the other: certainly apart.
        meet = np.flatnonzero((pq1 * pq2 != 1) & (qp1 * qp2 != 1))
        crosses = (pq1 * pq2 == -1)[meet] & (qp1 * qp2 == -1)[meet]
        return SegmentPairs(segments[box[meet]], edge[meet], crosses, ~crosses)


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


def legs_parts(legs: Sequence[Float]) -> list[list[Float]]:
    """:func:`line_parts` of each leg (a route's legs, each two or more points), in order.

    A route that neither reaches nor jumps across ±180 (most) is its legs as they are: one
    test of every point rather than one call per leg.
    """
    if not legs or any(len(leg) < 2 for leg in legs):
        return [line_parts(leg) for leg in legs]
    lon = np.concatenate(legs)[:, 0]
    leg_of = np.repeat(np.arange(len(legs)), [len(leg) for leg in legs])
    # A jump between two legs' points is none (each leg starts where the last ended).
    jump = np.abs(np.diff(lon)) > 180.0
    cut = np.zeros(len(legs), dtype=bool)
    cut[leg_of[np.abs(lon) >= 180.0]] = True
    cut[leg_of[:-1][jump]] = True
    return [line_parts(leg) if c else [leg] for leg, c in zip(legs, cut.tolist(), strict=True)]
