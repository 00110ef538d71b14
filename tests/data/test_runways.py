"""The fuel-stop airport table: scheduled civil airports form the default pool."""

from __future__ import annotations

import pytest

from overflight.data.runways import fuel_airport_table

#: Airports that real diversions and technical stops use: all must be in the default pool.
TECH_STOPS = ("PANC", "BIKF", "CYQX", "EINN", "UTTT", "UAAA", "UBBB", "OMDB", "CYFB", "BGSF")

#: Fields the issue saw chosen as stops that no airline would plan: military or unscheduled.
NOT_AIRLINE_STOPS = ("BGTL", "UAON", "UAAH", "KEDW", "ETAR", "RKJK", "PACD")


@pytest.mark.parametrize("code", TECH_STOPS)
def test_tech_stop_airports_are_in_the_default_pool(code: str) -> None:
    table = fuel_airport_table()
    assert table.airports[table.index(code)].civil_scheduled
    assert table.civil_scheduled[table.index(code)]


@pytest.mark.parametrize("code", NOT_AIRLINE_STOPS)
def test_military_and_unscheduled_fields_are_not(code: str) -> None:
    table = fuel_airport_table()
    airport = table.airports[table.index(code)]
    assert not airport.civil_scheduled, airport


def test_thule_is_military_though_scheduled() -> None:
    table = fuel_airport_table()
    thule = table.airports[table.index("BGTL")]
    assert thule.scheduled
    assert thule.military


def test_joint_use_airports_stay_civil() -> None:
    table = fuel_airport_table()
    for code in ("CYQX", "RJSM", "RPLC"):  # Gander, Misawa, Clark
        assert not table.airports[table.index(code)].military, code


def test_pool_size_is_documented() -> None:
    # RUNWAYS.md gives the counts: keep them true.
    table = fuel_airport_table()
    assert len(table) == 4527
    assert int(table.civil_scheduled.sum()) == 2919
