"""Advisory layer benchmark: what advisories add to the conflict-26 build and detour queries.

Run from the repository root::

    python -m benchmarks.bench_advisories        # or: python benchmarks/bench_advisories.py

Issue 12 asks that advisories add at most 20 % to the conflict-26 build and to the detour
query p50. Two layers (``advisories_for`` and ``advisory_areas``): a German operator's on
2020-02-01 at FL230 (EASA's bulletins on Iran below FL250, Iraq, Syria, Libya, Mali: all
states conflict-26 refuses anyway), and a US operator's on 2020-01-10 at FL350 (the FAA's
notices, with the gulfs' waters that no state refuses). The conflict-26 denied set is built
and queried without and with each,
in this process after a warm-up, the graphs built afresh each run (``build_obstacles`` and
``VisibilityGraph.build``), without and with in turn. Times are CPU seconds of this process
(wall seconds are recorded too): the machine is shared by others whose load changes by the
minute. A build's figure is the median of its runs, a pair's query time the fastest of its
repeats. Query p50s are taken over the workload's detour pairs (random
pairs of airports outside conflict-26) that detour under both; pairs with an endpoint inside
an advisory area reaching the ground are left out of both. The areas themselves are built
once per advisory and cached (``routing/advisory_areas.py``): their first build is timed
apart. Prints the figures and writes ``benchmarks/results/advisories-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import shapely

from benchmarks import common
from benchmarks.workload import all_pairs, denied_26
from overflight.geo.sphere import to_xyz
from overflight.registry import advisories_for
from overflight.routing.advisory_areas import advisory_areas
from overflight.routing.closure import AdvisoryArea
from overflight.routing.graph import VisibilityGraph
from overflight.routing.obstacles import build_obstacles

#: The layers measured: (operator state, date, flight level).
LAYERS = (("DE", dt.date(2020, 2, 1), 230), ("US", dt.date(2020, 1, 10), 350))
#: The issue's bound on what the layer may add.
MOST_ADDED = 0.20


def layer(operator: str, day: dt.date, level: int) -> tuple[tuple[AdvisoryArea, ...], float]:
    """The advisory areas at the level, and the seconds their first build took."""
    t0 = time.perf_counter()
    areas = advisory_areas(advisories_for(operator=operator, category="civil", on=day), level)
    return areas, time.perf_counter() - t0


def build(advisory: tuple[bytes, ...]) -> tuple[VisibilityGraph, float, float]:
    """The conflict-26 graph built afresh (union, then graph): it, wall and CPU seconds."""
    build_obstacles.cache_clear()
    wall, cpu = time.perf_counter(), time.process_time()
    obstacles = build_obstacles(denied_26(), 0.0, (), (), advisory)
    graph = VisibilityGraph.build(obstacles)
    return graph, time.perf_counter() - wall, time.process_time() - cpu


def queries(
    graph: VisibilityGraph, ends: list[tuple[Any, Any]], repeats: int
) -> tuple[np.ndarray[Any, Any], list[bool]]:
    """Each pair's fastest query time (CPU s) over the repeats, and whether it detours."""
    times = np.zeros((repeats, len(ends)))
    detour = [False] * len(ends)
    for r in range(repeats):
        for k, (a, b) in enumerate(ends):
            t0 = time.process_time()
            path = graph.shortest_path(a, b)
            times[r, k] = time.process_time() - t0
            detour[k] = path is not None and len(path) > 2
    return np.min(times, axis=0), detour


def measure(operator: str, day: dt.date, level: int, args: argparse.Namespace) -> dict[str, Any]:
    """One layer against none: builds interleaved, then queries on the same pairs."""
    areas, first_layer_s = layer(operator, day, level)
    obstacle_wkb = tuple(a.wkb for a in areas if a.obstacle)
    ground = shapely.union_all([shapely.from_wkb(a.wkb) for a in areas if a.to_ground])
    name = f"{operator} on {day} at FL{level}"
    print(
        f"{name}: {len(areas)} areas ({len(obstacle_wkb)} obstacles), first build "
        f"{first_layer_s:.2f} s"
    )
    # Interleaved, and in CPU seconds: the machine is shared, and its load changes by the minute.
    runs: dict[str, list[tuple[float, float]]] = {"without": [], "with": []}
    for _ in range(args.runs):
        plain, *plain_t = build(())
        bound, *bound_t = build(obstacle_wkb)
        runs["without"].append((plain_t[0], plain_t[1]))
        runs["with"].append((bound_t[0], bound_t[1]))
    build_plain = common.median([cpu for _, cpu in runs["without"]])
    build_bound = common.median([cpu for _, cpu in runs["with"]])
    pairs = [
        p
        for p in all_pairs(args.pairs)
        if not shapely.intersects(ground, shapely.Point(*p.origin.lonlat))
        and not shapely.intersects(ground, shapely.Point(*p.destination.lonlat))
    ]
    ends = [
        (to_xyz(p.origin.lon, p.origin.lat), to_xyz(p.destination.lon, p.destination.lat))
        for p in pairs
    ]
    queries(plain, ends[:50], 1)  # warm-up
    t_plain, d_plain = queries(plain, ends, args.repeats)
    t_bound, d_bound = queries(bound, ends, args.repeats)
    both = np.array([a and b for a, b in zip(d_plain, d_bound, strict=True)])
    p50_plain = float(np.median(t_plain[both]) * 1000)
    p50_bound = float(np.median(t_bound[both]) * 1000)
    result: dict[str, Any] = {
        "operator": operator,
        "date": day.isoformat(),
        "flight_level": level,
        "areas": [a.id for a in areas],
        "obstacles": len(obstacle_wkb),
        "first_build_s": first_layer_s,
        "vertices": {"without": plain.stats.vertices, "with": bound.stats.vertices},
        "build_s_wall_cpu": runs,
        "build_median_cpu_s": {"without": build_plain, "with": build_bound},
        "build_added": build_bound / build_plain - 1.0,
        "pairs": len(pairs),
        "detour_pairs_both": int(both.sum()),
        "detour_p50_ms_both": {"without": p50_plain, "with": p50_bound},
        "detour_query_added": p50_bound / p50_plain - 1.0,
        "detour_ms_each": {
            "without": common.distribution_ms(t_plain[np.array(d_plain)].tolist()),
            "with": common.distribution_ms(t_bound[np.array(d_bound)].tolist()),
        },
    }
    line = (
        f"- {name}: {len(areas)} areas, {len(obstacle_wkb)} obstacles (first build "
        f"{first_layer_s:.2f} s, then cached); graph vertices {plain.stats.vertices} without, "
        f"{bound.stats.vertices} with. Build conflict-26 (union + graph, median CPU of "
        f"{args.runs}): {build_plain:.2f} s without, {build_bound:.2f} s with "
        f"({100 * result['build_added']:+.1f} %). Detour query p50 over the "
        f"{int(both.sum())} pairs detouring under both: {p50_plain:.3f} ms without, "
        f"{p50_bound:.3f} ms with ({100 * result['detour_query_added']:+.1f} %)."
    )
    print(line)
    result["summary"] = line
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds of each graph")
    parser.add_argument("--repeats", type=int, default=3, help="queries of each pair")
    parser.add_argument("--pairs", type=int, default=1000, help="random pairs of the workload")
    args = parser.parse_args()
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)
    build(())  # warm-up: numba's compiled code loaded, data read
    layers = [measure(*which, args) for which in LAYERS]
    targets = [
        common.Target(
            f"advisories ({r['operator']} {r['date']} FL{r['flight_level']}): added to the "
            f"conflict-26 {what}",
            100 * r[key],
            100 * MOST_ADDED,
            100 * MOST_ADDED,
            "%",
            note,
        )
        for r in layers
        for what, key, note in (
            ("build", "build_added", f"median CPU time of {args.runs} builds, interleaved"),
            ("detour query p50", "detour_query_added", f"{r['detour_pairs_both']} pairs"),
        )
    ]
    summary = [r["summary"] for r in layers]
    path = common.write_results("advisories", info, {"layers": layers}, targets, summary)
    print(f"written {path}")


if __name__ == "__main__":
    main()
