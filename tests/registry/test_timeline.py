"""`timeline`: a route at every change of the rules that concern it, between two dates."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.analysis import FlightRequest
from overflight.analysis.plan import plan_request
from overflight.analysis.timeline import Timeline, request_timeline, route_timeline
from overflight.analysis.timing import route_time
from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT

D = dt.date.fromisoformat
runner = CliRunner()


@pytest.fixture(scope="module")
def finnair() -> Timeline:
    # As a user asks for it: the registry's refusals and the advisories binding a Finnish airline.
    request = FlightRequest(origin="EFHK", destination="RJAA", airline="FIN")
    return request_timeline(request, start=D("2014-01-01"), end=D("2026-12-01"))


def test_finnair_to_tokyo_steps_once_when_russia_closes(finnair: Timeline) -> None:
    steps = finnair.steps
    lengths = [s.route.distance_km for s in steps if s.route is not None]
    assert len(lengths) == len(steps)
    big = [
        s.start
        for (before, s), (km_before, km) in zip(
            itertools.pairwise(steps), itertools.pairwise(lengths), strict=True
        )
        if abs(km - km_before) > 0.01 * km_before
    ]
    assert len(big) == 1
    assert abs((big[0] - D("2022-02-28")).days) <= 1
    assert "RU" in steps[0].states
    assert "RU" not in steps[-1].states
    assert steps[0].start == D("2014-01-01")
    assert steps[-1].end == D("2026-12-01")
    # Consecutive steps tile the span.
    assert all(b.start == a.end + dt.timedelta(days=1) for a, b in itertools.pairwise(steps))


def test_only_the_denied_sets_that_can_change_the_route_are_planned(finnair: Timeline) -> None:
    steps = finnair.steps
    assert len(steps) > 20
    # Russia's closure and the advisory layers that can reach the route; the other dozens of
    # changes are proved unable to move it and reuse a route.
    assert finnair.plans <= 6


def test_a_reused_route_is_the_route_planned_for_its_step() -> None:
    line = route_timeline("EFHK", "RJAA", airline="FIN", start=D("2023-04-01"), end=D("2023-09-30"))
    assert line.plans < len({s.denied for s in line.steps})
    for step in line.steps:
        request = FlightRequest(origin="EFHK", destination="RJAA", airline="FIN", date=step.start)
        planned = plan_request(request).route
        assert step.route is not None
        assert step.route.distance_km == pytest.approx(planned.distance_km, rel=1e-9)
        assert step.denied == planned.denied


def test_the_easa_bulletins_of_february_2022_step_the_timeline_but_leave_the_route() -> None:
    # EASA's bulletins of 24 and 25 February 2022 bind Finnish operators over Ukraine, a strip
    # of the Moscow FIR along it and the Rostov FIR, all far south of Helsinki-Tokyo: the
    # timeline steps on those days (advisories change) and the route stays over Russia until
    # Russia closes to EU carriers on the 28th.
    line = route_timeline("EFHK", "RJAA", airline="FIN", start=D("2022-02-01"), end=D("2022-03-31"))
    starts = [s.start for s in line.steps]
    assert D("2022-02-24") in starts
    assert D("2022-02-25") in starts
    first = next(s for s in line.steps if "RU" not in s.states)
    assert first.start == D("2022-02-28")
    bulletin = next(s for s in line.steps if s.start == D("2022-02-25"))
    assert bulletin.advisories is not None
    effects = {a.bound.advisory.id: a.effect for a in bulletin.advisories}
    assert effects["easa-rostov-fir-2022"] == "active"
    assert "RU" in bulletin.states
    for step in (bulletin, first):
        request = FlightRequest(origin="EFHK", destination="RJAA", airline="FIN", date=step.start)
        planned = plan_request(request)
        assert step.route is not None
        assert step.route.distance_km == pytest.approx(planned.route.distance_km, rel=1e-9)
    assert line.remarks == ()
    assert line.to_dict()["steps"][-1]["advisories"]


def test_steps_give_wind_times_in_the_month() -> None:
    ask = FlightRequest(origin="EFHK", destination="RJAA", airline="FIN", month=1)
    line = request_timeline(ask, start=D("2021-06-01"), end=D("2022-06-01"))
    assert line.month == 1
    for step in line.steps:
        assert step.route is not None
        assert step.time == route_time(step.route, month=1)
    # Over Russia with the January jet behind it; round it, longer and slower.
    assert line.steps[0].time is not None
    assert line.steps[-1].time is not None
    assert line.steps[0].time.wind_h < line.steps[0].time.still_air_h
    assert line.steps[-1].time.wind_h > line.steps[0].time.wind_h + 3.0
    still = request_timeline(
        FlightRequest(origin="EFHK", destination="RJAA", airline="FIN", month=1, no_wind=True),
        start=D("2021-06-01"),
        end=D("2022-06-01"),
    )
    assert still.month is None
    assert all(s.time is not None and s.time.wind_h == s.time.still_air_h for s in still.steps)


def test_the_disputed_policy_changes_a_russian_flight_over_crimea() -> None:
    # From 2015 Ukraine refuses Russian aircraft: Crimea, claimed by both, is closed under
    # the union and open under control, held by Russia.
    def line(policy: str) -> Timeline:
        ask = FlightRequest(origin="URRR", destination="LBBG", operator="RU", disputed=policy)
        return request_timeline(ask, start=D("2019-01-01"), end=D("2019-12-31"))

    union, control = line("union"), line("control")
    assert (union.disputed, control.disputed) == ("union", "control")
    assert all("UA" not in s.states for s in union.steps)
    assert all("UA" in s.states for s in control.steps)
    for a, b in zip(union.steps, control.steps, strict=True):
        assert a.route is not None
        assert b.route is not None
        assert b.route.distance_km < a.route.distance_km - 20.0
    assert union.to_dict()["disputed"] == "union"
    status, out, _ = run(
        "URRR", "LBBG", "--operator", "RU", "--from", "2019-01-01", "--to", "2019-12-31",
        "--disputed", "control", "--format", "json",
    )  # fmt: skip
    assert status == 0
    first = control.steps[0].route
    assert first is not None
    assert json.loads(out)["steps"][0]["distance_km"] == first.distance_km


def test_a_step_whose_endpoint_an_advisory_closes_says_why() -> None:
    # EASA's bulletin of January 2020 closes Iran to German carriers from the ground up (at
    # FL230): Tehran cannot be flown to then, and the steps before are still planned.
    ask = FlightRequest(origin="EDDF", destination="OIII", airline="DLH", flight_level=230)
    line = request_timeline(ask, start=D("2019-06-01"), end=D("2020-06-01"))
    assert line.steps[0].route is not None
    closed = [s for s in line.steps if s.route is None]
    assert closed
    assert all(s.start >= D("2020-01-08") for s in closed)
    assert all(s.error is not None and "OIII" in s.error for s in closed)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["timeline", *args])
    return result.exit_code, result.stdout, result.stderr


QATAR = ("OTHH", "GMMN", "--airline", "QTR", "--from", "2017-01-01", "--to", "2021-12-31")


def test_json_csv_and_charts(tmp_path: Path) -> None:
    status, out, _ = run(*QATAR, "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert (data["airline"], data["from"], data["to"]) == ("QTR", "2017-01-01", "2021-12-31")
    blockade = next(s for s in data["steps"] if s["start"] == "2017-06-06")
    assert "sa-closes-to-qatar-2017" in blockade["began"]
    assert not {"SA", "AE", "BH", "EG"} & set(blockade["states"])
    assert blockade["distance_km"] > data["steps"][0]["distance_km"]
    status, out, _ = run(*QATAR, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["start"] for r in rows] == [s["start"] for s in data["steps"]]
    png, svg = tmp_path / "qatar.png", tmp_path / "qatar.svg"
    assert run(*QATAR, "-o", str(png))[0] == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    assert run(*QATAR, "-o", str(svg))[0] == 0
    assert 'id="length"' in svg.read_text()
    assert "sa-closes-to-qatar-2017" in svg.read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("EFHK", "RJAA", "--airline", "FIN", "--from", "2013-01-01"), "starts on 2014-01-01"),
        (
            ("EFHK", "RJAA", "--airline", "FIN", "--from", "2020-01-01", "--to", "2019-01-01"),
            "ends (2019-01-01) before it starts (2020-01-01)",
        ),
        (("EFHK", "RJAA", "--airline", "XQZ", "--from", "2020-01-01"), "unknown airline 'XQZ'"),
        (("EFHK", "RJAA", "--from", "2020-01-01", "-f", "png"), "needs -o FILE"),
    ],
)
def test_bad_input_exits_2(args: tuple[str, ...], message: str) -> None:
    status, out, err = run(*args)
    assert status == EXIT_BAD_INPUT
    assert message in " ".join((out + err).split())
