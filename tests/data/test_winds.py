"""The shipped upper winds: the file itself (read with numpy only) and its loader.

The file checks avoid the package's loader so that they test the committed ``winds.npz`` as built
by ``scripts/build_winds.py``; the source values they compare with are the sample the script
writes beside this test (``winds_source_sample.csv``), or the whole source when the pinned wheel
is cached.
"""

from __future__ import annotations

import csv
import importlib.util
import math
import os
import subprocess
import sys
import zipfile
from functools import cache
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from overflight.data.winds import monthly_wind
from overflight.errors import CoordinateError, InputError
from overflight.geo.wind import M_S_PER_KT, path_time

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


# -- the loader and interpolation ---------------------------------------------------------------


def source_sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def earth_centred(lon: np.ndarray, lat: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    east = np.stack([-np.sin(lam), np.cos(lam), np.zeros_like(lam)], axis=-1)
    north = np.stack([-np.sin(phi) * np.cos(lam), -np.sin(phi) * np.sin(lam), np.cos(phi)], axis=-1)
    return np.asarray(u[..., None] * east + v[..., None] * north)


@pytest.mark.parametrize("month", range(1, 13))
def test_grid_points_give_back_the_stored_values(month: int) -> None:
    field = monthly_wind(month)
    lon, lat = np.meshgrid(shipped()["lon_deg"], shipped()["lat_deg"])
    u, v = field.at(lon, lat)
    assert u.shape == lon.shape
    np.testing.assert_allclose(u, shipped()["u"][month - 1], rtol=0, atol=1e-9)
    np.testing.assert_allclose(v, shipped()["v"][month - 1], rtol=0, atol=1e-9)


def test_the_loader_reproduces_the_source_within_half_a_step() -> None:
    rows = source_sample()
    for month in range(1, 13):
        mine = [r for r in rows if int(r["month"]) == month]
        lon = np.array([float(r["lon"]) for r in mine])
        lat = np.array([float(r["lat"]) for r in mine])
        u, v = monthly_wind(month).at(lon, lat)
        assert np.abs(u - [float(r["u_m_s"]) for r in mine]).max() <= HALF_STEP_M_S
        assert np.abs(v - [float(r["v_m_s"]) for r in mine]).max() <= HALF_STEP_M_S


def test_longitude_is_periodic() -> None:
    field = monthly_wind(1)
    lon = np.linspace(-180.0, 180.0, 97)
    lat = np.full_like(lon, 47.3)
    base = field.at(lon, lat)
    for shift in (-720.0, -360.0, 360.0):
        np.testing.assert_allclose(field.at(lon + shift, lat), base, atol=1e-9)
    np.testing.assert_allclose(field.at(-180.0, 47.3), field.at(180.0, 47.3), atol=1e-9)


@pytest.mark.parametrize(
    ("lon", "lat"), [(358.75, 11.25), (-1.25, -43.75), (121.25, 61.25), (181.25, 31.25)]
)
def test_between_grid_points_the_wind_is_the_mean_of_the_neighbours(lon: float, lat: float) -> None:
    """Bilinear: at a cell's centre, the mean of its four corners (to the turn of the basis)."""
    field = monthly_wind(1)
    corners_lon = np.array([lon - 1.25, lon + 1.25, lon - 1.25, lon + 1.25])
    corners_lat = np.array([lat - 1.25, lat - 1.25, lat + 1.25, lat + 1.25])
    cu, cv = field.at(corners_lon, corners_lat)
    u, v = field.at(lon, lat)
    assert float(u) == pytest.approx(float(cu.mean()), abs=0.05)
    assert float(v) == pytest.approx(float(cv.mean()), abs=0.05)


def test_at_the_poles_the_wind_is_one_vector_whatever_the_meridian() -> None:
    field = monthly_wind(1)
    lon = np.linspace(-180.0, 180.0, 145)
    for pole in (90.0, -90.0):
        lat = np.full_like(lon, pole)
        u, v = field.at(lon, lat)
        xyz = earth_centred(lon, lat, u, v)
        # One wind, up to the 1 m/s rounding of the stored components.
        assert np.ptp(xyz, axis=0).max() <= 1.5
        near = field.at(lon, lat - np.sign(pole) * 1e-6)
        np.testing.assert_allclose(near, (u, v), atol=1e-4)


def test_crossing_the_pole_the_wind_turns_smoothly() -> None:
    """Along the 0/180 meridian over the North Pole, the tailwind changes by small steps."""
    field = monthly_wind(1)
    lat = np.concatenate([np.linspace(80.0, 90.0, 201), np.linspace(90.0, 80.0, 201)[1:]])
    lon = np.concatenate([np.zeros(201), np.full(200, 180.0)])
    track = np.concatenate([np.zeros(201), np.full(200, 180.0)])
    u, v = field.at(lon, lat)
    tailwind = u * np.sin(np.radians(track)) + v * np.cos(np.radians(track))
    assert np.abs(np.diff(tailwind)).max() < 0.5


@pytest.mark.parametrize(
    ("lon", "lat"), [(0.0, 90.5), (0.0, -91.0), (math.nan, 0.0), (0.0, math.inf)]
)
def test_points_off_the_globe_are_refused(lon: float, lat: float) -> None:
    with pytest.raises(CoordinateError, match="latitude in"):
        monthly_wind(3).at([10.0, lon], [0.0, lat])


@pytest.mark.parametrize("month", [0, 13, -1, 1.0, "1", True])
def test_months_are_whole_numbers_from_one_to_twelve(month: object) -> None:
    with pytest.raises(InputError, match=r"month .*: give a whole number from 1"):
        monthly_wind(month)


def test_fields_are_cached_and_read_only() -> None:
    field = monthly_wind(5)
    assert monthly_wind(5) is field
    assert repr(field) == "WindField(month=5)"
    for values in (field.u_m_s, field.v_m_s, field.lon_deg, field.lat_deg, field.xyz_m_s):
        assert not values.flags.writeable


def test_importing_the_loader_reads_nothing() -> None:
    code = (
        "import overflight.data.winds as w; "
        "assert w._arrays.cache_info().currsize == 0; "
        "assert w.monthly_wind.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_efhk_rjaa_in_january_is_faster_east_than_west() -> None:
    """The great circle at 480 kt: the westerlies shorten it eastbound and lengthen it back."""
    efhk, rjaa = (24.963, 60.317), (140.386, 35.765)
    wind = monthly_wind(1).at
    east = path_time([efhk, rjaa], tas_m_s=480 * M_S_PER_KT, wind=wind)
    west = path_time([rjaa, efhk], tas_m_s=480 * M_S_PER_KT, wind=wind)
    assert east.still_air_h == pytest.approx(west.still_air_h, rel=1e-9)
    assert east.wind_h < east.still_air_h < west.wind_h
    assert 0.0 < east.mean_wind_m_s < 30.0
    assert -30.0 < west.mean_wind_m_s < 0.0
