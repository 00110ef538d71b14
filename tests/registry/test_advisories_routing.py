"""Advisories shape routes: the issue's proof cases from the public rules, planned for real.

The areas are the shipped airspace of the states the advisories name (no FIR outlines);
every route is checked here against the areas of the advisories that bind it at its level,
computed from the catalogue apart from the closure the planner was given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry.base import BaseGeometry

from overflight.analysis import FlightRequest
from overflight.analysis.plan import Plan, plan_request
from overflight.errors import InputError, VerificationError
from overflight.geo.ellipsoid import great_circle_points
from overflight.geo.sphere import split_antimeridian
from overflight.models import LonLat
from overflight.registry import advisories_for, advisory_by_id
from overflight.routing.advisory_areas import advisory_areas, area_geometry
from overflight.routing.obstacles import build_obstacles
from overflight.routing.verify import check_route
from overflight.scenarios import transit_corridors

GERMAN: dict[str, Any] = {"airline": "DLH", "date": dt.date(2020, 2, 1)}
AMERICAN: dict[str, Any] = {"operator": "US", "date": dt.date(2020, 1, 10)}
GULF = "faa-gulf-waters-notam-a0003-2020"


def ask(origin: str, destination: str, **options: Any) -> Plan:
    return plan_request(FlightRequest(origin=origin, destination=destination, **options))


@cache
def plan(origin: str, destination: str, level: int = 350, **who: Any) -> Plan:
    return plan_request(
        FlightRequest(origin=origin, destination=destination, flight_level=level, **who)
    )


def states_crossed(p: Plan) -> set[str]:
    return {t.country for t in p.route.transit}


def crosses(area: BaseGeometry, waypoints: Sequence[LonLat]) -> bool:
    """Whether a leg enters the area by more than about 100 m (the verifier's tolerance)."""
    inside = shapely.buffer(area, -1e-3)
    for a, b in pairwise(waypoints):
        for part in split_antimeridian(great_circle_points(a, b, 5.0)):
            if len(part) > 1 and shapely.intersects(inside, shapely.LineString(part)):
                return True
    return False


def effects(p: Plan) -> dict[str, str]:
    return {a["id"]: a["effect"] for a in p.to_dict()["advisories"]}


def test_a_german_carrier_crosses_iran_at_fl350_in_february_2020() -> None:
    p = plan("EDDF", "OMDB", 350, **GERMAN)
    assert "IR" in states_crossed(p)
    assert effects(p)["easa-iran-czib-2020-01"] == "above"
    # EASA's Iraq bulletin (every level) still keeps it out of Iraq.
    assert "IQ" not in states_crossed(p)
    assert effects(p)["easa-iraq-czib-2017-04r5"] == "avoided"


def test_at_fl230_the_same_flight_goes_around_iran() -> None:
    low, high = plan("EDDF", "OMDB", 230, **GERMAN), plan("EDDF", "OMDB", 350, **GERMAN)
    assert "IR" not in states_crossed(low)
    assert effects(low)["easa-iran-czib-2020-01"] == "avoided"
    assert low.route.distance_km > high.route.distance_km


@pytest.mark.parametrize("level", [350, 230])
def test_an_iranian_airport_is_refused_as_endpoint_naming_the_rule(level: int) -> None:
    with pytest.raises(InputError, match="easa-iran-czib-2020-01") as error:
        plan("EDDF", "OIII", level, **GERMAN)
    assert "OIII" in str(error.value)
    with pytest.raises(InputError, match="easa-iran-czib-2020-01"):
        plan("OIII", "EDDF", level, **GERMAN)


def test_an_iranian_airport_is_refused_as_a_fuel_stop_naming_the_rule() -> None:
    with pytest.raises(InputError, match=r"OIII.*easa-iran-czib-2020-01"):
        ask("EDDF", "OMDB", aircraft="A20N", via=("OIII",), **GERMAN)


def test_fuel_stops_are_never_chosen_inside_an_area_reaching_the_ground(
    tmp_path: Path,
) -> None:
    """With Iranian and Turkish airports to choose from, the Iranian ones are left out."""
    pool = tmp_path / "pool.txt"
    pool.write_text("OIIE\nOIII\nOIMM\nLTAC\n", encoding="utf-8")
    asked: dict[str, Any] = {"aircraft": "A20N", "stop_pool": pool}
    free = ask("EDDF", "VIDP", **asked, no_advisories=True, **GERMAN)
    bound = ask("EDDF", "VIDP", **asked, **GERMAN)
    assert free.stops is not None
    assert bound.stops is not None
    assert [s.country for s in free.stops.stops] == ["IR"]
    assert [s.code for s in bound.stops.stops] == ["LTAC"]


def test_without_advisories_the_iranian_airport_is_an_endpoint_again() -> None:
    p = ask("EDDF", "OIII", no_advisories=True, **GERMAN)
    assert p.advisories is None
    assert p.to_dict()["advisories"] is None


def test_a_us_carrier_keeps_out_of_iran_iraq_and_the_gulf_on_2020_01_10() -> None:
    p = plan("KJFK", "OMDB", **AMERICAN)
    assert not {"IR", "IQ"} & states_crossed(p)
    assert not crosses(area_geometry(advisory_by_id(GULF)), p.route.waypoints)
    assert effects(p)[GULF] == "avoided"


def test_from_kuwait_a_us_carrier_flies_over_land_not_the_gulf() -> None:
    """Kuwait to Dubai is a Gulf crossing; the prohibition sends it over Saudi Arabia."""
    gulf = area_geometry(advisory_by_id(GULF))
    free = ask("OKBK", "OMDB", no_advisories=True, **AMERICAN)
    assert crosses(gulf, free.route.waypoints)
    bound = plan("OKBK", "OMDB", **AMERICAN)
    assert not crosses(gulf, bound.route.waypoints)
    assert bound.route.distance_km > free.route.distance_km


def test_a_caution_never_changes_a_route() -> None:
    """In June 2019 the FAA only asked for caution over the gulfs: the route is the same."""
    who = {"operator": "US", "date": dt.date(2019, 6, 1)}
    free = ask("OKBK", "OMDB", no_advisories=True, **who)
    bound = plan("OKBK", "OMDB", **who)
    assert bound.route.waypoints == free.route.waypoints
    assert effects(bound)["faa-gulf-waters-caution-2019"] == "crossed"
    strict = ask("OKBK", "OMDB", strict=True, **who)
    assert effects(strict)["faa-gulf-waters-caution-2019"] == "avoided"
    gulf = area_geometry(advisory_by_id("faa-gulf-waters-caution-2019"))
    assert not crosses(gulf, strict.route.waypoints)


def test_the_kabul_fir_is_crossed_at_fl330_and_avoided_below_by_a_german_operator() -> None:
    """Germany's 2023 circular: below FL330 only. The FAA's 2024 rule (airways P500 and G500
    open from FL300) cannot be proved: the airways' points are not sourced, so FL310 keeps US
    operators out of the whole FIR, and the registry refuses them Afghanistan anyway."""
    who = {"operator": "DE", "date": dt.date(2024, 8, 1)}
    high, low = plan("UTTT", "OPKC", 330, **who), plan("UTTT", "OPKC", 320, **who)
    assert "AF" in states_crossed(high)
    assert "AF" not in states_crossed(low)
    assert effects(low)["lba-germany-kabul-fl330-2023"] == "avoided"


def test_plain_deny_applies_no_advisory() -> None:
    p = ask("OKBK", "OMDB", deny=("IR",))
    assert p.advisories is None
    assert p.to_dict()["advisories"] is None


def test_fir_keyed_advisories_warn_that_their_states_stand_for_the_fir() -> None:
    p = plan("KJFK", "OMDB", **AMERICAN)
    assert any("OIIX (IR)" in w and "no FIR outlines" in w for w in p.advisory_warnings)
    assert p.to_dict()["advisory_warnings"] == list(p.advisory_warnings)


def test_transit_passage_opens_the_strait_but_not_an_advisory_s_waters() -> None:
    """Hormuz opened through Iranian and Omani airspace stays closed by the gulfs' prohibition."""
    hormuz = next(s for s in transit_corridors() if s.name == "Strait of Hormuz")
    middle = hormuz.geometry.centroid
    opening = (shapely.to_wkb(hormuz.geometry),)
    opened = build_obstacles(("IR", "OM"), 0.0, (), opening)
    assert not opened.contains(middle.x, middle.y)
    gulf = (shapely.to_wkb(area_geometry(advisory_by_id(GULF))),)
    closed = build_obstacles(("IR", "OM"), 0.0, (), opening, gulf)
    assert closed.contains(middle.x, middle.y)


def test_the_verifier_checks_legs_against_advisory_areas() -> None:
    iran = shapely.to_wkb(area_geometry(advisory_by_id("faa-iran-notam-a0002-2020")))
    across = [LonLat(44.0, 33.0), LonLat(60.0, 33.0)]  # Baghdad to Afghanistan, over Iran
    check_route(across, ())
    with pytest.raises(VerificationError, match="faa-iran-notam-a0002-2020"):
        check_route(across, (), advisories=[("faa-iran-notam-a0002-2020", iran)])


def test_advisory_routes_from_threads_are_those_of_one_thread() -> None:
    """Areas are shared as WKB and read through per-thread copies: threads agree."""
    pairs = [("EDDF", "OMDB"), ("OKBK", "OMDB"), ("LTFM", "VIDP"), ("HECA", "OMDB")]
    alone = [ask(a, b, flight_level=230, **GERMAN).to_dict() for a, b in pairs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(
            pool.map(lambda p: ask(p[0], p[1], flight_level=230, **GERMAN).to_dict(), pairs * 2)
        )
    assert together == alone * 2


#: Places around the areas: Europe, Arabia, the Gulf, Central Asia, India.
PLACES = ["EDDF", "LTFM", "OMDB", "OTHH", "OERK", "OKBK", "OOMS", "HECA", "UTTT", "VIDP", "OPKC"]
#: Operators and levels whose areas the graphs of the tests above already hold.
CASES = [(GERMAN, range(200, 250)), (GERMAN, range(300, 601)), (AMERICAN, range(300, 601))]


@settings(max_examples=30, deadline=None)
@given(
    case=st.sampled_from(CASES).flatmap(
        lambda c: st.tuples(st.just(c[0]), st.sampled_from(list(c[1])))
    ),
    pair=st.lists(st.sampled_from(PLACES), min_size=2, max_size=2, unique=True),
)
def test_random_routes_at_random_levels_never_enter_an_active_advisory_area(
    case: tuple[dict[str, Any], int], pair: list[str]
) -> None:
    who, level = case
    try:
        p = ask(pair[0], pair[1], flight_level=level, **who)
    except InputError:
        return  # an endpoint inside an area reaching the ground: refused, as it must be
    day = who["date"]
    assert isinstance(day, dt.date)
    bound = advisories_for(
        operator="US" if who.get("operator") == "US" else "DE",
        on=day,
        airline=who.get("airline"),
    )
    active = [b.advisory for b in bound if b.advisory.band.contains(level)]
    active = [a for a in active if a.severity != "caution"]
    assert active
    for advisory in active:
        assert not crosses(area_geometry(advisory), p.route.waypoints), advisory.id


def test_areas_far_from_the_route_are_active_and_only_those_that_shaped_it_kept_out() -> None:
    """Libya is an obstacle at FL350 for a German carrier, but nowhere near EDDF-OMDB."""
    p = plan("EDDF", "OMDB", 350, **GERMAN)
    assert effects(p)["easa-libya-czib-2017-02"] == "active"
    assert effects(p)["easa-iraq-czib-2017-04r5"] == "avoided"


def test_an_advisory_on_states_already_refused_leaves_the_obstacles_as_they_were() -> None:
    """EASA's areas of February 2020 lie in states conflict-26 refuses: nothing to add."""
    refused = ("IR", "IQ", "SY", "LY", "ML", "YE", "AF", "RU", "UA", "BY")
    bound = advisories_for(operator="DE", category="civil", on=dt.date(2020, 2, 1))
    covered = tuple(a.wkb for a in advisory_areas(bound, 230) if a.obstacle)
    assert covered
    assert build_obstacles(refused, 0.0, (), (), covered).wkb == build_obstacles(refused).wkb
    # The gulfs' waters are refused by no state: they still add to the obstacles.
    gulf = (shapely.to_wkb(area_geometry(advisory_by_id(GULF))),)
    assert build_obstacles(refused, 0.0, (), (), gulf).wkb != build_obstacles(refused).wkb
