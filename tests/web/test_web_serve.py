"""The `overflight serve` command."""

from __future__ import annotations

import subprocess
import sys

import pytest

from overflight.cli.serve import _is_loopback


def test_serve_is_a_command_with_host_and_port() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "overflight", "serve", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    for option in ("--host", "--port", "--time-limit-s", "127.0.0.1", "8000"):
        assert option in done.stdout


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("127.0.0.2", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_binding_beyond_loopback_is_recognised(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback
