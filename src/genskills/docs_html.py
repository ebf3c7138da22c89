"""HTML documentation of the ontology, in French and in English, made with pyLODE.

pyLODE documents one language: given both, it runs the French and English labels
together. So each page is made from a copy of ``ontology/genskills.ttl`` that keeps, of the
language-tagged literals, only those in the page's language (untagged literals stay). The
headings pyLODE writes itself are in English; the French page has them translated
(``HEADINGS_FR``). pyLODE inlines its CSS and icons; the pages load nothing from the
network (links to other sites stay links). ``index.html`` links the two pages.
"""

from __future__ import annotations

import html
import re
import warnings
from pathlib import Path

from rdflib import Graph, Literal

from .errors import InputError
from .rdfio import parse_file

LANGUAGES = ("en", "fr")
#: The headings pyLODE 3.2 writes, in French.
HEADINGS_FR = {
    "Metadata": "Métadonnées",
    "Classes": "Classes",
    "Object Properties": "Propriétés d'objet",
    "Datatype Properties": "Propriétés de données",
    "Annotation Properties": "Propriétés d'annotation",
    "Functional Properties": "Propriétés fonctionnelles",
    "Named Individuals": "Individus nommés",
    "Namespaces": "Espaces de noms",
    "Legend": "Légende",
    "Table of Contents": "Table des matières",
}
TITLES = {"en": "genskills ontology: documentation", "fr": "Ontologie genskills : documentation"}
#: Elements that make a browser fetch something when the page loads.
_LOADS = re.compile(r"<(?:link|script|img|iframe|source|embed|object)\b[^>]*\b(?:href|src|data)\s*=\s*[\"']?https?://"
                    r"|@import\s+(?:url\()?[\"']?https?://|url\(\s*[\"']?https?://", re.I)


def one_language(graph: Graph, lang: str) -> Graph:
    """A copy of ``graph`` without the language-tagged literals of other languages."""
    kept = Graph()
    for prefix, namespace in graph.namespaces():
        kept.bind(prefix, namespace, override=True)
    for s, p, o in graph:
        if isinstance(o, Literal) and o.language and o.language.split("-")[0].lower() != lang:
            continue
        kept.add((s, p, o))
    return kept


def external_loads(page: str) -> list[str]:
    """What in an HTML page would be fetched from the network when it is opened."""
    return [m.group(0) for m in _LOADS.finditer(page)]


def _translated(page: str) -> str:
    for english, french in HEADINGS_FR.items():
        page = page.replace(f">{english}<", f">{french}<")
    return page


def ontology_page(ontology: Graph, lang: str) -> str:
    """The pyLODE page of ``ontology`` in ``lang`` (``en`` or ``fr``), with ``<html lang>`` set.

    :raises InputError: ``lang`` is not ``en`` or ``fr``; or the page would load something
        from the network (a new pyLODE version adding a CDN link, say).
    """
    import logging

    root_logger = logging.getLogger()
    level = root_logger.level
    try:
        from pylode import OntPub   # imported here: pyLODE loads its background ontologies at import
    finally:
        # pyLODE's import sets the root logger to DEBUG and logs its progress there: keep
        # the caller's level, so that a CLI run prints only the pages it wrote.
        root_logger.setLevel(level)

    if lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r} for the documentation; use one of {', '.join(LANGUAGES)}")
    with warnings.catch_warnings():
        # pyLODE 3.2 reads its CSS with open(...).read() and never closes the file.
        warnings.simplefilter("ignore", ResourceWarning)
        page = OntPub(ontology=one_language(ontology, lang)).make_html(include_css=True)
    page = re.sub(r"<html[^>]*>", f'<html lang="{lang}">', page, count=1)
    if lang == "fr":
        page = _translated(page)
    loads = external_loads(page)
    if loads:
        raise InputError(f"the {lang} documentation page would load {loads[0]!r} from the network")
    return page


def _index(pages: dict[str, str]) -> str:
    links = "\n".join(
        f'    <li lang="{lang}"><a href="{html.escape(name)}">{html.escape(TITLES[lang])}</a></li>'
        for lang, name in pages.items())
    return (f'<!DOCTYPE html>\n<html lang="fr">\n<head>\n  <meta charset="utf-8">\n'
            f'  <title>genskills : ontologie / ontology</title>\n</head>\n<body>\n'
            f'  <h1>genskills</h1>\n  <ul>\n{links}\n  </ul>\n</body>\n</html>\n')


def write_ontology_docs(root: Path, out_dir: Path) -> dict[str, Path]:
    """Write ``index-en.html``, ``index-fr.html`` and ``index.html`` (links to both) into ``out_dir``.

    The ontology is ``root/ontology/genskills.ttl``; the files written are returned by key
    (``en``, ``fr``, ``index``).

    :raises InputError: the ontology file is missing or not valid Turtle.
    """
    ontology = parse_file(Path(root) / "ontology" / "genskills.ttl")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for lang in LANGUAGES:
        path = out_dir / f"index-{lang}.html"
        path.write_text(ontology_page(ontology, lang), encoding="utf-8")
        written[lang] = path
    index = out_dir / "index.html"
    index.write_text(_index({lang: written[lang].name for lang in LANGUAGES}), encoding="utf-8")
    written["index"] = index
    return written
