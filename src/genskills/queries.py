"""Canned queries: ``queries/*.rq`` with a ``#+`` header, and their typed parameters.

See docs/queries.md for the header syntax and how parameters are bound.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .errors import InputError, NotFoundError, QueryError
from .namespaces import GSKD, PREFIXES
from .results import QueryResult, ntriples_term
from .safety import blank_comments, blank_tokens, is_absolute_iri
from .store import Store, is_valid_iri, query_syntax_error

PARAM_TYPES = ("iri", "string", "integer", "language")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER = re.compile(r"^#\+\s*(?P<key>[^:]+?)\s*:\s*(?P<value>.*)$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_INTEGER = re.compile(r"^[+-]?[0-9]{1,18}$")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
#: A query line kept only when a parameter is given ("#if region") or not ("#unless region").
_CONDITION = re.compile(r"#(?P<kind>if|unless)\s+(?P<name>[a-z][a-z0-9_]*)\s*$")
#: The page parameters of a paged query (header "#+ paged: N"), with their bounds.
PAGE_PARAMS = ("limit", "offset")
MAX_PAGE = 10_000


@dataclass(frozen=True)
class Param:
    name: str
    kind: str                       # one of PARAM_TYPES
    cls: str | None                 # expected class IRI of an iri parameter
    required: bool
    default: str | None
    description: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CannedQuery:
    name: str
    text: str
    title: dict[str, str]
    description: dict[str, str]
    params: tuple[Param, ...]
    #: Rows per page when the query is paged (``limit``/``offset`` parameters), else None.
    page_size: int | None = None

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)

    def bind(self, args: Mapping[str, str]) -> tuple[str, dict[str, URIRef | Literal]]:
        """The query text with ``args`` bound, and the bound terms by parameter name.

        :raises QueryError: a missing required parameter, an unknown one, or a value of
            the wrong type; the message names the parameter.
        """
        known = {p.name for p in self.params}
        unknown = sorted(set(args) - known)
        if unknown:
            expected = ", ".join(sorted(known)) or "none"
            raise QueryError(f"query {self.name}: unknown parameter(s) {', '.join(unknown)}; "
                             f"its parameters are: {expected}")
        terms: dict[str, URIRef | Literal] = {}
        for param in self.params:
            value = args.get(param.name)
            if value is None or value == "":   # an empty form field means "not given"
                value = param.default
            if value is None:
                if param.required:
                    raise QueryError(f"query {self.name}: missing required parameter {param.name!r} "
                                     f"({_kind_text(param)})")
                continue
            terms[param.name] = to_term(param, value, query=self.name)
        page = {name: terms.pop(name) for name in PAGE_PARAMS if name in terms} if self.page_size else {}
        text = with_constants(_conditioned(self.text, set(terms)), terms)
        if self.page_size:
            text += self._page_clause(page)
        return text, terms

    def _page_clause(self, page: Mapping[str, Literal]) -> str:
        """``LIMIT``/``OFFSET`` from checked integers: they cannot be variables in SPARQL."""
        limit, offset = int(page["limit"]), int(page["offset"])
        if not 1 <= limit <= MAX_PAGE:
            raise QueryError(f"query {self.name}: parameter 'limit' must be between 1 and {MAX_PAGE}, got {limit}")
        if offset < 0:
            raise QueryError(f"query {self.name}: parameter 'offset' must be 0 or more, got {offset}")
        return f"\nLIMIT {limit}\nOFFSET {offset}\n"


def _conditioned(text: str, given: set[str]) -> str:
    """``text`` without the lines whose ``#if``/``#unless`` condition fails.

    A pattern such as ``?course gsk:inRegion ?region`` is fast when ``?region`` is bound
    and wrong when it is not (it would drop courses with no region); a ``FILTER(!BOUND(..)
    || EXISTS ..)`` is right both ways but visits every course. A conditional line gives
    each case its own plan. The line is blanked, not removed, so error positions hold.
    """
    lines = text.split("\n")
    for number, line in enumerate(lines):
        match = _CONDITION.search(line)
        if match and (match.group("name") in given) != (match.group("kind") == "if"):
            lines[number] = ""
    return "\n".join(lines)


def _kind_text(param: Param) -> str:
    return f"an IRI of a {_short(param.cls)}" if param.kind == "iri" else f"a {param.kind}"


def _short(iri: str | None) -> str:
    from .namespaces import compact
    return compact(iri) if iri else "resource"


def expand_iri(value: str) -> str:
    """A full IRI from a full IRI, a prefixed name or a bare genskills id.

    >>> expand_iri("gskd:role-nurse")
    'https://w3id.org/genskills/id/role-nurse'
    >>> expand_iri("role-nurse")
    'https://w3id.org/genskills/id/role-nurse'
    """
    if "://" in value or value.startswith("urn:"):
        return value
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    if not colon:
        return str(GSKD) + value
    return value


def to_term(param: Param, value: str, *, query: str = "") -> URIRef | Literal:
    """``value`` as the RDF term of ``param``'s type.

    :raises QueryError: the value does not fit the type; the message names the parameter.
    """
    where = f"query {query}: " if query else ""
    if param.kind == "iri":
        if not value.strip():
            raise QueryError(f"{where}parameter {param.name!r} must be {_kind_text(param)}, got {value!r}")
        iri = expand_iri(value.strip())
        if not (is_absolute_iri(iri) and is_valid_iri(iri)):
            raise QueryError(f"{where}parameter {param.name!r} must be {_kind_text(param)}, got {value!r}")
        return URIRef(iri)
    if param.kind == "integer":
        if not _INTEGER.match(value.strip()):
            raise QueryError(f"{where}parameter {param.name!r} must be an integer, got {value!r}")
        return Literal(int(value.strip()), datatype=XSD.integer)
    if param.kind == "language":
        if not _LANGUAGE.match(value.strip()):
            raise QueryError(f"{where}parameter {param.name!r} must be a language code such as fr or en, "
                             f"got {value!r}")
        return Literal(value.strip().lower())
    if len(value) > 1000:
        raise QueryError(f"{where}parameter {param.name!r} is longer than 1000 characters")
    return Literal(value)


def _sparql_term(term: URIRef | Literal) -> str:
    """A checked term in N-Triples syntax: escapes make it one token whatever it holds."""
    if isinstance(term, URIRef) and not is_absolute_iri(str(term)):
        raise QueryError(f"not an IRI: {str(term)!r}")   # to_term checked it; never trust twice-removed input
    return ntriples_term(term)


def with_constants(text: str, terms: Mapping[str, URIRef | Literal]) -> str:
    """``text`` with each parameter variable replaced by its bound term, in N-Triples syntax.

    The term stands where the variable stood, so every part of the query sees it, filters in
    nested groups included. (A ``VALUES`` block, used before, joins the outermost group only:
    a ``FILTER`` inside an ``OPTIONAL`` ran before the join and did not see it, and Virtuoso
    7.2 did not see it there at all.) Variables inside strings, IRIs and comments are left
    alone. The term is checked and escaped by ``_sparql_term``: it is one token whatever it
    holds, so no value can close a string, an IRI or a group.

    >>> with_constants('SELECT ?l WHERE { ?x <p> ?l FILTER(LANG(?l) = ?lang) } # ?lang', {"lang": Literal("fr")})
    'SELECT ?l WHERE { ?x <p> ?l FILTER(LANG(?l) = "fr") } # ?lang'
    """
    if not terms:
        return text
    written = {name: _sparql_term(term) for name, term in terms.items()}
    variable = re.compile(r"[?$](" + "|".join(map(re.escape, written)) + r")(?![\w\u00B7\u0300-\u036F\u203F-\u2040])")
    code = blank_tokens(text)
    pieces, last = [], 0
    for match in variable.finditer(code):
        pieces += [text[last:match.start()], written[match.group(1)]]
        last = match.end()
    return "".join(pieces) + text[last:]


def _check_bindable(path: Path, text: str, params: list[Param], page_size: int | None) -> None:
    """Fail at load time if a parameter stands where a constant cannot (``SELECT ?p``,
    ``AS ?p``, ``GROUP BY ?p``): bind stand-in values and let the engine parse the result.
    """
    stand_in = {"iri": URIRef("urn:genskills:check"), "string": Literal("x"),
                "integer": Literal(1, datatype=XSD.integer), "language": Literal("fr")}
    required = {p.name for p in params if p.required or p.default is not None}
    for given in ({p.name for p in params}, required):
        terms = {p.name: stand_in[p.kind] for p in params if p.name in given}
        bound = with_constants(_conditioned(text, given), terms)
        if page_size:
            bound += "\nLIMIT 1\n"
        error = query_syntax_error(bound)
        if error:
            raise InputError(f"with its parameters bound as constants ({', '.join(sorted(given)) or 'none'}), "
                             f"the query does not parse: {error}. A parameter cannot be projected, "
                             "grouped on, or assigned with AS", path=str(path))


def parse_query_file(path: Path) -> CannedQuery:
    """Read one ``.rq`` file and its header.

    :raises InputError: the header is incomplete or malformed; the message names the
        file and line.
    """
    name = path.stem
    text = path.read_text(encoding="utf-8")
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    params: dict[str, dict] = {}
    page_size = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#+"):
            continue
        match = _HEADER.match(line)
        if not match:
            raise InputError("a header line reads '#+ key: value'", path=str(path), line=number)
        key, value = match.group("key"), match.group("value").strip()
        if key in ("title@fr", "title@en"):
            title[key[-2:]] = value
        elif key in ("description@fr", "description@en"):
            description[key[-2:]] = value
        elif key == "paged":
            if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
                raise InputError(f"'paged' takes a page size from 1 to {MAX_PAGE}", path=str(path), line=number)
            page_size = int(value)
        elif key.startswith("param "):
            pname, _, lang = key[len("param "):].strip().partition("@")
            if not _NAME.match(pname):
                raise InputError(f"parameter name {pname!r} must match [a-z][a-z0-9_]*", path=str(path),
                                 line=number)
            entry = params.setdefault(pname, {"description": {}, "line": number})
            if lang:
                if lang not in ("fr", "en"):
                    raise InputError(f"parameter description language must be fr or en, got {lang!r}",
                                     path=str(path), line=number)
                entry["description"][lang] = value
            else:
                entry.update(_param_spec(value, path, number))
        else:
            raise InputError(f"unknown header key {key!r}", path=str(path), line=number)
    for lang in ("fr", "en"):
        if lang not in title or lang not in description:
            raise InputError(f"the header needs title@{lang} and description@{lang}", path=str(path))
    built = []
    for pname, entry in params.items():
        if "kind" not in entry:
            raise InputError(f"parameter {pname!r} is described but not declared "
                             "('#+ param NAME: TYPE ...')", path=str(path), line=entry["line"])
        if set(entry["description"]) != {"fr", "en"}:
            raise InputError(f"parameter {pname!r} needs a description in fr and en", path=str(path),
                             line=entry["line"])
        if not re.search(rf"\?{pname}\b", blank_comments(text)):
            raise InputError(f"parameter {pname!r} binds ?{pname}, which the query does not use",
                             path=str(path), line=entry["line"])
        built.append(Param(pname, entry["kind"], entry["cls"], entry["required"], entry["default"],
                           entry["description"]))
    for number, line in enumerate(text.splitlines(), start=1):
        match = _CONDITION.search(line)
        if match and match.group("name") not in params:
            raise InputError(f"#{match.group('kind')} names {match.group('name')!r}, which is not a parameter",
                             path=str(path), line=number)
    if page_size is not None:
        if set(PAGE_PARAMS) & set(params):
            raise InputError("a paged query declares no 'limit' or 'offset' parameter of its own", path=str(path))
        built += _page_params(page_size)
    _check_bindable(path, text, [p for p in built if p.name not in PAGE_PARAMS], page_size)
    return CannedQuery(name, text, title, description, tuple(built), page_size)


def _page_params(page_size: int) -> list[Param]:
    return [
        Param("limit", "integer", None, False, str(page_size),
              {"en": f"Rows per page, 1 to {MAX_PAGE} (default {page_size})",
               "fr": f"Lignes par page, de 1 à {MAX_PAGE} (par défaut {page_size})"}),
        Param("offset", "integer", None, False, "0",
              {"en": "Rows to skip: the page starts after them (default 0)",
               "fr": "Lignes à sauter : la page commence après elles (par défaut 0)"}),
    ]


def _param_spec(value: str, path: Path, line: int) -> dict:
    words = value.split()
    if not words or words[0] not in PARAM_TYPES:
        raise InputError(f"parameter type must be one of {', '.join(PARAM_TYPES)}", path=str(path), line=line)
    kind, rest = words[0], words[1:]
    cls = None
    if kind == "iri":
        if not rest or ":" not in rest[0]:
            raise InputError("an iri parameter names its class, e.g. 'iri gsk:Region'", path=str(path), line=line)
        cls = expand_iri(rest.pop(0))
    if not rest or rest[0] not in ("required", "optional"):
        raise InputError("say 'required' or 'optional' after the type", path=str(path), line=line)
    required = rest.pop(0) == "required"
    default = None
    for word in rest:
        if not word.startswith("default="):
            raise InputError(f"unexpected {word!r} in a parameter declaration", path=str(path), line=line)
        default = word[len("default="):]
    return {"kind": kind, "cls": cls, "required": required, "default": default}


def load_queries(folder: Path) -> dict[str, CannedQuery]:
    """Every canned query of ``folder``, by name, sorted."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(Path(folder).glob("*.rq")))}


def check_iri_params(store: Store, query: CannedQuery, terms: Mapping[str, URIRef | Literal]) -> None:
    """Each IRI parameter must name a resource of its class.

    :raises NotFoundError: naming the parameter, the IRI and the expected class.
    """
    for name, term in terms.items():
        param = query.param(name)
        if param.kind != "iri" or param.cls is None:
            continue
        answer = store.query(f"ASK {{ <{term}> a <{param.cls}> }}")
        if not answer.boolean:
            raise NotFoundError(f"query {query.name}: parameter {name!r}: {_short(str(term))} "
                                f"is not a {_short(param.cls)} of the graph")


def run_canned(store: Store, query: CannedQuery, args: Mapping[str, str]) -> QueryResult:
    """Bind, check and run a canned query on ``store``."""
    text, terms = query.bind(args)
    check_iri_params(store, query, terms)
    return store.query(text)


_EXAMPLE = re.compile(r"\be\.g\. (\S+?)[,;.]?(?:\s|$)")


def example_args(query: CannedQuery) -> dict[str, str] | None:
    """Values for the required parameters of ``query``, from the "e.g. X" of their English
    descriptions; None when a required parameter has no example."""
    args = {}
    for param in query.params:
        if not param.required:
            continue
        match = _EXAMPLE.search(param.description.get("en", ""))
        if match is None:
            return None
        args[param.name] = match.group(1)
    return args
