"""The scenario file format: pydantic models, validated with ``extra="forbid"``.

``SCENARIOS.md`` beside this module documents the format and the rules of precedence.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

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
    model_validator,
)
from pydantic_core import PydanticCustomError
from shapely.geometry.base import BaseGeometry

from overflight.scenarios._avoid import AvoidArea, read_avoid_file
from overflight.scenarios._categories import Category
from overflight.scenarios._codes import STATE_CODE_PATTERN, StateCode, state_code
from overflight.scenarios._common import Source, Window
from overflight.scenarios._conflicts import contradiction
from overflight.scenarios._groups import GROUP_NAME_PATTERN, canonical_group, expand_refs
from overflight.scenarios._permissions import Permissions
from overflight.scenarios._resolve import resolve

__all__ = ["Defaults", "Operator", "Rule", "Scenario", "Stance"]

#: A decision: ``allow`` or ``deny``.
Stance = Literal["allow", "deny"]


_NAME_PATTERN = "^[a-z0-9][a-z0-9-]*$"


def _scenario_name(value: str) -> str:
    if not re.fullmatch(_NAME_PATTERN, value):
        raise ValueError(
            f"{value!r} is not a scenario name: use lower-case letters, digits and dashes, "
            f"e.g. 'syria-2015'"
        )
    return value


def _state_ref(value: str) -> str:
    if value.strip().startswith("@"):
        return "@" + canonical_group(value)
    return state_code(value)


#: A state code, or ``@NAME`` for a shipped group resolved at the scenario's date.
StateRef = Annotated[
    str,
    AfterValidator(_state_ref),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"{STATE_CODE_PATTERN}|^@{GROUP_NAME_PATTERN.removeprefix('^')}",
            "description": "ISO 3166-1 alpha-2 or alpha-3 code, or @GROUP (e.g. @EU, @NATO).",
        }
    ),
]


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


class Operator(BaseModel):
    """Who flies: the state of the operator (or registration) and the category of flight."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: State of the operator or of registration (None: not known).
    state: StateCode | None = Field(
        default=None, description="State of the operator or of registration."
    )
    #: Category of flight.
    category: Category = Field(default="civil", description="Category of flight.")


class Defaults(BaseModel):
    """The stance for every state that no rule decides."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Overflight stance.
    overflight: Stance = Field(default="allow", description="Overflight stance.")
    #: Landing stance (None: deny if overflight is denied, else allow).
    landing: Stance | None = Field(
        default=None, description="Landing stance; default: deny if overflight is denied."
    )

    @property
    def effective_landing(self) -> Stance:
        """The landing stance, filled in from overflight when not given."""
        if self.landing is not None:
            return self.landing
        return "deny" if self.overflight == "deny" else "allow"


class Rule(BaseModel):
    """What some states grant to some operators, for some categories, over some dates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: The states that decide: codes or ``@GROUP``; dependencies follow their sovereign.
    states: tuple[StateRef, ...] = Field(
        min_length=1, description="States that decide (codes or @GROUP)."
    )
    #: Categories the rule concerns (empty: all); a category covers its sub-categories.
    categories: tuple[Category, ...] = Field(
        default=(), description="Categories concerned; empty means every category."
    )
    #: Operator states the rule concerns (empty: every operator).
    operators: tuple[StateRef, ...] = Field(
        default=(), description="Operator or registration states concerned; empty: everyone."
    )
    #: The rule concerns only flights departing from or arriving in these states (empty: all).
    to_from: tuple[StateRef, ...] = Field(
        default=(), description="Only flights to or from these states; empty: every flight."
    )
    #: Overflight decision (None: this rule does not decide overflight).
    overflight: Stance | None = Field(default=None, description="Overflight decision.")
    #: Landing decision (None: deny when overflight is denied, else undecided).
    landing: Stance | None = Field(
        default=None, description="Landing decision; default: deny when overflight is denied."
    )
    #: Days the rule is in force.
    valid: Window = Field(default_factory=Window, description="Days the rule is in force.")
    #: What the rule records, in a few words, for reports.
    note: str | None = Field(default=None, description="What the rule records.")

    @model_validator(mode="after")
    def _decides(self) -> Rule:
        if self.overflight is None and self.landing is None:
            raise ValueError(
                "the rule decides nothing: give 'overflight: allow|deny', 'landing: allow|deny' "
                "or both"
            )
        return self

    @property
    def effective_landing(self) -> Stance | None:
        """The landing decision, filled in from a denied overflight."""
        if self.landing is not None:
            return self.landing
        return "deny" if self.overflight == "deny" else None

    def _applies(
        self, category: Iterable[str], operator: set[str], endpoints: set[str], on: dt.date
    ) -> bool:
        """Whether the rule applies to a flight (operator and endpoints expanded by the caller).

        ``category`` is the flight's category and its ancestors; ``operator`` and ``endpoints``
        hold the states together with their sovereigns, so ``DK`` in a rule covers ``FO``.
        """
        return (
            self.valid.contains(on)
            and (not self.categories or any(c in self.categories for c in category))
            and (not self.operators or bool(expand_refs(self.operators, on) & operator))
            and (not self.to_from or bool(expand_refs(self.to_from, on) & endpoints))
        )


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
    margin_nm: float = Field(default=0.0, ge=0.0, le=200.0, description="Safety margin, nm.")
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
            clash = contradiction(a, b)
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
        return resolve(
            self,
            operator_state=operator_state,
            category=category,
            on=on,
            deny=deny,
            allow=allow,
            endpoints=endpoints,
        )
