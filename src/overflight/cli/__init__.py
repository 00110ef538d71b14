"""The ``overflight`` command line: a thin layer that parses, calls the library and renders."""

from overflight.cli.app import app, main

__all__ = ["app", "main"]
