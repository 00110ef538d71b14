import dataclasses
import json
from typing import Any

import pytest

from overflight.aircraft import load_aircraft
from overflight.analysis.fuel import StopPlan, plan_with_stops, stop_plan_to_dict
from overflight.data.runways import fuel_airport_table
from overflight.errors import InputError, NoRouteError
from overflight.export.json import route_to_dict
from overflight.scenarios import Permissions, load_scenario


@pytest.fixture(scope="module")
def pakistan_2025() -> Permissions:
    return load_scenario("pakistan-2025").resolve(endpoints=("IN", "US"))


def check_plan(plan: StopPlan, permissions: Permissions, designator: str) -> None:
    aircraft = load_aircraft(designator)
    table = fuel_airport_table()
    assert len(plan.legs) == len(plan.stops) + 1
    for leg in plan.legs:
        assert leg.distance_km <= aircraft.usable_range_km()
        assert leg.speed_kt == aircraft.cruise_speed_kt
        assert not set(permissions.overflight_denied) & {t.country for t in leg.transit}
    for before, after in zip(plan.legs, plan.legs[1:], strict=False):
        assert before.destination == after.origin
    assert plan.legs[0].origin.code == "VIDP"
    assert plan.legs[-1].destination.code == "KORD"
    for stop in plan.stops:
        assert stop.country is not None
        assert permissions.may_land(stop.country)
        assert table.runway_m[table.index(stop.code)] >= aircraft.min_runway_m
    flight = sum(leg.duration_h for leg in plan.legs)
    assert plan.total_time_h == pytest.approx(flight + plan.ground_time_h * len(plan.stops))
    assert plan.total_distance_km == pytest.approx(sum(leg.distance_km for leg in plan.legs))


def test_delhi_chicago_787_flies_non_stop_or_names_its_stop(pakistan_2025: Permissions) -> None:
    b788 = load_aircraft("B788")
    plan = plan_with_stops("VIDP", "KORD", aircraft=b788, permissions=pakistan_2025)
    check_plan(plan, pakistan_2025, "B788")
    assert plan.direct is not None
    assert "PK" not in {t.country for t in plan.direct.transit}
    if plan.direct.distance_km <= b788.usable_range_km():
        assert plan.nonstop_possible
        assert plan.legs == (plan.direct,)
        assert plan.stops == ()
    else:
        assert not plan.nonstop_possible
        assert plan.stops


@pytest.mark.parametrize(("designator", "ground_time_h"), [("IL76", 1.0), ("B738", 2.5)])
def test_short_range_aircraft_stops_on_the_way(
    pakistan_2025: Permissions, designator: str, ground_time_h: float
) -> None:
    plan = plan_with_stops(
        "VIDP",
        "KORD",
        aircraft=load_aircraft(designator),
        permissions=pakistan_2025,
        ground_time_h=ground_time_h,
    )
    assert not plan.nonstop_possible
    assert plan.stops
    assert plan.ground_time_h == ground_time_h
    check_plan(plan, pakistan_2025, designator)


def test_the_plan_is_no_slower_than_a_stop_chosen_by_hand() -> None:
    # Delhi-London for a 737 needs one stop; flying the two legs through any other airport,
    # each planned on its own, must not be faster.
    b738 = load_aircraft("B738")
    plan = plan_with_stops("VIDP", "EGLL", aircraft=b738)
    assert len(plan.stops) == 1
    compared = 0
    for other in ("UBBB", "URSS", "LTAC", "UGTB", "OIII", "UUEE"):
        if other == plan.stops[0].code:
            continue
        first = plan_with_stops("VIDP", other, aircraft=b738, max_stops=0)
        second = plan_with_stops(other, "EGLL", aircraft=b738, max_stops=0)
        by_hand = first.total_time_h + second.total_time_h + plan.ground_time_h
        assert plan.total_time_h <= by_hand + 1e-9
        compared += 1
    assert compared >= 4


def test_no_state_grants_landing_names_the_reason(pakistan_2025: Permissions) -> None:
    closed = dataclasses.replace(pakistan_2025, landing_allowed=frozenset({"IN", "US"}))
    with pytest.raises(NoRouteError, match=r"may land .* within 3,217 km of VIDP"):
        plan_with_stops("VIDP", "KORD", aircraft=load_aircraft("IL76"), permissions=closed)


def test_denying_every_stop_state_within_range_names_the_end_that_is_cut_off() -> None:
    # Delhi-London for a 737 with one stop, and every state near the way refused: no airport
    # within range of Delhi is left (with three stops the plan goes round by Djibouti and Chad).
    near_the_way = [
        "PK", "AF", "IR", "IQ", "SY", "TR", "AM", "AZ", "GE", "RU", "KZ", "UZ", "TM", "KG",
        "TJ", "CN", "SA", "AE", "OM", "QA", "BH", "KW", "JO", "IL", "LB", "EG", "UA", "BY",
        "CY", "GR", "BG", "RO", "MD", "NP", "BT", "BD", "MM", "LK", "MV", "YE", "ER", "SD",
    ]  # fmt: skip
    with pytest.raises(NoRouteError, match=r"may land .* within 4,539 km of VIDP") as caught:
        plan_with_stops(
            "VIDP", "EGLL", aircraft=load_aircraft("B738"), deny=near_the_way, max_stops=1
        )
    assert "PK" in caught.value.states


def test_no_stop_allowed_says_the_route_is_out_of_range(pakistan_2025: Permissions) -> None:
    with pytest.raises(NoRouteError, match=r"beyond the .* usable range of the IL76"):
        plan_with_stops(
            "VIDP", "KORD", aircraft=load_aircraft("IL76"), permissions=pakistan_2025, max_stops=0
        )


@pytest.mark.parametrize(
    ("option", "value"),
    [("ground_time_h", -1.0), ("ground_time_h", float("nan")), ("max_stops", 9)],
)
def test_bad_options_are_input_errors(option: str, value: float) -> None:
    options: dict[str, Any] = {option: value}
    with pytest.raises(InputError, match=option.split("_")[0]):
        plan_with_stops("VIDP", "EGLL", aircraft=load_aircraft("B738"), **options)


def test_json_has_the_documented_fields(pakistan_2025: Permissions) -> None:
    plan = plan_with_stops(
        "VIDP", "KORD", aircraft=load_aircraft("IL76"), permissions=pakistan_2025
    )
    data = json.loads(json.dumps(stop_plan_to_dict(plan)))
    assert set(data) == {
        "aircraft", "usable_range_km", "endurance_h", "month", "optimise", "nonstop_possible",
        "direct", "legs", "stops", "total_distance_km", "flight_time_h", "ground_time_h",
        "total_time_h", "flight_wind_h", "total_wind_h",
    }  # fmt: skip
    assert data["aircraft"] == "IL76"
    assert len(data["legs"]) == len(data["stops"]) + 1
    times = {"month", "still_air_h", "wind_h", "mean_wind_kt"}
    for leg, route in zip(data["legs"], plan.legs, strict=True):
        assert {k: v for k, v in leg.items() if k not in times} == json.loads(
            json.dumps(route_to_dict(route))
        )
        # Still air: the wind time is the still-air time, the route's duration.
        assert leg["month"] is None
        assert leg["wind_h"] == leg["still_air_h"] == pytest.approx(route.duration_h)
        assert leg["mean_wind_kt"] == 0.0
    assert [s["code"] for s in data["stops"]] == [s.code for s in plan.stops]
    assert set(data["stops"][0]) == {"code", "name", "lat", "lon", "country", "forced"}
    assert data["total_time_h"] == pytest.approx(plan.total_time_h)
    assert data["total_wind_h"] == pytest.approx(plan.total_time_h)


def test_runway_table_is_compact_and_has_the_needed_columns() -> None:
    table = fuel_airport_table()
    assert 3000 < len(table) < 6000
    assert (table.runway_m > 0).all()
    kord = table.airports[table.index("ORD")]
    assert kord.icao == "KORD"
    assert kord.country == "US"
    assert kord.type == "large"
