"""What an answer was computed with: overflight's version and the versions of its data.

Every JSON output carries these (``versions``) and ``overflight --version`` prints them, so
that a route can be traced to the code, the airspace polygons, the airport table and the
registry's knowledge date that made it.

>>> sorted(data_versions())
['airports', 'airspace', 'overflight', 'registry_as_of']
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import sys
import zlib
from functools import cache
from importlib.resources import files
from typing import Any

import numpy as np

from overflight.data.airspace import AIRSPACE_FILE, data_fingerprint
from overflight.data.packed import pack_strings, packed_latest, unpack_strings

__all__ = ["data_versions", "package_version"]

#: Bytes of the compressed airspace file that hold its header (the source metadata comes
#: before the features, about 900 bytes of text).
_HEADER_BYTES = 8192


def package_version() -> str:
    """The installed version of overflight (pyproject.toml is its one source)."""
    return _installed()["overflight"] or "0+unknown"


def data_versions() -> dict[str, Any]:
    """The versions of the code and of the shipped data, as JSON-ready data.

    ``overflight`` (the package), ``airspace`` (a hash of the shipped polygons and the
    source they were built from), ``airports`` (the airportsdata release) and
    ``registry_as_of`` (the registry's knowledge date). A fresh copy each time: callers
    put it into JSON they may change.
    """
    return copy.deepcopy(_versions())


@cache
def _versions() -> dict[str, Any]:
    installed = _installed()
    return {
        "overflight": package_version(),
        "airspace": _airspace_version(),
        "airports": {"airportsdata": installed["airportsdata"]},
        "registry_as_of": _registry_as_of(),
    }


#: The distributions whose versions an answer names.
_DISTRIBUTIONS = ("overflight", "airportsdata")


@cache
def _installed() -> dict[str, str | None]:
    """The installed versions of overflight and airportsdata, kept in the cache directory.

    Asking ``importlib.metadata`` costs a one-shot command 7 to 10 ms: it lists every
    directory of the path and parses the package's metadata as e-mail headers. The answer is
    kept under the path's directories and their modification times, which installing,
    upgrading or removing a distribution changes (``importlib.metadata`` keys its own
    look-ups on them within a process).
    """
    kept = packed_latest("versions-1", _path_key(), _look_up)
    found = json.loads(unpack_strings(kept["versions"])[0])
    return {name: found.get(name) for name in _DISTRIBUTIONS}


def _look_up() -> dict[str, np.ndarray]:
    """The versions as installed, asked of the distributions' metadata."""
    from importlib.metadata import PackageNotFoundError, version  # loads the e-mail parser

    found: dict[str, str | None] = {}
    for name in _DISTRIBUTIONS:
        try:
            found[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - run from a source tree never installed
            found[name] = None
    return {"versions": pack_strings([json.dumps(found)])}


def _path_key() -> str:
    """The path's directories (absolute) and their modification times, as one digest."""
    digest = hashlib.sha256()
    for entry in sys.path:
        where = os.path.abspath(entry or os.curdir)
        try:
            stamp = os.stat(where).st_mtime_ns
        except OSError:
            stamp = -1
        digest.update(f"{where}\0{stamp}\0".encode())
    return digest.hexdigest()[:16]


def _airspace_version() -> dict[str, Any]:
    """The polygons' hash and their source, from the header of the file alone.

    Parsing the whole file takes a quarter of a second; the header is at its start.
    """
    with files("overflight.data").joinpath(AIRSPACE_FILE).open("rb") as handle:
        raw = handle.read(_HEADER_BYTES)
    text = zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(raw).decode("utf-8", "replace")
    start = text.index('"overflight":') + len('"overflight":')
    header, _ = json.JSONDecoder().raw_decode(text[start:].lstrip())
    source = header["source"]
    return {
        "sha256": data_fingerprint(),
        "source": f"{source['package']}@{source['version']}",
        "content": source["content"],
    }


#: The ``as_of`` line of ``registry.yaml``: a date at the start of a line, maybe quoted.
_AS_OF = re.compile(r"""^as_of:[ \t]*(["']?)(\d{4}-\d{2}-\d{2})\1[ \t]*(#.*)?$""", re.MULTILINE)


def _registry_as_of() -> str:
    """The registry's knowledge date, read from ``registry.yaml`` alone.

    The registry's own reader (``overflight.registry``) loads pydantic, a second's start-up
    that a plain route never pays otherwise; the line is found without a YAML parser, which
    reads the file only when the line is written some other way.
    """
    text = files("overflight").joinpath("registry/registry.yaml").read_text(encoding="utf-8")
    found = _AS_OF.search(text)
    if found is not None:
        return found.group(2)
    import yaml

    return str(yaml.safe_load(text)["as_of"])
