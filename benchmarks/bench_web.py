#!/usr/bin/env python3
"""Load on `lagesbild serve`: 50 concurrent connections on loopback against the kommun page, an area
page and the API; requests per second and p50/p95/p99 latency. Also the PDF time for Norrköping.

Uses wrk (Debian package) when installed, else a bounded asyncio client with httpx (which competes with
the server for the two cores, so its latencies are an upper bound). Goal: p95 under 50 ms for the area
page and the API. Prints numbers only; every request loop is bounded in count and time.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

URLS = ["/kommun/0581", "/omrade/0581C1100", "/api/v1/areas?kommun=0581"]
CONNECTIONS = 50
DURATION_S = 10
MAX_REQUESTS = 20_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str) -> str:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION_S}s", "--latency", url],
                         capture_output=True, text=True, timeout=DURATION_S + 30).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    pct = dict(re.findall(r"\s(50|75|90|99)%\s+([\d.]+\w+)", out))
    return f"{float(rps.group(1)) if rps else 0:8.0f} req/s  p50 {pct.get('50')}  p90 {pct.get('90')}  " \
           f"p99 {pct.get('99')}  (wrk, no p95 in its output)"


async def python_load(url: str) -> str:
    latencies: list[float] = []
    deadline = time.perf_counter() + DURATION_S
    limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        async def worker() -> None:
            while time.perf_counter() < deadline and len(latencies) < MAX_REQUESTS:
                t = time.perf_counter()
                r = await client.get(url)
                r.raise_for_status()
                latencies.append(time.perf_counter() - t)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
        elapsed = time.perf_counter() - start
    ms = np.array(latencies) * 1000
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return (f"{len(ms) / elapsed:8.0f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms  "
            f"(httpx, n={len(ms)})")


def main() -> None:
    db = os.environ.get("LAGESBILD_DB") or str(Path(tempfile.mkdtemp()) / "bench.sqlite")
    exe = Path(sys.executable).parent / "lagesbild"
    if not Path(db).exists():
        subprocess.run([str(exe), "--db", db, "data", "build"], check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen([str(exe), "--db", db, "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if httpx.get(base + "/api/v1/indicators", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        for url in URLS:
            httpx.get(base + url, timeout=60).raise_for_status()  # warm the page caches first
        use_wrk = shutil.which("wrk") is not None
        for url in URLS:
            line = wrk(base + url) if use_wrk else asyncio.run(python_load(base + url))
            print(f"{url:<32} {line}")
        if use_wrk:
            for url in URLS:  # p95 as well, from the Python client
                print(f"{url:<32} {asyncio.run(python_load(base + url))}")
    finally:
        server.terminate()
        server.wait(timeout=20)
    out = Path(tempfile.mkdtemp()) / "0581.pdf"
    t = time.perf_counter()
    subprocess.run([str(exe), "--db", db, "report", "--kommun", "0581", "--out", str(out)], check=True,
                   capture_output=True)
    print(f"PDF Norrköping (whole command): {time.perf_counter() - t:.1f} s, {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
