"""The build from end to end, and its command line.

It exists to show the order of the steps in one short function, ``main``: fetch and read the
pinned inputs, repair, apply the overrides, simplify, encode, check the file as a reader will
see it, and only then write it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

import shapely
from shapely.geometry.base import BaseGeometry

from . import __doc__ as PACKAGE_DOC
from .checks import check, check_corridors, report_overlaps, report_slack
from .codes import SOVEREIGN, identity
from .encode import encode, feature
from .fetch import LAND, SOURCE, fetch
from .geometry import area_km2
from .overrides import LAND_CODES, Change, apply_overrides
from .progress import log
from .read import read_land, read_source
from .repair import HolePiece, repair
from .simplify import simplify_all

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTION = PACKAGE_DOC.splitlines()[0] if PACKAGE_DOC else None


def build_reference(
    source_tarball: Path, land_tarball: Path
) -> tuple[dict[str, BaseGeometry], list[HolePiece], list[Change]]:
    """Repaired source with every override applied, by alpha-3 code.

    Returns
    -------
    tuple
        Reference geometry per code, the even-odd hole verdicts and the override effects.
    """
    t0 = time.perf_counter()
    raw = read_source(source_tarball)
    vertices = sum(len(r) for rings in raw.values() for r in rings)
    log(f"read {len(raw)} features, {vertices:,} vertices ({time.perf_counter() - t0:.1f} s)")
    areas, holes = repair(raw)
    enclaves = sum(h.is_enclave for h in holes)
    log(f"even-odd holes: {enclaves} enclaves kept, {len(holes) - enclaves} artefacts filled")
    for h in holes:
        if not h.is_enclave:
            p = h.geometry.representative_point()
            log(f"  filled {h.code3} hole at {p.x:.3f} {p.y:.3f}: {area_km2(h.geometry):.3f} km2")

    land = read_land(land_tarball, LAND_CODES)
    changes = apply_overrides(areas, land)
    for code3, geometry in areas.items():
        if not geometry.is_valid:
            raise SystemExit(f"{code3}: reference invalid: {shapely.is_valid_reason(geometry)}")
    log(f"reference built ({time.perf_counter() - t0:.1f} s)")
    for c in changes:
        log(
            f"  {c.code3} {c.what}: {c.before_km2:,.0f} -> {c.after_km2:,.0f} km2 "
            f"({c.after_km2 - c.before_km2:+,.0f})"
        )
    return areas, holes, changes


def main(argv: list[str] | None = None) -> int:
    """Build, check and write the dataset."""
    parser = argparse.ArgumentParser(description=DESCRIPTION)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "src/overflight/data/airspace.geojson.gz"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=os.environ.get("OVERFLIGHT_BUILD_CACHE"),
        help="keep the npm tarballs here (default: a temporary directory)",
    )
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--no-slack", action="store_true", help="skip the slack measurement")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()

    with tempfile.TemporaryDirectory() as tmp:
        directory = args.cache_dir or Path(tmp)
        source_tarball = fetch(SOURCE, directory)
        land_tarball = fetch(LAND, directory)
        log(f"fetched and verified {SOURCE.spec} and {LAND.spec}")
        reference, _, _ = build_reference(source_tarball, land_tarball)
    report_overlaps(reference)

    simplified, vertices = simplify_all(reference, args.jobs)
    dense = sum(int(shapely.get_num_coordinates(g)) for g in simplified.values())
    log(
        f"simplified: {vertices:,} vertices; {dense:,} after densifying "
        f"({time.perf_counter() - t0:.1f} s)"
    )

    features = []
    codes3: dict[str, str] = {}
    for code3, geometry in simplified.items():
        code, _, name = identity(code3)
        codes3[code] = code3
        features.append(feature(code, code3, name, geometry))
    features.sort(key=lambda f: str(f["properties"]["code"]))
    missing = (set(SOVEREIGN) | set(SOVEREIGN.values())) - set(codes3)
    if missing:
        raise SystemExit(f"sovereign table names codes absent from the data: {sorted(missing)}")

    payload = encode(features)
    # Check the file as a reader will see it.
    collection = json.loads(gzip.decompress(payload))
    written = {
        f["properties"]["code"]: shapely.geometry.shape(f["geometry"])
        for f in collection["features"]
    }
    for geometry in written.values():
        shapely.prepare(geometry)
    check(written, reference, codes3)
    check_corridors(written)
    if not args.no_slack:
        report_slack(written, reference, codes3, args.jobs)

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(payload)
    written_vertices = sum(int(shapely.get_num_coordinates(g)) for g in written.values())
    log(
        f"wrote {args.output} ({len(payload):,} bytes, {len(features)} features, "
        f"{written_vertices:,} vertices, sha256 {hashlib.sha256(payload).hexdigest()[:16]}) "
        f"in {time.perf_counter() - t0:.0f} s"
    )
    return 0
