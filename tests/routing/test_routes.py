"""Named routes on the shipped data: the antimeridian, the pole, a narrow corridor, 2015 Syria."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import shapely

from overflight import Route, plan_route
from overflight.geo.ellipsoid import geodesic_km
from overflight.geo.sphere import EARTH_RADIUS_KM, angle, to_xyz
from overflight.routing.verify import check_route, shrunk_area

Lonlat = tuple[float, float]


def xyz(points: list[Lonlat] | tuple[Lonlat, ...]) -> np.ndarray:
    arr = np.asarray(points, dtype=np.float64)
    return np.asarray(to_xyz(arr[:, 0], arr[:, 1]))


def sphere_km(points: list[Lonlat] | tuple[Lonlat, ...]) -> float:
    v = xyz(points)
    return float(np.sum(angle(v[:-1], v[1:]))) * EARTH_RADIUS_KM


def dense(
    waypoints: tuple[Lonlat, ...] | list[Lonlat], step_km: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Points along great-circle legs every ~step_km (unit vectors), and how far along they are."""
    pts, along = [], []
    offset = 0.0
    for a, b in itertools.pairwise(xyz(waypoints)):
        theta = float(angle(a, b))
        n = max(1, math.ceil(theta * EARTH_RADIUS_KM / step_km))
        t = np.linspace(0.0, 1.0, n + 1)[:, None]
        pts.append((np.sin((1.0 - t) * theta) * a + np.sin(t * theta) * b) / math.sin(theta))
        along.append(offset + t[:, 0] * theta * EARTH_RADIUS_KM)
        offset += theta * EARTH_RADIUS_KM
    return np.concatenate(pts), np.concatenate(along)


def position_km(point: Lonlat, track: tuple[np.ndarray, np.ndarray]) -> float:
    """Distance along the route to the point of the route nearest to ``point``; it must be on it."""
    pts, along = track
    gap = angle(pts, to_xyz(*point)) * EARTH_RADIUS_KM
    k = int(np.argmin(gap))
    assert gap[k] < 3.0, f"{point} is {gap[k]:.1f} km from the route"
    return float(along[k])


def common_checks(route: Route) -> None:
    """What every route must satisfy, whatever its shape."""
    check_route(route.waypoints, route.denied)
    assert not {t.country for t in route.transit} & set(route.denied)
    assert route.distance_km >= route.great_circle_km - 1e-6
    # Every leg is the minor arc: strictly shorter than half the globe.
    v = xyz(route.waypoints)
    assert np.all(angle(v[:-1], v[1:]) < math.pi - 1e-9)
    # Ellipsoid and sphere lengths of the same path agree to the flattening's order.
    assert route.distance_km == pytest.approx(sphere_km(route.waypoints), rel=5e-3)
    geometry = route.__geo_interface__["geometry"]
    parts = (
        [geometry["coordinates"]] if geometry["type"] == "LineString" else geometry["coordinates"]
    )
    for part in parts:
        lons = np.array([p[0] for p in part])
        assert np.all((lons >= -180.0) & (lons <= 180.0))
        assert np.all(np.abs(np.diff(lons)) < 180.0), "a GeoJSON part jumps across ±180°"
    # The drawn track follows the route: about as long, so no leg goes the long way round.
    drawn = sum(sphere_km([tuple(p) for p in part]) for part in parts)
    assert drawn == pytest.approx(sphere_km(route.waypoints), rel=1e-2)
    assert _same_point(parts[0][0], route.origin.lonlat)
    assert _same_point(parts[-1][-1], route.destination.lonlat)


def _same_point(p: list[float] | tuple[float, ...], q: tuple[float, float]) -> bool:
    """Equal, taking 180 and -180 as the one meridian they are."""
    return p[1] == q[1] and (p[0] == q[0] or abs(p[0]) == abs(q[0]) == 180.0)


#: The named cases below, as (origin, destination, denied).
NAMED = {
    "antimeridian": ("RJAA", "PANC", ["RU"]),
    "pole": ("EFHK", "RJAA", ["RU", "BY", "UA"]),
    "corridor": ("UMKK", "ULLI", ["PL", "LT", "LV", "EE", "FI", "SE", "DK", "DE"]),
    "syria-2015": ("UUMU", "OSLK", ["BG", "GR", "TR"]),
}


@pytest.mark.parametrize("case", sorted(NAMED))
def test_drawn_track_keeps_the_turning_points_and_stays_out(case: str) -> None:
    origin, destination, deny = NAMED[case]
    route = plan_route(origin, destination, deny=deny)
    drawn = np.array([p for part in route.track for p in part])
    for w in route.waypoints:
        assert np.min(np.max(np.abs(drawn - np.array(w)), axis=1)) < 1e-9, f"{w} is not drawn"
    for part in route.track:
        for code in route.denied:
            assert not shapely.intersects(shrunk_area(code), shapely.LineString(part)), code


def assert_split_at_antimeridian(route: Route) -> int:
    """The GeoJSON track is cut at every ±180° crossing, both sides at the same latitude."""
    geometry = route.__geo_interface__["geometry"]
    assert geometry["type"] == "MultiLineString"
    parts = geometry["coordinates"]
    for before, after in itertools.pairwise(parts):
        assert abs(before[-1][0]) == 180.0
        assert after[0][0] == -before[-1][0]
        assert after[0][1] == pytest.approx(before[-1][1], abs=1e-9)
    return len(parts) - 1


def test_tokyo_anchorage_without_russia_crosses_the_antimeridian() -> None:
    route = plan_route(*NAMED["antimeridian"][:2], deny=NAMED["antimeridian"][2])
    common_checks(route)
    direct = plan_route("RJAA", "PANC")
    assert "RU" in [t.country for t in direct.transit]  # the Komandorski Islands
    assert not route.is_direct
    assert 0.0 < route.extra_km < 150.0
    assert 5400.0 < route.distance_km < 5700.0
    assert assert_split_at_antimeridian(route) == 1
    countries = [t.country for t in route.transit]
    assert countries[0] == "JP"
    assert countries[-1] == "US"


def test_helsinki_tokyo_without_russia_goes_over_the_pole() -> None:
    route = plan_route(*NAMED["pole"][:2], deny=NAMED["pole"][2])
    common_checks(route)
    assert 1500.0 < route.extra_km < 4500.0
    assert {"RU", "BY", "UA"}.isdisjoint(t.country for t in route.transit)
    # Over the Arctic Ocean: the first leg passes close to the pole, far from Russia's coast.
    pts, _ = dense(route.waypoints, step_km=10.0)
    assert np.max(np.degrees(np.arcsin(pts[:, 2]))) > 80.0
    # Then through the Bering Strait, between the Diomedes, on the US side.
    assert any(-172.0 < w.lon < -168.0 and 64.0 < w.lat < 67.0 for w in route.waypoints)
    assert "US" in [t.country for t in route.transit]
    assert assert_split_at_antimeridian(route) >= 1


def test_kaliningrad_st_petersburg_threads_the_gulf_of_finland() -> None:
    route = plan_route(*NAMED["corridor"][:2], deny=NAMED["corridor"][2])
    common_checks(route)
    countries = [t.country for t in route.transit]
    assert countries[0] == "RU"
    assert countries[-1] == "RU"
    assert set(countries) == {"RU"}
    # The high-seas corridor between the Finnish and Estonian territorial seas: some leg
    # crosses the meridian 25°E between 59.6°N and 60.0°N.
    crossings = []
    for a, b in itertools.pairwise(route.waypoints):
        if (a.lon - 25.0) * (b.lon - 25.0) < 0.0:
            pts, _ = dense([a, b], step_km=0.2)
            lon = np.degrees(np.arctan2(pts[:, 1], pts[:, 0]))
            lat = np.degrees(np.arcsin(pts[:, 2]))
            k = int(np.argmin(np.abs(lon - 25.0)))
            crossings.append(lat[k])
    assert len(crossings) == 1
    assert 59.6 < crossings[0] < 60.0
    assert route.high_seas_km > 500.0


def test_syria_2015_goes_round_bulgaria_greece_and_turkey() -> None:
    """September 2015: Russian transports to Latakia went over Iran and Iraq instead."""
    route = plan_route(*NAMED["syria-2015"][:2], deny=NAMED["syria-2015"][2])
    common_checks(route)
    countries = [t.country for t in route.transit]
    assert {"IR", "IQ"} <= set(countries)
    assert {"BG", "GR", "TR"}.isdisjoint(countries)
    assert countries[0] == "RU"
    assert countries[-1] == "SY"
    assert countries.index("IR") < countries.index("IQ") < countries.index("SY")
    # Entries and exits lie on the route, in order of flight.
    track = dense(route.waypoints)
    spans = [(position_km(t.entry, track), position_km(t.exit, track)) for t in route.transit]
    for (entry, exit_), t in zip(spans, route.transit, strict=True):
        assert entry <= exit_
        assert exit_ - entry == pytest.approx(t.distance_km, rel=0.02, abs=3.0)
    entries = [entry for entry, _ in spans]
    assert entries == sorted(entries)
    assert spans[0][0] == pytest.approx(0.0, abs=1.0)
    assert spans[-1][1] == pytest.approx(sphere_km(route.waypoints), abs=1.0)
    # Neighbouring airspaces do not overlap here but for border slivers: the crossings and the
    # high seas add up to the whole route.
    total = sum(t.distance_km for t in route.transit) + route.high_seas_km
    assert total == pytest.approx(route.distance_km, rel=0.01)


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        ("10,180", "20,180"),
        ("-20,-180", "-10,-180"),
        ("10,180", "20,-180"),
        ("10,-180", "20,180"),
        ("60,180", "70,-180"),
    ],
)
def test_a_leg_along_the_antimeridian(origin: str, destination: str) -> None:
    """±180 name one meridian: a route along it is the same whichever name each end uses."""
    route = plan_route(origin, destination)
    assert route.is_direct
    (lat1, _), (lat2, _) = (tuple(map(float, p.split(","))) for p in (origin, destination))
    # Along a meridian: the length of 1° of latitude there, times the span.
    assert route.distance_km == pytest.approx(geodesic_km(180.0, lat1, 180.0, lat2), rel=1e-9)
    assert route.high_seas_km == pytest.approx(route.distance_km, rel=1e-6)
    common_checks(route)
