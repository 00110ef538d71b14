"""Option values converted without pydantic, as typer would convert them.

Typer (0.2x) converts every option's value through a pydantic ``TypeAdapter`` that it builds
for each parameter of the command run: importing pydantic and building some 30 adapters cost a
quarter of a second at every ``overflight route``, longer than planning the route. The values
our commands take are plain (text, numbers, paths, dates in a format, choices, lists of
these), so :func:`convert_plainly` gives each parameter of a command a converter that makes
those values itself and hands anything else, and every value it would not accept, to typer's
own converter, which converts it or makes typer's own error message. A value is therefore
converted exactly as typer converts it (``tests/cli/test_startup.py`` holds the two equal);
pydantic loads only for an unusual value, an option with bounds, or a bad value.

Typer offers no public hook for this: the converter is the parameter's ``_runtime_param``,
built on first use. A typer without it (older versions converted through click's types,
without pydantic) is left as it is.
"""

from __future__ import annotations

import datetime as dt
import enum
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, get_args, get_origin

if TYPE_CHECKING:
    from typer import _click as click

__all__ = ["UNSET", "PlainConverter", "convert_plainly", "plain_value"]


class _Unset(enum.Enum):
    """The mark of a value left to typer's converter."""

    UNSET = enum.auto()


UNSET = _Unset.UNSET

#: Numbers as typed, in the forms whose value every parser agrees on.
_INT = re.compile(r"-?[0-9]+")
_FLOAT = re.compile(r"-?[0-9]+(\.[0-9]+)?")


class _Converter(Protocol):
    """What typer calls to convert a parameter's value (its ``RuntimeParam``)."""

    def coerce(self, value: Any, param: Any, ctx: click.Context) -> Any:
        """The value converted, or typer's ``BadParameter``."""


def plain_value(value: Any, annotation: Any, info: Any, ctx: click.Context | None) -> Any:
    """``value`` converted to ``annotation`` as typer converts it, or :data:`UNSET`.

    ``info`` is typer's ``ParameterInfo`` of the parameter. :data:`UNSET` means the value is
    not one this function makes (typer's own converter decides, and names a bad value).
    """
    if get_origin(annotation) is list:
        if not isinstance(value, list | tuple):
            return UNSET
        (item_type,) = get_args(annotation)
        items = [_leaf(item, item_type, info, ctx) for item in value]
        return UNSET if any(item is UNSET for item in items) else items
    return _leaf(value, annotation, info, ctx)


def _leaf(value: Any, annotation: Any, info: Any, ctx: click.Context | None) -> Any:
    """One value of a plain type, or :data:`UNSET`."""
    if getattr(info, "parser", None) is not None:
        return UNSET
    if annotation is str:
        return value if isinstance(value, str) else UNSET
    if annotation is int or annotation is float:
        return _number(value, annotation, info)
    if annotation is dt.datetime:
        return _date(value, info)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _choice(value, annotation, info, ctx)
    if annotation is Path:
        return _path(value, info)
    return UNSET


def _number(value: Any, annotation: type[Any], info: Any) -> Any:
    if info.min is not None or info.max is not None:
        return UNSET  # bounds: typer's message names them
    if type(value) is annotation:
        return value
    if annotation is float and type(value) is int:
        return float(value)
    pattern = _INT if annotation is int else _FLOAT
    if isinstance(value, str) and value.isascii() and pattern.fullmatch(value):
        return annotation(value)
    return UNSET


def _date(value: Any, info: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value
    if not info.formats or not isinstance(value, str):
        return UNSET
    for form in info.formats:  # the first format that reads it, as typer tries them
        try:
            return dt.datetime.strptime(value, form)
        except ValueError:
            continue
    return UNSET


def _choice(value: Any, annotation: type[enum.Enum], info: Any, ctx: click.Context | None) -> Any:
    if isinstance(value, annotation):
        return value
    if not isinstance(value, str) or not info.case_sensitive:
        return UNSET
    if ctx is not None and ctx.token_normalize_func is not None:
        return UNSET
    return next((member for member in annotation if str(member.value) == value), UNSET)


def _path(value: Any, info: Any) -> Any:
    checked = (
        info.exists,
        info.resolve_path,
        info.allow_dash,
        info.writable,
        not info.file_okay,
        not info.dir_okay,
        info.path_type is not None,
    )
    if any(checked) or not isinstance(value, str | Path) or value == "":
        return UNSET
    path = Path(value)
    if info.readable and os.path.exists(path) and not os.access(path, os.R_OK):
        return UNSET  # typer says it is not readable
    return path


class PlainConverter:
    """A parameter's converter: plain values made here, the others by typer's converter."""

    def __init__(self) -> None:
        self._typer: _Converter | None = None

    def coerce(self, value: Any, param: Any, ctx: click.Context) -> Any:
        """The value as typer's converter would return it."""
        many = param.multiple or param.nargs == -1
        if value is None:
            return () if many else None
        if not (many and isinstance(value, str)):
            descriptor = param.type_descriptor
            found = plain_value(value, descriptor.annotation, descriptor.parameter_info, ctx)
            if found is not UNSET:
                return found
        return self._typers(param).coerce(value, param=param, ctx=ctx)

    def _typers(self, param: Any) -> _Converter:
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(param.type_descriptor)
        return self._typer


def convert_plainly(command: click.Command, ctx: click.Context) -> click.Command:
    """Give each parameter of ``command`` (its help option too) the plain converter.

    Returns the command.
    """
    for param in command.get_params(ctx):
        if hasattr(param, "type_descriptor") and getattr(param, "_runtime_param", UNSET) is None:
            param._runtime_param = PlainConverter()  # type: ignore[attr-defined]
    return command
