"""A real public track: a sample flight shipped by the ``traffic`` package (MIT licence).

traffic is an optional extra (``pip install overflight[traffic]``) that brings some 55 packages,
so the test is skipped, saying why, where it is not installed. traffic 2.13 does not import
with pandas 3 (its ``traffic.core.flight`` needs a pandas 2 internal); its sample file is then
read as traffic reads it, with pandas, and handed over as a Flight is (an object with ``.data``).
"""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from importlib.metadata import PackageNotFoundError, distribution
from types import SimpleNamespace
from typing import Any

import pytest

from overflight.analysis.track import report_track, track_from_traffic

#: El Al's last Boeing 747 flight (ELY1747, 2019-11-03), in traffic's featured samples.
SAMPLE = "traffic/data/samples/featured/elal747.json.gz"


def _elal747() -> Any:
    """traffic's ``elal747`` Flight, or its sample file read with pandas as traffic reads it."""
    try:
        return import_module("traffic.data.samples").elal747
    except ModuleNotFoundError:
        pytest.skip(
            "the traffic package is not installed (pip install overflight[traffic]); its "
            "sample flights are the real public tracks this test reports"
        )
    except ImportError:  # traffic 2.13 under pandas 3: its data files are still there
        import pandas as pd

        try:
            path = distribution("traffic").locate_file(SAMPLE)
        except PackageNotFoundError:
            pytest.skip("the traffic package is not installed")
        return SimpleNamespace(data=pd.read_json(str(path), dtype={"icao24": str}))


def test_el_al_s_last_747_flight_rome_to_tel_aviv_is_reported() -> None:
    # Rome Fiumicino to Tel Aviv, drawing a 747 over the eastern Mediterranean on the way.
    track = track_from_traffic(_elal747(), source="traffic.data.samples.elal747")
    assert len(track.points) > 1000
    assert track.date == dt.date(2019, 11, 3)
    report = report_track(track, airline="ELY")
    assert (report.origin.code, report.destination.code) == ("LIRF", "LLBG")
    crossed = [o.transit.country for o in report.overflown]
    assert crossed[0] == "IT"
    assert crossed[-1] == "IL"
    assert "GR" in crossed
    assert report.violations == ()
    # The drawing makes the flight far longer than the shortest legal route.
    assert report.optimum is not None
    assert report.detour_km is not None
    assert report.detour_km > 500.0
