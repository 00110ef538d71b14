"""The JSON Schema of scenario files, for editors and other tools.

The schema is generated from the pydantic models; the copy shipped beside this module
(``scenario.schema.json``) is rewritten with ``python -m overflight.scenarios._schema`` and a
test fails whenever it differs from the generated one. Editors that read YAML with JSON
Schema pick it up from a first line such as
``# yaml-language-server: $schema=<path to>/scenario.schema.json``.
"""

from __future__ import annotations

import json
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

from overflight.scenarios._scenario import Scenario

__all__ = ["SCHEMA_FILE", "json_schema", "schema_text", "write_json_schema"]

#: Name of the shipped schema file inside the package.
SCHEMA_FILE = "scenario.schema.json"


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file.

    >>> schema = json_schema()
    >>> schema["title"], sorted(schema["properties"])[:4]
    ('overflight permission scenario', ['assumptions', 'avoid', 'date', 'default'])
    """
    schema = Scenario.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    """The schema as the shipped file holds it: indented JSON, one final newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_json_schema(path: str | os.PathLike[str] | None = None) -> Path:
    """Write the schema to ``path`` (default: the file shipped in the package); return it."""
    target = (
        Path(path) if path is not None else Path(str(files("overflight.scenarios"))) / SCHEMA_FILE
    )
    target.write_text(schema_text(), encoding="utf-8")
    return target


if __name__ == "__main__":
    write_json_schema()
