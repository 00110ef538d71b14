"""`overflight cache info|clear`: what the graph cache holds, and emptying it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from overflight.cli import app
from overflight.cli._common import EXIT_BAD_INPUT
from overflight.data.packed import packed
from overflight.routing import planner as planner_module

runner = CliRunner()


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A graph cache holding the graphs of two denied sets."""
    monkeypatch.setenv("OVERFLIGHT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("OVERFLIGHT_CACHE_MAX_MB", "50")
    planner_module.clear_caches()
    for code in ("CH", "AT"):
        planner_module.planner_for([code])
    yield tmp_path / "graphs"
    planner_module.clear_caches()


def _fields(out: str) -> dict[str, str]:
    return dict(line.split(None, 1) for line in out.strip().splitlines())


def test_info_shows_directory_files_size_limit_and_use(cache: Path) -> None:
    result = runner.invoke(app, ["cache", "info"])
    assert result.exit_code == 0, result.output
    size = sum(p.stat().st_size for p in cache.iterdir())
    shown = _fields(result.stdout)
    assert shown["directory"] == str(cache)
    assert shown["files"] == "2"
    assert shown["size"] == f"{size / 1e6:.1f} MB"
    assert shown["limit"] == "50.0 MB (OVERFLIGHT_CACHE_MAX_MB)"
    assert shown["oldest"].endswith("UTC (last used)")
    assert shown["newest"] >= shown["oldest"]
    assert runner.invoke(app, ["cache"]).stdout == result.stdout  # info unless told otherwise


def test_clear_removes_the_graphs_and_the_parsed_tables_and_says_how_much(cache: Path) -> None:
    size = sum(p.stat().st_size for p in cache.iterdir())
    table = packed("sample", "0123", lambda: {"column": np.arange(1000)})
    tables = cache.parent / "data"
    kept = sum(p.stat().st_size for p in tables.glob("*.columns"))
    assert kept > 0
    assert _fields(runner.invoke(app, ["cache", "info"]).stdout)["tables"].startswith(
        f"{len(list(tables.glob('*.columns')))} parsed"
    )
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == 0, result.output
    graphs_line, tables_line = result.stdout.splitlines()
    assert graphs_line == f"removed 2 files, {size / 1e6:.1f} MB freed, from {cache}"
    assert tables_line.endswith(f"{kept / 1e6:.1f} MB freed, from {tables}")
    assert not any(cache.iterdir())
    assert not any(tables.glob("*.columns"))
    shown = _fields(runner.invoke(app, ["cache", "info"]).stdout)
    assert (shown["files"], shown["size"], shown["oldest"]) == ("0", "0.0 MB", "-")
    assert shown["tables"].startswith("0 parsed")
    # Parsed again when next asked for.
    assert packed("sample", "0123", lambda: table)["column"].tolist() == list(range(1000))


def test_clear_leaves_the_rest_of_the_cache_directory(cache: Path) -> None:
    other = cache.parent / "winds.bin"
    other.write_bytes(b"not ours to remove")
    runner.invoke(app, ["cache", "clear"])
    assert other.exists()


def test_a_bad_limit_or_action_is_refused(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OVERFLIGHT_CACHE_MAX_MB", "lots")
    result = runner.invoke(app, ["cache", "clear"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "OVERFLIGHT_CACHE_MAX_MB='lots'" in result.stderr
    assert len(list(cache.iterdir())) == 2  # nothing removed on a bad setting
    result = runner.invoke(app, ["cache", "purge"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "purge" in result.stderr
    assert "info" in result.stderr
