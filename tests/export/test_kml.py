"""KML re-read by lxml: namespace, antimeridian split, colours, figures and places."""

from __future__ import annotations

import itertools
import re

import lxml.etree
import pytest

from overflight.analysis.plan import Plan
from overflight.export.kml import EXTENDED_DATA, KML_NAMESPACE, kml_colour, plan_to_kml

NS = {"k": KML_NAMESPACE}


def parse(plan: Plan) -> lxml.etree._Element:
    return lxml.etree.fromstring(plan_to_kml(plan).encode("utf-8"))


def lines(root: lxml.etree._Element, placemark: str) -> list[list[tuple[float, float]]]:
    coords = root.xpath(
        f'//k:Placemark[@id="{placemark}"]/k:MultiGeometry/k:LineString/k:coordinates',
        namespaces=NS,
    )
    return [
        [(float(x), float(y)) for x, y in (p.split(",") for p in c.text.split())] for c in coords
    ]


def test_document_is_kml_2_2(plans: dict[str, Plan]) -> None:
    root = parse(plans["syria"])
    assert root.tag == f"{{{KML_NAMESPACE}}}kml"
    assert root.find("k:Document", NS) is not None


def test_route_across_the_antimeridian_is_split_at_180(plans: dict[str, Plan]) -> None:
    root = parse(plans["pacific"])
    parts = lines(root, "route")
    assert len(parts) == 2
    assert parts[0][-1][0] == pytest.approx(180.0)
    assert parts[1][0][0] == pytest.approx(-180.0)
    assert parts[0][-1][1] == pytest.approx(parts[1][0][1])  # the cut is at one latitude
    for part in parts:
        assert all(-180.0 <= x <= 180.0 for x, _ in part)
        # No leg jumps across the map: consecutive points are close.
        assert max(abs(a[0] - b[0]) for a, b in itertools.pairwise(part)) < 1.0
    route = plans["pacific"].route
    assert parts[0][0] == pytest.approx(tuple(route.waypoints[0]))
    assert parts[-1][-1] == pytest.approx(tuple(route.waypoints[-1]))
    assert len(lines(root, "great-circle")) == 2


def test_route_not_crossing_the_antimeridian_is_one_line(plans: dict[str, Plan]) -> None:
    assert len(lines(parse(plans["syria"]), "route")) == 1


def test_colours_are_aabbggrr(plans: dict[str, Plan]) -> None:
    root = parse(plans["syria"])
    colours = {
        style.get("id"): style.find(".//k:color", NS).text
        for style in root.iterfind(".//k:Style", NS)
    }
    assert set(colours) == {"route", "great-circle", "endpoint", "stop"}
    assert all(re.fullmatch(r"[0-9a-f]{8}", c) for c in colours.values())
    # Route blue #08519c, opaque: alpha ff, then blue 9c, green 51, red 08.
    assert colours["route"] == "ff9c5108"
    assert kml_colour("#ff8000", 0.0) == "000080ff"


def test_figures_in_extended_data(plans: dict[str, Plan]) -> None:
    root = parse(plans["stops"])
    data = {
        d.get("name"): d.find("k:value", NS).text or ""
        for d in root.iterfind('.//k:Placemark[@id="route"]/k:ExtendedData/k:Data', NS)
    }
    assert tuple(data) == EXTENDED_DATA
    stop_plan = plans["stops"].stops
    assert stop_plan is not None
    assert float(data["distance_km"]) == pytest.approx(stop_plan.total_distance_km, abs=1e-3)
    assert float(data["great_circle_km"]) == pytest.approx(plans["stops"].route.great_circle_km)
    assert float(data["total_time_h"]) == pytest.approx(stop_plan.total_time_h, abs=1e-4)
    assert data["stops"] == ",".join(s.code for s in stop_plan.stops)
    assert data["denied"] == "PK"


def test_places_in_order_of_flight(plans: dict[str, Plan]) -> None:
    root = parse(plans["stops"])
    names = [n.text for n in root.iterfind("k:Document/k:Folder/k:Placemark/k:name", NS)]
    stop_plan = plans["stops"].stops
    assert stop_plan is not None
    assert names == ["VIDP", *(s.code for s in stop_plan.stops), "EGLL"]
    # Each leg's track is in the route's MultiGeometry: the stop is a vertex of it.
    stop = stop_plan.stops[0]
    points = [p for part in lines(root, "route") for p in part]
    assert (stop.lon, stop.lat) in [pytest.approx(p, abs=1e-6) for p in points]
