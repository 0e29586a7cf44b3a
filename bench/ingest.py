"""What an accepted delivery costs at the edge, relative to the framework's floor.

Baseline: ``GET /healthz`` through the same test client (routing, the app
context, JSON out). Then a JSON delivery, a form delivery (unflatten +
coercion), and a rejected one (validation with every problem explained, plus
the history row). Ratios are per request, in this process.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from .env import relay

N = 400
ROUNDS = 3
LEAD = {
    "type": "PERSON",
    "firstName": "Jane",
    "lastName": "Doe",
    "email": "jane@example.com",
    "value": "HIGH",
}


def per_request(fn: Callable[[], object]) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        for _ in range(N):
            fn()
        samples.append((time.perf_counter() - started) / N)
    return statistics.median(samples)


def main() -> None:
    with relay() as bench:
        path = bench.hook("leads.create")
        client = bench.app.test_client()
        cases: dict[str, Callable[[], object]] = {
            "GET /healthz (baseline)": lambda: client.get("/healthz"),
            "JSON delivery, accepted": lambda: client.post(path, json=LEAD),
            "form delivery, accepted": lambda: client.post(path, data=LEAD),
            "invalid delivery, rejected": lambda: client.post(
                path, json={"type": "PERSON", "emial": "x", "value": "huge"}
            ),
        }
        for fn in cases.values():
            fn()  # warm-up
        timings = {name: per_request(fn) for name, fn in cases.items()}
    base = timings["GET /healthz (baseline)"]
    print(f"ingest: {N} requests x {ROUNDS} rounds, median per request, ratio to baseline")
    print(f"  (baseline here: {base * 1e6:.0f} us per request)")
    for name, seconds in timings.items():
        print(f"  {name:<28} x{seconds / base:6.2f}")
