"""Course edits through the server: create, replace, delete, with optimistic concurrency and history.

Courses written through the API live in one graph, ``graph/edits``. A course defined by a
file (the shipped catalogue) or by an import belongs to that source: the API refuses to
change it (ConflictError), because the next load or re-import would silently undo the edit.

Each course has an entity tag, a hash of its statements: a replace or delete must name
the tag it was based on (``If-Match``), so two editors cannot overwrite each other; the
check and the write happen under one lock, in one transaction. Every change records who,
when and what: ``dct:modified`` on the course, and in ``graph/history`` a PROV activity
that generated a revision holding the course's statements after the change (its
``prov:value``, an N-Triples literal, so that old states never show up as courses in
queries). The state before a change is the revision of the change before it.
"""

from __future__ import annotations

import hashlib
import re
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from .errors import ConflictError, InputError, NotFoundError, PreconditionFailedError, PreconditionRequiredError
from .importing import apply_import, plan_import
from .loading import PreparedShapes, store_shapes
from .parsed import ParsedCourses
from .namespaces import GRAPH, GSK, GSKD, INFERRED_GRAPH
from .results import ntriples_term
from .store import Store

EDITS_GRAPH = str(GRAPH["edits"])
HISTORY_GRAPH = str(GRAPH["history"])
_COURSE_ID = re.compile(r"^course-[a-z0-9][a-z0-9-]{0,120}$")
_ACTION_FR = {"create": "création", "replace": "remplacement", "delete": "suppression"}


def course_iri(course_id: str) -> URIRef:
    """The IRI of a course id (``course-...``).

    :raises InputError: the id is not ``course-`` followed by a-z, 0-9 and '-'.
    """
    if not _COURSE_ID.match(course_id):
        raise InputError(f"course id {course_id!r}: expected 'course-' followed by a-z, 0-9 and '-'")
    return GSKD[course_id]


def statements(graph: Graph) -> list[str]:
    """The graph's triples as sorted N-Triples lines: what a tag and a revision are made of."""
    return sorted(f"{ntriples_term(s)} {ntriples_term(p)} {ntriples_term(o)} ." for s, p, o in graph)


def entity_tag(graph: Graph) -> str:
    return hashlib.sha256("\n".join(statements(graph)).encode("utf-8")).hexdigest()[:32]


def agent_for(token: str) -> URIRef:
    """The agent recorded for a bearer token: a hash, so the token itself is never stored."""
    return URIRef(f"urn:genskills:agent:{hashlib.sha256(token.encode('utf-8')).hexdigest()[:16]}")


@dataclass
class Written:
    iri: str
    etag: str | None      # None after a delete
    created: bool
    revision: str


class CourseEditor:
    """Applies course edits to a store, one at a time (the lock makes check-then-write atomic)."""

    def __init__(self, store: Store, *, shapes: PreparedShapes | None = None):
        self.store = store
        self._shapes = shapes
        self._lock = threading.Lock()

    @property
    def shapes(self) -> PreparedShapes:
        if self._shapes is None:
            self._shapes = store_shapes(self.store)
        return self._shapes

    def owner(self, iri: URIRef) -> str | None:
        """The graph that defines the course (None: nowhere)."""
        rows = self.store.query(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> a <{GSK.Course}> }} "
            f"FILTER(?g != <{INFERRED_GRAPH}>) }} ORDER BY ?g").rows
        return str(rows[0][0]) if rows else None

    def put(self, iri: URIRef, content: Graph, *, if_match: str | None, if_none_match: str | None,
            agent: URIRef) -> Written:
        """Create or replace a course with ``content`` (statements about ``iri`` only).

        :raises InputError: the content describes something else than the course.
        :raises ConflictError: the course belongs to another source.
        :raises PreconditionRequiredError: replacing without ``If-Match``.
        :raises PreconditionFailedError: the tag is stale, or ``If-None-Match: *`` and it exists.
        :raises ValidationError: the course breaks a SHACL rule (``problems`` name the fields).
        """
        others = sorted({str(s) for s in content.subjects()} - {str(iri)})
        if others:
            raise InputError(f"the body describes {', '.join(others[:3])}; a course body describes only "
                             f"the course {iri}")
        if not len(content):
            raise InputError("the body holds no statement about the course")
        with self._lock:
            edits = self.store.read_graph(EDITS_GRAPH)
            old = _course_in(edits, iri)
            self._check_owner(iri)
            tag = entity_tag(old) if len(old) else None
            if tag is None:
                if if_match is not None:
                    raise PreconditionFailedError(f"If-Match given, but there is no course {iri} to replace")
            else:
                if if_none_match == "*":
                    raise PreconditionFailedError(f"If-None-Match: *, but the course {iri} exists")
                _check_tag(if_match, tag, iri)
            now = _now()
            new = Graph()
            for triple in content:
                new.add(triple)
            new.remove((iri, DCTERMS.modified, None))
            new.remove((iri, DCTERMS.created, None))
            new.add((iri, DCTERMS.modified, now))
            new.add((iri, DCTERMS.created, old.value(iri, DCTERMS.created) or now))
            revision, history = _activity(iri, "create" if tag is None else "replace", agent, now, new)
            self._write(edits, iri, new, history)
            # The tag of the state as stored (the store writes some literals in canonical form).
            stored = _course_in(self.store.read_graph(EDITS_GRAPH), iri)
            return Written(str(iri), entity_tag(stored), tag is None, str(revision))

    def delete(self, iri: URIRef, *, if_match: str | None, agent: URIRef) -> Written:
        """Delete a course of the edits graph; its last state stays in the history.

        :raises NotFoundError, ConflictError, PreconditionRequiredError, PreconditionFailedError.
        """
        with self._lock:
            edits = self.store.read_graph(EDITS_GRAPH)
            old = _course_in(edits, iri)
            if not len(old):
                self._check_owner(iri)
                raise NotFoundError(f"no course {iri}")
            _check_tag(if_match, entity_tag(old), iri)
            revision, history = _activity(iri, "delete", agent, _now(), Graph())
            self._write(edits, iri, Graph(), history)
            return Written(str(iri), None, False, str(revision))

    def history(self, iri: URIRef) -> list[dict]:
        """The changes of a course, oldest first: revision, action, time, agent."""
        result = self.store.query(f"""
            SELECT ?revision ?action ?time ?agent WHERE {{ GRAPH <{HISTORY_GRAPH}> {{
              ?revision <{PROV.specializationOf}> <{iri}> ; <{PROV.generatedAtTime}> ?time ;
                        <{PROV.wasGeneratedBy}> ?activity .
              ?activity <{RDFS.label}> ?action ; <{PROV.wasAssociatedWith}> ?agent ;
                        <{PROV.startedAtTime}> ?started .
              FILTER(LANG(?action) = "en") }} }}
            ORDER BY ?time ?started ?revision""")
        return [{"revision": str(r[0]), "action": str(r[1]), "time": str(r[2]), "agent": str(r[3])}
                for r in result.rows]

    def revision(self, iri: URIRef, revision: str) -> Graph:
        """The course's statements as a revision left them (empty after a delete).

        :raises NotFoundError: no such revision of that course.
        """
        if not re.match(r"^[0-9a-f]{32}$", revision):
            raise NotFoundError(f"no revision {revision!r} (a revision id is 32 hexadecimal digits)")
        node = URIRef(f"{GSKD}revision-{revision}")
        rows = self.store.query(f"""
            SELECT ?text WHERE {{ GRAPH <{HISTORY_GRAPH}> {{
              <{node}> <{PROV.specializationOf}> <{iri}> ; <{PROV.value}> ?text }} }}""").rows
        if not rows:
            raise NotFoundError(f"no revision {revision} of {iri}")
        return Graph().parse(data=str(rows[0][0]), format="nt")

    def _check_owner(self, iri: URIRef) -> None:
        owner = self.owner(iri)
        if owner is not None and owner != EDITS_GRAPH:
            raise ConflictError(f"the course {iri} is defined by graph {owner} (a data file or an import): "
                                "edit it at its source and load or import it again; the API edits only the "
                                "courses it created")

    def _write(self, edits: Graph, iri: URIRef, new: Graph, history: Graph) -> None:
        """The edits graph with the course replaced by ``new``, validated and written with the history."""
        content = Graph()
        for triple in edits:
            if triple[0] != iri:
                content.add(triple)
        content += new
        plan = plan_import(self.store, ParsedCourses(content, {iri: "body"}, {}, "request body"), graph=EDITS_GRAPH)
        apply_import(self.store, plan, shapes=self.shapes, appended={HISTORY_GRAPH: history})


def _course_in(edits: Graph, iri: URIRef) -> Graph:
    out = Graph()
    for p, o in edits.predicate_objects(iri):
        out.add((iri, p, o))
    return out


def _now() -> Literal:
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return Literal(stamp, datatype=XSD.dateTime)


def _check_tag(if_match: str | None, tag: str, iri: URIRef) -> None:
    if if_match is None:
        raise PreconditionRequiredError(f"replacing or deleting {iri} needs If-Match with its ETag "
                                        "(GET it first), so that no one else's change is overwritten")
    given = [t.strip().removeprefix("W/").strip('"') for t in if_match.split(",")]
    if "*" not in given and tag not in given:
        raise PreconditionFailedError(f"the course {iri} has changed since ETag {if_match}: its ETag is now "
                                      f'"{tag}"; GET it again and redo the change')


def _activity(iri: URIRef, action: str, agent: URIRef, when: Literal, state: Graph) -> tuple[URIRef, Graph]:
    """A PROV activity and the revision it generated, holding ``state`` as N-Triples."""
    key = uuid.uuid4().hex
    activity, revision = URIRef(f"{GSKD}change-{key}"), URIRef(f"{GSKD}revision-{key}")
    history = Graph()
    history.add((activity, RDF.type, PROV.Activity))
    history.add((activity, RDFS.label, Literal(action, lang="en")))
    history.add((activity, RDFS.label, Literal(_ACTION_FR[action], lang="fr")))
    history.add((activity, PROV.startedAtTime, when))
    history.add((activity, PROV.wasAssociatedWith, agent))
    history.add((agent, RDF.type, PROV.Agent))
    history.add((revision, RDF.type, PROV.Entity))
    history.add((revision, PROV.specializationOf, iri))
    history.add((revision, PROV.wasGeneratedBy, activity))
    history.add((revision, PROV.generatedAtTime, when))
    history.add((revision, PROV.value, Literal("\n".join(statements(state)))))
    return revision, history


def course_from_columns(data, course_id: str, vocabulary) -> Graph:
    """A course from a JSON object keyed by the inventory's columns (docs/import.md).

    Values are strings, numbers, booleans, or lists of strings (multi-valued columns). The
    object is read by the inventory reader as a one-row spreadsheet, so it gets the same
    checks, label resolution and messages; problems are placed at "body".

    :raises InputError: not an object, a value of another type, or an ``id`` that differs.
    :raises ProblemsError: the inventory reader's problems, each with its column.
    """
    from .errors import Problem, ProblemsError
    from .inventory import inventory_courses

    if not isinstance(data, dict) or not data:
        raise InputError("a JSON course body is an object keyed by the inventory's columns "
                         "(title_fr, title_en, institution, ...; docs/import.md)")
    cells = {}
    for key, value in data.items():
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "; ".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        elif value is None:
            value = ""
        elif not isinstance(value, str):
            raise InputError(f"the value of {key!r} is a {type(value).__name__}: give a string, a number, "
                             "a boolean or a list of strings")
        cells[str(key)] = value
    given = cells.get("id")
    if given and given != course_id:
        raise InputError(f"the body's id {given!r} is not the course of the URL ({course_id})")
    cells["id"] = course_id
    try:
        parsed = inventory_courses([(1, list(cells)), (2, list(cells.values()))], vocabulary,
                                   source="request body")
    except ProblemsError as exc:
        problems = [Problem("body", p.field, p.message) for p in exc.problems]
        raise ProblemsError(f"{len(problems)} problem(s) in the body; nothing was written",
                            problems=problems) from None
    return _only_the_course(parsed.graph, course_iri(course_id))


def course_from_schemaorg(text: str, course_id: str, vocabulary) -> Graph:
    """A course from a schema.org / Bioschemas ``Course`` JSON-LD document (one course).

    :raises ProblemsError: the JSON-LD reader's problems, each with its JSON path.
    """
    import tempfile
    from pathlib import Path

    from .jsonld_courses import read_course_jsonld

    with tempfile.TemporaryDirectory(prefix="genskills-body-") as folder:
        path = Path(folder) / "body.jsonld"
        path.write_text(text, encoding="utf-8")
        parsed = read_course_jsonld(path, vocabulary)
    courses = sorted({str(s) for s in parsed.graph.subjects(RDF.type, GSK.Course)})
    if len(courses) != 1:
        raise InputError(f"the body holds {len(courses)} schema.org courses; send one")
    # The URL names the course: its statements move to that IRI.
    iri, read = course_iri(course_id), URIRef(courses[0])
    graph = Graph()
    for s, p, o in parsed.graph:
        graph.add((iri if s == read else s, p, o))
    graph.set((iri, URIRef("http://www.w3.org/2004/02/skos/core#notation"), Literal(course_id)))
    return _only_the_course(graph, iri)


def _only_the_course(graph: Graph, iri: URIRef) -> Graph:
    others = sorted({str(s) for s in graph.subjects()} - {str(iri)})
    if others:
        raise InputError(f"the body would create {', '.join(others[:3])}: the API writes courses only; name "
                         "institutions the catalogue knows (or import the course with `genskills import`, which "
                         "creates institutions)")
    return graph
