"""Query results independent of the store behind them, and their renderings."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import InputError
from .namespaces import compact

RESULT_FORMATS = ("table", "json", "csv", "tsv")


@dataclass(frozen=True)
class Rendered:
    """A query answer already written in the format the client asked for.

    ``key`` is the format key (``json``, ``ttl``...) or None when the client accepts no
    format of this kind of answer (HTTP 406); ``body`` is then None too.
    """

    kind: str            # "select", "ask" or "graph"
    key: str | None
    body: bytes | None
    rows: int = 0
    #: Why the answer could not be written in the format asked for (HTTP 406), if so.
    problem: str | None = None
    #: The store generation the answer was computed on (see engine.WorkerPool), if known.
    generation: int | None = None


def rendered(result: QueryResult, wanted) -> Rendered:
    """``result`` written in the format ``wanted`` names for its kind (see Rendered)."""
    key = wanted.get("graph" if result.kind == "graph" else "results")
    if key is None:
        return Rendered(result.kind, None, None)
    rows = len(result.graph) if result.kind == "graph" else len(result.rows)
    try:
        return Rendered(result.kind, key, render_http(result, key), rows)
    except ValueError as exc:   # RDF/XML cannot write every predicate IRI (it needs a QName)
        return Rendered(result.kind, key, None, rows, problem=str(exc))


@dataclass
class QueryResult:
    """A SELECT table, an ASK boolean or a CONSTRUCT/DESCRIBE graph."""

    kind: str                                   # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def column(self, name: str) -> list[Node | None]:
        index = self.variables.index(name)
        return [row[index] for row in self.rows]

    def render(self, fmt: str) -> str:
        """The result as ``table``, ``json`` (SPARQL 1.1 JSON), ``csv`` or ``tsv``.

        Graph results render as Turtle whatever ``fmt`` is, except ``json`` (JSON-LD).
        """
        if fmt not in RESULT_FORMATS:
            raise InputError(f"unknown result format {fmt!r}; use one of {', '.join(RESULT_FORMATS)}")
        if self.kind == "graph":
            return self.graph.serialize(format="json-ld" if fmt == "json" else "turtle")
        if self.kind == "ask":
            if fmt == "json":
                return json.dumps({"head": {}, "boolean": self.boolean})
            return "true" if self.boolean else "false"
        return {"table": _table, "json": _json, "csv": _csv, "tsv": _tsv}[fmt](self)


def _cell(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return compact(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal) and term.language:
        return f"{term}@{term.language}"
    return str(term)


def _table(result: QueryResult) -> str:
    header = list(result.variables)
    body = [[_cell(t) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(header)]
    lines = [" | ".join(h.ljust(w) for h, w in zip(header, widths)),
             "-+-".join("-" * w for w in widths)]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths)) for r in body]
    lines.append(f"({len(body)} row{'s' if len(body) != 1 else ''})")
    return "\n".join(lines)


def term_to_json(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def term_from_json(cell: dict) -> Node:
    """An rdflib term from a SPARQL 1.1 JSON results binding."""
    kind = cell["type"]
    if kind == "uri":
        return URIRef(cell["value"])
    if kind == "bnode":
        return BNode(cell["value"])
    if kind in ("literal", "typed-literal"):
        return Literal(cell["value"], lang=cell.get("xml:lang"), datatype=cell.get("datatype"))
    raise InputError(f"unsupported term type {kind!r} in SPARQL JSON results")


def _json(result: QueryResult) -> str:
    bindings = [{v: term_to_json(t) for v, t in zip(result.variables, row) if t is not None}
                for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def _csv(result: QueryResult) -> str:
    # SPARQL 1.1 CSV: plain values, IRIs in full, no language tags.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else (f"_:{t}" if isinstance(t, BNode) else str(t)) for t in row])
    return out.getvalue()


def ntriples_term(term: Node) -> str:
    """``term`` in N-Triples syntax, on one line: quotes, backslashes and control characters escaped.

    >>> ntriples_term(Literal("chanté", lang="fr")), ntriples_term(Literal(7))
    ('"chanté"@fr', '"7"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    text = (str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m.group()):04X}", text)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _tsv(result: QueryResult) -> str:
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if t is None else ntriples_term(t) for t in row))
    return "\n".join(lines) + "\n"


def render_http(result: QueryResult, key: str) -> bytes:
    """SELECT/ASK results as ``json``, ``xml``, ``csv`` or ``tsv``; a graph as an RDF format key."""
    if result.kind == "graph":
        from .formats import rdf_format

        fmt = rdf_format(key)
        if fmt.holds_graphs:
            from rdflib import Dataset

            dataset = Dataset()
            for triple in result.graph:
                dataset.add(triple)
            return dataset.serialize(format=fmt.rdflib_name, encoding="utf-8")
        return result.graph.serialize(format=fmt.rdflib_name, encoding="utf-8")
    if key == "xml":
        return _xml(result).encode("utf-8")
    if key == "csv" and result.kind == "ask":
        return f"_askResult\r\n{'true' if result.boolean else 'false'}\r\n".encode("utf-8")
    if key == "tsv" and result.kind == "ask":
        return f"?_askResult\n{'true' if result.boolean else 'false'}\n".encode("utf-8")
    return result.render(key).encode("utf-8")


def _xml(result: QueryResult) -> str:
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0" encoding="utf-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for name, term in zip(result.variables, row):
                if term is None:
                    continue
                if isinstance(term, URIRef):
                    value = f"<uri>{escape(str(term))}</uri>"
                elif isinstance(term, BNode):
                    value = f"<bnode>{escape(str(term))}</bnode>"
                elif term.language:
                    value = f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
                elif term.datatype:
                    value = f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
                else:
                    value = f"<literal>{escape(str(term))}</literal>"
                out.append(f"<binding name={quoteattr(name)}>{value}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"
