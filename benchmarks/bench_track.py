"""Observed flights (issue 14): a 5,000-fix track reported, and --explain, warm.

Run from the repository root::

    python -m benchmarks.bench_track            # or: python benchmarks/bench_track.py

Two tracks are flown along the planner's own routes, with seeded noise of 0.5 km and
irregular spacing: UUMU to OSLK over the Caspian on 2015-09-15 (Russian state aircraft) and
Tel Aviv to New York through Gibraltar. Each is written as a 5,000-fix CSV. Timed, median of
``--runs`` after one warm-up run (graphs in memory and in the OVERFLIGHT_CACHE_DIR): reading
and reporting the track (``read_track`` and ``report_track``: states with times, approaches,
the shortest legal route, violations), and ``explain_track``. Writes
``benchmarks/results/track-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from benchmarks import common
from overflight.analysis.plan import plan_request
from overflight.analysis.request import FlightRequest
from overflight.analysis.track import explain_track, read_track, report_track
from overflight.geo.ellipsoid import densify_path, wgs84

POINTS = 5000
CASES: dict[str, tuple[FlightRequest, dict[str, Any]]] = {
    "syria-2015": (
        FlightRequest(
            origin="UUMU",
            destination="OSLK",
            operator="RU",
            category="state",
            date=dt.date(2015, 9, 15),
            deny=("AZ", "AM"),
        ),
        {"operator": "RU", "category": "state"},
    ),
    "tlv-jfk-gibraltar": (
        FlightRequest(
            origin="LLBG", destination="KJFK", deny=("FR,ES,IT,GR,TR,AL,HR,ME,SI,BA,CH,AT",)
        ),
        {"deny": ("FR", "ES")},
    ),
}


def _write_track(waypoints: Sequence[tuple[float, float]], path: Path, seed: int) -> None:
    """POINTS fixes along the route, irregularly spaced, moved by up to 0.5 km, timed."""
    rng = np.random.default_rng(seed)
    dense = np.asarray(densify_path(waypoints, 1.0))
    _, _, metres = wgs84().inv(dense[:-1, 0], dense[:-1, 1], dense[1:, 0], dense[1:, 1])
    along = np.concatenate([[0.0], np.cumsum(metres) / 1000.0])
    km = np.sort(rng.uniform(0.0, along[-1], POINTS - 2))
    km = np.concatenate([[0.0], km, [along[-1]]])
    lon = np.interp(km, along, dense[:, 0]) + rng.uniform(-0.005, 0.005, POINTS)
    lat = np.interp(km, along, dense[:, 1]) + rng.uniform(-0.0045, 0.0045, POINTS)
    start = dt.datetime(2015, 9, 15, 6, tzinfo=dt.UTC).timestamp()
    seconds = start + km / (430.0 * 1.852) * 3600.0
    rows = (f"{int(s)},{y:.6f},{x:.6f}" for s, x, y in zip(seconds, lon, lat, strict=True))
    path.write_text("time,lat,lon\n" + "\n".join(rows) + "\n", encoding="utf-8")


def _median(func: Callable[[], object], runs: int) -> float:
    func()  # warm-up: graphs built or read from disk
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(args: argparse.Namespace) -> None:
    """Time the report and the explanation of each case."""
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed, (name, (request, options)) in enumerate(CASES.items()):
            path = Path(tmp) / f"{name}.csv"
            _write_track(plan_request(request).route.waypoints, path, seed)
            report_s = _median(
                lambda p=path, o=options: report_track(read_track(p), **o), args.runs
            )
            report = report_track(read_track(path), **options)
            explain_s = _median(lambda r=report: explain_track(r), args.runs)
            answer = explain_track(report)
            best = answer.explanations[0].refused if answer.explanations else ()
            figures[name] = {
                "points": len(report.track.points),
                "report_s": report_s,
                "explain_s": explain_s,
                "explain_plans": answer.plans,
                "best_set": list(best),
            }
            print(
                f"  {name}: {len(report.track.points)} fixes, report {report_s:.2f} s, "
                f"explain {explain_s:.2f} s ({answer.plans} plans, best {' '.join(best)})",
                flush=True,
            )
    worst_report = max(f["report_s"] for f in figures.values())
    worst_explain = max(f["explain_s"] for f in figures.values())
    targets = [
        common.Target("5,000-fix track read and reported", worst_report, 1.0, 0.5, "s"),
        common.Target("--explain, warm", worst_explain, 10.0, 3.0, "s"),
    ]
    summary = [
        f"{n}: report {f['report_s']:.2f} s, explain {f['explain_s']:.2f} s"
        for n, f in figures.items()
    ]
    path = common.write_results("track", info, figures, targets, summary, out_dir=args.out)
    print(f"wrote {path}", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs (median)")
    parser.add_argument(
        "--out", type=Path, default=common.RESULTS_DIR, help="directory for the results"
    )
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
