"""A real `overflight serve` under concurrent clients: no crash, serial answers, Host checks.

The server plans in worker processes, each with a pool of planning threads; a worker that dies
is restarted by the supervisor while the server keeps its port.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.web_server import start_server, stop_server

THREADS = 8

#: Requests of every planning kind: route, fuel stops, a scenario, compare, chokepoints.
REQUESTS = (
    "/api/route?origin=UUMU&destination=OSLK&deny=BG,GR,TR",
    "/api/route?origin=EFHK&destination=RJAA&deny=RU,BY,UA&aircraft=A20N",
    "/api/route?origin=UUMU&destination=OSLK&scenario=syria-2015",
    "/api/compare?origin=UUMU&destination=OSLK&case=BG,GR,TR&case=BG,GR,TR,IR",
    "/api/chokepoints?origin=UUMU&destination=OSLK&deny=BG,GR,TR&max_set_size=1",
)


@pytest.fixture(scope="module")
def two_workers(
    private_graph_cache: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, int, Path]]:
    """A server with two worker processes: its URL, the supervisor's pid and its log."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    process, url = start_server("--workers", "2", log=log)
    yield url, process.pid, log
    stop_server(process)
    assert "Traceback" not in log.read_text(), log.read_text()


def _answer(client: httpx.Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.text)
    data: dict[str, Any] = response.json()
    data.pop("seconds", None)  # how long a chokepoint search took
    return data


def test_every_kind_of_request_from_eight_clients_answers_as_serially(
    two_workers: tuple[str, int, Path],
) -> None:
    url, _, _ = two_workers
    with httpx.Client(base_url=url, timeout=120.0) as client:
        serial = {path: _answer(client, path) for path in REQUESTS}
    jobs = [REQUESTS[k % len(REQUESTS)] for k in range(4 * THREADS)]
    barrier = threading.Barrier(THREADS)

    def run(path: str) -> dict[str, Any]:
        barrier.wait(timeout=120)
        with httpx.Client(base_url=url, timeout=120.0) as client:
            return _answer(client, path)

    started = time.monotonic()
    with ThreadPoolExecutor(THREADS) as pool:
        answers = list(pool.map(run, jobs, timeout=600))
    assert time.monotonic() - started < 600
    for path, answer in zip(jobs, answers, strict=True):
        assert answer == serial[path], path


def _workers(supervisor: int) -> list[int]:
    """Pids of the supervisor's worker processes (its children but the resource tracker)."""
    children = Path(f"/proc/{supervisor}/task/{supervisor}/children").read_text().split()
    return [
        int(pid)
        for pid in children
        if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_a_worker_that_dies_is_restarted_and_the_server_answers(
    two_workers: tuple[str, int, Path],
) -> None:
    url, supervisor, _ = two_workers
    before = _workers(supervisor)
    assert len(before) == 2
    for pid in before:
        os.kill(pid, signal.SIGKILL)  # as a crash in a native library would end it
    deadline = time.monotonic() + 60.0
    while True:
        try:
            if httpx.get(f"{url}{REQUESTS[0]}", timeout=30.0).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "no worker came back"
        time.sleep(0.5)
    after = _workers(supervisor)
    assert len(after) == 2
    assert not set(after) & set(before)


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "127.0.0.1:{port}", "localhost:{port}", "[::1]:{port}"]
)
def test_the_server_answers_for_its_own_names(server: str, host: str) -> None:
    port = server.rsplit(":", 1)[1]
    response = httpx.get(f"{server}/api/states", headers={"Host": host.format(port=port)})
    assert response.status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1.evil.example"])
def test_a_foreign_host_header_is_refused(server: str, host: str) -> None:
    """DNS rebinding: a page on another site whose name resolves to 127.0.0.1."""
    port = server.rsplit(":", 1)[1]
    shown = host.format(port=port)
    response = httpx.get(f"{server}/api/states", headers={"Host": shown})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_host"
    assert body["field"] == "Host"
    assert shown in body["message"]
    assert "127.0.0.1" in body["message"]
