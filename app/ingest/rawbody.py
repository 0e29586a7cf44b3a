"""The request body exactly as it arrived, or a 4xx that says why it cannot be had.

Every route reads its body through werkzeug (``request.get_data``, ``request.form``),
and werkzeug reads whatever the server hands it as ``wsgi.input``. Three things go
wrong below that seam, and none of them may become a 500 or a shortened body:

- the server's chunked decoder raises its own exceptions (gunicorn's
  ``InvalidChunkSize``, ``ChunkMissingTerminator``...) straight through the read;
- a client that half-closes after part of its body leaves a short read that
  werkzeug, told the server terminates the stream, takes for the end;
- a chunked body longer than the limit is cut at the limit by werkzeug's
  ``LimitedStream`` and parsed as if it were whole.

So :class:`GuardedInput` sits in ``wsgi.input`` for every request (one WSGI
wrapper, installed by :func:`init_app`, so ingest, the admin API and the dashboard
all read through it): it counts bytes as they stream and refuses the body the
moment it is over the limit (never buffering more than the limit plus one byte),
translates the server's framing errors, and compares what arrived with what
Content-Length announced. Its refusals are :class:`~app.errors.RelayError`\\ s,
which werkzeug's stream wrappers let through untouched (they catch only
``OSError``/``ValueError``), so they reach the one error mapping in
``app/errors.py``. After a refusal the body reads as empty: code that looks at
the body again while recording the rejection gets nothing, not a second error.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from gunicorn.http import errors as server_errors
from gunicorn.http.errors import NoMoreData, ParseException
from werkzeug.wsgi import get_content_length

from ..errors import BadRequest, RelayError, body_too_large

STEP = 64 * 1024


# What each of gunicorn's framing errors means, in words a sender can act on (by name:
# older gunicorn releases lack some of them).
FRAMING_ERRORS: dict[type[Exception], str] = {
    getattr(server_errors, name): text
    for name, text in (
        ("InvalidChunkSize", "a chunk's size line is not a hexadecimal number"),
        ("ChunkMissingTerminator", "a chunk does not end where its size says"),
        ("InvalidChunkExtension", "a chunk extension is malformed"),
        ("InvalidHeader", "a trailer line is malformed"),
        ("LimitRequestHeaders", "its trailers are too large"),
    )
    if hasattr(server_errors, name)
}


def framing_broken(error: Exception) -> BadRequest:
    detail = next(
        (text for kind, text in FRAMING_ERRORS.items() if isinstance(error, kind)),
        "the server could not take it apart",
    )
    return BadRequest(
        f"The request body's chunked framing is broken; {detail}, so the body could not be "
        "read. Nothing was accepted: send it again, as a correct Transfer-Encoding: chunked "
        "body or with a Content-Length instead.",
        code="invalid_framing",
    )


def ended_early(received: int, declared: int | None) -> BadRequest:
    if declared is None:
        message = (
            f"The body ended after {received} bytes, before its last chunk (the connection "
            "was closed early). Nothing was accepted: send it again."
        )
    else:
        message = (
            f"The body ended after {received} of the {declared} bytes its Content-Length "
            "announced (the connection was closed early). Nothing was accepted: send it again."
        )
    return BadRequest(message, code="body_incomplete")


class GuardedInput(io.RawIOBase):
    """``wsgi.input`` that delivers the whole body or raises; see the module docstring.

    ``declared`` is the Content-Length (``None`` for a chunked body). ``terminated``
    says whether the server ends a body without a length itself (PEP 3333's
    ``wsgi.input_terminated``): if it does not, a body without a length is empty,
    as werkzeug would have read it.
    """

    def __init__(self, raw: Any, declared: int | None, limit: int, terminated: bool = True) -> None:
        super().__init__()
        self._raw = raw
        self._declared = declared
        self._limit = limit
        self._seen = 0
        self._ended = declared == 0 or (declared is None and not terminated)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int | None = -1) -> bytes:
        if self._ended:
            return b""
        if size is None or size < 0:
            return self.readall()
        if self._declared is not None and self._declared > self._limit:
            raise self._fail(body_too_large(self._limit))
        want = min(size, STEP, self._room())
        if want <= 0:
            return b""
        data = self._pull(want)
        self._seen += len(data)
        if not data:
            self._ended = True
            if self._declared is not None and self._seen < self._declared:
                raise self._fail(ended_early(self._seen, self._declared))
        elif self._declared is not None and self._seen >= self._declared:
            self._ended = True
        elif self._declared is None and self._seen >= self._limit:
            # At the limit, one more byte decides: if there is one, the body is refused
            # whole rather than read on or cut here.
            if self._pull(1):
                raise self._fail(body_too_large(self._limit))
            self._ended = True
        return data

    def readall(self) -> bytes:
        parts = []
        while data := self.read(STEP):
            parts.append(data)
        return b"".join(parts)

    def _room(self) -> int:
        if self._declared is not None:
            return self._declared - self._seen
        return self._limit - self._seen

    def _pull(self, size: int) -> bytes:
        try:
            return bytes(self._raw.read(size))
        except NoMoreData:
            raise self._fail(ended_early(self._seen, self._declared)) from None
        except ParseException as exc:
            raise self._fail(framing_broken(exc)) from None
        except (OSError, ValueError):
            # A reset connection, or another server's chunk decoder giving up.
            raise self._fail(ended_early(self._seen, self._declared)) from None

    def _fail(self, error: RelayError) -> RelayError:
        self._ended = True
        return error


class BodyGuard:
    """The WSGI wrapper: every request's input through a :class:`GuardedInput`."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], limit: Callable[[], int]):
        self.wsgi_app = wsgi_app
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        raw = environ.get("wsgi.input")
        if raw is not None and not isinstance(raw, GuardedInput):
            environ["wsgi.input"] = GuardedInput(
                raw,
                get_content_length(environ),
                self.limit(),
                terminated=bool(environ.get("wsgi.input_terminated")),
            )
            # The guard ends every body itself (at Content-Length, at the server's last
            # chunk, or at the limit), so werkzeug may read it to the end.
            environ["wsgi.input_terminated"] = True
        return self.wsgi_app(environ, start_response)


def init_app(app: Flask) -> None:
    app.wsgi_app = BodyGuard(  # type: ignore[method-assign]
        app.wsgi_app, lambda: int(app.config["MAX_BODY_BYTES"])
    )
