"""The versions an answer names: looked up once, then read from the cache directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

#: Prints the versions in a process of its own; with REFUSE set, a process in which the
#: distributions' metadata cannot be read.
_VERSIONS_IN_A_NEW_PROCESS = textwrap.dedent(
    """
    import importlib.metadata, json, os

    def refuse(*args, **kwargs):
        raise AssertionError("the distributions' metadata read again")

    if os.environ.get("REFUSE"):
        importlib.metadata.Distribution.from_name = refuse
    from overflight.analysis.versions import data_versions
    print(json.dumps(data_versions()))
    """
)


def _versions_in_a_new_process(
    cache: Path, *, refuse: bool = False, path: tuple[Path, ...] = ()
) -> dict[str, object]:
    env = {**os.environ, "OVERFLIGHT_CACHE_DIR": str(cache), "REFUSE": "1" if refuse else ""}
    env["PYTHONPATH"] = os.pathsep.join([*map(str, path), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-c", _VERSIONS_IN_A_NEW_PROCESS],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_a_new_process_reads_the_versions_kept_without_the_metadata(tmp_path: Path) -> None:
    first = _versions_in_a_new_process(tmp_path)
    assert first["overflight"] == version("overflight")
    assert first["airports"] == {"airportsdata": version("airportsdata")}
    assert _versions_in_a_new_process(tmp_path, refuse=True) == first
    # One file, however often asked.
    assert [p.name for p in (tmp_path / "data").glob("versions-*")] == ["versions-1.columns"]


def test_a_distribution_installed_on_the_path_is_seen_at_once(tmp_path: Path) -> None:
    """Installing a release into a directory of the path changes what the next process says;
    removing it, back again."""
    cache, site = tmp_path / "cache", tmp_path / "site"
    site.mkdir()
    before = _versions_in_a_new_process(cache, path=(site,))
    assert before["airports"] == {"airportsdata": version("airportsdata")}
    installed = site / "airportsdata-20991231.dist-info"
    installed.mkdir()
    (installed / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: airportsdata\nVersion: 20991231\n", encoding="utf-8"
    )
    after = _versions_in_a_new_process(cache, path=(site,))
    assert after == {**before, "airports": {"airportsdata": "20991231"}}
    (installed / "METADATA").unlink()
    installed.rmdir()
    assert _versions_in_a_new_process(cache, path=(site,)) == before
