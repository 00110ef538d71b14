"""The registry merged into one world and resolved for an operator, an airline and a date."""

from __future__ import annotations

import datetime as dt

import pytest

from overflight.errors import InputError, UnknownAirlineError, UnknownStateError
from overflight.registry import world

D = dt.date.fromisoformat


def test_every_event_file_is_read_with_every_rule() -> None:
    w = world()
    assert len(w.events) >= 42
    assert len(w.rules) >= 135
    assert w.as_of == D("2026-12-01")
    assert all(r.source.url and r.source.date for _e, r in w.rules)


def test_no_two_rules_contradict_on_any_change_date() -> None:
    w = world()
    days = w.change_dates()
    assert days[0] == D("2014-01-01")
    assert D("2022-02-28") in days  # Russia's 36-state closure
    assert D("2019-07-16") in days  # the day after Pakistan's 2019 closure ended
    assert w.contradictions() == ()


def test_contradictions_are_found_across_events() -> None:
    """The check can fail: an event file that reopens Saudi Arabia too early is caught."""
    from dataclasses import replace

    w = world()
    qatar = next(e for e in w.events if e.id == "qatar-blockade-2017")
    rule = qatar.rules[0].model_copy(
        update={"id": "sa-opens-to-qatar-early", "overflight": "allow"}
    )
    clash = replace(w, events=(*w.events, qatar.model_copy(update={"rules": (rule,)})))
    # A world of other events resolves with its own rules.
    opened = clash.resolve(airline="QTR", date=D("2018-01-01")).permissions
    assert "SA" not in opened.overflight_denied
    assert "AE" in opened.overflight_denied
    assert any(
        "sa-opens-to-qatar-early contradicts sa-closes-to-qatar-2017" in c
        for c in clash.contradictions()
    )


def denied(day: str, **who: str) -> tuple[str, ...]:
    ends = who.pop("ends", "").split(",")
    return world().resolve(date=D(day), endpoints=ends, **who).permissions.overflight_denied


@pytest.mark.parametrize(
    ("who", "day", "state", "refused"),
    [
        ({"airline": "FIN"}, "2021-06-01", "RU", False),
        ({"airline": "FIN"}, "2023-06-01", "RU", True),
        ({"airline": "AIC"}, "2019-01-15", "PK", False),
        ({"airline": "AIC"}, "2019-03-15", "PK", True),
        ({"airline": "AIC"}, "2020-01-15", "PK", False),
        ({"airline": "AIC"}, "2025-06-01", "PK", True),
        ({"airline": "ELY", "ends": "IL,IN"}, "2019-06-01", "SA", True),
        ({"airline": "ELY", "ends": "IL,IN"}, "2023-06-01", "SA", False),
        ({"airline": "ELY", "ends": "IL,IN"}, "2023-06-01", "OM", False),
        ({"airline": "QR"}, "2018-01-01", "EG", True),
        ({"airline": "QR"}, "2021-06-01", "EG", False),
        ({"operator": "RU", "category": "state_military"}, "2015-09-15", "BG", True),
        ({"operator": "RU", "category": "state_military"}, "2015-09-15", "IR", False),
        ({"operator": "RU", "category": "civil"}, "2015-09-15", "BG", False),
    ],
)
def test_a_state_is_refused_inside_the_rule_window_only(
    who: dict[str, str], day: str, state: str, refused: bool
) -> None:
    assert (state in denied(day, **who)) is refused


def test_the_answer_names_the_rules_that_refused_each_state() -> None:
    answer = world().resolve(airline="QTR", date=D("2018-01-01"), endpoints=["QA", "GB"])
    by_id = {r.id: r for r in answer.rules}
    assert by_id["sa-closes-to-qatar-2017"].refused == ("SA",)
    assert by_id["eg-closes-to-qatar-2017"].kind == "overflight deny"
    assert by_id["eg-closes-to-qatar-2017"].valid_to == D("2021-01-11")
    url = by_id["eg-closes-to-qatar-2017"].source.url
    assert url is not None
    assert url.startswith("https://www.aljazeera.com/")
    assert answer.airline is not None
    assert answer.airline.state == "QA"


def test_rules_aimed_at_named_airlines_apply_to_those_alone() -> None:
    # Venezuela revoked six airlines' rights on 2025-11-26: Iberia among them, Air Europa not.
    def may_land(**who: str) -> bool:
        answer = world().resolve(date=D("2026-01-15"), **who)
        return answer.permissions.may_land("VE")

    assert not may_land(airline="IBE")
    assert may_land(airline="AEA")
    assert may_land(operator="ES")


def test_the_endpoints_are_permitted() -> None:
    assert "PK" not in denied("2025-06-01", airline="AIC", ends="IN,PK")


def test_deny_and_allow_go_on_top() -> None:
    answer = world().resolve(
        airline="AIC", date=D("2025-06-01"), endpoints=["IN", "US"], deny=["IR"], allow=["PK"]
    )
    assert "IR" in answer.permissions.overflight_denied
    assert "PK" not in answer.permissions.overflight_denied


def test_a_date_after_the_knowledge_date_is_answered_with_a_warning() -> None:
    answer = world().resolve(airline="FIN", date=D("2027-06-01"))
    assert answer.warnings
    assert "knowledge as of 2026-12-01" in answer.warnings[0]
    assert not world().resolve(airline="FIN", date=D("2026-06-01")).warnings


@pytest.mark.parametrize(
    ("who", "error", "message"),
    [
        ({"airline": "XQZ"}, UnknownAirlineError, "unknown airline 'XQZ'.*ICAO three-letter"),
        ({"operator": "XZ"}, UnknownStateError, "unknown state code 'XZ'.*alpha-2"),
        ({"category": "pirate"}, InputError, "category 'pirate'.*civil, civil_passenger"),
        ({"date": D("2013-12-31")}, InputError, "date .2013-12-31.*starts on 2014-01-01"),
        ({"airline": "FIN", "operator": "RU"}, InputError, "'RU': not the state of .*FIN"),
    ],
)
def test_bad_input_names_the_value_and_what_is_accepted(
    who: dict[str, object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        world().resolve(**who)  # type: ignore[arg-type]


def test_what_applies_to_an_operator_and_whom_a_state_refuses() -> None:
    india = {r.id for r in world().rules_for(operator="IN", date=D("2025-06-01"))}
    assert "pk-closed-to-indian-aircraft-2025-notam-01" in india
    assert "ua-closes-to-civil-flights-2022" in india
    assert not any(i.startswith(("sa-closes-to-qatar", "eg-closes")) for i in india)
    pakistan = world().refused_by("PAK", date=D("2025-06-01"))
    assert {r.id for r in pakistan} >= {"pk-closed-to-indian-aircraft-2025-notam-01"}
    assert all("PK" in r.states for r in pakistan)
    # Between the closures to India, only flights to and from Israel.
    between = world().refused_by("PK", date=D("2020-01-15"))
    assert [r.id for r in between] == ["ir-pk-af-refuse-israel-flights"]


def test_threads_share_one_world_and_answer_as_one_thread_does() -> None:
    from concurrent.futures import ThreadPoolExecutor

    asks = [
        {"airline": code, "date": D(day), "endpoints": ends}
        for code, day, ends in (
            ("FIN", "2023-06-01", ["FI", "JP"]),
            ("AIC", "2019-03-15", ["IN", "US"]),
            ("ELY", "2019-06-01", ["IL", "IN"]),
            ("QTR", "2018-01-01", ["QA", "GB"]),
        )
    ] * 8
    alone = [world().resolve(**a) for a in asks]  # type: ignore[arg-type]
    world()._selected.clear()
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda a: world().resolve(**a), asks))
    assert together == alone


def test_a_kept_parse_is_used_and_a_bad_one_is_read_again() -> None:
    from overflight.registry._load import Event, _directory, _keep, _parsed, read_model

    path = _directory() / "events" / "qatar-blockade-2017.yaml"
    text = path.read_text(encoding="utf-8")
    first = read_model(path, Event)
    assert _parsed(text)["id"] == "qatar-blockade-2017"
    assert read_model(path, Event) == first
    _keep(text, {"id": "not-an-event"})
    assert read_model(path, Event) == first
    assert _parsed(text)["rules"]
