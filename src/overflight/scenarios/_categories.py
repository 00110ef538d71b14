"""Operator categories: who an aircraft flies for, as permission rules distinguish them.

Chicago Convention art. 3 splits aircraft into civil and state aircraft ("used in military,
customs and police services"); states grant or refuse each kind separately, and sometimes
narrower kinds (cargo flights, military transports). Categories form a tree of two levels: a
rule that names a category also applies to its sub-categories, never the reverse.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, get_args

__all__ = ["CATEGORIES", "Category", "lineage"]

#: The category names a scenario may use.
Category = Literal[
    "civil",
    "civil_passenger",
    "civil_cargo",
    "state",
    "state_military",
    "state_government",
]

#: Each category with its parent (None for the two roots) and what it covers.
CATEGORIES: Final[Mapping[str, tuple[str | None, str]]] = MappingProxyType(
    {
        "civil": (None, "civil aircraft: airlines, cargo carriers, business and private flights"),
        "civil_passenger": ("civil", "civil passenger flights"),
        "civil_cargo": ("civil", "civil all-cargo flights"),
        "state": (None, "state aircraft (Chicago Convention art. 3(b))"),
        "state_military": ("state", "military aircraft, including military transports"),
        "state_government": (
            "state",
            "state aircraft not in military service: customs, police, government transport",
        ),
    }
)

if set(CATEGORIES) != set(get_args(Category)):  # pragma: no cover - a maintenance guard
    raise RuntimeError("CATEGORIES and Category disagree")


def lineage(category: str) -> tuple[str, ...]:
    """The category and its ancestors, most specific first.

    >>> lineage("state_military")
    ('state_military', 'state')
    """
    out = [category]
    parent = CATEGORIES[category][0]
    while parent is not None:
        out.append(parent)
        parent = CATEGORIES[parent][0]
    return tuple(out)
