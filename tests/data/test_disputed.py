"""The table of disputed and occupied areas: contents, dates and membership."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from overflight.data.disputed import area, areas_at, areas_of_airport, disputed_areas, in_any_area
from overflight.data.runways import fuel_airport_table

DAY = dt.date(2024, 6, 1)

REQUIRED = (
    "crimea",
    "donetsk-luhansk",
    "zaporizhzhia-kherson",
    "abkhazia",
    "south-ossetia",
    "transnistria",
    "northern-cyprus",
    "nagorno-karabakh",
    "western-sahara",
    "golan-heights",
)


def test_every_required_area_is_sourced() -> None:
    keys = [a.key for a in disputed_areas()]
    assert set(REQUIRED) <= set(keys)
    for found in disputed_areas():
        assert found.sources
        assert all(s.url.startswith("https://") for s in found.sources)
        assert found.within_states or found.airfields, found.key


@pytest.mark.parametrize(
    ("code", "lon", "lat", "key"),
    [
        ("UGSS", 41.1281, 42.8582, "abkhazia"),  # Sukhumi
        ("LCEN", 33.4961, 35.1547, "northern-cyprus"),  # Ercan
        ("LUTR", 29.5906, 46.8681, "transnistria"),  # Tiraspol
        ("UKFF", 33.9751, 45.0522, "crimea"),  # Simferopol, by polygon
        ("GMML", -13.2192, 27.1517, "western-sahara"),  # Laayoune, by polygon
    ],
)
def test_airports_in_areas(code: str, lon: float, lat: float, key: str) -> None:
    assert [a.key for a in areas_of_airport(code, lon, lat, on=DAY)] == [key]


def test_places_outside_every_area() -> None:
    assert areas_of_airport("UGTB", 44.954, 41.669, on=DAY) == ()  # Tbilisi
    assert areas_at(30.89, 50.34, on=DAY) == ()  # Kyiv Boryspil
    assert areas_at(-7.59, 33.37, on=DAY) == ()  # Casablanca


def test_date_windows() -> None:
    karabakh = area("nagorno-karabakh")
    assert karabakh.holds_airfield("UB13", dt.date(2020, 1, 1))
    assert not karabakh.holds_airfield("UB13", dt.date(2023, 10, 1))
    kherson = area("zaporizhzhia-kherson")
    assert kherson.holds_airfield("UKOH", dt.date(2022, 6, 1))
    assert not kherson.holds_airfield("UKOH", dt.date(2023, 1, 1))
    assert areas_at(33.9751, 45.0522, on=dt.date(2013, 1, 1)) == ()  # Crimea before 2014
    assert area("crimea").controller(DAY).state == "RU"  # type: ignore[union-attr]


def test_table_mask_agrees_with_the_point_answers() -> None:
    table = fuel_airport_table()
    idents = [(a.ident, a.icao) for a in table.airports]
    mask = in_any_area(table.lon, table.lat, on=DAY, idents=idents)
    rows = np.flatnonzero(mask)
    assert {"UGSS", "LCEN", "UKFF", "GMML"} <= {table.airports[i].ident for i in rows}
    for i in rows:
        a = table.airports[i]
        assert areas_of_airport(a.ident, a.lon, a.lat, on=DAY, icao=a.icao), a.ident


def test_unknown_area_names_the_keys() -> None:
    with pytest.raises(KeyError, match="crimea"):
        area("atlantis")
