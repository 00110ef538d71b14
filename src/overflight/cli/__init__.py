"""The ``overflight`` command line: a thin layer that parses, calls the library and renders.

Every command module registers its commands on :data:`overflight.cli.app.app` with
``@app.command()`` when imported; :data:`overflight.cli.app.COMMANDS` names the module of each
command, imported when the command runs, so that a command line loads only what it uses.
"""

from overflight.cli.app import app, main

__all__ = ["app", "main"]
