"""The "conflict-26" workload of DESIGN.md section 4: the denied set and the pairs flown.

Random pairs are drawn from the airportsdata airports that have an IATA code and lie
outside every denied state's airspace (as :func:`overflight.data.airspace.states_at`
sees it), so every pair is a legal request. The draw depends only on the seed, the
airportsdata version and the shipped airspace file; :func:`workload_id` fingerprints
the result so that runs on different inputs are not compared by mistake.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import airportsdata

from overflight.data.airspace import denied_closure, states_at
from overflight.models import Place

__all__ = [
    "CONFLICT_26",
    "NAMED_PAIRS",
    "PAIR_COUNT",
    "SEED",
    "Pair",
    "all_pairs",
    "denied_26",
    "eligible_airports",
    "named_pairs",
    "random_pairs",
    "workload_id",
]

#: The 26 denied states of the workload (ISO 3166-1 alpha-2).
CONFLICT_26: tuple[str, ...] = (
    "RU", "BY", "UA", "IR", "IQ", "SY", "YE", "LY", "AF", "KP", "SD", "SS", "SO",
    "ML", "BF", "NE", "VE", "ER", "LB", "CF", "CD", "MM", "CU", "NI", "TD", "HT",
)  # fmt: skip

#: Seed of the random pairs; changing it changes every random-pair figure.
SEED = 20260126

#: Number of random pairs in the workload.
PAIR_COUNT = 1000

#: Pairs a reader recognises (ICAO codes), each outside conflict-26 at both ends; most
#: must detour: Europe-East Asia around Russia, Europe-South Asia around Iran and
#: Afghanistan, Africa-Europe around the Sahel and Libya, the Americas around Venezuela
#: and Cuba, North America-Asia where the polar route crosses Russia.
NAMED_PAIRS: tuple[tuple[str, str], ...] = (
    ("EFHK", "RJAA"),  # Helsinki - Tokyo Narita
    ("EDDF", "RJAA"),  # Frankfurt - Tokyo Narita
    ("EGLL", "VIDP"),  # London Heathrow - Delhi
    ("EGLL", "ZBAA"),  # London Heathrow - Beijing
    ("EDDF", "VTBS"),  # Frankfurt - Bangkok
    ("EGLL", "WSSS"),  # London Heathrow - Singapore
    ("LTFM", "RKSI"),  # Istanbul - Seoul Incheon
    ("OMDB", "KJFK"),  # Dubai - New York JFK
    ("KJFK", "VHHH"),  # New York JFK - Hong Kong
    ("KSFO", "VIDP"),  # San Francisco - Delhi
    ("FAOR", "EGLL"),  # Johannesburg - London Heathrow
    ("HAAB", "LFPG"),  # Addis Ababa - Paris CDG
    ("SBGR", "KMIA"),  # Sao Paulo - Miami
)


@dataclass(frozen=True)
class Pair:
    """One origin-destination request of the workload."""

    origin: Place
    destination: Place
    #: "random" or "named".
    kind: str

    @property
    def label(self) -> str:
        """Both codes, as a reader would write them."""
        return f"{self.origin.code}-{self.destination.code}"


@cache
def denied_26() -> tuple[str, ...]:
    """The workload's denied set as the planner sees it (dependencies included)."""
    return denied_closure(CONFLICT_26)


@cache
def _table() -> dict[str, Any]:
    return dict(airportsdata.load("ICAO"))


def _place(key: str, row: Mapping[str, Any]) -> Place:
    return Place(
        code=key,
        name=str(row["name"]),
        lon=float(str(row["lon"])),
        lat=float(str(row["lat"])),
        country=str(row["country"]) or None,
        kind="airport",
    )


@cache
def eligible_airports(denied: tuple[str, ...]) -> tuple[Place, ...]:
    """Airports with an IATA code, outside every denied state, in ICAO-key order."""
    out: list[Place] = []
    for key in sorted(_table()):
        row = _table()[key]
        if not row["iata"]:
            continue
        lon, lat = float(str(row["lon"])), float(str(row["lat"]))
        # A few rows carry placeholder or swapped coordinates; they are not airports anywhere.
        if not (math.isfinite(lon) and math.isfinite(lat) and abs(lat) <= 90 and abs(lon) <= 180):
            continue
        if states_at(lon, lat, denied):
            continue
        out.append(_place(key, row))
    return tuple(out)


def random_pairs(count: int = PAIR_COUNT, seed: int = SEED) -> tuple[Pair, ...]:
    """Random distinct-position pairs of eligible airports; the first n of a larger draw
    are the same as a draw of n, so a 10,000-pair batch extends the 1,000 pairs."""
    airports = eligible_airports(denied_26())
    rng = random.Random(seed)
    out: list[Pair] = []
    while len(out) < count:
        a, b = rng.sample(airports, 2)
        if (a.lon, a.lat) == (b.lon, b.lat):
            continue  # two names for one field: not a route
        out.append(Pair(a, b, "random"))
    return tuple(out)


def named_pairs() -> tuple[Pair, ...]:
    """The named airport pairs, checked to be legal requests for conflict-26."""
    out: list[Pair] = []
    for origin, destination in NAMED_PAIRS:
        a, b = _place(origin, _table()[origin]), _place(destination, _table()[destination])
        for place in (a, b):
            inside = states_at(place.lon, place.lat, denied_26())
            if inside:
                raise ValueError(f"named pair endpoint {place.code} lies in {inside}")
        out.append(Pair(a, b, "named"))
    return tuple(out)


def all_pairs(count: int = PAIR_COUNT, seed: int = SEED) -> tuple[Pair, ...]:
    """The random pairs followed by the named pairs."""
    return random_pairs(count, seed) + named_pairs()


def workload_id(pairs: Sequence[Pair]) -> str:
    """A short hash of the pairs' codes and coordinates."""
    text = "|".join(
        f"{p.origin.code},{p.origin.lon!r},{p.origin.lat!r},"
        f"{p.destination.code},{p.destination.lon!r},{p.destination.lat!r}"
        for p in pairs
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]
