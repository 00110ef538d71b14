"""The penalty matrix: symmetric, consistent with single routes, NaN where no route; origins
to destinations."""

from __future__ import annotations

import numpy as np
import pytest

from overflight.analysis.batch import BatchOptions
from overflight.analysis.batch.matrix import penalty_matrix
from overflight.errors import InputError
from overflight.routing.planner import plan_route

CODES = ["EFHK", "EDDF", "EGLL", "RJAA", "RKSI", "ZBAA", "VIDP"]
DENY = ("RU", "BY", "UA")


@pytest.fixture(scope="module")
def matrix():  # type: ignore[no-untyped-def]
    return penalty_matrix(CODES, BatchOptions(deny=DENY))


def test_each_direction_is_planned_and_the_lengths_agree(matrix) -> None:  # type: ignore[no-untyped-def]
    d = matrix.distance_km
    assert np.all(np.isfinite(d))
    assert np.allclose(d, d.T, rtol=1e-9, atol=0.0)
    assert np.allclose(matrix.great_circle_km, matrix.great_circle_km.T, rtol=1e-12)
    assert np.all(np.diag(d) == 0.0)
    # Never shorter than the great circle.
    assert np.all(matrix.extra_km > -1e-6)


def test_cells_are_the_routes_plan_route_gives(matrix) -> None:  # type: ignore[no-untyped-def]
    i, j = CODES.index("EFHK"), CODES.index("RJAA")
    route = plan_route("EFHK", "RJAA", deny=DENY)
    assert matrix.distance_km[i, j] == pytest.approx(route.distance_km, rel=1e-12)
    assert matrix.extra_pct[i, j] == pytest.approx(route.extra_pct, rel=1e-9)
    assert matrix.extra_km[i, j] > 2000.0
    assert [p.code for p in matrix.places] == CODES


def test_pairs_without_a_route_are_nan_with_a_reason() -> None:
    m = penalty_matrix(["FXMM", "FBSK", "EGLL"], BatchOptions(deny=("ZA",)))
    assert np.isnan(m.distance_km[0, 1])
    assert np.isnan(m.extra_pct[1, 0])
    assert "South Africa" in m.reasons[0][1]
    assert np.isfinite(m.distance_km[1, 2])
    assert m.reasons[1][2] == ""


@pytest.mark.parametrize(
    ("codes", "options", "message"),
    [
        (["EFHK"], BatchOptions(), "two or more"),
        (["EFHK", "EFHK"], BatchOptions(), "two or more"),
        (["EFHK", "QQQQ"], BatchOptions(), "QQQQ"),
        (["EFHK", "EGLL"], BatchOptions(scenarios=("syria-2015", "russia-2022")), "one scenario"),
    ],
)
def test_bad_input(codes: list[str], options: BatchOptions, message: str) -> None:
    with pytest.raises(InputError, match=message):
        penalty_matrix(codes, options)


def test_origins_to_destinations_are_the_cells_of_the_square_matrix(matrix) -> None:  # type: ignore[no-untyped-def]
    origins, destinations = ["EFHK", "EDDF"], ["RJAA", "RKSI", "EDDF"]
    m = penalty_matrix(origins, BatchOptions(deny=DENY, speed_kt=480.0), destinations=destinations)
    assert [p.code for p in m.origins] == origins
    assert [p.code for p in m.destinations] == destinations
    assert m.distance_km.shape == m.duration_h.shape == (2, 3)
    rows, columns = [CODES.index(c) for c in origins], [CODES.index(c) for c in destinations]
    square = matrix.distance_km[np.ix_(rows, columns)]
    assert np.allclose(m.distance_km, square, rtol=1e-12, atol=0.0)
    assert (m.distance_km[1, 2], m.extra_pct[1, 2], m.duration_h[1, 2]) == (0.0, 0.0, 0.0)
    route = plan_route("EDDF", "RKSI", deny=DENY, speed_kt=480.0)
    assert m.duration_h[1, 1] == pytest.approx(route.duration_h, rel=1e-12)
    assert m.speed_kt == 480.0
    with pytest.raises(InputError, match="origins and destinations instead of places"):
        _ = m.places


@pytest.mark.parametrize(
    ("origins", "destinations", "message"),
    [
        ([], ["RJAA"], "one or more origins and destinations"),
        (["EFHK"], [], "one or more origins and destinations"),
        (["EFHK", "HEL"], ["RJAA"], r"the origins name EFHK twice \('EFHK' and 'HEL'\)"),
        (["EFHK"], ["HEL"], "the same place"),
        (["EFHK"], ["QQQQ"], "QQQQ"),
    ],
)
def test_bad_origins_and_destinations(
    origins: list[str], destinations: list[str], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        penalty_matrix(origins, BatchOptions(), destinations=destinations)


def test_a_month_adds_the_wind_times_each_way() -> None:
    m = penalty_matrix(["EFHK", "RJAA"], BatchOptions(deny=("RU", "BY", "UA"), month=1))
    assert m.measures[-2:] == ("wind_time_h", "mean_wind_kt")
    assert m.wind_time_h is not None
    assert m.mean_wind_kt is not None
    assert abs(m.wind_time_h[0, 1] - m.wind_time_h[1, 0]) > 0.3
    assert m.mean_wind_kt[0, 1] != m.mean_wind_kt[1, 0]
    assert penalty_matrix(["EFHK", "RJAA"], BatchOptions(deny=("RU",))).wind_time_h is None


def test_with_an_aircraft_and_a_month_range_is_wind_time_as_route_decides_it() -> None:
    # Delhi and Cairo with a 737-800: non-stop both ways in still air; in January westbound
    # against the subtropical jet it needs the stop `route --aircraft B738 --month 1` makes,
    # eastbound with the jet behind it not.
    from overflight.analysis import FlightRequest, plan_request

    still = penalty_matrix(["VIDP", "HECA"], BatchOptions(aircraft="B738"))
    january = penalty_matrix(["VIDP", "HECA"], BatchOptions(aircraft="B738", month=1))
    assert still.stop_count is not None
    assert january.stop_count is not None
    assert (int(still.stop_count[0, 1]), int(still.stop_count[1, 0])) == (0, 0)
    westbound = plan_request(
        FlightRequest(origin="VIDP", destination="HECA", aircraft="B738", month=1)
    )
    assert westbound.stops is not None
    assert int(january.stop_count[0, 1]) == len(westbound.stops.stops) == 1
    assert int(january.stop_count[1, 0]) == 0
