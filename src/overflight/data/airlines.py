"""Airlines by designator, with the state each belongs to: who an ``--airline`` flight is.

The table ``airlines.csv`` holds the OpenFlights airline database, the airlines the registry
names and a few corrections (``AIRLINES.md`` gives the source, the pinned package and how to
rebuild it). It is read on first use and cached; importing this module reads nothing.

>>> airline("FIN").state, airline("ay").icao
('FI', 'FIN')
"""

from __future__ import annotations

import csv
import difflib
import functools
import importlib.resources
import io
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from overflight.errors import UnknownAirlineError

__all__ = ["Airline", "airline", "airlines", "search_airlines"]


@dataclass(frozen=True)
class Airline:
    """An airline: its designators, name and state."""

    #: ICAO three-letter designator, unique in the table.
    icao: str
    #: IATA two-letter designator, or "" (IATA codes are reused: several airlines may share one).
    iata: str
    #: Name as the source gives it.
    name: str
    #: ISO 3166-1 alpha-2 code of the airline's state.
    state: str
    #: Whether the source marks it as operating.
    active: bool
    #: Where the row comes from: ``openflights:<id>``, ``registry`` or ``supplement``.
    source: str


@functools.cache
def airlines() -> Mapping[str, Airline]:
    """Every airline of the shipped table by ICAO designator, read once."""
    text = (
        importlib.resources.files("overflight.data")
        .joinpath("airlines.csv")
        .read_text(encoding="utf-8")
    )
    rows = csv.DictReader(io.StringIO(text))
    return MappingProxyType(
        {
            r["icao"]: Airline(
                r["icao"], r["iata"], r["name"], r["state"], r["active"] == "Y", r["source"]
            )
            for r in rows
        }
    )


@functools.cache
def _by_iata() -> Mapping[str, tuple[Airline, ...]]:
    """Operating airlines by IATA designator; the curated rows alone where there are any."""
    found: dict[str, list[Airline]] = {}
    for a in airlines().values():
        if a.iata and a.active:
            found.setdefault(a.iata, []).append(a)
    out = {}
    for code, rows in found.items():
        curated = [a for a in rows if not a.source.startswith("openflights:")]
        out[code] = tuple(curated or rows)
    return MappingProxyType(out)


def airline(code: str) -> Airline:
    """The airline with ICAO designator (three letters) or IATA designator (two characters).

    Raises
    ------
    UnknownAirlineError
        (a ``ValueError``) for a designator the table does not hold, or an IATA designator
        that several operating airlines share, naming their ICAO designators.

    """
    key = code.strip().upper()
    if len(key) == 3 and key in airlines():
        return airlines()[key]
    if len(key) == 2 and key in _by_iata():
        found = _by_iata()[key]
        if len(found) == 1:
            return found[0]
        names = ", ".join(f"{a.icao} ({a.name}, {a.state})" for a in found)
        raise UnknownAirlineError(
            code, f"IATA designator {code!r} is shared by {names}: give the ICAO designator"
        )
    pool = list(airlines()) if len(key) != 2 else list(_by_iata())
    close = tuple(difflib.get_close_matches(key, pool, n=3, cutoff=0.6))
    raise UnknownAirlineError(code, suggestions=close)


def search_airlines(query: str, *, limit: int = 10) -> list[Airline]:
    """Airlines by designator or name, best matches first (for autocomplete).

    The airline a designator names (:func:`airline`) first, then ICAO designators starting with
    the query, then names starting with it, then names containing it (3 characters or more);
    operating airlines before those the source marks as gone, within each group. Empty for a
    blank query.

    >>> [a.icao for a in search_airlines("AY", limit=2)]
    ['FIN', 'AYD']
    >>> "AIC" in [a.icao for a in search_airlines("air india")]
    True
    """
    text = " ".join(query.split()).upper()
    if not text or limit < 1:
        return []
    ranked: dict[str, Airline] = {}
    try:
        exact = airline(text)
    except UnknownAirlineError:
        pass
    else:
        ranked[exact.icao] = exact
    table = sorted(airlines().values(), key=lambda a: (not a.active, a.name))
    groups = (
        [a for a in table if a.icao.startswith(text)],
        [a for a in table if a.name.upper().startswith(text)],
        [a for a in table if len(text) >= 3 and text in a.name.upper()],
    )
    for group in groups:
        for a in group:
            ranked.setdefault(a.icao, a)
            if len(ranked) >= limit:
                return list(ranked.values())
    return list(ranked.values())
