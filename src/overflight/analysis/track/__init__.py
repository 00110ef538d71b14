"""Observed flights: what a flown track overflew, what it went around, which refusals explain it.

>>> from overflight.analysis.track import build_track, Fix
>>> fixes = [Fix(24.96, 60.32, None, "line 2"), Fix(18.0, 59.65, None, "line 3")]
>>> round(build_track("two fixes", fixes).distance_km)
395
"""

from overflight.analysis.track._explain import MATCH_KM, Explanation, Explanations, explain_track
from overflight.analysis.track._model import GAP_KM, GAP_MIN, Fix, Gap, Track, build_track
from overflight.analysis.track._read import (
    FORMATS,
    MAX_FILE_BYTES,
    read_track,
    read_track_bytes,
    track_format,
    track_from_traffic,
)
from overflight.analysis.track._report import (
    Approach,
    Overflown,
    TrackReport,
    TransitPassage,
    Violation,
    report_track,
)

__all__ = [
    "FORMATS",
    "GAP_KM",
    "GAP_MIN",
    "MATCH_KM",
    "MAX_FILE_BYTES",
    "Approach",
    "Explanation",
    "Explanations",
    "Fix",
    "Gap",
    "Overflown",
    "Track",
    "TrackReport",
    "TransitPassage",
    "Violation",
    "build_track",
    "explain_track",
    "read_track",
    "read_track_bytes",
    "report_track",
    "track_format",
    "track_from_traffic",
]
