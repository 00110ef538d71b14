"""PNG and SVG maps: real images of the asked size, not blank, denied states shaded."""

from __future__ import annotations

import dataclasses
import io

import lxml.etree
import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image

from overflight.analysis.plan import Plan
from overflight.export.staticmap import plan_to_png, plan_to_svg

SVG = "{http://www.w3.org/2000/svg}"


def rgb(hex_colour: str) -> NDArray[np.float64]:
    return np.array([int(hex_colour[k : k + 2], 16) for k in (1, 3, 5)], dtype=np.float64)


#: The denied fill (#e59a94 at 85 % opacity) over the land and over the sea.
DENIED = [0.85 * rgb("#e59a94") + 0.15 * rgb(under) for under in ("#f3f0e8", "#dbe7ef")]
ROUTE = rgb("#08519c")


def share_of(pixels: NDArray[np.float64], colour: NDArray[np.float64]) -> float:
    """Share of the pixels within a few levels of a colour."""
    return float(np.mean(np.all(np.abs(pixels - colour) <= 4.0, axis=-1)))


def png_pixels(data: bytes) -> NDArray[np.float64]:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"), dtype=np.float64)


@pytest.fixture(scope="module")
def syria_png(plans: dict[str, Plan]) -> NDArray[np.float64]:
    return png_pixels(plan_to_png(plans["syria"]))


def test_png_is_an_image_of_the_asked_size(plans: dict[str, Plan]) -> None:
    data = plan_to_png(plans["pacific"], width_px=900, height_px=600)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert png_pixels(data).shape == (600, 900, 3)


def test_png_is_not_blank_and_shows_the_route(syria_png: NDArray[np.float64]) -> None:
    assert syria_png.shape == (1000, 1600, 3)
    assert syria_png.std(axis=(0, 1)).min() > 20.0
    assert share_of(syria_png, ROUTE) > 0.002


def test_png_shades_the_denied_states(
    plans: dict[str, Plan], syria_png: NDArray[np.float64]
) -> None:
    shaded = sum(share_of(syria_png, c) for c in DENIED)
    assert shaded > 0.03  # Bulgaria, Greece and Turkey fill a good part of the map
    # The same route with nothing denied has no shading at all.
    open_sky = dataclasses.replace(plans["syria"].route, denied=())
    assert sum(share_of(png_pixels(plan_to_png(open_sky)), c) for c in DENIED) < 0.0005


def test_png_across_the_antimeridian_draws_one_continuous_route(plans: dict[str, Plan]) -> None:
    # The map is right of the side panel (24 % of the width), whose legend has the colour too.
    pixels = png_pixels(plan_to_png(plans["pacific"]))[:, 400:]
    columns = np.nonzero(np.all(np.abs(pixels - ROUTE) <= 4.0, axis=-1).any(axis=0))[0]
    # Unwrapped, the route spans part of the map without gaps; drawn naively it would leave
    # the Pacific empty and touch both edges.
    assert columns.size > 0
    assert np.diff(columns).max() <= 25  # the markers at the ends cover a few columns
    assert columns.max() < pixels.shape[1] - 5


def test_svg_parses_and_holds_the_route_path(plans: dict[str, Plan]) -> None:
    root = lxml.etree.fromstring(plan_to_svg(plans["syria"]).encode("utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "720pt"  # 1600 px at 160 dpi
    assert root.get("height") == "450pt"
    (route,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == "route"]
    paths = list(route.iter(f"{SVG}path"))
    assert paths
    # The densified great-circle legs (matplotlib drops points on straight stretches).
    assert max(len(p.get("d", "").split("L")) for p in paths) > 20
    assert any(g.get("id") == "denied" for g in root.iter(f"{SVG}g"))
    text = "".join(root.itertext())
    assert "OpenStreetMap contributors" in text
    assert "UUMU → OSLK" in text
