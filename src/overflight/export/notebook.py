"""How plans, routes, comparisons and chokepoint reports show themselves in Jupyter.

``_repr_html_`` is a small table of the headline figures (every name escaped: airport names
come from open data), ``_repr_svg_`` the static map (:mod:`overflight.export.staticmap`), and
``explore()`` the offline MapLibre page (:mod:`overflight.export.html`) in an iframe: its
scripts, styles and basemap are inside the page, so nothing is requested off the machine.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from overflight.export.html import plan_to_html
from overflight.export.staticmap import plan_to_svg
from overflight.export.table import format_hours, plan_figures
from overflight.models import Route

if TYPE_CHECKING:
    from overflight.analysis.chokepoints import ChokepointReport
    from overflight.analysis.compare import Comparison
    from overflight.analysis.plan import Plan

__all__ = [
    "Explorer",
    "chokepoints_html",
    "comparison_html",
    "explore",
    "plan_html",
    "plan_svg",
]

#: Size of the map drawn for a notebook, in pixels.
SVG_SIZE_PX = (900, 560)
#: Height of the interactive map's frame in a notebook.
FRAME_HEIGHT_PX = 520


def _table(head: Sequence[str], rows: Iterable[Sequence[object]], caption: str = "") -> str:
    """An HTML table with every cell escaped."""
    out = ["<table>"]
    if caption:
        out.append(f"<caption>{html.escape(caption)}</caption>")
    if head:
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
        out.append(f"<thead><tr>{cells}</tr></thead>")
    out.append("<tbody>")
    for row in rows:
        cells = "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row)
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _km(value: float | None) -> str:
    return "" if value is None else f"{value:,.0f}"


def plan_html(plan: Plan | Route) -> str:
    """The flight as flown: its places, headline figures and the states crossed, with km."""
    figures = plan_figures(plan)
    legs = (plan,) if isinstance(plan, Route) else plan.legs
    names = " → ".join(
        f"{p.code} ({p.name})" for p in (figures.origin, *figures.stops, figures.destination)
    )
    crossed = [
        (n, t.country, t.name, _km(t.distance_km))
        for n, leg in enumerate(legs, start=1)
        for t in leg.transit
    ]
    return (
        "<div>"
        + "".join(
            [
                _table((), figures.lines(), caption=names),
                _table(("leg", "state", "name", "km"), crossed, caption="States crossed"),
            ]
        )
        + "</div>"
    )


def plan_svg(plan: Plan | Route) -> str:
    """The static map of the flight, as SVG."""
    width, height = SVG_SIZE_PX
    return plan_to_svg(plan, width_px=width, height_px=height)


def comparison_html(comparison: Comparison) -> str:
    """One row per case: distance, extra, time, states crossed, or why there is no route."""
    rows = [
        (
            r.label,
            _km(r.distance_km),
            "" if r.extra_pct is None else f"{r.extra_pct:+.1f} %",
            "" if r.duration_h is None else format_hours(r.duration_h),
            " ".join(r.states),
            r.error or "",
        )
        for r in comparison.results
    ]
    caption = (
        f"{comparison.origin.code} → {comparison.destination.code}, "
        f"great circle {comparison.great_circle_km:,.0f} km"
    )
    return _table(
        ("case", "km", "extra", "time", "states crossed", "no route because"), rows, caption
    )


def chokepoints_html(report: ChokepointReport) -> str:
    """The states ranked by what refusing each one does, and the sets that cut the route."""
    route = report.baseline
    rows = [
        (
            p.country,
            p.name,
            "cut" if p.cuts else "",
            _km(p.route_km),
            _km(p.extra_km),
            "" if p.extra_h is None else f"{p.extra_h:+.1f}",
        )
        for p in report.ranking
    ]
    caption = f"{route.origin.code} → {route.destination.code}: refusing one more state"
    cuts = [(", ".join(s),) for s in report.cut_sets]
    return (
        "<div>"
        + "".join(
            [
                _table(("state", "name", "cuts", "route km", "extra km", "extra h"), rows, caption),
                _table(("states",), cuts, caption="Sets whose refusal cuts the route"),
            ]
        )
        + "</div>"
    )


@dataclass(frozen=True)
class Explorer:
    """The interactive map of a flight, shown by Jupyter in a frame; ``save`` writes it."""

    #: The whole page: MapLibre, the basemap and the flight inside it.
    page: str
    #: Height of the frame, in pixels.
    height_px: int = FRAME_HEIGHT_PX

    def _repr_html_(self) -> str:
        # srcdoc keeps the page self-contained: no file, no server, no request.
        return (
            f'<iframe srcdoc="{html.escape(self.page, quote=True)}" '
            f'style="width: 100%; height: {self.height_px}px; border: 0" '
            'title="overflight map"></iframe>'
        )

    def save(self, path: str | Path) -> Path:
        """Write the page to a file that opens offline in any browser; returns the path."""
        out = Path(path)
        out.write_text(self.page, encoding="utf-8")
        return out


def explore(plan: Plan | Route) -> Explorer:
    """The interactive map of a flight for a notebook (see :class:`Explorer`)."""
    return Explorer(plan_to_html(plan))
