"""CSV re-read by the csv module: stable columns, distances, states in the transit order."""

from __future__ import annotations

import csv
import io

import pytest

from overflight.analysis.plan import Plan
from overflight.export.table import CSV_COLUMNS, plan_to_csv
from overflight.models import KM_PER_NM


def read(plan: Plan) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(plan_to_csv(plan)))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def follows(rows: list[list[str]], transit: list[str]) -> bool:
    """Whether each row names a state at or after the previous row's place in the transit.

    A row on a border names both states (alphabetically); either may be the one flown over.
    """
    position = 0
    for codes in rows:
        later = [transit.index(c, position) for c in codes if c in transit[position:]]
        if not later:
            return False
        position = min(later)
    return True


@pytest.mark.parametrize("case", ["syria", "pacific"])
def test_rows_are_the_waypoints_with_cumulative_distance(plans: dict[str, Plan], case: str) -> None:
    route = plans[case].route
    rows = read(plans[case])
    assert len(rows) == len(route.waypoints)
    assert [r["role"] for r in rows] == ["origin", *["turn"] * (len(rows) - 2), "destination"]
    for row, (lon, lat) in zip(rows, route.waypoints, strict=True):
        assert float(row["lat"]) == pytest.approx(lat, abs=1e-6)  # lat first in the file
        assert float(row["lon"]) == pytest.approx((lon + 180.0) % 360.0 - 180.0, abs=1e-6)
        assert float(row["leg_nm"]) == pytest.approx(float(row["leg_km"]) / KM_PER_NM, abs=1e-3)
    assert float(rows[-1]["cumulative_km"]) == pytest.approx(route.distance_km, abs=1e-3)
    assert float(rows[-1]["cumulative_nm"]) == pytest.approx(
        route.distance_km / KM_PER_NM, abs=1e-3
    )
    steps = [float(r["leg_km"]) for r in rows]
    assert sum(steps) == pytest.approx(route.distance_km, abs=1e-2)


@pytest.mark.parametrize("case", ["syria", "pacific", "stops"])
def test_states_follow_the_transit_report(plans: dict[str, Plan], case: str) -> None:
    plan = plans[case]
    legs = plan.stops.legs if plan.stops else (plan.route,)
    transit = [t.country for leg in legs for t in leg.transit]
    seen = [r["states"].split(";") for r in read(plan) if r["states"]]
    assert seen, "some waypoint is over a state"
    assert follows(seen, transit), (seen, transit)
    assert not {c for codes in seen for c in codes} & set(plan.route.denied)
    assert not follows(seen[::-1], transit) or len({tuple(c) for c in seen}) == 1


def test_high_seas_waypoint_has_no_state(plans: dict[str, Plan]) -> None:
    rows = read(plans["pacific"])
    assert rows[0]["states"] == "JP"
    assert rows[-1]["states"] == "US"
    assert [r["states"] for r in rows[1:-1]] == [""]  # the turn off Kamchatka is over the sea


def test_fuel_stop_rows(plans: dict[str, Plan]) -> None:
    stop_plan = plans["stops"].stops
    assert stop_plan is not None
    rows = read(plans["stops"])
    stops = [r for r in rows if r["role"] == "stop"]
    assert [r["code"] for r in stops] == [s.code for s in stop_plan.stops]
    assert [int(r["seq"]) for r in rows] == list(range(len(rows)))
    assert {r["flight"] for r in rows} == {"1", "2"}
    assert float(rows[-1]["cumulative_km"]) == pytest.approx(stop_plan.total_distance_km, abs=1e-3)
