"""Repair of the source geometry: enclaves read with the even-odd rule, artefact holes filled.

It exists because the source stores enclaves as extra outer rings and has no holes, so 32 of
its features are invalid as read ("nested shells"). Rings never cross, so their nesting depth
gives the even-odd reading; a hole is kept only where another state's polygon covers it (a real
enclave such as Lesotho), otherwise it is filled back in (atoll lagoons and similar artefacts).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from .geometry import FloatArray

# A hole left by the even-odd rule is an enclave when at least this share of it is covered by
# another state's polygon; otherwise it is an artefact and filled in.
ENCLAVE_COVER_SHARE = 0.5


@dataclass(frozen=True)
class HolePiece:
    """One hole produced by the even-odd rule."""

    code3: str
    geometry: BaseGeometry
    covered_by: tuple[str, ...]
    covered_share: float

    @property
    def is_enclave(self) -> bool:
        """Whether another state's polygon covers the hole, i.e. it is a real hole."""
        return self.covered_share >= ENCLAVE_COVER_SHARE


def even_odd(rings: list[FloatArray], code3: str) -> tuple[BaseGeometry, list[BaseGeometry]]:
    """Read a feature's rings with the even-odd rule.

    The source's rings never cross (checked here): each ring is nested in others or disjoint.
    A ring at even nesting depth is a shell, at odd depth a hole, so the area is
    ``depth0 - depth1 + depth2 - ...`` taken level by level.

    Returns
    -------
    tuple
        The even-odd area and the list of hole pieces (each odd ring minus the shells nested
        directly in it).
    """
    polygons = [Polygon(ring) for ring in rings]
    for polygon in polygons:
        if not polygon.is_valid:
            raise SystemExit(f"{code3}: ring is not simple: {shapely.is_valid_reason(polygon)}")
    tree = shapely.STRtree(polygons)
    inner, outer = tree.query(polygons, predicate="intersects")
    depth = np.zeros(len(polygons), dtype=np.int64)
    parents: dict[int, list[int]] = {}
    for i, j in zip(inner.tolist(), outer.tolist(), strict=True):
        if i == j:
            continue
        if polygons[i].within(polygons[j]):
            depth[i] += 1
            parents.setdefault(i, []).append(j)
        elif not (polygons[j].within(polygons[i]) or polygons[i].touches(polygons[j])):
            # Crossing rings would make the even-odd reading ambiguous: stop rather than guess.
            raise SystemExit(f"{code3}: rings {i} and {j} cross")
    area: BaseGeometry = shapely.union_all([polygons[k] for k in np.flatnonzero(depth == 0)])
    for level in range(1, int(depth.max()) + 1):
        layer = shapely.union_all([polygons[k] for k in np.flatnonzero(depth == level)])
        # Odd levels are holes, even levels islands inside them.
        area = area.difference(layer) if level % 2 else area.union(layer)
    holes = []
    for k in np.flatnonzero(depth % 2 == 1).tolist():
        children = [
            polygons[c] for c, ps in parents.items() if depth[c] == depth[k] + 1 and k in ps
        ]
        holes.append(
            polygons[k].difference(shapely.union_all(children)) if children else polygons[k]
        )
    return area, holes


def repair(
    source: Mapping[str, list[FloatArray]],
) -> tuple[dict[str, BaseGeometry], list[HolePiece]]:
    """Valid geometry per state: even-odd enclaves kept as holes, artefact holes filled.

    Parameters
    ----------
    source
        Rings by alpha-3 code, as read.

    Returns
    -------
    tuple
        Repaired geometry by alpha-3 code, and every even-odd hole piece with its verdict.
    """
    areas: dict[str, BaseGeometry] = {}
    holes: dict[str, list[BaseGeometry]] = {}
    for code3 in sorted(source):
        areas[code3], holes[code3] = even_odd(source[code3], code3)
    codes = sorted(areas)
    tree = shapely.STRtree([areas[c] for c in codes])
    pieces: list[HolePiece] = []
    repaired: dict[str, BaseGeometry] = {}
    for code3 in codes:
        fill = []
        for hole in holes[code3]:
            # Coverage is judged against the other states' even-odd areas, not their filled
            # rings: France repeats French Polynesia with the same lagoon rings, and a lagoon
            # must not count as "covered" by France's copy of the lagoon.
            others = [
                codes[k] for k in tree.query(hole, predicate="intersects") if codes[k] != code3
            ]
            cover = shapely.union_all([areas[c].intersection(hole) for c in others])
            share = float(cover.area / hole.area) if hole.area > 0 else 1.0
            covering = tuple(c for c in others if areas[c].intersection(hole).area > 1e-12)
            piece = HolePiece(code3, hole, covering, share)
            pieces.append(piece)
            if not piece.is_enclave:
                fill.append(hole)
        geometry = shapely.union_all([areas[code3], *fill]) if fill else areas[code3]
        if not geometry.is_valid:
            raise SystemExit(
                f"{code3}: repaired geometry invalid: {shapely.is_valid_reason(geometry)}"
            )
        repaired[code3] = geometry
    return repaired, pieces
