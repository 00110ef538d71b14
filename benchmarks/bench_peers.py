"""Peers benchmark: extremitypathfinder and searoute against overflight, in one run.

Run from the repository root (needs ``pip install -e .[bench]``)::

    python -m benchmarks.bench_peers            # or: python benchmarks/bench_peers.py

1. extremitypathfinder, a planar visibility graph, on the conflict-26 obstacles and pairs:
   its build and query times, how many of its routes enter denied airspace when flown as
   great circles (each checked with ``overflight.routing.verify.check_route``), and its
   lengths against overflight's.
2. searoute, a router on a fixed maritime network, on ocean pairs, against overflight with
   every state denied (routes that avoid land and territorial seas): first whether that
   build is feasible (time and memory, under a cap), then per-query time and length.

Results go to ``benchmarks/results/peers-<date>.json`` and the results README.

To iterate on the searoute comparison alone (``peers-searoute-<date>.json``) without building
the all-states graph each time, keep it in a directory of your choice::

    python -m benchmarks.bench_peers --searoute-only --graph-cache /tmp/overflight-all-states
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import psutil
import shapely
from shapely.geometry import Polygon, box
from shapely.geometry.polygon import orient

from benchmarks import common
from benchmarks.workload import CONFLICT_26, SEED, Pair, all_pairs, denied_26, workload_id
from overflight.data.airspace import states, states_at
from overflight.errors import OverflightError, VerificationError
from overflight.geo.ellipsoid import geodesic_km, path_km
from overflight.geo.sphere import to_lonlat, to_xyz
from overflight.models import LonLat, Place
from overflight.routing.obstacles import Obstacles, build_obstacles
from overflight.routing.planner import Planner, plan_route, planner_for
from overflight.routing.verify import check_route

MODULE = "benchmarks.bench_peers"

#: searoute passages closed for the comparison: canals cross land and these straits lie in
#: territorial seas, which overflight's all-states obstacles close too. "chili" stays open
#: because it also carries the open-sea route round Cape Horn (so the Strait of Magellan
#: stays open with it), and "south_africa" is open sea round the Cape of Good Hope.
SEAROUTE_CLOSED = (
    "babalmandab", "bering", "bosporus", "gibraltar", "malacca",
    "northwest", "ormuz", "panama", "suez", "sunda",
)  # fmt: skip

#: Ocean points are searoute network nodes at least this close (degrees) to some state's
#: airspace: coastal waters, where routing has something to avoid.
COAST_DEG = 2.0
#: Ocean pairs shorter than this are not voyages worth comparing.
MIN_OCEAN_KM = 500.0

Vector = np.ndarray[Any, np.dtype[np.float64]]


def _say(text: str) -> None:
    print(text, flush=True)


def _ratio_stats(ratios: Sequence[float]) -> dict[str, float | int]:
    """Median, worst and best of length ratios, as percentages over 1."""
    if not ratios:
        return {"n": 0}
    pct = (np.asarray(ratios) - 1.0) * 100.0
    return {
        "n": len(pct),
        "median_pct": float(np.median(pct)),
        "p90_pct": float(np.percentile(pct, 90)),
        "worst_pct": float(np.max(pct)),
        "best_pct": float(np.min(pct)),
    }


def _is_valid(waypoints: Sequence[tuple[float, float]], denied: Sequence[str]) -> bool:
    try:
        check_route(waypoints, denied)
    except VerificationError:
        return False
    return True


# ----------------------------------------------------------------------------- overflight


@dataclass
class OurRoute:
    """overflight's answer for one pair."""

    waypoints: list[LonLat] | None
    query_s: float

    @property
    def km(self) -> float:
        """WGS84 length of the route (nan when there is none)."""
        return math.nan if self.waypoints is None else path_km(self.waypoints)

    @property
    def detour(self) -> bool:
        """Whether the route bends."""
        return self.waypoints is not None and len(self.waypoints) > 2


def route_all(planner: Planner, pairs: Sequence[Pair], repeats: int) -> list[OurRoute]:
    """overflight's search for every pair, in `repeats` passes over all pairs (as the
    planner benchmark does); each pair's time is its median over the passes."""
    ends = [
        (to_xyz(p.origin.lon, p.origin.lat), to_xyz(p.destination.lon, p.destination.lat))
        for p in pairs
    ]
    times = np.zeros((repeats, len(pairs)))
    paths: list[list[Vector] | None] = []
    for r in range(repeats):
        paths = []
        for k, (a, b) in enumerate(ends):
            t0 = time.perf_counter()
            paths.append(planner.graph.shortest_path(a, b))
            times[r, k] = time.perf_counter() - t0
    per_pair = np.median(times, axis=0)
    return [
        OurRoute(_lonlat_path(path, p.origin, p.destination), float(t))
        for p, path, t in zip(pairs, paths, per_pair, strict=True)
    ]


def _lonlat_path(path: list[Vector] | None, o: Place, d: Place) -> list[LonLat] | None:
    if path is None:
        return None
    lon, lat = to_lonlat(np.asarray(path))
    points = [LonLat(float(x), float(y)) for x, y in zip(lon, lat, strict=True)]
    points[0], points[-1] = o.lonlat, d.lonlat
    return points


# ----------------------------------------------------------------------------- planar input


@dataclass(frozen=True)
class PlanarEnvironment:
    """Free space in lon/lat as extremitypathfinder wants it, and what was done to get it."""

    boundary: Vector
    holes: list[Vector]
    free: Polygon
    pieces_dropped: int
    vertices: int


def _shift(xy: Vector, dx: float) -> Vector:
    return np.asarray(xy + np.array([dx, 0.0]), dtype=np.float64)


def _cut_at_antimeridian(polygons: Sequence[Polygon]) -> list[Polygon]:
    """Obstacles may run past ±180 where they were joined across it: cut them there and
    shift what lies beyond by 360°, as a planar map must."""
    world = box(-180.0, -90.0, 180.0, 90.0)
    out = []
    for polygon in polygons:
        for shift in (-360.0, 0.0, 360.0):
            moved = shapely.transform(polygon, partial(_shift, dx=shift))
            out += [
                p
                for p in shapely.get_parts(shapely.intersection(moved, world))
                if isinstance(p, Polygon) and not p.is_empty
            ]
    return out


def planar_environment(obstacles: Obstacles, tau_deg: float = 0.0) -> PlanarEnvironment:
    """The lon/lat rectangle minus the obstacles: its largest piece's outer ring is the
    boundary (it takes in obstacles that touch ±180) and its inner rings are the holes.

    With tau_deg > 0 the obstacles are first grown by tau and simplified by tau (in
    degrees), so that the fewer-vertex obstacles still cover the original ones.
    """
    union = shapely.unary_union(_cut_at_antimeridian(obstacles.polygons))
    if tau_deg > 0.0:
        union = shapely.simplify(shapely.buffer(union, tau_deg, quad_segs=2), tau_deg)
    free_all = shapely.difference(box(-180.0, -90.0, 180.0, 90.0), union)
    pieces = sorted(shapely.get_parts(free_all), key=lambda g: -g.area)
    # Pockets enclosed by obstacles are unreachable from the rest: a planar router takes
    # one connected free space, and every pair of the workload lies in the largest.
    free = orient(pieces[0], 1.0)  # counter-clockwise boundary, clockwise holes
    boundary = np.asarray(free.exterior.coords, dtype=np.float64)[:-1]
    holes = [np.asarray(r.coords, dtype=np.float64)[:-1] for r in free.interiors]
    return PlanarEnvironment(
        boundary=boundary,
        holes=holes,
        free=free,
        pieces_dropped=len(pieces) - 1,
        vertices=len(boundary) + sum(len(h) for h in holes),
    )


# ----------------------------------------------------------------------------- extremitypathfinder


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Interrupt pure-Python work (extremitypathfinder's build is such) after `seconds`."""

    def fire(signum: int, frame: FrameType | None) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, previous)


def _child_ept(
    input_path: Path, build_cap_s: float, query_budget_s: float, memory_cap_gb: float
) -> dict[str, Any]:
    """Build extremitypathfinder's graph and query pairs until the budget is spent."""
    from extremitypathfinder import PolygonEnvironment

    # Its build's memory grows as long as it runs: on a shared machine, a bounded address
    # space turns "takes all the memory" into a MemoryError this process reports.
    limit = int(memory_cap_gb * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with np.load(input_path) as data:
        boundary = data["boundary"]
        holes = [data[f"hole{k}"] for k in range(int(data["holes"]))]
        ends = data["ends"]
    env = PolygonEnvironment()
    t0 = time.perf_counter()
    stopped = None
    try:
        with _alarm(build_cap_s):
            env.store(boundary, holes, validate=False)
    except _Timeout:
        stopped = "time"
    except MemoryError:
        stopped = "memory"
    if stopped:
        return {
            "built": False,
            "stopped": stopped,
            "build_s": time.perf_counter() - t0,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        }
    build_s = time.perf_counter() - t0
    query_s: list[float] = []
    paths: list[list[list[float]] | None] = []
    spent = 0.0
    for row in ends:
        if spent > query_budget_s:
            break
        t1 = time.perf_counter()
        try:
            path, _ = env.find_shortest_path((row[0], row[1]), (row[2], row[3]))
        except Exception:  # a peer's failure on one pair is a figure, not a crash
            path = []
        elapsed = time.perf_counter() - t1
        spent += elapsed
        query_s.append(elapsed)
        paths.append([[float(x), float(y)] for x, y in path] if path else None)
    return {
        "built": True,
        "build_s": build_s,
        "extremities": len(env.extremity_indices),
        "query_s": query_s,
        "paths": paths,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _run_ept(
    planar: PlanarEnvironment,
    pairs: Sequence[Pair],
    build_cap_s: float,
    query_budget_s: float,
    memory_cap_gb: float,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ept-") as tmp:
        path = Path(tmp) / "input.npz"
        ends = np.array(
            [[p.origin.lon, p.origin.lat, p.destination.lon, p.destination.lat] for p in pairs]
        )
        holes = {f"hole{k}": h for k, h in enumerate(planar.holes)}
        arrays: dict[str, Any] = {"boundary": planar.boundary, "ends": ends, **holes}
        np.savez(path, holes=np.array(len(planar.holes)), **arrays)
        argv = [
            "-m", MODULE, "--child", "ept", f"--input={path}",
            f"--build-cap={build_cap_s}", f"--query-budget={query_budget_s}",
            f"--memory-cap={memory_cap_gb}",
        ]  # fmt: skip
        result, _ = common.run_child(argv, common.child_env(), build_cap_s + query_budget_s + 600)
    return result


def bench_extremitypathfinder(
    obstacles: Obstacles,
    pairs: Sequence[Pair],
    ours: Sequence[OurRoute],
    build_cap_s: float,
    query_budget_s: float,
    fallback_tau_deg: float,
    fallback_cap_s: float,
    memory_cap_gb: float,
) -> dict[str, Any]:
    """extremitypathfinder on the exact obstacles; if its build exceeds the cap, again on
    conservatively simplified ones, so that its routes can still be judged."""
    attempts = []
    for tau, cap in ((0.0, build_cap_s), (fallback_tau_deg, fallback_cap_s)):
        planar = planar_environment(obstacles, tau)
        inside = [
            shapely.intersects_xy(planar.free, p.origin.lon, p.origin.lat)
            and shapely.intersects_xy(planar.free, p.destination.lon, p.destination.lat)
            for p in pairs
        ]
        usable = [p for p, ok in zip(pairs, inside, strict=True) if ok]
        _say(
            f"  obstacles{f' simplified by {tau:g} deg' if tau else ''}: {planar.vertices} "
            f"vertices, {len(planar.holes)} holes; {len(usable)}/{len(pairs)} pairs inside"
        )
        run = _run_ept(planar, usable, cap, query_budget_s, memory_cap_gb)
        attempt: dict[str, Any] = {
            "tau_deg": tau,
            "vertices": planar.vertices,
            "holes": len(planar.holes),
            "pieces_dropped": planar.pieces_dropped,
            "pairs_usable": len(usable),
            "built": run["built"],
            "stopped": run.get("stopped"),
            "build_s": run["build_s"],
            "peak_mb": run["peak_mb"],
        }
        attempts.append(attempt)
        if not run["built"]:
            _say(
                f"  build stopped ({run['stopped']} cap: {cap:.0f} s, {memory_cap_gb:g} GB) after "
                f"{run['build_s']:.0f} s, RSS {run['peak_mb']:.0f} MB so far"
            )
            continue
        index = {id(p): k for k, p in enumerate(pairs)}
        attempt |= _judge_ept(run, usable, [ours[index[id(p)]] for p in usable])
        break
    return {"attempts": attempts, "result": attempts[-1]}


def _judge_ept(
    run: dict[str, Any], pairs: Sequence[Pair], ours: Sequence[OurRoute]
) -> dict[str, Any]:
    """Check each planar path as great circles; compare lengths and times with ours."""
    invalid, ratios, ratios_detour, no_path = 0, [], [], 0
    examples: list[str] = []
    for pair, mine, path in zip(pairs, ours, run["paths"], strict=False):
        if path is None:
            no_path += 1
            continue
        points = [(float(x), float(y)) for x, y in path]
        if not _is_valid(points, denied_26()):
            invalid += 1
            if len(examples) < 10:
                examples.append(pair.label)
        if mine.waypoints is not None:
            ratio = path_km(points) / mine.km
            ratios.append(ratio)
            if mine.detour:
                ratios_detour.append(ratio)
    queried = len(run["paths"])
    routed = queried - no_path
    result: dict[str, Any] = {
        "extremities": run["extremities"],
        "pairs_queried": queried,
        "no_path": no_path,
        "query": common.distribution_ms(run["query_s"]),
        "our_query_same_pairs": common.distribution_ms([m.query_s for m in ours[:queried]]),
        "invalid": invalid,
        "invalid_share": invalid / max(1, routed),
        "invalid_examples": examples,
        "length_vs_ours": _ratio_stats(ratios),
        "length_vs_ours_detour": _ratio_stats(ratios_detour),
    }
    _say(
        f"  build {run['build_s']:.1f} s ({run['extremities']} extremities, peak "
        f"{run['peak_mb']:.0f} MB); query p50 {result['query']['p50']:.1f} ms over {queried} "
        f"pairs (ours {result['our_query_same_pairs']['p50']:.3f} ms)"
    )
    _say(
        f"  enter denied airspace as great circles: {invalid}/{routed} "
        f"({100 * result['invalid_share']:.1f} %); length vs ours: median "
        f"{result['length_vs_ours']['median_pct']:+.2f} %, worst "
        f"{result['length_vs_ours']['worst_pct']:+.1f} %, best "
        f"{result['length_vs_ours']['best_pct']:+.2f} % (detour pairs: median "
        f"{result['length_vs_ours_detour'].get('median_pct', math.nan):+.2f} %)"
    )
    return result


# ----------------------------------------------------------------------------- all states


def _child_all_states(cache: Path) -> dict[str, Any]:
    """Build overflight's planner with every state denied, into the given cache directory."""
    os.environ["OVERFLIGHT_CACHE_DIR"] = str(cache)
    denied = tuple(sorted(states()))
    obstacles, t_obstacles = common.timed(lambda: build_obstacles(denied, 0.0))
    planner, t_build = common.timed(lambda: planner_for(denied))
    stats = planner.graph.stats
    return {
        "states": len(denied),
        "obstacles_s": t_obstacles,
        "planner_s": t_build,
        "graph_build_s": stats.seconds,
        "polygons": len(obstacles.polygons),
        "obstacle_edges": obstacles.edge_count,
        "vertices": stats.vertices,
        "candidates": stats.candidates,
        "edges": stats.edges,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def build_all_states(cache: Path, cap_s: float) -> dict[str, Any]:
    """Try the all-states build in a child process under a time cap, watching its memory."""
    env = common.child_env()
    cmd = [sys.executable, "-m", MODULE, "--child", "all-states", f"--cache={cache}"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=common.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    watched = psutil.Process(proc.pid)
    peak_rss = 0
    while proc.poll() is None and time.perf_counter() - t0 < cap_s:
        with contextlib.suppress(psutil.Error):
            peak_rss = max(peak_rss, watched.memory_info().rss)
        time.sleep(0.25)
    elapsed = time.perf_counter() - t0
    if proc.poll() is None:
        proc.kill()
        proc.communicate()
        _say(f"  stopped at the {cap_s:.0f} s cap; RSS reached {peak_rss / 2**20:.0f} MB")
        return {"feasible": False, "wall_s": elapsed, "peak_rss_seen_mb": peak_rss / 2**20}
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        _say(f"  failed ({proc.returncode}): {stderr[-500:]}")
        return {"feasible": False, "wall_s": elapsed, "error": stderr[-3000:]}
    result: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    result |= {"feasible": True, "wall_s": elapsed, "peak_rss_seen_mb": peak_rss / 2**20}
    _say(
        f"  {result['states']} states: union {result['obstacles_s']:.1f} s "
        f"({result['polygons']} polygons, {result['obstacle_edges']} edges), graph "
        f"{result['graph_build_s']:.1f} s ({result['vertices']} convex vertices, "
        f"{result['candidates']} candidates, {result['edges']} edges); process "
        f"{elapsed:.0f} s, peak RSS {result['peak_mb']:.0f} MB"
    )
    return result


# ----------------------------------------------------------------------------- searoute


def ocean_points(denied: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """searoute network nodes in coastal waters outside every denied state's airspace."""
    import searoute

    nodes = np.array(sorted(searoute.setup_M().nodes), dtype=np.float64)
    nodes = nodes[np.abs(nodes[:, 0]) <= 180.0]  # the network repeats some nodes past 180
    pts = shapely.points(nodes)
    inside = np.zeros(len(nodes), dtype=bool)
    near = np.zeros(len(nodes), dtype=bool)
    for code in denied:
        geometry = states()[code].geometry
        inside |= shapely.intersects_xy(geometry, nodes[:, 0], nodes[:, 1])
        near |= shapely.dwithin(geometry, pts, COAST_DEG)
    keep = nodes[~inside & near]
    # The vectorised screen is the same test as states_at; confirm on what is kept.
    return np.array([p for p in keep if not states_at(p[0], p[1], denied)])


@dataclass(frozen=True)
class OceanPair:
    """Two ocean points and overflight's route between them."""

    a: tuple[float, float]
    b: tuple[float, float]
    ours: OurRoute


def ocean_pairs(
    planner: Planner, points: np.ndarray[Any, Any], count: int, repeats: int
) -> tuple[list[OceanPair], int]:
    """Random pairs of ocean points that overflight can join; returns them and how many
    drawn pairs it could not (enclosed seas: the Mediterranean, Baltic, Black Sea...)."""
    rng = random.Random(SEED)
    out: list[OceanPair] = []
    unreachable = 0
    while len(out) < count:
        i, j = rng.sample(range(len(points)), 2)
        a = (float(points[i][0]), float(points[i][1]))
        b = (float(points[j][0]), float(points[j][1]))
        if geodesic_km(*a, *b) < MIN_OCEAN_KM:
            continue
        o = Place(code="a", name="a", lon=a[0], lat=a[1], kind="point")
        d = Place(code="b", name="b", lon=b[0], lat=b[1], kind="point")
        pair = Pair(o, d, "ocean")
        mine = route_all(planner, [pair], repeats)[0]
        if mine.waypoints is None:
            unreachable += 1
            continue
        out.append(OceanPair(a, b, mine))
    return out, unreachable


def _searoute_call(a: tuple[float, float], b: tuple[float, float]) -> Any:
    import searoute

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # it warns, rather than fails, when no path exists
        return searoute.searoute(list(a), list(b), restrictions=list(SEAROUTE_CLOSED))


def bench_searoute(
    planner: Planner, denied: Sequence[str], count: int, repeats: int
) -> dict[str, Any]:
    """searoute against overflight on ocean pairs: time per query, length and validity."""
    points = ocean_points(denied)
    pairs, unreachable = ocean_pairs(planner, points, count, repeats)
    _say(
        f"  {len(points)} ocean points; {len(pairs)} pairs ({unreachable} drawn pairs dropped: "
        f"no route for overflight)"
    )
    _, t_load = common.timed(lambda: _searoute_call(pairs[0].a, pairs[0].b))
    sr_times, ratios, sr_invalid, sr_none = [], [], 0, 0
    worst: tuple[float, str] = (-math.inf, "")
    for pair in pairs:
        times, lines = [], []
        for _ in range(repeats):
            feature, elapsed = common.timed(partial(_searoute_call, pair.a, pair.b))
            times.append(elapsed)
            lines.append(feature["geometry"]["coordinates"])
        sr_times.append(common.median(times))
        coords = _wrapped(lines[-1])
        if len(coords) < 2:
            sr_none += 1
            continue
        ratio = path_km(coords) / pair.ours.km
        ratios.append(ratio)
        worst = max(worst, (ratio, f"{pair.a} -> {pair.b}"))
        if not _is_valid(coords, _near_states(coords, denied)):
            sr_invalid += 1
    plan_times, our_failed = _time_plan_routes(pairs, denied, repeats)
    ours_q = [p.ours.query_s for p in pairs]
    result: dict[str, Any] = {
        "ocean_points": len(points),
        "pairs": len(pairs),
        "dropped_unreachable": unreachable,
        "searoute_first_call_s": t_load,
        "searoute_closed_passages": list(SEAROUTE_CLOSED),
        "searoute_query": common.distribution_ms(sr_times),
        "our_query": common.distribution_ms(ours_q),
        "our_plan_route": common.distribution_ms(plan_times),
        "our_detours": sum(p.ours.detour for p in pairs),
        "our_plan_route_failed": our_failed,
        "searoute_no_path": sr_none,
        "searoute_enters_territorial_sea": sr_invalid,
        "searoute_length_vs_ours": _ratio_stats(ratios),
        "searoute_worst_pair": worst[1],
    }
    sq, oq, op = result["searoute_query"], result["our_query"], result["our_plan_route"]
    lv = result["searoute_length_vs_ours"]
    _say(
        f"  per query p50: searoute {sq['p50']:.1f} ms, overflight search {oq['p50']:.2f} ms "
        f"({sq['p50'] / oq['p50']:.1f}x faster), plan_route {op['p50']:.1f} ms "
        f"({sq['p50'] / op['p50']:.1f}x faster)"
    )
    _say(
        f"  searoute length vs overflight: median {lv['median_pct']:+.2f} %, worst "
        f"{lv['worst_pct']:+.1f} %, best {lv['best_pct']:+.1f} %; its routes entering "
        f"territorial seas: {sr_invalid}/{len(ratios)}; no path: {sr_none}"
    )
    return result


def _wrapped(coords: Sequence[Sequence[float]]) -> list[tuple[float, float]]:
    """Longitudes in [-180, 180).

    searoute's lines run through nodes at both +180 and -180 (and past 180), and the
    library's antimeridian split divides by zero on a step from +180 to -180
    (``split_antimeridian([(180.0, 0.0), (-180.0, 1.0)])``): one spelling avoids it.
    """
    return [(float((x + 180.0) % 360.0 - 180.0), float(y)) for x, y in coords]


def _near_states(coords: Sequence[tuple[float, float]], denied: Sequence[str]) -> list[str]:
    """Denied states whose airspace a line's points come within a degree of: a cheap
    screen so that check_route does not test every state for every leg."""
    line = shapely.MultiPoint(coords)
    return [c for c in denied if shapely.dwithin(states()[c].geometry, line, 1.0)]


def _time_plan_routes(
    pairs: Sequence[OceanPair], denied: Sequence[str], repeats: int
) -> tuple[list[float], int]:
    """Each pair's median ``plan_route`` time, and how many pairs it failed.

    Timed like searoute's calls (the median of ``repeats`` per pair), but in passes over all
    the pairs rather than back to back: a repeat of the same route would find its legs still
    densified in the verifier's cache, and timed right after searoute's calls it would find
    the processor's caches full of searoute's network instead of overflight's graph.
    """
    times: list[list[float]] = [[] for _ in pairs]
    failed = 0
    for n in range(repeats):
        for k, pair in enumerate(pairs):
            elapsed, ok = _time_plan_route(pair, denied)
            times[k].append(elapsed)
            failed += n == 0 and not ok
    return [common.median(t) for t in times], failed


def _time_plan_route(pair: OceanPair, denied: Sequence[str]) -> tuple[float, bool]:
    """plan_route end to end for an ocean pair, and whether it returned a verified route."""
    o = Place(code="a", name="a", lon=pair.a[0], lat=pair.a[1], kind="point")
    d = Place(code="b", name="b", lon=pair.b[0], lat=pair.b[1], kind="point")
    t0 = time.perf_counter()
    try:
        plan_route(o, d, deny=denied)
    except OverflightError:
        return time.perf_counter() - t0, False
    return time.perf_counter() - t0, True


# ----------------------------------------------------------------------------- report


def targets(figures: dict[str, Any]) -> list[common.Target]:
    """DESIGN.md section 4's peer row: faster per query than searoute, aim 5x."""
    sea = figures.get("searoute")
    if not sea:
        return []
    speedup = sea["searoute_query"]["p50"] / sea["our_plan_route"]["p50"]
    # Expressed as overflight's time over searoute's, so that lower is better like the rest.
    return [
        common.Target(
            "time vs searoute (plan_route p50 / searoute p50)",
            1.0 / speedup,
            1.0,
            0.2,
            "x",
            f"{sea['pairs']} ocean pairs, every state denied",
        ),
        common.Target(
            "time vs searoute (search p50 / searoute p50)",
            sea["our_query"]["p50"] / sea["searoute_query"]["p50"],
            1.0,
            0.2,
            "x",
            "search only",
        ),
    ]


def summary(figures: dict[str, Any]) -> list[str]:
    """Plain lines for the README section."""
    lines = []
    ept = figures.get("extremitypathfinder", {})  # absent with --searoute-only
    for attempt in ept.get("attempts", []):
        what = (
            f"simplified by {attempt['tau_deg']} deg" if attempt["tau_deg"] else "exact obstacles"
        )
        if not attempt["built"]:
            lines.append(
                f"- extremitypathfinder, {what} ({attempt['vertices']} vertices): build stopped "
                f"at its {attempt['stopped']} cap after {attempt['build_s']:.0f} s, RSS "
                f"{attempt['peak_mb']:.0f} MB."
            )
            continue
        lines.append(
            f"- extremitypathfinder, {what} ({attempt['vertices']} vertices): build "
            f"{attempt['build_s']:.1f} s, query p50 {attempt['query']['p50']:.1f} ms "
            f"(overflight {attempt['our_query_same_pairs']['p50']:.3f} ms) over "
            f"{attempt['pairs_queried']} pairs; {100 * attempt['invalid_share']:.1f} % of its "
            f"routes enter denied airspace as great circles; length vs overflight median "
            f"{attempt['length_vs_ours']['median_pct']:+.2f} %, worst "
            f"{attempt['length_vs_ours']['worst_pct']:+.1f} %."
        )
    alls = figures.get("all_states", {})  # absent when skipped on request
    if alls.get("feasible"):
        kept = " (graph read from a kept cache, with its saved build time)" if alls["kept"] else ""
        lines.append(
            f"- overflight with all {alls['states']} states denied: union "
            f"{alls['obstacles_s']:.1f} s, graph {alls['graph_build_s']:.1f} s, "
            f"{alls['vertices']} convex vertices, peak RSS {alls['peak_mb']:.0f} MB"
            f"{kept}."
        )
    elif alls:
        lines.append(
            f"- overflight with all states denied: not built within {alls['wall_s']:.0f} s "
            f"(RSS reached {alls.get('peak_rss_seen_mb', 0):.0f} MB)."
        )
    sea = figures.get("searoute")
    if sea:
        lv = sea["searoute_length_vs_ours"]
        lines.append(
            f"- searoute on {sea['pairs']} ocean pairs: p50 {sea['searoute_query']['p50']:.1f} ms "
            f"vs overflight search {sea['our_query']['p50']:.2f} ms and plan_route "
            f"{sea['our_plan_route']['p50']:.1f} ms; its length vs overflight median "
            f"{lv['median_pct']:+.2f} %, worst {lv['worst_pct']:+.1f} %, best "
            f"{lv['best_pct']:+.1f} %; {sea['searoute_enters_territorial_sea']} of its routes "
            f"enter some state's territorial sea."
        )
    return lines


# ----------------------------------------------------------------------------- main


def run(args: argparse.Namespace) -> None:
    """The whole benchmark, in the order of the module docstring."""
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)
    figures: dict[str, Any] = {}
    pairs = all_pairs(args.pairs)
    figures["workload"] = {"pairs": len(pairs), "id": workload_id(pairs)}
    if not args.searoute_only:
        _conflict_26_part(args, pairs, figures)
    if not args.skip_searoute:
        _searoute_part(args, figures)
    info["load_average_end"] = list(os.getloadavg())
    rows = targets(figures)
    name = args.name or ("peers-searoute" if args.searoute_only else "peers")
    path = common.write_results(name, info, figures, rows, summary(figures), args.out)
    _say(f"\nwrote {path}")


def _conflict_26_part(
    args: argparse.Namespace, pairs: Sequence[Pair], figures: dict[str, Any]
) -> None:
    """overflight's build and queries on conflict-26, then extremitypathfinder on them."""
    with common.fresh_cache_dir():
        _say("overflight on conflict-26")
        planner, t_build = common.timed(lambda: planner_for(CONFLICT_26))
        ours = route_all(planner, pairs, args.repeats)
        figures["overflight"] = {
            "build_s": t_build,
            "query": common.distribution_ms([r.query_s for r in ours]),
            "detours": sum(r.detour for r in ours),
            "no_route": sum(r.waypoints is None for r in ours),
        }
        _say(
            f"  first build in this process {t_build:.1f} s, query p50 "
            f"{figures['overflight']['query']['p50']:.3f} ms, {figures['overflight']['detours']} "
            f"detours"
        )
    _section(
        "extremitypathfinder on conflict-26",
        lambda: figures.update(
            extremitypathfinder=bench_extremitypathfinder(
                build_obstacles(denied_26(), 0.0),
                pairs,
                ours,
                args.ept_build_cap,
                args.ept_query_budget,
                args.ept_fallback_tau,
                args.ept_fallback_cap,
                args.ept_memory_cap,
            )
        ),
    )


def _all_states_cache(args: argparse.Namespace) -> contextlib.AbstractContextManager[Path]:
    """The cache directory for the all-states graph: a fresh one, or the one given to keep."""
    if args.graph_cache is None:
        return common.fresh_cache_dir()
    return _kept_cache_dir(args.graph_cache)


@contextlib.contextmanager
def _kept_cache_dir(directory: Path) -> Iterator[Path]:
    """Point OVERFLIGHT_CACHE_DIR at a directory kept between runs."""
    directory.mkdir(parents=True, exist_ok=True)
    old = os.environ.get("OVERFLIGHT_CACHE_DIR")
    os.environ["OVERFLIGHT_CACHE_DIR"] = str(directory)
    try:
        yield directory
    finally:
        if old is None:
            os.environ.pop("OVERFLIGHT_CACHE_DIR", None)
        else:
            os.environ["OVERFLIGHT_CACHE_DIR"] = old


def _searoute_part(args: argparse.Namespace, figures: dict[str, Any]) -> None:
    """The all-states build, then searoute against it if the build was feasible."""
    with _all_states_cache(args) as cache:
        _section(
            "overflight with every state denied",
            lambda: figures.update(all_states=build_all_states(cache, args.all_states_cap)),
        )
        figures["all_states"]["kept"] = args.graph_cache is not None
        if figures["all_states"]["feasible"]:
            denied = tuple(sorted(states()))
            planner = planner_for(denied)  # loads what the child built
            _section(
                "searoute vs overflight on ocean pairs",
                lambda: figures.update(
                    searoute=bench_searoute(planner, denied, args.ocean_pairs, args.repeats)
                ),
            )


def _section(title: str, body: Callable[[], object]) -> None:
    _say(title)
    _, seconds = common.timed(body)
    _say(f"  ({seconds:.0f} s)")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments; run the benchmark or one of its child processes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--pairs", type=int, default=1000, help="random conflict-26 pairs (named ones are added)")
    add("--repeats", type=int, default=3, help="runs per query, the median is kept")
    add("--ept-build-cap", type=float, default=120.0, help="seconds for its exact build")
    add("--ept-fallback-cap", type=float, default=600.0, help="seconds for the simplified build")
    add("--ept-memory-cap", type=float, default=8.0, help="GB of address space for it")
    add("--ept-query-budget", type=float, default=120.0, help="seconds of its queries")
    add(
        "--ept-fallback-tau", type=float, default=0.02, help="degrees, if the exact build is capped"
    )
    add("--all-states-cap", type=float, default=1200.0, help="seconds for the all-states build")
    add("--ocean-pairs", type=int, default=200, help="ocean pairs for searoute")
    add("--out", type=Path, default=common.RESULTS_DIR, help="directory for the results")
    add(
        "--name",
        help="results file and README section name (peers, or peers-searoute with --searoute-only)",
    )
    add("--skip-searoute", action="store_true", help="extremitypathfinder only")
    add("--searoute-only", action="store_true", help="the all-states graph and searoute only")
    add(
        "--graph-cache",
        type=Path,
        help="directory kept between runs for the all-states graph (default: a fresh one)",
    )
    add("--child", choices=["ept", "all-states"], help=argparse.SUPPRESS)
    add("--input", type=Path, help=argparse.SUPPRESS)
    add("--build-cap", type=float, default=0.0, help=argparse.SUPPRESS)
    add("--query-budget", type=float, default=0.0, help=argparse.SUPPRESS)
    add("--memory-cap", type=float, default=8.0, help=argparse.SUPPRESS)
    add("--cache", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child == "ept":
        result = _child_ept(args.input, args.build_cap, args.query_budget, args.memory_cap)
        print(json.dumps(result))
    elif args.child == "all-states":
        print(json.dumps(_child_all_states(args.cache)))
    else:
        run(args)


if __name__ == "__main__":
    main()
