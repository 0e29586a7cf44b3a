"""Ingest as users feel it: the relay under ``esqase-relay serve`` against the floor app.

Both are served by the same gunicorn command line (the floor's is the relay's,
read from /proc after ``serve`` exec'd it, with only the port and the app
swapped), both on one private Redis, both loaded by wrk posting the schema's
example lead. Relay and floor alternate, round after round, at each
concurrency, so a machine that gets busier halfway through skews both alike;
medians over the rounds are printed (req/s, p50, p99), and the relay/floor
ratios with the lowest and highest round's. The per-hook rate limit is off (it would
measure the limit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from statistics import median

from . import loadgen
from .harness import (
    DB_NAMES,
    LEAD,
    WORK,
    Proc,
    Relay,
    available_dbs,
    free_port,
    private_redis,
    relay_on,
    wait_http,
)
from .report import Table, ms, section, show
from .settings import SETTINGS


def floor_argv(relay: Relay, port: int) -> list[str]:
    """The relay's gunicorn command line with the floor's port and app spec."""
    argv = relay.proc.cmdline()
    out, skip = [], False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg in ("--bind", "-b"):
            out += [arg, f"127.0.0.1:{port}"]
            skip = True
        elif arg.startswith("--bind="):
            out.append(f"--bind=127.0.0.1:{port}")
        elif i == len(argv) - 1:
            out.append("bench.floor:create_app()")  # gunicorn's APP_MODULE comes last
        else:
            out.append(arg)
    return out


@contextmanager
def floor_app(relay: Relay, redis_url: str) -> Iterator[str]:
    port = free_port()
    env = {**relay.env, "BENCH_REDIS_URL": redis_url, "BENCH_FLOOR_QUEUE": "floor"}
    proc = Proc("floor-web", floor_argv(relay, port), env, WORK.new("floor-web"))
    try:
        url = f"http://127.0.0.1:{port}"
        wait_http(f"{url}/healthz", proc)
        yield f"{url}/hooks/floor"
    finally:
        proc.stop()


def main() -> None:
    section("ingest: relay (esqase-relay serve) vs floor app, same gunicorn command line")
    table = Table(
        f"ingest, {loadgen.tool()} -t{SETTINGS.wrk_threads}: median of {SETTINGS.rounds} rounds "
        f"of {SETTINGS.duration:g} s per app (ratio: median, lowest-highest round), "
        "POST the example lead (JSON)",
        "database|conns|relay req/s|floor req/s|relay/floor|relay p50|relay p99|floor p50|"
        "floor p99|p99 relay/floor",
    )
    with private_redis() as redis_url:
        for db in available_dbs(SETTINGS.dbs):
            with relay_on(db, redis_url) as relay:
                # Nothing drains the queue here, so the base URL is never called.
                _, hook_url = relay.hook(relay.connection("http://127.0.0.1:9"))
                with floor_app(relay, redis_url) as floor_url:
                    if not table.notes:
                        table.note("relay: " + " ".join(relay.proc.cmdline()[1:]))
                    for c in SETTINGS.concurrency:
                        _compare(table, DB_NAMES[db], c, hook_url, floor_url)
    table.note("floor: the same command line, app bench.floor:create_app() on its own port")
    show(table)


def _compare(table: Table, db: str, c: int, hook_url: str, floor_url: str) -> None:
    """Rounds of relay then floor; medians of each figure and of the per-round ratios."""
    for url in (hook_url, floor_url):
        loadgen.post_json(url, LEAD, c, SETTINGS.warmup)
    pairs = [
        (
            loadgen.post_json(hook_url, LEAD, c, SETTINGS.duration),
            loadgen.post_json(floor_url, LEAD, c, SETTINGS.duration),
        )
        for _ in range(SETTINGS.rounds)
    ]
    relay, floor = [r for r, _ in pairs], [f for _, f in pairs]
    rps = [r.rps / f.rps for r, f in pairs]
    p99 = [r.p99_ms / f.p99_ms for r, f in pairs if f.p99_ms]
    table.add(
        db,
        c,
        median(r.rps for r in relay),
        median(f.rps for f in floor),
        _spread(rps),
        ms(median(r.p50_ms for r in relay)),
        ms(median(r.p99_ms for r in relay)),
        ms(median(f.p50_ms for f in floor)),
        ms(median(f.p99_ms for f in floor)),
        _spread(p99),
    )
    for name, loads in (("relay", relay), ("floor", floor)):
        errors = sum(load.errors for load in loads)
        if errors:
            table.note(f"{db} c{c}: {errors} {name} answers were errors or non-2xx")


def _spread(ratios: list[float]) -> str:
    """The median ratio, and the lowest and highest round's."""
    if not ratios:
        return "-"
    if len(ratios) == 1:
        return f"{ratios[0]:.2f}x"
    return f"{median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})"
