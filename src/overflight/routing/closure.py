"""What one flight may not fly through: the denied states, a margin, areas to avoid, openings.

:meth:`Closure.from_permissions` is the one way a resolved scenario (or a plain deny list)
becomes a closed set; the planner, the fuel-stop search, the chokepoint search and the batch
all take a Closure, so a rule about what is closed is written once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from overflight._config import MARGIN_NM_MAX
from overflight.data.airspace import denied_closure, normalise_codes
from overflight.errors import InputError
from overflight.routing.graph import Focus

if TYPE_CHECKING:
    from overflight.scenarios import Permissions

__all__ = ["AdvisoryArea", "Closure"]


@dataclass(frozen=True)
class AdvisoryArea:
    """An advisory's area that binds a flight: an obstacle at the cruise level, or on the ground.

    An area whose band contains the cruise level is an obstacle, verified like a state; one
    whose band reaches the ground refuses departure, arrival and fuel stops inside it, at any
    cruise level (the aircraft climbs and descends through the band).
    """

    #: The advisory's id, named when an endpoint or a stop falls inside.
    id: str
    #: The area in lon/lat as WKB; an obstacle's open corridors are already cut out.
    wkb: bytes
    #: Whether the band contains the cruise level: the route keeps out.
    obstacle: bool
    #: Whether the band reaches the ground: endpoints and fuel stops inside are refused.
    to_ground: bool

    @property
    def reason(self) -> str:
        """Why a place inside is refused, for messages."""
        if self.to_ground:
            return "from the ground up (no departure, arrival or stop inside)"
        return "at the cruise level (the climb or descent would cross it)"


@dataclass(frozen=True)
class Closure:
    """What one request closes: states, a margin, extra areas and openings (hashable).

    >>> Closure.of(["FR"]).denied[:3], Closure.of(["FR"], with_dependencies=False).denied
    (('BL', 'FR', 'GF'), ('FR',))
    """

    #: Alpha-2 codes of the denied states, dependencies included, sorted.
    denied: tuple[str, ...]
    #: Lateral margin kept from denied airspace and avoid areas.
    margin_nm: float = 0.0
    #: Further areas to keep out of, as WKB (lon/lat polygons).
    avoid: tuple[bytes, ...] = ()
    #: Corridors opened inside denied airspace (transit passage), as WKB.
    openings: tuple[bytes, ...] = ()
    #: Build the graph only for paths between two places up to a length.
    focus: Focus | None = None
    #: Advisory areas that bind the flight: obstacles at the cruise level are kept out of as
    #: they are (no margin, and the strait openings do not open them).
    advisories: tuple[AdvisoryArea, ...] = ()

    @property
    def advisory_wkb(self) -> tuple[bytes, ...]:
        """The geometry of the advisory areas that are obstacles, as WKB."""
        return tuple(a.wkb for a in self.advisories if a.obstacle)

    @classmethod
    def of(
        cls,
        deny: Iterable[str] = (),
        margin_nm: float = 0.0,
        *,
        avoid: Sequence[BaseGeometry] = (),
        openings: Sequence[BaseGeometry] = (),
        with_dependencies: bool = True,
        focus: Focus | None = None,
        advisories: Sequence[AdvisoryArea] = (),
    ) -> Closure:
        """A closed set from codes as typed (alpha-2 or alpha-3) and geometry.

        Dependencies of denied states are denied too unless ``with_dependencies`` is False
        (a scenario that already decided each territory on its own).
        """
        if not np.isfinite(margin_nm) or not 0.0 <= margin_nm <= MARGIN_NM_MAX:
            raise InputError(
                f"margin {margin_nm!r} nm is out of range: give 0 to {MARGIN_NM_MAX:g} nm"
            )
        return cls(
            denied=denied_closure(deny) if with_dependencies else normalise_codes(deny),
            margin_nm=float(margin_nm),
            avoid=tuple(shapely.to_wkb(g) for g in avoid),
            openings=tuple(shapely.to_wkb(g) for g in openings),
            focus=focus,
            advisories=tuple(advisories),
        )

    @classmethod
    def from_permissions(
        cls,
        permissions: Permissions | None,
        *,
        deny: Iterable[str] = (),
        margin_nm: float = 0.0,
        avoid: Sequence[BaseGeometry] = (),
        advisories: Sequence[AdvisoryArea] = (),
    ) -> Closure:
        """What a resolved scenario closes, with more states denied and areas avoided on top.

        The margin is the larger of the scenario's and ``margin_nm``; the scenario's open
        strait corridors stay open. Without a scenario: ``deny`` with its dependencies.
        ``advisories`` are the advisory areas active at the cruise level.
        """
        if permissions is None:
            return cls.of(deny, margin_nm, avoid=avoid, advisories=advisories)
        return cls.of(
            (*permissions.overflight_denied, *denied_closure(deny)),
            max(margin_nm, permissions.margin_nm),
            avoid=(*permissions.avoid, *avoid),
            openings=tuple(s.geometry for s in permissions.transit_corridors),
            with_dependencies=False,
            advisories=advisories,
        )

    def denying(self, denied: Iterable[str], *, focus: Focus | None = None) -> Closure:
        """The same areas, margin and openings around other states (taken as given)."""
        return replace(self, denied=tuple(sorted(set(denied))), focus=focus)

    def key(self) -> str:
        """A stable digest of everything that shapes the obstacles and the graph."""
        digest = hashlib.sha256()
        for part in (",".join(self.denied), repr(self.margin_nm), repr(self.focus)):
            digest.update(part.encode() + b"|")
        for blob in (*self.avoid, b"|", *self.openings):
            digest.update(hashlib.sha256(blob).digest())
        if self.advisory_wkb:  # only then: the graphs cached without advisories keep their keys
            for blob in (b"|advisories", *self.advisory_wkb):
                digest.update(hashlib.sha256(blob).digest())
        return digest.hexdigest()[:24]
