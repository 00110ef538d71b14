"""Custom avoid areas: GeoJSON polygons a scenario (or the command line) adds as obstacles."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.errors import InputError

__all__ = ["AvoidArea", "read_avoid_file"]

_ACCEPTED = (
    "give a GeoJSON file (RFC 7946) holding a Polygon or MultiPolygon, a Feature of one, or a "
    "FeatureCollection of them, in lon/lat degrees"
)


class AvoidArea:
    """An avoid area as a scenario names it, with its polygons loaded."""

    __slots__ = ("file", "path", "wkb")

    def __init__(self, path: str, file: Path, geometry: BaseGeometry) -> None:
        #: The path as written in the scenario.
        self.path = path
        #: The file it was read from.
        self.file = file
        #: The polygons, lon/lat degrees, as WKB (loaded scenarios are shared by threads).
        self.wkb = shapely.to_wkb(geometry)

    @property
    def geometry(self) -> BaseGeometry:
        """The polygons, lon/lat degrees: this thread's prepared copy."""
        return thread_geometry(self.wkb)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, AvoidArea) and (self.path, self.file) == (other.path, other.file)

    def __hash__(self) -> int:
        return hash((self.path, self.file))

    def __repr__(self) -> str:
        return f"AvoidArea({self.path!r})"


def read_avoid_file(path: str | os.PathLike[str], *, shown: str | None = None) -> BaseGeometry:
    """Read a GeoJSON file of polygons to avoid into one shapely geometry.

    Parameters
    ----------
    path
        The file to read.
    shown
        How to name the file in messages (default: ``path`` as given).

    Raises
    ------
    InputError
        If the file is missing, is not GeoJSON, holds anything but polygons, or holds an
        invalid polygon; the message says which feature and why.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> square = {"type": "Polygon", "coordinates": [[[30, 40], [31, 40], [31, 41], [30, 40]]]}
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "zone.geojson"
    >>> _ = file.write_text(json.dumps(square))
    >>> read_avoid_file(file).geom_type
    'Polygon'

    """
    name = shown if shown is not None else os.fspath(path)
    file = Path(path)
    if not file.is_file():
        raise InputError(f"avoid file {name!r} not found (looked for {file}); {_ACCEPTED}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"avoid file {name!r} is not readable JSON ({exc}); {_ACCEPTED}") from None
    polygons = [_polygon(geometry, name, where) for where, geometry in _geometries(data, name)]
    if not polygons:
        raise InputError(f"avoid file {name!r} holds no polygon; {_ACCEPTED}")
    merged = shapely.union_all(polygons)
    shapely.prepare(merged)
    return merged


def _geometries(data: Any, name: str) -> list[tuple[str, Any]]:
    kind = data.get("type") if isinstance(data, dict) else None
    if kind == "FeatureCollection":
        features = data.get("features")
        if not isinstance(features, list):
            raise InputError(f"avoid file {name!r}: 'features' is not a list; {_ACCEPTED}")
        return [
            (f"feature {i}", f.get("geometry") if isinstance(f, dict) else None)
            for i, f in enumerate(features)
        ]
    if kind == "Feature":
        return [("its feature", data.get("geometry"))]
    if kind in ("Polygon", "MultiPolygon"):
        return [("its geometry", data)]
    raise InputError(f"avoid file {name!r} is GeoJSON of type {kind!r}; {_ACCEPTED}")


def _polygon(geometry: Any, name: str, where: str) -> BaseGeometry:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        raise InputError(
            f"avoid file {name!r}: {where} is a {kind or 'missing geometry'}, not an area; "
            f"only Polygon and MultiPolygon geometries can be avoided"
        )
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
        raise InputError(f"avoid file {name!r}: {where} is malformed ({exc})") from None
    if polygon.is_empty:
        raise InputError(f"avoid file {name!r}: {where} is empty")
    lon_min, lat_min, lon_max, lat_max = polygon.bounds
    if not (lon_min >= -180.0 and lon_max <= 180.0 and lat_min >= -90.0 and lat_max <= 90.0):
        raise InputError(
            f"avoid file {name!r}: {where} has coordinates outside lon [-180, 180], "
            f"lat [-90, 90]; GeoJSON is (lon, lat)"
        )
    if lon_max - lon_min > 180.0:
        raise InputError(
            f"avoid file {name!r}: {where} spans more than 180° of longitude; split areas that "
            f"cross the antimeridian at ±180°, as RFC 7946 asks"
        )
    if not polygon.is_valid:
        raise InputError(
            f"avoid file {name!r}: {where} is not a valid polygon "
            f"({shapely.is_valid_reason(polygon)})"
        )
    return polygon
