"""Named groups of states (``@EU``, ``@NATO``, ...) with membership dates, shipped as data.

The groups live in ``groups.yaml`` beside this module, read on first use.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from importlib.resources import files
from types import MappingProxyType

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from overflight.data.yamlfile import fail_validation, read_yaml
from overflight.errors import InputError, ScenarioError
from overflight.scenarios._codes import StateCode
from overflight.scenarios._common import Source

__all__ = [
    "GROUPS_FILE",
    "Group",
    "Membership",
    "canonical_group",
    "expand_refs",
    "group_members",
    "groups",
]

#: Name of the shipped groups file inside the package.
GROUPS_FILE = "groups.yaml"

#: What a group name looks like (after the ``@``).
GROUP_NAME_PATTERN = "^[A-Za-z][A-Za-z0-9_]*$"


class Membership(BaseModel):
    """One state's membership of a group, with its dates (both inclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    #: The member state, alpha-2.
    state: StateCode
    #: First day of membership (None: since the group began).
    from_: dt.date | None = Field(default=None, alias="from")
    #: Last day of membership (None: still a member).
    to: dt.date | None = None

    def on(self, day: dt.date) -> bool:
        """Whether the state is a member on ``day``."""
        return (self.from_ is None or self.from_ <= day) and (self.to is None or day <= self.to)


class Group(BaseModel):
    """A named group of states."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Full name of the group.
    title: str
    #: What the group covers and how its dates were chosen.
    note: str = ""
    #: Where the membership dates come from.
    sources: tuple[Source, ...] = Field(min_length=1)
    #: Every state that is or was a member.
    members: tuple[Membership, ...] = Field(min_length=1)

    def members_on(self, day: dt.date) -> frozenset[str]:
        """Alpha-2 codes of the members on ``day``."""
        return frozenset(m.state for m in self.members if m.on(day))


class _GroupsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    groups: dict[str, Group]


@cache
def groups() -> Mapping[str, Group]:
    """The shipped groups by upper-case name, read once.

    >>> sorted(groups())
    ['ARAB_QUARTET', 'EU', 'G7', 'GCC', 'NATO']
    """
    text = files("overflight.scenarios").joinpath(GROUPS_FILE).read_text(encoding="utf-8")
    doc = read_yaml(text, file=GROUPS_FILE, error=ScenarioError)
    try:
        parsed = _GroupsFile.model_validate({"groups": doc.data})
    except ValidationError as exc:
        fail_validation(
            exc,
            doc,
            file=GROUPS_FILE,
            model=_GroupsFile,
            error=ScenarioError,
            remap=lambda p: p[1:],
        )
    return MappingProxyType({name.upper(): group for name, group in parsed.groups.items()})


def canonical_group(name: str) -> str:
    """The shipped group's name for ``name`` (with or without ``@``, any case).

    Raises
    ------
    InputError
        For a name no shipped group has, with the closest names.

    >>> canonical_group("@nato")
    'NATO'

    """
    key = name.strip().removeprefix("@").upper()
    if key in groups():
        return key
    known = sorted(groups())
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join('@' + c for c in close)}?" if close else ""
    raise InputError(
        f"unknown group {name!r}: the shipped groups are {', '.join('@' + k for k in known)}{hint}"
    )


@lru_cache(maxsize=1024)
def group_members(name: str, on: dt.date) -> frozenset[str]:
    """Alpha-2 codes of a group's members on a date.

    >>> "GB" in group_members("EU", dt.date(2019, 1, 1))
    True
    >>> "GB" in group_members("EU", dt.date(2021, 1, 1))
    False
    """
    return groups()[canonical_group(name)].members_on(on)


def expand_refs(refs: Iterable[str], on: dt.date) -> frozenset[str]:
    """Alpha-2 codes for validated state references (codes and ``@GROUP``) on a date.

    >>> sorted(expand_refs(["@ARAB_QUARTET", "QA"], dt.date(2017, 6, 5)))
    ['AE', 'BH', 'EG', 'QA', 'SA']
    """
    out: set[str] = set()
    for ref in refs:
        if ref.startswith("@"):
            out |= group_members(ref[1:], on)
        else:
            out.add(ref)
    return frozenset(out)
