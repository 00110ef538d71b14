"""Resolution semantics: order of rules, groups at a date, dependencies, categories, layering."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from overflight.errors import InputError, ScenarioError, UnknownStateError
from overflight.scenarios import Scenario, load_scenario, parse_scenario


def scenario(rules: str, *, head: str = "") -> Scenario:
    return parse_scenario(f"name: t\ntitle: test\ndate: 2021-06-01\n{head}rules:\n{rules}")


def denied(s: Scenario, **kwargs: object) -> set[str]:
    return set(s.resolve(**kwargs).overflight_denied)  # type: ignore[arg-type]


def test_the_last_rule_that_concerns_the_flight_wins() -> None:
    deny_then_allow = scenario(
        "  - {states: [TR], overflight: deny}\n"
        "  - {states: [TR], operators: [RU], overflight: allow}\n"
    )
    assert denied(deny_then_allow, operator_state="RU") == set()
    assert denied(deny_then_allow, operator_state="DE") == {"TR"}
    allow_then_deny = scenario(
        "  - {states: [TR], operators: [RU], overflight: allow}\n"
        "  - {states: [TR], overflight: deny}\n"
    )
    assert denied(allow_then_deny, operator_state="RU") == {"TR"}


def test_a_group_is_resolved_at_the_date() -> None:
    eu = scenario("  - {states: ['@EU'], overflight: deny}\n")
    assert "GB" in denied(eu, on=dt.date(2019, 6, 1))
    assert "GB" in denied(eu, on=dt.date(2020, 1, 31))
    assert "GB" not in denied(eu, on=dt.date(2020, 2, 1))
    assert "GB" not in denied(eu, on=dt.date(2021, 6, 1))
    assert "HR" not in denied(eu, on=dt.date(2013, 6, 30))
    assert "HR" in denied(eu, on=dt.date(2013, 7, 1))


def test_nato_membership_dates_apply_to_operators() -> None:
    s = scenario("  - {states: [RU], operators: ['@NATO'], overflight: deny}\n")
    assert denied(s, operator_state="SE", on=dt.date(2024, 3, 6)) == set()
    assert denied(s, operator_state="SE", on=dt.date(2024, 3, 7)) == {"RU"}
    assert denied(s, operator_state="FI", on=dt.date(2023, 4, 4)) == {"RU"}


def test_dependencies_follow_their_sovereign_until_a_later_rule_names_them() -> None:
    s = scenario("  - {states: [FR], overflight: deny}\n")
    assert {"FR", "PF", "GF", "RE"} <= denied(s)
    opened = scenario(
        "  - {states: [FR], overflight: deny}\n  - {states: [PF], overflight: allow}\n"
    )
    assert "PF" not in denied(opened)
    assert "GF" in denied(opened)
    named_first = scenario(
        "  - {states: [PF], overflight: allow}\n  - {states: [FR], overflight: deny}\n"
    )
    assert "PF" in denied(named_first)


def test_an_operator_rule_covers_operators_of_dependencies() -> None:
    s = scenario("  - {states: [RU], operators: [DK], overflight: deny}\n")
    assert denied(s, operator_state="FO") == {"RU"}
    assert denied(s, operator_state="NO") == set()


def test_no_operator_matches_only_rules_for_everyone() -> None:
    s = scenario(
        "  - {states: [RU], operators: [FI], overflight: deny}\n"
        "  - {states: [UA], overflight: deny}\n"
    )
    assert denied(s) == {"UA"}


@pytest.mark.parametrize(
    ("rule_category", "flight_category", "applies"),
    [
        ("state", "state", True),
        ("state", "state_military", True),
        ("state", "state_government", True),
        ("state_military", "state_military", True),
        ("state_military", "state", False),
        ("state_military", "state_government", False),
        ("state", "civil", False),
        ("civil", "civil_cargo", True),
        ("civil_cargo", "civil_passenger", False),
    ],
)
def test_a_category_covers_its_sub_categories(
    rule_category: str, flight_category: str, applies: bool
) -> None:
    s = scenario(f"  - {{states: [TR], categories: [{rule_category}], overflight: deny}}\n")
    assert (denied(s, category=flight_category) == {"TR"}) is applies


def test_an_unknown_category_is_refused_with_the_accepted_ones() -> None:
    with pytest.raises(InputError, match=r"unknown category 'military'.*state_military"):
        scenario("  - {states: [TR], overflight: deny}\n").resolve(category="military")


def test_landing_follows_a_denied_overflight_unless_the_rule_says_otherwise() -> None:
    s = scenario(
        "  - {states: [TR], overflight: deny}\n"
        "  - {states: [GR], overflight: deny, landing: allow}\n"
        "  - {states: [BG], landing: deny}\n"
    )
    p = s.resolve()
    assert not p.may_land("TR")
    assert not p.may_overfly("TR")
    assert p.may_land("GR")
    assert not p.may_overfly("GR")
    assert not p.may_land("BG")
    assert p.may_overfly("BG")
    assert p.may_land("RO")
    assert p.may_overfly("RO")


def test_a_default_deny_scenario_allows_only_what_its_rules_allow() -> None:
    s = scenario(
        "  - {states: [IR, IQ, SY], overflight: allow}\n  - {states: [IR], landing: allow}\n",
        head="default: {overflight: deny}\n",
    )
    p = s.resolve()
    assert not {"IR", "IQ", "SY"} & set(p.overflight_denied)
    assert "TR" in p.overflight_denied
    assert len(p.overflight_denied) > 200
    # Overflight (first freedom) does not grant a technical stop (second freedom).
    assert p.landing_allowed == {"IR"}


def test_to_from_rules_need_the_endpoints() -> None:
    s = scenario("  - {states: [SA], to_from: [IL], overflight: deny}\n")
    assert denied(s) == set()
    assert denied(s, endpoints=["ISR", "IN"]) == {"SA"}
    assert denied(s, endpoints=["AE", "IN"]) == set()
    with_default = scenario(
        "  - {states: [SA], to_from: [IL], overflight: deny}\n", head="endpoints: [IL]\n"
    )
    assert denied(with_default) == {"SA"}
    assert denied(with_default, endpoints=[]) == set()


def test_a_window_bounds_a_rule_inclusively() -> None:
    s = scenario(
        "  - {states: [QA], overflight: deny, valid: {from: 2017-06-06, to: 2021-01-04}}\n"
    )
    assert denied(s, on=dt.date(2017, 6, 5)) == set()
    assert denied(s, on=dt.date(2017, 6, 6)) == {"QA"}
    assert denied(s, on=dt.date(2021, 1, 4)) == {"QA"}
    assert denied(s, on=dt.date(2021, 1, 5)) == set()


def test_a_scenario_without_date_resolves_for_today() -> None:
    s = parse_scenario(
        "name: t\ntitle: T\nrules:\n"
        "  - {states: [TR], overflight: deny, valid: {from: 2000-01-01}}\n"
    )
    assert s.resolve().on == dt.date.today()


def test_caller_deny_wins_over_the_scenario_and_allow_removes_a_denial() -> None:
    syria = load_scenario("syria-2015")
    p = syria.resolve(deny=["irn", "IQ"], allow=["BG", "TUR"])
    assert set(p.overflight_denied) & {"BG", "GR", "IR", "IQ", "TR", "UA"} == {
        "GR",
        "IR",
        "IQ",
        "UA",
    }
    assert p.reasons["IR"] == "denied by the caller"
    assert p.may_land("BG")
    assert not p.may_land("IR")


def test_caller_deny_covers_dependencies_except_those_allowed() -> None:
    p = scenario("  - {states: [TR], overflight: deny}\n").resolve(deny=["FR"], allow=["PF"])
    assert {"FR", "GF", "TR"} <= set(p.overflight_denied)
    assert "PF" not in p.overflight_denied
    assert p.reasons["GF"] == "denied by the caller (as part of FR)"
    opened = scenario("  - {states: [FR], overflight: deny}\n").resolve(allow=["FR"], deny=["PF"])
    assert set(opened.overflight_denied) == {"PF"}


def test_a_state_both_denied_and_allowed_is_refused() -> None:
    with pytest.raises(InputError, match="TR both denied and allowed"):
        load_scenario("syria-2015").resolve(deny=["TR"], allow=["TUR"])


def test_an_unknown_caller_code_names_close_matches() -> None:
    with pytest.raises(UnknownStateError, match="did you mean"):
        load_scenario("syria-2015").resolve(deny=["TURK"])


def test_the_scenario_settings_travel_with_the_permissions(tmp_path: Path) -> None:
    (tmp_path / "zone.geojson").write_text(
        '{"type": "Polygon", "coordinates": [[[30, 40], [31, 40], [31, 41], [30, 40]]]}'
    )
    (tmp_path / "s.yaml").write_text(
        "name: t\ntitle: T\nmargin_nm: 25\ntransit_passage: true\navoid: [zone.geojson]\n"
    )
    p = load_scenario(tmp_path / "s.yaml").resolve()
    assert p.margin_nm == 25.0
    assert p.transit_passage
    assert [g.geom_type for g in p.avoid] == ["Polygon"]
    assert {s.id for s in p.transit_corridors} >= {"gibraltar", "hormuz", "bab-el-mandeb"}
    assert "bosporus" not in {s.id for s in p.transit_corridors}


def test_a_scenario_may_override_the_rules_it_extends(tmp_path: Path) -> None:
    (tmp_path / "open-turkey.yaml").write_text(
        "name: open-turkey\ntitle: What if Turkey opens\nextends: syria-2015\n"
        "rules:\n  - {states: [TR], categories: [state], operators: [RU], overflight: allow}\n"
    )
    s = load_scenario(tmp_path / "open-turkey.yaml")
    assert s.date == dt.date(2015, 9, 15)
    assert s.operator.state == "RU"
    assert len(s.sources) == len(load_scenario("syria-2015").sources)
    assert set(s.resolve().overflight_denied) & {"BG", "GR", "TR", "UA"} == {"BG", "GR", "UA"}


def test_a_scenario_may_extend_a_file_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text(
        "name: base\ntitle: B\nrules:\n  - {states: [TR], overflight: deny}\n"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.yaml").write_text(
        "name: child\ntitle: C\nextends: ../base.yaml\n"
        "rules:\n  - {states: [GR], overflight: deny}\n"
    )
    assert set(load_scenario(tmp_path / "sub" / "child.yaml").resolve().overflight_denied) == {
        "GR",
        "TR",
    }


SYRIA_CODES = sorted({"BG", "GR", "TR", "UA", "IR", "IQ", "SY", "RU", "FR", "PF", "GB", "CY"})


@settings(max_examples=60, deadline=None)
@given(
    deny=st.sets(st.sampled_from(SYRIA_CODES), max_size=5),
    allow=st.sets(st.sampled_from(SYRIA_CODES), max_size=5),
)
def test_caller_lists_always_win_over_the_scenario(deny: set[str], allow: set[str]) -> None:
    allow -= deny
    p = load_scenario("syria-2015").resolve(deny=deny, allow=allow)
    assert deny <= set(p.overflight_denied)
    assert not allow & set(p.overflight_denied)
    assert allow <= p.landing_allowed
    assert list(p.overflight_denied) == sorted(set(p.overflight_denied))


def test_errors_in_rules_added_by_an_extending_file_name_its_own_lines(tmp_path: Path) -> None:
    (tmp_path / "child.yaml").write_text(
        "name: child\ntitle: C\nextends: syria-2015\nrules:\n"
        "  - {states: [TR], overflight: deny}\n"
        "  - {states: [TR], overflight: allow}\n"
    )
    with pytest.raises(ScenarioError) as raised:
        load_scenario(tmp_path / "child.yaml")
    assert (raised.value.line, raised.value.field) == (6, "rules[1]")
    assert "contradicts rules[0]" in str(raised.value)


def test_country_codes_that_yaml_1_1_reads_as_booleans_stay_codes() -> None:
    norway = scenario("  - states: [NO]\n    operators: [no]\n    overflight: deny\n")
    assert denied(norway, operator_state="NOR") == {"NO", "BV", "SJ"}


def test_a_scenario_that_extends_another_needs_the_loader() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="load_scenario or parse_scenario"):
        Scenario.model_validate({"name": "x", "title": "X", "extends": "syria-2015"})


def test_scenarios_are_immutable_values() -> None:
    a, b = (
        load_scenario("syria-2015"),
        parse_scenario(load_scenario("syria-2015").model_dump_json(), base_dir="."),
    )
    assert a == b
    assert hash(a) == hash(b)
    with pytest.raises(ValueError, match="frozen"):
        a.margin_nm = 5.0
