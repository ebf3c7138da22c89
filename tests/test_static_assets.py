"""The static assets of the SPARQL query page: the vendored YASGUI bundle and our page script.

No browser here. These tests check that the committed bundle is the one recorded in
``static/yasgui/VENDORED.md`` (size and sha256 of each file, and no unrecorded file), that
our own script has no ``eval``, and that no asset makes the browser load anything from
another site (the page must work with no CDN and no outside request).

What "loaded" means, and how it is checked
------------------------------------------
A URL in a file is only a problem where a browser would fetch it. The minified bundle holds
some 480 absolute URLs that are never fetched: RDF namespace IRIs (its prefix list), SVG
``xmlns``, links to documentation in ``<a href>``, licence texts. So the check does not look
for ``http`` at all: it looks for an absolute (``http:``, ``https:`` or ``//``) URL written
*literally in a loading position*:

* JavaScript: ``fetch(``, ``import(``, ``import ... from``, ``importScripts(``,
  ``new Worker/SharedWorker/EventSource/WebSocket(``, ``navigator.sendBeacon(``,
  ``xhr.open(method, ...)``, ``el.src = ...``, ``setAttribute("src"|"srcset"|"data"|"poster",
  ...)``, HTML in strings (``<script|img|iframe|source|video|audio|embed|object src=``,
  ``<link href=``), CSS in strings (``url(...)``, ``@import``), ``sourceMappingURL=``;
* CSS: ``url(...)`` and any ``@import``.

Each pattern is tested on positive and negative samples below, so that a regex that stopped
matching would be noticed.

A literal-position check cannot see a URL that reaches a loading call through a variable or
a configuration default. Those are the bundle's own network features, read from its source
(``build/yasgui.esm.js`` of the npm tarball): default endpoints (DBpedia, Wikidata), the LOV
vocabulary autocompleter (``` `${protocol}lov.linkeddata.es/...` ```), the prefix.cc list
(``prefixCcApi``, ``null`` by default), a CORS proxy (``corsProxy``), a short-link service
(``createShortLink``). So the tests also (1) list every URL the bundle sets as an
``endpoint``/proxy/API default or builds from a host name in a template, and require that
list to be exactly the known one (a new version that adds one fails here until someone
re-audits it), and (2) check that ``sparql-page.js`` overrides each of those features. The
proof that the page makes no outside request is a browser run that records every request
(see VENDORED.md); these tests keep the files from drifting away from what was checked.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "src" / "genskills" / "web" / "static"
VENDOR = STATIC / "yasgui"
PAGE_JS = STATIC / "sparql-page.js"
PAGE_CSS = STATIC / "sparql-page.css"
BUNDLE = VENDOR / "yasgui.min.js"

#: the files the page loads from the vendored directory, and its records
REQUIRED = ("yasgui.min.js", "yasgui.min.css", "LICENSE", "VENDORED.md")

ROW = re.compile(r"^\| `([^`]+)` \| (\d+) \| `([0-9a-f]{64})` \|$", re.MULTILINE)

_Q = r"""[`'"]"""  # a string literal's opening quote (JS: ', ", or template `)
_ABS = r"(?:https?:)?//"  # an absolute or protocol-relative URL
#: name -> a URL written literally where a browser fetches it
LOADS = {
    "fetch": rf"\bfetch\s*\(\s*{_Q}{_ABS}",
    "dynamic import": rf"\bimport\s*\(\s*{_Q}{_ABS}",
    "static import": rf"\bfrom\s*{_Q}{_ABS}",
    "importScripts": rf"\bimportScripts\s*\(\s*{_Q}{_ABS}",
    "worker": rf"\bnew\s+(?:Shared)?Worker\s*\(\s*{_Q}{_ABS}",
    "socket or event source": rf"\bnew\s+(?:EventSource|WebSocket)\s*\(\s*{_Q}(?:(?:https?|wss?):)?//",
    "beacon": rf"\bsendBeacon\s*\(\s*{_Q}{_ABS}",
    "XMLHttpRequest.open": rf"\.open\s*\(\s*{_Q}[A-Za-z]+{_Q}\s*,\s*{_Q}{_ABS}",
    "element.src": rf"\.src\s*=\s*{_Q}{_ABS}",
    "setAttribute(src)": rf"setAttribute\s*\(\s*{_Q}(?:src|srcset|data|poster){_Q}\s*,\s*{_Q}{_ABS}",
    "HTML src": rf"<(?:script|img|iframe|source|video|audio|embed|object)\b[^>]*?\b(?:src|srcset|data|poster)\s*=\s*\\?[\"']?{_ABS}",
    "HTML link": rf"<link\b[^>]*?\bhref\s*=\s*\\?[\"']?{_ABS}",
    "CSS url()": rf"url\(\s*\\?[\"']?\s*{_ABS}",
    "CSS @import": r"@import\b",
    "source map": rf"sourceMappingURL\s*=\s*{_ABS}",
}
#: a URL set as a network default, or built from a host name after a `${protocol}` variable
DEFAULTS = re.compile(
    rf"\b(?:endpoint|corsProxy|prefixCcApi|proxy|shortener|apiUrl|api)\s*:\s*{_Q}((?:https?:)?//[^`'\"]*)"
    r"|`\$\{\w+\}([a-z0-9-]+(?:\.[a-z0-9-]+)+)/"
)
#: what YASGUI 4.6.2 may fetch by default; sparql-page.js turns each one off
KNOWN_BUNDLE_DEFAULTS = {
    "https://dbpedia.org/sparql",  # requestConfig.endpoint and the endpoint catalogue
    "https://query.wikidata.org/bigdata/namespace/wdq/sparql",  # the endpoint catalogue
    "lov.linkeddata.es",  # the "property" and "class" autocompleters
}


def assets():
    """Every script and stylesheet served from static/ (ours and the vendored ones)."""
    return sorted(p for p in STATIC.rglob("*") if p.suffix in {".js", ".css"})


def recorded():
    """file name -> (bytes, sha256), from the checksum table of VENDORED.md."""
    rows = ROW.findall((VENDOR / "VENDORED.md").read_text(encoding="utf-8"))
    return {name: (int(size), digest) for name, size, digest in rows}


def test_the_page_files_exist():
    for name in REQUIRED:
        assert (VENDOR / name).is_file(), f"{VENDOR / name} is missing: run bash .ci/vendor-yasgui"
    assert PAGE_JS.is_file() and PAGE_CSS.is_file()


def test_vendored_md_names_the_package_and_its_integrity():
    text = (VENDOR / "VENDORED.md").read_text(encoding="utf-8")
    assert "`@zazuko/yasgui`" in text
    assert re.search(r"\| version \| \d+\.\d+\.\d+ \|", text)
    assert re.search(r"`sha512-[A-Za-z0-9+/]{86}==`", text), "the tarball's npm integrity is recorded"
    assert "registry.npmjs.org/@zazuko/yasgui/-/yasgui-" in text


def test_every_vendored_file_is_recorded():
    on_disk = {p.name for p in VENDOR.iterdir() if p.is_file()} - {"VENDORED.md"}
    assert set(recorded()) == on_disk, "VENDORED.md must list exactly the vendored files"
    assert {"yasgui.min.js", "yasgui.min.css", "LICENSE"} <= on_disk


@pytest.mark.parametrize("name", sorted(recorded()))
def test_vendored_file_matches_its_recorded_checksum(name):
    size, digest = recorded()[name]
    data = (VENDOR / name).read_bytes()
    assert len(data) == size, f"{name}: {len(data)} bytes, VENDORED.md says {size}"
    assert hashlib.sha256(data).hexdigest() == digest, (
        f"{name} is not the vendored file: re-run bash .ci/vendor-yasgui rather than editing it")


def test_the_bundle_is_the_browser_build():
    text = BUNDLE.read_text(encoding="utf-8")
    assert text.startswith("(function(e,t){"), "the UMD build, usable from a plain <script>"
    assert "e.Yasgui={}" in text, "it defines window.Yasgui"


def test_licence_says_mit_and_lists_bundled_packages():
    text = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert "@zazuko/yasgui" in text and "The MIT License" in text
    for package in ("codemirror", "jquery", "datatables.net", "dompurify", "@fortawesome/free-solid-svg-icons"):
        assert f"\n{package} " in text, f"the licence of the bundled {package} is kept"


def test_page_script_has_no_eval():
    code = PAGE_JS.read_text(encoding="utf-8")
    assert not re.search(r"\beval\s*\(", code)
    assert not re.search(r"\bnew\s+Function\b", code)
    assert not re.search(r"(?<![\w.])Function\s*\(", code)
    assert not re.search(r"\bset(?:Timeout|Interval)\s*\(\s*[`'\"]", code), "no code in strings"


@pytest.mark.parametrize("sample, loads", [
    ('fetch("https://cdn.example.org/x.json")', True),
    ("fetch(`//cdn.example.org/x`)", True),
    ("fetch(request)", False),
    ('import("https://esm.example.org/m.js")', True),
    ("import x from 'https://esm.example.org/m.js'", True),
    ('new Worker("https://example.org/w.js")', True),
    ("new WebSocket('wss://example.org/')", True),
    ('xhr.open("GET", "https://example.org/")', True),
    ('img.src="https://example.org/a.png"', True),
    ("a.setAttribute(`src`,`https://example.org/s.js`)", True),
    ('el.innerHTML = "<script async src=\\"https://example.org/s.js\\"></script>"', True),
    ("<link rel=stylesheet href='https://fonts.example.org/css'>", True),
    ("src: url(https://fonts.example.org/f.woff2)", True),
    ('background: url( "//example.org/i.png")', True),
    ("@import 'x.css';", True),
    ("//# sourceMappingURL=https://example.org/x.map", True),
    ("//# sourceMappingURL=yasgui.min.js.map", False),
    ("a.href = 'https://docs.example.org/'", False),
    ('<a href="https://docs.example.org/">docs</a>', False),
    ("/* see https://example.org/spec */", False),
    ('rdfs=`http://www.w3.org/2000/01/rdf-schema#`', False),
    ('<svg xmlns="http://www.w3.org/2000/svg">', False),
    ("background: url(data:image/gif;base64,R0lG)", False),
])
def test_load_patterns(sample, loads):
    hits = [name for name, rx in LOADS.items() if re.search(rx, sample)]
    assert bool(hits) == loads, f"{sample!r}: {hits}"


@pytest.mark.parametrize("path", assets(), ids=lambda p: str(p.relative_to(STATIC)))
def test_no_outside_url_is_loaded(path):
    text = path.read_text(encoding="utf-8")
    found = [(name, text[m.start():m.end() + 60]) for name, rx in LOADS.items()
             for m in re.finditer(rx, text)]
    assert not found, f"{path.name} loads from outside the server: {found}"


def test_bundle_network_defaults_are_the_known_ones():
    text = BUNDLE.read_text(encoding="utf-8")
    found = {a or b for a, b in DEFAULTS.findall(text)}
    assert found == KNOWN_BUNDLE_DEFAULTS, (
        "the bundle's network defaults changed: audit the new version, turn each one off in "
        f"sparql-page.js, then update KNOWN_BUNDLE_DEFAULTS (found {sorted(found)})")


def test_page_script_turns_off_the_bundle_network_features():
    code = PAGE_JS.read_text(encoding="utf-8")
    # the endpoint comes from the page (data-endpoint), for the first tab and every new one
    assert re.search(r"getAttribute\(\"data-endpoint\"\)", code)
    assert re.search(r"requestConfig:\s*requestConfigFor\(endpoint\)", code)
    assert re.search(r"copyEndpointOnNewTab:\s*false", code)
    # the catalogue offers our endpoint only (not DBpedia and Wikidata)
    assert re.search(r"endpointCatalogueOptions:\s*\{\s*getData:\s*function\s*\(\)\s*\{\s*return \[\{ endpoint: endpoint \}\];", code)
    # no state from localStorage, and a shared link cannot change the endpoint
    assert re.search(r"persistenceId:\s*null", code)
    assert re.search(r"tab\.requestConfig\s*=\s*requestConfigFor\(endpoint\)", code)
    # no proxy, no prefix.cc, no short links
    assert re.search(r"corsProxy:\s*undefined", code)
    assert re.search(r"prefixCcApi:\s*null", code)
    assert re.search(r"createShortLink:\s*undefined", code)
    # only the offline autocompleters (LOV serves "property" and "class")
    offline = re.search(r"OFFLINE_AUTOCOMPLETERS\s*=\s*\[([^\]]*)\]", code)
    assert offline and set(re.findall(r'"(\w+)"', offline.group(1))) == {"variables", "prefixes"}
    assert re.search(r"Yasgui\.defaults\.yasqe\.autocompleters\s*=\s*OFFLINE_AUTOCOMPLETERS", code)
