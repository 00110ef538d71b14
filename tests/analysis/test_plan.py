"""Planning from a user's request: the path shared by the command line and the HTTP API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from overflight.aircraft import load_aircraft
from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.errors import InputError


def test_out_of_range_without_a_scenario_gets_fuel_stops() -> None:
    plan = plan_request(
        FlightRequest(origin="VIDP", destination="KORD", deny=("PK",), aircraft="B738")
    )
    usable = load_aircraft("B738").usable_range_km()
    assert plan.route.distance_km > usable
    assert plan.stops is not None
    assert plan.stops.stops
    assert all(leg.distance_km <= usable for leg in plan.stops.legs)
    assert all("PK" not in {t.country for t in leg.transit} for leg in plan.stops.legs)
    assert plan.to_dict()["legs"]


def test_within_range_flies_non_stop() -> None:
    plan = plan_request(
        FlightRequest(origin="UUMU", destination="OSLK", deny=("BG", "GR", "TR"), aircraft="IL76")
    )
    assert plan.stops is None
    assert plan.to_dict()["aircraft"]["within_range"] is True


def test_stops_around_avoid_areas_ask_for_a_scenario(tmp_path: Path) -> None:
    area = tmp_path / "area.geojson"
    square = [[[10.0, 10.0], [11.0, 10.0], [11.0, 11.0], [10.0, 11.0], [10.0, 10.0]]]
    area.write_text(json.dumps({"type": "Polygon", "coordinates": square}))
    with pytest.raises(InputError, match="--scenario"):
        plan_request(
            FlightRequest(
                origin="VIDP", destination="KORD", deny=("PK",), aircraft="B738", avoid=(area,)
            )
        )
