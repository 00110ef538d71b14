"""The packed edges' compiled loops: edges near boxes, segments that meet them, a point's edge.

The verifier's and the transit report's own kernels (they share no code with the search's,
:mod:`overflight.routing.kernels`), loaded only where the thread's queries are compiled
(:func:`overflight._config.compiled_queries`); :mod:`overflight.routing.edges` does the same
in numpy otherwise, with the same answers (``tests/routing/test_edges.py``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from overflight.routing.edges import _ROWS, CELL_DEG, ORIENT_EPS

__all__ = ["crossed_edges", "meeting", "near", "segment_distance"]

Float = NDArray[np.float64]
Int = NDArray[np.int64]
Bools = NDArray[np.bool_]
F = TypeVar("F", bound=Callable[..., Any])


def _jit(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(func))


@_jit
def _sign(ax: float, ay: float, bx: float, by: float, cx: float, cy: float) -> int:
    """Sign of the turn a -> b -> c: 1 left, -1 right, 0 when floating point cannot tell."""
    left = (bx - ax) * (cy - ay)
    right = (by - ay) * (cx - ax)
    det = left - right
    bound = ORIENT_EPS * (abs(left) + abs(right))
    return 1 if det > bound else -1 if det < -bound else 0


#: Columns of cells whose entries' range :func:`_registered` remembers (the last looked up
#: in each of this many columns, by column modulo it), and the numbers kept for each:
#: column, first and last row, first and last entry.
_MEMO_COLUMNS = 8
_MEMO_WIDTH = 5


@_jit
def _memo() -> Int:
    """An empty memo of the entries' ranges of :func:`_registered` (no column is -1)."""
    return np.full(_MEMO_COLUMNS * _MEMO_WIDTH, -1, dtype=np.int64)


@_jit
def _cell_range(lo_x: float, lo_y: float, hi_x: float, hi_y: float) -> tuple[int, int, int, int]:
    """The columns and rows (first, last of each) of the cells a box covers."""
    c0 = int(np.floor((lo_x + 180.0) / CELL_DEG))
    c1 = int(np.floor((hi_x + 180.0) / CELL_DEG))
    r0 = min(max(int(np.floor((lo_y + 90.0) / CELL_DEG)) + 1, 0), _ROWS - 1)
    r1 = min(max(int(np.floor((hi_y + 90.0) / CELL_DEG)) + 1, 0), _ROWS - 1)
    return c0, c1, r0, r1


@_jit
def _registered(
    keys: Int,
    entries: Int,
    lo_x: float,
    lo_y: float,
    hi_x: float,
    hi_y: float,
    near: Int,
    memo: Int,
) -> tuple[Int, int]:
    """The edges registered in the cells a box covers, sorted, each once; and how many.

    ``near`` is scratch (grown when too small, and returned); the edges are its first ones.
    ``memo`` keeps the range of entries last found in each column: the boxes of a line's
    consecutive segments mostly cover the cells of the one before, and two binary searches
    of every cell's keys would cost more than testing its edges.
    """
    c0, c1, r0, r1 = _cell_range(lo_x, lo_y, hi_x, hi_y)
    count = 0
    for c in range(c0, c1 + 1):
        slot = (c % _MEMO_COLUMNS) * _MEMO_WIDTH
        if memo[slot] == c and memo[slot + 1] == r0 and memo[slot + 2] == r1:
            first, last = memo[slot + 3], memo[slot + 4]
        else:
            first = np.searchsorted(keys, c * _ROWS + r0, side="left")
            last = np.searchsorted(keys, c * _ROWS + r1, side="right")
            memo[slot], memo[slot + 1], memo[slot + 2] = c, r0, r1
            memo[slot + 3], memo[slot + 4] = first, last
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
def near(lo: Float, hi: Float, keys: Int, entries: Int) -> tuple[Int, Int]:
    """(box, edge) of every edge registered in a cell a box covers, by box then edge."""
    out_box = np.empty(64 + 4 * len(lo), dtype=np.int64)
    out_edge = np.empty_like(out_box)
    found = 0
    near = np.empty(256, dtype=np.int64)
    memo = _memo()
    for b in range(len(lo)):
        near, count = _registered(keys, entries, lo[b, 0], lo[b, 1], hi[b, 0], hi[b, 1], near, memo)
        if found + count > len(out_box):
            out_box = np.concatenate((out_box[:found], np.empty(2 * (found + count), np.int64)))
            out_edge = np.concatenate((out_edge[:found], np.empty(2 * (found + count), np.int64)))
        out_box[found : found + count] = b
        out_edge[found : found + count] = near[:count]
        found += count
    return out_box[:found], out_edge[:found]


@_jit
def _all_empty(lo_x: float, lo_y: float, hi_x: float, hi_y: float, occupied: Bools) -> bool:
    """Whether every cell a box covers is known to hold no edge (cells of the grid only)."""
    c0, c1, r0, r1 = _cell_range(lo_x, lo_y, hi_x, hi_y)
    if c0 < 0 or (c1 + 1) * _ROWS > len(occupied):
        return False
    for c in range(c0, c1 + 1):
        for r in range(r0, r1 + 1):
            if occupied[c * _ROWS + r]:
                return False
    return True


@_jit
def meeting(
    points: Float,
    segments: Int,
    keys: Int,
    entries: Int,
    starts: Float,
    ends: Float,
    occupied: Bools,
) -> tuple[Int, Int, NDArray[np.bool_]]:
    """(segment, edge, crosses) of every pair of a segment and a near edge that may meet.

    Pairs come in the order of ``segments``, then of edges; a pair whose ends lie strictly
    on one side of the other is apart and left out. ``occupied`` marks the cells that hold
    an edge: most of a densified line's segments lie in cells that hold none, and a look at
    those marks skips them without searching the keys.
    """
    size = 64 + 4 * len(segments)
    out_segment = np.empty(size, dtype=np.int64)
    out_edge = np.empty(size, dtype=np.int64)
    out_crosses = np.empty(size, dtype=np.bool_)
    found = 0
    near = np.empty(256, dtype=np.int64)
    memo = _memo()
    for s in segments:
        ax, ay, bx, by = points[s, 0], points[s, 1], points[s + 1, 0], points[s + 1, 1]
        lo_x, lo_y, hi_x, hi_y = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
        if _all_empty(lo_x, lo_y, hi_x, hi_y, occupied):
            continue
        near, count = _registered(keys, entries, lo_x, lo_y, hi_x, hi_y, near, memo)
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


@_jit
def segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from a point to a segment, in GEOS's arithmetic (its ``pointToSegment``).

    The same operations in the same order, so the same number to the bit as
    ``shapely.distance`` of the point and the two-point line.
    """
    if ax == bx and ay == by:
        dx, dy = px - ax, py - ay
        return math.sqrt(dx * dx + dy * dy)
    len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0.0:
        dx, dy = ax - px, ay - py
        return math.sqrt(dx * dx + dy * dy)
    if r >= 1.0:
        dx, dy = bx - px, by - py
        return math.sqrt(dx * dx + dy * dy)
    s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
    return abs(s) * math.sqrt(len2)


@_jit
def crossed_edges(
    xy: Float,
    allowed: Int,
    allowed_start: Int,
    keys: Int,
    entries: Int,
    starts: Float,
    ends: Float,
    owner: Int,
    on_edge: float,
) -> Int:
    """For each point, the nearest edge within ``on_edge`` of it among its allowed owners.

    Point i may be on the edges of the owners ``allowed[allowed_start[i]:allowed_start[i + 1]]``;
    the edges looked at are those registered in the cells its box of ``on_edge`` covers
    (:func:`_registered`, as ``PackedEdges.near``) whose own box, grown by twice
    ``on_edge``, holds it. Of equal distances the lowest edge wins; -1 where none is that
    close.
    """
    reach = 2.0 * on_edge
    out = np.full(len(xy), -1, dtype=np.int64)
    near = np.empty(256, dtype=np.int64)
    memo = _memo()
    for i in range(len(xy)):
        x, y = xy[i, 0], xy[i, 1]
        near, count = _registered(
            keys, entries, x - on_edge, y - on_edge, x + on_edge, y + on_edge, near, memo
        )
        best, best_gap = -1, np.inf
        for m in range(count):
            e = near[m]
            mine = False
            for j in range(allowed_start[i], allowed_start[i + 1]):
                if allowed[j] == owner[e]:
                    mine = True
            if not mine:
                continue
            ax, ay, bx, by = starts[e, 0], starts[e, 1], ends[e, 0], ends[e, 1]
            if (
                min(ax, bx) > x + reach
                or max(ax, bx) < x - reach
                or min(ay, by) > y + reach
                or max(ay, by) < y - reach
            ):
                continue
            gap = segment_distance(x, y, ax, ay, bx, by)
            if gap <= on_edge and (gap < best_gap or (gap == best_gap and e < best)):
                best, best_gap = e, gap
        out[i] = best
    return out
