"""Vendor MapLibre GL JS from the npm registry into the package, at a pinned version.

The 5.x line is pinned because it ships a UMD build: one script with its worker inlined,
which a single-file HTML export can embed (6.x is split into ES modules).

The web page and the single-file HTML export serve these files themselves, so the map works
with no network. Re-running the script rewrites byte-identical files; the tarball is checked
against the registry's published integrity hash before anything is written.

Usage: python scripts/vendor_maplibre.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.request
from pathlib import Path

VERSION = "5.24.1"
TARBALL = f"https://registry.npmjs.org/maplibre-gl/-/maplibre-gl-{VERSION}.tgz"
INTEGRITY = (
    "sha512-HyiYBwtsbk3L1n1EPLJHWqdoyMiF80n7tEYXFZyu2m1TjvaNx6KMLiFeDdmszt1/mq2zvsR1TJuX/NMu5BonXQ=="
)
# Files taken from the package, and the names they get in the vendor folder.
FILES = {
    "package/dist/maplibre-gl.js": "maplibre-gl.js",
    "package/dist/maplibre-gl.css": "maplibre-gl.css",
    "package/LICENSE.txt": "LICENSE.txt",
}
DEST = Path(__file__).resolve().parents[1] / "src/overflight/export/vendor/maplibre-gl"


def fetch() -> bytes:
    with urllib.request.urlopen(TARBALL, timeout=60) as response:
        body: bytes = response.read()
    algorithm, _, expected = INTEGRITY.partition("-")
    actual = base64.b64encode(hashlib.new(algorithm, body).digest()).decode()
    if actual != expected:
        raise SystemExit(f"integrity mismatch for {TARBALL}: got {algorithm}-{actual}")
    return body


def main() -> None:
    body = fetch()
    DEST.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(body), mode="r:gz") as archive:
        for member, name in FILES.items():
            extracted = archive.extractfile(member)
            if extracted is None:
                raise SystemExit(f"{member} missing from {TARBALL}")
            (DEST / name).write_bytes(extracted.read())
    (DEST / "VERSION").write_text(f"maplibre-gl {VERSION}\n{TARBALL}\n{INTEGRITY}\n")
    print(f"vendored maplibre-gl {VERSION} into {DEST}")


if __name__ == "__main__":
    main()
