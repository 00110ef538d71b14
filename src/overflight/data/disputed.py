"""Disputed and occupied areas: claimants, who controls them and when, and what lies in them.

The table ``disputed.yaml`` (documented in ``DISPUTED.md``) lists areas whose control is
contested or held against the recognised sovereign: Crimea, the occupied parts of the Donetsk,
Luhansk, Zaporizhzhia and Kherson regions, Abkhazia, South Ossetia, Transnistria, Northern
Cyprus, Nagorno-Karabakh (until September 2023), Western Sahara and the Golan Heights. Each area
has sourced control windows, so a question is always asked for a date.

A place is in an area in one of two ways, whichever the shipped data supports:

- **by polygon**, where the shipped airspace codes the area to every claimant (Crimea is in both
  ``RU`` and ``UA``, Western Sahara in ``EH`` and ``MA``): a point is in the area when every
  listed state's airspace contains it;
- **by airfield**, where the airspace codes the area to one state only (Abkhazia is ``GE``,
  Northern Cyprus ``CY``): the area lists the OurAirports idents of its airfields. There is no
  shipped, sourced boundary for these areas, and what must be placed in them (fuel stops,
  endpoints) are airfields, which are few and known.

The fuel-stop planner uses :func:`areas_of_airport` to keep stops out of these areas unless the
user allows them (:func:`in_any_area` answers for a whole table of airports at once);
:func:`areas_at` answers for any point (and airfield) on a date.

>>> import datetime as dt
>>> [a.key for a in areas_of_airport("UGSS", 41.13, 42.86, on=dt.date(2024, 1, 1))]
['abkhazia']
>>> [a.key for a in areas_at(33.98, 45.05, on=dt.date(2024, 1, 1))]  # Simferopol
['crimea']
>>> areas_of_airport("UB13", 46.79, 39.90, on=dt.date(2024, 1, 1))  # Karabakh after 2023-09
()
>>> area("crimea").controller(dt.date(2024, 1, 1)).state
'RU'
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.resources
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from overflight._threadlocal import thread_geometry
from overflight.data.yamlfile import fail_validation, read_yaml
from overflight.errors import InputFileError

__all__ = [
    "AreaSource",
    "Control",
    "DisputedArea",
    "HeldAirfield",
    "area",
    "area_polygon",
    "areas_at",
    "areas_of_airport",
    "areas_on_path",
    "disputed_areas",
    "in_any_area",
]

_FILE = "disputed.yaml"
_STATE = r"^[A-Z]{2}$"
#: Half the width of the slivers dropped from an area's polygon, degrees (about 5 km): where
#: two claimants' shipped polygons meet, each covers the other's by ~1 km along the whole border.
_SLIVER_DEG = 0.05


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class AreaSource(_Strict):
    """A document that states the dispute or the occupation."""

    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://")
    date: dt.date


class Control(_Strict):
    """Who held an area, from when until when (both days included; no end: still so)."""

    #: The authority in control, as the source names it.
    by: str = Field(min_length=1)
    #: Alpha-2 code of the controlling state, or None for an unrecognised authority.
    state: str | None = Field(default=None, pattern=_STATE)
    start: dt.date = Field(alias="from")
    end: dt.date | None = Field(default=None, alias="until")

    def covers(self, on: dt.date) -> bool:
        """Whether the control held on the date."""
        return self.start <= on and (self.end is None or on <= self.end)


class HeldAirfield(_Strict):
    """An airfield in an area, with its own window when it was taken or freed apart."""

    ident: str = Field(min_length=1)
    start: dt.date | None = Field(default=None, alias="from")
    end: dt.date | None = Field(default=None, alias="until")

    @model_validator(mode="before")
    @classmethod
    def _plain_ident(cls, value: Any) -> Any:
        # Most airfields are listed by their ident alone.
        return {"ident": value} if isinstance(value, str) else value

    def covers(self, on: dt.date) -> bool:
        """Whether the airfield was in the area on the date (no window: whenever the area is)."""
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


class DisputedArea(_Strict):
    """A disputed or occupied area (see the module docstring for how places are placed in it)."""

    #: Stable key, e.g. ``crimea``.
    key: str = Field(pattern=r"^[a-z][a-z-]*$")
    #: Name shown to users.
    name: str = Field(min_length=1)
    #: States that claim it, alpha-2.
    claimants: tuple[str, ...] = Field(min_length=1)
    #: Who held it and when, in order.
    control: tuple[Control, ...] = Field(min_length=1)
    #: Membership by polygon: states whose airspace all contain a point of the area.
    within_states: tuple[str, ...] = ()
    #: Membership by airfield: OurAirports idents.
    airfields: tuple[HeldAirfield, ...] = ()
    #: Documents stating the dispute.
    sources: tuple[AreaSource, ...] = Field(min_length=1)

    def controller(self, on: dt.date) -> Control | None:
        """Who held the area on the date, or None if it was not disputed or occupied then."""
        return next((c for c in self.control if c.covers(on)), None)

    def in_force(self, on: dt.date) -> bool:
        """Whether the area was disputed or occupied on the date."""
        return self.controller(on) is not None

    def holds_airfield(self, ident: str, on: dt.date) -> bool:
        """Whether the listed airfield was in the area on the date."""
        wanted = ident.strip().upper()
        return self.in_force(on) and any(a.ident == wanted and a.covers(on) for a in self.airfields)

    def contains_point(self, lon: float, lat: float, on: dt.date) -> bool:
        """Whether the point is in the area on the date (areas placed by polygon only)."""
        if not self.within_states or not self.in_force(on):
            return False
        from overflight.data.airspace import states_at

        return set(self.within_states) <= set(states_at(lon, lat, self.within_states))


@functools.cache
def area_polygon(key: str) -> bytes | None:
    """The area's outline as WKB, for areas placed by polygon (None for the others).

    The part every listed state's airspace covers, without the thin strips where their
    polygons overlap along a common border (so the outline lies inside the area itself).

    >>> import shapely
    >>> crimea = shapely.from_wkb(area_polygon("crimea"))
    >>> crimea.contains(shapely.Point(33.98, 45.05)), crimea.contains(shapely.Point(36.2, 50.0))
    (True, False)
    """
    from overflight.data.airspace import states

    found = area(key)
    if not found.within_states:
        return None
    common = states()[found.within_states[0]].geometry
    for code in found.within_states[1:]:
        # Clipped to the box first: Russia's whole outline would take half a second.
        other = shapely.clip_by_rect(states()[code].geometry, *common.bounds)
        common = shapely.intersection(common, other)
    # A morphological opening: what survives shrinking by the sliver width and growing back.
    outline = shapely.buffer(shapely.buffer(common, -_SLIVER_DEG), _SLIVER_DEG)
    return shapely.to_wkb(outline)


def areas_on_path(
    lon: NDArray[np.float64], lat: NDArray[np.float64], *, on: dt.date
) -> tuple[DisputedArea, ...]:
    """The areas placed by polygon that a densified path (points in order) enters on a date."""
    found = []
    for candidate in disputed_areas():
        wkb = area_polygon(candidate.key) if candidate.in_force(on) else None
        if wkb is not None and shapely.intersects_xy(thread_geometry(wkb), lon, lat).any():
            found.append(candidate)
    return tuple(found)


_AREAS = TypeAdapter(tuple[DisputedArea, ...])


@functools.cache
def disputed_areas() -> tuple[DisputedArea, ...]:
    """Every area of the shipped table, in its order (read once).

    >>> len(disputed_areas()) >= 10
    True
    """
    text = importlib.resources.files("overflight.data").joinpath(_FILE).read_text("utf-8")
    doc = read_yaml(text, file=_FILE, error=InputFileError)
    try:
        areas = _AREAS.validate_python(doc.data)
    except ValidationError as exc:
        fail_validation(exc, doc, file=_FILE, model=DisputedArea, error=InputFileError)
    keys = [a.key for a in areas]
    if len(set(keys)) != len(keys):
        raise InputFileError(f"{_FILE}: keys repeat: {keys}", file=_FILE)
    return areas


def area(key: str) -> DisputedArea:
    """The area with this key.

    Raises
    ------
    KeyError
        Naming the key and the keys there are.

    """
    for found in disputed_areas():
        if found.key == key:
            return found
    raise KeyError(f"no disputed area {key!r}; there are {[a.key for a in disputed_areas()]}")


def areas_at(
    lon: float, lat: float, *, on: dt.date, idents: Iterable[str] = ()
) -> tuple[DisputedArea, ...]:
    """The areas a point lies in on a date: by polygon, or as one of the airfields named.

    ``idents`` are the OurAirports idents (or ICAO codes) of the airfield at the point, if any.
    """
    names = [i for i in idents if i]
    return tuple(
        a
        for a in disputed_areas()
        if a.contains_point(lon, lat, on) or any(a.holds_airfield(i, on) for i in names)
    )


def areas_of_airport(
    ident: str, lon: float, lat: float, *, on: dt.date, icao: str = ""
) -> tuple[DisputedArea, ...]:
    """The areas an airport lies in on a date (its ident or ICAO code listed, or by polygon)."""
    return areas_at(lon, lat, on=on, idents=(ident, icao))


def in_any_area(
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    on: dt.date,
    idents: Sequence[Iterable[str]],
) -> NDArray[np.bool_]:
    """For many airports at once: whether each lies in an area in force on the date.

    ``idents[i]`` are the codes airport ``i`` is known by (OurAirports ident, ICAO code).

    >>> import numpy as np
    >>> in_any_area(np.array([41.13, 2.08]), np.array([42.86, 41.30]),
    ...             on=dt.date(2024, 1, 1), idents=[("UGSS",), ("LEBL",)]).tolist()
    [True, False]
    """
    from overflight.data.airspace import states

    inside = np.zeros(len(lon), dtype=bool)
    for found in disputed_areas():
        if not found.in_force(on):
            continue
        if found.within_states:
            # Only points in every state's bounding box are tested against the polygons.
            every = np.ones(len(lon), dtype=bool)
            for code in found.within_states:
                x0, y0, x1, y1 = states()[code].geometry.bounds
                every &= (lon >= x0) & (lon <= x1) & (lat >= y0) & (lat <= y1)
            for code in found.within_states:
                rows = np.flatnonzero(every)
                every[rows] = shapely.intersects_xy(states()[code].geometry, lon[rows], lat[rows])
            inside |= every
        held = {a.ident for a in found.airfields if a.covers(on)}
        if held:
            inside |= np.array([any(c in held for c in codes) for codes in idents], dtype=bool)
    return inside
