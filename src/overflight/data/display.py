"""The shipped state polygons simplified for drawing: the basemap of the web map and the exports.

Display geometry is never used for routing or verification; it only has to look right at
world and regional scale, and be small enough to send to a browser or inline in a file.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import shapely

from overflight.data.airspace import states

__all__ = ["DISPLAY_TOLERANCE_DEG", "display_states"]

#: Simplification tolerance in degrees (about 2 km): finer than a pixel at regional zoom.
DISPLAY_TOLERANCE_DEG = 0.02
#: Decimal places kept in display coordinates (about 100 m).
_DECIMALS = 3


@cache
def display_states(tolerance_deg: float = DISPLAY_TOLERANCE_DEG) -> dict[str, Any]:
    """Every state's airspace as a GeoJSON FeatureCollection, simplified for drawing.

    Features carry ``code``, ``name`` and ``sovereign`` properties and are sorted by code.
    The result is cached: treat it as read-only.

    >>> collection = display_states()
    >>> collection["type"], len(collection["features"]) > 200
    ('FeatureCollection', True)
    """
    features = []
    for code in sorted(states()):
        area = states()[code]
        simple = shapely.simplify(area.geometry, tolerance_deg, preserve_topology=True)
        rounded = shapely.set_precision(simple, 10.0**-_DECIMALS, mode="pointwise")
        features.append(
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(rounded),
                "properties": {"code": code, "name": area.name, "sovereign": area.sovereign},
            }
        )
    return {"type": "FeatureCollection", "features": features}
