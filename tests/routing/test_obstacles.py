"""A denied set's obstacles are the union of its states' airspace, however the union is made."""

from __future__ import annotations

import pytest
import shapely

from overflight.data.airspace import denied_closure, states
from overflight.routing.obstacles import _polygons, build_obstacles

#: Sets whose states meet (Russia and its neighbours, the Balkans), meet nothing (Cyprus
#: alone), or both, and one across the antimeridian (Russia with the United States).
SETS = {
    "russia-neighbours": ("RU", "BY", "UA", "KZ", "MN", "CN", "KP"),
    "balkans": ("BG", "GR", "TR", "MK", "RS"),
    "alone": ("CY",),
    "islands-and-mainland": ("RU", "JP", "NZ", "FJ"),
    "antimeridian": ("RU", "US"),
}


def _shipped_union(denied: tuple[str, ...]) -> shapely.Geometry:
    return shapely.unary_union([p for c in denied for p in _polygons(states()[c].geometry)])


@pytest.mark.parametrize("name", sorted(SETS))
def test_obstacles_cover_exactly_the_denied_airspace(name: str) -> None:
    denied = tuple(sorted(denied_closure(SETS[name])))
    build_obstacles.cache_clear()
    first = build_obstacles(denied)
    build_obstacles.cache_clear()
    again = build_obstacles(denied)  # its groups' unions now kept from the first
    assert first.wkb == again.wkb
    # Joined across ±180° the pieces run past 180° east: brought back, they cover the union.
    polygons = [shapely.from_wkb(w) for w in first.wkb]
    back = shapely.union_all(
        [shapely.clip_by_rect(p, -180.0, -90.0, 180.0, 90.0) for p in polygons]
        + [
            shapely.affinity.translate(shapely.clip_by_rect(p, 180.0, -90.0, 540.0, 90.0), -360.0)
            for p in polygons
        ]
    )
    union = _shipped_union(denied)
    assert shapely.area(shapely.symmetric_difference(back, union)) < 1e-9
    # No piece overlaps another: where two met, they were merged.
    assert sum(shapely.area(p) for p in polygons) == pytest.approx(shapely.area(union), rel=1e-12)
