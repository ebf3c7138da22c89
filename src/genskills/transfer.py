"""Export of the store's content to RDF files, streamed so that memory does not grow with the data.

What each format holds:

- quad formats (N-Quads, TriG, JSON-LD) keep the graph names, for the whole dataset as for
  one graph;
- triple formats (Turtle, N-Triples, RDF/XML) of one graph hold that graph; of the whole
  dataset, the **union** of the named graphs (graph names dropped; a triple stated in two
  graphs is one triple; a blank node is the same node in every graph, as in the store).

How each is written, for the embedded store: N-Quads and TriG by Oxigraph's serializers
straight from the store's indexes; Turtle, N-Triples and RDF/XML of the whole dataset graph
by graph (Oxigraph serializes each; RDF/XML bodies are joined under one root element), so
that no union is built in memory; JSON-LD subject by subject, compacted with the published
context (``jsonld_writer``), from an N-Triples dump of each graph in a temporary file.
Peak memory is then about the same at 139 courses as at 20,000 (``docs/export.md``).
"""

from __future__ import annotations

import io
import re
import shutil
import tempfile
from pathlib import Path
from collections.abc import Iterator
from typing import BinaryIO

from rdflib import BNode, Literal, URIRef
from rdflib.plugins.parsers.ntriples import ParseError, W3CNTriplesParser

from .errors import InputError, NotFoundError, StoreError
from .formats import rdf_format
from .jsonld_writer import Compactor, DocumentWriter, grouped_by_subject, load_context
from .namespaces import INFERRED_GRAPH
from .sources import SOURCES
from .store import OxigraphStore, Store

_NTRIPLES = rdf_format("nt")


def graph_iri(name: str) -> str:
    """The IRI of a graph given by source name (``catalogue``), ``inferred`` or full IRI."""
    for source in SOURCES:
        if name == source.name:
            return source.graph
    if name == "inferred":
        return str(INFERRED_GRAPH)
    if name.startswith(("http://", "https://")):
        return name
    known = ", ".join([s.name for s in SOURCES] + ["inferred"])
    raise NotFoundError(f"no graph named {name!r}; use one of {known} or a full IRI")


def export(store: Store, output: BinaryIO, fmt: str, *, graph: str | None = None,
           root: Path | None = None, context_iri: str | None = None) -> None:
    """Write the whole dataset, or one graph, to ``output`` in format ``fmt`` (ttl, nt, ...).

    JSON-LD is compacted with the genskills context of ``root`` (default: this checkout),
    written inline so that the file is read without a network, or referenced by
    ``context_iri`` (e.g. ``jsonld_writer.CONTEXT_IRI``) where a server publishes it.

    :raises InputError: unknown format; a predicate that RDF/XML cannot write (no XML name
        ends its IRI), named.
    :raises NotFoundError: unknown graph, or a graph the store does not hold.
    """
    rdf = rdf_format(fmt)
    iri = graph_iri(graph) if graph else None
    names = store.graph_names()
    if iri is not None and iri not in names:
        raise NotFoundError(f"the store holds no graph {iri} (run `genskills load` first?)")
    selected = [iri] if iri is not None else names
    if rdf.key == "jsonld":
        context = load_context(root)
        write_jsonld(store, output, selected, Compactor(context), context=context_iri or context)
        return
    if rdf.key == "xml":
        _check_xml_predicates(store, selected)
    if iri is not None or rdf.holds_graphs or not isinstance(store, OxigraphStore):
        store.dump(output, rdf, graph=iri)
    elif rdf.key == "xml":
        _union_rdfxml(store, output, selected)
    else:
        # N-Triples and Turtle documents may be joined: one after the other they are the
        # union (a triple in two graphs is written twice and read once).
        for name in selected:
            store.dump(output, rdf, graph=name)


# ---------------------------------------------------------------------------------
# JSON-LD


class PlainLiteral(str):
    """A literal read from N-Triples: its lexical form, ``language`` and ``datatype`` (None: xsd:string).

    Lighter than an rdflib Literal, which parses every lexical form into a Python value.
    """

    language: str | None
    datatype: str | None

    def __new__(cls, lexical: str, language: str | None = None, datatype: str | None = None):
        literal = super().__new__(cls, lexical)
        literal.language = language.lower() if language else None
        literal.datatype = None if datatype == _XSD_STRING or language else datatype
        return literal


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_NT_LINE = re.compile(
    r'(?:<([^>]*)>|_:(\S+))[ \t]+<([^>]*)>[ \t]+'
    r'(?:<([^>]*)>|_:(\S+)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?)'
    r'[ \t]*\.[ \t]*\r?\n?\Z')
_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    """``text`` with its N-Triples escapes decoded. :raises KeyError: an escape N-Triples does not have."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)) if m.group(3) is None
                       else _ECHAR[m.group(3)], text)


def iter_ntriples(lines) -> Iterator[tuple]:
    """The triples of N-Triples ``lines`` (text), as rdflib IRIs and blank nodes and PlainLiterals.

    Written for speed on Oxigraph's output; a line it does not recognise goes to rdflib's
    own N-Triples parser, so that nothing is read wrongly.
    """
    for line in lines:
        found = _NT_LINE.match(line)
        if found is None:
            if line.strip() and not line.lstrip().startswith("#"):
                yield from _rdflib_line(line)
            continue
        try:
            yield _triple(*found.groups())
        except KeyError:
            yield from _rdflib_line(line)


def _triple(s_iri, s_bnode, p, o_iri, o_bnode, lexical, language, datatype) -> tuple:
    subject = URIRef(_unescape(s_iri)) if s_iri is not None else BNode(s_bnode)
    if o_iri is not None:
        obj = URIRef(_unescape(o_iri))
    elif o_bnode is not None:
        obj = BNode(o_bnode)
    else:
        obj = PlainLiteral(_unescape(lexical), language, _unescape(datatype) if datatype else None)
    return subject, URIRef(_unescape(p)), obj


class _Collect:
    def __init__(self):
        self.triples = []

    def triple(self, s, p, o):
        self.triples.append((s, p, PlainLiteral(str(o), o.language, str(o.datatype) if o.datatype else None)
                             if isinstance(o, Literal) else o))


class _SameLabels(dict):
    """Keeps the blank node labels of the dump, so that a node shared by two graphs stays one."""

    def get(self, key, default=None):
        return key


def _rdflib_line(line: str) -> list[tuple]:
    sink = _Collect()
    try:
        W3CNTriplesParser(sink).parsestring(line, bnode_context=_SameLabels())
    except ParseError as exc:
        raise StoreError(f"the store wrote an N-Triples line that cannot be read: {line!r}") from exc
    return sink.triples


def write_jsonld(store: Store, output: BinaryIO, graphs: list[str], compactor: Compactor, *,
                 context: dict | str) -> None:
    """The named ``graphs`` of ``store`` as one compacted JSON-LD document, node by node."""
    text = io.TextIOWrapper(output, encoding="utf-8", newline="\n", write_through=True)
    writer = DocumentWriter(text, compactor, context=context)
    for name in graphs:
        writer.start_graph(name)
        with tempfile.TemporaryFile() as dump:
            store.dump(dump, _NTRIPLES, graph=name)
            dump.seek(0)
            lines = io.TextIOWrapper(dump, encoding="utf-8", newline="")
            for subject, pairs in grouped_by_subject(iter_ntriples(lines)):
                writer.write_node(compactor.node(subject, pairs))
            lines.detach()
        writer.end_graph()
    writer.close()
    text.detach()   # the caller owns ``output``


# ---------------------------------------------------------------------------------
# RDF/XML

_NCNAME_END = re.compile(r"[^\W\d][\w.\-]*$")


def xml_writable(predicate: str) -> bool:
    """Whether RDF/XML can write ``predicate``: its IRI must end with an XML name (NCName).

    >>> xml_writable("http://www.w3.org/2004/02/skos/core#broader"), xml_writable("http://ex/p/1")
    (True, False)
    """
    return bool(_NCNAME_END.search(predicate))


def _check_xml_predicates(store: Store, graphs: list[str]) -> None:
    """:raises InputError: a predicate of ``graphs`` cannot be written in RDF/XML (Oxigraph
    would write an invalid XML name for it, and rdflib refuses it)."""
    values = " ".join(f"<{g}>" for g in graphs)
    rows = store.query(f"SELECT DISTINCT ?p WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}").rows
    bad = sorted(str(p) for (p,) in rows if not xml_writable(str(p)))
    if bad:
        shown = ", ".join(f"<{p}>" for p in bad[:5]) + (" ..." if len(bad) > 5 else "")
        raise InputError(f"RDF/XML cannot write the predicate(s) {shown}: no XML name ends the IRI; "
                         "export in Turtle, N-Triples or JSON-LD instead")


_XML_ROOT = re.compile(rb"\A(<\?xml[^>]*\?>\s*)(<rdf:RDF\b[^>]*>)", re.S)
_XML_END = b"</rdf:RDF>"


def _union_rdfxml(store: OxigraphStore, output: BinaryIO, graphs: list[str]) -> None:
    """One RDF/XML document of the union of ``graphs``: each graph is serialized by Oxigraph
    into a temporary file, and the bodies are joined under one ``rdf:RDF`` element.

    Oxigraph writes every element flat under the root, each with its own ``xmlns``, and
    the same root for every graph; if a root differs (another version of Oxigraph), the
    union is serialized in one piece instead (memory grows with the data).
    """
    folder = Path(tempfile.mkdtemp(prefix="genskills-xml-"))
    try:
        parts = []
        for index, name in enumerate(graphs):
            path = folder / f"{index}.rdf"
            with path.open("wb") as out:
                store.dump(out, rdf_format("xml"), graph=name)
            with path.open("rb") as dumped:
                found = _XML_ROOT.match(dumped.read(4096))
            parts.append((path, found))
        roots = {found.group(2) for _, found in parts if found}
        if len(roots) != 1 or not all(found for _, found in parts):
            store.dump(output, rdf_format("xml"))
            return
        prolog, root = parts[0][1].group(1), parts[0][1].group(2)
        output.write(prolog + root)
        for path, found in parts:
            _copy_body(path, output, start=found.end())
        output.write(b"\n" + _XML_END + b"\n")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_body(path: Path, output: BinaryIO, *, start: int) -> None:
    """Copy the bytes of ``path`` between ``start`` and its closing ``</rdf:RDF>``."""
    size = path.stat().st_size
    with path.open("rb") as source:
        source.seek(max(start, size - 64))
        tail = source.read()
        end = size - len(tail) + tail.rindex(_XML_END)
        source.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = source.read(min(1 << 20, remaining))
            output.write(chunk)
            remaining -= len(chunk)


def write_text(binary: BinaryIO, writer) -> None:
    """Run ``writer`` on a UTF-8 text layer over ``binary``; ``binary`` stays open afterwards
    (the text exports, CSV and schema.org JSON-LD, write to the same outputs as the dumps)."""
    text = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        writer(text)
        text.flush()
    finally:
        text.detach()
