"""Chokepoint analysis for the syria-2015 route and Helsinki-Tokyo under russia-2022.

Times ``find_chokepoints`` (ranking and cut sets up to the given size) with a cold graph cache
(a fresh cache directory holding no graph, fresh process) and a warm one (the same directory,
another fresh process: graphs come from disk), and writes ``results/chokepoints-<YYYYMMDD>.json``
(or ``--output``). The shipped tables' cache (``data/`` beside ``graphs/``), which any first
command builds once, is made before the runs and copied into each fresh directory, so that a
cold run times the graphs alone. Each run's processor time (user and system, every thread)
is recorded beside its wall time: on a shared machine it says more.

    PYTHONPATH=src python benchmarks/bench_chokepoints.py [--max-set-size 3] [--runs 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

CASES = {
    "syria-2015 UUMU-OSLK": ("UUMU", "OSLK", "syria-2015"),
    "russia-2022 EFHK-RJAA": ("EFHK", "RJAA", "russia-2022"),
}

_CHILD = """
import json, resource, sys, time
from overflight.analysis import find_chokepoints, scenario_case
from overflight.data.airspace import states
origin, destination, scenario, size = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
states()  # loading the shipped polygons is start-up, not analysis
permissions = scenario_case(scenario, origin, destination).permissions
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
t0, c0 = time.perf_counter(), cpu()
report = find_chokepoints(origin, destination, permissions=permissions, max_set_size=size)
seconds, cpu_s = time.perf_counter() - t0, cpu() - c0
print(json.dumps({
    "seconds": seconds, "cpu_s": cpu_s, "plans": report.plans,
    "baseline_km": report.baseline.distance_km,
    "ranking": [[p.country, p.extra_km, p.cuts] for p in report.ranking],
    "cut_sets": [list(s) for s in report.cut_sets],
}))
"""


def run(case: tuple[str, str, str], size: int, cache: Path) -> dict[str, object]:
    env = {**os.environ, "OVERFLIGHT_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, *case, str(size)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def tables(case: tuple[str, str, str], cache: Path) -> None:
    """Fill a cache directory with the shipped tables' cache, and no graph."""
    run(case, 0, cache)
    shutil.rmtree(cache / "graphs", ignore_errors=True)


def median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(r[key]) for r in runs)  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-set-size", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--output", help="file name in results/ (default: dated)")
    args = parser.parse_args()
    figures: dict[str, object] = {}
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as prepared:
        tables(next(iter(CASES.values())), Path(prepared))
        for name, case in CASES.items():
            cold, warm = [], []
            last: dict[str, object] = {}
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as tmp:
                    cache = Path(tmp) / "cache"
                    shutil.copytree(prepared, cache)
                    cold.append(run(case, args.max_set_size, cache))
                    warm.append(run(case, args.max_set_size, cache))
                    last = warm[-1]
            figures[name] = entry = {
                "cold_s": median(cold, "seconds"),
                "warm_s": median(warm, "seconds"),
                "cold_cpu_s": median(cold, "cpu_s"),
                "warm_cpu_s": median(warm, "cpu_s"),
                "plans": last["plans"],
                "baseline_km": last["baseline_km"],
                "ranking": last["ranking"],
                "cut_sets": last["cut_sets"],
            }
            print(
                f"{name}: cold {entry['cold_s']:.2f} s ({entry['cold_cpu_s']:.2f} s CPU), "
                f"warm {entry['warm_s']:.2f} s ({entry['warm_cpu_s']:.2f} s CPU), "
                f"{entry['plans']} plans, cut sets {entry['cut_sets']}"
            )
    record = {
        "benchmark": "chokepoints",
        "date": dt.date.today().isoformat(),
        "max_set_size": args.max_set_size,
        "runs": args.runs,
        "machine": {
            "platform": platform.platform(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "processor": platform.processor(),
            "load_average": {"start": load, "end": os.getloadavg()},
        },
        "cases": figures,
    }
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    target = results / (args.output or f"chokepoints-{dt.date.today():%Y%m%d}.json")
    target.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"written {target}")


if __name__ == "__main__":
    main()
