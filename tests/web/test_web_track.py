"""POST /api/track against a real server: the CLI's JSON, the documented shape, bad uploads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from overflight.analysis.wire import TrackReportWire
from overflight.cli import app
from tests.track.flown import fly, syria_2015, write
from tests.web.test_openapi_shapes import conforms

#: Moscow to Antalya straight over Ukraine on 2022-06-01: a violation for a Russian operator.
UKRAINE = fly(
    [(37.4146, 55.9726), (30.5, 50.4), (30.8, 36.9)],
    start=dt.datetime(2022, 6, 1, 6, 0, tzinfo=dt.UTC),
    step_km=40.0,
    seed=7,
)


@pytest.fixture(scope="module")
def tracks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("uploads")
    write(syria_2015(), folder / "syria.csv")
    for suffix in (".gpx", ".kml", ".csv"):
        write(UKRAINE, folder / f"ukraine{suffix}")
    return folder


def test_the_caspian_2015_track_answers_the_json_of_the_cli(
    client: httpx.Client, tracks: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = {"operator": "RU", "category": "state", "explain": "true"}
    with (tracks / "syria.csv").open("rb") as f:
        answer = client.post("/api/track", params=query, files={"file": ("syria.csv", f)})
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()
    conforms(TrackReportWire, data)
    assert data["violations"] == []
    assert any({"BG", "TR"} <= set(e["refused"]) for e in data["explain"]["explanations"])
    monkeypatch.chdir(tracks)
    args = ["track", "syria.csv", "--operator", "RU", "--category", "state", "-f", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    del data["explain"]  # the CLI was not asked to explain: its timing would differ anyway
    assert data == json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "how"),
    [
        ("ukraine.gpx", "multipart"),
        ("ukraine.kml", "format"),
        ("ukraine.csv", "content-type"),
    ],
)
def test_a_raw_body_or_a_multipart_upload_names_the_violation(
    client: httpx.Client, tracks: Path, name: str, how: str
) -> None:
    body = (tracks / name).read_bytes()
    kind = name.rsplit(".", 1)[1]
    if how == "multipart":
        answer = client.post("/api/track?operator=RU", files={"file": (name, body)})
    elif how == "format":
        answer = client.post(f"/api/track?operator=RU&format={kind}", content=body)
    else:
        answer = client.post(
            "/api/track?operator=RU", content=body, headers={"Content-Type": "text/csv"}
        )
    assert answer.status_code == 200, answer.text
    data = answer.json()
    conforms(TrackReportWire, data)
    assert [v["country"] for v in data["violations"]] == ["UA"]
    assert any(
        r.startswith("ua-closes-to-civil-flights-2022") for r in data["violations"][0]["rules"]
    )
    assert data["date"] == "2022-06-01"
    assert data["track"]["source"] == (name if how == "multipart" else f"upload.{kind}")


def _chunks(size: int) -> Iterator[bytes]:
    block = b"0" * 1_000_000
    for _ in range(size // len(block)):
        yield block


@pytest.mark.parametrize(
    ("request_args", "status", "field", "words"),
    [
        (
            {"params": {"operatr": "RU", "format": "csv"}, "content": b"lat,lon\n1,2\n3,4\n"},
            400,
            "operatr",
            ["unknown parameter 'operatr'", "operator"],
        ),
        (
            {"params": {"format": "csv"}, "content": b"lat,lon\n1,2\n3,east\n"},
            400,
            "file",
            ["upload.csv:3", "'east'"],
        ),
        (
            {
                "files": {
                    "file": (
                        "bad.gpx",
                        b'<gpx><trk><trkseg><trkpt lat="95" lon="2"/>'
                        b'<trkpt lat="1" lon="2"/></trkseg></trk></gpx>',
                    )
                }
            },
            400,
            "file",
            ["bad.gpx", "latitude 95.0 out of range", "-90 to 90"],
        ),
        (
            {"content": b"lat,lon\n1,2\n3,4\n"},
            400,
            "format",
            ["format=", "csv", "gpx"],
        ),
        (
            {"params": {"format": "shp"}, "content": b"lat,lon\n1,2\n3,4\n"},
            400,
            "format",
            ["'shp'", "kml"],
        ),
        (
            {"params": {"format": "csv", "deny": "XX"}, "content": b"lat,lon\n1,2\n3,4\n"},
            400,
            "deny",
            ["XX"],
        ),
        (
            {"params": {"format": "csv"}, "content": b"0" * 30_000_000},
            413,
            None,
            ["30000000", "at most 20065536"],
        ),
        (
            {"params": {"format": "csv"}, "content": _chunks(30_000_000)},
            413,
            None,
            ["at most 20,065,536 bytes (20.0655 MB)"],
        ),
    ],
    ids=["unknown", "line", "range", "no-format", "bad-format", "state", "30MB", "30MB-chunked"],
)
def test_bad_uploads_answer_the_field_and_the_value(
    client: httpx.Client,
    request_args: dict[str, Any],
    status: int,
    field: str | None,
    words: list[str],
) -> None:
    answer = client.post("/api/track", **request_args)
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert body["field"] == field
    for word in words:
        assert word in body["message"]


def test_get_is_refused_naming_post(client: httpx.Client) -> None:
    answer = client.get("/api/track")
    assert answer.status_code == 405
    assert "POST" in answer.json()["message"]


def test_openapi_documents_the_upload_and_the_answer(client: httpx.Client) -> None:
    document = client.get("/openapi.json").json()
    post = document["paths"]["/api/track"]["post"]
    schema = post["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/TrackReportWire"}
    assert {"multipart/form-data", "text/csv", "application/gpx+xml"} <= set(
        post["requestBody"]["content"]
    )
    names = {p["name"] for p in post["parameters"]}
    assert {"operator", "airline", "category", "date", "deny", "allow", "explain"} <= names
    assert {"margin_nm", "format", "origin", "destination", "scenario"} <= names
    fields = document["components"]["schemas"]["TrackReportWire"]["properties"]
    assert {"overflown", "approaches", "violations", "transit_passages", "optimum"} <= set(fields)
