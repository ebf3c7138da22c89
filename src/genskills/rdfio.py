"""Reading RDF files into rdflib graphs, with errors that say where."""

from __future__ import annotations

import json
import re
from pathlib import Path

import rdflib
from rdflib import Dataset, Graph, URIRef

from .errors import InputError
from .formats import RdfFormat, format_for_path
from .namespaces import PREFIXES


def parse_file(path: Path | str, *, fmt: RdfFormat | None = None) -> Graph:
    """Parse one RDF file into a new graph (quad formats: the union of their graphs).

    :raises InputError: the file is missing or is not valid RDF; the message names the
        file, the line and column where known, and what the parser expected.
    """
    path = Path(path)
    fmt = fmt or format_for_path(str(path))
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    try:
        if fmt.holds_graphs:
            dataset = Dataset()
            dataset.parse(path, format=fmt.rdflib_name)
            graph = Graph()
            for s, p, o, _ in dataset.quads((None, None, None, None)):
                graph.add((s, p, o))
        else:
            graph = Graph()
            graph.parse(path, format=fmt.rdflib_name)
    except Exception as exc:  # rdflib raises many unrelated types for bad syntax
        raise _syntax_error(path, fmt, exc) from exc
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=False)
    return graph


#: The start of a DTD in XML. A DTD declares entities, and entities are how an XML body
#: grows a billion times when expanded, or makes the parser read a file or a URL.
_DTD = re.compile(r"<!(DOCTYPE|ENTITY)\b", re.IGNORECASE)


def parse_text(text: str, *, rdflib_format: str, media: str, base: str) -> Graph:
    """Parse RDF a client sent (a request body) into a new graph.

    Refused before any parsing: a DTD in RDF/XML, and in JSON-LD a context given by URL
    or ``@import`` (the parser would fetch it: a request to any address, from the server).

    :raises InputError: what is wrong, with the line where known.
    """
    if rdflib_format == "xml":
        found = _DTD.search(text)
        if found:
            line = text.count("\n", 0, found.start()) + 1
            raise InputError(f"the body declares a DTD (<!{found.group(1)} at line {line}): "
                             "RDF/XML with DOCTYPE or ENTITY declarations is not accepted")
    if rdflib_format == "json-ld":
        refuse_remote_contexts(load_json(text))
    graph = Graph()
    try:
        graph.parse(data=text, format=rdflib_format, publicID=base)
    except RecursionError:
        raise InputError(f"the body is not accepted: its {media} nests too deeply") from None
    except Exception as exc:  # rdflib's parsers raise assorted errors; all mean a bad body
        raise InputError(f"the body is not valid {media}: {exc}") from None
    return graph


def load_json(text: str):
    """``text`` read as JSON.

    :raises InputError: not JSON (with line and column), or nested too deeply to read.
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"the body is not JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise InputError("the body is not accepted: its JSON nests too deeply") from None


def refuse_remote_contexts(document, path: str = "$") -> None:
    """Refuse a JSON-LD document that names a context by URL, anywhere in it.

    :raises InputError: naming the JSON path of the context.
    """
    if isinstance(document, list):
        for index, item in enumerate(document):
            refuse_remote_contexts(item, f"{path}[{index}]")
    elif isinstance(document, dict):
        for key, value in document.items():
            where = f"{path}.{key}"
            if key == "@import" or (key == "@context" and _names_a_url(value)):
                raise InputError(f"the JSON-LD context at {where} is given by URL; this server fetches "
                                 "nothing: write the context in the document")
            refuse_remote_contexts(value, where)


def _names_a_url(context) -> bool:
    items = context if isinstance(context, list) else [context]
    return any(isinstance(item, str) for item in items)


def _syntax_error(path: Path, fmt: RdfFormat, exc: Exception) -> InputError:
    """The clearest message we can give for a file rdflib refused.

    Oxigraph's parsers report line and column precisely, so ask them first, and fall
    back on rdflib's own message.
    """
    from .store import locate_syntax_error

    located = locate_syntax_error(path, fmt)
    if located is not None:
        message, line = located
        return InputError(f"invalid {fmt.key.upper()} syntax: {message}", path=str(path), line=line)
    line = getattr(exc, "lines", None)
    line = line + 1 if isinstance(line, int) else None
    detail = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return InputError(f"invalid {fmt.key.upper()} syntax: {detail}", path=str(path), line=line)


def subject_lines(path: Path) -> dict[str, int]:
    """Line where each subject's block starts in a Turtle file, keyed by full IRI.

    Used to point a validation message at the line a data owner must edit. Only lines
    that start a statement (a name in the first column) count.
    """
    prefixes: dict[str, str] = {}
    lines: dict[str, int] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return lines
    prefix_re = re.compile(r"^@?prefix\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)
    name_re = re.compile(r"^(?:<([^>]+)>|([\w-]*):([^\s;,]*))\s")
    for number, line in enumerate(text.splitlines(), start=1):
        match = prefix_re.match(line)
        if match:
            prefixes[match.group(1)] = match.group(2)
            continue
        match = name_re.match(line)
        if not match:
            continue
        if match.group(1):
            iri = match.group(1)
        elif match.group(2) in prefixes:
            iri = prefixes[match.group(2)] + match.group(3)
        else:
            continue
        lines.setdefault(iri, number)
    return lines


def union(graphs) -> Graph:
    """One graph holding the triples of all ``graphs``."""
    merged = Graph()
    for graph in graphs:
        for triple in graph:
            merged.add(triple)
    for prefix, iri in PREFIXES.items():
        merged.bind(prefix, iri, override=False)
    return merged


def subjects_of(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects() if isinstance(s, rdflib.URIRef)}
