"""Parameter binding edge cases, and the doctests of the core modules."""

from __future__ import annotations

import doctest
import importlib

import pytest

from genskills import QueryError
from genskills.queries import parse_query_file

HEADER = """#+ title@en: t
#+ title@fr: t
#+ description@en: d
#+ description@fr: d
#+ param region: iri gsk:Region required
#+ param region@en: r
#+ param region@fr: r
"""


def canned(tmp_path, body: str):
    path = tmp_path / "t.rq"
    path.write_text(HEADER + body, encoding="utf-8")
    return parse_query_file(path)


def test_a_hash_inside_an_iri_is_not_a_comment(tmp_path):
    query = canned(tmp_path, "SELECT ?c WHERE { ?c <https://w3id.org/genskills/ontology#inRegion> ?region }")
    text, _ = query.bind({"region": "region-84"})
    assert "VALUES (?region) { (<https://w3id.org/genskills/id/region-84>) }" in text
    assert text.index("VALUES") < text.index("ontology#inRegion")


def test_values_go_into_the_outer_group_not_a_sub_select(tmp_path):
    body = ('CONSTRUCT { ?c <http://www.w3.org/2000/01/rdf-schema#seeAlso> ?region } WHERE {\n'
            '  { SELECT ?c WHERE { ?c ?p ?o } }\n  ?c <https://w3id.org/genskills/ontology#inRegion> ?region }')
    text, _ = canned(tmp_path, body).bind({"region": "region-84"})
    outer = text.index("WHERE {") + len("WHERE {")
    assert text[outer:].lstrip().startswith("VALUES (?region)")


def test_an_empty_value_is_a_missing_parameter(tmp_path):
    query = canned(tmp_path, "SELECT ?c WHERE { ?c <https://w3id.org/genskills/ontology#inRegion> ?region }")
    with pytest.raises(QueryError, match="missing required parameter 'region'"):
        query.bind({"region": ""})


@pytest.mark.parametrize("blank", ["   ", "\n", "\t"])
def test_a_blank_iri_is_ill_typed_not_the_namespace(tmp_path, blank):
    query = canned(tmp_path, "SELECT ?c WHERE { ?c <https://w3id.org/genskills/ontology#inRegion> ?region }")
    with pytest.raises(QueryError, match="parameter 'region' must be an IRI of a gsk:Region"):
        query.bind({"region": blank})


@pytest.mark.parametrize("module", ["genskills.namespaces", "genskills.formats", "genskills.queries",
                                    "genskills.safety", "genskills.results"])
def test_doctests(module):
    failures, tried = doctest.testmod(importlib.import_module(module))
    assert tried > 0 and failures == 0
