"""Airports, airfields and coordinates: turn what a user types into a :class:`Place`.

A code is looked up in these tables, in this order (see ``AIRFIELDS.md`` for the shipped ones):

1. ``superseded_codes.csv``: an ICAO code that has been replaced (Khartoum ``HSSS`` is now
   ``HSSK``) is read as its current code, and the place carries a note saying so;
2. the airportsdata table, by ICAO location indicator (4 characters) or IATA code (3 letters);
3. the curated supplement ``airfields.csv``, military airfields keyed by their OurAirports ident
   (``RU-0152`` is Mozdok air base);
4. a current code that airportsdata still holds under a former one;
5. ``ourairports.csv.gz``: every other open airfield of OurAirports, by its ident (``UKFB`` is
   Belbek air base) or its second code.

Anything else is tried as a ``"lat,lon"`` pair in decimal degrees (:mod:`.coordinates`).

Tables are read on first use and cached; importing this module reads nothing. The OurAirports
table (20,000 rows) is read only when a code is in none of the tables before it, or for a search,
so that resolving a code airportsdata holds costs no more than it did before the table existed.
"""

from __future__ import annotations

import csv
import difflib
import functools
import gzip
import hashlib
import heapq
import importlib.resources
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

import airportsdata
import numpy as np

from overflight.data.coordinates import parse_point
from overflight.data.packed import StringColumn, pack_strings, packed
from overflight.errors import InputError, OverflightError, UnknownAirportError
from overflight.models import Place

__all__ = ["resolve_place", "search_airports"]

#: How many suggestions an :class:`UnknownAirportError` carries at most.
_MAX_SUGGESTIONS = 5

#: Other names under which well-known fields are reported, keyed by airportsdata ICAO key.
#: The airportsdata names differ ("Bassel Al-Assad International Airport" is Hmeimim air base),
#: so without these a search for the name used in the news finds nothing.
_ALIASES: dict[str, tuple[str, ...]] = {
    "OSLK": ("Hmeimim Air Base", "Khmeimim"),
    "OIHS": ("Nojeh Air Base", "Shahid Nojeh"),
    "UUMU": ("Chkalovsky",),
}

_AIRFIELD_COLUMNS = ("ident", "name", "lat", "lon", "country", "source")
_OURAIRPORTS_COLUMNS = ("ident", "gps_code", "name", "lat", "lon", "country", "type", "scheduled")
_SUPERSEDED_COLUMNS = ("old", "current", "since", "basis", "sources")

#: OurAirports size classes that count as a main airfield when ranking search results.
_MAIN_SIZES = ("large", "medium")

_REAL_ICAO = re.compile(r"[A-Z]{4}")
_PUNCTUATION = re.compile(r"[\W_]+")


class _Entry(NamedTuple):
    """One airport or airfield as the lookups need it."""

    #: The code a :class:`Place` gets: ICAO if real, else IATA, else the table key.
    code: str
    #: Key in its table: the airportsdata ICAO key or the upper-case airfield ident.
    key: str
    #: IATA code or "".
    iata: str
    name: str
    city: str
    #: ISO 3166-1 alpha-2 code or "".
    country: str
    lat: float
    lon: float
    #: "airport" or "airfield".
    kind: str
    #: OurAirports size class ("large", "medium", "small", "seaplane"); "" for other tables.
    size: str = ""
    #: OurAirports ``scheduled_service``; False for other tables.
    scheduled: bool = False
    #: A second code (OurAirports ``gps_code``) that also names the field, or "".
    alias: str = ""

    def to_place(self, note: str | None = None) -> Place:
        return Place(
            code=self.code,
            name=self.name,
            lon=self.lon,
            lat=self.lat,
            country=self.country or None,
            kind=self.kind,
            note=note,
        )

    def describe(self) -> str:
        """Say which place this is: ``"OSLK/LTK (Bassel Al-Assad ..., Latakia, SY)"``."""
        codes = f"{self.code}/{self.iata}" if self.iata and self.iata != self.code else self.code
        details = ", ".join(part for part in (self.name, self.city, self.country) if part)
        return f"{codes} ({details})"

    @property
    def rank(self) -> tuple[int, int, int, int]:
        """Sort key that puts likely commercial airports first.

        airportsdata has no size class, so use what it has: an IATA code, then a real ICAO
        indicator (not a local identifier), then "International" in the name. OurAirports rows
        say whether the field has scheduled service and how large it is: use those instead, and
        put them after airportsdata entries that rank the same (airportsdata is the newer data).
        """
        if self.size:
            return (
                0 if self.scheduled else 1,
                0 if _REAL_ICAO.fullmatch(self.key) else 1,
                0 if self.size in _MAIN_SIZES else 1,
                1,
            )
        return (
            0 if self.iata else 1,
            0 if _REAL_ICAO.fullmatch(self.key) else 1,
            0 if "international" in self.name.casefold() else 1,
            0,
        )


class _Change(NamedTuple):
    """A superseded ICAO code and the code that replaced it."""

    old: str
    #: The code in use now (chains of changes are followed to their end).
    current: str
    #: ISO date from which ``current`` is in force, or "" when the sources give none.
    since: str

    def note(self, name: str) -> str:
        """What a place named by the old code should tell the user."""
        head = f"{self.old} is a former ICAO code of {name}, which"
        if self.since:
            return f"{head} has been {self.current} since {self.since}"
        return f"{head} is now {self.current}"


class _OurAirports(NamedTuple):
    """The shipped OurAirports table, by ident and by second code."""

    by_ident: dict[str, _Entry]
    #: Entries under their second code, presented with that code.
    by_alias: dict[str, _Entry]


class _Searchable(NamedTuple):
    """An entry with its text folded for case- and accent-insensitive matching."""

    entry: _Entry
    name: str
    city: str
    aliases: tuple[str, ...]
    #: " name city aliases " with single spaces, to find words that start with the query.
    text: str
    #: " codes " that name the entry (table key, code, IATA code, second code), to find a code
    #: or a code prefix with one substring test.
    codes: str
    #: Superseded codes that used to name it.
    former: tuple[str, ...]


# -- tables ------------------------------------------------------------------------------------


class _Table(Mapping[str, _Entry]):
    """The airportsdata table by one of its codes; an entry is made when looked up.

    A lookup searches the packed column of codes and reads the one row it finds, so a route's
    two lookups cost microseconds rather than the 28,000 rows' worth of strings. Going through
    the table (a search), or looking up more than SEARCHES_BEFORE_INDEX codes (a batch's
    thousands of places), unpacks and indexes it once, and every lookup then reads the lists.
    """

    #: Lookups that search the packed column before the table indexes itself: indexing
    #: costs about a hundred searches.
    SEARCHES_BEFORE_INDEX = 100

    def __init__(self, columns: dict[str, np.ndarray], by: str = "key") -> None:
        self._columns = columns
        self._by = _TEXT_COLUMNS.index(by)
        self._searches = 0

    @functools.cached_property
    def _packed(self) -> list[StringColumn]:
        return [StringColumn(self._columns[c]) for c in _TEXT_COLUMNS]

    @functools.cached_property
    def _unpacked(self) -> tuple[list[list[str]], list[float], list[float]]:
        text = [column.strings() for column in self._packed]
        return text, self._columns["lat"].tolist(), self._columns["lon"].tolist()

    @functools.cached_property
    def _rows(self) -> dict[str, int]:
        codes = self._unpacked[0][self._by]
        # The last row of a code wins, as a dict of the rows has it; "" is no IATA code.
        rows = dict(zip(codes, range(len(codes)), strict=True))
        rows.pop("", None)
        return rows

    def __getitem__(self, looked_up: str) -> _Entry:
        self._searches += 1
        if "_rows" in self.__dict__ or self._searches > self.SEARCHES_BEFORE_INDEX:
            i = self._rows[looked_up]
            text, lats, lons = self._unpacked
            key, code, iata, name, city, country = (column[i] for column in text)
            return _Entry(code, key, iata, name, city, country, lats[i], lons[i], "airport")
        found = self._packed[self._by].last_index(looked_up) if looked_up else None
        if found is None:
            raise KeyError(looked_up)
        key, code, iata, name, city, country = (column[found] for column in self._packed)
        lat, lon = float(self._columns["lat"][found]), float(self._columns["lon"][found])
        return _Entry(code, key, iata, name, city, country, lat, lon, "airport")

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def by_iata(self) -> _Table:
        """The entries that have an IATA code, by that code."""
        table = _Table(self._columns, by="iata")
        if "_unpacked" in self.__dict__:  # the same lists, not unpacked twice
            table.__dict__["_unpacked"] = self._unpacked
        return table


@functools.cache
def _airports() -> _Table:
    """The airportsdata table, keyed by its 4-character ICAO key."""
    table = Path(airportsdata.__file__).with_name("airports.csv")
    # The release, size and time of the installed table name it: hashing its 3 MB took longer
    # than reading the parsed copy.
    found = table.stat()
    source = f"{airportsdata.__version__} {found.st_size} {found.st_mtime_ns}"
    return _Table(packed("airports-1", hashlib.sha256(source.encode()).hexdigest()[:16], _parse))


#: The text columns of the airportsdata table that the lookups keep (then lat and lon).
_TEXT_COLUMNS = ("key", "code", "iata", "name", "city", "country")


def _parse() -> dict[str, np.ndarray]:
    """Parse airportsdata's CSV into the columns :func:`_airports` reads."""
    rows = airportsdata.load("ICAO")
    keys = list(rows)
    iata = [rows[k]["iata"] for k in keys]
    codes = [k if _REAL_ICAO.fullmatch(k) else i or k for k, i in zip(keys, iata, strict=True)]
    return {
        "key": pack_strings(keys),
        "code": pack_strings(codes),
        "iata": pack_strings(iata),
        "name": pack_strings([rows[k]["name"] for k in keys]),
        "city": pack_strings([rows[k]["city"] for k in keys]),
        "country": pack_strings([rows[k]["country"] for k in keys]),
        "lat": np.array([float(rows[k]["lat"]) for k in keys]),
        "lon": np.array([float(rows[k]["lon"]) for k in keys]),
    }


@functools.cache
def _airports_by_iata() -> Mapping[str, _Entry]:
    """Index the airport table by IATA code.

    Built from the ICAO table rather than by a second ``airportsdata.load("IATA")``: that would
    read the same file again, and every IATA row is also an ICAO row.
    """
    return _airports().by_iata()


@functools.cache
def _airfields() -> dict[str, _Entry]:
    """Load the shipped supplement ``airfields.csv``, keyed by upper-case ident."""
    text = (
        importlib.resources.files("overflight.data")
        .joinpath("airfields.csv")
        .read_text(encoding="utf-8")
    )
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _AIRFIELD_COLUMNS:
        raise OverflightError(
            f"airfields.csv has columns {reader.fieldnames}, expected {list(_AIRFIELD_COLUMNS)}"
        )
    entries: dict[str, _Entry] = {}
    for row in reader:
        ident = row["ident"].strip().upper()
        try:
            lat, lon = float(row["lat"]), float(row["lon"])
        except ValueError:
            raise OverflightError(
                f"airfields.csv line {reader.line_num}: bad coordinates {row['lat']!r}, "
                f"{row['lon']!r}"
            ) from None
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise OverflightError(
                f"airfields.csv line {reader.line_num}: coordinates out of range: {lat}, {lon}"
            )
        if ident in entries:
            raise OverflightError(f"airfields.csv line {reader.line_num}: duplicate {ident!r}")
        entries[ident] = _Entry(
            code=ident,
            key=ident,
            iata="",
            name=row["name"].strip(),
            city="",
            country=row["country"].strip().upper(),
            lat=lat,
            lon=lon,
            kind="airfield",
        )
    return entries


def _resource(name: str) -> bytes:
    return importlib.resources.files("overflight.data").joinpath(name).read_bytes()


@functools.cache
def _superseded() -> dict[str, _Change]:
    """Load ``superseded_codes.csv``: every old code with its current one, chains followed."""
    reader = csv.DictReader(io.StringIO(_resource("superseded_codes.csv").decode("utf-8")))
    if tuple(reader.fieldnames or ()) != _SUPERSEDED_COLUMNS:
        raise OverflightError(
            f"superseded_codes.csv has columns {reader.fieldnames}, "
            f"expected {list(_SUPERSEDED_COLUMNS)}"
        )
    direct: dict[str, _Change] = {}
    for row in reader:
        old, current = row["old"].strip().upper(), row["current"].strip().upper()
        if not (_REAL_ICAO.fullmatch(old) and _REAL_ICAO.fullmatch(current)) or old == current:
            raise OverflightError(
                f"superseded_codes.csv line {reader.line_num}: {old!r} -> {current!r} is not a "
                "change between two ICAO codes"
            )
        if old in direct:
            raise OverflightError(f"superseded_codes.csv line {reader.line_num}: duplicate {old!r}")
        direct[old] = _Change(old, current, row["since"].strip())
    changes: dict[str, _Change] = {}
    for old, change in direct.items():
        seen = {old}
        while change.current in direct:  # changed again later: the last change gives the code
            if change.current in seen:
                raise OverflightError(f"superseded_codes.csv: the changes of {old!r} form a loop")
            seen.add(change.current)
            change = direct[change.current]
        changes[old] = _Change(old, change.current, change.since)
    return changes


@functools.cache
def _former_codes() -> dict[str, tuple[str, ...]]:
    """Each current code with the superseded codes that now mean it."""
    former: dict[str, list[str]] = {}
    for change in _superseded().values():
        former.setdefault(change.current, []).append(change.old)
    return {code: tuple(sorted(olds)) for code, olds in former.items()}


@functools.cache
def _ourairports() -> _OurAirports:
    """Load the shipped ``ourairports.csv.gz`` (OurAirports fields that airportsdata lacks)."""
    text = gzip.decompress(_resource("ourairports.csv.gz")).decode("utf-8")
    rows = csv.reader(io.StringIO(text))
    header = tuple(next(rows, ()))
    if header != _OURAIRPORTS_COLUMNS:
        raise OverflightError(
            f"ourairports.csv.gz has columns {list(header)}, expected {list(_OURAIRPORTS_COLUMNS)}"
        )
    by_ident: dict[str, _Entry] = {}
    by_alias: dict[str, _Entry] = {}
    for ident, alias, name, lat, lon, country, size, scheduled in rows:
        entry = _Entry(
            code=ident,
            key=ident,
            iata="",
            name=name,
            city="",
            country=country,
            lat=float(lat),
            lon=float(lon),
            kind="airfield",
            size=size,
            scheduled=scheduled == "yes",
            alias=alias,
        )
        by_ident[ident] = entry
        if alias:
            by_alias[alias] = entry._replace(code=alias)
    return _OurAirports(by_ident, by_alias)


def _present(entry: _Entry) -> _Entry:
    """The entry under its current code, when a table still gives it a superseded one."""
    change = _superseded().get(entry.code)
    return entry if change is None else entry._replace(code=change.current)


def _fold(text: str) -> str:
    """Lower-case, strip accents, and turn punctuation into single spaces."""
    if not text.isascii():  # most names are: they need no decomposition (the index folds 48,000)
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def _search_entries() -> Iterable[_Entry]:
    """Every entry once, under its current code."""
    airports, by_iata = _airports(), _airports_by_iata()
    yield from (_present(entry) for entry in airports.values())
    yield from _airfields().values()
    for key, entry in _ourairports().by_ident.items():
        # A newer airportsdata than the table was built against may hold the ident itself.
        if key not in airports and not (len(key) == 3 and key in by_iata):
            yield entry


@functools.cache
def _searchables() -> tuple[_Searchable, ...]:
    """Every airport and airfield with folded text, most important first."""
    items: list[_Searchable] = []
    for entry in _search_entries():
        name, city = _fold(entry.name), _fold(entry.city) if entry.city else ""
        aliases = tuple(_fold(alias) for alias in _ALIASES.get(entry.key, ()))
        text = " " + " ".join(part for part in (name, city, *aliases) if part) + " "
        former = _former_codes().get(entry.code, ())
        own = (entry.code, entry.key, entry.iata, entry.alias)
        codes = " " + " ".join(dict.fromkeys(c for c in own if c and c not in former)) + " "
        items.append(_Searchable(entry, name, city, aliases, text, codes, former))
    items.sort(key=lambda item: (item.entry.rank, item.entry.name, item.entry.code))
    return tuple(items)


@functools.cache
def _words() -> dict[str, tuple[_Searchable, ...]]:
    """Folded words of four letters or more in names, cities and aliases, for fuzzy matching."""
    index: dict[str, list[_Searchable]] = {}
    for item in _searchables():
        for word in set(item.text.split()):
            if len(word) >= 4 and not word.isdigit():
                index.setdefault(word, []).append(item)
    return {word: tuple(items) for word, items in index.items()}


@functools.cache
def _city_codes() -> dict[str, tuple[str, ...]]:
    """IATA metropolitan-area codes (MOW, LON, ...) and the airport codes they group."""
    return {
        code: tuple(sorted(mac["airports"])) for code, mac in airportsdata.load_iata_macs().items()
    }


# -- matching ----------------------------------------------------------------------------------


def _code_key(code: str) -> str:
    return code.strip().upper()


def _find(key: str) -> _Entry | None:
    """The entry that a code in use (not a superseded one) names, presented under that code.

    The OurAirports table is read only when no other table holds the code.
    """
    if len(key) == 4 and key in _airports():
        return _airports()[key]
    if len(key) == 3 and key in _airports_by_iata():
        return _present(_airports_by_iata()[key])
    if key in _airfields():
        return _airfields()[key]
    for old in _former_codes().get(key, ()):
        # A current code that a table still holds under a former one (airportsdata can lag).
        entry = _airports().get(old) or _ourairports().by_ident.get(old)
        entry = entry or _ourairports().by_alias.get(old)
        if entry is not None:
            return entry._replace(code=key)
    table = _ourairports()
    return table.by_ident.get(key) or table.by_alias.get(key)


def _exact(code: str) -> tuple[_Entry, str | None] | None:
    """Find the entry a code names, and the note to give when the code is a superseded one."""
    key = _code_key(code)
    change = _superseded().get(key)
    if change is not None:
        entry = _find(change.current)
        if entry is not None:
            entry = entry._replace(code=change.current)
            return entry, change.note(entry.name)
    entry = _find(key)
    return None if entry is None else (entry, None)


def _name_tier(item: _Searchable, query: str) -> int | None:
    """How well a folded query matches an entry's name, city or aliases (lower is better)."""
    if query in (item.name, item.city, *item.aliases) or item.name.startswith(query):
        return 2
    if " " + query in item.text:
        return 3  # a word starts with the query
    if len(query) >= 4 and query in item.text:
        return 4  # inside a word; too noisy for shorter queries
    words = query.split()
    if len(words) > 1 and all(" " + word in item.text for word in words):
        return 4  # every word, in any order: "mehrabad tehran"
    return None


def _ranked(query: str) -> Iterable[tuple[tuple[int, int], _Searchable, str | None]]:
    """Every entry that matches ``query`` by code or text, with its sort key and a note."""
    code = _code_key(query)
    folded = _fold(query)
    by_code = 0 < len(code) <= 7 and re.fullmatch(r"[A-Z0-9-]+", code) is not None
    change = _superseded().get(code) if by_code else None
    exact, prefix = f" {code} ", f" {code}"
    for position, item in enumerate(_searchables()):
        tier: int | None = None
        note: str | None = None
        if change is not None and code in item.former:
            tier, note = 0, change.note(item.entry.name)
        elif by_code and prefix in item.codes:
            tier = 0 if exact in item.codes else 1
        elif folded:
            tier = _name_tier(item, folded)
        if tier is not None:
            # `position` follows the importance order of _searchables().
            yield (tier, position), item, note


def _fuzzy(query: str, limit: int) -> list[_Searchable]:
    """Entries with a word close to a one-word query ("chkalovsky" finds "Chkalovskiy")."""
    folded = _fold(query)
    if len(folded) < 4 or " " in folded:
        return []
    found: list[_Searchable] = []
    for word in difflib.get_close_matches(folded, _words(), n=limit, cutoff=0.8):
        found.extend(_words()[word])
    return found[:limit]


def _search(query: str, limit: int) -> list[tuple[_Entry, str | None]]:
    best = heapq.nsmallest(limit, _ranked(query), key=lambda found: found[0])
    if best:
        return [(item.entry, note) for _, item, note in best]
    # Near spellings only when nothing matches as typed: they would crowd out real matches.
    return [(item.entry, None) for item in _fuzzy(query, limit)]


def _looks_like_code(code: str) -> bool:
    return re.fullmatch(r"[A-Z0-9-]{2,8}", code) is not None and (
        len(code) in (3, 4) or any(ch.isdigit() or ch == "-" for ch in code)
    )


def _close_codes(text: str, limit: int) -> list[_Entry]:
    """Entries whose code is a small edit away from ``text``."""
    code = _code_key(text)
    if not _looks_like_code(code):
        return []
    # Compare like with like: a 4-character text with ICAO keys, 3 letters with IATA codes.
    candidates: dict[str, _Entry] = dict(_ourairports().by_ident)
    candidates.update(_airfields())
    if len(code) == 3:
        candidates.update(_airports_by_iata())
    else:
        candidates.update(_airports())
    # One wrong or swapped character: 0.67 for 3 characters, 0.75 for 4, more for longer idents.
    cutoff = 0.65 if len(code) <= 3 else 0.7
    matcher = difflib.SequenceMatcher(b=code, autojunk=False)
    scored: list[tuple[float, int, tuple[int, int, int, int], str, _Entry]] = []
    for key, entry in candidates.items():
        if abs(len(key) - len(code)) > 1:
            continue
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() < cutoff or matcher.quick_ratio() < cutoff:
            continue
        ratio = matcher.ratio()
        if ratio >= cutoff:
            scored.append((-ratio, -_common_prefix_len(key, code), entry.rank, key, entry))
    scored.sort(key=lambda row: row[:4])
    return [_present(row[4]) for row in scored[:limit]]


def _common_prefix_len(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _suggestions(text: str) -> tuple[str, ...]:
    """Up to five descriptions of the entries the user most likely meant."""
    key = _code_key(text)
    first: list[_Entry] = []
    if len(key) == 3 and key in _city_codes():
        # A metropolitan-area code such as MOW names no single airport: offer its airports.
        by_iata = _airports_by_iata()
        first = [_present(by_iata[c]) for c in _city_codes()[key] if c in by_iata]
    by_code = _close_codes(text, _MAX_SUGGESTIONS)
    by_name = [entry for entry, _ in _search(text, _MAX_SUGGESTIONS)]
    if not by_name and "," in text:
        by_name = [entry for entry, _ in _search(text.split(",")[0], _MAX_SUGGESTIONS)]
    ordered = first + (by_code + by_name if _looks_like_code(key) else by_name + by_code)
    described: list[str] = []
    seen: set[str] = set()
    for entry in ordered:
        if entry.code not in seen:
            seen.add(entry.code)
            described.append(entry.describe())
    return tuple(described[:_MAX_SUGGESTIONS])


# -- public API --------------------------------------------------------------------------------


def resolve_place(text: str) -> Place:
    """Turn an airport code, an airfield identifier or a ``"lat,lon"`` pair into a place.

    Parameters
    ----------
    text : str
        One of, tried in this order (surrounding spaces and letter case do not matter):

        - a superseded ICAO code listed in ``superseded_codes.csv``, read as the code that
          replaced it: ``"HSSS"`` is Khartoum, ``HSSK`` since 2021;
        - an ICAO location indicator, e.g. ``"UUMU"``; the 4-character keys of the airportsdata
          table are accepted, which include FAA identifiers of small US fields such as ``"00AA"``;
        - an IATA code, e.g. ``"LTK"``;
        - the OurAirports ident of an airfield in the shipped supplement ``airfields.csv``
          (military fields without an ICAO code), e.g. ``"RU-0152"`` or ``"ru-0152"`` for Mozdok
          air base;
        - the OurAirports ident of any other open airfield (``ourairports.csv.gz``: airports,
          airstrips and seaplane bases, not heliports), e.g. ``"UKFB"`` for Belbek air base, or
          its second code (``gps_code``);
        - latitude and longitude in decimal degrees, latitude first, separated by a comma (or
          by spaces), e.g. ``"55.75,37.62"``, ``"55.75, 37.62"`` or ``"55.75 37.62"``; hemisphere
          letters are accepted before or after each number (``"55.75N, 37.62E"``,
          ``"S33.9,E151.2"``), and when given they fix the order, so ``"37.62E,55.75N"`` is read
          as well.

    Returns
    -------
    Place
        For an airport, ``kind="airport"`` with ``code`` the ICAO indicator if the airport has
        one, else its IATA code, and ``country`` the ISO 3166-1 alpha-2 code from airportsdata
        (``XK`` for Kosovo). For an OurAirports field, ``kind="airfield"`` and ``code`` the
        ident (or second code) in upper case. For coordinates, ``kind="point"``, ``code`` the
        normalised pair (``"55.75,37.62"``), a name such as ``"55.7500N 37.6200E"`` and no
        country. A place named by a superseded code has the current code as ``code`` and a
        ``note`` that names it; every other place has no note. A field that airportsdata still
        keys by a superseded code is reported under the current one (``"HSSJ"``, ``"HJJJ"`` and
        ``"JUB"`` all give ``HJJJ``, Juba).

    Raises
    ------
    CoordinateError
        If ``text`` looks like coordinates but a value cannot be read or is out of range
        (latitude in [-90, 90], longitude in [-180, 180]).
    UnknownAirportError
        For anything else; its ``suggestions`` hold up to five close matches by code, name, city
        or well-known alternative name, each as ``"ICAO/IATA (name, city, country)"``.

    Examples
    --------
    >>> place = resolve_place("uumu")
    >>> place.code, place.kind, place.country
    ('UUMU', 'airport', 'RU')
    >>> resolve_place("LTK").code
    'OSLK'
    >>> resolve_place("RU-0152").name
    'Mozdok Air Base'
    >>> resolve_place("ukfb").name
    'Sevastopol International Airport / Belbek Air Base'
    >>> khartoum = resolve_place("HSSS")
    >>> khartoum.code, khartoum.note.endswith("which has been HSSK since 2021-03-04")
    ('HSSK', True)
    >>> point = resolve_place("55.75N, 37.62E")
    >>> point.code, point.name, point.lonlat
    ('55.75,37.62', '55.7500N 37.6200E', LonLat(lon=37.62, lat=55.75))

    """
    found = _exact(text)
    if found is not None:
        entry, note = found
        return entry.to_place(note)
    point = parse_point(text)
    if point is not None:
        return point
    raise UnknownAirportError(text.strip(), _suggestions(text))


def search_airports(query: str, *, limit: int = 10) -> list[Place]:
    """Find airports and airfields by code prefix, name or city, best matches first.

    Parameters
    ----------
    query : str
        A code or the start of one (``"UUM"``), or part of a name or city (``"Tehran"``).
        Case, accents and punctuation do not matter; well-known alternative names such as
        ``"Hmeimim"`` are searched as well.
    limit : int, default 10
        The most places to return; at least 1.

    Returns
    -------
    list of Place
        Exact code matches first (ICAO, IATA, airfield ident or second code, or a superseded
        code, whose place carries the same ``note`` as :func:`resolve_place` gives), then code
        prefixes, then names or cities equal to or starting with the query, then words starting
        with it, then names containing it (queries of 4 characters or more). airportsdata has no
        size class, so within each group airports with an IATA code (mostly commercial) come
        first, then those with a real ICAO indicator rather than a local identifier, then those
        with "International" in the name; OurAirports fields rank by scheduled service, ICAO
        ident and size instead, after airportsdata entries that rank the same. When nothing
        matches as typed, near spellings of a one-word query are returned instead ("Chkalovsky"
        finds "Chkalovskiy Airport"). Empty when nothing matches or ``query`` is blank.

    Raises
    ------
    InputError
        If ``limit`` is less than 1.

    Examples
    --------
    >>> [place.code for place in search_airports("Tehran", limit=2)]
    ['OIIE', 'OIII']
    >>> [place.code for place in search_airports("Belbek")]
    ['UKFB']

    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InputError(f"limit must be a whole number of at least 1, got {limit!r}")
    if not query.strip():
        return []
    return [entry.to_place(note) for entry, note in _search(query, limit)]
