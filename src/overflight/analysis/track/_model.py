"""A flown track: fixes in order, with their times when known, and the gaps between them."""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from overflight.errors import InputFileError
from overflight.geo.ellipsoid import wgs84
from overflight.models import LonLat

__all__ = ["GAP_KM", "GAP_MIN", "MAX_POINTS", "Fix", "Gap", "Track", "build_track", "fix_error"]

#: Fixes further apart than this (km or minutes) leave a gap in coverage (typically over
#: an ocean, out of reach of ground receivers): it is bridged by the great circle and flagged.
GAP_KM = 200.0
GAP_MIN = 30.0
#: Most fixes a track may have: a long-haul flight at one fix every 5 s has about 15,000.
MAX_POINTS = 200_000


@dataclass(frozen=True)
class Fix:
    """One position as read from a file, with where it was read (for errors)."""

    lon: float
    lat: float
    #: When, in UTC (None: the file gives no time).
    time: dt.datetime | None
    #: Where in the file: ``line 12``, ``features[0].geometry.coordinates[3]``, ``row 7``.
    where: str
    altitude_ft: float | None = None


@dataclass(frozen=True)
class Gap:
    """A stretch without coverage between two consecutive fixes, bridged by a great circle."""

    #: Index of the fix before the gap.
    after: int
    distance_km: float
    #: Minutes between the fixes (None: no times).
    minutes: float | None
    start: LonLat
    end: LonLat

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "after": self.after,
            "distance_km": self.distance_km,
            "minutes": self.minutes,
            "start": list(self.start),
            "end": list(self.end),
        }


@dataclass(frozen=True)
class Track:
    """A flown track: fixes in time order, joined by great circles.

    Build one with :func:`build_track` (which checks the fixes) or read one with
    :func:`overflight.analysis.track.read_track`.
    """

    #: Where it was read from (a file name, or ``traffic Flight``).
    source: str
    points: tuple[LonLat, ...]
    #: UTC time of each fix, or empty when the source gives none.
    times: tuple[dt.datetime, ...]
    #: Altitude of each fix in feet, or empty.
    altitude_ft: tuple[float, ...]
    gaps: tuple[Gap, ...]
    #: Km from the first fix to each fix along the great circles (WGS84).
    along_km: tuple[float, ...]

    @property
    def distance_km(self) -> float:
        """Length of the track (WGS84)."""
        return self.along_km[-1]

    @property
    def duration_h(self) -> float | None:
        """Hours from the first fix to the last (None: no times)."""
        if not self.times:
            return None
        return (self.times[-1] - self.times[0]).total_seconds() / 3600.0

    @property
    def date(self) -> dt.date | None:
        """The UTC day of the first fix (None: no times)."""
        return self.times[0].date() if self.times else None

    @cached_property
    def _stamps(self) -> np.ndarray:
        return np.array([t.timestamp() for t in self.times])

    def time_at(self, km: float) -> dt.datetime | None:
        """The time the track was ``km`` from its start (linear between fixes)."""
        if not self.times:
            return None
        seconds = float(np.interp(km, self.along_km, self._stamps))
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def fix_error(source: str, where: str, text: str) -> InputFileError:
    """The error for a value read at ``where`` (``line 12``, a field, ``row 7``) of a file."""
    line = int(where[5:]) if where.startswith("line ") and where[5:].isdigit() else None
    return InputFileError(text, file=source, line=line, field=None if line else where)


def build_track(source: str, fixes: Sequence[Fix]) -> Track:
    """Check the fixes read from ``source`` and make a track of them.

    Raises
    ------
    InputFileError
        No fix or a single one, a coordinate out of range, times on some fixes only, or a
        time earlier than the one before; the message names the file, the line (or field)
        and the value.

    """
    if not fixes:
        raise InputFileError(
            "no track points found: give a LineString or gx:Track (KML), trkpt (GPX), rows "
            "with lat and lon (CSV, Parquet) or LineString/Point features (GeoJSON)",
            file=source,
        )
    if len(fixes) > MAX_POINTS:
        raise InputFileError(
            f"{len(fixes):,} track points: give at most {MAX_POINTS:,} (thin the track)",
            file=source,
        )
    for f in fixes:
        if not (math.isfinite(f.lat) and -90.0 <= f.lat <= 90.0):
            raise fix_error(
                source, f.where, f"latitude {f.lat!r} out of range: give -90 to 90 degrees"
            )
        if not (math.isfinite(f.lon) and -180.0 <= f.lon <= 180.0):
            raise fix_error(
                source, f.where, f"longitude {f.lon!r} out of range: give -180 to 180 degrees"
            )
    timed = [f.time is not None for f in fixes]
    if any(timed) and not all(timed):
        missing = fixes[timed.index(False)]
        raise fix_error(
            source,
            missing.where,
            "this point has no time while others have: give every point a time",
        )
    for a, b in itertools.pairwise(fixes):
        if a.time is not None and b.time is not None and b.time < a.time:
            raise fix_error(
                source,
                b.where,
                f"time {b.time.isoformat()} is earlier than the point before it "
                f"({a.time.isoformat()}, {a.where}): give the points in time order",
            )
    # Repeated positions (a receiver reporting while parked) add nothing to the path.
    kept = [fixes[0]]
    for f in fixes[1:]:
        if (f.lon, f.lat) != (kept[-1].lon, kept[-1].lat):
            kept.append(f)
    if len(kept) < 2:
        raise fix_error(
            source,
            fixes[0].where,
            f"only one distinct track point ({fixes[0].lat}, {fixes[0].lon}): a track needs two "
            "or more",
        )
    lon = np.array([f.lon for f in kept])
    lat = np.array([f.lat for f in kept])
    _, _, metres = wgs84().inv(lon[:-1], lat[:-1], lon[1:], lat[1:])
    legs_km = np.asarray(metres, dtype=np.float64) / 1000.0
    along = np.concatenate([[0.0], np.cumsum(legs_km)])
    times = tuple(f.time for f in kept if f.time is not None)
    gaps = []
    for k, km in enumerate(legs_km.tolist()):
        minutes = (times[k + 1] - times[k]).total_seconds() / 60.0 if times else None
        if km > GAP_KM or (minutes is not None and minutes > GAP_MIN):
            gaps.append(
                Gap(
                    k,
                    km,
                    minutes,
                    LonLat(kept[k].lon, kept[k].lat),
                    LonLat(kept[k + 1].lon, kept[k + 1].lat),
                )
            )
    altitude = tuple(f.altitude_ft for f in kept if f.altitude_ft is not None)
    return Track(
        source=source,
        points=tuple(LonLat(f.lon, f.lat) for f in kept),
        times=times,
        altitude_ft=altitude if len(altitude) == len(kept) else (),
        gaps=tuple(gaps),
        along_km=tuple(along.tolist()),
    )
