"""A brute-force shortest path on the sphere around polygonal obstacles, for tests only.

The semantics are the planner's: an obstacle is bounded by rings of unit
vectors whose edges are the minor great-circle arcs between consecutive
vertices, each ring oriented with the obstacle on its left. A path is a chain
of minor great-circle arcs that may touch the obstacles' boundary but never
enter their interior.

Everything here is deliberately naive and shares no code with the planner:
the full visibility graph over *every* ring vertex (convex or not, no
bitangent pruning) plus the two endpoints, each arc tested against *every*
edge, then Dijkstra. It is O(V^2 E) and meant for a few hundred vertices.

An arc between two nodes is clear when

- it meets no obstacle edge, touching included, other than the edges incident
  to its own endpoints (a leg may leave a vertex along either of its edges);
- its midpoint and quarter points are not strictly inside an obstacle. With
  the first rule this is what rules out a chord through an obstacle that
  joins two of its vertices without meeting any other edge.

Inside-ness is a winding number seen from the point itself: the signed sum of
the azimuth turns, as seen from q, along every ring. It equals
[q inside] - [-q inside], which is the answer as long as no obstacle holds a
pair of antipodal points (true for every obstacle set the tests build).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

__all__ = ["Oracle", "path_length"]

Vectors = NDArray[np.float64]

#: Slack on dot products when deciding whether a point on a great circle lies on an arc.
_DOT_SLACK = 1e-14
#: An end of one arc this close (radians, about 0.1 mm) to another arc touches it; this is
#: the planner's documented resolution, so the two agree on what "touching" means.
TOUCH = 1e-11


def _unit(v: Vectors) -> Vectors:
    return np.asarray(v / np.linalg.norm(v, axis=-1, keepdims=True), dtype=np.float64)


def path_length(points: Vectors | list[Vectors]) -> float:
    """Sum of the central angles between consecutive unit vectors."""
    p = np.asarray(points, dtype=np.float64)
    cross = np.linalg.norm(np.cross(p[:-1], p[1:]), axis=1)
    dot = np.sum(p[:-1] * p[1:], axis=1)
    return float(np.sum(np.arctan2(cross, dot)))


class _Arcs:
    """Minor arcs a-b with what the tests below need: unit normal, midpoint, half-length."""

    def __init__(self, a: Vectors, b: Vectors) -> None:
        self.a = np.atleast_2d(a)
        self.b = np.atleast_2d(b)
        n = np.cross(self.a, self.b)
        self.normal = np.asarray(n / np.maximum(np.linalg.norm(n, axis=-1, keepdims=True), 1e-300))
        self.mid = _unit(self.a + self.b)
        #: cos and sin of half the arc's length: a point q of the arc's great circle lies on
        #: the arc iff q.mid >= cos_half, and t beyond an end iff q.mid ~ cos_half - t sin_half.
        self.cos_half = np.sum(self.a * self.mid, axis=-1)
        self.sin_half = np.linalg.norm(np.cross(self.a, self.mid), axis=-1)


def _meets(first: _Arcs, second: _Arcs) -> NDArray[np.bool_]:
    """Matrix [i, k]: whether arc i of ``first`` and arc k of ``second`` share a point.

    Two distinct great circles meet in two antipodal points; the arcs cross iff
    one of those lies on both arcs. They touch iff an end of one lies within
    :data:`TOUCH` of the other, which also covers arcs on one great circle.
    """
    p = np.cross(first.normal[:, None, :], second.normal[None, :, :])
    size = np.linalg.norm(p, axis=-1)
    distinct = size > 1e-9
    q = p / np.where(distinct, size, 1.0)[..., None]
    along1 = np.einsum("ikx,ix->ik", q, first.mid)
    along2 = np.einsum("ikx,kx->ik", q, second.mid)
    cos1, cos2 = first.cos_half[:, None] - _DOT_SLACK, second.cos_half[None, :] - _DOT_SLACK
    crossing = ((along1 >= cos1) & (along2 >= cos2)) | ((-along1 >= cos1) & (-along2 >= cos2))
    out = distinct & crossing
    for end in (second.a, second.b):
        out |= _near(end, first, TOUCH)
    for end in (first.a, first.b):
        out |= _near(end, second, TOUCH).T
    return np.asarray(out)


def _near(points: Vectors, arcs: _Arcs, tol: float) -> NDArray[np.bool_]:
    """Matrix [i, k]: whether arc i passes within about tol (radians) of point k.

    Within tol across the arc's great circle and at most tol beyond either end: a
    box round the arc that holds every point within tol of it.
    """
    across = np.abs(arcs.normal @ points.T) <= tol
    along = arcs.mid @ points.T >= (arcs.cos_half - tol * arcs.sin_half - _DOT_SLACK)[:, None]
    return np.asarray(across & along)


class Oracle:
    """Brute-force visibility graph over all ring vertices, with Dijkstra for queries.

    Parameters
    ----------
    rings
        Obstacle boundaries as arrays of unit vectors, not closed, obstacle on the left.
    """

    def __init__(self, rings: tuple[Vectors, ...] | list[Vectors]) -> None:
        rings = [np.asarray(r, dtype=np.float64) for r in rings if len(r) >= 3]
        self.vertices: Vectors = (
            np.concatenate(rings) if rings else np.zeros((0, 3), dtype=np.float64)
        )
        # Edge k runs from vertex k to the next vertex of its ring.
        nxt, offset = [], 0
        for ring in rings:
            nxt.append(offset + (np.arange(len(ring)) + 1) % len(ring))
            offset += len(ring)
        self._next = np.concatenate(nxt) if nxt else np.zeros(0, dtype=np.int64)
        # Edges that start or end exactly at a point, by the point's coordinates.
        self._edges_at: dict[bytes, list[int]] = {}
        for k, start in enumerate(self.vertices):
            self._edges_at.setdefault(start.tobytes(), []).append(k)
            self._edges_at.setdefault(self.vertices[self._next[k]].tobytes(), []).append(k)
        self.edges = _Arcs(self.vertices, self.vertices[self._next])
        self._vertex_graph = self._build()

    def _incident(self, point: Vectors) -> list[int]:
        return self._edges_at.get(np.asarray(point, dtype=np.float64).tobytes(), [])

    # -- point and arc predicates -------------------------------------------------------------

    def on_boundary(self, q: Vectors, tol: float = TOUCH) -> NDArray[np.bool_]:
        """Whether points q (shape (m, 3)) lie within about tol (radians) of an obstacle edge."""
        return np.asarray(np.any(_near(np.atleast_2d(q), self.edges, tol), axis=0))

    def winding(self, q: Vectors) -> NDArray[np.float64]:
        """Winding number of all rings around points q (shape (m, 3)), as seen from q."""
        q = np.atleast_2d(q)
        c = self.vertices
        d = self.vertices[self._next]
        # Azimuth turn from c to d seen from q: the angle between their projections on
        # the tangent plane at q, signed by the outward normal q.
        sine = q @ np.cross(c, d).T
        cosine = np.sum(c * d, axis=1)[None, :] - (q @ c.T) * (q @ d.T)
        return np.asarray(np.sum(np.arctan2(sine, cosine), axis=1) / (2.0 * math.pi))

    def inside(self, q: Vectors) -> NDArray[np.bool_]:
        """Whether points q (shape (m, 3)) lie strictly inside an obstacle."""
        q = np.atleast_2d(q)
        return np.asarray(~self.on_boundary(q) & (self.winding(q) > 0.5))

    def _clear_from(self, a: Vectors, targets: Vectors) -> NDArray[np.bool_]:
        """Whether the arcs from a to each of the targets are clear."""
        if len(targets) == 0:
            return np.zeros(0, dtype=bool)
        starts = np.ascontiguousarray(np.broadcast_to(a, targets.shape))
        if len(self.vertices) == 0:
            return np.asarray(np.sum(starts * targets, axis=1) > -1.0 + 1e-12)
        hits = _meets(_Arcs(starts, targets), self.edges)
        # Edges incident to an arc's own ends are no obstacle to it: a leg may leave a
        # vertex along either of its edges.
        for row, p in enumerate(targets):
            hits[row, self._incident(a)] = False
            hits[row, self._incident(p)] = False
        clear = ~np.any(hits, axis=1)
        # A chord through an obstacle between two of its vertices meets no other edge:
        # look inside at 1/4, 1/2 and 3/4 of the way.
        theta = _angles(starts, targets)
        todo = np.flatnonzero(clear & (theta > 0.0))
        for t in (0.25, 0.5, 0.75):
            th = theta[todo]
            s = np.sin(th)
            pts = _unit(
                (np.sin((1.0 - t) * th) / s)[:, None] * starts[todo]
                + (np.sin(t * th) / s)[:, None] * targets[todo]
            )
            clear[todo[self.inside(pts)]] = False
        # Antipodal ends have no unique minor arc.
        clear &= np.sum(starts * targets, axis=1) > -1.0 + 1e-12
        return np.asarray(clear)

    def clear(self, a: Vectors, b: Vectors) -> bool:
        """Whether the arc from a to b is clear (either end may be a ring vertex)."""
        return bool(self._clear_from(np.asarray(a), np.asarray(b)[None, :])[0])

    def path_is_clear(self, points: list[Vectors]) -> bool:
        """Whether every leg of a path is clear."""
        return all(self.clear(p, q) for p, q in itertools.pairwise(points))

    def enters(self, a: Vectors, b: Vectors) -> bool:
        """Whether the arc from a to b passes through the inside of an obstacle.

        Weaker than "not clear": touching the boundary, at a vertex or along an
        edge, does not count. The arc is cut wherever it meets the boundary; each
        piece between two cuts lies wholly inside or wholly outside, so its
        midpoint tells which.
        """
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        theta = float(_angles(a, b[None, :])[0])
        if theta == 0.0 or len(self.vertices) == 0:
            return bool(self.inside(a)[0])
        arc = _Arcs(a, b)
        e = self.edges
        cuts = [np.array([0.0, theta])]
        # Where the two great circles meet, if that lies on the arc and on the edge.
        p = np.cross(arc.normal, e.normal)
        size = np.linalg.norm(p, axis=-1)
        q = p[size > 1e-9] / size[size > 1e-9, None]
        mids = e.mid[size > 1e-9]
        cos2 = e.cos_half[size > 1e-9]
        for x in (q, -q):
            on = (x @ arc.mid[0] >= arc.cos_half[0] - _DOT_SLACK) & (
                np.sum(x * mids, axis=1) >= cos2 - _DOT_SLACK
            )
            cuts.append(_angles(a, x[on]))
        # Vertices on or next to the arc: contacts, and the ends of edges the arc runs along.
        near = _near(self.vertices, arc, TOUCH)[0]
        cuts.append(_angles(a, self.vertices[near]))
        t = np.unique(np.clip(np.concatenate(cuts), 0.0, theta))
        middle = (t[:-1] + t[1:])[np.diff(t) > 1e-12] / 2.0
        s = math.sin(theta)
        pts = (np.sin(theta - middle)[:, None] * a + np.sin(middle)[:, None] * b) / s
        return bool(np.any(self.inside(_unit(pts))))

    def path_enters(self, points: list[Vectors]) -> bool:
        """Whether some leg of a path passes through the inside of an obstacle."""
        return any(self.enters(p, q) for p, q in itertools.pairwise(points))

    # -- graph ----------------------------------------------------------------------------------

    def _build(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        n = len(self.vertices)
        rows, cols, weights = [], [], []
        for i in range(n - 1):
            j = np.arange(i + 1, n)
            ok = self._clear_from(self.vertices[i], self.vertices[j])
            j = j[ok]
            rows.append(np.full(len(j), i))
            cols.append(j)
            weights.append(_angles(self.vertices[i], self.vertices[j]))
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0)
        return np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)

    def shortest(self, a: Vectors, b: Vectors) -> tuple[float, list[Vectors]]:
        """Length (radians) and turning points of the shortest clear path; inf and [] if none."""
        a = np.asarray(a, dtype=np.float64)
        b = np.asarray(b, dtype=np.float64)
        if np.array_equal(a, b):
            return 0.0, [a, b]
        n = len(self.vertices)
        ids = np.arange(n)
        rows, cols, weights = ([part] for part in self._vertex_graph)
        for node, p in ((n, a), (n + 1, b)):
            ok = self._clear_from(p, self.vertices)
            rows.append(np.full(int(ok.sum()), node))
            cols.append(ids[ok])
            weights.append(_angles(p, self.vertices[ok]))
        if self.clear(a, b):
            rows.append(np.array([n]))
            cols.append(np.array([n + 1]))
            weights.append(_angles(a, b[None, :]))
        r, c, w = np.concatenate(rows), np.concatenate(cols), np.concatenate(weights)
        # csgraph reads explicit zeros as "no edge"; no two distinct nodes coincide here.
        graph = csr_matrix((np.maximum(w, 1e-300), (r, c)), shape=(n + 2, n + 2))
        dist, pred = dijkstra(graph, directed=False, indices=n, return_predecessors=True)
        length = float(dist[n + 1])
        if not math.isfinite(length):
            return math.inf, []
        nodes = [n + 1]
        while nodes[-1] != n:
            nodes.append(int(pred[nodes[-1]]))
        points = np.vstack([self.vertices, a, b])
        return length, [points[k] for k in reversed(nodes)]


def _angles(a: Vectors, b: Vectors) -> NDArray[np.float64]:
    a = np.broadcast_to(a, b.shape)
    return np.asarray(
        np.arctan2(np.linalg.norm(np.cross(a, b), axis=1), np.sum(a * b, axis=1)),
        dtype=np.float64,
    )
