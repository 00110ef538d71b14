"""Ground speed in a wind, and the time to fly a path: pure math, no I/O.

Winds are ``(u, v)`` in m/s: ``u`` towards the east, ``v`` towards the north (a westerly has
``u > 0``). A track is the true course over the ground in degrees clockwise from north.

An aircraft holds its track by heading into the crosswind: of its true airspeed ``tas``, the part
``sqrt(tas**2 - xw**2)`` lies along the track, and the wind's along-track component ``tw`` adds to
it, so the ground speed is ``sqrt(tas**2 - xw**2) + tw``. A crosswind costs time even when it
neither helps nor hinders.

>>> still_air = path_time([(0.0, 0.0), (10.0, 0.0)], tas_m_s=250.0, wind=uniform_wind(0.0, 0.0))
>>> eastbound = path_time([(0.0, 0.0), (10.0, 0.0)], tas_m_s=250.0, wind=uniform_wind(50.0, 0.0))
>>> round(still_air.distance_km, 1), round(still_air.wind_h, 4), round(eastbound.wind_h, 4)
(1113.2, 1.2369, 1.0307)
>>> round(eastbound.mean_wind_m_s, 6)
50.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

from overflight.errors import InputError
from overflight.geo.ellipsoid import wgs84
from overflight.geo.sphere import angle, to_lonlat, to_xyz

__all__ = [
    "M_S_PER_KT",
    "PathTime",
    "WindComponents",
    "WindFunction",
    "ground_speed",
    "legs_time",
    "path_time",
    "uniform_wind",
    "wind_components",
]

#: Metres per second in one knot (one international nautical mile, 1852 m, per hour).
M_S_PER_KT = 1852.0 / 3600.0

Floats = NDArray[np.float64]

#: A wind field: ``(u, v)`` in m/s at arrays of longitudes and latitudes in degrees.
WindFunction = Callable[[Floats, Floats], tuple[Floats, Floats]]


class WindComponents(NamedTuple):
    """A wind resolved along and across a track, in m/s."""

    #: Along the track: positive for a tailwind, negative for a headwind.
    tailwind_m_s: Floats
    #: Across the track: positive when the wind blows towards the right of the track.
    crosswind_m_s: Floats


class PathTime(NamedTuple):
    """The time to fly a path, without and with the wind."""

    #: Length of the path over the ground (WGS84), km.
    distance_km: float
    #: Time at the true airspeed in still air, hours.
    still_air_h: float
    #: Time at the ground speed the wind gives, hours.
    wind_h: float
    #: Mean wind component, m/s: ground distance over the time in the wind, less the true
    #: airspeed; the uniform tailwind (positive) or headwind (negative) that would give the same
    #: time. A crosswind makes it negative too.
    mean_wind_m_s: float


def wind_components(u_m_s: ArrayLike, v_m_s: ArrayLike, track_deg: ArrayLike) -> WindComponents:
    """The wind's components along and across tracks.

    >>> tw, xw = wind_components(50.0, 0.0, [90.0, 270.0, 0.0])   # a 50 m/s westerly
    >>> tw.round(9).tolist(), xw.round(9).tolist()
    ([50.0, -50.0, 0.0], [0.0, -0.0, 50.0])
    """
    u = np.asarray(u_m_s, dtype=np.float64)
    v = np.asarray(v_m_s, dtype=np.float64)
    track = np.radians(np.asarray(track_deg, dtype=np.float64))
    sin_t, cos_t = np.sin(track), np.cos(track)
    tailwind = u * sin_t + v * cos_t
    crosswind = u * cos_t - v * sin_t
    return WindComponents(
        np.asarray(tailwind, dtype=np.float64), np.asarray(crosswind, dtype=np.float64)
    )


def ground_speed(
    tas_m_s: float, u_m_s: ArrayLike, v_m_s: ArrayLike, track_deg: ArrayLike
) -> Floats:
    """Ground speed in m/s on tracks through a wind, ``sqrt(tas**2 - xw**2) + tw``.

    Raises
    ------
    InputError
        If the true airspeed is not a positive number, if a crosswind is at least the true
        airspeed (the track cannot be held), or if a headwind leaves no ground speed.

    Examples
    --------
    >>> float(ground_speed(250.0, 0.0, -50.0, 180.0))   # a 50 m/s northerly, flying south
    300.0
    >>> float(ground_speed(250.0, 70.0, 0.0, 0.0))      # a pure crosswind: sqrt(250² - 70²)
    240.0

    """
    _check_tas(tas_m_s)
    tailwind, crosswind = wind_components(u_m_s, v_m_s, track_deg)
    track = np.broadcast_to(np.asarray(track_deg, dtype=np.float64), tailwind.shape)
    return _ground_speed(tas_m_s, tailwind, crosswind, lambda k: f"on track {track.flat[k]:g}°")


def path_time(
    waypoints: Sequence[tuple[float, float]],
    *,
    tas_m_s: float,
    wind: WindFunction,
    step_km: float = 5.0,
) -> PathTime:
    """The time to fly great-circle legs through waypoints at a true airspeed, in a wind field.

    Each leg is cut into equal pieces at most ``step_km`` long; a piece is flown at the ground
    speed of its midpoint, on the track there (midpoint rule: exact in a uniform wind along a
    track of constant course, such as the equator or a meridian). A leg's length is its WGS84
    geodesic length, shared among its pieces in proportion to their arcs, so the distance is
    the route's; pieces and tracks are taken on the sphere, in numpy.

    Parameters
    ----------
    waypoints
        ``(lon, lat)`` in degrees; consecutive points are joined by great circles.
    tas_m_s
        True airspeed, m/s (``speed_kt * M_S_PER_KT``).
    wind
        The wind field: ``(u, v)`` in m/s at arrays of longitudes and latitudes.
    step_km
        Longest piece, km. The shipped winds are on a 2.5° grid (about 280 km), so a few km is
        ample.

    Raises
    ------
    InputError
        If the true airspeed is not a positive number, if a crosswind somewhere is at least the
        true airspeed, or a headwind leaves no ground speed (the message says where).

    Examples
    --------
    >>> calm = path_time([(24.963, 60.317), (140.386, 35.765)], tas_m_s=480 * M_S_PER_KT,
    ...                  wind=uniform_wind(0.0, 0.0))
    >>> round(calm.distance_km), round(calm.still_air_h, 3) == round(calm.wind_h, 3)
    (7849, True)

    """
    ends = np.asarray(waypoints, dtype=np.float64).reshape(-1, 2)
    leg_m, leg_s = _legs_seconds(ends[:-1], ends[1:], tas_m_s, wind, step_km)
    distance_m = float(np.sum(leg_m))
    wind_s = float(np.sum(leg_s))
    mean_wind = distance_m / wind_s - tas_m_s if wind_s > 0.0 else 0.0
    return PathTime(
        distance_km=distance_m / 1000.0,
        still_air_h=distance_m / tas_m_s / 3600.0,
        wind_h=wind_s / 3600.0,
        mean_wind_m_s=mean_wind,
    )


def legs_time(
    starts: ArrayLike,
    ends: ArrayLike,
    *,
    tas_m_s: float,
    wind: WindFunction,
    step_km: float = 5.0,
) -> Floats:
    """The times in hours to fly many great-circle legs, each on its own, through a wind field.

    Each leg is timed as :func:`path_time` times the path of its two ends, in one pass over
    all of them: for planners that weigh many legs at once.

    Parameters
    ----------
    starts, ends
        ``(lon, lat)`` in degrees, shaped (n, 2): leg k flies from ``starts[k]`` to ``ends[k]``.
    tas_m_s, wind, step_km
        As for :func:`path_time`.

    Raises
    ------
    InputError
        As :func:`path_time`, for any of the legs.

    Examples
    --------
    >>> hours = legs_time([(0.0, 0.0), (10.0, 0.0)], [(10.0, 0.0), (0.0, 0.0)], tas_m_s=250.0,
    ...                   wind=uniform_wind(50.0, 0.0))
    >>> hours.round(4).tolist()                 # eastbound with the wind, westbound against it
    [1.0307, 1.5461]

    """
    a = np.asarray(starts, dtype=np.float64).reshape(-1, 2)
    b = np.asarray(ends, dtype=np.float64).reshape(-1, 2)
    if a.shape != b.shape:
        raise InputError(f"{len(a)} starts and {len(b)} ends: give one end per start")
    _, seconds = _legs_seconds(a, b, tas_m_s, wind, step_km)
    return seconds / 3600.0


def _legs_seconds(
    starts: Floats,
    ends: Floats,
    tas_m_s: float,
    wind: WindFunction,
    step_km: float,
) -> tuple[Floats, Floats]:
    """WGS84 lengths (m) and times in the wind (s) of legs from starts to ends (lon, lat)."""
    _check_tas(tas_m_s)
    if not step_km > 0.0:
        raise InputError(f"step {step_km!r} km: give a positive length")
    if not len(starts):
        return np.zeros(0), np.zeros(0)
    _, _, leg_m = wgs84().inv(starts[:, 0], starts[:, 1], ends[:, 0], ends[:, 1])
    leg_m = np.atleast_1d(np.asarray(leg_m, dtype=np.float64))
    a, b = to_xyz(starts[:, 0], starts[:, 1]), to_xyz(ends[:, 0], ends[:, 1])
    theta = angle(a, b)
    keep = theta > 1e-12  # a repeated waypoint is no leg: it takes no time
    seconds = np.zeros(len(a))
    a, b, theta, moving = a[keep], b[keep], theta[keep], leg_m[keep]
    if not len(a):
        return leg_m, seconds
    pieces = np.maximum(1, np.ceil(moving / (step_km * 1000.0))).astype(np.intp)
    leg = np.repeat(np.arange(len(a)), pieces)
    first = np.repeat(np.cumsum(pieces) - pieces, pieces)
    t = (np.arange(len(leg)) - first + 0.5) / pieces[leg]
    th = theta[leg][:, None]
    mid = (np.sin((1.0 - t)[:, None] * th) * a[leg] + np.sin(t[:, None] * th) * b[leg]) / np.sin(th)
    # Flying from a to b, the direction of motion at p is n x p, n the pole of the leg.
    pole = np.cross(a, b)
    heading = np.cross(pole[leg], mid)
    mid_lon, mid_lat = to_lonlat(mid)
    lam, phi = np.radians(mid_lon), np.radians(mid_lat)
    east_part = -np.sin(lam) * heading[:, 0] + np.cos(lam) * heading[:, 1]
    north_part = (
        -np.sin(phi) * np.cos(lam) * heading[:, 0]
        - np.sin(phi) * np.sin(lam) * heading[:, 1]
        + np.cos(phi) * heading[:, 2]
    )
    track = np.mod(np.degrees(np.arctan2(east_part, north_part)), 360.0)
    metres = (moving / pieces)[leg]
    u, v = wind(mid_lon, mid_lat)
    tailwind, crosswind = wind_components(u, v, track)

    def where(k: int) -> str:
        return f"at lon={mid_lon[k]:.3f}, lat={mid_lat[k]:.3f} (track {track[k]:.1f}°)"

    speed = _ground_speed(tas_m_s, tailwind, crosswind, where)
    seconds[keep] = np.bincount(leg, weights=metres / speed, minlength=len(a))
    return leg_m, seconds


def uniform_wind(u_m_s: float, v_m_s: float) -> WindFunction:
    """A wind field with the same ``(u, v)`` everywhere (east and north taken locally).

    >>> u, v = uniform_wind(50.0, 0.0)(np.array([0.0, 90.0]), np.array([0.0, 45.0]))
    >>> u.tolist(), v.tolist()
    ([50.0, 50.0], [0.0, 0.0])
    """

    def field(lon: Floats, lat: Floats) -> tuple[Floats, Floats]:
        shape = np.broadcast_shapes(np.shape(lon), np.shape(lat))
        return np.full(shape, float(u_m_s)), np.full(shape, float(v_m_s))

    return field


def _check_tas(tas_m_s: float) -> None:
    if not (np.isfinite(tas_m_s) and tas_m_s > 0.0):
        raise InputError(f"true airspeed {tas_m_s!r} m/s: give a positive number")


def _ground_speed(
    tas_m_s: float, tailwind: Floats, crosswind: Floats, where: Callable[[int], str]
) -> Floats:
    """``sqrt(tas**2 - xw**2) + tw``, refusing winds the aircraft cannot fly through."""
    too_strong = np.abs(crosswind) >= tas_m_s
    if too_strong.any():
        k = int(np.flatnonzero(too_strong.ravel())[0])
        raise InputError(
            f"crosswind {abs(crosswind.flat[k]):.1f} m/s {where(k)} is not less than the true "
            f"airspeed {tas_m_s:g} m/s: the aircraft cannot hold its track; give a higher speed"
        )
    speed = np.sqrt(tas_m_s**2 - crosswind**2) + tailwind
    stalled = speed <= 0.0
    if stalled.any():
        k = int(np.flatnonzero(stalled.ravel())[0])
        raise InputError(
            f"headwind {-tailwind.flat[k]:.1f} m/s {where(k)} leaves no ground speed at a true "
            f"airspeed of {tas_m_s:g} m/s; give a higher speed"
        )
    return np.asarray(speed, dtype=np.float64)
