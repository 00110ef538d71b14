"""Aircraft profiles: the built-in types, lookups, user files and the reserve rule."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import overflight.aircraft
from overflight.aircraft import (
    DEFAULT_RESERVE,
    Reserve,
    aircraft,
    list_aircraft,
    load_aircraft,
    read_aircraft_file,
)
from overflight.errors import AircraftFileError, InputError, UnknownAircraftError
from tests.helpers.profiles import FLEET_YAML

REQUIRED = ["IL76", "A124", "C17", "T154", "A20N", "B738", "B788", "B77W", "A359"]
#: The types planners asked for and did not find (issue 9).
ASKED_FOR = ["A21N", "A21X", "B38M", "B789", "B78X", "B77L", "A333", "A339", "A35K", "A400"]


def test_public_names_are_pinned() -> None:
    assert overflight.aircraft.__all__ == [
        "DEFAULT_RESERVE",
        "AircraftProfile",
        "FigureSources",
        "Reference",
        "Reserve",
        "aircraft",
        "list_aircraft",
        "load_aircraft",
        "read_aircraft_file",
    ]


def test_the_required_types_are_built_in() -> None:
    assert [p.designator for p in list_aircraft()] == REQUIRED + ASKED_FOR


@pytest.mark.parametrize("designator", REQUIRED + ASKED_FOR)
def test_each_built_in_profile_is_plausible_and_cites_every_figure(designator: str) -> None:
    profile = aircraft()[designator]
    assert profile.sources is not None
    assert all(profile.sources.model_dump().values())
    assert profile.payload
    assert 380 <= profile.cruise_speed_kt <= 500
    assert 3000 <= profile.range_km <= 16500
    assert 1500 <= profile.min_runway_m <= 3500
    assert 0 < profile.usable_range_km() < profile.range_km


@pytest.mark.parametrize("designator", ASKED_FOR)
def test_each_profile_asked_for_names_its_documents(designator: str) -> None:
    profile = aircraft()[designator]
    assert profile.references
    assert all(ref.url.startswith("https://") for ref in profile.references)
    assert all(ref.publisher for ref in profile.references)


#: Profiles for which no dated document with a stable address has been found; their notes
#: say so. A profile leaves this set when one is cited.
UNDATED = {"IL76", "A124", "T154", "A400"}


@pytest.mark.parametrize("designator", REQUIRED + ASKED_FOR)
def test_each_profile_cites_a_dated_document_at_its_address(designator: str) -> None:
    profile = aircraft()[designator]
    dated = [ref for ref in profile.references if ref.date and ref.url.startswith("https://")]
    if designator in UNDATED:
        assert not dated, f"{designator} now cites a dated document: take it out of UNDATED"
        assert "no dated" in profile.note.lower()
    else:
        assert dated, f"{designator} cites no dated document with an address"


@pytest.mark.parametrize("designator", REQUIRED + ASKED_FOR)
def test_each_note_says_where_the_runway_figure_stands(designator: str) -> None:
    """Read off a chart, stated by the maker, or a planning value still to be read."""
    note = aircraft()[designator].note.lower()
    assert "runway" in note or "take-off run" in note or "no dated" in note


@pytest.mark.parametrize(
    ("designator", "field_ft"),
    [
        # D6-58333 revision O, figure 3.3.1: 502,500 lb, sea level, standard day, typical thrust.
        ("B788", 10_100),
        # Boeing's stated take-off field for the C-17.
        ("C17", 7_740),
    ],
)
def test_runway_figures_read_from_the_documents_are_rounded_up_to_50_m(
    designator: str, field_ft: int
) -> None:
    field_m = field_ft * 0.3048
    assert aircraft()[designator].min_runway_m == math.ceil(field_m / 50) * 50


@pytest.mark.parametrize(
    ("name", "designator"),
    [
        ("A321neo", "A21N"),
        ("A321XLR", "A21X"),
        ("737 MAX 8", "B38M"),
        ("787-9", "B789"),
        ("787-10", "B78X"),
        ("777-200LR", "B77L"),
        ("A330-300", "A333"),
        ("A330-900", "A339"),
        ("A350-1000", "A35K"),
        ("A400M", "A400"),
        ("B788", "B788"),
        ("b788", "B788"),
        ("787-8", "B788"),
        ("Boeing 787-8 Dreamliner", "B788"),
        ("dreamliner", "B788"),
        ("Il-76MD", "IL76"),
        ("il76", "IL76"),
        ("An-124", "A124"),
        ("ruslan", "A124"),
        ("C-17", "C17"),
        ("Tu-154M", "T154"),
        ("A320neo", "A20N"),
        ("737-800", "B738"),
        ("777-300ER", "B77W"),
        ("A350-900", "A359"),
    ],
)
def test_lookup_by_designator_name_or_alias_in_any_case(name: str, designator: str) -> None:
    assert load_aircraft(name).designator == designator


@pytest.mark.parametrize(
    ("name", "first_suggestion"),
    [("B787", "B788"), ("A350-800", "A359"), ("Il-67", "IL76"), ("C-171", "C17")],
)
def test_an_unknown_aircraft_suggests_close_ones(name: str, first_suggestion: str) -> None:
    with pytest.raises(UnknownAircraftError) as raised:
        load_aircraft(name)
    # B787 is as close to the 787-8 as to the -9 and -10: the type asked for is among them.
    assert any(s.startswith(first_suggestion) for s in raised.value.suggestions)
    assert isinstance(raised.value, LookupError)
    assert isinstance(raised.value, InputError)


def test_nothing_close_gives_no_suggestion() -> None:
    with pytest.raises(UnknownAircraftError) as raised:
        load_aircraft("zeppelin")
    assert raised.value.suggestions == ()


USER_FILE = FLEET_YAML


def test_user_profiles_are_read_and_searched_first(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(USER_FILE)
    fleet = read_aircraft_file(path)
    assert [p.designator for p in fleet] == ["C130", "B788"]
    assert load_aircraft("hercules", extra=fleet).cruise_speed_kt == 348
    assert load_aircraft("B788", extra=fleet).range_km == 14000
    assert load_aircraft("B788").range_km == 13530


def test_a_one_profile_file_is_loaded_by_path(tmp_path: Path) -> None:
    path = tmp_path / "c130.yaml"
    path.write_text(
        USER_FILE.split("- designator: B788")[0]
        .replace("- designator", "designator")
        .replace("\n  ", "\n")
    )
    assert load_aircraft(path).designator == "C130"
    assert load_aircraft(str(path)).designator == "C130"


def test_a_file_of_several_profiles_cannot_stand_for_one(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(USER_FILE)
    with pytest.raises(AircraftFileError, match=r"holds 2 profiles \(C130, B788\); name one as"):
        load_aircraft(path)


def test_one_profile_of_a_file_of_several_is_named_after_a_colon(tmp_path: Path) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(USER_FILE)
    assert load_aircraft(f"{path}:C130").cruise_speed_kt == 348
    assert load_aircraft(f"{path}:hercules").designator == "C130"
    # The file's B788 wins over the built-in one of the same designator.
    assert load_aircraft(f"{path}:B788").range_km == 14000
    with pytest.raises(AircraftFileError, match=r"no profile 'A359' in the file; it holds C130"):
        load_aircraft(f"{path}:A359")


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        (
            USER_FILE.replace("range_km: 3300", "range_km: -3300"),
            5,
            "[0].range_km",
            "greater than 0",
        ),
        (
            USER_FILE.replace("  payload: 150 passengers\n", ""),
            8,
            "[1].payload",
            "missing required field 'payload'",
        ),
        (
            USER_FILE.replace("  min_runway_m: 1100", "  min_runway: 1100"),
            7,
            "[0].min_runway",
            "did you mean 'min_runway_m'",
        ),
        (
            USER_FILE.replace("designator: C130", "designator: c-130"),
            1,
            "[0].designator",
            "should match pattern",
        ),
        ("- designator: [C130\n", 2, None, "not valid YAML"),
    ],
)
def test_a_bad_user_file_names_its_line_and_field(
    tmp_path: Path, text: str, line: int, field: str | None, words: str
) -> None:
    path = tmp_path / "fleet.yaml"
    path.write_text(text)
    with pytest.raises(AircraftFileError) as raised:
        read_aircraft_file(path)
    assert (raised.value.line, raised.value.field) == (line, field)
    assert words in str(raised.value)
    assert str(raised.value).startswith(f"{path}:{line}:")


def test_a_missing_user_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AircraftFileError, match="no such file"):
        read_aircraft_file(tmp_path / "none.yaml")


def test_the_reserve_rule() -> None:
    # 13,530 km x 0.95 - 45 min at 490 kt (680.6 km) = 12,172.9 km
    assert aircraft()["B788"].usable_range_km() == pytest.approx(12172.9, abs=0.1)
    assert aircraft()["B788"].usable_range_km(Reserve(fraction=0.0, minutes=0.0)) == 13530
    assert Reserve(fraction=0.5, minutes=600).usable_km(1000.0, 450.0) == 0.0
    assert Reserve(0.05, 45.0) == DEFAULT_RESERVE


@pytest.mark.parametrize(("fraction", "minutes"), [(-0.1, 45.0), (1.0, 45.0), (0.05, -1.0)])
def test_an_absurd_reserve_is_refused(fraction: float, minutes: float) -> None:
    with pytest.raises(ValueError, match="reserve"):
        Reserve(fraction=fraction, minutes=minutes)


def test_profile_files_are_read_as_scenario_files_are(tmp_path: Path) -> None:
    """One YAML loader: YAML 1.2 booleans (`NO` stays text) and duplicate keys named by line."""
    path = tmp_path / "norway.yaml"
    path.write_text(
        "designator: C130\nname: Hercules\naliases: [NO, yes]\ncruise_speed_kt: 348\n"
        "range_km: 3800\npayload: 19 t\nmin_runway_m: 1100\n"
        "sources: {cruise_speed_kt: a, range_km: b, min_runway_m: c}\n",
        encoding="utf-8",
    )
    assert load_aircraft(path).aliases == ("NO", "yes")
    path.write_text(path.read_text(encoding="utf-8") + "range_km: 4000\n", encoding="utf-8")
    with pytest.raises(AircraftFileError) as caught:
        load_aircraft(path)
    assert caught.value.line == 9
    assert "duplicate key 'range_km'" in str(caught.value)


def test_names_from_the_network_never_read_a_file(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fleet.yaml").write_text(FLEET_YAML)
    assert load_aircraft("fleet.yaml:C130").designator == "C130"
    for name in ("fleet.yaml:C130", "fleet.yaml", "./fleet.yaml"):
        with pytest.raises(UnknownAircraftError):
            load_aircraft(name, files=False)
