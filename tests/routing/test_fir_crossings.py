"""The FIRs a route crosses and the flight plan's EET, on synthetic FIRs along a real route."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache
from itertools import pairwise
from pathlib import Path

import pytest
import shapely

from overflight.analysis import FlightRequest
from overflight.analysis.plan import Plan, plan_request
from overflight.data.firs import FirSet, read_fir_file
from overflight.routing.fir_crossings import eet, fir_crossings

SYNTHETIC = Path(__file__).parents[1] / "data" / "firs_synthetic.geojson"


@cache
def frankfurt_budapest() -> Plan:
    return plan_request(
        FlightRequest(origin="EDDF", destination="LHBP", fir_file=SYNTHETIC, speed_kt=450)
    )


def test_the_firs_are_crossed_in_order_and_their_times_add_up_to_the_flight() -> None:
    p = frankfurt_budapest()
    assert p.firs is not None
    assert [c.id for c in p.firs] == ["XAAA", "XBBB", "XCCC", "XDDD"]
    minutes = p.route.duration_h * 60.0
    assert p.firs[0].entry_min == 0.0
    assert p.firs[-1].exit_min == pytest.approx(minutes, abs=1e-6)
    assert sum(c.exit_min - c.entry_min for c in p.firs) == pytest.approx(minutes, abs=1e-6)
    assert sum(c.km for c in p.firs) == pytest.approx(p.route.distance_km, abs=1e-6)
    for before, after in pairwise(p.firs):
        assert before.exit_min == after.entry_min
        assert before.exit == after.entry
    # Each boundary is crossed where the FIRs' common meridian is.
    assert [round(c.entry.lon, 6) for c in p.firs[1:]] == [11.0, 14.5, 17.0]


def test_the_eet_lists_each_boundary_from_take_off_but_not_the_departure_fir() -> None:
    p = frankfurt_budapest()
    assert p.firs is not None
    expected = " ".join(
        f"{c.id}{round(c.entry_min) // 60:02d}{round(c.entry_min) % 60:02d}" for c in p.firs[1:]
    )
    assert p.eet == f"EET/{expected}"
    assert p.eet.startswith("EET/XBBB00")
    data = p.to_dict()
    assert [f["id"] for f in data["firs"]] == ["XAAA", "XBBB", "XCCC", "XDDD"]
    assert data["eet"] == p.eet


def test_a_fir_drawn_inside_another_is_left_back_into_it() -> None:
    route = frankfurt_budapest().route
    firs = FirSet.from_geometries(
        "test", {"XOUT": shapely.box(0, 40, 30, 60), "XINN": shapely.box(12, 40, 15, 60)}
    )
    crossings = fir_crossings(route, firs)
    assert [c.id for c in crossings] == ["XOUT", "XINN", "XOUT"]
    assert eet(crossings).startswith("EET/XINN")


def test_without_fir_outlines_no_fir_is_reported() -> None:
    p = plan_request(FlightRequest(origin="EDDF", destination="LHBP"))
    assert p.firs is None
    assert "firs" not in p.to_dict()


def test_a_route_outside_every_fir_crosses_none() -> None:
    route = frankfurt_budapest().route
    assert fir_crossings(route, read_fir_file(SYNTHETIC)) == frankfurt_budapest().firs
    far = FirSet.from_geometries("test", {"XFAR": shapely.box(100, 0, 110, 10)})
    assert fir_crossings(route, far) == ()
    assert eet(()) == ""


def test_fir_crossings_from_threads_are_those_of_one_thread() -> None:
    """The FIR set holds WKB; each thread reads its own geometry (ARCHITECTURE.md)."""
    route = frankfurt_budapest().route
    firs = read_fir_file(SYNTHETIC)
    alone = fir_crossings(route, firs)
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = list(pool.map(lambda _: fir_crossings(route, firs), range(16)))
    assert all(f == alone for f in found)
