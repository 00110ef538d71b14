"""A real server on 127.0.0.1: `overflight serve` in a subprocess, on a free port."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.web_server import start_server, stop_server


@pytest.fixture(scope="session")
def server(private_graph_cache: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of a server started as a user would, with every default."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    process, url = start_server(log=log)
    yield url
    stop_server(process)
    # Whatever the tests asked, the server never failed inside.
    assert "Traceback" not in log.read_text(), log.read_text()


@pytest.fixture(scope="session")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=120.0) as c:
        yield c
