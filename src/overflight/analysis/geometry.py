"""Routes as shapely lines: great-circle legs densified, cut at ±180° (RFC 7946).

The GeoParquet tables of the batch and the GeoPandas frames draw their lines here, so that a
transpacific route is a MultiLineString on both sides of the antimeridian rather than a
straight line across the world.

>>> path_geometry([(170.0, 50.0), (-170.0, 50.0)]).geom_type
'MultiLineString'
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely
from shapely.geometry.base import BaseGeometry

from overflight.geo.ellipsoid import densify_path
from overflight.geo.sphere import split_antimeridian

__all__ = ["TRACK_STEP_KM", "line_geometry", "path_geometry"]

#: Spacing of the points of a drawn line: straight segments between them stray from the
#: great circle by metres (the same spacing as a route's track).
TRACK_STEP_KM = 10.0


def path_geometry(
    waypoints: Sequence[tuple[float, float]], step_km: float = TRACK_STEP_KM
) -> BaseGeometry:
    """The great-circle legs through the waypoints (lon, lat), densified and cut at ±180°."""
    return line_geometry(densify_path(waypoints, step_km))


def line_geometry(points: Sequence[tuple[float, float]]) -> BaseGeometry:
    """A LineString of densified (lon, lat) points, or a MultiLineString where it crosses ±180°."""
    parts = [part for part in split_antimeridian(points) if len(part) > 1]
    if not parts:
        raise ValueError(f"a line needs two distinct points, not {list(points)!r}")
    if len(parts) == 1:
        return shapely.LineString(parts[0])
    return shapely.MultiLineString(parts)
