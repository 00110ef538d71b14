"""Conflict-zone advisories and national prohibitions: the model, the files, who they bind.

An advisory keeps some operators out of airspace that its own state keeps open: an area
(states, FIRs, polygons, a buffer, over water only, clipped ``within`` some states or
polygons) at a band of flight levels, for operator states (or ``@GROUP``), categories and
maybe named airlines, with a severity, a validity window, airway corridors opened through it,
and a source. The shipped catalogue is ``registry/advisories/*.yaml`` (format in
``ADVISORIES.md``); a user's file of the same format is read by :func:`read_advisory_file`.
Both are read with the project's YAML reader, so a bad value is named as file:line:field.

Which advisories bind a flight is decided here (plain data, no geometry); the areas become
geometry in ``routing/advisory_areas.py``.

>>> import datetime as dt
>>> found = advisories_for(operator="US", category="civil", on=dt.date(2020, 1, 10))
>>> sorted(b.advisory.id for b in found if b.advisory.severity == "prohibited")[:3]
['faa-gulf-waters-notam-a0003-2020', 'faa-iran-notam-a0002-2020', 'faa-iraq-notam-a0001-2020']
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from overflight.data.airspace import states
from overflight.data.yamlfile import fail_validation, read_user_file, read_yaml
from overflight.errors import InputError, ScenarioError
from overflight.registry._load import read_folder
from overflight.scenarios import Source, Window
from overflight.scenarios._categories import Category, lineage
from overflight.scenarios._codes import StateCode
from overflight.scenarios._groups import expand_refs
from overflight.scenarios._rules import AirlineCode, StateRef

__all__ = [
    "SEVERITIES",
    "TOP_FL",
    "Advisory",
    "AdvisoryFile",
    "Area",
    "Band",
    "BoundAdvisory",
    "Corridor",
    "Within",
    "advisories_for",
    "advisory_by_id",
    "read_advisories",
    "read_advisory_file",
]

#: How strongly an advisory binds: a rule, a recommendation, an invitation to care.
Severity = Literal["prohibited", "avoid", "caution"]
SEVERITIES: tuple[str, ...] = ("prohibited", "avoid", "caution")
#: The top of every band.
TOP_FL = 600


def _point(value: tuple[float, float]) -> tuple[float, float]:
    lon, lat = value
    if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
        raise ValueError(f"[{lon}, {lat}] is not [lon, lat]: give -180..180 and -90..90")
    return value


def _ring(value: tuple[tuple[float, float], ...]) -> tuple[tuple[float, float], ...]:
    if len(value) < 4 or value[0] != value[-1]:
        raise ValueError(
            "a ring is at least three corners and the first one again to close it "
            f"(got {len(value)} points, first {list(value[0]) if value else None}, "
            f"last {list(value[-1]) if value else None})"
        )
    return value


#: A position ``[lon, lat]`` in degrees.
Point = Annotated[tuple[float, float], AfterValidator(_point)]
#: A closed ring of positions.
Ring = Annotated[tuple[Point, ...], AfterValidator(_ring)]
#: An ICAO FIR identifier.
FirCode = Annotated[
    str, Field(pattern="^[A-Z]{4}$", description="ICAO FIR identifier, four capital letters.")
]
_KEBAB = "^[a-z0-9]+(-[a-z0-9]+)*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Frozen):
    """Flight levels, both ends inclusive; a lower end of 0 is the ground."""

    #: Lowest flight level concerned (0: the surface).
    lower: int = Field(ge=0, le=TOP_FL, description="Lowest flight level, inclusive.")
    #: Highest flight level concerned.
    upper: int = Field(ge=0, le=TOP_FL, description="Highest flight level, inclusive.")

    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.upper < self.lower:
            raise ValueError(f"the band {self.lower}-{self.upper} is upside down: lower <= upper")
        return self

    def contains(self, flight_level: int) -> bool:
        """Whether a cruise at this flight level is inside the band.

        >>> Band(lower=0, upper=249).contains(250), Band(lower=0, upper=249).contains(230)
        (False, True)
        """
        return self.lower <= flight_level <= self.upper

    @property
    def reaches_ground(self) -> bool:
        """Whether the band starts at the surface (it then forbids landing too)."""
        return self.lower == 0

    def __str__(self) -> str:
        return f"FL{self.lower:03d}-FL{self.upper:03d}"


class Within(_Frozen):
    """A clip: only the part of the area inside these polygons or within nm of these states."""

    states: tuple[StateCode, ...] = Field(default=(), description="States measured from.")
    polygons: tuple[Ring, ...] = Field(default=(), description="Closed [lon, lat] rings.")
    nm: float = Field(default=0.0, ge=0.0, description="Distance from them, nm.")

    @model_validator(mode="after")
    def _something(self) -> Within:
        if not self.states and not self.polygons:
            raise ValueError("within needs states or polygons to clip by")
        return self


class Area(_Frozen):
    """Where an advisory applies (see ``ADVISORIES.md``)."""

    states: tuple[StateCode, ...] = Field(default=(), description="Airspace of these states.")
    firs: tuple[FirCode, ...] = Field(default=(), description="ICAO FIR identifiers.")
    polygons: tuple[Ring, ...] = Field(default=(), description="Closed [lon, lat] rings.")
    buffer_nm: float = Field(default=0.0, ge=0.0, description="Grow the area by this, nm.")
    overwater_only: bool = Field(default=False, description="Only the airspace over water.")
    within: Within | None = Field(default=None, description="Keep only the part within these.")

    @model_validator(mode="after")
    def _something(self) -> Area:
        if not (self.states or self.firs or self.polygons):
            raise ValueError("an area needs states, firs or polygons")
        if self.firs and not self.states:
            raise ValueError(
                f"FIRs {', '.join(self.firs)} need the states they mostly cover, which stand "
                "for them when no FIR outlines are loaded: add states"
            )
        return self


class Binds(_Frozen):
    """Whom an advisory binds: operator states or groups, categories, maybe named airlines."""

    operators: tuple[StateRef, ...] = Field(
        min_length=1, description="Operator states or @GROUP, resolved on the flight's date."
    )
    categories: tuple[Category, ...] = Field(default=(), description="Categories; empty: all.")
    airlines: tuple[AirlineCode, ...] = Field(
        default=(), description="ICAO designators: only these airlines (an airline's own rule)."
    )


class Corridor(_Frozen):
    """An airway opened through the area at its own band; without points, a name only."""

    name: str = Field(min_length=1, description="The airway's designator.")
    points: tuple[Point, ...] | None = Field(
        default=None, min_length=2, description="The airway's line, [lon, lat] points."
    )
    half_width_nm: float | None = Field(
        default=None, gt=0.0, description="Half the corridor's width, nm."
    )
    band: Band = Field(description="Flight levels at which the corridor is open.")

    @model_validator(mode="after")
    def _geometry(self) -> Corridor:
        if (self.points is None) != (self.half_width_nm is None):
            raise ValueError(
                f"corridor {self.name}: give both points and half_width_nm, or neither "
                "(a corridor named only)"
            )
        return self

    @property
    def has_geometry(self) -> bool:
        """Whether the corridor can be opened (its line is known)."""
        return self.points is not None


class Advisory(_Frozen):
    """One advisory: an area at a band of levels, for some operators, over some days."""

    id: str = Field(pattern=_KEBAB, description="Kebab-case id, unique across the catalogue.")
    area: Area = Field(description="Where it applies.")
    band: Band = Field(description="Flight levels it applies at.")
    binds: Binds = Field(description="Whom it binds.")
    severity: Severity = Field(description="prohibited, avoid or caution.")
    valid: Window = Field(description="Days in force, both ends inclusive.")
    corridors: tuple[Corridor, ...] = Field(default=(), description="Airways open inside.")
    note: str = Field(min_length=1, description="What it says, in one sentence.")
    source: Source = Field(description="One of the file's sources.")

    @model_validator(mode="after")
    def _corridors_open_some_level(self) -> Advisory:
        for corridor in self.corridors:
            if corridor.band.upper < self.band.lower or corridor.band.lower > self.band.upper:
                raise ValueError(
                    f"corridor {corridor.name} ({corridor.band}) opens no level of the "
                    f"advisory's band ({self.band}): give a band that overlaps it"
                )
        return self

    def binds_flight(
        self, operator: str | None, category: str, on: dt.date, airline: str | None = None
    ) -> bool:
        """Whether it is in force on the day and binds this operator state, category, airline.

        A dependency's operators are bound by what binds its sovereign's.
        """
        if operator is None or not self.valid.contains(on):
            return False
        if self.binds.airlines and airline not in self.binds.airlines:
            return False
        if self.binds.categories and not set(lineage(category)) & set(self.binds.categories):
            return False
        sovereign = states()[operator].sovereign
        bound = expand_refs(self.binds.operators, on)
        return operator in bound or (sovereign is not None and sovereign in bound)


class AdvisoryFile(_Frozen):
    """One file of the catalogue: an issuer's series on one area, with its sources."""

    id: str = Field(pattern=_KEBAB, description="Kebab-case id, the file's name.")
    title: str = Field(min_length=1, description="One-line title.")
    issuer: str = Field(min_length=1, description="Who issued the advisories.")
    description: str = Field(min_length=1, description="What happened, in our own words.")
    sources: tuple[Source, ...] = Field(min_length=1, description="Every source the file uses.")
    assumptions: tuple[str, ...] = Field(
        default=(), description="Where the sources are silent, and where the data is less."
    )
    advisories: tuple[Advisory, ...] = Field(min_length=1, description="The advisories.")

    @model_validator(mode="after")
    def _consistent(self) -> AdvisoryFile:
        ids = [a.id for a in self.advisories]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"advisory ids appear twice: {', '.join(twice)}; make them unique")
        assumptions = " ".join(self.assumptions)
        for advisory in self.advisories:
            if advisory.source not in self.sources:
                raise ValueError(
                    f"{advisory.id}: its source {advisory.source.title!r} is not among the "
                    "file's sources: add it to sources"
                )
            for corridor in advisory.corridors:
                if not corridor.has_geometry and corridor.name not in assumptions:
                    raise ValueError(
                        f"{advisory.id}: corridor {corridor.name} has no points; say in the "
                        "assumptions why its geometry is missing"
                    )
        return self


@dataclass(frozen=True)
class BoundAdvisory:
    """An advisory that binds a flight, with the file it comes from (its issuer)."""

    advisory: Advisory
    #: The file's id.
    file: str
    #: Who issued it.
    issuer: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON of one advisory in a plan's ``advisories`` and ``overflight advisories``."""
        a = self.advisory
        return {
            "id": a.id,
            "file": self.file,
            "issuer": self.issuer,
            "severity": a.severity,
            "band": {"lower": a.band.lower, "upper": a.band.upper},
            "note": a.note,
            "states": list(a.area.states),
            "firs": list(a.area.firs),
            "corridors": [c.name for c in a.corridors],
            "valid_from": a.valid.from_.isoformat() if a.valid.from_ else None,
            "valid_to": a.valid.to.isoformat() if a.valid.to else None,
            "source_title": a.source.title,
            "source_publisher": a.source.publisher,
            "source_url": a.source.url,
            "source_date": a.source.date.isoformat() if a.source.date else None,
        }


@cache
def read_advisories() -> tuple[AdvisoryFile, ...]:
    """The shipped catalogue, validated, by file name; advisory ids unique across files."""
    found: list[AdvisoryFile] = read_folder("advisories", AdvisoryFile)
    _check_unique(found)
    return tuple(found)


def read_advisory_file(path: str | os.PathLike[str]) -> AdvisoryFile:
    """A user's file of advisories, in the catalogue's format (``ADVISORIES.md``).

    Raises
    ------
    ScenarioError
        For a missing or unreadable file, bad YAML or a bad value (file:line:field), or an id
        the shipped catalogue already uses.

    """
    shown = os.fspath(path)
    text = read_user_file(path, error=ScenarioError, wanted="a YAML file of advisories")
    doc = read_yaml(text, file=shown, error=ScenarioError)
    try:
        parsed = AdvisoryFile.model_validate(doc.data)
    except ValidationError as exc:
        fail_validation(exc, doc, file=shown, model=AdvisoryFile, error=ScenarioError)
    _check_unique([*read_advisories(), parsed], file=shown)
    return parsed


def _check_unique(found: Iterable[AdvisoryFile], *, file: str = "registry/advisories") -> None:
    seen: dict[str, str] = {}
    for f in found:
        for advisory in f.advisories:
            if advisory.id in seen:
                raise ScenarioError(
                    f"the advisory id {advisory.id!r} is also in {seen[advisory.id]}: "
                    "give it an id of its own",
                    file=file,
                    field="advisories",
                )
            seen[advisory.id] = f.id


def advisories_for(
    *,
    operator: str | None,
    category: str = "civil",
    on: dt.date,
    airline: str | None = None,
    extra: Iterable[AdvisoryFile] = (),
    shipped: bool = True,
) -> tuple[BoundAdvisory, ...]:
    """Every advisory (the catalogue's unless not ``shipped``, and ``extra``) binding the flight.

    Whatever the level: ``advisory.band`` says at which levels each applies. No operator
    state, no advisory.
    """
    return tuple(
        BoundAdvisory(a, f.id, f.issuer)
        for f in (*(read_advisories() if shipped else ()), *extra)
        for a in f.advisories
        if a.binds_flight(operator, category, on, airline)
    )


def advisory_by_id(name: str, extra: Iterable[AdvisoryFile] = ()) -> Advisory:
    """The advisory of the catalogue (or of ``extra``) with this id.

    >>> advisory_by_id("faa-iran-sfar-117").band.upper
    600
    """
    every = {a.id: a for f in (*read_advisories(), *extra) for a in f.advisories}
    if name not in every:
        close = difflib.get_close_matches(name, every, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "see registry/ADVISORIES.md"
        raise InputError(f"no advisory {name!r}: {hint}")
    return every[name]
