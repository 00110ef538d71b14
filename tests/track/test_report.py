"""The report of a flown track: states in order with times, approaches, optimum, violations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
import shapely

from overflight.analysis.track import Fix, Track, build_track, report_track
from overflight.data.airspace import states
from overflight.export.track import track_report_to_geojson
from overflight.geo.ellipsoid import densify_path, wgs84
from overflight.routing.transit import states_in_order, transit_report
from overflight.scenarios import straits, transit_corridors
from tests.track.flown import through_the_strait


def test_the_2015_syria_flight_broke_no_rule_and_went_round_turkey(syria_2015: Track) -> None:
    report = report_track(syria_2015, operator="RU", category="state")
    assert (report.origin.code, report.destination.code) == ("UUMU", "OSLK")
    assert report.date == dt.date(2015, 9, 15)
    # The states in order are the transit report's, over Iran and Iraq, never Turkey.
    crossed = tuple(o.transit.country for o in report.overflown)
    assert crossed == states_in_order([transit_report(syria_2015.points).transit])
    assert crossed[0] == "RU"
    assert crossed[-1] == "SY"
    assert {"IR", "IQ"} <= set(crossed)
    assert "TR" not in crossed
    assert "BG" not in crossed
    assert report.violations == ()
    assert {"TR", "BG", "GR"} <= set(report.denied)
    # Entries in order of time, each at the km where the crossing starts.
    times = [o.entry_time for o in report.overflown if o.entry_time is not None]
    assert len(times) == len(report.overflown)
    assert times == sorted(times)
    km = [o.entry_km for o in report.overflown]
    assert km == sorted(km)
    assert 0.0 <= km[0] < 5.0
    iran = next(o for o in report.overflown if o.transit.country == "IR")
    assert iran.duration_h is not None
    assert iran.duration_h * 60.0 == pytest.approx(
        (iran.exit_km - iran.entry_km) / (430.0 * 1.852) * 60.0, abs=2.0
    )
    # Turkey is passed close by and not entered.
    turkey = next(a for a in report.approaches if a.country == "TR")
    assert turkey.closest_km < 30.0
    # Over the Caspian, hundreds of km longer than the legal route over Azerbaijan...
    assert report.optimum is not None
    assert {"AZ", "AM"} & {t.country for t in report.optimum.route.transit}
    assert report.detour_km is not None
    assert 200.0 < report.detour_km < 600.0
    # ...and flown along the optimum once those two are refused too: the noise's few km.
    caspian = report_track(syria_2015, operator="RU", category="state", deny=("AZ", "AM"))
    assert caspian.detour_km is not None
    assert abs(caspian.detour_km) < 15.0
    # The gap over the Caspian is flagged.
    assert len(syria_2015.gaps) == 1


def test_a_russian_flight_over_ukraine_in_2022_is_a_violation_naming_the_rule(
    over_ukraine: Track,
) -> None:
    report = report_track(over_ukraine, operator="RU")
    assert [v.crossing.transit.country for v in report.violations] == ["UA"]
    (violation,) = report.violations
    assert any(r.startswith("ua-closes-to-civil-flights-2022") for r in violation.rules)
    assert all(s.startswith("http") for s in violation.sources)
    assert violation.crossing.entry_time is not None
    assert violation.crossing.entry_time.date() == dt.date(2022, 6, 1)
    # The legal route goes round Ukraine: longer than the track flown.
    assert report.detour_km is not None
    assert report.detour_km < 0.0
    # The same track with no operator breaks nothing.
    assert report_track(over_ukraine).violations == ()


def test_the_gibraltar_track_skirts_spain_and_is_hundreds_of_km_longer(gibraltar: Track) -> None:
    report = report_track(gibraltar, deny=("FR", "ES"))
    crossed = {o.transit.country for o in report.overflown}
    assert not crossed & {"FR", "ES"}
    assert report.straits[:1] == ("gibraltar",)
    assert report.violations == ()
    spain = next(a for a in report.approaches if a.country == "ES")
    assert spain.skirted
    assert report.detour_km is not None
    assert 200.0 < report.detour_km < 800.0
    assert report.detour_min is not None
    assert report.detour_min == pytest.approx(report.detour_km / (430.0 * 1.852) * 60.0, rel=0.02)
    data = report.to_dict()
    assert data["straits"] == ["gibraltar"]
    assert len(data["track"]["gaps"]) == 2


def _flown(name: str, waypoints: list[tuple[float, float]], step_km: float = 8.0) -> Track:
    start = dt.datetime(2024, 5, 1, 8, 0, tzinfo=dt.UTC)
    points = densify_path(waypoints, step_km)
    fixes = [
        Fix(x, y, start + dt.timedelta(minutes=k), f"line {k + 2}")
        for k, (x, y) in enumerate(points)
    ]
    return build_track(name, fixes)


def test_crossing_a_closed_coastal_state_inside_gibraltar_is_transit_passage() -> None:
    track = _flown("gibraltar.csv", through_the_strait())
    report = report_track(track, deny=("ES", "MA"))
    crossed = [o.transit.country for o in report.overflown]
    assert {"ES", "MA"} <= set(crossed)
    assert report.violations == ()
    assert [(p.crossing.transit.country, p.strait) for p in report.transit_passages] == [
        (c, "gibraltar") for c in crossed
    ]
    data = report.to_dict()
    assert data["violations"] == []
    assert {p["regime"] for p in data["transit_passages"]} == {"transit_passage"}
    drawn = [f["properties"]["role"] for f in track_report_to_geojson(report)["features"]]
    assert drawn.count("transit_passage") == len(crossed)
    assert "violation" not in drawn
    # Off the corridor, over Morocco's coast west of the strait, the same refusal is broken.
    coast = _flown("tangier.csv", [(-9.0, 35.9), (-5.9, 35.75), (-5.3, 35.9), (-2.0, 36.2)])
    off = report_track(coast, deny=("ES", "MA"))
    assert "MA" in [v.crossing.transit.country for v in off.violations]


def test_the_bosporus_is_no_transit_passage_strait() -> None:
    # Montreux, not UNCLOS: a closed Türkiye is not crossed there by right.
    assert not straits()["bosporus"].transit_passage
    assert "bosporus" not in {s.id for s in transit_corridors()}


@pytest.mark.parametrize("lon", [179.95, -179.95])
def test_approaches_are_measured_across_the_antimeridian(lon: float) -> None:
    # North along the antimeridian from the Aleutians (US) to the Gulf of Anadyr (RU), whose
    # coasts lie on both sides of it.
    points = [(lon, 52.5 + k * 0.1) for k in range(99)]
    report = report_track(_flown("bering.csv", points, step_km=4.0))
    near = {a.country: a.closest_km for a in report.approaches}
    for code in ("RU", "US"):
        # Brute force: the geodesic distance to every vertex of the state's outline near 180°.
        area = states()[code].geometry
        rings = [shapely.get_coordinates(p.exterior) for p in getattr(area, "geoms", [area])]
        vertices = np.concatenate(rings)
        vertices = vertices[(np.abs(vertices[:, 0]) > 170.0) & (np.abs(vertices[:, 1] - 58) < 12)]
        n = len(vertices)
        metres = [wgs84().inv(np.full(n, x), np.full(n, y), *vertices.T)[2] for x, y in points]
        best = float(np.min(metres)) / 1000.0
        # Never further than the nearest vertex, and no nearer than the outline's spacing.
        assert best - 3.0 < near[code] <= best + 0.1, (code, near[code], best)
