"""Reading the pairs of a batch: a CSV or Parquet table, one origin-destination pair per row.

Columns (names are matched without regard to case or surrounding spaces; others are ignored):

``origin``, ``destination`` (required)
    ICAO or IATA code, listed airfield identifier, or ``lat,lon`` in decimal degrees (quote
    it where cells are separated by commas: ``"60.3,24.9"``).
``scenario`` (optional)
    A built-in scenario name or a scenario file. When set, the row is planned under this
    scenario only, instead of the scenarios given for the whole batch.
``deny`` (optional)
    More states to deny for this row, on top of those of the whole batch: alpha-2 or alpha-3
    codes separated by commas, semicolons or spaces.

A CSV file may be written as spreadsheets export it:

- cells separated by commas, semicolons or tabs (:data:`DELIMITERS`), whichever splits the
  header line into cells that name ``origin`` and ``destination``;
- encoded in UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or,
  when it is not UTF-8 and has no byte-order mark, cp1252 (Windows' Latin-1; bytes cp1252
  leaves undefined are read as Latin-1).

A file that is none of these (UTF-16 without a byte-order mark, UTF-32, a workbook) or whose
header does not name both columns is refused with an :class:`~overflight.errors.InputFileError`
that names the file, the line and what was found.

Rows are numbered by their line in a CSV file (the header is line 1, so the first pair is
line 2) and by their position, from 1, in a Parquet file. A row that cannot be read becomes a
:class:`BadRow` with its line number and the reason; the other rows go on. A row whose cells
are all empty (a line that is only separators, ``,`` or ``;;``) is such a row. Blank lines
(nothing on them, or only spaces) are skipped without a word, but still count in the line
numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from overflight.errors import InputError, InputFileError

__all__ = ["DELIMITERS", "INPUT_COLUMNS", "BadRow", "PairRow", "read_pairs", "write_errors"]

#: The columns a pairs file may have; the first two are required.
INPUT_COLUMNS = ("origin", "destination", "scenario", "deny")

#: The cell separators a CSV pairs file may use, by name.
DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs"}

_ENCODINGS = (
    "UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, or Latin-1/cp1252"
)

#: Byte-order marks read, with the codec of what follows and its name for messages.
_MARKS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)

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


def _columns(names: list[str], path: Path, how: str = "") -> dict[str, str]:
    """Map our column names to the file's, checking the required ones are there."""
    found = {n.strip().lower(): n for n in names}
    missing = [c for c in INPUT_COLUMNS[:2] if c not in found]
    if missing:
        raise InputFileError(
            f"missing column {', '.join(repr(m) for m in missing)}: a pairs file needs "
            f"'origin' and 'destination' columns (optional: 'scenario', 'deny'); "
            f"found {', '.join(repr(n) for n in names) or 'no columns'}{how}",
            file=str(path),
            line=1,
        )
    return {c: found[c] for c in INPUT_COLUMNS if c in found}


def _as_csv(cells: Iterable[object], delimiter: str = ",") -> str:
    """Cells as one CSV line, quoted where needed."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="").writerow(
        ["" if c is None else c for c in cells]
    )
    return buffer.getvalue()


def _row(
    line: int, cells: Mapping[str, object], columns: Mapping[str, str], text: str
) -> PairRow | BadRow:
    def cell(name: str) -> str:
        value = cells.get(columns[name]) if name in columns else None
        return "" if value is None else str(value).strip()

    if all(value is None or not str(value).strip() for value in cells.values()):
        return BadRow(
            line, text, "every cell is empty: give an origin and a destination, or delete the line"
        )
    row = PairRow(
        line=line,
        origin=cell("origin"),
        destination=cell("destination"),
        scenario=cell("scenario"),
        deny=_split_codes(cell("deny")),
        text=text,
    )
    for name in ("origin", "destination"):
        if not getattr(row, name):
            return BadRow(line, row.text, f"empty {name}: give an airport code or 'lat,lon'")
    return row


def _line_of(before: str) -> int:
    """The number of the line that starts, or goes on, after the text ``before``."""
    # Counted as the CSV reader counts them: a line ends at \n, \r or \r\n.
    return len(io.StringIO(before + "?", newline="").readlines())


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The text of a CSV pairs file and the name of the encoding it was read in."""
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            f"found a ZIP archive (a spreadsheet workbook?), not a CSV file: save the sheet "
            f"as CSV, in {_ENCODINGS}",
            file=str(path),
        )
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise InputFileError(
            f"found a UTF-32 byte-order mark: save the file in {_ENCODINGS}", file=str(path)
        )
    for mark, codec, name in _MARKS:
        if not data.startswith(mark):
            continue
        body = data[len(mark) :]
        try:
            return _text_only(body.decode(codec), name, path), name
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"found a {name} byte-order mark, but the bytes at offset "
                f"{len(mark) + exc.start} are not {name} ({exc.reason}): save the file in "
                f"{_ENCODINGS}",
                file=str(path),
                line=_line_of(body[: exc.start].decode(codec, errors="ignore")),
            ) from None
    text, name = _decode_unmarked(data)
    return _text_only(text, name, path), name


def _decode_unmarked(data: bytes) -> tuple[str, str]:
    """Bytes with no byte-order mark: UTF-8 if they are valid UTF-8, else a Windows code page."""
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252; Latin-1 reads them, so every file decodes.
        return data.decode("latin-1"), "Latin-1"


def _text_only(text: str, encoding: str, path: Path) -> str:
    """The text, unless it holds a NUL, which no CSV file does."""
    nul = text.find("\0")
    if nul >= 0:
        raise InputFileError(
            f"found a NUL character (read as {encoding}): the file looks like UTF-16 without "
            f"a byte-order mark, or is not text; save it as CSV in {_ENCODINGS}",
            file=str(path),
            line=_line_of(text[:nul]),
        )
    return text


def _delimiter(text: str) -> str:
    """The separator that splits the header into cells naming both required columns.

    When none does, the one that splits it into the most cells (commas on a tie), so that
    the error lists the cells the header seems to have.
    """

    def score(delimiter: str) -> tuple[bool, int]:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
        names = {n.strip().lower() for n in header}
        return all(c in names for c in INPUT_COLUMNS[:2]), len(header)

    return max(DELIMITERS, key=score)


def _csv_rows(path: Path) -> Iterator[PairRow | BadRow]:
    text, encoding = _decode(path.read_bytes(), path)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        columns = _columns(
            header or [],
            path,
            f" in the header (read as {encoding}, split at {DELIMITERS[delimiter]}); cells may "
            f"be separated by commas, semicolons or tabs",
        )
        index = {name: k for k, name in enumerate(header or [])}
        for cells in reader:
            if len(cells) <= 1 and not "".join(cells).strip():
                continue  # a blank line
            line = reader.line_num
            if len(cells) > len(index):
                hint = (
                    ": quote a 'lat,lon' coordinate, e.g. \"60.3,24.9\""
                    if delimiter == ","
                    else f" (cells separated by {DELIMITERS[delimiter]})"
                )
                yield BadRow(
                    line,
                    _as_csv(cells, delimiter),
                    f"{len(cells)} cells but {len(index)} columns{hint}",
                )
                continue
            yield _row(
                line,
                {n: cells[k] for n, k in index.items() if k < len(cells)},
                columns,
                _as_csv(cells, delimiter),
            )
    except csv.Error as exc:
        raise InputFileError(
            f"not a readable CSV file ({exc})", file=str(path), line=reader.line_num
        ) from None


def _parquet_rows(path: Path) -> Iterator[PairRow | BadRow]:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise InputFileError(f"not a readable Parquet file ({exc})", file=str(path)) from None
    columns = _columns(table.column_names, path)
    for k, cells in enumerate(table.select(list(columns.values())).to_pylist()):
        yield _row(k + 1, cells, columns, _as_csv(cells.values()))


def read_pairs(path: Path) -> tuple[list[PairRow], list[BadRow]]:
    """The rows of a pairs file (CSV, or Parquet by its ``.parquet`` suffix), and the bad ones.

    The delimiter and encoding of a CSV file are found as the module docstring says. Blank
    lines are skipped; a row whose cells are all empty is a bad row.

    Raises
    ------
    InputFileError
        When the file cannot be read at all (an encoding or a format not accepted, a NUL
        character) or lacks the required columns; the message names the file and the line.

    """
    if not path.is_file():
        raise InputError(f"pairs file {str(path)!r} not found: give a CSV or Parquet file")
    reader = _parquet_rows if path.suffix.lower() in (".parquet", ".pq") else _csv_rows
    good: list[PairRow] = []
    bad: list[BadRow] = []
    for row in reader(path):
        if isinstance(row, PairRow):
            good.append(row)
        else:
            bad.append(row)
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
