"""Wind times and time-optimal route choice on the conflict-26 workload (issue 13).

Run from the repository root::

    python -m benchmarks.bench_wind            # or: python benchmarks/bench_wind.py

It builds the conflict-26 graph in a temporary OVERFLIGHT_CACHE_DIR, plans the workload's first
random pairs (fixed seed), keeps those that must detour and times, warm, per pair (median of
``--runs``): the wind time of the shortest route in January (``route_time``), and the choice of
the fastest of ``k`` = 4 distinct routes in January's wind (``fastest_route``: the distinct
routes, their verification, their wind times and the full report of the one chosen). Writes
``benchmarks/results/wind-<date>.json``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.workload import CONFLICT_26, random_pairs, workload_id
from overflight.analysis.timing import fastest_route, route_time
from overflight.errors import OverflightError
from overflight.models import Route
from overflight.routing.planner import Planner, planner_for

MONTH = 1
K = 4


def _median_seconds(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _line(title: str, d: dict[str, Any]) -> None:
    print(
        f"  {title}: p50 {d['p50']:.2f} ms, p90 {d['p90']:.2f} ms, p99 {d['p99']:.2f} ms, "
        f"max {d['max']:.1f} ms (n={d['n']})",
        flush=True,
    )


def detour_routes(planner: Planner, count: int) -> list[Route]:
    """The shortest routes of the first ``count`` random pairs that must detour."""
    routes = []
    for pair in random_pairs(count):
        try:
            route = planner.route(pair.origin, pair.destination)
        except OverflightError:
            continue  # no route: nothing to time
        if not route.is_direct:
            routes.append(route)
    return routes


def run(args: argparse.Namespace) -> None:
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)
    with common.fresh_cache_dir():
        t0 = time.perf_counter()
        planner = planner_for(CONFLICT_26)
        build_s = time.perf_counter() - t0
        print(f"conflict-26 graph built in {build_s:.1f} s", flush=True)
        routes = detour_routes(planner, args.pairs)
        print(f"{len(routes)} of the first {args.pairs} random pairs must detour", flush=True)
        # Warm-up: compiled kernels, wind fields, large obstacles of the closure.
        for route in routes[:3]:
            route_time(route, month=MONTH)
            fastest_route(planner, route, month=MONTH, k=K)

        wind_s = [
            _median_seconds(lambda r=r: route_time(r, month=MONTH), args.runs) for r in routes
        ]
        choice_s: list[float] = []
        considered: list[int] = []
        changed = 0
        for route in routes:
            chosen, options = fastest_route(planner, route, month=MONTH, k=K)
            considered.append(len(options))
            changed += chosen is not route
            choice_s.append(
                _median_seconds(
                    lambda r=route: fastest_route(planner, r, month=MONTH, k=K), args.runs
                )
            )
    wind = common.distribution_ms(wind_s)
    choice = common.distribution_ms(choice_s)
    _line("wind time of one route (January)", wind)
    _line(f"--optimise time, k = {K} (January)", choice)
    mean_considered = statistics.mean(considered) if considered else 0.0
    print(
        f"  routes considered per pair: mean {mean_considered:.2f}; the fastest is not the "
        f"shortest for {changed} of {len(routes)} pairs",
        flush=True,
    )
    figures = {
        "workload": workload_id(random_pairs(args.pairs)),
        "pairs": args.pairs,
        "detour_pairs": len(routes),
        "runs_per_pair": args.runs,
        "month": MONTH,
        "k": K,
        "build_s": build_s,
        "wind_time": wind,
        "optimise_time": choice,
        "mean_routes_considered": mean_considered,
        "fastest_not_shortest": changed,
    }
    targets = [
        common.Target("wind time of one route, p50", wind.get("p50"), 2.0, 1.0, "ms", "route_time"),
        common.Target(
            f"--optimise time, k = {K}, detour pairs p50 (warm)",
            choice.get("p50"),
            50.0,
            20.0,
            "ms",
            "fastest_route",
        ),
    ]
    summary = [
        f"{len(routes)} detour pairs of {args.pairs}: wind time p50 {wind.get('p50', 0):.2f} ms; "
        f"--optimise time (k = {K}) p50 {choice.get('p50', 0):.1f} ms, p99 "
        f"{choice.get('p99', 0):.1f} ms; {mean_considered:.2f} routes considered per pair, the "
        f"fastest not the shortest for {changed}.",
    ]
    path = common.write_results("wind", info, figures, targets, summary, out_dir=args.out)
    print(f"wrote {path}", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=200, help="random pairs drawn (seeded)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per pair (median)")
    parser.add_argument(
        "--out", type=Path, default=common.RESULTS_DIR, help="directory for the results"
    )
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
