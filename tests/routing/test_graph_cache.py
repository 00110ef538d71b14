"""The graph cache on disk: bounded, least recently used first out, safe under eviction."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields
from pathlib import Path

import numpy as np
import pytest

from overflight.errors import InputError
from overflight.routing import graph_cache
from overflight.routing import planner as planner_module
from overflight.routing.graph import VisibilityGraph
from overflight.routing.obstacles import build_obstacles

#: Small states whose graphs build in a fraction of a second (13 to 75 kB each).
SMALL = ("CH", "AT", "BE", "NL", "LU", "DK")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh graph cache directory, with no planner held in memory."""
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv(graph_cache.LIMIT_ENV, raising=False)
    planner_module.clear_caches()
    yield tmp_path / "graphs"
    planner_module.clear_caches()


def _plan(code: str) -> Path:
    """Plan with a new process's memory; the file of the closure's graph."""
    planner_module.clear_caches()
    planner = planner_module.planner_for([code])
    return planner_module._cache_file(planner.closure)


def _sizes(directory: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in directory.iterdir()}


def test_the_cache_stays_under_its_limit(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    limit_mb = 0.12
    monkeypatch.setenv(graph_cache.LIMIT_ENV, str(limit_mb))
    for code in SMALL:
        newest = _plan(code)
        sizes = _sizes(cache)
        assert newest.name in sizes  # the graph just built is kept
        assert sum(sizes.values()) <= limit_mb * 1e6 or len(sizes) == 1
    assert len(_sizes(cache)) < len(SMALL)  # some were evicted


def test_the_least_recently_used_graph_goes_first(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _, c, d = (_plan(code) for code in SMALL[:4])
    sizes = _sizes(cache)
    graph_cache.clear_cache()
    # Room for all four but one byte: adding the fourth must evict exactly one graph.
    monkeypatch.setenv(graph_cache.LIMIT_ENV, str((sum(sizes.values()) - 1) / 1e6))
    for code in SMALL[:3]:
        _plan(code)
        time.sleep(0.02)
    assert _plan(SMALL[0]) == a  # read back from disk: now the most recently used
    time.sleep(0.02)
    _plan(SMALL[3])
    assert set(_sizes(cache)) == {a.name, c.name, d.name}  # b was the least recently used


def test_a_limit_of_zero_keeps_no_graph(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _plan("CH")
    monkeypatch.setenv(graph_cache.LIMIT_ENV, "0")
    _plan("AT")
    assert not any(cache.iterdir())


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "inf"])
def test_a_bad_limit_is_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(graph_cache.LIMIT_ENV, value)
    with pytest.raises(InputError, match=rf"OVERFLIGHT_CACHE_MAX_MB='{value}'.*0 or more"):
        graph_cache.limit_bytes()


@pytest.mark.parametrize("damage", [b"", b"not a graph", "half"])
def test_a_damaged_graph_is_rebuilt(cache: Path, damage: bytes | str) -> None:
    path = _plan("CH")
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2] if isinstance(damage, str) else damage)
    assert _plan("CH") == path  # an empty or truncated file once crashed np.load
    copy = cache.parent / "saved.npz"
    copy.write_bytes(whole)
    rebuilt, saved = VisibilityGraph.load(path).arrays, VisibilityGraph.load(copy).arrays
    for field in fields(saved):
        assert np.array_equal(getattr(rebuilt, field.name), getattr(saved, field.name))


def test_info_and_clear(cache: Path) -> None:
    empty = graph_cache.cache_info()
    assert (empty.files, empty.size_bytes, empty.oldest) == (0, 0, None)
    assert empty.directory == cache
    assert empty.limit_bytes == 256_000_000
    first, second = _plan("CH"), _plan("AT")
    info = graph_cache.cache_info()
    assert info.files == 2
    assert info.size_bytes == first.stat().st_size + second.stat().st_size
    assert info.oldest is not None
    assert info.newest is not None
    assert info.oldest.timestamp() == pytest.approx(first.stat().st_mtime, abs=1e-5)
    assert info.newest.timestamp() == pytest.approx(second.stat().st_mtime, abs=1e-5)
    freed = graph_cache.clear_cache()
    assert freed == (2, info.size_bytes)
    assert graph_cache.cache_info().files == 0


def test_readers_never_fail_while_graphs_are_evicted(cache: Path) -> None:
    """Threads read and write one graph while another keeps emptying the cache."""
    path = _plan("CH")
    graph = VisibilityGraph.load(path)
    stop = threading.Event()
    failures: list[BaseException] = []
    reads = {"whole": 0, "absent": 0}

    def read() -> None:
        try:
            while not stop.is_set():
                got = graph_cache.read_graph(path)
                if got is None:
                    reads["absent"] += 1
                    graph_cache.write_graph(path, graph)  # as the planner does after a rebuild
                else:
                    assert got.size == graph.size
                    reads["whole"] += 1
        except BaseException as exc:  # reported below, with the thread's failure
            failures.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and not failures:
        graph_cache.clear_cache()
        time.sleep(0.001)
    stop.set()
    for t in threads:
        t.join()
    assert not failures
    assert reads["whole"] > 0  # both sides of the race were run
    assert reads["absent"] > 0


def _read_and_rewrite(path: Path, copy: Path, seconds: float) -> tuple[int, int]:
    """In another process: read the graph again and again, writing it back when it is gone."""
    graph = VisibilityGraph.load(copy)
    whole = absent = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = graph_cache.read_graph(path)
        if got is None:
            absent += 1
            graph_cache.write_graph(path, graph)
        else:
            assert got.size == graph.size
            whole += 1
    return whole, absent


def test_processes_never_fail_while_graphs_are_evicted(cache: Path) -> None:
    """Two processes read and write one graph while this one keeps emptying the cache."""
    path = _plan("CH")
    copy = cache.parent / "copy.npz"
    copy.write_bytes(path.read_bytes())
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        readers = [pool.submit(_read_and_rewrite, path, copy, 1.5) for _ in range(2)]
        while not all(r.done() for r in readers):
            graph_cache.clear_cache()
            time.sleep(0.001)
        counts = [r.result() for r in readers]  # raises what a reader raised
    assert sum(whole for whole, _ in counts) > 0  # both sides of the race were run
    assert sum(absent for _, absent in counts) > 0


def test_planning_never_fails_while_graphs_are_evicted(cache: Path) -> None:
    """Plans from several threads, as a server's, while the cache is emptied again and again."""
    from overflight.data.airports import resolve_place

    zurich, vienna = resolve_place("LSZH"), resolve_place("LOWW")
    expected = planner_module.planner_for(["DE"]).route(zurich, vienna)
    stop = threading.Event()
    failures: list[BaseException] = []
    routes = []

    def plan() -> None:
        try:
            for _ in range(15):
                planner_module.clear_caches()
                routes.append(planner_module.planner_for(["DE"]).route(zurich, vienna))
        except BaseException as exc:  # reported below
            failures.append(exc)

    def evict() -> None:
        while not stop.is_set():
            graph_cache.clear_cache()
            time.sleep(0.002)

    evictor = threading.Thread(target=evict)
    evictor.start()
    planners = [threading.Thread(target=plan) for _ in range(3)]
    for t in planners:
        t.start()
    for t in planners:
        t.join()
    stop.set()
    evictor.join()
    assert not failures
    assert [r.waypoints for r in routes] == [expected.waypoints] * 45


def test_obstacles_held_in_memory_are_bounded(cache: Path) -> None:
    for margin in range(40):
        build_obstacles(("LU",), float(margin))
    assert build_obstacles.cache_info().currsize <= 32
