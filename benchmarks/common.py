"""What every benchmark shares: the machine, timing statistics, child processes and results."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from benchmarks import ROOT

__all__ = [
    "RESULTS_DIR",
    "ROOT",
    "Target",
    "child_env",
    "distribution_ms",
    "fresh_cache_dir",
    "machine_info",
    "median",
    "require_shipped_data",
    "run_child",
    "timed",
    "write_results",
]

#: Where each run leaves its JSON file and the summary README.
RESULTS_DIR = ROOT / "benchmarks" / "results"

T = TypeVar("T")

_PACKAGES = (
    "numpy",
    "numba",
    "llvmlite",
    "shapely",
    "pyproj",
    "scipy",
    "airportsdata",
    "extremitypathfinder",
    "searoute",
    "networkx",
    "psutil",
)


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown"
    found = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    return found.group(1).strip() if found else "unknown"


def _memory_gb() -> float | None:
    try:
        text = Path("/proc/meminfo").read_text()
    except OSError:
        return None
    found = re.search(r"^MemTotal:\s*(\d+) kB", text, re.MULTILINE)
    return round(int(found.group(1)) / 1024**2, 1) if found else None


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip()


def machine_info() -> dict[str, Any]:
    """The machine, interpreter, library versions, code revision and data file of a run."""
    from overflight.data.airspace import data_fingerprint

    status = _git("status", "--porcelain", "--untracked-files=no", "--", "src")
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gb": _memory_gb(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {p: _version(p) for p in _PACKAGES},
        "commit": _git("rev-parse", "--short=12", "HEAD"),
        # Uncommitted library changes make a run incomparable with its commit.
        "src_modified": bool(status) if status is not None else None,
        "airspace_fingerprint": data_fingerprint(),
        "load_average": list(os.getloadavg()),
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def print_machine(info: Mapping[str, Any]) -> None:
    """Print the machine header every benchmark starts with."""
    pkgs = ", ".join(f"{k} {v}" for k, v in info["packages"].items() if v)
    print(f"machine : {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB")
    print(f"python  : {info['python']} on {info['os']}")
    print(f"packages: {pkgs}")
    print(
        f"code    : {info['commit']}{' (src modified)' if info['src_modified'] else ''}, "
        f"airspace {info['airspace_fingerprint']}, load {info['load_average'][0]:.2f}"
    )


def require_shipped_data() -> None:
    """Stop with a clear message when the airspace data file cannot be loaded."""
    from overflight.data.airspace import states

    try:
        states()
    except FileNotFoundError as exc:
        raise SystemExit(
            f"the airspace data file is missing ({exc.filename}); build it first with "
            "python scripts/build_airspace"
        ) from None


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    return float(np.median(np.asarray(values, dtype=np.float64)))


def distribution_ms(seconds: Sequence[float]) -> dict[str, float | int]:
    """Count, p50, p90, p99, max and mean of durations given in seconds, in milliseconds."""
    if not seconds:
        return {"n": 0}
    ms = np.asarray(seconds, dtype=np.float64) * 1000.0
    return {
        "n": len(ms),
        "p50": float(np.percentile(ms, 50)),
        "p90": float(np.percentile(ms, 90)),
        "p99": float(np.percentile(ms, 99)),
        "max": float(np.max(ms)),
        "mean": float(np.mean(ms)),
    }


def timed(func: Callable[[], T]) -> tuple[T, float]:
    """Call func and return its result and the wall time it took, in seconds."""
    t0 = time.perf_counter()
    result = func()
    return result, time.perf_counter() - t0


@contextmanager
def fresh_cache_dir() -> Iterator[Path]:
    """Point OVERFLIGHT_CACHE_DIR at a new empty directory, so that a build really builds."""
    old = os.environ.get("OVERFLIGHT_CACHE_DIR")
    with tempfile.TemporaryDirectory(prefix="overflight-bench-") as tmp:
        os.environ["OVERFLIGHT_CACHE_DIR"] = tmp
        try:
            yield Path(tmp)
        finally:
            if old is None:
                os.environ.pop("OVERFLIGHT_CACHE_DIR", None)
            else:
                os.environ["OVERFLIGHT_CACHE_DIR"] = old


def _overflight_dir() -> str | None:
    """The directory overflight was imported from, unless it is an installed package."""
    import overflight

    parent = Path(overflight.__file__).resolve().parents[1]
    return None if parent.name in ("site-packages", "dist-packages") else str(parent)


def child_env(**extra: str) -> dict[str, str]:
    """Environment for a child process that imports the same benchmarks and overflight."""
    env = dict(os.environ)
    paths = [str(ROOT)]
    source = _overflight_dir()
    if source is not None:
        paths.append(source)
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update(extra)
    return env


def write_bytecode(env: dict[str, str], directory: Path) -> None:
    """Let a child's imports write bytecode into ``directory``, as an installed package has it.

    Without it (PYTHONDONTWRITEBYTECODE set, or a tree whose bytecode is stale) every child
    compiles the modules it imports, and a start-up measures the compiler. The tree
    measured is never written to.
    """
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(directory)


def run_child(
    argv: Sequence[str], env: Mapping[str, str], timeout_s: float
) -> tuple[dict[str, Any], float]:
    """Run ``python argv`` and return the JSON object on its last stdout line, and the wall time."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(
            f"child {' '.join(argv)[:200]} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    lines = done.stdout.strip().splitlines()
    result: dict[str, Any] = json.loads(lines[-1])
    return result, elapsed


class Target:
    """One row of DESIGN.md section 4: a figure, its "must reach" and "aim" bounds."""

    def __init__(
        self, measure: str, value: float | None, must: float, aim: float, unit: str, note: str = ""
    ):
        self.measure = measure
        self.value = value
        self.must = must
        self.aim = aim
        self.unit = unit
        self.note = note

    def status(self) -> str:
        """Whether the value meets the aim, only the must-reach bound, or neither."""
        if self.value is None:
            return "not measured"
        if self.value <= self.aim:
            return "meets aim"
        if self.value <= self.must:
            return "meets must"
        return "MISSES must"

    def row(self) -> str:
        """The markdown table row."""
        shown = "—" if self.value is None else _fmt(self.value)
        return (
            f"| {self.measure} | ≤ {_fmt(self.must)} {self.unit} | ≤ {_fmt(self.aim)} {self.unit}"
            f" | {shown} {self.unit if self.value is not None else ''} | {self.status()} "
            f"| {self.note} |"
        )

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON."""
        return {
            "measure": self.measure,
            "value": self.value,
            "must": self.must,
            "aim": self.aim,
            "unit": self.unit,
            "status": self.status(),
            "note": self.note,
        }


def _fmt(x: float) -> str:
    if x == 0 or abs(x) >= 100:
        return f"{x:.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def write_results(
    name: str,
    info: Mapping[str, Any],
    figures: Mapping[str, Any],
    targets: Sequence[Target],
    summary: Sequence[str],
    out_dir: Path = RESULTS_DIR,
) -> Path:
    """Write ``<out_dir>/<name>-<YYYYMMDD>.json`` and refresh this benchmark's README section."""
    out_dir.mkdir(parents=True, exist_ok=True)
    day = dt.datetime.now(dt.UTC).strftime("%Y%m%d")
    path = out_dir / f"{name}-{day}.json"
    document = {
        "benchmark": name,
        "machine": dict(info),
        "targets": [t.as_dict() for t in targets],
        "figures": dict(figures),
    }
    path.write_text(json.dumps(document, indent=2, default=_jsonable) + "\n", encoding="utf-8")
    _update_readme(out_dir / "README.md", name, info, path, targets, summary)
    return path


def _jsonable(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


_README_HEAD = """# Benchmark results

Written by the scripts in `benchmarks/` (see `benchmarks/README.md`); each section is replaced
when its benchmark runs again, and the JSON file it names holds every figure of that run.
Targets are those of DESIGN.md section 4.
"""


def _update_readme(
    readme: Path,
    name: str,
    info: Mapping[str, Any],
    path: Path,
    targets: Sequence[Target],
    summary: Sequence[str],
) -> None:
    text = readme.read_text(encoding="utf-8") if readme.exists() else _README_HEAD
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    lines = [
        begin,
        f"## {name}",
        "",
        f"Run {info['started']} on {info['cpu']} ({info['cores']} cores, "
        f"{info['memory_gb']} GB), Python {info['python']}, commit {info['commit']}"
        f"{' with modified src' if info['src_modified'] else ''}, airspace data "
        f"{info['airspace_fingerprint']}, load average at start {info['load_average'][0]:.2f}. "
        f"Figures: [`{path.name}`]({path.name}).",
        "",
    ]
    if targets:
        lines += [
            "| measure | must reach | aim | measured | status | how |",
            "|---|---|---|---|---|---|",
            *(t.row() for t in targets),
            "",
        ]
    lines += [*summary, "", end]
    block = "\n".join(lines)
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
