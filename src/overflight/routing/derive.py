"""A graph with other obstacles derived from a built one: only what the change touches is tested.

Refusing one more state changes the obstacles near that state and nowhere else, yet a graph
built from scratch tests every bitangent again. :func:`derive_graph` takes the graph of a
related closed set (the parent) and gives exactly the graph :meth:`VisibilityGraph.build`
would give for the new obstacles, by four facts:

* A vertex with the same point and ring neighbours in both graphs (*kept*) has the same
  tangent test, so a pair of kept vertices is a candidate bitangent in the new graph exactly
  when it was one in the parent; only pairs with a new vertex are enumerated.
* Whether an arc is blocked is whether some edge, other than those ending at its two
  vertices, blocks it; each edge is tested on its own (the edge grid only says which edges
  an arc could meet), so the answer over a set of edges is the *or* of the answers over any
  split of it. With the edges of both graphs split into the shared ones, the new ones and
  the removed ones: a pair clear in the parent is clear in the new graph unless a new edge
  blocks it; a pair blocked in the parent and by no removed edge is blocked by a shared one,
  so still blocked; only a pair a removed edge blocked is tested again in full. A graph
  made here knows the edge that blocked each pair: when the child keeps that edge the pair
  is blocked with no test at all.
* An arc can meet an edge only if it comes within reach of a cap holding that edge, so the
  tests against the new and removed edges start with a test against a few caps.
* Candidates are listed and edges laid out in the order the build uses, so the arrays are
  equal, not only the edge sets (``tests/routing/test_derive.py`` compares them).

The candidate pairs of every graph made here, with their blockers, are kept beside it (in
memory, while the graph lives), so that it can serve as a parent in turn; a parent built or
read from disk has its candidates enumerated once, and its blocked pairs are tested against
the removed edges.
"""

from __future__ import annotations

import math
import time
import weakref
from collections import Counter
from collections.abc import Sequence

import numba
import numpy as np
from numpy.typing import NDArray

from overflight.geo.sphere import SIGN_EPS, angle
from overflight.routing.closure import Closure
from overflight.routing.graph import (
    BuildStats,
    Focus,
    GraphArrays,
    Layout,
    VisibilityGraph,
    _unit_normals,
    assemble,
    vertex_layout,
)
from overflight.routing.graph_cache import write_graph
from overflight.routing.kernels import (
    ON_ARC,
    _blocker,
    _cell,
    _jit,
    _meets,
    _pjit,
    bitangent_pairs,
    build_edge_grid,
)
from overflight.routing.obstacles import Obstacles, build_obstacles
from overflight.routing.planner import Planner, _cache_file, planner_of

__all__ = ["derive_graph", "planner_from"]

Vector = NDArray[np.float64]
Int1D = NDArray[np.int64]
Bool1D = NDArray[np.bool_]
Bool2D = NDArray[np.bool_]

#: Edges per cap when testing arcs against the new or removed edges (consecutive ring edges).
_CAP_EDGES = 32
#: Most candidate pairs of new vertices listed at once.
_PAIR_ROOM = 1 << 20
#: Cells along a cube face's side when edges are ordered for caps (about 1.4 degrees).
_CELLS = 64
#: Added to every cap's radius, radians (about 0.6 m): far above rounding, far below an edge.
_CAP_SLACK = 1e-7

#: Candidate pairs (first, second, blocker) of graphs made or examined here, by graph: the
#: blocker is the index of an edge that blocks the pair, -1 for none, -2 for antipodes
#: (blocked by no edge) and -3 for blocked by an edge not known (a graph read from disk).
_CANDIDATES: weakref.WeakKeyDictionary[VisibilityGraph, tuple[Int1D, Int1D, Int1D]] = (
    weakref.WeakKeyDictionary()
)
#: A pair blocked by an edge the candidates do not name.
_UNKNOWN = -3


@_jit
def _new_pair_rows(
    points: Vector,
    n_prev: Vector,
    n_next: Vector,
    new: Bool1D,
    rows: Int1D,
    start: int,
    first: Int1D,
    second: Int1D,
) -> tuple[int, int]:
    """The candidate bitangents of the new vertices rows[start:], as (lower, higher) pairs.

    Fills ``first`` and ``second`` while they have room for a whole row (each pair once:
    two new vertices list theirs from the lower); returns the next row and the pairs filled.
    The test is ``kernels._is_bitangent``'s, with the same arithmetic in the same order (so
    the same answers), written out here: called once per pair it costs ten times the test.
    """
    n = points.shape[0]
    eps = SIGN_EPS
    count = 0
    k = start
    while k < rows.shape[0] and count + n <= first.shape[0]:
        i = rows[k]
        p0, p1, p2 = points[i, 0], points[i, 1], points[i, 2]
        a0, a1, a2 = n_prev[i, 0], n_prev[i, 1], n_prev[i, 2]
        b0, b1, b2 = n_next[i, 0], n_next[i, 1], n_next[i, 2]
        for j in range(n):
            if j == i or (new[j] and j < i):
                continue
            q0, q1, q2 = points[j, 0], points[j, 1], points[j, 2]
            # Tangent at i: q on one side of both of i's edges' planes (beyond rounding).
            x = a0 * q0 + a1 * q1 + a2 * q2
            y = b0 * q0 + b1 * q1 + b2 * q2
            if (x > eps and y < -eps) or (x < -eps and y > eps):
                continue
            x = n_prev[j, 0] * p0 + n_prev[j, 1] * p1 + n_prev[j, 2] * p2
            y = n_next[j, 0] * p0 + n_next[j, 1] * p1 + n_next[j, 2] * p2
            if (x > eps and y < -eps) or (x < -eps and y > eps):
                continue
            # Antipodal vertices are joined by no minor arc.
            if p0 * q0 + p1 * q1 + p2 * q2 >= -1.0 + 1e-12:
                first[count] = min(i, j)
                second[count] = max(i, j)
                count += 1
        k += 1
    return k, count


def _new_pairs(points: Vector, n_prev: Vector, n_next: Vector, new: Bool1D) -> tuple[Int1D, Int1D]:
    """The candidate bitangents with a new vertex, as (lower, higher) indices, each once."""
    rows = np.flatnonzero(new).astype(np.int64)
    room = max(len(points), _PAIR_ROOM)
    firsts, seconds = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    k = 0
    while k < len(rows):
        first, second = np.empty(room, dtype=np.int64), np.empty(room, dtype=np.int64)
        k, count = _new_pair_rows(points, n_prev, n_next, new, rows, k, first, second)
        firsts.append(first[:count])
        seconds.append(second[:count])
    return np.concatenate(firsts), np.concatenate(seconds)


@_pjit
def _arcs_meet(
    a: Vector, b: Vector, starts: Vector, ends: Vector, centres: Vector, radii: Vector
) -> Int1D:
    """For each arc a[k]-b[k], an edge that blocks it (-1: none); cap q holds edges of block q.

    A cap is looked into only when the arc may come within its radius of its centre: its
    great circle passes that close, and the centre lies within the radius plus half the
    arc's length of the arc's midpoint.
    """
    out = np.full(a.shape[0], -1, dtype=np.int64)
    size = _CAP_EDGES
    for k in numba.prange(a.shape[0]):
        # Read in place: rows taken as arrays (or a scratch array made per arc) cost atomic
        # updates of reference counts, contended by every thread of the loop.
        a0, a1, a2 = a[k, 0], a[k, 1], a[k, 2]
        b0, b1, b2 = b[k, 0], b[k, 1], b[k, 2]
        n0 = a1 * b2 - a2 * b1
        n1 = a2 * b0 - a0 * b2
        n2 = a0 * b1 - a1 * b0
        nn = math.sqrt(n0 * n0 + n1 * n1 + n2 * n2)
        if nn == 0.0:
            continue  # the same point or antipodes: the build decides without edges
        tol = ON_ARC * nn
        half = 0.5 * math.atan2(nn, a0 * b0 + a1 * b1 + a2 * b2)
        m0, m1, m2 = a0 + b0, a1 + b1, a2 + b2
        mm = math.sqrt(m0 * m0 + m1 * m1 + m2 * m2)
        for q in range(centres.shape[0]):
            c0, c1, c2 = centres[q, 0], centres[q, 1], centres[q, 2]
            r = radii[q]
            if abs(n0 * c0 + n1 * c1 + n2 * c2) > math.sin(min(r, 0.5 * math.pi)) * nn:
                continue
            if (m0 * c0 + m1 * c1 + m2 * c2) < math.cos(min(math.pi, half + r)) * mm:
                continue
            for e in range(q * size, min((q + 1) * size, starts.shape[0])):
                if _meets((a0, a1, a2), (b0, b1, b2), n0, n1, n2, tol, starts, ends, e):
                    out[k] = e
                    break
            if out[k] >= 0:
                break
    return out


def _near_first(starts: Vector, ends: Vector) -> Int1D:
    """An order of the edges in which neighbours follow each other (by cube-face cell).

    The edges a change adds or removes come from many rings, in the order of their graph;
    caps of consecutive edges in that order may span continents, and an arc then looks
    into every edge of them.
    """
    mid = starts + ends
    face = np.argmax(np.abs(mid), axis=1)
    top = np.take_along_axis(mid, face[:, None], axis=1)[:, 0]
    sign = top < 0.0
    other = np.stack([(face + 1) % 3, (face + 2) % 3], axis=1)
    uv = np.take_along_axis(mid, other, axis=1) / np.where(top == 0.0, 1.0, np.abs(top))[:, None]
    cells = np.clip(((uv + 1.0) * 0.5 * _CELLS).astype(np.int64), 0, _CELLS - 1)
    key = ((face * 2 + sign) * _CELLS + cells[:, 0]) * _CELLS + cells[:, 1]
    return np.argsort(key, kind="stable")


def _caps(starts: Vector, ends: Vector) -> tuple[Vector, NDArray[np.float64]]:
    """Caps holding the edges, each about ``_CAP_EDGES`` consecutive ones."""
    if len(starts) == 0:
        return np.zeros((0, 3)), np.zeros(0)
    centres, radii = [], []
    for k in range(0, len(starts), _CAP_EDGES):
        ends_of = np.concatenate([starts[k : k + _CAP_EDGES], ends[k : k + _CAP_EDGES]])
        centre = ends_of.sum(axis=0)
        norm = float(np.linalg.norm(centre))
        if norm < 1e-6:
            centres.append(ends_of[0])
            radii.append(math.pi)  # no useful cap: every arc is near
            continue
        centre = centre / norm
        r = float(angle(ends_of, centre).max()) + _CAP_SLACK
        # A cap holds the arcs between its points only while it is smaller than a hemisphere.
        centres.append(centre)
        radii.append(r if r < 0.5 * math.pi - 1e-3 else math.pi)
    return np.ascontiguousarray(centres), np.asarray(radii)


def _bits(*columns: Vector) -> NDArray[np.uint64]:
    """The stacked float columns' exact bits, one row per item (so -0.0 and 0.0 differ)."""
    return np.ascontiguousarray(np.hstack(columns)).view(np.uint64)


def _hashes(bits: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """One 64-bit hash per row of bits (FNV-style, wrapping): equal rows, equal hashes."""
    h = np.full(len(bits), 0xCBF29CE484222325, dtype=np.uint64)
    for column in bits.T:
        h = (h ^ column) * np.uint64(0x100000001B3)
    return h


def _match(old: NDArray[np.uint64], new: NDArray[np.uint64]) -> Int1D | None:
    """For each old row, the index of an equal new row matched to it one to one (-1: none).

    Rows are matched as multisets: a row held twice on one side and once on the other is
    matched once. None when two different rows share a hash (the caller then compares
    rows one by one).
    """
    both = np.concatenate([old, new])
    h = _hashes(both)
    order = np.argsort(h, kind="stable")  # within a hash: old rows first, each in order
    hs, rows = h[order], both[order]
    same = hs[1:] == hs[:-1]
    if np.any(same & np.any(rows[1:] != rows[:-1], axis=1)):
        return None
    size = len(both)
    group = np.concatenate([[0], np.cumsum(~same)]) if size else np.zeros(0, dtype=np.int64)
    groups = int(group[-1]) + 1 if size else 0
    is_new = order >= len(old)
    olds = np.bincount(group[~is_new], minlength=groups)
    news = np.bincount(group[is_new], minlength=groups)
    begin = np.searchsorted(group, np.arange(groups))  # each group's first position
    rank = np.arange(size) - begin[group]  # old rows: their rank among the group's old ones
    partner = np.full(len(old), -1, dtype=np.int64)
    matched = ~is_new & (rank < news[group])
    at = begin[group[matched]] + olds[group[matched]] + rank[matched]
    partner[order[matched]] = order[at] - len(old)
    return partner


def _keys(bits: NDArray[np.uint64]) -> list[bytes]:
    """One hashable key per row (its exact bits): the slow, collision-proof matching."""
    return [r.tobytes() for r in bits]


def _candidates(graph: VisibilityGraph) -> tuple[Int1D, Int1D, Int1D]:
    """The graph's candidate bitangents (i < j, in build order) and what blocked each."""
    known = _CANDIDATES.get(graph)
    if known is not None:
        return known
    a = graph.arrays
    if len(a.points) == 0:
        # No pair to list (and no compiled listing to load for a search's first graph).
        none = np.zeros(0, dtype=np.int64)
        return _keep_candidates(graph, none, none, none)
    points = graph.points
    first, second = bitangent_pairs(
        points, _unit_normals(a.prev, points), _unit_normals(a.next, points)
    )
    n = len(points)
    src = np.repeat(np.arange(n, dtype=np.int64), np.diff(a.indptr))
    clear = np.unique(src * n + a.indices)
    blocked = ~np.isin(first * n + second, clear, assume_unique=False)
    return _keep_candidates(graph, first, second, np.where(blocked, _UNKNOWN, -1))


def _keep_candidates(
    graph: VisibilityGraph, first: Int1D, second: Int1D, blocker: Int1D
) -> tuple[Int1D, Int1D, Int1D]:
    """Keep a graph's candidates beside it, in half the memory (indices fit 32 bits)."""
    kept = (first.astype(np.int32), second.astype(np.int32), blocker.astype(np.int32))
    _CANDIDATES[graph] = kept  # type: ignore[assignment]
    return kept  # type: ignore[return-value]


def _edge_split(
    parent: GraphArrays, starts: Vector, ends: Vector
) -> tuple[Int1D, Int1D, Int1D | None]:
    """The edges only the new obstacles have, those only the parent has, and the partners.

    Edges are compared as multisets of exact (start, end) pairs; the partners say where
    each parent edge is among the new ones (-1: removed; None: not worked out).
    """
    old, new = _bits(parent.starts, parent.ends), _bits(starts, ends)
    partner = _match(old, new)
    if partner is not None:
        taken = np.zeros(len(new), dtype=np.bool_)
        taken[partner[partner >= 0]] = True
        return np.flatnonzero(~taken), np.flatnonzero(partner < 0), partner
    old_keys, new_keys = _keys(old), _keys(new)
    shared = Counter(old_keys) & Counter(new_keys)
    return _unmatched(new_keys, shared), _unmatched(old_keys, shared), None


def _unmatched(keys: list[bytes], shared: Counter[bytes]) -> Int1D:
    """Indices of the keys left once each shared key is matched as often as it is shared."""
    left = Counter(shared)
    out = []
    for k, key in enumerate(keys):
        if left[key] > 0:
            left[key] -= 1
        else:
            out.append(k)
    return np.asarray(out, dtype=np.int64)


def _blocker_among(a: Vector, b: Vector, starts: Vector, ends: Vector) -> Int1D:
    """For each arc a[k]-b[k], the index of one of these edges that blocks it (-1: none)."""
    if len(starts) == 0 or len(a) == 0:
        return np.full(len(a), -1, dtype=np.int64)
    order = _near_first(starts, ends)
    centres, radii = _caps(starts[order], ends[order])
    found = np.asarray(
        _arcs_meet(
            np.ascontiguousarray(a),
            np.ascontiguousarray(b),
            np.ascontiguousarray(starts[order]),
            np.ascontiguousarray(ends[order]),
            centres,
            radii,
        ),
        dtype=np.int64,
    )
    hit = found >= 0
    found[hit] = order[found[hit]]
    return found


@_jit
def _near_edges(
    points: Vector, rows: Int1D, starts: Vector, ends: Vector, cell_start: Int1D, cell_edges: Int1D
) -> tuple[Int1D, Int1D]:
    """For each vertex rows[k], the edges of its grid cell, nearest to it first (CSR arrays)."""
    ptr = np.zeros(rows.shape[0] + 1, dtype=np.int64)
    for k in range(rows.shape[0]):
        v = rows[k]
        c = _cell(points[v, 0], points[v, 1], points[v, 2])
        ptr[k + 1] = ptr[k] + cell_start[c + 1] - cell_start[c]
    out = np.empty(ptr[-1], dtype=np.int64)
    for k in range(rows.shape[0]):
        v = rows[k]
        c = _cell(points[v, 0], points[v, 1], points[v, 2])
        ids = cell_edges[cell_start[c] : cell_start[c + 1]]
        far = np.empty(ids.shape[0])
        for m in range(ids.shape[0]):
            e = ids[m]
            x = starts[e, 0] + ends[e, 0] - 2.0 * points[v, 0]
            y = starts[e, 1] + ends[e, 1] - 2.0 * points[v, 1]
            z = starts[e, 2] + ends[e, 2] - 2.0 * points[v, 2]
            far[m] = x * x + y * y + z * z
        out[ptr[k] : ptr[k + 1]] = ids[np.argsort(far)]
    return ptr, out


@_pjit
def _pair_blockers(
    points: Vector,
    edge_in: Int1D,
    edge_out: Int1D,
    first: Int1D,
    second: Int1D,
    slot: Int1D,
    ptr: Int1D,
    near: Int1D,
    grid: tuple[Vector, Vector, Int1D, Int1D],
) -> Int1D:
    """``kernels.pair_blockers``' answers, looking first among the edges nearest a new end.

    Most pairs of a new vertex are blocked close to it, where the build's walk tests the
    edges of its cell in the order of their indices; nearest first, a blocker turns up after
    a few tests. ``slot[v]`` is vertex v's row of ``near`` (-1: none); a pair blocked by none
    of them is walked as the build walks it.
    """
    starts, ends, cell_start, cell_edges = grid
    out = np.empty(first.shape[0], dtype=np.int64)
    for k in numba.prange(first.shape[0]):
        i, j = first[k], second[k]
        s0, s1, s2, s3 = edge_in[i], edge_out[i], edge_in[j], edge_out[j]
        # Read in place: a row taken as an array costs two atomic updates of the points'
        # reference count, contended by every thread of the loop.
        a0, a1, a2 = points[i, 0], points[i, 1], points[i, 2]
        b0, b1, b2 = points[j, 0], points[j, 1], points[j, 2]
        found = -1
        v = slot[i] if slot[i] >= 0 else slot[j]
        # The arc's normal and tolerance as the build's test computes them.
        n0 = a1 * b2 - a2 * b1
        n1 = a2 * b0 - a0 * b2
        n2 = a0 * b1 - a1 * b0
        nn = math.sqrt(n0 * n0 + n1 * n1 + n2 * n2)
        if v >= 0 and nn != 0.0:
            for m in range(ptr[v], ptr[v + 1]):
                e = near[m]
                if e not in (s0, s1, s2, s3) and _meets(
                    (a0, a1, a2), (b0, b1, b2), n0, n1, n2, ON_ARC * nn, starts, ends, e
                ):
                    found = e
                    break
        if found < 0:
            found = _blocker(
                (a0, a1, a2), (b0, b1, b2), s0, s1, s2, s3, starts, ends, cell_start, cell_edges
            )
        out[k] = found
    return out


#: Each graph's vertex and edge hashes, sorted: how close a parent is, roughly.
_SHAPES: weakref.WeakKeyDictionary[
    VisibilityGraph, tuple[NDArray[np.uint64], NDArray[np.uint64]]
] = weakref.WeakKeyDictionary()


def _shape(graph: VisibilityGraph) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
    known = _SHAPES.get(graph)
    if known is None:
        a = graph.arrays
        vertices = np.sort(_hashes(_bits(a.points, a.prev, a.next)))
        known = _SHAPES[graph] = (vertices, np.sort(_hashes(_bits(a.starts, a.ends))))
    return known


#: What a removed edge costs a derivation, in new vertices (measured, roughly).
_REMOVED_PER_VERTEX = 8.0


def _missing(keys: NDArray[np.uint64], sorted_keys: NDArray[np.uint64]) -> int:
    """How many of the keys the sorted ones lack."""
    if len(sorted_keys) == 0:
        return len(keys)
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return int(np.count_nonzero(sorted_keys[at] != keys))


def _closest(layout: Layout, parents: Sequence[VisibilityGraph]) -> VisibilityGraph:
    """The parent that leaves the fewest vertices new and edges removed (by hash: a guide)."""
    vertices = _hashes(_bits(layout.points, layout.prev, layout.next))
    edges = np.sort(_hashes(_bits(layout.starts, layout.ends)))

    def cost(parent: VisibilityGraph) -> float:
        old_vertices, old_edges = _shape(parent)
        removed = _missing(old_edges, edges)
        return _missing(vertices, old_vertices) + removed / _REMOVED_PER_VERTEX

    return min(parents, key=cost)


def _kept(parent: GraphArrays, lay: Layout) -> Int1D:
    """The parent's index of each vertex of the layout with the same point and neighbours.

    -1 for the others (new), and for any vertex held twice by either graph: a vertex
    taken as new is enumerated and tested in full, which is slower but never wrong.
    """
    old = _bits(parent.points, parent.prev, parent.next)
    new = _bits(lay.points, lay.prev, lay.next)
    h_old, h_new = _hashes(old), _hashes(new)
    order = np.argsort(h_old, kind="stable")
    ho = h_old[order]
    out = np.full(len(new), -1, dtype=np.int64)
    if len(ho) == 0:
        return out
    at = np.minimum(np.searchsorted(ho, h_new), len(ho) - 1)
    candidate = order[at]
    hit = (ho[at] == h_new) & np.all(old[candidate] == new, axis=1)
    # Once each way: no other parent row with that hash, no other child row with it.
    after = np.minimum(at + 1, len(ho) - 1)
    alone = (at + 1 >= len(ho)) | (ho[after] != h_new)
    counts = np.unique(h_new, return_counts=True)
    twice = counts[0][counts[1] > 1]
    alone &= ~np.isin(h_new, twice)
    keep = hit & alone
    out[keep] = candidate[keep]
    return out


def derive_graph(
    parents: VisibilityGraph | Sequence[VisibilityGraph],
    obstacles: Obstacles,
    focus: Focus | None = None,
) -> VisibilityGraph:
    """The graph of these obstacles (within the focus), equal to a build, from a parent's.

    Any parent gives the same graph; one whose obstacles and focus differ little gives it
    fastest (a refused set and the same set with one more state refused, the same focus).
    Of several, the one that leaves the fewest vertices new and edges removed is used.
    """
    t0 = time.perf_counter()
    lay = vertex_layout(obstacles, focus)
    if isinstance(parents, VisibilityGraph):
        parent = parents
    else:
        parent = _closest(lay, parents) if parents else _empty()
    starts, ends, points = lay.starts, lay.ends, lay.points
    prev_c, next_c, edge_in, edge_out = lay.prev, lay.next, lay.edge_in, lay.edge_out
    n = len(points)

    # Kept vertices: the parent's index of each (-1: new).
    pa = parent.arrays
    in_parent = _kept(pa, lay)
    to_child = np.full(len(pa.points), -1, dtype=np.int64)
    kept = in_parent >= 0
    to_child[in_parent[kept]] = np.flatnonzero(kept)

    # Candidates: the parent's between kept vertices, and those with a new vertex.
    p_first, p_second, p_blocker = _candidates(parent)
    c1, c2 = to_child[p_first], to_child[p_second]
    both = (c1 >= 0) & (c2 >= 0)
    lo, hi = np.minimum(c1[both], c2[both]), np.maximum(c1[both], c2[both])
    n_prev = _unit_normals(prev_c, points)
    n_next = _unit_normals(next_c, points)
    new_lo, new_hi = _new_pairs(points, n_prev, n_next, ~kept)
    first = np.concatenate([lo, new_lo])
    second = np.concatenate([hi, new_hi])
    # What blocked each pair in the parent (-4: not there, a new vertex).
    was = np.concatenate([p_blocker[both].astype(np.int64), np.full(len(new_lo), -4)])
    # Each pair once, as (first, second); the keys are distinct, so any sort orders them
    # alike, and a stable one merges the two runs (the parent's pairs mostly in order).
    order = np.argsort(first * max(n, 1) + second, kind="stable")
    first, second, was = first[order], second[order], was[order]

    # What blocks each pair: from the parent where the split of the edges allows, else
    # tested in full. A pair blocked by an edge the child keeps stays blocked by it.
    added, removed, partner = _edge_split(pa, starts, ends)
    blocker = np.full(len(first), -1, dtype=np.int64)
    full = was == -4
    clear_before = np.flatnonzero(was == -1)
    found = _blocker_among(
        points[first[clear_before]], points[second[clear_before]], starts[added], ends[added]
    )
    hit = found >= 0
    blocker[clear_before[hit]] = added[found[hit]]
    blocker[was == -2] = -2
    by_edge = np.flatnonzero(was >= 0) if partner is not None else np.zeros(0, dtype=np.int64)
    if len(by_edge):
        assert partner is not None
        now = partner[was[by_edge]]
        blocker[by_edge] = now
        full[by_edge[now < 0]] = True  # its blocker is gone
    unknown = np.flatnonzero((was == _UNKNOWN) | ((was >= 0) & (partner is None)))
    freed = _blocker_among(
        points[first[unknown]], points[second[unknown]], pa.starts[removed], pa.ends[removed]
    )
    blocker[unknown] = _UNKNOWN
    full[unknown[freed >= 0]] = True
    grid = build_edge_grid(starts, ends)
    again = np.flatnonzero(full)
    if len(again):
        arrays_of_grid = (grid.starts, grid.ends, grid.cell_start, grid.cell_edges)
        rows = np.flatnonzero(~kept)
        slot = np.full(n, -1, dtype=np.int64)
        slot[rows] = np.arange(len(rows))
        ptr, near = _near_edges(points, rows, *arrays_of_grid)
        pairs = (first[again], second[again])
        blocker[again] = _pair_blockers(
            points, edge_in, edge_out, *pairs, slot, ptr, near, arrays_of_grid
        )
    blocked = blocker != -1

    arrays = assemble(lay, grid.starts, grid.ends, first[~blocked], second[~blocked])
    stats = BuildStats(
        vertices=n,
        edges=int(np.count_nonzero(~blocked)),
        candidates=len(first),
        seconds=time.perf_counter() - t0,
    )
    graph = VisibilityGraph(arrays, stats)
    graph._grid = grid  # the searches' grid of these edges: made once
    _keep_candidates(graph, first, second, blocker)
    return graph


def _empty() -> VisibilityGraph:
    """A graph with no vertex: deriving from it is a build that keeps its candidates."""
    none = np.zeros((0, 3))
    no = np.zeros(0, dtype=np.int64)
    arrays = GraphArrays(
        points=none,
        prev=none,
        next=none,
        edge_in=no,
        edge_out=no,
        indptr=np.zeros(1, dtype=np.int64),
        indices=no,
        weights=np.zeros(0),
        starts=none,
        ends=none,
    )
    return VisibilityGraph(arrays, BuildStats(0, 0, 0, 0.0))


def planner_from(closure: Closure, parents: Sequence[Planner]) -> Planner:
    """The planner of a closed set: its graph from the disk cache, else derived and saved.

    The graph derives from the closest of the parents' graphs; without any, from none (a
    build that keeps what a later derivation needs). The graph saved is the one a build
    would save, under the same key, so that :func:`~overflight.routing.planner.planner_of`
    reads it.
    """
    path = _cache_file(closure)
    if path.exists():
        return planner_of(closure)  # from memory, or read from disk
    c = closure
    obstacles = build_obstacles(c.denied, c.margin_nm, c.avoid, c.openings, c.advisory_wkb)
    graph = derive_graph([p.graph for p in parents], obstacles, c.focus)
    write_graph(path, graph)
    return Planner(closure, graph)
