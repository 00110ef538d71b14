"""The scenario file format, and resolving a scenario for one flight (pydantic models).

For each shipped state, the default stance applies until a rule that concerns the flight names
the state (or its sovereign); then the last such rule decides. ``deny`` and ``allow`` from the
caller are applied on top, explicit codes before codes reached through a sovereign.
``SCENARIOS.md`` beside this module documents the format and the rules of precedence.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError
from shapely.geometry.base import BaseGeometry

from overflight._config import MARGIN_NM_MAX
from overflight.data.airspace import normalise_codes, states
from overflight.errors import InputError
from overflight.scenarios._avoid import AvoidArea, read_avoid_file
from overflight.scenarios._categories import CATEGORIES, lineage
from overflight.scenarios._codes import StateCode
from overflight.scenarios._common import Source
from overflight.scenarios._groups import expand_refs
from overflight.scenarios._permissions import Permissions
from overflight.scenarios._rules import Defaults, Operator, Rule

__all__ = ["Scenario"]

_NAME_PATTERN = "^[a-z0-9][a-z0-9-]*$"


def _scenario_name(value: str) -> str:
    if not re.fullmatch(_NAME_PATTERN, value):
        raise ValueError(
            f"{value!r} is not a scenario name: use lower-case letters, digits and dashes, "
            f"e.g. 'syria-2015'"
        )
    return value


def _avoid_area(value: Any, info: ValidationInfo) -> AvoidArea:
    if isinstance(value, AvoidArea):
        return value
    if not isinstance(value, str) or not value.strip():
        raise ValueError("an avoid entry is the path of a GeoJSON file, relative to the scenario")
    base = (info.context or {}).get("base_dir")
    file = (Path(base) if base is not None else Path.cwd()) / value
    return AvoidArea(value, file, read_avoid_file(file, shown=value))


#: A GeoJSON file of polygons, named relative to the scenario file.
AvoidRef = Annotated[
    AvoidArea,
    BeforeValidator(_avoid_area),
    PlainSerializer(lambda area: area.path, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "description": "Path of a GeoJSON file of polygons, relative to the scenario file.",
        }
    ),
]


class Scenario(BaseModel):
    """A permission scenario: who grants overflight and landing to whom, and when.

    Load one with :func:`overflight.scenarios.load_scenario`; see the package documentation
    for the file format and the precedence of rules.
    """

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        arbitrary_types_allowed=True,
        title="overflight permission scenario",
    )

    #: Short name, lower case with dashes (``syria-2015``).
    name: Annotated[str, AfterValidator(_scenario_name)] = Field(
        json_schema_extra={"pattern": _NAME_PATTERN},
        description="Short name: lower-case letters, digits and dashes.",
    )
    #: One-line title.
    title: str = Field(min_length=1, description="One-line title.")
    #: What the scenario describes.
    description: str = Field(default="", description="What the scenario describes.")
    #: Name of a built-in scenario, or path of a file, that this one builds on.
    extends: str | None = Field(
        default=None,
        description="Built-in scenario name or path this one builds on; its rules come first.",
    )
    #: Where the rules come from.
    sources: tuple[Source, ...] = Field(default=(), description="Where the rules come from.")
    #: What the scenario assumes where its sources are silent.
    assumptions: tuple[str, ...] = Field(
        default=(), description="What the scenario assumes where sources are silent."
    )
    #: The operator resolved for when the caller names none.
    operator: Operator = Field(default_factory=Operator, description="Default operator.")
    #: States of the origin and destination resolved for when the caller names none.
    endpoints: tuple[StateCode, ...] = Field(
        default=(), description="Default origin and destination states, for to_from rules."
    )
    #: The date resolved for when the caller names none (None: today).
    date: dt.date | None = Field(default=None, description="Default date (default: today).")
    #: Stance for states no rule decides.
    default: Defaults = Field(default_factory=Defaults, description="Stance when no rule decides.")
    #: The rules, in order: for each state the last rule that applies decides.
    rules: tuple[Rule, ...] = Field(default=(), description="Rules; the last that applies wins.")
    #: Lateral distance to keep from denied airspace, nautical miles.
    margin_nm: float = Field(
        default=0.0, ge=0.0, le=MARGIN_NM_MAX, description="Safety margin, nm."
    )
    #: GeoJSON polygons to avoid as well.
    avoid: tuple[AvoidRef, ...] = Field(default=(), description="GeoJSON polygons to avoid.")
    #: Whether aircraft may cross international straits under transit passage (UNCLOS art. 38).
    transit_passage: bool = Field(
        default=False, description="Allow transit passage through international straits."
    )

    @field_validator("extends")
    @classmethod
    def _extends_needs_the_loader(cls, value: str | None, info: ValidationInfo) -> str | None:
        # Only the loader can merge the base in; validating alone would silently drop it.
        if value is not None and not (info.context or {}).get("extends_merged"):
            raise ValueError(
                "a scenario that extends another must be read with load_scenario or "
                "parse_scenario, which merge the base in"
            )
        return value

    @field_validator("rules")
    @classmethod
    def _no_contradictions(cls, rules: tuple[Rule, ...], info: ValidationInfo) -> tuple[Rule, ...]:
        # Rules inherited through `extends` may be overridden on purpose; only rules written
        # in the same file must not contradict each other.
        first = int((info.context or {}).get("inherited_rules", 0))
        for (i, a), (j, b) in itertools.combinations(enumerate(rules), 2):
            if i < first:
                continue
            clash = b.contradicts(a)
            if clash is not None:
                raise PydanticCustomError(
                    "rule_conflict",
                    "{message}",
                    # Indices as the file numbers them: after the inherited rules.
                    {"message": f"contradicts rules[{i - first}] {clash}", "at": (j,)},
                )
        return rules

    def avoid_areas(self) -> tuple[BaseGeometry, ...]:
        """The polygons of the scenario's avoid files, in order, lon/lat degrees."""
        return tuple(area.geometry for area in self.avoid)

    def resolve(
        self,
        *,
        operator_state: str | None = None,
        category: str | None = None,
        on: dt.date | None = None,
        deny: Iterable[str] = (),
        allow: Iterable[str] = (),
        endpoints: Iterable[str] | None = None,
    ) -> Permissions:
        """What the scenario permits one flight: denied states, landing states, obstacles.

        Parameters
        ----------
        operator_state
            State of the operator or registration, alpha-2 or alpha-3 (default: the scenario's
            ``operator.state``; None matches only rules that name no operators).
        category
            Category of flight (default: the scenario's ``operator.category``).
        on
            Date of the flight (default: the scenario's ``date``, else today).
        deny
            States denied on top of the scenario (``--deny``): overflight and landing. Each
            covers its dependencies; denial wins over the scenario's allow.
        allow
            States allowed on top of the scenario (``--allow``): overflight and landing. Each
            covers its dependencies, except those named in ``deny``.
        endpoints
            States of the origin and destination, for rules that concern flights to or from
            some states (``to_from``); default: the scenario's ``endpoints``. Endpoints are
            not allowed by this: pass them in ``allow`` too if the caller grants them.

        Returns
        -------
        Permissions
            The frozen result; see its fields.

        Raises
        ------
        InputError
            For an unknown state code or category, or a code both denied and allowed.

        Examples
        --------
        >>> from overflight.scenarios import load_scenario
        >>> syria = load_scenario("syria-2015")
        >>> focus = ("BG", "GR", "IR", "IQ", "TR", "UA")
        >>> [c for c in focus if c in syria.resolve().overflight_denied]
        ['BG', 'GR', 'TR', 'UA']
        >>> [c for c in focus if c in syria.resolve(on=dt.date(2015, 9, 1)).overflight_denied]
        ['IR', 'TR', 'UA']
        >>> syria.resolve(category="civil").overflight_denied
        ()

        """
        return _resolve(
            self,
            operator_state=operator_state,
            category=category,
            on=on,
            deny=deny,
            allow=allow,
            endpoints=endpoints,
        )

    def resolve_for_flight(
        self,
        endpoints: Iterable[str | None],
        *,
        operator_state: str | None = None,
        category: str | None = None,
        on: dt.date | None = None,
        deny: Iterable[str] = (),
        allow: Iterable[str] = (),
    ) -> Permissions:
        """What the scenario permits a flight between two states (origin's, destination's).

        The departure and arrival states are permitted for the flight by definition: they are
        allowed on top of the scenario unless named in ``deny``. The one place that rule lives;
        the other arguments are those of :meth:`resolve`.

        >>> from overflight.scenarios import load_scenario
        >>> "SY" in load_scenario("syria-2015").resolve_for_flight(["RU", "SY"]).overflight_denied
        False
        """
        denied = normalise_codes(deny)
        ends = tuple(dict.fromkeys(c for c in endpoints if c))
        return self.resolve(
            operator_state=operator_state,
            category=category,
            on=on,
            deny=denied,
            allow=[*allow, *(c for c in ends if c not in denied)],
            endpoints=ends or None,
        )


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


def _resolve(
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
    applied: list[int] = []
    for index, rule in enumerate(scenario.rules):
        if not rule.applies(cats, ops, ends_cover, day):
            continue
        applied.append(index)
        decided_landing = rule.effective_landing
        for code in _with_dependencies(expand_refs(rule.states, day)):
            if rule.overflight is not None:
                overflight[code] = rule.overflight
                why[code] = rule.label(index)
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
        applied=tuple(applied),
    )


def _one_code(value: str, what: str) -> str:
    codes = normalise_codes([value])
    if len(codes) != 1:
        raise InputError(f"{what} {value!r}: give one ISO 3166-1 alpha-2 or alpha-3 code")
    return codes[0]
