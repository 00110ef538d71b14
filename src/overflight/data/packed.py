"""Shipped tables parsed once, then kept as numpy arrays beside the graph cache.

Parsing the airspace GeoJSON and the airport CSV costs about a second at every start of a
one-shot command. The columns are kept in a file made for loading: a JSON header naming each
column's dtype, shape and place, then the columns' bytes, aligned; reading it back maps the
file, and every column is a read-only view of the map (an ``.npz`` file, a zip of ``.npy``
files, took several times longer to open than to read). A file is named by a hash of what it
was parsed from, so a new data file or a new airportsdata release makes a new one; it is
written aside and renamed, never changed in place, so a map another process holds stays
whole; it holds plain arrays only, never Python objects (the cache directory holds data,
never code), and a file that does not read is parsed again and rewritten.
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import mmap
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from overflight._config import cache_dir

__all__ = [
    "StringColumn",
    "bytes_at",
    "clear_packed",
    "pack_bytes",
    "pack_strings",
    "packed",
    "packed_dir",
    "packed_latest",
    "packed_size",
    "unpack_strings",
]

Columns = dict[str, np.ndarray]

#: Ends each string of a column of strings (ASCII unit separator; no shipped text holds it).
_END = "\x1f"
_SEPARATOR = _END.encode("ascii")


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


def pack_bytes(values: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """Byte strings (WKB) as two columns: where each ends, and their bytes end to end.

    >>> ends, data = pack_bytes([b"ab", b"", b"cde"])
    >>> [bytes_at(ends, data, k) for k in range(3)]
    [b'ab', b'', b'cde']
    """
    ends = np.cumsum([len(v) for v in values], dtype=np.int64)
    return ends, np.frombuffer(b"".join(values), dtype=np.uint8)


def bytes_at(ends: np.ndarray, data: np.ndarray, k: int) -> bytes:
    """The ``k``-th byte string :func:`pack_bytes` packed (read alone: a few pages of a map)."""
    start = int(ends[k - 1]) if k > 0 else 0
    return data[start : int(ends[k])].tobytes()


class StringColumn:
    """A column that :func:`pack_strings` packed, read one string at a time.

    A lookup needs one row of a table: finding it with one search of the bytes, and reading
    that row's strings, costs microseconds where unpacking every string of the airports (and
    indexing them) costs tens of milliseconds.

    >>> column = StringColumn(pack_strings(["Zürich", "", "Oslo", "Oslo"]))
    >>> column[0], column[1], column[2], len(column)
    ('Zürich', '', 'Oslo', 4)
    >>> column.last_index("Oslo"), column.last_index("Zürich"), column.last_index("Bergen")
    (3, 0, None)
    """

    def __init__(self, packed_column: np.ndarray) -> None:
        self._column = packed_column

    @functools.cached_property
    def _ends(self) -> np.ndarray:
        # UTF-8 never holds the separator's byte inside another character's bytes. Kept as an
        # array: a lookup reads two of its numbers, and making a list of the airports' 28,000
        # cost more than finding them.
        return np.flatnonzero(self._column == ord(_END))

    @functools.cached_property
    def _bytes(self) -> bytes:
        return _SEPARATOR + self._column.tobytes()  # every string between two separators

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i: int) -> str:
        start = int(self._ends[i - 1]) + 1 if i > 0 else 0
        return self._column[start : int(self._ends[i])].tobytes().decode("utf-8")

    def last_index(self, value: str) -> int | None:
        """The row of the last string equal to ``value``, or None if there is none."""
        at = self._bytes.rfind(_SEPARATOR + value.encode("utf-8") + _SEPARATOR)
        return None if at < 0 else self._bytes.count(_SEPARATOR, 0, at)

    def strings(self) -> list[str]:
        """Every string, in order."""
        return unpack_strings(self._column)


def packed_dir() -> Path:
    """Where the parsed tables are kept: ``data/`` beside the graphs (which it never counts)."""
    return cache_dir().parent / "data"


#: Opens every file of columns; the number is the layout's version.
_MAGIC = b"overflight-columns-1\n"
#: Where each column starts is a multiple of this, so that every dtype reads aligned.
_ALIGN = 16
#: What a file that does not read raises: it is parsed again and rewritten.
_UNREADABLE = (OSError, ValueError, KeyError, TypeError, IndexError)


def _encode(columns: Columns) -> bytes:
    """The columns as one file: the magic line, a JSON header of the columns, their bytes."""
    header: list[dict[str, Any]] = []
    offset = 0
    for key, column in columns.items():
        if column.dtype.hasobject:
            raise ValueError(f"column {key!r} holds Python objects: only plain arrays are kept")
        header.append(
            {"key": key, "dtype": column.dtype.str, "shape": column.shape, "offset": offset}
        )
        offset += -(-column.nbytes // _ALIGN) * _ALIGN  # the next aligned place
    head = _MAGIC + json.dumps(header).encode("ascii") + b"\n"
    head += bytes(-len(head) % _ALIGN)
    body = bytearray(offset)
    for entry, column in zip(header, columns.values(), strict=True):
        body[entry["offset"] : entry["offset"] + column.nbytes] = column.tobytes()
    return head + bytes(body)


def _decode(data: bytes | mmap.mmap) -> Columns:
    """The columns of a file that :func:`_encode` wrote, as read-only views of its bytes."""
    if data[: len(_MAGIC)] != _MAGIC:
        raise ValueError("not a file of columns")
    end = data.find(b"\n", len(_MAGIC))
    if end < 0:
        raise ValueError("a file of columns without its header's end")
    start = end + 1 + -(end + 1) % _ALIGN
    columns: Columns = {}
    for entry in json.loads(data[len(_MAGIC) : end]):
        dtype = np.dtype(entry["dtype"])
        if dtype.hasobject:
            raise ValueError(f"column {entry['key']!r} would hold Python objects")
        count = math.prod(entry["shape"])
        at = start + int(entry["offset"])
        if at + count * dtype.itemsize > len(data):
            raise ValueError(f"column {entry['key']!r} runs past the end of the file")
        column = np.frombuffer(data, dtype=dtype, count=count, offset=at)
        columns[entry["key"]] = column.reshape(entry["shape"])
    return columns


def packed(name: str, source_key: str, parse: Callable[[], Columns]) -> Columns:
    """The columns of ``name`` as ``parse`` makes them from the source ``source_key`` hashes.

    Read from the cache when there (mapped, the columns views of its bytes: no parsing, no
    copy); else parsed and written for the next start (silently not written where the cache
    directory cannot be).
    """
    path = packed_dir() / f"{name}-{source_key}{_SUFFIX}"
    with contextlib.suppress(*_UNREADABLE):
        return _decode(_mapped(path))
    columns = parse()
    _write(path, columns)
    return columns


#: The column of a :func:`packed_latest` file that holds the key it was parsed for.
_KEY = "source-key"


def packed_latest(name: str, source_key: str, parse: Callable[[], Columns]) -> Columns:
    """:func:`packed`, for a source that changes often: one file per name, the latest kept.

    The file holds the key it was parsed for and is replaced when asked for another, so the
    cache never grows with the source's changes (the versions installed where the key is
    the path's directories and their times).
    """
    path = packed_dir() / f"{name}{_SUFFIX}"
    with contextlib.suppress(*_UNREADABLE):
        columns = _decode(_mapped(path))
        if unpack_strings(columns.pop(_KEY)) == [source_key]:
            return columns
    columns = parse()
    _write(path, {**columns, _KEY: pack_strings([source_key])})
    return columns


def _write(path: Path, columns: Columns) -> None:
    """Write the columns to the path (silently not where the cache directory cannot be)."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: another process never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=f"{_SUFFIX}.tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(_encode(columns))
            os.replace(temporary, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)


def _mapped(path: Path) -> mmap.mmap:
    """The file's bytes mapped read-only; the columns keep the map open.

    Pages are read when a column's rows are: a route reads a few grid cells of 19 MB of edges.
    """
    with path.open("rb") as handle:
        return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


#: The files of columns; earlier versions kept ``.npz`` files, which clearing removes too.
_SUFFIX = ".columns"
_SUFFIXES = (_SUFFIX, f"{_SUFFIX}.tmp", ".npz", ".npz.tmp")


def _files() -> list[Path]:
    try:
        return [p for p in packed_dir().iterdir() if p.name.endswith(_SUFFIXES)]
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
