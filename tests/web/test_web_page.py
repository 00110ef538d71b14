"""The map page in a real browser: Debian's chromium driven by Playwright, never a downloaded one.

Every test records each request the page makes and fails if one leaves 127.0.0.1 (such
requests are also aborted), and fails on any console error or uncaught exception.
Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from tests.helpers.chromium import ARTIFACTS, launch, needs_chromium

pytestmark = needs_chromium

#: Points well inside a state, [lon, lat].
INSIDE = {"BG": [25.3, 42.7], "GR": [22.2, 39.6], "TR": [35.0, 39.0]}

ROUTE_TIMEOUT_MS = 90_000


def is_local(url: str) -> bool:
    parts = urlparse(url)
    if parts.scheme in {"data", "about"}:
        return True
    if parts.scheme == "blob":
        return is_local(parts.path)
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser_context = launch(playwright, tmp_path_factory.mktemp("chromium-profile"))
        yield browser_context
        browser_context.close()


@pytest.fixture
def page(context: Any, server: str) -> Iterator[Any]:
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []

    def guard(route: Any) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.server = server
    yield page
    page.close()
    assert requests, "the page made no request at all"
    assert [u for u in requests if not is_local(u)] == []
    assert errors == []


def shoot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_map(page: Any, query: str = "") -> None:
    page.goto(f"{page.server}/{query}")
    page.wait_for_selector("body[data-map=ready]", timeout=30_000)


def wait_for_route(page: Any) -> None:
    page.wait_for_selector("body[data-route=ready]", timeout=ROUTE_TIMEOUT_MS)


def type_place(page: Any, field: str, code: str) -> None:
    page.locator(f"#{field}").click()
    page.locator(f"#{field}").press_sequentially(code, delay=40)
    # The suggestions for what was typed show up, the code asked for among them.
    expect(page.locator(f"#{field}-list")).to_contain_text(code, timeout=10_000)
    page.locator(f"#{field}").press("Enter")
    expect(page.locator(f"#{field}")).to_have_value(code)


#: Screen position of [lon, lat] on the map, in pixels from its top left.
PROJECT = "lonlat => { const p = window.overflight.map.project(lonlat); return [p.x, p.y]; }"


def click_state(page: Any, code: str) -> None:
    """Click on the map where the state is, as a user would."""
    x, y = page.evaluate(PROJECT, INSIDE[code])
    box = page.locator("#map").bounding_box()
    panel = page.locator("#panel").bounding_box()
    assert x > panel["x"] + panel["width"], f"{code} lies under the panel"
    page.mouse.click(box["x"] + x, box["y"] + y)


def transit_countries(page: Any) -> list[str]:
    countries: list[str] = page.eval_on_selector_all(
        "#transit tbody tr[data-country]", "rows => rows.map(r => r.dataset.country)"
    )
    return countries


def test_page_loads_with_nothing_from_elsewhere_and_credits_the_data(page: Any) -> None:
    open_map(page)
    assert page.locator("canvas.maplibregl-canvas").is_visible()
    credits = page.locator(".maplibregl-ctrl-attrib").inner_text()
    assert "OpenStreetMap" in credits
    assert "OurAirports" in credits
    assert "MapLibre" in credits
    states = page.evaluate("window.overflight.map.querySourceFeatures('states').length")
    assert states > 100
    shoot(page, "page-loaded")


def test_syria_2015_route_around_bulgaria_greece_and_turkey(page: Any) -> None:
    open_map(page)
    type_place(page, "origin", "UUMU")
    type_place(page, "destination", "OSLK")
    wait_for_route(page)
    assert "BG" in transit_countries(page) or "TR" in transit_countries(page)

    for code in ("BG", "GR", "TR"):
        # The map refits to each new route: look at the Balkans again before each click.
        page.evaluate("window.overflight.map.jumpTo({center: [30, 41], zoom: 4})")
        click_state(page, code)
        page.wait_for_function(
            "code => window.overflight.state.deny.has(code)", arg=code, timeout=5_000
        )
    page.wait_for_function(
        "() => { const p = window.overflight.plan; return p && p.denied.includes('TR') "
        "&& document.body.dataset.route === 'ready'; }",
        timeout=ROUTE_TIMEOUT_MS,
    )
    crossed = transit_countries(page)
    assert "IR" in crossed
    assert "IQ" in crossed
    assert not {"BG", "GR", "TR"} & set(crossed)
    table = page.locator("#transit").inner_text()
    assert "Iran" in table
    assert "Iraq" in table
    summary = page.locator("#summary").inner_text()
    for shown in ("Distance", "Great circle", "Penalty", "Time"):
        assert shown in summary
    # The denied states are shaded, and the URL holds the whole view.
    shading = page.evaluate(
        "['BG', 'GR', 'TR', 'IR'].map(id => "
        "window.overflight.map.getFeatureState({source: 'states', id}).denied || 0)"
    )
    assert shading == [2, 2, 2, 0]
    query = parse_qs(urlparse(page.url).query)
    assert query["from"] == ["UUMU"]
    assert query["to"] == ["OSLK"]
    assert query["deny"] == ["BG,GR,TR"]
    assert len(page.evaluate("window.overflight.drawn.direct")) > 10
    shoot(page, "uumu-oslk-deny-bg-gr-tr")


def test_a_shared_url_restores_the_view(page: Any) -> None:
    open_map(page, "?from=UUMU&to=OSLK&scenario=syria-2015")
    wait_for_route(page)
    assert page.locator("#origin").input_value() == "UUMU"
    assert page.locator("#scenario").input_value() == "syria-2015"
    plan = page.evaluate("window.overflight.plan")
    assert plan["scenario"]["name"] == "syria-2015"
    assert {"IR", "IQ"} <= set(transit_countries(page))
    shoot(page, "shared-url-syria-2015")


def test_route_across_the_antimeridian_draws_as_one_line(page: Any) -> None:
    open_map(page, "?from=RJAA&to=PANC&deny=RU")
    wait_for_route(page)
    data = page.evaluate("window.overflight.map.getSource('route').getData()")
    (feature,) = data["features"]
    assert feature["geometry"]["type"] == "LineString"
    points = feature["geometry"]["coordinates"]
    assert len(points) > 20
    lons = [p[0] for p in points]
    jumps = [abs(b - a) for a, b in itertools.pairwise(lons)]
    assert max(jumps) < 180.0
    # It does cross: unwrapped, the track runs past 180° east instead of jumping to -180.
    assert max(lons) > 180.0 or min(lons) < -180.0
    assert points[-1] == pytest.approx([-149.9981 + 360.0, 61.1744], abs=0.01)
    shoot(page, "rjaa-panc-deny-ru")
    page.locator("#globe").check()
    page.wait_for_function("window.overflight.map.getProjection().type === 'globe'")
    assert "globe=1" in page.url
    page.wait_for_timeout(500)
    shoot(page, "rjaa-panc-globe")


def test_picking_places_on_the_map(page: Any) -> None:
    open_map(page)
    page.evaluate("window.overflight.map.jumpTo({center: [40, 45], zoom: 3})")
    box = page.locator("#map").bounding_box()
    for role, lonlat in (("origin", [37.6, 55.7]), ("destination", [51.4, 35.7])):
        page.locator(f"button.pick[data-role={role}]").click()
        x, y = page.evaluate(PROJECT, lonlat)
        page.mouse.click(box["x"] + x, box["y"] + y)
    wait_for_route(page)
    origin = page.locator("#origin").input_value()
    lat, lon = (float(v) for v in origin.split(","))
    assert lat == pytest.approx(55.7, abs=0.2)
    assert lon == pytest.approx(37.6, abs=0.2)
    assert page.evaluate("window.overflight.plan.origin.kind") == "point"


def test_compare_and_chokepoint_panels(page: Any) -> None:
    open_map(page, "?from=UUMU&to=OSLK&deny=BG,GR,TR")
    wait_for_route(page)
    page.locator("#compare-view summary").click()
    page.locator("#compare-scenarios input[value='syria-2015']").check()
    page.locator("#compare-run").click()
    rows = page.locator("#compare-table tbody tr")
    rows.first.wait_for(timeout=ROUTE_TIMEOUT_MS)
    labels = [r.split("\t")[0] for r in rows.all_inner_texts()]
    assert labels == ["syria-2015", "no refusals", "deny BG,GR,TR"]
    # Differences are measured from the route with no refusals: none is negative.
    deltas = [r.split("\t")[3] for r in rows.all_inner_texts()]
    assert deltas[1] == "ref."
    assert all(d.startswith("+") for d in (deltas[0], deltas[2])), deltas
    assert "Δ against no refusals" in page.locator("#compare-out").inner_text()
    page.locator("#chokepoints-view summary").click()
    page.locator("#chokepoints-run").click()
    ranking = page.locator("#chokepoints-table tbody tr")
    ranking.first.wait_for(timeout=ROUTE_TIMEOUT_MS)
    assert "(IR)" in page.locator("#chokepoints-table").inner_text()
    shoot(page, "compare-and-chokepoints")


def test_phone_width(page: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    open_map(page, "?from=UUMU&to=OSLK&deny=BG,GR,TR")
    wait_for_route(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    panel = page.locator("#panel").bounding_box()
    assert panel["width"] <= 390
    assert panel["y"] > 844 * 0.4  # a bottom sheet, the map above it
    shoot(page, "phone-width")
    page.locator("#toggle-panel").click()
    assert not page.locator("#panel-body").is_visible()
    shoot(page, "phone-width-folded")


def figure(page: Any, name: str) -> str:
    text: str = page.locator(f"#summary dd[data-figure='{name}']").inner_text()
    return text


def test_a_fuel_stop_plan_shows_the_figures_of_the_legs_drawn(page: Any) -> None:
    open_map(page, "?from=UUMU&to=OSLK&scenario=syria-2015&deny=AZ&aircraft=IL76")
    wait_for_route(page)
    plan = page.evaluate("window.overflight.plan")
    (stop,) = plan["stops"]
    # The panel gives the plan flown, not the non-stop route beyond the Il-76's range.
    assert figure(page, "Distance").startswith(f"{round(plan['total_distance_km']):,} km")
    assert f"{round(plan['distance_km']):,} km: beyond" in figure(page, "Non-stop")
    assert stop["name"] in figure(page, "Legs")
    assert figure(page, "Legs").startswith("2, via")
    hours, minutes = divmod(round(plan["total_time_h"] * 60), 60)
    assert figure(page, "Time").startswith(f"{hours}h{minutes:02d} in all")
    assert "on the ground" in figure(page, "Time")
    assert stop["name"] in page.locator("#stops").inner_text()
    # The states listed are those of the legs flown, leg by leg; a square marks the stop.
    flown = [t["country"] for leg in plan["legs"] for t in leg["transit"]]
    assert transit_countries(page) == flown
    assert page.locator("#transit tr.leg").count() == 2
    marker = page.locator(".marker.stop")
    assert marker.count() == 1
    assert stop["name"] in (marker.get_attribute("title") or "")
    drawn = page.evaluate("window.overflight.drawn.route")
    assert any(
        abs(lon - stop["lon"]) < 1e-6 and abs(lat - stop["lat"]) < 1e-6 for lon, lat in drawn
    )
    shoot(page, "uumu-oslk-il76-fuel-stop")


def test_clearances_and_the_advisory_remark_agree_with_the_cli_and_the_api(
    page: Any, client: Any
) -> None:
    import json

    from typer.testing import CliRunner

    from overflight.cli import app

    args = ["UUMU", "OSLK", "--deny", "BG,GR,TR"]
    cli = json.loads(CliRunner().invoke(app, ["route", *args, "--format", "json"]).stdout)
    api = client.get(
        "/api/route", params={"origin": "UUMU", "destination": "OSLK", "deny": "BG,GR,TR"}
    ).json()
    assert cli["clearances"] == api["clearances"]
    assert cli["remarks"] == api["remarks"]
    open_map(page, "?from=UUMU&to=OSLK&deny=BG,GR,TR")
    wait_for_route(page)
    shown = [c.strip()[-3:-1] for c in figure(page, "Clearances").split(",")]
    assert shown == api["clearances"]
    # Not the departure and arrival states: they are permitted by definition.
    assert not {"RU", "SY"} & set(shown)
    assert page.locator("#remarks").inner_text() == " ".join(api["remarks"])
    assert "No advisory layer applied" in page.locator("#remarks").inner_text()


#: Whether every drawn point Mercator can show lies on the map and right of the panel.
ALL_IN_VIEW = """() => {
  const map = window.overflight.map;
  const canvas = map.getCanvas();
  const panel = document.getElementById("panel").getBoundingClientRect();
  return window.overflight.drawn.route.filter(([lon, lat]) => Math.abs(lat) <= 84).every(p => {
    const s = map.project(p);
    return s.x >= panel.right && s.x <= canvas.clientWidth && s.y >= 0
      && s.y <= canvas.clientHeight;
  });
}"""


@pytest.mark.parametrize(
    ("query", "deny"),
    [("?from=EFHK&to=RJAA", "RU"), ("?from=RJAA&to=PANC", "RU")],
    ids=["polar", "across-180"],
)
def test_the_map_refits_when_a_denial_sends_the_route_off_screen(
    page: Any, query: str, deny: str
) -> None:
    open_map(page, query)
    wait_for_route(page)
    assert page.evaluate(ALL_IN_VIEW)
    # The user looks at the departure end, then denies a state the route crosses.
    page.evaluate(
        "window.overflight.map.jumpTo({center: window.overflight.drawn.route[0], zoom: 5})"
    )
    before = page.evaluate("window.overflight.plan.distance_km")
    page.evaluate(f"window.overflight.state.deny.add('{deny}')")
    page.locator("#aircraft").dispatch_event("change")  # any change replans
    page.wait_for_function(
        f"() => window.overflight.plan && window.overflight.plan.denied.includes('{deny}') "
        "&& document.body.dataset.route === 'ready'",
        timeout=ROUTE_TIMEOUT_MS,
    )
    assert page.evaluate("window.overflight.plan.distance_km") > before
    assert page.evaluate(ALL_IN_VIEW)
    shoot(page, f"refit-{deny.lower()}")


def test_the_legend_has_the_colours_of_the_map(page: Any) -> None:
    open_map(page, "?from=UUMU&to=OSLK&deny=BG,GR,TR")
    wait_for_route(page)
    legend = page.locator("#legend").inner_text()
    for entry in ("route flown", "direct great circle", "denied by you", "crossed by the route",
                  "origin", "destination", "fuel stop"):  # fmt: skip
        assert entry in legend
    swatches = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#legend .item')].map(i => {
          const s = getComputedStyle(i.querySelector('.swatch'));
          const drawn = i.querySelector('.swatch.line, .swatch.hatch');
          return [i.textContent.trim(), drawn ? s.borderTopColor : s.backgroundColor];
        }))"""
    )
    colours = page.evaluate(
        """() => {
          const m = window.overflight.map;
          const c = (v) => { const d = document.createElement('i'); d.style.color = v;
            document.body.append(d); const out = getComputedStyle(d).color; d.remove();
            return out; };
          const fill = m.getPaintProperty('states-fill', 'fill-color');
          const outline = m.getPaintProperty('advisory-line', 'line-color');
          const css = (sel) => { const d = document.querySelector(sel);
            return d ? getComputedStyle(d).backgroundColor : null; };
          return {
            route: c(m.getPaintProperty('route-line', 'line-color')),
            direct: c(m.getPaintProperty('direct-line', 'line-color')),
            byYou: c(fill[2]), other: c(fill[4]), opened: c(fill[6]), crossed: c(fill[8]),
            origin: css('.marker.origin'), destination: css('.marker.destination'),
            caution: c(outline[3]), advisory: c(outline[4]),
            wind: c(m.getPaintProperty('wind-line', 'line-color')),
          };
        }"""
    )
    assert swatches["route flown"] == colours["route"]
    assert swatches["direct great circle"] == colours["direct"]
    assert swatches["denied by you"] == colours["byYou"]
    other = swatches["denied by the scenario or the registry, or with its sovereign"]
    assert other == colours["other"]
    assert swatches["advisory area at the flight's level"] == colours["advisory"]
    assert swatches["advisory area: caution"] == colours["caution"]
    assert swatches["mean wind"] == colours["wind"]
    assert swatches["opened on top of the scenario"] == colours["opened"]
    assert swatches["crossed by the route"] == colours["crossed"]
    assert swatches["origin"] == colours["origin"]
    assert swatches["destination"] == colours["destination"]


def test_margin_date_operator_and_category_controls(page: Any) -> None:
    # The margin on a small denied set (a new graph is built for it), then the scenario's
    # date, operator and category.
    open_map(page, "?from=UUMU&to=OSLK&deny=GE")
    wait_for_route(page)
    page.locator("#options-view summary").click()
    page.locator("#margin").fill("25")
    page.locator("#margin").dispatch_event("change")
    page.wait_for_function(
        "() => window.overflight.plan && window.overflight.plan.margin_nm === 25 "
        "&& document.body.dataset.route === 'ready'",
        timeout=ROUTE_TIMEOUT_MS,
    )
    assert parse_qs(urlparse(page.url).query)["margin"] == ["25"]
    page.locator("#margin").fill("")
    page.locator("#margin").dispatch_event("change")
    page.locator("#chips .chip.clear").click()  # the scenario alone: its graph is cached
    page.select_option("#scenario", "syria-2015")
    expect(page.locator("#category option[value='state_military']")).to_have_count(1)
    page.locator("#date").fill("2015-09-15")
    page.locator("#date").dispatch_event("change")
    page.locator("#operator").fill("ru")
    page.locator("#operator").dispatch_event("change")
    page.locator("#category").select_option("state_military")
    page.wait_for_function(
        "() => { const p = window.overflight.plan; return p && p.scenario "
        "&& p.scenario.date === '2015-09-15' && p.scenario.operator_state === 'RU' "
        "&& p.scenario.category === 'state_military' && p.margin_nm === 0 "
        "&& document.body.dataset.route === 'ready'; }",
        timeout=ROUTE_TIMEOUT_MS,
    )
    assert page.locator("#operator").input_value() == "RU"
    query = parse_qs(urlparse(page.url).query)
    assert "margin" not in query
    assert query["date"] == ["2015-09-15"]
    assert query["operator"] == ["RU"]
    assert query["category"] == ["state_military"]
    # The URL restores every control.
    open_map(page, "?from=UUMU&to=OSLK&deny=GE&margin=25&date=2015-09-15&category=civil")
    wait_for_route(page)
    assert page.locator("#options-view").get_attribute("open") is not None
    assert page.locator("#margin").input_value() == "25"
    assert page.locator("#date").input_value() == "2015-09-15"
    expect(page.locator("#category")).to_have_value("civil")
    assert page.evaluate("window.overflight.plan.margin_nm") == 25
