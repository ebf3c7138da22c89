"""Reading the working group's course inventory (CSV or XLSX, one row per course) into RDF.

The columns, the values each accepts and every message are in docs/import.md. Every cell
is checked and every problem of the file is reported at once, with its row (as a
spreadsheet shows it: the header is row 1) and its column.
"""

from __future__ import annotations

import csv
import datetime
import difflib
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from .errors import InputError, Problem, ProblemsError
from .namespaces import GSK
from .parsed import (COVERS_STEP, CourseDraft, NewInstitution, ParsedCourses, build_courses, check_course,
                     checked_id, course_iri, duplicate_problems, institution_iri, may_create_institution,
                     parse_boolean, parse_decimal, parse_language, parse_level, parse_url, say,
                     unknown_institution, utf8_text)
from .vocabulary import Vocabulary, expand, messages_of, normalised


@dataclass(frozen=True)
class Column:
    """A column of the inventory: its English name, its French name, other accepted names.

    ``multi``: the cell may hold several values separated by ";" or "|".
    """

    name: str
    french: str
    multi: bool = False
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("id", "identifiant"),
    Column("title_fr", "titre_fr"),
    Column("title_en", "titre_en"),
    Column("description_fr", "description_fr"),
    Column("description_en", "description_en"),
    Column("institution", "etablissement", multi=True, aliases=("institutions", "etablissements")),
    Column("city", "ville", multi=True, aliases=("cities", "villes")),
    Column("region", "region", multi=True, aliases=("regions",)),
    Column("training_type", "type_formation", aliases=("type", "type_de_formation")),
    Column("eqf_level", "niveau_cec", aliases=("niveau_eqf",)),
    Column("french_level", "niveau_national", aliases=("niveau_francais", "niveau_rncp")),
    Column("ects", "credits_ects"),
    Column("hours", "heures", aliases=("duration_hours", "duree_heures")),
    Column("mode", "modalite", multi=True, aliases=("modes", "modalites")),
    Column("language", "langue", multi=True, aliases=("languages", "langues")),
    Column("competences", "competences", multi=True, aliases=("competence",)),
    Column("target_roles", "publics", multi=True, aliases=("roles", "publics_vises")),
    Column("steps", "etapes", multi=True, aliases=("etapes_du_parcours",)),
    Column("web_page", "page_web", aliases=("url",)),
    Column("source", "source", aliases=("source_url",)),
    Column("source_seen", "source_consultee", aliases=("date_consultation",)),
    Column("illustrative", "illustratif"),
)
_BY_HEADER = {name: column for column in COLUMNS for name in (column.name, column.french, *column.aliases)}

#: The column(s) each property comes from (to place a SHACL result on a column).
PROPERTY_COLUMNS: dict[URIRef, tuple[str, ...]] = {
    RDFS.label: ("title_fr", "title_en"), SKOS.definition: ("description_fr", "description_en"),
    SKOS.notation: ("id",), GSK.offeredBy: ("institution",), GSK.city: ("city",), GSK.inRegion: ("region",),
    GSK.hasTrainingType: ("training_type",), GSK.eqfLevel: ("eqf_level",), GSK.frenchLevel: ("french_level",),
    GSK.ects: ("ects",), GSK.durationHours: ("hours",), GSK.hasMode: ("mode",),
    GSK.teachingLanguage: ("language",), GSK.coversCompetence: ("competences",),
    GSK.targetsRole: ("target_roles",), COVERS_STEP: ("steps",), GSK.webPage: ("web_page",),
    DCTERMS.source: ("source",), GSK.sourceSeen: ("source_seen",), GSK.illustrative: ("illustrative",),
    GSK.curationStatus: ("illustrative",), GSK.coverageStatus: ("illustrative",),
}

#: The vocabulary kind of each column whose values name known terms.
TERM_COLUMNS = {"mode": "mode", "competences": "competence", "target_roles": "role", "steps": "step",
                "region": "region"}

ORIGIN = {"fr": "importée d'un inventaire de formations", "en": "imported from a course inventory"}

#: Message kinds of this module (docs/import.md lists each with an example).
MESSAGES = {
    "unknown-column": (
        'unknown column "{value}"{closest_en}; the columns are listed in docs/import.md',
        "colonne inconnue « {value} »{closest_fr} ; les colonnes sont décrites dans docs/import.md"),
    "duplicate-column": (
        "column {value} appears twice (also in column {other}): keep one",
        "la colonne {value} apparaît deux fois (aussi en colonne {other}) : gardez-en une"),
    "missing-column": (
        "no {value} column: every course needs one ({names})",
        "pas de colonne {value} : chaque formation en a besoin ({names})"),
    "cell-without-column": (
        'value "{value}" in a column without a header: give the column a name or empty the cell',
        "valeur « {value} » dans une colonne sans en-tête : nommez la colonne ou videz la cellule"),
    "bad-csv": (
        "the CSV cannot be read here: {detail}",
        "le CSV est illisible ici : {detail}"),
    "no-header": (
        "the file has no header row: the first row names the columns (docs/import.md)",
        "le fichier n'a pas de ligne d'en-tête : la première ligne nomme les colonnes (docs/import.md)"),
}


_say = messages_of(MESSAGES)


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", normalised(text)).strip("_")


def _split(text: str) -> list[str]:
    """The values of a multi-valued cell, separated by ";" or "|", without repeats."""
    values: list[str] = []
    for part in re.split(r"[;|]", text):
        part = part.strip()
        if part and part not in values:
            values.append(part)
    return values


# -- reading rows ------------------------------------------------------------------

Row = tuple[int, list[str]]   # (row number as a spreadsheet shows it, cells)


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold (7.5 -> "7.5", 60.0 -> "60", True -> "true")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _csv_delimiter(text: str) -> str:
    """``,``, ``;`` or tab: the one the header line uses most (quoted text aside)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    unquoted = re.sub(r'"[^"]*"', "", first)
    return max((",", ";", "\t"), key=lambda d: (unquoted.count(d), d == ","))


def _csv_rows(path: Path) -> list[Row]:
    text = utf8_text(path.read_bytes(), str(path), what="the inventory", encoding="CSV UTF-8")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_delimiter(text), strict=True)
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells))
    except csv.Error as exc:
        problem = Problem(f"row {len(rows) + 1}", None, _say("bad-csv", detail=str(exc)))
        raise ProblemsError("the inventory is not valid CSV", problems=[problem], path=str(path)) from exc
    return rows


def _xlsx_rows(path: Path) -> list[Row]:
    import openpyxl   # only for XLSX files: it takes a while to import
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"not a readable XLSX workbook: {exc}", path=str(path)) from exc
    try:
        sheet = workbook.worksheets[0]
        return [(number, [_cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)]
    finally:
        workbook.close()


def read_rows(path: Path) -> list[Row]:
    """The rows of a CSV or XLSX inventory, numbered as a spreadsheet shows them.

    :raises InputError: no such file, or not a .csv or .xlsx file, or an unreadable workbook.
    :raises ProblemsError: a CSV that is not UTF-8 or not valid CSV (with the line or row).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", path=str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _csv_rows(path)
    if suffix == ".xlsx":
        return _xlsx_rows(path)
    raise InputError(f"unsupported inventory format {suffix or '(none)'!r}: give a .csv or .xlsx file",
                     path=str(path))


# -- reading the inventory ---------------------------------------------------------


class _Rows:
    """The inventory's rows under their header, and the problems found so far."""

    def __init__(self, rows: list[Row]):
        self.problems: list[Problem] = []
        self.columns: dict[str, int] = {}    # column name -> index
        self.headers: dict[str, str] = {}    # column name -> the header as the file writes it
        self.header: list[str] = []
        self.header_row = 1
        filled = [(n, [c.strip() for c in cells]) for n, cells in rows if any(c.strip() for c in cells)]
        if not filled:
            self.add(Problem("row 1", None, _say("no-header")))
            self.data: list[Row] = []
            return
        (self.header_row, self.header), self.data = filled[0], filled[1:]
        for index, text in enumerate(self.header):
            if text:
                self._read_header(index, text)
        for name in ("institution", "training_type"):
            if name not in self.columns:
                self.add(Problem(f"row {self.header_row}", None,
                                 _say("missing-column", value=name, names=_names(name))))
        if "title_fr" not in self.columns and "title_en" not in self.columns:
            self.add(Problem(f"row {self.header_row}", None, _say(
                "missing-column", value="title_fr", names=f"{_names('title_fr')}; {_names('title_en')}")))

    def _read_header(self, index: int, text: str) -> None:
        where = f"row {self.header_row}"
        column = _BY_HEADER.get(_header_key(text))
        if column is None:
            close = difflib.get_close_matches(_header_key(text), sorted(_BY_HEADER), n=3, cutoff=0.6)
            self.add(Problem(where, text, _say(
                "unknown-column", value=text,
                closest_en=f" (closest: {', '.join(close)})" if close else "",
                closest_fr=f" (les plus proches : {', '.join(close)})" if close else "")))
        elif column.name in self.columns:
            self.add(Problem(where, text, _say("duplicate-column", value=text,
                                               other=_letter(self.columns[column.name]))))
        else:
            self.columns[column.name] = index
            self.headers[column.name] = text

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def sorted_problems(self) -> list[Problem]:
        """The problems by row, then by column from left to right."""
        index = {header: self.columns[name] for name, header in self.headers.items()}
        index |= {text: i for i, text in enumerate(self.header) if text and text not in index}

        def order(problem: Problem) -> tuple[int, int]:
            column = index.get(problem.field or "", _index_of_letter(problem.field))
            return int(problem.location.split()[1]), column

        return sorted(self.problems, key=order)

    def values(self, cells: list[str]) -> dict[str, str]:
        """The non-empty cells of a row by column name."""
        return {name: cells[index] for name, index in self.columns.items() if index < len(cells) and cells[index]}

    def stray_cells(self, number: int, cells: list[str]) -> None:
        """A problem for each value under no header (an unknown or repeated header was reported already)."""
        for index, text in enumerate(cells):
            if text and (index >= len(self.header) or not self.header[index]):
                self.add(Problem(f"row {number}", _letter(index), _say("cell-without-column", value=text)))


def _names(name: str) -> str:
    column = next(c for c in COLUMNS if c.name == name)
    return f"{column.name} / {column.french}"


def _letter(index: int) -> str:
    """The spreadsheet letter of a column (0 -> "A", 27 -> "AB")."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _index_of_letter(letters: str | None) -> int:
    """The index of a spreadsheet column letter ("A" -> 0), or 0 when ``letters`` is not one."""
    if not letters or not re.fullmatch(r"[A-Z]{1,3}", letters):
        return 0
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _new_institutions(rows: _Rows, vocabulary: Vocabulary) -> dict[URIRef, NewInstitution]:
    """The unknown institutions the inventory may create: those named with a region in some row."""
    created: dict[URIRef, NewInstitution] = {}
    for number, cells in rows.data:
        values = rows.values(cells)
        regions = {r for text in _split(values.get("region", "")) if (r := vocabulary.find("region", text))}
        for name in _split(values.get("institution", "")):
            if vocabulary.find("institution", name) or not may_create_institution(vocabulary, name):
                continue
            iri = institution_iri(name)
            if not regions or iri in vocabulary.terms["institution"]:
                continue
            new = created.setdefault(iri, NewInstitution(iri))
            new.names.add(name)
            new.regions |= regions
            new.cities |= set(_split(values.get("city", "")))
            new.locations.append(f"row {number}")
    return created


class _RowReader:
    """Turns one row into a CourseDraft, reporting each bad cell to ``rows``."""

    def __init__(self, rows: _Rows, vocabulary: Vocabulary, created: dict[URIRef, NewInstitution]):
        self.rows = rows
        self.vocabulary = vocabulary
        self.created = created

    def read(self, number: int, cells: list[str]) -> CourseDraft:
        self.row_number = number
        self.rows.stray_cells(number, cells)
        values = self.values = self.rows.values(cells)
        draft = self.draft = CourseDraft(f"row {number}", fields={name: self.header(name) for name in (
            "id", "title_fr", "title_en", "web_page", "source", "eqf_level", "french_level", "institution")})
        if "id" in values:
            draft.id = checked_id(values["id"])
            if draft.id is None:
                self.problem("id", say("bad-id", value=values["id"]))
        for lang in ("fr", "en"):
            if f"title_{lang}" in values:
                draft.titles[lang] = values[f"title_{lang}"]
            if f"description_{lang}" in values:
                draft.descriptions[lang] = values[f"description_{lang}"]
        if not draft.titles:
            self.problem("title_fr" if "title_fr" in self.rows.columns else "title_en",
                         say("missing-value", what_en="title", what_fr="son titre"))
        draft.institutions = self.institutions()
        draft.cities = _split(values.get("city", ""))
        draft.regions = self.terms("region")
        draft.training_type = self.training_type()
        draft.eqf_level = self.level("eqf_level")
        draft.french_level = self.level("french_level")
        draft.ects = self.number("ects", minimum_included=True)
        draft.hours = self.number("hours", minimum_included=False)
        draft.modes = self.terms("mode")
        draft.languages = self.languages()
        draft.competences = self.terms("competences")
        draft.roles = self.terms("target_roles")
        draft.steps = self.terms("steps")
        for name, target in (("web_page", draft.web_pages), ("source", draft.sources)):
            if name in values:
                url = parse_url(values[name])
                if url is None:
                    self.problem(name, say("not-a-url", value=values[name]))
                else:
                    target.append(url)
        draft.source_seen = values.get("source_seen")
        if "illustrative" in values:
            flag = parse_boolean(values["illustrative"])
            if flag is None:
                self.problem("illustrative", say("not-a-boolean", value=values["illustrative"]))
            draft.illustrative = bool(flag)
        return draft

    def header(self, name: str) -> str:
        return self.rows.headers.get(name, name)

    def problem(self, name: str, message: dict[str, str]) -> None:
        self.draft.reported.add(name)
        self.rows.add(Problem(f"row {self.row_number}", self.header(name), message))

    def terms(self, name: str) -> list[URIRef]:
        found = []
        for text in _split(self.values.get(name, "")):
            iri = self.vocabulary.find(TERM_COLUMNS[name], text)
            if iri is None:
                self.problem(name, self.vocabulary.unknown(TERM_COLUMNS[name], text))
            elif iri not in found:
                found.append(iri)
        return found

    def institutions(self) -> list[URIRef]:
        texts = _split(self.values.get("institution", ""))
        # An empty cell is allowed, as in the shapes (a warning there): some sources name none.
        found = []
        for text in texts:
            iri = self.vocabulary.find("institution", text)
            if iri is None and institution_iri(text) in self.created and not expand(text):
                iri = institution_iri(text)
            if iri is None:
                self.problem("institution", unknown_institution(self.vocabulary, text))
            elif iri not in found:
                found.append(iri)
        return found

    def training_type(self) -> URIRef | None:
        texts = _split(self.values.get("training_type", ""))
        if not texts:
            if "training_type" in self.rows.columns:
                self.problem("training_type", say("missing-value", what_en="training type",
                                                  what_fr="son type de formation"))
            return None
        if len(texts) > 1:
            self.problem("training_type", say("single-value", what_en="training type", what_fr="type de formation",
                                              count=len(texts), values="; ".join(texts)))
            return None
        iri = self.vocabulary.find("training_type", texts[0])
        if iri is None:
            self.problem("training_type", self.vocabulary.unknown("training_type", texts[0]))
        return iri

    def level(self, name: str) -> int | None:
        if name not in self.values:
            return None
        level = parse_level(self.values[name])
        if level is None:
            self.problem(name, say("not-a-level", value=self.values[name]))
        return level

    def number(self, name: str, *, minimum_included: bool):
        if name not in self.values:
            return None
        number = parse_decimal(self.values[name])
        if number is None:
            self.problem(name, say("not-a-number", value=self.values[name]))
        elif number < 0 or (number == 0 and not minimum_included):
            rule = (("ECTS credits are 0 or more", "le nombre de crédits ECTS est positif ou nul") if minimum_included
                    else ("the duration in hours is above zero", "la durée en heures est strictement positive"))
            self.problem(name, say("number-out-of-range", value=self.values[name], rule_en=rule[0], rule_fr=rule[1]))
            return None
        return number

    def languages(self) -> list[str]:
        found = []
        for text in _split(self.values.get("language", "")):
            tag = parse_language(text)
            if tag is None:
                self.problem("language", say("not-a-language", value=text))
            elif tag not in found:
                found.append(tag)
        return found


def read_inventory(path: Path | str, vocabulary: Vocabulary) -> ParsedCourses:
    """The courses of a CSV or XLSX inventory (one row per course) as genskills RDF.

    Every cell is checked (types, required cells, known labels, duplicate courses); all the
    problems of the file are reported together. Nothing is read from or written to a store.

    :raises InputError: no such file, not a .csv/.xlsx file, or an unreadable workbook.
    :raises ProblemsError: the inventory has problems; ``problems`` lists each one with its
        row ("row 12", header = row 1) and column, in French and English.
    """
    path = Path(path)
    return inventory_courses(read_rows(path), vocabulary, source=path.name, path=str(path))


def inventory_courses(rows: list[Row], vocabulary: Vocabulary, *, source: str,
                      path: str | None = None) -> ParsedCourses:
    """The courses of inventory ``rows`` (numbered cells, the header first) as genskills RDF.

    What ``read_inventory`` does once the file is read; also the reader of a course sent to
    the API as JSON (its keys as the header row, its values as one row).

    :raises ProblemsError: as ``read_inventory``.
    """
    rows = _Rows(rows)
    created = _new_institutions(rows, vocabulary)
    reader = _RowReader(rows, vocabulary, created)
    drafts: list[tuple[URIRef, CourseDraft]] = []
    for number, cells in rows.data:
        draft = reader.read(number, cells)
        for problem in check_course(draft, vocabulary):
            rows.add(problem)
        iri = course_iri(draft)
        if iri is not None:
            drafts.append((iri, draft))
    for problem in duplicate_problems(drafts):
        rows.add(problem)
    problems = rows.sorted_problems()
    if problems:
        raise ProblemsError(f"{len(problems)} problem(s) in the inventory; nothing was read",
                            problems=problems, path=path)
    fields = {prop: " / ".join(rows.headers[c] for c in columns if c in rows.headers) or columns[0]
              for prop, columns in PROPERTY_COLUMNS.items()}
    if "region" not in rows.headers:
        fields[GSK.inRegion] = rows.headers.get("institution", "institution")
    used = {i for _, d in drafts for i in d.institutions}
    return build_courses(drafts, [created[i] for i in sorted(created) if i in used], vocabulary,
                         origin=ORIGIN, fields=fields, source=source)
