"""The gallery of real cases, rendered by the documentation build from the library itself.

Each case plans its flights through :func:`overflight.analysis.plan_request` (or draws a
timeline through :func:`overflight.analysis.timeline.route_timeline`), then writes a Markdown
page with the maps, a table of the figures and the sources of the registry's rules that
shaped the routes. Nothing here is committed as an image: the build makes every picture.

Run alone (``python docs/gallery/build.py OUT``) it writes the pages and pictures into OUT.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from overflight.analysis import FlightRequest, Plan, plan_request
from overflight.analysis.timeline import Timeline, TimelineStep, route_timeline
from overflight.export.staticmap import plan_to_png
from overflight.export.timeline import timeline_to_png
from overflight.registry import world
from overflight.scenarios import Source

#: Pictures are drawn this size; the pages show them at the column's width.
WIDTH_PX, HEIGHT_PX = 1200, 750


@dataclass(frozen=True)
class View:
    """One flight of a case, as a user would ask for it."""

    label: str
    command: str
    request: FlightRequest


@dataclass(frozen=True)
class Case:
    """A page of the gallery."""

    slug: str
    title: str
    story: str
    views: tuple[View, ...] = ()
    timeline: tuple[str, Callable[[], Timeline]] | None = None
    notes: tuple[str, ...] = field(default=())


def D(text: str) -> dt.date:
    """A date as ISO text."""
    return dt.date.fromisoformat(text)


def flight(label: str, origin: str, destination: str, **options: str) -> View:
    """A view whose command line is written from the same options as its request."""
    flags = " ".join(f"--{name} {value}" for name, value in options.items())
    request = FlightRequest(
        origin=origin,
        destination=destination,
        deny=(options["deny"],) if "deny" in options else (),
        operator=options.get("operator"),
        airline=options.get("airline"),
        category=options.get("category"),
        date=D(options["date"]) if "date" in options else None,
        optimise=options.get("optimise", "distance"),
    )
    return View(label, f"overflight route {origin} {destination} {flags}", request)


CASES = (
    Case(
        "syria-2015",
        "The 2015 Syria air bridge",
        "In September 2015 Bulgaria refused Russian military transports bound for Syria, "
        "Turkey had barred them since 2012, and Iran opened its airspace: the flights from "
        "Chkalovsky (UUMU) to Hmeimim (OSLK) went over the Caspian Sea, Iran and Iraq. The "
        "registry records no refusal by Azerbaijan or Armenia, so the shortest route it "
        "finds crosses them rather than the Caspian.",
        views=(
            flight(
                "Russian state aircraft, 15 September 2015",
                *("UUMU", "OSLK"),
                operator="RU",
                category="state",
                date="2015-09-15",
            ),
        ),
    ),
    Case(
        "kaliningrad-moscow",
        "Kaliningrad to Moscow through the Gulf of Finland",
        "Between Kaliningrad (UMKK) and Moscow Sheremetyevo (UUEE), with the Baltic states, "
        "Poland and Belarus denied, the only way is over the Baltic Sea and up the Gulf of "
        "Finland, on the strip of high seas between the Finnish and Estonian territorial "
        "seas. The registry's view for a Russian operator on 1 June 2022 closes the EU too.",
        views=(
            flight(
                "The Baltic states, Poland and Belarus denied",
                *("UMKK", "UUEE"),
                deny="EE,LV,LT,PL,BY",
            ),
            flight(
                "A Russian civil operator on 1 June 2022 (the registry)",
                *("UMKK", "UUEE"),
                operator="RU",
                date="2022-06-01",
            ),
        ),
    ),
    Case(
        "finnair-tokyo",
        "Finnair Helsinki to Tokyo, each way",
        "After Russia closed its airspace to EU carriers in February 2022, Finnair's "
        "Helsinki (EFHK) to Tokyo Narita (RJAA) flights went around Russia. In January the "
        "winds decide which way round is faster, and the two directions differ.",
        views=tuple(
            flight(
                f"Finnair {a} to {b}, 15 January 2023, fastest in January's wind",
                *(a, b),
                airline="FIN",
                date="2023-01-15",
                optimise="time",
            )
            for a, b in (("EFHK", "RJAA"), ("RJAA", "EFHK"))
        ),
    ),
    Case(
        "air-india-chicago",
        "Air India Delhi to Chicago since 2019",
        "Pakistan closed its airspace to Indian carriers in 2019 and again in 2025: Delhi "
        "(VIDP) to Chicago O'Hare (KORD) changes each time. The chart plans the route at "
        "every change of the rules that concern it.",
        timeline=(
            "overflight timeline VIDP KORD --airline AIC --from 2019-01-01",
            lambda: route_timeline("VIDP", "KORD", airline="AIC", start=D("2019-01-01")),
        ),
    ),
    Case(
        "qatar-2017",
        "Qatar Airways and the 2017 blockade",
        "From June 2017 to January 2021 Saudi Arabia, the United Arab Emirates, Bahrain and "
        "Egypt closed their airspace to Qatari aircraft, and flights from Doha squeezed out "
        "through Iranian and Omani airspace. Doha (OTHH) to Nairobi (HKJK) during the "
        "blockade and after it.",
        views=tuple(
            flight(f"Qatar Airways, {day}", "OTHH", "HKJK", airline="QTR", date=day)
            for day in ("2018-01-01", "2021-06-01")
        ),
    ),
    Case(
        "tel-aviv-mumbai",
        "Tel Aviv to Mumbai before and after 2020",
        "Until July 2022 Saudi Arabia kept flights to and from Israel out of its airspace, "
        "and El Al's Tel Aviv (LLBG) to Mumbai (VABB) went down the Red Sea and round the "
        "Arabian Peninsula; Iran, Pakistan and Afghanistan refuse flights to and from Israel "
        "and Kuwait refuses Israeli aircraft. Saudi Arabia opened its airspace to all carriers "
        "on 15 July 2022 and Oman to Israeli airlines in February 2023. The registry has no "
        "sourced rule for Iraq, whose corner the 2023 route clips.",
        views=tuple(
            flight(f"El Al, {day}", "LLBG", "VABB", airline="ELY", date=day)
            for day in ("2019-06-01", "2023-06-01")
        ),
    ),
)


def render(out: Callable[[str, bytes | str], None]) -> None:
    """Plan every case and hand each page and picture to ``out(path, content)``.

    Paths are relative to the site's ``gallery/`` folder; pages are Markdown.
    """
    sources = {rule.id: rule.source for _event, rule in world().rules}
    index = [
        "# Gallery of real cases",
        "",
        "Each page is made by the documentation build: the routes are planned by overflight "
        "itself, and the maps and tables are drawn from the plans, with the sources of the "
        "rules that shaped them.",
        "",
    ]
    for case in CASES:
        lines = [f"# {case.title}", "", case.story, ""]
        used: list[str] = []
        for number, view in enumerate(case.views, start=1):
            plan = plan_request(view.request)
            picture = f"{case.slug}-{number}.png"
            out(picture, plan_to_png(plan, width_px=WIDTH_PX, height_px=HEIGHT_PX))
            lines += [f"## {view.label}", "", "```text", view.command, "```", ""]
            lines += [f"![{view.label}]({picture})", ""]
            lines += _figures(plan)
            used += [r.id for r in plan.registry.rules] if plan.registry else []
        if case.timeline is not None:
            command, make = case.timeline
            line = make()
            picture = f"{case.slug}-timeline.png"
            out(picture, timeline_to_png(line, width_px=WIDTH_PX, height_px=HEIGHT_PX // 2 + 150))
            lines += ["```text", command, "```", "", f"![Timeline]({picture})", ""]
            lines += _steps(line)
            used += [i for step in line.steps for i in step.rules]
        lines += _sources(used, sources)
        out(f"{case.slug}.md", "\n".join(lines) + "\n")
        index.append(f"- [{case.title}]({case.slug}.md)")
    out("index.md", "\n".join(index) + "\n")


def _figures(plan: Plan) -> list[str]:
    route = plan.route
    crossed = " ".join(t.country for t in route.transit) or "high seas only"
    rows = [
        "| distance | great circle | penalty | time | states crossed |",
        "|---:|---:|---:|---:|---|",
        f"| {route.distance_km:,.0f} km | {route.great_circle_km:,.0f} km | "
        f"+{route.extra_km:,.0f} km (+{route.extra_pct:.1f} %) | {route.duration_h:.2f} h | "
        f"{crossed} |",
        "",
    ]
    if route.denied:
        rows += [f"Denied: {' '.join(route.denied)}.", ""]
    return rows


def _steps(line: Timeline) -> list[str]:
    """The timeline's steps, consecutive ones with the same route joined into one row."""
    rows = ["| from | to | km | penalty | states crossed |", "|---|---|---:|---:|---|"]
    runs: list[list[TimelineStep]] = []
    for step in line.steps:
        if runs and _same_route(runs[-1][-1], step):
            runs[-1].append(step)
        else:
            runs.append([step])
    for run in runs:
        first, last = run[0], run[-1]
        r = first.route
        if r is None:
            rows.append(f"| {first.start} | {last.end} | - | - | {first.error or ''} |")
            continue
        rows.append(
            f"| {first.start} | {last.end} | {r.distance_km:,.0f} | +{r.extra_pct:.1f} % | "
            f"{' '.join(first.states)} |"
        )
    return [*rows, ""]


def _same_route(a: TimelineStep, b: TimelineStep) -> bool:
    if a.route is None or b.route is None:
        return a.route is b.route and a.error == b.error
    return a.states == b.states and abs(a.route.distance_km - b.route.distance_km) < 0.5


def _sources(used: list[str], sources: dict[str, Source]) -> list[str]:
    lines = ["## Sources", ""]
    seen = list(dict.fromkeys(used))
    if not seen:
        return [*lines, "The states denied are given on the command line: no rule applies.", ""]
    for rule_id in seen:
        source = sources[rule_id]
        cited = ", ".join(str(x) for x in (source.publisher, source.date) if x)
        link = f"[{source.title}]({source.url})" if source.url else source.title
        lines.append(f"- `{rule_id}`: {link}" + (f" ({cited})" if cited else ""))
    return [*lines, ""]


def main() -> None:
    """Write the gallery into the folder given as the first argument."""
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)

    def write(path: str, content: bytes | str) -> None:
        target = folder / path
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    render(write)


if __name__ == "__main__":
    main()
