"""`batch` and `matrix` on the command line: outputs, errors file, exit status, the heatmap."""

from __future__ import annotations

import codecs
import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from overflight.analysis.batch import errors_path, read_results
from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT

runner = CliRunner()

PAIRS = """origin,destination,deny
EFHK,RJAA,
QQQQ,EGLL,
EGLL,VIDP,AF
"""


@pytest.fixture
def pairs(tmp_path: Path) -> Path:
    path = tmp_path / "pairs.csv"
    path.write_text(PAIRS, encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_batch_writes_rows_and_lists_bad_ones(pairs: Path, suffix: str) -> None:
    output = pairs.with_name("results" + suffix)
    result = runner.invoke(
        app, ["batch", str(pairs), "--deny", "RU,BY", "-d", "UA", "-o", str(output), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "wrote 2 rows" in result.output
    assert "1 bad input rows" in result.output
    rows = read_results(output).to_pylist()
    assert [(r["line"], r["origin"], r["status"]) for r in rows] == [
        (2, "EFHK", "ok"),
        (4, "EGLL", "ok"),
    ]
    assert rows[0]["denied"] == "BY RU UA"
    assert "RU" not in rows[0]["states"].split()
    with errors_path(output).open(newline="", encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [e["line"] for e in errors] == ["3"]
    assert "QQQQ" in errors[0]["reason"]


def test_batch_runs_every_scenario(pairs: Path) -> None:
    output = pairs.with_name("results.parquet")
    result = runner.invoke(
        app,
        [
            "batch",
            str(pairs),
            "-s",
            "russia-2022",
            "-s",
            "syria-2015",
            "-o",
            str(output),
            "-j",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    keys = [(r["line"], r["scenario"]) for r in read_results(output).to_pylist()]
    assert keys == [(n, s) for n in (2, 4) for s in ("russia-2022", "syria-2015")]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "out.txt"], "unknown format"),
        (["-o", "out.csv", "--deny", "XX"], "unknown state code 'XX'"),
        (["-o", "out.csv", "--speed-kt", "-5"], "speed"),
        (["-o", "out.csv", "-s", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
    ],
)
def test_batch_bad_input_exits_2(pairs: Path, args: list[str], message: str) -> None:
    fixed = [str(pairs.with_name(a)) if a.startswith("out.") else a for a in args]
    result = runner.invoke(app, ["batch", str(pairs), *fixed, "-j", "1"])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert message in " ".join(result.output.split())


def test_batch_reads_a_spreadsheet_export_and_lists_its_empty_rows(tmp_path: Path) -> None:
    # What Excel writes as "Unicode Text": UTF-16 with a byte-order mark, tabs, CRLF.
    pairs = tmp_path / "pairs.txt"
    text = "origin\tdestination\tdeny\r\nEFHK\tRJAA\t\r\n\t\t\r\nEGLL\tVIDP\tAF,PK\r\n"
    pairs.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    output = tmp_path / "results.csv"
    result = runner.invoke(
        app, ["batch", str(pairs), "-d", "RU,BY,UA", "-o", str(output), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    assert [r["line"] for r in read_results(output).to_pylist()] == [2, 4]
    with errors_path(output).open(newline="", encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [(e["line"], e["input"]) for e in errors] == [("3", "\t\t")]
    assert "every cell is empty" in errors[0]["reason"]


def test_batch_says_what_it_found_in_an_unreadable_pairs_file(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_bytes("origin,destination\nEFHK,RJAA\n".encode("utf-16-le"))  # no byte-order mark
    result = runner.invoke(app, ["batch", str(pairs), "-o", str(tmp_path / "out.csv")])
    assert result.exit_code == EXIT_BAD_INPUT
    message = " ".join(result.output.split())
    assert f"{pairs}:1: found a NUL character" in message
    assert "UTF-16 with a byte-order mark" in message


def test_missing_pairs_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["batch", str(tmp_path / "none.csv"), "-o", str(tmp_path / "o.csv")]
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert "not found" in " ".join(result.output.split())


def test_matrix_csv_and_heatmap(tmp_path: Path) -> None:
    out, png = tmp_path / "matrix.csv", tmp_path / "matrix.png"
    result = runner.invoke(
        app,
        ["matrix", "EFHK,EDDF,RJAA,VIDP", "--deny", "RU,BY,UA", "-o", str(out), "--plot", str(png)],
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["measure", "origin", "EFHK", "EDDF", "RJAA", "VIDP"]
    blocks = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert [m for m, _ in blocks][::4] == [
        "distance_km",
        "great_circle_km",
        "extra_km",
        "extra_pct",
        "duration_h",
    ]
    assert float(blocks["extra_km", "EFHK"][2]) > 2000  # Helsinki-Tokyo around Russia
    assert blocks["extra_pct", "EFHK"][:2] == ["0.0", "0.0"]
    assert_rounded(blocks)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000


def assert_rounded(blocks: dict[tuple[str, str], list[str]]) -> None:
    """Kilometres and percentages to 0.1, hours to 0.01, as the README says."""
    for (measure, _), cells in blocks.items():
        pattern = r"\d+\.\d\d" if measure == "duration_h" else r"\d+\.\d"
        assert all(re.fullmatch(pattern, c) for c in cells), (measure, cells)


def test_matrix_from_origins_to_destinations(tmp_path: Path) -> None:
    out = tmp_path / "matrix.csv"
    result = runner.invoke(
        app,
        [
            "matrix",
            "--origins",
            "EFHK,EDDF",
            "--destinations",
            "RJAA,RKSI",
            "--destinations",
            "EDDF",
            "--deny",
            "RU,BY,UA",
            "--speed-kt",
            "480",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "wrote 2x3 matrix" in result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["measure", "origin", "RJAA", "RKSI", "EDDF"]
    assert [r[:2] for r in rows[1:3]] == [["distance_km", "EFHK"], ["distance_km", "EDDF"]]
    blocks = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert len(blocks) == 10
    assert_rounded(blocks)
    assert blocks["distance_km", "EDDF"][2] == "0.0"
    assert blocks["duration_h", "EDDF"][2] == "0.00"
    for origin in ("EFHK", "EDDF"):
        for distance, hours in zip(
            blocks["distance_km", origin], blocks["duration_h", origin], strict=True
        ):
            assert float(hours) == pytest.approx(float(distance) / (480 * 1.852), abs=0.006)
    assert float(blocks["duration_h", "EFHK"][0]) > 11  # Helsinki-Tokyo around Russia


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["EFHK"], "two or more"),
        (["EFHK,EDDF", "--origins", "EGLL"], "not both"),
        (["--origins", "EGLL"], "both --origins and --destinations"),
        (["--destinations", "EGLL"], "both --origins and --destinations"),
        (["--origins", "EGLL", "--destinations", "QQQQ"], "unknown airport 'QQQQ'"),
    ],
)
def test_matrix_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["matrix", *args, "-o", str(tmp_path / "m.csv")])
    assert result.exit_code == EXIT_BAD_INPUT
    assert message in " ".join(result.output.split())


def test_batch_with_an_aircraft_says_each_rows_stops(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nEGLL,VIDP\nEGLL,LFPG\nVIDP,KORD\n", encoding="utf-8")
    output = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        ["batch", str(pairs), "-d", "RU", "--aircraft", "B738", "-o", str(output), "-j", "1"],
    )
    assert result.exit_code == 0, result.output
    rows = {(r["origin"], r["destination"]): r for r in read_results(output).to_pylist()}
    london_delhi, london_paris = rows["EGLL", "VIDP"], rows["EGLL", "LFPG"]
    # The existing columns are kept; the stop columns come after them.
    assert london_delhi["distance_km"] > 0
    assert london_delhi["speed_kt"] == 450  # the 737-800's cruise speed
    assert london_delhi["stop_count"] == 1
    assert london_delhi["stops"] == "UBBB"  # Baku, not Sukhumi (Abkhazia)
    assert london_delhi["stop_names"] == "Heydar Aliyev International Airport"
    assert london_delhi["total_time_h"] > london_delhi["duration_h"] + 1.0  # 1 h on the ground
    assert london_paris["stop_count"] == 0
    assert london_paris["stops"] == ""
    assert london_paris["total_time_h"] == pytest.approx(london_paris["duration_h"])
    assert rows["VIDP", "KORD"]["stop_count"] >= 1
    assert "BGTL" not in rows["VIDP", "KORD"]["stops"].split()


def test_batch_without_an_aircraft_leaves_the_stop_columns_empty(pairs: Path) -> None:
    output = pairs.with_name("out.parquet")
    result = runner.invoke(app, ["batch", str(pairs), "-d", "RU", "-o", str(output), "-j", "1"])
    assert result.exit_code == 0, result.output
    row = read_results(output).to_pylist()[0]
    assert row["stop_count"] is None
    assert row["total_time_h"] is None


def test_matrix_with_an_aircraft_adds_stop_blocks(tmp_path: Path) -> None:
    out = tmp_path / "matrix.csv"
    result = runner.invoke(
        app, ["matrix", "EGLL,VIDP,LFPG", "--deny", "RU", "--aircraft", "B738", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    blocks = {(r[0], r[1]): r[2:] for r in rows[1:]}
    assert [m for m, _ in blocks][::3] == [
        "distance_km",
        "great_circle_km",
        "extra_km",
        "extra_pct",
        "duration_h",
        "stop_count",
        "total_time_h",
    ]
    assert blocks["stop_count", "EGLL"] == ["0", "1", "0"]
    # One hour on the ground, on legs no shorter than the route (both rounded to 0.01 h).
    total, flight = float(blocks["total_time_h", "EGLL"][1]), float(blocks["duration_h", "EGLL"][1])
    assert total >= flight + 1.0 - 0.01
