"""The web interface over a real `genskills serve` process: pages, Linked Data, analysis API.

Browser-driven tests (headless Chromium) are in tests/test_web_browser.py; these read the
HTML with the standard library's parser, which is enough to check what a page says.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import urllib.parse
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from genskills.namespaces import GSK, GSKD
from server import Server


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    running = Server("--store", str(tmp_path_factory.mktemp("ui") / "store"))
    yield running
    running.stop()


class Page(HTMLParser):
    """The parts of an HTML page the tests read: elements with attributes, and all text."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.text_parts: list[str] = []
        self._stack: list[tuple[str, dict, list[str]]] = []
        self.texts_by_attr: list[tuple[dict, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag not in ("meta", "link", "input", "br", "img", "hr", "source"):
            self._stack.append((tag, attributes, []))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, attributes, parts = self._stack.pop()
            self.texts_by_attr.append(({"tag": open_tag, **attributes}, "".join(parts).strip()))
            if self._stack:
                self._stack[-1][2].extend(parts)
            if open_tag == tag:
                break

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._stack:
            self._stack[-1][2].append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())

    def find(self, tag: str | None = None, **attrs) -> list[dict]:
        return [a for t, a in self.elements if (tag is None or t == tag)
                and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def text_of(self, **attrs) -> list[str]:
        return [text for a, text in self.texts_by_attr
                if all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def get_page(site, path: str, status: int = 200) -> Page:
    got, headers, body = site.request(path, headers={"Accept": "text/html"})
    assert got == status, (path, got, body[:500])
    assert headers["Content-Type"].startswith("text/html")
    return Page(body.decode("utf-8"))


def sparql_count(site, query: str) -> int:
    status, body = site.json("/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 200, body
    return int(body["results"]["bindings"][0]["n"]["value"])


# --- home ------------------------------------------------------------------------------------

def test_home_shows_what_the_graph_holds(site):
    page = get_page(site, "/")
    courses = sparql_count(site, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{GSK.Course}> }}")
    illustrative = sparql_count(site, f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c <{GSK.illustrative}> true }}")
    assert page.text_of(data_class="Course") == [str(courses)]
    assert page.text_of(data_status="illustrative") == [str(illustrative)]
    assert page.text_of(data_status="real") == [str(courses - illustrative)]
    regions = sparql_count(site, f"SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE {{ ?r a <{GSK.Region}> }}")
    assert page.text_of(data_class="Region") == [str(regions)]
    # Entry points by role, by step and by region lead to the search with that facet.
    links = [a["href"] for a in page.find("a") if a.get("href", "").startswith("/courses?")]
    assert any("role=" in link for link in links) and any("step=" in link for link in links)
    assert any("region=" in link for link in links)
    assert page.find("html", lang="fr")


def test_pages_are_french_by_default_and_english_on_request(site):
    french, english = get_page(site, "/courses?q=genomique"), get_page(site, "/courses?q=genomique&lang=en")
    assert french.find("html", lang="fr") and english.find("html", lang="en")
    assert "Rechercher des formations" in french.text and "Search courses" in english.text
    # The switch keeps what the page shows.
    switch = english.find("a", id="switch-language")[0]["href"]
    assert "q=genomique" in switch and "lang=" not in switch


# --- search ----------------------------------------------------------------------------------

def total(page: Page) -> int:
    return int(page.find("h2", id="results-title")[0]["data-total"])


def test_full_text_search_ignores_accents_and_case(site):
    plain, accented = get_page(site, "/courses?q=genetique"), get_page(site, "/courses?q=G%C3%A9n%C3%A9tique")
    assert total(plain) == total(accented) > 0
    labelled = sparql_count(site, f"""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        ?c a <{GSK.Course}> ; <{RDFS.label}> ?l FILTER(CONTAINS(LCASE(STR(?l)), "génétique")) }}""")
    assert total(plain) >= labelled   # the text also covers topics, institutions, competences


def test_two_facets_narrow_the_results_and_their_counts_agree(site):
    region, kind = str(GSKD["region-11"]), str(GSKD["type-master"])
    one = get_page(site, "/courses?" + urllib.parse.urlencode({"region": region}))
    both = get_page(site, "/courses?" + urllib.parse.urlencode({"region": region, "training_type": kind}))
    expected = sparql_count(site, f"""SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{
        ?c a <{GSK.Course}> ; <{GSK.inRegion}> <{region}> ; <{GSK.hasTrainingType}> <{kind}> }}""")
    assert total(both) == expected > 0
    assert total(one) > total(both)
    # The count shown beside the master facet on the one-facet page is the two-facet total.
    facet_link = [a for a in one.find("a") if a.get("data-value") == kind]
    assert facet_link, "the facet value is offered"
    counts = [text for attrs, text in one.texts_by_attr if attrs.get("class") == "count"]
    assert str(expected) in counts


def test_the_competence_facet_follows_the_hierarchy(site):
    domain = str(GSKD["dom-bioinformatics"])
    page = get_page(site, "/courses?" + urllib.parse.urlencode({"competence": domain}))
    expected = sparql_count(site, f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{GSK.Course}> ; <{GSK.coversCompetence}> ?t .
        {{ VALUES ?t {{ <{domain}> }} }} UNION {{ ?t skos:broaderTransitive <{domain}> }} }}""")
    assert total(page) == expected > 0


def test_results_are_paged_and_downloadable_as_csv(site):
    first = get_page(site, "/courses")
    assert len(first.find("li", **{"class": "course"})) == 20
    everything = total(first)
    assert first.find("a", rel="next")
    last_page = -(-everything // 20)
    last = get_page(site, f"/courses?page={last_page}")
    assert len(last.find("li", **{"class": "course"})) == everything - 20 * (last_page - 1)
    status, headers, body = site.request("/courses?format=csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert len(rows) == everything
    assert {"course", "label", "training_type", "eqf_level", "regions", "illustrative"} <= set(rows[0])
    status, headers, body = site.request("/courses?format=csv&region=gskd:region-84&q=genomique")
    assert len(list(csv.DictReader(io.StringIO(body.decode())))) == \
        total(get_page(site, "/courses?region=gskd:region-84&q=genomique"))


@pytest.mark.parametrize("query,field", [("region=gskd:role-nurse", "region"), ("level=12", "level"),
                                         ("page=x", "page"), ("competence=%3Cscript%3E", "competence")])
def test_a_bad_search_argument_is_a_page_naming_the_field(site, query, field):
    page = get_page(site, "/courses?" + query, status=400)
    message = page.text_of(data_status="400")[0]
    assert f"'{field}'" in message
    assert "<script>" not in "".join(t for _, t in page.texts_by_attr if _.get("tag") == "script")


# --- resource pages and Linked Data ----------------------------------------------------------

def test_a_resource_page_shows_labels_definition_and_links_both_ways(site):
    page = get_page(site, "/id/comp-inheritance")
    assert "Hérédité humaine et analyse d'arbres généalogiques" in page.text
    assert "Human inheritance and pedigree analysis" in page.text   # both labels
    assert page.find("h1")
    hrefs = {a["href"] for a in page.find("a")}
    assert "/id/dom-genetics" in hrefs                               # its domain (outgoing)
    assert any(h.startswith("/id/course-") for h in hrefs)           # courses covering it (incoming)
    assert any(h.startswith("/id/role-") for h in hrefs)             # roles needing it (incoming)
    searches = [urllib.parse.parse_qs(urllib.parse.urlsplit(h).query) for h in hrefs if h.startswith("/courses?")]
    assert {"competence": [str(GSKD["comp-inheritance"])]} in searches   # "see the courses"


def test_alignments_are_links_to_the_other_vocabulary(site):
    page = get_page(site, "/id/region-84")
    assert any(a.get("href") == "http://www.wikidata.org/entity/Q18338206" for a in page.find("a"))


@pytest.mark.parametrize("accept,fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
                                        ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_a_genskills_iri_dereferences_to_rdf_by_content_negotiation(site, accept, fmt):
    status, headers, body = site.request("/id/comp-inheritance", headers={"Accept": accept})
    assert status == 200 and headers["Content-Type"].startswith(accept)
    assert "Accept" in headers.get("Vary", "")
    graph = Graph().parse(data=body.decode("utf-8"), format=fmt)
    competence = GSKD["comp-inheritance"]
    assert (competence, RDFS.label, Literal("Human inheritance and pedigree analysis", lang="en")) in graph
    assert (competence, URIRef("http://www.w3.org/2004/02/skos/core#broader"), GSKD["dom-genetics"]) in graph
    # The links that point to it come along: a course that covers it.
    assert any(True for _ in graph.subjects(GSK.coversCompetence, competence))


def test_html_is_the_default_and_format_overrides_accept(site):
    status, headers, _ = site.request("/id/comp-inheritance", headers={"Accept": "*/*"})
    assert headers["Content-Type"].startswith("text/html")
    status, headers, body = site.request("/id/comp-inheritance?format=ttl", headers={"Accept": "text/html"})
    assert headers["Content-Type"].startswith("text/turtle")
    assert "rel=\"alternate\"" in site.request("/id/comp-inheritance")[1]["Link"]


@pytest.mark.parametrize("path", ["/id/no-such-thing", "/id/..%2F..%2Fetc%2Fpasswd", "/id/a%3Eb",
                                  "/id/comp-inheritance%20x"])
def test_unknown_or_malformed_ids_are_404(site, path):
    page = get_page(site, path, status=404)
    assert page.text_of(data_status="404")
    status, headers, body = site.request(path, headers={"Accept": "text/turtle"})
    assert status == 404


def test_the_ontology_page_anchors_every_class(site):
    page = get_page(site, "/ontology?lang=en")
    ids = {attrs.get("id") for _, attrs in page.elements}
    assert {"Course", "Competence", "ProfessionalRole", "coversCompetence", "Online"} <= ids
    status, headers, body = site.request("/ontology", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=body.decode(), format="turtle")
    assert (GSK.Course, RDFS.label, Literal("Training course", lang="en")) in graph


# --- gaps and learning paths -----------------------------------------------------------------

def test_the_gap_dashboard_draws_the_matrix_the_api_returns(site):
    page = get_page(site, "/gaps")
    status, matrix = site.json("/api/analysis/matrix")
    assert status == 200
    cells = {(a["data-row"], a["data-column"]): int(a["data-count"]) for a in page.find("g") if "data-count" in a}
    assert len(cells) == len(matrix["rows"]) * len(matrix["columns"])
    for cell in matrix["cells"]:
        assert cells[(cell["competence"], cell["column"])] == cell["courses"]
    assert sum(cells.values()) == sum(cell["courses"] for cell in matrix["cells"])
    steps = [a for a in page.find("g") if "data-step" in a]
    status, coverage = site.json("/api/analysis/coverage?by=step")
    assert [int(s["data-covered"]) for s in steps] == [r["covered_competences"] for r in coverage["rows"]]


def test_the_figures_download_as_svg(site):
    for path in ("/gaps/heatmap.svg?lang=en", "/gaps/pathway.svg"):
        status, headers, body = site.request(path)
        assert status == 200 and headers["Content-Type"].startswith("image/svg+xml")
        root = ElementTree.fromstring(body)
        assert root.tag == "{http://www.w3.org/2000/svg}svg" and root.get("role") == "figure"   # it holds links


def test_the_learning_path_page_shows_the_api_answer(site):
    args = {"role": "gskd:role-bioinformatician", "region": "gskd:region-84", "max_level": "7"}
    page = get_page(site, "/path?" + urllib.parse.urlencode(args))
    status, answer = site.json("/api/analysis/learning-path?" + urllib.parse.urlencode(args))
    assert status == 200
    shown = [a["data-course"] for t, a in page.elements if t == "li" and "data-course" in a]
    assert shown == [course["course"] for course in answer["courses"]] and shown
    uncovered = {a["data-competence"]: a["data-reason"] for t, a in page.elements if "data-reason" in a}
    assert uncovered == {u["competence"]: u["reason"] for u in answer["uncovered"]}
    # The role's essential competences are offered as "already held".
    boxes = [a for a in page.find("input", type="checkbox", name="have")]
    assert len(boxes) == len(answer["needed"]) + len(answer["already_had"])


def test_analysis_answers_come_as_json_and_csv(site):
    status, body = site.json("/api/analysis/gaps?role=gskd:role-nurse&region=gskd:region-94&mode=gsk:OnSite")
    assert status == 200 and body["columns"][-1] == "reason"
    assert {row["reason"] for row in body["rows"]} <= {"no-course", "excluded"}
    status, headers, text = site.request("/api/analysis/coverage?by=domain&format=csv&lang=en")
    rows = list(csv.DictReader(io.StringIO(text.decode())))
    assert status == 200 and rows and set(rows[0]) == {"domain", "label", "competences", "covered_competences",
                                                      "courses"}
    status, body = site.json("/api/analysis/catalogue-gaps")
    assert status == 200 and body["columns"][:4] == ["resource", "kind", "label", "gap"]


@pytest.mark.parametrize("path,named", [
    ("/api/analysis/gaps", "'role'"), ("/api/analysis/gaps?role=gskd:role-nurse&max_level=9", "'max_level'"),
    ("/api/analysis/coverage?by=institution", "competence, domain, step"),
    ("/api/analysis/matrix?region=gskd:region-84", "region"),
    ("/api/analysis/learning-path?role=gskd:role-nurse&format=xml", "'format'"),
    ("/api/analysis/coverage?colour=blue", "colour")])
def test_bad_analysis_parameters_are_400_naming_them(site, path, named):
    status, body = site.json(path)
    assert status == 400 and named in body["error"], body


def test_an_iri_of_the_wrong_class_is_404(site):
    status, body = site.json("/api/analysis/learning-path?role=gskd:region-84")
    assert status == 404 and "ProfessionalRole" in body["error"]


# --- SPARQL page -----------------------------------------------------------------------------

def test_every_example_of_the_query_page_runs(site):
    page = Page(site.request("/query?lang=en")[2].decode())
    block = [text for attrs, text in page.texts_by_attr if attrs.get("id") == "canned-queries"]
    examples = json.loads(block[0])
    assert len(examples) >= 10
    for example in examples:
        status, body = site.json("/sparql", method="POST",
                                 data=urllib.parse.urlencode({"query": example["query"]}).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Accept": "application/sparql-results+json"})
        assert status == 200, (example["name"], body)
    assert page.find("div", id="yasgui")[0]["data-endpoint"] == "/sparql"


def test_pages_load_nothing_from_outside(site):
    for path in ("/", "/courses", "/id/comp-inheritance", "/gaps", "/path", "/query", "/ontology"):
        page = get_page(site, path)
        for tag, attrs in page.elements:
            for name in ("src", "href") if tag in ("script", "link", "img", "iframe") else ("src",):
                value = attrs.get(name, "")
                assert not value.startswith(("http:", "https:", "//")), (path, tag, value)


def test_a_hostile_iri_in_the_data_never_becomes_a_link_target():
    """An import could state any IRI: only http(s) and mailto ones are linked as they are."""
    from types import SimpleNamespace

    from genskills.web import create_app
    from genskills.web.ui import link_for

    app = create_app(SimpleNamespace(cors_origins="", update_token=""), store=None, engine=None, queries={})
    with app.test_request_context("/id/x"):
        assert link_for("javascript:alert(1)").startswith("/sparql?query=DESCRIBE")
        assert link_for("JavaScript:alert(1)").startswith("/sparql?")
        assert link_for("data:text/html,<script>").startswith("/sparql?")
        assert link_for("https://edamontology.org/topic_0091") == "https://edamontology.org/topic_0091"
        assert link_for(str(GSKD["comp-inheritance"])) == "/id/comp-inheritance"
        assert link_for(str(GSK.Course)) == "/ontology#Course"


@pytest.mark.parametrize("path", ["/", "/courses?q=x", "/id/comp-inheritance", "/ontology", "/gaps", "/path",
                                  "/query", "/id/no-such-thing", "/courses?level=99"])
def test_every_page_sends_the_security_headers(site, path):
    status, headers, _ = site.request(path, headers={"Accept": "text/html"})
    assert headers["Content-Type"].startswith("text/html")
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"            # no inline script, no eval
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_no_page_holds_an_inline_script(site):
    for path in ("/", "/courses", "/id/comp-inheritance", "/gaps", "/path?role=gskd:role-nurse", "/query"):
        page = get_page(site, path)
        for tag, attrs in page.elements:
            if tag == "script":
                assert "src" in attrs or attrs.get("type") == "application/json", (path, attrs)
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)   # no onclick=...


def test_each_request_is_logged_as_one_json_line_without_secrets(tmp_path):
    token = "s3cret-token-for-the-log-test"
    running = Server("--store", str(tmp_path / "store"), env={"GENSKILLS_UPDATE_TOKEN": token})
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        running.request("/sparql?" + urllib.parse.urlencode({"query": query}))
        running.request("/sparql/update", method="POST", data=b"update=INSERT+DATA+%7B%7D",
                        headers={"Authorization": f"Bearer {token}",
                                 "Content-Type": "application/x-www-form-urlencoded"})
        running.request("/id/no-such-thing")
    finally:
        running.stop()
    text = "".join(running.log)
    assert token not in text
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    by_path = {r["path"]: r for r in records}
    sparql = by_path["/sparql"]
    assert sparql["method"] == "GET" and sparql["status"] == 200 and sparql["route"] == "/sparql"
    assert sparql["query_hash"] == hashlib.sha256(query.encode()).hexdigest()[:16]
    assert query not in text, "the query text itself is not logged"
    assert isinstance(sparql["duration_ms"], float) and sparql["duration_ms"] >= 0
    update = by_path["/sparql/update"]
    assert update["status"] == 204 and update["query_hash"] == hashlib.sha256(b"INSERT DATA {}").hexdigest()[:16]
    assert by_path["/id/no-such-thing"]["status"] == 404 and by_path["/id/no-such-thing"]["route"] == "/id/<local>"
