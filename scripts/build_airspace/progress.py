"""Progress lines on stderr, shared by every step that reports what it did."""

from __future__ import annotations

import sys


def log(message: str) -> None:
    """Progress line on stderr."""
    print(message, file=sys.stderr, flush=True)
