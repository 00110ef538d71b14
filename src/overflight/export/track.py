"""A flown track's report as RFC 7946 GeoJSON: the track, its gaps, the optimum, violations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from overflight.analysis.versions import data_versions
from overflight.export.geojson import plan_to_geojson
from overflight.geo.sphere import split_antimeridian

if TYPE_CHECKING:
    from overflight.analysis.track import TrackReport

__all__ = ["track_report_to_geojson"]


def _line(points: Sequence[tuple[float, float]]) -> dict[str, Any]:
    parts = [[list(p) for p in part] for part in split_antimeridian(points) if len(part) > 1]
    if len(parts) == 1:
        return {"type": "LineString", "coordinates": parts[0]}
    return {"type": "MultiLineString", "coordinates": parts}


def track_report_to_geojson(report: TrackReport) -> dict[str, Any]:
    """A FeatureCollection of the track and of the shortest legal route.

    The track (``role: track``), each gap bridged (``role: gap``), the stretches in closed
    airspace (``role: violation``) and those in straits crossed under transit passage
    (``role: transit_passage``), then the optimum's features as ``route --format geojson``
    writes them (``role: optimum`` on its line).
    """
    t = report.track
    data = report.to_dict()
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": _line(t.points),
            "properties": {"role": "track"} | data["track"],
        }
    ]
    for gap in t.gaps:
        features.append(
            {
                "type": "Feature",
                "geometry": _line([gap.start, gap.end]),
                "properties": {"role": "gap"} | gap.to_dict(),
            }
        )
    closed = [("violation", v.crossing, v.to_dict()) for v in report.violations]
    closed += [("transit_passage", p.crossing, p.to_dict()) for p in report.transit_passages]
    for role, c, properties in closed:
        features.append(
            {
                "type": "Feature",
                "geometry": _line(c.points(t)),
                "properties": {"role": role} | properties,
            }
        )
    if report.optimum is not None:
        optimum = plan_to_geojson(report.optimum)["features"]
        optimum[0]["properties"]["role"] = "optimum"
        features += optimum
    return {"type": "FeatureCollection", "versions": data_versions(), "features": features}
