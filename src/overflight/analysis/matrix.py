"""The penalty matrix: every ordered pair of a set of places, and what avoiding costs each.

>>> from overflight.analysis.batch import BatchOptions
>>> m = penalty_matrix(["EFHK", "EDDF", "RJAA"], BatchOptions(deny=("RU",)))
>>> round(m.extra_pct[0, 2]) > 20, m.places[2].code
(True, 'RJAA')

Each pair is planned in both directions, independently, as a batch would plan it; a route
and its reverse have the same length, which the tests check.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from overflight.analysis.batch_input import PairRow
from overflight.analysis.batch_route import BatchOptions, Task, plan_jobs, run_task
from overflight.errors import InputError
from overflight.models import Place

__all__ = ["MEASURES", "PenaltyMatrix", "penalty_matrix", "plot_matrix"]

#: The figures of a matrix, as named in its CSV file.
MEASURES = ("distance_km", "great_circle_km", "extra_km", "extra_pct")

Grid = NDArray[np.float64]


@dataclass(frozen=True)
class PenaltyMatrix:
    """Figures for every ordered pair (row: origin, column: destination); NaN where no route."""

    places: tuple[Place, ...]
    #: Route length, and the direct great circle, in km (0 on the diagonal).
    distance_km: Grid
    great_circle_km: Grid
    #: Why a pair has no route ("" where it has one).
    reasons: tuple[tuple[str, ...], ...]

    @property
    def extra_km(self) -> Grid:
        """How much longer than the great circle each route is."""
        return self.distance_km - self.great_circle_km

    @property
    def extra_pct(self) -> Grid:
        """The detour as a percentage of the great circle (0 on the diagonal)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = 100.0 * self.extra_km / self.great_circle_km
        np.fill_diagonal(pct, 0.0)
        return pct

    def figure(self, measure: str) -> Grid:
        """One of :data:`MEASURES`."""
        if measure not in MEASURES:
            raise InputError(f"unknown measure {measure!r}: give one of {', '.join(MEASURES)}")
        grid: Grid = getattr(self, measure)
        return grid

    def write_csv(self, path: Path) -> None:
        """Write one square block per measure: ``measure, origin, <destination codes...>``."""
        codes = [p.code for p in self.places]
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["measure", "origin", *codes])
            for measure in MEASURES:
                grid = self.figure(measure)
                for code, values in zip(codes, grid, strict=True):
                    writer.writerow(
                        [measure, code, *("" if np.isnan(v) else repr(float(v)) for v in values)]
                    )


def penalty_matrix(codes: Sequence[str], options: BatchOptions | None = None) -> PenaltyMatrix:
    """Plan every ordered pair of the places under the options (at most one scenario).

    Raises
    ------
    InputError
        For fewer than two places, an unknown code, or more than one scenario.

    """
    options = options or BatchOptions()
    if len(options.scenarios) > 1:
        raise InputError("a matrix is planned under one scenario at a time: give one --scenario")
    if len(set(codes)) < 2 or len(set(codes)) != len(codes):
        raise InputError(f"give two or more different places, not {', '.join(codes) or 'none'}")
    n = len(codes)
    rows = [
        PairRow(line=i * n + j, origin=codes[i], destination=codes[j])
        for i in range(n)
        for j in range(n)
        if i != j
    ]
    groups, bad = plan_jobs(rows, options)
    if bad:
        raise InputError(bad[0].reason)
    distance = np.zeros((n, n))
    great_circle = np.zeros((n, n))
    reasons = [[""] * n for _ in range(n)]
    places: dict[int, Place] = {}
    for closed, jobs in groups.items():
        for job, row in zip(
            jobs, run_task(Task(closed, options.speed_kt, tuple(jobs))), strict=True
        ):
            i, j = divmod(job.line, n)
            places[i], places[j] = job.origin, job.destination
            great_circle[i, j] = row["great_circle_km"]
            distance[i, j] = np.nan if row["distance_km"] is None else row["distance_km"]
            reasons[i][j] = row["reason"]
    return PenaltyMatrix(
        places=tuple(places[i] for i in range(n)),
        distance_km=distance,
        great_circle_km=great_circle,
        reasons=tuple(tuple(r) for r in reasons),
    )


def plot_matrix(matrix: PenaltyMatrix, path: Path, *, title: str = "") -> None:
    """Draw the detour (% over the great circle) as a heatmap, with km in each cell, to a file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    codes = [p.code for p in matrix.places]
    pct, extra = matrix.extra_pct, matrix.extra_km
    n = len(codes)
    size = max(4.0, 0.75 * n + 2.0)
    fig, ax = plt.subplots(figsize=(size + 1.5, size))
    try:
        # The diagonal and pairs without a route are grey; the cell text tells them apart.
        shown = np.ma.masked_invalid(np.where(np.eye(n, dtype=bool), np.nan, pct))
        cmap = matplotlib.colormaps["YlOrRd"].with_extremes(bad="#bdbdbd")
        image = ax.imshow(shown, cmap=cmap, vmin=0.0)
        fig.colorbar(image, ax=ax, label="detour, % of the great circle")
        ax.set_xticks(range(n), codes, rotation=45, ha="right")
        ax.set_yticks(range(n), codes)
        ax.set_xlabel("destination")
        ax.set_ylabel("origin")
        ax.set_title(title or "Detour forced by denied airspace")
        top = float(np.nanmax(pct)) if np.isfinite(pct).any() else 0.0
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                text = (
                    "no\nroute"
                    if np.isnan(pct[i, j])
                    else f"{pct[i, j]:.0f}%\n{extra[i, j]:,.0f} km"
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
