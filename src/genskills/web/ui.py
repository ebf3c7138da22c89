"""The web interface: server-rendered pages over the core (templates/ and static/ beside this file).

Every page reads without JavaScript; only the SPARQL editor (/query) needs it, and falls
back to a plain form. A page's language is ``?lang=fr`` (default) or ``?lang=en``, so a
URL says what it shows and can be shared. Resource pages answer at the path of their IRI
(``https://w3id.org/genskills/id/X`` -> ``/id/X``) and give RDF to clients that ask for it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request, url_for
from markupsafe import Markup

from ..analysis import Constraints, Facets
from ..catalogue_index import FACETS, Search, read_index
from ..errors import NotFoundError, QueryError
from ..figures import Axis, RowGroup, StepCoverage, heatmap_svg, pathway_svg
from ..formats import GRAPH_ALIASES, negotiate
from ..jsonld_writer import load_context
from ..namespaces import GRAPH, GSK, GSKD, PREFIXES, compact
from ..queries import example_args, expand_iri
from ..resource_view import description_graph, describe
from ..stats import collect
from ..tables import Table, table_of
from .analysis_api import analysis
from .i18n import DEFAULT, LANGUAGES, language, text

bp = Blueprint("ui", __name__)

#: A data id under gskd: (the ids of ../shared/domain and of imports are of this form).
LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
#: Formats a resource URL answers, by key; HTML first (the default for browsers and */*).
RESOURCE_OFFERS = {"html": "text/html", "ttl": "text/turtle", "jsonld": "application/ld+json",
                   "nt": "application/n-triples", "xml": "application/rdf+xml"}
RDFLIB_FORMAT = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt11", "xml": "pretty-xml"}
#: Schemes of outside IRIs that pages link to as they are.
SAFE_SCHEMES = ("http", "https", "mailto")
#: Without a store generation (a remote store), cached pages are recomputed after this.
REMOTE_CACHE_SECONDS = 60


def core() -> dict:
    return current_app.extensions["genskills"]


# --- per-generation memo --------------------------------------------------------------------

class _Memo:
    """Answers kept until the store changes (its generation), or for a minute on a remote store."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamp = None
        self._values: dict = {}

    def get(self, key, compute):
        generation = core()["engine"].generation
        stamp = generation if generation is not None else int(time.monotonic() // REMOTE_CACHE_SECONDS)
        with self._lock:
            if stamp != self._stamp:
                self._stamp, self._values = stamp, {}
            if key in self._values:
                return self._values[key]
        value = compute()
        with self._lock:
            if self._stamp == stamp and len(self._values) < 512:
                self._values[key] = value
        return value


def memo():
    extensions = core()
    if "ui_memo" not in extensions:
        extensions["ui_memo"] = _Memo()
    return extensions["ui_memo"]


def catalogue():
    return memo().get("index", lambda: read_index(core()["store"].query))


# --- template helpers -----------------------------------------------------------------------

def page_lang() -> str:
    return language(request.args.get("lang"))


def url_with(**changes) -> str:
    """This page's URL with some query arguments changed (None removes one); page resets to 1."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k not in changes and k != "page"]
    for key, value in changes.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            args += [(key, v) for v in value]
        else:
            args.append((key, value))
    query = urlencode(args)
    return request.path + ("?" + query if query else "")


def link_for(iri: str) -> str:
    """Where a resource's page is: ours for genskills IRIs, the IRI itself for the others."""
    lang = page_lang()
    suffix = "" if lang == DEFAULT else f"?lang={lang}"
    if iri.startswith(str(GSKD)) and LOCAL_ID.fullmatch(iri[len(str(GSKD)):]):
        return url_for("ui.resource", local=iri[len(str(GSKD)):]) + suffix
    if iri.startswith(str(GSK)):
        return url_for("ui.ontology_page") + suffix + "#" + iri[len(str(GSK)):]
    if iri.split(":", 1)[0].lower() in SAFE_SCHEMES:
        return iri
    # Any other scheme (urn:, javascript:, data:...) never becomes a link target: the graph's
    # description of the IRI, through the SPARQL endpoint, is shown instead.
    return url_for("sparql.query", query=f"DESCRIBE <{iri}>")


@bp.app_context_processor
def template_helpers():
    def t(key: str, **values) -> str:
        return text(key, page_lang(), **values)

    lang = page_lang() if request else DEFAULT
    other = "en" if lang == "fr" else "fr"
    return {"t": t, "lang": lang, "other_lang": other, "url_with": url_with, "link_for": link_for,
            "compact": compact, "other_lang_url": url_with(lang=other if other != DEFAULT else None,
                                                           page=request.args.get("page"))}


def _attachment(body: str, filename: str, media: str) -> Response:
    return Response(body, content_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# --- home -----------------------------------------------------------------------------------

@bp.route("/", methods=["GET"])
def home():
    lang = page_lang()
    stats = memo().get("stats", lambda: collect(core()["store"]))
    last = memo().get("last-update", _last_update)
    entry = catalogue().search(Search(), lang=lang)
    return render_template("home.html", stats=stats, last_update=last, facets=entry.facets, total=entry.total)


def _last_update() -> str | None:
    rows = core()["store"].query(
        "SELECT (MAX(STR(?d)) AS ?last) WHERE { ?s <http://purl.org/dc/terms/modified> ?d }").rows
    return str(rows[0][0])[:10] if rows and rows[0][0] is not None else None


# --- course search --------------------------------------------------------------------------

def _search_from_args() -> Search:
    page = request.args.get("page", "1")
    if not page.isdigit():
        raise QueryError(f"'page' must be a whole number, got {page!r}")
    values = {name: request.args.get(name) or None for name in FACETS}
    return Search(text=request.args.get("q", ""), page=int(page), **values)


@bp.route("/courses", methods=["GET"])
def courses():
    lang = page_lang()
    search = _search_from_args()
    index = catalogue()
    fmt = request.args.get("format")
    if fmt in ("csv", "json"):
        everything = index.search(replace(search, page=1, page_size=len(index.courses) or 1), lang=lang)
        table = _course_table(everything.courses, index, lang)
        if fmt == "csv":
            return _attachment(table.to_csv(), "genskills-courses.csv", "text/csv")
        return Response(json.dumps(table.to_json(), ensure_ascii=False), content_type="application/json")
    if fmt:
        raise QueryError(f"format={fmt!r}: use csv or json (or no format for the page)")
    answer = index.search(search, lang=lang)
    return render_template("courses.html", answer=answer, search=index.check(search), index=index,
                           facet_names=list(FACETS))


def _course_table(found, index, lang: str) -> Table:
    def labels(iris) -> list[str]:
        return sorted(index.terms[i].label(lang) if i in index.terms else i for i in iris)

    table = Table(["course", "label", "training_type", "eqf_level", "regions", "modes", "languages",
                   "illustrative", "web_page"])
    for course in found:
        level = next(iter(course.facet_values["level"]), None)
        table.rows.append([course.iri, course.label(lang), labels(course.training_types),
                           int(level) if level else None, labels(course.regions), labels(course.modes),
                           sorted(course.languages), course.illustrative, course.web_page])
    return table


# --- resource pages -------------------------------------------------------------------------

def _rdf_response(graph, key: str) -> Response:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    if key == "jsonld":
        body = graph.serialize(format="json-ld", context=load_context(core()["settings"].root))
    else:
        body = graph.serialize(format=RDFLIB_FORMAT[key])
    response = Response(body, content_type=f"{RESOURCE_OFFERS[key]}; charset=utf-8")
    response.headers["Vary"] = "Accept"
    return response


def _negotiated() -> str:
    fmt = request.args.get("format")
    if fmt:
        if fmt not in RESOURCE_OFFERS:
            raise QueryError(f"format={fmt!r}: use one of {', '.join(RESOURCE_OFFERS)}")
        return fmt
    key = negotiate(request.headers.get("Accept"), RESOURCE_OFFERS, "html", GRAPH_ALIASES)
    return key or "html"


@bp.route("/id/<local>", methods=["GET"])
def resource(local: str):
    if not LOCAL_ID.fullmatch(local):
        raise NotFoundError(f"/id/{local}: not a genskills identifier")
    iri = str(GSKD[local])
    key = _negotiated()
    if key != "html":
        graph = description_graph(core()["store"].query, iri)
        if not len(graph):
            raise NotFoundError(f"nothing in the graph is about {compact(iri)}")
        return _rdf_response(graph, key)
    view = describe(core()["store"].query, iri)
    if view is None:
        raise NotFoundError(f"nothing in the graph is about {compact(iri)}")
    response = Response(render_template("resource.html", view=view, iri=iri, facet=_facet_of(view),
                                        alternates={k: url_for("ui.resource", local=local, format=k)
                                                    for k in RESOURCE_OFFERS if k != "html"}))
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = ", ".join(f'<{url_for("ui.resource", local=local, format=k)}>; rel="alternate"; '
                                         f'type="{RESOURCE_OFFERS[k]}"' for k in ("ttl", "jsonld"))
    return response


def _facet_of(view) -> str | None:
    """The search facet a resource's page links to ("see the courses"), if any."""
    classes = {str(t.term) for t in view.types}
    for name, cls in FACETS.items():
        if cls and str(GSK[cls]) in classes:
            return name
    if str(GSK.CompetenceDomain) in classes:
        return "competence"
    return None


@bp.route("/ontology", methods=["GET"])
def ontology_page():
    key = _negotiated()
    store = core()["store"]
    if key != "html":
        result = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH['ontology']}> {{ ?s ?p ?o }} }}")
        return _rdf_response(result.graph, key)
    terms = memo().get(("ontology-terms", page_lang()), lambda: _ontology_terms(page_lang()))
    return render_template("ontology.html", terms=terms)


def _ontology_terms(lang: str) -> list[dict]:
    rows = core()["store"].query(f"""
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?term ?kind ?label ?definition WHERE {{ GRAPH <{GRAPH['ontology']}> {{
          VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:NamedIndividual }}
          ?term a ?kind .
          OPTIONAL {{ ?term rdfs:label ?label FILTER(LANG(?label) = "{lang}") }}
          OPTIONAL {{ ?term skos:definition ?definition FILTER(LANG(?definition) = "{lang}") }}
          FILTER(STRSTARTS(STR(?term), "{GSK}"))
        }} }} ORDER BY ?kind ?term""").rows
    return [{"iri": str(term), "local": str(term)[len(str(GSK)):], "kind": str(kind).rsplit("#", 1)[-1],
             "label": str(label) if label else None, "definition": str(definition) if definition else None}
            for term, kind, label, definition in rows]


# --- gaps -----------------------------------------------------------------------------------

def _eqf_level(name: str) -> int | None:
    """The EQF level in parameter ``name`` (1 to 8), or None when it is absent or empty."""
    value = request.args.get(name) or None
    if value is not None and not (value.isdigit() and 1 <= int(value) <= 8):
        raise QueryError(f"{name!r} must be an EQF level from 1 to 8, got {value!r}")
    return int(value) if value else None


def _facets_from_args() -> Facets:
    return Facets(training_type=request.args.get("training_type") or None,
                  level=_eqf_level("level"), mode=request.args.get("mode") or None)


def _expanded(facets: Facets) -> Facets:
    return Facets(training_type=_expand(facets.training_type), level=facets.level, mode=_expand(facets.mode))


def heatmap_figure(facets: Facets, lang: str) -> str:
    matrix = memo().get(("matrix", facets, lang), lambda: analysis().matrix(facets, lang=lang))
    rows = [Axis(r["competence"], r["label"] or compact(r["competence"]), link_for(r["competence"]))
            for r in matrix.rows]
    groups: list[RowGroup] = []
    for row in matrix.rows:
        label = row["domain_label"] or ""
        if groups and groups[-1].label == label:
            groups[-1] = RowGroup(label, groups[-1].size + 1)
        else:
            groups.append(RowGroup(label, 1))
    columns = [Axis(c["key"], c["label"] or compact(c["key"]), link_for(c["key"])) for c in matrix.columns]
    return heatmap_svg(rows, columns, matrix.counts, title=text("heatmap_title", lang),
                       description=text("heatmap_desc", lang), groups=groups,
                       cell_title=text("heatmap_cell", lang), legend_title=text("heatmap_legend", lang),
                       id_prefix="heatmap", lang=lang)


def pathway_figure(facets: Facets, lang: str) -> str:
    table = memo().get(("steps", facets, lang), lambda: analysis().coverage("step", facets, lang=lang))
    steps = [StepCoverage(r["order"], r["step"], r["label"] or compact(r["step"]), r["competences"],
                          r["covered_competences"], r["courses"], link_for(r["step"])) for r in table.records()]
    return pathway_svg(steps, title=text("pathway_title", lang), description=text("pathway_desc", lang),
                       covered_label=text("covered", lang), uncovered_label=text("not_covered", lang),
                       courses_label=text("n_courses", lang), id_prefix="pathway", lang=lang)


@bp.route("/gaps", methods=["GET"])
def gaps():
    lang = page_lang()
    facets = _expanded(_facets_from_args())
    region = request.args.get("region") or None
    work = analysis()
    choices = _choices(lang)
    catalogue_gaps = memo().get(("catalogue-gaps", lang), lambda: work.catalogue_gaps(lang=lang))
    constraints = Constraints(region=_expand(region))
    role_gaps = memo().get(("role-gaps", constraints, lang), lambda: [
        (role, work.role_gaps(role["member"], constraints, lang=lang).records()) for role in choices["roles"]])
    return render_template("gaps.html", heatmap=Markup(heatmap_figure(facets, lang)),
                           pathway=Markup(pathway_figure(facets, lang)), catalogue_gaps=catalogue_gaps.records(),
                           role_gaps=role_gaps, choices=choices, region=constraints.region,
                           facets=facets, svg_args=urlencode({k: v for k, v in request.args.items()
                                                              if k in ("training_type", "level", "mode", "lang")}))


@bp.route("/gaps/heatmap.svg", methods=["GET"])
def heatmap_download():
    return Response(heatmap_figure(_expanded(_facets_from_args()), page_lang()), content_type="image/svg+xml")


@bp.route("/gaps/pathway.svg", methods=["GET"])
def pathway_download():
    return Response(pathway_figure(_expanded(_facets_from_args()), page_lang()), content_type="image/svg+xml")


def _expand(value: str | None) -> str | None:
    return expand_iri(value) if value else None


def _choices(lang: str) -> dict:
    def members(cls: str) -> list[dict]:
        return memo().get(("members", cls, lang), lambda: analysis().members(str(GSK[cls]), lang=lang))
    return {"roles": members("ProfessionalRole"), "regions": members("Region"),
            "training_types": members("TrainingType"), "modes": members("CourseMode")}


# --- learning path --------------------------------------------------------------------------

@bp.route("/path", methods=["GET"])
def learning_path():
    lang = page_lang()
    choices = _choices(lang)
    role = request.args.get("role") or None
    answer, competences = None, []
    constraints = Constraints(region=_expand(request.args.get("region") or None),
                              max_level=_eqf_level("max_level"),
                              mode=_expand(request.args.get("mode") or None),
                              training_types=frozenset(_expand(v) for v in request.args.getlist("training_type") if v))
    have = [v for v in request.args.getlist("have") if v]
    if role:
        work = analysis()
        records = table_of(work.query("competences-of-role", {"role": role, "lang": lang})).records()
        competences = [{"competence": r["competence"], "label": r["label"] or compact(r["competence"])}
                       for r in records if r["essential"]]
        answer = work.learning_path(role, have=have, constraints=constraints, lang=lang)
    api_args = urlencode([(k, v) for k, v in request.args.items(multi=True) if v and k != "lang"])
    return render_template("path.html", choices=choices, role=_expand(role), answer=answer, competences=competences,
                           have={_expand(h) for h in have}, constraints=constraints, api_args=api_args)


# --- SPARQL page ----------------------------------------------------------------------------

@bp.route("/query", methods=["GET"])
def query_page():
    lang = page_lang()
    examples = []
    for query in core()["queries"].values():
        args = example_args(query)
        if args is None:
            continue
        if any(p.name == "lang" for p in query.params):
            args["lang"] = lang
        sparql, _ = query.bind(args)
        examples.append({"name": query.name, "title": query.title.get(lang) or query.title.get("en"),
                         "query": sparql})
    # "</" cannot end the JSON block early: written as "<\/", which JSON reads back as "</".
    examples_json = json.dumps(examples, ensure_ascii=False).replace("</", "<\\/")
    return render_template("query.html", examples=examples, examples_json=Markup(examples_json),
                           first_query=examples[0]["query"] if examples else "SELECT * WHERE { ?s ?p ?o } LIMIT 10")


__all__ = ["bp", "LANGUAGES"]
