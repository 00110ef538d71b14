"""Policy overrides: where the shipped airspace departs from the source on purpose.

It exists to keep every such decision in one place, each with its reason (the full table is in
``src/overflight/data/AIRSPACE.md``): Peru cut back from its 200 nm "maritime domain" to land
plus 12 nm, Greece's 10 nm airspace claim, the Sea of Azov added to Russia and Ukraine, the
Ilemi Triangle gap added to Kenya and South Sudan, Antarctica dropped. Kosovo's code is set
in ``codes``, with the other names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from .geometry import NM_M, area_km2, geodesic_buffer, polygons_of, polygons_only
from .progress import log

# Segments per quarter circle of the 10-12 nm coastal buffers: arcs sit up to 27 m inside.
QUAD_SEGS_CLAIM = 32

# States whose OSM land (from the land-only companion) the overrides need as a coastline.
LAND_CODES = ("PER", "GRC")

# Seeds (lon, lat) for the geometric look-ups of the gaps, and their expected sizes (km2), to
# fail loudly if the geometry changes shape.
AZOV_SEED = (36.5, 46.0)
AZOV_AREA_KM2 = (5_000.0, 20_000.0)
# The part of the Ilemi Triangle that the source leaves in no state (Kenya administers it,
# South Sudan claims it); enclosed by Kenya, South Sudan and Ethiopia.
ILEMI_SEED = (35.1, 4.8)
ILEMI_AREA_KM2 = (2_000.0, 5_000.0)


@dataclass(frozen=True)
class Change:
    """One override's effect, for the build report."""

    code3: str
    what: str
    before_km2: float
    after_km2: float


def cut_peru(peru: BaseGeometry, land: BaseGeometry, neighbours: BaseGeometry) -> BaseGeometry:
    """Peru's land plus 12 nm: the source holds Peru's 200 nm "maritime domain".

    Only water beyond 12 nm that reaches the open sea is removed. Peru's part of Lake Titicaca
    is more than 12 nm from the nearest land in places (about 64 km2); it is inland water,
    enclosed by Peru and Bolivia, and stays Peruvian.
    """
    coast = geodesic_buffer(land.intersection(peru), 12 * NM_M, QUAD_SEGS_CLAIM)
    far = polygons_of(peru.difference(coast))
    # A part reaches the open sea when some of the outline it shares with Peru has no
    # neighbour next to it (within ~200 m: shared borders were simplified separately).
    shapely.prepare(neighbours)
    drop = []
    for part in far:
        shared = shapely.get_coordinates(part.boundary.intersection(peru.boundary))
        points = shapely.points(shared)
        if len(shared) and not np.all(shapely.dwithin(neighbours, points, 0.002)):
            drop.append(part)
        else:
            p = part.representative_point()
            log(f"  PER keeps enclosed water at {p.x:.3f} {p.y:.3f}: {area_km2(part):.1f} km2")
    return polygons_only(peru.difference(shapely.union_all(drop)))


def extend_greece(greece: BaseGeometry, land: BaseGeometry, others: BaseGeometry) -> BaseGeometry:
    """Greece plus its 10 nm airspace claim, minus everything any other state holds.

    Greek land (OSM) is buffered by 10 nm; the extension never takes another state's polygon
    (Turkey's 6 nm sea in the Aegean, Albania, Italy, ...), so the claim only reaches into
    waters that the source leaves to no one.
    """
    claim = geodesic_buffer(land.intersection(greece), 10 * NM_M, QUAD_SEGS_CLAIM)
    return polygons_only(greece.union(claim.difference(others)))


def enclosed_gap(
    label: str,
    claimants: Iterable[BaseGeometry],
    seed: tuple[float, float],
    area_range: tuple[float, float],
) -> BaseGeometry:
    """The area in no state that the claimants' polygons enclose around a seed point.

    Found geometrically as the hole of the claimants' union that contains the seed. The area
    must fall in ``area_range`` (km2) so that a change in the input fails loudly.
    """
    point = Point(*seed)
    for polygon in polygons_of(shapely.union_all(list(claimants))):
        for ring in polygon.interiors:
            hole = Polygon(ring)
            if hole.contains(point):
                size = area_km2(hole)
                if not area_range[0] <= size <= area_range[1]:
                    raise SystemExit(
                        f"{label}: enclosed gap has an unexpected area: {size:.0f} km2"
                    )
                return hole
    raise SystemExit(f"{label}: no gap enclosed by the claimants contains {seed}")


def neighbours_of(
    areas: Mapping[str, BaseGeometry], code3: str, margin_deg: float
) -> list[BaseGeometry]:
    """Other states' polygons that reach into the state's bounding box grown by a margin."""
    x0, y0, x1, y1 = areas[code3].bounds
    frame = box(x0 - margin_deg, y0 - margin_deg, x1 + margin_deg, y1 + margin_deg)
    return [g for c, g in areas.items() if c != code3 and g.intersects(frame)]


def apply_overrides(
    areas: dict[str, BaseGeometry], land: Mapping[str, BaseGeometry]
) -> list[Change]:
    """Apply every override to the repaired geometry, in place, by alpha-3 code.

    Parameters
    ----------
    areas
        Repaired geometry by alpha-3 code; changed in place.
    land
        OSM land of the states in ``LAND_CODES``.

    Returns
    -------
    list
        The effect of each override, in the order applied.
    """
    changes: list[Change] = []

    peru = areas["PER"]
    near = neighbours_of(areas, "PER", margin_deg=1.0)
    before = area_km2(peru)
    areas["PER"] = cut_peru(peru, land["PER"], shapely.union_all(near))
    changes.append(Change("PER", "cut to land + 12 nm", before, area_km2(areas["PER"])))

    greece = areas["GRC"]
    near = neighbours_of(areas, "GRC", margin_deg=2.0)
    before = area_km2(greece)
    areas["GRC"] = extend_greece(greece, land["GRC"], shapely.union_all(near))
    changes.append(Change("GRC", "10 nm airspace claim", before, area_km2(areas["GRC"])))

    azov = enclosed_gap("Sea of Azov", [areas["RUS"], areas["UKR"]], AZOV_SEED, AZOV_AREA_KM2)
    for code3 in ("RUS", "UKR"):
        before = area_km2(areas[code3])
        areas[code3] = polygons_only(areas[code3].union(azov))
        changes.append(Change(code3, "Sea of Azov added", before, area_km2(areas[code3])))

    ilemi = enclosed_gap(
        "Ilemi Triangle", [areas[c] for c in ("KEN", "SSD", "ETH")], ILEMI_SEED, ILEMI_AREA_KM2
    )
    for code3 in ("KEN", "SSD"):
        before = area_km2(areas[code3])
        areas[code3] = polygons_only(areas[code3].union(ilemi))
        changes.append(Change(code3, "Ilemi Triangle gap added", before, area_km2(areas[code3])))

    changes.append(Change("ATA", "excluded", area_km2(areas.pop("ATA")), 0.0))
    return changes
