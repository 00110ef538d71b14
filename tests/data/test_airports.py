"""Tests for overflight.data.airports against the real airportsdata table and shipped supplement."""

from __future__ import annotations

import csv
import doctest
import importlib.resources
import io
import math
import re
import subprocess
import sys
import textwrap

import airportsdata
import pytest

from overflight.data import airports
from overflight.data.airports import resolve_place, search_airports
from overflight.errors import InputError, UnknownAirportError
from overflight.models import Place


def codes_of(suggestions: tuple[str, ...]) -> list[str]:
    """The codes in suggestion strings such as "OSLK/LTK (Bassel ..., Latakia, SY)"."""
    return [s.split(" ", 1)[0].split("/")[0] for s in suggestions]


def current_codes() -> dict[str, str]:
    """The shipped table of superseded codes, read here as plain CSV: old code -> current."""
    text = (
        importlib.resources.files("overflight.data")
        .joinpath("superseded_codes.csv")
        .read_text("utf-8")
    )
    direct = {row["old"]: row["current"] for row in csv.DictReader(io.StringIO(text))}
    current = {}
    for old, new in direct.items():
        while new in direct:
            new = direct[new]
        current[old] = new
    return current


# -- airports and airfields ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "kind", "country", "lat", "lon", "name_part"),
    [
        ("UUMU", "UUMU", "airport", "RU", 55.88, 38.06, "Chkalovsk"),
        ("uumu", "UUMU", "airport", "RU", 55.88, 38.06, "Chkalovsk"),
        ("CKL", "UUMU", "airport", "RU", 55.88, 38.06, "Chkalovsk"),
        ("OSLK", "OSLK", "airport", "SY", 35.40, 35.95, "Bassel Al-Assad"),
        (" oslk ", "OSLK", "airport", "SY", 35.40, 35.95, "Bassel Al-Assad"),
        ("LTK", "OSLK", "airport", "SY", 35.40, 35.95, "Bassel Al-Assad"),
        ("ltk", "OSLK", "airport", "SY", 35.40, 35.95, "Bassel Al-Assad"),
        ("OIII", "OIII", "airport", "IR", 35.69, 51.31, "Mehrabad"),
        ("THR", "OIII", "airport", "IR", 35.69, 51.31, "Mehrabad"),
        ("OIHH", "OIHH", "airport", "IR", 34.87, 48.55, "Hamadan"),
        ("OIHS", "OIHS", "airport", "IR", 35.21, 48.65, "Hamadan"),
        ("ORBI", "ORBI", "airport", "IQ", 33.26, 44.23, "Baghdad"),
        ("URMG", "URMG", "airport", "RU", 43.39, 45.70, "Grozny"),
        ("RU-0152", "RU-0152", "airfield", "RU", 43.785, 44.600, "Mozdok"),
        ("ru-0152", "RU-0152", "airfield", "RU", 43.785, 44.600, "Mozdok"),
    ],
)
def test_resolve_airport_or_airfield(
    text: str, code: str, kind: str, country: str, lat: float, lon: float, name_part: str
) -> None:
    place = resolve_place(text)
    assert place.code == code
    assert place.kind == kind
    assert place.country == country
    assert name_part in place.name
    assert place.lat == pytest.approx(lat, abs=0.01)
    assert place.lon == pytest.approx(lon, abs=0.01)


def test_mozdok_is_not_grozny() -> None:
    mozdok, grozny = resolve_place("RU-0152"), resolve_place("URMG")
    assert (mozdok.lat, mozdok.lon) == (43.785, 44.6)
    assert math.dist((mozdok.lat, mozdok.lon), (grozny.lat, grozny.lon)) > 0.5


def test_every_real_icao_code_resolves_to_itself() -> None:
    # ... or to the code that replaced it, when airportsdata still has a superseded one (HSSJ).
    current = current_codes()
    table = airportsdata.load("ICAO")
    for key, row in table.items():
        if re.fullmatch(r"[A-Z]{4}", key):
            place = resolve_place(key)
            expected = current.get(key, key)
            assert (place.code, place.lat, place.lon) == (expected, row["lat"], row["lon"])
            assert (place.note is None) == (key not in current)


def test_every_iata_code_resolves_like_airportsdata() -> None:
    current = current_codes()
    for iata, row in airportsdata.load("IATA").items():
        place = resolve_place(iata)
        expected = row["icao"] if re.fullmatch(r"[A-Z]{4}", row["icao"]) else iata
        expected = current.get(expected, expected)
        assert place.note is None
        assert (place.code, place.name, place.lat, place.lon) == (
            expected,
            row["name"],
            row["lat"],
            row["lon"],
        )


def test_a_table_looked_up_many_times_indexes_itself_and_answers_the_same() -> None:
    """A batch resolves thousands of places: past a hundred lookups the table is indexed once
    rather than its packed column searched for each, and answers as the searches did."""
    table = airports._airports()
    fresh = type(table)(table._columns)
    keys = [k for k in airportsdata.load("ICAO") if re.fullmatch(r"[A-Z]{4}", k)]
    keys = keys[:: len(keys) // (2 * fresh.SEARCHES_BEFORE_INDEX)]
    searched = [fresh[k] for k in keys[: fresh.SEARCHES_BEFORE_INDEX]]
    assert "_rows" not in fresh.__dict__
    indexed = [fresh[k] for k in keys[: fresh.SEARCHES_BEFORE_INDEX]]
    assert "_rows" in fresh.__dict__
    assert indexed == searched
    assert all(fresh[k] == table[k] for k in keys)


# -- the shipped supplement ---------------------------------------------------------------------


def supplement_rows() -> list[dict[str, str]]:
    text = importlib.resources.files("overflight.data").joinpath("airfields.csv").read_text("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert reader.fieldnames == ["ident", "name", "lat", "lon", "country", "source"]
    return list(reader)


def test_supplement_holds_mozdok() -> None:
    assert "RU-0152" in {row["ident"] for row in supplement_rows()}


@pytest.mark.parametrize("row", supplement_rows(), ids=lambda row: row["ident"])
def test_supplement_row_is_valid(row: dict[str, str]) -> None:
    assert re.fullmatch(r"[A-Z]{2}-[0-9]{4}", row["ident"])
    assert re.fullmatch(r"[A-Z]{2}", row["country"])
    assert row["name"].strip()
    assert "OurAirports" in row["source"]
    lat, lon = float(row["lat"]), float(row["lon"])
    assert -90 <= lat <= 90
    assert -180 <= lon <= 180
    # A field with an airportsdata code does not belong in the supplement.
    assert row["ident"] not in airportsdata.load("ICAO")
    assert not any(
        abs(a["lat"] - lat) < 0.02 and abs(a["lon"] - lon) < 0.02
        for a in airportsdata.load("ICAO").values()
    )
    place = resolve_place(row["ident"].lower())
    assert place == Place(row["ident"], row["name"], lon, lat, row["country"], "airfield")


# -- unknown input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UUMQ", {"UUMU", "UUMO"}),  # one letter off: Chkalovsky and Ostafyevo
        ("OSLX", {"OSLK"}),
        ("LKT", {"VILK"}),  # IATA neighbours, shown with their ICAO code: LKO is Lucknow
        ("Hmeimim", {"OSLK"}),  # the air base's usual name is not in airportsdata
        ("Khmeimim air base", {"OSLK"}),
        ("Chkalovsky", {"UUMU"}),  # airportsdata spells it Chkalovskiy
        ("Nojeh", {"OIHS"}),
        ("Mozdok", {"RU-0152"}),
        ("RU0152", {"RU-0152"}),
        ("RU-0153", {"RU-0152"}),
        ("Tehran", {"OIII", "OIIE"}),
        ("Teheran", {"OIII", "OIIE"}),
        ("MOW", {"UUEE", "UUDD", "UUWW"}),  # a metropolitan-area code, not an airport
        ("Moscow, Russia", {"UUEE", "UUDD", "UUWW"}),
        ("São Paulo", {"SBGR", "SBSP"}),
    ],
)
def test_unknown_input_names_the_text_and_suggests(text: str, expected: set[str]) -> None:
    with pytest.raises(UnknownAirportError) as info:
        resolve_place(text)
    error = info.value
    assert error.code == text
    assert repr(text) in str(error)
    assert 1 <= len(error.suggestions) <= 5
    assert expected <= set(codes_of(error.suggestions))
    assert all(s in str(error) for s in error.suggestions)
    assert isinstance(error, LookupError)
    assert isinstance(error, ValueError)


def test_suggestion_describes_the_airport() -> None:
    with pytest.raises(UnknownAirportError) as info:
        resolve_place("Hmeimim")
    expected = "OSLK/LTK (Bassel Al-Assad International Airport, Latakia, SY)"
    assert info.value.suggestions[0] == expected


@pytest.mark.parametrize("text", ["", "   ", "Terminal 1", "1 2 3", "UU MU", "!!!"])
def test_unreadable_input_is_an_unknown_airport(text: str) -> None:
    with pytest.raises(UnknownAirportError) as info:
        resolve_place(text)
    assert info.value.code == text.strip()


# -- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "first", "within"),
    [
        ("OSLK", "OSLK", None),
        ("ltk", "OSLK", None),
        ("RU-0152", "RU-0152", None),
        ("Hmeimim", "OSLK", None),
        ("mozdok", "RU-0152", None),
        ("Chkalovsky", "UUMU", None),
        ("Tehran", None, {"OIII", "OIIE"}),
        ("tehr", None, {"OIII", "OIIE"}),
        ("UUM", None, {"UUMU", "UUMO"}),
        ("Moscow", None, {"UUEE", "UUDD", "UUWW"}),
        ("sao paulo", None, {"SBGR", "SBSP"}),
        ("al-assad", "OSLK", None),
        ("Mehrabad Tehran", "OIII", None),
    ],
)
def test_search(query: str, first: str | None, within: set[str] | None) -> None:
    found = [place.code for place in search_airports(query, limit=5)]
    if first is not None:
        assert found[0] == first
    if within is not None:
        assert within <= set(found)


def test_search_finds_tehran_mehrabad_first_among_commercial() -> None:
    found = search_airports("Tehran")
    assert {p.code for p in found[:2]} == {"OIII", "OIIE"}
    # Fields known only to OurAirports (IR-0012, Tehran West) come after the airports.
    kinds = [p.kind for p in found]
    assert kinds == sorted(kinds, key=lambda kind: kind != "airport")
    assert "airfield" in kinds


def test_search_puts_exact_code_before_prefix() -> None:
    found = [p.code for p in search_airports("UUMU")]
    assert found[0] == "UUMU"


def test_search_prefers_airports_with_iata_codes() -> None:
    codes = [p.code for p in search_airports("UUM", limit=20)]
    prefixed = [code for code in codes if code.startswith("UUM")]
    assert codes[: len(prefixed)] == prefixed
    assert len(prefixed) >= 2
    table = airportsdata.load("ICAO")
    # OurAirports fields (UUMD, Selnikovo) have no IATA code in the shipped table.
    has_iata = [code in table and bool(table[code]["iata"]) for code in prefixed]
    assert has_iata == sorted(has_iata, reverse=True)


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_search_respects_limit(limit: int) -> None:
    assert len(search_airports("a", limit=limit)) == limit


@pytest.mark.parametrize("query", ["", "   ", "zzzzqqqq"])
def test_search_without_match_is_empty(query: str) -> None:
    assert search_airports(query) == []


@pytest.mark.parametrize("limit", [0, -1, True, 2.5])
def test_search_rejects_bad_limit(limit: int) -> None:
    with pytest.raises(InputError, match="limit"):
        search_airports("Tehran", limit=limit)


# -- module behaviour ---------------------------------------------------------------------------


def test_docstring_examples_run() -> None:
    result = doctest.testmod(airports, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_import_reads_nothing() -> None:
    script = textwrap.dedent(
        """
        import airportsdata, importlib.resources

        def refuse(*args, **kwargs):
            raise AssertionError("data read at import time")

        airportsdata.load = refuse
        airportsdata.load_iata_macs = refuse
        importlib.resources.files = refuse
        import overflight.data.airports
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
