"""The reduced visibility graph of one denied set, and the search over it.

A shortest path around polygonal obstacles on the sphere is a taut string:
great-circle legs that bend only at convex obstacle vertices, each leg tangent
to the obstacles at both ends. The graph keeps only such legs (bitangents)
that are clear of every obstacle; a query links the origin and destination to
the vertices they see and runs A* with the great-circle distance to the
destination as heuristic, which is exact because that bound is consistent.
"""

from __future__ import annotations

import heapq
import os
import threading
import time
from dataclasses import asdict, dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

import numpy as np
from numpy.typing import NDArray

from overflight._config import compiled_queries, use_compiled_queries
from overflight.geo.sphere import EARTH_RADIUS_KM, SIGN_EPS, angle, to_xyz
from overflight.routing.obstacles import Obstacles
from overflight.routing.visibility import VisibilityIndex

__all__ = [
    "BuildStats",
    "Focus",
    "GraphArrays",
    "VisibilityGraph",
    "compiled_queries",
    "use_compiled_queries",
]

Vector = NDArray[np.float64]
Int1D = NDArray[np.int64]


@dataclass(frozen=True)
class Focus:
    """Two places and a length: a graph for paths between them no longer than that.

    A path of length at most L from o to d lies in the spherical ellipse
    d(o, p) + d(p, d) <= L, so the vertices outside it can be left out of the
    graph; such a graph answers exactly for routes up to L between o and d,
    and answers nothing about longer ones.
    """

    #: (lon, lat) of the two places.
    origin: tuple[float, float]
    destination: tuple[float, float]
    #: Longest path the graph must hold, km on the sphere.
    reach_km: float

    def keeps(self, points: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Which unit vectors lie within the ellipse."""
        a, b = to_xyz(*self.origin), to_xyz(*self.destination)
        total = (angle(points, a) + angle(points, b)) * EARTH_RADIUS_KM
        return np.asarray(total <= self.reach_km, dtype=np.bool_)


@dataclass(frozen=True)
class GraphArrays:
    """The arrays a built graph consists of (what is saved to disk)."""

    #: Convex vertices (unit vectors) and their previous and next ring neighbours.
    points: Vector
    prev: Vector
    next: Vector
    #: Indices of the obstacle edges ending and starting at each vertex.
    edge_in: Int1D
    edge_out: Int1D
    #: Clear bitangents in CSR form, weighted by central angle.
    indptr: Int1D
    indices: Int1D
    weights: NDArray[np.float64]
    #: Every obstacle edge.
    starts: Vector
    ends: Vector


@dataclass(frozen=True)
class BuildStats:
    """What building a graph cost, for benchmarks."""

    vertices: int
    edges: int
    candidates: int
    seconds: float


def _same_side(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.bool_]:
    eps = SIGN_EPS
    return np.asarray(~(((a > eps) & (b < -eps)) | ((a < -eps) & (b > eps))), dtype=np.bool_)


#: No restriction on the end legs of a search (an empty mask).
_EVERY = np.zeros(0, dtype=np.bool_)
#: No end legs remembered (see EndLegs).
_UNKNOWN = np.zeros(0, dtype=np.int8)


class EndLegs:
    """Which legs between a place and a graph's vertices are clear, kept across searches.

    For the compiled search (``kernels.shortest_path``'s ``start_known`` and ``goal_known``):
    a batch's pairs from and to a few hubs then test each hub's legs once, not once a pair.
    A place's verdicts are kept from its second search on (most places of a random batch
    have one); places are told apart by their exact coordinates, and the last ``places``
    are kept. Not shared between threads: each keeps its own.
    """

    def __init__(self, vertices: int, places: int | None = None) -> None:
        self._vertices = vertices
        # Some 8 MB of verdicts at most, and no fewer than 16 places.
        self._places = places or max(16, min(256, (8 << 20) // max(1, vertices)))
        #: Per place, its verdicts, or an empty array when it has been asked for once.
        self._known: dict[tuple[float, ...], NDArray[np.int8]] = {}

    def of(self, point: Vector) -> NDArray[np.int8]:
        """The verdicts for the legs at ``point`` (0 not yet tested, 1 clear, 2 blocked).

        Empty the first time a place is asked for: the search then keeps none.
        """
        key = tuple(np.asarray(point, dtype=np.float64).tolist())
        found = self._known.pop(key, None)  # and put back last: the most recent are kept
        if found is None:
            found = _UNKNOWN
        elif len(found) == 0:
            found = np.zeros(self._vertices, dtype=np.int8)
        if len(self._known) >= self._places:
            del self._known[next(iter(self._known))]
        self._known[key] = found
        return found


@cache
def _no_edges() -> Any:
    """An edge grid with no edges: a search with nothing beyond the graph's obstacles."""
    from overflight.routing import kernels

    return kernels.build_edge_grid(np.zeros((0, 3)), np.zeros((0, 3)))


def _ring_edges(rings: tuple[Vector, ...]) -> tuple[Vector, Int1D, Int1D]:
    """Every ring vertex (edge start), with the indices of its previous and next vertex."""
    if not rings:
        return np.zeros((0, 3)), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.concatenate(rings)
    sizes = np.array([len(r) for r in rings])
    offsets = np.repeat(np.concatenate([[0], np.cumsum(sizes)[:-1]]), sizes)
    local = np.arange(len(starts)) - offsets
    nxt = offsets + (local + 1) % np.repeat(sizes, sizes)
    prv = offsets + (local - 1) % np.repeat(sizes, sizes)
    return starts, prv, nxt


def _unit_normals(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.float64]:
    n = np.cross(a, b)
    norm = np.linalg.norm(n, axis=1)
    return np.ascontiguousarray(n / np.where(norm > 0.0, norm, 1.0)[:, None])


class Layout(NamedTuple):
    """The obstacle edges and the graph's vertices, as a build selects and lays them out."""

    starts: NDArray[np.float64]
    ends: NDArray[np.float64]
    points: NDArray[np.float64]
    prev: NDArray[np.float64]
    next: NDArray[np.float64]
    edge_in: Int1D
    edge_out: Int1D


def vertex_layout(obstacles: Obstacles, focus: Focus | None) -> Layout:
    """The edges of the obstacles and their convex vertices (within the focus, if given)."""
    starts, prv, nxt = _ring_edges(obstacles.rings)
    prev_pts, next_pts = starts[prv], starts[nxt]
    # Obstacles lie to the left of every ring: a left turn (or none) bulges
    # into free space. Straight runs count, so a route may follow an edge.
    turn = np.sum(np.cross(prev_pts, starts) * next_pts, axis=1)
    scale = np.linalg.norm(np.cross(prev_pts, starts), axis=1) * np.linalg.norm(
        np.cross(starts, next_pts), axis=1
    )
    convex = np.flatnonzero(turn >= -1e-9 * scale)
    if focus is not None:
        convex = convex[focus.keeps(starts[convex])]
    return Layout(
        starts=starts,
        ends=next_pts,
        points=np.ascontiguousarray(starts[convex]),
        prev=np.ascontiguousarray(prev_pts[convex]),
        next=np.ascontiguousarray(next_pts[convex]),
        edge_in=prv[convex].astype(np.int64),
        edge_out=convex.astype(np.int64),
    )


def assemble(
    lay: Layout, starts: NDArray[np.float64], ends: NDArray[np.float64], i: Int1D, j: Int1D
) -> GraphArrays:
    """The graph's arrays from its clear vertex pairs (i, j), each pair once."""
    w = angle(lay.points[i], lay.points[j])
    src = np.concatenate([i, j])
    dst = np.concatenate([j, i])
    ww = np.concatenate([w, w])
    order = np.argsort(src, kind="stable")
    indptr = np.searchsorted(src[order], np.arange(len(lay.points) + 1)).astype(np.int64)
    return GraphArrays(
        points=lay.points,
        prev=lay.prev,
        next=lay.next,
        edge_in=lay.edge_in,
        edge_out=lay.edge_out,
        indptr=indptr,
        indices=np.ascontiguousarray(dst[order]).astype(np.int64),
        weights=np.ascontiguousarray(ww[order]),
        starts=starts,
        ends=ends,
    )


class VisibilityGraph:
    """Convex obstacle vertices joined by clear bitangent great-circle legs."""

    def __init__(self, arrays: GraphArrays, stats: BuildStats) -> None:
        self.arrays = arrays
        self.stats = stats
        self.points = arrays.points
        self._n_prev = _unit_normals(arrays.prev, self.points)
        self._n_next = _unit_normals(arrays.next, self.points)
        # Per thread: the charts, which hold prepared GEOS geometry (see _threadlocal), and
        # the search's scratch arrays.
        self._local = threading.local()
        self._grid: Any = None
        # Plain lists make the search loop several times faster than numpy scalars.
        self._adjacency = (
            arrays.indptr.tolist(),
            arrays.indices.tolist(),
            arrays.weights.tolist(),
        )

    @classmethod
    def build(cls, obstacles: Obstacles, focus: Focus | None = None) -> VisibilityGraph:
        """Find the convex vertices (within the focus, if given) and every clear bitangent."""
        # The compiler loads only when a graph is built, not for queries.
        from overflight.routing import kernels

        t0 = time.perf_counter()
        lay = vertex_layout(obstacles, focus)
        grid = kernels.build_edge_grid(lay.starts, lay.ends)
        n_prev = _unit_normals(lay.prev, lay.points)
        n_next = _unit_normals(lay.next, lay.points)
        first, second = kernels.bitangent_pairs(lay.points, n_prev, n_next)
        blockers = kernels.pair_blockers(
            lay.points,
            lay.edge_in,
            lay.edge_out,
            first,
            second,
            grid.starts,
            grid.ends,
            grid.cell_start,
            grid.cell_edges,
        )
        blocked = blockers != -1
        arrays = assemble(lay, grid.starts, grid.ends, first[~blocked], second[~blocked])
        stats = BuildStats(
            vertices=len(lay.points),
            edges=int(np.count_nonzero(~blocked)),
            candidates=len(first),
            seconds=time.perf_counter() - t0,
        )
        return cls(arrays, stats)

    def save(self, path: Path) -> None:
        """Write the graph to an .npz file (atomically)."""
        # A name of this thread's own, so that concurrent writers never mix files.
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.npz")
        meta = np.array(
            [self.stats.vertices, self.stats.edges, self.stats.candidates], dtype=np.int64
        )
        np.savez(tmp, _meta=meta, _seconds=np.array([self.stats.seconds]), **asdict(self.arrays))
        tmp.replace(path)

    @classmethod
    def load(cls, source: Path | BinaryIO) -> VisibilityGraph:
        """Read a graph written by :meth:`save` (from its path or an open file)."""
        with np.load(source) as data:
            arrays = GraphArrays(**{f.name: data[f.name] for f in fields(GraphArrays)})
            v, e, c = (int(x) for x in data["_meta"])
            stats = BuildStats(v, e, c, float(data["_seconds"][0]))
        return cls(arrays, stats)

    @property
    def size(self) -> int:
        """Number of convex vertices."""
        return len(self.points)

    @property
    def _index(self) -> VisibilityIndex:
        index: VisibilityIndex | None = getattr(self._local, "index", None)
        if index is None:
            index = self._local.index = VisibilityIndex(self.arrays.starts, self.arrays.ends)
        return index

    def _kernels(self) -> Any:
        """The compiled kernels and this graph's edge grid, loaded on first use."""
        from overflight.routing import kernels

        if self._grid is None:
            self._grid = kernels.build_edge_grid(self.arrays.starts, self.arrays.ends)
        return kernels

    def _blocked(self, a: Vector, b: Vector, skip: Int1D) -> NDArray[np.bool_]:
        kernels = self._kernels()
        g = self._grid
        return np.asarray(
            kernels.arcs_blocked(
                np.ascontiguousarray(a),
                np.ascontiguousarray(b),
                skip,
                g.starts,
                g.ends,
                g.cell_start,
                g.cell_edges,
            ),
            dtype=np.bool_,
        )

    def clear_arcs(self, a: Vector, b: Vector) -> NDArray[np.bool_]:
        """For each i, whether the arc a[i]-b[i] touches no obstacle edge (compiled, many)."""
        a, b = np.atleast_2d(a), np.atleast_2d(b)
        return ~self._blocked(a, b, np.full((len(a), 4), -1, dtype=np.int64))

    def clear(self, a: Vector, b: Vector) -> bool:
        """Whether the great-circle arc from a to b touches no obstacle edge."""
        if compiled_queries():
            return not bool(self._blocked(a[None, :], b[None, :], np.full((1, 4), -1))[0])
        return bool(self._index.visible(a[None, :], b[None, :])[0])

    def visible_from(self, p: Vector) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Vertices that a free point p sees along a leg tangent to the obstacle there."""
        idx = np.flatnonzero(self._tangent(p))
        origin = np.broadcast_to(p, (len(idx), 3))
        if compiled_queries():
            skip = np.full((len(idx), 4), -1, dtype=np.int64)
            skip[:, 0] = self.arrays.edge_in[idx]
            skip[:, 1] = self.arrays.edge_out[idx]
            idx = idx[~self._blocked(origin, self.points[idx], skip)]
        else:
            idx = idx[self._index.visible(origin, self.points[idx])]
        return idx, angle(self.points[idx], p)

    def _tangent(self, p: Vector) -> NDArray[np.bool_]:
        """Vertices where a leg from p would touch the obstacle without entering it."""
        return np.asarray(
            _same_side(self._n_prev @ p, self._n_next @ p) & (self.points @ p > -1.0 + 1e-12),
            dtype=np.bool_,
        )

    def shortest_path(self, origin: Vector, destination: Vector) -> list[Vector] | None:
        """Turning points of the shortest clear path, both ends included; None if none."""
        if compiled_queries():
            return self._search(origin, destination, None, try_direct=True)
        if self.clear(origin, destination):
            return [origin, destination]
        return self.detour(origin, destination)

    def path_around(
        self, origin: Vector, destination: Vector, more: Obstacles
    ) -> list[Vector] | None:
        """A clear path that also avoids obstacles the graph was not built around.

        The graph's vertices stay the only turning points, so the path found is legal but
        need not be the shortest around ``more`` (whose own vertices are missing), and no
        path found does not mean there is none. Uses the compiled kernels.
        """
        kernels = self._kernels()
        starts, _, nxt = _ring_edges(more.rings)
        extra = kernels.build_edge_grid(starts, starts[nxt])
        return self._search(origin, destination, extra, try_direct=True)

    def detour(
        self,
        origin: Vector,
        destination: Vector,
        ends: tuple[EndLegs, EndLegs] | None = None,
    ) -> list[Vector] | None:
        """The shortest path through obstacle vertices (for ends that do not see each other).

        ``ends``: the legs from origins and to destinations remembered by the caller, for the
        compiled search (the same path, found testing fewer legs).
        """
        if compiled_queries():
            return self._search(origin, destination, None, ends=ends)
        start, start_dist = self.visible_from(origin)
        goal, goal_leg = self.visible_from(destination)
        goal_dist = np.full(self.size, np.inf)
        goal_dist[goal] = goal_leg
        length, path = self._astar(start, start_dist, goal_dist, destination)
        if not np.isfinite(length):
            return None
        return [origin, *self.points[path], destination]

    def search_restricted(
        self,
        origin: Vector,
        destination: Vector,
        weights: NDArray[np.float64],
        start_ok: NDArray[np.bool_],
        goal_ok: NDArray[np.bool_],
    ) -> list[Vector] | None:
        """The compiled search with other edge weights (inf: no edge) and fewer end legs.

        For searches that must keep out of regions the graph was not built around and that
        the caller has already turned into edges and end legs (``routing/alternatives.py``):
        ``weights`` replaces ``arrays.weights``; ``start_ok`` and ``goal_ok`` mark, per vertex,
        whether the leg from the origin and the leg to the destination may be flown.
        """
        return self._search(origin, destination, None, weights, start_ok, goal_ok)

    def _search(
        self,
        origin: Vector,
        destination: Vector,
        more: Any,
        weights: NDArray[np.float64] | None = None,
        start_ok: NDArray[np.bool_] | None = None,
        goal_ok: NDArray[np.bool_] | None = None,
        *,
        try_direct: bool = False,
        ends: tuple[EndLegs, EndLegs] | None = None,
    ) -> list[Vector] | None:
        """The compiled search, around the graph's obstacles and the ``more`` edge grid."""
        a = self.arrays
        kernels, g = self._kernels(), self._grid
        if more is None:
            more = _no_edges()
        values, marks, stamp, keys, codes = self._scratch()
        length, found = kernels.shortest_path(
            self.points,
            self._n_prev,
            self._n_next,
            a.indptr,
            a.indices,
            a.weights if weights is None else weights,
            np.ascontiguousarray(origin),
            np.ascontiguousarray(destination),
            _EVERY if start_ok is None else start_ok,
            _EVERY if goal_ok is None else goal_ok,
            try_direct,
            a.edge_in,
            a.edge_out,
            g.starts,
            g.ends,
            g.cell_start,
            g.cell_edges,
            more.starts,
            more.ends,
            more.cell_start,
            more.cell_edges,
            values,
            marks,
            stamp,
            keys,
            codes,
            _UNKNOWN if ends is None else ends[0].of(origin),
            _UNKNOWN if ends is None else ends[1].of(destination),
        )
        if not np.isfinite(length):
            return None
        return [origin, *self.points[found.tolist()], destination]

    def _scratch(
        self,
    ) -> tuple[NDArray[np.float64], NDArray[np.int64], int, NDArray[np.float64], Int1D]:
        """The calling thread's search scratch for this graph and a stamp not used before.

        With room for the search's queue (keys and codes), as much as a search can use.
        """
        local = self._local
        if getattr(local, "marks", None) is None:
            from overflight.routing.kernels import queue_room

            local.values = np.empty((3, self.size))
            local.marks = np.full((3, self.size), -1, dtype=np.int64)
            local.stamp = 0
            room = queue_room(self.size, len(self.arrays.indices))
            local.keys = np.empty(room, dtype=np.float64)
            local.codes = np.empty(room, dtype=np.int64)
        local.stamp += 1
        return local.values, local.marks, local.stamp, local.keys, local.codes

    def _astar(
        self,
        start: Int1D,
        start_dist: NDArray[np.float64],
        goal_dist: NDArray[np.float64],
        destination: Vector,
    ) -> tuple[float, list[int]]:
        """A* from a virtual source (legs to start) to a virtual goal (legs goal_dist)."""
        indptr, indices, weights = self._adjacency
        h = angle(self.points, destination).tolist()
        to_goal = goal_dist.tolist()
        g: dict[int, float] = {}
        parent: dict[int, int] = {}
        closed: set[int] = set()
        heap: list[tuple[float, int]] = []
        for v, d in zip(start.tolist(), start_dist.tolist(), strict=True):
            if d < g.get(v, np.inf):
                g[v] = d
                parent[v] = -1
                heap.append((d + h[v], v))
        heapq.heapify(heap)
        best, last = np.inf, -1
        while heap:
            f, v = heapq.heappop(heap)
            if f >= best:
                break
            if v in closed:
                continue
            closed.add(v)
            gv = g[v]
            if gv + to_goal[v] < best:
                best, last = gv + to_goal[v], v
            for m in range(indptr[v], indptr[v + 1]):
                w = indices[m]
                gw = gv + weights[m]
                if w not in closed and gw < g.get(w, np.inf):
                    g[w] = gw
                    parent[w] = v
                    heapq.heappush(heap, (gw + h[w], w))
        path: list[int] = []
        while last >= 0:
            path.append(last)
            last = parent[last]
        return best, path[::-1]
