"""Run the command line with ``python -m overflight``."""

from overflight.cli import main

main()
