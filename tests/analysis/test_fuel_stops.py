"""Fuel stops an operator would use: scheduled civil airports, landing granted, no disputed areas.

The cases are those of issue 9: without these rules the planner stopped at the Baikonur strips,
at Sukhumi (Abkhazia), at Balkhash and at Thule Air Base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from overflight.aircraft import load_aircraft
from overflight.analysis import FlightRequest
from overflight.analysis.fuel import StopPlan, plan_with_stops, read_stop_pool
from overflight.analysis.plan import plan_request
from overflight.data.airspace import states_at
from overflight.data.disputed import areas_of_airport
from overflight.data.runways import fuel_airport_table
from overflight.errors import InputError, InputFileError, NoRouteError
from overflight.scenarios import load_scenario

DAY = dt.date(2025, 6, 1)


def airport_of(code: str):  # type: ignore[no-untyped-def]
    table = fuel_airport_table()
    return table.airports[table.index(code)]


def check_airline_stops(plan: StopPlan, denied: set[str]) -> None:
    """Every unforced stop is a scheduled civil airport outside denied and disputed areas."""
    for k, stop in enumerate(plan.stops):
        airport = airport_of(stop.code)
        forced = bool(plan.forced and plan.forced[k])
        if not forced:
            assert airport.civil_scheduled, airport
        assert not areas_of_airport(airport.ident, airport.lon, airport.lat, on=DAY), airport
        assert airport.country not in denied
        assert not denied & set(states_at(airport.lon, airport.lat)), airport


@pytest.mark.parametrize(
    ("origin", "destination", "designator", "deny"),
    [
        ("EFHK", "RJAA", "A21N", "RU"),  # stopped at Yubileyniy (Baikonur) with the B738
        ("EFHK", "RJAA", "B738", "RU"),
        ("EDDF", "RKSI", "A20N", "RU"),  # stopped at Krainiy (Baikonur)
        ("EDDF", "RKSI", "B738", "RU"),  # stopped at Sukhumi and Balkhash
        ("EGLL", "VIDP", "B738", "RU"),  # stopped at Sukhumi
    ],
)
def test_stops_are_scheduled_civil_airports_outside_disputed_areas(
    origin: str, destination: str, designator: str, deny: str
) -> None:
    plan = plan_with_stops(
        origin, destination, aircraft=load_aircraft(designator), deny=[deny], on=DAY
    )
    assert plan.stops
    check_airline_stops(plan, {deny})
    codes = {s.code for s in plan.stops}
    assert not codes & {"UAON", "UAOL", "UAAH", "UGSS"}


def test_delhi_chicago_737_does_not_stop_at_thule() -> None:
    plan = plan_with_stops("VIDP", "KORD", aircraft=load_aircraft("B738"), deny=["PK"], on=DAY)
    assert plan.stops
    assert "BGTL" not in {s.code for s in plan.stops}
    check_airline_stops(plan, {"PK"})


def test_sukhumi_is_a_stop_when_disputed_stops_are_allowed() -> None:
    b738 = load_aircraft("B738")
    kept = plan_with_stops("EGLL", "VIDP", aircraft=b738, deny=["RU"], on=DAY)
    allowed = plan_with_stops(
        "EGLL", "VIDP", aircraft=b738, deny=["RU"], on=DAY, allow_disputed_stops=True
    )
    # Sukhumi is the fastest stop once it may be used; without the flag the plan is slower.
    assert [s.code for s in allowed.stops] == ["UGSS"]
    assert "UGSS" not in {s.code for s in kept.stops}
    assert allowed.total_time_h <= kept.total_time_h


def test_disputed_stop_rule_follows_the_date() -> None:
    # Stepanakert was outside Azerbaijan's control until September 2023: forced there on a date
    # in that window it is refused, after it it is not disputed.
    il76 = load_aircraft("IL76")
    with pytest.raises(InputError, match="Nagorno-Karabakh"):
        plan_with_stops("UBBB", "UGTB", aircraft=il76, via=["UB13"], on=dt.date(2020, 1, 1))
    late = plan_with_stops("UBBB", "UGTB", aircraft=il76, via=["UB13"], on=dt.date(2024, 1, 1))
    assert [s.code for s in late.stops] == ["UBBS"]


def test_via_forces_the_stops_in_order() -> None:
    b738 = load_aircraft("B738")
    plan = plan_with_stops("VIDP", "KORD", aircraft=b738, deny=["PK"], via=["UTTT"], on=DAY)
    assert plan.stops[0].code == "UTTT"
    assert plan.forced[0]
    assert not any(plan.forced[1:])
    check_airline_stops(plan, {"PK"})
    # A via on a route within range is still flown through.
    short = plan_with_stops("EGLL", "LFPG", aircraft=b738, via=("EBBR",), on=DAY)
    assert [s.code for s in short.stops] == ["EBBR"]
    assert short.forced == (True,)
    assert [leg.destination.code for leg in short.legs] == ["EBBR", "LFPG"]


@pytest.mark.parametrize(
    ("via", "message"),
    [
        ("UUEE", r"via 'UUEE' .*: lies in denied airspace \(RU\)"),
        ("UGSS", r"via 'UGSS' .*: lies in Abkhazia, a disputed or occupied area"),
        ("ZZZZ", r"via 'ZZZZ': not among the fuel-stop airports"),
        ("LFPN", r"runway is .* m, shorter than"),
    ],
)
def test_a_via_the_flight_cannot_use_is_refused(via: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        plan_with_stops(
            "EGLL", "VIDP", aircraft=load_aircraft("A359"), deny=["RU"], via=[via], on=DAY
        )


def test_a_via_out_of_range_is_refused() -> None:
    # Keflavik is beyond a 737's range from Delhi and no further stop is allowed.
    with pytest.raises(NoRouteError, match=r"leg from VIDP to BIKF .* no stop is left"):
        plan_with_stops(
            "VIDP", "KORD", aircraft=load_aircraft("B738"), via=["BIKF"], max_stops=1, on=DAY
        )


def test_a_via_where_landing_is_refused_is_refused() -> None:
    permissions = load_scenario("pakistan-2025").resolve(endpoints=("IN", "US"))
    closed = dataclasses.replace(permissions, landing_allowed=frozenset({"IN", "US", "KZ"}))
    with pytest.raises(InputError, match=r"UZ does not grant this flight landing"):
        plan_with_stops(
            "VIDP", "KORD", aircraft=load_aircraft("B738"), permissions=closed, via=["UTTT"]
        )


def test_stop_pool_restricts_the_candidates(tmp_path: Path) -> None:
    b738 = load_aircraft("B738")
    free = plan_with_stops("EGLL", "VIDP", aircraft=b738, deny=["RU"], on=DAY)
    pool = ["UTAA", "OMDB", "OKBK", "LTBA", "UBBB"]
    pool = [code for code in pool if code not in {s.code for s in free.stops}]
    restricted = plan_with_stops("EGLL", "VIDP", aircraft=b738, deny=["RU"], stop_pool=pool, on=DAY)
    assert restricted.stops
    assert {s.code for s in restricted.stops} <= set(pool)
    assert restricted.total_time_h >= free.total_time_h


def test_a_stop_pool_may_hold_a_military_field() -> None:
    # An operator's own list is used as given: a state transport may stop at an air base.
    assert airport_of("LTAG").military  # Incirlik Air Base
    plan = plan_with_stops(
        "EGLL", "OKBK", aircraft=load_aircraft("C17"), stop_pool=["LTAG"], on=DAY
    )
    assert [s.code for s in plan.stops] == ["LTAG"]


def test_unknown_pool_codes_are_named() -> None:
    with pytest.raises(InputError, match=r"'QQQQ', 'XXX1' not among the fuel-stop airports"):
        plan_with_stops(
            "EGLL", "VIDP", aircraft=load_aircraft("B738"), stop_pool=["OMDB", "QQQQ", "XXX1"]
        )


def test_stop_pool_files(tmp_path: Path) -> None:
    lines = tmp_path / "pool.txt"
    lines.write_text("# approved stops\nOMDB\n\nUTTT\n")
    assert read_stop_pool(lines) == ("OMDB", "UTTT")
    table = tmp_path / "pool.csv"
    table.write_text("name,ICAO\nDubai,OMDB\nTashkent,UTTT\n")
    assert read_stop_pool(table) == ("OMDB", "UTTT")
    bad = tmp_path / "bad.csv"
    bad.write_text("name,iata\nDubai,DXB\n")
    with pytest.raises(InputFileError, match="no icao column"):
        read_stop_pool(bad)
    with pytest.raises(InputFileError, match="no such file"):
        read_stop_pool(tmp_path / "missing.txt")


def test_the_request_carries_via_pool_and_the_disputed_flag(tmp_path: Path) -> None:
    pool = tmp_path / "pool.txt"
    pool.write_text("UTTT\nUUYY\nBGSF\nBIKF\nCYQX\n")
    request = FlightRequest(
        origin="VIDP",
        destination="KORD",
        deny=("PK",),
        aircraft="B738",
        via=("UTTT",),
        stop_pool=pool,
    )
    plan = plan_request(request)
    assert plan.stops is not None
    assert plan.stops.stops[0].code == "UTTT"
    assert {s.code for s in plan.stops.stops} <= {"UTTT", "UUYY", "BGSF", "BIKF", "CYQX"}
    data = plan.to_dict()
    assert data["stops"][0] == {
        "code": "UTTT",
        "name": "Tashkent International Airport",
        "lat": pytest.approx(41.258, abs=0.01),
        "lon": pytest.approx(69.281, abs=0.01),
        "country": "UZ",
        "forced": True,
    }
    with pytest.raises(InputError, match="give --aircraft too"):
        plan_request(FlightRequest(origin="EGLL", destination="LFPG", via=("EBBR",)))


def test_a_via_within_the_margin_is_refused() -> None:
    # Tbilisi is about 100 km from Russian airspace: inside a 100 nm margin.
    with pytest.raises(InputError, match=r"via 'UGTB' .*: lies within the margin"):
        plan_with_stops(
            "EGLL",
            "VIDP",
            aircraft=load_aircraft("A359"),
            deny=["RU"],
            margin_nm=100.0,
            via=["UGTB"],
            on=DAY,
        )
