"""Flight information regions (FIRs): outlines read from a user's file or an installed package.

No FIR outlines are shipped: no open global set has a licence that allows it (DESIGN.md). A
user gives a GeoJSON FeatureCollection of polygons with an identifier property
(:func:`read_fir_file`); the common one is the VATSpy data project's ``Boundaries.geojson``,
whose features carry ``id`` (``"LOVV"``) and whose sub-sectors carry the FIR's id with a
suffix (``"LOVV-E"``, drawn inside their FIR). When the ``traffic`` package is installed,
its European FIRs (``traffic.data.eurofirs``) are read instead (:func:`traffic_firs`).

A sub-sector ``XXXX-S`` counts as its FIR ``XXXX``: dropped when the file also holds
``XXXX`` (its airspace is already there), merged into ``XXXX`` otherwise. Features sharing
an id are one FIR. The outlines are kept as WKB, so a :class:`FirSet` is shared by threads;
each thread reads its own prepared copy (``_threadlocal.thread_geometry``).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import shapely
import shapely.affinity
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.errors import InputError

__all__ = ["DEFAULT_ID_PROPERTY", "FirSet", "fir_set_of", "read_fir_file", "traffic_firs"]

#: The identifier property of the VATSpy boundaries file.
DEFAULT_ID_PROPERTY = "id"

_ACCEPTED = (
    "give a GeoJSON FeatureCollection (RFC 7946) of Polygon or MultiPolygon features in "
    "lon/lat degrees, each with its FIR identifier in a property (such as VATSpy's "
    "Boundaries.geojson, property 'id')"
)


@dataclass(frozen=True)
class FirSet:
    """FIR outlines by identifier, as WKB; equal (and hashed) by their content.

    >>> firs = FirSet.from_geometries("example", {"XAAA": shapely.box(0, 0, 1, 1)})
    >>> firs.ids, firs.geometry("XAAA").area
    (('XAAA',), 1.0)
    """

    #: Where the outlines come from (the file as the user named it, or the package).
    source: str = field(compare=False)
    #: A digest of the ids and outlines: what equality and caches key on.
    digest: str
    #: The FIR identifiers, sorted.
    ids: tuple[str, ...] = field(compare=False)
    #: The outline of each, in the order of ``ids``.
    wkb: tuple[bytes, ...] = field(compare=False, repr=False)

    @classmethod
    def from_geometries(cls, source: str, outlines: Mapping[str, BaseGeometry]) -> FirSet:
        """A set of the given outlines (lon/lat polygons) by identifier."""
        ids = tuple(sorted(outlines))
        wkb = tuple(shapely.to_wkb(outlines[i]) for i in ids)
        h = hashlib.sha256()
        for i, w in zip(ids, wkb, strict=True):
            h.update(i.encode() + b"\0" + w)
        return cls(source, h.hexdigest(), ids, wkb)

    def __contains__(self, fir: object) -> bool:
        return fir in self._index

    @property
    def _index(self) -> dict[str, int]:
        return _positions(self.ids)

    def geometry(self, fir: str) -> BaseGeometry:
        """The calling thread's prepared outline of the FIR (KeyError when not in the set)."""
        return thread_geometry(self.wkb[self._index[fir]])

    def outline(self, firs: Iterable[str]) -> BaseGeometry:
        """The union of the outlines of those FIRs that the set holds."""
        return shapely.union_all([self.geometry(f) for f in firs if f in self])


@cache
def _positions(ids: tuple[str, ...]) -> dict[str, int]:
    return {fir: k for k, fir in enumerate(ids)}


def fir_set_of(
    path: str | os.PathLike[str] | None, *, id_property: str | None = None
) -> FirSet | None:
    """The FIRs a request plans with: the file's, else traffic's European FIRs, else None.

    A file is read once while it is unchanged (its size and modification time): a batch or a
    server plans many requests with the same file.
    """
    if path is None:
        return traffic_firs()
    prop = id_property or DEFAULT_ID_PROPERTY
    try:
        stat = Path(path).stat()
    except OSError:
        return read_fir_file(path, id_property=prop)  # raises, naming the file
    return _read_unchanged(os.fspath(path), prop, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=4)
def _read_unchanged(path: str, id_property: str, size: int, mtime_ns: int) -> FirSet:
    return read_fir_file(path, id_property=id_property)


def read_fir_file(
    path: str | os.PathLike[str], *, id_property: str = DEFAULT_ID_PROPERTY
) -> FirSet:
    """Read FIR outlines from a GeoJSON FeatureCollection, keyed by ``id_property``.

    Raises
    ------
    InputError
        Naming the file and what is wrong: missing, not JSON, not a FeatureCollection, a
        feature without the identifier property (the properties it has are listed) or whose
        geometry is not a polygon, coordinates out of range, or no feature at all.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> box = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
    >>> features = [{"type": "Feature", "properties": {"id": i}, "geometry": box}
    ...             for i in ("XAAA", "XAAA-E")]
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "firs.geojson"
    >>> _ = file.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    >>> read_fir_file(file).ids
    ('XAAA',)

    """
    name = os.fspath(path)
    file = Path(path)
    if not file.is_file():
        raise InputError(f"FIR file {name!r} not found (looked for {file.resolve()}); {_ACCEPTED}")
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"FIR file {name!r} is not readable JSON ({exc}); {_ACCEPTED}") from None
    kind = data.get("type") if isinstance(data, dict) else type(data).__name__
    features = data.get("features") if isinstance(data, dict) else None
    if kind != "FeatureCollection" or not isinstance(features, list):
        raise InputError(f"FIR file {name!r} is GeoJSON of type {kind!r}; {_ACCEPTED}")
    pieces: dict[str, list[BaseGeometry]] = {}
    for k, feature in enumerate(features):
        ident, geometry = _feature(feature, k, name, id_property)
        pieces.setdefault(ident, []).append(geometry)
    if not pieces:
        raise InputError(f"FIR file {name!r} holds no feature; {_ACCEPTED}")
    return FirSet.from_geometries(name, _by_fir(pieces))


def _feature(feature: Any, k: int, name: str, id_property: str) -> tuple[str, BaseGeometry]:
    """The identifier and polygons of feature ``k``, or an InputError saying what is wrong."""
    where = f"FIR file {name!r}: feature {k}"
    properties = feature.get("properties") if isinstance(feature, dict) else None
    ident = properties.get(id_property) if isinstance(properties, dict) else None
    if not isinstance(ident, str) or not ident.strip():
        found = ", ".join(sorted(properties)) if isinstance(properties, dict) else "none"
        raise InputError(
            f"{where} has no identifier in property {id_property!r} (its properties: "
            f"{found}); give --fir-id-property with the property that holds the FIR's id"
        )
    geometry = feature.get("geometry")
    gtype = geometry.get("type") if isinstance(geometry, dict) else None
    if gtype not in ("Polygon", "MultiPolygon"):
        raise InputError(
            f"{where} ({ident}) is a {gtype or 'missing geometry'}, not an area; {_ACCEPTED}"
        )
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, IndexError, KeyError, shapely.errors.ShapelyError) as exc:
        raise InputError(f"{where} ({ident}) is malformed ({exc}); {_ACCEPTED}") from None
    west, south, east, north = polygon.bounds if not polygon.is_empty else (0.0, 0.0, 0.0, 0.0)
    if not (west >= -540.0 and east <= 540.0 and south >= -90.0 and north <= 90.0):
        raise InputError(
            f"{where} ({ident}) has coordinates outside lon [-180, 180], lat [-90, 90]; "
            "GeoJSON is (lon, lat)"
        )
    # FIR boundaries drawn by hand often touch themselves: repair rather than refuse.
    return ident.strip(), _within_180(shapely.make_valid(polygon))


def _within_180(polygon: BaseGeometry) -> BaseGeometry:
    """The polygon with longitudes in [-180, 180].

    An oceanic FIR across the antimeridian is often drawn with continuous longitudes (170 to
    190): its parts beyond ±180° are moved by 360°, as RFC 7946 asks.

    >>> _within_180(shapely.box(170, 0, 190, 10)).bounds
    (-180.0, 0.0, 180.0, 10.0)
    """
    west, _, east, _ = polygon.bounds
    if west >= -180.0 and east <= 180.0:
        return polygon
    parts = [
        shapely.affinity.translate(
            shapely.intersection(polygon, shapely.box(k - 180.0, -90.0, k + 180.0, 90.0)), -k
        )
        for k in (-360.0, 0.0, 360.0)
    ]
    return shapely.union_all([p for p in parts if not p.is_empty])


def _by_fir(pieces: Mapping[str, list[BaseGeometry]]) -> dict[str, BaseGeometry]:
    """One outline per FIR: sub-sectors (``XXXX-S``) dropped when ``XXXX`` is there, else merged."""
    merged: dict[str, list[BaseGeometry]] = {}
    for ident, parts in pieces.items():
        base = ident.split("-", 1)[0]
        if base != ident and base in pieces:
            continue
        merged.setdefault(base, []).extend(parts)
    return {fir: shapely.make_valid(shapely.union_all(parts)) for fir, parts in merged.items()}


@cache
def traffic_firs() -> FirSet | None:
    """The European FIRs of the ``traffic`` package, when it is installed; None otherwise.

    Read once per process. Versions of traffic give ``eurofirs`` as a table with
    ``designator`` and ``geometry`` columns, or as a mapping of airspaces with a ``shape``.
    """
    if importlib.util.find_spec("traffic") is None:
        return None
    # Imported by name: an optional package without type stubs.
    eurofirs: Any = importlib.import_module("traffic.data").eurofirs
    pieces: dict[str, list[BaseGeometry]] = {}
    table: Any = getattr(eurofirs, "data", None)
    pairs: Iterable[tuple[Any, Any]]
    if table is not None and {"designator", "geometry"} <= set(table.columns):
        pairs = zip(table["designator"], table["geometry"], strict=True)
    else:
        pairs = ((ident, airspace.shape) for ident, airspace in dict(eurofirs).items())
    for ident, geometry in pairs:
        pieces.setdefault(str(ident), []).append(shapely.make_valid(geometry))
    return FirSet.from_geometries("traffic.data.eurofirs", _by_fir(pieces))
