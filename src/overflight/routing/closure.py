"""What one flight may not fly through: the denied states, a margin, areas to avoid, openings.

:meth:`Closure.from_permissions` is the one way a resolved scenario (or a plain deny list)
becomes a closed set; the planner, the fuel-stop search, the chokepoint search and the batch
all take a Closure, so a rule about what is closed is written once.

Disputed areas (``data/disputed.py``) are in every claimant's airspace, so denying any claimant
closes them (the conservative union). :func:`held_areas` says which of them a flight may enter
anyway, because a state it may fly over holds them: the one it departs from or arrives in, or,
under the ``control`` policy, every one. A Closure opens them (:attr:`Closure.held`) like the
strait corridors: cut out of the obstacles and left out of the verifier's check.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from overflight._config import DISPUTED_POLICIES, MARGIN_NM_MAX
from overflight._threadlocal import thread_geometry
from overflight.data.airspace import denied_closure, normalise_codes
from overflight.errors import InputError
from overflight.routing.graph import Focus

if TYPE_CHECKING:
    from overflight.scenarios import Permissions

__all__ = ["DISPUTED_POLICIES", "AdvisoryArea", "Closure", "HeldArea", "held_areas"]


@dataclass(frozen=True)
class HeldArea:
    """A disputed area a denied state claims, opened because a permitted state holds it."""

    #: Key in ``data/disputed.yaml``, e.g. ``crimea``.
    key: str
    #: Alpha-2 code of the state holding it on the flight's date.
    controller: str
    #: Its outline, WKB in lon/lat.
    wkb: bytes

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the point lies in the area."""
        return bool(shapely.intersects_xy(thread_geometry(self.wkb), lon, lat))


def held_areas(
    denied: Iterable[str],
    *,
    on: dt.date,
    policy: str = "union",
    endpoints: Sequence[tuple[float, float]] = (),
    landing: Collection[str] | None = None,
) -> tuple[HeldArea, ...]:
    """The disputed areas a flight may enter although a claimant denies it.

    An area qualifies on the date when a state outside ``denied`` holds it and a state whose
    airspace covers it is denied; under the ``union`` policy only if an endpoint (lon, lat)
    lies in it and the flight may land in the holding state (one of ``landing``, when given),
    under ``control`` always. Only areas placed by polygon can be opened: the others have no
    outline in the shipped data.

    >>> import datetime as dt
    >>> day = dt.date(2015, 9, 15)
    >>> [a.key for a in held_areas(["UA"], on=day, endpoints=[(33.57, 44.69)])]
    ['crimea']
    >>> held_areas(["UA"], on=day), held_areas(["RU", "UA"], on=day, policy="control")
    ((), ())
    """
    if policy not in DISPUTED_POLICIES:
        raise InputError(f"disputed policy {policy!r}: give {' or '.join(DISPUTED_POLICIES)}")
    # The table loads pydantic: only for a flight that asks.
    from overflight.data.disputed import area_polygon, disputed_areas

    closed = set(denied)
    out = []
    for area in disputed_areas():
        control = area.controller(on)
        wkb = area_polygon(area.key)
        if control is None or control.state is None or control.state in closed or wkb is None:
            continue
        if not closed & set(area.within_states):
            continue
        held = HeldArea(area.key, control.state, wkb)
        lands = landing is None or control.state in landing
        if policy == "control" or (lands and any(held.contains(x, y) for x, y in endpoints)):
            out.append(held)
    return tuple(out)


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
    #: Disputed areas opened because a permitted state holds them (their outlines are also
    #: in ``openings``, so every user of the openings treats them alike).
    held: tuple[HeldArea, ...] = ()
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
        disputed: str | None = None,
        on: dt.date | None = None,
        endpoints: Sequence[tuple[float, float]] = (),
        advisories: Sequence[AdvisoryArea] = (),
    ) -> Closure:
        """What a resolved scenario closes, with more states denied and areas avoided on top.

        The margin is the larger of the scenario's and ``margin_nm``; the scenario's open
        strait corridors stay open. Without a scenario: ``deny`` with its dependencies.
        With a ``disputed`` policy, the disputed areas :func:`held_areas` finds for the
        ``endpoints`` on the date (the scenario's, else ``on``) are opened; for an endpoint,
        only where the scenario lets the flight land. ``advisories`` are the advisory areas
        active at the cruise level.
        """
        if permissions is None:
            closure = cls.of(deny, margin_nm, avoid=avoid, advisories=advisories)
        else:
            closure = cls.of(
                (*permissions.overflight_denied, *denied_closure(deny)),
                max(margin_nm, permissions.margin_nm),
                avoid=(*permissions.avoid, *avoid),
                openings=tuple(s.geometry for s in permissions.transit_corridors),
                with_dependencies=False,
                advisories=advisories,
            )
        if disputed is None:
            return closure
        day = permissions.on if permissions is not None else on or dt.date.today()
        landing = permissions.landing_allowed if permissions is not None else None
        held = held_areas(
            closure.denied, on=day, policy=disputed, endpoints=endpoints, landing=landing
        )
        return replace(closure, held=held, openings=(*closure.openings, *(a.wkb for a in held)))

    def denying(self, denied: Iterable[str], *, focus: Focus | None = None) -> Closure:
        """The same areas, margin and openings around other states (taken as given).

        A disputed area held by a state now denied is closed again.
        """
        codes = tuple(sorted(set(denied)))
        held = tuple(a for a in self.held if a.controller not in codes)
        dropped = {a.wkb for a in self.held} - {a.wkb for a in held}
        openings = tuple(w for w in self.openings if w not in dropped)
        return replace(self, denied=codes, focus=focus, held=held, openings=openings)

    def holds(self, lon: float, lat: float) -> bool:
        """Whether the point lies in a disputed area this closure opens."""
        return any(a.contains(lon, lat) for a in self.held)

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
