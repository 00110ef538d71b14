"""Reading the pairs of a batch: a CSV or Parquet table, one origin-destination pair per row.

Columns (names are matched without regard to case or surrounding spaces; others are ignored):

``origin``, ``destination`` (required)
    ICAO or IATA code, listed airfield identifier, or ``lat,lon`` in decimal degrees (quote
    it in a CSV file: ``"60.3,24.9"``).
``scenario`` (optional)
    A built-in scenario name or a scenario file. When set, the row is planned under this
    scenario only, instead of the scenarios given for the whole batch.
``deny`` (optional)
    More states to deny for this row, on top of those of the whole batch: alpha-2 or alpha-3
    codes separated by commas, semicolons or spaces.

Rows are numbered by their line in a CSV file (the header is line 1, so the first pair is
line 2) and by their position, from 1, in a Parquet file. A row that cannot be read becomes a
:class:`BadRow` with its line number and the reason; the other rows go on.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from overflight.errors import InputError, InputFileError

__all__ = ["INPUT_COLUMNS", "BadRow", "PairRow", "read_pairs", "write_errors"]

#: The columns a pairs file may have; the first two are required.
INPUT_COLUMNS = ("origin", "destination", "scenario", "deny")

_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class PairRow:
    """One row of a pairs file, as written."""

    #: Line number in the CSV file (row number from 1 in a Parquet file).
    line: int
    origin: str
    destination: str
    #: The row's own scenario, or "" for the batch's.
    scenario: str = ""
    #: States denied for this row on top of the batch's, as written.
    deny: tuple[str, ...] = ()
    #: The row as written (a CSV line), for the errors file.
    text: str = ""


@dataclass(frozen=True)
class BadRow:
    """A row that was not planned: where it is, what it says and why."""

    line: int
    text: str
    reason: str


def _split_codes(cell: str) -> tuple[str, ...]:
    return tuple(c for c in _SEPARATORS.split(cell.strip()) if c)


def _columns(names: list[str], path: Path) -> dict[str, str]:
    """Map our column names to the file's, checking the required ones are there."""
    found = {n.strip().lower(): n for n in names}
    missing = [c for c in INPUT_COLUMNS[:2] if c not in found]
    if missing:
        raise InputFileError(
            f"missing column {', '.join(repr(m) for m in missing)}: a pairs file needs "
            f"'origin' and 'destination' columns (optional: 'scenario', 'deny'); "
            f"found {', '.join(repr(n) for n in names) or 'no columns'}",
            file=str(path),
            line=1,
        )
    return {c: found[c] for c in INPUT_COLUMNS if c in found}


def _as_csv(cells: Iterable[object]) -> str:
    """Cells as one CSV line, quoted where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(["" if c is None else c for c in cells])
    return buffer.getvalue()


def _row(line: int, cells: Mapping[str, object], columns: Mapping[str, str]) -> PairRow | BadRow:
    def cell(name: str) -> str:
        value = cells.get(columns[name]) if name in columns else None
        return "" if value is None else str(value).strip()

    row = PairRow(
        line=line,
        origin=cell("origin"),
        destination=cell("destination"),
        scenario=cell("scenario"),
        deny=_split_codes(cell("deny")),
        text=_as_csv(cells.values()),
    )
    for name in ("origin", "destination"):
        if not getattr(row, name):
            return BadRow(line, row.text, f"empty {name}: give an airport code or 'lat,lon'")
    return row


def _csv_rows(path: Path) -> Iterator[PairRow | BadRow]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        columns = _columns(header or [], path)
        index = {name: k for k, name in enumerate(header or [])}
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            line = reader.line_num
            if len(cells) > len(index):
                yield BadRow(
                    line,
                    _as_csv(cells),
                    f"{len(cells)} cells but {len(index)} columns: quote a 'lat,lon' "
                    'coordinate, e.g. "60.3,24.9"',
                )
                continue
            yield _row(line, {n: cells[k] for n, k in index.items() if k < len(cells)}, columns)


def _parquet_rows(path: Path) -> Iterator[PairRow | BadRow]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise InputFileError(f"not a readable Parquet file ({exc})", file=str(path)) from None
    columns = _columns(table.column_names, path)
    for k, cells in enumerate(table.select(list(columns.values())).to_pylist()):
        yield _row(k + 1, cells, columns)


def read_pairs(path: Path) -> tuple[list[PairRow], list[BadRow]]:
    """The rows of a pairs file (CSV, or Parquet by its ``.parquet`` suffix), and the bad ones.

    Raises
    ------
    InputFileError
        When the file cannot be read at all or lacks the required columns.

    """
    if not path.is_file():
        raise InputError(f"pairs file {str(path)!r} not found: give a CSV or Parquet file")
    reader = _parquet_rows if path.suffix.lower() in (".parquet", ".pq") else _csv_rows
    good: list[PairRow] = []
    bad: list[BadRow] = []
    try:
        for row in reader(path):
            if isinstance(row, PairRow):
                good.append(row)
            else:
                bad.append(row)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InputFileError(f"not a readable CSV file ({exc})", file=str(path)) from None
    return good, bad


def write_errors(path: Path, bad: list[BadRow]) -> None:
    """Write the bad rows as CSV (line, input, reason), sorted by line, atomically."""
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "input", "reason"])
        for row in sorted(bad, key=lambda r: r.line):
            writer.writerow([row.line, row.text, row.reason])
    tmp.replace(path)
