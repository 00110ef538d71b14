"""The compiled search keeps scratch arrays between queries: no query may see another's."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
from numpy.typing import NDArray

from overflight.data.airspace import states_at
from overflight.geo.sphere import to_xyz
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
