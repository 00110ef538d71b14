"""The advisories binding an operator on a date, and their areas as GeoJSON for drawing.

What ``overflight advisories`` lists (``-f geojson``: the areas) and what the web map's
advisory layer (``/api/advisories``) draws.

>>> import datetime as dt
>>> found, heading = binding_advisories(operator="DE", date=dt.date(2020, 2, 1), flight_level=230)
>>> data = advisories_to_geojson(found, heading)
>>> data["operator"], "easa-iran-czib-2020-01" in [f["properties"]["id"] for f in data["features"]]
('DE', True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from overflight.analysis.versions import data_versions

if TYPE_CHECKING:
    from overflight.registry import AdvisoryFile, BoundAdvisory

__all__ = ["advisories_to_geojson", "binding_advisories"]

#: Tolerance of the drawn areas, degrees: a drawing, not the areas routes keep out of.
DRAWN_DEG = 0.02


def binding_advisories(
    *,
    operator: str | None = None,
    airline: str | None = None,
    category: str | None = None,
    date: dt.date | None = None,
    flight_level: int | None = None,
    extra: Iterable[AdvisoryFile] = (),
) -> tuple[tuple[BoundAdvisory, ...], dict[str, Any]]:
    """The advisories binding the flight (those whose band holds ``flight_level``, if given).

    With who was resolved, when and at which level (``operator``, ``airline``, ``category``,
    ``date``, ``flight_level``, ``registry_as_of``), as the heading of the answers.

    Raises
    ------
    InputError
        For an unknown airline, operator or category, or a date before 2014-01-01.

    """
    from overflight.registry import advisories_for, world
    from overflight.registry._world import _who

    day, cat, carrier, state = _who(operator, category, date, airline)
    found = advisories_for(
        operator=state,
        category=cat,
        on=day,
        airline=carrier.icao if carrier else None,
        extra=extra,
    )
    if flight_level is not None:
        found = tuple(b for b in found if b.advisory.band.contains(flight_level))
    heading: dict[str, Any] = {
        "operator": state,
        "airline": carrier.icao if carrier else None,
        "category": cat,
        "date": day.isoformat(),
        "flight_level": flight_level,
        "registry_as_of": world().as_of.isoformat(),
    }
    return found, heading


def advisories_to_geojson(
    found: Iterable[BoundAdvisory], heading: Mapping[str, Any]
) -> dict[str, Any]:
    """A FeatureCollection: each advisory's whole area (simplified), its fields as properties.

    ``heading`` (who, when, which level) goes into the collection's top-level members.
    """
    import shapely

    from overflight.routing.advisory_areas import area_geometry

    features = [
        {
            "type": "Feature",
            "geometry": shapely.geometry.mapping(
                shapely.simplify(area_geometry(b.advisory), DRAWN_DEG)
            ),
            "properties": b.to_dict(),
        }
        for b in found
    ]
    return {
        "type": "FeatureCollection",
        **heading,
        "versions": data_versions(),
        "features": features,
    }
