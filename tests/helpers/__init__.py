"""Helpers shared by the tests: the brute-force oracle, a real server, chromium, export parsers."""
