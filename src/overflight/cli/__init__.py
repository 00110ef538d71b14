"""The ``overflight`` command line: a thin layer that parses, calls the library and renders.

Every command module registers its commands on :data:`overflight.cli.app.app` with
``@app.command()`` when imported; importing them here, in one list, makes the tool whole.
"""

from overflight.cli import (  # noqa: F401 - they register commands
    advisories,
    analysis,
    batch,
    cache,
    map,
    serve,
    track,
    world,
)
from overflight.cli.app import app, main

__all__ = ["app", "main"]
