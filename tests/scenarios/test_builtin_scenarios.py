"""Every built-in scenario validates, documents itself, and says what its sources say."""

from __future__ import annotations

import datetime as dt

import pytest

from overflight.data.airspace import states
from overflight.scenarios import list_scenarios, load_scenario

BUILTINS = [
    "pakistan-2025",
    "qatar-2017",
    "russia-2022",
    "saudi-israel-2020",
    "syria-2015",
    "syria-2015-before",
]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def test_the_built_in_scenarios_are_listed_with_their_titles() -> None:
    listed = list_scenarios()
    assert [s.name for s in listed] == BUILTINS
    assert all(s.title and s.date for s in listed)


@pytest.mark.parametrize("name", BUILTINS)
def test_built_in_scenario_validates_documents_and_resolves(name: str) -> None:
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.sources, "every built-in scenario cites its sources"
    assert scenario.assumptions, "every built-in scenario lists its assumptions"
    assert all(s.url or s.publisher for s in scenario.sources)
    assert scenario.date is not None
    assert scenario.operator.state is not None
    assert all(rule.note for rule in scenario.rules), "every rule says what it records"
    permissions = scenario.resolve()
    assert permissions.scenario == name
    assert permissions.on == scenario.date
    assert permissions.overflight_denied, "the default flight of a built-in meets a refusal"
    assert list(permissions.overflight_denied) == sorted(set(permissions.overflight_denied))
    assert set(permissions.overflight_denied) <= set(states())
    assert not set(permissions.overflight_denied) & permissions.landing_allowed


@pytest.mark.parametrize("name", ["SYRIA-2015", " syria-2015 "])
def test_built_in_names_are_found_in_any_case(name: str) -> None:
    assert load_scenario(name).name == "syria-2015"


#: The states the Syria scenarios are about; they also deny the rest of NATO, checked apart.
SYRIA = {"BG", "GR", "TR", "UA", "GE", "IR", "IQ", "SY", "RU", "AM", "AZ", "CY"}

# (scenario, operator, category, date, endpoints, the states denied: all, or among SYRIA)
CASES = [
    ("syria-2015", None, None, None, None, {"BG", "GR", "TR", "UA", "GE"}),
    ("syria-2015", "RUS", "state_military", None, None, {"BG", "GR", "TR", "UA", "GE"}),
    ("syria-2015-before", None, None, None, None, {"IR", "TR", "UA", "GE"}),
    ("syria-2015", None, None, "2015-09-01", None, {"IR", "TR", "UA", "GE"}),
    ("syria-2015", None, None, "2015-09-08", None, {"BG", "GR", "IR", "TR", "UA", "GE"}),
    ("syria-2015", None, None, "2013-01-01", None, {"IR", "TR", "GE"}),
    ("syria-2015", None, "civil", None, None, set()),
    ("syria-2015", None, "civil", "2015-12-01", None, {"UA"}),
    ("syria-2015", "TR", None, None, None, set()),
    ("pakistan-2025", None, None, None, None, {"PK"}),
    ("pakistan-2025", "IN", "state_military", None, None, {"PK"}),
    ("pakistan-2025", "PK", None, None, None, {"IN"}),
    ("pakistan-2025", "PK", None, "2025-04-27", None, set()),
    ("pakistan-2025", "IN", None, "2019-04-01", None, {"PK"}),
    ("pakistan-2025", "IN", None, "2020-01-01", None, set()),
    ("qatar-2017", None, None, None, None, {"AE", "BH", "EG", "SA"}),
    ("qatar-2017", None, None, "2021-01-10", None, {"BH", "EG"}),
    ("qatar-2017", None, None, "2021-02-01", None, set()),
    ("qatar-2017", "OM", None, None, None, set()),
    ("russia-2022", None, None, None, None, {"RU", "UA"}),
    ("russia-2022", "FI", None, "2022-02-01", None, set()),
    ("russia-2022", "JP", None, None, None, {"RU", "UA"}),
    ("russia-2022", "CN", None, None, None, {"UA"}),
    ("russia-2022", "FO", None, None, None, {"RU", "UA"}),
]


@pytest.mark.parametrize(
    ("name", "operator", "category", "on", "endpoints", "denied"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in CASES],
)
def test_built_in_scenario_denies_what_its_sources_say(
    name: str,
    operator: str | None,
    category: str | None,
    on: str | None,
    endpoints: list[str] | None,
    denied: set[str],
) -> None:
    permissions = load_scenario(name).resolve(
        operator_state=operator,
        category=category,
        on=day(on) if on else None,
        endpoints=endpoints,
    )
    got = set(permissions.overflight_denied)
    assert (got & SYRIA if name.startswith("syria") else got) == denied


@pytest.mark.parametrize("name", ["syria-2015", "syria-2015-before"])
def test_the_other_nato_members_do_not_clear_russian_military_transports(name: str) -> None:
    permissions = load_scenario(name).resolve()
    assert {"PL", "RO", "HU", "DE", "US", "GB", "FR"} <= set(permissions.overflight_denied)
    assert permissions.reasons["PL"].startswith("rules[0]: NATO members")
    assert load_scenario(name).resolve(on=day("2014-03-31")).may_overfly("PL")


def test_syria_2015_allows_iran_and_iraq_for_russian_state_aircraft() -> None:
    permissions = load_scenario("syria-2015").resolve(operator_state="RU", category="state")
    for code in ("IR", "IQ", "SY", "RU"):
        assert permissions.may_overfly(code)
        assert permissions.may_land(code)
    for code in ("BG", "GR", "TR", "UA"):
        assert not permissions.may_overfly(code)
        assert not permissions.may_land(code)
    assert permissions.reasons["BG"].startswith("rules[6]: Bulgaria refuses")


def test_ukraine_closed_to_russian_airlines_landing_before_overflight() -> None:
    syria = load_scenario("syria-2015")
    november = syria.resolve(category="civil", on=day("2015-11-01"))
    assert november.may_overfly("UA")
    assert not november.may_land("UA")


def test_russia_2022_closes_europe_and_north_america_to_russian_carriers() -> None:
    permissions = load_scenario("russia-2022").resolve(operator_state="RU", category="civil")
    denied = set(permissions.overflight_denied)
    assert {"FI", "DE", "FR", "GB", "US", "CA", "NO", "CH", "IS", "UA"} <= denied
    assert {"GL", "FO", "PF", "GU"} <= denied, "dependencies follow their sovereign"
    assert not {"RU", "CN", "TR", "KZ", "RS", "JP"} & denied


@pytest.mark.parametrize(
    ("on", "operator", "endpoints", "saudi_denied"),
    [
        ("2017-01-01", "IN", ["IN", "IL"], True),
        ("2019-01-01", "IN", ["IN", "IL"], False),
        ("2019-01-01", "IL", ["IN", "IL"], True),
        ("2020-09-15", "IL", ["IL", "IN"], True),
        ("2020-09-15", "IL", ["IL", "AE"], False),
        ("2020-08-15", "IL", ["IL", "AE"], True),
        ("2022-08-01", "IL", ["IL", "IN"], False),
        ("2019-01-01", "DE", ["DE", "IN"], False),
    ],
)
def test_saudi_arabia_opens_to_flights_to_and_from_israel_step_by_step(
    on: str, operator: str, endpoints: list[str], saudi_denied: bool
) -> None:
    permissions = load_scenario("saudi-israel-2020").resolve(
        operator_state=operator, on=day(on), endpoints=endpoints
    )
    assert ("SA" in permissions.overflight_denied) is saudi_denied


def test_oman_opens_to_israeli_carriers_in_2023() -> None:
    scenario = load_scenario("saudi-israel-2020")
    assert "OM" in scenario.resolve(on=day("2023-02-22")).overflight_denied
    assert "OM" not in scenario.resolve(on=day("2023-02-23")).overflight_denied
    assert "OM" not in scenario.resolve(operator_state="IN").overflight_denied
