"""The transit report on paths given by hand: what it adds up to, and that it follows the route.

No planner here: the paths are literal. Each is measured independently of the report, densified
every 100 m with pyproj and compared point by point with the polygons of the states it reports.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from pyproj import Geod

from overflight.data.airspace import states
from overflight.geo.sphere import to_xyz
from overflight.routing.transit import TransitReport, transit_report

Path = list[tuple[float, float]]

#: The report's legs are great circles on the sphere; it measures them on WGS84.
SPHERE = Geod(a=6_371_008.8, b=6_371_008.8)
WGS84 = Geod(ellps="WGS84")
#: Spacing of the independent measure, km; its error is a step or so at each border.
STEP_KM = 0.1

#: Paths from a place on land to another.
PATHS: dict[str, Path] = {
    # Land borders only: France, Belgium, Germany, Poland.
    "paris-warsaw": [(2.35, 48.85), (13.4, 52.5), (21.0, 52.2)],
    # Crimea is claimed by Russia and Ukraine: both are listed over it.
    "odesa-novorossiysk": [(30.7, 46.4), (37.8, 44.7)],
    # From Mauritania over Western Sahara, which Morocco claims, to Morocco.
    "western-sahara": [(-15.5, 20.5), (-10.0, 28.0)],
    # Round Turkey to Syria, September 2015, five legs.
    "moscow-latakia": [
        (38.0617, 55.8783),
        (44.828005, 39.657641),
        (44.825492, 37.275761),
        (44.788735, 37.135566),
        (44.308664, 36.953726),
        (35.9487, 35.4011),
    ],
    # Tokyo to Anchorage across the antimeridian, mostly over the sea.
    "tokyo-anchorage": [(140.4, 35.8), (165.0, 50.0), (-150.0, 61.2)],
}


class Measure:
    """A path densified every STEP_KM, with the WGS84 distance along it at each point."""

    def __init__(self, path: Path) -> None:
        points = [path[0]]
        for (lon1, lat1), (lon2, lat2) in itertools.pairwise(path):
            _, _, metres = SPHERE.inv(lon1, lat1, lon2, lat2)
            points += SPHERE.npts(lon1, lat1, lon2, lat2, int(metres / (STEP_KM * 1000.0)))
            points.append((lon2, lat2))
        p = np.asarray(points, dtype=np.float64)
        _, _, metres = WGS84.inv(p[:-1, 0], p[:-1, 1], p[1:, 0], p[1:, 1])
        self.lon = (p[:, 0] + 180.0) % 360.0 - 180.0
        self.lat = p[:, 1]
        self.step_km = np.asarray(metres, dtype=np.float64) / 1000.0
        self.along_km = np.concatenate([[0.0], np.cumsum(self.step_km)])
        self.xyz = np.asarray(to_xyz(self.lon, self.lat))

    @property
    def total_km(self) -> float:
        return float(self.along_km[-1])

    def overlap_km(self, codes: set[str]) -> float:
        """Length flown over two or more of the states at once, counted once per extra state."""
        lon = (self.lon[:-1] + self.lon[1:]) / 2.0
        lat = (self.lat[:-1] + self.lat[1:]) / 2.0
        # A step across ±180° has its middle on the wrong side of the globe: leave it out.
        keep = np.abs(np.diff(self.lon)) < 180.0
        over: NDArray[np.int64] = np.zeros(len(lon), dtype=np.int64)
        for code in codes:
            over += shapely.contains_xy(states()[code].geometry, lon, lat)
        return float(np.sum(self.step_km[keep] * np.maximum(over[keep] - 1, 0)))

    def position_km(self, point: tuple[float, float]) -> float:
        """Distance along the path to the point of it nearest to ``point``, which must be on it."""
        gap = np.linalg.norm(self.xyz - np.asarray(to_xyz(*point)), axis=1) * 6371.0
        k = int(np.argmin(gap))
        assert gap[k] < STEP_KM, f"{point} is {gap[k]:.3f} km from the path"
        return float(self.along_km[k])


@pytest.fixture(scope="module", params=sorted(PATHS))
def case(request: pytest.FixtureRequest) -> tuple[str, TransitReport, Measure]:
    path = PATHS[request.param]
    return request.param, transit_report(path), Measure(path)


def test_crossings_and_high_seas_add_up_to_the_path(
    case: tuple[str, TransitReport, Measure],
) -> None:
    """States' km plus high seas are the path's length: nothing is counted twice or lost.

    Neighbours' shipped polygons overlap by a sliver along each border (they cover the
    source data by about a kilometre) and wholly over a disputed area; a sliver goes to one
    state, and a disputed stretch is shared among its claimants.
    """
    _, report, measure = case
    counted = sum(t.distance_km for t in report.transit) + report.high_seas_km
    slack = 2.0 * STEP_KM * (len(report.transit) + 1) + 1e-6 * measure.total_km
    assert counted == pytest.approx(measure.total_km, abs=slack)
    codes = [t.country for t in report.transit]
    assert all(a != b for a, b in itertools.pairwise(codes)), codes


def test_disputed_areas_are_listed_for_every_claimant_and_counted_once() -> None:
    """Over Crimea both Ukraine and Russia are listed, sharing the km they both claim."""
    path = PATHS["odesa-novorossiysk"]
    report, measure = transit_report(path), Measure(path)
    by_code = {t.country: t for t in report.transit}
    assert {"RU", "UA"} <= set(by_code)
    ua, ru = by_code["UA"], by_code["RU"]
    assert ua.shared_with == ("RU",)
    assert ru.shared_with == ("UA",)
    # Crimea, then the Kerch Strait: well over a hundred km, what the polygons overlap by
    # less the slivers at the isthmus (a few km).
    assert ru.shared_km > 100.0
    assert ru.shared_km == pytest.approx(measure.overlap_km({"RU", "UA"}), abs=10.0)
    assert ru.distance_km < ru.shared_km
    counted = sum(t.distance_km for t in report.transit) + report.high_seas_km
    assert counted == pytest.approx(measure.total_km, rel=1e-4)


def test_crossings_are_in_route_order_and_each_exit_follows_its_entry(
    case: tuple[str, TransitReport, Measure],
) -> None:
    _, report, measure = case
    assert report.transit, "every path here crosses some state"
    spans = [(measure.position_km(t.entry), measure.position_km(t.exit)) for t in report.transit]
    entries = [entry for entry, _ in spans]
    assert entries == sorted(entries)
    for (entry, exit_), t in zip(spans, report.transit, strict=True):
        assert entry <= exit_ + STEP_KM
        # Pieces of one crossing joined across a short gap count only what is inside.
        assert t.distance_km <= exit_ - entry + 2.0 * STEP_KM
        assert t.distance_km > 0.0


def test_a_path_that_starts_and_ends_in_a_state_is_in_it_at_both_ends(
    case: tuple[str, TransitReport, Measure],
) -> None:
    name, report, measure = case
    first, last = report.transit[0], report.transit[-1]
    assert measure.position_km(first.entry) == pytest.approx(0.0, abs=STEP_KM)
    assert measure.position_km(last.exit) == pytest.approx(measure.total_km, abs=STEP_KM)
    if name == "tokyo-anchorage":
        assert (first.country, last.country) == ("JP", "US")
        assert report.high_seas_km > 0.5 * measure.total_km


def test_a_path_over_no_state_is_all_high_seas() -> None:
    path = [(-40.0, 40.0), (-30.0, 45.0)]
    report = transit_report(path)
    assert report.transit == ()
    assert report.high_seas_km == pytest.approx(Measure(path).total_km, rel=1e-6)


@pytest.mark.parametrize("name", sorted(PATHS))
def test_the_drawn_track_keeps_every_turning_point_and_is_cut_at_180(name: str) -> None:
    path = PATHS[name]
    track = transit_report(path).track
    drawn = [p for part in track for p in part]
    for lon, lat in path:
        assert any(math.isclose(lon, x) and math.isclose(lat, y) for x, y in drawn)
    for part in track:
        lons = np.array([p.lon for p in part])
        assert np.all(np.abs(lons) <= 180.0)
        assert np.all(np.abs(np.diff(lons)) < 1.0)
    assert len(track) == (2 if name == "tokyo-anchorage" else 1)


def test_the_track_is_made_when_first_read_and_stands_for_its_lines() -> None:
    import pickle
    from concurrent.futures import ThreadPoolExecutor

    from overflight.models import LonLat, Track

    made: list[int] = []
    lines = ((LonLat(0.0, 0.0), LonLat(1.0, 1.0)), (LonLat(2.0, 2.0), LonLat(3.0, 3.0)))

    def make() -> tuple[tuple[LonLat, ...], ...]:
        made.append(1)
        return lines

    track = Track(make)
    assert made == []  # nothing drawn until asked
    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: [list(part) for part in track], range(16)))
    assert all(s == [list(part) for part in lines] for s in seen)
    assert 1 <= len(made) <= 4  # made once, or once by each thread that raced to it
    assert track == lines
    assert hash(track) == hash(lines)
    assert track[1] == lines[1]
    assert track[:1] == lines[:1]
    assert len(track) == 2
    assert pickle.loads(pickle.dumps(track)) == lines
    assert Track(lambda: lines) == track
    assert track != lines[:1]


def test_a_reports_track_is_its_waypoints_densified() -> None:
    from overflight.geo.ellipsoid import densify_array
    from overflight.routing.transit import TRACK_STEP_KM

    path = PATHS["paris-warsaw"]
    track = transit_report(path).track
    assert [list(p) for p in track[0]] == densify_array(path, TRACK_STEP_KM).tolist()


def test_a_stretch_that_rounding_of_the_cuts_extends_keeps_the_states_over_it() -> None:
    """Two cuts closer than the rounding are one: the stretch before keeps its crossing."""
    from overflight.geo.ellipsoid import cumulative_km, densify_array
    from overflight.routing.transit import JOIN_KM, RouteLine, attribute

    # Over the open Pacific: no polygon edge near, every border moved by TAU_KM.
    coords = densify_array([(-150.0, 0.0), (-149.0, 0.0)], 1.0)
    cum_km = cumulative_km(coords)
    route = RouteLine(((cum_km, coords),))
    total = float(cum_km[-1])
    # FJ's crossing ends a hair before NZ's starts, closer than the cuts are told apart.
    crossings = [(0.0, 30.0, "FJ"), (30.0 + 5e-7, 60.0, "NZ")]
    stretches, high_seas_km = attribute(crossings, total, route)
    assert [s.code for s in stretches] == ["FJ", "NZ"]
    assert stretches[0].distance_km == pytest.approx(30.0, abs=JOIN_KM)
    assert sum(s.distance_km for s in stretches) + high_seas_km == pytest.approx(total)


def _edge_points(count: int) -> tuple[NDArray[np.float64], list[frozenset[str]]]:
    """Points on, near and off the shipped polygons' edges, with the states each may be on.

    On an edge, at its vertices, a few ten-millionths of a degree off it (either side of the
    look-up's reach); each asks for the edge's own state, a neighbour, both, or another.
    """
    from overflight.routing.transit import _shipped_edges

    packed, codes = _shipped_edges()
    rng = np.random.default_rng(16)
    edge = rng.integers(0, len(packed.starts), count)
    t = rng.choice([0.0, 1.0, 0.5, *rng.uniform(0.0, 1.0, 5)], count)
    xy = packed.starts[edge] + t[:, None] * (packed.ends[edge] - packed.starts[edge])
    xy += rng.choice([0.0, 0.0, 5e-8, -9e-8, 1.5e-7, 3e-7], (count, 2))
    own = [codes[o] for o in packed.owner[edge].tolist()]
    other = [codes[k] for k in rng.integers(0, len(codes), count).tolist()]
    pick = rng.integers(0, 3, count).tolist()
    asked = [
        frozenset([o]) if p == 0 else frozenset([o, x]) if p == 1 else frozenset([x])
        for o, x, p in zip(own, other, pick, strict=True)
    ]
    return xy, asked


def test_the_compiled_and_the_numpy_edge_look_ups_are_the_same() -> None:
    """A one-shot report looks up edges in numpy and GEOS, a batch compiled: the same edges."""
    from overflight._config import use_compiled_queries
    from overflight.routing.transit import _crossed_edges

    xy, asked = _edge_points(20_000)
    answers = []
    for compiled in (True, False):
        use_compiled_queries(compiled)
        try:
            answers.append(_crossed_edges(xy, asked))
        finally:
            use_compiled_queries(True)
    assert answers[0] == answers[1]
    found = sum(k >= 0 for k in answers[0])
    assert 5_000 < found < 19_000  # points on edges found, points off them or of others not


def test_the_compiled_distance_to_a_segment_is_geos_to_the_bit() -> None:
    """The look-up's threshold and ties read GEOS's distances: the kernel's are the same."""
    from overflight.routing.edge_kernels import segment_distance

    rng = np.random.default_rng(9)
    a = rng.uniform(-180.0, 180.0, (5_000, 2))
    b = a + rng.normal(0.0, 0.05, (5_000, 2))
    b[:100] = a[:100]  # segments of one point
    t = rng.uniform(-0.2, 1.2, 5_000)
    p = a + t[:, None] * (b - a) + rng.normal(0.0, 1e-7, (5_000, 2))
    geos = shapely.distance(shapely.linestrings(np.stack([a, b], axis=1)), shapely.points(p))
    mine = [segment_distance(*p[k], *a[k], *b[k]) for k in range(len(p))]
    assert mine == geos.tolist()


@pytest.mark.parametrize("name", sorted(PATHS))
def test_the_compiled_and_the_numpy_reports_are_the_same(name: str) -> None:
    from overflight._config import use_compiled_queries

    reports = []
    for compiled in (True, False):
        use_compiled_queries(compiled)
        try:
            reports.append(transit_report(PATHS[name]))
        finally:
            use_compiled_queries(True)
    assert reports[0].transit == reports[1].transit
    assert reports[0].high_seas_km == reports[1].high_seas_km
