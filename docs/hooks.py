"""MkDocs hooks: the pages the build makes from the package itself.

- ``gallery/``: the real cases, planned and drawn by ``docs/gallery/build.py``;
- ``http-api.md``: the HTTP API from the app's OpenAPI document;
- ``formats/*.schema.json`` and the file-format pages' schemas: the shipped schema files;
- ``data/``: the data sources and licences, the shipped ``*.md`` files beside the data;
- ``<!-- options: COMMAND -->`` in a page: that command's options, read from the CLI.

Nothing generated is written into ``docs/``: the files exist only in the built site.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

HERE = Path(__file__).parent

#: The shipped documents of the data, by the site path they get.
DATA_PAGES = {
    "data/airspace.md": ("overflight.data", "AIRSPACE.md"),
    "data/airports.md": ("overflight.data", "AIRFIELDS.md"),
    "data/runways.md": ("overflight.data", "RUNWAYS.md"),
    "data/airlines.md": ("overflight.data", "AIRLINES.md"),
    "data/disputed.md": ("overflight.data", "DISPUTED.md"),
    "data/winds.md": ("overflight.data", "WINDS.md"),
    "data/registry.md": ("overflight.registry", "REGISTRY.md"),
    "data/advisories.md": ("overflight.registry", "ADVISORIES.md"),
    "data/straits.md": ("overflight.scenarios", "STRAITS.md"),
    "data/LICENSE-ODbL.txt": ("overflight.data", "LICENSE-ODbL.txt"),
    "formats/scenario-reference.md": ("overflight.scenarios", "SCENARIOS.md"),
    "formats/scenario.schema.json": ("overflight.scenarios", "scenario.schema.json"),
    "formats/advisory.schema.json": ("overflight.registry", "advisory.schema.json"),
}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated pages and pictures to the site."""
    started = time.monotonic()

    def add(path: str, content: str | bytes) -> None:
        files.append(File.generated(config, path, content=content))

    for path, (package, name) in DATA_PAGES.items():
        add(path, package_files(package).joinpath(name).read_bytes())
    add("formats/aircraft.schema.json", _aircraft_schema())
    add("http-api.md", _http_api())
    gallery = _load(HERE / "gallery" / "build.py", "overflight_docs_gallery")
    gallery.render(lambda path, content: add(f"gallery/{path}", content))
    print(f"INFO    -  overflight pages generated in {time.monotonic() - started:.1f} s")
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Fill the markers: ``<!-- options: COMMAND -->``, ``<!-- schema: PACKAGE/FILE -->``."""
    for marker, make in (("<!-- options: ", _options), ("<!-- schema: ", _schema)):
        while marker in markdown:
            start = markdown.index(marker)
            end = markdown.index("-->", start)
            argument = markdown[start + len(marker) : end].strip()
            markdown = markdown[:start] + make(argument) + markdown[end + 3 :]
    return markdown


def _schema(name: str) -> str:
    """A shipped JSON Schema (``package/file``), or the aircraft profiles' (``aircraft``)."""
    if name == "aircraft":
        text = _aircraft_schema()
    else:
        package, file = name.split("/")
        text = package_files(package).joinpath(file).read_text(encoding="utf-8")
    return f"```json\n{text.rstrip()}\n```\n"


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _aircraft_schema() -> str:
    from overflight.aircraft import AircraftProfile

    return json.dumps(AircraftProfile.model_json_schema(), indent=2) + "\n"


def _options(command: str) -> str:
    """A table of a command's arguments and options, from the click command typer builds."""
    import typer.main

    from overflight.cli import app

    found: Any = typer.main.get_command(app)
    for word in command.split():
        found = getattr(found, "commands", {}).get(word)
        if found is None:
            raise ValueError(f"<!-- options: {command} -->: no such command")
    rows = ["| argument or option | what it is |", "|---|---|"]
    for param in found.params:
        if param.name == "help":
            continue
        if param.param_type_name == "argument":
            names = f"`{param.name.upper()}`"
        else:
            names = ", ".join(f"`{n}`" for n in (*param.opts, *param.secondary_opts))
        text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
        rows.append(f"| {names} | {text} |")
    return "\n".join(rows) + "\n"


def _http_api() -> str:
    """The API's paths, parameters and answers, from the OpenAPI document the app serves."""
    from overflight.web.app import create_app

    spec = create_app().openapi()
    lines = [
        "# HTTP API",
        "",
        f"`overflight serve` answers these paths (OpenAPI {spec['openapi']}, served at "
        "`/openapi.json`; this page is made from it by the documentation build). Every "
        'answer is JSON; errors are `{"error", "field", "message", "states"}` with '
        "the status codes listed in the [HTTP guide](guide/serve.md).",
        "",
    ]
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            lines += [f"## `{method.upper()} {path}`", ""]
            if operation.get("summary"):
                lines += [f"**{operation['summary']}**", ""]
            if operation.get("description"):
                lines += [operation["description"].strip(), ""]
            parameters = operation.get("parameters", [])
            if parameters:
                lines += ["| parameter | in | type | what it is |", "|---|---|---|---|"]
                for p in parameters:
                    kind = _type(p.get("schema", {}))
                    text = (p.get("description") or "").replace("\n", " ").replace("|", "\\|")
                    lines.append(f"| `{p['name']}` | {p['in']} | {kind} | {text} |")
                lines.append("")
            answers = [
                f"`{code}` {answer.get('description', '')}"
                for code, answer in operation.get("responses", {}).items()
            ]
            lines += ["Answers: " + "; ".join(answers) + ".", ""]
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        lines += ["## Shapes of the answers", ""]
        for name, schema in schemas.items():
            lines += [f"### {name}", ""]
            if schema.get("description"):
                lines += [schema["description"].strip().replace("\n", " "), ""]
            properties = schema.get("properties", {})
            if properties:
                lines += ["| field | type | what it is |", "|---|---|---|"]
                for field, about in properties.items():
                    text = (about.get("description") or "").replace("\n", " ").replace("|", "\\|")
                    lines.append(f"| `{field}` | {_type(about)} | {text} |")
                lines.append("")
    return "\n".join(lines) + "\n"


def _type(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(_type(s) for s in schema["anyOf"])
    if schema.get("type") == "array":
        return f"list of {_type(schema.get('items', {}))}"
    return str(schema.get("type", "any"))
