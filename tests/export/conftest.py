"""The plans the export tests draw, and golden files compared with a float tolerance.

The plans are fixed: rebuilt from ``tests/export/fixtures/<case>.plan.json``
(:mod:`tests.helpers.plans`) rather than planned live, so that a change to the planner does not
rewrite the export goldens. ``test_plan_fixtures.py`` is the one test that plans them live, and
fails when the planner no longer plans what a fixture holds.

Golden files live in ``tests/export/golden/``. They are only (re)written when the environment
variable ``OVERFLIGHT_REGENERATE_GOLDEN=1`` is set, and a test that wrote one still fails, so
a regeneration is always seen and reviewed (``git diff tests/export/golden``)::

    OVERFLIGHT_REGENERATE_GOLDEN=1 python -m pytest tests/export -k golden

When the planner changes the plans on purpose, regenerate the plans first, then the golden files
from them, and review both diffs::

    OVERFLIGHT_REGENERATE_PLANS=1 python -m pytest tests/export/test_plan_fixtures.py
    OVERFLIGHT_REGENERATE_GOLDEN=1 python -m pytest tests/export -k golden
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest

from overflight.analysis.plan import Plan
from tests.helpers.exports import CASES, GOLDEN, assert_close, fixture_path
from tests.helpers.plans import read_plan

REGENERATE = os.environ.get("OVERFLIGHT_REGENERATE_GOLDEN") == "1"


@pytest.fixture(scope="session")
def plans() -> dict[str, Plan]:
    out = {case: read_plan(fixture_path(case)) for case in CASES}
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
