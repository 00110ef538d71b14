"""The version, the data versions and the extras users install."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from importlib.metadata import version
from pathlib import Path

from typer.testing import CliRunner

import overflight
import overflight.analysis
from overflight.analysis.versions import data_versions
from overflight.cli import app
from overflight.data.airspace import data_fingerprint
from overflight.registry import world

PYPROJECT = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text("utf-8"))


def test_the_version_has_one_source() -> None:
    assert overflight.__version__ == PYPROJECT["project"]["version"] == version("overflight")


def test_version_names_the_code_and_the_data() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"overflight {overflight.__version__}"
    assert lines[1].startswith(f"airspace {data_fingerprint()} (@geo-maps/countries-maritime-10m")
    assert re.fullmatch(r"airports airportsdata \d{8}", lines[2])
    assert lines[3] == f"registry as of {world().as_of.isoformat()}"


def test_versions_agree_with_the_registry_reader() -> None:
    # The light read of registry.yaml must say what the registry itself says.
    assert data_versions()["registry_as_of"] == world().as_of.isoformat()
    dt.date.fromisoformat(data_versions()["registry_as_of"])


def test_route_json_carries_the_versions() -> None:
    result = CliRunner().invoke(app, ["route", "EFHK", "RJAA", "--deny", "RU", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["versions"] == data_versions()


def test_dir_lists_the_lazy_exports() -> None:
    assert set(overflight.__all__) <= set(dir(overflight))
    assert set(overflight.analysis.__all__) <= set(dir(overflight.analysis))
    assert "compare_routes" in dir(overflight)
    assert "plan_request" in dir(overflight.analysis)


def test_extras_users_try_exist_and_all_names_only_extras() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"all", "web", "distributed", "geo", "docs"} <= set(extras)
    for requirement in extras["all"]:
        named = re.fullmatch(r"overflight\[([a-z,]+)\]", requirement)
        assert named is not None, requirement
        assert set(named.group(1).split(",")) <= set(extras)
