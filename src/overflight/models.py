"""Value types shared by every layer: places, state transits and routes.

Coordinates are ``(lon, lat)`` in degrees everywhere inside overflight; units
are part of every name (``distance_km``, ``speed_kt``, ``duration_h``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, overload

from overflight._config import DEFAULT_SPEED_KT

__all__ = ["KM_PER_NM", "LonLat", "Place", "Route", "RouteViews", "StateTransit", "Track"]

#: Kilometres in one international nautical mile.
KM_PER_NM = 1.852


class LonLat(NamedTuple):
    """A point as longitude and latitude in degrees (GeoJSON order)."""

    lon: float
    lat: float


#: A path for drawing: lines of points, cut at ±180° (RFC 7946).
Lines = tuple[tuple[LonLat, ...], ...]


class Track(Sequence[tuple[LonLat, ...]]):
    """A route's path for drawing, made the first time it is read.

    Most answers are never drawn (text, JSON, batch rows) while a long route's path is
    a thousand points: the planner hands over how to make it, and a map, GeoJSON or
    notebook that reads it makes it once. It reads, compares, hashes and pickles as the
    tuple of lines it stands for. Two threads reading it first at once both make the same
    lines; either is kept.
    """

    __slots__ = ("_lines", "_make")

    def __init__(self, make: Callable[[], Lines]) -> None:
        self._make = make
        self._lines: Lines | None = None

    def lines(self) -> Lines:
        """The lines themselves, made now if not yet made."""
        lines = self._lines
        if lines is None:
            lines = self._lines = self._make()
        return lines

    @overload
    def __getitem__(self, index: int) -> tuple[LonLat, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Lines: ...
    def __getitem__(self, index: int | slice) -> tuple[LonLat, ...] | Lines:
        return self.lines()[index]

    def __len__(self) -> int:
        return len(self.lines())

    def __iter__(self) -> Iterator[tuple[LonLat, ...]]:
        return iter(self.lines())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Track):
            other = other.lines()
        return isinstance(other, tuple) and self.lines() == other

    def __hash__(self) -> int:
        return hash(self.lines())

    def __repr__(self) -> str:
        return repr(self.lines())

    def __reduce__(self) -> tuple[type[tuple[Any, ...]], tuple[Lines]]:
        return tuple, (self.lines(),)


@dataclass(frozen=True)
class Place:
    """An origin or destination: an airport, an airfield or a bare coordinate."""

    #: The identifier a user would type: ICAO, IATA, airfield id, or "lat,lon".
    code: str
    #: A readable name ("Chkalovsky", "55.0000N 37.0000E").
    name: str
    #: Longitude in degrees, in [-180, 180].
    lon: float
    #: Latitude in degrees, in [-90, 90].
    lat: float
    #: ISO 3166-1 alpha-2 code of the state the place is in, if known.
    country: str | None = None
    #: What the place is: "airport" (airportsdata), "airfield" (OurAirports or the shipped
    #: supplement) or "point".
    kind: str = "airport"
    #: Something the user should know about how the place was named, or None: for a superseded
    #: code, which code replaced it and since when. Not part of the place's identity: two places
    #: that differ only in their note are equal.
    note: str | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0) or not (-180.0 <= self.lon <= 180.0):
            raise ValueError(f"coordinates out of range: lon={self.lon}, lat={self.lat}")

    @property
    def lonlat(self) -> LonLat:
        """The place as a :class:`LonLat`."""
        return LonLat(self.lon, self.lat)

    def to_dict(self) -> dict[str, Any]:
        """The place as JSON-ready data (code, name, lat, lon, country, kind; note if any)."""
        data: dict[str, Any] = {
            "code": self.code,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country": self.country,
            "kind": self.kind,
        }
        if self.note is not None:
            data["note"] = self.note
        return data

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON Feature of the place."""
        properties: dict[str, Any] = {"code": self.code, "name": self.name, "country": self.country}
        if self.note is not None:
            properties["note"] = self.note
        return {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": properties,
        }


@dataclass(frozen=True)
class StateTransit:
    """One crossing of a state's sovereign airspace along a route."""

    #: ISO 3166-1 alpha-2 code of the state.
    country: str
    #: The state's common English name.
    name: str
    #: Length flown inside the state's airspace on this crossing (WGS84); over territory
    #: that several listed states claim (Crimea), each has an equal share, so that the
    #: crossings' km plus the high seas add up to the route.
    distance_km: float
    #: Where the route enters the state's airspace.
    entry: LonLat
    #: Where the route leaves the state's airspace.
    exit: LonLat
    #: Length of this crossing over territory other states claim too (not divided).
    shared_km: float = 0.0
    #: Those other claimants, sorted.
    shared_with: tuple[str, ...] = ()


class RouteViews:
    """Views of a route or plan: tables of its stretches, its look in Jupyter, a live map.

    Each calls up into the export layer when asked (pyproject's layer contract lists these
    imports), so that users find them on the objects they hold.
    """

    __slots__ = ()

    def transit_frame(self) -> Any:
        """One row per stretch (of every leg flown), with its line, km and minutes.

        A GeoDataFrame (EPSG:4326) with GeoPandas installed, else a pandas DataFrame; the
        columns are described in :mod:`overflight.export.frames`.
        """
        from overflight.export.frames import transit_frame

        return transit_frame(self)  # type: ignore[arg-type]  # a Route or a Plan

    def to_geodataframe(self) -> Any:
        """The :meth:`transit_frame` as a GeoDataFrame; GeoPandas must be installed."""
        from overflight.export.frames import to_geodataframe

        return to_geodataframe(self)  # type: ignore[arg-type]

    def explore(self) -> Any:
        """The interactive map (offline MapLibre), which Jupyter shows in a frame.

        Its ``save(path)`` writes the page as a file that opens with no network.
        """
        from overflight.export.notebook import explore

        return explore(self)  # type: ignore[arg-type]

    def _repr_html_(self) -> str:
        from overflight.export.notebook import plan_html

        return plan_html(self)  # type: ignore[arg-type]

    def _repr_svg_(self) -> str:
        from overflight.export.notebook import plan_svg

        return plan_svg(self)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Route(RouteViews):
    """A planned route: turning points, lengths and the states it crosses.

    Consecutive waypoints are joined by the shorter great-circle arc.
    """

    #: Where the flight departs.
    origin: Place
    #: Where the flight arrives.
    destination: Place
    #: Alpha-2 codes of the states whose airspace the route avoids, sorted.
    denied: tuple[str, ...]
    #: Turning points including both ends.
    waypoints: tuple[LonLat, ...]
    #: Length of the route on the WGS84 ellipsoid.
    distance_km: float
    #: Length of the direct great circle (geodesic) on the WGS84 ellipsoid.
    great_circle_km: float
    #: States crossed, in order of flight, with entry and exit points.
    transit: tuple[StateTransit, ...]
    #: Length flown outside every state's airspace.
    high_seas_km: float
    #: Lateral distance kept from denied airspace.
    margin_nm: float = 0.0
    #: Cruise speed used for the flight time.
    speed_kt: float = DEFAULT_SPEED_KT
    #: Strait corridors where the route crosses denied airspace under transit passage.
    straits: tuple[str, ...] = ()
    #: The path densified along its great circles and cut at ±180° (RFC 7946): a
    #: :class:`Track` made when first read, from the planner.
    track: Sequence[tuple[LonLat, ...]] = field(default=(), repr=False)

    @property
    def extra_km(self) -> float:
        """How much longer the route is than the direct great circle."""
        return self.distance_km - self.great_circle_km

    @property
    def extra_pct(self) -> float:
        """The detour as a percentage of the direct great circle."""
        if self.great_circle_km == 0.0:
            return 0.0
        return 100.0 * self.extra_km / self.great_circle_km

    @property
    def duration_h(self) -> float:
        """Flight time in hours at :attr:`speed_kt`, with no wind."""
        return self.distance_km / (self.speed_kt * KM_PER_NM)

    def to_dict(self) -> dict[str, Any]:
        """Everything the route says, as JSON-ready data with stable field names.

        ``origin``, ``destination``, ``denied``, ``waypoints`` (``[lon, lat]``),
        ``distance_km``, ``great_circle_km``, ``extra_km``, ``extra_pct``,
        ``duration_h``, ``transit`` (``country``, ``name``, ``distance_km``,
        ``entry``, ``exit``, ``shared_km``, ``shared_with``), ``high_seas_km``, and a few
        more.
        """
        return {
            "origin": self.origin.to_dict(),
            "destination": self.destination.to_dict(),
            "denied": list(self.denied),
            "margin_nm": self.margin_nm,
            "speed_kt": self.speed_kt,
            "waypoints": [[p.lon, p.lat] for p in self.waypoints],
            "distance_km": self.distance_km,
            "distance_nm": self.distance_km / KM_PER_NM,
            "great_circle_km": self.great_circle_km,
            "extra_km": self.extra_km,
            "extra_nm": self.extra_km / KM_PER_NM,
            "extra_pct": self.extra_pct,
            "duration_h": self.duration_h,
            "transit": [
                {
                    "country": t.country,
                    "name": t.name,
                    "distance_km": t.distance_km,
                    "entry": [t.entry.lon, t.entry.lat],
                    "exit": [t.exit.lon, t.exit.lat],
                    "shared_km": t.shared_km,
                    "shared_with": list(t.shared_with),
                }
                for t in self.transit
            ],
            "high_seas_km": self.high_seas_km,
            "straits": list(self.straits),
        }

    @property
    def is_direct(self) -> bool:
        """True when the route is the direct great circle."""
        return len(self.waypoints) == 2

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        """GeoJSON Feature of the route: its track, with the figures as properties."""
        parts = [[list(p) for p in part] for part in self.track] or [
            [list(p) for p in self.waypoints]
        ]
        geometry: dict[str, Any] = (
            {"type": "LineString", "coordinates": parts[0]}
            if len(parts) == 1
            else {"type": "MultiLineString", "coordinates": parts}
        )
        return {
            "type": "Feature",
            "geometry": geometry,
            "properties": {
                "origin": self.origin.code,
                "destination": self.destination.code,
                "denied": list(self.denied),
                "distance_km": self.distance_km,
                "great_circle_km": self.great_circle_km,
                "extra_km": self.extra_km,
                "extra_pct": self.extra_pct,
                "duration_h": self.duration_h,
                "high_seas_km": self.high_seas_km,
                "states": [t.country for t in self.transit],
            },
        }
