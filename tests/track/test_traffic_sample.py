"""A real public track: a sample flight shipped by the ``traffic`` package (MIT licence).

traffic is an optional extra (``pip install overflight[traffic]``) that brings some 55 packages.
Where it is not installed, its pinned wheel is fetched from PyPI into the tests' cache (checked by
its sha256, never installed) and the sample is read from it; the test is skipped, saying why,
only when PyPI cannot be reached. traffic 2.13 does not import
with pandas 3 (its ``traffic.core.flight`` needs a pandas 2 internal); its sample file is then
read as traffic reads it, with pandas, and handed over as a Flight is (an object with ``.data``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys
import tempfile
import zipfile
from importlib import import_module
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from overflight.analysis.track import report_track, track_from_traffic

#: El Al's last Boeing 747 flight (ELY1747, 2019-11-03), in traffic's featured samples.
SAMPLE = "traffic/data/samples/featured/elal747.json.gz"


#: The traffic release whose sample is read when traffic is not installed: its wheel is fetched
#: from PyPI (never installed), checked, and read as a zip archive.
WHEEL = "traffic-2.13-py3-none-any.whl"
WHEEL_SHA256 = "5e0cd61d931d03103294361542188f08f959a55e862d5cba80ab61291021e66c"


def _wheel() -> Path:
    """traffic's pinned wheel in the tests' cache, downloaded from PyPI the first time."""
    cache = Path(os.environ.get("OVERFLIGHT_CACHE_DIR") or tempfile.gettempdir()) / "samples"
    wheel = cache / WHEEL
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"]
        command += ["--only-binary", ":all:", "--dest", str(cache), "traffic==2.13"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
        if done.returncode != 0 or not wheel.exists():
            pytest.skip(f"traffic's wheel could not be fetched from PyPI: {done.stderr[-300:]}")
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert digest == WHEEL_SHA256, f"{wheel} is not the pinned traffic 2.13 wheel"
    return wheel


def _elal747() -> Any:
    """traffic's ``elal747`` Flight, or its sample file read with pandas as traffic reads it."""
    import pandas as pd

    try:
        return import_module("traffic.data.samples").elal747
    except ModuleNotFoundError:
        # Not installed: the same file, read from the pinned wheel.
        with zipfile.ZipFile(_wheel()) as archive:
            raw = archive.read(SAMPLE)
        frame = pd.read_json(io.BytesIO(raw), compression="gzip", dtype={"icao24": str})
        return SimpleNamespace(data=frame)
    except ImportError:  # traffic 2.13 under pandas 3: its data files are still there
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
