"""The world on a date on the map page: airline, rules with their sources, advisory areas,
times with wind, the wind layer and the timeline, in Debian's chromium (see test_web_page.py:
no request leaves 127.0.0.1 and no console error is allowed).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.helpers.chromium import needs_chromium
from tests.web import test_web_page as base
from tests.web.test_web_page import PROJECT, figure, open_map, shoot, transit_countries

pytestmark = needs_chromium

#: The browser and the guarded page of the page tests (fixtures, used by name).
context = base.context
page = base.page

ROUTE_TIMEOUT_MS = 120_000

#: True once the page shows a route planned for this airline (or null), date and level.
PLANNED = """([airline, date, level]) => {
  const p = window.overflight.plan;
  return document.body.dataset.route === "ready" && p !== null && p.airline === airline
    && p.date === date && (level === null || p.flight_level === level);
}"""


def wait_for_plan(page: Any, airline: str | None, date: str, level: int | None = None) -> None:
    page.wait_for_function(PLANNED, arg=[airline, date, level], timeout=ROUTE_TIMEOUT_MS)


def set_option(page: Any, key: str, value: str) -> None:
    """Type an option in the panel's options, as a user does, and leave the field."""
    page.locator("#options-view").evaluate("d => { d.open = true; }")
    page.locator(f"#{key}").fill(value)
    page.locator(f"#{key}").dispatch_event("change")


def test_the_airline_control_changes_the_route(page: Any) -> None:
    open_map(page, "?from=EFHK&to=RJAA&date=2023-06-01")
    wait_for_plan(page, None, "2023-06-01")
    # No operator: nobody's carriers are refused Russia.
    assert "RU" in transit_countries(page)
    page.locator("#options-view").evaluate("d => { d.open = true; }")
    page.locator("#airline").press_sequentially("finn", delay=40)
    expect(page.locator("#airline-list option[value=FIN]")).to_have_count(1, timeout=10_000)
    set_option(page, "airline", "fin")
    wait_for_plan(page, "FIN", "2023-06-01")
    assert "RU" not in transit_countries(page)
    assert parse_qs(urlparse(page.url).query)["airline"] == ["FIN"]
    # Russia refuses Finnish carriers from 2022-02-28: before, Finnair crosses it.
    set_option(page, "date", "2021-06-01")
    wait_for_plan(page, "FIN", "2021-06-01")
    assert "RU" in transit_countries(page)


def test_the_rules_and_advisories_applied_link_to_their_sources(page: Any) -> None:
    open_map(page, "?from=EFHK&to=RJAA&airline=FIN&date=2023-06-01")
    wait_for_plan(page, "FIN", "2023-06-01")
    plan = page.evaluate("window.overflight.plan")
    rows = page.locator("#restrictions tbody tr")
    assert rows.count() == len(plan["restrictions"]) > 0
    shown = page.eval_on_selector_all(
        "#restrictions tbody tr",
        "rows => rows.map(r => { const a = r.querySelector('a'); return [r.dataset.rule, "
        "a.getAttribute('href'), a.target, a.rel, r.innerText]; })",
    )
    for (rule, href, target, rel, text), wanted in zip(shown, plan["restrictions"], strict=True):
        assert (rule, href) == (wanted["id"], wanted["source_url"])
        assert (target, rel) == ("_blank", "noopener")
        assert " ".join(wanted["states"]) in text
        assert f"{wanted['valid_from']} to" in text
    assert "ru-closes-to-36-states-carriers-2022" in [r[0] for r in shown]
    advisories = page.eval_on_selector_all(
        "#advisories tbody tr",
        "rows => rows.map(r => [r.dataset.advisory, r.querySelector('a').getAttribute('href'), "
        "r.innerText])",
    )
    assert [a[0] for a in advisories] == [a["id"] for a in plan["advisories"]]
    for (_, href, text), wanted in zip(advisories, plan["advisories"], strict=True):
        assert href == wanted["source_url"]
        assert wanted["issuer"] in text
        assert wanted["severity"] in text
        assert f"FL{wanted['band']['upper']:03d}" in text
    shoot(page, "efhk-rjaa-fin-2023-rules")


def test_advisory_areas_are_their_own_layer_with_their_band(page: Any) -> None:
    open_map(page, "?from=EDDF&to=OMDB&operator=DE&date=2020-02-01&fl=230")
    wait_for_plan(page, None, "2020-02-01", 230)
    page.wait_for_function(
        "() => window.overflight.drawn.advisories.some(a => a.id === 'easa-iran-czib-2020-01')",
        timeout=30_000,
    )
    assert "IR" not in transit_countries(page)
    page.wait_for_function(
        "() => window.overflight.map.querySourceFeatures('advisories').length > 0"
    )
    # Drawn hatched and outlined: apart from the refused states' plain fill.
    assert page.evaluate("window.overflight.map.getPaintProperty('advisory-fill', 'fill-pattern')")
    assert page.evaluate("window.overflight.map.getLayer('advisory-line').type") == "line"
    # Over Iran, the tooltip names the advisory and its band.
    x, y = page.evaluate(PROJECT, [56.0, 31.0])
    box = page.locator("#map").bounding_box()
    assert x > page.locator("#panel").bounding_box()["width"] + 20
    page.mouse.move(box["x"] + x, box["y"] + y)
    expect(page.locator("#tooltip")).to_contain_text("easa-iran-czib-2020-01")
    expect(page.locator("#tooltip")).to_contain_text("ground\N{EN DASH}FL249")
    shoot(page, "eddf-omdb-de-fl230-advisories")
    # At FL350 the Iranian bulletin binds no more: its area leaves the map.
    set_option(page, "fl", "350")
    wait_for_plan(page, None, "2020-02-01", 350)
    page.wait_for_function(
        "() => !window.overflight.drawn.advisories.some(a => a.id === 'easa-iran-czib-2020-01')"
        " && window.overflight.drawn.advisories.length > 0",
        timeout=30_000,
    )


def test_both_times_and_the_wind_layer(page: Any) -> None:
    open_map(page, "?from=EFHK&to=RJAA&airline=FIN&date=2023-06-01")
    wait_for_plan(page, "FIN", "2023-06-01")
    plan = page.evaluate("window.overflight.plan")
    assert plan["month"] == 6
    assert "in still air" in figure(page, "Time")
    wind = figure(page, "With wind")
    assert "June" in wind
    minutes = round(plan["wind_h"] * 60)
    assert wind.startswith(f"{minutes // 60}h{minutes % 60:02d}")
    page.locator("#options-view").evaluate("d => { d.open = true; }")
    page.locator("#month").select_option("1")
    page.wait_for_function(
        "() => window.overflight.plan && window.overflight.plan.month === 1", timeout=60_000
    )
    expect(page.locator("#summary dd[data-figure='With wind']")).to_contain_text("January")
    page.locator("#wind").check()
    page.wait_for_function("() => window.overflight.drawn.wind.length === 36 * 17")
    page.wait_for_function("() => window.overflight.map.querySourceFeatures('wind').length > 0")
    expect(page.locator("#wind-month")).to_have_text("January, 200 hPa")
    assert parse_qs(urlparse(page.url).query)["wind"] == ["1"]
    shoot(page, "efhk-rjaa-fin-january-wind")


def test_the_timeline_steps_when_russia_closes(page: Any) -> None:
    open_map(page, "?from=EFHK&to=RJAA&airline=FIN&date=2023-06-01")
    wait_for_plan(page, "FIN", "2023-06-01")
    page.locator("#timeline-view summary").click()
    page.locator("#timeline-from").fill("2021-06-01")
    page.locator("#timeline-run").click()
    page.wait_for_selector("body[data-timeline=ready]", timeout=ROUTE_TIMEOUT_MS)
    # The only step that moves the route by more than 1 %: Russia closing, annotated.
    moved = page.eval_on_selector_all(
        "#timeline-table tr.moved", "rows => rows.map(r => r.dataset.start)"
    )
    assert moved == ["2022-02-28"]
    lengths = page.eval_on_selector_all(
        "#timeline-table tbody tr", "rows => rows.map(r => [r.dataset.start, Number(r.dataset.km)])"
    )
    first, closed = lengths[0][1], dict(lengths)["2022-02-28"]
    assert closed > 1.2 * first
    event = page.locator("#timeline-chart text.event[data-start='2022-02-28']")
    expect(event).to_contain_text("ru-closes-to-36-states-carriers-2022")
    row = page.locator("#timeline-table tr[data-start='2022-02-28']")
    expect(row).to_contain_text("+ru-closes-to-36-states-carriers-2022")
    assert "RU" not in row.inner_text().split()
    page.locator("#timeline-chart").scroll_into_view_if_needed()
    shoot(page, "efhk-rjaa-fin-timeline")
