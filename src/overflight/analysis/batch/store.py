"""Where a batch keeps its results while it runs, so that no row is lost or written twice.

Rows are written as they arrive, a chunk at a time, as Parquet part files in a directory
beside the output (``results.parquet.parts/``). Each part is written under a temporary name
and renamed when complete, so a run killed at any moment leaves only whole parts. A run
started again with the same output reads the keys (line, scenario) of the parts already
there and plans only the rest. When every row is in, the parts are merged, sorted by key,
into the output (Parquet or CSV, also renamed into place) and the directory is removed.

A Parquet output can then be made GeoParquet (:func:`to_geoparquet`): the same columns and a
``geometry`` column, each route's great-circle legs densified and cut at ±180° as WKB, with the
GeoParquet 1.0 ``geo`` metadata (CRS EPSG:4326), so that GeoPandas, QGIS and DuckDB draw real
geodesic routes. The penalty matrix is written the same way, one row per pair
(:func:`matrix_table`).

A finished output found without a parts directory counts as done rows too: running the
batch again plans only rows it does not hold. While a run writes an output it holds a lock on
``.<output>.lock`` beside it, so that a second run for the same output stops with an error
instead of mixing its parts with the first one's. The run removes the file when it ends,
normally or with an error. A run killed outright leaves the file behind, but not the lock,
which goes with the process: the next run takes the file over, and removes it in turn.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import shapely

from overflight.analysis.geometry import path_geometry
from overflight.errors import InputError

if TYPE_CHECKING:
    from overflight.analysis.batch.matrix import PenaltyMatrix

__all__ = [
    "GEOMETRY",
    "OUTPUT_SUFFIXES",
    "SCHEMA",
    "PartStore",
    "matrix_table",
    "read_results",
    "to_geoparquet",
    "write_geoparquet",
]

#: The columns of a results table, in order.
SCHEMA = pa.schema(
    [
        ("line", pa.int64()),
        ("scenario", pa.string()),
        ("origin", pa.string()),
        ("destination", pa.string()),
        ("origin_lat", pa.float64()),
        ("origin_lon", pa.float64()),
        ("destination_lat", pa.float64()),
        ("destination_lon", pa.float64()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("denied", pa.string()),
        ("margin_nm", pa.float64()),
        ("speed_kt", pa.float64()),
        ("distance_km", pa.float64()),
        ("distance_nm", pa.float64()),
        ("great_circle_km", pa.float64()),
        ("extra_km", pa.float64()),
        ("extra_nm", pa.float64()),
        ("extra_pct", pa.float64()),
        ("duration_h", pa.float64()),
        ("high_seas_km", pa.float64()),
        ("states", pa.string()),
        ("straits", pa.string()),
        ("turns", pa.int64()),
        ("waypoints", pa.string()),
        # With --aircraft: fuel stops made, their codes and names, and the time from departure
        # to arrival with the ground time at each stop (null where no aircraft was given).
        ("stop_count", pa.int64()),
        ("stops", pa.string()),
        ("stop_names", pa.string()),
        ("total_time_h", pa.float64()),
        # With a month (--month, or the month of --date): the time in that month's mean upper
        # wind at the cruise speed, and the mean wind component (positive: a tailwind).
        ("wind_time_h", pa.float64()),
        ("mean_wind_kt", pa.float64()),
    ]
)

#: Output formats, by file suffix.
OUTPUT_SUFFIXES = (".parquet", ".csv")

_MANIFEST = "manifest.json"

#: The geometry column of a GeoParquet output.
GEOMETRY = "geometry"

Key = tuple[int, str]


def read_results(path: Path) -> pa.Table:
    """A results table written by a batch (Parquet or CSV), with its declared column types."""
    if path.suffix.lower() == ".csv":
        options = pacsv.ConvertOptions(
            column_types=SCHEMA, strings_can_be_null=False, quoted_strings_can_be_null=False
        )
        return pacsv.read_csv(path, convert_options=options).select(SCHEMA.names)
    return pq.read_table(path, schema=SCHEMA)


def _keys(table: pa.Table) -> list[Key]:
    lines = table.column("line").to_pylist()
    scenarios = table.column("scenario").to_pylist()
    return [(int(n), s or "") for n, s in zip(lines, scenarios, strict=True)]


class PartStore:
    """The parts directory of one output file."""

    def __init__(self, output: Path, manifest: Mapping[str, Any]) -> None:
        if output.suffix.lower() not in OUTPUT_SUFFIXES:
            raise InputError(
                f"output {str(output)!r} has an unknown format: give a file ending in "
                f"{' or '.join(OUTPUT_SUFFIXES)}"
            )
        self.output = output
        self.directory = output.with_name(output.name + ".parts")
        self.manifest = dict(manifest)
        #: The parts this run wrote, kept to merge without reading them back.
        self._written: dict[Path, pa.Table] = {}
        self._lock = _OutputLock(output.with_name(f".{output.name}.lock"))
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        """Let another run write this output (removing the lock file)."""
        self._lock.release()

    def _open(self) -> None:
        """Create the directory, or check that the one there belongs to the same batch."""
        if self.directory.is_dir():
            found = json.loads((self.directory / _MANIFEST).read_text(encoding="utf-8"))
            if found != self.manifest:
                raise InputError(
                    f"{self.directory} holds part of a batch run with other options "
                    f"({json.dumps(found)}); run it with those options to finish it, or "
                    f"delete the directory to start again"
                )
            for stale in self.directory.glob(".*.tmp"):
                stale.unlink()  # a part the last run was killed while writing
            return
        staging = self.directory.with_name(f".{self.directory.name}.{uuid.uuid4().hex}.tmp")
        staging.mkdir(parents=True)
        (staging / _MANIFEST).write_text(json.dumps(self.manifest), encoding="utf-8")
        if self.output.exists():
            # A finished run's rows count as done; the directory takes them over.
            _write_table(staging / "part-previous.parquet", read_results(self.output))
        staging.rename(self.directory)

    def parts(self) -> list[Path]:
        """The complete part files."""
        return sorted(self.directory.glob("part-*.parquet"))

    def done(self) -> set[Key]:
        """Keys (line, scenario) of the rows already written."""
        return {k for part in self.parts() for k in _keys(pq.read_table(part, schema=SCHEMA))}

    def write(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Write rows as one new part, atomically; returns how many."""
        table = _table(list(rows))
        if table.num_rows:
            path = self.directory / f"part-{uuid.uuid4().hex}.parquet"
            _write_table(path, table)
            self._written[path] = table
        return int(table.num_rows)

    @staticmethod
    def ready_to_finish() -> None:
        """Import what :meth:`finish` sorts with (35 ms): done while the workers work, not after."""
        import pyarrow.compute  # noqa: F401

    def finish(self) -> pa.Table:
        """Merge the parts into the output, sorted by key, and remove the directory."""
        parts = [
            table
            if (table := self._written.get(p)) is not None
            else pq.read_table(p, schema=SCHEMA)
            for p in self.parts()
        ]
        table = pa.concat_tables(parts) if parts else SCHEMA.empty_table()
        keys = _keys(table)
        if len(set(keys)) != len(keys):
            raise RuntimeError(f"{self.directory} holds a row twice; this is a bug in overflight")
        table = table.sort_by([("line", "ascending"), ("scenario", "ascending")])
        tmp = self.output.with_name(f".{self.output.name}.tmp")
        if self.output.suffix.lower() == ".csv":
            pacsv.write_csv(table, tmp)
        else:
            pq.write_table(table, tmp)
        tmp.replace(self.output)
        # Renamed first, so that a run killed while deleting leaves no half directory.
        doomed = self.directory.with_name(f".{self.directory.name}.{uuid.uuid4().hex}.tmp")
        self.directory.rename(doomed)
        shutil.rmtree(doomed)
        return table


class _OutputLock:
    """An exclusive lock on a lock file, held from creation to :meth:`release` (or exit).

    Two runs writing one output would each take the other's parts for their own. The lock
    is an ``flock`` (where the OS has it), released by the OS whatever way the process ends.
    Only the holder removes the file, and it does so *before* letting the lock go: a run
    that opened the file just before then and locks it just after finds that the file it
    locked is no longer the one at the path, and starts again with the file there now (or a
    new one). So at most one run holds a lock on the file at the path, and a file left by a
    killed run is simply locked and taken over by the next.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        #: A process forked from the holder shares its lock but must never remove the file.
        self._pid = os.getpid()
        self._handle: IO[bytes] | None
        self._handle, self._flocked = _acquire(path)

    def release(self) -> None:
        """Remove the lock file and let the lock go; does nothing the second time."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        holder = os.getpid() == self._pid
        try:
            if holder and self._flocked:
                with contextlib.suppress(OSError):
                    self.path.unlink()
        finally:
            handle.close()
        if holder and not self._flocked:  # pragma: no cover - no flock, so no race to lose
            with contextlib.suppress(OSError):  # after closing: Windows keeps open files
                self.path.unlink()


def _acquire(path: Path) -> tuple[IO[bytes], bool]:
    """An open handle on the lock file at ``path``, locked, and whether it is (flock)."""
    while True:
        handle = path.open("ab")
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock on this platform
            return handle, False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            output = path.name[1 : -len(".lock")]
            raise InputError(
                f"another batch is writing {output} now: wait for it to end, or give another output"
            ) from None
        try:
            same = os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            return handle, True
        # The holder removed the file between our opening and our locking it: try again.
        handle.close()


def _table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """The rows as a table of SCHEMA, as ``pa.Table.from_pylist`` makes it (None: null).

    Each column is laid out in Arrow's buffers directly: any conversion of Python objects
    by pyarrow first imports pandas (about 1 s, while the workers need both cores).
    """
    columns = []
    for name, kind in zip(SCHEMA.names, SCHEMA.types, strict=True):
        values = [row.get(name) for row in rows]
        valid = np.array([v is not None for v in values], dtype=bool)
        bitmap = None if valid.all() else pa.py_buffer(np.packbits(valid, bitorder="little"))
        if kind == pa.string():
            data = [v.encode("utf-8") if v is not None else b"" for v in values]
            offsets = np.zeros(len(data) + 1, dtype=np.int32)
            np.cumsum([len(d) for d in data], out=offsets[1:])
            buffers = [bitmap, pa.py_buffer(offsets), pa.py_buffer(b"".join(data))]
        else:
            dtype = {pa.int64(): np.int64, pa.float64(): np.float64}[kind]
            filled = np.array([0 if v is None else v for v in values], dtype=dtype)
            buffers = [bitmap, pa.py_buffer(filled)]
        columns.append(pa.Array.from_buffers(kind, len(rows), buffers))
    return pa.Table.from_arrays(columns, schema=SCHEMA)


def _write_table(path: Path, table: pa.Table) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp)
    tmp.replace(path)


def _geo_metadata(geometry: pa.Array) -> bytes:
    """The GeoParquet 1.0 ``geo`` metadata of a WKB column of route lines in EPSG:4326."""
    from pyproj import CRS

    lines = shapely.from_wkb(geometry.drop_null().to_numpy(zero_copy_only=False))
    bounds = shapely.total_bounds(lines) if len(lines) else None
    column: dict[str, Any] = {
        "encoding": "WKB",
        "geometry_types": sorted({line.geom_type for line in lines}),
        # Longitude first whatever the CRS's axis order says, as GeoParquet requires.
        "crs": CRS.from_epsg(4326).to_json_dict(),
    }
    if bounds is not None:
        column["bbox"] = [float(b) for b in bounds]
    meta = {"version": "1.0.0", "primary_column": GEOMETRY, "columns": {GEOMETRY: column}}
    return json.dumps(meta).encode("utf-8")


def _route_wkb(waypoints: str | None) -> bytes | None:
    """WKB of the route through the JSON waypoints (``[[lon, lat], ...]``); None for none."""
    if not waypoints:
        return None
    points = [(float(x), float(y)) for x, y in json.loads(waypoints)]
    return bytes(shapely.to_wkb(path_geometry(points)))


def write_geoparquet(table: pa.Table, waypoints: Iterable[str | None], path: Path) -> None:
    """Write the table with a geometry column of the routes through ``waypoints``, atomically."""
    geometry = pa.array([_route_wkb(w) for w in waypoints], type=pa.binary())
    table = table.append_column(GEOMETRY, geometry)
    metadata = {**(table.schema.metadata or {}), b"geo": _geo_metadata(geometry)}
    _write_table(path, table.replace_schema_metadata(metadata))


def to_geoparquet(path: Path) -> pa.Table:
    """Make a batch's finished Parquet output GeoParquet, in place; returns its table.

    Raises
    ------
    InputError
        For an output that is not a ``.parquet`` file.

    """
    if path.suffix.lower() != ".parquet":
        raise InputError(
            f"GeoParquet is a Parquet file: give an output ending in .parquet, not {str(path)!r}"
        )
    table = read_results(path)
    write_geoparquet(table, table.column("waypoints").to_pylist(), path)
    return table


def matrix_table(matrix: PenaltyMatrix) -> tuple[pa.Table, list[str | None]]:
    """The matrix as one row per pair (origin, destination, each measure, reason).

    Returned with each pair's waypoints (JSON, None where there is no route), for
    :func:`write_geoparquet`.
    """
    rows: dict[str, list[Any]] = {"origin": [], "destination": []}
    for measure in matrix.measures:
        rows[measure] = []
    rows["reason"] = []
    waypoints: list[str | None] = []
    for i, origin in enumerate(matrix.origins):
        for j, destination in enumerate(matrix.destinations):
            if origin.code == destination.code:
                continue
            rows["origin"].append(origin.code)
            rows["destination"].append(destination.code)
            for measure in matrix.measures:
                value = float(matrix.figure(measure)[i, j])
                rows[measure].append(None if value != value else value)  # NaN: no route
            rows["reason"].append(matrix.reasons[i][j])
            waypoints.append(matrix.waypoints[i][j] or None)
    return pa.table(rows), waypoints
