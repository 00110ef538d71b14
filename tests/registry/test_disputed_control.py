"""Disputed areas under de facto control: endpoints in them, and crossing them by policy.

Crimea is coded to both RU and UA. The registry refuses Ukraine to Russian state aircraft in
2015 and to Russian airlines from 2015-11-25; Russia bars Ukrainian carriers from landing.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import shapely
from shapely.geometry.base import BaseGeometry
from typer.testing import CliRunner

from overflight.analysis import FlightRequest
from overflight.analysis.plan import Plan, plan_request
from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT
from overflight.data.disputed import area_polygon
from overflight.errors import InputError
from overflight.geo.ellipsoid import great_circle_points
from overflight.routing.closure import Closure, held_areas

D = dt.date.fromisoformat
_CRIMEA_WKB = area_polygon("crimea")
assert _CRIMEA_WKB is not None
CRIMEA: BaseGeometry = shapely.from_wkb(_CRIMEA_WKB)


def plan(
    origin: str,
    destination: str,
    day: str,
    *,
    operator: str,
    category: str | None = None,
    disputed: str = "union",
) -> Plan:
    return plan_request(
        FlightRequest(
            origin=origin,
            destination=destination,
            date=D(day),
            operator=operator,
            category=category,
            disputed=disputed,
        )
    )


def route_points(p: Plan) -> list[tuple[float, float]]:
    """The route every 5 km along its great circles."""
    w = p.route.waypoints
    return [q for k in range(len(w) - 1) for q in great_circle_points(w[k], w[k + 1], 5.0)]


def enters_crimea(p: Plan) -> bool:
    """Whether the route goes more than ~1 km into Crimea (it may turn on its coast)."""
    inner = CRIMEA.buffer(-0.01)
    return any(shapely.intersects_xy(inner, x, y) for x, y in route_points(p))


def points_outside_crimea_in_ukraine(p: Plan) -> int:
    """How many points of the route, every 5 km, lie in Ukraine's airspace but not in Crimea.

    Ukraine's outline is taken ~110 m inside its border, as the verifier does: a route may
    turn on the border.
    """
    from overflight.data.airspace import states

    inner = shapely.buffer(states()["UA"].geometry, -1e-3)
    ukraine = shapely.difference(inner, CRIMEA.buffer(0.01))
    return sum(bool(shapely.intersects_xy(ukraine, x, y)) for x, y in route_points(p))


def test_a_russian_state_flight_from_belbek_is_planned_with_ukraine_still_denied() -> None:
    p = plan("UKFB", "OSLK", "2015-09-15", operator="RU", category="state")
    assert "UA" in p.route.denied  # departing from Crimea does not open all of Ukraine
    assert p.disputed is not None
    assert [(d.key, d.controller, d.opened) for d in p.disputed] == [("crimea", "RU", True)]
    assert points_outside_crimea_in_ukraine(p) == 0
    data = p.to_dict()
    assert data["disputed"] == "union"
    assert data["disputed_areas"][0]["key"] == "crimea"


def test_the_hole_is_only_the_area_a_route_to_moscow_keeps_out_of_mainland_ukraine() -> None:
    p = plan("UKFB", "UUEE", "2015-09-15", operator="RU", category="state")
    assert points_outside_crimea_in_ukraine(p) == 0
    assert p.route.distance_km > p.route.great_circle_km + 50.0  # the direct line crosses UA


def test_a_ukrainian_operator_from_belbek_in_2023_is_refused_naming_area_and_holder() -> None:
    with pytest.raises(InputError, match=r"in Crimea held by Russia \(RU\) since 2014-02-27"):
        plan("UKFB", "OSLK", "2023-06-01", operator="UA")


@pytest.mark.parametrize(("policy", "crosses"), [("union", False), ("control", True)])
def test_under_control_a_russian_airline_crosses_crimea_when_only_ukraine_refuses(
    policy: str, crosses: bool
) -> None:
    p = plan("URRR", "LBBG", "2019-06-01", operator="RU", disputed=policy)
    assert "UA" in p.route.denied
    assert "RU" not in p.route.denied
    assert enters_crimea(p) is crosses
    assert points_outside_crimea_in_ukraine(p) == 0
    # The report names the area crossed, and whether it was opened.
    assert p.disputed is not None
    assert [(d.key, d.opened) for d in p.disputed] == ([("crimea", True)] if crosses else [])
    if crosses:
        assert p.route.distance_km == pytest.approx(p.route.great_circle_km, rel=1e-6)
    else:
        assert p.route.distance_km > p.route.great_circle_km + 20.0


def test_an_area_held_by_a_denied_state_stays_closed() -> None:
    day = D("2019-06-01")
    assert [a.key for a in held_areas(["UA"], on=day, policy="control")] == ["crimea"]
    assert held_areas(["RU", "UA"], on=day, policy="control") == ()
    # An endpoint where the holder refuses landing opens nothing.
    assert held_areas(["UA"], on=day, endpoints=[(33.57, 44.69)], landing={"UA"}) == ()
    closure = Closure.of(["UA"])
    opened = Closure.from_permissions(None, deny=["UA"], disputed="control", on=day)
    assert opened.holds(34.1, 45.0)
    assert not closure.holds(34.1, 45.0)
    # Denying the holder as well (a what-if) closes the area again.
    again = opened.denying(["RU", "UA"])
    assert again.held == ()
    assert again.openings == closure.openings


def test_without_registry_or_policy_the_union_is_kept_and_not_reported() -> None:
    p = plan_request(FlightRequest(origin="URRR", destination="LBBG", deny=("UA",)))
    assert p.disputed is None
    assert "disputed_areas" not in p.to_dict()
    assert not enters_crimea(p)


def test_the_command_line_says_which_policy_applied() -> None:
    runner = CliRunner()
    args = ["route", "URRR", "LBBG", "--operator", "RU", "--date", "2019-06-01"]
    result = runner.invoke(app, [*args, "--disputed", "control", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["disputed"] == "control"
    assert data["disputed_areas"][0]["name"] == "Crimea"
    text = runner.invoke(app, [*args, "--disputed", "control"])
    assert "disputed areas (policy control): Crimea" in " ".join(text.stdout.split())
    bad = runner.invoke(app, [*args, "--disputed", "claim"])
    assert bad.exit_code == EXIT_BAD_INPUT
    assert "--disputed 'claim': give union or control" in " ".join(bad.stderr.split())
