"""Debian's chromium for the browser tests, started as this machine needs (never downloaded).

The flags keep chromium headless and quiet towards the network: without the background
networking ones it keeps trying hosts that a closed network refuses.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
#: Where tests leave screenshots to look at (gitignored).
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (scripts/test.sh installs it)",
)


def launch(playwright: Any, profile: Path) -> Any:
    """A browser context with a fresh profile in the given directory, 1280 x 800."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=ARGS,
        headless=True,
        viewport={"width": 1280, "height": 800},
    )
