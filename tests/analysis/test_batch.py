"""Batch sweeps: bad rows, agreement with plan_route, resuming after a kill, the Dask path."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pytest

from overflight.analysis.batch import (
    SCHEMA,
    BatchOptions,
    errors_path,
    read_pairs,
    read_results,
    run_batch,
)
from overflight.errors import InputError, InputFileError, NoRouteError
from overflight.routing.planner import plan_route

#: Airports outside RU, BY and UA on every continent; their pairs mix direct and detour routes.
AIRPORTS = (
    "EFHK", "EDDF", "EGLL", "RJAA", "RKSI", "ZBAA", "VIDP", "OMDB",
    "KJFK", "KSFO", "FAOR", "SBGR", "YSSY", "LTFM", "ESSA", "PANC",
)  # fmt: skip
DENY = ("RU", "BY", "UA")


def write_pairs(
    path: Path, rows: list[list[str]], header: tuple[str, ...] = ("origin", "destination")
) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def pairs(count: int) -> list[list[str]]:
    return [list(p) for p in itertools.islice(itertools.permutations(AIRPORTS, 2), count)]


def test_bad_rows_are_reported_with_their_line_and_the_rest_is_planned(tmp_path: Path) -> None:
    text = "\n".join(
        [
            "Origin , DESTINATION,deny",
            "EFHK,RJAA,",
            "XQXQ,EGLL,",  # unknown airport: line 3
            ",EGLL,",  # empty origin: line 4
            "EGLL,KJFK,ZZ",  # unknown state: line 5
            "60.3,24.9,RJAA,AF",  # unquoted coordinate, one cell too many: line 6
            "",
            "FXMM,FBSK,ZA",  # enclosed by South Africa: a result, not an error (line 8)
            '"60.3,24.9",RJAA,',
            "EGLL,VIDP,AF;PK",
            "FXMM,FAOR,ZA",  # destination in denied airspace: a result too (line 11)
        ]
    )
    source = tmp_path / "pairs.csv"
    source.write_text(text + "\n", encoding="utf-8")
    output = tmp_path / "out.parquet"
    summary = run_batch(source, output, BatchOptions(deny=DENY), workers=1)

    with errors_path(output).open(newline="", encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [int(e["line"]) for e in errors] == [3, 4, 5, 6]
    assert "XQXQ" in errors[0]["reason"]
    assert "ICAO" in errors[0]["reason"]
    assert "empty origin" in errors[1]["reason"]
    assert "'ZZ'" in errors[2]["reason"]
    assert errors[2]["input"] == "EGLL,KJFK,ZZ"
    assert "quote" in errors[3]["reason"]

    table = read_results(output)
    assert table.schema == SCHEMA
    rows = {r["line"]: r for r in table.to_pylist()}
    assert sorted(rows) == [2, 8, 9, 10, 11]
    assert summary.rows == 5
    assert summary.bad_rows == 4
    assert summary.planned == 5
    assert summary.statuses == {"ok": 3, "no_route": 1, "bad_endpoint": 1}
    assert "destination FAOR" in rows[11]["reason"]
    assert rows[8]["status"] == "no_route"
    assert "South Africa" in rows[8]["reason"]
    assert rows[8]["distance_km"] is None
    assert rows[8]["great_circle_km"] > 0
    assert rows[10]["status"] == "ok"
    assert not {"AF", "PK", "RU"} & set(rows[10]["states"].split())
    assert rows[9]["origin"] == "60.3,24.9"


# (delimiter, encoding, byte-order mark, remark): one file per way spreadsheets export CSV.
EXPORTS = [
    (",", "utf-8", b"", "Z\u00fcrich \u2013 T\u014dky\u014d"),
    (";", "utf-8", codecs.BOM_UTF8, "Z\u00fcrich \u2013 T\u014dky\u014d"),
    ("\t", "utf-16-le", codecs.BOM_UTF16_LE, "Z\u00fcrich \u2013 T\u014dky\u014d"),
    (";", "utf-16-be", codecs.BOM_UTF16_BE, "Z\u00fcrich \u2013 T\u014dky\u014d"),
    (";", "cp1252", b"", "Z\u00fcrich \u2013 Tokyo"),
    ("\t", "latin-1", b"", "Z\u00fcrich"),
]


@pytest.mark.parametrize(("delimiter", "encoding", "bom", "remark"), EXPORTS)
def test_pairs_files_are_read_whatever_the_delimiter_and_encoding(
    tmp_path: Path, delimiter: str, encoding: str, bom: bytes, remark: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["Origin", "destination", "deny", "remark"])
    writer.writerow(["EFHK", "RJAA", "", remark])
    writer.writerow(["60.3,24.9", "RJAA", "AF,PK", ""])  # quoted only where the delimiter is ","
    source = tmp_path / "pairs.csv"
    source.write_bytes(bom + buffer.getvalue().encode(encoding))

    good, bad = read_pairs(source)
    assert bad == []
    assert [(r.line, r.origin, r.destination, r.deny) for r in good] == [
        (2, "EFHK", "RJAA", ()),
        (3, "60.3,24.9", "RJAA", ("AF", "PK")),
    ]
    assert remark in good[0].text


def test_a_row_of_empty_cells_is_a_bad_row_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    text = 'origin,destination\nEFHK,RJAA\n,\n\n   \nEGLL,\n"",""\nEDDF,RKSI\n'
    source = tmp_path / "pairs.csv"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.parquet"
    summary = run_batch(source, output, BatchOptions(deny=DENY), workers=1)

    with errors_path(output).open(newline="", encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert [(int(e["line"]), e["input"]) for e in errors] == [(3, ","), (6, "EGLL,"), (7, ",")]
    assert "every cell is empty" in errors[0]["reason"]
    assert "empty destination" in errors[1]["reason"]
    assert "every cell is empty" in errors[2]["reason"]
    assert summary.bad_rows == 3
    assert read_results(output)["line"].to_pylist() == [2, 8]

    semicolons = tmp_path / "semicolons.csv"
    semicolons.write_text("origin;destination;deny\nEFHK;RJAA;\n;;\n", encoding="utf-8")
    good, bad = read_pairs(semicolons)
    assert [r.line for r in good] == [2]
    assert [(b.line, b.text) for b in bad] == [(3, ";;")]


ENCODINGS = "UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark"
COLUMNS = "'origin' and 'destination' columns"


@pytest.mark.parametrize(
    ("data", "line", "found", "accepted"),
    [
        (
            "origin,destination\nEFHK,RJAA\n".encode("utf-16-le"),
            1,
            "found a NUL character (read as UTF-8): the file looks like UTF-16 without a "
            "byte-order mark",
            ENCODINGS,
        ),
        (
            codecs.BOM_UTF8 + b"origin,destination\nEFHK,RJAA\nEGLL,\xff\n",
            3,
            "found a UTF-8 byte-order mark, but the bytes at offset 37 are not UTF-8",
            ENCODINGS,
        ),
        (
            codecs.BOM_UTF16_LE + "origin,destination\r\n".encode("utf-16-le") + b"E",
            2,
            "found a UTF-16 byte-order mark, but the bytes at offset 42 are not UTF-16",
            ENCODINGS,
        ),
        (
            codecs.BOM_UTF32_LE + "origin".encode("utf-32-le"),
            None,
            "found a UTF-32 byte-order mark",
            ENCODINGS,
        ),
        (b"PK\x03\x04\x14\x00\x06\x00", None, "found a ZIP archive", ENCODINGS),
        (
            b"origin|destination\nEFHK|RJAA\n",
            1,
            "found 'origin|destination' in the header (read as UTF-8, split at commas)",
            "cells may be separated by commas, semicolons or tabs",
        ),
        (
            "origine;d\u00e9part\n".encode("cp1252"),
            1,
            "found 'origine', 'd\u00e9part' in the header (read as cp1252, split at semicolons)",
            COLUMNS,
        ),
        (b"", 1, "found no columns", COLUMNS),
    ],
)
def test_an_unreadable_pairs_file_says_where_and_what_was_found(
    tmp_path: Path, data: bytes, line: int | None, found: str, accepted: str
) -> None:
    source = tmp_path / "pairs.csv"
    source.write_bytes(data)
    with pytest.raises(InputFileError) as caught:
        read_pairs(source)
    assert caught.value.file == str(source)
    assert caught.value.line == line
    assert found in caught.value.problem
    assert accepted in caught.value.problem


def test_rows_agree_with_plan_route(tmp_path: Path) -> None:
    chosen = pairs(24)
    source = write_pairs(tmp_path / "pairs.csv", chosen)
    output = tmp_path / "out.csv"
    run_batch(source, output, BatchOptions(deny=DENY, speed_kt=480.0), workers=1, chunk_size=5)
    table = read_results(output).to_pylist()
    assert [r["line"] for r in table] == list(range(2, 26))
    detours = 0
    for (origin, destination), row in zip(chosen, table, strict=True):
        if row["status"] == "no_route":
            with pytest.raises(NoRouteError, match=re.escape(row["reason"])):
                plan_route(origin, destination, deny=DENY)
            continue
        route = plan_route(origin, destination, deny=DENY, speed_kt=480.0)
        detours += not route.is_direct
        assert row["status"] == "ok"
        assert (row["origin"], row["destination"]) == (origin, destination)
        assert row["states"].split() == [t.country for t in route.transit]
        assert row["distance_km"] == pytest.approx(route.distance_km, rel=1e-12)
        assert row["great_circle_km"] == pytest.approx(route.great_circle_km, rel=1e-12)
        assert row["extra_pct"] == pytest.approx(route.extra_pct, rel=1e-9, abs=1e-9)
        assert row["duration_h"] == pytest.approx(route.duration_h, rel=1e-12)
        assert row["high_seas_km"] == pytest.approx(route.high_seas_km, rel=1e-9, abs=1e-9)
        assert row["turns"] == len(route.waypoints) - 2
        flat = [x for p in json.loads(row["waypoints"]) for x in p]
        assert flat == pytest.approx([x for p in route.waypoints for x in p], abs=1e-9)
        assert row["denied"].split() == list(route.denied)
    assert 0 < detours < len(chosen)


def test_scenarios_give_one_row_each_and_a_row_may_name_its_own(tmp_path: Path) -> None:
    source = write_pairs(
        tmp_path / "pairs.csv",
        [["UUMU", "OSLK", ""], ["UUMU", "OSLK", "syria-2015-before"], ["UUMU", "OSLK", "nope"]],
        header=("origin", "destination", "scenario"),
    )
    output = tmp_path / "out.parquet"
    options = BatchOptions(scenarios=("syria-2015", "syria-2015-before"))
    summary = run_batch(source, output, options, workers=1)
    keys = [(r["line"], r["scenario"]) for r in read_results(output).to_pylist()]
    assert keys == [(2, "syria-2015"), (2, "syria-2015-before"), (3, "syria-2015-before")]
    rows = read_results(output).to_pylist()
    assert rows[1] == rows[2] | {"line": 2}
    assert "TR" not in rows[0]["states"].split()
    assert "IR" in rows[0]["states"].split()
    assert summary.bad_rows == 1
    assert "unknown scenario 'nope'" in errors_path(output).read_text(encoding="utf-8")


def test_missing_columns_and_unknown_formats_are_bad_input(tmp_path: Path) -> None:
    source = write_pairs(tmp_path / "pairs.csv", [["EFHK"]], header=("from",))
    with pytest.raises(InputError, match="'origin' and 'destination'"):
        read_pairs(source)
    good = write_pairs(tmp_path / "good.csv", [["EFHK", "EGLL"]])
    with pytest.raises(InputError, match=r"\.parquet or \.csv"):
        run_batch(good, tmp_path / "out.xlsx", workers=1)


def test_parquet_input_numbers_rows_from_one(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    source = tmp_path / "pairs.parquet"
    pq.write_table(pa.table({"origin": ["EFHK", "QQQQ"], "destination": ["EGLL", "EGLL"]}), source)
    good, bad = read_pairs(source)
    assert [(r.line, r.origin) for r in good] == [(1, "EFHK"), (2, "QQQQ")]
    assert bad == []  # unknown codes are found when the jobs are planned
    output = tmp_path / "out.parquet"
    summary = run_batch(source, output, workers=1)
    assert (summary.rows, summary.bad_rows) == (1, 1)
    errors = errors_path(output).read_text(encoding="utf-8").splitlines()
    assert errors[1].startswith('2,"QQQQ,EGLL"')


def test_a_finished_run_is_not_planned_again_and_new_rows_are_added(tmp_path: Path) -> None:
    source = write_pairs(tmp_path / "pairs.csv", pairs(6))
    output = tmp_path / "out.parquet"
    first = run_batch(source, output, BatchOptions(deny=DENY), workers=1)
    again = run_batch(source, output, BatchOptions(deny=DENY), workers=1)
    assert (first.planned, again.planned) == (6, 0)
    assert read_results(output).equals(read_results(output))
    write_pairs(source, pairs(8))
    more = run_batch(source, output, BatchOptions(deny=DENY), workers=1)
    assert more.planned == 2
    assert more.rows == 8


def test_parts_of_a_run_with_other_options_are_not_mixed_in(tmp_path: Path) -> None:
    source = write_pairs(tmp_path / "pairs.csv", pairs(4))
    output = tmp_path / "out.parquet"
    parts = output.with_name("out.parquet.parts")
    parts.mkdir()
    (parts / "manifest.json").write_text('{"options": "other"}', encoding="utf-8")
    with pytest.raises(InputError, match="other options"):
        run_batch(source, output, BatchOptions(deny=DENY), workers=1)


def test_a_second_run_for_the_same_output_is_refused_while_the_first_writes(
    tmp_path: Path,
) -> None:
    from overflight.analysis.batch.store import PartStore

    source = write_pairs(tmp_path / "pairs.csv", pairs(2))
    output = tmp_path / "out.parquet"
    first = PartStore(output, {"run": 1})
    try:
        with pytest.raises(InputError, match=r"another batch is writing out\.parquet"):
            run_batch(source, output, BatchOptions(deny=DENY), workers=1)
    finally:
        first.close()
    assert run_batch(source, tmp_path / "other.parquet", workers=1).rows == 2


def test_the_lock_file_goes_when_a_run_ends_normally_or_not(tmp_path: Path) -> None:
    source = write_pairs(tmp_path / "pairs.csv", pairs(6))
    output = tmp_path / "out.parquet"
    lock = tmp_path / ".out.parquet.lock"

    def interrupt(done: int, total: int) -> None:
        if done:
            raise KeyboardInterrupt  # as Ctrl-C would, once a chunk is written

    with pytest.raises(KeyboardInterrupt):
        run_batch(
            source, output, BatchOptions(deny=DENY), workers=1, chunk_size=2, progress=interrupt
        )
    assert not lock.exists()
    assert output.with_name("out.parquet.parts").is_dir()
    with pytest.raises(InputError, match="other options"):
        run_batch(source, output, BatchOptions(deny=("RU",)), workers=1)
    assert not lock.exists()
    assert run_batch(source, output, BatchOptions(deny=DENY), workers=1).planned == 4
    assert not lock.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "out.errors.csv",
        "out.parquet",
        "pairs.csv",
    ]


# Runs that come and go on one output: each takes the lock when it can, and while it holds it,
# checks that no other run is inside (a file only a holder creates), then lets it go.
_CONTENDER = """
import os, sys, time
from pathlib import Path
from overflight.analysis.batch.store import PartStore
from overflight.errors import InputError
output, inside, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
inside.with_name(f"ready-{os.getpid()}").touch()
while not inside.with_name("go").exists():  # every contender starts at once
    time.sleep(0.001)
held = clashes = refused = 0
deadline = time.monotonic() + 60
while held < rounds and time.monotonic() < deadline:
    try:
        store = PartStore(output, {"run": 1})
    except InputError:
        refused += 1
        continue
    try:
        os.close(os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        clashes += 1
    else:
        os.unlink(inside)
    finally:
        store.close()
    held += 1
print(held, clashes, refused)
"""


def test_while_runs_come_and_go_only_one_at_a_time_holds_the_output(tmp_path: Path) -> None:
    output, inside = tmp_path / "out.parquet", tmp_path / "inside"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _CONTENDER, str(output), str(inside), "400"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    (tmp_path / "go").touch()
    counts = [tuple(map(int, child.communicate(timeout=120)[0].split())) for child in children]
    assert [c.returncode for c in children] == [0, 0, 0, 0]
    assert [held for held, _, _ in counts] == [400] * 4
    assert sum(refused for _, _, refused in counts) > 0  # they did contend
    assert [clashes for _, clashes, _ in counts] == [0] * 4
    assert not (tmp_path / ".out.parquet.lock").exists()


# A run the test kills: small chunks on one process, so parts appear one by one.
_CHILD = """
import sys
from pathlib import Path
from overflight.analysis.batch import BatchOptions, run_batch
run_batch(Path(sys.argv[1]), Path(sys.argv[2]), BatchOptions(deny=("RU", "BY", "UA")),
          workers=int(sys.argv[3]), chunk_size=2)
"""


def _run_child(source: Path, output: Path, workers: int, log: Path) -> subprocess.Popen[bytes]:
    # Output to a file: a pipe would stay open as long as any pool worker lives.
    with log.open("wb") as handle:
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(source), str(output), str(workers)],
            stdout=handle,
            stderr=subprocess.STDOUT,
        )


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_killed_half_way_and_restarted_gives_every_row_once(
    tmp_path: Path, workers: int
) -> None:
    source = write_pairs(tmp_path / "pairs.csv", pairs(70))
    whole = tmp_path / "whole.parquet"
    run_batch(source, whole, BatchOptions(deny=DENY), workers=1, chunk_size=7)

    output = tmp_path / "killed.parquet"
    parts = output.with_name("killed.parquet.parts")
    log = tmp_path / "child.log"
    child = _run_child(source, output, workers, log)
    deadline = time.monotonic() + 120
    while len(list(parts.glob("part-*.parquet"))) < 4:
        assert child.poll() is None, log.read_text()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    if workers > 1:
        time.sleep(1.0)  # orphaned pool workers notice within 0.2 s and stop
    assert not output.exists()
    written = len(read_results_of_parts(parts))
    assert 0 < written < 70
    lock = output.with_name(".killed.parquet.lock")
    assert lock.exists()  # left by the killed run; the next takes it over

    summary = run_batch(source, output, BatchOptions(deny=DENY), workers=1)
    assert summary.planned == 70 - written
    assert not parts.exists()
    assert not lock.exists()
    resumed, expected = read_results(output), read_results(whole)
    keys = list(zip(resumed["line"].to_pylist(), resumed["scenario"].to_pylist(), strict=True))
    assert len(set(keys)) == len(keys) == 70
    assert resumed.equals(expected)


def read_results_of_parts(parts: Path) -> list[int]:
    return [n for p in parts.glob("part-*.parquet") for n in read_results(p)["line"].to_pylist()]


@pytest.mark.parametrize("workers", [2])
def test_local_processes_match_one_process(tmp_path: Path, workers: int) -> None:
    source = write_pairs(tmp_path / "pairs.csv", pairs(30))
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    run_batch(source, one, BatchOptions(deny=DENY), workers=1)
    seen: list[tuple[int, int]] = []
    run_batch(
        source,
        many,
        BatchOptions(deny=DENY),
        workers=workers,
        chunk_size=4,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert read_results(one).equals(read_results(many))
    assert seen[0] == (0, 30)
    assert seen[-1] == (30, 30)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # The last two chunks' worth (2 workers x 4) are cut in chunks of one, so that the
    # workers finish together.
    steps = sorted(b - a for (a, _), (b, _) in itertools.pairwise(seen))
    assert steps == [1] * 8 + [2] + [4] * 5


def test_dask_local_cluster_matches_the_local_run_row_for_row(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    source = write_pairs(tmp_path / "pairs.csv", pairs(40))
    local, remote = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    run_batch(source, local, BatchOptions(deny=DENY), workers=1)
    # Worker processes, as on a real cluster: each builds or loads its planner and keeps it.
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        summary = run_batch(
            source,
            remote,
            BatchOptions(deny=DENY),
            scheduler=cluster.scheduler_address,
            chunk_size=5,
        )
    assert summary.planned == 40
    assert read_results(remote).equals(read_results(local))


def test_rows_with_a_month_carry_wind_times_that_differ_by_direction(tmp_path: Path) -> None:
    from overflight.analysis.timing import route_time

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nEFHK,RJAA\nRJAA,EFHK\n", encoding="utf-8")
    out = tmp_path / "wind.parquet"
    run_batch(pairs, out, BatchOptions(deny=DENY, month=1), workers=1)
    east, west = read_results(out).to_pylist()
    assert east["distance_km"] == pytest.approx(west["distance_km"], rel=1e-6)
    # The January jet: the same closure costs different times each way.
    assert abs(east["wind_time_h"] - west["wind_time_h"]) > 0.3
    for row in (east, west):
        route = plan_route(row["origin"], row["destination"], deny=DENY)
        timed = route_time(route, month=1)
        assert row["wind_time_h"] == pytest.approx(timed.wind_h, rel=1e-6)
        assert row["mean_wind_kt"] == pytest.approx(timed.mean_wind_kt, rel=1e-6)
    still = tmp_path / "still.parquet"
    run_batch(pairs, still, BatchOptions(deny=DENY), workers=1)
    assert all(r["wind_time_h"] is None for r in read_results(still).to_pylist())


@pytest.mark.parametrize(("level", "over_iran"), [(230, False), (350, True)])
def test_rows_take_the_registry_and_its_advisories_at_the_flight_level(
    tmp_path: Path, level: int, over_iran: bool
) -> None:
    import datetime as dt

    from overflight.analysis.plan import plan_request
    from overflight.analysis.request import FlightRequest

    pairs = tmp_path / "pairs.csv"
    pairs.write_text("origin,destination\nEDDF,OMDB\n", encoding="utf-8")
    out = tmp_path / "dlh.csv"
    day = dt.date(2020, 2, 1)
    options = BatchOptions(airline="DLH", on=day, flight_level=level)
    run_batch(pairs, out, options, workers=1)
    (row,) = read_results(out).to_pylist()
    assert ("IR" in row["states"].split()) is over_iran
    request = FlightRequest(
        origin="EDDF", destination="OMDB", airline="DLH", date=day, flight_level=level
    )
    planned = plan_request(request)
    assert row["distance_km"] == pytest.approx(planned.route.distance_km, rel=1e-9)
    assert row["wind_time_h"] == pytest.approx(planned.timing.wind_h, rel=1e-6)


def test_parts_are_the_tables_pyarrow_makes_of_the_rows() -> None:
    """The store lays the columns out itself; the table must be pyarrow's own, value for value."""
    from overflight.analysis.batch.store import _table

    rows: list[dict[str, object]] = [
        {"line": 2, "scenario": "", "origin": "EFHK", "distance_km": 7833.25, "turns": 3},
        # Nulls, a missing key, NaN, infinities and text beyond ASCII.
        {"line": 3, "scenario": "syria-2015", "distance_km": None, "turns": None},
        {"line": 4, "stop_names": "Keflavík; Ürümqi Diwopu", "extra_pct": float("nan")},
        {"line": 5, "great_circle_km": float("inf"), "mean_wind_kt": -0.0, "stop_count": 0},
    ]
    for rows_now in (rows, rows[:1], []):
        made, reference = _table(rows_now), pa.Table.from_pylist(rows_now, schema=SCHEMA)
        made.validate(full=True)
        assert made.schema == reference.schema
        for name in SCHEMA.names:  # NaN is not equal to itself: compare the written values
            assert repr(made.column(name).to_pylist()) == repr(
                reference.column(name).to_pylist()
            ), name


def _python(*args: str) -> subprocess.CompletedProcess[str]:
    """A new interpreter on the package under test, run with ``args``."""
    import overflight

    env = {**os.environ, "PYTHONPATH": str(Path(overflight.__file__).parents[1])}
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=600, env=env
    )


def _fresh_python(code: str) -> list[str]:
    """The words ``code`` prints, run by a new interpreter on the package under test."""
    done = _python("-c", code)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_batch_never_imports_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas (about 1 s) when it converts Python values: the batch does not."""
    path = write_pairs(tmp_path / "pairs.csv", pairs(6))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from overflight.analysis.batch import BatchOptions, run_batch\n"
        f"run_batch(Path({str(path)!r}), Path({str(tmp_path / 'out.parquet')!r}),\n"
        f"          BatchOptions(deny={DENY!r}), workers=1)\n"
        "print('pandas' in sys.modules)\n"
    )
    assert _fresh_python(code) == ["False"]
    assert read_results(tmp_path / "out.parquet").num_rows == 6


@pytest.mark.parametrize("own", [True, False])
def test_the_program_loads_its_compiled_loops_without_scipy_linalg(own: bool) -> None:
    """numba's check for BLAS imports scipy.linalg (about a third of a batch's start).

    Only the ``overflight`` program skips it: in a user's program numba keeps BLAS.
    """
    code = (
        "import sys\n"
        "from overflight import _config\n"
        f"{'_config.run_as_command()' if own else 'pass'}\n"
        "from overflight.analysis.batch.runner import _prepare\n"
        "from overflight.routing.closure import Closure\n"
        "_prepare(Closure(('RU',)))\n"
        "print('scipy.linalg' in sys.modules)\n"
        "import numba.np.arraymath\n"
        "print(numba.np.arraymath._HAVE_BLAS)\n"
        "import scipy.linalg\n"  # and it imports as usual after
        "print(scipy.linalg.det([[2.0]]))\n"
    )
    assert _fresh_python(code) == [str(not own), str(not own), "2.0"]


@pytest.mark.parametrize(("own", "chosen"), [(True, None), (False, None), (True, "mimalloc")])
def test_the_program_gives_arrow_the_c_librarys_allocator(own: bool, chosen: str | None) -> None:
    """Arrow's default pool made a batch's last write take up to four times as long.

    Only the ``overflight`` program changes it, and not where the user chose a pool.
    """
    choose = f"os.environ['ARROW_DEFAULT_MEMORY_POOL'] = {chosen!r}" if chosen else "pass"
    code = (
        "import os\n"
        "from overflight import _config\n"
        "os.environ.pop('ARROW_DEFAULT_MEMORY_POOL', None)\n"
        f"{choose}\n"
        f"{'_config.run_as_command()' if own else 'pass'}\n"
        "import pyarrow\n"
        "print(pyarrow.default_memory_pool().backend_name)\n"
    )
    default = _fresh_python("import pyarrow\nprint(pyarrow.default_memory_pool().backend_name)")
    expected = chosen or ("system" if own else default[0])
    assert _fresh_python(code) == [expected]


def _program(*args: str) -> subprocess.CompletedProcess[str]:
    """The ``overflight`` program, run as a user runs it, on the package under test."""
    return _python("-m", "overflight", *args)


def test_the_program_reads_a_large_pairs_file_apart_and_plans_the_same_rows(
    tmp_path: Path,
) -> None:
    """Read in a forked process while the program loads its loops: the same rows and errors."""
    from overflight.analysis.batch import runner

    rows = [*(pairs(240) * 2)[:420], ["XQXQ", "EGLL"], ["EFHK", "RJAA"]]
    source = write_pairs(tmp_path / "pairs.csv", rows)
    assert source.stat().st_size > runner._READ_APART_BYTES
    reference = tmp_path / "alone.parquet"
    run_batch(source, reference, BatchOptions(deny=DENY), workers=1)
    output = tmp_path / "apart.parquet"
    done = _program("batch", str(source), "-d", ",".join(DENY), "-o", str(output), "-j", "2")
    assert done.returncode == 0, done.stderr
    assert read_results(output).equals(read_results(reference))
    assert errors_path(output).read_text() == errors_path(reference).read_text()
    assert "XQXQ" in errors_path(output).read_text()


def test_an_unreadable_large_pairs_file_is_refused_as_a_small_one_is(tmp_path: Path) -> None:
    source = write_pairs(tmp_path / "pairs.csv", pairs(240) * 2, header=("from", "to"))
    small = write_pairs(tmp_path / "small.csv", pairs(2), header=("from", "to"))
    messages = []
    for path in (source, small):
        done = _program("batch", str(path), "-o", str(tmp_path / "out.parquet"), "-j", "2")
        assert done.returncode != 0
        messages.append(done.stderr.replace(path.name, "FILE"))
    assert "origin" in messages[0]
    assert messages[0] == messages[1]


def _huge_pages_always() -> bool:
    path = Path("/sys/kernel/mm/transparent_hugepage/enabled")
    return path.is_file() and "[always]" in path.read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
@pytest.mark.skipif(_huge_pages_always(), reason="huge pages for every mapping: few faults")
def test_a_worker_keeps_the_memory_a_chunk_frees_for_the_next() -> None:
    """64 MB from malloc, filled and freed five times, faults its pages in once, not five times.

    As a chunk's compiled loops take and free their arrays.
    """
    code = (
        "import ctypes, resource\n"
        "from overflight.analysis.batch.runner import _keep_freed_memory\n"
        "if KEEP:\n"
        "    _keep_freed_memory()\n"
        "libc = ctypes.CDLL(None)\n"
        "libc.malloc.restype = ctypes.c_void_p\n"
        "libc.free.argtypes = [ctypes.c_void_p]\n"
        "faults = []\n"
        "for _ in range(5):\n"
        "    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt\n"
        "    block = libc.malloc(64 << 20)\n"
        "    ctypes.memset(block, 1, 64 << 20)\n"
        "    libc.free(block)\n"
        "    faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)\n"
        "print(faults[0], sum(faults[1:]))\n"
    )
    counts = {
        mode: [int(n) for n in _fresh_python(f"KEEP = {mode == 'keep'}\n" + code)]
        for mode in ("keep", "default")
    }
    pages = (64 << 20) // 4096
    assert counts["default"][1] > 3 * pages  # every time anew
    assert counts["keep"][0] > pages / 2  # the first time
    assert counts["keep"][1] < pages / 4  # then kept
