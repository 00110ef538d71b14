"""The advisory catalogue: every advisory sourced, dated, banded and bound to known codes.

The files are read here as plain YAML too (and checked to read the same through the project's
YAML 1.2 reader and the loader's models), so that what a file must hold, key order included,
is pinned apart from the loader. The last tests check that the data holds the issue's proof
cases (an operator, a date, a flight level and the advisories that decide it), so a careless
edit of a band or a window fails here first.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
import yaml

from overflight.data.airspace import states
from overflight.data.yamlfile import read_yaml
from overflight.errors import ScenarioError
from overflight.registry import advisories_for, read_advisories
from overflight.scenarios import CATEGORIES

REGISTRY = Path(str(files("overflight").joinpath("registry")))
ADVISORIES = REGISTRY / "advisories"
INDEX = REGISTRY / "ADVISORIES.md"
GROUPS = Path(str(files("overflight").joinpath("scenarios", "groups.yaml")))

KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
FIR = re.compile(r"^[A-Z]{4}$")
AIRLINE = re.compile(r"^[A-Z]{3}$")
FILE_KEYS = ("id", "title", "issuer", "description", "sources", "assumptions", "advisories")
ADVISORY_KEYS = {"id", "area", "band", "binds", "severity", "valid", "note", "source"}
OPTIONAL_KEYS = {"corridors"}
AREA_KEYS = {"states", "firs", "polygons", "buffer_nm", "overwater_only", "within"}
SEVERITIES = {"prohibited", "avoid", "caution"}
#: Flight levels a band may span: the surface to FL600.
TOP = 600

FILES = sorted(ADVISORIES.glob("*.yaml"))


@cache
def document(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def advisories() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in FILES:
        for advisory in document(path)["advisories"]:
            yield path, advisory


@cache
def groups() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(GROUPS.read_text(encoding="utf-8"))
    return data


def is_state(code: object) -> bool:
    # An unquoted NO reads as False in YAML 1.1: the isinstance check catches it.
    return isinstance(code, str) and code in states()


def is_code(code: object) -> bool:
    if isinstance(code, str) and code.startswith("@"):
        return code[1:] in groups()
    return is_state(code)


def check_ring(ring: object, where: str) -> None:
    assert isinstance(ring, list), where
    assert len(ring) >= 4, f"{where}: a ring needs at least three corners and its closing point"
    assert ring[0] == ring[-1], f"{where}: the ring is not closed"
    for point in ring:
        check_point(point, where)


def check_point(point: object, where: str) -> None:
    assert isinstance(point, list), where
    assert len(point) == 2, f"{where}: {point} is not [lon, lat]"
    lon, lat = point
    assert -180 <= lon <= 180, f"{where}: longitude {lon} out of range"
    assert -90 <= lat <= 90, f"{where}: latitude {lat} out of range"


def check_band(band: object, where: str) -> tuple[int, int]:
    assert isinstance(band, dict), where
    assert set(band) == {"lower", "upper"}, where
    lower, upper = band["lower"], band["upper"]
    assert isinstance(lower, int), where
    assert isinstance(upper, int), where
    assert 0 <= lower < upper <= TOP, f"{where}: band {lower}-{upper}"
    return lower, upper


def test_the_catalogue_has_the_issue_s_files() -> None:
    assert len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_file_keys_sources_and_id(path: Path) -> None:
    data = document(path)
    assert tuple(data) == FILE_KEYS, f"{path.name}: keys must be {FILE_KEYS} in this order"
    assert data["id"] == path.stem
    assert KEBAB.match(data["id"])
    assert data["title"]
    assert data["issuer"]
    assert data["description"]
    assert isinstance(data["assumptions"], list)
    assert data["sources"]
    for source in data["sources"]:
        assert set(source) == {"title", "publisher", "url", "date"}, source
        assert source["title"]
        assert source["publisher"]
        assert source["url"].startswith(("https://", "http://")), source["url"]
        assert isinstance(source["date"], dt.date), source["url"]
    assert data["advisories"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_every_advisory_is_complete_and_sourced(path: Path) -> None:
    data = document(path)
    for advisory in data["advisories"]:
        name = advisory["id"]
        keys = set(advisory)
        assert keys >= ADVISORY_KEYS, f"{name}: missing {ADVISORY_KEYS - keys}"
        assert keys <= ADVISORY_KEYS | OPTIONAL_KEYS, f"{name}: unknown {keys - ADVISORY_KEYS}"
        assert advisory["severity"] in SEVERITIES, name
        assert advisory["note"], name
        assert advisory["source"] in data["sources"], f"{name}: source not among the file's"
        check_band(advisory["band"], name)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_areas_name_known_states_firs_and_valid_rings(path: Path) -> None:
    for advisory in document(path)["advisories"]:
        name = advisory["id"]
        area = advisory["area"]
        assert set(area) <= AREA_KEYS, f"{name}: unknown area keys {set(area) - AREA_KEYS}"
        assert area.get("states") or area.get("firs") or area.get("polygons"), name
        for code in area.get("states", []):
            assert is_state(code), f"{name}: {code!r} is not a state code"
        if area.get("firs"):
            assert area.get("states"), f"{name}: FIRs need the states they fall back to"
        for fir in area.get("firs", []):
            assert isinstance(fir, str), name
            assert FIR.match(fir), f"{name}: {fir!r} is not an ICAO FIR identifier"
        for ring in area.get("polygons", []):
            check_ring(ring, name)
        buffer = area.get("buffer_nm", 0)
        assert isinstance(buffer, int | float), name
        assert buffer >= 0, name
        assert isinstance(area.get("overwater_only", False), bool), name
        within = area.get("within")
        if within is not None:
            assert set(within) <= {"states", "polygons", "nm"}, name
            assert within.get("states") or within.get("polygons"), name
            assert all(is_state(c) for c in within.get("states", [])), name
            for ring in within.get("polygons", []):
                check_ring(ring, name)
            assert within.get("nm", 0) >= 0, name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_binds_known_operators_categories_and_airlines(path: Path) -> None:
    for advisory in document(path)["advisories"]:
        name = advisory["id"]
        binds = advisory["binds"]
        assert set(binds) <= {"operators", "categories", "airlines"}, name
        assert binds["operators"], name
        for code in binds["operators"]:
            assert is_code(code), f"{name}: {code!r} is neither a state code nor a @GROUP"
        for category in binds.get("categories", []):
            assert category in CATEGORIES, f"{name}: unknown category {category!r}"
        for airline in binds.get("airlines", []):
            assert isinstance(airline, str), name
            assert AIRLINE.match(airline), f"{name}: {airline!r} is not an ICAO designator"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_windows_are_ordered(path: Path) -> None:
    for advisory in document(path)["advisories"]:
        valid = advisory["valid"]
        assert set(valid) == {"from", "to"}, advisory["id"]
        start, end = valid["from"], valid["to"]
        assert start is None or isinstance(start, dt.date), advisory["id"]
        assert end is None or isinstance(end, dt.date), advisory["id"]
        if start and end:
            assert start <= end, advisory["id"]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_corridors_have_geometry_or_say_it_is_missing(path: Path) -> None:
    """A corridor is a polyline with a half-width, or a name the file's assumptions explain."""
    data = document(path)
    assumptions = " ".join(data["assumptions"])
    for advisory in data["advisories"]:
        lower, upper = check_band(advisory["band"], advisory["id"])
        for corridor in advisory.get("corridors", []):
            where = f"{advisory['id']} {corridor.get('name')}"
            assert set(corridor) <= {"name", "points", "half_width_nm", "band"}, where
            assert corridor["name"], where
            c_lower, c_upper = check_band(corridor["band"], where)
            assert c_lower <= upper, f"{where}: the corridor opens no level of the band"
            assert c_upper >= lower, f"{where}: the corridor opens no level of the band"
            if "points" in corridor:
                assert len(corridor["points"]) >= 2, where
                for point in corridor["points"]:
                    check_point(point, where)
                assert corridor["half_width_nm"] > 0, where
            else:
                assert "half_width_nm" not in corridor, where
                assert corridor["name"] in assumptions, f"{where}: geometry missing, unexplained"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_project_reader_reads_what_pyyaml_reads(path: Path) -> None:
    """YAML 1.2 (the project's reader) and 1.1 (PyYAML) agree: no bare NO, on or yes."""
    text = path.read_text(encoding="utf-8")
    assert read_yaml(text, file=path.name, error=ScenarioError).data == document(path)


def test_the_loader_reads_every_file_as_the_yaml_holds_it() -> None:
    """The models accept every file and keep every advisory, in order."""
    loaded = {f.id: f for f in read_advisories()}
    assert sorted(loaded) == [p.stem for p in FILES]
    for path in FILES:
        data = document(path)
        parsed = loaded[path.stem]
        assert [a.id for a in parsed.advisories] == [a["id"] for a in data["advisories"]]
        for model, plain in zip(parsed.advisories, data["advisories"], strict=True):
            assert (model.band.lower, model.band.upper) == (
                plain["band"]["lower"],
                plain["band"]["upper"],
            )
            assert model.severity == plain["severity"]
            assert (model.valid.from_, model.valid.to) == (
                plain["valid"]["from"],
                plain["valid"]["to"],
            )
            assert list(model.area.states) == plain["area"].get("states", [])


def test_ids_are_unique_and_kebab_case() -> None:
    ids = [advisory["id"] for _, advisory in advisories()]
    assert all(isinstance(i, str) and KEBAB.match(i) for i in ids)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    file_ids = {document(p)["id"] for p in FILES}
    assert not file_ids & set(ids), "a file and an advisory share an id"


def test_the_index_lists_every_file_with_its_count() -> None:
    rows = re.findall(r"^\| `([a-z0-9-]+)` \|[^|]*\|[^|]*\| (\d+) \|", INDEX.read_text(), re.M)
    listed = {name: int(count) for name, count in rows}
    assert listed == {p.stem: len(document(p)["advisories"]) for p in FILES}


# The issue's proof cases, as the data must make them possible.


def binding(operator: str, on: dt.date, *, airline: str | None = None) -> list[dict[str, Any]]:
    """Advisories in force on a date for a civil operator of a state (and an airline).

    Chosen by the loader's own rule (:func:`advisories_for`: groups on the date, categories,
    airlines), returned as the files' plain data.
    """
    bound = {b.advisory.id for b in advisories_for(operator=operator, on=on, airline=airline)}
    return [a for _, a in advisories() if a["id"] in bound]


def covering(found: list[dict[str, Any]], state: str, fir: str) -> list[dict[str, Any]]:
    return [
        a
        for a in found
        if a["severity"] != "caution"
        and not a["area"].get("overwater_only")
        and (state in a["area"].get("states", []) or fir in a["area"].get("firs", []))
    ]


def contains(advisory: dict[str, Any], level: int) -> bool:
    return bool(advisory["band"]["lower"] <= level <= advisory["band"]["upper"])


def test_a_german_carrier_crosses_iran_above_fl250_in_february_2020() -> None:
    iran = covering(binding("DE", dt.date(2020, 2, 1), airline="DLH"), "IR", "OIIX")
    assert iran, "no advisory on Iran binds a German carrier in February 2020"
    assert not [a["id"] for a in iran if contains(a, 350)]
    assert [a["id"] for a in iran if contains(a, 230)]
    # The band reaches the ground, so Iranian airports are refused.
    assert any(a["band"]["lower"] == 0 for a in iran)


def test_a_us_carrier_keeps_out_of_iran_iraq_and_the_gulf_on_2020_01_10() -> None:
    found = [a for a in binding("US", dt.date(2020, 1, 10)) if a["severity"] == "prohibited"]
    for state, fir in (("IR", "OIIX"), ("IQ", "ORBB")):
        whole = [a for a in covering(found, state, fir) if a["band"] == {"lower": 0, "upper": TOP}]
        assert whole, f"no all-level prohibition of {state} for US operators on 2020-01-10"
    gulf = [a for a in found if a["area"].get("overwater_only") and a["area"].get("polygons")]
    assert [a for a in gulf if a["band"] == {"lower": 0, "upper": TOP}]


def test_the_kabul_rule_of_2024_opens_only_its_airways_at_fl310() -> None:
    kabul = covering(binding("US", dt.date(2024, 8, 1)), "AF", "OAKX")
    assert kabul
    assert not [a["id"] for a in kabul if contains(a, 330)]
    at_310 = [a for a in kabul if contains(a, 310)]
    assert at_310
    for advisory in at_310:
        names = {c["name"] for c in advisory.get("corridors", []) if contains(c, 310)}
        assert names == {"P500", "G500"}, advisory["id"]


def test_the_catalogue_holds_cautions_and_operators_own_avoidance() -> None:
    cautions = [a["id"] for _, a in advisories() if a["severity"] == "caution"]
    assert len(cautions) >= 3
    assert covering(binding("AU", dt.date(2024, 6, 1), airline="QFA"), "IR", "OIIX")
    assert covering(binding("FR", dt.date(2025, 5, 6), airline="AFR"), "PK", "OPLR")
    assert not covering(binding("FR", dt.date(2025, 5, 6)), "PK", "OPLR"), (
        "an airline's own avoidance must not bind every operator of its state"
    )
