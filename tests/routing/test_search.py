"""The compiled search keeps scratch arrays between queries: no query may see another's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numba
import numpy as np
from numpy.typing import NDArray

from overflight.data.airspace import states_at
from overflight.geo.sphere import to_xyz
from overflight.routing import kernels
from overflight.routing.graph import VisibilityGraph
from overflight.routing.planner import planner_for

DENY = ["BG", "GR", "TR"]

Pair = tuple[NDArray[np.float64], NDArray[np.float64]]


def _pairs(count: int) -> list[Pair]:
    """Free points around the denied states, most pairs of which must go round them."""
    rng = np.random.default_rng(16)
    points: list[NDArray[np.float64]] = []
    while len(points) < 2 * count:
        lon, lat = rng.uniform(15.0, 48.0), rng.uniform(30.0, 48.0)
        if not states_at(lon, lat, planner_for(DENY).denied):
            points.append(to_xyz(lon, lat))
    return [(points[2 * k], points[2 * k + 1]) for k in range(count)]


def _answer(graph: VisibilityGraph, pair: Pair) -> list[tuple[float, ...]] | None:
    path = graph.shortest_path(*pair)
    return None if path is None else [tuple(p.tolist()) for p in path]


def test_each_query_answers_the_same_whatever_came_before_it_and_on_any_thread() -> None:
    graph = planner_for(DENY).graph
    pairs = _pairs(40)
    forward = [_answer(graph, p) for p in pairs]
    assert sum(a is not None and len(a) > 2 for a in forward) >= 10
    backward = [_answer(graph, p) for p in reversed(pairs)][::-1]
    assert backward == forward

    def shuffled(seed: int) -> list[list[tuple[float, ...]] | None]:
        order = np.random.default_rng(seed).permutation(len(pairs))
        found: list[list[tuple[float, ...]] | None] = [None] * len(pairs)
        for k in order.tolist():
            found[k] = _answer(graph, pairs[k])
        return found

    with ThreadPoolExecutor(4) as pool:
        for answers in pool.map(shuffled, range(8)):
            assert answers == forward


@numba.njit(cache=False)
def _first_meeting(
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    skip: NDArray[np.int64],
    starts: NDArray[np.float64],
    ends: NDArray[np.float64],
) -> int:
    """Every edge tried in turn: the first the arc meets (-1 none, -2 antipodal ends)."""
    n0 = a[1] * b[2] - a[2] * b[1]
    n1 = a[2] * b[0] - a[0] * b[2]
    n2 = a[0] * b[1] - a[1] * b[0]
    nn = np.sqrt(n0 * n0 + n1 * n1 + n2 * n2)
    if nn == 0.0:
        return -2 if a[0] * b[0] + a[1] * b[1] + a[2] * b[2] < 0.0 else -1
    for e in range(starts.shape[0]):
        if e not in (skip[0], skip[1], skip[2], skip[3]) and kernels._meets(
            (a[0], a[1], a[2]), (b[0], b[1], b[2]), n0, n1, n2, kernels.ON_ARC * nn, starts, ends, e
        ):
            return e
    return -1


def test_an_arc_is_blocked_when_and_only_when_it_meets_an_edge() -> None:
    """The grid's walk (points turned step by step along the arc) misses no edge it meets."""
    graph = planner_for(["RU", "IR", "NO", "CL", "ID", "FJ", "KI"]).graph
    graph.clear_arcs(graph.points[:1], graph.points[:1])  # the grid
    grid = graph._grid
    assert grid is not None
    rng = np.random.default_rng(16)
    count = 4000
    # Ends anywhere (antimeridian and poles included), at vertices, nearly antipodal.
    ends = rng.normal(size=(2 * count, 3))
    ends[: count // 2] = graph.points[rng.integers(0, graph.size, count // 2)]
    ends[count : count + 50] = -ends[:50] + rng.normal(scale=1e-7, size=(50, 3))
    ends /= np.linalg.norm(ends, axis=1)[:, None]
    skip = rng.integers(-1, len(grid.starts), size=(count, 4))
    blocked = 0
    for i in range(count):
        a, b = ends[i], ends[count + i]
        s0, s1, s2, s3 = skip[i].tolist()
        a0, a1, a2 = a.tolist()
        b0, b1, b2 = b.tolist()
        grid_arrays = (grid.starts, grid.ends, grid.cell_start, grid.cell_edges)
        walked = kernels._blocker((a0, a1, a2), (b0, b1, b2), s0, s1, s2, s3, *grid_arrays)
        every = _first_meeting(a, b, skip[i], grid.starts, grid.ends)
        assert (walked >= 0, walked == -2) == (every >= 0, every == -2), i
        blocked += walked >= 0
    assert count // 10 < blocked < count - count // 10


def test_legs_remembered_across_searches_give_the_same_paths() -> None:
    """Pairs among a few hubs, each way: the paths found with the legs kept are the same."""
    from overflight.routing.graph import EndLegs

    graph = planner_for(DENY).graph
    hubs = [p for pair in _pairs(6) for p in pair]
    pairs = [(a, b) for a in hubs for b in hubs if a is not b]
    ends = (EndLegs(graph.size), EndLegs(graph.size))
    plain = [graph.detour(a, b) for a, b in pairs]
    kept = [graph.detour(a, b, ends) for a, b in pairs]
    again = [graph.detour(a, b, ends) for a, b in reversed(pairs)][::-1]

    def points(paths: list[list[NDArray[np.float64]] | None]) -> list[object]:
        return [None if p is None else [tuple(v.tolist()) for v in p] for p in paths]

    assert points(kept) == points(plain)
    assert points(again) == points(plain)
    assert sum(p is not None for p in plain) > len(pairs) // 2
    # The hubs' legs were kept: clear ones and blocked ones, from and to each.
    for side in ends:
        for hub in hubs:
            verdicts = side.of(hub)
            assert {1, 2} <= set(np.unique(verdicts).tolist())


def test_a_place_s_legs_are_kept_from_its_second_search_and_for_the_last_places() -> None:
    from overflight.routing.graph import EndLegs

    legs = EndLegs(50, places=3)
    a, b, c, d = (to_xyz(float(lon), 10.0) for lon in range(4))
    assert len(legs.of(a)) == 0  # asked once: nothing kept yet
    first = legs.of(a)
    assert len(first) == 50
    assert not first.any()
    first[7] = 2
    assert legs.of(a)[7] == 2  # the same verdicts next time
    legs.of(b), legs.of(c), legs.of(d)  # a is now the oldest of four: dropped
    assert len(legs.of(a)) == 0
