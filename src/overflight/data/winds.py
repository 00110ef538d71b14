"""Monthly mean upper winds at 200 hPa (about FL390), and their value at any point.

The file ``winds.npz`` holds the long-term monthly mean wind of NCEP/NCAR Reanalysis 1 at 200 hPa
on a 2.5 degree grid, rounded to 1 m/s (see ``WINDS.md`` for the source, its citation and what a
monthly mean does and does not say). It is read on first use and cached; importing this module
reads nothing.

Winds are ``(u, v)`` in m/s: ``u`` towards the east, ``v`` towards the north (a westerly has
``u > 0``).

>>> january = monthly_wind(1)
>>> u, v = january.at([142.5], [32.5])      # the jet over Japan, on a grid point
>>> round(float(u[0]), 9), round(float(v[0]), 9)
(77.0, 7.0)
>>> u, v = january.at([-217.5, 502.5], [32.5, 32.5])  # longitudes are periodic
>>> u.round(6).tolist()
[77.0, 77.0]
"""

from __future__ import annotations

import functools
import importlib.resources
import io
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from overflight.errors import CoordinateError, InputError

__all__ = ["WINDS_FILE", "WindField", "monthly_wind"]

#: Name of the shipped data file inside the package.
WINDS_FILE = "winds.npz"

Floats = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class WindField:
    """The mean wind of one month at 200 hPa on a regular longitude-latitude grid.

    Values between grid points are interpolated bilinearly in longitude and latitude, on the
    wind's Earth-centred components rather than on ``u`` and ``v``: near a pole, where the grid's
    meridians converge and their east and north turn, the components of one wind differ from
    meridian to meridian, and only the Earth-centred vector stays the same. At a grid point the
    stored ``(u, v)`` comes back unchanged.
    """

    #: Month, 1 (January) to 12 (December).
    month: int
    #: Longitudes of the grid columns in degrees east, ascending, evenly spaced over 360 degrees.
    lon_deg: Floats = field(repr=False)
    #: Latitudes of the grid rows in degrees, ascending from -90 to 90, evenly spaced.
    lat_deg: Floats = field(repr=False)
    #: Eastward wind in m/s, shaped (latitude, longitude).
    u_m_s: Floats = field(repr=False)
    #: Northward wind in m/s, shaped (latitude, longitude).
    v_m_s: Floats = field(repr=False)
    #: The wind as Earth-centred (x, y, z) components in m/s, shaped (latitude, longitude, 3).
    xyz_m_s: Floats = field(init=False, repr=False)

    def __post_init__(self) -> None:
        lam = np.radians(self.lon_deg)[None, :]
        phi = np.radians(self.lat_deg)[:, None]
        east, north = _basis(lam, phi)
        xyz = self.u_m_s[..., None] * east + self.v_m_s[..., None] * north
        xyz.flags.writeable = False
        object.__setattr__(self, "xyz_m_s", xyz)

    def at(self, lon: ArrayLike, lat: ArrayLike) -> tuple[Floats, Floats]:
        """The wind ``(u, v)`` in m/s at points given in degrees (arrays of any matching shape).

        Longitudes may take any finite value (they wrap around); latitudes must lie in
        [-90, 90]. At a pole, east and north are those of the meridian of the longitude given.

        Raises
        ------
        CoordinateError
            For a latitude outside [-90, 90] or a coordinate that is not a finite number.

        Examples
        --------
        >>> u, v = monthly_wind(7).at([0.0, 0.0], [90.0, -90.0])
        >>> bool(np.all(np.abs(u) < 10.0))
        True

        """
        lon_a, lat_a = np.broadcast_arrays(
            np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
        )
        bad = ~np.isfinite(lon_a) | ~np.isfinite(lat_a) | (np.abs(lat_a) > 90.0)
        if bad.any():
            k = int(np.flatnonzero(bad.ravel())[0])
            raise CoordinateError(
                f"no wind at lon={lon_a.ravel()[k]!r}, lat={lat_a.ravel()[k]!r}: give finite "
                "degrees with the latitude in [-90, 90]"
            )
        n_lon, n_lat = self.lon_deg.size, self.lat_deg.size
        d_lon = 360.0 / n_lon
        d_lat = (self.lat_deg[-1] - self.lat_deg[0]) / (n_lat - 1)
        x = np.mod(lon_a - self.lon_deg[0], 360.0) / d_lon
        i0 = np.minimum(np.floor(x).astype(np.intp), n_lon - 1)
        tx = x - i0
        i1 = (i0 + 1) % n_lon
        y = (lat_a - self.lat_deg[0]) / d_lat
        j0 = np.clip(np.floor(y).astype(np.intp), 0, n_lat - 2)
        ty = (y - j0)[..., None]
        tx = tx[..., None]
        g = self.xyz_m_s
        xyz = (1.0 - ty) * ((1.0 - tx) * g[j0, i0] + tx * g[j0, i1]) + ty * (
            (1.0 - tx) * g[j0 + 1, i0] + tx * g[j0 + 1, i1]
        )
        east, north = _basis(np.radians(lon_a), np.radians(lat_a))
        u = np.sum(xyz * east, axis=-1)
        v = np.sum(xyz * north, axis=-1)
        return np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)


def _basis(lam: Floats, phi: Floats) -> tuple[Floats, Floats]:
    """Unit vectors pointing east and north at the given radians, shaped (..., 3)."""
    lam, phi = np.broadcast_arrays(lam, phi)
    sin_lam, cos_lam = np.sin(lam), np.cos(lam)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    east = np.stack([-sin_lam, cos_lam, np.zeros_like(lam)], axis=-1)
    north = np.stack([-sin_phi * cos_lam, -sin_phi * sin_lam, cos_phi], axis=-1)
    return east, north


@functools.cache
def _arrays() -> dict[str, NDArray[np.generic]]:
    raw = importlib.resources.files("overflight.data").joinpath(WINDS_FILE).read_bytes()
    with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


@functools.cache
def monthly_wind(month: int) -> WindField:
    """The shipped mean wind field of a month (1 = January ... 12 = December), read once.

    Raises
    ------
    InputError
        For a month that is not a whole number from 1 to 12.

    Examples
    --------
    >>> monthly_wind(1)
    WindField(month=1)

    """
    if isinstance(month, bool) or not isinstance(month, int | np.integer) or not 1 <= month <= 12:
        raise InputError(f"month {month!r}: give a whole number from 1 (January) to 12 (December)")
    arrays = _arrays()
    scale = float(arrays["scale_m_s"])
    fields = {
        "lon_deg": np.asarray(arrays["lon_deg"], dtype=np.float64),
        "lat_deg": np.asarray(arrays["lat_deg"], dtype=np.float64),
        "u_m_s": arrays["u"][month - 1].astype(np.float64) * scale,
        "v_m_s": arrays["v"][month - 1].astype(np.float64) * scale,
    }
    for values in fields.values():
        values.flags.writeable = False
    return WindField(month=int(month), **fields)
