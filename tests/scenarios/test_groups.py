"""Shipped groups of states, with their membership dates."""

from __future__ import annotations

import datetime as dt

import pytest

from overflight.errors import InputError
from overflight.scenarios import group_members, groups


@pytest.mark.parametrize(
    ("group", "on", "count"),
    [
        ("EU", "2004-04-30", 15),
        ("EU", "2004-05-01", 25),
        ("EU", "2013-07-01", 28),
        ("EU", "2020-01-31", 28),
        ("EU", "2020-02-01", 27),
        ("NATO", "1949-08-24", 12),
        ("NATO", "2023-04-03", 30),
        ("NATO", "2023-04-04", 31),
        ("NATO", "2024-03-07", 32),
        ("GCC", "2017-06-05", 6),
        ("G7", "1976-01-01", 6),
        ("G7", "1976-06-27", 7),
        ("ARAB_QUARTET", "2017-06-05", 4),
    ],
)
def test_membership_counts_at_dates(group: str, on: str, count: int) -> None:
    assert len(group_members(group, dt.date.fromisoformat(on))) == count


@pytest.mark.parametrize(
    ("group", "code", "member_on", "not_member_on"),
    [
        ("EU", "GB", "2019-01-01", "2021-01-01"),
        ("EU", "HR", "2013-07-01", "2013-06-30"),
        ("NATO", "FI", "2023-04-04", "2023-04-03"),
        ("NATO", "SE", "2024-03-07", "2024-03-06"),
        ("NATO", "MK", "2020-03-27", "2020-03-26"),
    ],
)
def test_membership_dates(group: str, code: str, member_on: str, not_member_on: str) -> None:
    assert code in group_members(group, dt.date.fromisoformat(member_on))
    assert code not in group_members(group, dt.date.fromisoformat(not_member_on))


def test_every_group_cites_sources_and_lists_valid_codes() -> None:
    for name, group in groups().items():
        assert group.sources, name
        assert group.title, name
        codes = [m.state for m in group.members]
        assert len(codes) == len(set(codes)), f"{name} lists a state twice"


@pytest.mark.parametrize("name", ["nato", "@NATO", " @Nato "])
def test_group_names_are_found_in_any_case(name: str) -> None:
    assert "TR" in group_members(name, dt.date(2020, 1, 1))


def test_an_unknown_group_names_the_shipped_ones() -> None:
    with pytest.raises(InputError, match=r"unknown group 'OTAN'.*@NATO"):
        group_members("OTAN", dt.date(2020, 1, 1))
