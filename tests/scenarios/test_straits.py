"""International strait corridors: the curated list and which ones a route uses."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import box

from overflight.data.airspace import states
from overflight.scenarios import straits, straits_used, transit_corridors

REQUIRED = {
    "gibraltar",
    "hormuz",
    "bab-el-mandeb",
    "malacca-singapore",
    "dover",
    "oresund",
    "great-belt",
    "bosporus",
    "dardanelles",
    "kerch",
    "tiran",
    "la-perouse",
    "tsugaru",
    "korea-strait",
}


def test_the_required_straits_are_shipped_with_sources() -> None:
    assert set(straits()) >= REQUIRED
    for strait in straits().values():
        assert strait.sources, strait.id
        assert strait.note, strait.id
        assert strait.name, strait.id


@pytest.mark.parametrize("sid", ["bosporus", "dardanelles"])
def test_the_turkish_straits_are_a_special_regime_not_opened(sid: str) -> None:
    assert straits()[sid].regime == "montreux"
    assert sid not in {s.id for s in transit_corridors()}


def test_transit_passage_opens_the_straits_it_covers() -> None:
    opened = {s.id for s in transit_corridors()}
    assert {"gibraltar", "hormuz", "bab-el-mandeb", "malacca-singapore", "dover", "tiran"} == opened


@pytest.mark.parametrize("sid", sorted(REQUIRED))
def test_each_corridor_is_valid_and_lies_in_its_coastal_states_waters(sid: str) -> None:
    strait = straits()[sid]
    assert strait.geometry.is_valid
    assert not strait.geometry.is_empty
    touched = {
        code
        for code, area in states().items()
        if shapely.intersects(area.geometry, strait.geometry)
        and shapely.intersection(area.geometry, strait.geometry).area > 1e-7
    }
    assert touched <= set(strait.states), f"{sid} reaches into {touched - set(strait.states)}"
    if sid == "tiran":
        # The shipped airspace (2017) still gives Tiran island to Egypt; Saudi Arabia is
        # sovereign over it since the 2017 transfer, so both are coastal states.
        assert touched == {"EG"}
    elif strait.regime != "high_seas_corridor":
        assert touched == set(strait.states)


@pytest.mark.parametrize("strait", transit_corridors(), ids=lambda s: s.id)
def test_an_opened_corridor_joins_the_high_seas_at_both_ends(strait: object) -> None:
    geometry = strait.geometry  # type: ignore[attr-defined]
    if strait.id == "tiran":  # type: ignore[attr-defined]
        pytest.skip("the Gulf of Aqaba beyond Tiran has no high seas")
    area = box(*geometry.bounds).buffer(0.5)
    land_and_seas = shapely.union_all(
        [a.geometry.intersection(area) for a in states().values() if a.geometry.intersects(area)]
    )
    high_seas = area.difference(land_and_seas)
    parts = getattr(high_seas, "geoms", [high_seas])
    ends = [p for p in parts if p.area > 1e-4 and p.intersects(geometry)]
    assert len(ends) >= 2


def test_a_route_through_gibraltar_is_reported() -> None:
    route = [(-9.0, 35.9), (-5.6, 35.95), (0.0, 36.5)]
    assert [s.id for s in straits_used(route)] == ["gibraltar"]


def test_only_straits_owed_to_transit_passage_are_reported_with_a_denied_set() -> None:
    route = [(-9.0, 35.9), (-5.6, 35.95), (0.0, 36.5)]
    assert [s.id for s in straits_used(route, denied=["ESP"])] == ["gibraltar"]
    assert [s.id for s in straits_used(route, denied=["MA"])] == ["gibraltar"]
    assert straits_used(route, denied=["FR", "PT"]) == ()


def test_straits_are_reported_in_the_order_flown() -> None:
    tel_aviv_mumbai = [(34.9, 32.0), (34.45, 27.95), (43.3, 12.6), (72.9, 19.1)]
    assert [s.id for s in straits_used(tel_aviv_mumbai)] == ["tiran", "bab-el-mandeb"]
    back = list(reversed(tel_aviv_mumbai))
    assert [s.id for s in straits_used(back)] == ["bab-el-mandeb", "tiran"]


@pytest.mark.parametrize(
    "route",
    [
        [(2.35, 48.85), (-3.7, 40.4)],  # Paris - Madrid, overland
        [(24.9, 60.3), (140.4, 35.8)],  # Helsinki - Tokyo great circle
        [(170.0, 50.0), (-170.0, 52.0)],  # across the antimeridian
        [(10.0, 10.0)],
    ],
)
def test_routes_away_from_straits_report_none(route: list[tuple[float, float]]) -> None:
    assert straits_used(route) == ()


def test_a_route_through_la_perouse_is_reported() -> None:
    route = [(141.0, 45.0), (142.0, 45.6), (143.5, 46.0)]
    assert "la-perouse" in {s.id for s in straits_used(route)}
