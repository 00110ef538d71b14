"""The ``overflight`` command line: a thin layer that parses, calls the library and renders."""

from overflight.cli import analysis
from overflight.cli import batch as batch  # registers the `batch` and `matrix` commands
from overflight.cli import map as map  # registers the `map` command
from overflight.cli import serve as serve  # registers the `serve` command
from overflight.cli.app import app, main

app.command()(analysis.compare)
app.command()(analysis.chokepoints)

__all__ = ["app", "main"]
