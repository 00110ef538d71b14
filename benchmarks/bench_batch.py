"""Batch benchmark: 10,000 conflict-26 pairs through ``overflight batch`` (DESIGN.md section 4).

Run from the repository root::

    python -m benchmarks.bench_batch            # or: python benchmarks/bench_batch.py

It writes the workload's first 10,000 random pairs (fixed seed) to a pairs file, builds the
conflict-26 graph once in a temporary OVERFLIGHT_CACHE_DIR and writes the bytecode of what the
command imports into a temporary cache (as an installed package has it: the children do not
compile), then times:

- ``overflight batch pairs.csv --deny <conflict-26> -o results.parquet`` end to end as a
  subprocess on every local core (process start, imports, graph load, planning, writing),
  median of ``--runs``;
- the same batch on a two-worker Dask ``LocalCluster`` (one thread each), from the library
  (``run_batch(..., scheduler=...)``), cluster already started, median of ``--dask-runs``;
- time per pair on one process for pairs whose great circle is clear and for those that must
  detour (``run_task`` over chunks of each kind, warm), and for the destinations reached from
  12 hubs (a network: the search tests each hub's legs once);

checks that every run wrote the same rows, counts routes that failed their check, prints the
figures and writes ``benchmarks/results/batch-<date>.json``.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common
from benchmarks.workload import CONFLICT_26, random_pairs, workload_id
from overflight.analysis.batch import BatchOptions, default_workers, read_results, run_batch
from overflight.analysis.batch.jobs import Job, Task, run_task
from overflight.data.airspace import denied_closure
from overflight.routing.closure import Closure

DENY = ",".join(CONFLICT_26)


def _say(text: str) -> None:
    print(text, flush=True)


def write_pairs(path: Path, count: int) -> str:
    """The workload's first `count` random pairs as a pairs file; returns the workload id."""
    pairs = random_pairs(count)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["origin", "destination"])
        writer.writerows([p.origin.code, p.destination.code] for p in pairs)
    return workload_id(pairs)


def bench_cli(pairs: Path, work: Path, runs: int, env: dict[str, str]) -> dict[str, Any]:
    """The command end to end on every local core; wall time, and CPU time of its processes.

    The CPU seconds (user and system, the command and its workers) hardly depend on what
    else the machine runs, so they compare runs made under different loads.
    """
    times, cpu = [], []
    for k in range(runs):
        out = work / f"cli-{k}.parquet"
        cmd = [sys.executable, "-m", "overflight", "batch", str(pairs), "-d", DENY, "-o", str(out)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=1800)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        _say(f"  run {k + 1}: {times[-1]:.1f} s, {cpu[-1]:.1f} s of CPU")
    return {
        "runs_s": times,
        "median_s": common.median(times),
        "cpu_s": cpu,
        "median_cpu_s": common.median(cpu),
        "workers": default_workers(),
    }


def bench_dask(pairs: Path, work: Path, runs: int) -> dict[str, Any]:
    """The same batch on a two-worker LocalCluster (processes, one thread each)."""
    import distributed

    times = []
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        for k in range(runs):
            out = work / f"dask-{k}.parquet"
            t0 = time.perf_counter()
            run_batch(
                pairs, out, BatchOptions(deny=CONFLICT_26), scheduler=cluster.scheduler_address
            )
            times.append(time.perf_counter() - t0)
            _say(f"  run {k + 1}: {times[-1]:.1f} s")
    return {"runs_s": times, "median_s": common.median(times), "workers": 2}


#: Hubs of the network workload: every pair leaves from one of them.
HUBS = 12


def _hub_jobs(pairs: Sequence[Any]) -> list[Job]:
    """The pairs' destinations reached from HUBS of their origins (every k-th by code), in turn."""
    origins = sorted({p.origin.code: p.origin for p in pairs}.values(), key=lambda a: a.code)
    hubs = origins[:: max(1, len(origins) // HUBS)][:HUBS]
    jobs = [Job(n, "", hubs[n % len(hubs)], p.destination) for n, p in enumerate(pairs)]
    return [
        j for j in jobs if (j.origin.lon, j.origin.lat) != (j.destination.lon, j.destination.lat)
    ]


def bench_per_pair(count: int) -> dict[str, Any]:
    """Time per pair on one process: clear and detour pairs apart, then a network of hubs.

    Warm (kernels, pieces, visibility), chunks of 200. The search remembers the legs of the
    places it has met: they are forgotten before each timing, so that a timed pair's ends are
    as new as in a batch of random pairs. In the network, every pair leaves from one of
    HUBS places, whose legs the search then tests once.
    """
    from overflight.routing.chunk import searcher
    from overflight.routing.planner import planner_of

    closed = Closure(denied_closure(CONFLICT_26))
    pairs = random_pairs(count)
    jobs = [Job(n, "", p.origin, p.destination) for n, p in enumerate(pairs)]
    rows = run_task(Task(closed, 450.0, tuple(jobs)))  # warm: kernels, pieces, visibility
    clear = [j for j, r in zip(jobs, rows, strict=True) if r["turns"] == 0]
    detour = [j for j, r in zip(jobs, rows, strict=True) if (r["turns"] or 0) > 0]
    hubs = _hub_jobs(pairs)
    out: dict[str, Any] = {
        "pairs": count, "clear": len(clear), "detour": len(detour), "hub_pairs": len(hubs)
    }  # fmt: skip
    for name, group in (("clear", clear), ("detour", detour), ("hubs", hubs)):
        searcher(planner_of(closed)).ends = None
        t0 = time.perf_counter()
        for k in range(0, len(group), 200):
            run_task(Task(closed, 450.0, tuple(group[k : k + 200])))
        out[f"{name}_ms"] = 1000.0 * (time.perf_counter() - t0) / max(1, len(group))
    return out


def run(args: argparse.Namespace) -> None:
    """The whole benchmark."""
    common.require_shipped_data()
    info = common.machine_info()
    common.print_machine(info)
    figures: dict[str, Any] = {}
    with common.fresh_cache_dir() as cache, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        pairs = work / "pairs.csv"
        figures["workload"] = {"pairs": args.pairs, "id": write_pairs(pairs, args.pairs)}
        _say(f"workload: conflict-26, {args.pairs} random pairs ({figures['workload']['id']})")
        env = common.child_env(OVERFLIGHT_CACHE_DIR=str(cache))
        common.write_bytecode(env, work / "bytecode")  # the warm-up writes it
        _say("warm-up (builds and caches the graph and the bytecode)")
        head = work / "head.csv"
        head.write_text("".join(pairs.read_text().splitlines(keepends=True)[:51]))
        subprocess.run(
            [sys.executable, "-m", "overflight", "batch", str(head), "-d", DENY, "-o",
             str(work / "head.parquet")],
            env=env, check=True, capture_output=True, timeout=1800,
        )  # fmt: skip
        _say(f"local, {default_workers()} processes, CLI end to end")
        figures["local"] = bench_cli(pairs, work, args.runs, env)
        if args.dask_runs:
            _say("Dask LocalCluster, 2 workers")
            figures["dask"] = bench_dask(pairs, work, args.dask_runs)
        _say("per pair, one process")
        figures["per_pair"] = bench_per_pair(args.per_pair)
        tables = [read_results(p) for p in sorted(work.glob("*-*.parquet"))]
        figures["identical_runs"] = all(t.equals(tables[0]) for t in tables)
        statuses: dict[str, int] = {}
        for status in tables[0].column("status").to_pylist():
            statuses[status] = statuses.get(status, 0) + 1
        figures["statuses"] = statuses
    info["load_average_end"] = list(os.getloadavg())
    local, per = figures["local"], figures["per_pair"]
    rows = [
        common.Target(
            "invalid routes (check_failed)", statuses.get("check_failed", 0), 0, 0, "", "batch rows"
        ),
        common.Target(
            f"{args.pairs:,}-pair batch, 2 cores (local)",
            local["median_s"],
            15.0,
            5.0,
            "s",
            f"`overflight batch` end to end, {local['workers']} processes",
        ),
    ]
    if "dask" in figures:
        rows.append(
            common.Target(
                f"{args.pairs:,}-pair batch, Dask LocalCluster",
                figures["dask"]["median_s"],
                15.0,
                5.0,
                "s",
                "2 worker processes, cluster running",
            )
        )
    summary = [
        f"- Workload: {args.pairs} random conflict-26 pairs ({figures['workload']['id']}); rows "
        f"by status: {', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}; every run "
        f"wrote the same rows: {'yes' if figures['identical_runs'] else 'NO'}.",
        f"- Local runs (s): {', '.join(f'{t:.1f}' for t in local['runs_s'])}; CPU of "
        f"each (s, the command and its workers): {', '.join(f'{t:.1f}' for t in local['cpu_s'])}"
        + (
            f"; Dask runs (s): {', '.join(f'{t:.1f}' for t in figures['dask']['runs_s'])}"
            if "dask" in figures
            else ""
        )
        + ".",
        f"- One process, warm: {per['clear_ms']:.2f} ms per pair whose "
        f"great circle is clear ({per['clear']}), {per['detour_ms']:.2f} ms per pair that must "
        f"detour ({per['detour']}), search, check and transit report included; "
        f"{per['hubs_ms']:.2f} ms per pair from {HUBS} hubs ({per['hub_pairs']}).",
    ]
    _say("\ntargets (DESIGN.md section 4):")
    for row in rows:
        _say(f"  {row.measure}: {row.value:.3g} {row.unit} -> {row.status()}")
    for line in summary:
        _say(line)
    path = common.write_results("batch", info, figures, rows, summary, args.out)
    _say(f"\nwrote {path}")


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000, help="random pairs in the batch")
    parser.add_argument("--runs", type=int, default=3, help="timed local runs")
    parser.add_argument("--dask-runs", type=int, default=2, help="timed Dask runs (0: none)")
    parser.add_argument("--per-pair", type=int, default=1000, help="pairs timed one by one")
    parser.add_argument(
        "--out", type=Path, default=common.RESULTS_DIR, help="directory for the results"
    )
    run(parser.parse_args(argv))


if __name__ == "__main__":
    main()
