"""Codes and names of the features: ISO 3166-1 codes, short English names, sovereigns.

It exists because the source carries only an alpha-3 code, while the shipped file names each
state by alpha-2 and alpha-3 code, a short common name, and for a dependency the state it
belongs to (so that denying a state can deny its dependencies too). Kosovo, which has no ISO
code, gets the user-assigned ``XK`` / ``XKX`` in common use.
"""

from __future__ import annotations

import pycountry

# Sovereign state of each dependency or territory that is its own entry in the data.
SOVEREIGN: dict[str, str] = {
    **dict.fromkeys(["PF", "NC", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "WF", "TF"], "FR"),
    **dict.fromkeys(["PR", "GU", "AS", "MP", "VI", "UM"], "US"),
    **dict.fromkeys(["SJ", "BV"], "NO"),
    **dict.fromkeys(["GL", "FO"], "DK"),
    **dict.fromkeys(["HK", "MO"], "CN"),
    **dict.fromkeys(["AW", "CW", "SX", "BQ"], "NL"),
    **dict.fromkeys(
        ["AI", "BM", "VG", "KY", "FK", "GI", "GG", "JE", "IM", "MS", "PN", "SH", "GS", "TC", "IO"],
        "GB",
    ),
    "AX": "FI",
    **dict.fromkeys(["CX", "CC", "NF", "HM"], "AU"),
    **dict.fromkeys(["CK", "NU", "TK"], "NZ"),
}

# Short common English names where ISO's name is inverted or formal ("Korea, Republic of").
NAME_OVERRIDES: dict[str, str] = {
    "RU": "Russia",
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FK": "Falkland Islands",
    "FM": "Micronesia",
    "PS": "Palestine",
    "VA": "Vatican City",
    "VG": "British Virgin Islands",
    "VI": "U.S. Virgin Islands",
}

# ISO names that contain a comma without being inverted.
COMMA_NAMES = frozenset({"BQ", "SH"})

# Kosovo has no ISO 3166-1 code; XK / XKX are the codes in common use.
KOSOVO = ("XK", "XKX", "Kosovo")


def identity(code3: str) -> tuple[str, str, str]:
    """Alpha-2, alpha-3 and short English name for a source code."""
    if code3 == KOSOVO[1]:
        return KOSOVO
    country = pycountry.countries.get(alpha_3=code3)
    if country is None:
        raise SystemExit(f"unknown alpha-3 code {code3}")
    code = str(country.alpha_2)
    name = NAME_OVERRIDES.get(code) or getattr(country, "common_name", None) or country.name
    if ", " in name and code not in COMMA_NAMES:
        raise SystemExit(f"{code}: inverted ISO name {name!r}; add a short name to NAME_OVERRIDES")
    return code, code3, str(name)
