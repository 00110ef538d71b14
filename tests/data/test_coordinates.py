"""Coordinates as users type them, read through :func:`overflight.data.airports.resolve_place`."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.data.airports import resolve_place
from overflight.errors import CoordinateError
from overflight.models import Place

RANGES = ("[-90, 90]", "[-180, 180]")


@pytest.mark.parametrize(
    ("text", "lat", "lon", "code", "name"),
    [
        ("55.75,37.62", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("55.75, 37.62", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("  55.75 ,  37.62 ", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("55.75 37.62", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("55.75N,37.62E", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("55.75 n, 37.62 e", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("55.75°N 37.62°E", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("37.62E, 55.75N", 55.75, 37.62, "55.75,37.62", "55.7500N 37.6200E"),
        ("S33.9,E151.2", -33.9, 151.2, "-33.9,151.2", "33.9000S 151.2000E"),
        ("33.9S,70.5W", -33.9, -70.5, "-33.9,-70.5", "33.9000S 70.5000W"),
        ("-33.9,-70.5", -33.9, -70.5, "-33.9,-70.5", "33.9000S 70.5000W"),
        ("\u221233.9,+70.5", -33.9, 70.5, "-33.9,70.5", "33.9000S 70.5000E"),
        ("90,180", 90.0, 180.0, "90.0,180.0", "90.0000N 180.0000E"),
        ("-90,-180", -90.0, -180.0, "-90.0,-180.0", "90.0000S 180.0000W"),
        ("-0,-0", 0.0, 0.0, "0.0,0.0", "0.0000N 0.0000E"),
        (".5,5.", 0.5, 5.0, "0.5,5.0", "0.5000N 5.0000E"),
    ],
)
def test_resolve_coordinates(text: str, lat: float, lon: float, code: str, name: str) -> None:
    assert resolve_place(text) == Place(code, name, lon, lat, None, "point")


@pytest.mark.parametrize(
    ("text", "bad"),
    [
        ("91,0", "'91'"),
        ("-90.5, 10", "'-90.5'"),
        ("95N,10E", "'95N'"),
        ("0,180.01", "'180.01'"),
        ("10, -181", "'-181'"),
        ("10,200W", "'200W'"),
        ("1e999,0", "'1e999'"),
        ("abc,1", "'abc'"),
        ("nan,1", "'nan'"),
        ("55.75,inf", "'inf'"),
        ("55.75N,37.62N", "'55.75N,37.62N'"),
        ("-55N,37", "'-55N'"),
        ("N55S,37", "'N55S'"),
        ("55,75,37,62", "'55,75,37,62'"),
        ("55.75", "'55.75'"),
    ],
)
def test_bad_coordinates_name_the_value_and_the_ranges(text: str, bad: str) -> None:
    with pytest.raises(CoordinateError) as info:
        resolve_place(text)
    message = str(info.value)
    assert bad in message
    assert all(r in message for r in RANGES)
    assert isinstance(info.value, ValueError)


@settings(deadline=None)
@given(
    lat=st.floats(min_value=-90, max_value=90),
    lon=st.floats(min_value=-180, max_value=180),
    sep=st.sampled_from([",", ", ", " , ", " "]),
)
def test_coordinates_round_trip(lat: float, lon: float, sep: str) -> None:
    place = resolve_place(f"{lat}{sep}{lon}")
    assert (place.lat, place.lon, place.kind, place.country) == (lat, lon, "point", None)
    assert resolve_place(place.code) == place


@settings(deadline=None)
@given(lat=st.floats(min_value=-90, max_value=90), lon=st.floats(min_value=-180, max_value=180))
def test_coordinates_with_hemisphere_letters_round_trip(lat: float, lon: float) -> None:
    text = f"{abs(lat)}{'NS'[lat < 0]}, {abs(lon)}{'EW'[lon < 0]}"
    place = resolve_place(text)
    assert (place.lat, place.lon, place.kind) == (lat, lon, "point")
