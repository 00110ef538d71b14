"""The graphs kept on disk between runs: one file per closed set, bounded in size.

A graph is written under a private temporary name and renamed into place, so a reader sees a
whole file or none. Reading a graph touches its file, so the modification time says when it was
last used; a write that takes the directory over its limit removes the least recently used
graphs first. A reader whose file was removed meanwhile (by another process evicting it, or by
``overflight cache clear``) builds the graph again: eviction costs time, never a plan.

The limit is ``OVERFLIGHT_CACHE_MAX_MB`` megabytes (10^6 bytes), by default
:data:`overflight._config.DEFAULT_CACHE_MAX_MB`; 0 keeps no graph on disk.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import time
import zipfile
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from overflight._config import DEFAULT_CACHE_MAX_MB, cache_dir
from overflight.errors import InputError
from overflight.routing.graph import VisibilityGraph

__all__ = [
    "LIMIT_ENV",
    "CacheInfo",
    "Freed",
    "cache_info",
    "clear_cache",
    "graph_file",
    "limit_bytes",
    "read_graph",
    "write_graph",
]

#: The environment variable that sets the size limit, in megabytes.
LIMIT_ENV = "OVERFLIGHT_CACHE_MAX_MB"
#: A finished graph's file name: a key's hash (anything else is a writer's temporary file).
_GRAPH_NAME = re.compile(r"^[0-9a-f]{24}\.npz$")
#: A temporary file older than this was left by a writer that died, seconds.
_STALE_S = 3600.0


@dataclass(frozen=True)
class CacheInfo:
    """What the graph cache holds."""

    #: The directory of the graphs.
    directory: Path
    #: Number of files in it (graphs and writers' temporary files).
    files: int
    #: Their total size, bytes.
    size_bytes: int
    #: The size the cache is kept under, bytes.
    limit_bytes: int
    #: When the least and the most recently used graphs were last used (None when empty).
    oldest: datetime | None
    newest: datetime | None


class Freed(NamedTuple):
    """Files removed from the cache and the bytes they held."""

    files: int
    size_bytes: int


class _Entry(NamedTuple):
    used: float
    size: int
    path: Path

    @property
    def is_graph(self) -> bool:
        return _GRAPH_NAME.match(self.path.name) is not None


def limit_bytes() -> int:
    """The size limit of the cache in bytes, from ``OVERFLIGHT_CACHE_MAX_MB`` or the default.

    >>> limit_bytes() > 0
    True
    """
    raw = os.environ.get(LIMIT_ENV, "").strip()
    if not raw:
        return DEFAULT_CACHE_MAX_MB * 1_000_000
    try:
        megabytes = float(raw)
    except ValueError:
        megabytes = math.nan
    if not (math.isfinite(megabytes) and megabytes >= 0.0):
        raise InputError(
            f"{LIMIT_ENV}={raw!r} is not a size: give megabytes, a number of 0 or more "
            "(0 keeps no graph on disk)"
        )
    return int(megabytes * 1_000_000)


def graph_file(key: str) -> Path:
    """Where the graph of this key (what it was built from) is kept."""
    return cache_dir() / f"{hashlib.sha256(key.encode()).hexdigest()[:24]}.npz"


def read_graph(path: Path) -> VisibilityGraph | None:
    """The graph saved at ``path``, marked as used now; None when absent or damaged."""
    try:
        # Open once: the file stays readable to us even if it is evicted while being read.
        with path.open("rb") as file:
            graph = VisibilityGraph.load(file)
    except FileNotFoundError:
        return None  # never written, or evicted since
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        with suppress(OSError):  # a read-only cache keeps it; it is rebuilt all the same
            path.unlink(missing_ok=True)  # a damaged file is rebuilt, never trusted
        return None
    with suppress(OSError):  # evicted meanwhile, or a read-only cache: only the order suffers
        os.utime(path)
    return graph


def write_graph(path: Path, graph: VisibilityGraph) -> None:
    """Save the graph, then evict the least recently used others while over the limit."""
    limit = limit_bytes()
    if limit == 0:
        clear_cache()  # nothing is kept: neither this graph nor those kept before
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        graph.save(path)
    except OSError:
        return  # a read-only or full cache directory only costs speed
    _trim(path.parent, limit, keep=path)


def cache_info() -> CacheInfo:
    """The directory, count, size, limit and last-use span of the graph cache."""
    directory = cache_dir()
    entries = _entries(directory)
    used = [e.used for e in entries if e.is_graph]
    return CacheInfo(
        directory=directory,
        files=len(entries),
        size_bytes=sum(e.size for e in entries),
        limit_bytes=limit_bytes(),
        oldest=_when(min(used)) if used else None,
        newest=_when(max(used)) if used else None,
    )


def clear_cache() -> Freed:
    """Remove every cached graph (and temporary files left by dead writers)."""
    now = time.time()
    gone = [e for e in _entries(cache_dir()) if e.is_graph or now - e.used > _STALE_S]
    return _remove(gone)


def _when(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _entries(directory: Path) -> list[_Entry]:
    """The files of the directory, least recently used first (none if it does not exist)."""
    try:
        paths = list(directory.iterdir())
    except FileNotFoundError:
        return []
    entries = []
    for path in paths:
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # removed by another process since the listing
        if path.is_file():
            entries.append(_Entry(stat.st_mtime, stat.st_size, path))
    return sorted(entries)


def _trim(directory: Path, limit: int, *, keep: Path) -> Freed:
    """Remove stale temporaries, then graphs least recently used first, down to the limit.

    The graph just written stays even if it alone is over the limit; other writers'
    temporary files stay until they are stale.
    """
    entries = _entries(directory)
    now = time.time()
    stale = [e for e in entries if not e.is_graph and now - e.used > _STALE_S]
    total = sum(e.size for e in entries) - sum(e.size for e in stale)
    evicted = []
    for entry in entries:
        if total <= limit:
            break
        if entry.is_graph and entry.path != keep:
            evicted.append(entry)
            total -= entry.size
    return _remove(stale + evicted)


def _remove(entries: list[_Entry]) -> Freed:
    files = size = 0
    for entry in entries:
        try:
            entry.path.unlink()
        except OSError:
            continue  # gone already (another process), or not ours to remove
        files += 1
        size += entry.size
    return Freed(files, size)
