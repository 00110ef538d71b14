"""The packed edges against GEOS: every answer they give is GEOS's, on the shipped polygons.

The verifier and the transit report decide on the packed edges what they can and leave the
rest to GEOS; these tests hold both to what GEOS alone would say, on real routes and on
segments thrown across real borders.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from overflight.data.airspace import states
from overflight.geo.ellipsoid import densify_array, great_circle_legs
from overflight.routing import transit
from overflight.routing.edges import PackedEdges, legs_parts, line_parts
from overflight.routing.verify import entered_states, shrunk_area

#: Routes over many borders, coasts and enclaves, one across ±180.
ROUTES = {
    "Amsterdam-Istanbul": [(4.76, 52.31), (16.0, 47.0), (28.82, 40.98)],
    "Rome-Vienna-Warsaw": [(12.25, 41.8), (16.57, 48.11), (20.97, 52.17)],
    "Delhi-Bangkok": [(77.1, 28.56), (100.75, 13.69)],
    "Bogota-Lima": [(-74.15, 4.7), (-77.11, -12.02)],
    "Tokyo-Anchorage": [(139.78, 35.55), (175.0, 50.0), (-149.99, 61.17)],
    # Legs wholly inside one state (Germany), then out over the sea and into Denmark.
    "Munich-Berlin-Hamburg-Copenhagen": [
        (11.79, 48.35),
        (13.5, 52.37),
        (10.0, 53.63),
        (8.0, 54.2),
        (12.65, 55.62),
    ],
}
CODES = ("AT", "HU", "RS", "BG", "TR", "DE", "CZ", "SK", "PL", "IT", "SM", "VA", "SI", "HR")


def test_pairs_cross_only_where_geos_says_the_segments_meet() -> None:
    packed = PackedEdges.of([states()[c].geometry for c in CODES])
    rng = np.random.default_rng(7)
    # Segments of 1 to 50 km thrown around the Balkans and central Europe.
    a = np.column_stack([rng.uniform(10.0, 30.0, 4000), rng.uniform(40.0, 54.0, 4000)])
    b = a + rng.normal(0.0, 0.2, a.shape)
    points = np.empty((2 * len(a), 2))
    points[0::2], points[1::2] = a, b
    pairs = packed.pairs(points, np.arange(0, len(points), 2))
    segments = shapely.linestrings(np.stack([points[pairs.segment], points[pairs.segment + 1]], 1))
    edges = shapely.linestrings(np.stack([packed.starts[pairs.edge], packed.ends[pairs.edge]], 1))
    meet = np.asarray(shapely.intersects(segments, edges), dtype=bool)
    assert pairs.crosses.sum() > 500
    assert np.all(meet[pairs.crosses])
    # What is neither crossing nor unsure is apart, and not listed.
    assert np.array_equal(pairs.unsure, ~pairs.crosses)
    # Every edge any segment meets was paired with it.
    every = shapely.STRtree(
        np.asarray(shapely.linestrings(np.stack([packed.starts, packed.ends], 1)))
    )
    lines = shapely.linestrings(np.stack([points[0::2], points[1::2]], 1))
    hit_line, hit_edge = every.query(lines, predicate="intersects")
    found = set(zip((pairs.segment // 2).tolist(), pairs.edge.tolist(), strict=True))
    assert set(zip(hit_line.tolist(), hit_edge.tolist(), strict=True)) <= found


@pytest.mark.parametrize("as_legs", [False, True], ids=["one line", "leg by leg"])
@pytest.mark.parametrize("name", list(ROUTES))
def test_the_states_a_line_enters_are_those_geos_finds(name: str, as_legs: bool) -> None:
    """Also leg by leg, where a leg may start where the last ended, inside a state."""
    if as_legs:
        parts = [p for leg in legs_parts(great_circle_legs(ROUTES[name], 5.0)) for p in leg]
    else:
        parts = line_parts(densify_array(ROUTES[name], 5.0))
    codes = sorted(states())
    expected = {
        (k, c)
        for k, part in enumerate(parts)
        for c in codes
        if shapely.intersects(shrunk_area(c), shapely.linestrings(part))
    }
    assert expected
    assert entered_states(parts, codes) == expected


@pytest.mark.parametrize("name", list(ROUTES))
def test_the_pieces_and_where_they_lie_are_geos_overlays(name: str) -> None:
    """The crossings found on the packed edges, located along the line: the same numbers."""
    for coords in line_parts(densify_array(ROUTES[name], 5.0)):
        line = shapely.LineString(coords)
        fast = transit._pieces(coords, frozenset())
        ends = np.array([(p[0], p[-1]) for _, p, _ in fast]).reshape(-1, 2)
        on = np.array([k for _, _, k in fast], dtype=np.int64).reshape(-1)
        along = transit._located(coords, line, ends, on)
        assert np.array_equal(along, shapely.line_locate_point(line, shapely.points(ends)))
        # The same pieces as an overlay of the line with every state it touches.
        touched = shapely.STRtree([states()[c].geometry for c in sorted(states())])
        overlaid = [
            (sorted(states())[k], e)
            for k in touched.query(line, predicate="intersects").tolist()
            for e in transit._overlay(line, sorted(states())[k])
        ]

        def key(code: str, ends: np.ndarray) -> tuple[str, tuple[float, ...]]:
            return code, tuple(sorted(map(tuple, ends.tolist())))  # type: ignore[arg-type]

        assert sorted(key(c, np.array([p[0], p[-1]])) for c, p, _ in fast) == sorted(
            key(c, e) for c, e in overlaid
        )
        assert fast


@pytest.mark.parametrize(
    "points",
    [
        # Tokyo to Anchorage, Auckland to Tahiti and back, a zigzag over ±180 in both ways.
        densify_array(ROUTES["Tokyo-Anchorage"], 5.0),
        densify_array([(174.8, -36.9), (-149.6, -17.6), (174.8, -30.0)], 5.0),
        np.array([(179.5, 0.0), (-179.5, 1.0), (179.0, 2.0), (-178.0, 3.0), (-177.0, 4.0)]),
    ],
)
def test_line_parts_cut_at_the_antimeridian_as_split_antimeridian_does(points: np.ndarray) -> None:
    from overflight.geo.sphere import split_antimeridian

    ours = line_parts(points)
    theirs = [p for p in split_antimeridian(points.tolist()) if len(p) > 1]
    assert len(ours) == len(theirs) > 1
    for mine, other in zip(ours, theirs, strict=True):
        assert mine.tolist() == [list(p) for p in other]


@pytest.mark.parametrize("name", list(ROUTES))
def test_the_parts_of_a_routes_legs_are_each_legs_line_parts(name: str) -> None:
    """All at once, as one leg at a time: over ±180 (Tokyo-Anchorage) and not."""
    legs = great_circle_legs(ROUTES[name], 5.0)
    ours = legs_parts(legs)
    assert [[p.tolist() for p in parts] for parts in ours] == [
        [p.tolist() for p in line_parts(leg)] for leg in legs
    ]
    assert (sum(len(parts) for parts in ours) > len(legs)) == (name == "Tokyo-Anchorage")


def test_near_lists_every_edge_a_box_may_touch_once_in_order() -> None:
    packed = PackedEdges.of([states()[c].geometry for c in CODES])
    rng = np.random.default_rng(11)
    lo = np.column_stack([rng.uniform(10.0, 30.0, 500), rng.uniform(40.0, 54.0, 500)])
    # Points (as _tau_along asks) and boxes up to half a degree.
    hi = lo + np.where(np.arange(500)[:, None] % 2 == 0, 1e-7, rng.uniform(0.0, 0.5, (500, 2)))
    box, edge = packed.near(lo, hi)
    key = box * len(packed.starts) + edge
    assert np.all(np.diff(key) > 0)  # by box, then edge, each pair once
    e_lo = np.minimum(packed.starts, packed.ends)
    e_hi = np.maximum(packed.starts, packed.ends)
    found = set(key.tolist())
    for b in range(len(lo)):
        touching = np.flatnonzero(np.all((e_lo <= hi[b]) & (e_hi >= lo[b]), axis=1))
        assert {b * len(packed.starts) + int(e) for e in touching} <= found


def test_a_subset_pairs_as_its_polygons_packed_alone() -> None:
    """Every state's edges kept on disk, cut down to a few: the pairs of those few alone."""
    every = tuple(states())
    kept = PackedEdges.kept("test-edges", "1", lambda: [states()[c].geometry for c in every])
    again = PackedEdges.kept("test-edges", "1", lambda: [])  # read back, not packed again
    assert np.array_equal(again.keys, kept.keys)
    assert np.array_equal(again.starts, kept.starts)
    few = ("AT", "HU", "SM", "IT")
    asked = np.array([c in few for c in every])
    alone = PackedEdges.of([states()[c].geometry for c in few])
    for coords in line_parts(densify_array(ROUTES["Rome-Vienna-Warsaw"], 5.0)):
        segments = np.arange(len(coords) - 1)
        ours, theirs = kept.subset(asked).pairs(coords, segments), alone.pairs(coords, segments)
        mine = {
            (s, every[o], *kept.starts[e], *kept.ends[e], c)
            for s, o, e, c in zip(
                ours.segment.tolist(),
                kept.owner[ours.edge].tolist(),
                ours.edge.tolist(),
                ours.crosses.tolist(),
                strict=True,
            )
        }
        other = {
            (s, few[o], *alone.starts[e], *alone.ends[e], c)
            for s, o, e, c in zip(
                theirs.segment.tolist(),
                alone.owner[theirs.edge].tolist(),
                theirs.edge.tolist(),
                theirs.crosses.tolist(),
                strict=True,
            )
        }
        assert mine == other
        assert len(mine) >= 3  # into Italy's coast, in and out of Austria


@pytest.mark.parametrize("name", list(ROUTES))
def test_the_compiled_and_the_numpy_pairs_are_the_same(name: str) -> None:
    """A one-shot command pairs in numpy, the server in compiled loops: the same answers."""
    from overflight._config import use_compiled_queries

    packed = PackedEdges.of([states()[c].geometry for c in sorted(states())])
    answers = []
    for compiled in (True, False):
        use_compiled_queries(compiled)
        try:
            pairs = [
                packed.pairs(coords, np.arange(len(coords) - 1))
                for coords in line_parts(densify_array(ROUTES[name], 5.0))
            ]
            xy = np.concatenate([p for p in line_parts(densify_array(ROUTES[name], 5.0))])
            near = packed.near(xy - 1e-3, xy + 1e-3)
        finally:
            use_compiled_queries(True)
        answers.append(
            (
                [(p.segment.tolist(), p.edge.tolist(), p.crosses.tolist()) for p in pairs],
                near[0].tolist(),
                near[1].tolist(),
            )
        )
    assert answers[0] == answers[1]
    assert any(crosses for _, _, crosses in answers[0][0])


@pytest.mark.parametrize("name", list(ROUTES))
def test_skipping_the_empty_cells_loses_no_pair(name: str) -> None:
    """The compiled pairing passes over segments whose cells hold no edge: only those."""
    from overflight.routing import edge_kernels

    codes = sorted(states())
    packed = PackedEdges.of([states()[c].geometry for c in codes]).subset(
        np.array([c not in ("FR", "GB") for c in codes])
    )
    occupied = packed.occupied
    assert not occupied.flags.writeable
    assert np.array_equal(np.flatnonzero(occupied), np.unique(packed.keys))
    every_cell = np.ones_like(occupied)
    found = 0
    for coords in line_parts(densify_array(ROUTES[name], 5.0)):
        points = np.ascontiguousarray(coords)
        segments = np.arange(len(points) - 1, dtype=np.int64)
        arrays = (packed.keys, packed.entries, packed.starts, packed.ends)
        skipping = edge_kernels.meeting(points, segments, *arrays, occupied)
        looking = edge_kernels.meeting(points, segments, *arrays, every_cell)
        for ours, theirs in zip(skipping, looking, strict=True):
            assert np.array_equal(ours, theirs)
        found += len(skipping[0])
    assert found > 0
