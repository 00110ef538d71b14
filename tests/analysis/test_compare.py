"""Compare: cases side by side, against independent plans on the shipped data."""

from __future__ import annotations

import pytest

from overflight.aircraft import load_aircraft
from overflight.analysis import (
    Case,
    compare_routes,
    deny_case,
    scenario_case,
    states_crossed,
)
from overflight.errors import InputError
from overflight.routing.planner import plan_route
from overflight.scenarios import load_scenario


@pytest.fixture(scope="module")
def syria() -> object:
    cases = [scenario_case(n, "UUMU", "OSLK") for n in ("syria-2015-before", "syria-2015")]
    return compare_routes("UUMU", "OSLK", cases)


def test_before_and_after_september_2015(syria) -> None:  # type: ignore[no-untyped-def]
    before, after = syria.results
    assert {"BG", "GR"} <= set(before.states)
    assert {"IR", "IQ"} <= set(after.states)
    assert not {"BG", "GR", "TR"} & set(after.states)
    diff = syria.differences[0]
    assert (diff.from_label, diff.to_label) == ("syria-2015-before", "syria-2015")
    assert {"IR", "IQ"} <= set(diff.states_added)
    assert {"BG", "GR"} <= set(diff.states_removed)
    assert not set(diff.states_added) & set(before.states)
    assert not set(diff.states_removed) & set(after.states)
    assert diff.delta_km == pytest.approx(after.distance_km - before.distance_km)
    assert diff.delta_h == pytest.approx(after.duration_h - before.duration_h)


def test_figures_agree_with_an_independent_plan(syria) -> None:  # type: ignore[no-untyped-def]
    for result in syria.results:
        permissions = load_scenario(result.label).resolve(allow=["RU", "SY"])
        route = plan_route("UUMU", "OSLK", permissions=permissions)
        assert result.distance_km == pytest.approx(route.distance_km, rel=1e-9)
        assert result.extra_km == pytest.approx(route.distance_km - route.great_circle_km)
        assert result.states == states_crossed(route)
        assert result.clearances == tuple(c for c in result.states if c not in {"RU", "SY"})
        assert result.denied == route.denied


def test_deny_cases() -> None:
    comparison = compare_routes("EFHK", "RJAA", [deny_case([]), deny_case(["RU"])], speed_kt=480.0)
    free, closed = comparison.results
    assert (free.label, closed.label) == ("no refusals", "deny RU")
    assert "RU" in free.states
    assert "RU" not in closed.states
    assert closed.denied == ("RU",)
    assert free.distance_km is not None
    assert closed.distance_km is not None
    assert comparison.differences[0].delta_km == pytest.approx(
        closed.distance_km - free.distance_km
    )
    assert closed.distance_km - free.distance_km > 2000.0
    assert free.speed_kt == 480.0
    assert free.duration_h == pytest.approx(free.distance_km / (480.0 * 1.852))


def test_a_case_with_no_route_says_why() -> None:
    # Armenia is landlocked between Georgia, Azerbaijan, Turkey and Iran.
    walls = ("GE", "AZ", "TR", "IR")
    comparison = compare_routes("UDYZ", "UUMU", [deny_case([]), Case("walled in", deny=walls)])
    free, walled = comparison.results
    assert free.route is not None
    assert free.error is None
    assert walled.route is None
    assert "enclosed" in (walled.error or "")
    assert walled.distance_km is None
    assert walled.states == ()
    assert walled.within_range is None
    assert set(walls) <= set(walled.denied)
    diff = comparison.differences[0]
    assert diff.delta_km is None
    assert diff.delta_h is None
    assert diff.states_added == ()
    assert diff.states_removed == free.states


def test_aircraft_range_and_speed() -> None:
    b788 = load_aircraft("B788")
    comparison = compare_routes(
        "EFHK", "RJAA", [deny_case([], aircraft=b788), deny_case(["RU"], aircraft=b788)]
    )
    for result in comparison.results:
        assert result.distance_km is not None
        assert result.speed_kt == b788.cruise_speed_kt
        assert result.usable_range_km == pytest.approx(b788.usable_range_km())
        assert result.within_range is (result.distance_km <= b788.usable_range_km())


def test_bad_input() -> None:
    with pytest.raises(InputError, match="at least one case"):
        compare_routes("EFHK", "RJAA", [])
    with pytest.raises(InputError, match="differ"):
        compare_routes("EFHK", "RJAA", [deny_case(["RU"]), deny_case(["RUS"])])


def test_compare_shows_fuel_stops_for_a_short_range_aircraft() -> None:
    from overflight.aircraft import load_aircraft
    from overflight.analysis.compare import compare_routes, deny_case

    b738 = load_aircraft("B738")
    comparison = compare_routes(
        "VIDP", "KORD", [deny_case(["PK"], aircraft=b738), deny_case(["PK", "CN"], aircraft=b738)]
    )
    for result in comparison.results:
        assert result.within_range is False
        assert result.fuel_stops
        assert result.stop_plan is not None
        assert all(leg.distance_km <= b738.usable_range_km() for leg in result.stop_plan.legs)
        assert result.total_time_h == result.stop_plan.total_time_h


def test_a_case_in_a_month_decides_range_by_wind_time_as_route_does() -> None:
    # Delhi to Cairo with a 737-800: non-stop in still air, a fuel stop against January's
    # jet, the same stop as `route --aircraft B738 --month 1` makes.
    from overflight.analysis import FlightRequest, plan_request
    from overflight.analysis.compare import compare_routes, request_case

    asks = [
        FlightRequest(origin="VIDP", destination="HECA", aircraft="B738", month=month)
        for month in (None, 1)
    ]
    cases = [request_case(a, label=label) for a, label in zip(asks, ("still", "jan"), strict=True)]
    comparison = compare_routes("VIDP", "HECA", cases)
    still, january = comparison.results
    assert still.stop_plan is None
    assert january.stop_plan is not None
    planned = plan_request(asks[1]).stops
    assert planned is not None
    assert [s.code for s in january.stop_plan.stops] == [s.code for s in planned.stops]
