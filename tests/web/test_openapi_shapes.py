"""The wire shapes of plans, stop plans, comparisons and chokepoint reports.

``/openapi.json`` documents them as the answers of ``/api/route``, ``/api/compare`` and
``/api/chokepoints``; real answers, and the JSON of the fixed plans, are exactly what the models
declare (no field missing from a model, none the JSON lacks but the model requires).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, ValidationError

from overflight.analysis.fuel import stop_plan_to_dict
from overflight.analysis.wire import ChokepointsWire, ComparisonWire, PlanWire, StopPlanWire
from tests.helpers.plans import read_plan

FIXTURES = Path(__file__).parents[1] / "export" / "fixtures"

#: The main fields each answer's schema must list.
MAIN_FIELDS = {
    "/api/route": (
        "PlanWire",
        {
            "origin",
            "destination",
            "waypoints",
            "distance_km",
            "transit",
            "clearances",
            "advisories",
            "remarks",
            "still_air_h",
            "alternatives",
            "disputed_areas",
            "restrictions",
            "scenario",
            "aircraft",
            "legs",
            "stops",
            "total_time_h",
            "versions",
        },
    ),
    "/api/compare": (
        "ComparisonWire",
        {"origin", "destination", "great_circle_km", "reference", "cases", "differences"},
    ),
    "/api/chokepoints": (
        "ChokepointsWire",
        {"baseline", "ranking", "cut_sets", "max_set_size", "complete", "plans", "versions"},
    ),
}


def conforms(model: type[BaseModel], data: dict[str, Any]) -> None:
    """``data`` validates against ``model`` and is what the model gives back, field for field."""
    parsed = model.model_validate(data)
    assert parsed.model_dump(mode="json", by_alias=True, exclude_unset=True) == data


@pytest.fixture(scope="module")
def openapi(client: httpx.Client) -> dict[str, Any]:
    answer = client.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


@pytest.mark.parametrize("path", sorted(MAIN_FIELDS))
def test_openapi_documents_the_answer(openapi: dict[str, Any], path: str) -> None:
    name, fields = MAIN_FIELDS[path]
    content = openapi["paths"][path]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": f"#/components/schemas/{name}"}
    schemas = openapi["components"]["schemas"]
    assert fields <= set(schemas[name]["properties"])


def test_openapi_documents_the_parts(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    plan = schemas["PlanWire"]["properties"]
    assert plan["legs"]["items"] == {"$ref": "#/components/schemas/LegWire"}
    assert {"wind_h", "still_air_h", "mean_wind_kt"} <= set(schemas["LegWire"]["properties"])
    assert plan["stops"]["items"] == {"$ref": "#/components/schemas/StopWire"}
    assert {"forced", "code", "country"} <= set(schemas["StopWire"]["properties"])
    assert {"effect", "severity", "band"} <= set(schemas["AdvisoryWire"]["properties"])
    assert {"from", "to", "delta_km"} <= set(schemas["DifferenceWire"]["properties"])
    assert {"entry", "exit", "shared_with"} <= set(schemas["TransitWire"]["properties"])


def test_a_route_with_advisories_restrictions_and_alternatives_is_a_plan(
    client: httpx.Client,
) -> None:
    params = {
        "origin": "OMDB",
        "destination": "LTFM",
        "operator": "US",
        "date": "2025-06-01",
        "optimise": "time",
    }
    answer = client.get("/api/route", params=params)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["advisories"]
    assert data["restrictions"]
    assert data["alternatives"]
    conforms(PlanWire, data)


def test_a_comparison_with_an_aircraft_is_a_comparison(client: httpx.Client) -> None:
    params: list[tuple[str, str | int | float | bool | None]] = [
        ("origin", "LOWW"),
        ("destination", "LGAV"),
        ("case", ""),
        ("case", "RS,MK"),
        ("aircraft", "B738"),
    ]
    answer = client.get("/api/compare", params=params)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["differences"]
    assert data["cases"][1]["route"]
    conforms(ComparisonWire, data)


def test_a_chokepoint_report_is_a_report(client: httpx.Client) -> None:
    params: dict[str, str | int] = {
        "origin": "LOWW",
        "destination": "LGAV",
        "aircraft": "B738",
        "max_set_size": 1,
    }
    answer = client.get("/api/chokepoints", params=params)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["ranking"]
    conforms(ChokepointsWire, data)


@pytest.mark.parametrize("name", ["pacific", "stops", "syria"])
def test_the_fixed_plans_are_plans(name: str) -> None:
    data = read_plan(FIXTURES / f"{name}.plan.json").to_dict()
    if name == "stops":  # the fields no live answer above has
        assert {"scenario", "aircraft", "legs", "stops", "disputed_areas"} <= set(data)
    conforms(PlanWire, data)


def test_a_stop_plan_is_a_stop_plan() -> None:
    stops = read_plan(FIXTURES / "stops.plan.json").stops
    assert stops is not None
    assert stops.stops
    conforms(StopPlanWire, stop_plan_to_dict(stops))


def test_a_field_the_models_do_not_declare_is_refused() -> None:
    data = read_plan(FIXTURES / "syria.plan.json").to_dict()
    with pytest.raises(ValidationError, match="fuel_burn_kg"):
        PlanWire.model_validate({**data, "fuel_burn_kg": 1.0})
    data["transit"][0]["speed"] = 1.0
    with pytest.raises(ValidationError, match=r"transit\.0\.speed"):
        PlanWire.model_validate(data)
