"""``states_at`` rules most states out by their bounding boxes: never one that covers the point."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from overflight.data.airspace import denied_closure, normalise_codes, states, states_at
from overflight.errors import UnknownStateError


def _every_state_at(lon: float, lat: float) -> tuple[str, ...]:
    return tuple(
        sorted(c for c, a in states().items() if shapely.intersects_xy(a.geometry, lon, lat))
    )


def test_the_vertices_on_a_state_s_bounding_box_are_in_it() -> None:
    """The box must count its own edges as inside."""
    checked = 0
    for code, area in states().items():
        coords = shapely.get_coordinates(area.geometry)
        west, south, east, north = shapely.bounds(area.geometry).tolist()
        on_box = (coords[:, 0] == west) | (coords[:, 0] == east)
        on_box |= (coords[:, 1] == south) | (coords[:, 1] == north)
        for lon, lat in coords[on_box].tolist():
            # Only longitudes that states_at's wrapping into [-180, 180) leaves exact.
            if float(np.mod(lon + 180.0, 360.0) - 180.0) == lon:
                assert code in states_at(lon, lat), (code, lon, lat)
                checked += 1
    assert checked > 100


def test_random_points_answer_as_testing_every_state() -> None:
    rng = np.random.default_rng(16)
    lons, lats = rng.uniform(-180.0, 180.0, 400), rng.uniform(-60.0, 75.0, 400)
    found = 0
    for lon, lat in zip(lons.tolist(), lats.tolist(), strict=True):
        expected = _every_state_at(lon, lat)
        assert states_at(lon, lat) == expected
        assert states_at(lon, lat, ["FR", "US", "RU", "BR"]) == tuple(
            c for c in expected if c in {"FR", "US", "RU", "BR"}
        )
        found += bool(expected)
    assert found > 50


def test_the_vertices_on_a_part_s_bounding_box_are_in_its_state() -> None:
    """A point is looked for among the states with a part whose box meets its one-degree
    cell: the vertices on a part's box, on a cell's edge or not, must find their state."""
    checked = 0
    for code, area in states().items():
        for part in shapely.get_parts(area.geometry):
            coords = shapely.get_coordinates(part)
            west, south, east, north = shapely.bounds(part).tolist()
            on_box = (coords[:, 0] == west) | (coords[:, 0] == east)
            on_box |= (coords[:, 1] == south) | (coords[:, 1] == north)
            for lon, lat in coords[on_box][:4].tolist():
                if float(np.mod(lon + 180.0, 360.0) - 180.0) == lon:
                    assert code in states_at(lon, lat), (code, lon, lat)
                    assert code in states_at(lon, lat, [code, "FR"]), (code, lon, lat)
                    checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (180.0, 65.0),
        (-180.0, 65.0),
        (540.0, 65.0),
        (-179.9, 65.5),
        (30.0, 45.0),
        (24.0, 60.0),
        (-30.0, 40.0),
        (0.0, 90.0),
        (0.0, -90.0),
        (0.0, 91.0),
        (math.nan, 45.0),
        (30.0, math.nan),
        (math.inf, 45.0),
        (33, 44),
    ],
)
def test_cell_edges_poles_the_antimeridian_and_no_number(lon: float, lat: float) -> None:
    finite = math.isfinite(lon) and math.isfinite(lat)
    lon_n = float(np.mod(lon + 180.0, 360.0) - 180.0) if finite and lon != 180.0 else lon
    expected = _every_state_at(lon_n, lat) if finite else ()
    assert states_at(lon, lat) == expected
    assert states_at(lon, lat, sorted(states())) == expected
    assert states_at(lon, lat, ["RU", "UA", "US", "RU"]) == tuple(
        c for c in expected if c in {"RU", "UA", "US"}
    )


def test_a_point_on_the_high_seas_is_tested_against_no_state_s_polygon(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With every state denied (the planner's endpoint check on the ocean pairs), the boxes
    of the states rule them all out: France's, the Netherlands', Portugal's and the United
    States' each hold this mid-Atlantic point, their parts' boxes do not."""
    every = tuple(sorted(states()))
    states_at(-30.0, 40.0, every)  # the index made
    tested: list[BaseGeometry] = []
    real = shapely.intersects_xy

    def counted(geometry: BaseGeometry, x: float, y: float) -> bool:
        tested.append(geometry)
        return bool(real(geometry, x, y))

    monkeypatch.setattr(shapely, "intersects_xy", counted)
    assert states_at(-30.0, 40.0, every) == ()
    assert states_at(-20.0, 10.0, every) == ()
    assert tested == []


def test_codes_are_normalised_once_per_set() -> None:
    """A batch or a server asks for the same few sets again and again."""
    every = tuple(sorted(a.code3.lower() for a in states().values()))
    assert normalise_codes(every) is normalise_codes(list(every))
    assert normalise_codes(every) == tuple(sorted(states()))
    assert denied_closure(["FR", "gb"]) is denied_closure(("FR", "gb"))
    assert set(denied_closure(["FR", "gb"])) == {"FR", "GB"} | {
        c for c, a in states().items() if a.sovereign in {"FR", "GB"}
    }


@pytest.mark.parametrize(
    ("codes", "bad"),
    [(["BG", "XX", "YY"], "XX"), (["", " tr ", "Turkey"], "Turkey"), (["FRA", "FRX"], "FRX")],
)
def test_an_unknown_code_is_named_every_time(codes: list[str], bad: str) -> None:
    for _ in range(2):  # errors are not kept: the second call raises as the first
        with pytest.raises(UnknownStateError, match=repr(bad)):
            normalise_codes(codes)
