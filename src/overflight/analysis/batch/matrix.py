"""The penalty matrix: every origin to every destination, and what avoiding costs each pair.

>>> from overflight.analysis.batch import BatchOptions
>>> m = penalty_matrix(["EFHK", "EDDF", "RJAA"], BatchOptions(deny=("RU",)))
>>> round(m.extra_pct[0, 2]) > 20, m.places[2].code
(True, 'RJAA')
>>> m = penalty_matrix(["EFHK", "EDDF"], BatchOptions(deny=("RU",)), destinations=["RJAA"])
>>> m.distance_km.shape, m.destinations[0].code, round(m.duration_h[0, 0]) > 6
((2, 1), 'RJAA', True)

With an aircraft (``BatchOptions.aircraft``) the matrix also holds the fuel stops each pair
needs and the time from departure to arrival with the ground time at each stop
(:data:`STOP_MEASURES`; NaN where no plan keeps every leg within range):

>>> m = penalty_matrix(["EGLL", "VIDP"], BatchOptions(deny=("RU",), aircraft="B738"))
>>> int(m.stop_count[0, 1]), bool(m.total_time_h[0, 1] > m.duration_h[0, 1])
(1, True)

A square matrix (one list of places) holds every ordered pair of different places; a
rectangular one (origins and destinations) every origin to every destination. Each pair is
planned in its direction, independently, as a batch would plan it; a route and its reverse
have the same length, which the tests check. A pair whose origin and destination are the
same place (the diagonal of a square matrix) is not planned: its figures are 0.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from overflight._config import DEFAULT_SPEED_KT
from overflight.analysis.batch.jobs import BatchOptions, Task, plan_jobs, run_task
from overflight.analysis.batch.pairs import PairRow
from overflight.data.airports import resolve_place
from overflight.errors import InputError
from overflight.models import KM_PER_NM, Place

__all__ = [
    "DECIMALS",
    "MEASURES",
    "STOP_MEASURES",
    "WIND_MEASURES",
    "PenaltyMatrix",
    "penalty_matrix",
    "plot_matrix",
]

#: The figures of a matrix, as named in its CSV file.
MEASURES = ("distance_km", "great_circle_km", "extra_km", "extra_pct", "duration_h")

#: The figures a matrix planned for an aircraft adds: fuel stops, and time with ground time.
STOP_MEASURES = ("stop_count", "total_time_h")

#: The figures a matrix planned in a month's wind adds: the time in it, the mean wind.
WIND_MEASURES = ("wind_time_h", "mean_wind_kt")

#: Decimals each measure is written with in a CSV file: 0.1 km, 0.1 %, 0.01 h.
DECIMALS = {
    "distance_km": 1,
    "great_circle_km": 1,
    "extra_km": 1,
    "extra_pct": 1,
    "duration_h": 2,
    "stop_count": 0,
    "total_time_h": 2,
    "wind_time_h": 2,
    "mean_wind_kt": 1,
}

Grid = NDArray[np.float64]


@dataclass(frozen=True)
class PenaltyMatrix:
    """Figures for every origin (row) and destination (column); NaN where there is no route."""

    #: The places of the rows and of the columns.
    origins: tuple[Place, ...]
    destinations: tuple[Place, ...]
    #: Route length, and the direct great circle, in km (0 where a place meets itself).
    distance_km: Grid
    great_circle_km: Grid
    #: Why a pair has no route ("" where it has one).
    reasons: tuple[tuple[str, ...], ...]
    #: Cruise speed of the flight times, in knots.
    speed_kt: float = DEFAULT_SPEED_KT
    #: With an aircraft: fuel stops of each pair, and the time with ground time (NaN where
    #: no plan keeps every leg within range); None without an aircraft.
    stop_count: Grid | None = None
    total_time_h: Grid | None = None
    #: Each pair's turning points as JSON ``[[lon, lat], ...]`` ("" where it has no route),
    #: for the GeoParquet output's lines.
    waypoints: tuple[tuple[str, ...], ...] = ()
    #: With a month: each pair's time in its mean wind at ``speed_kt`` and the mean wind
    #: component (NaN where there is no route); None in still air.
    wind_time_h: Grid | None = None
    mean_wind_kt: Grid | None = None
    #: The month of the wind, or None.
    month: int | None = None

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures this matrix holds: :data:`MEASURES`, the stop and wind ones if planned."""
        stops = STOP_MEASURES if self.stop_count is not None else ()
        return MEASURES + stops + (WIND_MEASURES if self.wind_time_h is not None else ())

    @property
    def places(self) -> tuple[Place, ...]:
        """The places of a square matrix: its origins, which are also its destinations.

        Raises
        ------
        InputError
            For a matrix whose destinations are not its origins.

        """
        if self.destinations != self.origins:
            raise InputError(
                "this matrix goes from its origins to other destinations: use origins and "
                "destinations instead of places"
            )
        return self.origins

    @property
    def extra_km(self) -> Grid:
        """How much longer than the great circle each route is."""
        return self.distance_km - self.great_circle_km

    @property
    def extra_pct(self) -> Grid:
        """The detour as a percentage of the great circle (0 where a place meets itself)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = 100.0 * self.extra_km / self.great_circle_km
        pct[(self.great_circle_km == 0.0) & (self.distance_km == 0.0)] = 0.0
        return pct

    @property
    def duration_h(self) -> Grid:
        """Flight time in hours at :attr:`speed_kt`, with no wind."""
        return self.distance_km / (self.speed_kt * KM_PER_NM)

    def figure(self, measure: str) -> Grid:
        """One of :attr:`measures`."""
        if measure not in self.measures:
            raise InputError(f"unknown measure {measure!r}: give one of {', '.join(self.measures)}")
        grid: Grid = getattr(self, measure)
        return grid

    def write_csv(self, path: Path) -> None:
        """Write one block per measure: ``measure, origin, <destination codes...>``.

        Each block has a row per origin; figures are rounded as :data:`DECIMALS` says, and
        the cells of pairs with no route are empty.
        """
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["measure", "origin", *(p.code for p in self.destinations)])
            for measure in self.measures:
                decimals = DECIMALS[measure]
                for origin, values in zip(self.origins, self.figure(measure), strict=True):
                    writer.writerow(
                        [measure, origin.code, *(_rounded(float(v), decimals) for v in values)]
                    )


def _rounded(value: float, decimals: int) -> str:
    if np.isnan(value):
        return ""
    # Adding 0.0 turns the -0.0 of a rounded tiny negative into 0.0.
    return f"{round(value, decimals) + 0.0:.{decimals}f}"


def _resolved(codes: Sequence[str], role: str) -> tuple[Place, ...]:
    places = tuple(resolve_place(c) for c in codes)
    seen: dict[str, str] = {}
    for code, place in zip(codes, places, strict=True):
        if place.code in seen:
            raise InputError(
                f"the {role} name {place.code} twice ({seen[place.code]!r} and {code!r}): "
                f"give each place once"
            )
        seen[place.code] = code
    return places


def penalty_matrix(
    codes: Sequence[str],
    options: BatchOptions | None = None,
    *,
    destinations: Sequence[str] | None = None,
) -> PenaltyMatrix:
    """Plan every pair of the places under the options (at most one scenario).

    Parameters
    ----------
    codes
        The places of a square matrix (every ordered pair of them), or, with
        ``destinations``, its origins: codes, airfield identifiers or ``lat,lon``.
    options
        Denied states, a scenario, margin and speed (default: nothing denied, 450 kt).
    destinations
        The destinations of a rectangular matrix: each origin to each destination.

    Raises
    ------
    InputError
        For fewer than two places in a square matrix, no origin or no destination, a place
        given twice, an unknown code, or more than one scenario.

    """
    options = options or BatchOptions()
    if len(options.scenarios) > 1:
        raise InputError("a matrix is planned under one scenario at a time: give one --scenario")
    if destinations is None:
        if len(set(codes)) < 2 or len(set(codes)) != len(codes):
            raise InputError(f"give two or more different places, not {', '.join(codes) or 'none'}")
        origins = targets = _resolved(codes, "places")
    else:
        if not codes or not destinations:
            raise InputError(
                f"give one or more origins and destinations, not origins "
                f"{', '.join(codes) or 'none'} and destinations "
                f"{', '.join(destinations) or 'none'}"
            )
        origins, targets = _resolved(codes, "origins"), _resolved(destinations, "destinations")
        if all(o.code == d.code for o in origins for d in targets):
            raise InputError(
                f"the origins and destinations are the same place ({origins[0].code}): give "
                f"an origin and a destination that differ"
            )
    n = len(targets)
    to = codes if destinations is None else destinations
    rows = [
        PairRow(line=i * n + j, origin=codes[i], destination=to[j])
        for i, o in enumerate(origins)
        for j, d in enumerate(targets)
        if o.code != d.code
    ]
    groups, bad = plan_jobs(rows, options)
    if bad:
        raise InputError(bad[0].reason)
    distance = np.zeros((len(origins), n))
    great_circle = np.zeros((len(origins), n))
    stops = np.zeros((len(origins), n))
    total = np.zeros((len(origins), n))
    wind = np.zeros((len(origins), n))
    component = np.zeros((len(origins), n))
    reasons = [[""] * n for _ in origins]
    waypoints = [[""] * n for _ in origins]
    with_stops = options if options.aircraft else None
    month = options.wind_month
    for closed, jobs in groups.items():
        task = Task(closed, options.speed_kt, tuple(jobs), with_stops, month)
        for job, row in zip(jobs, run_task(task), strict=True):
            i, j = divmod(job.line, n)
            great_circle[i, j] = row["great_circle_km"]
            distance[i, j] = np.nan if row["distance_km"] is None else row["distance_km"]
            stops[i, j] = np.nan if row["stop_count"] is None else row["stop_count"]
            total[i, j] = np.nan if row["total_time_h"] is None else row["total_time_h"]
            wind[i, j] = np.nan if row["wind_time_h"] is None else row["wind_time_h"]
            component[i, j] = np.nan if row["mean_wind_kt"] is None else row["mean_wind_kt"]
            reasons[i][j] = row["reason"]
            waypoints[i][j] = row["waypoints"]
    return PenaltyMatrix(
        origins=origins,
        destinations=targets,
        distance_km=distance,
        great_circle_km=great_circle,
        reasons=tuple(tuple(r) for r in reasons),
        waypoints=tuple(tuple(w) for w in waypoints),
        speed_kt=options.speed_kt,
        stop_count=stops if with_stops else None,
        total_time_h=total if with_stops else None,
        wind_time_h=wind if month is not None else None,
        mean_wind_kt=component if month is not None else None,
        month=month,
    )


def plot_matrix(matrix: PenaltyMatrix, path: Path, *, title: str = "") -> None:
    """Draw the detour (% over the great circle) as a heatmap, with km in each cell, to a file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    origins = [p.code for p in matrix.origins]
    destinations = [p.code for p in matrix.destinations]
    pct, extra = matrix.extra_pct, matrix.extra_km
    same = np.array([[o == d for d in destinations] for o in origins], dtype=bool)
    width = max(4.0, 0.75 * len(destinations) + 2.0)
    height = max(4.0, 0.75 * len(origins) + 2.0)
    fig, ax = plt.subplots(figsize=(width + 1.5, height))
    try:
        # A place to itself and pairs without a route are grey; the cell text tells them apart.
        shown = np.ma.masked_invalid(np.where(same, np.nan, pct))
        cmap = matplotlib.colormaps["YlOrRd"].with_extremes(bad="#bdbdbd")
        image = ax.imshow(shown, cmap=cmap, vmin=0.0)
        fig.colorbar(image, ax=ax, label="detour, % of the great circle")
        ax.set_xticks(range(len(destinations)), destinations, rotation=45, ha="right")
        ax.set_yticks(range(len(origins)), origins)
        ax.set_xlabel("destination")
        ax.set_ylabel("origin")
        ax.set_title(title or "Detour forced by denied airspace")
        top = float(np.nanmax(pct)) if np.isfinite(pct).any() else 0.0
        for i, j in np.ndindex(*same.shape):
            if same[i, j]:
                continue
            text = (
                "no\nroute" if np.isnan(pct[i, j]) else f"{pct[i, j]:.0f}%\n{extra[i, j]:,.0f} km"
            )
            dark = np.isfinite(pct[i, j]) and pct[i, j] > 0.6 * top
            ax.text(
                j,
                i,
                text,
                ha="center",
                va="center",
                fontsize=7,
                color="white" if dark else "black",
            )
        fig.tight_layout()
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
