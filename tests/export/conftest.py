"""Planned flights the export tests draw, and golden files compared with a float tolerance.

Golden files live in ``tests/export/golden/``. They are only (re)written when the environment
variable ``OVERFLIGHT_REGENERATE_GOLDEN=1`` is set, and a test that wrote one still fails, so
a regeneration is always seen and reviewed (``git diff tests/export/golden``)::

    OVERFLIGHT_REGENERATE_GOLDEN=1 pytest tests/export -k golden
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from overflight.analysis.plan import Plan, plan_request
from overflight.analysis.request import FlightRequest
from tests.helpers.exports import CASES, GOLDEN, assert_close

REGENERATE = os.environ.get("OVERFLIGHT_REGENERATE_GOLDEN") == "1"


@pytest.fixture(scope="session")
def plans() -> dict[str, Plan]:
    out = {}
    for name, (origin, destination, options) in CASES.items():
        out[name] = plan_request(FlightRequest(origin=origin, destination=destination, **options))
    stop_plan = out["stops"].stops
    assert stop_plan is not None, "the fuel-stop case needs a stop"
    assert stop_plan.stops, "the fuel-stop case needs a stop"
    return out


@pytest.fixture
def golden() -> Callable[[str, str, Callable[[str], Any]], None]:
    """Compare text with a golden file through a parser that makes it a comparable structure."""

    def check(name: str, text: str, parse: Callable[[str], Any]) -> None:
        path = GOLDEN / name
        if REGENERATE:
            path.write_text(text, encoding="utf-8")
            pytest.fail(f"regenerated {path.name}: review it and run again without the switch")
        assert path.exists(), (
            f"no golden file {path.name}: write it with OVERFLIGHT_REGENERATE_GOLDEN=1"
        )
        assert_close(parse(text), parse(path.read_text(encoding="utf-8")))

    return check
