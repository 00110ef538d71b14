"""Safety margin, dependency closure and the on-disk graph cache."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import Geod

from overflight import DeniedEndpointError, plan_route
from overflight.data.airspace import states
from overflight.geo.ellipsoid import great_circle_points
from overflight.routing import planner as planner_module

GEOD = Geod(ellps="WGS84")


def _route_points(waypoints: tuple[tuple[float, float], ...]) -> np.ndarray:
    points: list[tuple[float, float]] = []
    for a, b in itertools.pairwise(waypoints):
        points.extend(great_circle_points(a, b, 2.0))
    return np.asarray(points)


def _min_distance_km(route_xy: np.ndarray, codes: tuple[str, ...]) -> float:
    """Smallest geodesic distance from the route to the states' boundaries (1 km sampling)."""
    box = shapely.box(*shapely.MultiPoint(route_xy).bounds).buffer(2.0)
    best = np.inf
    for code in codes:
        boundary = shapely.intersection(states()[code].geometry.boundary, box)
        if boundary.is_empty:
            continue
        dense = shapely.get_coordinates(shapely.segmentize(boundary, 0.01))
        for chunk in np.array_split(route_xy, max(1, len(route_xy) // 200)):
            lon1 = np.repeat(chunk[:, 0], len(dense))
            lat1 = np.repeat(chunk[:, 1], len(dense))
            lon2 = np.tile(dense[:, 0], len(chunk))
            lat2 = np.tile(dense[:, 1], len(chunk))
            _, _, d = GEOD.inv(lon1, lat1, lon2, lat2)
            best = min(best, float(np.min(d)) / 1000.0)
    return best


@pytest.mark.slow
def test_margin_is_kept_from_denied_airspace() -> None:
    margin_nm = 15.0
    plain = plan_route("UUMU", "OSLK", deny=["BG", "GR", "TR"])
    wide = plan_route("UUMU", "OSLK", deny=["BG", "GR", "TR"], margin_nm=margin_nm)
    assert wide.distance_km >= plain.distance_km - 1e-6
    clearance = _min_distance_km(_route_points(wide.waypoints), ("BG", "GR", "TR"))
    assert clearance >= margin_nm * 1.852 * 0.99
    # Without the margin the route does touch the denied boundary somewhere.
    assert _min_distance_km(_route_points(plain.waypoints), ("BG", "GR", "TR")) < 1.0


def test_denying_a_sovereign_denies_its_dependencies() -> None:
    dependencies = {c for c, a in states().items() if a.sovereign == "FR"}
    assert "PF" in dependencies
    planner = planner_module.planner_for(["FR"])
    assert dependencies <= set(planner.denied)
    # Papeete (French Polynesia) cannot be an origin once France is denied.
    with pytest.raises(DeniedEndpointError, match="French Polynesia"):
        plan_route("NTAA", "NZAA", deny=["FR"])


def test_graph_is_cached_on_disk_and_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    planner_module.clear_caches()
    first = plan_route("EFHK", "RJAA", deny=["RU", "BY", "UA"])
    files = list((tmp_path / "graphs").glob("*.npz"))
    assert len(files) == 1
    planner_module.clear_caches()  # a new process would start here
    second = plan_route("EFHK", "RJAA", deny=["RU", "BY", "UA"])
    assert second.waypoints == first.waypoints
    # A damaged cache file is rebuilt, never trusted.
    files[0].write_bytes(b"not a graph")
    planner_module.clear_caches()
    third = plan_route("EFHK", "RJAA", deny=["RU", "BY", "UA"])
    assert third.waypoints == first.waypoints
    planner_module.clear_caches()
