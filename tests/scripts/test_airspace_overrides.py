"""The airspace build's policy overrides, on small synthetic states near the equator.

Near the equator a degree is about 111 km, so 12 nm (22.2 km) is about 0.2 degrees and 10 nm
(18.5 km) about 0.17 degrees.
"""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from scripts.build_airspace.geometry import area_km2
from scripts.build_airspace.overrides import (
    cut_peru,
    enclosed_gap,
    extend_greece,
    neighbours_of,
)

LAND = box(0.0, 0.0, 1.0, 1.0)
# Land plus three degrees of sea to the west: a "maritime domain" far beyond 12 nm.
PERU = box(-3.0, 0.0, 1.0, 1.0)


def test_peru_is_cut_to_12_nm_where_the_water_reaches_the_open_sea() -> None:
    cut = cut_peru(PERU, LAND, box(1.0, 0.0, 2.0, 1.0))
    assert cut.covers(Point(-0.15, 0.5))  # 17 km offshore
    assert not cut.covers(Point(-0.25, 0.5))  # 28 km offshore
    assert cut.bounds[0] == pytest.approx(-0.2, abs=0.005)


def test_water_beyond_12_nm_that_neighbours_enclose_stays(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Like Lake Titicaca: every outline the far water shares with Peru has a neighbour next to it.
    frame = box(-4.0, -1.0, 2.0, 2.0).difference(PERU)
    cut = cut_peru(PERU, LAND, frame)
    assert cut.covers(Point(-2.5, 0.5))
    assert area_km2(cut) == pytest.approx(area_km2(PERU))
    assert "PER keeps enclosed water" in capsys.readouterr().err


def test_greece_claim_takes_only_water_no_other_state_holds() -> None:
    neighbour = box(0.6, 0.0, 1.0, 0.5)  # 11 km east of the coast, inside 10 nm
    greece = box(0.0, 0.0, 0.5, 0.5)
    extended = extend_greece(greece, greece, neighbour)
    assert extended.covers(greece)
    assert extended.covers(Point(-0.15, 0.25))  # 17 km offshore, open water
    assert not extended.covers(Point(-0.2, 0.25))  # 22 km offshore
    assert extended.covers(Point(0.55, 0.25))  # the strait between them, no one's
    assert extended.intersection(neighbour).area == pytest.approx(0.0, abs=1e-12)


def test_enclosed_gap_is_the_claimants_hole_around_the_seed() -> None:
    hole = box(0.4, 0.4, 0.6, 0.6)
    west = box(0.0, 0.0, 0.5, 1.0).difference(hole)
    east = box(0.5, 0.0, 1.0, 1.0).difference(hole)
    gap = enclosed_gap("test sea", [west, east], (0.5, 0.5), (400.0, 600.0))
    assert gap.equals(hole)
    assert 400.0 < area_km2(gap) < 600.0
    with pytest.raises(SystemExit, match="unexpected area"):
        enclosed_gap("test sea", [west, east], (0.5, 0.5), (1.0, 10.0))
    with pytest.raises(SystemExit, match="no gap"):
        enclosed_gap("test sea", [west, east], (0.1, 0.1), (400.0, 600.0))


def test_neighbours_are_the_states_near_the_bounding_box() -> None:
    areas = {"AAA": LAND, "BBB": box(1.5, 0.0, 2.0, 1.0), "CCC": box(5.0, 5.0, 6.0, 6.0)}
    assert neighbours_of(areas, "AAA", margin_deg=1.0) == [areas["BBB"]]
