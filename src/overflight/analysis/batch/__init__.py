"""Batch sweeps: many origin-destination pairs planned resumably, and the penalty matrix.

The pairs file is read by :mod:`.pairs`, grouped into jobs by what they avoid in :mod:`.jobs`,
kept while running in :mod:`.store`, and run by :mod:`.runner` on local processes or a Dask
cluster; :mod:`.matrix` is the penalty matrix of a few places. Many routes of one closed set
are planned, checked and reported at once by :mod:`overflight.routing.chunk`.
"""

from overflight.analysis.batch.runner import (
    SCHEMA,
    BadRow,
    BatchOptions,
    BatchSummary,
    PairRow,
    Progress,
    default_workers,
    errors_path,
    read_pairs,
    read_results,
    run_batch,
)

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
