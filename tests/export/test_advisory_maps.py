"""Advisory areas on the static and HTML maps: drawn apart from refusals, with id and band."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from pathlib import Path

import lxml.etree
import numpy as np
from PIL import Image

from overflight.analysis import FlightRequest
from overflight.analysis.plan import Plan, plan_request
from overflight.export.html import plan_to_html
from overflight.export.staticmap import advisory_features, plan_to_png, plan_to_svg
from tests.export.test_html import own_markup
from tests.helpers.chromium import ARTIFACTS, launch, needs_chromium
from tests.helpers.exports import html_data

SVG = "{http://www.w3.org/2000/svg}"
ORANGE = np.array([0xE6, 0x61, 0x01], dtype=np.float64)


@cache
def german_low(*, no_advisories: bool = False) -> Plan:
    """A German carrier at FL230 in February 2020: round Iran, kept out of Iraq, Libya far."""
    return plan_request(
        FlightRequest(
            origin="EDDF",
            destination="OMDB",
            airline="DLH",
            date=dt.date(2020, 2, 1),
            flight_level=230,
            no_advisories=no_advisories,
        )
    )


def effects() -> dict[str, str]:
    return {
        f["properties"]["id"]: f["properties"]["effect"] for f in advisory_features(german_low())
    }


def test_the_features_carry_id_band_and_effect() -> None:
    found = effects()
    assert found["easa-iran-czib-2020-01"] == "avoided"
    assert found["easa-libya-czib-2017-02"] == "active"
    (iran,) = [
        f for f in advisory_features(german_low()) if f["properties"]["id"].startswith("easa-iran")
    ]
    assert iran["properties"]["band"] == "FL000-FL249"
    assert iran["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_the_svg_draws_each_area_in_its_group_labelled_with_id_and_band() -> None:
    root = lxml.etree.fromstring(plan_to_svg(german_low()).encode())
    groups = {g.get("id") for g in root.iter(f"{SVG}g")}
    assert "advisory-easa-iran-czib-2020-01" in groups
    assert "advisory-easa-iraq-czib-2017-04r5" in groups
    # Labels are drawn with a halo, so as outlines: their groups are named after the area.
    assert "advisory-label-easa-iran-czib-2020-01" in groups
    text = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    assert "Advisory area kept out of" in text
    assert "Advisory area active elsewhere" in text


def test_the_png_shows_the_areas_in_orange_and_a_plan_without_them_does_not() -> None:
    def orange_share(plan: Plan) -> float:
        pixels = np.asarray(Image.open(io.BytesIO(plan_to_png(plan))).convert("RGB"), float)
        return float(np.mean(np.all(np.abs(pixels - ORANGE) <= 30.0, axis=-1)))

    without = german_low(no_advisories=True)
    assert orange_share(german_low()) > 0.002
    assert orange_share(without) < 0.0002


def test_the_html_page_holds_the_areas_and_a_legend_for_them() -> None:
    text = plan_to_html(german_low())
    data = html_data(text)
    ids = {f["properties"]["id"] for f in data["advisories"]["features"]}
    assert {"easa-iran-czib-2020-01", "easa-libya-czib-2017-02"} <= ids
    (panel,) = own_markup(text).xpath('//*[@id="panel"]')
    legend = panel.xpath('.//*[@class="legend"]')[0].text_content()
    assert "advisory area kept out of" in legend
    assert "advisory area active elsewhere" in legend


@needs_chromium
def test_the_html_map_draws_the_areas_in_orange(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "route.html"
    page_file.write_text(plan_to_html(german_low()), encoding="utf-8")
    with sync_playwright() as pw:
        context = launch(pw, tmp_path / "profile")
        page = context.new_page()
        page.goto(page_file.as_uri())
        page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)
        labels = page.locator(".advisory").all_inner_texts()
        shot = page.screenshot()
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "html_map_advisories.png").write_bytes(shot)
    assert "easa-iran-czib-2020-01 FL000-FL249" in labels
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=np.float64)
    assert np.mean(np.all(np.abs(pixels - ORANGE) <= 30.0, axis=-1)) > 0.001
