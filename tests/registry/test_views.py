"""Built-in scenarios as views of the registry: the same answers as their events.

A scenario keeps its narrative, sources, assumptions and default flight; what it refuses to
overfly, for any operator and category, and where its own flight may land, on every date one
of its events' rules changes, is the registry's. (The registry also records landing bans the
scenarios leave out, such as Russia's on Ukrainian carriers from 2015-10-25.)
"""

from __future__ import annotations

import datetime as dt

import pytest

from overflight.registry import World, world
from overflight.registry._load import read_views
from overflight.scenarios import load_scenario

OPERATORS = ("RU", "UA", "US", "FI", "IN", "PK", "QA", "SA", "IL", "IR", "CN")
CATEGORIES = ("civil", "state")


def differences(name: str, view: World) -> list[tuple[dt.date, str, str, set[str]]]:
    """Where the scenario and the view disagree: day, operator, category, states refused by one."""
    scenario = load_scenario(name)
    days = sorted({*view.change_dates(), *([scenario.date] if scenario.date else [])})
    out = []
    for day in days:
        for operator in OPERATORS:
            for category in CATEGORIES:
                mine = scenario.resolve(operator_state=operator, category=category, on=day)
                theirs = view.resolve(operator=operator, category=category, date=day).permissions
                odd = set(mine.overflight_denied) ^ set(theirs.overflight_denied)
                own = (operator, category) == (scenario.operator.state, scenario.operator.category)
                if odd or (own and mine.landing_allowed != theirs.landing_allowed):
                    out.append((day, operator, category, odd))
    return out


@pytest.mark.parametrize("name", sorted(read_views()))
def test_a_view_answers_as_its_events_on_every_change_date(name: str) -> None:
    view = world().view(name)
    assert len(view.events) == len(read_views()[name])
    assert differences(name, view) == []


def test_the_views_cover_the_scenarios_that_can_be_views() -> None:
    assert set(read_views()) == {"syria-2015", "syria-2015-before", "qatar-2017", "pakistan-2025"}


@pytest.mark.parametrize(
    ("name", "events", "day", "operator", "state"),
    [
        # The registry dates Poland's ban on Russian aircraft before the EU-wide one.
        (
            "russia-2022",
            ["eu-closes-to-russia-2022", "ru-closes-to-western-carriers-2022"],
            "2022-02-26",
            "RU",
            "PL",
        ),
        # The scenario refuses Israeli flights over states without relations with Israel.
        ("saudi-israel-2020", ["sa-israel-overflight-2018-2022"], "2020-09-15", "IL", "IR"),
    ],
)
def test_the_other_scenarios_differ_from_the_registry_where_documented(
    name: str, events: list[str], day: str, operator: str, state: str
) -> None:
    w = world()
    view = World(as_of=w.as_of, events=tuple(e for e in w.events if e.id in events))
    assert any(
        state in odd for d, o, _c, odd in differences(name, view) if str(d) == day and o == operator
    )


def test_an_unknown_view_names_the_views() -> None:
    with pytest.raises(KeyError, match=r"russia-2022.*not a view.*qatar-2017"):
        world().view("russia-2022")
