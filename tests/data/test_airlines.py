"""The shipped airline table: large carriers and every airline the registry names, by state."""

from __future__ import annotations

import csv
from importlib.resources import files

import pytest

from overflight.data.airlines import airline, airlines
from overflight.data.airspace import states
from overflight.errors import UnknownAirlineError

#: Large carriers (ICAO designator, state), from the largest by passengers or freight in 2024.
LARGE = tuple(
    [
        "AAL:US",
        "DAL:US",
        "UAL:US",
        "SWA:US",
        "ASA:US",
        "JBU:US",
        "FFT:US",
        "NKS:US",
        "SKW:US",
        "FDX:US",
        "UPS:US",
        "CES:CN",
        "CSN:CN",
        "CCA:CN",
        "CHH:CN",
        "CSZ:CN",
        "CXA:CN",
        "CSC:CN",
        "CPA:HK",
        "CAL:TW",
        "EVA:TW",
        "RYR:IE",
        "EIN:IE",
        "DLH:DE",
        "AFR:FR",
        "BAW:GB",
        "EZY:GB",
        "EXS:GB",
        "KLM:NL",
        "THY:TR",
        "PGT:TR",
        "WZZ:HU",
        "VLG:ES",
        "IBE:ES",
        "SAS:SE",
        "FIN:FI",
        "AUA:AT",
        "SWR:CH",
        "TAP:PT",
        "AEE:GR",
        "LOT:PL",
        "BTI:LV",
        "ICE:IS",
        "NAX:NO",
        "CLX:LU",
        "ITY:IT",
        "BEL:BE",
        "UAE:AE",
        "ETD:AE",
        "FDB:AE",
        "QTR:QA",
        "SVA:SA",
        "GFA:BH",
        "OMA:OM",
        "KAC:KW",
        "RJA:JO",
        "MEA:LB",
        "ELY:IL",
        "IGO:IN",
        "AIC:IN",
        "SEJ:IN",
        "PIA:PK",
        "ANA:JP",
        "JAL:JP",
        "KAL:KR",
        "AAR:KR",
        "SIA:SG",
        "THA:TH",
        "MAS:MY",
        "AXM:MY",
        "GIA:ID",
        "PAL:PH",
        "CEB:PH",
        "VJC:VN",
        "HVN:VN",
        "QFA:AU",
        "VOZ:AU",
        "JST:AU",
        "ANZ:NZ",
        "ACA:CA",
        "WJA:CA",
        "TAM:BR",
        "GLO:BR",
        "AZU:BR",
        "AVA:CO",
        "LAN:CL",
        "AMX:MX",
        "VIV:MX",
        "CMP:PA",
        "ETH:ET",
        "MSR:EG",
        "RAM:MA",
        "KQA:KE",
        "SAA:ZA",
        "AFL:RU",
        "SBI:RU",
        "UTA:RU",
        "AHY:AZ",
        "UZB:UZ",
        "KZR:KZ",
        "IRA:IR",
        "IAW:IQ",
    ]
)


@pytest.mark.parametrize("entry", LARGE)
def test_large_carriers_are_in_their_states(entry: str) -> None:
    icao, state = entry.split(":")
    assert airline(icao).state == state


def test_every_airline_the_registry_names_resolves_to_its_state() -> None:
    text = files("overflight").joinpath("registry", "airlines-named.csv").read_text("utf-8")
    named = list(csv.DictReader(text.splitlines()))
    assert named
    for row in named:
        assert airline(row["icao"]).state == row["state"], row
        assert airline(row["iata"]).icao == row["icao"], row


def test_every_state_is_a_shipped_state() -> None:
    assert len(airlines()) > 5000
    assert {a.state for a in airlines().values()} <= set(states())


@pytest.mark.parametrize(
    ("code", "icao"), [("FIN", "FIN"), ("ay", "FIN"), (" ely ", "ELY"), ("QR", "QTR")]
)
def test_icao_and_iata_designators_in_any_case(code: str, icao: str) -> None:
    assert airline(code).icao == icao


@pytest.mark.parametrize("code", ["XQZ", "ZZ", "FINN", ""])
def test_an_unknown_designator_is_named_with_what_is_accepted(code: str) -> None:
    with pytest.raises(UnknownAirlineError, match=f"'{code}'.*ICAO three-letter.*IATA two-letter"):
        airline(code)
