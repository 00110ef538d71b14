"""Every text format against its golden file, compared structurally with a float tolerance."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from overflight.analysis.plan import Plan
from overflight.export.gpx import plan_to_gpx
from overflight.export.html import plan_to_html
from overflight.export.kml import plan_to_kml
from overflight.export.table import plan_to_csv
from tests.helpers.exports import (
    CASES,
    GOLDEN,
    assert_close,
    csv_structure,
    html_structure,
    xml_structure,
)

Golden = Callable[[str, str, Callable[[str], Any]], None]


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize(
    ("suffix", "export", "parse"),
    [
        ("kml", plan_to_kml, xml_structure),
        ("gpx", plan_to_gpx, xml_structure),
        ("csv", plan_to_csv, csv_structure),
    ],
)
def test_text_export_matches_golden(
    plans: dict[str, Plan],
    golden: Golden,
    case: str,
    suffix: str,
    export: Callable[[Plan], str],
    parse: Callable[[str], Any],
) -> None:
    golden(f"{case}.{suffix}", export(plans[case]), parse)


@pytest.mark.parametrize("case", sorted(CASES))
def test_html_structure_matches_golden(plans: dict[str, Plan], golden: Golden, case: str) -> None:
    structure = html_structure(plan_to_html(plans[case]))
    golden(f"{case}.html.json", json.dumps(structure, indent=1) + "\n", json.loads)


def test_golden_comparison_catches_a_moved_point(plans: dict[str, Plan]) -> None:
    # Read-only on purpose: this test must never write a golden file.
    text = plan_to_csv(plans["syria"])
    moved = text.replace("44.828005", "44.838005")
    assert moved != text
    expected = csv_structure((GOLDEN / "syria.csv").read_text(encoding="utf-8"))
    assert_close(csv_structure(text), expected)
    with pytest.raises(AssertionError, match=r"44\.838005"):
        assert_close(csv_structure(moved), expected)
