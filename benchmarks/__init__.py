"""Benchmarks of overflight against the targets of DESIGN.md section 4, and against peers.

Importing this package makes a source checkout usable without installing it:
``src/`` is appended to the import path when ``overflight`` cannot be found, so an
installed overflight (or one on PYTHONPATH) always takes precedence.
"""

import importlib.util
import sys
from pathlib import Path

#: The repository root (the parent of this package).
ROOT = Path(__file__).resolve().parents[1]

if importlib.util.find_spec("overflight") is None:
    sys.path.append(str(ROOT / "src"))
