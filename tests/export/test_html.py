"""The single-file HTML map: inlined, safe to embed, and working from disk with no network."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path

import lxml.html
import numpy as np
from PIL import Image

from overflight.analysis.plan import Plan
from overflight.export.html import json_for_script, plan_to_html
from tests.helpers.chromium import ARTIFACTS, launch, needs_chromium
from tests.helpers.exports import html_data

URL = re.compile(r"https?://[^\s\"'<>)]+")


def own_markup(text: str) -> lxml.html.HtmlElement:
    """The page without the vendored library (whose code holds XML namespace strings)."""
    page = lxml.html.fromstring(text)
    for vendored in page.xpath('//*[@id="maplibre-js" or @id="maplibre-css"]'):
        assert len(vendored.text) > 10_000  # inlined, not linked
        vendored.text = ""
    return page


def test_everything_is_inlined_and_urls_are_credit_links_only(plans: dict[str, Plan]) -> None:
    text = plan_to_html(plans["pacific"])
    page = own_markup(text)
    assert not page.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    credit_links = {a.get("href") for a in page.xpath('//*[@id="credit"]//a')}
    assert credit_links == {"https://www.openstreetmap.org/copyright", "https://maplibre.org/"}
    urls = set(URL.findall(lxml.html.tostring(page, encoding="unicode")))
    assert urls <= credit_links
    for script in page.xpath("//script[not(@type)]"):
        assert not URL.search(script.text or "")  # the map style: no tiles, glyphs or sprite


def test_inlined_json_parses_back_to_the_route(plans: dict[str, Plan]) -> None:
    plan = plans["stops"]
    data = html_data(plan_to_html(plan))
    assert data["route"] == json.loads(json.dumps(plan.to_dict()))
    assert [p["code"] for p in data["places"]] == ["VIDP", "UUOO", "EGLL"]
    assert data["denied"] == ["PK"]
    assert data["states"]["type"] == "FeatureCollection"
    assert len(data["states"]["features"]) > 200


def test_pacific_track_is_continuous_across_the_antimeridian(plans: dict[str, Plan]) -> None:
    track = np.asarray(html_data(plan_to_html(plans["pacific"]))["track"])
    assert np.abs(np.diff(track[:, 0])).max() < 1.0
    assert track[:, 0].max() > 180.0  # unwrapped east of the antimeridian


def test_hostile_names_cannot_end_the_script(plans: dict[str, Plan]) -> None:
    route = plans["syria"].route
    hostile = "</script><script>alert(1)</script><!-- & \u2028"
    origin = dataclasses.replace(route.origin, name=hostile)
    text = plan_to_html(dataclasses.replace(route, origin=origin))
    assert "<script>alert(1)" not in text
    assert html_data(text)["route"]["origin"]["name"] == hostile
    assert json.loads(json_for_script({"x": hostile})) == {"x": hostile}


@needs_chromium
def test_map_opens_from_disk_in_chromium_with_no_network(
    plans: dict[str, Plan], tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "route.html"
    page_file.write_text(plan_to_html(plans["pacific"]), encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    with sync_playwright() as pw:
        context = launch(pw, tmp_path / "profile")
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        canvas = page.locator("canvas.maplibregl-canvas")
        assert canvas.count() == 1
        box = canvas.bounding_box()
        assert box is not None
        assert box["width"] > 1000
        assert box["height"] > 700
        assert page.locator("#panel h1").inner_text() == "RJAA → PANC"
        shot = page.screenshot()
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "html_map_pacific.png").write_bytes(shot)

    assert requests, "the page itself was requested"
    # The worker is inlined as a blob: nothing leaves the file.
    assert {r.split(":", 1)[0] for r in requests} <= {"file", "blob", "data"}, requests
    assert not errors, errors
    # The map was drawn: the route's blue and the denied states' shading are on screen.
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=np.float64)
    route_blue = np.all(np.abs(pixels - (8, 81, 156)) <= 6, axis=-1).mean()
    denied_red = np.all(np.abs(pixels - (229, 154, 148)) <= 24, axis=-1).mean()
    assert route_blue > 0.001
    assert denied_red > 0.02


def test_the_panel_of_a_fuel_stop_plan_names_the_stops_and_has_a_legend(
    plans: dict[str, Plan],
) -> None:
    plan = plans["stops"]
    assert plan.stops is not None
    assert plan.permissions is not None
    page = own_markup(plan_to_html(plan))
    (panel,) = page.xpath('//*[@id="panel"]')
    rows = {th.text_content(): th.getnext().text_content() for th in panel.xpath(".//table[1]//th")}
    (stop,) = plan.stops.stops
    assert rows["Fuel stops"] == f"{stop.name} ({stop.code}, {stop.country})"
    assert rows["Distance"].startswith(f"{plan.stops.total_distance_km:,.0f} km")
    assert rows["Total time"].endswith(f"{plan.stops.ground_time_h:g} h of it on the ground")
    p = plan.permissions
    assert rows["Scenario"].startswith(f"{p.scenario} on {p.on.isoformat()}")
    assert rows["Clearances"] == ", ".join(plan.clearances)
    assert stop.name in panel.xpath("./div[1]")[0].text_content()
    legend = panel.xpath('.//*[@class="legend"]')[0].text_content()
    for entry in ("route flown", "direct great circle", "denied airspace", "origin", "fuel stop"):
        assert entry in legend
    assert "No advisory layer applied" in panel.text_content()
