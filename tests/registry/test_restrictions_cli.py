"""`overflight restrictions`: what applies to an operator, or whom a state refuses, with sources."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["restrictions", *args])
    return result.exit_code, result.stdout, result.stderr


def test_what_applies_to_indian_operators_with_sources() -> None:
    status, out, _ = run("--operator", "IN", "--date", "2025-06-01", "--format", "json")
    assert status == 0
    data = json.loads(out)
    assert (data["operator"], data["date"]) == ("IN", "2025-06-01")
    ids = {r["id"]: r for r in data["restrictions"]}
    pk = ids["pk-closed-to-indian-aircraft-2025-notam-01"]
    assert pk["states"] == ["PK"]
    assert pk["source_url"].startswith("https://")
    assert pk["valid_from"] <= "2025-06-01" <= pk["valid_to"]
    # Rules for other operators' flights are not listed.
    assert not any(r["operators"] and "IN" not in r["operators"] for r in ids.values())


def test_whom_pakistan_refuses_as_csv() -> None:
    status, out, _ = run("--state", "PAK", "--date", "2025-06-01", "--format", "csv")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {
        "pk-closed-to-indian-aircraft-2025-notam-01",
        "ir-pk-af-refuse-israel-flights",
    }
    assert by_id["pk-closed-to-indian-aircraft-2025-notam-01"]["operators"] == "IN"
    assert all(r["source_publisher"] for r in rows)
    # Between the two India closures Pakistan refuses only flights to and from Israel.
    status, out, _ = run("--state", "PK", "--date", "2020-01-15", "--format", "csv")
    assert [r["id"] for r in csv.DictReader(io.StringIO(out))] == ["ir-pk-af-refuse-israel-flights"]


def test_the_table_names_rules_and_sources(tmp_path: Path) -> None:
    table = tmp_path / "qatar.txt"
    status, _, _ = run("--airline", "QTR", "--date", "2018-01-01", "-o", str(table))
    assert status == 0
    text = table.read_text()
    _, out, _ = run("--airline", "QTR", "--date", "2018-01-01", "--format", "json")
    count = len(json.loads(out)["restrictions"])
    assert f"{count} rule(s) in force: operator QA, airline QTR" in text
    assert "sa-closes-to-qatar-2017" in text
    assert "https://www.aljazeera.com/news/2021/1/12/egypt-reopens-airspace" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --operator or --airline"),
        (("--state", "PK", "--operator", "IN"), "not both"),
        (("--state", "XZ"), "unknown state code 'XZ'"),
        (("--airline", "XQZ"), "unknown airline 'XQZ'"),
        (("--operator", "IN", "--category", "pirate"), "category 'pirate'"),
        (("--operator", "IN", "--date", "2013-06-01"), "starts on 2014-01-01"),
        (("--state", "PK", "--date", "2013-06-01"), "starts on 2014-01-01"),
        (("--operator", "IN", "--date", "June"), "June"),
    ],
)
def test_bad_input_exits_2_naming_the_value(args: tuple[str, ...], message: str) -> None:
    status, out, err = run(*args)
    assert status == EXIT_BAD_INPUT
    assert message in " ".join((out + err).split())
