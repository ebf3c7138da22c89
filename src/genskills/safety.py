"""Checks on query and update text before they reach the engine."""

from __future__ import annotations

import re

from .errors import ForbiddenError, QueryError

#: One token at a time, left to right: a string, an IRI or a comment. Scanning them in one
#: pass matters: a '#' or a quote inside an IRI, or a '#' inside a string, starts nothing.
TOKENS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''   # strings
    r'|<[^<>"{}|^`\\\x00-\x20]*>'                                                     # IRIs
    r'|#[^\n]*')                                                                      # comments

_REMOTE = re.compile(r"\b(SERVICE|LOAD)\b\s*(?:SILENT\b\s*)?(<[^<>\"{}|^`\\\x00-\x20]*>|[^\s{]*)", re.IGNORECASE)
#: An absolute IRI as it may stand between < and > in SPARQL: a scheme, then none of the
#: characters RFC 3987 forbids (which would also end the IRI early).
_ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>"{}|^`\\]*$')


def is_absolute_iri(value: str) -> bool:
    """True when ``value`` can be written as ``<value>`` in SPARQL without changing the text around it.

    >>> is_absolute_iri("https://w3id.org/genskills/id/x"), is_absolute_iri("x> . ?s ?p ?o <y")
    (True, False)
    """
    return bool(_ABSOLUTE_IRI.match(value))


def blank_comments(text: str) -> str:
    """``text`` with comments blanked out (same length, so positions still match).

    >>> blank_comments('SELECT ?x WHERE { ?x <http://ex/#p> "#" } # note')
    'SELECT ?x WHERE { ?x <http://ex/#p> "#" }       '
    """
    return TOKENS.sub(lambda m: " " * len(m.group()) if m.group().startswith("#") else m.group(), text)


def blank_tokens(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out (same length, so positions match).

    >>> blank_tokens('SELECT ?x WHERE { ?x <http://ex/?x> "?x" } # ?x')
    'SELECT ?x WHERE { ?x                "  " }     '
    """
    def blank(match: re.Match) -> str:
        token = match.group()
        return " " * len(token) if token.startswith(("#", "<")) else token[0] + " " * (len(token) - 2) + token[-1]
    return TOKENS.sub(blank, text)


def _code_only(text: str) -> tuple[str, list[str]]:
    """``text`` with strings emptied, comments removed and each IRI replaced by ``<n>``.

    The IRIs are returned apart (``<n>`` is the n-th), so that no word inside an IRI
    (``<http://ex/service>``) reads as a keyword.
    """
    iris: list[str] = []

    def keep(match: re.Match) -> str:
        token = match.group()
        if token.startswith("#"):
            return " "
        if token.startswith("<"):
            iris.append(token[1:-1])
            return f"<{len(iris) - 1}>"
        return '""'
    return TOKENS.sub(keep, text), iris


def check_remote_calls(text: str, allowed: tuple[str, ...]) -> None:
    """Refuse ``SERVICE`` and ``LOAD`` to any endpoint that is not allow-listed.

    Only a full IRI can be allow-listed: a prefixed name or a variable after SERVICE is
    refused, since its target is not known before the query runs. A SPARQL text that
    escapes the keyword itself (``\\u0053ERVICE``) is refused by the parser.

    :raises ForbiddenError: naming the keyword and the target.
    """
    code, iris = _code_only(text)
    for match in _REMOTE.finditer(code):
        keyword, target = match.group(1).upper(), match.group(2)
        iri = iris[int(target[1:-1])] if re.fullmatch(r"<\d+>", target) else None
        if iri is None or iri not in allowed:
            shown = iri or target or "(nothing)"
            allowed_text = ", ".join(allowed) if allowed else "none"
            raise ForbiddenError(f"{keyword} {shown} is not allowed: this server only reaches the "
                                 f"endpoints of its service_allow setting ({allowed_text})")


#: Brackets a query or update may nest. Oxigraph's parser recurses once per level and a few
#: thousand levels overflow its stack, which kills the process: the server's own, for an
#: update. Hand-written and generated queries stay far below this.
MAX_NESTING = 100


def check_nesting(text: str, *, limit: int = MAX_NESTING) -> None:
    """Refuse SPARQL whose ``{``, ``(`` and ``[`` nest deeper than ``limit``.

    Brackets inside strings, IRIs and comments do not count.

    :raises QueryError: naming the line and column where the limit is passed.

    >>> check_nesting("ASK { " + "(" * 3 + "1" + ")" * 3 + " }", limit=3)
    Traceback (most recent call last):
    ...
    genskills.errors.QueryError: the SPARQL nests brackets deeper than 3 levels at line 1, column 9: write it flatter
    """
    code = blank_tokens(text)
    depth = 0
    for position, char in enumerate(code):
        if char in "{([":
            depth += 1
            if depth > limit:
                line = code.count("\n", 0, position) + 1
                column = position - (code.rfind("\n", 0, position) + 1) + 1
                raise QueryError(f"the SPARQL nests brackets deeper than {limit} levels at line {line}, "
                                 f"column {column}: write it flatter")
        elif char in "})]":
            depth = max(0, depth - 1)


def checked_graph_iri(value: str, parameter: str) -> str:
    """``value`` if it is an absolute IRI usable as a graph name.

    :raises QueryError: naming the parameter.
    """
    if not is_absolute_iri(value):
        raise QueryError(f"{parameter} must be an absolute IRI, got {value!r}")
    return value
