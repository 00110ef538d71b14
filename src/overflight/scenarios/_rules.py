"""Rules of the scenario format: who decides, for whom, what, and when (pydantic models).

``SCENARIOS.md`` beside this module documents the format and the rules of precedence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from overflight.scenarios._categories import Category
from overflight.scenarios._codes import STATE_CODE_PATTERN, StateCode, state_code
from overflight.scenarios._common import Source, Window
from overflight.scenarios._groups import GROUP_NAME_PATTERN, canonical_group, expand_refs

__all__ = ["Defaults", "Operator", "RegistryRule", "Rule", "Stance", "StateRef"]

#: A decision: ``allow`` or ``deny``.
Stance = Literal["allow", "deny"]


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

    def label(self, index: int) -> str:
        """How reports name the rule: its place in the file and its note."""
        return f"rules[{index}]" + (f": {self.note}" if self.note else "")

    @property
    def kind(self) -> str:
        """What the rule decides, for reports: ``overflight deny``, ``landing allow``..."""
        return f"overflight {self.overflight}" if self.overflight else f"landing {self.landing}"

    @property
    def effective_landing(self) -> Stance | None:
        """The landing decision, filled in from a denied overflight."""
        if self.landing is not None:
            return self.landing
        return "deny" if self.overflight == "deny" else None

    def applies(
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

    def contradicts(self, earlier: Rule) -> str | None:
        """How this rule contradicts an earlier one of the same file, or None if it does not.

        Two rules contradict each other when they name a common state, category, operator and
        to/from state (as written, an empty list counting as "every"), their windows share a day,
        and they decide overflight or landing differently: under "the last rule wins" the earlier
        would be dead on those days, which is almost always a mistake in the dates.
        """
        a, b = earlier, self
        if not a.valid.overlaps(b.valid):
            return None
        shared: list[str] = []
        for label, x, y in (
            ("state", a.states, b.states),
            ("category", a.categories, b.categories),
            ("operator", a.operators, b.operators),
            ("to/from", a.to_from, b.to_from),
        ):
            if not x and not y:
                continue
            common = sorted(set(x) & set(y))
            if not common:
                return None
            shared.append(f"{label} {common[0]}")
        for what, p, q in (
            ("overflight", a.overflight, b.overflight),
            ("landing", a.effective_landing, b.effective_landing),
        ):
            if p is not None and q is not None and p != q:
                days = Window.model_validate(
                    {
                        "from": max((d for d in (a.valid.from_, b.valid.from_) if d), default=None),
                        "to": min((d for d in (a.valid.to, b.valid.to) if d), default=None),
                    }
                )
                return (
                    f"for {', '.join(shared)}: {what} {q} here, {p} there, both in force {days}; "
                    f"close one window before the other opens (valid.to is the last day in force) "
                    f"or merge the rules"
                )
        return None


#: An ICAO airline designator: three letters.
AirlineCode = Annotated[
    str,
    Field(pattern="^[A-Z]{3}$", description="ICAO airline designator, three capital letters."),
]


class RegistryRule(Rule):
    """A rule of the registry: a scenario rule with an id, its own source and, maybe, carriers.

    ``REGISTRY.md`` beside the event files describes the keys.
    """

    #: Kebab-case id, unique across the registry.
    id: str = Field(pattern="^[a-z0-9]+(-[a-z0-9]+)*$", description="Unique kebab-case id.")
    #: What the rule records, in one sentence (required in the registry).
    note: str = Field(min_length=1, description="What the rule records.")
    #: Where the rule's states and dates come from.
    source: Source = Field(description="The source for this rule's states and dates.")
    #: The rule concerns only these airlines (ICAO designators; empty: every operator).
    airlines: tuple[AirlineCode, ...] = Field(
        default=(), description="ICAO designators of the airlines concerned; empty: all."
    )

    def label(self, index: int) -> str:
        """How reports name the rule: its id and note."""
        return f"{self.id}: {self.note}"

    def concerns_airline(self, icao: str | None) -> bool:
        """Whether the rule may apply to a flight of this airline (None: no airline named)."""
        return not self.airlines or icao in self.airlines
