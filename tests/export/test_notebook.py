"""How plans, routes, comparisons and chokepoint reports look in Jupyter."""

from __future__ import annotations

import dataclasses
import html
import xml.etree.ElementTree as ET
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from overflight.analysis import (
    ChokepointReport,
    Comparison,
    compare_routes,
    deny_case,
    find_chokepoints,
)
from overflight.analysis.plan import Plan
from tests.helpers.chromium import ARTIFACTS, launch, needs_chromium

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "Co"'


class Balanced(HTMLParser):
    """Fails on a closing tag that closes nothing open; collects the text."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.text: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        self.attrs.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.open, f"</{tag}> closes nothing"
        assert self.open.pop() == tag, f"</{tag}> closes another tag"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(markup: str) -> tuple[ET.Element, str]:
    """The markup as XML (so: well formed) and its text; every tag it opens is closed."""
    checker = Balanced()
    checker.feed(markup)
    checker.close()
    assert not checker.open, checker.open
    return ET.fromstring(markup), "".join(checker.text)


@cache
def comparison() -> Comparison:
    return compare_routes("EFHK", "RJAA", [deny_case([]), deny_case(["RU"])])


@cache
def chokepoints() -> ChokepointReport:
    return find_chokepoints("EFHK", "RJAA", deny=["RU"], max_set_size=1)


@pytest.mark.parametrize("case", ["syria", "pacific", "stops"])
def test_a_plan_and_its_route_show_as_tables(plans: dict[str, Plan], case: str) -> None:
    plan = plans[case]
    for shown in (plan, plan.route):
        tree, text = parsed(shown._repr_html_())
        assert len(tree.findall(".//table")) == 2
        assert plan.route.origin.name in text
        # Every state crossed has its row, with its name.
        rows = tree.findall(".//table[2]/tbody/tr")
        legs = plan.legs if shown is plan else (plan.route,)
        assert [r[2].text for r in rows] == [t.name for leg in legs for t in leg.transit]
    stops = plan.stops.stops if plan.stops is not None else ()
    tree, _ = parsed(plan._repr_html_())
    assert tree.findtext(".//caption", "").count("→") == len(stops) + 1


def test_names_are_escaped(plans: dict[str, Plan]) -> None:
    route = plans["syria"].route
    hostile = dataclasses.replace(route, origin=dataclasses.replace(route.origin, name=HOSTILE))
    markup = hostile._repr_html_()
    assert "<script>" not in markup
    assert html.escape(HOSTILE) in markup
    _, text = parsed(markup)
    assert HOSTILE in text


def test_comparison_shows_a_row_per_case() -> None:
    tree, text = parsed(comparison()._repr_html_())
    rows = tree.findall(".//tbody/tr")
    assert [r[0].text for r in rows] == [r.label for r in comparison().results]
    assert "EFHK → RJAA" in text
    assert rows[1][1].text == f"{comparison().results[1].distance_km:,.0f}"


def test_chokepoints_show_the_ranking_and_the_cuts() -> None:
    report = chokepoints()
    tree, _ = parsed(report._repr_html_())
    ranking, cuts = tree.findall(".//table")
    assert [r[0].text for r in ranking.findall("tbody/tr")] == [c.country for c in report.ranking]
    assert [r[0].text for r in cuts.findall("tbody/tr")] == [", ".join(s) for s in report.cut_sets]


def test_a_plan_draws_itself_as_svg(plans: dict[str, Plan]) -> None:
    svg = plans["pacific"]._repr_svg_()
    root = ET.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.findall(f".//{SVG}path"), "the map has shapes"
    assert ET.fromstring(plans["syria"].route._repr_svg_().encode("utf-8")).tag == f"{SVG}svg"


def test_explore_embeds_the_whole_page_in_a_frame(plans: dict[str, Plan], tmp_path: Path) -> None:
    explorer = plans["pacific"].explore()
    frame = explorer._repr_html_()
    tree, _ = parsed(frame)
    assert tree.tag == "iframe"
    # As a browser reads the attribute (XML would fold its newlines into spaces).
    reader = Balanced()
    reader.feed(frame)
    assert reader.attrs[0][1]["srcdoc"] == explorer.page
    assert "maplibre-js" in explorer.page
    saved = explorer.save(tmp_path / "map.html")
    assert saved.read_text(encoding="utf-8") == explorer.page


@needs_chromium
def test_explore_opens_in_chromium_with_no_request_off_the_machine(
    plans: dict[str, Plan], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    # A notebook's output area is a page holding the frame: the same here.
    page_file = tmp_path / "notebook.html"
    page_file.write_text(
        "<!DOCTYPE html><html><body>" + plans["pacific"].explore()._repr_html_() + "</body></html>",
        encoding="utf-8",
    )
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        context = launch(pw, tmp_path / "profile")
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        inner = page.frame_locator("iframe")
        inner.locator("body[data-ready=true]").wait_for(state="attached", timeout=60_000)
        # The map fills the frame's width, in a notebook's output area.
        width = inner.locator("canvas.maplibregl-canvas").evaluate("c => c.clientWidth")
        viewport = page.viewport_size
        assert viewport is not None
        assert width > 0.9 * viewport["width"]
        assert inner.locator("#panel h1").inner_text() == "RJAA → PANC"
        shot = page.screenshot()
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "notebook_explore_pacific.png").write_bytes(shot)
    local = ("file:", "data:", "blob:", "about:", "http://127.0.0.1", "https://127.0.0.1")
    assert requests, "the page itself was requested"
    assert [r for r in requests if not r.startswith(local)] == []
    assert not errors, errors
