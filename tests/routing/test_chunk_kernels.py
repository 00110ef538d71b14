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


def test_part_lengths_are_the_geodesic_of_each_step() -> None:
    """Sines turned from point to point (restarted every few): each step as Karney's, to µm."""
    from overflight.geo.ellipsoid import wgs84
    from overflight.routing import chunk

    # Long legs at every latitude, one near a pole, none across ±180.
    starts = np.array([[-170.0, -60.0], [-30.0, 0.0], [10.0, 80.0], [100.0, 20.0], [5.0, 45.0]])
    ends = np.array([[-20.0, 70.0], [60.0, -10.0], [170.0, 85.0], [150.0, -40.0], [5.1, 45.2]])
    points, leg = chunk._dense(starts, ends, np.arange(len(starts)))
    part_start = np.searchsorted(leg, np.arange(len(starts) + 1)).astype(np.int64)
    deg, km = chunk_kernels.part_lengths(np.ascontiguousarray(points), part_start)
    _, _, metres = wgs84().inv(points[:-1, 0], points[:-1, 1], points[1:, 0], points[1:, 1])
    inside = np.ones(len(points) - 1, dtype=bool)
    inside[part_start[1:-1] - 1] = False  # from one part's last point to the next one's first
    steps = np.diff(km)[inside]
    assert len(steps) > 5000
    # The chord's sagitta term takes a sphere's radius: a micrometre or so a step.
    assert np.max(np.abs(steps - metres[inside] / 1000.0)) < 1e-8
    assert np.all(km[part_start[:-1]] == 0.0)
    planar = np.hypot(*np.diff(points, axis=0).T)[inside]
    assert np.allclose(np.diff(deg)[inside], planar, rtol=1e-12, atol=0.0)


def test_a_stretch_meets_a_deeper_one_as_a_plain_loop_finds() -> None:
    """Stretches of random layers on random parts, sorted as `intervals` gives them."""
    rng = np.random.default_rng(7)
    layers = 5
    part = np.sort(rng.integers(0, 40, 3000))
    layer = rng.integers(0, 2 * layers, 3000)
    lo = rng.uniform(0.0, 100.0, 3000)
    hi = lo + rng.exponential(5.0, 3000)
    hi[::17] = lo[::17]  # stretches of no length, which meet what holds their point
    order = np.lexsort((lo, layer, part))
    part, layer, lo, hi = part[order], layer[order], lo[order], hi[order]
    expected = [
        bool(
            layer[r] < layers
            and any(
                part[m] == part[r]
                and layer[m] == layer[r] + layers
                and lo[m] <= hi[r]
                and hi[m] >= lo[r]
                for m in range(len(part))
            )
        )
        for r in range(len(part))
    ]
    found = chunk_kernels.meets_deeper(part, layer, lo, hi, layers).tolist()
    assert found == expected
    assert 200 < sum(expected) < 1400  # both answers well represented
