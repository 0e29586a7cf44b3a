"""What a job is found by: the ``jobs.search`` text, and how a search query reads it.

A search used to be an ILIKE over the JSON input cast to text: a scan of the
whole history on every query (1.4 s at a million jobs), and it matched JSON
keys too (``q=email`` found every job). Instead each job carries, from the
moment it is created, a short line of what a person would search it by,
casefolded and separated by spaces::

    resp_000123 m.quist@firm.example.com marguerite vantongeren-quist high person

- its idempotency key, every short string (and number) value of what it ran
  with (``input``), or for a job refused or ignored at the door, of what arrived
  (``received.fields``); a rejected job's refusal code (``validation_failed``);
- values longer than :data:`LONG_VALUE` characters (free text, a message
  field) are left out, each word is cut at :data:`LONG_WORD` characters and the
  whole line at :data:`MAX_CHARS`, so the column and its index stay small;
- not the job id: a short query would match inside random ids. Ids are found
  by their own column (:func:`id_bounds`, a prefix of ``job_…``).

A query is split into words; a job matches when **every** word is a substring
of one word of its line (any field, any order, case-insensitive):
``q=quist``, ``q=@firm.example.com``, ``q=RESP_000123`` and ``q=Marguerite
Quist`` all find the job above. No match runs *across* two values
(``q=quisthigh`` finds nothing), since no query word holds a space. On
PostgreSQL a pg_trgm GIN index serves these substring matches (migration
0006); a word of fewer than three characters cannot use it and scans.

Pure functions: the relay (:mod:`app.jobs.lifecycle`) and the benchmark's
seeder (``bench/seed.py``) build the line with the same code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

LONG_VALUE = 200
LONG_WORD = 100
MAX_CHARS = 1000
MAX_QUERY_WORDS = 8
_SPACE = re.compile(r"\s+")
_ID_PREFIX = re.compile(r"job_[0-9a-hjkmnp-tv-z]{1,26}")
# Crockford base32, the alphabet of job ids after "job_" (app.models.new_id).
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def search_text(
    *,
    input: Any = None,
    received: Any = None,
    idempotency_key: str | None = None,
    error: Any = None,
    **_other_columns: Any,
) -> str:
    """The ``jobs.search`` line for a job created with these columns (the others do not
    matter, so a caller may pass the row's columns as they are)."""
    words: dict[str, None] = {}  # ordered and unique
    values: list[Any] = [idempotency_key]
    if isinstance(error, Mapping):
        values.append(error.get("code"))
    if input is not None:
        values.append(input)
    elif isinstance(received, Mapping):
        values.append(received.get("fields"))
    size = 0
    for value in _scalars(values):
        for word in _SPACE.split(value.casefold()):
            word = word[:LONG_WORD]
            if not word or word in words:
                continue
            if size + len(word) + 1 > MAX_CHARS:
                return " ".join(words)
            words[word] = None
            size += len(word) + 1
    return " ".join(words)


def _scalars(value: Any) -> Iterator[str]:
    """Short strings and numbers anywhere in a JSON value, in document order."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from _scalars(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _scalars(item)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        yield str(value)
    elif isinstance(value, str) and len(value) <= LONG_VALUE:
        yield value


def query_words(q: str) -> list[str]:
    """The words of a search query, casefolded as the line is (at most
    :data:`MAX_QUERY_WORDS`: a pasted paragraph is not a search)."""
    unique = dict.fromkeys(w for w in _SPACE.split(q.casefold()) if w)
    return list(unique)[:MAX_QUERY_WORDS]


def like_pattern(word: str) -> str:
    """``%word%`` for LIKE with ``\\`` as the escape: ``_`` and ``%`` are common in keys."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def id_bounds(q: str) -> tuple[str, str | None] | None:
    """``(low, high)`` with ``low <= id < high`` (no ``high``: no upper bound) for exactly
    the ids that start with ``q``, when ``q`` is (the start of) a job id; else None.

    A range on the primary key instead of ``LIKE 'job_…%'``: a btree serves LIKE
    prefixes only under the C collation, a range under any (ids are lowercase
    letters and digits after ``job_``, which every collation orders alike)."""
    q = q.strip().casefold()
    if _ID_PREFIX.fullmatch(q) is None:
        return None
    head = q
    while head != "job_":
        last = head[-1]
        if last != _ALPHABET[-1]:
            return (q, head[:-1] + _ALPHABET[_ALPHABET.index(last) + 1])
        head = head[:-1]
    return (q, None)
