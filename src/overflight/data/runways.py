"""Airports a flight may stop at to refuel, with the length of their longest paved runway.

The table ``runways.csv`` holds the open large and medium airports of OurAirports that have a
paved runway, each marked with whether it has scheduled service and whether it is a military
field (see ``RUNWAYS.md`` for the source, the pinned snapshot, the rules and how to rebuild it).
:attr:`FuelAirport.civil_scheduled` is the default pool of fuel stops. The table is read on first
use and cached; importing this module reads nothing.

>>> from overflight.data.runways import fuel_airport_table
>>> table = fuel_airport_table()
>>> kord = table.airports[table.index("KORD")]
>>> kord.country, kord.runway_m >= 3000, kord.civil_scheduled
('US', True, True)
>>> table.airports[table.index("BGTL")].military  # Thule (Pituffik) Air Base
True
"""

from __future__ import annotations

import csv
import functools
import importlib.resources
import io
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from overflight.models import Place

__all__ = ["FuelAirport", "FuelAirportTable", "fuel_airport_table", "fuel_airports"]

_COLUMNS = (
    "ident",
    "icao",
    "iata",
    "name",
    "lat",
    "lon",
    "country",
    "type",
    "runway_m",
    "scheduled",
    "military",
)


@dataclass(frozen=True)
class FuelAirport:
    """An airport that may serve as a fuel stop."""

    #: OurAirports ident, unique in the table.
    ident: str
    #: ICAO location indicator, or "" if it has none.
    icao: str
    #: IATA code, or "".
    iata: str
    #: Name as OurAirports gives it.
    name: str
    #: Longitude in degrees.
    lon: float
    #: Latitude in degrees.
    lat: float
    #: ISO 3166-1 alpha-2 code of the state the airport is in.
    country: str
    #: Size class: "large" or "medium".
    type: str
    #: Length of the longest open paved runway, metres.
    runway_m: float
    #: Whether the airport has scheduled airline service (OurAirports ``scheduled_service``).
    scheduled: bool = False
    #: Whether it is a military field (by its name; joint-use civil airports are not).
    military: bool = False

    @property
    def civil_scheduled(self) -> bool:
        """Whether an airline would plan a stop here: scheduled service, not a military base."""
        return self.scheduled and not self.military

    @property
    def code(self) -> str:
        """The code a user would type: ICAO if any, else IATA, else the OurAirports ident."""
        return self.icao or self.iata or self.ident

    def to_place(self) -> Place:
        """The airport as a :class:`Place` the planner can route to."""
        return Place(
            code=self.code,
            name=self.name,
            lon=self.lon,
            lat=self.lat,
            country=self.country,
            kind="airport",
        )


@dataclass(frozen=True, eq=False)
class FuelAirportTable:
    """The fuel-stop airports with column arrays for fast filtering (row i is airport i)."""

    #: The airports, sorted by ident.
    airports: tuple[FuelAirport, ...]
    #: Longitudes in degrees.
    lon: NDArray[np.float64]
    #: Latitudes in degrees.
    lat: NDArray[np.float64]
    #: Longest paved runway, metres.
    runway_m: NDArray[np.float64]
    #: Alpha-2 state codes.
    country: NDArray[np.str_]
    #: :attr:`FuelAirport.civil_scheduled` of each airport.
    civil_scheduled: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.airports)

    def index(self, code: str) -> int:
        """Row of the airport with this ident, ICAO or IATA code (case-insensitive).

        Raises
        ------
        KeyError
            If no airport in the table has the code.

        """
        return _codes(self)[code.strip().upper()]


@functools.cache
def _codes(table: FuelAirportTable) -> dict[str, int]:
    # IATA first, so that an ICAO code or ident that happens to equal another airport's IATA
    # code wins over it.
    codes: dict[str, int] = {}
    for key in ("iata", "ident", "icao"):
        for i, airport in enumerate(table.airports):
            value = getattr(airport, key)
            if value:
                codes[value] = i
    return codes


@functools.cache
def fuel_airport_table() -> FuelAirportTable:
    """The shipped fuel-stop airports as a table of columns (read once, then cached)."""
    text = (
        importlib.resources.files("overflight.data")
        .joinpath("runways.csv")
        .read_text(encoding="utf-8")
    )
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != _COLUMNS:
        raise RuntimeError(f"runways.csv has columns {reader.fieldnames}, expected {_COLUMNS}")
    airports = tuple(
        FuelAirport(
            ident=row["ident"],
            icao=row["icao"],
            iata=row["iata"],
            name=row["name"],
            lon=float(row["lon"]),
            lat=float(row["lat"]),
            country=row["country"],
            type=row["type"],
            runway_m=float(row["runway_m"]),
            scheduled=row["scheduled"] == "yes",
            military=row["military"] == "yes",
        )
        for row in reader
    )
    return FuelAirportTable(
        airports=airports,
        lon=np.array([a.lon for a in airports], dtype=np.float64),
        lat=np.array([a.lat for a in airports], dtype=np.float64),
        runway_m=np.array([a.runway_m for a in airports], dtype=np.float64),
        country=np.array([a.country for a in airports], dtype=np.str_),
        civil_scheduled=np.array([a.civil_scheduled for a in airports], dtype=np.bool_),
    )


def fuel_airports() -> tuple[FuelAirport, ...]:
    """The shipped fuel-stop airports, sorted by ident.

    >>> len(fuel_airports()) > 4000
    True
    """
    return fuel_airport_table().airports
