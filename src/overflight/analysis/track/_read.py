"""Reading flown tracks: KML, GPX, CSV, GeoJSON, Parquet files, and `traffic` Flights.

Every reader turns its file into :class:`Fix` values that remember where they were read
(line, field or row), and :func:`build_track` checks them all alike, so a bad value is
reported as ``file:line: what is wrong: what is accepted`` whatever the format.

CSV and Parquet columns (names are case-insensitive; others are ignored):

- ``lat`` (or ``latitude``) and ``lon`` (``lng``, ``long``, ``longitude``), decimal
  degrees; or one ``position`` column holding ``lat,lon`` (as Flightradar24 exports);
- ``time`` (``timestamp``, ``utc``, ``when``, ``datetime``), optional: ISO 8601 (UTC
  unless an offset is given) or Unix seconds;
- ``altitude`` (``alt``, ``altitude_ft``), feet, and ``speed``, optional.

XML files (KML, GPX) that declare a DOCTYPE are refused: entity declarations can make a
small file expand without bound, and no tracking site's export needs one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.parsers import expat

from overflight.analysis.track._model import Fix, Track, build_track
from overflight.analysis.track._model import fix_error as _bad
from overflight.errors import InputFileError

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "read_track",
    "read_track_bytes",
    "track_format",
    "track_from_traffic",
]

#: Largest track file read, bytes: a day of fixes every second is a few MB in any format.
MAX_FILE_BYTES = 20_000_000
#: Formats by file suffix.
FORMATS = {
    ".kml": "KML",
    ".gpx": "GPX",
    ".csv": "CSV",
    ".tsv": "CSV",
    ".txt": "CSV",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".parquet": "Parquet",
    ".pq": "Parquet",
}
_LAT = ("lat", "latitude")
_LON = ("lon", "lng", "long", "longitude")
_TIME = ("time", "timestamp", "utc", "when", "datetime", "date_time")
_ALT = ("altitude", "alt", "altitude_ft", "baro_altitude")
_DELIMITERS = (",", ";", "\t")


def read_track(path: str | Path) -> Track:
    """Read a track file, its format chosen by its suffix (see :data:`FORMATS`).

    Raises
    ------
    InputFileError
        A file that cannot be read, is too large, is not well formed, or holds values out
        of range; the message names the file, the line or field, and the value.

    """
    path = Path(path)
    name = str(path)
    kind = track_format(path.suffix, name)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(size, name)
        if kind == "Parquet":
            return build_track(name, _parquet(path, name))
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"cannot read the file: {exc.strerror}", file=name) from None
    return read_track_bytes(data, kind, source=name)


def track_format(name: str, source: str) -> str:
    """The format of a track (``KML``, ...) from a suffix (``.kml``) or a format's name.

    Raises
    ------
    InputFileError
        Neither: the message lists what is accepted.

    """
    key = name.strip().lower()
    kind = FORMATS.get(key if key.startswith(".") else f".{key}")
    if kind is None and key in {k.lower() for k in FORMATS.values()}:
        kind = next(k for k in FORMATS.values() if k.lower() == key)
    if kind is None:
        raise InputFileError(
            f"unknown track format {name or '(no suffix)'!r}: give a file ending in "
            f"{', '.join(sorted(FORMATS))}",
            file=source,
        )
    return kind


def read_track_bytes(data: bytes, kind: str, *, source: str) -> Track:
    """Read a track held in memory (an upload), in the format ``kind`` (see :func:`track_format`).

    Raises
    ------
    InputFileError
        As :func:`read_track`, naming ``source`` as the file.

    """
    kind = track_format(kind, source)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(len(data), source)
    if kind == "Parquet":
        return build_track(source, _parquet(io.BytesIO(data), source))
    readers: dict[str, Callable[[bytes, str], list[Fix]]] = {
        "KML": _kml,
        "GPX": _gpx,
        "CSV": _csv,
        "GeoJSON": _geojson,
    }
    return build_track(source, readers[kind](data, source))


def _too_large(size: int, source: str) -> InputFileError:
    return InputFileError(
        f"the file is {size / 1e6:,.1f} MB: give at most {MAX_FILE_BYTES / 1e6:,.0f} MB "
        "(thin the track, e.g. one fix every 10 s)",
        file=source,
    )


def track_from_traffic(flight: Any, *, source: str = "traffic Flight") -> Track:
    """A track from a ``traffic`` Flight, or anything with a ``.data`` DataFrame like it.

    The frame's ``latitude``, ``longitude`` and ``timestamp`` columns are read (``altitude``
    in feet if present); traffic itself is not needed.
    """
    frame = getattr(flight, "data", None)
    columns = list(getattr(frame, "columns", ()))
    if frame is None or not {"latitude", "longitude", "timestamp"} <= set(columns):
        raise InputFileError(
            "not a traffic Flight: give an object whose .data DataFrame has latitude, "
            f"longitude and timestamp columns (found {columns})",
            file=source,
        )
    altitudes = frame["altitude"].tolist() if "altitude" in columns else None
    fixes = []
    for k, (lat, lon, stamp) in enumerate(
        zip(
            frame["latitude"].tolist(),
            frame["longitude"].tolist(),
            frame["timestamp"].tolist(),
            strict=True,
        )
    ):
        if lat is None or lon is None or (isinstance(lat, float) and math.isnan(lat)):
            continue  # traffic leaves positions empty between messages
        where = f"row {k + 1}"
        text = stamp.isoformat() if hasattr(stamp, "isoformat") else str(stamp)
        alt = altitudes[k] if altitudes is not None else None
        fixes.append(Fix(float(lon), float(lat), _when(text, where, source), where, _num(alt)))
    return build_track(source, fixes)


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _time(text: str, where: str) -> dt.datetime | str:
    """A UTC time from ISO 8601 or Unix seconds; else the problem, as a message."""
    text = text.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isfinite(seconds) and 0 <= seconds < 1e10:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        return f"{where}: time {text!r}: give Unix seconds after 1970, or ISO 8601"
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return (
            f"{where}: time {text!r} is not a time: give ISO 8601 (2015-09-15T10:30:00Z) "
            "or Unix seconds"
        )
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def _when(text: str | None, where: str, source: str) -> dt.datetime | None:
    if text is None or not text.strip():
        return None
    value = _time(text, where)
    if isinstance(value, str):
        raise _bad(source, where, value.split(": ", 1)[1])
    return value


def _number(text: str, what: str, where: str, source: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise _bad(
            source, where, f"{what} {text!r} is not a number: give decimal degrees"
        ) from None
    return value


# XML: a small tree with the line of every element, from expat with DOCTYPE refused.


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    text: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def find(self, tag: str) -> _Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def iter(self, tag: str) -> Iterator[_Node]:
        if self.tag == tag:
            yield self
        for c in self.children:
            yield from c.iter(tag)

    @property
    def content(self) -> str:
        return "".join(self.text)


def _xml(data: bytes, source: str, kind: str) -> _Node:
    parser = expat.ParserCreate(namespace_separator="}")
    root = _Node("", {}, 0)
    stack = [root]

    def start(tag: str, attrs: dict[str, str]) -> None:
        node = _Node(tag.rsplit("}", 1)[-1], attrs, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag: str) -> None:
        stack.pop()

    def text(chars: str) -> None:
        stack[-1].text.append(chars)

    def doctype(*_args: object) -> None:
        raise InputFileError(
            f"a DOCTYPE declaration: {kind} track files need none, and entity declarations "
            "are refused for safety; remove it",
            file=source,
            line=parser.CurrentLineNumber,
        )

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise InputFileError(
            f"not well-formed XML ({expat.ErrorString(exc.code)}): give a {kind} file",
            file=source,
            line=exc.lineno,
            column=exc.offset + 1,
        ) from None
    return root


def _kml(data: bytes, source: str) -> list[Fix]:
    """gx:Track (``when`` and ``gx:coord``), else timed Point placemarks, else LineStrings."""
    root = _xml(data, source, "KML")
    fixes: list[Fix] = []
    for track in root.iter("Track"):
        whens = [n for n in track.children if n.tag == "when"]
        coords = [n for n in track.children if n.tag == "coord"]
        if whens and len(whens) != len(coords):
            raise _bad(
                source,
                f"line {track.line}",
                f"gx:Track with {len(whens)} <when> and {len(coords)} <gx:coord>: give one "
                "time per position",
            )
        for k, node in enumerate(coords):
            where = f"line {node.line}"
            parts = node.content.split()
            if len(parts) < 2:
                raise _bad(source, where, f"gx:coord {node.content.strip()!r}: give 'lon lat alt'")
            lon, lat = (
                _number(parts[0], "lon", where, source),
                _number(parts[1], "lat", where, source),
            )
            alt = _num(parts[2]) if len(parts) > 2 else None
            time = _when(whens[k].content, f"line {whens[k].line}", source) if whens else None
            fixes.append(Fix(lon, lat, time, where, None if alt is None else alt / 0.3048))
    if fixes:
        return fixes
    for mark in root.iter("Placemark"):
        point = next(mark.iter("Point"), None)
        stamp = next(mark.iter("when"), None)
        if point is None or stamp is None or (c := point.find("coordinates")) is None:
            continue
        fixes += _kml_coordinates(c, source, _when(stamp.content, f"line {stamp.line}", source))
    if fixes:
        return fixes
    for line in root.iter("LineString"):
        c = line.find("coordinates")
        if c is not None:
            fixes += _kml_coordinates(c, source, None)
    return fixes


def _kml_coordinates(node: _Node, source: str, time: dt.datetime | None) -> list[Fix]:
    """The ``lon,lat[,alt]`` tuples of a KML coordinates element (lines counted within it)."""
    out = []
    for offset, row in enumerate(node.content.split("\n")):
        where = f"line {node.line + offset}"
        for tup in row.split():
            parts = tup.split(",")
            if len(parts) < 2:
                raise _bad(source, where, f"coordinates {tup!r}: give lon,lat or lon,lat,alt")
            lon, lat = (
                _number(parts[0], "lon", where, source),
                _number(parts[1], "lat", where, source),
            )
            alt = _num(parts[2]) if len(parts) > 2 else None
            out.append(Fix(lon, lat, time, where, None if alt is None else alt / 0.3048))
    return out


def _gpx(data: bytes, source: str) -> list[Fix]:
    root = _xml(data, source, "GPX")
    fixes = []
    for point in root.iter("trkpt"):
        where = f"line {point.line}"
        values = []
        for name in ("lat", "lon"):
            if name not in point.attrs:
                raise _bad(source, where, f"<trkpt> without {name}: give lat and lon attributes")
            values.append(_number(point.attrs[name], name, where, source))
        stamp = point.find("time")
        ele = point.find("ele")
        time = _when(stamp.content, f"line {stamp.line}", source) if stamp else None
        alt = _num(ele.content) if ele is not None else None
        fixes.append(Fix(values[1], values[0], time, where, None if alt is None else alt / 0.3048))
    return fixes


def _pick(names: list[str], wanted: tuple[str, ...]) -> int | None:
    lowered = [n.strip().lower() for n in names]
    return next((lowered.index(w) for w in wanted if w in lowered), None)


def _csv(data: bytes, source: str) -> list[Fix]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(
            f"byte {data[exc.start]:#04x} is not UTF-8: save the CSV as UTF-8",
            file=source,
            line=line,
        ) from None

    def header(delimiter: str) -> list[str]:
        return next(csv.reader(io.StringIO(text), delimiter=delimiter), [])

    delimiter = max(_DELIMITERS, key=lambda d: len(header(d)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = next(reader, [])
    lat, lon = _pick(names, _LAT), _pick(names, _LON)
    position = _pick(names, ("position",))
    if (lat is None or lon is None) and position is None:
        raise InputFileError(
            f"no lat and lon columns in the header {names}: name them lat and lon (or "
            "latitude and longitude, or one position column of 'lat,lon'); time, altitude "
            "and speed are optional",
            file=source,
            line=1,
        )
    when, alt = _pick(names, _TIME), _pick(names, _ALT)
    fixes = []
    for cells in reader:
        if not "".join(cells).strip():
            continue
        where = f"line {reader.line_num}"
        try:
            if lat is not None and lon is not None:
                y, x = cells[lat], cells[lon]
            else:
                assert position is not None
                y, _, x = cells[position].partition(",")
            time = _when(cells[when], where, source) if when is not None else None
            height = _num(cells[alt]) if alt is not None else None
        except IndexError:
            raise _bad(
                source, where, f"{len(cells)} cells but the header has {len(names)}"
            ) from None
        fixes.append(
            Fix(
                _number(x, "longitude", where, source),
                _number(y, "latitude", where, source),
                time,
                where,
                height,
            )
        )
    return fixes


def _geojson(data: bytes, source: str) -> list[Fix]:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputFileError(
            f"not valid JSON ({getattr(exc, 'msg', exc)}): give a GeoJSON file",
            file=source,
            line=line,
        ) from None
    if not isinstance(doc, dict):
        raise InputFileError("not a GeoJSON object: give a FeatureCollection", file=source)
    features = doc.get("features") if doc.get("type") == "FeatureCollection" else [doc]
    if not isinstance(features, list):
        raise InputFileError("features is not a list: give a FeatureCollection", file=source)
    fixes: list[Fix] = []
    for n, feature in enumerate(features):
        if not isinstance(feature, dict):
            continue
        here = f"features[{n}]" if doc.get("type") == "FeatureCollection" else "feature"
        geometry = feature.get("geometry") or {}
        props = feature.get("properties") or {}
        kind = geometry.get("type")
        coords = geometry.get("coordinates")
        if kind == "Point":
            stamp = next((props[k] for k in _TIME if k in props), None)
            fixes.append(_position(coords, stamp, f"{here}.geometry.coordinates", source))
        elif kind in ("LineString", "MultiLineString"):
            lines: Any = [coords] if kind == "LineString" else coords
            if not isinstance(lines, list) or not all(isinstance(x, list) for x in lines):
                raise InputFileError(
                    f"coordinates {coords!r}: give a list of [lon, lat] positions",
                    file=source,
                    field=f"{here}.geometry.coordinates",
                )
            stamps = next((props[k] for k in ("times", "timestamps") if k in props), None)
            flat = [(k, p) for k, line in enumerate(lines) for p in enumerate(line)]
            if stamps is not None and len(stamps) != len(flat):
                raise InputFileError(
                    f"{len(stamps)} times for {len(flat)} positions: give one time each",
                    file=source,
                    field=f"{here}.properties.times",
                )
            for i, (k, (j, p)) in enumerate(flat):
                part = f"[{k}]" if kind == "MultiLineString" else ""
                stamp = stamps[i] if stamps is not None else None
                fixes.append(_position(p, stamp, f"{here}.geometry.coordinates{part}[{j}]", source))
    return fixes


def _position(coords: Any, stamp: Any, where: str, source: str) -> Fix:
    if not (
        isinstance(coords, list)
        and len(coords) >= 2
        and all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords[:2])
    ):
        raise InputFileError(
            f"position {coords!r}: give [lon, lat] or [lon, lat, alt] in degrees",
            file=source,
            field=where,
        )
    alt = _num(coords[2]) if len(coords) > 2 else None
    time = _when(str(stamp), where, source) if stamp is not None else None
    return Fix(
        float(coords[0]), float(coords[1]), time, where, None if alt is None else alt / 0.3048
    )


def _parquet(path: Path | io.BytesIO, source: str) -> list[Fix]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputFileError(
            "reading Parquet needs pyarrow: pip install pyarrow, or give CSV", file=source
        ) from None
    try:
        table = pq.read_table(path)
    except Exception as exc:  # pyarrow raises its own and OSError for a bad file
        raise InputFileError(f"not a Parquet file ({exc})", file=source) from None
    names = list(table.column_names)
    lat, lon = _pick(names, _LAT), _pick(names, _LON)
    if lat is None or lon is None:
        raise InputFileError(
            f"no lat and lon columns in {names}: name them lat and lon (or latitude and "
            "longitude); time, altitude and speed are optional",
            file=source,
        )
    when, alt = _pick(names, _TIME), _pick(names, _ALT)

    def column(k: int | None) -> list[Any] | None:
        return None if k is None else table.column(k).to_pylist()

    ys, xs, ts, hs = column(lat), column(lon), column(when), column(alt)
    assert ys is not None
    assert xs is not None
    fixes = []
    for k, (y, x) in enumerate(zip(ys, xs, strict=True)):
        where = f"row {k + 1}"
        stamp = None if ts is None else ts[k]
        if isinstance(stamp, dt.datetime):
            time: dt.datetime | None = (
                stamp.replace(tzinfo=dt.UTC) if stamp.tzinfo is None else stamp.astimezone(dt.UTC)
            )
        else:
            time = _when(None if stamp is None else str(stamp), where, source)
        x_num, y_num = _num(x), _num(y)
        if x_num is None or y_num is None:
            raise InputFileError(
                f"position ({y!r}, {x!r}) is not a number: give decimal degrees",
                file=source,
                field=where,
            )
        fixes.append(Fix(x_num, y_num, time, where, None if hs is None else _num(hs[k])))
    return fixes
