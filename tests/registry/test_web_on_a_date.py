"""The HTTP API takes airline, operator, category and date, and answers the rules applied."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import httpx
import pytest

from overflight.analysis import FlightRequest
from overflight.analysis.plan import plan_request
from tests.helpers.web_server import start_server, stop_server


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    log = tmp_path_factory.mktemp("server") / "server.log"
    process, url = start_server(log=log)
    with httpx.Client(base_url=url, timeout=120.0) as c:
        yield c
    stop_server(process)
    assert "Traceback" not in log.read_text(), log.read_text()


def test_route_answers_the_restrictions_as_the_library_does(client: httpx.Client) -> None:
    params = {"origin": "OTHH", "destination": "GMMN", "airline": "QTR", "date": "2018-01-01"}
    answer = client.get("/api/route", params=params)
    assert answer.status_code == 200, answer.text
    data = answer.json()
    request = FlightRequest(
        origin="OTHH", destination="GMMN", airline="QTR", date=dt.date(2018, 1, 1)
    )
    assert data == plan_request(request).to_dict()
    assert {r["id"] for r in data["restrictions"]} >= {
        "sa-closes-to-qatar-2017",
        "eg-closes-to-qatar-2017",
    }
    assert {"id", "states", "kind", "note", "source_url", "valid_from", "valid_to"} <= set(
        data["restrictions"][0]
    )


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"airline": "XQZ"}, "airline", "unknown airline 'XQZ'"),
        ({"operator": "XZ"}, "operator", "unknown state code 'XZ'"),
        ({"category": "pirate"}, "category", "civil"),
        ({"date": "2013-06-01"}, "date", "starts on 2014-01-01"),
        ({"date": "2019-02-30"}, "date", "date"),
        ({"allow": "RU"}, "allow", "registry"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    client: httpx.Client, params: dict[str, str], field: str, message: str
) -> None:
    answer = client.get("/api/route", params={"origin": "EFHK", "destination": "RJAA", **params})
    assert answer.status_code == 400, answer.text
    assert answer.json()["field"] == field
    assert message in answer.json()["message"]
