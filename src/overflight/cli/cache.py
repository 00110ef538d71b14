"""The ``cache`` command: what the graph cache on disk holds, and emptying it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from overflight.cli._common import exit_on_error
from overflight.cli.app import app

__all__ = ["cache"]


class CacheAction(StrEnum):
    """What `cache` does."""

    info = "info"
    clear = "clear"


@app.command()
def cache(
    action: Annotated[
        CacheAction,
        typer.Argument(
            help="info: what the cache holds; clear: remove every cached graph and parsed table."
        ),
    ] = CacheAction.info,
) -> None:
    """The graphs kept on disk between runs: show what the cache holds, or empty it.

    The cache is kept under OVERFLIGHT_CACHE_MAX_MB megabytes (least recently used
    graphs go first) in OVERFLIGHT_CACHE_DIR/graphs, by default in the user's cache
    directory. The shipped tables parsed for fast starts are kept beside it in
    OVERFLIGHT_CACHE_DIR/data. A removed graph is built again when a plan needs it, a removed
    table parsed again at the next start.
    """
    from overflight.data.packed import clear_packed, packed_dir, packed_size
    from overflight.routing.graph_cache import LIMIT_ENV, cache_info, clear_cache

    with exit_on_error():
        info = cache_info()  # reads the limit: a bad OVERFLIGHT_CACHE_MAX_MB is said first
        if action is CacheAction.clear:
            freed = clear_cache()
            tables, table_bytes = clear_packed()
            typer.echo(
                f"removed {freed.files} file{'' if freed.files == 1 else 's'}, "
                f"{_mb(freed.size_bytes)} freed, from {info.directory}\n"
                f"removed {tables} parsed table{'' if tables == 1 else 's'}, "
                f"{_mb(table_bytes)} freed, from {packed_dir()}"
            )
            return
    tables, table_bytes = packed_size()
    lines = [
        ("directory", str(info.directory)),
        ("files", f"{info.files:,}"),
        ("size", _mb(info.size_bytes)),
        ("limit", f"{_mb(info.limit_bytes)} ({LIMIT_ENV})"),
        ("oldest", _time(info.oldest)),
        ("newest", _time(info.newest)),
        ("tables", f"{tables} parsed, {_mb(table_bytes)} in {packed_dir()}"),
    ]
    typer.echo("\n".join(f"{name:<10}{value}" for name, value in lines))


def _mb(size_bytes: int) -> str:
    return f"{size_bytes / 1e6:,.1f} MB"


def _time(when: datetime | None) -> str:
    return "-" if when is None else f"{when:%Y-%m-%d %H:%M:%S} UTC (last used)"
