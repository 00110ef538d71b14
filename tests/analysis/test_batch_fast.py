"""Chunks planned all at once give the rows Planner.route gives pair by pair, and are checked."""

from __future__ import annotations

import itertools
import json
import math

import pytest

from overflight.analysis.batch.jobs import Job, Task, run_task
from overflight.data.airports import resolve_place
from overflight.data.airspace import denied_closure
from overflight.models import LonLat
from overflight.routing.chunk import fast_routes, searcher
from overflight.routing.closure import Closure
from overflight.routing.planner import planner_of

#: Every continent, both sides of the antimeridian (Fiji, Kiribati and the Aleutians straddle
#: it), an enclosed state's airport, and one inside denied airspace.
AIRPORTS = (
    "EFHK", "EGLL", "LTFM", "OMDB", "VIDP", "WSSS", "RJAA", "YSSY", "NZAA", "NFFN",
    "PHNL", "PANC", "KSFO", "SCEL", "FAOR", "FXMM", "UUEE",
)  # fmt: skip
DENY = ("RU", "BY", "UA", "IR", "ZA")


def _same(a: object, b: object, key: str) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    if key == "waypoints" and a and b:
        xs, ys = json.loads(str(a)), json.loads(str(b))
        return len(xs) == len(ys) and all(
            math.isclose(u, v, abs_tol=1e-9)
            for p, q in zip(xs, ys, strict=True)
            for u, v in zip(p, q, strict=True)
        )
    return a == b


def test_chunked_rows_equal_planner_route_rows() -> None:
    places = {c: resolve_place(c) for c in AIRPORTS}
    jobs = tuple(
        Job(n, "", places[a], places[b])
        for n, (a, b) in enumerate(itertools.permutations(AIRPORTS, 2))
    )
    task = Task(Closure(denied_closure(DENY)), 480.0, jobs)
    chunked, reference = run_task(task), run_task(task, one_by_one=True)
    statuses = {r["status"] for r in reference}
    assert statuses == {"ok", "no_route", "bad_endpoint"}
    assert sum(r["turns"] == 0 for r in reference if r["status"] == "ok") > 20
    assert sum((r["turns"] or 0) > 0 for r in reference) > 20
    assert any("NFFN" in (r["origin"], r["destination"]) and "FJ" in r["states"] for r in reference)
    differences = [
        (row["origin"], row["destination"], key, row[key], ref[key])
        for row, ref in zip(chunked, reference, strict=True)
        for key in ref
        if not _same(row[key], ref[key], key)
    ]
    assert differences == []


def test_a_path_through_denied_airspace_fails_the_check() -> None:
    closed = Closure(denied_closure(["RU"]))
    finder = searcher(planner_of(closed))
    helsinki, tokyo, london = (resolve_place(c).lonlat for c in ("EFHK", "RJAA", "EGLL"))
    bad, good = fast_routes(finder, [[helsinki, tokyo], [helsinki, london]])
    assert "RU" in bad.failure
    assert good.failure == ""
    assert good.states[0] == "FI"


@pytest.mark.parametrize(
    "path",
    [
        # Along the antimeridian and across it, where the cut has its own rules.
        [LonLat(180.0, -10.0), LonLat(180.0, -20.0), LonLat(-170.0, -25.0)],
        [LonLat(175.0, -17.0), LonLat(-178.0, -18.0)],
    ],
)
def test_routes_on_and_across_the_antimeridian(path: list[LonLat]) -> None:
    from overflight.routing.transit import transit_report

    finder = searcher(planner_of(Closure(())))
    (route,) = fast_routes(finder, [path])
    report = transit_report(path)
    assert route.states == tuple(t.country for t in report.transit)
    assert route.high_seas_km == pytest.approx(report.high_seas_km, rel=1e-9, abs=1e-6)


def test_the_states_column_is_the_transit_list() -> None:
    """Amsterdam to Stockholm crosses the Netherlands, Germany, Denmark and Sweden, once each.

    The grown polygons overlap along the German coast and the Danish border: the column read
    ``NL DE DE DE DE DK SE`` before.
    """
    from overflight.routing.transit import transit_report

    finder = searcher(planner_of(Closure(())))
    path = [resolve_place(c).lonlat for c in ("EHAM", "ESSA")]
    (route,) = fast_routes(finder, [path])
    assert route.states == ("NL", "DE", "DK", "SE")
    assert route.states == tuple(t.country for t in transit_report(path).transit)


def test_a_path_inside_denied_airspace_fails_the_check() -> None:
    """Moscow to Saint Petersburg never meets a border: the check must see where it starts."""
    finder = searcher(planner_of(Closure(denied_closure(["RU"]))))
    moscow, petersburg = (resolve_place(c).lonlat for c in ("UUEE", "ULLI"))
    (route,) = fast_routes(finder, [[moscow, petersburg]])
    assert "RU" in route.failure


@pytest.mark.parametrize(
    "path",
    [
        # Across Lesotho, a hole in South Africa's polygon; through San Marino, an enclave in
        # Italy's; along borders crossed back and forth (the Rhine).
        [LonLat(27.0, -29.3), LonLat(29.5, -29.6)],
        [LonLat(12.30, 43.93), LonLat(12.60, 43.94)],
        [LonLat(7.55, 47.60), LonLat(8.60, 47.68), LonLat(7.60, 48.60)],
    ],
)
def test_holes_and_enclaves_are_the_transit_report(path: list[LonLat]) -> None:
    from overflight.routing.transit import transit_report

    finder = searcher(planner_of(Closure(())))
    (route,) = fast_routes(finder, [path])
    report = transit_report(path)
    assert len(route.states) > 1
    assert route.states == tuple(t.country for t in report.transit)
    assert route.high_seas_km == pytest.approx(report.high_seas_km, rel=1e-9, abs=1e-6)


def test_the_compiled_points_along_a_route_are_the_transit_reports_to_the_bit() -> None:
    """The attribution reads points along the route: the batch's loop must not move one."""
    import numpy as np

    from overflight.routing import chunk, chunk_kernels
    from overflight.routing.transit import RouteLine

    # Fiji to Samoa across ±180 and back: three parts, the middle one on the far side.
    path = np.array([[178.4, -18.1], [-171.8, -13.8], [179.2, -16.5], [177.0, -17.8]])
    points, _ = chunk._dense(path[:-1], path[1:], np.zeros(len(path) - 1, dtype=np.int64))
    parts = [p for p in chunk._cut(points) if len(p) > 1]
    assert len(parts) == 3
    flat = np.ascontiguousarray(np.concatenate(parts))
    start = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)
    _, cum_km = chunk_kernels.part_lengths(flat, start)
    along, offset = [], 0.0
    for j, part in enumerate(parts):
        km = cum_km[start[j] : start[j + 1]] + offset
        along.append((km, part))
        offset = float(km[-1])
    plain = RouteLine(tuple(along))
    compiled = chunk._Line(
        tuple(along), np.concatenate([km for km, _ in along]), flat, start - start[0]
    )
    rng = np.random.default_rng(16)
    # Every point, the parts' ends, before the start and past the end, and anywhere between.
    kms = np.concatenate(
        [np.concatenate([km for km, _ in along]), [-1.0, 0.0, offset, offset + 1.0]]
    )
    kms = np.concatenate([kms, rng.uniform(-10.0, offset + 10.0, 5000)]).tolist()
    assert compiled.points_at(kms).tobytes() == plain.points_at(kms).tobytes()


def test_a_route_is_reported_alike_in_a_chunk_and_alone() -> None:
    """A chunk attributes its routes together (one look-up for all): each as it would alone."""
    places = [resolve_place(c).lonlat for c in AIRPORTS]
    finder = searcher(planner_of(Closure(())))
    paths = [
        [LonLat(27.0, -29.3), LonLat(29.5, -29.6)],
        [LonLat(12.30, 43.93), LonLat(12.60, 43.94)],
        [LonLat(7.55, 47.60), LonLat(8.60, 47.68), LonLat(7.60, 48.60)],
        *([a, b] for a, b in itertools.combinations(places, 2)),
    ]
    together = fast_routes(finder, paths)
    alone = [fast_routes(finder, [path])[0] for path in paths]
    assert together == alone
    assert sum(len(r.states) > 2 for r in together) > 50


@pytest.mark.parametrize("owned", [True, False])
def test_a_chunk_in_a_process_the_batch_owns_runs_without_the_collector(
    owned: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No collection while the chunk is planned, one after it, and the same rows either way.

    In a process the batch does not own (a user's program, a Dask worker) the collector is
    left as it is.
    """
    import gc

    from overflight.analysis.batch.runner import _chunk_rows

    places = {c: resolve_place(c) for c in AIRPORTS}
    jobs = tuple(
        Job(n, "", places[a], places[b])
        for n, (a, b) in enumerate(itertools.permutations(AIRPORTS, 2))
    )
    task = Task(Closure(denied_closure(DENY)), 480.0, jobs)
    reference = run_task(task)
    during: list[int] = []
    collections: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    real_run_task = run_task

    def watched(task: Task) -> list[dict[str, object]]:
        rows = real_run_task(task)
        during.extend(collections)
        return rows

    monkeypatch.setattr("overflight.analysis.batch.runner.run_task", watched)
    gc.callbacks.append(seen)
    try:
        rows = _chunk_rows(task, owned=owned)
    finally:
        gc.callbacks.remove(seen)
    assert gc.isenabled()
    assert rows == reference
    if owned:
        assert during == []
        assert collections[-1:] == [2]  # the full pass after the chunk
    else:
        assert during != []  # the chunk makes enough objects to set the collector off


def test_what_a_batch_start_makes_is_frozen_after_a_pause_of_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In the program's own process, no pass during the start, and none over its objects after."""
    import gc

    from overflight.analysis.batch import runner

    monkeypatch.setattr(runner, "owns_process", lambda: True)
    passes: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    frozen = gc.get_freeze_count()
    gc.callbacks.append(seen)
    try:
        with runner._without_collector():
            made = [{"row": k} for k in range(20_000)]
            during = list(passes)
        assert gc.isenabled()
        assert during == []
        assert gc.get_freeze_count() >= frozen + len(made)
    finally:
        gc.callbacks.remove(seen)
        gc.unfreeze()
