"""The shipped upper winds: the file itself (read with numpy only) and its loader.

The file checks avoid the package's loader so that they test the committed ``winds.npz`` as built
by ``scripts/build_winds.py``; the source values they compare with are the sample the script
writes beside this test (``winds_source_sample.csv``), or the whole source when the pinned wheel
is cached.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import sys
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "src" / "overflight" / "data" / "winds.npz"
SAMPLE = Path(__file__).with_name("winds_source_sample.csv")
SCRIPT = ROOT / "scripts" / "build_winds.py"
#: Half a quantisation step, plus the rounding of the sample to 4 decimals.
HALF_STEP_M_S = 0.5 + 5e-5


@cache
def shipped() -> dict[str, np.ndarray]:
    with np.load(DATA, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


@cache
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_winds", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def grid_index(lat: float, lon: float) -> tuple[int, int]:
    return round((lat + 90.0) / 2.5), round(lon / 2.5) % 144


# -- the file -----------------------------------------------------------------------------------


def test_file_is_small_and_holds_the_expected_arrays() -> None:
    assert DATA.stat().st_size < 100_000
    arrays = shipped()
    assert sorted(arrays) == ["lat_deg", "lon_deg", "pressure_hpa", "scale_m_s", "u", "v"]
    for name in ("u", "v"):
        assert arrays[name].dtype == np.int8
        assert arrays[name].shape == (12, 73, 144)
    np.testing.assert_array_equal(arrays["lat_deg"], np.linspace(-90.0, 90.0, 73))
    np.testing.assert_array_equal(arrays["lon_deg"], np.arange(144) * 2.5)
    assert float(arrays["scale_m_s"]) == 1.0
    assert float(arrays["pressure_hpa"]) == 200.0


def test_file_is_reproducible() -> None:
    """Fixed zip timestamps and member order: the build's writer gives back the same bytes."""
    with zipfile.ZipFile(DATA) as archive:
        infos = archive.infolist()
    assert [info.filename for info in infos] == sorted(info.filename for info in infos)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert script().npz_bytes(shipped()) == DATA.read_bytes()


def test_file_reproduces_the_source_within_half_a_step() -> None:
    arrays = shipped()
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 12 * 13 * 12
    lats = set()
    for row in rows:
        month = int(row["month"]) - 1
        j, i = grid_index(float(row["lat"]), float(row["lon"]))
        lats.add(float(row["lat"]))
        assert abs(arrays["u"][month, j, i] - float(row["u_m_s"])) <= HALF_STEP_M_S, row
        assert abs(arrays["v"][month, j, i] - float(row["v_m_s"])) <= HALF_STEP_M_S, row
    assert {-90.0, 0.0, 90.0} <= lats


def test_january_jet_maximum_is_off_japan() -> None:
    """The strongest mean January wind at 200 hPa: the jet over Japan, about 77 m/s."""
    u = shipped()["u"][0].astype(float)
    v = shipped()["v"][0].astype(float)
    speed = np.hypot(u, v)
    # Rounded to 1 m/s, 140.0E and 142.5E tie; the source's maximum is 77.19 m/s at 142.5E.
    strongest = {
        (float(shipped()["lat_deg"][j]), float(shipped()["lon_deg"][i]))
        for j, i in zip(*np.nonzero(speed == speed.max()), strict=True)
    }
    assert (32.5, 142.5) in strongest
    assert all(abs(lat - 32.5) <= 2.5 and abs(lon - 142.5) <= 2.5 for lat, lon in strongest)
    assert 76.5 <= speed.max() <= 78.0
    j, i = grid_index(32.5, 142.5)
    assert (u[j, i], v[j, i]) == (77.0, 7.0)  # the source: 76.89 and 6.82 m/s


def test_pole_rows_hold_one_vector_each() -> None:
    """At a pole the 144 (u, v) pairs are one wind seen along 144 meridians."""
    lam = np.radians(shipped()["lon_deg"])
    for j, sign in ((72, 1.0), (0, -1.0)):
        for month in range(12):
            u = shipped()["u"][month, j].astype(float)
            v = shipped()["v"][month, j].astype(float)
            # Earth-centred x and y of the wind: u along east, v along "north" at the pole.
            x = -u * np.sin(lam) - sign * v * np.cos(lam)
            y = u * np.cos(lam) - sign * v * np.sin(lam)
            assert np.ptp(x) <= 2.0
            assert np.ptp(y) <= 2.0


def _cache_dir() -> Path:
    env = os.environ.get("OVERFLIGHT_BUILD_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "overflight-build"


@pytest.mark.slow
def test_file_reproduces_the_whole_source_when_the_wheel_is_cached() -> None:
    pytest.importorskip("netCDF4", reason="reading the source needs the build extra")
    build = script()
    wheel = _cache_dir() / build.WHEEL
    if not wheel.exists():
        pytest.skip(f"no cached wheel at {wheel} (build with --cache-dir to keep it)")
    build.check_wheel(wheel)
    u, v = build.build(wheel)
    assert build.npz_bytes(build.shipped_arrays(u, v)) == DATA.read_bytes()
    assert np.abs(shipped()["u"] - u).max() <= 0.5
    assert np.abs(shipped()["v"] - v).max() <= 0.5
