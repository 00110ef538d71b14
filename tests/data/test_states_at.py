"""``states_at`` rules most states out by their bounding boxes: never one that covers the point."""

from __future__ import annotations

import numpy as np
import shapely

from overflight.data.airspace import states, states_at


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
