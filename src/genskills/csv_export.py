"""CSV tables, one per genskills class: one row per instance, one column per property.

Columns: ``id`` (the local name under ``gskd:``), ``iri``, ``label_fr``, ``label_en``, then
one column per property that some instance of the class has, named by its compact IRI
(``gsk:coversCompetence``), and split by language for language-tagged values
(``skos:definition_en``, ``skos:definition_fr``), sorted by name. A cell holds every value,
sorted and joined with `` | ``; IRIs are written as compact IRIs where a prefix fits
(``gskd:comp-inheritance``), else in full; literals as their lexical form. Rows are sorted
by ``id``. The same store gives the same bytes.

The values are the stated ones (every graph but ``.../graph/inferred``, unless asked);
membership of the class is read from every graph, as ``genskills stats`` counts it.
Instances are read a page at a time, so memory does not grow with the catalogue.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO, TextIO

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, RDFS

from .errors import InputError, NotFoundError
from .namespaces import GSK, GSKD, INFERRED_GRAPH, STAGING_PREFIX, compact
from .store import NOT_STAGING, Store

#: The classes a CSV table can be asked for, in reading order.
CSV_CLASSES = ("Course", "Competence", "CompetenceDomain", "ProfessionalRole", "CarePathwayStep",
               "Institution", "Region", "TrainingType")
#: Joins the values of a multi-valued cell.
SEPARATOR = " | "
FIXED_COLUMNS = ("id", "iri", "label_fr", "label_en")
#: Instances read per query.
PAGE = 500
LANGUAGES = ("fr", "en")
_TYPE, _LABEL = str(RDF.type), str(RDFS.label)


def class_iri(name: str) -> str:
    """The IRI of a class given as ``Course``, ``gsk:Course`` or its full IRI.

    :raises NotFoundError: not one of ``CSV_CLASSES`` (they are listed).
    """
    local = name.removeprefix("gsk:").removeprefix(str(GSK))
    if local not in CSV_CLASSES:
        raise NotFoundError(f"no CSV table for class {name!r}; use one of {', '.join(CSV_CLASSES)}")
    return str(GSK[local])


def _cell_value(term) -> str:
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        shown = compact(str(term))
        return str(term) if shown.startswith("<") else shown
    return str(term)


def _local_id(iri: str) -> str:
    return iri[len(str(GSKD)):] if iri.startswith(str(GSKD)) else _cell_value(URIRef(iri))


def stated(graph_var: str, include_inferred: bool = False) -> str:
    """The filter that keeps the graphs whose values a table shows."""
    keep = f'FILTER(!STRSTARTS(STR({graph_var}), "{STAGING_PREFIX}"))'
    if not include_inferred:
        keep += f" FILTER({graph_var} != <{INFERRED_GRAPH}>)"
    return keep


def instances(store: Store, cls: str) -> list[str]:
    """The IRIs of the members of ``cls`` (full IRI), in any graph, sorted by their ``id``."""
    rows = store.query(f"""SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a <{cls}> }} {NOT_STAGING}
        FILTER(isIRI(?x)) }}""").rows
    return sorted((str(x) for (x,) in rows), key=lambda iri: (_local_id(iri), iri))


def columns(store: Store, cls: str, *, lang: str | None = None, include_inferred: bool = False) -> list[str]:
    """The header of the table of ``cls``: the fixed columns, then the property columns, sorted."""
    rows = store.query(f"""SELECT DISTINCT ?p (LANG(?o) AS ?lang) WHERE {{
        GRAPH ?g {{ ?x a <{cls}> }} {NOT_STAGING}
        GRAPH ?h {{ ?x ?p ?o }} {stated('?h', include_inferred)} FILTER(isIRI(?x)) }}""").rows
    found = set()
    for predicate, language in rows:
        name = _name(str(predicate), str(language or ""), lang)
        if name not in FIXED_COLUMNS:
            found.add(name)
    found.discard(None)
    return list(FIXED_COLUMNS) + sorted(found)


def _name(predicate: str, language: str, wanted: str | None) -> str | None:
    """The column of a value: the label columns, none for ``rdf:type``, else ``_column``."""
    if predicate == _TYPE:
        return None
    if predicate == _LABEL and language in LANGUAGES:
        return f"label_{language}"
    return _column(predicate, language, wanted)


def _column(predicate: str, language: str, wanted: str | None) -> str | None:
    name = compact(predicate)
    name = predicate if name.startswith("<") else name
    if not language:
        return name
    if wanted is not None and language != wanted:
        return None
    return f"{name}_{language}"


def export_csv(store: Store, cls: str, output: TextIO, *, lang: str | None = None,
               include_inferred: bool = False) -> int:
    """Write the table of class ``cls`` (``Course``, ``gsk:Course``...) to ``output``; the rows written.

    ``lang`` keeps only that language's columns of language-tagged properties (the two label
    columns stay). Rows are written a page of ``PAGE`` instances at a time.

    :raises NotFoundError: unknown class.
    :raises InputError: ``lang`` is not ``fr`` or ``en``.
    """
    iri = class_iri(cls)
    if lang is not None and lang not in LANGUAGES:
        raise InputError(f"unknown language {lang!r} for a CSV table; use one of {', '.join(LANGUAGES)}")
    header = columns(store, iri, lang=lang, include_inferred=include_inferred)
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(header)
    position = {name: index for index, name in enumerate(header)}
    names: dict[tuple[str, str], str | None] = {}      # (predicate, language) -> column
    shown: dict[str, str] = {}                          # IRI -> cell text (values recur: links)
    members = instances(store, iri)
    for start in range(0, len(members), PAGE):
        page = members[start:start + PAGE]
        cells = {m: {} for m in page}
        values = " ".join(f"<{m}>" for m in page)
        rows = store.query(f"""SELECT ?x ?p ?o WHERE {{ VALUES ?x {{ {values} }}
            GRAPH ?h {{ ?x ?p ?o }} {stated('?h', include_inferred)} }}""").rows
        for subject, predicate, obj in rows:
            language = str(getattr(obj, "language", None) or "")
            key = (str(predicate), language)
            if key not in names:
                names[key] = _name(*key, lang)
            name = names[key]
            if name not in position:
                continue
            if isinstance(obj, URIRef):
                text = shown.get(obj)
                if text is None:
                    if len(shown) > 10_000:
                        shown.clear()
                    text = shown[obj] = _cell_value(obj)
            else:
                text = _cell_value(obj)
            cells[str(subject)].setdefault(name, set()).add(text)
        for member in page:
            row = [""] * len(header)
            row[0], row[1] = _local_id(member), member
            for name, found in cells[member].items():
                row[position[name]] = SEPARATOR.join(sorted(found))
            writer.writerow(row)
    return len(members)


def export_csv_folder(store: Store, folder: Path, *, lang: str | None = None,
                      classes: Iterable[str] = CSV_CLASSES) -> dict[str, int]:
    """Write ``<Class>.csv`` for each class into ``folder`` (created); rows per class."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for cls in classes:
        with (folder / f"{cls}.csv").open("w", encoding="utf-8", newline="") as out:
            counts[cls] = export_csv(store, cls, out, lang=lang)
    return counts


def export_csv_zip(store: Store, output: BinaryIO, *, lang: str | None = None,
                   classes: Iterable[str] = CSV_CLASSES) -> dict[str, int]:
    """A zip archive of ``<Class>.csv`` tables; entries are dated 1980-01-01 so that the same
    store gives the same bytes."""
    counts = {}
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for cls in classes:
            entry = zipfile.ZipInfo(f"{cls}.csv", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                counts[cls] = export_csv(store, cls, text, lang=lang)
                text.flush()
                text.detach()
    return counts

