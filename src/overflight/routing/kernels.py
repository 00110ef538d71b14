"""Compiled inner loops of building a graph: bitangents and arc-versus-edge tests.

Everything here works on unit vectors in float64 arrays and is compiled with
numba, because the planner asks millions of small geometric questions per
denied set and no vectorised formulation answers them without doing most of
the work for nothing (an arc is usually blocked within its first few cells).

Obstacle edges are bucketed in a grid on the faces of a cube (gnomonic
coordinates). An arc is walked through that grid at steps shorter than half
the smallest cell; each edge is registered, on every face it is near, in its
cells and the eight around them, so every edge an arc could meet is looked at.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

from overflight.geo.sphere import SIGN_EPS

__all__ = [
    "GRID",
    "EdgeGrid",
    "arcs_blocked",
    "bitangent_pairs",
    "build_edge_grid",
    "pair_blockers",
    "queue_room",
    "shortest_path",
]

F = TypeVar("F", bound=Callable[..., Any])

#: Cells along each side of a cube face.
GRID = 96
#: Smallest angular size of a cell (at a face corner), in radians.
MIN_CELL = math.atan(1.0) - math.atan(1.0 - 2.0 / GRID)
#: Step when walking an arc through the grid: under half the smallest cell.
STEP = 0.45 * MIN_CELL
#: Points closer than this (radians, about 0.1 mm) to an arc count as on it.
ON_ARC = 1e-11
#: Sine of the reach of an edge's sample into the cells around it: STEP, widened by far more
#: than the rounding of the walked and sampled points (see _edge_cells).
_REACH_SIN = math.sin(STEP * (1.0 + 1e-4))


def _jit(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True)(func))


def _ijit(func: F) -> F:
    """Compiled into each caller (the innermost tests, where a call costs as much as the work)."""
    return cast(F, numba.njit(cache=True, nogil=True, inline="always")(func))


def _pjit(func: F) -> F:
    return cast(F, numba.njit(cache=True, nogil=True, parallel=True)(func))


Float2D = NDArray[np.float64]
#: A point on the unit sphere, as a value (see _meets).
Vec3 = tuple[float, float, float]
Int1D = NDArray[np.int64]


@_jit
def _cell(x: float, y: float, z: float) -> int:
    ax, ay, az = abs(x), abs(y), abs(z)
    if ax >= ay and ax >= az:
        face, u, v = (0 if x > 0 else 1), y / ax, z / ax
    elif ay >= az:
        face, u, v = (2 if y > 0 else 3), x / ay, z / ay
    else:
        face, u, v = (4 if z > 0 else 5), x / az, y / az
    i = min(GRID - 1, max(0, int((u + 1.0) * 0.5 * GRID)))
    j = min(GRID - 1, max(0, int((v + 1.0) * 0.5 * GRID)))
    return (face * GRID + i) * GRID + j


@_jit
def _face_uv(face: int, x: float, y: float, z: float) -> tuple[float, float, float]:
    """Gnomonic coordinates of a point on a face's chart, and its height above the face."""
    h = (x, -x, y, -y, z, -z)[face]
    if h <= 0.0:
        return 0.0, 0.0, h
    if face < 2:
        return y / h, z / h, h
    if face < 4:
        return x / h, z / h, h
    return x / h, y / h, h


@_jit
def _edge_cells(a: NDArray[np.float64], b: NDArray[np.float64], out: Int1D) -> int:
    """Cells an arc walked at STEP could be looked up in near the arc a-b; returns how many.

    The arc is sampled every STEP. A walking point within STEP of a sample lies
    in the sample's cell or one of its eight neighbours, on whichever face it
    falls: so each sample is registered, on every face it is near, in the cell
    its gnomonic projection falls in and in those of the eight around it that come
    within STEP of it. A cell's sides are great circles: a neighbour across a side
    is that far from the sample only if the side's circle is (a diagonal one, both
    sides'). Most samples lie further inside their cell, which then holds a third
    as many edges as with all nine, and a walk tests a third as many.
    """
    n = 0
    dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    cx = a[1] * b[2] - a[2] * b[1]
    cy = a[2] * b[0] - a[0] * b[2]
    cz = a[0] * b[1] - a[1] * b[0]
    theta = math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), dot)
    steps = max(1, math.ceil(theta / STEP))
    s = math.sin(theta)
    reach = 1.0 + 4.0 / GRID
    for k in range(steps + 1):
        t = k / steps
        if s > 1e-15:
            wa = math.sin((1.0 - t) * theta) / s
            wb = math.sin(t * theta) / s
        else:
            wa, wb = 1.0 - t, t
        px = wa * a[0] + wb * b[0]
        py = wa * a[1] + wb * b[1]
        pz = wa * a[2] + wb * b[2]
        for face in range(6):
            u, v, h = _face_uv(face, px, py, pz)
            if h <= 0.3 or abs(u) > reach or abs(v) > reach:
                continue
            i0 = math.floor((u + 1.0) * 0.5 * GRID)
            j0 = math.floor((v + 1.0) * 0.5 * GRID)
            for i in range(i0 - 1, i0 + 2):
                if i < 0 or i >= GRID or not _near_side(u, h, i0, i):
                    continue
                for j in range(j0 - 1, j0 + 2):
                    if j < 0 or j >= GRID or not _near_side(v, h, j0, j):
                        continue
                    c = (face * GRID + i) * GRID + j
                    seen = False
                    for m in range(n):
                        if out[m] == c:
                            seen = True
                            break
                    if not seen and n < out.shape[0]:
                        out[n] = c
                        n += 1
    return n


@_jit
def _near_side(u: float, h: float, i0: int, i: int) -> bool:
    """Whether column (or row) i, at or next to the point's i0, may come within STEP of it.

    i0 is where the point's chart coordinate u falls, and the side between the two tells:
    the side u = c is a great circle, which the point (height h above the face) is
    h |u - c| / sqrt(1 + c²) from, in sine of angle.
    """
    if i == i0:
        return True
    c = -1.0 + 2.0 * (i0 + (1 if i > i0 else 0)) / GRID
    return h * abs(u - c) <= _REACH_SIN * math.sqrt(1.0 + c * c)


@dataclass(frozen=True)
class EdgeGrid:
    """Obstacle edges bucketed by cube-face grid cell (CSR arrays)."""

    #: Edge start and end points (unit vectors).
    starts: Float2D
    ends: Float2D
    #: Edges of cell c are cell_edges[cell_start[c]:cell_start[c + 1]].
    cell_start: Int1D
    cell_edges: Int1D


@_jit
def _register(starts: Float2D, ends: Float2D) -> tuple[Int1D, Int1D]:
    cells = 6 * GRID * GRID
    buf = np.empty(4096, dtype=np.int64)
    counts = np.zeros(cells + 1, dtype=np.int64)
    for e in range(starts.shape[0]):
        n = _edge_cells(starts[e], ends[e], buf)
        for m in range(n):
            counts[buf[m] + 1] += 1
    cell_start = np.cumsum(counts)
    fill = cell_start[:-1].copy()
    cell_edges = np.empty(cell_start[-1], dtype=np.int64)
    for e in range(starts.shape[0]):
        n = _edge_cells(starts[e], ends[e], buf)
        for m in range(n):
            c = buf[m]
            cell_edges[fill[c]] = e
            fill[c] += 1
    return cell_start, cell_edges


def build_edge_grid(starts: Float2D, ends: Float2D) -> EdgeGrid:
    """Bucket the edges starts[i]-ends[i] into the grid."""
    starts = np.ascontiguousarray(starts, dtype=np.float64)
    ends = np.ascontiguousarray(ends, dtype=np.float64)
    cell_start, cell_edges = _register(starts, ends)
    return EdgeGrid(starts=starts, ends=ends, cell_start=cell_start, cell_edges=cell_edges)


@_jit
def _det(
    a0: float,
    a1: float,
    a2: float,
    b0: float,
    b1: float,
    b2: float,
    c0: float,
    c1: float,
    c2: float,
) -> float:
    return (a1 * b2 - a2 * b1) * c0 + (a2 * b0 - a0 * b2) * c1 + (a0 * b1 - a1 * b0) * c2


@_ijit
def _meets(
    a: Vec3,
    b: Vec3,
    n0: float,
    n1: float,
    n2: float,
    tol: float,
    starts: Float2D,
    ends: Float2D,
    e: int,
) -> bool:
    """Whether the minor arc a-b crosses or touches edge e.

    ``n`` is a x b and ``tol`` the distance that counts as on the arc, times |n|. The ends
    are tuples, not rows of an array: a row taken as an array costs two atomic updates of
    the array's reference count, contended by every thread of a build.
    """
    a0, a1, a2 = a
    b0, b1, b2 = b
    c0, c1, c2 = starts[e, 0], starts[e, 1], starts[e, 2]
    d0, d1, d2 = ends[e, 0], ends[e, 1], ends[e, 2]
    abc = n0 * c0 + n1 * c1 + n2 * c2
    abd = n0 * d0 + n1 * d1 + n2 * d2
    if (abc > tol and abd > tol) or (abc < -tol and abd < -tol):
        return False
    # An edge end on the arc's great circle: touching the arc blocks it.
    if abs(abc) <= tol or abs(abd) <= tol:
        if (
            abs(abc) <= tol
            and _det(a0, a1, a2, c0, c1, c2, n0, n1, n2) >= 0.0
            and _det(c0, c1, c2, b0, b1, b2, n0, n1, n2) >= 0.0
        ):
            return True
        return bool(
            abs(abd) <= tol
            and _det(a0, a1, a2, d0, d1, d2, n0, n1, n2) >= 0.0
            and _det(d0, d1, d2, b0, b1, b2, n0, n1, n2) >= 0.0
        )
    cda = _det(c0, c1, c2, d0, d1, d2, a0, a1, a2)
    cdb = _det(c0, c1, c2, d0, d1, d2, b0, b1, b2)
    if (cda > 0.0 and cdb > 0.0) or (cda < 0.0 and cdb < 0.0):
        return False
    # The great circles cross between the ends of both arcs, or at the antipodal point:
    # the four triangles acb, bda, cbd, dac agree only in the first case.
    if abc < 0.0:
        return cda >= 0.0 and cdb <= 0.0
    return cda <= 0.0 and cdb >= 0.0


@_jit
def _blocker(
    a: Vec3,
    b: Vec3,
    skip0: int,
    skip1: int,
    skip2: int,
    skip3: int,
    starts: Float2D,
    ends: Float2D,
    cell_start: Int1D,
    cell_edges: Int1D,
) -> int:
    """An edge other than the skipped ones that the minor arc a-b crosses or touches, or -1.

    Antipodal ends, which no minor arc joins, answer -2. The arc's points every STEP are
    turned from each end step by step (a rotation by the step's cosine and sine), not each
    found by two sines and two divisions: within a few ulps of the exact points, far inside
    the margin of the cells an edge is registered in, and most of a walk's cost saved.
    """
    a0, a1, a2 = a
    b0, b1, b2 = b
    n0 = a1 * b2 - a2 * b1
    n1 = a2 * b0 - a0 * b2
    n2 = a0 * b1 - a1 * b0
    nn = math.sqrt(n0 * n0 + n1 * n1 + n2 * n2)
    dot = a0 * b0 + a1 * b1 + a2 * b2
    if nn == 0.0:
        # The same point (clear), or antipodal points, which no minor arc joins.
        return -2 if dot < 0.0 else -1
    theta = math.atan2(nn, dot)
    steps = max(1, math.ceil(theta / STEP))
    tol = ON_ARC * nn
    # Unit tangents at a towards b and at b towards a: the point j steps from an end is
    # cos(j d) end + sin(j d) tangent.
    ua0, ua1, ua2 = (b0 - dot * a0) / nn, (b1 - dot * a1) / nn, (b2 - dot * a2) / nn
    ub0, ub1, ub2 = (a0 - dot * b0) / nn, (a1 - dot * b1) / nn, (a2 - dot * b2) / nn
    d = theta / steps
    cd, sd = math.cos(d), math.sin(d)
    c, s = 1.0, 0.0
    last0 = -1
    last1 = -1
    # Walk from both ends towards the middle: blocking is usually near an end.
    for j in range(steps // 2 + 1):
        for side in range(2):
            if side == 1 and steps - j == j:
                break
            if side == 0:
                x, y, z = c * a0 + s * ua0, c * a1 + s * ua1, c * a2 + s * ua2
            else:
                x, y, z = c * b0 + s * ub0, c * b1 + s * ub1, c * b2 + s * ub2
            cell = _cell(x, y, z)
            if cell in (last0, last1):
                continue
            last1 = last0
            last0 = cell
            for m in range(cell_start[cell], cell_start[cell + 1]):
                e = cell_edges[m]
                if e in (skip0, skip1, skip2, skip3):
                    continue
                if _meets(a, b, n0, n1, n2, tol, starts, ends, e):
                    return int(e)
        c, s = c * cd - s * sd, s * cd + c * sd
    return -1


@_jit
def arcs_blocked(
    a: Float2D,
    b: Float2D,
    skip: NDArray[np.int64],
    starts: Float2D,
    ends: Float2D,
    cell_start: Int1D,
    cell_edges: Int1D,
) -> NDArray[np.bool_]:
    """For each i, whether the arc a[i]-b[i] meets an edge other than skip[i, 0..3]."""
    out = np.empty(a.shape[0], dtype=np.bool_)
    for i in range(a.shape[0]):
        out[i] = (
            _blocker(
                (a[i, 0], a[i, 1], a[i, 2]),
                (b[i, 0], b[i, 1], b[i, 2]),
                skip[i, 0],
                skip[i, 1],
                skip[i, 2],
                skip[i, 3],
                starts,
                ends,
                cell_start,
                cell_edges,
            )
            != -1
        )
    return out


@_jit
def _same_side(x: float, y: float) -> bool:
    return not ((x > SIGN_EPS and y < -SIGN_EPS) or (x < -SIGN_EPS and y > SIGN_EPS))


@_jit
def _is_bitangent(points: Float2D, n_prev: Float2D, n_next: Float2D, i: int, j: int) -> bool:
    """Whether the great circle through vertices i and j is tangent to the obstacle at both.

    The vertices are read in place, not taken as rows: a row taken as an array costs two
    atomic updates of the points' reference count, shared by every thread of the build.
    """
    pi0, pi1, pi2 = points[i, 0], points[i, 1], points[i, 2]
    pj0, pj1, pj2 = points[j, 0], points[j, 1], points[j, 2]
    if not _same_side(
        n_prev[i, 0] * pj0 + n_prev[i, 1] * pj1 + n_prev[i, 2] * pj2,
        n_next[i, 0] * pj0 + n_next[i, 1] * pj1 + n_next[i, 2] * pj2,
    ):
        return False
    if not _same_side(
        n_prev[j, 0] * pi0 + n_prev[j, 1] * pi1 + n_prev[j, 2] * pi2,
        n_next[j, 0] * pi0 + n_next[j, 1] * pi1 + n_next[j, 2] * pi2,
    ):
        return False
    # Antipodal vertices are joined by no minor arc.
    return bool(pi0 * pj0 + pi1 * pj1 + pi2 * pj2 >= -1.0 + 1e-12)


@_pjit
def _count_bitangents(points: Float2D, n_prev: Float2D, n_next: Float2D) -> Int1D:
    n = points.shape[0]
    counts = np.zeros(n, dtype=np.int64)
    for i in numba.prange(n):
        c = 0
        for j in range(i + 1, n):
            if _is_bitangent(points, n_prev, n_next, i, j):
                c += 1
        counts[i] = c
    return counts


@_pjit
def _fill_bitangents(
    points: Float2D, n_prev: Float2D, n_next: Float2D, offsets: Int1D, out_j: Int1D
) -> None:
    n = points.shape[0]
    for i in numba.prange(n):
        c = offsets[i]
        for j in range(i + 1, n):
            if _is_bitangent(points, n_prev, n_next, i, j):
                out_j[c] = j
                c += 1


def bitangent_pairs(points: Float2D, n_prev: Float2D, n_next: Float2D) -> tuple[Int1D, Int1D]:
    """Vertex pairs (i < j) whose great circle is tangent to the obstacle at both ends.

    ``n_prev[i]`` and ``n_next[i]`` are the unit normals of prev_i x v_i and
    next_i x v_i: a point p sees the obstacle at v_i on one side when
    p·n_prev[i] and p·n_next[i] do not have opposite signs (beyond rounding).
    """
    counts = _count_bitangents(points, n_prev, n_next)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    second = np.empty(int(offsets[-1]), dtype=np.int64)
    _fill_bitangents(points, n_prev, n_next, offsets, second)
    first = np.repeat(np.arange(len(points), dtype=np.int64), counts)
    return first, second


@_jit
def _angle(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    cx = a[1] * b[2] - a[2] * b[1]
    cy = a[2] * b[0] - a[0] * b[2]
    cz = a[0] * b[1] - a[1] * b[0]
    return math.atan2(
        math.sqrt(cx * cx + cy * cy + cz * cz), a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
    )


@_jit
def _clear_of(
    p: NDArray[np.float64],
    q: NDArray[np.float64],
    starts: Float2D,
    ends: Float2D,
    cell_start: Int1D,
    cell_edges: Int1D,
) -> bool:
    """Whether the arc p-q meets none of a grid's edges (an empty grid: trivially)."""
    return (
        starts.shape[0] == 0
        or _blocker(
            (p[0], p[1], p[2]),
            (q[0], q[1], q[2]),
            -1,
            -1,
            -1,
            -1,
            starts,
            ends,
            cell_start,
            cell_edges,
        )
        == -1
    )


@_jit
def _tangent_at(
    points: Float2D, n_prev: Float2D, n_next: Float2D, v: int, p: NDArray[np.float64]
) -> bool:
    """Whether a leg from p to vertex v touches the obstacle at v without entering it."""
    if not _same_side(
        n_prev[v, 0] * p[0] + n_prev[v, 1] * p[1] + n_prev[v, 2] * p[2],
        n_next[v, 0] * p[0] + n_next[v, 1] * p[1] + n_next[v, 2] * p[2],
    ):
        return False
    # No minor arc joins antipodes.
    return bool(points[v, 0] * p[0] + points[v, 1] * p[1] + points[v, 2] * p[2] > -1.0 + 1e-12)


@_jit
def _angle_to(points: Float2D, v: int, p: NDArray[np.float64]) -> float:
    """``_angle(points[v], p)``, read in place.

    A row taken as an array costs two atomic updates of a reference count, which the
    search's inner loops would pay at every step.
    """
    a0, a1, a2 = points[v, 0], points[v, 1], points[v, 2]
    cx = a1 * p[2] - a2 * p[1]
    cy = a2 * p[0] - a0 * p[2]
    cz = a0 * p[1] - a1 * p[0]
    return math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), a0 * p[0] + a1 * p[1] + a2 * p[2])


@_jit
def _chord_to(points: Float2D, v: int, p: NDArray[np.float64]) -> float:
    """Straight-line distance from vertex v to p (never more than their angle), in place."""
    x = points[v, 0] - p[0]
    y = points[v, 1] - p[1]
    z = points[v, 2] - p[2]
    return math.sqrt(x * x + y * y + z * z)


@_jit
def _heap_push(keys: NDArray[np.float64], codes: Int1D, size: int, f: float, code: int) -> None:
    """Push onto a binary heap of `size` entries held in two arrays with room for one more."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if keys[parent] <= f:
            break
        keys[i] = keys[parent]
        codes[i] = codes[parent]
        i = parent
    keys[i] = f
    codes[i] = code


@_jit
def _heap_pop(keys: NDArray[np.float64], codes: Int1D, size: int) -> tuple[float, int, int]:
    """Pop the smallest key of a heap of `size` entries; returns it, its code and the new size."""
    f = keys[0]
    code = codes[0]
    size -= 1
    last_f = keys[size]
    last_code = codes[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size:
            # Branch-free: which child is smaller is a coin toss the branch predictor loses.
            child += int(keys[child + 1] < keys[child])
        if last_f <= keys[child]:
            break
        keys[i] = keys[child]
        codes[i] = codes[child]
        i = child
    keys[i] = last_f
    codes[i] = last_code
    return f, code, size


#: Edges remembered per end of a search that blocked legs from it (see _end_leg_blocked).
BLOCKERS = 32


#: An end leg's verdict, as :func:`shortest_path`'s ``start_known`` and ``goal_known`` keep it.
_CLEAR = 1
_BLOCKED = 2


@_jit
def _end_leg_blocked(
    known: NDArray[np.int8],
    keep: bool,
    v: int,
    a: Vec3,
    b: Vec3,
    skip0: int,
    skip1: int,
    skip2: int,
    skip3: int,
    blockers: Int1D,
    starts: Float2D,
    ends: Float2D,
    cell_start: Int1D,
    cell_edges: Int1D,
) -> bool:
    """``_blocked`` for the leg between one end of a search and vertex v, remembering.

    Those legs that are blocked are mostly blocked by the same few edges (a headland hides a
    whole sector from a place), so the last BLOCKERS edges found are tried before the grid
    is walked; ``blockers`` holds them, then the count of edges found. With ``keep``, the
    verdict is read from ``known[v]`` when it is there (_CLEAR or _BLOCKED) and put there
    when it is found.
    """
    if keep and known[v] != 0:
        return bool(known[v] == _BLOCKED)
    a0, a1, a2 = a
    b0, b1, b2 = b
    n0 = a1 * b2 - a2 * b1
    n1 = a2 * b0 - a0 * b2
    n2 = a0 * b1 - a1 * b0
    tol = ON_ARC * math.sqrt(n0 * n0 + n1 * n1 + n2 * n2)
    e = -1
    for k in range(min(BLOCKERS, blockers[BLOCKERS])):
        if blockers[k] not in (skip0, skip1, skip2, skip3) and _meets(
            a, b, n0, n1, n2, tol, starts, ends, blockers[k]
        ):
            e = blockers[k]
            break
    if e < 0:
        e = _blocker(a, b, skip0, skip1, skip2, skip3, starts, ends, cell_start, cell_edges)
        if e >= 0:
            blockers[blockers[BLOCKERS] % BLOCKERS] = e
            blockers[BLOCKERS] += 1
    if keep:
        known[v] = _CLEAR if e == -1 else _BLOCKED
    return e != -1


def queue_room(vertices: int, adjacency: int) -> int:
    """Entries :func:`shortest_path`'s queue may hold: every push it can make.

    A leg from the origin to each vertex, measured and accepted (three pushes), a leg from
    each vertex to the destination, and a vertex for each adjacency entry of a vertex
    closed (each is closed once).
    """
    return 4 * vertices + adjacency + 1


@_jit
def shortest_path(
    points: Float2D,
    n_prev: Float2D,
    n_next: Float2D,
    indptr: Int1D,
    indices: Int1D,
    weights: NDArray[np.float64],
    origin: NDArray[np.float64],
    destination: NDArray[np.float64],
    start_ok: NDArray[np.bool_],
    goal_ok: NDArray[np.bool_],
    try_direct: bool,
    edge_in: Int1D,
    edge_out: Int1D,
    starts: Float2D,
    ends: Float2D,
    cell_start: Int1D,
    cell_edges: Int1D,
    more_starts: Float2D,
    more_ends: Float2D,
    more_cell_start: Int1D,
    more_cell_edges: Int1D,
    values: Float2D,
    marks: NDArray[np.int64],
    stamp: int,
    keys: NDArray[np.float64],
    codes: Int1D,
    start_known: NDArray[np.int8],
    goal_known: NDArray[np.int8],
) -> tuple[float, Int1D]:
    """Shortest path from origin to destination, testing the end legs only when needed.

    With ``try_direct``, the great circle is tried first and, when clear, answered as the
    path (its length and no vertex). Otherwise the origin may leave towards the vertices
    where a leg from it is tangent (and ``start_ok``, unless empty), and the destination is
    reached from those where a leg to it is tangent (and ``goal_ok``, unless empty).
    Instead of testing every such leg for obstacles up front, a leg enters the queue
    untested with its exact length and is tested when it comes out: a leg from the origin
    that is blocked is dropped, and the first leg to the destination that is clear ends the
    search. Legs come out in order of a consistent A* key, so that first clear leg closes
    the shortest path. Returns the length and the vertex sequence (inf and empty when the
    destination cannot be reached).

    The ``more_*`` grid holds edges of further obstacles that the graph was not built
    around (empty for a plain search): every leg is also tested against them, so the path
    found avoids them too, though it need not be the shortest around them (their own
    vertices are not in the graph).

    ``values`` and ``marks`` (3 x n each) are the caller's scratch, reused across its
    queries so that a query touches only the vertices it reaches: a vertex's rows hold this
    query's values only where its mark equals ``stamp``, a number the caller never reuses
    with the same scratch. ``keys`` and ``codes`` are the caller's room for the queue,
    :func:`queue_room` entries each: as many as a search can push, so that it never grows
    (an array that a loop may replace costs every step of the loop two atomic updates of
    its reference count).

    ``start_known`` and ``goal_known`` (n each, or empty) remember across searches from the
    same origin, or to the same destination, whether the leg between it and each vertex
    meets the grid's edges: 0 not yet tested, 1 clear, 2 blocked. A verdict depends only on
    the end, the vertex and the grid, so a caller that keeps them per place (a batch's
    pairs from a few hubs) tests each leg once (:func:`_end_leg_blocked`); the ``more``
    grid is tested as before.
    """
    if (
        try_direct
        and _clear_of(origin, destination, starts, ends, cell_start, cell_edges)
        and _clear_of(origin, destination, more_starts, more_ends, more_cell_start, more_cell_edges)
    ):
        return _angle(origin, destination), np.empty(0, dtype=np.int64)
    n = points.shape[0]
    # Rows of values: best length from the origin, lower bound to the destination, length
    # of the leg from the origin. Rows of marks: reached this query, closed, parent.
    g = values[0]
    h = values[1]
    start_d = values[2]
    seen = marks[0]
    closed = marks[1]
    parent = marks[2]
    size = 0
    restricted = start_ok.shape[0] > 0
    # Queue entries: v for a vertex reached, n + v for an untested leg from the origin
    # to v, 2n + v for an untested leg from v to the destination, and 3n + v for a leg from
    # the origin whose length is not yet computed: it waits under the sum of the chords
    # o-v and v-d, a lower bound of the leg's key that costs no trigonometry, so that only
    # the legs the search comes near are measured.
    for v in range(n):
        if restricted and not start_ok[v]:
            continue
        if not _tangent_at(points, n_prev, n_next, v, origin):
            continue
        # Less a hair, so that rounding cannot lift the bound above the length.
        bound = _chord_to(points, v, origin) + _chord_to(points, v, destination) - 1e-12
        _heap_push(keys, codes, size, bound, 3 * n + v)
        size += 1
    # Whether there are further obstacles to test legs against: only then are rows taken as
    # arrays for _clear_of (see _angle_to), and its call made at every step (measured: 10 %
    # of a search when made to take tuples instead).
    more = more_starts.shape[0] > 0
    from_known = start_known.shape[0] > 0
    to_known = goal_known.shape[0] > 0
    o0, o1, o2 = origin[0], origin[1], origin[2]
    d0, d1, d2 = destination[0], destination[1], destination[2]
    start_blockers = np.zeros(BLOCKERS + 1, dtype=np.int64)
    goal_blockers = np.zeros(BLOCKERS + 1, dtype=np.int64)
    goal_parent = -1
    best = np.inf
    while size > 0:
        f, code, size = _heap_pop(keys, codes, size)
        if code >= 3 * n:
            v = code - 3 * n
            if seen[v] != stamp:
                seen[v] = stamp
                g[v] = np.inf
                h[v] = _angle_to(points, v, destination)
            elif closed[v] == stamp:
                continue
            start_d[v] = _angle_to(points, v, origin)
            _heap_push(keys, codes, size, start_d[v] + h[v], n + v)
            size += 1
            continue
        if code >= 2 * n:
            v = code - 2 * n
            if not _end_leg_blocked(
                goal_known,
                to_known,
                v,
                (points[v, 0], points[v, 1], points[v, 2]),
                (d0, d1, d2),
                edge_in[v],
                edge_out[v],
                -1,
                -1,
                goal_blockers,
                starts,
                ends,
                cell_start,
                cell_edges,
            ) and (
                not more
                or _clear_of(
                    points[v], destination, more_starts, more_ends, more_cell_start, more_cell_edges
                )
            ):
                goal_parent = v
                best = f
                break
            continue
        if code >= n:
            v = code - n
            if closed[v] == stamp or g[v] <= start_d[v]:
                continue
            if _end_leg_blocked(
                start_known,
                from_known,
                v,
                (o0, o1, o2),
                (points[v, 0], points[v, 1], points[v, 2]),
                -1,
                -1,
                edge_in[v],
                edge_out[v],
                start_blockers,
                starts,
                ends,
                cell_start,
                cell_edges,
            ) or (
                more
                and not _clear_of(
                    origin, points[v], more_starts, more_ends, more_cell_start, more_cell_edges
                )
            ):
                continue
            g[v] = start_d[v]
            parent[v] = -2
            _heap_push(keys, codes, size, g[v] + h[v], v)
            size += 1
            continue
        v = code
        if closed[v] == stamp or f > g[v] + h[v] + 1e-15:
            continue
        closed[v] = stamp
        if (not restricted or goal_ok[v]) and _tangent_at(points, n_prev, n_next, v, destination):
            _heap_push(keys, codes, size, g[v] + h[v], 2 * n + v)
            size += 1
        for m in range(indptr[v], indptr[v + 1]):
            w = indices[m]
            if seen[w] != stamp:
                seen[w] = stamp
                g[w] = np.inf
                h[w] = _angle_to(points, w, destination)
                start_d[w] = np.inf
            elif closed[w] == stamp:
                continue
            gw = g[v] + weights[m]
            if gw < g[w]:
                if more and not _clear_of(
                    points[v], points[w], more_starts, more_ends, more_cell_start, more_cell_edges
                ):
                    continue
                g[w] = gw
                parent[w] = v
                _heap_push(keys, codes, size, gw + h[w], w)
                size += 1
    if goal_parent < 0:
        return np.inf, np.empty(0, dtype=np.int64)
    count = 0
    v = goal_parent
    while v >= 0:
        count += 1
        v = parent[v]
    path = np.empty(count, dtype=np.int64)
    v = goal_parent
    for k in range(count - 1, -1, -1):
        path[k] = v
        v = parent[v]
    return best, path


@_pjit
def pair_blockers(
    points: Float2D,
    edge_in: Int1D,
    edge_out: Int1D,
    first: Int1D,
    second: Int1D,
    starts: Float2D,
    ends: Float2D,
    cell_start: Int1D,
    cell_edges: Int1D,
) -> Int1D:
    """For vertex pairs (first[k], second[k]), an edge that blocks the arc between them.

    -1 when none does, -2 for antipodal ends: a pair is blocked when the answer is not -1.
    The build tests its pairs here, and the derivation, which keeps each pair's blocker so
    as to test the pair again only when that edge is gone.
    """
    out = np.empty(first.shape[0], dtype=np.int64)
    for k in numba.prange(first.shape[0]):
        i = first[k]
        j = second[k]
        out[k] = _blocker(
            (points[i, 0], points[i, 1], points[i, 2]),
            (points[j, 0], points[j, 1], points[j, 2]),
            edge_in[i],
            edge_out[i],
            edge_in[j],
            edge_out[j],
            starts,
            ends,
            cell_start,
            cell_edges,
        )
    return out
