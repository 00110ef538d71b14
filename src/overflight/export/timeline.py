"""A route's timeline as CSV and as a step chart (PNG or SVG) annotated with the events.

matplotlib is imported only when a chart is drawn; the figure is never attached to pyplot.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from typing import TYPE_CHECKING, Any

from overflight.models import KM_PER_NM

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from overflight.analysis.timeline import Timeline

__all__ = ["TIMELINE_COLUMNS", "timeline_to_csv", "timeline_to_png", "timeline_to_svg"]

#: CSV columns, one row per step; lists are joined by spaces.
TIMELINE_COLUMNS = (
    "start",
    "end",
    "distance_km",
    "distance_nm",
    "extra_km",
    "extra_pct",
    "duration_h",
    "wind_h",
    "mean_wind_kt",
    "states",
    "denied",
    "began",
    "ended",
    "error",
)

_DPI = 100
_EPOCH = dt.date(1970, 1, 1)
#: A step is annotated when the route's length changes by more than this share.
_NOTED = 0.001


def timeline_to_csv(timeline: Timeline) -> str:
    """One row per step, figures rounded to what a report shows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TIMELINE_COLUMNS)
    for step in timeline.steps:
        data = step.to_dict()
        row = []
        for column in TIMELINE_COLUMNS:
            value = data[column]
            if isinstance(value, list):
                row.append(" ".join(value))
            elif isinstance(value, float):
                row.append(
                    f"{value:.3f}"
                    if column in ("duration_h", "wind_h", "extra_pct")
                    else f"{value:.1f}"
                )
            else:
                row.append("" if value is None else str(value))
        writer.writerow(row)
    return out.getvalue()


def _figure(timeline: Timeline, width_px: int, height_px: int) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width_px / _DPI, height_px / _DPI), dpi=_DPI, facecolor="white")
    ax = fig.add_axes((0.07, 0.08, 0.86, 0.8))
    xs: list[float] = []
    ys: list[float] = []
    for step in timeline.steps:
        if step.route is None:
            continue
        xs += [_x(step.start), _x(step.end + dt.timedelta(days=1))]
        ys += [step.route.distance_km] * 2
    ax.plot(xs, ys, color="#c0392b", linewidth=2.0, drawstyle="steps-post", gid="length")
    great = timeline.to_dict()["great_circle_km"]
    if great is not None:
        ax.axhline(great, color="#7f8c8d", linestyle=(0, (5, 3)), linewidth=1.0)
        if xs:
            ax.annotate(
                "great circle",
                (xs[0], great),
                xytext=(2, 3),
                textcoords="offset points",
                fontsize=8,
                color="#7f8c8d",
            )
    # The changes of length are what the chart is for: the axis spans them, not zero.
    low = min([*ys, great or math.inf]) if ys else 0.0
    high = max(ys) if ys else 1.0
    pad = max(0.08 * (high - low), 0.01 * high)
    ax.set_ylim(low - pad, high + 3 * pad)
    previous = None
    noted = 0
    for step in timeline.steps:
        length = step.route.distance_km if step.route else None
        if (
            previous is not None
            and length is not None
            and abs(length - previous) > previous * _NOTED
        ):
            events = list(step.began) or [f"end of {i}" for i in step.ended]
            text = "\n".join(events[:3]) + ("\n…" if len(events) > 3 else "")
            ax.axvline(_x(step.start), color="#34495e", linewidth=0.6, alpha=0.5)
            # Staggered down from the top, so that close dates do not write over each other.
            ax.annotate(
                f"{step.start}\n{text}",
                (_x(step.start), 0.98 - 0.12 * (noted % 4)),
                xycoords=("data", "axes fraction"),
                xytext=(3, 0),
                textcoords="offset points",
                va="top",
                fontsize=7,
                color="#34495e",
            )
            noted += 1
        previous = length if length is not None else previous
    ax.xaxis_date()
    ax.set_ylabel("route length, km")
    ax.grid(True, alpha=0.3)
    who = " ".join(x for x in (timeline.airline or timeline.operator, timeline.category) if x)
    fig.suptitle(
        f"{timeline.origin.code} → {timeline.destination.code}, {who} flight, "
        f"{timeline.start} to {timeline.end} (registry as of {timeline.as_of})",
        fontsize=10,
        x=0.07,
        y=0.95,
        ha="left",
    )
    secondary = ax.secondary_yaxis("right", functions=(_to_nm, _to_km))
    secondary.set_ylabel("nm")
    return fig


def _x(day: dt.date) -> float:
    """Matplotlib's date number: days since its default epoch, 1970-01-01."""
    return float((day - _EPOCH).days)


def _to_nm(km: Any) -> Any:
    return km / KM_PER_NM


def _to_km(nm: Any) -> Any:
    return nm * KM_PER_NM


def timeline_to_png(timeline: Timeline, *, width_px: int = 1400, height_px: int = 700) -> bytes:
    """The step chart as PNG bytes."""
    out = io.BytesIO()
    _figure(timeline, width_px, height_px).savefig(
        out, format="png", dpi=_DPI, metadata={"Software": "overflight"}
    )
    return out.getvalue()


def timeline_to_svg(timeline: Timeline, *, width_px: int = 1400, height_px: int = 700) -> str:
    """The step chart as SVG text; the length line is the ``<g id="length">`` group."""
    from matplotlib import rc_context

    out = io.StringIO()
    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "overflight"}):
        _figure(timeline, width_px, height_px).savefig(
            out, format="svg", dpi=_DPI, metadata={"Date": None}
        )
    return out.getvalue()
