"""Registry benchmark: resolving what applies to one request (issue 11: at most 5 ms).

Run from the repository root::

    python -m benchmarks.bench_registry            # or: python benchmarks/bench_registry.py

Times, in this process:

- ``world()`` read cold (every event file validated), in a fresh child process, median of
  ``--runs``;
- ``World.resolve`` for one request (operator or airline, category, date, the two endpoint
  states) over ``--requests`` random requests (fixed seed), warm: the airline's rules already
  selected, as in a server; and the first request of each airline (its rules selected then);
- ``World.rules_for`` and ``World.refused_by`` (what ``overflight restrictions`` lists);
- ``route_timeline`` Finnair EFHK-RJAA over 2014-12-01 .. 2026-12-01 (twelve years) in a fresh
  child process with an empty graph cache (cold: imports, graphs built), then again in the same
  process (warm), median of ``--timeline-runs`` (issue 11: at most 10 s cold, 2 s warm).

Prints medians and percentiles, and writes ``benchmarks/results/registry-<date>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from overflight._config import REGISTRY_FIRST_DAY
from overflight.data.airlines import airlines
from overflight.registry import world

SEED = 20141
CATEGORIES = ("civil", "civil", "civil", "state", "state_military")
TIMELINE_CHILD = (
    "import time, json, datetime as dt; t = time.perf_counter(); c = time.process_time(); "
    "from overflight.analysis.timeline import route_timeline; "
    "from overflight.routing.graph import use_compiled_queries; use_compiled_queries(False); "
    "ask = dict(airline='FIN', start=dt.date(2014, 12, 1), end=dt.date(2026, 12, 1)); "
    "line = route_timeline('EFHK', 'RJAA', **ask); cold = time.perf_counter() - t; "
    "cold_cpu = time.process_time() - c; t = time.perf_counter(); c = time.process_time(); "
    "route_timeline('EFHK', 'RJAA', **ask); "
    "print(json.dumps({'cold': cold, 'warm': time.perf_counter() - t, 'cold_cpu': cold_cpu, "
    "'warm_cpu': time.process_time() - c, 'steps': len(line.steps), 'plans': line.plans}))"
)
COLD_CHILD = (
    "import time; t = time.perf_counter(); from overflight.registry import world; world(); "
    "import json; print(json.dumps({'seconds': time.perf_counter() - t}))"
)


def requests(count: int) -> list[dict[str, Any]]:
    """Random requests: half by airline (named in the registry or any active), half by state."""
    rng = random.Random(SEED)
    active = sorted(a.icao for a in airlines().values() if a.active)
    named = sorted(a.icao for a in airlines().values() if a.source == "registry")
    states = sorted({a.state for a in airlines().values()})
    span = (world().as_of - REGISTRY_FIRST_DAY).days
    out = []
    for k in range(count):
        day = REGISTRY_FIRST_DAY + dt.timedelta(days=rng.randrange(span + 1))
        ends = [rng.choice(states), rng.choice(states)]
        if k % 2:
            pool = named if rng.random() < 0.5 else active
            out.append({"airline": rng.choice(pool), "date": day, "endpoints": ends})
        else:
            who = {"operator": rng.choice(states), "category": rng.choice(CATEGORIES)}
            out.append({**who, "date": day, "endpoints": ends})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeline-runs", type=int, default=3)
    args = parser.parse_args()
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)

    cold = [
        common.run_child(["-c", COLD_CHILD], common.child_env(), 300)[0]["seconds"]
        for _ in range(args.runs)
    ]
    print(f"world() cold, fresh process: median {common.median(cold):.2f} s")

    w = world()
    asked = requests(args.requests)
    first: list[float] = []
    w._selected.clear()
    for code in dict.fromkeys(r["airline"] for r in asked if "airline" in r):
        t0 = time.perf_counter()
        w.selection(code)
        first.append(time.perf_counter() - t0)
    warm = []
    for request in asked:
        t0 = time.perf_counter()
        w.resolve(**request)
        warm.append(time.perf_counter() - t0)
    listing = []
    for request in asked[:200]:
        t0 = time.perf_counter()
        if "operator" in request:
            w.rules_for(operator=request["operator"], date=request["date"])
        w.refused_by(request["endpoints"][0], date=request["date"])
        listing.append(time.perf_counter() - t0)

    lines = []
    for _ in range(args.timeline_runs):
        with common.fresh_cache_dir():
            lines.append(common.run_child(["-c", TIMELINE_CHILD], common.child_env(), 600)[0])
    cold_line = common.median([x["cold"] for x in lines])
    warm_line = common.median([x["warm"] for x in lines])
    print(f"timeline, 12 years: cold {cold_line:.2f} s, warm {warm_line:.2f} s")

    figures = {
        "seed": SEED,
        "requests": args.requests,
        "rules": len(w.rules),
        "events": len(w.events),
        "world_cold_s": {"runs": cold, "median": common.median(cold)},
        "resolve_warm_ms": common.distribution_ms(warm),
        "airline_rules_first_ms": common.distribution_ms(first),
        "restrictions_listing_ms": common.distribution_ms(listing),
        "timeline_fin_efhk_rjaa_12y": {
            "runs": lines,
            "cold_s": cold_line,
            "warm_s": warm_line,
            # CPU time of the process: what the machine's other load does not inflate.
            "cold_cpu_s": common.median([x["cold_cpu"] for x in lines]),
            "warm_cpu_s": common.median([x["warm_cpu"] for x in lines]),
        },
    }
    resolve = figures["resolve_warm_ms"]
    targets = [
        common.Target(
            "resolving what applies for one request, p50",
            float(resolve["p50"]),
            5.0,
            1.0,
            "ms",
            f"{args.requests} random requests (seed {SEED}), warm",
        ),
        common.Target(
            "timeline over 12 years, cold",
            cold_line,
            10.0,
            10.0,
            "s",
            "EFHK-RJAA, FIN, fresh process and graph cache",
        ),
        common.Target(
            "timeline over 12 years, warm",
            warm_line,
            2.0,
            2.0,
            "s",
            "the same again in that process",
        ),
    ]
    summary = [
        f"- `world()` cold in a fresh process: median {common.median(cold):.2f} s "
        f"({len(w.events)} events, {len(w.rules)} rules).",
        f"- `World.resolve` warm: p50 {resolve['p50']:.2f} ms, p99 {resolve['p99']:.2f} ms, "
        f"max {resolve['max']:.2f} ms.",
        f"- an airline's rules selected on its first request: p50 "
        f"{figures['airline_rules_first_ms']['p50']:.2f} ms.",
        f"- `rules_for` plus `refused_by` (the `restrictions` command's lists): p50 "
        f"{figures['restrictions_listing_ms']['p50']:.2f} ms.",
        f"- `timeline EFHK RJAA --airline FIN`, 2014-12-01 to 2026-12-01: "
        f"{lines[0]['steps']} steps, {lines[0]['plans']} routes planned; cold "
        f"{cold_line:.2f} s, warm {warm_line:.2f} s (medians of {len(lines)}; CPU time "
        f"{figures['timeline_fin_efhk_rjaa_12y']['cold_cpu_s']:.2f} s cold, "
        f"{figures['timeline_fin_efhk_rjaa_12y']['warm_cpu_s']:.2f} s warm).",
    ]
    print("\n".join(summary))
    path = common.write_results("registry", info, figures, targets, summary)
    print(f"written {path}")


if __name__ == "__main__":
    main()
