"""Coordinates as users type them: ``"lat,lon"`` in decimal degrees, hemisphere letters allowed.

``"55.75,37.62"``, ``"55.75 37.62"``, ``"55.75N, 37.62E"``, ``"S33.9,E151.2"`` and
``"37.62E,55.75N"`` (the letters fix the order) all read as a :class:`Place` of kind ``"point"``.
"""

from __future__ import annotations

import re

from overflight.errors import CoordinateError
from overflight.models import Place

__all__ = ["parse_point"]

# One axis of a coordinate: an optional hemisphere letter before or after a decimal number
# (exponent allowed, so that Python's repr of any float reads back), an optional degree sign.
_AXIS = re.compile(
    r"""
    (?P<pre>[NSEW])?\s*
    (?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:E[+-]?\d+)?)
    \s*°?\s*
    (?P<post>[NSEW])?
    """,
    re.IGNORECASE | re.VERBOSE,
)

_ACCEPTED_COORDINATES = (
    "give 'lat,lon' in decimal degrees, e.g. '55.75,37.62' or '55.75N,37.62E', "
    "with lat in [-90, 90] and lon in [-180, 180]"
)


def _parse_axis(part: str, text: str) -> tuple[float, str]:
    """Read one axis: the signed value and its hemisphere letter ("" when none was given)."""
    match = _AXIS.fullmatch(part.strip())
    if match is None or (match["pre"] and match["post"]):
        raise CoordinateError(f"cannot read {part.strip()!r} in {text!r}: {_ACCEPTED_COORDINATES}")
    value = float(match["num"])
    hemisphere = (match["pre"] or match["post"] or "").upper()
    if hemisphere and match["num"].startswith("-"):
        raise CoordinateError(
            f"{part.strip()!r} in {text!r} has both a minus sign and a hemisphere letter: "
            f"{_ACCEPTED_COORDINATES}"
        )
    if hemisphere in ("S", "W"):
        value = -value
    return value, hemisphere


def _is_axis(text: str) -> bool:
    match = _AXIS.fullmatch(text)
    return match is not None and not (match["pre"] and match["post"])


def _split_on_space(text: str) -> list[str]:
    """Split ``"55.75 37.62"`` or ``"55.75 N 37.62 E"`` into two axes; ``[text]`` if impossible."""
    words = text.split()
    for cut in range(1, len(words)):
        first, second = " ".join(words[:cut]), " ".join(words[cut:])
        if _is_axis(first) and _is_axis(second):
            return [first, second]
    return [text]


def parse_point(text: str) -> Place | None:
    """Read ``"lat,lon"``; None when ``text`` does not look like coordinates at all.

    Raises :class:`CoordinateError`, naming the value, when it does but cannot be read or is out
    of range.

    >>> parse_point("33.9S, 18.6E").lonlat
    LonLat(lon=18.6, lat=-33.9)
    >>> parse_point("RU0152") is None
    True
    """
    cleaned = text.replace("\u2212", "-")  # a typographic minus, as pasted from documents
    if not any(ch.isdigit() for ch in cleaned):
        return None
    parts = cleaned.split(",") if "," in cleaned else _split_on_space(cleaned)
    if len(parts) != 2:
        if len(parts) == 1 and not _AXIS.fullmatch(cleaned.strip()):
            return None  # a code or name with digits, such as "RU0152"
        raise CoordinateError(f"cannot read {text!r} as a coordinate pair: {_ACCEPTED_COORDINATES}")
    (lat, lat_hemi), (lon, lon_hemi) = (_parse_axis(part, text) for part in parts)
    lat_text, lon_text = (part.strip() for part in parts)
    if lat_hemi in ("E", "W") and lon_hemi in ("N", "S"):
        # The hemisphere letters say the pair was given lon first: they make the order unambiguous.
        lat, lon, lat_text, lon_text = lon, lat, lon_text, lat_text
        lat_hemi, lon_hemi = lon_hemi, lat_hemi
    if lat_hemi in ("E", "W") or lon_hemi in ("N", "S"):
        raise CoordinateError(
            f"hemisphere letters in {text!r} do not fit: latitude takes N or S, longitude E or W; "
            f"{_ACCEPTED_COORDINATES}"
        )
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError(
            f"latitude {lat_text!r} in {text!r} is out of range: {_ACCEPTED_COORDINATES}"
        )
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError(
            f"longitude {lon_text!r} in {text!r} is out of range: {_ACCEPTED_COORDINATES}"
        )
    lat, lon = lat + 0.0, lon + 0.0  # turns -0.0 into 0.0
    return Place(
        code=f"{lat!r},{lon!r}",
        name=f"{abs(lat):.4f}{'N' if lat >= 0 else 'S'} {abs(lon):.4f}{'E' if lon >= 0 else 'W'}",
        lon=lon,
        lat=lat,
        country=None,
        kind="point",
    )
