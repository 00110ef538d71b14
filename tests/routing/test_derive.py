"""A graph derived from another's equals the graph built from scratch for the same obstacles."""

from __future__ import annotations

from dataclasses import astuple, fields, replace
from pathlib import Path

import numpy as np
import pytest

from overflight.analysis import scenario_case
from overflight.data.airports import resolve_place
from overflight.routing import kernels
from overflight.routing import planner as planner_module
from overflight.routing.closure import Closure
from overflight.routing.derive import _CANDIDATES, _edge_split, derive_graph, planner_from
from overflight.routing.graph import Focus, VisibilityGraph
from overflight.routing.obstacles import Obstacles, build_obstacles


def _obstacles(closure: Closure) -> Obstacles:
    c = closure
    return build_obstacles(c.denied, c.margin_nm, c.avoid, c.openings, c.advisory_wkb)


def _focus(origin: str, destination: str, reach_km: float) -> Focus:
    a, b = resolve_place(origin), resolve_place(destination)
    return Focus(a.lonlat, b.lonlat, reach_km)


def _edges(graph: VisibilityGraph) -> set[tuple[tuple[float, ...], tuple[float, ...]]]:
    """The clear bitangents as pairs of unit vectors (independent of vertex numbering)."""
    a = graph.arrays
    src = np.repeat(np.arange(graph.size), np.diff(a.indptr))
    return {
        (tuple(a.points[i].tolist()), tuple(a.points[j].tolist()))
        for i, j in zip(src.tolist(), a.indices.tolist(), strict=True)
    }


def _assert_equal(derived: VisibilityGraph, built: VisibilityGraph) -> None:
    assert derived.stats.edges > 0
    assert _edges(derived) == _edges(built)
    for f in fields(built.arrays):
        assert np.array_equal(getattr(derived.arrays, f.name), getattr(built.arrays, f.name)), f
    assert (derived.stats.vertices, derived.stats.edges, derived.stats.candidates) == (
        built.stats.vertices,
        built.stats.edges,
        built.stats.candidates,
    )


#: (what the parent denies, what the child denies, margin nm, parent reach, child reach).
CASES = {
    # The chokepoint search's step: one more state refused, the same focus.
    "syria-2015 Iran refused": (("GE", "TR", "BG"), ("GE", "TR", "BG", "IR"), 0.0, 4100, 4100),
    # A wider focus than the parent's: vertices new to the child.
    "wider focus": (("GE", "TR", "BG"), ("GE", "TR", "BG", "AZ"), 0.0, 3900, 4600),
    # A state the child no longer refuses: the parent's edges removed, corridors reopened.
    "state lifted": (("GE", "TR", "BG", "IR"), ("GE", "TR", "BG"), 0.0, 4100, 4100),
    # With a margin, merged neighbours are grown anew.
    "with a margin": (("TR", "SY"), ("TR", "SY", "IQ"), 10.0, 4100, 4100),
}


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_a_derived_graph_is_the_built_graph(
    case: tuple[tuple[str, ...], tuple[str, ...], float, float, float],
) -> None:
    parent_deny, child_deny, margin_nm, parent_reach, child_reach = case
    parent_focus = _focus("UUMU", "OSLK", parent_reach)
    child_focus = _focus("UUMU", "OSLK", child_reach)
    parent = VisibilityGraph.build(_obstacles(Closure.of(parent_deny, margin_nm)), parent_focus)
    child = _obstacles(Closure.of(child_deny, margin_nm))
    _assert_equal(
        derive_graph(parent, child, child_focus), VisibilityGraph.build(child, child_focus)
    )


def test_a_graph_derived_from_a_derived_one_is_the_built_graph() -> None:
    """A derived graph keeps its candidates, and serves as a parent in turn."""
    focus = _focus("EFHK", "RJAA", 11_500)
    russia = scenario_case("russia-2022", "EFHK", "RJAA").permissions
    base = Closure.from_permissions(russia)
    window = [c for c in base.denied if c in {"RU", "BY", "UA", "KZ", "CN", "MN", "KP"}]
    first = derive_graph([], _obstacles(base.denying(window)), focus)
    _assert_equal(first, VisibilityGraph.build(_obstacles(base.denying(window)), focus))
    more = _obstacles(base.denying([*window, "NO", "SE"]))
    second = derive_graph([first], more, focus)
    _assert_equal(second, VisibilityGraph.build(more, focus))
    # A state lifted: pairs the derived parent knows were blocked by its edges are tested again.
    fewer = _obstacles(base.denying([w for w in window if w != "CN"] + ["NO", "SE"]))
    _assert_equal(derive_graph([second], fewer, focus), VisibilityGraph.build(fewer, focus))


def test_the_planner_saves_the_graph_a_build_would_and_the_cache_reads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    planner_module.clear_caches()
    focus = _focus("UUMU", "OSLK", 4100)
    parent = planner_from(Closure.of(["GE", "TR", "BG"], focus=focus), [])
    closure = Closure.of(["GE", "TR", "BG", "IR"], focus=focus)
    derived = planner_from(closure, [parent])
    planner_module.clear_caches()
    _assert_equal(planner_module.planner_of(closure).graph, derived.graph)
    _assert_equal(derived.graph, VisibilityGraph.build(_obstacles(closure), focus))
    planner_module.clear_caches()


def test_edges_are_matched_as_multisets_of_exact_bits() -> None:
    """Added and removed edges: a copy is matched once, and 0.0 is not -0.0 (exact bits)."""
    graph = VisibilityGraph.build(_obstacles(Closure.of(["AM"])))
    rng = np.random.default_rng(16)
    old_starts, old_ends = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    old_starts[3, 2] = 0.0
    parent = replace(graph.arrays, starts=old_starts, ends=old_ends)
    # The child: edge 0 twice, edge 1 gone, edge 2 kept, edge 3 with -0.0 for its 0.0.
    starts, ends = old_starts[[0, 0, 2, 3]].copy(), old_ends[[0, 0, 2, 3]].copy()
    starts[3, 2] = -0.0
    added, removed, partners = _edge_split(parent, starts, ends)
    assert added.tolist() == [1, 3]
    assert removed.tolist() == [1, 3]
    assert partners is not None
    assert partners.tolist() == [0, -1, 2, -1]


def test_the_edge_kept_for_a_blocked_pair_blocks_it() -> None:
    """A derived graph's blocked candidates name an edge their arc meets (the next derivation
    keeps them blocked while that edge stays), and its clear candidates meet none."""
    focus = _focus("UUMU", "OSLK", 4100)
    parent = derive_graph([], _obstacles(Closure.of(["GE", "TR", "BG"])), focus)
    child = derive_graph([parent], _obstacles(Closure.of(["GE", "TR", "BG", "IR"])), focus)
    first, second, blocker = (np.asarray(c, dtype=np.int64) for c in _CANDIDATES[child])
    a = child.arrays
    grid = kernels.build_edge_grid(a.starts, a.ends)
    built = kernels.pair_blockers(a.points, a.edge_in, a.edge_out, first, second, *astuple(grid))
    assert np.array_equal(blocker != -1, built != -1)
    named = np.flatnonzero(blocker >= 0)
    assert len(named) > 1000
    for k in np.random.default_rng(16).choice(named, 300, replace=False).tolist():
        e = int(blocker[k])
        one = kernels.build_edge_grid(a.starts[e : e + 1], a.ends[e : e + 1])
        i, j = int(first[k]), int(second[k])
        assert kernels.arcs_blocked(
            a.points[i : i + 1], a.points[j : j + 1], np.full((1, 4), -1), *astuple(one)
        )[0], (i, j, e)
