"""The result of resolving a scenario for one flight."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from shapely.geometry.base import BaseGeometry

from overflight.scenarios._straits import Strait, transit_corridors

__all__ = ["Permissions"]


@dataclass(frozen=True)
class Permissions:
    """What a scenario permits one flight, resolved for an operator, category and date.

    Change a field with :func:`dataclasses.replace` (e.g. a ``--margin-nm`` given on the
    command line, or extra ``--avoid`` areas).
    """

    #: Name of the scenario resolved.
    scenario: str
    #: The date resolved for.
    on: dt.date
    #: State of the operator resolved for, alpha-2 (None: not known).
    operator_state: str | None
    #: Category of flight resolved for.
    category: str
    #: States whose airspace is denied, alpha-2, sorted; dependencies of a denied state are
    #: listed too, unless a later rule or ``allow`` opened them. Pass as is to the planner.
    overflight_denied: tuple[str, ...]
    #: States where the flight may land (for fuel stops).
    landing_allowed: frozenset[str] = field(repr=False)
    #: Lateral distance to keep from denied airspace, nautical miles.
    margin_nm: float = 0.0
    #: Polygons to avoid as well (lon/lat degrees).
    avoid: tuple[BaseGeometry, ...] = field(default=(), repr=False)
    #: Whether international straits may be crossed under transit passage.
    transit_passage: bool = False
    #: States of the origin and destination the scenario was resolved with, alpha-2, sorted.
    endpoints: tuple[str, ...] = ()
    #: Why each denied state is denied (a rule's index and note, ``default``, ``--deny``).
    reasons: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), repr=False, compare=False
    )
    #: Indices of the scenario's rules that concerned the flight, in order.
    applied: tuple[int, ...] = field(default=(), repr=False, compare=False)

    def may_overfly(self, code: str) -> bool:
        """Whether the airspace of the state (alpha-2) may be crossed."""
        return code not in self.overflight_denied

    def may_land(self, code: str) -> bool:
        """Whether the flight may land in the state (alpha-2)."""
        return code in self.landing_allowed

    @property
    def transit_corridors(self) -> tuple[Strait, ...]:
        """The strait corridors the flight may cross under transit passage (none if not allowed).

        The planner removes these corridors from the obstacles of the denied states.
        """
        return transit_corridors() if self.transit_passage else ()
