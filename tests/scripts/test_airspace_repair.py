"""The airspace build's repair step: even-odd rings, enclaves kept, artefact holes filled."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point, box

from scripts.build_airspace.geometry import FloatArray
from scripts.build_airspace.repair import even_odd, repair


def ring(x0: float, y0: float, x1: float, y1: float) -> FloatArray:
    """A closed square ring, as the source stores every ring (no holes, outer rings only)."""
    return np.asarray(box(x0, y0, x1, y1).exterior.coords)


def test_nested_rings_alternate_shell_hole_island() -> None:
    area, holes = even_odd([ring(0, 0, 10, 10), ring(2, 2, 8, 8), ring(4, 4, 6, 6)], "AAA")
    assert area.is_valid
    assert area.area == pytest.approx(100 - 36 + 4)
    assert area.covers(Point(1, 1))
    assert not area.covers(Point(3, 3))
    assert area.covers(Point(5, 5))
    # The hole piece is the odd ring minus the island nested directly in it.
    assert [h.area for h in holes] == [pytest.approx(36 - 4)]


def test_crossing_rings_stop_the_build() -> None:
    with pytest.raises(SystemExit, match="cross"):
        even_odd([ring(0, 0, 10, 10), ring(5, 5, 15, 15)], "AAA")


def test_a_hole_is_kept_only_where_another_state_covers_it() -> None:
    # AAA has two even-odd holes; BBB fills the first (an enclave), nothing fills the second.
    source = {
        "AAA": [ring(0, 0, 20, 10), ring(2, 2, 8, 8), ring(12, 2, 18, 8)],
        "BBB": [ring(2, 2, 8, 8)],
    }
    repaired, pieces = repair(source)
    verdicts = {(p.code3, p.is_enclave, p.covered_by) for p in pieces}
    assert verdicts == {("AAA", True, ("BBB",)), ("AAA", False, ())}
    assert not repaired["AAA"].covers(Point(5, 5))  # enclave: a hole in AAA
    assert repaired["BBB"].covers(Point(5, 5))
    assert repaired["AAA"].covers(Point(15, 5))  # artefact: filled back in
    assert repaired["AAA"].area == pytest.approx(200 - 36)
