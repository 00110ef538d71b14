"""Built-in aircraft profiles, user profile files, and lookup by designator or name.

Profiles files are YAML lists of profiles (``profiles.yaml`` beside this module is the
built-in one); a user file may also hold a single profile as a mapping.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from pydantic import TypeAdapter, ValidationError

from overflight.aircraft._model import AircraftProfile
from overflight.data.yamlfile import fail_validation, read_user_file, read_yaml
from overflight.errors import AircraftFileError, UnknownAircraftError

__all__ = ["aircraft", "list_aircraft", "load_aircraft", "read_aircraft_file"]

#: Name of the shipped profiles file inside the package.
PROFILES_FILE = "profiles.yaml"

_PROFILES = TypeAdapter(tuple[AircraftProfile, ...])


@cache
def aircraft() -> Mapping[str, AircraftProfile]:
    """The built-in profiles by ICAO designator, read once.

    >>> aircraft()["B788"].name
    'Boeing 787-8 Dreamliner'
    """
    path = files("overflight.aircraft").joinpath(PROFILES_FILE)
    profiles = _parse(path.read_text(encoding="utf-8"), file=PROFILES_FILE)
    return MappingProxyType({p.designator: p for p in profiles})


def list_aircraft() -> tuple[AircraftProfile, ...]:
    """The built-in profiles, in the order of the shipped file."""
    return tuple(aircraft().values())


def read_aircraft_file(path: str | os.PathLike[str]) -> tuple[AircraftProfile, ...]:
    """The profiles in a user's YAML file (a list of profiles, or one profile).

    Raises
    ------
    AircraftFileError
        If the file is missing, is not YAML, or a profile does not validate: names the
        file, the line and the field.

    """
    text = read_user_file(path, error=AircraftFileError, wanted="a YAML file of aircraft profiles")
    return _parse(text, file=os.fspath(path))


def load_aircraft(
    name_or_path: str | os.PathLike[str],
    *,
    extra: Iterable[AircraftProfile] = (),
    only_extra: str | None = None,
    files: bool = True,
) -> AircraftProfile:
    """A profile by ICAO designator, name or alias (any case), or from a profiles file.

    Parameters
    ----------
    name_or_path
        ``B788``, ``787-8``, ``boeing 787-8 dreamliner``...; the path of a YAML file (ending
        in ``.yaml``/``.yml``, or holding a path separator) with one profile; or ``FILE:KEY``,
        the profile of a file of several whose designator, name or alias is ``KEY``.
    extra
        User profiles searched before the built-in ones (see :func:`read_aircraft_file`).
    only_extra
        Search ``extra`` only (the built-in profiles are not): the file they come from, named
        in the error when none matches.
    files
        Whether a name may be read as a file (False for names from the network: only
        profiles are looked up, no file is read).

    Raises
    ------
    UnknownAircraftError
        For a name that matches no profile, with the closest ones.
    AircraftFileError
        For a file that does not validate, or holds more than one profile.

    Examples
    --------
    >>> load_aircraft("il-76md").designator
    'IL76'
    >>> load_aircraft("B787")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    overflight.errors.UnknownAircraftError: unknown aircraft 'B787': ...; did you mean B789 (...)...

    """
    if not files and isinstance(name_or_path, os.PathLike):
        raise TypeError("a path was given with files=False")
    if files and not isinstance(name_or_path, os.PathLike):
        path, _, key = name_or_path.rpartition(":")
        if path and key and _looks_like_path(path):
            # FILE:KEY, one profile of a file of several.
            return load_aircraft(key, extra=read_aircraft_file(path), only_extra=path)
    if isinstance(name_or_path, os.PathLike) or (files and _looks_like_path(name_or_path)):
        profiles = read_aircraft_file(name_or_path)
        if len(profiles) != 1:
            designators = ", ".join(p.designator for p in profiles)
            raise AircraftFileError(
                f"the file holds {len(profiles)} profiles ({designators}); name one as "
                f"{os.fspath(name_or_path)}:{profiles[0].designator}",
                file=os.fspath(name_or_path),
            )
        return profiles[0]
    candidates = [*extra] if only_extra is not None else [*extra, *aircraft().values()]
    wanted = _key(name_or_path)
    for profile in candidates:
        if wanted in {_key(n) for n in (profile.designator, profile.name, *profile.aliases)}:
            return profile
    keys = {
        _key(n): profile
        for profile in reversed(candidates)
        for n in (profile.designator, profile.name, *profile.aliases)
    }
    close = difflib.get_close_matches(wanted, list(keys), n=5, cutoff=0.6)
    suggestions = tuple(dict.fromkeys(f"{keys[k].designator} ({keys[k].name})" for k in close))
    if only_extra is not None:
        held = ", ".join(f"{p.designator} ({p.name})" for p in candidates)
        raise AircraftFileError(
            f"no profile {name_or_path!r} in the file; it holds {held}", file=only_extra
        )
    raise UnknownAircraftError(name_or_path, suggestions[:3])


def _key(name: str) -> str:
    """A name as looked up: upper case, letters and digits only (``Il-76MD`` -> ``IL76MD``)."""
    return re.sub(r"[^A-Z0-9]", "", name.upper())


def _looks_like_path(value: str) -> bool:
    return value.lower().endswith((".yaml", ".yml")) or "/" in value or os.sep in value


def _parse(text: str, *, file: str) -> tuple[AircraftProfile, ...]:
    doc = read_yaml(text, file=file, error=AircraftFileError)
    single = isinstance(doc.data, dict)
    try:
        return _PROFILES.validate_python([doc.data] if single else doc.data)
    except ValidationError as exc:
        # A file of one profile is validated as a list of one: its paths lose the index.
        fail_validation(
            exc,
            doc,
            file=file,
            model=AircraftProfile,
            error=AircraftFileError,
            remap=(lambda loc: loc[1:]) if single else (lambda loc: loc),
        )
