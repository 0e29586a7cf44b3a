"""Form bodies (urlencoded and multipart) parsed strictly from the bytes that arrived.

werkzeug's ``request.form`` is built for browsers and forgives too much for a relay
that must never pass on a changed value: a urlencoded body that is not UTF-8
becomes an empty form, ``%FF`` stays the literal text ``%FF``, a multipart value
that is not UTF-8 has its bad bytes replaced with U+FFFD, and a multipart body
that cannot be parsed, or lacks its boundary, is silently empty. Each of those is
a :class:`NotForm` here, whose ``why`` completes "The form body cannot be read...".

Fields come back as ``{name: [values...]}`` (repeated names are how forms send
lists); uploaded files only by field name, since Esqase takes no files here.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from werkzeug.datastructures import Headers
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.http import parse_options_header
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

# werkzeug's own default for multipart; applied to urlencoded bodies too.
MAX_FIELDS = 1000
# What a form may declare as its charset: the encodings a browser form really sends.
CHARSETS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "iso-8859-1": "latin-1",
    "latin-1": "latin-1",
    "latin1": "latin-1",
}

Fields = dict[str, list[str]]


class NotForm(ValueError):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class TooManyFields(NotForm):
    pass


def codec(charset: str | None) -> str | None:
    """The Python codec for a declared charset (none declared: UTF-8), or None when it
    is one a form does not send."""
    return CHARSETS.get((charset or "utf-8").strip().lower())


def urlencoded(raw: bytes, encoding: str = "utf-8") -> Fields:
    try:
        text = raw.decode(encoding)
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding=encoding,
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError as exc:
        raise NotForm(
            f": it contains bytes that are not {_name(encoding)} text ({exc.reason})"
        ) from None
    except ValueError:
        raise TooManyFields(f": it has more than {MAX_FIELDS} fields") from None
    fields: Fields = {}
    for name, value in pairs:
        fields.setdefault(name, []).append(value)
    return fields


def multipart(raw: bytes, boundary: str | None) -> tuple[Fields, tuple[str, ...]]:
    if not boundary:
        raise NotForm(": its Content-Type has no boundary= parameter")
    try:
        decoder = MultipartDecoder(boundary.encode("ascii"), max_parts=MAX_FIELDS)
        decoder.receive_data(raw)
        decoder.receive_data(None)
        return _parts(decoder)
    except RequestEntityTooLarge:
        raise TooManyFields(f": it has more than {MAX_FIELDS} parts") from None
    except UnicodeError:
        raise NotForm(": a part's name or headers are not text") from None
    except ValueError:
        raise NotForm(": its parts are not framed by the boundary its Content-Type names") from None


def _parts(decoder: MultipartDecoder) -> tuple[Fields, tuple[str, ...]]:
    fields: Fields = {}
    files: set[str] = set()
    current: Field | File | None = None
    chunks: list[bytes] = []
    event = decoder.next_event()
    while not isinstance(event, (Epilogue, NeedData)):
        if isinstance(event, (Field, File)):
            if not event.name:
                raise NotForm(": a part has no name in its Content-Disposition")
            current, chunks = event, []
        elif isinstance(event, Data) and current is not None:
            chunks.append(event.data)
            if not event.more_data and isinstance(current, File):
                files.add(current.name)
            elif not event.more_data:
                value = _decode(b"".join(chunks), current.name, current.headers)
                fields.setdefault(current.name, []).append(value)
        event = decoder.next_event()
    if isinstance(event, NeedData):
        raise NotForm(": it ends before its closing boundary")
    return fields, tuple(sorted(files))


def _decode(data: bytes, name: str, headers: Headers) -> str:
    charset = parse_options_header(headers.get("content-type", ""))[1].get("charset")
    encoding = codec(charset)
    if encoding is None:
        raise NotForm(f": field {name!r} declares charset {charset!r}; send UTF-8")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise NotForm(f": field {name!r} is not {_name(encoding)} text; send UTF-8") from None


def _name(encoding: str) -> str:
    return {"utf-8": "UTF-8", "ascii": "ASCII", "latin-1": "ISO-8859-1"}[encoding]
