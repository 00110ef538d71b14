"""Resolving a scenario: the rules, in order, for one operator, category and date.

For each shipped state, the default stance applies until a rule that concerns the flight names
the state (or its sovereign); then the last such rule decides. ``deny`` and ``allow`` from the
caller are applied on top, explicit codes before codes reached through a sovereign.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import TYPE_CHECKING

from overflight.data.airspace import normalise_codes, states
from overflight.errors import InputError
from overflight.scenarios._categories import CATEGORIES, lineage
from overflight.scenarios._groups import expand_refs
from overflight.scenarios._permissions import Permissions

if TYPE_CHECKING:
    from overflight.scenarios._model import Rule, Scenario

__all__ = ["resolve"]


@cache
def _sovereigns() -> Mapping[str, str | None]:
    return MappingProxyType({code: area.sovereign for code, area in states().items()})


def _with_sovereigns(codes: Iterable[str]) -> set[str]:
    """The codes and their sovereigns: what a rule's ``operators`` or ``to_from`` may name."""
    sov = _sovereigns()
    out = set(codes)
    out |= {s for c in out if (s := sov.get(c)) is not None}
    return out


def _with_dependencies(codes: frozenset[str]) -> set[str]:
    """The codes and every dependency whose sovereign is among them."""
    return set(codes) | {c for c, s in _sovereigns().items() if s in codes}


def _label(index: int, rule: Rule) -> str:
    return f"rules[{index}]" + (f": {rule.note}" if rule.note else "")


def resolve(
    scenario: Scenario,
    *,
    operator_state: str | None,
    category: str | None,
    on: dt.date | None,
    deny: Iterable[str],
    allow: Iterable[str],
    endpoints: Iterable[str] | None,
) -> Permissions:
    """See :meth:`overflight.scenarios.Scenario.resolve`."""
    cat = category if category is not None else scenario.operator.category
    if cat not in CATEGORIES:
        raise InputError(f"unknown category {cat!r}: give one of {', '.join(CATEGORIES)}")
    operator = (
        _one_code(operator_state, "operator state")
        if operator_state is not None
        else scenario.operator.state
    )
    day = on if on is not None else (scenario.date or dt.date.today())
    ends = normalise_codes(endpoints) if endpoints is not None else scenario.endpoints
    denied_codes, allowed_codes = set(normalise_codes(deny)), set(normalise_codes(allow))
    both = sorted(denied_codes & allowed_codes)
    if both:
        raise InputError(f"{', '.join(both)} both denied and allowed: give each state once")

    ops = _with_sovereigns([operator] if operator else [])
    ends_cover = _with_sovereigns(ends)
    cats = lineage(cat)
    overflight = dict.fromkeys(states(), scenario.default.overflight)
    landing = dict.fromkeys(states(), scenario.default.effective_landing)
    why = dict.fromkeys(states(), "default")
    for index, rule in enumerate(scenario.rules):
        if not rule._applies(cats, ops, ends_cover, day):
            continue
        decided_landing = rule.effective_landing
        for code in _with_dependencies(expand_refs(rule.states, day)):
            if rule.overflight is not None:
                overflight[code] = rule.overflight
                why[code] = _label(index, rule)
            if decided_landing is not None:
                landing[code] = decided_landing

    sov = _sovereigns()
    for code in states():
        parent = sov.get(code)
        if code in denied_codes or (code not in allowed_codes and parent in denied_codes):
            overflight[code] = landing[code] = "deny"
            why[code] = "denied by the caller" + (
                "" if code in denied_codes else f" (as part of {parent})"
            )
        elif code in allowed_codes or parent in allowed_codes:
            overflight[code] = landing[code] = "allow"

    denied = tuple(sorted(c for c, stance in overflight.items() if stance == "deny"))
    return Permissions(
        scenario=scenario.name,
        on=day,
        operator_state=operator,
        category=cat,
        overflight_denied=denied,
        landing_allowed=frozenset(c for c, stance in landing.items() if stance == "allow"),
        margin_nm=scenario.margin_nm,
        avoid=scenario.avoid_areas(),
        transit_passage=scenario.transit_passage,
        endpoints=ends,
        reasons=MappingProxyType({c: why[c] for c in denied}),
    )


def _one_code(value: str, what: str) -> str:
    codes = normalise_codes([value])
    if len(codes) != 1:
        raise InputError(f"{what} {value!r}: give one ISO 3166-1 alpha-2 or alpha-3 code")
    return codes[0]
