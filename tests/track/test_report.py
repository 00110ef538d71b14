"""The report of a flown track: states in order with times, approaches, optimum, violations."""

from __future__ import annotations

import datetime as dt

import pytest

from overflight.analysis.track import Track, report_track
from overflight.routing.transit import states_in_order, transit_report


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
