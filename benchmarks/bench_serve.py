"""Load on a real `overflight serve` over loopback: throughput, latency, errors, crashes, memory.

Starts the server as a user would (a fresh graph cache, warmed by one serial pass over the
requests so that the figures are those of cached denied sets), then sends a fixed, seeded mix of
route, fuel-stop, compare and chokepoint requests from N client threads, and records answers
per second, p50/p99 latency per kind, every status code, whether the server process survived,
and the peak resident memory of the server and its workers. Writes
``results/serve-<YYYYMMDD>.json`` and the README section.

    python -m benchmarks.bench_serve [--requests 10000] [--concurrency 16] [--workers N]
    python -m benchmarks.bench_serve --mix routes     # issue 16: routes only, concurrency 8

``--mix routes`` sends only the route requests (10 pairs x 4 denied sets, asked again and
again, as the issue's target reads), then ``--distinct`` route requests each asked once
(random pairs of the planner workload on two of the cached denied sets), so that every one of
those answers is planned: the server keeps answers by request, and the first figure alone
would measure that memory rather than the planner.

``--src DIR`` runs the server from another checkout's ``src`` (for a before/after comparison);
``--workers 0`` starts it without the ``--workers`` option (servers that predate it).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection, HTTPException
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from benchmarks.common import (
    Target,
    child_env,
    distribution_ms,
    fresh_cache_dir,
    machine_info,
    print_machine,
    require_shipped_data,
    write_results,
)

#: Seed of the request mix.
SEED = 20261203

#: Airport pairs and denied sets of the route requests (cached after the warm-up pass).
_PAIRS = (
    ("UUMU", "OSLK"),
    ("EFHK", "RJAA"),
    ("EDDF", "RKSI"),
    ("EGLL", "VIDP"),
    ("KJFK", "OMDB"),
    ("LFPG", "ZBAA"),
    ("VIDP", "KORD"),
    ("EDDF", "VTBS"),
    ("LTFM", "RJTT"),
    ("OMDB", "KLAX"),
)
_DENIED = ("BG,GR,TR", "RU,BY,UA", "RU,BY,UA,IR,IQ,SY,AF", "PK")


#: (kind, weight, request paths): mostly routes, as the page sends them.
def _mix() -> list[tuple[str, float, list[str]]]:
    routes = [
        f"/api/route?origin={o}&destination={d}&deny={deny}" for o, d in _PAIRS for deny in _DENIED
    ]
    return [
        ("route", 0.85, routes),
        (
            "fuel stops",
            0.05,
            [
                "/api/route?origin=EFHK&destination=RJAA&deny=RU,BY,UA&aircraft=A20N",
                "/api/route?origin=VIDP&destination=KORD&deny=PK&aircraft=B738",
            ],
        ),
        (
            "compare",
            0.05,
            [
                "/api/compare?origin=UUMU&destination=OSLK&case=BG,GR,TR&case=BG,GR,TR,IR",
                "/api/compare?origin=EFHK&destination=RJAA&case=&case=RU,BY,UA",
            ],
        ),
        (
            "chokepoints",
            0.05,
            [
                "/api/chokepoints?origin=UUMU&destination=OSLK&deny=BG,GR,TR&max_set_size=1",
            ],
        ),
    ]


def _routes_only() -> list[tuple[str, float, list[str]]]:
    return [entry for entry in _mix() if entry[0] == "route"]


def _distinct_routes(count: int) -> list[tuple[str, str]]:
    """Route requests never asked before: workload pairs on denied sets the warm-up cached."""
    from benchmarks.workload import random_pairs

    sets = ("RU,BY,UA", "RU,BY,UA,IR,IQ,SY,AF")  # inside conflict-26: no endpoint is denied
    return [
        (
            "distinct route",
            f"/api/route?origin={p.origin.code}&destination={p.destination.code}"
            f"&deny={sets[k % len(sets)]}",
        )
        for k, p in enumerate(random_pairs(count))
    ]


def _requests(count: int, mix: list[tuple[str, float, list[str]]]) -> list[tuple[str, str]]:
    """A seeded sequence of (kind, path)."""
    rng = random.Random(SEED)
    kinds = rng.choices(range(len(mix)), weights=[w for _, w, _ in mix], k=count)
    return [(mix[k][0], rng.choice(mix[k][2])) for k in kinds]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, MB (Linux /proc)."""
    total = 0.0
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += float(line.split()[1]) / 1024.0
    except OSError:
        return 0.0
    return total + sum(_rss_mb(int(c)) for c in children)


class _Sampler(threading.Thread):
    """Samples the server's memory every 0.2 s; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_mb, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.peak_mb = max(self.peak_mb, _rss_mb(self.pid))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument(
        "--mix",
        choices=("mixed", "routes"),
        default="mixed",
        help="mixed: 85 %% routes, 5 %% each fuel stops, compare, chokepoints; routes: routes "
        "only, then --distinct routes each asked once",
    )
    parser.add_argument("--concurrency", type=int, default=None, help="16 mixed, 8 routes")
    parser.add_argument("--distinct", type=int, default=1_000, help="routes asked once")
    parser.add_argument("--workers", type=int, default=None, help="server worker processes")
    parser.add_argument("--src", type=Path, default=None, help="run the server from this src")
    parser.add_argument("--label", default=None, help="serve (mixed), serve-routes (routes)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    routes = args.mix == "routes"
    args.concurrency = args.concurrency or (8 if routes else 16)
    args.label = args.label or ("serve-routes" if routes else "serve")
    require_shipped_data()
    info = machine_info()
    print_machine(info)

    port = _free_port()
    command = [sys.executable, "-m", "overflight", "serve", "--port", str(port)]
    if args.workers is None or args.workers > 0:
        command += ["--workers", str(args.workers or 2)]
    url = f"http://127.0.0.1:{port}"
    with fresh_cache_dir() as cache:
        env = child_env(OVERFLIGHT_CACHE_DIR=str(cache))
        if args.src is not None:
            env["PYTHONPATH"] = str(args.src.resolve())
        log = cache / "server.log"
        with log.open("wb") as out:
            server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            figures = _run(server, url, args)
        finally:
            server.terminate()
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
        figures["server_log_tail"] = log.read_text(errors="replace")[-2000:]

    figures["load_average_end"] = list(os.getloadavg())
    every = Counter(figures["statuses"]) + Counter(figures.get("distinct", {}).get("statuses"))
    server_errors = sum(n for s, n in every.items() if s.startswith("5") or s == "failed")
    load = f"route answers per second, {'routes only' if routes else 'mixed load'}"
    targets = [
        Target(
            load,
            None if not figures["throughput_rps"] else 1.0 / figures["throughput_rps"],
            1 / 30,
            1 / 100,
            "s/answer",
            f"1 / throughput at concurrency {args.concurrency}",
        ),
        Target(
            "5xx or failed requests",
            server_errors,
            0,
            0,
            "",
            f"of {figures['sent'] + figures.get('distinct', {}).get('sent', 0)}",
        ),
    ]
    if routes:
        targets.insert(1, _p99_target(figures["latency"].get("route"), "asked again", args))
        distinct = figures["distinct"]
        targets[2:2] = [
            Target(
                "route answers per second, each planned",
                None if not distinct["throughput_rps"] else 1.0 / distinct["throughput_rps"],
                1 / 30,
                1 / 100,
                "s/answer",
                f"1 / throughput, {distinct['sent']} distinct routes at concurrency "
                f"{args.concurrency}",
            ),
            _p99_target(distinct["latency"].get("distinct route"), "each planned", args),
        ]
    summary = [
        f"- Server: `{' '.join(command[2:])}` on 127.0.0.1"
        f"{f' (code from {args.src})' if args.src else ''}; {figures['sent']} requests from "
        f"{args.concurrency} client threads (seed {SEED}); the graph cache warmed by one serial "
        f"pass over the {figures['distinct_requests']} distinct requests "
        f"({len(figures['left_out'])} left out: not answered 200 when warming).",
        f"- Throughput {figures['throughput_rps']:.1f} answers/s over {figures['seconds']:.1f} s; "
        f"statuses {figures['statuses']}; server alive at the end: {figures['server_alive']}; "
        f"peak RSS of the server and its workers {figures['peak_rss_mb']:.0f} MB.",
        *(
            f"- {kind}: {d['n']} answers, p50 {d['p50']:.1f} ms, p99 {d['p99']:.1f} ms"
            for kind, d in figures["latency"].items()
        ),
    ]
    if routes:
        distinct = figures["distinct"]
        summary += [
            f"- Then {distinct['sent']} distinct routes, each asked once (every answer planned): "
            f"{distinct['throughput_rps']:.1f} answers/s over {distinct['seconds']:.1f} s; "
            f"statuses {distinct['statuses']}; mean latency of each client (its connection "
            f"stays on one worker) {_spread(distinct['client_mean_ms'])} ms",
            *(
                f"- {kind}: {d['n']} answers, p50 {d['p50']:.1f} ms, p99 {d['p99']:.1f} ms"
                for kind, d in distinct["latency"].items()
            ),
        ]
    summary.append(
        f"- Load average at the start {info['load_average'][0]:.2f}, at the end "
        f"{figures['load_average_end'][0]:.2f}; the {args.concurrency} client threads run on the "
        f"same {info['usable_cores']} cores as the server."
    )
    for line in summary:
        print(line)
    kwargs = {} if args.out is None else {"out_dir": args.out}
    path = write_results(args.label, info, figures, targets, summary, **kwargs)
    print(f"results : {path}")


def _spread(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" for v in values)


def _p99_target(latency: dict[str, Any] | None, how: str, args: argparse.Namespace) -> Target:
    return Target(
        f"route p99 at concurrency {args.concurrency}, {how}",
        None if latency is None else latency["p99"],
        100.0,
        100.0,
        "ms",
        "issue 16",
    )


def _run(server: subprocess.Popen[bytes], url: str, args: argparse.Namespace) -> dict[str, Any]:
    deadline = time.monotonic() + 120.0
    while True:
        try:
            if httpx.get(f"{url}/api/states", timeout=2.0).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("the server did not start")
        time.sleep(0.2)
    jobs = _requests(args.requests, _routes_only() if args.mix == "routes" else _mix())
    distinct = sorted(set(jobs))
    refused: list[str] = []
    with httpx.Client(base_url=url, timeout=120.0) as client:
        for _, path in distinct:  # builds every graph once, serially
            if client.get(path).status_code != 200:
                refused.append(path)  # an endpoint inside denied airspace: not load
    jobs = [job for job in jobs if job[1] not in refused]
    sampler = _Sampler(server.pid)
    sampler.start()
    figures = _load(url, jobs, args.concurrency)
    if args.mix == "routes":
        figures["distinct"] = _load(url, _distinct_routes(args.distinct), args.concurrency)
    sampler.done.set()
    sampler.join()
    return {
        "mix": args.mix,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "distinct_requests": len(distinct),
        "left_out": refused,
        **figures,
        "server_alive": server.poll() is None,
        "peak_rss_mb": sampler.peak_mb,
    }


def _load(url: str, jobs: list[tuple[str, str]], concurrency: int) -> dict[str, Any]:
    """Send ``jobs`` from ``concurrency`` client threads: throughput, statuses, latency.

    Each thread keeps one HTTP/1.1 connection (as a browser does) through the standard
    library's client: httpx spent 1.5 ms of processor time per request at concurrency 8
    (3 ms with planned answers), a fifth of the two cores the server shares with it, where
    this client spends 0.35 ms.
    """
    where = urlsplit(url)
    host, port = where.hostname or "127.0.0.1", where.port
    local = threading.local()

    def send(job: tuple[str, str]) -> tuple[str, str, float, int]:
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = HTTPConnection(host, port, timeout=120)
        t0 = time.perf_counter()
        try:
            connection.request("GET", job[1])
            response = connection.getresponse()
            response.read()
            status = str(response.status)
            if response.will_close:
                connection.close()
                local.connection = None
        except (OSError, HTTPException):
            connection.close()
            local.connection = None
            status = "failed"
        return job[0], status, time.perf_counter() - t0, threading.get_ident()

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(send, jobs))
    seconds = time.perf_counter() - started
    latency: dict[str, Any] = {}
    for kind in dict.fromkeys(k for k, _, _, _ in results):
        times = [t for k, s, t, _ in results if k == kind and s == "200"]
        if times:
            latency[kind] = distribution_ms(times)
    # Each client keeps its connection, and so its server worker: the spread of the clients'
    # mean latencies shows how evenly the connections fell on the workers.
    by_client: dict[int, list[float]] = {}
    for _, _, t, client in results:
        by_client.setdefault(client, []).append(t)
    ok = sum(1 for _, s, _, _ in results if s == "200")
    return {
        "sent": len(jobs),
        "seconds": seconds,
        "throughput_rps": ok / seconds,
        "statuses": dict(Counter(s for _, s, _, _ in results)),
        "latency": latency,
        "client_mean_ms": sorted(1000 * sum(t) / len(t) for t in by_client.values()),
    }


if __name__ == "__main__":
    main()
