"""A fake Esqase that is never the bottleneck: every POST gets a 201 after a set latency.

``python -m bench.upstream --port P --latency-ms 100``. asyncio and a hand-rolled
HTTP/1.1 keep-alive loop: a waiting request costs a coroutine, not a thread,
so four worker processes at 100 ms see 100 ms, and at 0 ms it answers several
thousand requests a second on one core. The project's sandbox would do the
real validation, but it would spend more CPU per call than the worker it is
measuring; these benchmarks time the relay, not Esqase.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json

_ids = itertools.count(1)


def _response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _handle(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float
) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if length:
                await reader.readexactly(length)
            if path == "/healthz":
                writer.write(_response("200 OK", b'{"ok": true}'))
            elif method == "POST":
                if latency:
                    await asyncio.sleep(latency)
                n = next(_ids)
                record = {"id": f"00000000-0000-4000-8000-{n:012d}", "publicId": f"L-{n}"}
                writer.write(_response("201 Created", json.dumps({"data": record}).encode()))
            else:
                writer.write(_response("404 Not Found", b'{"error": {"code": "not_found"}}'))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def _serve(port: int, latency: float) -> None:
    server = await asyncio.start_server(
        lambda r, w: _handle(r, w, latency), "127.0.0.1", port, backlog=512
    )
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(_serve(args.port, args.latency_ms / 1000))


if __name__ == "__main__":
    main()
