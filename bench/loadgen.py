"""Concurrent HTTP load: wrk when it is installed, else an asyncio generator.

wrk (C, an event loop per thread) spends a small fraction of a core where the
servers under test spend whole cores, so it is not the bottleneck; ``make
bench`` installs it. The fallback keeps one asyncio connection per
concurrency slot with a prebuilt request and the least parsing that reads a
response; it is slower than wrk and the table says when it was used.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .settings import SETTINGS

LUA = Path(__file__).resolve().parent / "post.lua"


@dataclass(frozen=True)
class Load:
    tool: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors and timeouts

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "asyncio (wrk not installed)"


def post_json(url: str, body: dict[str, Any], connections: int, seconds: float) -> Load:
    if shutil.which("wrk"):
        return _wrk(url, body, connections, seconds)
    return asyncio.run(_async_load(url, json.dumps(body).encode(), connections, seconds))


def _wrk(url: str, body: dict[str, Any], connections: int, seconds: float) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(body, f)
    try:
        threads = max(1, min(SETTINGS.wrk_threads, connections))
        argv = [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "30s",
            "-s",
            str(LUA),
            url,
        ]
        out = subprocess.run(
            argv,
            env={**os.environ, "BENCH_BODY_FILE": f.name},
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        ).stdout
    finally:
        os.unlink(f.name)
    found = re.search(r"^BENCH_RESULT (.+)$", out, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    n, dur_us, p50, p99, status, *sock = (int(float(x)) for x in found.group(1).split())
    return Load("wrk", n, dur_us / 1e6, p50 / 1000, p99 / 1000, status + sum(sock))


async def _async_load(url: str, body: bytes, connections: int, seconds: float) -> Load:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = (
        f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def one_connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length:\s*(\d+)", head)
                if length:
                    await reader.readexactly(int(length.group(1)))
                latencies.append(time.perf_counter() - started)
                if not head[9:10] == b"2":
                    errors += 1
        except (OSError, asyncio.IncompleteReadError):
            errors += 1
        finally:
            writer.close()

    started = time.monotonic()
    await asyncio.gather(*(one_connection() for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return Load("asyncio", len(latencies), elapsed, pct(0.50), pct(0.99), errors)
