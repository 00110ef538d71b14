"""PNG and SVG maps: real images of the asked size, not blank, denied states shaded."""

from __future__ import annotations

import dataclasses
import io

import lxml.etree
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
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


def svg_text(plan: Plan, **size: int) -> tuple[lxml.etree._Element, str]:
    root = lxml.etree.fromstring(plan_to_svg(plan, **size).encode("utf-8"))
    return root, " ".join(" ".join(root.itertext()).split())


@pytest.mark.parametrize(("width", "height"), [(1600, 1000), (800, 500), (420, 300)])
def test_the_panel_holds_its_text_however_long_the_denied_list(
    plans: dict[str, Plan], width: int, height: int
) -> None:
    from overflight.data.airspace import states
    from overflight.export.staticmap import _figure

    # Seventy states denied, as a scenario denies them: the list must not reach the map.
    many = tuple(sorted(states())[:70])
    plan = dataclasses.replace(
        plans["stops"], route=dataclasses.replace(plans["stops"].route, denied=many)
    )
    fig = _figure(plan, width, height)
    # matplotlib declares no types for get_renderer.
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    panel, ax = fig.axes
    edge = panel.get_window_extent(renderer)
    (legend,) = [c for c in panel.get_children() if type(c).__name__ == "Legend"]
    floor = legend.get_window_extent(renderer)
    texts = [t for t in panel.texts if t.get_text()]
    assert len(texts) >= 3  # title, subtitle, figures (and the credit)
    for artist in [*texts, legend]:
        box = artist.get_window_extent(renderer)
        assert box.x0 >= edge.x0 - 0.5, artist
        assert box.x1 <= ax.get_window_extent(renderer).x0 + 0.5, (artist, box, width)
        assert box.y1 <= edge.y1 + 0.5
    for text in texts:
        box = text.get_window_extent(renderer)
        if "OpenStreetMap" not in text.get_text():
            assert box.y0 >= floor.y1, (text.get_text()[:40], width)  # above the legend
    body = "\n".join(t.get_text() for t in texts)
    assert "Avoiding the airspace of 70 states" in body


def test_the_title_names_the_scenario_and_date_and_stops_by_name(plans: dict[str, Plan]) -> None:
    plan = plans["stops"]
    assert plan.permissions is not None
    assert plan.stops is not None
    _, text = svg_text(plan)
    p = plan.permissions
    assert f"{p.scenario}, {p.on.isoformat()}" in text
    (stop,) = plan.stops.stops
    assert stop.name.split()[0] in text
    assert "No advisory layer applied" in text
    assert "Clearances: " + ", ".join(plan.clearances[:2]) in text


def test_the_states_crossed_are_labelled_on_the_map(plans: dict[str, Plan]) -> None:
    plan = plans["syria"]
    root, _ = svg_text(plan)
    labelled = {
        g.get("id")[len("crossed-") :]
        for g in root.iter(f"{SVG}g")
        if (g.get("id") or "").startswith("crossed-")
    }
    crossed = {t.country for t in plan.route.transit}
    assert {"IR", "IQ", "AZ"} <= labelled
    assert labelled <= crossed
    assert not labelled & set(plan.route.denied)


def test_avoid_areas_are_drawn(plans: dict[str, Plan]) -> None:
    import shapely

    plan = plans["stops"]
    assert plan.permissions is not None
    root, _ = svg_text(plan)
    assert not any(g.get("id") == "avoid" for g in root.iter(f"{SVG}g"))
    area = shapely.box(60.0, 45.0, 64.0, 48.0)  # on the way, in Kazakhstan
    avoiding = dataclasses.replace(
        plan, permissions=dataclasses.replace(plan.permissions, avoid=(area,))
    )
    root, text = svg_text(avoiding)
    (group,) = [g for g in root.iter(f"{SVG}g") if g.get("id") == "avoid"]
    assert list(group.iter(f"{SVG}path"))
    assert "Avoid area" in text
