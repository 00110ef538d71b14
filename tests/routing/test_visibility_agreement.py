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


def test_the_grid_finds_every_edge_near_the_cube_corners_and_sides() -> None:
    """Arcs walked through the grid meet the edges the chart test finds, where cells are smallest.

    An edge's samples are registered only in the cells within reach of them
    (kernels._edge_cells): arcs thrown across the cube's corner at 45 E 35.3 N and along
    the sides of its faces there, over the borders of the states around it, must be
    blocked exactly when the independent chart test says so.
    """
    from overflight.geo.sphere import to_xyz

    graph = planner_for(("IR", "IQ", "TR", "SY", "AM", "AZ", "GE")).graph
    arrays = graph.arrays
    rng = np.random.default_rng(11)
    count = 6000
    # Around the corner (45 E, 35.26 N) and along the sides that meet there (45 E; 35.26 N).
    centre = np.column_stack(
        [rng.normal(45.0, 3.0, count), np.clip(rng.normal(35.26, 3.0, count), -80.0, 80.0)]
    )
    half = rng.uniform(0.02, 4.0, count)[:, None] * np.column_stack(
        [np.cos(heading := rng.uniform(0.0, 2.0 * np.pi, count)), np.sin(heading)]
    )
    a = np.array([to_xyz(x, y) for x, y in (centre - half).tolist()])
    b = np.array([to_xyz(x, y) for x, y in (centre + half).tolist()])
    grid = kernels.build_edge_grid(arrays.starts, arrays.ends)
    blocked = kernels.arcs_blocked(
        a,
        b,
        np.full((count, 4), -1, dtype=np.int64),
        grid.starts,
        grid.ends,
        grid.cell_start,
        grid.cell_edges,
    )
    clear = VisibilityIndex(arrays.starts, arrays.ends).visible(a, b)
    assert blocked.sum() > 800
    assert (~blocked).sum() > 800
    assert np.array_equal(blocked, ~clear)


def test_the_grid_finds_an_edge_crossed_halfway_between_its_samples() -> None:
    """Arcs of just under a walk's step crossing edges halfway between two samples.

    Both walked points (the arc's ends) then lie as far from the edge's samples as a
    crossing leaves them (over half a step): the edge must be found in the cell of one,
    though its samples lie in other cells. Squarely and at a slant, over long borders.
    """
    graph = planner_for(("SA", "IQ", "JO", "EG", "LY", "SD", "DZ", "NE", "TD", "ML")).graph
    starts, ends = graph.arrays.starts, graph.arrays.ends
    theta = np.arccos(np.clip(np.sum(starts * ends, axis=1), -1.0, 1.0))
    long = np.flatnonzero(theta > 0.5 * kernels.STEP)
    a, b = [], []
    half = 0.4995 * kernels.STEP
    for e in long.tolist():
        steps = int(np.ceil(theta[e] / kernels.STEP))
        normal = np.cross(starts[e], ends[e])
        normal /= np.linalg.norm(normal)
        for k in range(steps):
            # Halfway between the samples k and k + 1 (kernels._edge_cells), on the edge.
            t = (k + 0.5) / steps
            x = np.sin((1 - t) * theta[e]) * starts[e] + np.sin(t * theta[e]) * ends[e]
            x /= np.linalg.norm(x)
            along = np.cross(normal, x)
            for slant in (np.pi / 2, np.pi / 4, np.pi / 9):
                way = np.cos(slant) * along + np.sin(slant) * normal
                a.append(np.cos(half) * x - np.sin(half) * way)
                b.append(np.cos(half) * x + np.sin(half) * way)
    assert len(a) > 1000
    grid = kernels.build_edge_grid(starts, ends)
    blocked = kernels.arcs_blocked(
        np.array(a),
        np.array(b),
        np.full((len(a), 4), -1, dtype=np.int64),
        grid.starts,
        grid.ends,
        grid.cell_start,
        grid.cell_edges,
    )
    assert blocked.all()
