"""The OurAirports table and the superseded codes, against the shipped data and airportsdata."""

from __future__ import annotations

import csv
import gzip
import importlib.resources
import io
import re
import subprocess
import sys
import textwrap
from functools import cache

import airportsdata
import pycountry
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.ops import nearest_points

from overflight.data.airports import resolve_place, search_airports
from overflight.data.airspace import states
from overflight.errors import UnknownAirportError
from overflight.models import Place

GEOD = Geod(ellps="WGS84")

#: How far a field may lie outside the airspace of the state it names and inside a neighbour's
#: (border strips, OurAirports positions a few km off, the 1 km simplification of the polygons).
BORDER_KM = 10.0
#: How far a field in no state's airspace may lie from the state it names (oil platforms, the
#: Spratly reefs, which the airspace data leaves to the high seas).
OFFSHORE_KM = 500.0


def data_text(name: str) -> str:
    raw = importlib.resources.files("overflight.data").joinpath(name).read_bytes()
    return (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")


@cache
def shipped_rows() -> tuple[dict[str, str], ...]:
    reader = csv.DictReader(io.StringIO(data_text("ourairports.csv.gz")))
    assert reader.fieldnames == [
        "ident",
        "gps_code",
        "name",
        "lat",
        "lon",
        "country",
        "type",
        "scheduled",
    ]
    return tuple(reader)


@cache
def changes() -> tuple[dict[str, str], ...]:
    reader = csv.DictReader(io.StringIO(data_text("superseded_codes.csv")))
    assert reader.fieldnames == ["old", "current", "since", "basis", "sources"]
    return tuple(reader)


@cache
def current_of() -> dict[str, str]:
    direct = {row["old"]: row["current"] for row in changes()}
    out = {}
    for old, new in direct.items():
        while new in direct:
            new = direct[new]
        out[old] = new
    return out


def distance_km(lon: float, lat: float, code: str) -> float:
    """Geodesic distance from a point to the nearest point of a state's airspace."""
    point = shapely.Point(lon, lat)
    nearest = nearest_points(states()[code].geometry, point)[0]
    return float(GEOD.inv(lon, lat, nearest.x, nearest.y)[2]) / 1000.0


def family(code: str) -> set[str]:
    """A state with its sovereign and its dependencies: any of them answers for its airspace."""
    areas = states()
    out = {code}
    if code in areas and areas[code].sovereign:
        out.add(areas[code].sovereign or "")
    out |= {c for c, area in areas.items() if area.sovereign == code}
    return out


# -- the examples of the issue -------------------------------------------------------------------


def test_belbek_in_crimea_resolves_by_its_ident() -> None:
    place = resolve_place("UKFB")
    assert place.code == "UKFB"
    assert "Belbek" in place.name
    assert place.kind == "airfield"
    assert place.country == "UA"
    assert place.note is None
    assert place.lat == pytest.approx(44.69, abs=0.01)
    assert place.lon == pytest.approx(33.57, abs=0.01)
    # Crimea is disputed: its airspace belongs to both claimants in the shipped data.
    assert {"RU", "UA"} <= {
        code for code, area in states().items() if area.geometry.covers(shapely.Point(place.lonlat))
    }
    assert resolve_place(" ukfb ") == place


@pytest.mark.parametrize(
    ("old", "current", "name_part", "country", "since"),
    [
        ("HSSS", "HSSK", "Khartoum", "SD", "2021-03-04"),
        ("UTTT", "UZTT", "Tashkent", "UZ", "2025-10-02"),
        ("hsss", "HSSK", "Khartoum", "SD", "2021-03-04"),
        ("uttt", "UZTT", "Tashkent", "UZ", "2025-10-02"),
    ],
)
def test_superseded_code_resolves_to_the_current_one_with_a_note(
    old: str, current: str, name_part: str, country: str, since: str
) -> None:
    place = resolve_place(old)
    assert place.code == current
    assert name_part in place.name
    assert place.country == country
    assert place.note is not None
    assert old.upper() in place.note
    assert current in place.note
    assert since in place.note
    now = resolve_place(current)
    assert now.note is None
    assert (now.code, now.name, now.lonlat) == (place.code, place.name, place.lonlat)
    assert place == now  # the note says how the place was named; it is the same place
    assert place.to_dict()["note"] == place.note
    assert "note" not in now.to_dict()


def test_airportsdata_has_the_new_codes_of_khartoum_and_tashkent() -> None:
    # Which way the mapping goes depends on this: if airportsdata moved back to the old codes,
    # the other direction (below) would carry these two.
    table = airportsdata.load("ICAO")
    assert {"HSSK", "UZTT"} <= set(table)
    assert not {"HSSS", "UTTT"} & set(table)


def test_current_code_that_airportsdata_holds_under_the_old_one() -> None:
    # airportsdata still keys Juba under HSSJ; its code has been HJJJ since South Sudan's
    # independence. Both codes give the airportsdata entry, under the current code.
    assert "HSSJ" in airportsdata.load("ICAO")
    assert "HJJJ" not in airportsdata.load("ICAO")
    new, old, by_iata = resolve_place("HJJJ"), resolve_place("HSSJ"), resolve_place("JUB")
    assert new.code == old.code == by_iata.code == "HJJJ"
    assert new.country == "SS"
    assert new.note is None
    assert by_iata.note is None
    assert old.note is not None
    assert "HSSJ" in old.note
    assert "HJJJ" in old.note


def test_current_code_known_only_by_a_second_ourairports_code() -> None:
    # Andijan: OurAirports 2022 has ident UTKA and gps_code UTFA; UTFA became UZFA in 2025.
    new, old = resolve_place("UZFA"), resolve_place("UTFA")
    assert new.code == old.code == "UZFA"
    assert "Andizhan" in new.name
    assert new.note is None
    assert old.note is not None
    assert "UZFA" in old.note


def test_zzzz_means_no_location_indicator() -> None:
    # OurAirports' ident of Satsuma Iojima; in ICAO flight plans ZZZZ means "no indicator".
    with pytest.raises(UnknownAirportError):
        resolve_place("ZZZZ")
    assert resolve_place("RJX7").name == "Satsuma Iōjima Airport"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UKFX", {"UKFB"}),  # one letter off Belbek, a code only OurAirports has
        ("UTTX", {"UTTP"}),
        ("RU-4465", {"RU-4464"}),  # Olenya air base
    ],
)
def test_unknown_code_still_says_what_is_accepted_and_suggests(
    text: str, expected: set[str]
) -> None:
    with pytest.raises(UnknownAirportError) as info:
        resolve_place(text)
    error = info.value
    assert error.code == text
    assert "ICAO code" in str(error)
    assert 1 <= len(error.suggestions) <= 5
    codes = {s.split(" ", 1)[0].split("/")[0] for s in error.suggestions}
    assert expected <= codes


# -- search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Belbek", "UKFB"),
        ("UKFB", "UKFB"),
        ("Olenya", "RU-4464"),
        ("Selnikovo", "UUMD"),
        ("RU-4464", "RU-4464"),
        ("NV50", "0L5"),  # a second code finds the field under its ident
    ],
)
def test_search_finds_ourairports_fields(query: str, first: str) -> None:
    found = search_airports(query, limit=5)
    assert found[0].code == first
    assert found[0].kind == "airfield"


def test_search_by_superseded_code_finds_the_current_one_with_the_note() -> None:
    found = search_airports("UTTT", limit=5)
    assert found[0].code == "UZTT"
    assert found[0].note == resolve_place("UTTT").note
    assert search_airports("Tashkent", limit=5)[0].code == "UZTT"
    # The airportsdata entry keyed by a superseded code is listed under the current one.
    juba = search_airports("Juba", limit=5)
    assert "HJJJ" in [p.code for p in juba]
    assert "HSSJ" not in [p.code for p in juba]


def test_search_lists_a_field_once() -> None:
    codes = [p.code for p in search_airports("Tashkent International", limit=10)]
    assert codes.count("UZTT") == 1
    assert "UTTT" not in codes  # the OurAirports row under the old code is not shipped


# -- the shipped tables ---------------------------------------------------------------------------


def test_superseded_table_is_well_formed_and_cited() -> None:
    notes = importlib.resources.files("overflight.data").joinpath("AIRFIELDS.md").read_text("utf-8")
    olds = [row["old"] for row in changes()]
    assert len(olds) == len(set(olds))
    for row in changes():
        assert re.fullmatch(r"[A-Z]{4}", row["old"])
        assert re.fullmatch(r"[A-Z]{4}", row["current"])
        assert row["old"] != row["current"]
        assert row["since"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["since"])
        assert row["basis"] in ("listed", "rule")
        keys = row["sources"].split(";")
        assert keys
        assert all(f"`{key}`" in notes for key in keys), keys
        assert f"| {row['old']} | {row['current']} |" in notes


@pytest.mark.parametrize("row", changes(), ids=lambda row: row["old"])
def test_every_superseded_code_resolves_to_its_current_code(row: dict[str, str]) -> None:
    place = resolve_place(row["old"])
    assert place.code == current_of()[row["old"]]
    assert place.note is not None
    assert row["old"] in place.note
    assert (resolve_place(place.code).lonlat, resolve_place(place.code).note) == (
        place.lonlat,
        None,
    )


def test_shipped_table_holds_only_what_nothing_else_resolves() -> None:
    icao = set(airportsdata.load("ICAO"))
    iata = set(airportsdata.load("IATA"))
    idents = [row["ident"] for row in shipped_rows()]
    assert idents == sorted(idents)
    assert len(idents) == len(set(idents))
    assert not set(idents) & icao
    assert not {i for i in idents if len(i) == 3} & iata
    assert "RU-0152" not in idents  # in the curated supplement
    seconds = [row["gps_code"] for row in shipped_rows() if row["gps_code"]]
    assert len(seconds) == len(set(seconds))
    assert not set(seconds) & (icao | set(idents))
    assert {row["type"] for row in shipped_rows()} == {"large", "medium", "small", "seaplane"}
    assert {row["scheduled"] for row in shipped_rows()} == {"yes", "no"}


def test_shipped_table_is_small() -> None:
    table = importlib.resources.files("overflight.data").joinpath("ourairports.csv.gz")
    assert len(table.read_bytes()) < 450_000
    assert len(shipped_rows()) > 20_000


def test_every_shipped_ident_resolves_to_a_consistent_place() -> None:
    """Every row: its ident gives its place, and the state it names fits where it lies.

    A field lies inside the airspace of the state it names (or of that state's sovereign or a
    dependency; disputed areas belong to every claimant), or within BORDER_KM of it. A field in
    no state's airspace names Antarctica, which has none, or lies within OFFSHORE_KM of its
    state. Exhaustive and deterministic: every row is checked on every run.
    """
    rows = shipped_rows()
    areas = states()
    codes = list(areas)
    tree = shapely.STRtree([areas[c].geometry for c in codes])
    points = shapely.points([float(r["lon"]) for r in rows], [float(r["lat"]) for r in rows])
    inside: dict[int, set[str]] = {}
    for i, j in zip(*tree.query(points, predicate="intersects"), strict=True):
        inside.setdefault(int(i), set()).add(codes[int(j)])

    problems = []
    for i, row in enumerate(rows):
        place = resolve_place(row["ident"])
        expected = Place(
            current_of().get(row["ident"], row["ident"]),
            row["name"],
            float(row["lon"]),
            float(row["lat"]),
            row["country"],
            "airfield",
        )
        if place != expected:
            problems.append(f"{row['ident']}: resolves to {place}")
            continue
        country = row["country"]
        if country not in areas and pycountry.countries.get(alpha_2=country) is None:
            problems.append(f"{row['ident']}: {country!r} is not an ISO 3166-1 code")
        elif country not in areas:
            if country != "AQ" or i in inside:
                problems.append(f"{row['ident']}: {country!r} has no airspace in the data")
        elif i in inside:
            if not inside[i] & family(country):
                km = distance_km(place.lon, place.lat, country)
                if km > BORDER_KM:
                    problems.append(f"{row['ident']}: {country} but in {inside[i]}, {km:.0f} km")
        else:
            km = distance_km(place.lon, place.lat, country)
            if km > OFFSHORE_KM:
                problems.append(f"{row['ident']}: in no airspace, {km:.0f} km from {country}")
    assert problems == []


def spellings(ident: str) -> st.SearchStrategy[str]:
    """The ident with any letters lower-cased and spaces around it."""
    cases = st.lists(st.booleans(), min_size=len(ident), max_size=len(ident))
    pad = st.sampled_from(["", " ", "  ", "\t"])
    return st.tuples(cases, pad, pad).map(
        lambda parts: (
            parts[1]
            + "".join(c.lower() if low else c for c, low in zip(ident, parts[0], strict=True))
            + parts[2]
        )
    )


ROW_AND_SPELLING = st.sampled_from(shipped_rows()).flatmap(
    lambda row: st.tuples(st.just(row), spellings(row["ident"]))
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(ROW_AND_SPELLING)
def test_any_spelling_of_a_shipped_ident_gives_its_field(case: tuple[dict[str, str], str]) -> None:
    row, text = case
    place = resolve_place(text)
    assert (place.code, place.lat, place.lon, place.country) == (
        current_of().get(row["ident"], row["ident"]),
        float(row["lat"]),
        float(row["lon"]),
        row["country"],
    )
    if row["gps_code"]:
        assert resolve_place(row["gps_code"].lower()).lonlat == place.lonlat


def test_table_is_read_only_when_a_code_needs_it() -> None:
    script = textwrap.dedent(
        """
        import importlib.resources
        from overflight.data import airports

        read = []
        real_files = importlib.resources.files

        class Spy:
            def __init__(self, inner):
                self.inner = inner
            def joinpath(self, name):
                read.append(name)
                return self.inner.joinpath(name)

        importlib.resources.files = lambda package: Spy(real_files(package))
        airports.resolve_place("UUMU")
        airports.resolve_place("LTK")
        airports.resolve_place("UTTT")
        airports.resolve_place("RU-0152")
        assert "ourairports.csv.gz" not in read, read
        airports.resolve_place("UKFB")
        assert "ourairports.csv.gz" in read, read
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
