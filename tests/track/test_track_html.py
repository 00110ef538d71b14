"""The HTML map of a track: track, optimum and violations drawn, offline, in a real chromium."""

from __future__ import annotations

import io
import re
from pathlib import Path

import lxml.html
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from overflight.analysis.track import Track
from overflight.cli import app
from tests.helpers.chromium import ARTIFACTS, launch, needs_chromium
from tests.helpers.exports import html_data
from tests.track.flown import write

URL = re.compile(r"https?://[^\s\"'<>)]+")


@pytest.fixture(scope="module")
def page_file(over_ukraine: Track, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``overflight track ukraine.gpx --operator RU --map track.html``."""
    folder = tmp_path_factory.mktemp("html")
    flown = list(zip(*zip(*over_ukraine.points, strict=True), over_ukraine.times, strict=True))
    gpx = write([(x, y, t) for x, y, t in flown], folder / "ukraine.gpx")
    page = folder / "track.html"
    result = CliRunner().invoke(
        app, ["track", str(gpx), "--operator", "RU", "--map", str(page), "-f", "json"]
    )
    assert result.exit_code == 0, result.output
    return page


def test_the_page_carries_the_report_the_track_the_optimum_and_the_violation(
    page_file: Path,
) -> None:
    text = page_file.read_text(encoding="utf-8")
    data = html_data(text)
    assert [v["country"] for v in data["violations"]] == ["UA"]
    assert any(
        r.startswith("ua-closes-to-civil-flights-2022") for r in data["violations"][0]["rules"]
    )
    assert data["report"]["violations"][0]["country"] == "UA"
    assert len(data["track"]) > 100
    assert data["optimum"] is not None
    assert "UA" in data["denied"]
    # The violation is drawn on the track: its line lies within a km or two of the fixes.
    track = np.radians(np.asarray(data["track"]))
    for lon, lat in np.radians(np.asarray(data["violations"][0]["line"])):
        cos = np.sin(lat) * np.sin(track[:, 1]) + np.cos(lat) * np.cos(track[:, 1]) * np.cos(
            track[:, 0] - lon
        )
        assert np.degrees(np.arccos(np.clip(cos, -1, 1)).min()) * 111.2 < 3.0
    # Everything is inlined: no script, style or image is fetched, and the only links are credits.
    page = lxml.html.fromstring(text)
    assert not page.xpath("//script[@src] | //link[@href] | //img[@src] | //iframe")
    for script in page.xpath("//script[not(@type) and not(@id)]"):
        assert not URL.search(script.text or "")
    assert "Violations" in page.xpath('//*[@id="panel"]')[0].text_content()


@needs_chromium
def test_the_map_draws_track_optimum_and_violation_in_chromium_with_no_network(
    page_file: Path, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

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
        assert page.locator("#panel h1").inner_text() == "UUEE → LTAI"
        shot = page.screenshot()
        context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "track_map_ukraine.png").write_bytes(shot)
    assert {r.split(":", 1)[0] for r in requests} <= {"file", "blob", "data"}, requests
    assert not errors, errors
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=np.float64)

    def share(rgb: tuple[int, int, int]) -> float:
        return float(np.all(np.abs(pixels - rgb) <= 8, axis=-1).mean())

    assert share((31, 95, 191)) > 0.0005  # the track
    assert share((44, 160, 44)) > 0.0005  # the optimum
    assert share((214, 39, 40)) > 0.0005  # the violation over Ukraine
