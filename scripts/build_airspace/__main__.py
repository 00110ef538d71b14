"""Command-line entry point, so that the build runs as ``python scripts/build_airspace``.

``python -m scripts.build_airspace`` (from the repository root) works too. Run as a directory,
this file is not part of a package, so it puts the repository root first on ``sys.path``, in place
of the package's own directory, and imports the package by its full name.
"""

import sys
from pathlib import Path

if not __package__:
    sys.path[0] = str(Path(__file__).resolve().parents[2])

from scripts.build_airspace.build import main

if __name__ == "__main__":
    sys.exit(main())
