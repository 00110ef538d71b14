"""Plans and routes as GeoPandas frames: one row per stretch, lines cut at ±180°."""

from __future__ import annotations

import itertools
import sys

import pytest
import shapely

from overflight.analysis.plan import Plan
from overflight.export.frames import COLUMNS, HIGH_SEAS, transit_frame
from overflight.geo.ellipsoid import path_km
from overflight.routing.planner import plan_route

geopandas = pytest.importorskip(
    "geopandas", reason="GeoPandas is an optional extra: pip install 'overflight[geo]'"
)


def test_from_features_round_trips_a_plan_with_its_stops(plans: dict[str, Plan]) -> None:
    plan = plans["stops"]
    assert plan.stops is not None
    frame = geopandas.GeoDataFrame.from_features([plan], crs="EPSG:4326")
    assert len(frame) == 1
    row = frame.iloc[0]
    assert list(row["stops"]) == [s.code for s in plan.stops.stops]
    assert row["origin"] == plan.route.origin.code
    assert row["destination"] == plan.route.destination.code
    # The geometry is the legs flown: their geodesic lengths add up to the plan's.
    flown = sum(path_km(list(part.coords)) for part in row.geometry.geoms)
    assert flown == pytest.approx(row["flown_km"], rel=1e-3)
    assert row["flown_km"] == pytest.approx(sum(leg.distance_km for leg in plan.legs))


@pytest.mark.parametrize("case", ["syria", "pacific", "stops"])
def test_the_stretches_add_up_to_the_legs(plans: dict[str, Plan], case: str) -> None:
    plan = plans[case]
    frame = plan.to_geodataframe()
    assert isinstance(frame, geopandas.GeoDataFrame)
    assert list(frame.columns) == list(COLUMNS)
    assert frame.crs.to_epsg() == 4326
    for number, leg in enumerate(plan.legs, start=1):
        rows = frame[frame["leg"] == number]
        assert rows["km"].sum() == pytest.approx(leg.distance_km, rel=1e-3)
        # The states' rows are the transit report's crossings, in order, with its km (a
        # crossing with high seas inside it is several rows: the pieces).
        states = rows[rows["name"] != HIGH_SEAS]
        crossings = [code for code, _ in itertools.groupby(states["country"])]
        assert crossings == [t.country for t in leg.transit]
        assert states["km"].sum() == pytest.approx(sum(t.distance_km for t in leg.transit))
        assert rows["minutes"].sum() == pytest.approx(leg.duration_h * 60.0, rel=1e-3)
        # Rows follow one another along the leg, from 0 to its end.
        assert rows["start_km"].iloc[0] == 0.0
        assert list(rows["start_km"].iloc[1:]) == pytest.approx(list(rows["end_km"].iloc[:-1]))


def test_a_transpacific_stretch_is_cut_at_the_antimeridian(plans: dict[str, Plan]) -> None:
    frame = plans["pacific"].route.transit_frame()
    sea = frame[frame["name"] == HIGH_SEAS]
    crossing = sea[sea.geometry.geom_type == "MultiLineString"]
    assert len(crossing) == 1
    parts = list(crossing.geometry.iloc[0].geoms)
    # Each part ends on the antimeridian: one at +180, the next at -180 (or the reverse).
    assert {abs(parts[0].coords[-1][0]), abs(parts[1].coords[0][0])} == {180.0}
    assert all(-180.0 <= x <= 180.0 for part in parts for x, _ in part.coords)
    # The line is geodesic: its length on WGS84 is the row's km.
    km = sum(path_km(list(part.coords)) for part in parts)
    assert km == pytest.approx(crossing["km"].iloc[0], rel=1e-4)


@pytest.mark.parametrize(
    ("origin", "destination", "deny"), [("EFHK", "RJAA", ["RU"]), ("EKCH", "EGLL", [])]
)
def test_a_live_route_frame_sums_to_its_length(
    origin: str, destination: str, deny: list[str]
) -> None:
    route = plan_route(origin, destination, deny=deny)
    frame = route.transit_frame()
    assert frame["km"].sum() == pytest.approx(route.distance_km, rel=1e-3)
    assert frame[frame["name"] == HIGH_SEAS]["km"].sum() == pytest.approx(
        route.high_seas_km, rel=1e-3
    )
    # Each stretch starts where the previous one ended.
    geometries = list(frame.geometry)
    for before, after in itertools.pairwise(geometries):
        end = shapely.get_coordinates(before)[-1]
        start = shapely.get_coordinates(after)[0]
        assert (abs(end[0]) == 180.0 and abs(start[0]) == 180.0) or tuple(end) == pytest.approx(
            tuple(start), abs=1e-9
        )


def test_high_seas_inside_one_crossing_are_their_own_row() -> None:
    """Copenhagen-London: Germany is one crossing, with the sea round Heligoland inside it."""
    route = plan_route("EKCH", "EGLL")
    assert [t.country for t in route.transit] == ["DK", "DE", "NL", "GB"]
    frame = route.transit_frame()
    assert list(frame["country"].fillna("-")) == ["DK", "DE", "-", "DE", "-", "NL", "-", "GB"]
    germany = next(t for t in route.transit if t.country == "DE")
    assert frame[frame["country"] == "DE"]["km"].sum() == pytest.approx(germany.distance_km)


def test_without_geopandas_the_frame_is_plain_pandas(
    plans: dict[str, Plan], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "geopandas", None)  # import geopandas now fails
    frame = transit_frame(plans["syria"])
    assert type(frame).__name__ == "DataFrame"
    assert list(frame["country"]) == [t.country for t in plans["syria"].route.transit]
    with pytest.raises(ImportError, match=r"overflight\[geo\]"):
        plans["syria"].to_geodataframe()
