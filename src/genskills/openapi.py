"""The OpenAPI 3 description of the HTTP interface, generated from the canned queries."""

from __future__ import annotations

from . import __version__
from .csv_export import CSV_CLASSES
from .formats import FORMAT_PARAM, graph_offers
from .namespaces import compact
from .queries import MAX_PAGE, CannedQuery

#: A JSON-LD document: one node object, or (as rdflib and the exports write it) an array of them.
_JSONLD = {"oneOf": [{"type": "object"}, {"type": "array"}]}
_RESULTS = {media: {"schema": {"type": "string" if "json" not in media else "object"}}
            for media in ("application/sparql-results+json", "application/sparql-results+xml",
                          "text/csv", "text/tab-separated-values")}
_GRAPHS = {media: {"schema": _JSONLD if media == "application/ld+json" else {"type": "string"}}
           for media in ("text/turtle", "application/n-triples", "application/ld+json",
                         "application/rdf+xml", "application/trig", "application/n-quads")}

# What an IRI parameter takes: a genskills id (role-nurse), a prefixed name (gskd:role-nurse)
# or an http(s) IRI, in ASCII (percent-encode the rest). Each of them, once expanded, is an IRI
# that the store's parser (RFC 3987) accepts; a looser pattern would promise values that the
# server can only refuse.
_PCHAR = r"(?:[A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_IRI = (r"(?:[A-Za-z0-9_][A-Za-z0-9._~-]*"
        r"|[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~-]*"
        rf"|https?://[A-Za-z0-9.-]+(?::[0-9]{{1,5}})?(?:/{_PCHAR}*)*(?:\?(?:{_PCHAR}|[/?])*)?"
        rf"(?:#(?:{_PCHAR}|[/?])*)?)")
IRI_PATTERN = f"^{_IRI}$"
LANGUAGE_PATTERN = "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
#: queries._INTEGER: up to 18 digits.
_LARGEST = 10 ** 18 - 1
#: A graph name as /sparql checks it (safety.is_absolute_iri): a scheme, then no character
#: that would end an IRI in SPARQL.
GRAPH_IRI_PATTERN = "^[A-Za-z][A-Za-z0-9+.-]*:[^\\u0000-\\u0020<>\"{}|^`\\\\]*$"
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
#: Every lang parameter of the API: French by default (an empty value too).
_LANG = {"name": "lang", "in": "query", "required": False, "allowEmptyValue": True,
         "schema": {"type": "string", "enum": ["fr", "en"]}}


def _error(description: str, *, headers: dict | None = None) -> dict:
    response = {"description": description, "content": _ERROR}
    if headers:
        response["headers"] = headers
    return response


#: Sent with every JSON 503 (web/errors.py), so that a client knows when to try again.
_RETRY_AFTER = {"Retry-After": {"required": True, "description": "seconds to wait", "schema": {"type": "string"}}}
#: The answer of any operation that reads or writes the store: a query past the time limit,
#: every query worker busy, or the store itself failing. It is expected, not a server fault.
_UNAVAILABLE_TEXT = "the query ran past the time limit, every query worker is busy, or the store failed: retry later"
_UNAVAILABLE = _error(_UNAVAILABLE_TEXT, headers=_RETRY_AFTER)
_PAGE_UNAVAILABLE = {"description": f"{_UNAVAILABLE_TEXT} (an HTML page)",
                     "content": {"text/html": {"schema": {"type": "string"}}}}
#: The operations that read nothing from the store, and so cannot be unavailable.
_STORELESS = {"list_queries", "openapi", "context"}
_UNAUTHORIZED = _error("missing or wrong bearer token", headers={
    "WWW-Authenticate": {"required": True, "schema": {"type": "string"}}})


def _param_schema(param, *, paged: bool = False) -> dict:
    if param.kind == "integer":
        schema = {"type": "integer", "minimum": -_LARGEST, "maximum": _LARGEST}
        if paged and param.name == "limit":
            schema.update(minimum=1, maximum=MAX_PAGE)
        elif paged and param.name == "offset":
            schema.update(minimum=0)
    elif param.kind == "language":
        schema = {"type": "string", "pattern": LANGUAGE_PATTERN}
    elif param.kind == "iri":
        schema = {"type": "string", "pattern": IRI_PATTERN}
    else:
        schema = {"type": "string", "maxLength": 1000}
        if param.required:
            schema["minLength"] = 1
    if param.default is not None:
        schema["default"] = int(param.default) if param.kind == "integer" else param.default
    return schema


def canned_operation(query: CannedQuery) -> dict:
    parameters = []
    paged = query.page_size is not None
    for param in query.params:
        text = param.description["en"]
        if param.kind == "iri":
            text += f" (an IRI of a {compact(param.cls)}: full IRI, prefixed name or genskills id)"
        entry = {"name": param.name, "in": "query", "required": param.required,
                 "description": text, "schema": _param_schema(param, paged=paged)}
        if param.kind == "iri":
            entry["x-genskills-class"] = param.cls   # the class the IRI must name a member of
        if not param.required:
            entry["allowEmptyValue"] = True   # an empty value means "not given" (CannedQuery.bind)
        parameters.append(entry)
    return {
        "operationId": "query_" + query.name.replace("-", "_"),
        "summary": query.title["en"],
        "description": f"{query.description['en']}\n\nFR : {query.title['fr']}. {query.description['fr']}",
        "tags": ["canned queries"],
        "parameters": parameters,
        "responses": {
            "200": {"description": "SPARQL results (JSON by default; XML, CSV or TSV by Accept)",
                    "content": _RESULTS},
            "400": _error("a missing, unknown or ill-typed parameter (the message names it)"),
            "404": _error("an IRI parameter names nothing of its class"),
            "406": _error("no acceptable media type"),
            "503": _UNAVAILABLE,
        },
    }


def openapi(queries: dict[str, CannedQuery], *, update_enabled: bool) -> dict:
    """The OpenAPI 3.0 document: SPARQL protocol routes and one path per canned query."""
    query_param = {"name": "query", "in": "query", "required": True, "description": "SPARQL 1.1 query",
                   "schema": {"type": "string", "minLength": 1}}
    graph_params = [
        {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
         "schema": {"type": "array", "items": {"type": "string", "pattern": GRAPH_IRI_PATTERN}}}
        for name in ("default-graph-uri", "named-graph-uri")
    ]
    format_param = {"name": "format", "in": "query", "required": False,
                    "description": "result format for browsers (json, xml, csv, tsv, ttl, nt, jsonld, rdfxml, trig, "
                                   "nq); one that does not fit the result (csv for a graph) is a 400",
                    "schema": {"type": "string", "enum": sorted(FORMAT_PARAM)}, "allowEmptyValue": True}
    graph_format_param = {**format_param, "description": "format for browsers (ttl, nt, jsonld, rdfxml, trig, nq)",
                          "schema": {"type": "string", "enum": sorted(k for k, v in FORMAT_PARAM.items()
                                                                      if v in graph_offers())}}
    query_responses = {
        "200": {"description": "results: SELECT/ASK as SPARQL results, CONSTRUCT/DESCRIBE as RDF",
                "content": {**_RESULTS, **_GRAPHS}},
        "400": _error("malformed query (with the parser's position), missing or repeated query, a graph IRI "
                      "that is not absolute, a format that does not fit the result"),
        "403": _error("SERVICE or LOAD to an endpoint that is not allow-listed"),
        "406": _error("no acceptable media type"),
        "413": _error("body larger than 1 MiB"),
        "415": _error("unsupported Content-Type"),
        "503": _UNAVAILABLE,
    }
    paths = {
        "/sparql": {
            "get": {"operationId": "sparql_get", "summary": "SPARQL query by GET (without query: service description)",
                    "tags": ["SPARQL 1.1 Protocol"],
                    "parameters": [{**query_param, "required": False}, *graph_params, format_param],
                    "responses": {**query_responses,
                                  "200": {"description": "results, or the service description (Turtle, JSON-LD)",
                                          "content": {**_RESULTS, **_GRAPHS}}}},
            "post": {"operationId": "sparql_post", "summary": "SPARQL query by POST",
                     "tags": ["SPARQL 1.1 Protocol"],
                     "parameters": [*graph_params, format_param],
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "required": ["query"],
                             "properties": {"query": {"type": "string", "minLength": 1}}}},
                         "application/sparql-query": {"schema": {"type": "string", "minLength": 1}}}},
                     "responses": query_responses},
        },
        "/sparql/update": {
            "post": {"operationId": "sparql_update", "summary": "SPARQL 1.1 Update (bearer token; disabled by default)",
                     "tags": ["SPARQL 1.1 Protocol"],
                     "security": [{"bearer": []}],
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "required": ["update"],
                             # An empty update is valid SPARQL 1.1 Update: it does nothing (204).
                             "properties": {"update": {"type": "string"}}}},
                         "application/sparql-update": {"schema": {"type": "string"}}}},
                     "responses": {"204": {"description": "done"},
                                   "400": _error("malformed update"),
                                   "401": _UNAUTHORIZED,
                                   "403": _error("updates disabled" if not update_enabled else "LOAD not allowed"),
                                   "413": _error("body larger than 1 MiB"),
                                   "415": _error("unsupported Content-Type"),
                                   "503": _UNAVAILABLE}},
        },
        "/.well-known/void": {
            "get": {"operationId": "void", "summary": "VoID statistics of the dataset", "tags": ["SPARQL 1.1 Protocol"],
                    "parameters": [graph_format_param],
                    "responses": {"200": {"description": "VoID (Turtle or JSON-LD by Accept; any RDF format "
                                                         "by format=)", "content": _GRAPHS},
                                  "400": _error("a format that is not an RDF format"),
                                  "406": _error("no acceptable media type"), "503": _UNAVAILABLE}},
        },
        "/api/queries": {
            "get": {"operationId": "list_queries", "summary": "The canned queries and their parameters",
                    "tags": ["canned queries"],
                    "responses": {"200": {"description": "list", "content": {"application/json": {
                        "schema": {"type": "object", "required": ["queries"], "properties": {
                            "queries": {"type": "array", "items": {"type": "object"}}}}}}}}},
        },
        "/api/openapi.json": {
            "get": {"operationId": "openapi", "summary": "This description", "tags": ["meta"],
                    "responses": {"200": {"description": "OpenAPI 3", "content": {"application/json": {
                        "schema": {"type": "object"}}}}}},
        },
        "/health": {
            "get": {"operationId": "health", "summary": "Readiness: a query gets through to the store",
                    "tags": ["meta"],
                    "responses": {"200": {"description": "ready", "content": {"application/json": {
                        "schema": {"type": "object"}}}},
                                  "503": _error("not ready: the store does not answer, or every query worker "
                                                "stayed busy", headers=_RETRY_AFTER)}},
        },
    }
    paths.update(_course_paths(update_enabled))
    paths.update(_export_paths())
    paths.update(_analysis_paths())
    paths.update(_page_paths())
    for name, query in queries.items():
        paths[f"/api/queries/{name}"] = {"get": canned_operation(query)}
    for operations in paths.values():
        for operation in operations.values():
            if operation["operationId"] not in _STORELESS and "503" not in operation["responses"]:
                page = operation["tags"] == ["web interface"]
                operation["responses"] = {**operation["responses"], "503": _PAGE_UNAVAILABLE if page else _UNAVAILABLE}
    return {
        "openapi": "3.0.3",
        "info": {"title": "genskills", "version": __version__,
                 "description": "SPARQL endpoint and canned queries of the knowledge graph of the skills, "
                                "roles and courses of genomic medicine (PFMG 2025)."},
        "paths": paths,
        "components": {
            "schemas": {"Error": {"type": "object", "required": ["ok", "error", "status"], "properties": {
                "ok": {"type": "boolean"}, "error": {"type": "string"}, "status": {"type": "integer"},
                "problems": {"type": "array", "description": "where the input is wrong (422, import errors)",
                             "items": {"type": "object", "required": ["location", "message"], "properties": {
                                 "location": {"type": "string"}, "field": {"type": "string", "nullable": True},
                                 "message": {"type": "object",
                                             "additionalProperties": {"type": "string"}}}}}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


_COURSE_ID = {"name": "course_id", "in": "path", "required": True,
              "description": "the course id: 'course-' then a-z, 0-9 and '-'",
              "example": "course-amu-master-conseil-genetique",
              "schema": {"type": "string", "pattern": "^course-[a-z0-9][a-z0-9-]{0,120}$"}}
_COURSE_BODY = {"required": True, "content": {
    **{media: {"schema": {"type": "string" if media != "application/ld+json" else "object"}}
       for media in ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")},
    "application/json": {"schema": {
        "type": "object", "description": "the inventory's columns (docs/import.md); lists for multi-valued ones",
        "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"},
                                           {"type": "array", "items": {"type": "string"}}]}}}}}


def _course_paths(update_enabled: bool) -> dict:
    """/api/courses: read with an ETag; create, replace and delete with the bearer token."""
    written = {"description": "the course as stored, with its new ETag", "content": _GRAPHS,
               "headers": {"ETag": {"required": True, "schema": {"type": "string"}}}}
    refused = {
        "400": _error("a bad id, or a body that is not RDF or describes something else than the course"),
        "401": _UNAUTHORIZED,
        "403": _error("writes disabled (no update_token)" if not update_enabled else "writes refused"),
        "409": _error("the course belongs to a data file or an import: edit it there"),
        "412": _error("If-Match names a stale ETag (or If-None-Match: * and the course exists)"),
        "413": _error("body larger than 1 MiB"),
        "415": _error("unsupported Content-Type"),
        "422": _error("the course breaks a SHACL rule: the problems name each field; nothing was written"),
        "428": _error("replacing or deleting needs If-Match"),
        "503": _UNAVAILABLE,
    }
    conditional = [{"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
                   {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}]
    return {
        "/api/courses/{course_id}": {
            "get": {"operationId": "course_get", "summary": "A course's statements, with its ETag",
                    "tags": ["courses"], "parameters": [_COURSE_ID],
                    "responses": {"200": {"description": "the course (JSON-LD by default, or by Accept)",
                                          "content": _GRAPHS,
                                          "headers": {"ETag": {"required": True, "schema": {"type": "string"}}}},
                                  "400": _error("a bad id"), "404": _error("no such course"),
                                  "406": _error("no acceptable media type")}},
            "put": {"operationId": "course_put", "summary": "Create or replace a course (bearer token, If-Match)",
                    "tags": ["courses"], "security": [{"bearer": []}], "parameters": [_COURSE_ID, *conditional],
                    "requestBody": _COURSE_BODY,
                    "responses": {"200": written, "201": written, **refused}},
            "delete": {"operationId": "course_delete", "summary": "Delete a course (bearer token, If-Match)",
                       "tags": ["courses"], "security": [{"bearer": []}], "parameters": [_COURSE_ID, conditional[0]],
                       "responses": {"204": {"description": "deleted; its last state stays in the history"},
                                     "404": _error("no such course"), **refused}},
        },
        "/api/courses/{course_id}/history": {
            "get": {"operationId": "course_history", "summary": "The changes made to a course through the API",
                    "tags": ["courses"], "parameters": [_COURSE_ID],
                    "responses": {"200": {"description": "changes, oldest first", "content": {"application/json": {
                        "schema": {"type": "object", "required": ["course", "changes"], "properties": {
                            "course": {"type": "string"}, "changes": {"type": "array", "items": {
                                "type": "object", "properties": {
                                    "revision": {"type": "string"}, "action": {"type": "string"},
                                    "time": {"type": "string"}, "agent": {"type": "string"},
                                    "href": {"type": "string"}}}}}}}}},
                                  "400": _error("a bad id"), "404": _error("no change of that course")}},
        },
        "/api/courses/{course_id}/history/{revision}": {
            "get": {"operationId": "course_revision", "summary": "A course as one change left it",
                    "tags": ["courses"],
                    "parameters": [_COURSE_ID, {"name": "revision", "in": "path", "required": True,
                                                "example": "0" * 32,
                                                "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}],
                    "responses": {"200": {"description": "the course's statements then (empty after a delete)",
                                          "content": _GRAPHS},
                                  "400": _error("a bad id"), "404": _error("no such revision"),
                                  "406": _error("no acceptable media type")}},
        },
    }


def _export_paths() -> dict:
    """The downloads (docs/export.md): dumps, CSV tables, views, the dataset description."""
    lang = _LANG
    view_format = {"name": "format", "in": "query", "required": False, "allowEmptyValue": True,
                   "schema": {"type": "string", "enum": ["ttl", "nt", "jsonld", "xml"]}}
    view = {"200": {"description": "RDF (Turtle by default; by Accept or ?format)", "content": _GRAPHS},
            "406": _error("no acceptable media type")}

    def get(operation: str, summary: str, responses: dict, parameters=()) -> dict:
        return {"get": {"operationId": operation, "summary": summary, "tags": ["exports"],
                        "parameters": list(parameters), "responses": responses}}

    return {
        "/export": get("export_dump", "The dataset, or one graph, in an RDF format (streamed)", {
            "200": {"description": "the dump", "content": _GRAPHS},
            "400": _error("an unknown format"), "404": _error("no such graph")}, [
            {"name": "format", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["trig", "nq", "ttl", "nt", "jsonld", "xml"], "default": "trig"}},
            {"name": "graph", "in": "query", "required": False,
             "description": "a source name (catalogue, reference...), 'inferred', or a graph IRI",
             "schema": {"type": "string"}}]),
        "/export/csv/{name}.csv": get("export_csv", "One class as a CSV table", {
            "200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string"}}}},
            "400": _error("a lang other than fr or en"), "404": _error("no such table")}, [
            {"name": "name", "in": "path", "required": True, "example": "Course",
             "schema": {"type": "string", "enum": list(CSV_CLASSES)}}, lang]),
        "/export/csv.zip": get("export_csv_zip", "Every class as CSV tables, zipped", {
            "200": {"description": "ZIP", "content": {"application/zip": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}},
            "400": _error("a lang other than fr or en")},
            [lang]),
        "/export/schemaorg.jsonld": get("export_schemaorg", "The courses as schema.org / Bioschemas Course", {
            "200": {"description": "JSON-LD", "content": {"application/ld+json": {"schema": {"type": "object"}}}},
            "400": _error("a bad lang or include_illustrative")}, [
            lang, {"name": "include_illustrative", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": ["true", "false"]}}]),
        "/export/schemaorg/{course_id}.jsonld": get("export_schemaorg_course", "One course as schema.org", {
            "200": {"description": "JSON-LD", "content": {"application/ld+json": {"schema": {"type": "object"}}}},
            "400": _error("a bad id or lang"), "404": _error("no such course")}, [_COURSE_ID, lang]),
        "/export/skos": get("export_skos", "The competence framework as a SKOS concept scheme", view, [view_format]),
        "/export/esco": get("export_esco", "Role-competence links with ESCO's properties", view, [view_format]),
        "/dataset": get("dataset", "DCAT / VoID / PROV description of the dataset", view, [view_format]),
        "/context.jsonld": get("context", "The JSON-LD context of genskills data", {
            "200": {"description": "JSON-LD context",
                    "content": {"application/ld+json": {"schema": {"type": "object"}}}}}),
    }


#: The pages show French for any language but en: a link with a stray lang still opens.
_PAGE_LANG = {"name": "lang", "in": "query", "required": False,
              "description": "en for English; French (the default) for any other value",
              "schema": {"type": "string"}}
_TABLE = {"200": {"description": "the answer: JSON (columns and rows) by default, CSV with format=csv",
                  "content": {"application/json": {"schema": {"type": "object"}},
                              "text/csv": {"schema": {"type": "string"}}}},
          "400": _error("a bad parameter (named in the message)"),
          "404": _error("an IRI that names nothing of the expected class")}


def _iri_param(name: str, cls: str, description: str, *, required: bool = False, many: bool = False) -> dict:
    schema = {"type": "string", "pattern": IRI_PATTERN}
    if many:
        schema = {"type": "array", "items": schema}
    param = {"name": name, "in": "query", "required": required, "description": description, "schema": schema,
             "x-genskills-class": f"https://w3id.org/genskills/ontology#{cls}"}
    if many:
        param.update(style="form", explode=True)
    elif not required:
        param["allowEmptyValue"] = True   # an empty value means "not given"
    return param


def _level_param(name: str, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "allowEmptyValue": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 8}}


def _analysis_paths() -> dict:
    """Coverage, gaps and learning paths (docs/analysis.md)."""
    table_format = {"name": "format", "in": "query", "required": False, "allowEmptyValue": True,
                    "schema": {"type": "string", "enum": ["json", "csv"], "default": "json"}}
    region = _iri_param("region", "Region", "courses taught in this region or online")
    training_type = _iri_param("training_type", "TrainingType", "courses of this training type")
    mode = _iri_param("mode", "CourseMode", "courses taught in this mode")
    level = _level_param("level", "courses of this EQF level (their own, or their training type's)")
    max_level = _level_param("max_level", "courses of at most this EQF level, and those with none stated")
    role = _iri_param("role", "ProfessionalRole", "the role, e.g. gskd:role-bioinformatician", required=True)

    def get(operation: str, summary: str, parameters: list) -> dict:
        return {"get": {"operationId": operation, "summary": summary, "tags": ["analysis"],
                        "parameters": [*parameters, _LANG, table_format], "responses": _TABLE}}

    return {
        "/api/analysis/coverage": get("analysis_coverage", "Courses per competence, domain or care-pathway step", [
            {"name": "by", "in": "query", "required": False, "allowEmptyValue": True,
             "schema": {"type": "string", "enum": ["competence", "domain", "step"], "default": "step"}},
            region, training_type, level, mode]),
        "/api/analysis/matrix": get("analysis_matrix", "Courses per competence and region (and online)",
                                    [training_type, level, mode]),
        "/api/analysis/gaps": get("analysis_role_gaps", "A role's essential competences no available course covers",
                                  [role, region, max_level, mode]),
        "/api/analysis/catalogue-gaps": get("analysis_catalogue_gaps",
                                            "Competences and steps with no course, or courses in one region only", []),
        "/api/analysis/learning-path": get("analysis_learning_path",
                                           "The fewest courses covering a role's missing essential competences", [
            role, {"name": "have", "in": "query", "required": False, "style": "form", "explode": True,
                   "description": "competences (or domains) already held", "schema": {"type": "array",
                                                                                      "items": {"type": "string"}}},
            region, max_level, mode,
            _iri_param("training_type", "TrainingType", "admit only these training types", many=True),
            {"name": "exact_limit", "in": "query", "required": False, "allowEmptyValue": True,
             "schema": {"type": "integer", "minimum": 0, "maximum": 25, "default": 20}}]),
    }


def _page_paths() -> dict:
    """The web interface's pages (HTML; a resource page also answers RDF by Accept or format).

    Their errors are HTML pages too. An empty parameter counts as not given.
    """
    html = {"text/html": {"schema": {"type": "string"}}}
    bad = {"description": "a bad parameter: an HTML page saying which", "content": html}
    unknown = {"description": "an IRI that names nothing of its class: an HTML page saying which", "content": html}

    def page(operation: str, summary: str, parameters=(), extra=None, *, media=None) -> dict:
        responses = {"200": {"description": "the page", "content": {**(media or html), **(extra or {})}}}
        if parameters:
            responses.update({"400": bad, "404": unknown})
        return {"get": {"operationId": operation, "summary": summary, "tags": ["web interface"],
                        "parameters": [*parameters, _PAGE_LANG], "responses": responses}}

    def optional(name: str, schema: dict, description: str | None = None) -> dict:
        param = {"name": name, "in": "query", "required": False, "allowEmptyValue": True, "schema": schema}
        if description:
            param["description"] = description
        return param

    def iri(name: str) -> dict:
        return optional(name, {"type": "string", "pattern": IRI_PATTERN}, "an IRI, prefixed name or genskills id")

    def iris(name: str, items: dict) -> dict:
        return {"name": name, "in": "query", "required": False, "style": "form", "explode": True,
                "schema": {"type": "array", "items": items}}

    rdf_format = optional("format", {"type": "string", "enum": ["html", "ttl", "jsonld", "nt", "xml"]})
    eqf_level = {"type": "integer", "minimum": 1, "maximum": 8}
    figure_facets = [iri("training_type"), optional("level", eqf_level), iri("mode")]
    svg = {"image/svg+xml": {"schema": {"type": "string"}}}
    return {
        "/": page("page_home", "Home: what the graph holds, entry points by role, step and region"),
        "/courses": page("page_courses", "Faceted course search (format=csv or json: every result)", [
            optional("q", {"type": "string", "maxLength": 200}, "words of the title or description"),
            *(iri(name) for name in ("role", "competence", "step", "region", "training_type", "mode")),
            optional("level", eqf_level),
            optional("language", {"type": "string", "maxLength": 8}, "letters: fr, en..."),
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            optional("format", {"type": "string", "enum": ["csv", "json"]})],
            {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "object"}}}),
        "/id/{local}": {"get": {**page("page_resource", "The page of a genskills resource (its IRI's path); RDF "
                                       "by Accept or format", [rdf_format], _GRAPHS)["get"],
                                "parameters": [{"name": "local", "in": "path", "required": True,
                                                "example": "comp-inheritance", "schema": {
                                                    "type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$"}},
                                               rdf_format, _PAGE_LANG]}},
        "/ontology": page("page_ontology", "The ontology's terms; RDF by Accept or format", [rdf_format], _GRAPHS),
        "/gaps": page("page_gaps", "Gap dashboard: coverage heatmap, care-pathway coverage, gaps",
                      [*figure_facets, iri("region")]),
        "/gaps/heatmap.svg": page("figure_heatmap", "The coverage heatmap (SVG)", figure_facets, media=svg),
        "/gaps/pathway.svg": page("figure_pathway", "Coverage along the pathway (SVG)", figure_facets, media=svg),
        "/path": page("page_path", "The learning-path form and its answer", [
            iri("role"), iris("have", {"type": "string"}), iri("region"), optional("max_level", eqf_level), iri("mode"),
            iris("training_type", {"type": "string", "pattern": IRI_PATTERN})]),
        "/query": page("page_query", "The SPARQL editor (YASGUI), with the canned queries as examples"),
    }
