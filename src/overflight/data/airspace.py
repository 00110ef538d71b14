"""The shipped sovereign-airspace polygons (land + territorial sea), one area per state.

The file is built by ``scripts/build_airspace/`` from OpenStreetMap data
(© OpenStreetMap contributors, ODbL 1.0); see ``AIRSPACE.md`` beside it.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import thread_geometry
from overflight.data.packed import pack_bytes, pack_strings, packed, unpack_strings
from overflight.errors import UnknownStateError

__all__ = [
    "AIRSPACE_FILE",
    "StateArea",
    "data_fingerprint",
    "denied_closure",
    "normalise_codes",
    "states",
    "states_at",
]

#: Name of the shipped data file inside the package.
AIRSPACE_FILE = "airspace.geojson.gz"


@dataclass(frozen=True)
class StateArea:
    """The sovereign airspace of one state or territory."""

    #: ISO 3166-1 alpha-2 code.
    code: str
    #: ISO 3166-1 alpha-3 code.
    code3: str
    #: Common English name.
    name: str
    #: Alpha-2 code of the sovereign state of a dependency, else None.
    sovereign: str | None
    #: Land and territorial sea in lon/lat degrees as WKB; edges are short great-circle arcs.
    wkb: bytes = field(repr=False, compare=False)

    @property
    def geometry(self) -> BaseGeometry:
        """Land and territorial sea in lon/lat degrees: this thread's prepared copy."""
        return thread_geometry(self.wkb)

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON Feature of the area."""
        return {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(self.geometry),
            "properties": {"code": self.code, "name": self.name, "sovereign": self.sovereign},
        }


def _data_path() -> Path:
    return Path(str(files("overflight.data").joinpath(AIRSPACE_FILE)))


@cache
def _raw() -> bytes:
    return _data_path().read_bytes()


@cache
def data_fingerprint() -> str:
    """A short hash of the shipped file, used to key caches built from it."""
    return hashlib.sha256(_raw()).hexdigest()[:16]


@cache
def states() -> Mapping[str, StateArea]:
    """All shipped state areas by alpha-2 code, loaded once."""
    columns = packed("airspace-1", data_fingerprint(), _parse)
    ends = columns["wkb_end"].tolist()
    blob = columns["wkb"].tobytes()
    areas: dict[str, StateArea] = {}
    for code, code3, name, sovereign, start, end in zip(
        unpack_strings(columns["code"]),
        unpack_strings(columns["code3"]),
        unpack_strings(columns["name"]),
        unpack_strings(columns["sovereign"]),
        [0, *ends[:-1]],
        ends,
        strict=True,
    ):
        areas[code] = StateArea(
            code=code, code3=code3, name=name, sovereign=sovereign or None, wkb=blob[start:end]
        )
    return areas


def _parse() -> dict[str, np.ndarray]:
    """The shipped GeoJSON as columns: the codes and names, and the areas' WKB end to end."""
    collection = json.loads(gzip.decompress(_raw()))
    features = collection["features"]
    ends, wkb = pack_bytes(
        [shapely.to_wkb(shapely.geometry.shape(f["geometry"])) for f in features]
    )
    props = [f["properties"] for f in features]
    return {
        "code": pack_strings([p["code"] for p in props]),
        "code3": pack_strings([p["code3"] for p in props]),
        "name": pack_strings([p["name"] for p in props]),
        "sovereign": pack_strings([p.get("sovereign") or "" for p in props]),
        "wkb_end": ends,
        "wkb": wkb,
    }


@cache
def _by_alpha3() -> dict[str, str]:
    return {area.code3: code for code, area in states().items()}


def normalise_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """Alpha-2 codes, sorted and unique, for alpha-2 or alpha-3 input in any case.

    Raises
    ------
    UnknownStateError
        For a code that names no state in the shipped data, with close matches.

    >>> normalise_codes(["tur", "GR", "bg"])
    ('BG', 'GR', 'TR')

    """
    known = states()
    out: set[str] = set()
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        if code in known:
            out.add(code)
        elif code in _by_alpha3():
            out.add(_by_alpha3()[code])
        else:
            names = {area.name.upper(): c for c, area in known.items()}
            close = difflib.get_close_matches(code, [*known, *_by_alpha3()], n=3, cutoff=0.5)
            by_name = [names[n] for n in difflib.get_close_matches(code, names, n=3, cutoff=0.6)]
            suggestions = tuple(
                dict.fromkeys(
                    [f"{c} ({known[c].name})" for c in by_name]
                    + [f"{c} ({known[_by_alpha3().get(c, c)].name})" for c in close]
                )
            )
            raise UnknownStateError(raw, suggestions[:5])
    return tuple(sorted(out))


def denied_closure(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes plus every dependency whose sovereign is among them.

    >>> "PF" in denied_closure(["FR"])
    True
    """
    chosen = set(normalise_codes(codes))
    chosen |= {c for c, area in states().items() if area.sovereign in chosen}
    return tuple(sorted(chosen))


def states_at(lon: float, lat: float, codes: Iterable[str] | None = None) -> tuple[str, ...]:
    """Codes of the states whose airspace covers the point (several where claims overlap)."""
    candidates = states() if codes is None else {c: states()[c] for c in codes}
    lon_n = float(np.mod(lon + 180.0, 360.0) - 180.0) if lon != 180.0 else lon
    return tuple(
        sorted(
            code
            for code, area in candidates.items()
            if _in_bounds(code, lon_n, lat) and shapely.intersects_xy(area.geometry, lon_n, lat)
        )
    )


def _in_bounds(code: str, lon: float, lat: float) -> bool:
    """Whether the point lies in the state's bounding box: most states are ruled out so."""
    west, south, east, north = _bounds(code)
    return west <= lon <= east and south <= lat <= north


@cache
def _bounds(code: str) -> tuple[float, float, float, float]:
    # Plain floats, which threads may share (the geometry itself they may not).
    west, south, east, north = shapely.bounds(states()[code].geometry).tolist()
    return west, south, east, north
