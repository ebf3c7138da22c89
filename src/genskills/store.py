"""The store layer: the embedded on-disk Oxigraph store and a remote SPARQL 1.1 endpoint.

This is the only module that imports pyoxigraph. Both stores offer the same interface
(``Store``) and the same guarantee: ``replace_graphs`` swaps named graphs in one
transaction, so a reader sees either the old content or the new, never a mix.

How the swap works. Embedded store: the new triples are parsed natively into staging
graphs (``.../graph/staging/<run>/<name>``), then one SPARQL Update request moves every
staging graph onto its target and rebuilds the derived graph; if anything fails before
that request, only staging graphs were written, and they are dropped (the store's
directory lock makes this process the only writer). Remote endpoint: one SPARQL Update
request drops each target, inserts the new triples and rebuilds the derived graph. A
SPARQL Update request is one transaction in Oxigraph, embedded and server.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import re
import resource
import shutil
import threading
import time
import urllib.error
import uuid
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO, Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef

from .derivation import derive_steps, derive_update
from .errors import QueryError, StoreError
from .formats import RdfFormat
from .namespaces import PREFIXES, STAGING_PREFIX
from .results import QueryResult, Rendered, render_http, rendered, term_from_json
from .safety import check_nesting, checked_graph_iri

class Store(Protocol):
    """What genskills needs of a store."""

    description: str

    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL 1.1 query; the default graph is the union of all graphs.

        :raises QueryError: the query is malformed (message with line and column).
        :raises StoreError: the store failed.
        """

    def graph_names(self) -> list[str]:
        """Names of the non-empty named graphs, staging graphs excluded, sorted."""

    def read_graph(self, graph: str) -> Graph:
        """A copy of one named graph in memory (empty if it does not exist)."""

    def count(self, graph: str | None = None) -> int:
        """Number of triples in one named graph, or in all of them (staging excluded)."""

    def replace_graphs(self, graphs: Mapping[str, Graph], *, appended: Mapping[str, Graph] = {}) -> None:
        """Replace the content of each named graph, add ``appended`` to theirs, and rebuild the
        derived graph, atomically."""

    def drop_graphs(self, names: list[str]) -> None:
        """Drop named graphs and rebuild the derived graph, atomically."""

    def update(self, sparql: str) -> None:
        """Run a user's SPARQL 1.1 Update, then rebuild the derived graph.

        :raises QueryError: the update is malformed.
        """

    def dump(self, output: BinaryIO, fmt: RdfFormat, *, graph: str | None = None) -> None:
        """Write one graph, or the whole dataset, to ``output``.

        A triple format (Turtle, N-Triples, RDF/XML) of the whole dataset holds the
        merge of all graphs; a quad format keeps the graph names.
        """


def _checked_iri(iri: str) -> str:
    """``iri`` if it can stand between ``<`` and ``>`` in SPARQL, else a QueryError."""
    return checked_graph_iri(iri, "a graph name")


#: Keeps the staging graphs of a load in progress out of what a query counts or exports.
NOT_STAGING = f'FILTER(!STRSTARTS(STR(?g), "{STAGING_PREFIX}"))'


def _ntriples(graph: Graph) -> str:
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8")


# ---------------------------------------------------------------------------------
# Embedded store


def _to_rdflib(term):
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unsupported RDF term in a result: {term!r}")


class _TooManyRows(Exception):
    pass


def _bounded(items, max_rows: int | None) -> list:
    """``items`` as a list. :raises _TooManyRows: there are more than ``max_rows``."""
    kept = []
    for item in items:
        if max_rows is not None and len(kept) >= max_rows:
            raise _TooManyRows()
        kept.append(item)
    return kept


def _rdflib_graph(triples) -> Graph:
    graph = Graph()
    for t in triples:
        graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph


def _converted(answer, *, max_rows: int | None = None) -> QueryResult:
    """An Oxigraph answer as a QueryResult of rdflib terms.

    :raises _TooManyRows: the answer has more than ``max_rows`` rows or triples.
    """
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    if isinstance(answer, ox.QueryTriples):
        return QueryResult("graph", graph=_rdflib_graph(_bounded(answer, max_rows)))
    names = [v.value for v in answer.variables]
    rows = _bounded((tuple(_to_rdflib(solution[i]) for i in range(len(names))) for solution in answer), max_rows)
    return QueryResult("select", variables=names, rows=rows)


_RESULTS_FORMATS = {"json": "JSON", "xml": "XML", "csv": "CSV", "tsv": "TSV"}


def _row_count(body: bytes, key: str) -> int:
    """Rows in a serialized SELECT answer, counted the way each format allows it safely."""
    if key == "json":
        return len(json.loads(body)["results"]["bindings"])
    if key == "xml":
        return body.count(b"<result>")      # "<" is always escaped inside XML text
    if key == "tsv":
        return body.count(b"\n") - 1       # TSV escapes newlines inside terms
    return sum(1 for _ in csv.reader(io.StringIO(body.decode("utf-8")))) - 1


def _serialized(answer, wanted: Mapping[str, str | None], max_rows: int) -> Rendered:
    """An Oxigraph answer written by Oxigraph's own serializers in the wanted format.

    ``wanted`` maps "results" (SELECT/ASK) and "graph" (CONSTRUCT/DESCRIBE) to a format
    key, or None when the client accepts none. Writing natively, without building
    rdflib terms, is what keeps a 10,000-row answer in tens of milliseconds.

    :raises _TooManyRows: the answer has more than ``max_rows`` rows or triples.
    """
    if isinstance(answer, ox.QueryBoolean):
        key = wanted.get("results")
        body = render_http(QueryResult("ask", boolean=bool(answer)), key) if key else None
        return Rendered("ask", key, body)
    if isinstance(answer, ox.QueryTriples):
        key = wanted.get("graph")
        triples = _bounded(answer, max_rows)
        if key is None:
            return Rendered("graph", None, None, len(triples))
        from .formats import rdf_format

        if key == "xml":
            # Oxigraph writes an empty, invalid XML name for a predicate such as <http://ex/p/1>;
            # rdflib refuses it instead, which the client hears as a 406.
            return rendered(QueryResult("graph", graph=_rdflib_graph(triples)), wanted)
        fmt = rdf_format(key)
        items = [ox.Quad(t.subject, t.predicate, t.object) for t in triples] if fmt.holds_graphs else triples
        options = {"prefixes": PREFIXES} if key in ("ttl", "trig") else {}
        try:
            body = ox.serialize(items, format=getattr(ox.RdfFormat, fmt.oxigraph_name), **options)
        except (ValueError, SyntaxError) as exc:   # a term the format cannot write
            return Rendered("graph", key, None, len(triples), problem=str(exc))
        return Rendered("graph", key, body, len(triples))
    key = wanted.get("results")
    if key is None:
        return Rendered("select", None, None)
    body = answer.serialize(format=getattr(ox.QueryResultsFormat, _RESULTS_FORMATS[key]))
    rows = _row_count(body, key)
    if rows > max_rows:
        raise _TooManyRows()
    return Rendered("select", key, body, rows)


class OxigraphStore:
    """The embedded store: pyoxigraph on disk (``path``) or in memory (``path=None``)."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False):
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self.description = f"embedded Oxigraph store at {self.path}" if self.path else "in-memory Oxigraph store"
        self._open()

    def _open(self) -> None:
        try:
            if self.path is None:
                self._ox = ox.Store()
            elif self.read_only:
                self._ox = ox.Store.read_only(str(self.path))
            else:
                old = self.path.with_name(self.path.name + ".old")
                if not self.path.exists() and old.is_dir():
                    os.rename(old, self.path)   # a Rebuild.swap was cut between its two renames
                self.path.mkdir(parents=True, exist_ok=True)
                self._ox = ox.Store(str(self.path))
                # The lock makes this process the only writer: a staging graph found now was left
                # by a process killed mid-write, and readers would see it (tests/test_kill_recovery.py).
                self._drop_stale_staging()
                # Folders beside the store were left by a load killed before or during its swap:
                # the store in place is the one to keep (the lock is ours), they only take disk.
                shutil.rmtree(self.path.with_name(self.path.name + ".rebuild"), ignore_errors=True)
                shutil.rmtree(old, ignore_errors=True)
        except OSError as exc:
            hint = " (is another genskills process using it?)" if "lock" in str(exc).lower() else ""
            raise StoreError(f"cannot open the store at {self.path}: {exc}{hint}") from exc

    def close(self) -> None:
        """Release the store's files and lock; the object is unusable afterwards."""
        self._close()

    def __len__(self) -> int:
        """The number of quads in every graph."""
        return len(self._ox)

    def _close(self) -> None:
        """Release the store's files and lock (pyoxigraph closes a store when it is freed)."""
        self._ox = None
        gc.collect()

    def rebuild(self) -> Rebuild:
        """A new folder beside this store, to fill with bulk loads and swap in (see Rebuild)."""
        return Rebuild(self)

    def query(self, sparql: str) -> QueryResult:
        check_nesting(sparql)
        try:
            return _converted(self._ox.query(sparql, use_default_graph_as_union=True))
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{self.description}: {exc}") from exc

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update from a user, then rebuild the derived graph.

        :raises QueryError: the update is malformed (nothing changed).
        """
        check_nesting(sparql)
        derive = derive_update()
        try:
            # One request, so one transaction: a kill cannot leave the new data with the old
            # derived graph (tests/test_kill_recovery.py).
            try:
                self._ox.update(f"{sparql}\n;\n{derive}")
            except SyntaxError as first:
                try:   # the text may end with its own ';', or hold only a prologue: joined without one
                    self._ox.update(f"{sparql}\n{derive}")
                except SyntaxError:
                    raise QueryError(f"invalid SPARQL Update: {first}") from first
        except OSError as exc:
            raise StoreError(f"{self.description}: {exc}") from exc
        self._ox.flush()

    def _update(self, sparql: str) -> None:
        try:
            self._ox.update(sparql)
        except SyntaxError as exc:  # our own updates: a bug, not user input
            raise StoreError(f"internal update rejected: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"{self.description}: {exc}") from exc

    def graph_names(self) -> list[str]:
        names = [g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode)]
        return sorted(n for n in names if not n.startswith(STAGING_PREFIX)
                      and next(self._ox.quads_for_pattern(None, None, None, ox.NamedNode(n)), None))

    def read_graph(self, graph: str) -> Graph:
        out = Graph()
        for quad in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            out.add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)))
        return out

    def count(self, graph: str | None = None) -> int:
        names = self.graph_names() if graph is None else [_checked_iri(graph)]
        return sum(1 for name in names for _ in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def _drop_stale_staging(self) -> None:
        for name in list(self._ox.named_graphs()):
            if isinstance(name, ox.NamedNode) and name.value.startswith(STAGING_PREFIX):
                self._ox.remove_graph(name)

    def replace_graphs(self, graphs: Mapping[str, Graph], *, appended: Mapping[str, Graph] = {}) -> None:
        try:
            with self.staging() as staging:
                for target, graph in graphs.items():
                    staging.add_graph(target, graph)   # an empty graph: the target is dropped
                for target, graph in appended.items():
                    staging.append_graph(target, graph)
                staging.commit()
        except (OSError, SyntaxError, ValueError) as exc:
            raise StoreError(f"{self.description}: load failed, nothing changed: {exc}") from exc

    def subjects(self, graph: str) -> set[str]:
        """The IRIs that are subjects in one named graph."""
        return {q.subject.value for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph))
                if isinstance(q.subject, ox.NamedNode)}

    def drop_graphs(self, names: list[str]) -> None:
        drops = " ;\n".join(f"DROP SILENT GRAPH <{_checked_iri(n)}>" for n in names)
        self._update(drops + " ;\n" + derive_update())
        self._ox.flush()

    def staging(self) -> "Staging":
        """A staging area in this store for files to check before they replace graphs."""
        return Staging(self)

    def checkpoint(self, target: Path) -> None:
        """A consistent copy of the store in ``target`` (a new folder; hard links where possible).

        Query workers read checkpoints, never the live store: opening a store read-only
        while another process writes it is undefined behaviour in Oxigraph.
        """
        if self.path is None:
            raise StoreError("an in-memory store has no checkpoint")
        try:
            if not self.read_only:   # a read-only store has nothing of its own to write out
                self._ox.flush()
            self._ox.backup(str(target))
        except OSError as exc:
            raise StoreError(f"{self.description}: checkpoint to {target} failed: {exc}") from exc

    def dump(self, output: BinaryIO, fmt: RdfFormat, *, graph: str | None = None) -> None:
        ox_format = getattr(ox.RdfFormat, fmt.oxigraph_name)
        # Prefixed names make Turtle and TriG about a third smaller, and readable.
        options = {"prefixes": PREFIXES} if fmt.key in ("ttl", "trig") else {}
        try:
            if fmt.holds_graphs:
                # Quad formats keep the graph names, for one graph as for all.
                names = [graph] if graph is not None else self.graph_names()
                quads = (q for name in names
                         for q in self._ox.quads_for_pattern(None, None, None, ox.NamedNode(name)))
                ox.serialize(quads, output, format=ox_format, **options)
            elif graph is not None:
                self._ox.dump(output, format=ox_format, from_graph=ox.NamedNode(graph), **options)
            else:
                merged = self._ox.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {NOT_STAGING} }}")
                merged.serialize(output, format=ox_format)
        except OSError as exc:
            raise StoreError(f"{self.description}: export failed: {exc}") from exc


# ---------------------------------------------------------------------------------
# Remote SPARQL 1.1 endpoint


class EndpointStore:
    """A remote SPARQL 1.1 endpoint (Oxigraph server, Fuseki, GraphDB, Virtuoso...).

    Queries go to ``query_url``, updates to ``update_url``. The endpoint's default
    graph must be the union of its named graphs (``oxigraph serve --union-default-graph``,
    Fuseki ``tdb2:unionDefaultGraph``; Virtuoso does it by default) for ad-hoc
    queries to see the data; genskills' own queries name their graphs.
    """

    def __init__(self, query_url: str, update_url: str | None = None, *, timeout: float = 60.0,
                 update_timeout: float = 900.0):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.timeout = timeout
        # An update carries whole graphs and the derivation: minutes on a large catalogue or a
        # busy server. Giving up sooner would not stop it there, only hide whether it landed.
        self.update_timeout = update_timeout
        self.description = f"SPARQL endpoint {query_url}"

    def _wrapper(self, url: str, sparql: str, *, timeout: float | None = None):
        from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

        wrapper = SPARQLWrapper(url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(int(timeout or self.timeout))
        # Content negotiation only: the format=/output=/results= parameters SPARQLWrapper adds
        # otherwise make Virtuoso refuse a CONSTRUCT with 406.
        wrapper.setOnlyConneg(True)
        with warnings.catch_warnings():
            # SPARQLWrapper guesses the query form with a regular expression and warns
            # when it cannot; the endpoint is the judge of syntax, so let it answer.
            warnings.simplefilter("ignore", RuntimeWarning)
            wrapper.setQuery(sparql)
        return wrapper

    def _call(self, wrapper):
        from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

        try:
            response = wrapper.query().response
            try:
                return response.read()
            finally:
                response.close()
        except QueryBadFormed as exc:
            raise QueryError(f"invalid SPARQL: {_endpoint_message(exc)}") from exc
        except SPARQLWrapperException as exc:
            raise StoreError(f"{self.description}: {_endpoint_message(exc)}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise StoreError(f"{self.description} cannot be reached: {exc}") from exc

    def query(self, sparql: str, *, default_graphs: list[str] | None = None,
              named_graphs: list[str] | None = None, timeout: float | None = None) -> QueryResult:
        from SPARQLWrapper import JSON, N3

        check_nesting(sparql)
        wrapper = self._wrapper(self.query_url, sparql)
        for graph in default_graphs or ():
            wrapper.addDefaultGraph(_checked_iri(graph))
        for graph in named_graphs or ():
            wrapper.addNamedGraph(_checked_iri(graph))
        if timeout is not None:
            wrapper.setTimeout(max(1, int(timeout + 0.999)))
        kind = wrapper.queryType
        if kind in ("CONSTRUCT", "DESCRIBE"):
            wrapper.setReturnFormat(N3)
            wrapper.addCustomHttpHeader("Accept", "application/n-triples")
            body = self._call(wrapper)
            graph = Graph()
            graph.parse(data=body, format="nt")
            return QueryResult("graph", graph=graph)
        wrapper.setReturnFormat(JSON)
        body = json.loads(self._call(wrapper))
        if "boolean" in body:
            return QueryResult("ask", boolean=bool(body["boolean"]))
        names = body["head"].get("vars", [])
        rows = [tuple(term_from_json(b[v]) if v in b else None for v in names)
                for b in body["results"]["bindings"]]
        return QueryResult("select", variables=names, rows=rows)

    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 Update from a user, then rebuild the derived graph."""
        check_nesting(sparql)
        try:
            self._update(sparql)
        except QueryError as exc:
            raise QueryError(str(exc).replace("invalid SPARQL", "invalid SPARQL Update", 1)) from exc
        self._update(derive_update())

    def _update(self, sparql: str) -> None:
        wrapper = self._wrapper(self.update_url, sparql, timeout=self.update_timeout)
        wrapper.queryType = "INSERT"   # any update keyword: SPARQLWrapper then sends `update=`
        wrapper.isSparqlUpdateRequest = lambda: True
        self._call(wrapper)

    def graph_names(self) -> list[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(str(g) for (g,) in result.rows if not str(g).startswith(STAGING_PREFIX))

    def read_graph(self, graph: str) -> Graph:
        return self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{_checked_iri(graph)}> {{ ?s ?p ?o }} }}").graph

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{_checked_iri(graph)}> {{ ?s ?p ?o }}" if graph else (
            f"GRAPH ?g {{ ?s ?p ?o }} {NOT_STAGING}")
        (n,), = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows
        return int(n)

    def replace_graphs(self, graphs: Mapping[str, Graph], *, appended: Mapping[str, Graph] = {}) -> None:
        # One update request, so one transaction on the server: no staging graph that a
        # concurrent load could drop or that queries could see half-way. Each graph's
        # blank nodes stay within its own INSERT DATA.
        operations = []
        for target, graph in graphs.items():
            operations.append(f"DROP SILENT GRAPH <{_checked_iri(target)}>")
            if len(graph):
                operations.append(f"INSERT DATA {{ GRAPH <{target}> {{\n{_ntriples(graph)}}} }}")
        for target, graph in appended.items():
            if len(graph):
                operations.append(f"INSERT DATA {{ GRAPH <{_checked_iri(target)}> {{\n{_ntriples(graph)}}} }}")
        self._update(" ;\n".join(operations) + " ;\n" + derive_update())

    def drop_graphs(self, names: list[str]) -> None:
        drops = " ;\n".join(f"DROP SILENT GRAPH <{_checked_iri(n)}>" for n in names)
        self._update(drops + " ;\n" + derive_update())

    def dump(self, output: BinaryIO, fmt: RdfFormat, *, graph: str | None = None) -> None:
        if not fmt.holds_graphs:
            where = f"GRAPH <{_checked_iri(graph)}> {{ ?s ?p ?o }}" if graph else (
                f"GRAPH ?g {{ ?s ?p ?o }} {NOT_STAGING}")
            content = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {where} }}").graph
            output.write(content.serialize(format=fmt.rdflib_name, encoding="utf-8"))
            return
        dataset = Dataset()
        for name in [graph] if graph is not None else self.graph_names():
            target = dataset.graph(URIRef(name))
            for triple in self.read_graph(name):
                target.add(triple)
        output.write(dataset.serialize(format=fmt.rdflib_name, encoding="utf-8"))


def _endpoint_message(exc: Exception) -> str:
    text = str(exc)
    # SPARQLWrapper appends the whole response; keep the endpoint's own words.
    return text.split("Response:\n", 1)[-1].strip().strip("b'\"") or text


def locate_syntax_error(path: Path, fmt: RdfFormat) -> tuple[str, int | None] | None:
    """Oxigraph's message and line for the first syntax error in an RDF file, if it finds one."""
    try:
        for _ in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt.oxigraph_name)):
            pass
    except SyntaxError as exc:
        # Oxigraph appends "(file, line N)"; the caller names the file itself.
        return re.sub(r"\s*\([^()]*, line \d+\)$", "", str(exc)), getattr(exc, "lineno", None)
    except (ValueError, OSError):
        return None
    return None


def query_syntax_error(sparql: str) -> str | None:
    """What the engine's parser says of ``sparql`` (evaluated on an empty store), or None if it parses."""
    try:
        ox.Store().query(sparql)
    except SyntaxError as exc:
        return str(exc)
    return None


def is_valid_iri(value: str) -> bool:
    """True when the engine's IRI parser (RFC 3987) accepts ``value``.

    Stricter than ``safety.is_absolute_iri``, which only makes sure ``<value>`` stays one
    token: ``http://[x``, ``%zz`` or a C1 control character pass that and fail this.
    """
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def open_store(settings, *, read_only: bool = False) -> Store:
    """The store the settings name: the remote endpoint if one is set, else the embedded one."""
    if settings.endpoint:
        return EndpointStore(settings.endpoint, settings.update_endpoint)
    return OxigraphStore(settings.store_path, read_only=read_only)


class Staging:
    """Files parsed natively into staging graphs, then committed in one update, or dropped.

    Use as a context manager: whatever is not committed is dropped on exit, error or not.
    Staging graphs are named under ``STAGING_PREFIX``, which every count, export and
    derivation leaves out, and query workers never see them (they read checkpoints).
    """

    def __init__(self, store: OxigraphStore):
        self.store = store
        self.run = uuid.uuid4().hex
        #: target graph -> its staging graphs, in the order they were added
        self.staged: dict[str, list[str]] = {}
        #: targets whose staging graphs are added to what they hold, not put in its place
        self.appended: set[str] = set()
        self._committed = False

    def __enter__(self) -> "Staging":
        self.store._drop_stale_staging()   # left by a process that was killed mid-load
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._committed:
            self.discard()

    def _new_graph(self, target: str) -> str:
        name = f"{STAGING_PREFIX}{self.run}/{sum(map(len, self.staged.values()))}"
        self.staged.setdefault(_checked_iri(target), []).append(name)
        return name

    def expect(self, target: str) -> None:
        """Replace ``target`` on commit even if nothing is staged for it (it is emptied)."""
        self.staged.setdefault(_checked_iri(target), [])

    def add_file(self, target: str, path: Path, fmt: RdfFormat) -> str:
        """Parse ``path`` into a new staging graph for ``target``; its name is returned.

        :raises InputError: the file is missing or not valid RDF (file, line, what was expected).
        """
        name = self._new_graph(target)
        _bulk_parse(self.store._ox, ox.NamedNode(name), Path(path), fmt)
        return name

    def add_graph(self, target: str, graph: Graph) -> str:
        """Stage an rdflib graph (e.g. one read from a remote store) for ``target``."""
        name = self._new_graph(target)
        if len(graph):
            self.store._ox.load(_ntriples(graph).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                                to_graph=ox.NamedNode(name))
        return name

    def append_graph(self, target: str, graph: Graph) -> str:
        """Stage an rdflib graph to be added to ``target`` on commit (``target`` keeps its content)."""
        name = self.add_graph(target, graph)
        self.appended.add(_checked_iri(target))
        return name

    def graphs(self) -> list[str]:
        return [name for names in self.staged.values() for name in names]

    def count(self, target: str) -> int:
        return sum(1 for name in self.staged.get(target, ())
                   for _ in self.store._ox.quads_for_pattern(None, None, None, ox.NamedNode(name)))

    def read(self, target: str) -> Graph:
        """What ``target`` will hold after the commit, as an rdflib graph."""
        out = Graph()
        for name in self.staged.get(target, ()):
            out += self.store.read_graph(name)
        return out

    def commit(self) -> None:
        """Replace every target graph by its staging graphs, and rebuild the derived graph.

        One SPARQL Update request: a reader sees the old graphs or the new, never a mix.
        """
        operations = []
        for target, names in self.staged.items():
            if target not in self.appended:
                operations.append(f"DROP SILENT GRAPH <{target}>")
            operations += [f"ADD SILENT GRAPH <{name}> TO GRAPH <{target}>" for name in names]
            operations += [f"DROP SILENT GRAPH <{name}>" for name in names]
        try:
            self.store._update(" ;\n".join(operations) + " ;\n" + derive_update())
        finally:
            self.discard()
        self._committed = True
        self.store._ox.flush()

    def discard(self) -> None:
        for name in self.graphs():
            self.store._ox.remove_graph(ox.NamedNode(name))


class Rebuild:
    """A new store built in memory with bulk loads, written beside the live one, swapped in.

    Oxigraph writes a large transaction slowly (each triple goes to six indexes under
    the transaction's lock: minutes for a million triples) and answers the heavy
    validation and derivation queries several times faster in memory than on disk. So
    a load of the embedded store builds the new content in an in-memory store (the kept
    graphs copied from the live store, the new files, then the derived graph), and once
    it is validated, ``swap`` bulk-writes it to a fresh folder (``<store>.rebuild``) and
    puts that in place with two renames. Until then the live store is untouched; a
    crash between the two renames is repaired when the store is next opened
    (``OxigraphStore`` renames ``<store>.old`` back). The price is memory: about 600
    bytes per triple while loading (``docs/benchmarks.md``).
    """

    def __init__(self, live: OxigraphStore):
        if live.path is None:
            raise StoreError("an in-memory store is rebuilt with staging graphs, not a new folder")
        self.live = live
        self.path = live.path.with_name(live.path.name + ".rebuild")
        self.store = OxigraphStore()
        self._swapped = False

    def __enter__(self) -> "Rebuild":
        return self

    def __exit__(self, *exc_info) -> None:
        if not self._swapped:
            self.discard()

    def copy_graph(self, graph: str) -> None:
        """Copy one graph of the live store as it is."""
        self.store._ox.bulk_extend(self.live._ox.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def add_file(self, target: str, path: Path, fmt: RdfFormat) -> None:
        """Parse ``path`` into graph ``target`` of the new store.

        :raises InputError: the file is missing or not valid RDF (file, line, what was expected).
        """
        _bulk_parse(self.store._ox, ox.NamedNode(_checked_iri(target)), Path(path), fmt)

    def derive(self) -> None:
        """Build the derived graph step by step: a read-only query, then a bulk append of its answer."""
        for step in derive_steps():
            graph = ox.NamedNode(step.graph)
            if step.kind == "drop":
                self.store._ox.remove_graph(graph)
                continue
            triples = self.store._ox.query(step.query)
            self.store._ox.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)

    def swap(self) -> None:
        """Write the new store to disk and put it in place of the live one (the live object follows)."""
        shutil.rmtree(self.path, ignore_errors=True)
        try:
            written = ox.Store(str(self.path))
            written.bulk_extend(self.store._ox.quads_for_pattern(None, None, None, None))
            written.flush()
            del written
            gc.collect()
        except OSError as exc:
            shutil.rmtree(self.path, ignore_errors=True)
            raise StoreError(f"cannot write the new store to {self.path}: {exc}; the store is unchanged") from exc
        self.store._close()
        old = self.live.path.with_name(self.live.path.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        self.live._close()
        try:
            os.rename(self.live.path, old)
            os.rename(self.path, self.live.path)
        finally:
            self.live._open()
        self._swapped = True
        shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        self.store._close()
        shutil.rmtree(self.path, ignore_errors=True)


def file_subjects(path: Path, fmt: RdfFormat) -> set[str]:
    """The IRIs that are subjects in an RDF file (parsed again: for messages only)."""
    try:
        return {q.subject.value for q in ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt.oxigraph_name))
                if isinstance(q.subject, ox.NamedNode)}
    except (SyntaxError, OSError, ValueError):
        return set()


def _bulk_parse(target_store, graph, path: Path, fmt: RdfFormat) -> None:
    """Parse a file natively into ``graph`` of a pyoxigraph store (not in a transaction)."""
    from .errors import InputError

    if not path.is_file():
        raise InputError("no such file", path=str(path))
    ox_format = getattr(ox.RdfFormat, fmt.oxigraph_name)
    try:
        if fmt.holds_graphs:
            # A dataset file: the union of its graphs, as rdfio.parse_file reads it.
            target_store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, graph)
                                     for q in ox.parse(path=str(path), format=ox_format))
        else:
            target_store.bulk_load(path=str(path), format=ox_format, to_graph=graph)
    except SyntaxError as exc:
        located = locate_syntax_error(path, fmt)
        message, line = located if located else (str(exc), getattr(exc, "lineno", None))
        raise InputError(f"invalid {fmt.key.upper()} syntax: {message}", path=str(path), line=line) from exc
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the file: {exc}", path=str(path)) from exc


# ---------------------------------------------------------------------------------
# Query worker (runs in a child process of the server; see engine.py)


def _end_with_parent(parent: int) -> None:
    """Exit this process once ``parent`` is gone (it is then adopted by another process)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def query_worker(conn, path: str, max_rows: int, memory_mb: int | None = None) -> None:
    """Answer queries sent over ``conn`` from a read-only view of the store at ``path``.

    Each request is ``(sparql, default_graphs, named_graphs, wanted)``; each answer is
    ``("ok", QueryResult)``, or ``("ok", Rendered)`` when ``wanted`` names the formats
    (see ``_serialized``), or ``("error", kind, message)``. The parent kills this process
    when a query runs past its time limit: native query evaluation cannot be interrupted
    from Python, killing the process stops it for sure.

    ``memory_mb`` bounds the process's data segment: a query that needs more (a string
    doubled thirty times, a huge sort) aborts this worker instead of exhausting the machine.
    """
    # A server killed with SIGKILL cannot stop its workers: each ends itself once its parent is
    # gone. Started before the memory limit, which also bounds a new thread's stack.
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    if memory_mb:
        os.environ["RUST_BACKTRACE"] = "0"   # an allocation failure then logs one line, not 40
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        store = ox.Store.read_only(path)
    except Exception as exc:  # OSError, or RuntimeError for a damaged folder
        conn.send(("error", "store", f"cannot open the store at {path}: {exc}"))
        return
    conn.send(("ready",))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        sparql, default_graphs, named_graphs, wanted = request
        try:
            answer = _evaluate(store, sparql, default_graphs, named_graphs)
            if wanted is None:
                conn.send(("ok", _converted(answer, max_rows=max_rows)))
            else:
                conn.send(("ok", _serialized(answer, wanted, max_rows)))
        except SyntaxError as exc:
            conn.send(("error", "query", f"invalid SPARQL: {exc}"))
        except QueryError as exc:
            conn.send(("error", "query", str(exc)))
        except _TooManyRows:
            conn.send(("error", "size", f"the result has more than {max_rows} rows: "
                                        "add a LIMIT, or narrow the query"))
        except ValueError as exc:   # e.g. an invalid graph IRI
            conn.send(("error", "query", str(exc)))
        except (OSError, RuntimeError) as exc:
            conn.send(("error", "store", str(exc)))


def _evaluate(store, sparql: str, default_graphs, named_graphs):
    check_nesting(sparql)   # too deep, Oxigraph's parser overflows its stack and the worker dies
    # A dataset given with the request replaces the default one (SPARQL 1.1 Protocol 2.1.4):
    # with named graphs only, the default graph is the store's own, empty, default graph.
    given = default_graphs is not None or named_graphs is not None
    options: dict = {"use_default_graph_as_union": not given}
    if given:
        options["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()] or ox.DefaultGraph()
    if named_graphs is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
    return store.query(sparql, **options)
