"""The compiled arc test (graph building) and the shapely one (queries) give the same answers.

The one intended difference: an arc along an obstacle edge between two
consecutive vertices is clear for the build (the edge is the boundary) and
touching for the query side, which never asks about such arcs.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from overflight.routing import kernels
from overflight.routing.planner import planner_for
from overflight.routing.visibility import VisibilityIndex


@pytest.mark.parametrize("denied", [("RU", "BY", "UA"), ("GR", "TR", "CY"), ("JP",)])
def test_compiled_and_chart_tests_agree(denied: tuple[str, ...]) -> None:
    graph = planner_for(denied).graph
    arrays = graph.arrays
    normals_prev = np.cross(arrays.prev, arrays.points)
    normals_next = np.cross(arrays.next, arrays.points)
    normals_prev /= np.linalg.norm(normals_prev, axis=1)[:, None]
    normals_next /= np.linalg.norm(normals_next, axis=1)[:, None]
    first, second = kernels.bitangent_pairs(arrays.points, normals_prev, normals_next)
    pick = np.random.default_rng(7).choice(len(first), min(5000, len(first)), replace=False)
    i, j = first[pick], second[pick]
    grid = kernels.build_edge_grid(arrays.starts, arrays.ends)
    # A pair is blocked when its answer is not -1 (an edge, or -2 for antipodal ends).
    compiled_blocked = (
        kernels.pair_blockers(
            arrays.points,
            arrays.edge_in,
            arrays.edge_out,
            i,
            j,
            grid.starts,
            grid.ends,
            grid.cell_start,
            grid.cell_edges,
        )
        != -1
    )
    chart_clear = VisibilityIndex(arrays.starts, arrays.ends).visible(
        arrays.points[i], arrays.points[j]
    )
    assert (~compiled_blocked).sum() > 50  # the sample holds clear arcs as well as blocked
    differ = compiled_blocked == chart_clear
    along_edge = (arrays.edge_out[i] == arrays.edge_in[j]) | (
        arrays.edge_out[j] == arrays.edge_in[i]
    )
    assert not np.any(differ & ~along_edge)
    assert not np.any(compiled_blocked[differ])  # only the along-edge case, as documented


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ((24.96, 60.32), (140.39, 35.77)),
        ((44.95, 41.67), (35.95, 35.40)),
        ((-170.0, 60.0), (170.0, 40.0)),
    ],
)
def test_compiled_and_chart_queries_find_the_same_route(
    origin: tuple[float, float], destination: tuple[float, float]
) -> None:
    from overflight.geo.sphere import angle, to_xyz
    from overflight.routing.graph import use_compiled_queries

    graph = planner_for(("RU", "BY", "UA", "TR", "BG", "GR")).graph
    a, b = to_xyz(*origin), to_xyz(*destination)
    lengths = []
    try:
        for compiled in (True, False):
            use_compiled_queries(compiled)
            path = graph.shortest_path(a, b)
            assert path is not None
            lengths.append(sum(float(angle(p, q)) for p, q in itertools.pairwise(path)))
    finally:
        use_compiled_queries(True)
    assert lengths[0] == pytest.approx(lengths[1], rel=1e-9)
