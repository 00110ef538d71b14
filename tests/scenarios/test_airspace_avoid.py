"""A traffic Airspace as an avoid area: an obstacle only where its band holds the cruise level."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import box, mapping

from overflight.analysis import FlightRequest, plan_request
from overflight.errors import InputError
from overflight.scenarios import airspace_area

#: Across the great circle London-New York (it passes about 52° N at 30° W).
ATLANTIC = box(-36.0, 47.0, -28.0, 57.0)


@dataclass(frozen=True)
class Element:
    polygon: Any
    lower: Any
    upper: Any


@dataclass(frozen=True)
class Airspace:
    name: str
    elements: list[Element]


def band(lower: Any, upper: Any, polygon: Any = ATLANTIC) -> Airspace:
    return Airspace("OCEANIC TEST", [Element(polygon, lower, upper)])


def route_km(*avoid: Any, flight_level: int = 350) -> tuple[float, Any]:
    request = FlightRequest(
        origin="EGLL", destination="KJFK", avoid=avoid, flight_level=flight_level
    )
    route = plan_request(request).route
    return route.distance_km, shapely.LineString([(p.lon, p.lat) for p in route.waypoints])


def test_an_airspace_is_avoided_only_inside_its_band(tmp_path: Path) -> None:
    direct_km, _ = route_km()
    inside_km, inside = route_km(band(200, 400), flight_level=350)
    below_km, _ = route_km(band(200, 400), flight_level=150)
    above_km, _ = route_km(band(200, 400), flight_level=410)
    assert inside_km > direct_km + 50.0
    assert not inside.intersects(ATLANTIC)
    assert below_km == pytest.approx(direct_km, rel=1e-12)
    assert above_km == pytest.approx(direct_km, rel=1e-12)
    # In its band it is exactly the same obstacle as the polygon given as a GeoJSON file.
    file = tmp_path / "atlantic.geojson"
    file.write_text(json.dumps(mapping(ATLANTIC)), encoding="utf-8")
    assert route_km(file)[0] == pytest.approx(inside_km, rel=1e-12)


@pytest.mark.parametrize(
    ("lower", "upper", "flight_level", "avoided"),
    [
        (200, 400, 200, True),  # bounds included
        (200, 400, 400, True),
        (None, 245, 100, True),  # open below (surface)
        (245, float("inf"), 600, True),  # unlimited above, as traffic writes it
        (float("-inf"), 245, 300, False),
        (245, None, 240, False),
    ],
)
def test_bands(lower: Any, upper: Any, flight_level: int, avoided: bool) -> None:
    found = airspace_area(band(lower, upper), flight_level=flight_level)
    assert (found is not None) is avoided
    if found is not None:
        assert found.equals(ATLANTIC)


def test_only_the_elements_whose_band_holds_the_level_are_kept() -> None:
    west, east = box(-40, 40, -35, 45), box(-30, 40, -25, 45)
    airspace = Airspace("SPLIT", [Element(west, 0, 195), Element(east, 195, 660)])
    low, high = (airspace_area(airspace, flight_level=fl) for fl in (100, 350))
    assert low is not None
    assert high is not None
    assert low.equals(west)
    assert high.equals(east)


@pytest.mark.parametrize(
    ("airspace", "words"),
    [
        (object(), "has no list of .elements"),
        (Airspace("EMPTY", []), "airspace 'EMPTY' has no elements"),
        (band("FL200", 400), "element 0 has .lower 'FL200'; give a flight level"),
        (band(200, float("nan")), "element 0 has .upper nan"),
        (band(400, 200), "lower level 400 above its upper level 200"),
        (band(200, 400, polygon=[(0, 0), (1, 0), (1, 1)]), "element 0 has no shapely .polygon"),
        (band(200, 400, polygon=shapely.Point(0, 0)), "element 0 is a Point, not an area"),
        (band(200, 400, polygon=box(170, 0, 190, 10)), "outside lon [-180, 180]"),
    ],
)
def test_bad_airspaces_say_what_is_wrong(airspace: Any, words: str) -> None:
    with pytest.raises(InputError, match=r"airspace") as raised:
        airspace_area(airspace, flight_level=350)
    assert words in str(raised.value)


def test_a_real_traffic_airspace() -> None:
    traffic = pytest.importorskip("traffic.core.airspace", reason="traffic is not installed")
    elements = [traffic.ExtrudedPolygon(ATLANTIC, 200, 400)]
    airspace = traffic.Airspace(name="OCEANIC TEST", elements=elements)
    assert route_km(airspace, flight_level=350)[0] > route_km(airspace, flight_level=150)[0] + 50
