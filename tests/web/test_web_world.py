"""The world on a date over HTTP: airlines, restrictions, advisory areas, timelines and winds.

Against a real server (``server`` and ``client`` in conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import httpx
import pytest

from overflight.analysis.wire import RestrictionsWire, TimelineWire
from overflight.data.winds import monthly_wind
from overflight.export.advisories import advisories_to_geojson, binding_advisories


def states_crossed(answer: dict[str, Any]) -> set[str]:
    return {t["country"] for t in answer["transit"]}


def refused(response: httpx.Response, field: str) -> str:
    """The message of a 400 that names ``field``."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "bad_input"
    assert body["field"] == field, body
    message: str = body["message"]
    return message


def test_airlines_are_found_by_designator_and_by_name(client: httpx.Client) -> None:
    by_iata = client.get("/api/airlines", params={"q": "AY"}).json()
    assert by_iata[0] == {
        "icao": "FIN",
        "iata": "AY",
        "name": "Finnair",
        "state": "FI",
        "active": True,
    }
    by_name = client.get("/api/airlines", params={"q": "air india", "limit": 3}).json()
    assert "AIC" in [a["icao"] for a in by_name]
    assert len(by_name) <= 3
    assert client.get("/api/airlines", params={"q": "ZZY"}).json() == []
    assert "limit" in refused(
        client.get("/api/airlines", params={"q": "FIN", "limit": 99}), "limit"
    )


@pytest.mark.parametrize(("day", "crosses_russia"), [("2021-06-01", True), ("2023-06-01", False)])
def test_the_route_of_an_airline_on_a_date(
    client: httpx.Client, day: str, crosses_russia: bool
) -> None:
    answer = client.get(
        "/api/route",
        params={"origin": "EFHK", "destination": "RJAA", "airline": "FIN", "date": day},
    ).json()
    assert ("RU" in states_crossed(answer)) is crosses_russia
    assert (answer["airline"], answer["operator"], answer["date"]) == ("FIN", "FI", day)
    ids = {r["id"]: r for r in answer["restrictions"]}
    assert ("ru-closes-to-36-states-carriers-2022" in ids) is not crosses_russia
    assert all(r["source_url"].startswith("https://") for r in answer["restrictions"])


def test_an_unknown_airline_is_refused_naming_it(client: httpx.Client) -> None:
    message = refused(
        client.get(
            "/api/route", params={"origin": "EFHK", "destination": "RJAA", "airline": "ZZY"}
        ),
        "airline",
    )
    assert "ZZY" in message
    assert "ZZY" in refused(client.get("/api/restrictions", params={"airline": "ZZY"}), "airline")


def test_restrictions_for_an_operator_and_by_a_state(client: httpx.Client) -> None:
    mine = client.get("/api/restrictions", params={"operator": "IN", "date": "2025-06-01"}).json()
    assert (mine["operator"], mine["date"]) == ("IN", "2025-06-01")
    pakistan = [r for r in mine["restrictions"] if "PK" in r["states"]]
    assert pakistan
    assert all(r["source_url"] for r in pakistan)
    theirs = client.get("/api/restrictions", params={"state": "PK", "date": "2025-06-01"}).json()
    assert theirs["state"] == "PK"
    for answer in (mine, theirs):
        RestrictionsWire.model_validate(answer)
    assert {r["id"] for r in pakistan} <= {r["id"] for r in theirs["restrictions"]}
    # 2019's closure is over in 2020.
    calm = client.get("/api/restrictions", params={"state": "PK", "date": "2020-01-15"}).json()
    assert not [r for r in calm["restrictions"] if r["valid_from"] == "2019-02-27"]


@pytest.mark.parametrize(
    ("params", "field", "named"),
    [
        ({"operator": "IN", "state": "PK"}, "state", "not both"),
        ({}, "operator", "give operator or airline"),
        ({"operator": "IN", "date": "2010-01-01"}, "date", "2014-01-01"),
        ({"operator": "XX"}, "operator", "'XX'"),
        ({"state": "QQ"}, "state", "'QQ'"),
        ({"operator": "IN", "category": "balloon"}, "category", "balloon"),
    ],
)
def test_bad_restriction_queries_name_the_parameter(
    client: httpx.Client, params: dict[str, str], field: str, named: str
) -> None:
    assert named in refused(client.get("/api/restrictions", params=params), field)


def test_advisory_areas_bind_at_their_level(client: httpx.Client) -> None:
    params = {"operator": "DE", "date": "2020-02-01"}
    low = client.get("/api/advisories", params={**params, "fl": "230"})
    assert low.headers["content-type"].startswith("application/geo+json")
    areas = low.json()
    ids = [f["properties"]["id"] for f in areas["features"]]
    # EASA's Iranian bulletin of January 2020 reaches FL249: it binds at FL230, not at FL350.
    assert "easa-iran-czib-2020-01" in ids
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in areas["features"])
    assert (areas["operator"], areas["flight_level"]) == ("DE", 230)
    high = client.get("/api/advisories", params={**params, "fl": "350"}).json()
    assert "easa-iran-czib-2020-01" not in [f["properties"]["id"] for f in high["features"]]
    # The same areas as `overflight advisories -f geojson` draws.
    found, heading = binding_advisories(operator="DE", date=dt.date(2020, 2, 1), flight_level=230)
    assert areas == json.loads(json.dumps(advisories_to_geojson(found, heading)))


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2020-02-01"}, "operator"),
        ({"operator": "DE", "fl": "700"}, "fl"),
        ({"operator": "DE", "date": "2020-02-30"}, "date"),
        ({"airline": "ZZY"}, "airline"),
        ({"operator": "DE", "level": "230"}, "level"),
    ],
)
def test_bad_advisory_queries_name_the_parameter(
    client: httpx.Client, params: dict[str, str], field: str
) -> None:
    refused(client.get("/api/advisories", params=params), field)


def test_the_wind_grid_is_the_month_s_mean_wind(client: httpx.Client) -> None:
    grid = client.get("/api/winds", params={"month": 1, "step_deg": 10}).json()
    assert (grid["month"], grid["pressure_hpa"]) == (1, 200)
    assert len(grid["features"]) == 36 * 17
    january = monthly_wind(1)
    for f in grid["features"][::50]:
        lon, lat = f["geometry"]["coordinates"]
        u, v = january.at([lon], [lat])
        assert f["properties"]["u_m_s"] == pytest.approx(float(u[0]), abs=0.06)
        assert f["properties"]["v_m_s"] == pytest.approx(float(v[0]), abs=0.06)
    # January's jet over Japan blows from the west at well over 100 kt.
    japan = next(f for f in grid["features"] if f["geometry"]["coordinates"] == [140.0, 30.0])
    assert japan["properties"]["u_m_s"] > 50
    assert japan["properties"]["speed_kt"] > 100
    refused(client.get("/api/winds", params={"month": 13}), "month")
    refused(client.get("/api/winds", params={"month": 1, "step_deg": 1}), "step_deg")


def test_the_timeline_steps_when_russia_closes(client: httpx.Client) -> None:
    line = client.get(
        "/api/timeline",
        params={
            "origin": "EFHK",
            "destination": "RJAA",
            "airline": "FIN",
            "from": "2022-01-01",
            "to": "2022-06-01",
        },
    ).json()
    TimelineWire.model_validate(line)
    assert (line["airline"], line["from"], line["to"]) == ("FIN", "2022-01-01", "2022-06-01")
    steps = {s["start"]: s for s in line["steps"]}
    closed = steps["2022-02-28"]
    assert "ru-closes-to-36-states-carriers-2022" in closed["began"]
    assert "RU" not in closed["states"]
    before = line["steps"][0]
    assert "RU" in before["states"]
    assert closed["distance_km"] > 1.2 * before["distance_km"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"origin": "EFHK", "destination": "RJAA", "airline": "FIN"}, "from"),
        (
            {"origin": "EFHK", "destination": "RJAA", "from": "2022-01-01", "to": "2021-01-01"},
            "to",
        ),
        ({"origin": "EFHK", "destination": "XXXX", "from": "2022-01-01"}, "destination"),
        ({"origin": "EFHK", "destination": "RJAA", "from": "2013-01-01"}, "date"),
        ({"origin": "EFHK", "destination": "RJAA", "from": "2022-01-01", "speed": "450"}, "speed"),
    ],
)
def test_bad_timeline_queries_name_the_parameter(
    client: httpx.Client, params: dict[str, str], field: str
) -> None:
    refused(client.get("/api/timeline", params=params), field)


def test_the_new_endpoints_are_documented(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/airlines", "/api/restrictions", "/api/advisories", "/api/timeline"):
        assert path in paths
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"from", "steps", "great_circle_km"} <= set(schemas["TimelineWire"]["properties"])
    assert {"restrictions", "registry_as_of"} <= set(schemas["RestrictionsWire"]["properties"])
    assert {"month", "step_deg"} <= {p["name"] for p in paths["/api/winds"]["get"]["parameters"]}


@pytest.mark.parametrize(
    ("path", "params", "unknown"),
    [
        ("/api/airlines", {"q": "fin", "max": "3"}, "max"),
        ("/api/restrictions", {"operator": "IN", "day": "2025-06-01"}, "day"),
        ("/api/advisories", {"operator": "DE", "flight_level": "230"}, "flight_level"),
        (
            "/api/timeline",
            {"origin": "EFHK", "destination": "RJAA", "from": "2022-01-01", "airlines": "FIN"},
            "airlines",
        ),
        ("/api/winds", {"month": "1", "fl": "350"}, "fl"),
    ],
)
def test_unknown_parameters_are_refused_naming_the_accepted_ones(
    client: httpx.Client, path: str, params: dict[str, str], unknown: str
) -> None:
    message = refused(client.get(path, params=params), unknown)
    accepted = {
        p["name"]
        for p in client.get("/openapi.json").json()["paths"][path]["get"]["parameters"]
        if p["in"] == "query"
    }
    assert repr(unknown) in message
    assert all(name in message for name in accepted)
