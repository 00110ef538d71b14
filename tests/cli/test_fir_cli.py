"""overflight route --fir-file: the FIRs crossed, the EET, and a bad file named."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT

runner = CliRunner()
SYNTHETIC = Path(__file__).parents[1] / "data" / "firs_synthetic.geojson"


def test_route_lists_the_firs_crossed_and_prints_the_eet() -> None:
    result = runner.invoke(app, ["route", "EDDF", "LHBP", "--fir-file", str(SYNTHETIC)])
    assert result.exit_code == 0, result.stderr
    assert "FIRs crossed, in order" in result.stdout
    assert "flight plan item 18: EET/XBBB0013 XCCC0033 XDDD0047" in result.stdout
    data = json.loads(
        runner.invoke(
            app, ["route", "EDDF", "LHBP", "--fir-file", str(SYNTHETIC), "--format", "json"]
        ).stdout
    )
    assert [f["id"] for f in data["firs"]] == ["XAAA", "XBBB", "XCCC", "XDDD"]
    assert data["eet"] == "EET/XBBB0013 XCCC0033 XDDD0047"


def test_a_fir_file_without_the_identifier_property_is_refused_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["route", "EDDF", "LHBP", "--fir-file", str(SYNTHETIC), "--fir-id-property", "IDENT"],
    )
    assert result.exit_code == EXIT_BAD_INPUT
    said = " ".join(result.stderr.split())  # the message as one line, however it was wrapped
    assert "firs_synthetic.geojson" in said
    assert "no identifier in property 'IDENT'" in said
    missing = runner.invoke(app, ["route", "EDDF", "LHBP", "--fir-file", str(tmp_path / "x")])
    assert missing.exit_code == EXIT_BAD_INPUT
    assert "not found" in " ".join(missing.stderr.split())
