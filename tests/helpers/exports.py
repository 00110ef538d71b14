"""Helpers of the export tests: the flights, their fixed plans, parsers, tolerant comparison."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import lxml.etree
import lxml.html

from overflight.analysis.request import FlightRequest
from overflight.export.html import DATA_ELEMENT_ID

#: Where the golden files are.
GOLDEN = Path(__file__).resolve().parents[1] / "export" / "golden"
#: Where the plans of the flights are stored (``<case>.plan.json``, see ``tests.helpers.plans``).
FIXTURES = Path(__file__).resolve().parents[1] / "export" / "fixtures"

#: Relative and absolute tolerance for numbers compared with a golden file.
REL_TOL = 1e-6
ABS_TOL = 1e-5

#: The flights: a detour (Syria 2015), the antimeridian (Pacific, Russia closed), fuel stops.
CASES: dict[str, FlightRequest] = {
    "syria": FlightRequest(origin="UUMU", destination="OSLK", deny=("BG", "GR", "TR")),
    "pacific": FlightRequest(origin="RJAA", destination="PANC", deny=("RU",)),
    "stops": FlightRequest(
        origin="VIDP", destination="EGLL", scenario="pakistan-2025", aircraft="B738"
    ),
}


def fixture_path(case: str) -> Path:
    """The file holding the plan of one of the :data:`CASES`."""
    return FIXTURES / f"{case}.plan.json"


def _number(token: str) -> float | None:
    try:
        return float(token)
    except ValueError:
        return None


def assert_close(actual: Any, expected: Any, where: str = "$") -> None:
    """Structural equality of JSON-like values, numbers (also inside strings) within tolerance."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), where
        assert sorted(actual) == sorted(expected), f"{where}: keys differ"
        for key in expected:
            assert_close(actual[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list | tuple):
        assert isinstance(actual, list | tuple), where
        assert len(actual) == len(expected), (
            f"{where}: {len(actual)} items, {len(expected)} expected"
        )
        for k, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_close(a, e, f"{where}[{k}]")
    elif isinstance(expected, bool) or expected is None:
        assert actual == expected, where
    elif isinstance(expected, int | float):
        assert isinstance(actual, int | float), where
        assert math.isclose(actual, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL), (
            f"{where}: {actual} != {expected}"
        )
    elif isinstance(expected, str):
        assert isinstance(actual, str), where
        numbers = [_number(t) for t in expected.replace(",", " ").split()]
        if numbers and all(n is not None for n in numbers) and expected.strip():
            assert_close([_number(t) for t in actual.replace(",", " ").split()], numbers, where)
        else:
            assert actual == expected, f"{where}: {actual!r} != {expected!r}"
    else:
        raise TypeError(f"{where}: cannot compare {type(expected).__name__}")


def xml_structure(text: str) -> dict[str, Any]:
    """An XML document as nested tag / attributes / text / children, namespaces kept."""

    def walk(element: Any) -> dict[str, Any]:
        return {
            "tag": element.tag,
            "attrib": dict(element.attrib),
            "text": (element.text or "").strip(),
            "children": [walk(child) for child in element],
        }

    return walk(lxml.etree.fromstring(text.encode("utf-8")))


def csv_structure(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def html_data(text: str) -> dict[str, Any]:
    """The JSON the page carries, parsed back."""
    page = lxml.html.fromstring(text)
    (element,) = page.xpath(f'//script[@id="{DATA_ELEMENT_ID}"]')
    data: dict[str, Any] = json.loads(element.text)
    return data


def html_structure(text: str) -> dict[str, Any]:
    """The page's elements (tag, id, class; no vendored code) and its data less the basemap."""
    page = lxml.html.fromstring(text)
    elements = [
        f"{el.tag}#{el.get('id') or ''}.{el.get('class') or ''}"
        for el in page.iter()
        if isinstance(el.tag, str)
    ]
    data = html_data(text)
    states = data.pop("states")
    data["states"] = {
        "type": states["type"],
        "codes": [f["properties"]["code"] for f in states["features"]],
    }
    return {"elements": elements, "data": data}
