"""Planner benchmark on the conflict-26 workload (DESIGN.md section 4).

Run from the repository root::

    python -m benchmarks.bench_planner            # or: python benchmarks/bench_planner.py

It measures the numba warm-up, the build of a new denied set, warm queries over the
workload's pairs, ``plan_route`` end to end, route validity, a 10,000-pair batch on two
processes, the ``overflight route`` command and peak memory, prints them and writes
``benchmarks/results/planner-<date>.json``. Every graph is built in a temporary
OVERFLIGHT_CACHE_DIR, so a build really builds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks import common
from benchmarks.workload import (
    CONFLICT_26,
    Pair,
    all_pairs,
    denied_26,
    random_pairs,
    workload_id,
)
from overflight.errors import NoRouteError, OverflightError, VerificationError
from overflight.geo.sphere import to_lonlat, to_xyz
from overflight.models import LonLat
from overflight.routing import planner as planner_module
from overflight.routing.graph import VisibilityGraph
from overflight.routing.obstacles import build_obstacles
from overflight.routing.planner import plan_route, planner_for
from overflight.routing.verify import check_route

MODULE = "benchmarks.bench_planner"

#: The command timed end to end, exactly as DESIGN.md and the issue give it.
CLI_ARGS = ("route", "EFHK", "RJAA", "--deny", "RU,BY,UA", "-f", "json")

Vector = np.ndarray[Any, np.dtype[np.float64]]


# ----------------------------------------------------------------------------- helpers


def _xyz(pair: Pair) -> tuple[Vector, Vector]:
    o, d = pair.origin, pair.destination
    return to_xyz(o.lon, o.lat), to_xyz(d.lon, d.lat)


def _waypoints(path: Sequence[Vector], pair: Pair) -> list[LonLat]:
    """A searched path as (lon, lat), ends replaced by the exact endpoints as the planner does."""
    lon, lat = to_lonlat(np.asarray(path))
    points = [LonLat(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
    points[0], points[-1] = pair.origin.lonlat, pair.destination.lonlat
    return points


def _say(text: str) -> None:
    print(text, flush=True)


# ----------------------------------------------------------------------------- numba warm-up


#: A fresh process times its own import of overflight before anything else loads it.
_CHILD = """
import json, time
t0 = time.perf_counter()
import {module}
t_import = time.perf_counter() - t0
from benchmarks.bench_planner import {function}
print(json.dumps({function}(t_import)))
"""


def _timed_import_child(module: str, function: str, env: dict[str, str]) -> dict[str, Any]:
    code = _CHILD.format(module=module, function=function)
    phases, wall = common.run_child(["-c", code], env, 900)
    return phases | {"process_s": wall}


def jit_phases(t_import: float) -> dict[str, Any]:
    """In a fresh process: load data, obstacles, two builds, two detour queries."""
    from overflight.data.airports import resolve_place
    from overflight.data.airspace import states

    _, t_data = common.timed(states)
    obstacles, t_obstacles = common.timed(lambda: build_obstacles(denied_26(), 0.0))
    graph, t_build1 = common.timed(lambda: VisibilityGraph.build(obstacles))
    _, t_build2 = common.timed(lambda: VisibilityGraph.build(obstacles))
    a, b = resolve_place("EFHK"), resolve_place("RJAA")
    xa, xb = to_xyz(a.lon, a.lat), to_xyz(b.lon, b.lat)
    _, t_query1 = common.timed(lambda: graph.shortest_path(xa, xb))
    _, t_query2 = common.timed(lambda: graph.shortest_path(xa, xb))
    return {
        "import_s": t_import,
        "data_s": t_data,
        "obstacles_s": t_obstacles,
        "build1_s": t_build1,
        "build2_s": t_build2,
        "query1_s": t_query1,
        "query2_s": t_query2,
    }


def _jit_child(cache: str) -> dict[str, Any]:
    env = common.child_env(NUMBA_CACHE_DIR=cache)
    return _timed_import_child("overflight.routing.planner", "jit_phases", env)


def bench_jit(runs: int) -> dict[str, Any]:
    """First build and query in fresh processes: numba compiling, then loading its cache.

    Each "cold" process gets an empty NUMBA_CACHE_DIR (every kernel is compiled); the
    "cached" processes then share one populated cache, which is the normal case after
    the first run on a machine. The JIT share is the first build minus the second.
    """
    out: dict[str, Any] = {"cold": [], "cached": []}
    with tempfile.TemporaryDirectory(prefix="numba-bench-") as shared:
        for k in range(runs):
            with tempfile.TemporaryDirectory(prefix="numba-cold-") as empty:
                # The first cold process also fills the cache the "cached" ones share.
                out["cold"].append(_jit_child(shared if k == 0 else empty))
        for _ in range(runs):
            out["cached"].append(_jit_child(shared))
    for kind in ("cold", "cached"):
        rows = out[kind]
        out[f"{kind}_median"] = {key: common.median([r[key] for r in rows]) for key in rows[0]} | {
            "jit_build_s": common.median([r["build1_s"] - r["build2_s"] for r in rows]),
            "jit_query_s": common.median([r["query1_s"] - r["query2_s"] for r in rows]),
        }
    for kind in ("cold", "cached"):
        m = out[f"{kind}_median"]
        _say(
            f"  {kind:6}: process {m['process_s']:.1f} s: import {m['import_s']:.2f} s, "
            f"data {m['data_s']:.2f} s, obstacles "
            f"{m['obstacles_s']:.2f} s, first build {m['build1_s']:.2f} s, second "
            f"{m['build2_s']:.2f} s -> JIT {m['jit_build_s']:.2f} s (+{m['jit_query_s']:.2f} s "
            f"first query)"
        )
    return out


# ----------------------------------------------------------------------------- build


def bench_build(denied: tuple[str, ...], runs: int) -> dict[str, Any]:
    """Obstacle union and graph build, timed separately, after warm-up, in this process."""
    obstacle_s, build_s = [], []
    graph = None
    for _ in range(runs):
        build_obstacles.cache_clear()  # the union is cached per denied set: time it afresh
        obstacles, t_obst = common.timed(lambda: build_obstacles(denied, 0.0))
        graph, t_build = common.timed(partial(VisibilityGraph.build, obstacles))
        obstacle_s.append(t_obst)
        build_s.append(t_build)
    assert graph is not None
    stats = graph.stats
    obstacles = build_obstacles(denied, 0.0)
    result: dict[str, Any] = {
        "obstacles_s": obstacle_s,
        "graph_build_s": build_s,
        "obstacles_median_s": common.median(obstacle_s),
        "graph_build_median_s": common.median(build_s),
        "polygons": len(obstacles.polygons),
        "obstacle_edges": obstacles.edge_count,
        "vertices": stats.vertices,
        "edges": stats.edges,
        "candidates": stats.candidates,
        "candidate_share": stats.candidates / max(1, stats.vertices * (stats.vertices - 1) // 2),
        "edges_per_vertex": 2 * stats.edges / max(1, stats.vertices),
    }
    _say(
        f"  obstacles (union of {len(denied)} states): median {result['obstacles_median_s']:.2f} s"
        f" ({result['polygons']} polygons, {result['obstacle_edges']} edges)"
    )
    _say(
        f"  VisibilityGraph.build: median {result['graph_build_median_s']:.2f} s over {runs} "
        f"({stats.vertices} convex vertices, {stats.candidates} bitangent candidates = "
        f"{100 * result['candidate_share']:.2f} % of pairs, {stats.edges} clear edges, "
        f"{result['edges_per_vertex']:.1f} per vertex)"
    )
    return result


def bench_planner_for(denied: tuple[str, ...], runs: int) -> dict[str, Any]:
    """``planner_for`` as a user meets it: union + build + save, and later a load from disk."""
    build_s, load_s = [], []
    for _ in range(runs):
        with common.fresh_cache_dir():
            build_obstacles.cache_clear()
            planner_module._planner.cache_clear()  # in-memory planners would hide the build
            _, t_build = common.timed(lambda: planner_for(denied))
            planner_module._planner.cache_clear()
            _, t_load = common.timed(lambda: planner_for(denied))
        build_s.append(t_build)
        load_s.append(t_load)
    planner_module._planner.cache_clear()
    result: dict[str, Any] = {
        "build_s": build_s,
        "load_s": load_s,
        "build_median_s": common.median(build_s),
        "load_median_s": common.median(load_s),
    }
    _say(
        f"  planner_for (union + build + save): median {result['build_median_s']:.2f} s; "
        f"load from the disk cache: {1000 * result['load_median_s']:.0f} ms"
    )
    return result


# ----------------------------------------------------------------------------- queries


def bench_queries(
    graph: VisibilityGraph, pairs: Sequence[Pair], repeats: int, title: str = "query"
) -> tuple[dict[str, Any], list[list[Vector] | None]]:
    """Warm ``shortest_path`` per pair, repeated; each pair's time is its median."""
    ends = [_xyz(p) for p in pairs]
    times = np.zeros((repeats, len(pairs)))
    paths: list[list[Vector] | None] = []
    for r in range(repeats):
        paths = []
        for k, (a, b) in enumerate(ends):
            t0 = time.perf_counter()
            path = graph.shortest_path(a, b)
            times[r, k] = time.perf_counter() - t0
            paths.append(path)
    per_pair = np.median(times, axis=0)
    detour = np.array([p is not None and len(p) > 2 for p in paths])
    direct = np.array([p is not None and len(p) == 2 for p in paths])
    result: dict[str, Any] = {
        "repeats": repeats,
        "all": common.distribution_ms(per_pair.tolist()),
        "detour": common.distribution_ms(per_pair[detour].tolist()),
        "direct": common.distribution_ms(per_pair[direct].tolist()),
        "no_route": int(sum(p is None for p in paths)),
        "detour_count": int(detour.sum()),
        "p50_each_repeat_ms": [float(np.median(t) * 1000) for t in times],
        "slowest": _slowest(pairs, per_pair, paths),
    }
    _line(f"{title}, all pairs", result["all"])
    _line(f"{title}, {result['detour_count']} detour pairs", result["detour"])
    _say(f"    ({result['no_route']} pairs without a route)")
    return result, paths


def _slowest(
    pairs: Sequence[Pair], seconds: np.ndarray[Any, Any], paths: Sequence[list[Vector] | None]
) -> list[dict[str, Any]]:
    order = np.argsort(seconds)[::-1][:5]
    return [
        {
            "pair": pairs[k].label,
            "ms": float(seconds[k] * 1000),
            "waypoints": None if paths[k] is None else len(paths[k] or []),
        }
        for k in order
    ]


def _line(title: str, d: dict[str, Any]) -> None:
    if not d.get("n"):
        _say(f"  {title}: none")
        return
    _say(
        f"  {title}: p50 {d['p50']:.3f} ms, p90 {d['p90']:.3f} ms, p99 {d['p99']:.3f} ms, "
        f"max {d['max']:.1f} ms (n={d['n']})"
    )


def bench_plan_route(pairs: Sequence[Pair]) -> tuple[dict[str, Any], dict[str, int]]:
    """``plan_route`` end to end per pair (search + verification + transit report)."""
    seconds: list[float] = []
    detour_seconds: list[float] = []
    outcome = {"ok": 0, "no_route": 0, "verification_failed": 0, "other_error": 0}
    for pair in pairs:
        t0 = time.perf_counter()
        try:
            route = plan_route(pair.origin, pair.destination, deny=CONFLICT_26)
        except NoRouteError:
            outcome["no_route"] += 1
            continue
        except VerificationError:
            outcome["verification_failed"] += 1
            continue
        except OverflightError:
            outcome["other_error"] += 1
            continue
        elapsed = time.perf_counter() - t0
        outcome["ok"] += 1
        seconds.append(elapsed)
        if len(route.waypoints) > 2:
            detour_seconds.append(elapsed)
    result: dict[str, Any] = {
        "all": common.distribution_ms(seconds),
        "detour": common.distribution_ms(detour_seconds),
        "outcome": outcome,
    }
    _line("plan_route end to end, all pairs", result["all"])
    _line("plan_route end to end, detour pairs", result["detour"])
    return result, outcome


def check_paths(pairs: Sequence[Pair], paths: Sequence[list[Vector] | None]) -> dict[str, Any]:
    """Re-check every searched path with the independent verifier."""
    failures: list[str] = []
    checked = 0
    for pair, path in zip(pairs, paths, strict=True):
        if path is None:
            continue
        checked += 1
        try:
            check_route(_waypoints(path, pair), denied_26())
        except VerificationError as exc:
            failures.append(f"{pair.label}: {exc}")
    _say(f"  check_route on {checked} searched paths: {len(failures)} fail")
    for line in failures[:10]:
        _say(f"    {line}")
    return {"checked": checked, "failed": len(failures), "failures": failures[:50]}


def _query_engine_switch() -> Callable[[bool], None] | None:
    """The library's choice between compiled and compiler-free queries, where it has one
    (older revisions have a single query path)."""
    from overflight.routing import graph

    switch: Callable[[bool], None] | None = getattr(graph, "use_compiled_queries", None)
    return switch


def bench_queries_without_compiler(
    graph: VisibilityGraph, pairs: Sequence[Pair]
) -> dict[str, Any] | None:
    """One pass with the compiler-free query path, the one a one-shot command uses."""
    switch = _query_engine_switch()
    if switch is None:
        return None
    switch(False)
    try:
        result, _ = bench_queries(graph, pairs, 1, title="query without the compiler")
    finally:
        switch(True)
    return result


# ----------------------------------------------------------------------------- batch


def _child_batch(part: int, parts: int, count: int) -> dict[str, Any]:
    """Load the cached graph and route every parts-th pair of the batch, from `part` on."""
    t0 = time.perf_counter()
    pairs = random_pairs(count)[part::parts]
    graph = planner_for(CONFLICT_26).graph
    ends = [_xyz(p) for p in pairs]
    graph.shortest_path(*ends[0])  # load the compiled kernels before timing
    setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    routed = sum(graph.shortest_path(a, b) is not None for a, b in ends)
    return {
        "setup_s": setup,
        "queries_s": time.perf_counter() - t1,
        "pairs": len(pairs),
        "routed": routed,
    }


def bench_batch(count: int, parts: int) -> dict[str, Any]:
    """`count` random pairs split over `parts` processes sharing the disk-cached graph.

    Workers run with one numba thread each, so that two processes on two cores never
    oversubscribe them, whichever kernels happen to be parallel.
    """
    env = common.child_env(NUMBA_NUM_THREADS="1")
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                MODULE,
                "--child",
                "batch",
                f"--part={k}",
                f"--parts={parts}",
                f"--batch={count}",
            ],
            cwd=common.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(parts)
    ]
    outs = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"batch worker failed:\n{stderr[-3000:]}")
        outs.append(json.loads(stdout.strip().splitlines()[-1]))
    wall = time.perf_counter() - t0
    result: dict[str, Any] = {
        "pairs": count,
        "processes": parts,
        "workers": outs,
        "queries_wall_s": max(o["queries_s"] for o in outs),
        "total_wall_s": wall,
    }
    _say(
        f"  {count} pairs on {parts} processes: {result['queries_wall_s']:.1f} s of queries "
        f"(slowest worker); {wall:.1f} s with process start, pair draw and graph load"
    )
    return result


# ----------------------------------------------------------------------------- CLI


def _cli_command() -> list[str]:
    """``python -m overflight`` runs the same entry point as the ``overflight`` script."""
    return [sys.executable, "-m", "overflight", *CLI_ARGS]


def _run_timed(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    json.loads(done.stdout)  # the run must produce the route, not just exit
    return elapsed


def cli_phases(t_import: float) -> dict[str, Any]:
    """Where a warm-cache `route` command spends its time, phase by phase, in one process."""
    switch = _query_engine_switch()
    if switch is not None:
        switch(False)  # what the route command chooses for a single route
    from overflight.data.airports import resolve_place
    from overflight.data.airspace import states
    from overflight.export.json import route_to_dict

    (a, b), t_resolve = common.timed(lambda: (resolve_place("EFHK"), resolve_place("RJAA")))
    _, t_states = common.timed(states)
    planner, t_load = common.timed(lambda: planner_for(["RU", "BY", "UA"]))
    xa, xb = to_xyz(a.lon, a.lat), to_xyz(b.lon, b.lat)
    _, t_search = common.timed(lambda: planner.graph.shortest_path(xa, xb))
    route, t_route = common.timed(lambda: planner.route(a, b))
    _, t_json = common.timed(lambda: json.dumps(route_to_dict(route)))
    return {
        "import_s": t_import,
        "resolve_s": t_resolve,
        "data_s": t_states,
        "graph_load_s": t_load,
        "first_search_s": t_search,
        "route_s": t_route,
        "json_s": t_json,
    }


def bench_cli(warm_runs: int, cold_runs: int) -> dict[str, Any]:
    """The `route` command end to end, with a warm disk cache and with an empty one."""
    cmd = _cli_command()
    with tempfile.TemporaryDirectory(prefix="overflight-cli-") as cache:
        env = common.child_env(OVERFLIGHT_CACHE_DIR=cache)
        first = _run_timed(cmd, env)  # builds and caches the graph
        warm = [_run_timed(cmd, env) for _ in range(warm_runs)]
        # The command's own import is what is timed first, as the command would do it.
        phases = [_timed_import_child("overflight.cli.app", "cli_phases", env) for _ in range(3)]
    cold = []
    for _ in range(cold_runs):
        with tempfile.TemporaryDirectory(prefix="overflight-cli-") as cache:
            cold.append(_run_timed(cmd, common.child_env(OVERFLIGHT_CACHE_DIR=cache)))
    env = common.child_env()
    python_start = [_run_timed_plain([sys.executable, "-c", "pass"], env) for _ in range(5)]
    result: dict[str, Any] = {
        "command": "python -m overflight " + " ".join(CLI_ARGS),
        "first_s": first,
        "warm_s": warm,
        "cold_s": cold,
        "warm_median_s": common.median(warm),
        "cold_median_s": common.median(cold),
        "python_start_median_s": common.median(python_start),
        "phases_median_s": {k: common.median([p[k] for p in phases]) for k in phases[0]},
    }
    _say(
        f"  `{result['command']}`: warm cache median {result['warm_median_s']:.2f} s over "
        f"{warm_runs} (min {min(warm):.2f}, max {max(warm):.2f}); empty cache median "
        f"{result['cold_median_s']:.2f} s over {cold_runs}; bare interpreter "
        f"{result['python_start_median_s']:.2f} s"
    )
    phases_text = ", ".join(f"{k[:-2]} {v:.2f}" for k, v in result["phases_median_s"].items())
    _say(f"    phases in seconds: {phases_text}")
    return result


def _run_timed_plain(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, timeout=60, check=True)
    return time.perf_counter() - t0


# ----------------------------------------------------------------------------- memory


def _child_memory(count: int) -> dict[str, Any]:
    """Build conflict-26 from scratch and route the workload: the process's peak RSS."""
    with common.fresh_cache_dir():
        pairs = all_pairs(count)
        planner = planner_for(CONFLICT_26)
        after_build = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for pair in pairs:
            planner.graph.shortest_path(*_xyz(pair))
        after_queries = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for pair in pairs:
            # Failures are counted by the main run; only memory matters here.
            with contextlib.suppress(OverflightError):
                plan_route(pair.origin, pair.destination, deny=CONFLICT_26)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss is in KiB on Linux.
    return {
        "after_build_mb": after_build / 1024,
        "after_queries_mb": after_queries / 1024,
        "peak_mb": peak / 1024,
    }


def bench_memory(count: int) -> dict[str, Any]:
    """Peak RSS of a fresh process that builds conflict-26 and plans every pair."""
    argv = ["-m", MODULE, "--child", "memory", f"--pairs={count}"]
    result, _ = common.run_child(argv, common.child_env(), 1800)
    _say(
        f"  peak RSS: {result['after_build_mb']:.0f} MB after build, "
        f"{result['after_queries_mb']:.0f} MB after searches, {result['peak_mb']:.0f} MB after "
        f"plan_route on every pair"
    )
    return result


# ----------------------------------------------------------------------------- report


def targets(figures: dict[str, Any]) -> list[common.Target]:
    """Figures against the DESIGN.md section 4 table."""
    q, build, cli = figures["query"], figures["build"], figures["cli"]
    invalid = (
        figures["paths_checked"]["failed"] + figures["plan_route"]["outcome"]["verification_failed"]
    )
    return [
        common.Target(
            "invalid routes (check_route)", invalid, 0, 0, "", "searched paths + plan_route"
        ),
        common.Target(
            "query p50, all pairs (warm)", q["all"]["p50"], 1.0, 0.3, "ms", "shortest_path"
        ),
        common.Target(
            "query p50, detour pairs", q["detour"]["p50"], 10.0, 3.0, "ms", "shortest_path"
        ),
        common.Target(
            "query p99, detour pairs", q["detour"]["p99"], 40.0, 15.0, "ms", "shortest_path"
        ),
        common.Target(
            "build conflict-26 (graph)",
            build["graph_build_median_s"],
            10.0,
            3.0,
            "s",
            "VisibilityGraph.build, warm JIT",
        ),
        common.Target(
            "build conflict-26 (planner_for)",
            figures["planner_for"]["build_median_s"],
            10.0,
            3.0,
            "s",
            "union + build + save",
        ),
        common.Target(
            "CLI route, cached set", cli["warm_median_s"], 1.0, 0.5, "s", "warm disk cache"
        ),
        common.Target(
            f"{figures['batch']['pairs']:,}-pair batch, 2 cores",
            figures["batch"]["queries_wall_s"],
            15.0,
            5.0,
            "s",
            "2 processes, searches only",
        ),
        common.Target(
            "peak memory",
            figures["memory"]["peak_mb"],
            1024.0,
            400.0,
            "MB",
            "build + plan_route x all",
        ),
    ]


def summary(figures: dict[str, Any]) -> list[str]:
    """Plain lines for the README section: what the table does not show."""
    jit, pr, cli = figures["jit"], figures["plan_route"], figures["cli"]
    lines = []
    plain = figures.get("query_without_compiler")
    if plain:
        lines.append(
            f"- Queries on the compiler-free path (what a one-shot `route` command uses): p50 "
            f"{plain['all']['p50']:.3f} ms all pairs, {plain['detour']['p50']:.1f} / "
            f"{plain['detour']['p99']:.1f} ms p50 / p99 on detour pairs (one pass)."
        )
    return [
        *lines,
        f"- Workload: {figures['workload']['pairs']} pairs ({figures['workload']['id']}), "
        f"{figures['query']['detour_count']} must detour, {figures['query']['no_route']} have no "
        f"route.",
        f"- Build: {figures['build']['vertices']} convex vertices, "
        f"{figures['build']['candidates']} bitangent candidates, {figures['build']['edges']} "
        f"edges; obstacle union {figures['build']['obstacles_median_s']:.2f} s.",
        f"- numba warm-up in a fresh process: {jit['cold_median']['jit_build_s']:.1f} s compiling "
        f"(empty numba cache), {jit['cached_median']['jit_build_s']:.1f} s loading the numba "
        "cache.",
        f"- `plan_route` end to end (search + verification + transit report): p50 "
        f"{pr['all']['p50']:.1f} ms all pairs, {pr['detour']['p50']:.1f} ms detour pairs, "
        f"p99 {pr['all']['p99']:.0f} ms.",
        f"- CLI with an empty cache (builds RU+BY+UA): {cli['cold_median_s']:.2f} s; bare "
        f"interpreter start {cli['python_start_median_s']:.2f} s.",
        "- Length vs exact optimum is not measured here: the planner is exact by construction "
        "and the brute-force oracle lives in the tests.",
    ]


# ----------------------------------------------------------------------------- main


def run(args: argparse.Namespace) -> None:
    """The whole benchmark, in the order of the module docstring."""
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)
    pairs = all_pairs(args.pairs)
    denied = denied_26()
    figures: dict[str, Any] = {
        "workload": {"pairs": len(pairs), "id": workload_id(pairs), "denied": list(denied)}
    }
    _say(f"workload: conflict-26, {len(pairs)} pairs ({figures['workload']['id']})")
    _section(
        "numba JIT warm-up (fresh processes)", lambda: figures.update(jit=bench_jit(args.jit_runs))
    )
    with common.fresh_cache_dir():
        _section("warm-up", lambda: _warm_up(pairs))
        _section("build", lambda: figures.update(build=bench_build(denied, args.build_runs)))
        _section("planner_for", lambda: figures.update(planner_for=bench_planner_for(denied, 3)))
        graph = planner_for(CONFLICT_26).graph
        query, paths = bench_queries(graph, pairs, args.repeats)
        figures["query"] = query
        figures["query_without_compiler"] = bench_queries_without_compiler(graph, pairs)
        _say("plan_route")
        figures["plan_route"], _ = bench_plan_route(pairs)
        _say("correctness")
        figures["paths_checked"] = check_paths(pairs, paths)
        _section("batch", lambda: figures.update(batch=bench_batch(args.batch, 2)))
    _section("CLI", lambda: figures.update(cli=bench_cli(args.cli_runs, args.cli_cold_runs)))
    _section("memory", lambda: figures.update(memory=bench_memory(args.pairs)))
    info["load_average_end"] = list(os.getloadavg())
    rows = targets(figures)
    _say("\ntargets (DESIGN.md section 4):")
    for row in rows:
        _say(
            f"  {row.measure}: {'-' if row.value is None else f'{row.value:.3g}'} {row.unit} "
            f"-> {row.status()}"
        )
    path = common.write_results("planner", info, figures, rows, summary(figures), args.out)
    _say(f"\nwrote {path}")


def _section(title: str, body: Callable[[], object]) -> None:
    _say(title)
    _, seconds = common.timed(body)
    _say(f"  ({seconds:.0f} s)")


def _warm_up(pairs: Sequence[Pair]) -> None:
    """Compile or load every kernel and fill the data caches before anything is timed."""
    planner = planner_for(CONFLICT_26)
    for pair in pairs[-3:]:
        planner.graph.shortest_path(*_xyz(pair))
        plan_route(pair.origin, pair.destination, deny=CONFLICT_26)


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments; run the benchmark or one of its child processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs", type=int, default=1000, help="random pairs (named ones are added)"
    )
    parser.add_argument(
        "--repeats", type=int, default=3, help="passes over the pairs for query times"
    )
    parser.add_argument(
        "--build-runs", type=int, default=5, help="in-process builds to take the median of"
    )
    parser.add_argument(
        "--jit-runs", type=int, default=3, help="fresh processes per JIT measurement"
    )
    parser.add_argument("--batch", type=int, default=10_000, help="pairs in the two-process batch")
    parser.add_argument("--cli-runs", type=int, default=15, help="timed CLI runs with a warm cache")
    parser.add_argument("--cli-cold-runs", type=int, default=5, help="timed CLI runs, empty cache")
    parser.add_argument("--child", choices=["batch", "memory"], help=argparse.SUPPRESS)
    parser.add_argument(
        "--out", type=Path, default=common.RESULTS_DIR, help="directory for the results"
    )
    parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--parts", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    children: dict[str, Callable[[], dict[str, Any]]] = {
        "batch": lambda: _child_batch(args.part, args.parts, args.batch),
        "memory": lambda: _child_memory(args.pairs),
    }
    if args.child:
        print(json.dumps(children[args.child]()))
    else:
        run(args)


if __name__ == "__main__":
    main()
