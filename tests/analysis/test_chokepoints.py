"""Chokepoints and "no route" explanations, checked against independent plans."""

from __future__ import annotations

import itertools
import math

import pytest

from overflight.analysis import ChokepointReport, explain_no_route, find_chokepoints, scenario_case
from overflight.analysis.chokepoints import Replanner, _Known
from overflight.analysis.compare import states_crossed
from overflight.data.airports import resolve_place
from overflight.errors import NoRouteError, VerificationError
from overflight.models import Route
from overflight.routing.closure import Closure
from overflight.routing.planner import plan_route
from overflight.routing.verify import check_route

ENDS = {"FI", "JP"}


@pytest.fixture(scope="module")
def helsinki_tokyo() -> ChokepointReport:
    permissions = scenario_case("russia-2022", "EFHK", "RJAA").permissions
    return find_chokepoints("EFHK", "RJAA", permissions=permissions, max_set_size=1)


def test_baseline_is_the_planned_route(helsinki_tokyo: ChokepointReport) -> None:
    permissions = scenario_case("russia-2022", "EFHK", "RJAA").permissions
    route = plan_route("EFHK", "RJAA", permissions=permissions)
    assert helsinki_tokyo.baseline.distance_km == pytest.approx(route.distance_km, rel=1e-9)
    assert helsinki_tokyo.baseline.denied == route.denied


def test_every_figure_agrees_with_an_independent_plan(helsinki_tokyo: ChokepointReport) -> None:
    permissions = scenario_case("russia-2022", "EFHK", "RJAA").permissions
    base = helsinki_tokyo.baseline
    assert helsinki_tokyo.ranking
    for point in helsinki_tokyo.ranking:
        try:
            route = plan_route("EFHK", "RJAA", permissions=permissions, deny=[point.country])
        except NoRouteError:
            assert point.cuts
            assert point.route is None
            continue
        assert point.route_km == pytest.approx(route.distance_km, rel=1e-9)
        assert point.extra_km == pytest.approx(route.distance_km - base.distance_km, abs=1e-6)
        assert point.extra_h == pytest.approx(route.duration_h - base.duration_h, abs=1e-9)
        assert point.country not in states_crossed(route)
        assert not point.cuts


def test_only_crossed_states_are_ranked(helsinki_tokyo: ChokepointReport) -> None:
    crossed = set(states_crossed(helsinki_tokyo.baseline))
    ranked = [p.country for p in helsinki_tokyo.ranking]
    assert set(ranked) == crossed - ENDS
    extras: list[float] = []
    for p in helsinki_tokyo.ranking:
        if not p.cuts:
            assert p.extra_km is not None  # a state that does not cut leaves a route
            extras.append(p.extra_km)
    assert extras == sorted(extras, reverse=True)
    # A state the route does not cross changes nothing: the same route stays optimal.
    permissions = scenario_case("russia-2022", "EFHK", "RJAA").permissions
    other = plan_route("EFHK", "RJAA", permissions=permissions, deny=["BR"])
    assert other.distance_km == pytest.approx(helsinki_tokyo.baseline.distance_km, rel=1e-9)


def test_range_cuts_are_real(helsinki_tokyo: ChokepointReport) -> None:
    limit = helsinki_tokyo.baseline.distance_km + 100.0
    permissions = scenario_case("russia-2022", "EFHK", "RJAA").permissions
    report = find_chokepoints(
        "EFHK", "RJAA", permissions=permissions, usable_range_km=limit, max_set_size=1
    )
    assert report.usable_range_km == limit
    assert report.ranking
    for point in report.ranking:
        route = plan_route("EFHK", "RJAA", permissions=permissions, deny=[point.country])
        assert point.cuts == (route.distance_km > limit)
    assert {s[0] for s in report.cut_sets} == {p.country for p in report.ranking if p.cuts}


def test_cut_sets_really_cut() -> None:
    # Yerevan to Moscow with Georgia and Azerbaijan closed: the route goes over Iran or
    # Turkey, and Armenia is landlocked between the four.
    report = find_chokepoints("UDYZ", "UUMU", deny=["GE", "AZ"], max_set_size=2)
    assert report.complete
    assert ("IR", "TR") in report.cut_sets
    for cut in report.cut_sets:
        with pytest.raises(NoRouteError):
            plan_route("UDYZ", "UUMU", deny=["GE", "AZ", *cut])
        for code in cut:  # minimal: lifting any one refusal opens a route
            rest = [c for c in cut if c != code]
            plan_route("UDYZ", "UUMU", deny=["GE", "AZ", *rest])


def test_cut_sets_match_a_brute_force_search() -> None:
    # Every refusal of one or two of the states around the Caucasus, planned in full: the
    # minimal cuts among them are exactly the search's (which re-plans far fewer sets).
    near = ["TR", "IR", "IQ", "SY", "TM"]
    report = find_chokepoints("UDYZ", "UUMU", deny=["GE", "AZ"], max_set_size=2)

    def cuts(refused: list[str]) -> bool:
        try:
            plan_route("UDYZ", "UUMU", deny=["GE", "AZ", *refused])
        except NoRouteError:
            return True
        return False

    singles = {c for c in near if cuts([c])}
    pairs = {
        (a, b)
        for i, a in enumerate(near)
        for b in near[i + 1 :]
        if a not in singles and b not in singles and cuts([a, b])
    }
    expected = {(c,) for c in singles} | {tuple(sorted(p)) for p in pairs}
    found = {s for s in report.cut_sets if set(s) <= set(near)}
    assert found == expected
    assert ("IR", "TR") in expected


def _syria_2015() -> tuple[Replanner, Route]:
    """The syria-2015 flight's re-planner, and its baseline planned."""
    permissions = scenario_case("syria-2015", "UUMU", "OSLK").permissions
    closure = Closure.from_permissions(permissions)
    start, end = resolve_place("UUMU"), resolve_place("OSLK")
    planner = Replanner(start, end, closure, base=closure.denied, speed_kt=450.0)
    baseline = planner.route(frozenset(), 0.0)
    assert baseline is not None
    return planner, baseline


def test_the_plans_of_one_refusal_share_the_baseline_focus() -> None:
    # syria-2015: Armenia, Azerbaijan or Iraq also refused, each re-planned within 1.3 times
    # the baseline. Their foci are the baseline's (a rung of one ladder), so each graph
    # derives from the baseline's with new vertices only where the refused state lies.
    planner, baseline = _syria_2015()
    for code in ("AM", "AZ", "IQ"):
        route = planner.route(frozenset({code}), baseline.distance_km * 1.3)
        assert route is not None
        assert route.distance_km <= baseline.distance_km * 1.6
    foci = {refused: p.closure.focus for refused, p in planner._planners.items()}
    assert len(foci) == 4
    assert len(set(foci.values())) == 1


@pytest.fixture(scope="module")
def syria_iran() -> Replanner:
    """The syria-2015 flight's re-planner, with the baseline and Iran also refused planned."""
    planner, baseline = _syria_2015()
    assert planner.route(frozenset({"IR"}), baseline.distance_km * 1.3) is not None
    return planner


def test_a_set_is_routed_around_on_the_graph_of_its_largest_planned_subset(
    syria_iran: Replanner,
) -> None:
    # Iran and Turkmenistan refused, then Finland too: neither pair was planned, but Iran
    # was, and its graph already bends around Iran (the baseline's cannot).
    refused = frozenset({"IR", "TM", "FI", "AX"})
    route = syria_iran.route_around(refused, frozenset({"IR", "TM"}), math.inf)
    assert route is not None
    assert not refused & {t.country for t in route.transit}
    check_route(route.waypoints, sorted(syria_iran.base | refused))
    iran = syria_iran.route(frozenset({"IR"}), 0.0)
    assert iran is not None
    assert route.distance_km >= iran.distance_km


def test_a_route_longer_than_its_bound_is_planned_again_on_the_rung_that_holds_it(
    syria_iran: Replanner,
) -> None:
    # Iraq, Saudi Arabia and Morocco refused, hinted at 5,902 km: the first focus (the
    # 7,314 km rung) finds a route of 8,083 km, which the 9,143 km rung holds, as it holds
    # Iran's plan: the graph derives from Iran's, with no wider focus of its own.
    refused = frozenset({"IQ", "SA", "MA"})
    route = syria_iran.route(refused, 5902.0)
    assert route is not None
    rung = syria_iran._rung(route.distance_km)
    assert rung < route.distance_km * 1.25
    focus = syria_iran._planners[refused].closure.focus
    assert focus is not None
    assert focus.reach_km == syria_iran._limit_km(rung)
    assert focus == syria_iran._planners[frozenset({"IR"})].closure.focus


def test_a_known_route_is_legal_for_a_set_exactly_when_the_verifier_says_so(
    syria_iran: Replanner,
) -> None:
    # What the verifier found for one set is kept per state and serves the sets that share
    # states; the answers are still the verifier's for every set.
    iran = syria_iran.route(frozenset({"IR"}), 0.0)
    assert iran is not None
    known = _Known(iran, verified=())
    crossed = {t.country for t in iran.transit}
    near = ["KZ", "TM", "AZ", "GE", "AM", "IQ", "SA", "FI", "EE", "LV", "FR"]
    for size in (1, 2):
        for refused in itertools.combinations(near, size):
            try:
                check_route(iran.waypoints, sorted(refused))
                legal = True
            except VerificationError:
                legal = False
            assert known.avoids(frozenset(refused), likely=near) == legal, refused
    assert known.enters <= crossed | set(near)
    assert known.clear.isdisjoint(known.enters)
    assert known.clear | known.enters | crossed >= set(near)


def test_explain_no_route() -> None:
    assert explain_no_route("UDYZ", "UUMU", deny=["GE", "AZ", "TR", "IR", "FR", "DE"]) == (
        "AZ",
        "GE",
        "IR",
        "TR",
    )
    assert explain_no_route("UDYZ", "UUMU", deny=["GE"]) == ()
    with pytest.raises(NoRouteError):
        find_chokepoints("UDYZ", "UUMU", deny=["GE", "AZ", "TR", "IR"])


def test_with_an_aircraft_a_cut_is_a_refusal_fuel_stops_cannot_beat() -> None:
    # The Il-76 flights of September 2015 (syria-2015): with Iran also refused the non-stop
    # route is beyond the Il-76's range, but `route --deny IR --aircraft IL76` flies it with
    # a fuel stop, so Iran is not a cut; every refusal reported as one leaves no plan at all.
    from overflight.aircraft import load_aircraft
    from overflight.analysis import FlightRequest, plan_request

    il76 = load_aircraft("IL76")
    permissions = scenario_case("syria-2015", "UUMU", "OSLK").permissions
    report = find_chokepoints(
        "UUMU", "OSLK", permissions=permissions, aircraft=il76, max_set_size=1
    )
    assert report.usable_range_km == pytest.approx(il76.usable_range_km())
    iran = next(p for p in report.ranking if p.country == "IR")
    assert iran.route_km is not None
    assert iran.route_km > il76.usable_range_km()
    assert not iran.cuts
    assert iran.stops is not None
    planned = plan_request(
        FlightRequest(
            origin="UUMU", destination="OSLK", scenario="syria-2015", deny=("IR",), aircraft="IL76"
        )
    )
    assert planned.stops is not None
    assert [s.code for s in iran.stops.stops] == [s.code for s in planned.stops.stops]
    for point in report.ranking:
        if point.cuts:
            with pytest.raises(NoRouteError):
                plan_request(
                    FlightRequest(
                        origin="UUMU",
                        destination="OSLK",
                        scenario="syria-2015",
                        deny=(point.country,),
                        aircraft="IL76",
                    )
                )
    assert {s[0] for s in report.cut_sets} == {p.country for p in report.ranking if p.cuts}


def test_with_a_month_range_is_wind_time_as_route_decides_it() -> None:
    # Delhi to Cairo (4,411 km) is within a 737-800's range in still air, but not against
    # January's subtropical jet: the same refusals then need fuel stops, and each stop plan
    # is the one `route --deny X --aircraft B738 --month 1` makes.
    from overflight.analysis import FlightRequest, plan_request
    from overflight.analysis.chokepoints import request_chokepoints

    def ask(month: int | None, deny: tuple[str, ...] = ()) -> FlightRequest:
        return FlightRequest(
            origin="VIDP", destination="HECA", aircraft="B738", month=month, deny=deny
        )

    still = request_chokepoints(ask(None), max_set_size=0)
    january = request_chokepoints(ask(1), max_set_size=0)
    assert [p.country for p in still.ranking] == [p.country for p in january.ranking]
    near = [p for p in still.ranking if p.stops is None]
    assert near  # some refusals leave the flight non-stop in still air
    by_country = {p.country: p for p in january.ranking}
    for point in near[:2]:
        windy = by_country[point.country]
        assert windy.stops is not None
        assert not windy.cuts
        planned = plan_request(ask(1, (point.country,)))
        assert planned.stops is not None
        assert [s.code for s in windy.stops.stops] == [s.code for s in planned.stops.stops]
