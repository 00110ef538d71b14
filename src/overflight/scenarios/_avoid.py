"""Custom avoid areas: GeoJSON polygons a scenario (or the command line) adds as obstacles.

From Python an avoid area may also be a ``traffic`` Airspace (``traffic.core.Airspace``),
or any object shaped like one: ``.elements``, each with a ``.polygon`` (shapely, lon/lat
degrees) and a band ``.lower``, ``.upper`` in flight levels. An element is an obstacle only
when the cruise level is inside its band (bounds included; ``None`` or an infinite bound is
open on that side), as an airspace is a volume and a flight passes above or below it.
``traffic`` itself is not needed.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.errors import InputError

__all__ = ["AvoidArea", "BandedAirspace", "airspace_area", "avoid_area", "read_avoid_file"]

_ACCEPTED = (
    "give a GeoJSON file (RFC 7946) holding a Polygon or MultiPolygon, a Feature of one, or a "
    "FeatureCollection of them, in lon/lat degrees"
)


_AIRSPACE = (
    "give a traffic Airspace, or an object with .elements, each with .polygon (a shapely "
    "Polygon or MultiPolygon in lon/lat degrees) and .lower and .upper flight levels"
)


class BandedAirspace(Protocol):
    """What an avoid area given as an airspace has: ``traffic.core.Airspace`` is one."""

    @property
    def elements(self) -> Iterable[Any]:
        """The extruded polygons: ``.polygon``, ``.lower``, ``.upper`` (flight levels)."""


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


def avoid_area(
    area: str | os.PathLike[str] | BandedAirspace, *, flight_level: int
) -> BaseGeometry | None:
    """The polygons to keep out of at a cruise level: a GeoJSON file's, or an airspace's.

    Parameters
    ----------
    area
        The path of a GeoJSON file (see :func:`read_avoid_file`), or an airspace (see
        :func:`airspace_area`).
    flight_level
        The cruise level, hundreds of feet; a file's polygons hold at every level.

    Returns
    -------
    The polygons, or None when the area is an airspace whose bands all miss the level.

    """
    if isinstance(area, str | os.PathLike):
        return read_avoid_file(area)
    return airspace_area(area, flight_level=flight_level)


def airspace_area(airspace: BandedAirspace, *, flight_level: int) -> BaseGeometry | None:
    """The polygons of an airspace's elements whose band holds the cruise level.

    Parameters
    ----------
    airspace
        A ``traffic.core.Airspace`` or any object with ``.elements``, each with ``.polygon``
        (shapely, lon/lat degrees), ``.lower`` and ``.upper`` (flight levels; ``None`` or
        infinite: no bound on that side).
    flight_level
        The cruise level, hundreds of feet (350: FL350).

    Returns
    -------
    The union of the elements at that level, or None when no element's band holds it.

    Raises
    ------
    InputError
        If it is not shaped like an airspace, or an element's polygon or band is bad; the
        message names the airspace, the element and the value.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from shapely.geometry import box
    >>> low = SimpleNamespace(polygon=box(30, 40, 31, 41), lower=0, upper=245)
    >>> high = SimpleNamespace(polygon=box(32, 40, 33, 41), lower=245, upper=None)
    >>> airspace = SimpleNamespace(name="TEST", elements=[low, high])
    >>> airspace_area(airspace, flight_level=350).bounds
    (32.0, 40.0, 33.0, 41.0)
    >>> airspace_area(airspace, flight_level=100).bounds
    (30.0, 40.0, 31.0, 41.0)

    """
    name = f"airspace {getattr(airspace, 'name', None) or type(airspace).__name__!r}"
    try:
        elements = list(airspace.elements)
    except (AttributeError, TypeError):
        raise InputError(f"{name} has no list of .elements; {_AIRSPACE}") from None
    if not elements:
        raise InputError(f"{name} has no elements; {_AIRSPACE}")
    polygons = []
    for number, element in enumerate(elements):
        where = f"element {number}"
        lower = _level(element, "lower", name, where)
        upper = _level(element, "upper", name, where)
        if lower > upper:
            raise InputError(
                f"{name}: {where} has its lower level {lower:g} above its upper level {upper:g}"
            )
        geometry = getattr(element, "polygon", None)
        if not isinstance(geometry, BaseGeometry):
            raise InputError(f"{name}: {where} has no shapely .polygon; {_AIRSPACE}")
        polygon = _polygon(shapely.geometry.mapping(geometry), name, where)
        if lower <= flight_level <= upper:
            polygons.append(polygon)
    if not polygons:
        return None
    merged = shapely.union_all(polygons)
    shapely.prepare(merged)
    return merged


def _level(element: Any, bound: str, name: str, where: str) -> float:
    """A band's bound in flight levels; None (or infinite) is open on that side."""
    value = getattr(element, bound, None)
    if value is None:
        return -math.inf if bound == "lower" else math.inf
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InputError(
            f"{name}: {where} has .{bound} {value!r}; give a flight level (a number, "
            "hundreds of feet), or None for no bound"
        )
    return float(value)


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
    label = f"avoid file {name!r}"
    polygons = [_polygon(geometry, label, where) for where, geometry in _geometries(data, name)]
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
            f"{name}: {where} is a {kind or 'missing geometry'}, not an area; "
            f"only Polygon and MultiPolygon geometries can be avoided"
        )
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
        raise InputError(f"{name}: {where} is malformed ({exc})") from None
    if polygon.is_empty:
        raise InputError(f"{name}: {where} is empty")
    lon_min, lat_min, lon_max, lat_max = polygon.bounds
    if not (lon_min >= -180.0 and lon_max <= 180.0 and lat_min >= -90.0 and lat_max <= 90.0):
        raise InputError(
            f"{name}: {where} has coordinates outside lon [-180, 180], "
            f"lat [-90, 90]; GeoJSON is (lon, lat)"
        )
    if lon_max - lon_min > 180.0:
        raise InputError(
            f"{name}: {where} spans more than 180° of longitude; split areas that "
            f"cross the antimeridian at ±180°, as RFC 7946 asks"
        )
    if not polygon.is_valid:
        raise InputError(
            f"{name}: {where} is not a valid polygon ({shapely.is_valid_reason(polygon)})"
        )
    return polygon
