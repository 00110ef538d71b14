"""Text rendering for the terminal (rich): routes, plans and scenarios."""

from __future__ import annotations

import calendar
import io
from typing import TYPE_CHECKING

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from overflight.models import KM_PER_NM, LonLat, Place, Route

if TYPE_CHECKING:
    from overflight.analysis.fuel import StopPlan
    from overflight.analysis.plan import Plan
    from overflight.analysis.timing import Considered, RouteTime
    from overflight.registry import Resolution
    from overflight.scenarios import Scenario

__all__ = [
    "render_place_notes",
    "render_plan",
    "render_route",
    "render_scenario",
    "render_scenario_list",
    "render_to_text",
]


def _place(place: Place) -> str:
    return place.code if place.kind == "point" else f"{place.code} {place.name}"


def render_place_notes(*places: Place) -> list[Text]:
    """One line per place that has a note (a superseded code was given for it), in order."""
    return [
        Text(f"note: {place.note}", style="yellow") for place in places if place.note is not None
    ]


def _point(p: LonLat) -> str:
    ns = "N" if p.lat >= 0 else "S"
    ew = "E" if p.lon >= 0 else "W"
    return f"{abs(p.lat):.4f}{ns} {abs(p.lon):.4f}{ew}"


def _hours(h: float) -> str:
    minutes = round(h * 60.0)
    return f"{minutes // 60}h{minutes % 60:02d}"


def render_route(route: Route) -> Group:
    """The route as a heading, a table of figures, its waypoints and its transit table."""
    title = Text(f"{_place(route.origin)}  →  {_place(route.destination)}", style="bold")
    denied = ", ".join(route.denied) if route.denied else "none"
    setting = Text(
        f"denied: {denied}   margin: {route.margin_nm:g} nm   cruise: {route.speed_kt:g} kt"
    )

    figures = Table(show_header=True, box=None, pad_edge=False)
    for column in ("", "km", "nm", "time"):
        figures.add_column(column, justify="right" if column else "left")
    direct_h = route.great_circle_km / (route.speed_kt * KM_PER_NM)
    figures.add_row(
        "route",
        f"{route.distance_km:,.0f}",
        f"{route.distance_km / KM_PER_NM:,.0f}",
        _hours(route.duration_h),
    )
    figures.add_row(
        "direct great circle",
        f"{route.great_circle_km:,.0f}",
        f"{route.great_circle_km / KM_PER_NM:,.0f}",
        _hours(direct_h),
    )
    figures.add_row(
        "penalty",
        f"+{route.extra_km:,.0f}",
        f"+{route.extra_km / KM_PER_NM:,.0f}",
        f"+{_hours(route.duration_h - direct_h)}  (+{route.extra_pct:.1f} %)",
    )

    waypoints = Table(title="turning points", title_justify="left", box=None)
    waypoints.add_column("#", justify="right")
    waypoints.add_column("position")
    for k, p in enumerate(route.waypoints):
        waypoints.add_row(str(k), _point(p))

    transit = Table(title="states crossed, in order", title_justify="left")
    for column in ("#", "state", "name", "entry", "exit", "km"):
        transit.add_column(
            column,
            justify="right" if column in ("#", "km") else "left",
            no_wrap=column != "name",
        )
    for k, t in enumerate(route.transit, start=1):
        transit.add_row(
            str(k), t.country, t.name, _point(t.entry), _point(t.exit), f"{t.distance_km:,.0f}"
        )
    transit.add_row("", "", "high seas", "", "", f"{route.high_seas_km:,.0f}")
    return Group(title, setting, Text(), figures, Text(), waypoints, Text(), transit)


def render_plan(plan: Plan) -> Group:
    """The route, under the scenario and with the aircraft it was planned for."""
    lines: list[Text | Group] = [*render_place_notes(plan.route.origin, plan.route.destination)]
    if plan.registry is not None:
        lines += _registry_lines(plan.registry)
    elif plan.permissions is not None:
        p = plan.permissions
        who = " ".join(x for x in (p.operator_state, p.category) if x)
        lines.append(Text(f"scenario: {p.scenario} on {p.on.isoformat()} ({who} flight)"))
    if plan.advisories is not None:
        lines += _advisory_lines(plan)
    if plan.route.straits:
        lines.append(Text(f"relies on transit passage through: {', '.join(plan.route.straits)}"))
    if plan.disputed and plan.request is not None:
        areas = "; ".join(d.describe() for d in plan.disputed)
        lines.append(Text(f"disputed areas (policy {plan.request.disputed}): {areas}"))
    if plan.aircraft is not None and plan.range_time is not None:
        usable = plan.aircraft.usable_range_km()
        time, within = plan.range_time
        verdict = "within range" if within else "BEYOND RANGE: the flight needs a fuel stop"
        wind = ""
        if time.month is not None:
            wind = (
                f", endurance {_hours(plan.aircraft.endurance_h())} against "
                f"{_hours(time.wind_h)} non-stop in the {calendar.month_name[time.month]} wind"
            )
        lines.append(
            Text(
                f"aircraft: {plan.aircraft.designator} {plan.aircraft.name}, usable range "
                f"{usable:,.0f} km{wind}: {verdict}"
            )
        )
    body: list[Group | Table | Text] = [render_route(plan.route)]
    body += [Text(), _render_wind(plan.timing)]
    if plan.firs is not None:
        body += [Text(), *_render_firs(plan)]
    if plan.alternatives:
        body += [Text(), _render_alternatives(plan.alternatives)]
    if plan.stops is not None:
        body.append(Text())
        body.append(_render_stops(plan.stops))
    needed = " ".join(plan.clearances) or "none"
    body += [
        Text(),
        Text(
            f"clearances needed (the flight as flown, less its departure and arrival states): "
            f"{needed}"
        ),
        *(Text(f"note: {remark}", style="yellow") for remark in plan.remarks),
    ]
    return Group(*lines, *body)


def _registry_lines(answer: Resolution) -> list[Text]:
    """Who the registry resolved for, and which rule refused (or opened) which states."""
    p = answer.permissions
    carrier = f", airline {answer.airline.icao} {answer.airline.name}" if answer.airline else ""
    who = " ".join(x for x in (p.operator_state, p.category) if x)
    lines = [Text(f"registry on {p.on.isoformat()}: {who} flight{carrier}")]
    lines += [Text(f"warning: {w}", style="yellow") for w in answer.warnings]
    for rule in answer.rules:
        # Dependencies follow their sovereign: name the sovereign alone.
        shown = [c for c in rule.refused if _sovereign(c) not in rule.refused]
        what = f"refuses {', '.join(shown)}" if shown else rule.kind
        lines.append(
            Text(f"  {rule.id}: {what} - {rule.note} ({rule.source.url})", overflow="fold")
        )
    if not answer.rules:
        lines.append(Text("  no rule of the registry concerns this flight"))
    return lines


#: How the text names what an advisory did to the route.
_EFFECT = {
    "avoided": "kept out",
    "active": "active (an obstacle at this level that did not shape the route)",
    "crossed": "crossed (caution)",
    "above": "crossed above its band",
}


def _advisory_lines(plan: Plan) -> list[Text]:
    """Each advisory that kept the route out, or that it crosses, with its band and source."""
    level = plan.request.flight_level if plan.request is not None else None
    at = f" at FL{level:03d}" if level is not None else ""
    found = plan.advisories or ()
    counts = [(e, sum(o.effect == e for o in found)) for e in _EFFECT]
    summary = ", ".join(f"{n} {_EFFECT[e].split(' (')[0]}" for e, n in counts if n) or "none"
    lines = [Text(f"advisories{at}: {summary}")]
    lines += [Text(f"warning: {w}", style="yellow") for w in plan.advisory_warnings]
    for outcome in found:
        a = outcome.bound.advisory
        lines.append(
            Text(
                f"  {a.id} ({outcome.bound.issuer}, {a.severity}, {a.band}): "
                f"{_EFFECT[outcome.effect]} - {a.note} ({a.source.url})",
                overflow="fold",
            )
        )
    return lines


def _render_firs(plan: Plan) -> list[Table | Text]:
    """The FIRs the non-stop route crosses, with times from take-off, and the flight plan's EET."""
    crossings = plan.firs or ()
    if not crossings:
        return [Text("FIRs crossed: none of the loaded FIR outlines is on the route")]
    table = Table(
        title=f"FIRs crossed, in order (still air at {plan.route.speed_kt:,.0f} kt)",
        title_justify="left",
    )
    for column in ("#", "FIR", "entry", "exit", "from", "to", "km"):
        table.add_column(column, justify="left" if column in ("FIR", "entry", "exit") else "right")
    for k, c in enumerate(crossings, start=1):
        table.add_row(
            str(k),
            c.id,
            _point(c.entry),
            _point(c.exit),
            _hours(c.entry_min / 60.0),
            _hours(c.exit_min / 60.0),
            f"{c.km:,.0f}",
        )
    return [table, Text(f"flight plan item 18: {plan.eet or 'no EET (one FIR)'}")]


def _sovereign(code: str) -> str | None:
    from overflight.data.airspace import states

    return states()[code].sovereign


def _render_wind(timing: RouteTime) -> Text:
    """The route's time in the month's mean wind, or that none was flown through."""
    if timing.month is None:
        return Text("wind: none (still air; give --month or --date for a month's mean wind)")
    kind = "tailwind" if timing.mean_wind_kt >= 0.0 else "headwind"
    return Text(
        f"wind: {calendar.month_name[timing.month]} mean at 200 hPa: {_hours(timing.wind_h)} "
        f"(still air {_hours(timing.still_air_h)}), mean {kind} {abs(timing.mean_wind_kt):.0f} kt"
    )


def _render_alternatives(alternatives: tuple[Considered, ...]) -> Table:
    """The distinct routes a time-optimal plan chose among."""
    table = Table(
        "#",
        "km",
        "still air",
        "in the wind",
        "mean wind kt",
        "sides",
        "",
        title="routes considered (distinct ways round the large obstacles)",
        title_justify="left",
    )
    for k, a in enumerate(alternatives, start=1):
        table.add_row(
            str(k),
            f"{a.distance_km:,.0f}",
            _hours(a.time.still_air_h),
            _hours(a.time.wind_h),
            f"{a.time.mean_wind_kt:+.0f}",
            " ".join(a.sides),
            "chosen" if a.chosen else "",
        )
    return table


def _render_stops(stops: StopPlan) -> Table:
    """The legs of a fuel-stop plan, with their times in the wind when a month was given."""
    windy = stops.month is not None
    columns = ["leg", "from", "to", "km", "still air" if windy else "flight"]
    if windy:
        columns += ["in the wind", "mean wind kt"]
    title = (
        f"plan with {len(stops.stops)} fuel stop(s): {stops.total_distance_km:,.0f} km, "
        f"{_hours(stops.total_time_h)} including {stops.ground_time_h:g} h on the ground "
        "at each stop"
    )
    if windy:
        title += (
            f"; {_hours(stops.total_wind_h)} in the {calendar.month_name[stops.month or 1]} "
            f"wind (stops chosen by {stops.optimise}; endurance {_hours(stops.endurance_h)} "
            "a leg)"
        )
    table = Table(*columns, "states crossed", title=title, title_justify="left")
    for k, (leg, time) in enumerate(zip(stops.legs, stops.times, strict=True), start=1):
        cells = [str(k), leg.origin.code, leg.destination.code, f"{leg.distance_km:,.0f}"]
        cells.append(_hours(leg.duration_h))
        if windy:
            cells += [_hours(time.wind_h), f"{time.mean_wind_kt:+.0f}"]
        table.add_row(*cells, " ".join(t.country for t in leg.transit))
    return table


def render_scenario_list() -> Table:
    """The built-in scenarios, one a row."""
    from overflight.scenarios import list_scenarios

    table = Table("name", "date", "title", title="built-in scenarios (overflight scenarios NAME)")
    for info in list_scenarios():
        table.add_row(info.name, info.date.isoformat() if info.date else "", info.title)
    return table


def render_scenario(scenario: Scenario) -> Group:
    """What a scenario says: its rules, sources and assumptions."""
    head = Text(f"{scenario.name}: {scenario.title}", style="bold")
    facts = Text(
        f"operator: {scenario.operator.state or 'any'} {scenario.operator.category}   "
        f"date: {scenario.date or 'today'}   default overflight: "
        f"{scenario.default.overflight}   margin: {scenario.margin_nm:g} nm   "
        f"transit passage: {'yes' if scenario.transit_passage else 'no'}"
    )
    rules = Table(
        "#",
        "states",
        "who",
        "overflight",
        "landing",
        "in force",
        "note",
        title="rules (the last that applies wins)",
        title_justify="left",
    )
    for k, rule in enumerate(scenario.rules, start=1):
        who = " ".join([*rule.categories, *rule.operators]) or "all"
        if rule.to_from:
            who += f" to/from {' '.join(rule.to_from)}"
        window = f"{rule.valid.from_ or '…'} to {rule.valid.to or '…'}"
        rules.add_row(
            str(k),
            " ".join(rule.states),
            who,
            rule.overflight or "",
            rule.landing or "",
            window,
            rule.note or "",
        )
    parts: list[Text | Table] = [head, facts]
    if scenario.description:
        parts.append(Text(scenario.description))
    parts.append(rules)
    if scenario.assumptions:
        parts.append(Text("assumptions:", style="bold"))
        parts.extend(Text(f"  - {a}") for a in scenario.assumptions)
    if scenario.sources:
        parts.append(Text("sources:", style="bold"))
        for src in scenario.sources:
            bits = [src.title, getattr(src, "publisher", None), getattr(src, "url", None)]
            parts.append(Text("  - " + ", ".join(str(b) for b in bits if b)))
    return Group(*parts)


def render_to_text(plan: Plan, width: int = 110) -> str:
    """The rendering as plain text (no colour), for a file."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(render_plan(plan))
    return console.export_text()
