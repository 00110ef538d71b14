"""The HTTP API against a real server on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from overflight._config import SPEED_KT_RANGE
from overflight.analysis.request import FlightRequest
from tests.helpers.web_server import start_server, stop_server

ERROR_KEYS = {"error", "field", "message", "states"}

#: Query parameters as a test gives them to httpx.
Params = dict[str, str | int | float]


def cli_json(*args: str) -> object:
    done = subprocess.run(
        [sys.executable, "-m", "overflight", *args, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("cli", "params"),
    [
        (["UUMU", "OSLK", "--deny", "BG,GR,TR"], {"deny": "BG,GR,TR"}),
        (["RJAA", "PANC", "--deny", "RU"], {"deny": ["RU"]}),
        (
            ["UUMU", "OSLK", "--scenario", "syria-2015", "--allow", "GR", "--date", "2015-09-20"],
            {"scenario": "syria-2015", "allow": "GR", "date": "2015-09-20"},
        ),
        (
            ["VIDP", "KORD", "--scenario", "pakistan-2025", "--aircraft", "B788"],
            {"scenario": "pakistan-2025", "aircraft": "B788"},
        ),
        (
            ["60.3,24.9", "35.8,140.4", "--deny", "RUS", "--margin-nm", "10", "--speed-kt", "480"],
            {"deny": "RUS", "margin_nm": 10, "speed_kt": 480},
        ),
        (["UUMU", "OSLK", "--deny", "TR", "--fl", "250"], {"deny": "TR", "flight_level": 250}),
    ],
)
def test_route_is_the_json_of_the_cli(client: httpx.Client, cli: list[str], params: Params) -> None:
    answer = client.get("/api/route", params={"origin": cli[0], "destination": cli[1], **params})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == cli_json("route", *cli)


def test_fuel_stops_come_with_the_route(client: httpx.Client) -> None:
    plan = client.get(
        "/api/route",
        params={
            "origin": "VIDP",
            "destination": "KORD",
            "scenario": "pakistan-2025",
            "aircraft": "B788",
        },
    ).json()
    assert plan["aircraft"]["designator"] == "B788"
    assert plan["scenario"]["name"] == "pakistan-2025"
    assert "PK" in plan["denied"]
    if not plan["aircraft"]["within_range"]:
        assert plan["stops"], plan


def test_compare_has_a_case_per_request_and_differences(client: httpx.Client) -> None:
    answer = client.get(
        "/api/compare",
        params=[("origin", "EFHK"), ("destination", "RJAA"), ("case", ""), ("case", "RU,BY")],
    )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert [c["label"] for c in data["cases"]] == ["no refusals", "deny BY,RU"]
    (difference,) = data["differences"]
    assert difference["delta_km"] > 1500
    assert "RU" in difference["states_removed"]
    assert data["cases"][1]["route"]["distance_km"] > data["great_circle_km"]


def test_compare_scenarios_as_the_cli(client: httpx.Client) -> None:
    answer = client.get(
        "/api/compare",
        params=[
            ("origin", "UUMU"),
            ("destination", "OSLK"),
            ("scenario", "syria-2015-before"),
            ("scenario", "syria-2015"),
        ],
    )
    assert answer.status_code == 200, answer.text
    expected = cli_json(
        "compare", "UUMU", "OSLK", "--scenario", "syria-2015-before", "--scenario", "syria-2015"
    )
    assert answer.json() == expected


def test_chokepoints_rank_the_states_crossed(client: httpx.Client) -> None:
    # The longest budget the server allows, none on the command line: the search completes on a
    # loaded machine too, so both answers are the whole analysis.
    params: Params = {
        "origin": "EFHK",
        "destination": "RJAA",
        "deny": "RU",
        "max_set_size": 1,
        "budget_s": 20.0,
    }
    answer = client.get("/api/chokepoints", params=params)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert [p["country"] for p in data["ranking"]] == ["NO", "US"]
    assert data["max_set_size"] == 1
    assert data["baseline"]["denied"] == ["RU"]
    assert data["complete"] is True
    expected = cli_json(
        "chokepoints", "EFHK", "RJAA", "--deny", "RU", "--max-set-size", "1", "--budget-s", "0"
    )
    assert isinstance(expected, dict)
    # The same analysis; only the time it took differs.
    for key in ("seconds",):
        data.pop(key), expected.pop(key)
    assert data == expected


def test_chokepoints_without_route_name_the_refusals(client: httpx.Client) -> None:
    answer = client.get(
        "/api/chokepoints",
        params={"origin": "UDYZ", "destination": "UUMU", "deny": "GE,AZ,TR,IR,FR"},
    )
    assert answer.status_code == 422
    assert answer.json()["error"] == "no_route"
    assert answer.json()["states"] == ["AZ", "GE", "IR", "TR"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("mozdok", "RU-0152"),
        ("UUMU", "UUMU"),
        ("Chkalovsky", "UUMU"),
        ("hmeimim", "OSLK"),
        ("Tehran", "OIIE"),
    ],
)
def test_airports_autocomplete(client: httpx.Client, query: str, code: str) -> None:
    answer = client.get("/api/airports", params={"q": query, "limit": 5})
    assert answer.status_code == 200
    places = answer.json()
    assert 1 <= len(places) <= 5
    assert places[0]["code"] == code
    assert set(places[0]) == {"code", "name", "lat", "lon", "country", "kind"}


def test_states_list_codes_and_names(client: httpx.Client) -> None:
    states = {s["code"]: s for s in client.get("/api/states").json()}
    assert states["TR"]["code3"] == "TUR"
    assert states["PF"]["sovereign"] == "FR"
    assert len(states) > 200


def test_state_geometry_comes_gzipped_and_cacheable(server: str) -> None:
    url = f"{server}/api/states.geojson"
    with httpx.stream("GET", url, headers={"accept-encoding": "gzip"}) as raw:
        sent = b"".join(raw.iter_raw())
        assert raw.headers["content-encoding"] == "gzip"
        assert raw.headers["content-type"] == "application/geo+json"
        etag = raw.headers["etag"]
    collection = json.loads(gzip.decompress(sent))
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert {"BG", "GR", "TR", "IR", "IQ"} <= codes
    assert len(sent) < 600_000  # simplified for display
    assert httpx.get(url, headers={"if-none-match": etag}).status_code == 304


def test_scenarios_and_what_one_closes(client: httpx.Client) -> None:
    names = [s["name"] for s in client.get("/api/scenarios").json()]
    assert "syria-2015" in names
    syria = client.get("/api/scenarios/syria-2015").json()
    assert {"BG", "GR", "TR"} <= set(syria["resolved"]["denied"])
    assert "IR" not in syria["resolved"]["denied"]
    assert syria["sources"]
    before = client.get("/api/scenarios/syria-2015", params={"date": "2015-09-01"}).json()
    assert "BG" not in before["resolved"]["denied"]


def test_categories_list_every_category_a_request_may_name(client: httpx.Client) -> None:
    from overflight.scenarios import CATEGORIES

    answer = client.get("/api/categories").json()
    assert [c["name"] for c in answer] == list(CATEGORIES)
    military = next(c for c in answer if c["name"] == "state_military")
    assert military["parent"] == "state"
    assert client.get("/api/categories", params={"x": "1"}).status_code == 400


def test_compare_against_no_refusals_as_the_cli(client: httpx.Client) -> None:
    answer = client.get(
        "/api/compare",
        params=[("origin", "UUMU"), ("destination", "OSLK"), ("scenario", "syria-2015"),
                ("case", "")],
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["reference"] == "no refusals"
    (difference,) = data["differences"]
    assert (difference["from"], difference["to"]) == ("no refusals", "syria-2015")
    assert difference["delta_km"] > 0.0
    assert data == cli_json("compare", "UUMU", "OSLK", "-s", "syria-2015", "--case", "")


def test_aircraft_list(client: httpx.Client) -> None:
    types = {a["designator"]: a for a in client.get("/api/aircraft").json()}
    assert types["B788"]["usable_range_km"] < types["B788"]["range_km"]


TOO_MANY = ",".join(["BG", "GR", "TR"] * 21)


@pytest.mark.parametrize(
    ("path", "params", "status", "field", "says"),
    [
        ("/api/route", {"origin": "UUMU"}, 400, "destination", "required"),
        ("/api/route", {"origin": "XQXQ", "destination": "OSLK"}, 400, "origin", "ICAO"),
        ("/api/route", {"origin": "UUMU", "destination": "91,0"}, 400, "destination", "[-90, 90]"),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "deny": "XY"},
            400,
            "deny",
            "alpha-2",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "deny": TOO_MANY},
            400,
            "deny",
            "at most 60",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "deny": "RU"},
            400,
            "origin",
            "denied",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "margin_nm": "nan"},
            400,
            "margin_nm",
            "finite",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "margin_nm": 500},
            400,
            "margin_nm",
            "200",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "max_stops": 99},
            400,
            "max_stops",
            "5",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "date": "2015-13-45"},
            400,
            "date",
            "date",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "scenario": "syria-2051"},
            400,
            "scenario",
            "syria-2015",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "scenario": "/etc/passwd"},
            400,
            "scenario",
            "built-in",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "aircraft": "x.yaml"},
            400,
            "aircraft",
            "built-in",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "aircraft": "B787"},
            400,
            "aircraft",
            "B788",
        ),
        (
            "/api/route",
            {"origin": "UUMU", "destination": "OSLK", "allow": "GR"},
            400,
            "allow",
            "scenario",
        ),
        (
            "/api/route",
            {
                "origin": "UUMU",
                "destination": "OSLK",
                "scenario": "syria-2015",
                "category": "pirate",
            },
            400,
            "category",
            "civil",
        ),
        (
            "/api/route",
            {"origin": "UDYZ", "destination": "UUMU", "deny": "GE,AZ,TR,IR,FR"},
            422,
            None,
            "enclosed",
        ),
        (
            "/api/compare",
            {"origin": "UUMU", "destination": "OSLK", "case": "BG"},
            400,
            "case",
            "2 to 6",
        ),
        (
            "/api/chokepoints",
            {"origin": "UUMU", "destination": "OSLK", "max_set_size": 9},
            400,
            "max_set_size",
            "3",
        ),
        (
            "/api/chokepoints",
            {"origin": "UUMU", "destination": "OSLK", "budget_s": 3600},
            400,
            "budget_s",
            "20",
        ),
        (
            "/api/compare",
            {"origin": "EDDF", "destination": "OMDB", "case": ["", "IQ"], "flight_level": 900},
            400,
            "flight_level",
            "600",
        ),
        (
            "/api/chokepoints",
            {"origin": "EDDF", "destination": "OMDB", "disputed": "claim"},
            400,
            "disputed",
            "union or control",
        ),
        (
            "/api/chokepoints",
            {"origin": "EDDF", "destination": "OMDB", "month": 13},
            400,
            "month",
            "12",
        ),
        ("/api/airports", {"q": ""}, 400, "q", "at least 1"),
        ("/api/airports", {"q": "teh", "limit": 0}, 400, "limit", "1"),
        ("/api/scenarios/nope", {}, 404, "name", "syria-2015"),
    ],
)
def test_bad_input_names_the_field_and_what_is_accepted(
    client: httpx.Client,
    path: str,
    params: Params,
    status: int,
    field: str | None,
    says: str,
) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == ERROR_KEYS
    assert body["field"] == field
    assert says in body["message"]
    assert "Traceback" not in answer.text


@pytest.mark.parametrize(
    ("path", "params", "unknown"),
    [
        ("/api/route", {"origin": "UUMU", "destination": "OSLK", "denied": "RU"}, "denied"),
        ("/api/route", {"origin": "UUMU", "destination": "OSLK", "avoid": "/etc/x"}, "avoid"),
        ("/api/compare", {"origin": "UUMU", "destination": "OSLK", "cases": "RU"}, "cases"),
        ("/api/chokepoints", {"origin": "UUMU", "destination": "OSLK", "deny_": "RU"}, "deny_"),
        ("/api/airports", {"q": "tehran", "max": "3"}, "max"),
    ],
)
def test_unknown_parameters_are_refused_naming_the_accepted_ones(
    client: httpx.Client, path: str, params: dict[str, str], unknown: str
) -> None:
    """`denied=RU` once answered 200 with a route over Russia."""
    answer = client.get(path, params=params)
    assert answer.status_code == 400, answer.text
    body = answer.json()
    assert body["field"] == unknown
    assert repr(unknown) in body["message"]
    accepted = {
        p["name"]
        for p in client.get("/openapi.json").json()["paths"][path]["get"]["parameters"]
        if p["in"] == "query"
    }
    assert accepted
    assert all(name in body["message"] for name in accepted)


def test_the_route_parameters_are_the_flight_request_fields(client: httpx.Client) -> None:
    """The API's query model is derived from FlightRequest: a new field reaches the API."""
    parameters = client.get("/openapi.json").json()["paths"]["/api/route"]["get"]["parameters"]
    names = {p["name"] for p in parameters}
    # Fields naming files (avoid, stop_pool, advisories_file, the FIR file and its id property)
    # have no HTTP form: the server reads no files.
    files = {"avoid", "stop_pool", "advisories_file", "fir_file", "fir_id_property"}
    assert names == {f.name for f in dataclasses.fields(FlightRequest)} - files
    speed = next(p for p in parameters if p["name"] == "speed_kt")["schema"]["anyOf"][0]
    assert (speed["minimum"], speed["maximum"]) == SPEED_KT_RANGE


def test_no_route_names_the_refusals(client: httpx.Client) -> None:
    body = client.get(
        "/api/route", params={"origin": "UDYZ", "destination": "UUMU", "deny": "GE,AZ,TR,IR,FR"}
    ).json()
    assert body["error"] == "no_route"
    assert body["states"] == ["AZ", "GE", "IR", "TR"]


def test_oversized_requests_are_refused(server: str) -> None:
    long_query = httpx.get(f"{server}/api/airports", params={"q": "x" * 5000})
    assert long_query.status_code == 414
    assert long_query.json()["error"] == "too_large"
    body = httpx.request("GET", f"{server}/api/states", content=b"x" * 100_000)
    assert body.status_code == 413
    assert body.json()["error"] == "too_large"


def test_unknown_paths_and_methods_answer_json(server: str) -> None:
    missing = httpx.get(f"{server}/api/nothing")
    assert missing.status_code == 404
    assert missing.json()["error"] == "not_found"
    posted = httpx.post(f"{server}/api/route", json={"origin": "UUMU"})
    assert posted.status_code == 405
    assert set(posted.json()) == ERROR_KEYS


def test_openapi_schema_documents_every_endpoint_and_the_error_shape(
    client: httpx.Client,
) -> None:
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {
        "/api/route",
        "/api/compare",
        "/api/chokepoints",
        "/api/airports",
        "/api/states",
        "/api/states.geojson",
        "/api/scenarios",
        "/api/scenarios/{name}",
        "/api/aircraft",
    } <= paths
    assert "/" not in paths
    route = schema["paths"]["/api/route"]["get"]
    assert {"400", "422", "504"} <= set(route["responses"])
    assert set(schema["components"]["schemas"]["ErrorBody"]["properties"]) == ERROR_KEYS
    deny = next(p for p in route["parameters"] if p["name"] == "deny")
    assert deny["schema"]["maxItems"] == 60


def test_page_assets_are_served_with_the_vendored_maplibre(server: str) -> None:
    page = httpx.get(server)
    assert page.status_code == 200
    assert "default-src 'self'" in page.headers["content-security-policy"]
    script = httpx.get(f"{server}/vendor/maplibre-gl.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert len(script.content) > 500_000


def test_server_listens_on_loopback_only_by_default(server: str) -> None:
    port = int(server.rsplit(":", 1)[1])
    listening = [
        line.split()[1]
        for name in ("/proc/net/tcp", "/proc/net/tcp6")
        if Path(name).exists()
        for line in Path(name).read_text().splitlines()[1:]
        if line.split()[3] == "0A"  # LISTEN
    ]
    ours = [addr for addr in listening if int(addr.rsplit(":", 1)[1], 16) == port]
    assert ours == ["0100007F:" + f"{port:04X}"]


def test_time_limit_answers_504_and_the_server_stays_responsive(
    private_graph_cache: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = tmp_path_factory.mktemp("hurried") / "server.log"
    # One worker: the process that keeps computing after the 504 is the one that must answer.
    process, url = start_server("--time-limit-s", "1", "--workers", "1", log=log)
    try:
        # The airports table loaded first: what is timed below is waiting, not loading. This
        # first answer loads the tables, which takes seconds on a busy machine: not timed.
        warm = httpx.get(f"{url}/api/airports", params={"q": "UUMU"}, timeout=60.0)
        assert warm.status_code == 200
        # A denied set and margin never asked before: the graph takes seconds to build.
        params: Params = {
            "origin": "EGLL",
            "destination": "VHHH",
            "deny": "RU,BY,UA,IR,IQ,SY,AF,KP,YE,LY",
            "margin_nm": 17.25,
        }
        t0 = time.monotonic()
        slow = httpx.get(f"{url}/api/route", params=params, timeout=30.0)
        waited = time.monotonic() - t0
        assert slow.status_code == 504, slow.text
        assert slow.json()["error"] == "timeout"
        assert "1 s" in slow.json()["message"]
        assert waited < 5.0
        t0 = time.monotonic()
        assert httpx.get(f"{url}/api/airports", params={"q": "UUMU"}).status_code == 200
        assert time.monotonic() - t0 < 2.0
    finally:
        stop_server(process)


def test_route_takes_forced_stops_and_reads_no_profile_file(client: httpx.Client) -> None:
    params = {"origin": "EGLL", "destination": "LFPG", "aircraft": "B738", "via": "EBBR"}
    body = client.get("/api/route", params=params).json()
    assert [(s["code"], s["name"], s["forced"]) for s in body["stops"]] == [
        ("EBBR", "Brussels Airport", True)
    ]
    refused = client.get("/api/route", params={**params, "aircraft": "fleet.yaml:C130"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "aircraft"


#: A German carrier to Dubai in February 2020: EASA's Iran bulletin binds it below FL250.
GERMAN_2020 = {"origin": "EDDF", "destination": "OMDB", "airline": "DLH", "date": "2020-02-01"}


@pytest.mark.parametrize("level", [230, 350])
def test_compare_and_chokepoints_take_the_route_options_as_the_cli(
    client: httpx.Client, level: int
) -> None:
    params: dict[str, Any] = {**GERMAN_2020, "flight_level": level, "case": ["", "IQ"]}
    answer = client.get("/api/compare", params=params)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    cli = ("EDDF", "OMDB", "--airline", "DLH", "--date", "2020-02-01", "--fl", str(level))
    expected = cli_json("compare", *cli, "--case", "", "--case", "IQ")
    assert isinstance(expected, dict)
    assert data["cases"] == expected["cases"]
    assert ("IR" in data["cases"][0]["states"]) is (level > 250)
    assert data["month"] == 2
    assert data["cases"][0]["wind_h"] != data["cases"][0]["still_air_h"]
    params = {**GERMAN_2020, "flight_level": level, "max_set_size": 0}
    answer = client.get("/api/chokepoints", params=params)
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["baseline"] == data["cases"][0]["route"]
    assert report["advisories"] == data["cases"][0]["advisories"]
    still = client.get("/api/chokepoints", params={**params, "no_wind": True}).json()
    assert still["baseline_time"]["month"] is None
