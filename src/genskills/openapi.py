"""The OpenAPI 3 description of the HTTP interface, generated from the canned queries."""

from __future__ import annotations

from . import __version__
from .csv_export import CSV_CLASSES
from .namespaces import compact
from .queries import CannedQuery

_RESULTS = {media: {"schema": {"type": "string" if "json" not in media else "object"}}
            for media in ("application/sparql-results+json", "application/sparql-results+xml",
                          "text/csv", "text/tab-separated-values")}
_GRAPHS = {media: {"schema": {"type": "string"}}
           for media in ("text/turtle", "application/n-triples", "application/ld+json",
                         "application/rdf+xml", "application/trig", "application/n-quads")}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _error(description: str) -> dict:
    return {"description": description, "content": _ERROR}


def _param_schema(param) -> dict:
    if param.kind == "integer":
        schema = {"type": "integer"}
    elif param.kind == "language":
        schema = {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"}
    elif param.kind == "iri":
        schema = {"type": "string", "minLength": 1, "pattern": "^[^\\s<>\"{}|^`\\\\]+$"}
    else:
        schema = {"type": "string", "maxLength": 1000}
    if param.default is not None:
        schema["default"] = int(param.default) if param.kind == "integer" else param.default
    return schema


def canned_operation(query: CannedQuery) -> dict:
    parameters = []
    for param in query.params:
        text = param.description["en"]
        if param.kind == "iri":
            text += f" (an IRI of a {compact(param.cls)}: full IRI, prefixed name or genskills id)"
        entry = {"name": param.name, "in": "query", "required": param.required,
                 "description": text, "schema": _param_schema(param)}
        if param.kind == "iri":
            entry["x-genskills-class"] = param.cls   # the class the IRI must name a member of
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
            "503": _error("the query ran past the time limit, or the server is busy"),
        },
    }


def openapi(queries: dict[str, CannedQuery], *, update_enabled: bool) -> dict:
    """The OpenAPI 3.0 document: SPARQL protocol routes and one path per canned query."""
    query_param = {"name": "query", "in": "query", "required": True, "description": "SPARQL 1.1 query",
                   "schema": {"type": "string", "minLength": 1}}
    graph_params = [
        {"name": "default-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
        {"name": "named-graph-uri", "in": "query", "required": False,
         "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True},
    ]
    format_param = {"name": "format", "in": "query", "required": False,
                    "description": "result format for browsers (json, xml, csv, tsv, ttl, nt, jsonld, rdfxml, trig, nq)",
                    "schema": {"type": "string"}}
    query_responses = {
        "200": {"description": "results: SELECT/ASK as SPARQL results, CONSTRUCT/DESCRIBE as RDF",
                "content": {**_RESULTS, **_GRAPHS}},
        "400": _error("malformed query (with the parser's position), missing or repeated query"),
        "403": _error("SERVICE or LOAD to an endpoint that is not allow-listed"),
        "406": _error("no acceptable media type"),
        "413": _error("body larger than 1 MiB"),
        "415": _error("unsupported Content-Type"),
        "503": _error("the query ran past the time limit, or the server is busy"),
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
                             "properties": {"update": {"type": "string", "minLength": 1}}}},
                         "application/sparql-update": {"schema": {"type": "string", "minLength": 1}}}},
                     "responses": {"204": {"description": "done"},
                                   "400": _error("malformed update"),
                                   "401": _error("missing or wrong bearer token"),
                                   "403": _error("updates disabled" if not update_enabled else "LOAD not allowed"),
                                   "413": _error("body larger than 1 MiB"),
                                   "415": _error("unsupported Content-Type")}},
        },
        "/.well-known/void": {
            "get": {"operationId": "void", "summary": "VoID statistics of the dataset", "tags": ["SPARQL 1.1 Protocol"],
                    "parameters": [format_param],
                    "responses": {"200": {"description": "VoID (Turtle or JSON-LD)",
                                          "content": {"text/turtle": {"schema": {"type": "string"}},
                                                      "application/ld+json": {"schema": {"type": "object"}}}},
                                  "406": _error("no acceptable media type")}},
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
            "get": {"operationId": "health", "summary": "Readiness", "tags": ["meta"],
                    "responses": {"200": {"description": "ready", "content": {"application/json": {
                        "schema": {"type": "object"}}}}}},
        },
    }
    paths.update(_course_paths(update_enabled))
    paths.update(_export_paths())
    paths.update(_analysis_paths())
    paths.update(_page_paths())
    for name, query in queries.items():
        paths[f"/api/queries/{name}"] = {"get": canned_operation(query)}
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
               "headers": {"ETag": {"schema": {"type": "string"}}}}
    refused = {
        "400": _error("a bad id, or a body that is not RDF or describes something else than the course"),
        "401": _error("missing or wrong bearer token"),
        "403": _error("writes disabled (no update_token)" if not update_enabled else "writes refused"),
        "409": _error("the course belongs to a data file or an import: edit it there"),
        "412": _error("If-Match names a stale ETag (or If-None-Match: * and the course exists)"),
        "413": _error("body larger than 1 MiB"),
        "415": _error("unsupported Content-Type"),
        "422": _error("the course breaks a SHACL rule: the problems name each field; nothing was written"),
        "428": _error("replacing or deleting needs If-Match"),
    }
    conditional = [{"name": "If-Match", "in": "header", "required": False, "schema": {"type": "string"}},
                   {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"}}]
    return {
        "/api/courses/{course_id}": {
            "get": {"operationId": "course_get", "summary": "A course's statements, with its ETag",
                    "tags": ["courses"], "parameters": [_COURSE_ID],
                    "responses": {"200": {"description": "the course (JSON-LD by default, or by Accept)",
                                          "content": _GRAPHS, "headers": {"ETag": {"schema": {"type": "string"}}}},
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
    lang = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["fr", "en"]}}
    view_format = {"name": "format", "in": "query", "required": False,
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
            "404": _error("no such table")}, [
            {"name": "name", "in": "path", "required": True, "example": "Course",
             "schema": {"type": "string", "enum": list(CSV_CLASSES)}}, lang]),
        "/export/csv.zip": get("export_csv_zip", "Every class as CSV tables, zipped", {
            "200": {"description": "ZIP", "content": {"application/zip": {"schema": {"type": "string",
                                                                                    "format": "binary"}}}}},
            [lang]),
        "/export/schemaorg.jsonld": get("export_schemaorg", "The courses as schema.org / Bioschemas Course", {
            "200": {"description": "JSON-LD", "content": {"application/ld+json": {"schema": {"type": "object"}}}},
            "400": _error("a bad parameter")}, [
            lang, {"name": "include_illustrative", "in": "query", "required": False,
                   "schema": {"type": "string", "enum": ["true", "false"]}}]),
        "/export/schemaorg/{course_id}.jsonld": get("export_schemaorg_course", "One course as schema.org", {
            "200": {"description": "JSON-LD", "content": {"application/ld+json": {"schema": {"type": "object"}}}},
            "400": _error("a bad id"), "404": _error("no such course")}, [_COURSE_ID, lang]),
        "/export/skos": get("export_skos", "The competence framework as a SKOS concept scheme", view, [view_format]),
        "/export/esco": get("export_esco", "Role-competence links with ESCO's properties", view, [view_format]),
        "/dataset": get("dataset", "DCAT / VoID / PROV description of the dataset", view, [view_format]),
        "/context.jsonld": get("context", "The JSON-LD context of genskills data", {
            "200": {"description": "JSON-LD context",
                    "content": {"application/ld+json": {"schema": {"type": "object"}}}}}),
    }


_LANG = {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": ["fr", "en"]}}
_TABLE = {"200": {"description": "the answer: JSON (columns and rows) by default, CSV with format=csv",
                  "content": {"application/json": {"schema": {"type": "object"}},
                              "text/csv": {"schema": {"type": "string"}}}},
          "400": _error("a bad parameter (named in the message)"),
          "404": _error("an IRI that names nothing of the expected class")}


def _iri_param(name: str, cls: str, description: str, *, required: bool = False, many: bool = False) -> dict:
    schema = {"type": "array", "items": {"type": "string"}} if many else {"type": "string"}
    param = {"name": name, "in": "query", "required": required, "description": description, "schema": schema,
             "x-genskills-class": f"https://w3id.org/genskills/ontology#{cls}"}
    if many:
        param.update(style="form", explode=True)
    return param


def _level_param(name: str, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": {"type": "integer", "minimum": 1, "maximum": 8}}


def _analysis_paths() -> dict:
    """Coverage, gaps and learning paths (docs/analysis.md)."""
    table_format = {"name": "format", "in": "query", "required": False,
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
            {"name": "by", "in": "query", "required": False,
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
            {"name": "exact_limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0, "maximum": 25, "default": 20}}]),
    }


def _page_paths() -> dict:
    """The web interface's pages (HTML; a resource page also answers RDF by Accept or format)."""
    html = {"text/html": {"schema": {"type": "string"}}}

    def page(operation: str, summary: str, parameters=(), extra=None) -> dict:
        responses = {"200": {"description": "the page", "content": {**html, **(extra or {})}},
                     "400": {"description": "a bad parameter: an HTML page saying which", "content": html}}
        return {"get": {"operationId": operation, "summary": summary, "tags": ["web interface"],
                        "parameters": [*parameters, _LANG], "responses": responses}}

    rdf_format = {"name": "format", "in": "query", "required": False,
                  "schema": {"type": "string", "enum": ["html", "ttl", "jsonld", "nt", "xml"]}}
    facets = [{"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
              for name in ("q", "role", "competence", "step", "region", "training_type", "level", "mode", "language")]
    search_format = {"name": "format", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": ["csv", "json"]}}
    return {
        "/": page("page_home", "Home: what the graph holds, entry points by role, step and region"),
        "/courses": page("page_courses", "Faceted course search (format=csv or json: every result)",
                         [*facets, {"name": "page", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 1}}, search_format],
                         {"text/csv": {"schema": {"type": "string"}},
                          "application/json": {"schema": {"type": "object"}}}),
        "/id/{local}": {"get": {**page("page_resource", "The page of a genskills resource (its IRI's path); RDF "
                                       "by Accept or format", [rdf_format], _GRAPHS)["get"],
                                "parameters": [{"name": "local", "in": "path", "required": True,
                                                "example": "comp-inheritance", "schema": {"type": "string"}},
                                               rdf_format, _LANG]}},
        "/ontology": page("page_ontology", "The ontology's terms; RDF by Accept or format", [rdf_format], _GRAPHS),
        "/gaps": page("page_gaps", "Gap dashboard: coverage heatmap, care-pathway coverage, gaps", [
            {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
            for name in ("training_type", "level", "mode", "region")]),
        "/gaps/heatmap.svg": {"get": {"operationId": "figure_heatmap", "summary": "The coverage heatmap (SVG)",
                                      "tags": ["web interface"], "parameters": [_LANG],
                                      "responses": {"200": {"description": "SVG", "content": {
                                          "image/svg+xml": {"schema": {"type": "string"}}}}}}},
        "/gaps/pathway.svg": {"get": {"operationId": "figure_pathway", "summary": "Coverage along the pathway (SVG)",
                                      "tags": ["web interface"], "parameters": [_LANG],
                                      "responses": {"200": {"description": "SVG", "content": {
                                          "image/svg+xml": {"schema": {"type": "string"}}}}}}},
        "/path": page("page_path", "The learning-path form and its answer", [
            {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
            for name in ("role", "have", "region", "max_level", "mode", "training_type")]),
        "/query": page("page_query", "The SPARQL editor (YASGUI), with the canned queries as examples"),
    }
