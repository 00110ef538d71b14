"""Batch sweeps: plan many origin-destination pairs, resumably, on local cores or on Dask.

>>> from overflight.analysis.batch import BatchOptions, run_batch
>>> summary = run_batch(Path("pairs.csv"), Path("results.parquet"),
...                     BatchOptions(deny=("RU", "BY", "UA")))  # doctest: +SKIP

The pairs file is described in :mod:`overflight.analysis.batch.pairs`, the results table in
:data:`overflight.analysis.batch.store.SCHEMA` (one row per pair and scenario, keyed by the
pair's line number and the scenario), and how a run is resumed in
:mod:`overflight.analysis.batch.store`.

A pair with no legal route is a result, not an error: its row has ``status`` ``no_route``
(or ``bad_endpoint`` when the origin or destination lies in denied airspace, its margin or
an area to avoid) and the ``reason``. Only rows that cannot be read or name something
unknown (an airport, a state, a scenario) go to the errors file, ``<output>.errors.csv``
(columns ``line``, ``input``, ``reason``), and the batch goes on without them.

Work is grouped by the airspace avoided, so each group's planner is built once; the parent
builds them before the worker processes start, so that forked workers inherit them (and
others load them from the disk cache). The ``overflight`` program reads a large pairs file
in a forked process meanwhile. With ``scheduler``, the same chunks run as tasks on a Dask
distributed cluster, whose workers keep the planners they built between tasks.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import hashlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from overflight._config import owns_process
from overflight.analysis.batch.jobs import (
    BatchOptions,
    Job,
    Task,
    chunks,
    fast_path,
    plan_jobs,
    run_task,
)
from overflight.analysis.batch.pairs import BadRow, PairRow, read_pairs, write_errors
from overflight.analysis.batch.store import SCHEMA, PartStore, read_results
from overflight.errors import InputError
from overflight.routing.closure import Closure
from overflight.routing.planner import planner_of

__all__ = [
    "SCHEMA",
    "BadRow",
    "BatchOptions",
    "BatchSummary",
    "PairRow",
    "Progress",
    "default_workers",
    "errors_path",
    "read_pairs",
    "read_results",
    "run_batch",
]

#: Called with (rows done, rows in all) when the run starts and after each chunk.
Progress = Callable[[int, int], None]

#: Jobs per task: small enough for a lively progress bar and little lost work on a kill.
CHUNK_SIZE = 200

#: glibc's mallopt parameters (malloc.h): blocks this large and over are mapped apart, and
#: the heap's top is given back beyond this much free.
_M_MMAP_THRESHOLD = -3
_M_TRIM_THRESHOLD = -1

#: A pairs file larger than this (bytes: some 400 pairs) is read in a process of its own
#: while the program loads the workers' compiled loops (see _planned).
_READ_APART_BYTES = 4096


@dataclass(frozen=True)
class BatchSummary:
    """What a batch run did."""

    #: The results file and the errors file.
    output: Path
    errors: Path
    #: Rows in the output (pairs times scenarios, less bad rows).
    rows: int
    #: Rows planned by this run; the others were found done by an earlier one.
    planned: int
    #: Input rows that could not be planned (listed in the errors file).
    bad_rows: int
    #: Rows of the output by status.
    statuses: Mapping[str, int] = field(default_factory=dict)


def default_workers() -> int:
    """Every core this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def errors_path(output: Path) -> Path:
    """Where the bad rows of a batch writing ``output`` are listed."""
    return output.with_name(f"{output.stem}.errors.csv")


def _by_origin(jobs: Iterable[Job]) -> list[Job]:
    """Jobs from one place together: a worker then works out what it sees only once."""
    return sorted(jobs, key=lambda j: (j.origin.lon, j.origin.lat, j.line, j.scenario))


def _cut(jobs: Sequence[Job], size: int, workers: int) -> list[tuple[Job, ...]]:
    """Chunks of ``size`` jobs; on several workers, the last ``workers * size`` four times smaller.

    A pair that must detour costs several times one whose great circle is clear, so chunks
    differ in cost: small ones at the end let the workers finish together rather than one
    waiting for the other's last chunk.
    """
    if workers <= 1:
        return chunks(jobs, size)
    head = max(0, len(jobs) - workers * size)
    return chunks(jobs[:head], size) + chunks(jobs[head:], max(1, size // 4))


def _fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def run_batch(
    pairs: Path,
    output: Path,
    options: BatchOptions | None = None,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_size: int = CHUNK_SIZE,
    progress: Progress | None = None,
) -> BatchSummary:
    """Plan every pair of a pairs file under the options and write one row per pair and case.

    Parameters
    ----------
    pairs
        CSV or Parquet file of pairs (:mod:`overflight.analysis.batch.pairs`).
    output
        Results file, ``.parquet`` or ``.csv``. If a run for it was interrupted, this run
        carries on from where that one stopped (with the same input and options).
    options
        Denied states, scenarios, margin, speed and scenario settings for every pair
        (default: nothing denied).
    workers
        Local processes (default: every core). Ignored with ``scheduler``.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``) to run on instead.
    chunk_size
        Jobs per task.
    progress
        Called with (rows done, rows in all) at the start and after each chunk.

    Raises
    ------
    InputError
        For an unreadable pairs file, an unknown output format, or a parts directory left
        by a run with other input or options.

    """
    if chunk_size < 1:
        raise InputError(f"chunk size {chunk_size!r} is not a positive number")
    options = options or BatchOptions()
    options.check()
    processes = 1 if scheduler is not None else workers or default_workers()
    groups, bad = _planned(pairs, options, processes)
    store = PartStore(output, {"pairs": _fingerprint(pairs), "options": options.describe()})
    try:
        errors = errors_path(output)
        write_errors(errors, bad)
        done = store.done()
        total = sum(len(jobs) for jobs in groups.values())
        tasks = [
            Task(
                closed,
                options.speed_kt,
                chunk,
                options if options.aircraft else None,
                options.wind_month,
            )
            for closed, jobs in groups.items()
            for chunk in _cut(
                _by_origin(j for j in jobs if (j.line, j.scenario) not in done),
                chunk_size,
                processes,
            )
        ]
        count = [total - sum(len(t.jobs) for t in tasks)]
        resumed = count[0]

        def written(n: int) -> None:
            count[0] += n
            if progress is not None:
                progress(count[0], total)

        written(0)
        if scheduler is not None:
            _run_on_dask(tasks, scheduler, store, written)
        else:
            _run_locally(tasks, processes, store, written)
        table = store.finish()
    finally:
        store.close()
    statuses: dict[str, int] = {}
    for status in table.column("status").to_pylist():
        statuses[status] = statuses.get(status, 0) + 1
    return BatchSummary(
        output=output,
        errors=errors,
        rows=table.num_rows,
        planned=count[0] - resumed,
        bad_rows=len(bad),
        statuses=statuses,
    )


@contextlib.contextmanager
def _without_collector() -> Iterator[None]:
    """In the program's own process: the collector paused, and what was made meanwhile frozen.

    A batch's start makes objects that live for the whole run (rows, jobs, places, the
    planners): the collector's passes over them free nothing, and cost a tenth of a second
    of the start while the workers wait. Frozen, they are left out of every later pass (and
    freed as usual when dropped); the pool's end lets them go back to the collector.
    """
    if not owns_process() or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


def _read_and_plan(
    pairs: Path, options: BatchOptions
) -> tuple[dict[Closure, list[Job]], list[BadRow]]:
    """The jobs of a pairs file grouped by the airspace they avoid, and its bad rows."""
    with _without_collector():
        rows, bad = read_pairs(pairs)
        groups, unknown = plan_jobs(rows, options)
    return groups, [*bad, *unknown]


def _planned(
    pairs: Path, options: BatchOptions, processes: int
) -> tuple[dict[Closure, list[Job]], list[BadRow]]:
    """:func:`_read_and_plan`; before workers start, in a process forked to read the pairs.

    Meanwhile the program's own process loads the compiled loops that its workers will
    inherit: the two starts (about 0.25 s each for 10,000 pairs) run side by side on two
    cores instead of one after the other.
    """
    if (
        processes <= 1
        or not owns_process()
        or "fork" not in multiprocessing.get_all_start_methods()
        or not pairs.is_file()
        or pairs.stat().st_size <= _READ_APART_BYTES
    ):
        return _read_and_plan(pairs, options)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) as reader:
        planned = reader.submit(_read_and_plan, pairs, options)
        with _without_collector():
            # Any closed set's planner runs the same compiled loops: the empty one's is ready.
            _prepare(Closure.of(()))
            return planned.result()  # the jobs made anew here: frozen too


def _prepare(closed: Closure) -> None:
    """Build the group's planner and what its chunks use, before the workers fork."""
    if owns_process():
        # Only in the program's own process: numba then takes BLAS for absent for good.
        from overflight.routing import chunk_kernels

        chunk_kernels.load_without_scipy()
    planner = planner_of(closed)
    if fast_path(closed):
        from overflight.routing.chunk import warm

        warm(planner)


def _worker_start(parent: int) -> None:
    """Set up a pool worker: deaf to Ctrl-C, and gone when its parent is."""
    # Ctrl-C reaches every process of the terminal's group: the parent alone handles it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()
    _keep_freed_memory()


def _keep_freed_memory() -> None:
    """Let the C library keep the memory a chunk frees for the next chunk (glibc's malloc).

    It maps large blocks apart (from 128 kB, a bound that rises to 32 MB as such blocks are
    freed), gives them back to the system when they are freed, and trims the heap's top
    beyond twice that bound: the next chunk's arrays then fault in fresh zeroed pages, some
    60,000 faults in a 10,000-pair batch (a tenth of a second of its workers' time). A
    worker lives as long as its batch: it keeps them instead.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - a C library without it
        return
    mallopt(_M_MMAP_THRESHOLD, 256 << 20)
    mallopt(_M_TRIM_THRESHOLD, 1 << 30)


def _exit_with(parent: int) -> None:
    # A killed parent cannot stop its workers, and forked siblings keep the task queue open:
    # without this they would wait for work forever.
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _chunk_rows(task: Task, *, owned: bool) -> list[dict[str, Any]]:
    """``run_task``, with the collector paused while it runs in a process the batch owns.

    A chunk makes its routes and rows faster than they die: the fifty-odd passes the
    collector would make while it runs find them alive, at 3 % of the chunk's time. One
    pass after it frees any cycle it left (a worker's inherited objects are frozen, so the
    pass costs a fraction of a millisecond).
    """
    if not owned or not gc.isenabled():
        return run_task(task)
    gc.disable()
    try:
        return run_task(task)
    finally:
        gc.enable()
        gc.collect()


def _run_locally(
    tasks: Sequence[Task], workers: int, store: PartStore, written: Callable[[int], None]
) -> None:
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            written(store.write(_chunk_rows(task, owned=owns_process())))
        return
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with _without_collector():
        for closed in {t.closed for t in tasks}:
            _prepare(closed)
        # A forked worker's collections would walk every object it inherits (the imports,
        # the planners: most of each full collection's work, a tenth of a chunk's time) and
        # write to their pages: frozen before the fork, they are left out and stay shared.
        # The parent's own objects are collected again once the workers are done.
        gc.freeze()
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),)
        ) as pool:
            futures = [pool.submit(_chunk_rows, task, owned=True) for task in tasks]
            store.ready_to_finish()
            try:
                for future in as_completed(futures):
                    written(store.write(future.result()))
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        gc.unfreeze()


def _run_on_dask(
    tasks: Sequence[Task], scheduler: str, store: PartStore, written: Callable[[int], None]
) -> None:
    try:
        import distributed
    except ImportError:
        raise InputError(
            "--scheduler needs Dask distributed: pip install 'overflight[distributed]'"
        ) from None
    try:
        client: Any = distributed.Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler!r}: {exc}") from None
    with client:
        futures: list[Any] = client.map(run_task, list(tasks), pure=False)
        try:
            completed: Any = distributed.as_completed(futures)  # type: ignore[no-untyped-call]
            for future in completed:
                written(store.write(future.result()))
        except BaseException:
            client.cancel(futures)
            raise
