"""Independent check that a route never enters denied airspace or an active advisory area.

This module shares no code with the search: it densifies each leg along the
great circle with pyproj, and asks shapely whether the line enters any
denied state's shipped polygon, in longitude and latitude. It checks against
the polygons shrunk by :data:`TOLERANCE_DEG`, a hair far smaller than the
~1 km by which the shipped polygons cover the source data, so a leg that
grazes a boundary vertex passes while a leg that cuts a corner does not.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import per_thread
from overflight.data.airspace import states
from overflight.errors import VerificationError
from overflight.geo.ellipsoid import great_circle_points
from overflight.geo.sphere import split_antimeridian

__all__ = ["TOLERANCE_DEG", "check_route", "shrunk_advisory", "shrunk_area"]

#: How far a leg may graze into a polygon, in degrees (about 110 m of latitude).
TOLERANCE_DEG = 1e-3
#: How far the open corridors are widened, in degrees (about a centimetre): a leg that turns on
#: a corridor's edge leaves slivers of 1e-14 degrees outside it when cut by the corridor.
OPENING_ROUNDING_DEG = 1e-7
#: Spacing of the points a leg is densified to.
_STEP_KM = 5.0


@per_thread(maxsize=None)
def shrunk_area(code: str) -> BaseGeometry:
    """A state's airspace shrunk by the tolerance: what a route must never touch (per thread)."""
    geometry = shapely.buffer(states()[code].geometry, -TOLERANCE_DEG, quad_segs=2)
    shapely.prepare(geometry)
    return geometry


@per_thread(maxsize=64)
def shrunk_advisory(wkb: bytes) -> BaseGeometry:
    """An advisory area shrunk by the tolerance, prepared (per thread)."""
    geometry = shapely.buffer(shapely.from_wkb(wkb), -TOLERANCE_DEG, quad_segs=2)
    shapely.prepare(geometry)
    return geometry


def check_route(
    waypoints: Sequence[tuple[float, float]],
    denied: Sequence[str],
    *,
    avoid: BaseGeometry | None = None,
    openings: BaseGeometry | None = None,
    advisories: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Raise VerificationError if a leg enters a denied state, an avoid or an advisory area.

    Parameters
    ----------
    waypoints
        Turning points (lon, lat), consecutive ones joined by the shorter great circle.
    denied
        Alpha-2 codes of the denied states.
    avoid
        Further areas the route must stay out of.
    openings
        Corridors where denied airspace may be crossed (transit passage).
    advisories
        Advisory areas active at the cruise level, as (id, WKB): checked whole, since the
        strait openings do not open them (their own corridors are already cut out).

    """
    inside_avoid = None if avoid is None else shapely.buffer(avoid, -TOLERANCE_DEG, quad_segs=2)
    if openings is not None:
        openings = shapely.buffer(openings, OPENING_ROUNDING_DEG, quad_segs=2)
    for k in range(len(waypoints) - 1):
        points = great_circle_points(waypoints[k], waypoints[k + 1], _STEP_KM)
        parts = [shapely.LineString(p) for p in split_antimeridian(points) if len(p) > 1]
        for name, wkb in advisories:
            if any(shapely.intersects(shrunk_advisory(wkb), part) for part in parts):
                raise VerificationError(
                    f"leg {k + 1} from {waypoints[k]} to {waypoints[k + 1]} enters the area "
                    f"of advisory {name}; this is a bug in overflight, please report it"
                )
        if openings is not None:
            # Only what lies outside the open corridors has to stay clear.
            parts = [g for part in parts for g in shapely.get_parts(part.difference(openings))]
        for code in denied:
            area = shrunk_area(code)
            if any(shapely.intersects(area, part) for part in parts):
                raise VerificationError(
                    f"leg {k + 1} from {waypoints[k]} to {waypoints[k + 1]} enters the "
                    f"airspace of {code}; this is a bug in overflight, please report it"
                )
        if inside_avoid is not None and any(shapely.intersects(inside_avoid, p) for p in parts):
            raise VerificationError(
                f"leg {k + 1} from {waypoints[k]} to {waypoints[k + 1]} enters an area to "
                f"avoid; this is a bug in overflight, please report it"
            )
