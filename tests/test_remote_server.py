"""The same server over a remote SPARQL store: a real `oxigraph serve`, loaded by genskills."""

from __future__ import annotations

import subprocess
import sys
import urllib.parse

import pytest

from conftest import ROOT
from server import Server
from test_server import COUNT_COURSES, courses_in

#: One call per canned query, with parameters that give non-empty answers on the shipped data.
CALLS = [
    "/api/queries/care-pathway-steps?lang=en",
    "/api/queries/courses-per-region",
    "/api/queries/courses-for-role?role=role-bioinformatician",
    "/api/queries/courses-for-role?role=role-genetic-counsellor&region=region-84",
    "/api/queries/competences-of-role?role=role-nurse",
    "/api/queries/roles-in-step?step=step-interpretation",
    "/api/queries/courses-for-competence?competence=comp-variant-classification",
    "/api/queries/courses-search-facets?region=region-11&training_type=type-master&level=7",
    "/api/queries/step-coverage",
    "/api/queries/role-gaps-in-region?role=role-bioinformatician&region=region-27",
    "/api/queries/search-labels?text=g%C3%A9n%C3%A9tique",
    "/api/queries/class-members?class=gsk:Region&lang=en",
    "/api/queries/coverage-by-competence?region=region-84",
    "/api/queries/coverage-by-domain?training_type=type-master",
    "/api/queries/coverage-by-step?level=7&mode=gsk:OnSite",
    "/api/queries/coverage-matrix",
    "/api/queries/role-gaps?role=role-bioinformatician&region=region-94&max_level=5",
    "/api/queries/learning-path-candidates?role=role-nurse&region=region-84",
    "/api/queries/catalogue-gaps",
]
#: Canned queries whose answer on the shipped data is empty: the shipped catalogue has no
#: competence or step without a course or in one region only (tests/test_analysis.py checks
#: catalogue-gaps on a graph that has some).
EMPTY_ON_SHIPPED_DATA = {"catalogue-gaps"}


@pytest.fixture(scope="module")
def servers(oxigraph_server, tmp_path_factory):
    remote = f"{oxigraph_server}/query"
    update = f"{oxigraph_server}/update"
    loaded = subprocess.run([sys.executable, "-m", "genskills", "--endpoint", remote, "--update-endpoint", update,
                             "load"], capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, loaded.stderr
    over_remote = Server("--endpoint", remote, "--update-endpoint", update)
    embedded = Server("--store", str(tmp_path_factory.mktemp("embedded") / "store"))
    yield over_remote, embedded
    over_remote.stop()
    embedded.stop()


def test_store_option_accepts_an_endpoint_url(servers, oxigraph_server):
    """`--store URL` reads from the endpoint: it sees what `load` put there."""
    done = subprocess.run([sys.executable, "-m", "genskills", "--store", f"{oxigraph_server}/query", "stats"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "(courses: 37 real, 102 illustrative)" in done.stdout


def test_health_names_the_remote_store(servers):
    over_remote, _ = servers
    status, body = over_remote.json("/health")
    assert status == 200 and body["store"].startswith("SPARQL endpoint http://127.0.0.1:")


def test_sparql_through_the_remote_store(servers):
    over_remote, _ = servers
    status, _, body = over_remote.request("/sparql?" + urllib.parse.urlencode({"query": COUNT_COURSES}))
    assert status == 200 and courses_in(body) == 139


def _rows(body):
    return [{k: (v["type"], v["value"], v.get("datatype"), v.get("xml:lang")) for k, v in b.items()}
            for b in body["results"]["bindings"]]


@pytest.mark.parametrize("path", CALLS)
def test_canned_queries_give_identical_answers(servers, path):
    over_remote, embedded = servers
    status_remote, remote = over_remote.json(path)
    status_embedded, local = embedded.json(path)
    assert status_remote == status_embedded == 200, (remote, local)
    assert remote["head"]["vars"] == local["head"]["vars"]
    assert _rows(remote) == _rows(local)
    if urllib.parse.urlparse(path).path.rsplit("/", 1)[1] not in EMPTY_ON_SHIPPED_DATA:
        assert _rows(local), f"{path} answers nothing on the shipped data"


def test_every_canned_query_is_called_here():
    called = {urllib.parse.urlparse(c).path.rsplit("/", 1)[1] for c in CALLS}
    assert called == {p.stem for p in (ROOT / "queries").glob("*.rq")}
