"""The time a route takes in a month's mean upper wind, and the fastest of several routes.

A route's still-air time is its length over the cruise speed; its wind time integrates the
ground speed (head or tail wind, and the heading correction a crosswind asks for) along the
densified path (:func:`overflight.geo.wind.path_time`) through the shipped climatological wind
of a month (:func:`overflight.data.winds.monthly_wind`). With no month there is no wind: the
two times are equal and the mean wind component is zero.

>>> from overflight.routing.planner import plan_route
>>> route = plan_route("KJFK", "EGLL", speed_kt=480)
>>> january = route_time(route, month=1)
>>> january.wind_h < january.still_air_h, january.mean_wind_kt > 50   # the North Atlantic jet
(True, True)
>>> route_time(route).wind_h == route_time(route).still_air_h
True
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple, Protocol

import numpy as np

from overflight.errors import InputError
from overflight.models import KM_PER_NM, LonLat, Route

# Every plan reads its still-air time from here; the wind field, the wind arithmetic and the
# distinct routes load only when a month or a time-optimal choice asks for them (a plain
# route never does: a tenth of the library's import time).
if TYPE_CHECKING:
    from overflight.geo.wind import WindFunction
    from overflight.routing.planner import Planner

__all__ = [
    "Considered",
    "RouteTime",
    "fastest",
    "fastest_route",
    "route_time",
    "strongest_wind_m_s",
    "time_along",
]

#: Longest piece of the path flown at one ground speed, km. The winds are on a 2.5° grid
#: (about 280 km); 25 km pieces change the time of a 5- to 17-hour route by under 0.05 s
#: against 1 km pieces (measured on KJFK-EGLL, EFHK-RJAA and YPPH-EGLL in three months),
#: and cost a fifth of the time to compute of 5 km pieces.
STEP_KM = 25.0


class RouteTime(NamedTuple):
    """How long a route takes at its cruise speed, in still air and in a month's mean wind."""

    #: The month whose mean wind was flown through, 1 to 12, or None for still air.
    month: int | None
    #: True airspeed, kt (the route's cruise speed).
    speed_kt: float
    #: Distance over the cruise speed, hours.
    still_air_h: float
    #: Time at the ground speed the wind gives along the path, hours.
    wind_h: float
    #: Mean wind component, kt: positive a tailwind, negative a headwind (a crosswind also
    #: counts against, through the heading it asks for). The uniform wind along the track that
    #: would give the same time.
    mean_wind_kt: float

    @property
    def wind_effect_h(self) -> float:
        """What the wind adds (positive) or saves (negative), hours."""
        return self.wind_h - self.still_air_h

    def to_dict(self) -> dict[str, float | int | None]:
        """JSON-ready fields: ``month``, ``still_air_h``, ``wind_h``, ``mean_wind_kt``."""
        return {
            "month": self.month,
            "still_air_h": self.still_air_h,
            "wind_h": self.wind_h,
            "mean_wind_kt": self.mean_wind_kt,
        }


class TimedPath(Protocol):
    """What a timed path has: turning points and a WGS84 length (a Route, an Alternative)."""

    @property
    def waypoints(self) -> Sequence[LonLat]: ...

    @property
    def distance_km(self) -> float: ...


def time_along(
    path: TimedPath, *, speed_kt: float, month: int | None = None, wind: WindFunction | None = None
) -> RouteTime:
    """The still-air and wind times of great-circle legs through a path's turning points.

    Parameters
    ----------
    path
        Anything with ``waypoints`` (``(lon, lat)``) and ``distance_km``: a :class:`Route`, an
        alternative of :func:`overflight.routing.alternatives.distinct_routes`.
    speed_kt
        True airspeed, kt.
    month
        The month (1 to 12) whose shipped mean wind at 200 hPa is flown through; None for
        still air.
    wind
        A wind field to fly through instead of a month's (``month`` then only labels it).

    Raises
    ------
    InputError
        For a month outside 1 to 12, or a wind the aircraft cannot fly through at its speed
        (the message says where).

    """
    if wind is None and month is not None:
        from overflight.data.winds import monthly_wind

        wind = monthly_wind(month).at
    still_air_h = path.distance_km / (speed_kt * KM_PER_NM)
    if wind is None:
        return RouteTime(None, speed_kt, still_air_h, still_air_h, 0.0)
    from overflight.geo.wind import M_S_PER_KT, path_time

    timed = path_time(path.waypoints, tas_m_s=speed_kt * M_S_PER_KT, wind=wind, step_km=STEP_KM)
    # path_time shares each leg's WGS84 length among its pieces: its distance is the route's.
    return RouteTime(month, speed_kt, still_air_h, timed.wind_h, timed.mean_wind_m_s / M_S_PER_KT)


def strongest_wind_m_s(*, month: int | None = None, wind: WindFunction | None = None) -> float:
    """The strongest wind anywhere in a month's field, or in a given one; 0 for still air.

    No ground speed exceeds the true airspeed plus this, so a path's time in the wind is at
    least its length over that sum: the bound the fuel-stop search prunes with. A month's
    value is its grid's largest (between grid points the field is a weighted mean of the
    Earth-centred vectors at them, which is never longer); a given field is sampled every
    half degree, exact for a uniform wind.

    >>> strongest_wind_m_s(), strongest_wind_m_s(month=1) > 60.0
    (0.0, True)
    """
    if wind is not None:
        return _sampled_strongest(wind)
    if month is None:
        return 0.0
    return _month_strongest(month)


@functools.cache
def _month_strongest(month: int) -> float:
    from overflight.data.winds import monthly_wind

    field = monthly_wind(month)
    return float(np.max(np.hypot(field.u_m_s, field.v_m_s)))


def _sampled_strongest(wind: WindFunction) -> float:
    lon, lat = np.meshgrid(np.arange(-180.0, 180.0, 0.5), np.linspace(-90.0, 90.0, 361))
    u, v = wind(lon.ravel(), lat.ravel())
    return float(np.max(np.hypot(u, v)))


def route_time(
    route: Route, *, month: int | None = None, wind: WindFunction | None = None
) -> RouteTime:
    """The still-air and wind times of a route at its cruise speed (:attr:`Route.speed_kt`).

    As :func:`time_along`; with no month and no wind both times are :attr:`Route.duration_h`.
    """
    return time_along(route, speed_kt=route.speed_kt, month=month, wind=wind)


def fastest(
    paths: Sequence[TimedPath],
    *,
    speed_kt: float,
    month: int | None = None,
    wind: WindFunction | None = None,
) -> tuple[int, tuple[RouteTime, ...]]:
    """Which path is fastest in the wind (index), and every path's times.

    Ties (as in still air, between paths of one length) go to the earlier path, so with no
    wind the first of paths ordered by length, the shortest, is chosen.

    Raises
    ------
    InputError
        When there is no path to choose from.

    """
    if not paths:
        raise InputError("no routes to choose the fastest from: give at least one")
    times = tuple(time_along(p, speed_kt=speed_kt, month=month, wind=wind) for p in paths)
    best = min(range(len(times)), key=lambda k: (times[k].wind_h, k))
    return best, times


class Considered(NamedTuple):
    """One of the distinct routes a time-optimal plan chose among."""

    #: Length on the WGS84 ellipsoid, km.
    distance_km: float
    #: Its times in the month's wind.
    time: RouteTime
    #: Which side of each large obstacle between the ends it passes ("N": left of the direct
    #: great circle's direction, "S": right, "B": round the back of the Earth).
    sides: tuple[str, ...]
    #: Whether it is the route chosen.
    chosen: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: ``distance_km``, the times, ``sides`` and ``chosen``."""
        return {
            "distance_km": self.distance_km,
            **self.time.to_dict(),
            "sides": list(self.sides),
            "chosen": self.chosen,
        }


def fastest_route(
    planner: Planner,
    shortest: Route,
    *,
    month: int | None,
    k: int | None = None,
) -> tuple[Route, tuple[Considered, ...]]:
    """The fastest in a month's wind of the ``k`` shortest distinct routes, and all of them.

    ``k`` None: :data:`overflight.routing.alternatives.DEFAULT_ALTERNATIVES`.

    ``shortest`` is the planner's shortest route; it is returned itself when it is the fastest
    (always so in still air). Every route considered is verified; the one chosen is reported
    in full (states crossed), at ``shortest``'s cruise speed.
    """
    from overflight.routing.alternatives import DEFAULT_ALTERNATIVES, distinct_routes

    speed = shortest.speed_kt
    routes = distinct_routes(planner, shortest, k=DEFAULT_ALTERNATIVES if k is None else k)
    best, times = fastest(routes, speed_kt=speed, month=month)
    considered = tuple(
        Considered(r.distance_km, t, r.sides, j == best)
        for j, (r, t) in enumerate(zip(routes, times, strict=True))
    )
    if best == 0:
        return shortest, considered
    chosen = routes[best].route(planner, shortest.origin, shortest.destination, speed_kt=speed)
    return chosen, considered
