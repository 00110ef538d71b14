"""International straits: a curated list of corridors, and which of them a route uses.

The corridors are shipped in ``straits.geojson`` (see ``STRAITS.md``). Where two states'
territorial seas meet across a strait, the corridor follows the median line between them (the
band where the shipped polygons overlap, widened by a few hundred metres); where a state keeps
a narrow territorial sea to leave a high-seas route (La Pérouse, Tsugaru, Korea Strait), the
corridor is that route; narrow national straits (Bosporus, Dardanelles, Great Belt, Kerch)
follow the waterway's axis. Only the ``transit_passage`` and ``treaty_overflight`` corridors
are opened when a scenario allows transit passage; the others are reported only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any, Final, cast

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.data.airspace import denied_closure, states
from overflight.geo.ellipsoid import densify_path

__all__ = [
    "OPENED_REGIMES",
    "STRAITS_FILE",
    "Strait",
    "straits",
    "straits_used",
    "transit_corridors",
]

#: Name of the shipped straits file inside the package.
STRAITS_FILE = "straits.geojson"

#: Regimes whose corridors a scenario's ``transit_passage: true`` opens.
OPENED_REGIMES: Final = frozenset({"transit_passage", "treaty_overflight"})


@dataclass(frozen=True)
class Strait:
    """An international strait and the corridor through it."""

    #: Short identifier (``gibraltar``).
    id: str
    #: English name.
    name: str
    #: Alpha-2 codes of the coastal states whose waters the corridor crosses.
    states: tuple[str, ...]
    #: Legal regime: ``transit_passage``, ``treaty_overflight``, ``high_seas_corridor``,
    #: ``long_standing_convention``, ``montreux`` or ``internal_waters``.
    regime: str
    #: Why the regime and the corridor are what they are.
    note: str
    #: Titles of the sources.
    sources: tuple[str, ...]
    #: The corridor, lon/lat degrees, as WKB.
    wkb: bytes = field(repr=False, compare=False)

    @property
    def geometry(self) -> BaseGeometry:
        """The corridor, lon/lat degrees: this thread's prepared copy."""
        return thread_geometry(self.wkb)

    @property
    def transit_passage(self) -> bool:
        """Whether a scenario that allows transit passage opens this corridor."""
        return self.regime in OPENED_REGIMES

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON Feature of the corridor."""
        return {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(self.geometry),
            "properties": {
                "id": self.id,
                "name": self.name,
                "states": list(self.states),
                "regime": self.regime,
            },
        }


@cache
def straits() -> Mapping[str, Strait]:
    """The shipped strait corridors by id, read once.

    >>> straits()["gibraltar"].states, straits()["bosporus"].transit_passage
    (('ES', 'MA'), False)
    """
    text = files("overflight.scenarios").joinpath(STRAITS_FILE).read_text(encoding="utf-8")
    out: dict[str, Strait] = {}
    for feature in json.loads(text)["features"]:
        props = feature["properties"]
        out[props["id"]] = Strait(
            id=props["id"],
            name=props["name"],
            states=tuple(props["states"]),
            regime=props["regime"],
            note=props["note"],
            sources=tuple(s["title"] for s in props["sources"]),
            wkb=shapely.to_wkb(shape(feature["geometry"])),
        )
    return MappingProxyType(out)


def transit_corridors() -> tuple[Strait, ...]:
    """The corridors opened when a scenario allows transit passage.

    >>> [s.id for s in transit_corridors()][:3]
    ['gibraltar', 'hormuz', 'bab-el-mandeb']
    """
    return tuple(s for s in straits().values() if s.transit_passage)


def straits_used(
    waypoints: Sequence[tuple[float, float]],
    *,
    denied: Iterable[str] | None = None,
    step_km: float = 5.0,
) -> tuple[Strait, ...]:
    """The strait corridors a route passes through, in the order it reaches them.

    Consecutive waypoints are joined by great circles, densified every ``step_km``.

    Parameters
    ----------
    waypoints
        The route's turning points as ``(lon, lat)`` degrees.
    denied
        If given, report only the straits where the route, inside the corridor, crosses the
        airspace of one of these states (or their dependencies): the straits the route owes
        to transit passage.
    step_km
        Densification step along each leg.

    Examples
    --------
    >>> [s.id for s in straits_used([(-9.0, 35.9), (-5.6, 35.95), (-2.0, 36.2)])]
    ['gibraltar']
    >>> straits_used([(-9.0, 35.9), (-5.6, 35.95), (-2.0, 36.2)], denied=["FR"])
    ()

    """
    points = np.asarray(densify_path(waypoints, step_km), dtype=np.float64).reshape(-1, 2)
    if len(points) < 2:
        return ()
    starts, ends = points[:-1], points[1:]
    # A segment across ±180° would be drawn the long way round in lon/lat; no strait is there.
    wraps = np.abs(ends[:, 0] - starts[:, 0]) > 180.0
    segments = np.asarray(shapely.linestrings(np.stack([starts, ends], axis=1)), dtype=object)
    track = cast(BaseGeometry, shapely.multilinestrings(segments[~wraps]))
    blocked = set(denied_closure(denied)) if denied is not None else None
    found: list[tuple[int, Strait]] = []
    for strait in straits().values():
        if not shapely.intersects(strait.geometry, track):
            continue
        hits = shapely.intersects(segments, strait.geometry) & ~wraps
        if blocked is not None and not _crosses_denied(
            shapely.intersection(track, strait.geometry), blocked
        ):
            continue
        found.append((int(np.argmax(hits)), strait))
    return tuple(strait for _, strait in sorted(found, key=lambda item: item[0]))


def _crosses_denied(inside: BaseGeometry, blocked: set[str]) -> bool:
    areas = states()
    return any(
        shapely.intersects(areas[code].geometry, inside) for code in blocked if code in areas
    )
