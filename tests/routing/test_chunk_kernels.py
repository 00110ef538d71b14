"""The batch's compiled crossings: every crossing and contact, however many a chunk has."""

from __future__ import annotations

import numpy as np
import pytest

from overflight.routing import chunk_kernels


@pytest.mark.parametrize("count", [5, 3000])
def test_a_line_across_many_edges_meets_each_once(count: int) -> None:
    # count north-south edges of one layer, 0.01 degrees apart, crossed by a line west to
    # east cut into seven segments whose ends meet no edge: with 3000, more crossings and
    # contacts than the outputs first hold.
    x = 0.01 * np.arange(count) + 0.005
    edges = np.column_stack([x, np.full(count, -1.0), x, np.full(count, 1.0)])
    layer = np.zeros(count, dtype=np.int64)
    cell_start, cell_edges = chunk_kernels.edge_grid(edges)
    points = np.column_stack([np.linspace(0.0, 0.01 * count, 8), np.zeros(8)])
    cum_deg = points[:, 0] - points[0, 0]
    part_start = np.array([0, 8], dtype=np.int64)
    touch = np.array([True])
    ev_part, ev_layer, ev_deg, in_part, _, hit_part, hit_layer = chunk_kernels.crossings(
        points, part_start, cum_deg, edges, layer, cell_start, cell_edges, 1, touch
    )
    assert len(in_part) == 0  # the line starts west of every edge
    assert (ev_part == 0).all()
    assert (ev_layer == 0).all()
    np.testing.assert_allclose(np.sort(ev_deg), x, atol=1e-12)
    assert len(hit_part) == count
    assert (hit_layer == 0).all()
