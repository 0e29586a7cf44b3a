"""Readable tables: what each section prints as it finishes, and again at the end."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .harness import loadavg


@dataclass
class Table:
    """``headers`` is one string, the column names separated by ``|``."""

    title: str
    headers: str
    rows: list[Sequence[object]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *row: object) -> None:
        self.rows.append(row)

    def note(self, line: str) -> None:
        self.notes.append(line)

    def render(self) -> str:
        cells = [self.headers.split("|")] + [[_cell(c) for c in r] for r in self.rows]
        widths = [max(len(row[i]) for row in cells if i < len(row)) for i in range(len(cells[0]))]
        lines = [self.title]
        for n, row in enumerate(cells):
            out = []
            for i, c in enumerate(row):
                numeric = n > 0 and i > 0 and _numeric(c)
                out.append(c.rjust(widths[i]) if numeric else c.ljust(widths[i]))
            lines.append("  " + "  ".join(out).rstrip())
            if n == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        lines.extend(f"  {note}" for note in self.notes)
        return "\n".join(lines)


TABLES: list[Table] = []


def show(table: Table) -> None:
    TABLES.append(table)
    print("\n" + table.render(), flush=True)


def section(name: str) -> None:
    print(f"\n== {name}   (load average {loadavg()})", flush=True)


_NUMBER = re.compile(r"^[<>~+-]?[\d.,]+ ?(ms|s|x|MB|%)?$")


def _numeric(c: str) -> bool:
    return bool(_NUMBER.match(c))


def _cell(value: object) -> str:
    if isinstance(value, float):
        if value >= 100:
            return f"{value:,.0f}"
        if value >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def ms(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"
