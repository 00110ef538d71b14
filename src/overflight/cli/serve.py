"""The ``serve`` command: the web map and HTTP API on a local port."""

from __future__ import annotations

import ipaddress
import json
import os
from typing import Annotated

import typer
from rich.console import Console

from overflight.cli.app import app

__all__ = ["serve"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed_hosts(host: str, extra: list[str]) -> list[str] | None:
    """The host names the server answers for: its address, loopback names, the user's.

    A server listening on every address (0.0.0.0, ::) cannot know its names: it answers for any
    unless the user names them.
    """
    if host in ("0.0.0.0", "::", ""):
        return sorted(set(extra)) if extra else None
    names = {host.strip("[]").lower(), *(h.lower() for h in extra)}
    if _is_loopback(host):
        names |= {"localhost", "127.0.0.1", "::1"}
    return sorted(names)


def _default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@app.command()
def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    time_limit_s: Annotated[
        float,
        typer.Option("--time-limit-s", min=1.0, help="Longest a planning request may take."),
    ] = 60.0,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes planning at once (default: one per core); one that dies "
            "is restarted.",
        ),
    ] = None,
    allow_host: Annotated[
        list[str],
        typer.Option(
            "--allow-host",
            help="A further host name the server answers to (repeatable); requests naming "
            "any other host are refused.",
        ),
    ] = [],  # noqa: B006 - typer reads the default, never mutates it
) -> None:
    """Serve the web map and the HTTP API (http://127.0.0.1:8000; schema at /openapi.json)."""
    # The server stack loads only for this command, so the others start fast.
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from overflight.web.app import SERVE_SETTINGS_VARIABLE

    if not _is_loopback(host):
        Console(stderr=True).print(
            f"[bold yellow]warning:[/] listening on {host}: anyone who can reach this address "
            "can use the server (no authentication, no TLS)",
            highlight=False,
        )
    count = workers or _default_workers()
    shown = f"[{host}]" if ":" in host else host
    Console(stderr=True).print(
        f"overflight: serving on http://{shown}:{port} ({count} worker process"
        f"{'es' if count > 1 else ''})",
        highlight=False,
    )
    # The workers are new processes: they read their settings from the environment.
    os.environ[SERVE_SETTINGS_VARIABLE] = json.dumps(
        {"time_limit_s": time_limit_s, "allowed_hosts": _allowed_hosts(host, allow_host)}
    )
    config = uvicorn.Config(
        "overflight.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=count,
        log_level="warning",
        server_header=False,
    )
    # A supervisor even for one worker: it restarts a worker process that dies.
    Multiprocess(config, sockets=[config.bind_socket()]).run()
