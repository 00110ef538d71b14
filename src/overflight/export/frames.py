"""Routes and plans as tables: one row per stretch over a state or over the high seas.

A row holds the stretch's line (great circles densified, cut at ±180° into a
MultiLineString), where it starts and ends (``entry_*``, ``exit_*`` and km along the leg), its
km and its minutes at the cruise speed. The rows of a route follow its transit report
(:mod:`overflight.routing.transit`): a state's row is one listed crossing, with the km the
report gives it (what is inside the state, an equal share over territory several listed
states claim); a high-seas row is a stretch between two crossings, measured on WGS84. Where
the report lists one crossing although high seas lie between two pieces of it (Heligoland on
the way from Denmark to the Netherlands), the rows are the pieces, cut where the line leaves
the state's polygon: the state's pieces share its km, the high seas between take the rest of
the stretch. So the km of the rows add up to the route's length.

With GeoPandas installed (``pip install 'overflight[geo]'``) the table is a GeoDataFrame in
EPSG:4326; with pandas alone, a DataFrame whose ``geometry`` column holds shapely lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from overflight.analysis.geometry import line_geometry
from overflight.data.airspace import states
from overflight.geo.ellipsoid import densify_path, wgs84
from overflight.geo.sphere import unwrap_longitudes
from overflight.models import KM_PER_NM, Route
from overflight.routing.transit import MIN_KM, STEP_KM

if TYPE_CHECKING:
    from overflight.analysis.plan import Plan

__all__ = ["COLUMNS", "HIGH_SEAS", "stretch_rows", "to_geodataframe", "transit_frame"]

#: The name of a row over no state (its ``country`` is None).
HIGH_SEAS = "high seas"

#: The columns of a frame, in order.
COLUMNS = (
    "leg",
    "country",
    "name",
    "km",
    "minutes",
    "start_km",
    "end_km",
    "entry_lon",
    "entry_lat",
    "exit_lon",
    "exit_lat",
    "shared_km",
    "shared_with",
    "geometry",
)

_INSTALL = "pip install 'overflight[geo]'"


class _Line:
    """A route densified as its transit report was, with km along it (WGS84)."""

    def __init__(self, route: Route) -> None:
        dense = densify_path(route.waypoints, STEP_KM)
        self.xy = unwrap_longitudes(dense)
        _, _, metres = wgs84().inv(self.xy[:-1, 0], self.xy[:-1, 1], self.xy[1:, 0], self.xy[1:, 1])
        self.km = np.concatenate([[0.0], np.cumsum(metres) / 1000.0])
        self.deg = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(self.xy, axis=0).T))])
        self.line = shapely.LineString(self.xy)

    def along(self, lon: float, lat: float) -> float:
        """Km along the route of a point on it (the longitude taken on the unwrapped line)."""
        candidates = [shapely.Point(lon + turn, lat) for turn in (-360.0, 0.0, 360.0)]
        nearest = min(candidates, key=self.line.distance)
        return float(np.interp(self.line.project(nearest), self.deg, self.km))

    def pieces(self, start_km: float, end_km: float, code: str) -> list[tuple[float, float, bool]]:
        """The stretch cut where it leaves the state's polygon: (start, end, over the state).

        Runs of points outside the polygon are the high seas between two pieces of one
        crossing; each cut is placed between the last point in and the first out (within
        the 5 km spacing: the km are shared out by the report's totals, not by these).
        """
        inner = np.flatnonzero((self.km > start_km) & (self.km < end_km))
        if inner.size == 0:
            return [(start_km, end_km, True)]
        lon = ((self.xy[inner, 0] + 180.0) % 360.0) - 180.0
        inside = shapely.intersects_xy(states()[code].geometry, lon, self.xy[inner, 1])
        if inside.all():
            return [(start_km, end_km, True)]
        km = np.concatenate([[start_km], self.km[inner], [end_km]])
        flags = np.concatenate([[True], inside, [True]])
        out: list[tuple[float, float, bool]] = []
        begin = start_km
        for k in range(1, len(km)):
            if flags[k] != flags[k - 1]:
                cut = float((km[k] + km[k - 1]) / 2.0)
                out.append((begin, cut, bool(flags[k - 1])))
                begin = cut
        out.append((begin, end_km, True))
        return out

    def between(self, start_km: float, end_km: float) -> Any:
        """The line from ``start_km`` to ``end_km`` along the route, cut at ±180°."""
        inner = (self.km > start_km) & (self.km < end_km)
        x, y = self.xy[:, 0], self.xy[:, 1]
        ends = [
            (float(np.interp(k, self.km, x)), float(np.interp(k, self.km, y)))
            for k in (start_km, end_km)
        ]
        points = [ends[0], *map(tuple, self.xy[inner].tolist()), ends[1]]
        wrapped = [(((x + 180.0) % 360.0) - 180.0, y) for x, y in points]
        return line_geometry(wrapped)


def stretch_rows(route: Route, *, leg: int = 1) -> list[dict[str, Any]]:
    """The rows of one route (see the module's description), in order along it."""
    line = _Line(route)
    total = float(line.km[-1])
    minutes_per_km = 60.0 / (route.speed_kt * KM_PER_NM)
    spans = []
    for t in route.transit:
        a, b = sorted((line.along(*t.entry), line.along(*t.exit)))
        spans.append((a, b, t))
    rows: list[dict[str, Any]] = []

    def add(a: float, b: float, km: float, **fields: Any) -> None:
        geometry = line.between(a, b)
        coords = shapely.get_coordinates(geometry)
        first, last = coords[0], coords[-1]
        rows.append(
            {
                "leg": leg,
                "country": None,
                "name": HIGH_SEAS,
                "km": km,
                "minutes": km * minutes_per_km,
                "start_km": a,
                "end_km": b,
                "entry_lon": float(first[0]),
                "entry_lat": float(first[1]),
                "exit_lon": float(last[0]),
                "exit_lat": float(last[1]),
                "shared_km": 0.0,
                "shared_with": "",
                **fields,
                "geometry": geometry,
            }
        )

    reached = 0.0
    for a, b, t in sorted(spans, key=lambda s: (s[0], s[1])):
        if a - reached >= MIN_KM:
            add(reached, a, a - reached)
        state = {
            "country": t.country,
            "name": t.name,
            "shared_km": t.shared_km,
            "shared_with": " ".join(t.shared_with),
        }
        pieces = line.pieces(a, b, t.country) if t.shared_km == 0.0 else [(a, b, True)]
        # High seas inside one listed crossing (an island's territorial sea on the way): the
        # report counts them outside the state, so their rows take them, in proportion to
        # the pieces' lengths; the state's pieces share its km the same way.
        inside_km = sum(q - p for p, q, over in pieces if over)
        outside_km = (b - a) - t.distance_km
        for p, q, over in pieces:
            if over:
                add(p, q, t.distance_km * (q - p) / inside_km, **state)
            else:
                add(p, q, outside_km * (q - p) / ((b - a) - inside_km))
        reached = max(reached, b)
    if total - reached >= MIN_KM:
        add(reached, total, total - reached)
    return rows


def _rows(item: Route | Plan) -> list[dict[str, Any]]:
    legs: Sequence[Route] = (item,) if isinstance(item, Route) else item.legs
    return [row for n, leg in enumerate(legs, start=1) for row in stretch_rows(leg, leg=n)]


def transit_frame(item: Route | Plan) -> Any:
    """The stretches of a route, or of every leg of a plan, as a (Geo)DataFrame.

    A GeoDataFrame in EPSG:4326 when GeoPandas is installed, else a pandas DataFrame with
    shapely lines in ``geometry``.

    Raises
    ------
    ImportError
        When pandas is not installed either.

    """
    rows = _rows(item)
    try:
        import geopandas
    except ImportError:
        try:
            import pandas
        except ImportError:
            raise ImportError(f"a transit frame needs pandas: {_INSTALL}") from None
        return pandas.DataFrame(rows, columns=list(COLUMNS))
    return geopandas.GeoDataFrame(rows, columns=list(COLUMNS), geometry="geometry", crs="EPSG:4326")


def to_geodataframe(item: Route | Plan) -> Any:
    """The stretches of a route or plan as a GeoDataFrame in EPSG:4326.

    Raises
    ------
    ImportError
        When GeoPandas is not installed (``pip install 'overflight[geo]'``).

    """
    try:
        import geopandas  # noqa: F401
    except ImportError:
        raise ImportError(f"to_geodataframe needs GeoPandas: {_INSTALL}") from None
    return transit_frame(item)
