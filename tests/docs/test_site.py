"""The documentation site: built offline, warnings as errors; its examples run, its gallery shows.

The build (``mkdocs build --strict``, as ``mkdocs.yml`` configures it) plans and draws the gallery
through ``docs/hooks.py``, so a gallery case that no longer plans fails here; a broken internal
link or anchor is a warning, hence a failure. Every ``sh`` block of the pages is run through the
CLI and every ``python`` block is executed; ``text`` blocks are shown only (servers, files the
reader has).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import re
import resource
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from overflight.cli import app
from tests.helpers.chromium import ARTIFACTS, launch, needs_chromium

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
#: The gallery's pages, as the build names them (docs/gallery/build.py).
GALLERY = (
    "syria-2015",
    "kaliningrad-moscow",
    "finnair-tokyo",
    "air-india-chicago",
    "qatar-2017",
    "tel-aviv-mumbai",
)
#: Budget of the whole build, CPU seconds: the time it takes on two idle cores (it runs on one),
#: measured as CPU time since the machines running the tests are shared.
BUILD_BUDGET_S = 180.0

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("mkdocs") is None or importlib.util.find_spec("material") is None,
    reason="mkdocs and its Material theme are not installed: pip install '.[docs]' "
    "(scripts/test.sh installs them)",
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", "mkdocs.yml", "-d", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    seconds = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "WARNING" not in result.stderr, result.stderr
    assert seconds < BUILD_BUDGET_S, f"the docs build took {seconds:.0f} s of CPU"
    return out


class _Assets(HTMLParser):
    """What a page loads by itself (scripts, styles, icons, images, frames), not its links."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed"):
            self.loaded.append(found.get("src") or "")
        elif tag == "link" and found.get("rel") not in ("canonical", "alternate"):
            self.loaded.append(found.get("href") or "")


def test_every_page_is_built(site: Path) -> None:
    commands = [p.stem for p in (DOCS / "guide").glob("*.md")]
    assert len(commands) == 16
    for page in [
        "index",
        "getting-started",
        "algorithm",
        "http-api",
        *(f"guide/{c}" for c in commands),
        *(f"gallery/{g}" for g in ("index", *GALLERY)),
        *(f"formats/{f}" for f in ("scenario", "scenario-reference", "advisory", "aircraft")),
        *(f"data/{d}" for d in ("index", "airspace", "registry", "advisories", "winds")),
        *(f"reference/{r}" for r in ("overflight", "analysis", "models")),
    ]:
        assert (site / f"{page}.html").is_file(), page
    api = (site / "http-api.html").read_text(encoding="utf-8")
    assert "GET /api/route" in api
    assert "distance_km" in api  # the answers' shapes, from the app's OpenAPI document
    reference = (site / "reference" / "overflight.html").read_text(encoding="utf-8")
    assert "plan_route" in reference
    route = (site / "guide" / "route.html").read_text(encoding="utf-8")
    assert "--deny" in route  # the options table, read from the CLI
    assert "<!-- options" not in route
    for schema in ("scenario", "advisory", "aircraft"):
        assert (site / "formats" / f"{schema}.schema.json").stat().st_size > 500


def test_nothing_is_loaded_from_another_host(site: Path) -> None:
    for page in site.rglob("*.html"):
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        remote = [u for u in parser.loaded if urlsplit(u).scheme in ("http", "https") or "//" in u]
        assert not remote, f"{page.relative_to(site)} loads {remote}"
    for style in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", style.read_text(encoding="utf-8"))
        assert "@import" not in style.read_text(encoding="utf-8")


def test_the_gallery_draws_every_flight_and_cites_its_sources(site: Path) -> None:
    for slug in GALLERY:
        html = (site / "gallery" / f"{slug}.html").read_text(encoding="utf-8")
        pictures = re.findall(r'<img[^>]+src="([^"]+\.png)"', html)
        assert pictures, slug
        for picture in pictures:
            assert (site / "gallery" / picture).read_bytes().startswith(b"\x89PNG"), picture
        assert 'id="sources"' in html, slug
        if slug != "kaliningrad-moscow":
            assert re.search(r'id="sources".*<a href="https?://', html, re.S), slug


def _blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for block in re.findall(rf"^```{language}\n(.*?)^```", text, re.M | re.S):
            found.append((str(page.relative_to(DOCS)), block))
    return found


SH = [
    (page, line)
    for page, block in _blocks("sh")
    for line in block.splitlines()
    if line.strip() and not line.lstrip().startswith("#")
]


@pytest.mark.parametrize(("page", "line"), SH, ids=[f"{p}:{ln[:40]}" for p, ln in SH])
def test_the_shell_examples_run(
    page: str, line: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = shlex.split(line, comments=True)
    assert words[0] == "overflight", f"{page}: a sh block holds overflight commands only: {line}"
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, words[1:])
    assert result.exit_code == 0, f"{page}: {line}\n{result.output}"


PYTHON = _blocks("python")


@pytest.mark.parametrize(("page", "code"), PYTHON, ids=[p for p, _ in PYTHON])
def test_the_python_examples_run(page: str, code: str) -> None:
    exec(compile(code, f"docs/{page}", "exec"), {"__name__": "docs_example"})


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@needs_chromium
def test_the_gallery_pictures_show_in_a_browser(served: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    elsewhere: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        context = launch(playwright, tmp_path / "profile")
        try:
            page = context.new_page()
            page.on(
                "request",
                lambda r: None if r.url.startswith((served, "data:")) else elsewhere.append(r.url),
            )
            for slug in GALLERY:
                page.goto(f"{served}/gallery/{slug}.html", wait_until="load")
                sizes = page.evaluate(
                    "Array.from(document.querySelectorAll('article img'))"
                    ".map(i => [i.getAttribute('src'), i.complete ? i.naturalWidth : 0])"
                )
                assert sizes, slug
                assert all(width > 0 for _src, width in sizes), (slug, sizes)
                page.screenshot(path=str(ARTIFACTS / f"docs-gallery-{slug}.png"), full_page=True)
        finally:
            context.close()
    assert not elsewhere, elsewhere
