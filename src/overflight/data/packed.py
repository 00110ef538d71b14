"""Shipped tables parsed once, then kept as numpy arrays beside the graph cache.

Parsing the airspace GeoJSON and the airport CSV costs about a second at every start of a
one-shot command; the same columns read back from an ``.npz`` file take milliseconds. A file is
named by a hash of what it was parsed from, so a new data file or a new airportsdata release
makes a new one; it is read with ``allow_pickle=False`` (the cache directory holds data, never
code), and a file that does not read is parsed again and rewritten.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from overflight._config import cache_dir

__all__ = ["clear_packed", "pack_strings", "packed", "packed_dir", "packed_size", "unpack_strings"]

Columns = dict[str, np.ndarray]

#: Ends each string of a column of strings (ASCII unit separator; no shipped text holds it).
_END = "\x1f"


def pack_strings(values: list[str]) -> np.ndarray:
    """A column of strings as UTF-8 bytes, each string ended by a separator.

    Numpy's fixed-width text arrays would pad every name to the longest (15 MB for the
    airports); this is 1.5 MB and reads back with one decode and one split.

    >>> unpack_strings(pack_strings(["Zürich", "", "Oslo"]))
    ['Zürich', '', 'Oslo']
    """
    bad = [v for v in values if _END in v]
    if bad:
        raise ValueError(f"cannot pack {bad[0]!r}: it holds the separator {_END!r}")
    return np.frombuffer("".join(v + _END for v in values).encode("utf-8"), dtype=np.uint8)


def unpack_strings(packed_column: np.ndarray) -> list[str]:
    """The strings that :func:`pack_strings` packed."""
    return packed_column.tobytes().decode("utf-8").split(_END)[:-1]


def packed_dir() -> Path:
    """Where the parsed tables are kept: ``data/`` beside the graphs (which it never counts)."""
    return cache_dir().parent / "data"


def packed(name: str, source_key: str, parse: Callable[[], Columns]) -> Columns:
    """The columns of ``name`` as ``parse`` makes them from the source ``source_key`` hashes.

    Read from the cache when there; else parsed and written for the next start (silently not
    written where the cache directory cannot be).
    """
    path = packed_dir() / f"{name}-{source_key}.npz"
    unreadable = (OSError, ValueError, KeyError, zipfile.BadZipFile)
    with contextlib.suppress(*unreadable), np.load(path, allow_pickle=False) as stored:
        return {key: stored[key] for key in stored.files}
    columns = parse()
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: another process never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                arrays: dict[str, Any] = columns  # savez's keywords include allow_pickle
                np.savez(out, **arrays)
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    return columns


def _files() -> list[Path]:
    try:
        return [p for p in packed_dir().iterdir() if p.name.endswith((".npz", ".npz.tmp"))]
    except FileNotFoundError:
        return []


def packed_size() -> tuple[int, int]:
    """How many parsed tables are kept, and their bytes."""
    sizes = []
    for path in _files():
        with contextlib.suppress(FileNotFoundError):
            sizes.append(path.stat().st_size)
    return len(sizes), sum(sizes)


def clear_packed() -> tuple[int, int]:
    """Remove the parsed tables (the next start parses them again); files and bytes freed.

    A process reading one meanwhile keeps its open file; one about to open it parses.
    """
    files, freed = 0, 0
    for path in _files():
        with contextlib.suppress(FileNotFoundError):
            size = path.stat().st_size
            path.unlink()
            files, freed = files + 1, freed + size
    return files, freed
