"""State codes as scenario and data files write them, checked against the shipped airspace."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema

from overflight.data.airspace import normalise_codes

__all__ = ["STATE_CODE_PATTERN", "StateCode", "state_code"]

#: What a state code looks like before it is looked up (alpha-2 or alpha-3, any case).
STATE_CODE_PATTERN = "^[A-Za-z]{2,3}$"


def state_code(value: str) -> str:
    """The alpha-2 code for an alpha-2 or alpha-3 code in any case.

    Raises
    ------
    UnknownStateError
        (a ``ValueError``) for a code that names no state in the shipped data.

    >>> state_code("grc")
    'GR'

    """
    codes = normalise_codes([value])
    if not codes:
        raise ValueError("empty state code: give an ISO 3166-1 alpha-2 or alpha-3 code")
    return codes[0]


#: A field holding one state code, normalised to alpha-2.
StateCode = Annotated[
    str,
    AfterValidator(state_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": STATE_CODE_PATTERN,
            "description": "ISO 3166-1 alpha-2 or alpha-3 code of a state, any case.",
        }
    ),
]
