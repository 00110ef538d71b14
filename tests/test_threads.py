"""The library called from several threads at once: no shared GEOS object, the same answers.

GEOS geometries (prepared ones above all) are not safe to use from two threads at once; the
server and Dask call the library from threads. The first tests pin the mechanism (every thread
gets its own geometry objects), which fails deterministically if a cache hands one object to
two threads; the last runs real requests of every kind from 8 threads and compares them with
the answers of one thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import shapely

from overflight._threadlocal import clear_thread_caches
from overflight.analysis import compare_routes, deny_case, find_chokepoints
from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.data.airspace import states
from overflight.export.json import chokepoints_to_dict, comparison_to_dict
from overflight.routing import planner
from overflight.routing.graph import compiled_queries, use_compiled_queries
from overflight.routing.obstacles import build_obstacles
from overflight.routing.verify import shrunk_area
from overflight.scenarios import straits

THREADS = 8


def _in_threads(fn: Callable[[], Any], count: int = THREADS) -> list[Any]:
    """fn's result in each of `count` threads started together."""
    barrier = threading.Barrier(count)

    def run() -> Any:
        barrier.wait()
        return fn()

    with ThreadPoolExecutor(count) as pool:
        return [f.result(timeout=300) for f in [pool.submit(run) for _ in range(count)]]


def _content(obj: Any) -> Any:
    """A geometry's WKB, or a tree's geometries' WKB."""
    wkb = shapely.to_wkb(getattr(obj, "geometries", obj))
    return wkb if isinstance(wkb, bytes) else tuple(wkb)


@pytest.mark.parametrize(
    "geometry",
    [
        pytest.param(lambda: states()["RU"].geometry, id="state area"),
        pytest.param(lambda: shrunk_area("RU"), id="verifier's shrunk area"),
        pytest.param(lambda: build_obstacles(("BG", "GR", "TR")).polygons[0], id="obstacle"),
        pytest.param(lambda: straits()["gibraltar"].geometry, id="strait corridor"),
    ],
)
def test_each_thread_gets_its_own_geos_objects(geometry: Callable[[], Any]) -> None:
    mine = geometry()  # cached first here, so that no thread builds its own by a race
    seen = _in_threads(lambda: (id(geometry()), geometry()))
    objects = [obj for _, obj in seen]
    assert len({id(obj) for obj in [mine, *objects]}) == THREADS + 1
    # Equal content, and each thread keeps using the one object it was given.
    assert all(_content(obj) == _content(objects[0]) for obj in objects)
    assert all(first == id(obj) for first, obj in seen)


def test_clearing_the_caches_empties_them_in_every_thread() -> None:
    ready, cleared = threading.Barrier(2), threading.Barrier(2)

    def other() -> bool:
        first = shrunk_area("BG")
        ready.wait()
        cleared.wait()
        return shrunk_area("BG") is not first

    with ThreadPoolExecutor(1) as pool:
        renewed = pool.submit(other)
        mine = shrunk_area("BG")
        assert shrunk_area("BG") is mine
        ready.wait()
        clear_thread_caches()
        cleared.wait()
        assert shrunk_area("BG") is not mine
        assert renewed.result(timeout=60)


def _route() -> dict[str, Any]:
    return plan_request(
        FlightRequest(origin="UUMU", destination="OSLK", deny=("BG,GR,TR",))
    ).to_dict()


def _fuel_stops() -> dict[str, Any]:
    request = FlightRequest(origin="EFHK", destination="RJAA", deny=("RU,BY,UA",), aircraft="A20N")
    return plan_request(request).to_dict()


def _scenario_route() -> dict[str, Any]:
    return plan_request(
        FlightRequest(origin="UUMU", destination="OSLK", scenario="syria-2015")
    ).to_dict()


def _compare() -> dict[str, Any]:
    cases = [deny_case(("BG", "GR", "TR")), deny_case(("BG", "GR", "TR", "IR"))]
    return comparison_to_dict(compare_routes("UUMU", "OSLK", cases))


def _chokepoints() -> dict[str, Any]:
    report = find_chokepoints("UUMU", "OSLK", deny=["BG", "GR", "TR"], max_set_size=1)
    data = chokepoints_to_dict(report)
    del data["seconds"]  # how long the search took
    return data


REQUESTS: tuple[Callable[[], dict[str, Any]], ...] = (
    _route,
    _fuel_stops,
    _scenario_route,
    _compare,
    _chokepoints,
)


def test_requests_of_every_kind_from_eight_threads_answer_as_one_thread_does() -> None:
    serial = [request() for request in REQUESTS]
    # Cold in-memory caches, so that the threads build and prepare geometry together, which is
    # when shared GEOS objects crashed the process; graphs come back from the disk cache.
    planner.clear_caches()
    jobs = [REQUESTS[k % len(REQUESTS)] for k in range(3 * THREADS)]
    # Jobs start eight at a time (their count is a multiple of the threads').
    barrier = threading.Barrier(THREADS)

    def run(job: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        barrier.wait(timeout=300)
        return job()

    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(run, jobs, timeout=600))
    for job, answer in zip(jobs, answers, strict=True):
        assert answer == serial[REQUESTS.index(job)], job.__name__


def test_the_query_engine_is_chosen_per_thread() -> None:
    """A one-shot command's choice of the compiler-free path is not the server threads'."""
    seen: list[bool] = []
    use_compiled_queries(False)
    try:
        other = threading.Thread(target=lambda: seen.append(compiled_queries()))
        other.start()
        other.join()
        assert compiled_queries() is False
    finally:
        use_compiled_queries(True)
    assert seen == [True]
