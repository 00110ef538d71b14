"""The fixed plans the export tests draw, against live planning: where a planner change shows.

A fixture is only (re)written when the environment variable ``OVERFLIGHT_REGENERATE_PLANS=1``
is set, and a test that wrote one still fails, so a regeneration is always seen and reviewed
(``git diff tests/export/fixtures``); then regenerate the golden files from the new plans
(see ``conftest.py``)::

    OVERFLIGHT_REGENERATE_PLANS=1 python -m pytest tests/export/test_plan_fixtures.py
"""

from __future__ import annotations

import json
import os
from functools import cache

import pytest

from overflight.analysis.plan import Plan, plan_request
from tests.helpers.exports import CASES, assert_close, fixture_path
from tests.helpers.plans import dump_plan, plan_from_json, plan_to_json, read_plan

REGENERATE = os.environ.get("OVERFLIGHT_REGENERATE_PLANS") == "1"


@cache
def live(case: str) -> Plan:
    return plan_request(CASES[case])


@pytest.mark.parametrize("case", sorted(CASES))
def test_fixture_is_the_plan_planned_today(case: str) -> None:
    """Within the golden files' tolerance: a planner change shows here, and only here."""
    path = fixture_path(case)
    if REGENERATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(dump_plan(live(case)), encoding="utf-8")
        pytest.fail(f"regenerated {path.name}: review it and run again without the switch")
    assert path.exists(), f"no fixture {path.name}: write it with OVERFLIGHT_REGENERATE_PLANS=1"
    try:
        assert_close(plan_to_json(live(case)), json.loads(path.read_text(encoding="utf-8")))
    except AssertionError as error:
        raise AssertionError(
            f"the planner no longer plans what {path.name} holds ({error}); if that is meant, "
            "regenerate the fixture and then the golden files (see tests/export/conftest.py)"
        ) from None


@pytest.mark.parametrize("case", sorted(CASES))
def test_plans_rebuild_exactly(case: str) -> None:
    """Nothing is lost or rounded on the way through JSON, so the exporters see the same plan."""
    assert plan_from_json(plan_to_json(live(case))) == live(case)
    path = fixture_path(case)
    plan = read_plan(path)
    assert plan.request == CASES[case]
    assert dump_plan(plan) == path.read_text(encoding="utf-8")
