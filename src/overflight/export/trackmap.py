"""A flown track and the shortest legal route on one static map (PNG or SVG).

The track is drawn in blue (its gaps in coverage dotted orange), the stretches in closed airspace
in red, the shortest legal route in green, over the states' outlines with the closed ones
shaded. Longitudes are unwrapped around the track, so a flight across ±180° stays whole.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from overflight.data.display import display_states
from overflight.geo.ellipsoid import densify_path
from overflight.geo.sphere import unwrap_longitudes

if TYPE_CHECKING:
    from overflight.analysis.track import TrackReport

__all__ = ["track_report_to_image"]

_TRACK, _GAP, _BAD, _OPTIMUM = "#1f5fbf", "#ff7f0e", "#d62728", "#2ca02c"


def _xy(points: Any, centre: float) -> np.ndarray:
    """Points as (x, y) with longitudes unwrapped and moved within 180° of the centre."""
    xy = np.asarray(unwrap_longitudes(points), dtype=np.float64).reshape(-1, 2)
    shift = 360.0 * np.round((np.mean(xy[:, 0]) - centre) / 360.0)
    out: np.ndarray = xy - np.array([shift, 0.0])
    return out


def track_report_to_image(
    report: TrackReport, *, image_format: str = "png", width_px: int = 1600, height_px: int = 1000
) -> bytes:
    """The map as PNG or SVG bytes."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    t = report.track
    track = np.asarray(unwrap_longitudes(list(t.points)), dtype=np.float64)
    centre = float(np.mean(track[:, 0]))
    lines = [track]
    optimum = None
    label = ""
    if report.optimum is not None:
        optimum = _xy(densify_path(report.optimum.route.waypoints, 20.0), centre)
        lines.append(optimum)
        label = f"shortest legal route {report.optimum.route.distance_km:,.0f} km"
    both = np.concatenate(lines)
    (west, south), (east, north) = both.min(axis=0), both.max(axis=0)
    pad = max(east - west, north - south) * 0.12 + 1.0
    west, east, south, north = west - pad, east + pad, max(south - pad, -90), min(north + pad, 90)
    # Fill the figure: widen (or heighten) the window to its shape.
    squash = max(float(np.cos(np.radians((south + north) / 2.0))), 0.2)
    wide = (east - west) * squash / (north - south)
    want = width_px / height_px
    if wide < want:
        grow = ((north - south) * want / squash - (east - west)) / 2.0
        west, east = west - grow, east + grow
    else:
        grow = ((east - west) * squash / want - (north - south)) / 2.0
        south, north = max(south - grow, -90.0), min(north + grow, 90.0)
    fig = Figure(figsize=(width_px / 100, height_px / 100), dpi=100)
    ax = fig.add_subplot()
    ax.set_facecolor("#dbe9f6")
    closed = set(report.denied)
    window = shapely.box(west - 360, south, east + 360, north)
    for feature in display_states()["features"]:
        geom = shapely.geometry.shape(feature["geometry"])
        if not geom.intersects(window):
            continue
        shaded = feature["properties"]["code"] in closed
        for poly in getattr(geom, "geoms", [geom]):
            x, y = np.asarray(poly.exterior.coords)[:, :2].T
            for offset in (-360.0, 0.0, 360.0):
                if x.max() + offset >= west and x.min() + offset <= east:
                    ax.fill(
                        x + offset,
                        y,
                        facecolor="#f2c6c6" if shaded else "#f4f1ea",
                        edgecolor="#9a9a9a",
                        linewidth=0.4,
                        zorder=1,
                    )
    if optimum is not None:
        ax.plot(
            *optimum.T,
            color=_OPTIMUM,
            linewidth=2.0,
            linestyle="--",
            zorder=3,
            label=label,
        )
    ax.plot(*track.T, color=_TRACK, linewidth=1.8, zorder=4, label=f"track {t.distance_km:,.0f} km")
    for n, gap in enumerate(t.gaps):
        ax.plot(
            *_xy(densify_path([gap.start, gap.end], 20.0), centre).T,
            color=_GAP,
            linewidth=2.2,
            linestyle=":",
            zorder=5,
            label="gap in coverage (great circle)" if n == 0 else None,
        )
    for v in report.violations:
        c = v.crossing
        within = [
            p for p, km in zip(t.points, t.along_km, strict=True) if c.entry_km <= km <= c.exit_km
        ]
        ax.plot(
            *_xy([c.transit.entry, *within, c.transit.exit], centre).T,
            color=_BAD,
            linewidth=3.0,
            zorder=6,
            label=f"in closed airspace: {c.transit.country}",
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1.0 / squash)
    ax.legend(loc="lower left", fontsize=9)
    ax.set_title(f"{report.origin.code} → {report.destination.code}   {t.source}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format=image_format)
    return buffer.getvalue()
