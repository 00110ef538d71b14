"""Independent check that a route never enters denied airspace or an active advisory area.

This module shares no code with the search: it densifies each leg along its great
circle (:func:`overflight.geo.ellipsoid.great_circle_legs`), and asks whether the line
enters any denied state's shipped polygon, in longitude and latitude. It checks against
the polygons shrunk by :data:`TOLERANCE_DEG`, a hair far smaller than the ~1 km by which
the shipped polygons cover the source data, so a leg that grazes a boundary vertex
passes while a leg that cuts a corner does not.

The denied states are checked all at once on the shrunk polygons' edges packed in
a grid (:mod:`overflight.routing.edges`): a segment that certainly crosses an edge
fails the leg, a part of a leg that crosses none is inside or outside as its first
point is, and where floating point cannot tell, GEOS decides on the polygon itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache, lru_cache

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from overflight._threadlocal import per_thread
from overflight.data.airspace import data_fingerprint, states
from overflight.data.packed import bytes_at, pack_bytes, pack_strings, packed, unpack_strings
from overflight.errors import VerificationError
from overflight.geo.ellipsoid import great_circle_legs
from overflight.routing.edges import PackedEdges, legs_parts

__all__ = ["TOLERANCE_DEG", "check_route", "entered_states", "shrunk_advisory", "shrunk_area"]

#: How far a leg may graze into a polygon, in degrees (about 110 m of latitude).
TOLERANCE_DEG = 1e-3
#: How far the open corridors are widened, in degrees (about a centimetre): a leg that turns on
#: a corridor's edge leaves slivers of 1e-14 degrees outside it when cut by the corridor.
OPENING_ROUNDING_DEG = 1e-7
#: Spacing of the points a leg is densified to.
_STEP_KM = 5.0


def _shrunk_key() -> str:
    """What the shrunk areas are made from: the shipped polygons, the tolerance, GEOS."""
    key = f"{data_fingerprint()}|{TOLERANCE_DEG!r}|{shapely.geos_version_string}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _shrink_every_state() -> dict[str, np.ndarray]:
    """Every state's airspace shrunk by the tolerance, as WKB in columns (0.2 s, made once)."""
    codes = list(states())
    ends, wkb = pack_bytes(
        [
            shapely.to_wkb(shapely.buffer(states()[c].geometry, -TOLERANCE_DEG, quad_segs=2))
            for c in codes
        ]
    )
    return {"code": pack_strings(codes), "wkb_end": ends, "wkb": wkb}


@cache
def _shrunk_table() -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """The row of each state in the table of shrunk areas, and the table (kept on disk).

    Shrinking the few states a route meets cost a one-shot command 25 ms at every start.
    """
    columns = packed("airspace-shrunk-1", _shrunk_key(), _shrink_every_state)
    return {code: k for k, code in enumerate(unpack_strings(columns["code"]))}, columns


@cache
def _shrunk_wkb(code: str) -> bytes:
    """A state's airspace shrunk by the tolerance, as WKB (shared by threads)."""
    rows, columns = _shrunk_table()
    return bytes_at(columns["wkb_end"], columns["wkb"], rows[code])


@per_thread(maxsize=None)
def shrunk_area(code: str) -> BaseGeometry:
    """A state's airspace shrunk by the tolerance: what a route must never touch (per thread)."""
    geometry = shapely.from_wkb(_shrunk_wkb(code))
    shapely.prepare(geometry)
    return geometry


@cache
def _shrunk_edges() -> tuple[PackedEdges, tuple[str, ...]]:
    """The edges of every state's shrunk area, owned by their index in the codes (on disk)."""
    codes = tuple(states())
    edges = PackedEdges.kept(
        "edges-shrunk-1",
        _shrunk_key(),
        lambda: [shapely.from_wkb(_shrunk_wkb(c)) for c in codes],
    )
    return edges, codes


@lru_cache(maxsize=8)
def _denied_edges(codes: frozenset[str]) -> tuple[PackedEdges, NDArray[np.int64], tuple[str, ...]]:
    """The shrunk edges of these states alone, their indices among every state's, the codes."""
    packed, every = _shrunk_edges()
    ids = np.array(sorted(every.index(c) for c in codes), dtype=np.int64)
    asked = np.zeros(len(every), dtype=np.bool_)
    asked[ids] = True
    ids.flags.writeable = False  # shared by threads
    return packed.subset(asked), ids, every


@per_thread(maxsize=64)
def shrunk_advisory(wkb: bytes) -> BaseGeometry:
    """An advisory area shrunk by the tolerance, prepared (per thread)."""
    geometry = shapely.buffer(shapely.from_wkb(wkb), -TOLERANCE_DEG, quad_segs=2)
    shapely.prepare(geometry)
    return geometry


def entered_states(
    parts: Sequence[NDArray[np.float64]], codes: Sequence[str]
) -> set[tuple[int, str]]:
    """(part, code) for every line (two or more lon, lat points) that touches a state's shrunk area.

    Exact: the packed edges decide every segment they can, GEOS the lines they cannot.
    """
    if not codes or not parts:
        return set()
    packed, ids, every = _denied_edges(frozenset(codes))
    n = len(every)
    points = np.concatenate(parts)
    part_of = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
    segments = np.flatnonzero(part_of[:-1] == part_of[1:])
    pairs = packed.pairs(points, segments)
    key = part_of[pairs.segment] * n + packed.owner[pairs.edge]
    hit = set(key[pairs.crosses].tolist())
    unsure = set(key[pairs.unsure].tolist()) - hit
    found: set[tuple[int, str]] = {(k // n, every[k % n]) for k in hit}
    for k in sorted(unsure):
        part, code = k // n, every[k % n]
        if shapely.intersects(shrunk_area(code), shapely.linestrings(parts[part])):
            found.add((part, code))
    met = hit | unsure
    # A line that meets no edge of a state is inside or outside it as its first point is,
    # and so is the next line when it starts where this one ends: only the first point of
    # such a chain of lines, and a point after a line that met the state, are looked up.
    met_on: dict[int, set[int]] = {}
    for k in met:
        met_on.setdefault(k // n, set()).add(k % n)
    heads = np.array([p[0] for p in parts])
    tails = np.array([p[-1] for p in parts])
    starts_chain = [True, *np.any(heads[1:] != tails[:-1], axis=1).tolist()]
    inside: set[int] = set()  # owners the current line's first point lies in
    for part, line in enumerate(parts):
        if starts_chain[part]:
            inside = _owners_at(packed, ids, every, line[0])
        found |= {(part, every[o]) for o in inside if part * n + o not in met}
        crossed = met_on.get(part)
        if crossed:
            # Left clear by GEOS: the line, so its end, is outside; else the end decides.
            left = {o for o in crossed if (part, every[o]) not in found}
            unknown = np.array(sorted(crossed - left), dtype=np.int64)
            inside = (inside - crossed) | _owners_at(packed, unknown, every, line[-1])
    return found


def _owners_at(
    packed: PackedEdges, ids: NDArray[np.int64], every: Sequence[str], point: NDArray[np.float64]
) -> set[int]:
    """The owners among ``ids`` whose shrunk area holds the point (one GEOS call)."""
    x, y = float(point[0]), float(point[1])
    b = packed.bounds[ids]
    boxed = ids[(b[:, 0] <= x) & (x <= b[:, 2]) & (b[:, 1] <= y) & (y <= b[:, 3])]
    if not len(boxed):
        return set()
    areas = np.array([shrunk_area(every[o]) for o in boxed.tolist()], dtype=object)
    return set(boxed[np.asarray(shapely.intersects_xy(areas, x, y), dtype=bool)].tolist())


def _leg(k: int, waypoints: Sequence[tuple[float, float]]) -> str:
    """The leg as an error names it (formatted only for an error: it costs more than a check)."""
    return f"leg {k + 1} from {waypoints[k]} to {waypoints[k + 1]}"


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
    legs = legs_parts(great_circle_legs(waypoints, _STEP_KM))
    advisory_hit = [
        next(
            (
                name
                for name, wkb in advisories
                if any(
                    shapely.intersects(shrunk_advisory(wkb), shapely.linestrings(p)) for p in parts
                )
            ),
            None,
        )
        for parts in legs
    ]
    if openings is not None:
        # Only what lies outside the open corridors has to stay clear.
        legs = [
            [
                shapely.get_coordinates(g)
                for p in parts
                for g in shapely.get_parts(shapely.difference(shapely.linestrings(p), openings))
            ]
            for parts in legs
        ]
    legs = [[p for p in parts if len(p) > 1] for parts in legs]
    flat = [p for parts in legs for p in parts]
    leg_of = [k for k, parts in enumerate(legs) for _ in parts]
    entered = {(leg_of[part], code) for part, code in entered_states(flat, denied)}
    entering = {k for k, _ in entered}
    for k, parts in enumerate(legs):
        if advisory_hit[k] is not None:
            raise VerificationError(
                f"{_leg(k, waypoints)} enters the area of advisory {advisory_hit[k]}; this is a "
                "bug in overflight, please report it"
            )
        # Most legs enter nothing: only those that do look for the first state named.
        for code in denied if k in entering else ():
            if (k, code) in entered:
                raise VerificationError(
                    f"{_leg(k, waypoints)} enters the airspace of {code}; this is a bug in "
                    "overflight, please report it"
                )
        if inside_avoid is not None and any(
            shapely.intersects(inside_avoid, shapely.linestrings(p)) for p in parts if len(p) > 1
        ):
            raise VerificationError(
                f"{_leg(k, waypoints)} enters an area to avoid; this is a bug in overflight, "
                "please report it"
            )
