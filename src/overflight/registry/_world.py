"""The world on a date: every event merged into one set of rules, resolved for a flight.

The rules run in the order of their events' first day in force (then the event's id), each
event's rules in file order, so that for each state the latest decision that concerns a flight
wins, as in a scenario. Resolution is the scenario machinery's own
(:meth:`overflight.scenarios.Scenario.resolve_for_flight`) on the merged rules.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

from overflight._config import REGISTRY_FIRST_DAY
from overflight.data.airlines import Airline
from overflight.data.airlines import airline as find_airline
from overflight.data.airspace import normalise_codes
from overflight.errors import RequestError
from overflight.registry._load import Event, read_as_of, read_events, read_views
from overflight.scenarios import CATEGORIES, Permissions, Scenario, Source
from overflight.scenarios._categories import lineage
from overflight.scenarios._groups import expand_refs
from overflight.scenarios._rules import RegistryRule

__all__ = ["AppliedRule", "Resolution", "World", "world"]

#: The name the merged rules carry in Permissions.scenario.
WORLD = "registry"

#: Rules selected for an airline (with their events), and the scenario they make.
_Selection = tuple[Scenario, tuple[tuple[Event, RegistryRule], ...]]


@dataclass(frozen=True)
class AppliedRule:
    """A rule of the registry as it bears on one answer: what it decides, and its source."""

    #: The rule's id.
    id: str
    #: The event it belongs to.
    event: str
    #: The states that decide, on the date (groups expanded), alpha-2, sorted.
    states: tuple[str, ...]
    #: What it decides: ``overflight deny``, ``overflight allow``, ``landing deny``...
    kind: str
    #: What it records.
    note: str
    #: Where it comes from.
    source: Source
    #: First and last day in force (None: open).
    valid_from: dt.date | None
    valid_to: dt.date | None
    #: Categories, operator states, airlines and to/from states it is limited to (empty: not
    #: limited).
    categories: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    airlines: tuple[str, ...] = ()
    to_from: tuple[str, ...] = ()
    #: The states this rule kept the flight out of in the answer (a later rule, an endpoint or
    #: ``allow`` may have reopened the others).
    refused: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``restrictions`` in a plan and in ``overflight restrictions``."""
        return {
            "id": self.id,
            "event": self.event,
            "states": list(self.states),
            "kind": self.kind,
            "note": self.note,
            "source_url": self.source.url,
            "source_title": self.source.title,
            "source_publisher": self.source.publisher,
            "source_date": self.source.date.isoformat() if self.source.date else None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "categories": list(self.categories),
            "operators": list(self.operators),
            "airlines": list(self.airlines),
            "to_from": list(self.to_from),
            "refused": list(self.refused),
        }


@dataclass(frozen=True)
class Resolution:
    """What the registry permits one flight, and which rules say so."""

    #: The permissions, as a scenario gives them (``scenario`` is ``registry``).
    permissions: Permissions
    #: The rules that concerned the flight, in the order they were applied.
    rules: tuple[AppliedRule, ...]
    #: The airline resolved for, if one was named.
    airline: Airline | None
    #: The registry's knowledge date.
    as_of: dt.date
    #: What the answer cannot know (a date after ``as_of``).
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The fields a plan's JSON gains: operator, airline, category, date, restrictions."""
        p = self.permissions
        return {
            "operator": p.operator_state,
            "airline": self.airline.icao if self.airline else None,
            "category": p.category,
            "date": p.on.isoformat(),
            "registry_as_of": self.as_of.isoformat(),
            "restrictions": [r.to_dict() for r in self.rules],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class World:
    """Every event of the registry, merged; plain values, shared by every thread."""

    #: The registry's knowledge date.
    as_of: dt.date
    #: The events, in the order their rules run.
    events: tuple[Event, ...]
    #: The rules that may concern each airline's flights (None: no airline named), as one
    #: scenario, made on first use. Two threads may make the same entry; either is kept.
    _selected: dict[str | None, _Selection] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @cached_property
    def rules(self) -> tuple[tuple[Event, RegistryRule], ...]:
        """Every rule with its event, in the order they run."""
        return tuple((e, r) for e in self.events for r in e.rules)

    def selection(self, icao: str | None) -> _Selection:
        """The rules that may concern the airline's flights, and the scenario they make."""
        found = self._selected.get(icao)
        if found is None:
            rules = tuple((e, r) for e, r in self.rules if r.concerns_airline(icao))
            # Checked as a whole by World.contradictions (a test): constructing skips the
            # pairwise check a scenario file gets.
            scenario = Scenario.model_construct(
                name=WORLD, title="the registry", rules=tuple(r for _e, r in rules)
            )
            found = self._selected.setdefault(icao, (scenario, rules))
        return found

    def view(self, scenario: str) -> World:
        """The registry's part that a built-in scenario is a view of: those events only.

        ``registry.yaml`` lists the scenarios that answer exactly as their events do.

        >>> [e.id for e in world().view("qatar-2017").events]
        ['qatar-blockade-2017']

        Raises
        ------
        KeyError
            Naming the scenario and the scenarios that are views.

        """
        views = read_views()
        if scenario not in views:
            raise KeyError(
                f"{scenario!r} is not a view of the registry; these are: {sorted(views)}"
            )
        wanted = set(views[scenario])
        events = tuple(e for e in self.events if e.id in wanted)
        missing = wanted - {e.id for e in events}
        if missing:
            raise KeyError(f"registry.yaml: view {scenario!r} names no event {sorted(missing)}")
        return World(as_of=self.as_of, events=events)

    def change_dates(self) -> tuple[dt.date, ...]:
        """Every day on which a rule comes into or goes out of force, from the first day on."""
        days = {REGISTRY_FIRST_DAY}
        for _event, rule in self.rules:
            if rule.valid.from_ is not None:
                days.add(rule.valid.from_)
            if rule.valid.to is not None and rule.valid.to < dt.date.max:
                days.add(rule.valid.to + dt.timedelta(days=1))
        return tuple(sorted(d for d in days if d >= REGISTRY_FIRST_DAY))

    def contradictions(self) -> tuple[str, ...]:
        """Pairs of rules in force on a common change date that decide a state differently.

        The scenario check (:meth:`overflight.scenarios.Rule.contradicts`) over the whole
        registry: two rules in force on some day are in force together on a change date.
        """
        found = []
        for day in self.change_dates():
            live = [(e, r) for e, r in self.rules if r.valid.contains(day)]
            for (_, a), (_, b) in itertools.combinations(live, 2):
                clash = b.contradicts(a)
                if clash is not None:
                    found.append(f"{day}: {b.id} contradicts {a.id} {clash}")
        return tuple(dict.fromkeys(found))

    def resolve(
        self,
        *,
        operator: str | None = None,
        category: str | None = None,
        date: dt.date | None = None,
        airline: str | None = None,
        endpoints: Iterable[str | None] | None = None,
        deny: Iterable[str] = (),
        allow: Iterable[str] = (),
    ) -> Resolution:
        """What the registry permits a flight of an operator, category and airline on a date.

        Parameters
        ----------
        operator
            State of the operator, alpha-2 or alpha-3 (default: the airline's state).
        category
            Category of flight (default ``civil``).
        date
            Day of the flight (default: today); from 2014-01-01 on.
        airline
            ICAO or IATA designator: gives the operator's state and the rules aimed at it.
        endpoints
            States of the origin and destination: permitted by definition, and what rules
            on flights to or from some states look at.
        deny, allow
            States denied or opened on top of the registry (``--deny``, ``--allow``).

        Raises
        ------
        InputError
            For an unknown airline, operator state or category, an operator state that is not
            the airline's, or a date before 2014-01-01.

        Examples
        --------
        >>> answer = world().resolve(airline="FIN", date=dt.date(2023, 6, 1))
        >>> "RU" in answer.permissions.overflight_denied
        True
        >>> [r.id for r in answer.rules if "RU" in r.refused]
        ['ru-closes-to-36-states-carriers-2022']

        """
        day, cat, carrier, state = _who(operator, category, date, airline)
        scenario, rules = self.selection(carrier.icao if carrier else None)
        ends = tuple(c for c in (endpoints or ()) if c)
        if ends:
            permissions = scenario.resolve_for_flight(
                ends, operator_state=state, category=cat, on=day, deny=deny, allow=allow
            )
        else:
            permissions = scenario.resolve(
                operator_state=state, category=cat, on=day, deny=deny, allow=allow
            )
        applied = tuple(_applied(rules[i], permissions) for i in permissions.applied)
        warnings: tuple[str, ...] = ()
        if day > self.as_of:
            warnings = (
                f"knowledge as of {self.as_of}: the registry does not know decisions taken "
                f"after that day, and answers {day} with the rules then in force",
            )
        return Resolution(permissions, applied, carrier, self.as_of, warnings)

    def rules_for(
        self,
        *,
        operator: str | None = None,
        category: str | None = None,
        date: dt.date | None = None,
        airline: str | None = None,
    ) -> tuple[AppliedRule, ...]:
        """Every rule in force on the date that concerns the operator's flights, wherever to.

        Rules limited to flights to or from some states are listed too (their ``to_from`` says
        which flights); those no operator is named for (closures to all) are included.
        """
        day, cat, carrier, state = _who(operator, category, date, airline)
        ops = _with_sovereign(state)
        cats = lineage(cat)
        out = []
        for event, rule in self.rules:
            if not rule.concerns_airline(carrier.icao if carrier else None):
                continue
            # Any destination: the rule's own to/from states stand for the flight's endpoints.
            if rule.applies(cats, ops, set(expand_refs(rule.to_from, day)), day):
                out.append(_describe(event, rule, day))
        return tuple(out)

    def refused_by(self, state: str, *, date: dt.date | None = None) -> tuple[AppliedRule, ...]:
        """Every rule in force on the date by which the state refuses overflight or landing."""
        day = _who(None, None, date, None)[0]
        code = _one_state(state, "state")
        out = []
        for event, rule in self.rules:
            if not rule.valid.contains(day) or "deny" not in (rule.overflight, rule.landing):
                continue
            if code in expand_refs(rule.states, day):
                out.append(_describe(event, rule, day))
        return tuple(out)


def _who(
    operator: str | None, category: str | None, date: dt.date | None, airline: str | None
) -> tuple[dt.date, str, Airline | None, str | None]:
    """The day, category, airline and operator state asked for, checked, with defaults."""
    day = date if date is not None else dt.date.today()
    if day < REGISTRY_FIRST_DAY:
        raise RequestError(
            "date",
            day.isoformat(),
            f"the registry starts on {REGISTRY_FIRST_DAY}: give a date from then on",
        )
    cat = category if category is not None else "civil"
    if cat not in CATEGORIES:
        raise RequestError("category", cat, f"give one of {', '.join(CATEGORIES)}")
    carrier = find_airline(airline) if airline is not None else None
    return day, cat, carrier, _operator_state(operator, carrier)


def _with_sovereign(state: str | None) -> set[str]:
    from overflight.data.airspace import states

    if state is None:
        return set()
    sovereign = states()[state].sovereign
    return {state} | ({sovereign} if sovereign else set())


def _operator_state(operator: str | None, carrier: Airline | None) -> str | None:
    """The operator's state: the one given, else the airline's; the two must agree."""
    if operator is None:
        return carrier.state if carrier else None
    code = _one_state(operator, "operator")
    if carrier is not None and carrier.state != code:
        raise RequestError(
            "operator",
            operator,
            f"not the state of airline {carrier.icao} ({carrier.name}, {carrier.state}): "
            "give the airline alone, or its state",
        )
    return code


def _one_state(value: str, field: str) -> str:
    """One state code, alpha-2; an unknown code raises UnknownStateError naming it."""
    codes = normalise_codes([value])
    if len(codes) != 1:
        raise RequestError(field, value, "give one ISO 3166-1 alpha-2 or alpha-3 code of a state")
    return codes[0]


def _describe(event: Event, rule: RegistryRule, day: dt.date) -> AppliedRule:
    return AppliedRule(
        id=rule.id,
        event=event.id,
        states=tuple(sorted(expand_refs(rule.states, day))),
        kind=rule.kind,
        note=rule.note,
        source=rule.source,
        valid_from=rule.valid.from_,
        valid_to=rule.valid.to,
        categories=rule.categories,
        operators=tuple(sorted(expand_refs(rule.operators, day))),
        airlines=rule.airlines,
        to_from=tuple(sorted(expand_refs(rule.to_from, day))),
    )


def _applied(entry: tuple[Event, RegistryRule], permissions: Permissions) -> AppliedRule:
    event, rule = entry
    label = rule.label(0)
    refused = tuple(c for c, why in permissions.reasons.items() if why == label)
    return replace(_describe(event, rule, permissions.on), refused=refused)


@cache
def world() -> World:
    """The registry, read on first use and kept: the same object for every caller and thread."""
    return World(as_of=read_as_of(), events=read_events())
