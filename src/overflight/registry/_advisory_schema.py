"""The JSON Schema of advisory files, for editors and other tools.

Generated from the pydantic models (:class:`AdvisoryFile`); the copy shipped beside this module
(``advisory.schema.json``) is rewritten with ``python -m overflight.registry._advisory_schema``
and a test fails whenever it differs from the generated one. An editor that reads YAML with JSON
Schema picks it up from a first line such as
``# yaml-language-server: $schema=<path to>/advisory.schema.json``.
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path
from typing import Any

from overflight.registry._advisories import AdvisoryFile

__all__ = ["ADVISORY_SCHEMA_FILE", "advisory_json_schema", "advisory_schema_text"]

#: Name of the shipped schema file inside the package.
ADVISORY_SCHEMA_FILE = "advisory.schema.json"


def advisory_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of an advisory file.

    >>> sorted(advisory_json_schema()["properties"])[:3]
    ['advisories', 'assumptions', 'description']
    """
    schema = AdvisoryFile.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def advisory_schema_text() -> str:
    """The schema as the shipped file holds it: indented JSON, one final newline."""
    return json.dumps(advisory_json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    target = Path(str(files("overflight.registry"))) / ADVISORY_SCHEMA_FILE
    target.write_text(advisory_schema_text(), encoding="utf-8")
