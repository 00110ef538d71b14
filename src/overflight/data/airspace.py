"""The shipped sovereign-airspace polygons (land + territorial sea), one area per state.

The file is built by ``scripts/build_airspace/`` from OpenStreetMap data
(© OpenStreetMap contributors, ODbL 1.0); see ``AIRSPACE.md`` beside it.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, NamedTuple

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


@cache
def _spellings() -> dict[str, str]:
    """Every code accepted (alpha-3, then alpha-2, which wins a clash) to its alpha-2 code."""
    return {**_by_alpha3(), **{code: code for code in states()}}


def normalise_codes(codes: Iterable[str]) -> tuple[str, ...]:
    """Alpha-2 codes, sorted and unique, for alpha-2 or alpha-3 input in any case.

    Raises
    ------
    UnknownStateError
        For a code that names no state in the shipped data, with close matches.

    >>> normalise_codes(["tur", "GR", "bg"])
    ('BG', 'GR', 'TR')

    """
    return _normalised(tuple(codes))


@lru_cache(maxsize=256)
def _normalised(codes: tuple[str, ...]) -> tuple[str, ...]:
    """:func:`normalise_codes`, kept by the codes as given.

    Every request of a batch or a server names the same few sets, and normalising all 249
    states again cost each 0.3 ms.
    """
    spellings = _spellings()
    out: set[str] = set()
    for raw in codes:
        code = raw.strip().upper()
        if not code:
            continue
        found = spellings.get(code)
        if found is None:
            raise _unknown(raw, code)
        out.add(found)
    return tuple(sorted(out))


def _unknown(raw: str, code: str) -> UnknownStateError:
    """The error for a code that names no state, with the states it may have meant."""
    known = states()
    names = {area.name.upper(): c for c, area in known.items()}
    close = difflib.get_close_matches(code, [*known, *_by_alpha3()], n=3, cutoff=0.5)
    by_name = [names[n] for n in difflib.get_close_matches(code, names, n=3, cutoff=0.6)]
    suggestions = tuple(
        dict.fromkeys(
            [f"{c} ({known[c].name})" for c in by_name]
            + [f"{c} ({known[_by_alpha3().get(c, c)].name})" for c in close]
        )
    )
    return UnknownStateError(raw, suggestions[:5])


def denied_closure(codes: Iterable[str]) -> tuple[str, ...]:
    """The codes plus every dependency whose sovereign is among them.

    >>> "PF" in denied_closure(["FR"])
    True
    """
    return _with_dependencies(normalise_codes(codes))


@lru_cache(maxsize=256)
def _with_dependencies(chosen: tuple[str, ...]) -> tuple[str, ...]:
    dependencies = _dependencies()
    return tuple(sorted({*chosen, *(d for c in chosen for d in dependencies.get(c, ()))}))


@cache
def _dependencies() -> dict[str, tuple[str, ...]]:
    """The dependencies of each sovereign state that has some."""
    out: dict[str, list[str]] = {}
    for code, area in states().items():
        if area.sovereign is not None:
            out.setdefault(area.sovereign, []).append(code)
    return {sovereign: tuple(codes) for sovereign, codes in out.items()}


def states_at(lon: float, lat: float, codes: Iterable[str] | None = None) -> tuple[str, ...]:
    """Codes of the states whose airspace covers the point (several where claims overlap)."""
    index = _index(None if codes is None else tuple(codes))
    lon = float(lon)
    # Python's float remainder is numpy's (C's fmod, then the divisor's sign): [-180, 180).
    lon_n = (lon + 180.0) % 360.0 - 180.0 if lon != 180.0 else lon
    if not (-180.0 <= lon_n <= 180.0 and -90.0 <= lat <= 90.0):  # NaN, or no state's box
        return ()
    cell = math.floor(lon_n + 180.0) * _ROWS + math.floor(lat + 90.0)
    owners = index.owner[index.start[cell] : index.start[cell + 1]].tolist()
    return tuple(
        sorted(
            index.codes[k]
            for k in owners
            if shapely.intersects_xy(states()[index.codes[k]].geometry, lon_n, lat)
        )
    )


#: Columns and rows of the one-degree cells of :class:`_Index` (a cell's key is column *
#: _ROWS + row; longitude 180 has a column of its own).
_COLUMNS, _ROWS = 361, 181


class _Index(NamedTuple):
    """Which of some states may cover each one-degree cell, as rows of a sparse table.

    A state may cover a cell when one of its parts' bounding boxes meets it. Plain arrays,
    which threads may share (the geometry itself they may not).
    """

    codes: tuple[str, ...]
    #: Where each cell's states start in ``owner`` (by cell key; one more at the end).
    start: np.ndarray
    #: Indices into ``codes``, cell after cell, each cell's in order.
    owner: np.ndarray


@lru_cache(maxsize=16)
def _index(codes: tuple[str, ...] | None) -> _Index:
    """The cells of these states (every state for None), kept by the codes.

    Testing a point against the bounding box of each of 249 states cost 0.3 ms; a state's
    own box rules little out where it has islands far apart, its parts' boxes do.
    """
    chosen = tuple(states() if codes is None else dict.fromkeys(codes))
    parts = [shapely.get_parts(states()[code].geometry) for code in chosen]
    bounds = shapely.bounds(np.concatenate([np.zeros(0, dtype=object), *parts])).reshape(-1, 4)
    part_owner = np.repeat(np.arange(len(chosen), dtype=np.int64), [len(p) for p in parts])
    # The same arithmetic as a point's cell: a point in a box has a cell in its range.
    c0 = np.floor(bounds[:, 0] + 180.0).astype(np.int64)
    r0 = np.floor(bounds[:, 1] + 90.0).astype(np.int64)
    rows = np.floor(bounds[:, 3] + 90.0).astype(np.int64) - r0 + 1
    count = (np.floor(bounds[:, 2] + 180.0).astype(np.int64) - c0 + 1) * rows
    item = np.repeat(np.arange(len(bounds), dtype=np.int64), count)
    local = np.arange(int(count.sum()), dtype=np.int64) - np.repeat(np.cumsum(count) - count, count)
    key = (c0[item] + local // rows[item]) * _ROWS + r0[item] + local % rows[item]
    # Each (cell, state) once, by cell then state (np.unique would load numpy.ma: 20 ms).
    pair = np.sort(key * len(chosen) + part_owner[item])
    pair = pair[np.concatenate([[True], pair[1:] != pair[:-1]])] if len(pair) else pair
    start = np.zeros(_COLUMNS * _ROWS + 1, dtype=np.int64)
    np.cumsum(np.bincount(pair // len(chosen), minlength=_COLUMNS * _ROWS), out=start[1:])
    owner = pair % len(chosen)
    start.flags.writeable = owner.flags.writeable = False
    return _Index(chosen, start, owner)
