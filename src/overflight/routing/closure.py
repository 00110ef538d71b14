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

__all__ = ["Closure"]


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
        )

    @classmethod
    def from_permissions(
        cls,
        permissions: Permissions | None,
        *,
        deny: Iterable[str] = (),
        margin_nm: float = 0.0,
        avoid: Sequence[BaseGeometry] = (),
    ) -> Closure:
        """What a resolved scenario closes, with more states denied and areas avoided on top.

        The margin is the larger of the scenario's and ``margin_nm``; the scenario's open
        strait corridors stay open. Without a scenario: ``deny`` with its dependencies.
        """
        if permissions is None:
            return cls.of(deny, margin_nm, avoid=avoid)
        return cls.of(
            (*permissions.overflight_denied, *denied_closure(deny)),
            max(margin_nm, permissions.margin_nm),
            avoid=(*permissions.avoid, *avoid),
            openings=tuple(s.geometry for s in permissions.transit_corridors),
            with_dependencies=False,
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
        return digest.hexdigest()[:24]
