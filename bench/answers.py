"""Comparing SPARQL JSON answers of different engines: same rows, whatever the writing.

Used by bench/compare.py and tests/test_virtuoso.py; needs nothing beyond the standard
library. Rows are compared as multisets (the order of rows with equal sort keys is not
fixed), after putting each term in one normal form (``normal_term``).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                              "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
                              "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}
_CONCAT = re.compile(r'GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*;\s*separator\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)'
                     r"\s*AS\s+\?(\w+)", re.IGNORECASE)


def concat_columns(sparql: str) -> dict[str, str]:
    """The variables a query binds with ``GROUP_CONCAT(...; separator="s")``, and their separators.

    >>> concat_columns('SELECT (GROUP_CONCAT(DISTINCT ?x; separator=", ") AS ?xs) WHERE {}')
    {'xs': ', '}
    """
    return {var: sep.encode().decode("unicode_escape") for sep, var in _CONCAT.findall(sparql)}


def _number(value: str, datatype: str) -> str:
    try:
        if datatype in (XSD + "double", XSD + "float"):
            return repr(float(value))
        number = Decimal(value)
        return str(number.normalize()) if number != number.to_integral_value() else str(int(number))
    except (InvalidOperation, ValueError):
        return value


def normal_term(term: dict) -> tuple:
    """A SPARQL JSON term in one form: what differs only in writing between engines is made equal.

    SPARQL JSON's old "typed-literal" is a literal; ``xsd:string`` is a plain literal; a
    language tag is case-insensitive; ``xsd:boolean`` "1"/"0" are "true"/"false"; numbers
    are compared by value within their datatype; blank node labels are arbitrary.

    >>> normal_term({"type": "typed-literal", "value": "1", "datatype": XSD + "boolean"})
    ('literal', 'true', 'http://www.w3.org/2001/XMLSchema#boolean', '')
    """
    kind = term["type"]
    value = term["value"]
    if kind == "bnode":
        return ("bnode",)
    if kind == "uri":
        return ("uri", value)
    datatype = term.get("datatype")
    language = (term.get("xml:lang") or "").lower()
    if datatype == XSD + "string" or language:
        datatype = None
    if datatype == XSD + "boolean":
        value = {"1": "true", "0": "false"}.get(value, value)
    elif datatype in _NUMERIC:
        value = _number(value, datatype)
    return ("literal", value, datatype, language)


def normal_rows(body: dict, concat: dict[str, str] | None = None) -> Counter:
    """The rows of a SELECT (or the boolean of an ASK) as a multiset of normal rows.

    The order of a GROUP_CONCAT is unspecified (SPARQL 1.1, 18.5.1.7), and engines differ
    on whether it keeps a language tag its parts share and on the value of an empty group
    ("" or unbound): for the ``concat`` variables, the parts are sorted, the language is
    dropped, and "" counts as unbound.
    """
    concat = concat or {}
    if "boolean" in body:
        return Counter({("boolean", bool(body["boolean"])): 1})
    rows = Counter()
    for binding in body["results"]["bindings"]:
        row = {}
        for var, term in binding.items():
            if var in concat and term.get("type") != "uri":
                if term["value"] == "":
                    continue
                parts = term["value"].split(concat[var]) if concat[var] else [term["value"]]
                row[var] = ("concat", tuple(sorted(parts)))
            else:
                row[var] = normal_term(term)
        rows[tuple(sorted(row.items()))] += 1
    return rows


def difference(reference: dict, answer: dict, concat: dict[str, str] | None = None) -> dict | None:
    """None when ``answer`` has the same variables and rows as ``reference``, else what differs."""
    ref_vars = set(reference.get("head", {}).get("vars", []))
    got_vars = set(answer.get("head", {}).get("vars", []))
    expected, got = normal_rows(reference, concat), normal_rows(answer, concat)
    if expected == got and ref_vars == got_vars:
        return None
    missing, extra = expected - got, got - expected
    return {
        "variables": None if ref_vars == got_vars else {"expected": sorted(ref_vars), "got": sorted(got_vars)},
        "rows_expected": sum(expected.values()), "rows_got": sum(got.values()),
        "only_in_reference": [shown(row) for row in list(missing)[:5]],
        "only_in_engine": [shown(row) for row in list(extra)[:5]],
    }


def shown(row) -> dict | str:
    """A normal row as a readable dict (value, @language, ^^datatype)."""
    if row and row[0] == "boolean":
        return f"ASK {row[1]}"
    out = {}
    for var, term in row:
        if term[0] == "concat":
            out[var] = " | ".join(term[1])
        elif term[0] == "bnode":
            out[var] = "_:b"
        elif term[0] == "uri":
            out[var] = term[1]
        else:
            out[var] = term[1] + (f"@{term[3]}" if term[3] else "") + (f"^^{term[2].rsplit('#', 1)[-1]}"
                                                                        if term[2] else "")
    return out
