"""The one-shot command line's start-up: `--help` and a route with a warm cache (issue 16).

The route is timed as text, as JSON, and as JSON with an aircraft (numba and its cached
kernels loaded; the run also counts the kernels numba loaded from its cache and those it
compiled, which a warm run must not).

Run from the repository root::

    python -m benchmarks.bench_cli             # or: python benchmarks/bench_cli.py
    python -m benchmarks.bench_cli --src src   # this tree, when another is installed
    python -m benchmarks.bench_cli --src ../old/src --label cli-before   # an older tree

Each command runs as a fresh ``python -m overflight`` process, the way a user types it, in a
temporary OVERFLIGHT_CACHE_DIR that one untimed run of each command has warmed (the graph of
the denied set and the parsed shipped tables are on disk, and the bytecode is written, as an
installed package has it, in the temporary directory). Prints and records the median wall
time over ``--runs`` runs of each command, and its processor time (which the machine's other
work changes less), and a bare interpreter's start for scale. Writes
``benchmarks/results/<label>-<date>.json``.

It also records where the text route's time goes (``breakdown``): fresh processes run the
route's steps one by one, as the command runs them, and time each (wall and the thread's
processor time): the command line (typer and the command table), the route command's
module, numpy, shapely, pyproj, the rest of the library, the airports looked up, the closure
(the airspace table), the cached graph read, the route planned (search, verification,
transit report), rich and the text rendered, and the JSON. A bare interpreter's start is
the first step.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the `benchmarks` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import common

ROUTE = ("route", "UUMU", "OSLK", "--deny", "BG,GR,TR")
ROUTE_TEXT = " ".join(ROUTE)

#: The commands timed, by the name their figures are recorded under. With an aircraft the
#: route plans with the compiled kernels (fuel stops ask many queries): numba and its cached
#: kernels load, which a plain route never does.
COMMANDS: dict[str, tuple[str, ...]] = {
    "help": ("--help",),
    "route_text": ROUTE,
    "route_json": (*ROUTE, "--format", "json"),
    "route_aircraft": (*ROUTE, "--aircraft", "IL76", "--format", "json"),
}


def _child_cpu_s() -> float:
    """Processor time (user and system) of the children waited for so far."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(argv: tuple[str, ...], env: dict[str, str]) -> tuple[float, float]:
    """Wall and processor time of ``python -m overflight ARGV``; fails unless it answers.

    Processor time is what the command itself costs, whatever else the machine runs; wall
    time is what a user waits.
    """
    cpu0 = _child_cpu_s()
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "overflight", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"overflight {' '.join(argv)} failed ({done.returncode}): {done.stderr}")
    if argv[-1] == "json":
        json.loads(done.stdout)  # the route itself, not an early exit
    return elapsed, _child_cpu_s() - cpu0


def _commit_of(tree: Path) -> str | None:
    """The commit checked out where ``tree`` is, if it is in a git work tree."""
    done = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short=12", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or None


def _kernels_cached(env: dict[str, str]) -> dict[str, int]:
    """How many compiled kernels the route with an aircraft loaded from numba's cache, and
    how many it compiled and saved (none, once warm: a warm run must not compile)."""
    done = subprocess.run(
        [sys.executable, "-m", "overflight", *COMMANDS["route_aircraft"]],
        env={**env, "NUMBA_DEBUG_CACHE": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    lines = done.stdout.splitlines()  # numba reports on standard output
    return {
        "loaded": sum(line.startswith("[cache] data loaded") for line in lines),
        "saved": sum(line.startswith("[cache] data saved") for line in lines),
    }


#: The text route's steps, each timed in the order the command takes them (the collector
#: off and the queries uncompiled, as ``overflight route`` plans). Prints one JSON object:
#: each step's wall and thread processor time, seconds.
_STEPS = """
import time
_wall, _cpu = time.perf_counter(), time.thread_time()
steps = {}
def step(name):
    global _wall, _cpu
    wall, cpu = time.perf_counter(), time.thread_time()
    steps[name] = [wall - _wall, cpu - _cpu]
    _wall, _cpu = wall, cpu
import gc, io, json
gc.disable()
import overflight.cli; step("command line (typer)")
import overflight.cli.route; step("route command, request")
import numpy; step("numpy")
import shapely; step("shapely")
import pyproj; step("pyproj")
from overflight.analysis.plan import flight_setup, plan_request; step("library")
from overflight._config import use_compiled_queries
from overflight.analysis.request import FlightRequest
from overflight.data.airports import resolve_place
from overflight.routing.planner import planner_of
use_compiled_queries(False)
request = FlightRequest(origin=ORIGIN, destination=DESTINATION, deny=[DENY])
places = (resolve_place(ORIGIN), resolve_place(DESTINATION)); step("airports looked up")
setup = flight_setup(request, places=places); step("closure (airspace table)")
planner_of(setup.closure); step("cached graph read")
plan = plan_request(request, places=places); step("route planned")
from rich.console import Console
from overflight.cli.render import render_plan; step("rich imported")
Console(file=io.StringIO()).print(render_plan(plan)); step("text rendered")
json.dumps(plan.to_dict(), indent=2); step("JSON made")
print(json.dumps(steps))
"""


def _breakdown(env: dict[str, str], runs: int) -> dict[str, dict[str, float | None]]:
    """The median wall and processor time of each step of the text route, over ``runs``."""
    origin, destination, _, deny = ROUTE[1:]
    code = _STEPS.replace("ORIGIN", repr(origin)).replace("DESTINATION", repr(destination))
    code = code.replace("DENY", repr(deny))
    found = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        found.append(json.loads(done.stdout.splitlines()[-1]))
    starts = [_bare(env) for _ in range(runs)]
    steps: dict[str, dict[str, float | None]] = {
        "interpreter start (bare)": {"wall_s": common.median(starts), "cpu_s": None}
    }
    for name in found[0]:
        steps[name] = {
            "wall_s": common.median([run[name][0] for run in found]),
            "cpu_s": common.median([run[name][1] for run in found]),
        }
    return steps


def _bare(env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True, timeout=60)
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> None:
    """Time every command, print the medians and record them."""
    info = common.machine_info()
    common.print_machine(info)
    figures: dict[str, Any] = {"commands": {k: " ".join(v) for k, v in COMMANDS.items()}}
    with tempfile.TemporaryDirectory(prefix="overflight-cli-") as cache:
        env = common.child_env(OVERFLIGHT_CACHE_DIR=cache)
        if args.src is not None:
            figures["src"] = str(args.src.resolve())
            figures["src_commit"] = _commit_of(args.src)
            env["PYTHONPATH"] = os.pathsep.join([str(args.src.resolve()), env["PYTHONPATH"]])
        common.write_bytecode(env, Path(cache) / "bytecode")
        for argv in COMMANDS.values():
            _run(argv, env)  # warms the cache and writes the bytecode
        runs = {
            name: [_run(argv, env) for _ in range(args.runs)] for name, argv in COMMANDS.items()
        }
        figures["python_start_median_s"] = common.median([_bare(env) for _ in range(args.runs)])
        figures["numba_kernels"] = _kernels_cached(env)
        figures["breakdown"] = _breakdown(env, args.runs)
    figures["load_average_at_end"] = list(os.getloadavg())
    for name, timed in runs.items():
        times = [wall for wall, _ in timed]
        cpu = [used for _, used in timed]
        figures[name] = {
            "median_s": common.median(times),
            "runs_s": times,
            "cpu_median_s": common.median(cpu),
            "cpu_runs_s": cpu,
        }
        print(
            f"  overflight {figures['commands'][name]}: median {common.median(times):.3f} s over "
            f"{len(times)} (min {min(times):.3f}, max {max(times):.3f}), processor time "
            f"{common.median(cpu):.3f} s",
            flush=True,
        )
    print(f"  bare interpreter: {figures['python_start_median_s']:.3f} s", flush=True)
    print("  where the text route's time goes (median wall, processor time of its thread):")
    for step, took in figures["breakdown"].items():
        used = "" if took["cpu_s"] is None else f", {1000 * took['cpu_s']:.1f} ms"
        print(f"    {step}: {1000 * took['wall_s']:.1f} ms{used}", flush=True)
    kernels = figures["numba_kernels"]
    print(
        f"  compiled kernels of the route with an aircraft: {kernels['loaded']} loaded from "
        f"numba's cache, {kernels['saved']} compiled",
        flush=True,
    )
    targets = [
        common.Target(
            "`overflight --help`", figures["help"]["median_s"], 1.0, 0.2, "s", "issue 16: ≤ 0.2 s"
        ),
        common.Target(
            "CLI `route` end to end, cached set (text)",
            figures["route_text"]["median_s"],
            1.0,
            0.3,
            "s",
            ROUTE_TEXT,
        ),
        common.Target(
            "CLI `route --format json`, cached set",
            figures["route_json"]["median_s"],
            1.0,
            0.3,
            "s",
            "the same route as JSON",
        ),
    ]
    measured = ""
    if args.src is not None:
        measured = f" Code measured: `{figures['src']}` at {figures['src_commit']}."
    load = figures["load_average_at_end"][0]
    summary = [
        f"Medians over {args.runs} runs of fresh `python -m overflight` processes with a warm "
        f"cache; a bare interpreter starts in {figures['python_start_median_s']:.3f} s.{measured} "
        "Imports read bytecode, as an installed package has it: the children run without "
        "PYTHONDONTWRITEBYTECODE, and the untimed warm-up runs compiled every module they import "
        f"into a bytecode cache (PYTHONPYCACHEPREFIX). With an aircraft, "
        f"{figures['numba_kernels']['loaded']} compiled kernels were loaded from numba's cache "
        f"and {figures['numba_kernels']['saved']} compiled. Load average at the end {load:.2f}; "
        "processor times (user and system) of the same runs: "
        + ", ".join(f"{name} {figures[name]['cpu_median_s']:.3f} s" for name in COMMANDS)
        + "."
    ]
    path = common.write_results(args.label, info, figures, targets, summary, out_dir=args.out)
    print(f"wrote {path}")


def main() -> None:
    """Parse the options and run."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each command (≥ 5)")
    parser.add_argument("--src", type=Path, default=None, help="time this tree's overflight")
    parser.add_argument("--label", default="cli", help="name of the results file")
    parser.add_argument("--out", type=Path, default=common.RESULTS_DIR, help="results directory")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error(f"--runs {args.runs}: give 5 or more, the median needs them")
    run(args)


if __name__ == "__main__":
    main()
