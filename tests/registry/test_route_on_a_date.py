"""Routes planned for an operator or airline on a date: the registry decides what is refused.

Each case is a date inside a rule's window and one outside it, from the rules' sources.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from overflight.analysis import FlightRequest
from overflight.analysis.plan import plan_request
from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT

runner = CliRunner()


def crossed(origin: str, destination: str, day: str, **who: str) -> set[str]:
    request = FlightRequest(
        origin=origin,
        destination=destination,
        date=dt.date.fromisoformat(day),
        airline=who.get("airline"),
        operator=who.get("operator"),
        category=who.get("category"),
    )
    return {t.country for t in plan_request(request).route.transit}


@pytest.mark.parametrize(
    ("pair", "who", "day", "state", "crosses"),
    [
        (("EFHK", "RJAA"), {"airline": "FIN"}, "2021-06-01", "RU", True),
        (("EFHK", "RJAA"), {"airline": "FIN"}, "2023-06-01", "RU", False),
        (("VIDP", "KORD"), {"airline": "AIC"}, "2019-01-15", "PK", True),
        (("VIDP", "KORD"), {"airline": "AIC"}, "2019-03-15", "PK", False),
        (("VIDP", "KORD"), {"airline": "AIC"}, "2020-01-15", "PK", True),
        (("VIDP", "KORD"), {"airline": "AIC"}, "2025-06-01", "PK", False),
        (("LLBG", "VABB"), {"airline": "ELY"}, "2019-06-01", "SA", False),
        (("LLBG", "VABB"), {"airline": "ELY"}, "2023-06-01", "SA", True),
        # Oman opens on 2023-02-23; with Iran refusing flights to and from Israel, the Gulf
        # and the UAE are the way east and Oman saves only a kilometre, to Chennai.
        (("LLBG", "VOMM"), {"airline": "ELY"}, "2022-12-01", "OM", False),
        (("LLBG", "VOMM"), {"airline": "ELY"}, "2023-06-01", "OM", True),
        (("LLBG", "VABB"), {"airline": "ELY"}, "2019-06-01", "IR", False),
        (("LLBG", "VABB"), {"airline": "ELY"}, "2023-06-01", "IR", False),
        (("LLBG", "VABB"), {"airline": "ELY"}, "2019-06-01", "KW", False),
        (("UUMU", "OSLK"), {"operator": "RU", "category": "state"}, "2015-09-15", "IR", True),
        (("UUMU", "OSLK"), {"operator": "RU", "category": "state"}, "2015-09-15", "IQ", True),
    ],
)
def test_a_route_crosses_a_state_only_outside_its_refusal(
    pair: tuple[str, str], who: dict[str, str], day: str, state: str, crosses: bool
) -> None:
    assert (state in crossed(*pair, day, **who)) is crosses


BLOCKADE = {"SA", "AE", "BH", "EG"}


def test_qatar_airways_avoids_the_blockading_states_during_the_blockade_only() -> None:
    # Doha to Casablanca and to Riyadh: over Saudi Arabia and Egypt when the four are open.
    during = crossed("OTHH", "GMMN", "2018-01-01", airline="QTR")
    after = crossed("OTHH", "GMMN", "2021-06-01", airline="QTR")
    assert not during & BLOCKADE
    assert {"SA", "EG"} <= after
    gulf = crossed("OTHH", "OMAA", "2021-06-01", airline="QR")
    assert "AE" in gulf


def test_the_json_names_the_rules_that_refused_each_state() -> None:
    request = FlightRequest(
        origin="EFHK", destination="RJAA", airline="AY", date=dt.date(2023, 6, 1)
    )
    data = plan_request(request).to_dict()
    assert (data["operator"], data["airline"], data["date"]) == ("FI", "FIN", "2023-06-01")
    rule = next(r for r in data["restrictions"] if "RU" in r["refused"])
    assert rule["id"] == "ru-closes-to-36-states-carriers-2022"
    assert rule["kind"] == "overflight deny"
    assert rule["states"] == ["RU"]
    assert rule["valid_from"] == "2022-02-28"
    assert rule["source_url"].startswith("https://")
    assert rule["note"]
    assert "RU" in data["denied"]
    assert data["warnings"] == []


def test_deny_and_allow_layer_on_top_of_the_registry() -> None:
    request = FlightRequest(
        origin="VIDP",
        destination="KORD",
        airline="AIC",
        date=dt.date(2025, 6, 1),
        allow=("PK",),
        deny=("IR",),
    )
    plan = plan_request(request)
    assert "PK" not in plan.route.denied
    assert "IR" in plan.route.denied


def test_without_operator_airline_or_date_the_route_is_as_before() -> None:
    plain = plan_request(FlightRequest(origin="EFHK", destination="RJAA"))
    assert plain.registry is None
    assert plain.permissions is None
    assert plain.route.denied == ()
    data = plain.to_dict()
    assert not {"restrictions", "operator", "airline", "date"} & set(data)
    assert "RU" in {t.country for t in plain.route.transit}


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_command_line_reports_the_rules_and_their_sources() -> None:
    status, out, _ = cli("route", "EFHK", "RJAA", "--airline", "FIN", "--date", "2023-06-01")
    assert status == 0, out
    assert "ru-closes-to-36-states-carriers-2022: refuses RU" in out
    assert "https://" in out
    status, out, _ = cli(
        "route", "EFHK", "RJAA", "--airline", "FIN", "--date", "2023-06-01", "-f", "json"
    )
    assert json.loads(out)["airline"] == "FIN"


def test_a_date_after_the_knowledge_date_warns() -> None:
    status, out, _ = cli("route", "EFHK", "RJAA", "--airline", "FIN", "--date", "2027-01-10")
    assert status == 0
    assert "knowledge as of 2026-12-01" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--airline", "XQZ"), "unknown airline 'XQZ'"),
        (("--operator", "XZ"), "unknown state code 'XZ'"),
        (("--operator", "FI", "--category", "pirate"), "category 'pirate'"),
        (("--date", "2023-13-01"), "2023-13-01"),
        (("--date", "2013-06-01"), "--date '2013-06-01': the registry starts on 2014-01-01"),
        (("--allow", "RU"), "--allow opens states"),
    ],
)
def test_bad_input_exits_with_a_message_naming_the_value(
    args: tuple[str, ...], message: str
) -> None:
    status, out, err = cli("route", "EFHK", "RJAA", *args)
    assert status == EXIT_BAD_INPUT
    assert message in " ".join((out + err).split())
