"""The ``serve`` command: the web map and HTTP API on a local port."""

from __future__ import annotations

import ipaddress
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
) -> None:
    """Serve the web map and the HTTP API (http://127.0.0.1:8000; schema at /openapi.json)."""
    # The server stack loads only for this command, so the others start fast.
    import uvicorn

    from overflight.web.app import create_app
    from overflight.web.limits import Limits

    if not _is_loopback(host):
        Console(stderr=True).print(
            f"[bold yellow]warning:[/] listening on {host}: anyone who can reach this address "
            "can use the server (no authentication, no TLS)",
            highlight=False,
        )
    shown = f"[{host}]" if ":" in host else host
    Console(stderr=True).print(f"overflight: serving on http://{shown}:{port}", highlight=False)
    app = create_app(Limits(time_limit_s=time_limit_s))
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
