"""Geometry helpers that several steps share: geodesic buffer and area, polygon parts.

It exists because the overrides (12 nm and 10 nm coastal claims), the simplification (growing
by tau) and the checks (corridor widths) all measure on the WGS84 ellipsoid the same way; one
implementation keeps their distances comparable.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt
import pyproj
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

FloatArray = npt.NDArray[np.float64]

NM_M = 1852.0
# Tiles for geodesic buffering: each tile is buffered in its own azimuthal-equidistant chart;
# 5 degree tiles keep the chart's scale error below 7e-4 (0.7 m on 1 km, 16 m on 12 nm).
TILE_DEG = 5.0

GEOD = pyproj.Geod(ellps="WGS84")


@functools.cache
def _aeqd(lon0: float, lat0: float) -> pyproj.Transformer:
    crs = pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84 +units=m +no_defs"
    )
    return pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)


def to_chart(geometry: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """Lon/lat to metres in the azimuthal-equidistant chart centred on ``lon0``, ``lat0``."""
    transformer = _aeqd(lon0, lat0)

    def forward(xy: FloatArray) -> FloatArray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, forward)


def from_chart(geometry: BaseGeometry, lon0: float, lat0: float) -> BaseGeometry:
    """Back from the chart of ``to_chart`` to lon/lat, longitudes unwrapped around ``lon0``."""
    transformer = _aeqd(lon0, lat0)

    def inverse(xy: FloatArray) -> FloatArray:
        lon, lat = transformer.transform(xy[:, 0], xy[:, 1], direction="INVERSE")
        # PROJ wraps longitudes into [-180, 180]; unwrap around the chart centre so a buffer
        # that reaches past the antimeridian stays one piece (cut and wrapped later).
        lon = lon0 + (np.asarray(lon) - lon0 + 180.0) % 360.0 - 180.0
        return np.column_stack([lon, lat])

    return shapely.transform(geometry, inverse)


def geodesic_buffer(geometry: BaseGeometry, distance_m: float, quad_segs: int) -> BaseGeometry:
    """Grow a lon/lat geometry by a distance in metres on the WGS84 ellipsoid.

    The geometry is cut into ``TILE_DEG`` tiles; each piece is buffered in an azimuthal
    equidistant chart centred on its tile, where distances are true to < 7e-4, and mapped back.
    The union of the pieces' buffers is the buffer of the whole (Minkowski sums distribute over
    unions), so the tiling leaves no seams. The result may extend past +-180 degrees.
    """
    if geometry.is_empty:
        return geometry
    x0, y0, x1, y1 = geometry.bounds
    parts = []
    for i in range(math.floor(x0 / TILE_DEG), math.ceil(x1 / TILE_DEG)):
        for j in range(math.floor(y0 / TILE_DEG), math.ceil(y1 / TILE_DEG)):
            tile = (i * TILE_DEG, j * TILE_DEG, (i + 1) * TILE_DEG, (j + 1) * TILE_DEG)
            piece = shapely.clip_by_rect(geometry, *tile)
            if piece.is_empty:
                continue
            if not piece.is_valid:
                # clip_by_rect is fast but may leave touching rings; buffering needs validity.
                piece = shapely.make_valid(piece)
            lon0, lat0 = (tile[0] + tile[2]) / 2, (tile[1] + tile[3]) / 2
            grown = to_chart(piece, lon0, lat0).buffer(distance_m, quad_segs=quad_segs)
            parts.append(from_chart(grown, lon0, lat0))
    return shapely.union_all(parts)


def area_km2(geometry: BaseGeometry) -> float:
    """Geodesic area on WGS84 in square kilometres."""
    if geometry.is_empty:
        return 0.0
    return abs(float(GEOD.geometry_area_perimeter(geometry)[0])) / 1e6


def polygons_of(geometry: BaseGeometry) -> list[Polygon]:
    """The polygon parts of a geometry (dropping any lower-dimensional debris)."""
    return [part for part in shapely.get_parts(geometry) if part.geom_type == "Polygon"]


def polygons_only(geometry: BaseGeometry) -> BaseGeometry:
    """Drop points and lines an overlay may leave, keep a (Multi)Polygon."""
    parts = polygons_of(geometry)
    return shapely.union_all(parts) if parts else Polygon()
