"""Build and vendoring scripts; a package so that ``scripts.build_airspace`` imports by name."""
