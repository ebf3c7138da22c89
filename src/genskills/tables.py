"""Plain tables of answers, written as CSV or JSON, and the conversion of RDF terms into their cells.

The analysis answers (coverage, gaps, learning paths) are read by people in spreadsheets
and by programs: each is a `Table` whose cells are plain Python values (an IRI as its
string, a number as a number), so that CSV and JSON say the same thing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from rdflib import Literal, URIRef
from rdflib.term import Node

from .namespaces import compact
from .results import QueryResult


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]

    def to_json(self) -> dict:
        return {"columns": self.columns, "rows": self.records()}

    def to_csv(self) -> str:
        """RFC 4180 CSV with a header row; a missing value is an empty cell, a list is "a; b"."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow([_csv_cell(value) for value in row])
        return out.getvalue()


    def to_text(self) -> str:
        """Aligned columns for a terminal, IRIs shortened to prefixed names."""
        cells = [[_text_cell(value) for value in row] for row in self.rows]
        widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(self.columns)]
        lines = [" | ".join(name.ljust(width) for name, width in zip(self.columns, widths)).rstrip(),
                 "-+-".join("-" * width for width in widths)]
        lines += [" | ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip() for row in cells]
        lines.append(f"({len(self.rows)} row{'s' if len(self.rows) != 1 else ''})")
        return "\n".join(lines) + "\n"


def _text_cell(value: Any) -> str:
    if isinstance(value, str) and "://" in value:
        return compact(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(_text_cell(item) for item in value)
    return _csv_cell(value)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(_csv_cell(item) for item in value)
    return str(value)


def cell(term: Node | None) -> Any:
    """The plain value of an RDF term: an IRI as its string, a literal as its Python value."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        value = term.toPython()
        # Dates and odd datatypes stay text, so that JSON can carry every cell.
        return value if isinstance(value, (str, int, float, bool)) else str(term)
    return str(term)


def table_of(result: QueryResult) -> Table:
    """The SELECT answer ``result`` as a Table of plain values."""
    return Table(list(result.variables), [[cell(term) for term in row] for row in result.rows])
